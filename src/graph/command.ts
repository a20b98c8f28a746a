import { buildGraph } from './build';
import { renderDot } from './dot';
import { Graph } from './graph';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { renderMermaid } from './mermaid';
import { DEFAULT_MAX_NODES, MeshGraphSplit, split } from './split';
import { analyzeObjects } from '../analysis/analyze';
import { CommandIo, expand, readObjects } from '../analysis/command';
import { ModelInput } from '../analysis/model';
import { Resource } from '../analysis/resource';

/**
 * `cdk8s-istio graph`: the mesh graph of any YAML (a `dist/` of cdk8s, Helm output, files
 * written by hand), as Mermaid, DOT, JSON or the Markdown that synthesis writes. Internal; the
 * entry point is src/cli.ts.
 */

export const GRAPH_USAGE = `Usage: cdk8s-istio graph [options] FILE|DIR|- ...

Draws the mesh of Kubernetes and Istio YAML: ingress Gateways and the mesh, VirtualService
routes (match, weight, fault, mirror, timeout, retries, rewrite, redirect), Services, subsets
and the workloads they select with their effective mTLS mode, AuthorizationPolicy edges, and
istioctl analyze's findings on the node or edge they concern.

Options:
      --format mermaid|dot|json|markdown  output format (default: mermaid)
      --split auto|none|namespace|ingress-host
                                        cut a big mesh into diagrams (default: auto: one per
                                        namespace above --max-nodes nodes)
      --max-nodes N                     nodes in one diagram before auto splits (default: ${DEFAULT_MAX_NODES})
  -R, --recursive                       read directories recursively
      --no-default-gateway              do not assume istio-system/istio-ingressgateway
  -h, --help                            show this help

Exit codes: 0 drawn, 1 a file or an object could not be read, 2 bad usage.`;

type Format = 'mermaid' | 'dot' | 'json' | 'markdown';

interface Options {
  format: Format;
  split: MeshGraphSplit;
  maxNodes: number;
  recursive: boolean;
  defaultGateway: boolean;
  paths: string[];
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const o: Options = { format: 'mermaid', split: MeshGraphSplit.AUTO, maxNodes: DEFAULT_MAX_NODES, recursive: false, defaultGateway: true, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const next = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      if (i + 1 >= args.length) throw new UsageError(`${flag} needs a value`);
      return args[++i];
    };
    switch (flag) {
      case '--format': case '-f': {
        const v = next();
        if (!['mermaid', 'dot', 'json', 'markdown'].includes(v)) throw new UsageError(`--format "${v}" is invalid: use mermaid, dot, json or markdown`);
        o.format = v as Format;
        break;
      }
      case '--split': {
        const v = next();
        const mode = Object.values(MeshGraphSplit).find(m => m === v);
        if (!mode) throw new UsageError(`--split "${v}" is invalid: use ${Object.values(MeshGraphSplit).join(', ')}`);
        o.split = mode;
        break;
      }
      case '--max-nodes': {
        const v = next();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--max-nodes "${v}" is invalid: use a positive integer`);
        o.maxNodes = Number(v);
        break;
      }
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

/** Runs `graph` (argv without the command name); returns the exit code. */
export function runGraphCommand(argv: string[], io: CommandIo): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(`${GRAPH_USAGE}\n`);
    return 0;
  }
  let options: Options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-istio graph: ${e.message}\n\n${GRAPH_USAGE}\n`);
    return 2;
  }
  const problems: string[] = [];
  const byKey = new Map<string, ModelInput>();
  for (const file of expand(options.paths, options.recursive, problems)) {
    for (const input of readObjects(file, file === '-' ? io.readStdin?.() : undefined, problems)) {
      const r = new Resource(input.json);
      const key = `${r.group}/${r.ref}`;
      byKey.delete(key); // the later definition wins, as in `analyze`
      byKey.set(key, input);
    }
  }
  for (const p of problems) io.stderr(`Error: ${p}\n`);
  const run = analyzeObjects([...byKey.values()], { complete: true, assumeIngressGateway: options.defaultGateway });
  const title = options.paths.length === 1 ? options.paths[0] : 'mesh';
  const graphs = split(buildGraph(run.model, run.messages.map(m => m.message), title), options.split, options.maxNodes);
  io.stdout(render(graphs, options.format, options.paths.join(' ')));
  return problems.length > 0 ? 1 : 0;
}

function render(graphs: Graph[], format: Format, source: string): string {
  switch (format) {
    case 'json': return renderJson(graphs);
    case 'dot': return graphs.map(renderDot).join('\n');
    case 'markdown': return renderMarkdown(graphs.length === 1 ? graphs[0].title : 'mesh', source, graphs);
    default:
      // several diagrams: each after a `%%` comment with its title, separated by a blank line
      return graphs.length === 1 ? renderMermaid(graphs[0]) : graphs.map(g => `%% ${g.title}\n${renderMermaid(g)}`).join('\n');
  }
}
