import { writeFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { BACKGROUND_MIN_OBJECTS, drawInBackground, PendingGraphs, workerScript } from './background-graphs';
import { drawGraphs, GraphFile, GraphJob, plainMessage } from './graph-job';
import { DEFAULT_MAX_NODES, MeshGraphSplit } from './split';
import { AnalysisMessage } from '../analysis/message';
import { MeshModel, ModelInput, ModelOptions } from '../analysis/model';
import { aroundSynthesis, inSynthesis } from '../core/app-synthesis';

/**
 * Writes the mesh graph of each chart next to its YAML when an App is synthesized:
 * `03-bookinfo.k8s.yaml` gets `03-bookinfo.mesh.md`. Internal; the settings are MeshGraph's.
 */

/** What the graph is drawn from: the analysis of the app (or its model alone when the analysis is off). */
export interface AppRun {
  readonly model: MeshModel;
  readonly messages: readonly AnalysisMessage[];
  readonly apiObjectOf: (json: unknown) => ApiObject | undefined;
  /** What the model was built from, to build it again elsewhere. */
  readonly inputs: readonly ModelInput[];
  readonly modelOptions: ModelOptions;
}

/** The settings of an app's graph (see MeshGraphOptions). */
export interface GraphSettings {
  readonly enabled?: boolean;
  readonly split?: MeshGraphSplit;
  readonly maxNodes?: number;
}

export const graphSettings = new WeakMap<IConstruct, GraphSettings>();
const providers = new WeakMap<IConstruct, () => AppRun>();

/** The suffix of the Markdown file of a chart. */
export const GRAPH_FILE_SUFFIX = '.mesh.md';

/** Whether the graph is written: on unless turned off by option or `CDK8S_ISTIO_GRAPH=off`. */
export function graphEnabled(root: IConstruct): boolean {
  if (graphSettings.get(root)?.enabled === false) return false;
  return !/^(off|false|0|disabled?)$/i.test(process.env.CDK8S_ISTIO_GRAPH ?? '');
}

/**
 * Makes `App.synth()` of the app `root` write the graphs after the YAML: the App is the only
 * place that knows the output directory and the file names, and only `synth()` writes files.
 */
export function hookGraphs(root: IConstruct, run: () => AppRun): void {
  if (!(root instanceof App) || providers.has(root)) return;
  providers.set(root, run);
  const app = root;
  const cancel = () => {
    started.get(app)?.pending.cancel();
    started.delete(app);
  };
  aroundSynthesis(app, {
    failed: cancel,
    after: () => {
      if (!graphEnabled(app)) return cancel();
      const early = started.get(app);
      started.delete(app);
      writeGraphs(app, early, run);
    },
  });
}

/** The graphs started in an app's `App.synth()`. */
const started = new WeakMap<App, { files: readonly GraphFile[]; pending: PendingGraphs }>();

/**
 * Called by the analysis in `App.synth()` once it has run, before the YAML is written: a big
 * mesh's graph is drawn on a worker thread meanwhile (see background-graphs.ts).
 */
export function startGraphs(root: IConstruct): void {
  if (!(root instanceof App) || !inSynthesis(root) || !graphEnabled(root) || !providers.has(root)) return;
  const run = providers.get(root)!();
  if (run.inputs.length < BACKGROUND_MIN_OBJECTS || !workerScript()) return;
  const job = graphJob(root, run);
  started.get(root)?.pending.cancel();
  started.set(root, { files: job.files, pending: drawInBackground(job) });
}

/** The latest analysis of an app hooked by `hookGraphs`. */
export function appRunOf(root: IConstruct): AppRun {
  const provider = providers.get(root);
  if (!provider) throw new Error('cdk8s-istio: no mesh analysis is hooked on this app');
  return provider();
}

/** The Markdown of each chart, by file name (as `App.synth()` names the chart's YAML). */
export function chartGraphs(app: App, run: AppRun): Map<string, string> {
  return new Map(drawGraphs(graphJob(app, run), run.model));
}

/** What to draw for an app: the analysis' model and messages, and one file per chart (or for the app). */
function graphJob(app: App, run: AppRun): GraphJob {
  const settings = graphSettings.get(app) ?? {};
  return {
    inputs: run.inputs,
    modelOptions: run.modelOptions,
    messages: run.messages.map(plainMessage),
    files: graphFiles(app, run),
    split: settings.split ?? MeshGraphSplit.AUTO,
    maxNodes: settings.maxNodes ?? DEFAULT_MAX_NODES,
  };
}

/** The graph files of an app, with each chart's objects. */
function graphFiles(app: App, run: AppRun): GraphFile[] {
  const files = fileNames(app);
  const resourcesOf = new Map<Chart, string[]>();
  for (const r of run.model.resources) {
    const obj = run.apiObjectOf(r.json);
    if (!obj) continue;
    const chart = Chart.of(obj);
    const list = resourcesOf.get(chart);
    if (list) list.push(r.ref);
    else resourcesOf.set(chart, [r.ref]);
  }
  return files.map(({ chart, ...file }) => (chart ? { ...file, resources: resourcesOf.get(chart) ?? [] } : file));
}

/** The graph files of an app, named as `App.synth()` names the YAML: one per chart, or one for the app. */
function fileNames(app: App): Array<GraphFile & { chart?: Chart }> {
  const { charts, indexed } = chartsInOrder(app);
  if (app.yamlOutputType === YamlOutputType.FILE_PER_APP) {
    return charts.length > 0 ? [{ file: `app${GRAPH_FILE_SUFFIX}`, title: 'app', source: `app${app.outputFileExtension}` }] : [];
  }
  return charts.map((chart, i) => {
    const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
    const yaml = app.yamlOutputType === YamlOutputType.FILE_PER_CHART ? `${name}${app.outputFileExtension}` : `${name}/`;
    return { chart, file: `${name}${GRAPH_FILE_SUFFIX}`, title: name, source: `chart ${chart.node.path} (${yaml})` };
  });
}

/**
 * Writes the graphs: those drawn in the background when their files are still the ones the
 * synthesis wrote (chart order and names change only through dependencies cdk8s adds as it
 * synthesizes), else drawn now.
 */
function writeGraphs(app: App, early: { files: readonly GraphFile[]; pending: PendingGraphs } | undefined, run: () => AppRun): void {
  const key = (files: readonly GraphFile[]) => JSON.stringify(files.map(f => [f.file, f.title, f.source]));
  let drawn: Array<[string, string]>;
  if (early && key(early.files) === key(fileNames(app))) {
    drawn = early.pending.collect();
  } else {
    early?.pending.cancel();
    drawn = [...chartGraphs(app, run())];
  }
  for (const [file, text] of drawn) writeFileSync(join(app.outdir, file), text);
}

/**
 * The charts in the order `App.synth()` writes them, and whether it prefixes their files with
 * their index (as cdk8s decides: nested charts, or dependencies between charts). One walk of
 * the tree; cdk8s's topological sort (`app.charts`, a walk of its own for every object) only
 * when there are dependencies to sort by.
 */
function chartsInOrder(app: App): { charts: Chart[]; indexed: boolean } {
  const charts: Chart[] = [];
  let nested = false;
  const dependants: IConstruct[] = [];
  for (const c of app.node.findAll()) {
    if (c instanceof Chart) {
      charts.push(c);
      if (c.node.scope instanceof Chart) nested = true;
    }
    if (c.node.dependencies.length > 0) dependants.push(c);
  }
  if (dependants.length === 0) return { charts, indexed: nested };
  const crossChart = dependants.some(c => c.node.dependencies.some(dep => {
    const from = chartOf(c);
    const to = chartOf(dep);
    return from !== undefined && to !== undefined && from !== to;
  }));
  return { charts: app.charts, indexed: nested || crossChart };
}

function chartOf(c: IConstruct): Chart | undefined {
  try {
    return Chart.of(c);
  } catch {
    return undefined;
  }
}
