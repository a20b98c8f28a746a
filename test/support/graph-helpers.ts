import { App, Testing } from 'cdk8s';
import { BookinfoIngress } from '../../examples/bookinfo/bookinfo-gateway-api';
import { addBookinfoStack } from '../../examples/bookinfo/bookinfo-stack';
import { Scenario } from '../../examples/bookinfo/scenarios';
import { MeshAnalysis, MeshGraph } from '../../src';
import { analyzeObjects } from '../../src/analysis/analyze';
import { buildGraph } from '../../src/graph/build';
import { Graph, GraphNode } from '../../src/graph/graph';
import { appRunOf } from '../../src/graph/synth-hook';

/** The mesh graph of the bookinfo example for a scenario, and the Markdown synthesis writes per chart. */
export function bookinfoGraph(scenario: Scenario, ingress?: BookinfoIngress): { graph: Graph; markdown: Record<string, string> } {
  const app = Testing.app();
  addBookinfoStack(app, { scenario, ingress });
  return graphOfApp(app);
}

export function graphOfApp(app: App): { graph: Graph; markdown: Record<string, string> } {
  MeshAnalysis.analyze(app);
  const run = appRunOf(app);
  const graph = buildGraph(run.model, run.messages, 'mesh');
  return { graph, markdown: MeshGraph.render(app) };
}

/** The graph of plain objects, as `cdk8s-istio graph` draws it (the objects are all there is). */
export function graphOf(objects: any[]): Graph {
  const run = analyzeObjects(objects.map(json => ({ json })), { complete: true, assumeIngressGateway: true });
  return buildGraph(run.model, run.messages.map(m => m.message), 'test');
}

/** A node's first label line, by id. */
export function nameOf(graph: Graph, id: string): string {
  return graph.nodes.find(n => n.id === id)?.label[0] ?? `?${id}`;
}

/** The edges as `from -> to: label | label`, with node names: what a reader sees. */
export function edgeLines(graph: Graph, kind?: string): string[] {
  return graph.edges.filter(e => !kind || e.kind === kind)
    .map(e => `${nameOf(graph, e.from)} -> ${nameOf(graph, e.to)}${e.label.length ? `: ${e.label.join(' | ')}` : ''}`);
}

export function nodeNamed(graph: Graph, name: string): GraphNode {
  const node = graph.nodes.find(n => n.label[0] === name);
  if (!node) throw new Error(`no node "${name}"; nodes: ${graph.nodes.map(n => n.label[0]).join(', ')}`);
  return node;
}

/** The lines `kind: object` the route edges of a VirtualService lead to. */
export function routesFrom(graph: Graph, vs: string): string[] {
  return edgeLines(graph, 'route').filter(l => l.startsWith(`VirtualService ${vs} -> `)).map(l => l.slice(`VirtualService ${vs} -> `.length));
}
