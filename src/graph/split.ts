import { Graph, GraphEdge, GraphNode, Marker } from './graph';

/**
 * Cuts a graph into the pieces a reader can take in: the part a chart defines, one diagram
 * per namespace, or one per ingress host. Each piece keeps the nodes one edge away, so an
 * edge that leaves the piece still shows where it goes. Internal.
 */

/** How the mesh graph of a big mesh is cut into diagrams. */
export enum MeshGraphSplit {
  /** One diagram while it stays readable (up to `maxNodes` nodes), else one per namespace. */
  AUTO = 'auto',
  /** Always one diagram. */
  NONE = 'none',
  /** One diagram per namespace, with the nodes its edges lead to in other namespaces. */
  NAMESPACE = 'namespace',
  /** One diagram per host an ingress Gateway serves, one for mesh-internal routing, one for the rest. */
  INGRESS_HOST = 'ingress-host',
}

/** Above this many nodes, AUTO cuts the graph per namespace. */
export const DEFAULT_MAX_NODES = 40;

/** The nodes in `core`, the edges that touch them, and the nodes at their other ends. */
export function subgraph(graph: Graph, title: string, core: Set<string>, findings: Marker[] = []): Graph {
  const edges: GraphEdge[] = [];
  const ids = new Set(core);
  for (const e of graph.edges) {
    if (core.has(e.from) || core.has(e.to)) {
      edges.push(e);
      ids.add(e.from);
      ids.add(e.to);
    }
  }
  const nodes = graph.nodes.filter(n => ids.has(n.id));
  return { title, nodes, edges, namespaces: namespacesOf(graph, nodes), findings };
}

/** The part of a graph that stands for `resources` (`Kind namespace/name`): its nodes and the edges that touch them. */
export function restrictTo(graph: Graph, title: string, resources: Set<string>): Graph {
  const core = new Set<string>();
  for (const n of graph.nodes) {
    if (n.resources.some(r => resources.has(r))) core.add(n.id);
  }
  // an edge drawn from an object of the chart (a route, a policy) brings both of its ends
  for (const e of graph.edges) {
    if (e.resource && resources.has(e.resource)) {
      core.add(e.from);
      core.add(e.to);
    }
  }
  return subgraph(graph, title, core, graph.findings.filter(f => resources.has(f.resource)));
}

/** The namespaces (in the graph's order) that some of `nodes` are in. */
function namespacesOf(graph: Graph, nodes: readonly GraphNode[]): Graph['namespaces'] {
  const used = new Set<string | undefined>();
  for (const n of nodes) used.add(n.namespace);
  return graph.namespaces.filter(ns => used.has(ns.name));
}

/**
 * The subgraphs of several disjoint cores (as `subgraph` takes them), in one pass over the
 * edges: each edge goes to the parts of its ends. Each part's findings are the graph's
 * findings about the resources of its core's nodes, in the graph's order.
 */
function subgraphs(graph: Graph, parts: ReadonlyArray<{ title: string; core: readonly string[] }>): Graph[] {
  const partOf = new Map<string, number>();
  parts.forEach((p, i) => p.core.forEach(id => partOf.set(id, i)));
  const edges: GraphEdge[][] = parts.map(() => []);
  for (const e of graph.edges) {
    const a = partOf.get(e.from);
    const b = partOf.get(e.to);
    if (a !== undefined) edges[a].push(e);
    if (b !== undefined && b !== a) edges[b].push(e);
  }
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const findingsAbout = new Map<string, number[]>();
  graph.findings.forEach((f, i) => {
    const list = findingsAbout.get(f.resource);
    if (list) list.push(i);
    else findingsAbout.set(f.resource, [i]);
  });
  return parts.map((part, i) => {
    const ids = new Set(part.core);
    for (const e of edges[i]) {
      ids.add(e.from);
      ids.add(e.to);
    }
    // in the graph's order: their positions, sorted as numbers
    const positions = new Int32Array(ids.size);
    let count = 0;
    for (const id of ids) {
      const at = order.get(id);
      if (at !== undefined) positions[count++] = at;
    }
    const nodes = Array.from(positions.subarray(0, count).sort(), at => graph.nodes[at]);
    const findings = new Set<number>();
    for (const id of part.core) {
      const at = order.get(id);
      for (const r of at === undefined ? [] : graph.nodes[at].resources) for (const f of findingsAbout.get(r) ?? []) findings.add(f);
    }
    return {
      title: part.title,
      nodes,
      edges: edges[i],
      namespaces: namespacesOf(graph, nodes),
      findings: [...findings].sort((x, y) => x - y).map(f => graph.findings[f]),
    };
  });
}

/** Splits a graph as `mode` says; AUTO keeps it whole up to `maxNodes` nodes. */
export function split(graph: Graph, mode: MeshGraphSplit, maxNodes = DEFAULT_MAX_NODES): Graph[] {
  if (mode === MeshGraphSplit.NONE || (mode === MeshGraphSplit.AUTO && graph.nodes.length <= maxNodes)) return [graph];
  const parts = mode === MeshGraphSplit.INGRESS_HOST ? byIngressHost(graph) : byNamespace(graph);
  if (parts.length === 0) return [graph];
  // AUTO: a namespace still too big for a reader is cut along what is connected
  return mode === MeshGraphSplit.AUTO ? parts.flatMap(p => (p.nodes.length > maxNodes ? byComponents(p, maxNodes) : [p])) : parts;
}

/**
 * Packs the connected parts of a graph (a VirtualService with its subsets and workloads, say)
 * into diagrams of at most `maxNodes` nodes, in the graph's order; a part bigger than that
 * stays whole. Titled `title (1/3)`.
 */
function byComponents(graph: Graph, maxNodes: number): Graph[] {
  const parent = new Map(graph.nodes.map(n => [n.id, n.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const e of graph.edges) {
    // the mesh node and policy sources link everything: they do not join components
    if (e.from === 'mesh' || e.kind === 'allow' || e.kind === 'deny') continue;
    parent.set(find(e.from), find(e.to));
  }
  const components = new Map<string, string[]>();
  for (const n of graph.nodes) {
    if (n.id === 'mesh' || n.kind === 'principal') continue;
    const root = find(n.id);
    const list = components.get(root);
    if (list) list.push(n.id);
    else components.set(root, [n.id]);
  }
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const ids of components.values()) {
    if (current.length > 0 && current.length + ids.length > maxNodes) {
      chunks.push(current);
      current = [];
    }
    current.push(...ids);
  }
  if (current.length > 0) chunks.push(current);
  if (chunks.length <= 1) return [graph];
  return subgraphs(graph, chunks.map((core, i) => ({ title: `${graph.title} (${i + 1}/${chunks.length})`, core })));
}

function byNamespace(graph: Graph): Graph[] {
  const inNamespace = new Map<string, string[]>(graph.namespaces.map(ns => [ns.name, []]));
  const linked = new Set<string>();
  for (const e of graph.edges) {
    linked.add(e.from);
    linked.add(e.to);
  }
  const outside: string[] = [];
  for (const n of graph.nodes) {
    if (n.namespace === undefined) {
      if (!linked.has(n.id)) outside.push(n.id);
    } else {
      inNamespace.get(n.namespace)?.push(n.id);
    }
  }
  return subgraphs(graph, [
    ...graph.namespaces.map(ns => ({ title: `${graph.title}: namespace ${ns.name}`, core: inNamespace.get(ns.name)! })),
    ...(outside.length > 0 ? [{ title: `${graph.title}: outside any namespace`, core: outside }] : []),
  ]);
}

/**
 * One diagram per host an ingress Gateway serves (what a request to that host can reach),
 * one for the mesh-internal routing, and one for the rest.
 */
function byIngressHost(graph: Graph): Graph[] {
  const parts: Graph[] = [];
  const reached = new Set<string>();
  const binds = graph.edges.filter(e => e.kind === 'bind');
  const hosts = new Map<string, GraphEdge[]>();
  for (const e of binds) {
    if (e.from === 'mesh') continue;
    for (const host of (e.label[0] ?? '').split(' ').filter(h => h)) {
      hosts.set(host, [...(hosts.get(host) ?? []), e]);
    }
  }
  for (const host of [...hosts.keys()].sort()) {
    const start = hosts.get(host)!;
    const core = reach(graph, [...new Set(start.flatMap(e => [e.from, e.to]))], start);
    core.forEach(id => reached.add(id));
    parts.push(pathGraph(graph, `${graph.title}: ingress host ${host}`, core, start));
  }
  const mesh = graph.nodes.find(n => n.kind === 'mesh');
  if (mesh) {
    const core = reach(graph, [mesh.id], []);
    core.forEach(id => reached.add(id));
    parts.push(pathGraph(graph, `${graph.title}: mesh-internal routing`, core, []));
  }
  const rest = graph.nodes.filter(n => !reached.has(n.id)).map(n => n.id);
  if (rest.length > 0) parts.push(subgraph(graph, `${graph.title}: not reached from a Gateway or the mesh`, new Set(rest)));
  return parts;
}

/** Everything reachable from `from` along traffic edges (binds only through `binds`). */
function reach(graph: Graph, from: string[], binds: GraphEdge[]): Set<string> {
  const seen = new Set(from);
  const queue = [...from];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const e of graph.edges) {
      if (e.from !== id || e.kind === 'allow' || e.kind === 'deny') continue;
      if (e.kind === 'bind' && !binds.includes(e) && id !== 'mesh') continue;
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}

/** The nodes of a path, and only the edges between them (plus the policies on its workloads). */
function pathGraph(graph: Graph, title: string, core: Set<string>, binds: GraphEdge[]): Graph {
  const edges = graph.edges.filter(e => (core.has(e.from) && core.has(e.to) && (e.kind !== 'bind' || binds.includes(e) || e.from === 'mesh'))
    || ((e.kind === 'allow' || e.kind === 'deny') && core.has(e.to)));
  const ids = new Set([...core, ...edges.flatMap(e => [e.from, e.to])]);
  const nodes: GraphNode[] = graph.nodes.filter(n => ids.has(n.id));
  const resources = new Set(nodes.flatMap(n => n.resources));
  return {
    title,
    nodes,
    edges,
    namespaces: graph.namespaces.filter(ns => nodes.some(n => n.namespace === ns.name)),
    findings: graph.findings.filter(f => resources.has(f.resource)),
  };
}
