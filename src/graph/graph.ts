/**
 * The mesh graph: what a reviewer needs to see of the mesh, as nodes and edges with labels,
 * drawn from the analysis engine's model (src/analysis/model.ts). Renderers (Mermaid, DOT,
 * JSON) only format it. Internal.
 */

/** What a node stands for. */
export type NodeKind =
  | 'gateway' // an Istio Gateway: its servers' ports and hosts
  | 'mesh' // calls between sidecars (VirtualServices bound to the mesh)
  | 'virtual-service'
  | 'route' // a Gateway API route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute)
  | 'service' // a Kubernetes Service routed to without a subset (or not routed at all)
  | 'subset' // a DestinationRule subset of a Service
  | 'external' // a ServiceEntry host
  | 'workload' // a Deployment, StatefulSet... (the pods a Service or subset selects)
  | 'missing' // a destination the objects do not define
  | 'response' // a redirect or a direct response: the route answers itself
  | 'principal' // an AuthorizationPolicy source: ServiceAccount, namespace, IP block, anyone
  | 'namespace'; // every workload of a namespace (a policy without a selector)

/** What an edge stands for. */
export type EdgeKind =
  | 'bind' // a Gateway or the mesh applies a VirtualService, for its hosts
  | 'route' // a VirtualService route to a destination
  | 'delegate' // a VirtualService route delegated to another VirtualService
  | 'mirror' // traffic mirrored to a destination
  | 'select' // a Service or subset selects the pods of a workload
  | 'allow' // an AuthorizationPolicy ALLOW rule: source to workload
  | 'deny'; // an AuthorizationPolicy DENY (or CUSTOM/AUDIT) rule

/** An analysis message marked on a node or an edge. */
export interface Marker {
  readonly code: string;
  readonly level: string;
  readonly resource: string;
  readonly message: string;
}

export interface GraphNode {
  /** Stable and readable: the kind and the object it stands for, as an identifier. */
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label; the first names the node. */
  readonly label: string[];
  /** The namespace it sits in; undefined for the mesh and sources outside any namespace. */
  readonly namespace?: string;
  /** The objects it stands for, as `Kind namespace/name`. */
  readonly resources: string[];
  /** Analysis messages about those objects. */
  readonly findings: Marker[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Lines of the label; empty for none. */
  readonly label: string[];
  /** The object the edge comes from (`Kind namespace/name`). */
  readonly resource?: string;
  /** Strings a message about `resource` names when it concerns this edge (`"host"`, `"host+subset"`). */
  readonly mentions: string[];
  readonly findings: Marker[];
}

/** What the graph says of a namespace as a whole. */
export interface GraphNamespace {
  readonly name: string;
  /** The mTLS mode of its workloads without a workload policy. */
  readonly mtls: string;
  /** An ALLOW policy with no rules and no selector: nothing is allowed unless another policy allows it. */
  readonly defaultDeny: boolean;
}

export interface Graph {
  readonly title: string;
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  /** The namespaces of the nodes, sorted. */
  readonly namespaces: GraphNamespace[];
  /** Messages about objects no node or edge stands for. */
  readonly findings: Marker[];
}

/** Where kinds go, left to right: ingress first, workloads and sources last. */
export const KIND_ORDER: readonly NodeKind[] = [
  'gateway', 'mesh', 'virtual-service', 'route', 'service', 'subset', 'external', 'missing', 'response', 'workload', 'namespace', 'principal',
];

/** A node id from its parts: letters, digits and `_` only, so every renderer takes it as is. */
export function nodeId(kind: NodeKind, ...parts: string[]): string {
  const prefix: Record<NodeKind, string> = {
    'gateway': 'gw',
    'mesh': 'mesh',
    'virtual-service': 'vs',
    'route': 'route',
    'service': 'svc',
    'subset': 'subset',
    'external': 'ext',
    'workload': 'wl',
    'missing': 'missing',
    'response': 'resp',
    'principal': 'src',
    'namespace': 'ns',
  };
  return [prefix[kind], ...parts].join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/** Sorts nodes by kind, then namespace, then id: the same objects give the same graph. */
export function sortNodes(nodes: GraphNode[]): GraphNode[] {
  return [...nodes].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
    || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.id, b.id));
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
