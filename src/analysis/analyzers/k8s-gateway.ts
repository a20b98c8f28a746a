import { AnalysisContext } from '../context';
import { matches } from '../labels';
import { selectorOf } from '../model';
import { isObject, objects, Resource } from '../resource';

/**
 * Kubernetes Gateway API analyzers (istioctl pkg/config/analysis/analyzers/k8sgateway), on the
 * raw `gateway.networking.k8s.io` objects whatever wrote them: IST0166, IST0176. Internal.
 */

/** The oldest Gateway API bundle Istio 1.30 serves everything from. */
export const MIN_GATEWAY_API_VERSION = 'v1.5.0';

const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

/**
 * IST0166: a policy whose `selector` picks the pods of a Kubernetes Gateway; those pods take
 * policies through `targetRefs` only. The pods istiod deploys for a Gateway carry
 * `gateway.networking.k8s.io/gateway-name: <name>`.
 */
export function ineffectiveSelectors(ctx: AnalysisContext): void {
  const gateways = ctx.model.gatewayApi('Gateway');
  if (gateways.length === 0) return;
  for (const kind of POLICY_KINDS) {
    for (const policy of ctx.model.istio(kind)) {
      const selector = selectorOf(policy.spec.selector);
      if (!selector || Object.keys(selector.matchLabels).length === 0) continue;
      for (const gw of gateways) {
        if (policy.namespace !== gw.namespace && policy.namespace !== ctx.model.rootNamespace) continue;
        const podLabels = { 'gateway.networking.k8s.io/gateway-name': gw.name, 'istio.io/gateway-name': gw.name, ...podLabelsOf(gw.spec) };
        const keys = Object.keys(selector.matchLabels);
        if (keys.every(k => k in podLabels) && matches(selector, podLabels)) {
          ctx.report(policy, 'IST0166', `Ineffective selector on Kubernetes Gateway ${gw.name}. Use the TargetRef field instead: targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gw.name} }].`);
        }
      }
    }
  }
}

function podLabelsOf(spec: Record<string, any>): Record<string, string> {
  const infra = isObject(spec.infrastructure) && isObject(spec.infrastructure.labels) ? spec.infrastructure.labels : {};
  return Object.fromEntries(Object.entries(infra).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** IST0176: Gateway API CRDs older than Istio 1.30 needs; istiod silently ignores what they serve. */
export function gatewayApiCrdVersion(ctx: AnalysisContext): void {
  const min = parseVersion(MIN_GATEWAY_API_VERSION)!;
  for (const crd of ctx.model.kube('CustomResourceDefinition')) {
    const group = isObject(crd.spec) ? crd.spec.group : undefined;
    if (group !== 'gateway.networking.k8s.io') continue;
    const bundle = crd.annotations['gateway.networking.k8s.io/bundle-version'];
    const version = bundle ? parseVersion(bundle) : undefined;
    if (version && older(version, min)) {
      ctx.report(crd, 'IST0176', `The Gateway API CRD version ${bundle} is lower than the minimum version ${MIN_GATEWAY_API_VERSION} Istio 1.30 needs: `
        + 'istiod ignores the resources it serves. Install the Gateway API standard CRDs v1.5 or later.');
    }
  }
  void objects;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];
/** The route kinds a listener accepts when its `allowedRoutes.kinds` is unset, by protocol. */
const DEFAULT_KINDS: Record<string, string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'], HTTPS: ['HTTPRoute', 'GRPCRoute'], TLS: ['TLSRoute'], TCP: ['TCPRoute'], UDP: ['UDPRoute'],
};

/**
 * Gateway API routes and what they reference (what Istio reports in the route's status, not
 * at admission; istioctl has no analyzer for it, so the codes are this library's, at Warning,
 * since a name may refer to an object that other manifests create):
 * - CDK0004: a parent Gateway or Service, or a backend Service (or its port), that is not there;
 * - CDK0002: a parent Gateway none of whose listeners (of the route's `sectionName`/`port`)
 *   accepts the route, because of `allowedRoutes` (namespaces or kinds) or the listener protocol;
 * - CDK0003: a backend in another namespace that no ReferenceGrant there lets the route use.
 */
export function routeReferences(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const kind of ROUTE_KINDS) {
    for (const route of model.gatewayApi(kind)) {
      const routeNs = route.namespace ?? 'default';
      for (const parent of objects(route.spec.parentRefs)) {
        const parentKind = typeof parent.kind === 'string' ? parent.kind : 'Gateway';
        const parentNs = typeof parent.namespace === 'string' ? parent.namespace : routeNs;
        const name = String(parent.name);
        if (parentKind === 'Service') {
          if (!model.service(parentNs, name) && model.expects('Service', parentNs)) {
            ctx.report(route, 'CDK0004', `Referenced service not found: "${parentNs}/${name}"`);
          }
          continue;
        }
        if (parentKind !== 'Gateway') continue;
        const gateway = model.gatewayApi('Gateway').find(g => g.name === name && (g.namespace ?? 'default') === parentNs);
        if (!gateway) {
          if (model.expects('Gateway', parentNs)) ctx.report(route, 'CDK0004', `Referenced gateway not found: "${parentNs}/${name}"`);
          continue;
        }
        const problem = rejection(model, gateway, route, kind, parent);
        if (problem) ctx.report(route, 'CDK0002', `Gateway ${parentNs}/${name} does not accept this ${kind}: ${problem}.`);
      }
      for (const rule of objects(route.spec.rules)) {
        for (const backend of objects(rule.backendRefs)) {
          if ((backend.group ?? '') !== '' || (backend.kind ?? 'Service') !== 'Service') continue;
          const ns = typeof backend.namespace === 'string' ? backend.namespace : routeNs;
          const name = String(backend.name);
          const service = model.service(ns, name);
          if (!service) {
            if (model.expects('Service', ns)) ctx.report(route, 'CDK0004', `Referenced host not found: "${name}.${ns}"`);
          } else if (typeof backend.port === 'number' && !service.ports.some(p => p.number === backend.port)) {
            ctx.report(route, 'CDK0004', `Referenced host:port not found: "${name}.${ns}:${backend.port}"; Service ${ns}/${name} exposes ${service.ports.map(p => p.number).join(', ') || 'no port'}`);
          }
          if (ns !== routeNs && !granted(model, routeNs, kind, ns, name) && model.expects('ReferenceGrant', ns)) {
            ctx.report(route, 'CDK0003', `Backend Service ${ns}/${name} is in another namespace, and no ReferenceGrant in ${ns} lets ${kind}s of ${routeNs} use it; add one.`);
          }
        }
      }
    }
  }
}

/** Why no listener of `gateway` that `parent` names accepts the route, or undefined when one does. */
function rejection(model: AnalysisContext['model'], gateway: Resource, route: Resource, kind: string,
  parent: Record<string, any>): string | undefined {
  const listeners = objects(gateway.spec.listeners)
    .filter(l => parent.sectionName === undefined || l.name === parent.sectionName)
    .filter(l => parent.port === undefined || l.port === parent.port);
  if (listeners.length === 0) {
    const wanted = [parent.sectionName !== undefined ? `named ${parent.sectionName}` : '', parent.port !== undefined ? `on port ${parent.port}` : ''].filter(s => s).join(' ');
    return `it has no listener ${wanted}`;
  }
  const reasons: string[] = [];
  for (const listener of listeners) {
    const allowed = isObject(listener.allowedRoutes) ? listener.allowedRoutes : {};
    const from = isObject(allowed.namespaces) && typeof allowed.namespaces.from === 'string' ? allowed.namespaces.from : 'Same';
    const routeNs = route.namespace ?? 'default';
    const gatewayNs = gateway.namespace ?? 'default';
    let namespaceOk = from === 'All' || (from === 'Same' && routeNs === gatewayNs);
    if (from === 'Selector') {
      const selector = selectorOf(isObject(allowed.namespaces) ? allowed.namespaces.selector : undefined);
      const ns = model.namespaceObject(routeNs);
      // a namespace the objects do not define may carry the labels: only a known one is judged
      namespaceOk = !ns || (selector !== undefined && matches(selector, { 'kubernetes.io/metadata.name': routeNs, ...ns.labels }));
    }
    const kinds = objects(allowed.kinds).map(k => String(k.kind));
    const kindOk = kinds.length > 0 ? kinds.includes(kind) : (DEFAULT_KINDS[String(listener.protocol)] ?? ROUTE_KINDS).includes(kind);
    if (namespaceOk && kindOk) return undefined;
    reasons.push(`listener ${listener.name} ${namespaceOk
      ? `accepts ${(kinds.length > 0 ? kinds : DEFAULT_KINDS[String(listener.protocol)] ?? []).join(', ') || 'no route kind'}`
      : `accepts routes from ${from === 'Same' ? `namespace ${gatewayNs} only` : 'the namespaces its selector picks'}`}`);
  }
  return reasons.join('; ');
}

/** Whether a ReferenceGrant in `ns` lets `kind`s of `fromNs` refer to the Service `name`. */
function granted(model: AnalysisContext['model'], fromNs: string, kind: string, ns: string, name: string): boolean {
  return model.gatewayApi('ReferenceGrant').filter(g => (g.namespace ?? 'default') === ns).some(g =>
    objects(g.spec.from).some(f => f.group === GATEWAY_GROUP && f.kind === kind && f.namespace === fromNs)
    && objects(g.spec.to).some(t => (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === name)));
}
