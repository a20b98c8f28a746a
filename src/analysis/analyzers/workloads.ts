import { AnalysisContext } from '../context';
import { Workload } from '../model';
import { isObject, objects, Resource } from '../resource';

/**
 * Analyzers of Services, workloads and namespaces: service (IST0118, IST0150), deployment
 * (IST0116, IST0137), applicationUID (IST0144) and injection from labels (IST0102, IST0123,
 * IST0146). Internal.
 */

const PROTOCOLS = ['grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp'];
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The protocol Istio reads from a port name (`http-web` is HTTP); undefined when the name follows no convention. */
export function protocolOfName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (PROTOCOLS.includes(lower)) return lower;
  const dash = lower.indexOf('-');
  if (lower.startsWith('grpc-web')) return 'grpc-web';
  if (dash > 0 && PROTOCOLS.includes(lower.slice(0, dash))) return lower.slice(0, dash);
  return undefined;
}

function portProtocol(p: { name: string; appProtocol?: string; protocol?: string }): string {
  if (p.appProtocol) return p.appProtocol.toLowerCase();
  return protocolOfName(p.name) ?? (p.protocol === 'UDP' ? 'udp' : 'tcp');
}

/** IST0118 (a port name Istio reads no protocol from), IST0150 (ExternalName services with TCP ports). */
export function servicePortNames(ctx: AnalysisContext): void {
  for (const svc of ctx.model.kube('Service')) {
    if (SYSTEM_NAMESPACES.has(svc.namespace!) || svc.namespace === ctx.model.rootNamespace) continue;
    const externalName = svc.spec.type === 'ExternalName';
    for (const port of objects(svc.spec.ports)) {
      const name = typeof port.name === 'string' ? port.name : '';
      const appProtocol = typeof port.appProtocol === 'string' ? port.appProtocol : undefined;
      const protocol = appProtocol ?? protocolOfName(name);
      if (externalName) {
        if (protocol === undefined || protocol === 'tcp') {
          ctx.report(svc, 'IST0150', 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol '
            + `from being forwarded correctly (port ${port.port}${name ? `, name ${name}` : ''}).`);
        }
        continue;
      }
      if (protocol === undefined) {
        ctx.report(svc, 'IST0118', `Port name ${name} (port: ${port.port}, targetPort: ${port.targetPort ?? port.port}) doesn't follow the naming convention of Istio port: `
          + 'name it <protocol>[-<suffix>] (http, http2, https, grpc, tcp, tls...) or set appProtocol.');
      }
    }
  }
}

function injectionOf(ctx: AnalysisContext, w: Workload): 'yes' | 'no' | 'unknown' {
  const podSays = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
  if (podSays === 'false') return 'no';
  if (podSays === 'true' || w.labels['istio.io/rev'] !== undefined) return 'yes';
  const ns = ctx.model.namespaceObject(w.namespace);
  if (!ns) return 'unknown';
  if (ns.labels['istio-injection'] === 'enabled' || ns.labels['istio.io/rev'] !== undefined) return 'yes';
  return 'no';
}

/** IST0116, IST0137: the Services that select one workload must agree on ports and protocols. */
export function deploymentServices(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const w of model.workloadList) {
    if (w.resource.kind !== 'Deployment' || model.assumed.has(w.resource)) continue;
    const injection = injectionOf(ctx, w);
    if (injection === 'no' || (injection === 'unknown' && model.complete)) continue;
    const services = model.servicesSelecting(w);
    if (services.length < 2) continue;
    const protocols = new Map<number, Map<string, Set<string>>>();
    const targets = new Map<string, Map<number, Set<string>>>();
    for (const svc of services) {
      for (const p of objects(svc.resource.spec.ports)) {
        const port = Number(p.port);
        const protocol = portProtocol({ name: String(p.name ?? ''), appProtocol: p.appProtocol, protocol: p.protocol });
        const byProtocol = protocols.get(port) ?? new Map<string, Set<string>>();
        byProtocol.set(protocol, (byProtocol.get(protocol) ?? new Set()).add(svc.resource.name));
        protocols.set(port, byProtocol);
        const target = String(p.targetPort ?? p.port);
        const byPort = targets.get(target) ?? new Map<number, Set<string>>();
        byPort.set(port, (byPort.get(port) ?? new Set()).add(svc.resource.name));
        targets.set(target, byPort);
      }
    }
    for (const [port, byProtocol] of protocols) {
      if (byProtocol.size < 2) continue;
      const names = [...new Set([...byProtocol.values()].flatMap(s => [...s]))].sort();
      ctx.report(w.resource, 'IST0116', `This deployment ${w.resource.name} is associated with multiple services using port ${port} but different protocols: [${names.join(' ')}]`);
    }
    for (const [target, byPort] of targets) {
      if (byPort.size < 2) continue;
      const names = [...new Set([...byPort.values()].flatMap(s => [...s]))].sort();
      ctx.report(w.resource, 'IST0137', `This deployment ${w.resource.name} is associated with multiple services [${names.join(' ')}] using targetPort "${target}" but different ports: [${[...byPort.keys()].join(' ')}].`);
    }
  }
}

/** IST0144: application containers running as the proxy's UID 1337. */
export function applicationUid(ctx: AnalysisContext): void {
  for (const w of ctx.model.workloadList) {
    if (ctx.model.assumed.has(w.resource)) continue;
    const podUid = isObject(w.podSpec.securityContext) ? w.podSpec.securityContext.runAsUser : undefined;
    const containers = objects(w.podSpec.containers).filter(c => c.name !== 'istio-proxy');
    // A gateway is a proxy that runs as 1337 by design.
    if (containers.length === 0) continue;
    const offending = containers.some(c => (isObject(c.securityContext) ? c.securityContext.runAsUser : undefined) === 1337);
    if (podUid === 1337 || offending) {
      ctx.report(w.resource, 'IST0144', 'User ID (UID) 1337 is reserved for the sidecar proxy: run the application as another user.');
    }
  }
}

/** IST0102, IST0123: injection labels of Namespace objects. */
export function namespaceInjection(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const ns of model.kube('Namespace')) {
    if (SYSTEM_NAMESPACES.has(ns.name) || ns.name === model.rootNamespace || ns.name === 'istio-system') continue;
    const labels = ['istio-injection', 'istio.io/rev'].filter(l => ns.labels[l] !== undefined);
    if (labels.length > 1) {
      ctx.report(ns, 'IST0123', `The namespace has more than one type of injection labels [${labels.join(' ')}], which may lead to undefined behavior. Make sure only one injection label exists.`);
    }
    if (labels.length === 0 && ns.labels['istio.io/dataplane-mode'] === undefined) {
      ctx.report(ns, 'IST0102', `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns.name} istio-injection=enabled' to enable it, `
        + `or 'kubectl label namespace ${ns.name} istio-injection=disabled' to explicitly mark it as not needing injection.`);
    }
  }
}

/** IST0146: `image: auto` (filled in by injection) in a Deployment nothing injects. */
export function imageAuto(ctx: AnalysisContext): void {
  for (const w of ctx.model.workloadList) {
    if (w.resource.kind !== 'Deployment' || ctx.model.assumed.has(w.resource)) continue;
    if (!objects(w.podSpec.containers).some(c => c.image === 'auto')) continue;
    const injection = injectionOf(ctx, w);
    if (injection === 'yes' || (injection === 'unknown' && !ctx.model.complete)) continue;
    ctx.report(w.resource, 'IST0146', `Deployment ${w.resource.fullName} contains \`image: auto\` but does not match any Istio injection webhook selectors: `
      + `label namespace ${w.namespace} istio-injection=enabled, or the pods sidecar.istio.io/inject=true.`);
  }
}

export type { Resource };
