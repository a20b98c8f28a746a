import { Graph, Marker } from './graph';
import { AnalysisMessage } from '../analysis/message';

/**
 * Marks analysis messages where a reviewer looks: on the edge a message names (a route to
 * `"host+subset"`), else on the nodes of the object it is about; messages about objects the
 * graph does not draw go to the graph's own list. Returns the graph, marked. Internal.
 */
export function markFindings(graph: Graph, messages: readonly AnalysisMessage[]): Graph {
  const unplaced: Marker[] = [];
  for (const m of messages) {
    const marker: Marker = { code: m.code, level: m.level, resource: m.resource, message: m.message };
    const edges = graph.edges.filter(e => e.resource === m.resource && e.mentions.some(s => m.message.includes(s)));
    // the most specific mention wins: "reviews+v9" over "reviews"
    const longest = Math.max(0, ...edges.flatMap(e => e.mentions.filter(s => m.message.includes(s)).map(s => s.length)));
    const best = edges.filter(e => e.mentions.some(s => s.length === longest && m.message.includes(s)));
    if (best.length > 0) {
      best.forEach(e => e.findings.push(marker));
      continue;
    }
    const nodes = graph.nodes.filter(n => n.resources.includes(m.resource));
    if (nodes.length > 0) {
      nodes.forEach(n => n.findings.push(marker));
      continue;
    }
    unplaced.push(marker);
  }
  return { ...graph, findings: [...graph.findings, ...unplaced] };
}
