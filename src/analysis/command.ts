import { readdirSync, readFileSync, statSync } from 'fs';
import { extname, join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { analyzeObjects, parseSuppression } from './analyze';
import { AnalysisLevel, parseLevel, reaches } from './level';
import { ModelInput } from './model';
import { isObject, Json, Resource } from './resource';

/**
 * `cdk8s-istio analyze`: istioctl analyze on YAML files, offline. Internal; the entry point is
 * src/cli.ts.
 */

/** The exit code when a message reaches the failure threshold, as istioctl's. */
export const FAILURE_EXIT_CODE = 79;

const USAGE = `Usage: cdk8s-istio analyze [options] FILE|DIR|- ...
       cdk8s-istio graph [--format mermaid|dot|json] FILE|DIR|- ...   (see cdk8s-istio graph --help)

Analyzes Kubernetes and Istio YAML (from cdk8s, Helm, or written by hand) as istioctl analyze
does, offline: every object given is all there is, and selectors are resolved against the pod
templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods.

Options:
  -o, --output log|json|yaml          output format (default: log)
      --output-threshold LEVEL        show messages at LEVEL or above (default: Info)
      --failure-threshold LEVEL       exit ${FAILURE_EXIT_CODE} when a message reaches LEVEL (default: Error)
  -S, --suppress "CODE=Kind ns/name"  suppress a message; * matches anything (repeatable)
      --mesh-config FILE              mesh config (MeshConfig YAML, or the istio ConfigMap)
  -R, --recursive                     read directories recursively
      --no-default-gateway            do not assume istio-system/istio-ingressgateway
  -h, --help                          show this help

LEVEL is Error, Warning or Info. Exit codes: 0 clean, ${FAILURE_EXIT_CODE} a message reached the failure
threshold, 1 a file or an object could not be read, 2 bad usage.`;

/** Where the command writes. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin?: () => string;
}

interface Options {
  output: 'log' | 'json' | 'yaml';
  outputThreshold: AnalysisLevel;
  failureThreshold: AnalysisLevel;
  suppress: string[];
  meshConfig?: string;
  recursive: boolean;
  defaultGateway: boolean;
  paths: string[];
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const o: Options = {
    output: 'log',
    outputThreshold: AnalysisLevel.INFO,
    failureThreshold: AnalysisLevel.ERROR,
    suppress: [],
    recursive: false,
    defaultGateway: true,
    paths: [],
  };
  const value = (i: number, flag: string): string => {
    if (i >= args.length) throw new UsageError(`${flag} needs a value`);
    return args[i];
  };
  const level = (v: string, flag: string): AnalysisLevel => {
    const l = parseLevel(v);
    if (!l || l === AnalysisLevel.IGNORE) throw new UsageError(`${flag} "${v}" is invalid: use Error, Warning or Info`);
    return l;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const next = (): string => (eq > 0 ? arg.slice(eq + 1) : value(++i, flag));
    switch (flag) {
      case '-o': case '--output': {
        const v = next();
        if (v !== 'log' && v !== 'json' && v !== 'yaml') throw new UsageError(`--output "${v}" is invalid: use log, json or yaml`);
        o.output = v;
        break;
      }
      case '--output-threshold': o.outputThreshold = level(next(), flag); break;
      case '--failure-threshold': o.failureThreshold = level(next(), flag); break;
      case '-S': case '--suppress': {
        const v = next();
        try {
          parseSuppression(v);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        o.suppress.push(v);
        break;
      }
      case '--mesh-config': o.meshConfig = next(); break;
      case '-R': case '--recursive': o.recursive = true; break;
      case '--no-default-gateway': o.defaultGateway = false; break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        o.paths.push(arg);
    }
  }
  if (o.paths.length === 0) throw new UsageError('no FILE or DIR given');
  return o;
}

/** Runs the command; returns the exit code. */
export function runCommand(argv: string[], io: CommandIo): number {
  if (argv[0] === '-h' || argv[0] === '--help' || argv.length === 0) {
    io.stdout(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] !== 'analyze') {
    io.stderr(`cdk8s-istio: unknown command "${argv[0]}"\n\n${USAGE}\n`);
    return 2;
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let options: Options;
  try {
    options = parseArgs(argv.slice(1));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-istio analyze: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }

  const problems: string[] = [];
  const byKey = new Map<string, ModelInput>();
  for (const file of expand(options.paths, options.recursive, problems)) {
    for (const input of readObjects(file, file === '-' ? io.readStdin?.() : undefined, problems)) {
      const r = new Resource(input.json);
      const key = `${r.group}/${r.ref}`;
      const earlier = byKey.get(key);
      if (earlier) io.stderr(`Warning: ${input.origin?.file}: ${r.ref} is also defined in ${earlier.origin?.file}; the later one is analyzed\n`);
      byKey.delete(key);
      byKey.set(key, input);
    }
  }
  const inputs = [...byKey.values()];
  let meshConfig: Json | undefined;
  if (options.meshConfig) {
    meshConfig = readMeshConfig(options.meshConfig, problems);
  }
  for (const p of problems) io.stderr(`Error: ${p}\n`);

  const run = analyzeObjects(inputs, {
    complete: true,
    assumeIngressGateway: options.defaultGateway,
    meshConfig,
    suppress: options.suppress,
  });
  const shown = run.messages.map(m => m.message).filter(m => reaches(m.level, options.outputThreshold));
  if (options.output === 'log') {
    if (shown.length === 0) {
      io.stdout(`\u2714 No validation issues found when analyzing ${inputs.length} object${inputs.length === 1 ? '' : 's'}.\n`);
    } else {
      io.stdout(shown.map(m => `${m.toString()}\n`).join(''));
    }
  } else {
    const plain = shown.map(m => ({ code: m.code, level: m.level, resource: m.resource, message: m.message }));
    io.stdout(options.output === 'json' ? `${JSON.stringify(plain, undefined, 2)}\n` : stringify(plain));
  }
  if (run.messages.some(m => reaches(m.message.level, options.failureThreshold))) return FAILURE_EXIT_CODE;
  return problems.length > 0 ? 1 : 0;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export function expand(paths: string[], recursive: boolean, problems: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch (e) {
      problems.push(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    if (!stat.isDirectory()) {
      files.push(path);
      continue;
    }
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (recursive) files.push(...expand([full], true, problems));
      } else if (EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        files.push(full);
      }
    }
  }
  return files;
}

export function readObjects(file: string, stdin: string | undefined, problems: string[]): ModelInput[] {
  let text: string;
  try {
    text = file === '-' ? stdin ?? readFileSync(0, 'utf-8') : readFileSync(file, 'utf-8');
  } catch (e) {
    problems.push(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return [];
  }
  const name = file === '-' ? '(stdin)' : file;
  const result: ModelInput[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${name}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      problems.push(`${where} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    const items = isObject(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    items.forEach((item: unknown, j: number) => {
      const at = items.length > 1 || item !== value ? `${where}, item ${j + 1}` : where;
      if (!isObject(item)) {
        problems.push(`${at} is not a Kubernetes object (a ${Array.isArray(item) ? 'list' : typeof item})`);
      } else if (typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        problems.push(`${at} is not a Kubernetes object: it has no apiVersion or kind`);
      } else if (!isObject(item.metadata) || typeof item.metadata.name !== 'string') {
        problems.push(`${at} (${item.kind}) has no metadata.name`);
      } else {
        result.push({ json: item, origin: { file: name } });
      }
    });
  });
  return result;
}

function readMeshConfig(file: string, problems: string[]): Json | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf-8');
  } catch (e) {
    problems.push(`--mesh-config ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return undefined;
  }
  const docs = parseAllDocuments(text);
  if (docs.length === 0 || docs[0].errors.length > 0) {
    problems.push(`--mesh-config ${file} is not valid YAML${docs[0] ? `: ${docs[0].errors[0].message.split('\n')[0]}` : ''}`);
    return undefined;
  }
  const value = docs[0].toJS();
  if (isObject(value) && value.kind === 'ConfigMap' && isObject(value.data) && typeof value.data.mesh === 'string') {
    const inner = parseAllDocuments(value.data.mesh)[0];
    if (!inner || inner.errors.length > 0) {
      problems.push(`--mesh-config ${file}: data.mesh is not valid YAML`);
      return undefined;
    }
    return inner.toJS() ?? {};
  }
  if (!isObject(value)) {
    problems.push(`--mesh-config ${file} is not a MeshConfig object`);
    return undefined;
  }
  return value;
}
