import { GraphBuilder } from './builder';
import { nodeId } from './graph';
import { addService, addUnresolved, addWorkload, serviceId } from './nodes';
import { shareOf } from './route-labels';
import { CLUSTER_DOMAIN } from '../analysis/hosts';
import { MeshModel } from '../analysis/model';
import { isObject, Json, objects, Resource, strings } from '../analysis/resource';

/**
 * The Kubernetes Gateway API drawn like Istio's: Gateways (listeners: port, protocol,
 * hostname) and, for GAMMA routes whose parent is a Service, the mesh, bound to routes
 * (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) whose rules lead to backend Services
 * and the workloads they select. Returns the FQDNs of the Services that mesh routes take
 * over. Internal.
 */
export function addGatewayApi(b: GraphBuilder, model: MeshModel): Set<string> {
  const routed = new Set<string>();
  for (const gateway of model.gatewayApi('Gateway')) {
    const lines = [`Gateway ${gateway.fullName}`];
    if (typeof gateway.spec.gatewayClassName === 'string') lines.push(`class ${gateway.spec.gatewayClassName}`);
    for (const l of objects(gateway.spec.listeners)) {
      lines.push(`:${l.port ?? '?'} ${l.protocol ?? ''} ${typeof l.hostname === 'string' ? l.hostname : '*'}`.replace(/ +/g, ' '));
    }
    b.node(k8sGatewayId(gateway.namespace!, gateway.name), 'gateway', lines, gateway.namespace, [gateway.ref]);
  }
  for (const kind of ROUTE_KINDS) {
    for (const route of model.gatewayApi(kind)) {
      const id = nodeId('route', route.namespace!, kind, route.name);
      const hostnames = strings(route.spec.hostnames);
      b.node(id, 'route', [`${kind} ${route.fullName}`, ...(hostnames.length ? [`hostnames ${hostnames.join(' ')}`] : [])], route.namespace, [route.ref]);
      for (const parent of objects(route.spec.parentRefs)) {
        const parentKind = typeof parent.kind === 'string' ? parent.kind : 'Gateway';
        const ns = typeof parent.namespace === 'string' ? parent.namespace : route.namespace!;
        const name = String(parent.name);
        const section = [typeof parent.sectionName === 'string' ? `listener ${parent.sectionName}` : '', typeof parent.port === 'number' ? `port ${parent.port}` : '']
          .filter(s => s);
        if (parentKind === 'Service') {
          b.node('mesh', 'mesh', ['mesh', 'calls between sidecars'], undefined);
          b.edge('mesh', id, 'bind', [name === route.name && ns === route.namespace ? name : `${ns}/${name}`, ...section], route.ref);
          routed.add(`${name}.${ns}.${CLUSTER_DOMAIN}`);
          continue;
        }
        const gatewayNode = k8sGatewayId(ns, name);
        addUnresolved(b, model, gatewayNode, `Gateway ${ns}/${name}`, ns);
        b.edge(gatewayNode, id, 'bind', [hostnames.length ? hostnames.join(' ') : '*', ...section], route.ref, [`"${ns}/${name}"`]);
      }
      addRules(b, model, route, id);
    }
  }
  return routed;
}

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

export const k8sGatewayId = (namespace: string, name: string) => nodeId('gateway', 'k8s', namespace, name);

function addRules(b: GraphBuilder, model: MeshModel, route: Resource, id: string): void {
  const rules = objects(route.spec.rules);
  rules.forEach((rule, i) => {
    const matches = objects(rule.matches).map((m, j) => `${j > 0 ? 'or ' : ''}${describeMatch(m)}`);
    const head = matches.length > 0 ? matches : rules.length > 1 && i > 0 ? ['otherwise'] : [];
    const filters = objects(rule.filters);
    const behaviour = [
      ...(isObject(rule.timeouts) && typeof rule.timeouts.request === 'string' ? [`timeout ${rule.timeouts.request}`] : []),
      ...(isObject(rule.retry) && typeof rule.retry.attempts === 'number' ? [`retries ${rule.retry.attempts}`] : []),
      ...filters.flatMap(filterLines),
    ];
    const redirect = filters.find(f => f.type === 'RequestRedirect' && isObject(f.requestRedirect));
    if (redirect) {
      const r = redirect.requestRedirect;
      const to = [r.scheme ? `${r.scheme}://` : '', r.hostname ?? '', r.port ? `:${r.port}` : '', isObject(r.path) ? r.path.replaceFullPath ?? r.path.replacePrefixMatch ?? '' : ''].join('');
      const target = nodeId('response', route.namespace!, route.name, String(i));
      b.node(target, 'response', [`redirect ${r.statusCode ?? 302}`, ...(to ? [`to ${to}`] : [])], route.namespace, [route.ref]);
      b.edge(id, target, 'route', head, route.ref);
    }
    const backends = objects(rule.backendRefs).filter(r => (r.group ?? '') === '' && (r.kind ?? 'Service') === 'Service');
    const weights = backends.map(r => (typeof r.weight === 'number' ? r.weight : 1));
    backends.forEach((backend, j) => {
      const share = shareOf(weights[j], weights);
      const target = backendNode(b, model, route, backend);
      const port = typeof backend.port === 'number' ? [`port ${backend.port}`] : [];
      b.edge(id, target.id, 'route', [...head, ...(share ? [share] : []), ...port, ...behaviour.filter(l => !l.startsWith('mirror'))], route.ref, target.mentions);
    });
    for (const f of filters.filter(x => x.type === 'RequestMirror' && isObject(x.requestMirror) && isObject(x.requestMirror.backendRef))) {
      const m = f.requestMirror;
      const pct = typeof m.percent === 'number' ? `${m.percent}%`
        : isObject(m.fraction) ? `${m.fraction.numerator}/${m.fraction.denominator ?? 100}` : '100%';
      const target = backendNode(b, model, route, m.backendRef);
      b.edge(id, target.id, 'mirror', [`mirror ${pct}`], route.ref, target.mentions);
    }
  });
}

function backendNode(b: GraphBuilder, model: MeshModel, route: Resource, backend: Json): { id: string; mentions: string[] } {
  const ns = typeof backend.namespace === 'string' ? backend.namespace : route.namespace!;
  const name = String(backend.name);
  const mentions = [`"${name}.${ns}"`, `"${name}.${ns}:${backend.port}"`, `${ns}/${name}`];
  const svc = model.service(ns, name);
  if (!svc) {
    const id = nodeId('missing', `${name}.${ns}.${CLUSTER_DOMAIN}`, '');
    addUnresolved(b, model, id, `Service ${ns}/${name}`, ns);
    return { id, mentions };
  }
  addService(b, svc);
  for (const w of model.workloadsOf(svc)) b.edge(serviceId(svc), addWorkload(b, model, w), 'select', []);
  return { id: serviceId(svc), mentions };
}

function describeMatch(m: Json): string {
  const parts: string[] = [];
  if (isObject(m.path)) {
    const type = m.path.type ?? 'PathPrefix';
    parts.push(`path ${type === 'Exact' ? '=' : type === 'RegularExpression' ? '~' : 'prefix'} ${m.path.value ?? '/'}`);
  }
  for (const [what, list] of [['header', m.headers], ['query', m.queryParams]] as const) {
    for (const h of objects(list)) parts.push(`${what} ${h.name} ${h.type === 'RegularExpression' ? '~' : '='} ${h.value}`);
  }
  if (typeof m.method === 'string') parts.push(`method = ${m.method}`);
  if (isObject(m.method)) parts.push(`method ${m.method.service ?? ''}/${m.method.method ?? ''}`); // GRPCRoute
  return parts.length > 0 ? parts.join(', ') : 'any request';
}

function filterLines(f: Json): string[] {
  if (f.type === 'URLRewrite' && isObject(f.urlRewrite)) {
    const w = f.urlRewrite;
    const path = isObject(w.path) ? w.path.replaceFullPath ?? w.path.replacePrefixMatch : undefined;
    return [...(path ? [`rewrite path ${path}`] : []), ...(w.hostname ? [`rewrite host ${w.hostname}`] : [])];
  }
  if (f.type === 'RequestHeaderModifier') return ['modify request headers'];
  if (f.type === 'ResponseHeaderModifier') return ['modify response headers'];
  return [];
}
