/**
 * A big mesh's graph is drawn on a worker thread while App.synth() writes the YAML
 * (src/graph/background-graphs.ts). The files must be byte-identical to those drawn in place,
 * and a worker that fails or never answers must not lose them or hang the synthesis.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { getPriority, tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { buildSync } from 'esbuild';
import { Destination, DestinationRule, VirtualService } from '../src';
import { BACKGROUND_MIN_OBJECTS, drawInBackground, workerLocation } from '../src/graph/background-graphs';
import { drawGraphs, GraphJob } from '../src/graph/graph-job';
import { MeshGraphSplit } from '../src/graph/split';

jest.setTimeout(120_000);

let scratch: string;
let workerScript: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'graph-background-'));
  // the worker script as the compiled package has it (jest runs the TypeScript sources)
  workerScript = join(scratch, 'graph-worker.js');
  buildSync({ entryPoints: [join(__dirname, '..', 'src', 'graph', 'graph-worker.ts')], bundle: true, platform: 'node', outfile: workerScript, logLevel: 'error' });
});
afterAll(() => {
  workerLocation.script = undefined;
  rmSync(scratch, { recursive: true, force: true });
});

/** A namespace of `count` services, each with two versions, subsets and a 90/10 route. */
function addMesh(chart: Chart, count: number): void {
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    for (const version of ['v1', 'v2']) {
      const labels = { app: name, version };
      new ApiObject(chart, `${name}-${version}`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${name}-${version}`, labels },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
      });
    }
    new ApiObject(chart, `${name}-svc`, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }] } });
    const rule = new DestinationRule(chart, `${name}-rule`, { metadata: { name }, host: name });
    const v1 = rule.addSubset('v1', { labels: { version: 'v1' } });
    const v2 = rule.addSubset('v2', { labels: { version: 'v2' } });
    new VirtualService(chart, `${name}-routes`, {
      metadata: { name },
      hosts: [name],
      http: [{ route: [{ destination: Destination.fromSubset(v1), weight: 90 }, { destination: Destination.fromSubset(v2), weight: 10 }] }],
    });
  }
}

/** Synthesizes a two-chart app of `count` services; returns its Markdown files. */
function synthGraphs(count: number, script: string | undefined): Record<string, string> {
  workerLocation.script = script;
  const outdir = mkdtempSync(join(scratch, 'out-'));
  const app = new App({ outdir });
  addMesh(new Chart(app, 'mesh', { namespace: 'shop' }), count);
  addMesh(new Chart(app, 'other', { namespace: 'other' }), 3);
  app.synth();
  return Object.fromEntries(readdirSync(outdir).filter(f => f.endsWith('.mesh.md')).sort().map(f => [f, readFileSync(join(outdir, f), 'utf-8')]));
}

test('App.synth() of a big mesh writes, from the worker thread, the files drawn in place', () => {
  const count = Math.ceil(BACKGROUND_MIN_OBJECTS / 5) + 10;
  // the worker, wrapped to leave a mark that it ran
  const marker = join(scratch, 'worker-ran');
  const wrapped = join(scratch, 'wrapped-worker.js');
  writeFileSync(wrapped, `require('fs').appendFileSync(${JSON.stringify(marker)}, 'ran\\n');\nrequire(${JSON.stringify(workerScript)});\n`);
  const inPlace = synthGraphs(count, join(scratch, 'no-such-worker.js'));
  expect(existsSync(marker)).toBe(false);
  const background = synthGraphs(count, wrapped);
  expect(readFileSync(marker, 'utf-8')).toEqual('ran\n');
  expect(Object.keys(background)).toEqual(['mesh.mesh.md', 'other.mesh.md']);
  expect(background).toEqual(inPlace);
  // split into connected chunks, each route with its share
  expect(background['mesh.mesh.md']).toContain('## mesh: namespace shop (1/');
  expect(background['mesh.mesh.md']).toContain('svc-407');
  expect(background['mesh.mesh.md'].match(/90%/g)?.length).toBe(count);
});

/** A small job, drawn both ways. */
const job: GraphJob = {
  inputs: [
    { json: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'x' }, spec: { selector: { app: 'a' } } } },
    { json: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'x' }, spec: { template: { metadata: { labels: { app: 'a' } } } } } },
  ],
  modelOptions: { complete: false, assumeIngressGateway: false },
  messages: [],
  files: [{ file: 'x.mesh.md', title: 'x', source: 'a test' }],
  split: MeshGraphSplit.AUTO,
  maxNodes: 40,
};

// seen where Linux shows a thread's own nice value, and the main thread's leaves room below it
const threadNiceVisible = process.platform === 'linux' && existsSync('/proc/thread-self/stat') && getPriority() < 19;
(threadNiceVisible ? test : test.skip)('on Linux the worker thread draws at a lower priority than the main thread', () => {
  // a thread's nice value is its own on Linux: the wrapped worker reads it after the worker
  // script has loaded, and the main thread's is unchanged
  const seen = join(scratch, 'worker-nice');
  const wrapped = join(scratch, 'nice-worker.js');
  writeFileSync(wrapped, `require(${JSON.stringify(workerScript)});\n`
    + 'const stat = require(\'fs\').readFileSync(\'/proc/thread-self/stat\', \'utf-8\');\n'
    + `require('fs').writeFileSync(${JSON.stringify(seen)}, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);\n`);
  const before = getPriority();
  const count = Math.ceil(BACKGROUND_MIN_OBJECTS / 5) + 10;
  const files = synthGraphs(count, wrapped);
  expect(Number(readFileSync(seen, 'utf-8'))).toEqual(Math.min(19, before + 5));
  expect(getPriority()).toEqual(before);
  expect(files['mesh.mesh.md']).toContain('## mesh: namespace shop (1/');
});

test('a job drawn on the worker thread equals the one drawn in place', () => {
  const files = drawInBackground(job, workerScript).collect();
  expect(files).toEqual(drawGraphs(job));
  expect(files[0][1]).toContain('# Mesh graph: x');
});

/** A worker script that answers any job with `answer`, as graph-worker.ts answers. */
function answeringWorker(name: string, answer: object): string {
  const script = join(scratch, name);
  writeFileSync(script, [
    "const { workerData } = require('worker_threads');",
    `workerData.port.once('message', () => { workerData.port.postMessage(${JSON.stringify(answer)});`,
    '  Atomics.store(workerData.flag, 0, 1); Atomics.notify(workerData.flag, 0); workerData.port.close(); });',
  ].join('\n'));
  return script;
}

test('an error in the worker is reported, not swallowed', () => {
  const failing = answeringWorker('failing-worker.js', { error: 'Error: drawing failed' });
  expect(() => drawInBackground(job, failing).collect()).toThrow('cdk8s-istio mesh graph: Error: drawing failed');
});

test('a worker that cannot load the drawing says so, and the graph is drawn in place', () => {
  const unable = answeringWorker('unable-worker.js', {});
  expect(drawInBackground(job, unable).collect()).toEqual(drawGraphs(job));
});

test('a worker that ends without answering: the graph is drawn in place after the wait', () => {
  const silent = join(scratch, 'silent-worker.js');
  writeFileSync(silent, '// ends at once\n');
  expect(drawInBackground(job, silent, 300).collect()).toEqual(drawGraphs(job));
  // and one that cannot start at all
  expect(drawInBackground(job, join(scratch, 'missing.js'), 300).collect()).toEqual(drawGraphs(job));
});
