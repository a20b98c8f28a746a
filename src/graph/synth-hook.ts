import { writeFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { buildGraph } from './build';
import { renderMarkdown } from './markdown';
import { DEFAULT_MAX_NODES, MeshGraphSplit, restrictTo, split } from './split';
import { AnalysisMessage } from '../analysis/message';
import { MeshModel } from '../analysis/model';

/**
 * Writes the mesh graph of each chart next to its YAML when an App is synthesized:
 * `03-bookinfo.k8s.yaml` gets `03-bookinfo.mesh.md`. Internal; the settings are MeshGraph's.
 */

/** What the graph is drawn from: the analysis of the app (or its model alone when the analysis is off). */
export interface AppRun {
  readonly model: MeshModel;
  readonly messages: readonly AnalysisMessage[];
  readonly apiObjectOf: (json: unknown) => ApiObject | undefined;
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
  const synth = app.synth.bind(app);
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: () => {
      synth();
      if (graphEnabled(app)) writeGraphs(app, run());
    },
  });
}

/** The latest analysis of an app hooked by `hookGraphs`. */
export function appRunOf(root: IConstruct): AppRun {
  const provider = providers.get(root);
  if (!provider) throw new Error('cdk8s-istio: no mesh analysis is hooked on this app');
  return provider();
}

/** The Markdown of each chart, by file name (as `App.synth()` names the chart's YAML). */
export function chartGraphs(app: App, run: AppRun): Map<string, string> {
  const settings = graphSettings.get(app) ?? {};
  const whole = buildGraph(run.model, run.messages, 'mesh');
  const files = new Map<string, string>();
  const resourcesOf = new Map<Chart, Set<string>>();
  for (const r of run.model.resources) {
    const obj = run.apiObjectOf(r.json);
    if (!obj) continue;
    const chart = Chart.of(obj);
    const set = resourcesOf.get(chart) ?? new Set<string>();
    set.add(r.ref);
    resourcesOf.set(chart, set);
  }
  const render = (title: string, source: string, resources: Set<string> | undefined) => {
    const graph = resources ? restrictTo(whole, title, resources) : { ...whole, title };
    return renderMarkdown(title, source, split(graph, settings.split ?? MeshGraphSplit.AUTO, settings.maxNodes ?? DEFAULT_MAX_NODES));
  };
  const { charts, indexed } = chartsInOrder(app);
  if (app.yamlOutputType === YamlOutputType.FILE_PER_APP) {
    if (charts.length > 0) files.set(`app${GRAPH_FILE_SUFFIX}`, render('app', `app${app.outputFileExtension}`, undefined));
    return files;
  }
  charts.forEach((chart, i) => {
    const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}`;
    const yaml = app.yamlOutputType === YamlOutputType.FILE_PER_CHART ? `${name}${app.outputFileExtension}` : `${name}/`;
    files.set(`${name}${GRAPH_FILE_SUFFIX}`, render(name, `chart ${chart.node.path} (${yaml})`, resourcesOf.get(chart) ?? new Set()));
  });
  return files;
}

function writeGraphs(app: App, run: AppRun): void {
  for (const [file, text] of chartGraphs(app, run)) writeFileSync(join(app.outdir, file), text);
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
