import { AnalysisContext } from '../context';
import { MeshModel, selectorOf } from '../model';
import { isObject, objects, Resource, strings } from '../resource';

/**
 * This library's own findings on ambient mode (istioctl has no analyzer for them):
 * CDK0005, L7 policy that ztunnel would enforce, and CDK0006, policy or routes attached to a
 * Service that no waypoint serves. Internal.
 */

const DATAPLANE_MODE = 'istio.io/dataplane-mode';
const USE_WAYPOINT = 'istio.io/use-waypoint';
/** The `when` keys ztunnel evaluates; every other key (`request.*`, `experimental.*`) needs HTTP. */
const L4_CONDITION_KEYS = new Set(['source.ip', 'source.namespace', 'source.principal', 'remote.ip', 'destination.ip', 'destination.port', 'connection.sni']);
const L7_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals'];
const L7_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
/** Labels that select a Gateway API gateway's Envoy pods, which enforce L7 rules themselves. */
const GATEWAY_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];

/** Whether a pod has its own Envoy (a sidecar) or stays out of ambient mode. */
function outsideAmbient(labels: Record<string, string>): boolean {
  return labels[DATAPLANE_MODE] === 'none' || labels['sidecar.istio.io/inject'] === 'true';
}

function isAmbientNamespace(model: MeshModel, namespace: string | undefined): boolean {
  return namespace !== undefined && model.namespaceObject(namespace)?.labels[DATAPLANE_MODE] === 'ambient';
}

/** The L7 attributes an AuthorizationPolicy's rules use, as `rules[i].field` paths. */
function l7Attributes(policy: Resource): string[] {
  const found: string[] = [];
  objects(policy.spec.rules).forEach((rule, i) => {
    objects(rule.from).forEach((from, j) => {
      const source = isObject(from.source) ? from.source : {};
      for (const f of L7_SOURCE_FIELDS) if (strings(source[f]).length > 0) found.push(`rules[${i}].from[${j}].source.${f}`);
    });
    objects(rule.to).forEach((to, j) => {
      const op = isObject(to.operation) ? to.operation : {};
      for (const f of L7_OPERATION_FIELDS) if (strings(op[f]).length > 0) found.push(`rules[${i}].to[${j}].operation.${f}`);
    });
    objects(rule.when).forEach((cond, j) => {
      if (typeof cond.key === 'string' && !L4_CONDITION_KEYS.has(cond.key)) found.push(`rules[${i}].when[${j}] (${cond.key})`);
    });
  });
  return found;
}

function attachedWithTargetRefs(r: Resource): boolean {
  return isObject(r.spec.targetRef) || objects(r.spec.targetRefs).length > 0;
}

function waypointsIn(model: MeshModel, namespace: string): Resource[] {
  return model.gatewayApi('Gateway').filter(g => g.namespace === namespace && g.spec.gatewayClassName === 'istio-waypoint');
}

/**
 * CDK0005: an AuthorizationPolicy with L7 attributes (methods, paths, request principals,
 * `request.*` conditions) that selects workloads of an ambient namespace (or all of them).
 * ztunnel enforces such a policy and cannot see HTTP: an ALLOW rule with L7 attributes never
 * matches, and a DENY rule denies all traffic that matches its L4 part. A RequestAuthentication
 * that selects ambient workloads has no effect at all.
 */
export function ambientL7Policies(ctx: AnalysisContext): void {
  const model = ctx.model;
  const waypointHint = (ns: string) => {
    const waypoints = waypointsIn(model, ns);
    return waypoints.length > 0
      ? `attach it to waypoint "${waypoints[0].name}" with targetRefs (the waypoint or a Service that uses it) instead of a selector`
      : 'deploy a waypoint for the namespace or Service and attach the policy to it with targetRefs instead of a selector';
  };
  for (const policy of model.istio('AuthorizationPolicy')) {
    if (attachedWithTargetRefs(policy) || !isAmbientNamespace(model, policy.namespace)) continue;
    const l7 = l7Attributes(policy);
    if (l7.length === 0) continue;
    const selector = selectorOf(policy.spec.selector);
    const selective = selector !== undefined && Object.keys(selector.matchLabels).length > 0;
    if (selective && GATEWAY_LABELS.some(l => selector.matchLabels[l] !== undefined)) continue;
    if (selective) {
      const pods = model.selectWorkloads(policy.namespace!, selector);
      if (pods.length > 0 && pods.every(w => outsideAmbient(w.labels))) continue;
    }
    const scope = selective ? 'selects workloads' : 'applies to every workload';
    const action = typeof policy.spec.action === 'string' ? policy.spec.action : 'ALLOW';
    const effect = action === 'DENY'
      ? 'ztunnel denies all traffic matching the rest of the rule'
      : action === 'ALLOW' ? 'ztunnel never matches those rules, so the traffic they should allow is denied' : `ztunnel cannot apply a ${action} policy`;
    ctx.report(policy, 'CDK0005', `AuthorizationPolicy ${scope} of ambient namespace "${policy.namespace}", where ztunnel enforces it at L4, `
      + `but uses L7 attributes (${l7.join(', ')}): ${effect}. To enforce L7 rules, ${waypointHint(policy.namespace!)}.`);
  }
  for (const ra of model.istio('RequestAuthentication')) {
    if (attachedWithTargetRefs(ra) || !isAmbientNamespace(model, ra.namespace)) continue;
    ctx.report(ra, 'CDK0005', `RequestAuthentication in ambient namespace "${ra.namespace}" selects workloads that have no sidecar, `
      + `and ztunnel does not validate JWTs: it has no effect. To validate tokens, ${waypointHint(ra.namespace!)}.`);
  }
}

/**
 * CDK0006: a policy (`targetRefs`) or a route (`parentRefs`) attached to a Service of an
 * ambient namespace that no waypoint serves (neither the Service nor its namespace is labelled
 * `istio.io/use-waypoint`): only a waypoint enforces them, so they have no effect.
 */
export function servicesWithoutWaypoint(ctx: AnalysisContext): void {
  const model = ctx.model;
  const check = (r: Resource, refs: unknown, field: string) => {
    objects(refs).forEach((ref, i) => {
      if (ref.kind !== 'Service' || (ref.group !== undefined && ref.group !== '')) return;
      const namespace = typeof ref.namespace === 'string' ? ref.namespace : r.namespace!;
      if (!isAmbientNamespace(model, namespace)) return;
      const service = model.service(namespace, String(ref.name));
      if (!service) return;
      const nsLabels = model.namespaceObject(namespace)!.labels;
      if (service.resource.labels[USE_WAYPOINT] !== undefined || nsLabels[USE_WAYPOINT] !== undefined) return;
      ctx.report(r, 'CDK0006', `${field}[${i}] attaches to Service ${namespace}/${ref.name} of ambient namespace "${namespace}", but no waypoint serves it `
        + `(neither the Service nor the namespace is labelled ${USE_WAYPOINT}): only a waypoint enforces it, so it has no effect. `
        + 'Deploy a Waypoint and call useForService() or useForNamespace().');
    });
  };
  for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry']) {
    for (const r of model.istio(kind)) check(r, r.spec.targetRefs, 'targetRefs');
  }
  for (const kind of ['HTTPRoute', 'GRPCRoute']) {
    for (const r of model.gatewayApi(kind)) check(r, r.spec.parentRefs, 'parentRefs');
  }
}
