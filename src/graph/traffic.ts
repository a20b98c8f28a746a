import { GraphBuilder } from './builder';
import { addGatewayApi } from './gateway-api';
import { nodeId } from './graph';
import { addExternal, addService, addUnresolved, addWorkload, externalId, gatewayId, serviceId, vsId, workloadId } from './nodes';
import { behaviourLines, matchLines, mirrorsOf, responseLines, shareOf } from './route-labels';
import { gatewaysOf, resolveGatewayName } from '../analysis/analyzers/virtual-service';
import { intersects, serviceOf, splitServerHost, toFqdn } from '../analysis/hosts';
import { MeshModel, selectorOf } from '../analysis/model';
import { isObject, Json, objects, Resource, strings } from '../analysis/resource';

/**
 * The traffic graph: ingress Gateways (their ports and hosts) and the mesh bind
 * VirtualServices; their routes lead to Services, DestinationRule subsets, ServiceEntry hosts
 * or delegate VirtualServices; Services and subsets select workloads. Internal.
 */
export function addTraffic(b: GraphBuilder, model: MeshModel): void {
  const real = (r: Resource) => !model.assumed.has(r);
  const meshRouted = addGatewayApi(b, model);
  for (const gateway of model.istio('Gateway').filter(real)) addGateway(b, model, gateway);

  const virtualServices = model.istio('VirtualService').filter(real);
  const delegates = new Set<string>();
  for (const vs of virtualServices) {
    for (const rule of objects(vs.spec.http)) {
      if (isObject(rule.delegate) && typeof rule.delegate.name === 'string') {
        delegates.add(`${typeof rule.delegate.namespace === 'string' ? rule.delegate.namespace : vs.namespace}/${rule.delegate.name}`);
      }
    }
  }
  for (const vs of virtualServices) {
    b.node(vsId(vs), 'virtual-service', vsLabel(vs, delegates.has(vs.fullName)), vs.namespace, [vs.ref]);
    if (!delegates.has(vs.fullName)) bind(b, model, vs);
    addRoutes(b, model, vs);
  }

  // Services no VirtualService routes (calls reach every pod of the Service), and Services
  // routed to without a subset, with the workloads they select.
  const routedHosts = new Set([...meshRouted, ...virtualServices.filter(vs => !delegates.has(vs.fullName))
    .flatMap(vs => strings(vs.spec.hosts).map(h => toFqdn(h, vs.namespace!)))]);
  for (const svc of model.allServices()) {
    if (!real(svc.resource) || !svc.selector) continue;
    const id = serviceId(svc);
    if (!b.has(id) && routedHosts.has(svc.host)) continue;
    addService(b, svc);
    for (const w of model.workloadsOf(svc)) b.edge(id, addWorkload(b, model, w), 'select', []);
  }
  // The pods of routed Services that no route reaches: a canary left out, an old version.
  for (const w of model.workloadList) {
    if (!real(w.resource) || b.has(workloadId(w))) continue;
    const services = model.servicesSelecting(w).filter(s => real(s.resource));
    if (services.length === 0) continue;
    addWorkload(b, model, w);
    if (services.every(s => routedHosts.has(s.host))) b.get(workloadId(w))!.label.push('no route leads here');
  }
}

function addGateway(b: GraphBuilder, model: MeshModel, gateway: Resource): void {
  const lines = [`Gateway ${gateway.fullName}`];
  for (const server of objects(gateway.spec.servers)) {
    const port = isObject(server.port) ? server.port : {};
    const tls = isObject(server.tls) && typeof server.tls.mode === 'string' ? ` TLS ${server.tls.mode}` : '';
    lines.push(`:${port.number ?? '?'} ${port.protocol ?? ''}${tls} ${strings(server.hosts).join(' ')}`.replace(/ +/g, ' '));
  }
  const selector = selectorOf(gateway.spec.selector);
  if (selector) {
    const pods = model.workloads.selectAll(selector).map(w => w.resource.fullName);
    lines.push(pods.length > 0 ? `on ${[...new Set(pods)].sort().join(', ')}` : 'on no workload');
  }
  b.node(gatewayId(gateway.namespace!, gateway.name), 'gateway', lines, gateway.namespace, [gateway.ref]);
}

/** The edges from the Gateways (and the mesh) that apply a VirtualService, labelled with its hosts there. */
function bind(b: GraphBuilder, model: MeshModel, vs: Resource): void {
  const hosts = strings(vs.spec.hosts);
  const exportTo = strings(vs.spec.exportTo);
  for (const ref of gatewaysOf(vs)) {
    if (ref === 'mesh') {
      b.node('mesh', 'mesh', ['mesh', 'calls between sidecars'], undefined);
      const scope = exportTo.length > 0 && !exportTo.includes('*')
        ? [`from ${exportTo.map(e => (e === '.' ? vs.namespace : e)).join(', ')} only`] : [];
      b.edge('mesh', vsId(vs), 'bind', [hosts.join(' '), ...scope], vs.ref);
      continue;
    }
    const { namespace, name } = resolveGatewayName(ref, vs.namespace!);
    const gateway = model.gateway(namespace, name);
    const id = gatewayId(namespace, name);
    if (!gateway) {
      addUnresolved(b, model, id, `Gateway ${namespace}/${name}`, namespace);
      b.edge(id, vsId(vs), 'bind', [hosts.join(' ')], vs.ref, [`"${ref}"`]);
      continue;
    }
    // A server host `ns/host` takes VirtualServices of that namespace only; `./host` of the
    // Gateway's own; and the VirtualService must be exported to the Gateway's namespace.
    const served = objects(gateway.spec.servers).flatMap(s => strings(s.hosts)).map(splitServerHost)
      .filter(h => h.namespace === '*' || h.namespace === vs.namespace || (h.namespace === '.' && gateway.namespace === vs.namespace));
    const matched = hosts.filter(h => served.some(s => intersects(s.host, h)));
    if (matched.length === 0 || !model.visibleFrom(vs, gateway.namespace!)) continue;
    b.edge(id, vsId(vs), 'bind', [matched.join(' ')], vs.ref);
  }
}

function addRoutes(b: GraphBuilder, model: MeshModel, vs: Resource): void {
  const http = objects(vs.spec.http);
  http.forEach((rule, i) => {
    const head = [
      ...(typeof rule.name === 'string' ? [`${rule.name}:`] : []),
      ...matchLines(rule, i, http.length),
    ];
    const behaviour = behaviourLines(rule);
    if (isObject(rule.delegate) && typeof rule.delegate.name === 'string') {
      const ns = typeof rule.delegate.namespace === 'string' ? rule.delegate.namespace : vs.namespace!;
      const target = model.istio('VirtualService').find(v => v.namespace === ns && v.name === rule.delegate.name);
      const id = target ? vsId(target) : nodeId('missing', 'vs', ns, rule.delegate.name);
      if (!target) addUnresolved(b, model, id, `VirtualService ${ns}/${rule.delegate.name}`, ns);
      b.edge(vsId(vs), id, 'delegate', [...head, 'delegate', ...behaviour], vs.ref, [`"${rule.delegate.name}"`]);
      return;
    }
    const response = responseLines(rule);
    if (response) {
      const id = nodeId('response', vs.namespace!, vs.name, String(i));
      b.node(id, 'response', response, vs.namespace, [vs.ref]);
      b.edge(vsId(vs), id, 'route', [...head, ...behaviour], vs.ref);
    }
    const routes = objects(rule.route).filter(r => isObject(r.destination));
    const weights = routes.map(r => (typeof r.weight === 'number' ? r.weight : routes.length === 1 ? 100 : 0));
    routes.forEach((route, j) => {
      const share = shareOf(weights[j], weights);
      const dest = destination(b, model, vs, route.destination);
      b.edge(vsId(vs), dest.id, 'route', [...head, ...(share ? [share] : []), ...dest.port, ...behaviour], vs.ref, dest.mentions);
    });
    for (const mirror of mirrorsOf(rule)) {
      const dest = destination(b, model, vs, mirror.destination);
      b.edge(vsId(vs), dest.id, 'mirror', [`mirror ${mirror.percent}`, ...dest.port], vs.ref, dest.mentions);
    }
  });
  for (const section of ['tcp', 'tls'] as const) {
    const rules = objects(vs.spec[section]);
    rules.forEach((rule, i) => {
      const head = [section.toUpperCase(), ...matchLines(rule, i, rules.length, true)];
      const routes = objects(rule.route).filter(r => isObject(r.destination));
      const weights = routes.map(r => (typeof r.weight === 'number' ? r.weight : routes.length === 1 ? 100 : 0));
      routes.forEach((route, j) => {
        const share = shareOf(weights[j], weights);
        const dest = destination(b, model, vs, route.destination);
        b.edge(vsId(vs), dest.id, 'route', [...head, ...(share ? [share] : []), ...dest.port], vs.ref, dest.mentions);
      });
    });
  }
}

/** The node a destination leads to (created with its workloads), and how a message names it. */
function destination(b: GraphBuilder, model: MeshModel, vs: Resource, d: Json): { id: string; port: string[]; mentions: string[] } {
  const host = typeof d.host === 'string' ? d.host : '';
  const subset = typeof d.subset === 'string' ? d.subset : undefined;
  const port = isObject(d.port) && typeof d.port.number === 'number' ? [`port ${d.port.number}`] : [];
  const mentions = [`"${host}"`, ...(subset ? [`"${host}+${subset}"`] : []), ...(port.length ? [`"${host}:${d.port.number}"`] : [])];
  const registry = model.lookupHost(host, vs.namespace!);
  const fqdn = toFqdn(host, vs.namespace!);
  if (!registry) {
    const id = nodeId('missing', fqdn, subset ?? '');
    addUnresolved(b, model, id, `host ${host}${subset ? ` subset ${subset}` : ''}`, serviceOf(fqdn)?.namespace ?? vs.namespace);
    return { id, port, mentions };
  }
  const external = registry.resource.isIstio('ServiceEntry');
  if (!subset) {
    if (external) {
      addExternal(b, registry);
      return { id: externalId(registry), port, mentions };
    }
    addService(b, registry);
    for (const w of model.workloadsOf(registry)) b.edge(serviceId(registry), addWorkload(b, model, w), 'select', []);
    return { id: serviceId(registry), port, mentions };
  }
  const resolved = model.subset(host, vs.namespace!, subset);
  const id = external ? nodeId('subset', registry.resource.namespace!, registry.host, subset)
    : nodeId('subset', registry.resource.namespace!, registry.resource.name, subset);
  const name = registry.resource.isIstio('ServiceEntry') ? registry.host : registry.resource.fullName;
  if (!resolved) {
    b.node(id, 'subset', [`${name} subset ${subset}`, 'no DestinationRule defines it'], registry.resource.namespace);
    return { id, port, mentions };
  }
  const labels = Object.keys(resolved.labels).sort().map(k => `${k}=${resolved.labels[k]}`).join(',');
  b.node(id, 'subset', [`${name} subset ${subset}`, ...(labels ? [labels] : [])], registry.resource.namespace,
    [resolved.rule.ref]);
  for (const w of resolved.workloads) b.edge(id, addWorkload(b, model, w), 'select', []);
  return { id, port, mentions };
}

function vsLabel(vs: Resource, delegate: boolean): string[] {
  const hosts = strings(vs.spec.hosts);
  return [`VirtualService ${vs.fullName}`, ...(delegate ? ['delegate'] : hosts.length ? [`hosts ${hosts.join(' ')}`] : [])];
}
