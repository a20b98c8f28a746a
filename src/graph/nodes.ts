import { GraphBuilder } from './builder';
import { nodeId } from './graph';
import { MeshModel, RegistryHost, Workload } from '../analysis/model';
import { Resource } from '../analysis/resource';

/** The nodes that traffic from Istio's and the Gateway API's routes ends at, and node ids. Internal. */

export function addService(b: GraphBuilder, svc: RegistryHost): void {
  const ports = svc.ports.map(p => `${p.number}${p.name ? `/${p.name}` : ''}`).join(' ');
  b.node(serviceId(svc), 'service', [`Service ${svc.resource.fullName}`, ...(ports ? [`ports ${ports}`] : [])], svc.resource.namespace, [svc.resource.ref]);
}

export function addExternal(b: GraphBuilder, entry: RegistryHost): void {
  const location = typeof entry.resource.spec.location === 'string' ? entry.resource.spec.location : 'MESH_EXTERNAL';
  b.node(externalId(entry), 'external', [`ServiceEntry ${entry.resource.fullName}`, entry.host, location], entry.resource.namespace, [entry.resource.ref]);
}

/** A workload node, with its effective mutual TLS mode. */
export function addWorkload(b: GraphBuilder, model: MeshModel, w: Workload): string {
  const id = workloadId(w);
  if (b.has(id)) return id;
  const mtls = model.mtlsOf(w);
  const ports = mtls.ports.map(p => `port ${p.port} ${p.mode}`);
  const account = typeof w.podSpec.serviceAccountName === 'string' ? [`sa ${w.podSpec.serviceAccountName}`] : [];
  b.node(id, 'workload', [`${w.resource.kind} ${w.resource.fullName}`, `mTLS ${mtls.mode}${ports.length ? `, ${ports.join(', ')}` : ''}`, ...account],
    w.namespace, [w.resource.ref]);
  return id;
}

/**
 * A reference the objects do not define: "not found" when they are all there is (the
 * command), "defined outside this app" at synthesis, where other manifests may define it.
 */
export function addUnresolved(b: GraphBuilder, model: MeshModel, id: string, name: string, namespace: string | undefined): void {
  if (b.has(id)) return;
  if (model.complete) b.node(id, 'missing', [name, 'not found'], namespace);
  else b.node(id, 'external', [name, 'defined outside this app'], namespace);
}

export const vsId = (vs: Resource) => nodeId('virtual-service', vs.namespace!, vs.name);
export const gatewayId = (namespace: string, name: string) => nodeId('gateway', namespace, name);
export const serviceId = (svc: RegistryHost) => nodeId('service', svc.resource.namespace!, svc.resource.name);
export const externalId = (entry: RegistryHost) => nodeId('external', entry.resource.namespace!, entry.resource.name, entry.host);
export const workloadId = (w: Workload) => nodeId('workload', w.namespace, w.resource.kind, w.resource.name);
