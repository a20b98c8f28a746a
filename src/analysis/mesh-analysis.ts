import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { analyzeObjects } from './analyze';
import { CODES, defaultLevel } from './codes';
import { Finding } from './context';
import { AnalysisLevel, reaches } from './level';
import { AnalysisMessage } from './message';
import { MeshModel, ModelInput } from './model';
import { AppRun, hookGraphs } from '../graph/synth-hook';

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
function collect(root: IConstruct): { inputs: ModelInput[]; owners: Map<unknown, ApiObject> } {
  const owners = new Map<unknown, ApiObject>();
  const inputs: ModelInput[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    let json: any;
    try {
      json = c.toJson();
    } catch {
      continue; // cdk8s reports the object's own error when it writes it
    }
    owners.set(json, c);
    inputs.push({ json });
  }
  return { inputs, owners };
}

/** The model of the app without analyzing it: the graph of an app whose analysis is off. */
function modelOnly(root: IConstruct): AppRun {
  const { inputs, owners } = collect(root);
  const model = new MeshModel(inputs, { complete: false, assumeIngressGateway: (appOptions.get(root) ?? {}).assumeIngressGateway ?? true });
  return { model, messages: [], apiObjectOf: json => owners.get(json) };
}

/** The construct that stands for an object: its L2 when the object is the L2's `Resource`. */
function ownerOf(obj: ApiObject): IConstruct {
  return obj.node.id === 'Resource' && obj.node.scope ? obj.node.scope : obj;
}

/**
 * Renders every object of the app and analyzes them. The synthesis renders them again: a
 * validation that runs after this one may still change an object (sync-wave annotations, for
 * one), so what the analysis rendered is never handed to the synthesis.
 */
function runFor(root: IConstruct) {
  const started = process.hrtime.bigint();
  const options = appOptions.get(root) ?? {};
  const { inputs, owners } = collect(root);
  const ownerOfJson = (json: unknown): IConstruct | undefined => {
    const obj = owners.get(json);
    return obj ? ownerOf(obj) : undefined;
  };
  const rendered = process.hrtime.bigint();
  const run = analyzeObjects(inputs, {
    complete: false,
    assumeIngressGateway: options.assumeIngressGateway ?? true,
    levelFor: (f: Finding) => nearest(ownerOfJson(f.resource.json), s => s.levels.get(f.code)) ?? CODES[f.code].level,
    constructPathOf: r => ownerOfJson(r.json)?.node.path,
  });
  if (process.env.CDK8S_ISTIO_ANALYSIS_TIMING) {
    const ms = (from: bigint, to: bigint) => (Number(to - from) / 1e6).toFixed(1);
    process.stderr.write(`cdk8s-istio mesh analysis: ${inputs.length} objects rendered in ${ms(started, rendered)} ms`
      + `, analyzed in ${ms(rendered, process.hrtime.bigint())} ms\n`);
  }
  lastRun.set(root, { model: run.model, messages: run.messages.map(m => m.message), apiObjectOf: json => owners.get(json) });
  return run.messages.map(m => ({ ...m, owner: ownerOfJson(m.finding.resource.json) }));
}

/**
 * Where cdk8s validates from. `App.synth()` validates the app, then validates it again for each
 * chart it writes (`Chart.toJson()` -> `App._synthChart()`); nothing changes in between, so those
 * nested validations reuse the analysis of the first. Anything else analyzes afresh.
 */
function nestedInAppSynth(): boolean {
  const stack = stackOf();
  return /_synthChart/.test(stack) && APP_SYNTH.test(stack);
}

/** A frame of `App.synth()` or `App.synthYaml()` (of cdk8s, whatever the app's class is called). */
const APP_SYNTH = /\.synth(?:Yaml)? \([^)]*cdk8s[\\/](?:lib|src)[\\/]app\.[jt]s/;

function stackOf(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/** The app whose top-level validation (in `App.synth()`) ran last, while that synthesis runs. */
let topLevelRun: IConstruct | undefined;

function validateApp(root: IConstruct): string[] {
  const options = appOptions.get(root) ?? {};
  const off = options.enabled === false || /^(off|false|0|disabled?)$/i.test(process.env.CDK8S_ISTIO_ANALYSIS ?? '');
  const nested = nestedInAppSynth();
  if (nested && topLevelRun === root) return []; // errors stay on their constructs
  for (const c of failingOf.get(root) ?? []) errorsOf.delete(c);
  failingOf.delete(root);
  topLevelRun = undefined;
  if (off) {
    lastRun.delete(root);
    return [];
  }
  if (!nested && APP_SYNTH.test(stackOf())) {
    topLevelRun = root;
    queueMicrotask(() => { topLevelRun = undefined; });
  }
  const messages = runFor(root);
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
