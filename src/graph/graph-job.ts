import { buildGraph } from './build';
import { renderMarkdown } from './markdown';
import { MeshGraphSplit, restrictTo, split } from './split';
import { AnalysisLevel } from '../analysis/level';
import { AnalysisMessage } from '../analysis/message';
import { MeshModel, ModelInput, ModelOptions } from '../analysis/model';

/**
 * What the Markdown files of an app's mesh graph are drawn from, as plain data: the objects
 * and options of the analysis model, its messages, and each file to write. Plain, so that a
 * worker thread can draw them (see background-graphs.ts). Internal.
 */
export interface GraphJob {
  readonly inputs: readonly ModelInput[];
  readonly modelOptions: ModelOptions;
  readonly messages: readonly PlainMessage[];
  readonly files: readonly GraphFile[];
  readonly split: MeshGraphSplit;
  readonly maxNodes: number;
}

/** One Markdown file: its name, heading and source line, and the objects it stands for (all of them when undefined). */
export interface GraphFile {
  readonly file: string;
  readonly title: string;
  readonly source: string;
  readonly resources?: readonly string[];
}

/** An AnalysisMessage as data. */
export interface PlainMessage {
  readonly code: string;
  readonly level: AnalysisLevel;
  readonly resource: string;
  readonly message: string;
  readonly constructPath?: string;
  readonly file?: string;
}

/** The message as data. */
export function plainMessage(m: AnalysisMessage): PlainMessage {
  return { code: m.code, level: m.level, resource: m.resource, message: m.message, constructPath: m.constructPath, file: m.file };
}

/**
 * Draws the files of a job: the model (rebuilt from the inputs unless given), the graph of
 * the whole mesh, then each file's part of it, split as the job says.
 */
export function drawGraphs(job: GraphJob, model?: MeshModel): Array<[string, string]> {
  const messages = job.messages.map(m => AnalysisMessage._create(m));
  const whole = buildGraph(model ?? new MeshModel(job.inputs, job.modelOptions), messages, 'mesh');
  return job.files.map(f => {
    const graph = f.resources ? restrictTo(whole, f.title, new Set(f.resources)) : { ...whole, title: f.title };
    return [f.file, renderMarkdown(f.title, f.source, split(graph, job.split, job.maxNodes))];
  });
}
