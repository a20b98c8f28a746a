import { ApiObject, App, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { analyzeObjects } from './analyze';
import { CODES, defaultLevel } from './codes';
import { Finding } from './context';
import { AnalysisLevel, reaches } from './level';
import { AnalysisMessage } from './message';
import { MeshModel, ModelInput } from './model';
import { AppRun, hookGraphs, startGraphs } from '../graph/synth-hook';

/** Settings of the synth-time analysis of an app. */
export interface MeshAnalysisOptions {
  /**
   * Run the analysis when the app is synthesized. The environment variable
   * `CDK8S_ISTIO_ANALYSIS=off` turns it off too.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Print Info messages too.
   *
   * @default false
   */
  readonly showInfo?: boolean;
  /**
   * Assume an `istio-system/istio-ingressgateway` workload (`istio: ingressgateway`, ports
   * 80/443/31400/15443) when the app defines none, as `istioctl analyze` does.
   *
   * @default true
   */
  readonly assumeIngressGateway?: boolean;
}

interface ScopeSettings {
  readonly levels: Map<string, AnalysisLevel>;
  failOn?: AnalysisLevel;
}

const appOptions = new WeakMap<IConstruct, MeshAnalysisOptions>();
const scopeSettings = new WeakMap<IConstruct, ScopeSettings>();
const hooked = new WeakSet<IConstruct>();
/** The constructs of this library that validate the object they write (see `Origin.validated`). */
const validatingConstructs = new WeakSet<IConstruct>();
const printed = new WeakMap<IConstruct, Set<string>>();
/** The errors of the last analysis, per construct that reports them. */
const errorsOf = new WeakMap<IConstruct, string[]>();
/** The constructs that reported errors in the last analysis of each app. */
const failingOf = new WeakMap<IConstruct, IConstruct[]>();
const errorReaders = new WeakSet<IConstruct>();
/** The last analysis of each app: the mesh graph written after `App.synth()` draws it. */
const lastRun = new WeakMap<IConstruct, AppRun>();

/**
 * The mesh analysis that runs when an app that uses this library is synthesized: istioctl
 * analyze's checks, on every object of the app (this library's constructs, cdk8s-plus
 * workloads, raw ApiObjects, Includes), with selectors resolved against the pod templates of
 * the app's workloads.
 *
 * An Error fails the synthesis with the construct path of the object; Warnings are printed
 * once, grouped; Info only when asked for. An object suppresses codes with the annotation
 * `galley.istio.io/analyze-suppress: "IST0101,IST0132"` (or `*`).
 *
 * @example
 * MeshAnalysis.setLevel(app, 'IST0132', AnalysisLevel.ERROR);
 * MeshAnalysis.setFailureThreshold(prodChart, AnalysisLevel.WARNING);
 */
export class MeshAnalysis {
  /** Settings for the app `scope` belongs to. Later calls override earlier ones field by field. */
  public static configure(scope: IConstruct, options: MeshAnalysisOptions): void {
    const root = scope.node.root;
    appOptions.set(root, { ...appOptions.get(root), ...options });
    ensureAnalysis(root);
  }

  /** Turns the analysis off for the app `scope` belongs to. */
  public static disable(scope: IConstruct): void {
    MeshAnalysis.configure(scope, { enabled: false });
  }

  /**
   * Reports `code` at `level` for the objects under `scope` (an App, a Chart or any construct
   * above them); `AnalysisLevel.IGNORE` drops it. The setting nearest to an object wins.
   */
  public static setLevel(scope: IConstruct, code: string, level: AnalysisLevel): void {
    if (defaultLevel(code) === undefined) {
      throw new Error(`MeshAnalysis.setLevel: unknown code "${code}"; known codes: ${Object.keys(CODES).join(', ')}`);
    }
    settingsOf(scope).levels.set(code, level);
    ensureAnalysis(scope);
  }

  /**
   * Fails the synthesis for messages at `level` or above about objects under `scope`, as
   * `istioctl analyze --failure-threshold` does (`AnalysisLevel.WARNING` makes warnings fail CI).
   */
  public static setFailureThreshold(scope: IConstruct, level: AnalysisLevel): void {
    settingsOf(scope).failOn = level;
    ensureAnalysis(scope);
  }

  /** Runs the analysis of the app `scope` belongs to now, and returns every message, Info included. */
  public static analyze(scope: IConstruct): AnalysisMessage[] {
    return runFor(scope.node.root).map(m => m.message);
  }

  private constructor() {}
}

function settingsOf(scope: IConstruct): ScopeSettings {
  let s = scopeSettings.get(scope);
  if (!s) {
    s = { levels: new Map() };
    scopeSettings.set(scope, s);
  }
  return s;
}

/** The nearest setting for a construct. */
function nearest<T>(construct: IConstruct | undefined, pick: (s: ScopeSettings) => T | undefined): T | undefined {
  if (!construct) return undefined;
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopeSettings.get(scopes[i]);
    const v = s ? pick(s) : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Makes sure the app `scope` belongs to is analyzed at synthesis: one validation on the app
 * root, added by the first construct of this library. Internal.
 */
export function ensureAnalysis(scope: IConstruct): void {
  const root = scope.node.root;
  if (hooked.has(root)) return;
  hooked.add(root);
  root.node.addValidation({ validate: () => validateApp(root) });
  hookGraphs(root, () => lastRun.get(root) ?? modelOnly(root));
}

/** Every object of the app, rendered, and the ApiObject each came from. */
function collect(root: IConstruct, handOver = false): { inputs: ModelInput[]; owners: Map<unknown, ApiObject> } {
  const owners = new Map<unknown, ApiObject>();
  const inputs: ModelInput[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    let json: any;
    forgetRendered(c);
    try {
      json = c.toJson();
    } catch {
      continue; // cdk8s reports the object's own error when it writes it
    }
    if (handOver) handOverRendered(c, json);
    owners.set(json, c);
    inputs.push({ json, origin: { validated: writtenByValidatingConstruct(c) } });
  }
  return { inputs, owners };
}

/** The model of the app without analyzing it: the graph of an app whose analysis is off. */
function modelOnly(root: IConstruct): AppRun {
  const { inputs, owners } = collect(root);
  const modelOptions = { complete: false, assumeIngressGateway: (appOptions.get(root) ?? {}).assumeIngressGateway ?? true };
  return { model: new MeshModel(inputs, modelOptions), messages: [], apiObjectOf: json => owners.get(json), inputs, modelOptions };
}

/**
 * Analysis for the app of a construct of this library that validates the objects it writes
 * (an L2's `Resource`, an installation's objects) as Istio's webhook and the CRD schema do.
 * Internal.
 */
export function ensureAnalysisOfValidated(construct: IConstruct): void {
  validatingConstructs.add(construct);
  ensureAnalysis(construct);
}

/** Whether a construct of this library that validates what it writes wrote the object. */
function writtenByValidatingConstruct(obj: ApiObject): boolean {
  for (let scope = obj.node.scope; scope; scope = scope.node.scope) {
    if (validatingConstructs.has(scope)) return true;
  }
  return false;
}

/** Whether `App.synth()` renders the app's charts with `Chart.toJson()` (all but one file per resource). */
function rendersChartByChart(root: IConstruct): boolean {
  return !(root instanceof App) || root.yamlOutputType !== YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE;
}

/** The construct that stands for an object: its L2 when the object is the L2's `Resource`. */
function ownerOf(obj: ApiObject): IConstruct {
  return obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj;
}

/**
 * Renders every object of the app and analyzes them. With `handOver`, each object's next
 * `toJson()` returns what the analysis rendered, so the synthesis that follows renders each
 * object once (see `handOverRendered`).
 */
function runFor(root: IConstruct, handOver = false) {
  const started = process.hrtime.bigint();
  const options = appOptions.get(root) ?? {};
  const { inputs, owners } = collect(root, handOver);
  const ownerOfJson = (json: unknown): IConstruct | undefined => {
    const obj = owners.get(json);
    return obj ? ownerOf(obj) : undefined;
  };
  const rendered = process.hrtime.bigint();
  const modelOptions = { complete: false, assumeIngressGateway: options.assumeIngressGateway ?? true };
  const run = analyzeObjects(inputs, {
    ...modelOptions,
    levelFor: (f: Finding) => nearest(ownerOfJson(f.resource.json), s => s.levels.get(f.code)) ?? CODES[f.code].level,
    constructPathOf: r => ownerOfJson(r.json)?.node.path,
  });
  if (process.env.CDK8S_ISTIO_ANALYSIS_TIMING) {
    const ms = (from: bigint, to: bigint) => (Number(to - from) / 1e6).toFixed(1);
    process.stderr.write(`cdk8s-istio mesh analysis: ${inputs.length} objects rendered in ${ms(started, rendered)} ms`
      + `, analyzed in ${ms(rendered, process.hrtime.bigint())} ms\n`);
  }
  lastRun.set(root, { model: run.model, messages: run.messages.map(m => m.message), apiObjectOf: json => owners.get(json), inputs, modelOptions });
  // in App.synth(), the graph can be drawn while the synthesis writes the YAML
  if (handOver) startGraphs(root);
  return run.messages.map(m => ({ ...m, owner: ownerOfJson(m.finding.resource.json) }));
}

/**
 * Who asked cdk8s to validate the app: cdk8s's module-level `validate()` (called by
 * `Node.validate()`'s caller) runs only for `App.synth()`, `App.synthYaml()` and
 * `App._synthChart()` (`Chart.toJson()`, once per chart written). `App.synth()` validates the
 * app, then validates it again for each chart it writes, with nothing changed in between: those
 * nested validations reuse the analysis of the first. Read from the call stack by function name
 * (so it works bundled too); when the names can't be read, every validation analyzes afresh.
 */
function validationCaller(): 'app' | 'chart' | 'other' {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  const frames = (new Error().stack ?? '').split('\n');
  Error.stackTraceLimit = limit;
  const at = frames.findIndex((f, i) => /^\s*at validate \(/.test(f) && /Node\.validate /.test(frames[i - 1] ?? ''));
  if (at < 0) return 'other';
  const caller = /^\s*at (?:\S+\.)?(\w+) /.exec(frames[at + 1] ?? '')?.[1];
  if (caller === '_synthChart') return 'chart';
  return caller === 'synth' || caller === 'synthYaml' ? 'app' : 'other';
}

/** Objects whose next `toJson()` returns what the analysis rendered. */
const handedOver = new Set<ApiObject>();

/**
 * Hands the JSON the analysis rendered to the synthesis, which calls `toJson()` right after:
 * the object's next `toJson()` returns it, and the object's own method is back. Done only in
 * the validation of `App._synthChart()`, after every other validation of the app ran (cdk8s
 * validates the whole app before it renders a chart), so nothing changes the objects in
 * between; whatever the synthesis does not write (the other charts of `Testing.synth(chart)`)
 * is forgotten once the synchronous synthesis is over.
 */
function handOverRendered(c: ApiObject, json: unknown): void {
  if (handedOver.size === 0) queueMicrotask(() => [...handedOver].forEach(forgetRendered));
  handedOver.add(c);
  Object.defineProperty(c, 'toJson', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: () => {
      forgetRendered(c);
      return json;
    },
  });
}

function forgetRendered(c: ApiObject): void {
  if (handedOver.delete(c)) delete (c as { toJson?: unknown }).toJson;
}

/** The app that `App.synth()` is synthesizing, once its top-level validation ran. */
let synthesizing: IConstruct | undefined;
/** The app analyzed in this `App.synth()`: the validations of its other charts reuse that run. */
let analyzedInSynth: IConstruct | undefined;

/**
 * Analyzes the app once per synthesis. `App.synth()` validates the app, then again before it
 * renders each chart; the analysis runs in the first chart's validation (after the top-level one
 * let every other validation of the app do its work, sync-wave annotations for one) and hands
 * what it rendered to that synthesis. `Chart.toJson()` alone (`Testing.synth`) analyzes afresh
 * and renders again, and a synthesis that renders no chart with `Chart.toJson()` (one file per
 * resource) analyzes in its top-level validation.
 */
function validateApp(root: IConstruct): string[] {
  const options = appOptions.get(root) ?? {};
  const off = options.enabled === false || /^(off|false|0|disabled?)$/i.test(process.env.CDK8S_ISTIO_ANALYSIS ?? '');
  const caller = validationCaller();
  if (caller === 'chart' && analyzedInSynth === root) return []; // errors stay on their constructs
  for (const c of failingOf.get(root) ?? []) errorsOf.delete(c);
  failingOf.delete(root);
  analyzedInSynth = undefined;
  if (off) {
    lastRun.delete(root);
    return [];
  }
  if (caller === 'app' && rendersChartByChart(root)) {
    synthesizing = root;
    queueMicrotask(() => { synthesizing = analyzedInSynth = undefined; });
    return [];
  }
  // only after a top-level validation did every other validation's work: `Testing.synth(chart)`
  // validates once, and the analysis, on the root, runs first in it
  const handOver = caller === 'chart' && synthesizing === root;
  if (handOver) analyzedInSynth = root;
  const messages = runFor(root, handOver);
  const failing = new Map<IConstruct, string[]>();
  const report: string[] = [];
  for (const { message, owner } of messages) {
    const threshold = nearest(owner, s => s.failOn) ?? AnalysisLevel.ERROR;
    const line = message.toString();
    if (owner && reaches(message.level, threshold)) {
      failing.set(owner, [...(failing.get(owner) ?? []), line]);
    } else if (message.level === AnalysisLevel.WARNING || message.level === AnalysisLevel.ERROR
      || (message.level === AnalysisLevel.INFO && options.showInfo)) {
      report.push(message.constructPath ? `${line}\n    at ${message.constructPath}` : line);
    }
  }
  printOnce(root, report);
  // Each failing construct reports its own errors, so cdk8s prints them with its path. cdk8s
  // validates the root first, then its children: validations added now still run.
  failingOf.set(root, [...failing.keys()]);
  for (const [construct, errors] of failing) {
    errorsOf.set(construct, errors);
    if (!errorReaders.has(construct)) {
      errorReaders.add(construct);
      construct.node.addValidation({ validate: () => errorsOf.get(construct) ?? [] });
    }
  }
  return [];
}

function printOnce(root: IConstruct, lines: string[]): void {
  let done = printed.get(root);
  if (!done) {
    done = new Set();
    printed.set(root, done);
  }
  const fresh = lines.filter(l => !done!.has(l));
  if (fresh.length === 0) return;
  fresh.forEach(l => done!.add(l));
  const warnings = fresh.filter(l => !l.startsWith('Info')).length;
  const infos = fresh.length - warnings;
  const counts = [warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '', infos ? `${infos} info` : ''].filter(s => s).join(', ');
  process.stderr.write(`cdk8s-istio mesh analysis: ${counts}\n${fresh.map(l => `  ${l}`).join('\n')}\n`);
}
