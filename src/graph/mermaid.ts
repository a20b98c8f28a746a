import { Graph, GraphEdge, GraphNode, Marker, NodeKind } from './graph';

/**
 * A graph as a Mermaid flowchart, which GitHub and GitLab draw in Markdown: one subgraph per
 * namespace (with its mTLS mode, and "default-deny"), shapes by kind, dashed edges for
 * mirrors and authorization, colours for findings. Internal.
 */

const SHAPES: Record<NodeKind, [string, string]> = {
  'gateway': ['{{', '}}'],
  'mesh': ['((', '))'],
  'virtual-service': ['([', '])'],
  'route': ['([', '])'],
  'service': ['[', ']'],
  'subset': ['[[', ']]'],
  'external': ['[/', '/]'],
  'workload': ['(', ')'],
  'missing': ['>', ']'],
  'response': ['>', ']'],
  'principal': ['[/', '\\]'],
  'namespace': ['[', ']'],
};

const ARROWS: Record<GraphEdge['kind'], string> = {
  bind: '==>', route: '-->', delegate: '-->', mirror: '-.->', select: '-->', allow: '-.->', deny: '-.->',
};

const CLASSES: Array<[string, string]> = [
  ['gateway', 'fill:#e8f0fe,stroke:#1a73e8'],
  ['mesh', 'fill:#e8f0fe,stroke:#1a73e8'],
  ['vs', 'fill:#fef7e0,stroke:#b06000'],
  ['dest', 'fill:#e6f4ea,stroke:#188038'],
  ['workload', 'fill:#f1f3f4,stroke:#5f6368'],
  ['source', 'fill:#fce8e6,stroke:#a50e0e'],
  ['warning', 'stroke:#e37400,stroke-width:3px'],
  ['error', 'fill:#fce8e6,stroke:#d93025,stroke-width:3px'],
];

const CLASS_OF: Record<NodeKind, string> = {
  'gateway': 'gateway',
  'mesh': 'mesh',
  'route': 'vs',
  'virtual-service': 'vs',
  'service': 'dest',
  'subset': 'dest',
  'external': 'dest',
  'workload': 'workload',
  'missing': 'error',
  'response': 'dest',
  'principal': 'source',
  'namespace': 'source',
};

/** Text inside a quoted Mermaid label: `"`, `<`, `>` and `#` as entities, lines joined with `<br/>`. */
export function mermaidText(lines: readonly string[]): string {
  return lines.map(l => l.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>');
}

function markerLines(findings: readonly Marker[]): string[] {
  const codes = [...new Set(findings.map(f => `⚠ ${f.level} ${f.code}`))];
  return codes;
}

function worst(findings: readonly Marker[]): 'error' | 'warning' | undefined {
  if (findings.some(f => f.level === 'Error')) return 'error';
  if (findings.some(f => f.level === 'Warning')) return 'warning';
  return undefined;
}

function nodeLine(n: GraphNode): string {
  const [open, close] = SHAPES[n.kind];
  return `${n.id}${open}"${mermaidText([...n.label, ...markerLines(n.findings)])}"${close}`;
}

/** The Mermaid source of a graph (without the code fence). */
export function renderMermaid(graph: Graph): string {
  const out: string[] = ['flowchart LR'];
  if (graph.nodes.length === 0) {
    out.push('  empty["no mesh traffic, workloads or policies"]');
    return `${out.join('\n')}\n`;
  }
  for (const ns of graph.namespaces) {
    const notes = [`mTLS ${ns.mtls}`, ...(ns.defaultDeny ? ['default-deny'] : [])];
    out.push(`  subgraph ${groupId(ns.name)}["${mermaidText([`namespace ${ns.name} · ${notes.join(' · ')}`])}"]`);
    for (const n of graph.nodes.filter(x => x.namespace === ns.name)) out.push(`    ${nodeLine(n)}`);
    out.push('  end');
  }
  for (const n of graph.nodes.filter(x => x.namespace === undefined || !graph.namespaces.some(ns => ns.name === x.namespace))) {
    out.push(`  ${nodeLine(n)}`);
  }
  graph.edges.forEach(e => {
    const label = [...e.label, ...markerLines(e.findings)];
    out.push(`  ${e.from} ${ARROWS[e.kind]}${label.length > 0 ? `|"${mermaidText(label)}"|` : ''} ${e.to}`);
  });
  for (const [name, style] of CLASSES) out.push(`  classDef ${name} ${style}`);
  const byClass = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const cls = worst(n.findings) ?? CLASS_OF[n.kind];
    const ids = byClass.get(cls);
    if (ids) ids.push(n.id);
    else byClass.set(cls, [n.id]);
  }
  for (const [name] of CLASSES) {
    const ids = byClass.get(name);
    if (ids) out.push(`  class ${ids.join(',')} ${name}`);
  }
  const styles: Array<[string, number[]]> = [
    ['stroke:#188038', indexes(graph, e => e.kind === 'allow' && !worst(e.findings))],
    ['stroke:#d93025', indexes(graph, e => e.kind === 'deny' && !worst(e.findings))],
    ['stroke:#e37400,stroke-width:3px', indexes(graph, e => worst(e.findings) === 'warning')],
    ['stroke:#d93025,stroke-width:3px', indexes(graph, e => worst(e.findings) === 'error')],
  ];
  for (const [style, list] of styles) if (list.length > 0) out.push(`  linkStyle ${list.join(',')} ${style}`);
  return `${out.join('\n')}\n`;
}

function indexes(graph: Graph, pick: (e: GraphEdge) => boolean): number[] {
  return graph.edges.map((e, i) => (pick(e) ? i : -1)).filter(i => i >= 0);
}

function groupId(namespace: string): string {
  return `group_${namespace.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
