import { EdgeKind, Graph, GraphEdge, GraphNamespace, GraphNode, Marker, NodeKind, sortNodes } from './graph';

const EDGE_ORDER: ReadonlyArray<GraphEdge['kind']> = ['bind', 'route', 'delegate', 'mirror', 'select', 'allow', 'deny'];

/** Collects nodes (once each) and edges (once each) while the graph is drawn. Internal. */
export class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges: GraphEdge[] = [];
  private readonly edgeKeys = new Set<string>();
  public readonly namespaces = new Map<string, GraphNamespace>();

  /** Adds a node, or returns the one with that id; resources are merged. */
  public node(id: string, kind: NodeKind, label: string[], namespace: string | undefined, resources: string[] = []): GraphNode {
    const existing = this.nodes.get(id);
    if (existing) {
      for (const r of resources) if (!existing.resources.includes(r)) existing.resources.push(r);
      return existing;
    }
    const node: GraphNode = { id, kind, label, namespace, resources: [...resources], findings: [] };
    this.nodes.set(id, node);
    return node;
  }

  public has(id: string): boolean {
    return this.nodes.has(id);
  }

  public get(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  /** Adds an edge unless the same one (ends, kind, label) is there already. */
  public edge(from: string, to: string, kind: EdgeKind, label: string[], resource?: string, mentions: string[] = []): void {
    const key = JSON.stringify([from, to, kind, label, resource]);
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push({ from, to, kind, label, resource, mentions, findings: [] });
  }

  public hasEdgeTo(id: string): boolean {
    return this.edges.some(e => e.to === id);
  }

  public build(title: string, findings: Marker[] = []): Graph {
    const nodes = sortNodes([...this.nodes.values()]);
    const used = new Set(nodes.map(n => n.namespace).filter((n): n is string => n !== undefined));
    const namespaces = [...used].sort().map(name => this.namespaces.get(name) ?? { name, mtls: 'PERMISSIVE', defaultDeny: false });
    // ingress and mesh bindings, then routes, then what selects what, then policies
    const rank = (e: GraphEdge) => EDGE_ORDER.indexOf(e.kind);
    const edges = this.edges.map((e, i) => ({ e, i })).sort((x, y) => rank(x.e) - rank(y.e) || x.i - y.i).map(x => x.e);
    return { title, nodes, edges, namespaces, findings };
  }
}
