import { Graph } from './graph';

/** A graph as JSON: the model itself, for other tools. Internal. */
export function renderJson(graphs: readonly Graph[]): string {
  return `${JSON.stringify(graphs.length === 1 ? graphs[0] : graphs, undefined, 2)}\n`;
}
