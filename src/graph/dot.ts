import { Graph, GraphEdge, Marker, NodeKind } from './graph';

/** A graph as Graphviz DOT: one cluster per namespace, the same labels as the Mermaid flowchart. Internal. */

const SHAPES: Record<NodeKind, string> = {
  'gateway': 'hexagon',
  'mesh': 'circle',
  'virtual-service': 'box, style="rounded"',
  'route': 'box, style="rounded"',
  'service': 'box',
  'subset': 'box, peripheries=2',
  'external': 'parallelogram',
  'workload': 'box, style="rounded,filled", fillcolor="#f1f3f4"',
  'missing': 'cds',
  'response': 'cds',
  'principal': 'trapezium',
  'namespace': 'box, style=dashed',
};

const EDGE_STYLES: Record<GraphEdge['kind'], string> = {
  bind: 'penwidth=2',
  route: '',
  delegate: '',
  mirror: 'style=dashed',
  select: '',
  allow: 'style=dashed, color="#188038"',
  deny: 'style=dashed, color="#d93025"',
};

/** A DOT string literal. */
function quote(lines: readonly string[]): string {
  return `"${lines.map(l => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
}

function marks(findings: readonly Marker[]): string[] {
  return [...new Set(findings.map(f => `⚠ ${f.level} ${f.code}`))];
}

function colour(findings: readonly Marker[]): string {
  if (findings.some(f => f.level === 'Error')) return ', color="#d93025", penwidth=3';
  if (findings.some(f => f.level === 'Warning')) return ', color="#e37400", penwidth=3';
  return '';
}

export function renderDot(graph: Graph): string {
  const out = [`digraph ${quote([graph.title])} {`, '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];'];
  const node = (n: Graph['nodes'][number], indent: string) =>
    `${indent}${n.id} [label=${quote([...n.label, ...marks(n.findings)])}, shape=${SHAPES[n.kind]}${colour(n.findings)}];`;
  graph.namespaces.forEach((ns, i) => {
    out.push(`  subgraph cluster_${i} {`);
    out.push(`    label=${quote([`namespace ${ns.name} · mTLS ${ns.mtls}${ns.defaultDeny ? ' · default-deny' : ''}`])};`);
    for (const n of graph.nodes.filter(x => x.namespace === ns.name)) out.push(node(n, '    '));
    out.push('  }');
  });
  for (const n of graph.nodes.filter(x => x.namespace === undefined || !graph.namespaces.some(ns => ns.name === x.namespace))) out.push(node(n, '  '));
  for (const e of graph.edges) {
    const label = [...e.label, ...marks(e.findings)];
    const attrs = [label.length > 0 ? `label=${quote(label)}` : '', EDGE_STYLES[e.kind]].filter(s => s).join(', ');
    out.push(`  ${e.from} -> ${e.to}${attrs || colour(e.findings) ? ` [${attrs}${colour(e.findings)}]`.replace('[, ', '[') : ''};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
