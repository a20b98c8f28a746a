import { GraphBuilder } from './builder';
import { markFindings } from './findings';
import { Graph } from './graph';
import { addSecurity } from './security';
import { addTraffic } from './traffic';
import { AnalysisMessage } from '../analysis/message';
import { MeshModel } from '../analysis/model';

/** The graph of a whole model: traffic, security overlay, and the messages marked on it. Internal. */
export function buildGraph(model: MeshModel, messages: readonly AnalysisMessage[], title: string): Graph {
  const b = new GraphBuilder();
  addTraffic(b, model);
  addSecurity(b, model);
  return markFindings(b.build(title), messages);
}
