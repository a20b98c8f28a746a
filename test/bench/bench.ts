/**
 * `npm run bench`: synthesis benchmarks, each run as a whole Node.js process on compiled
 * JavaScript (tsc -p tsconfig.bench.json), reporting the median wall time over several runs
 * and the peak resident memory. Writes BENCHMARKS.md.
 *
 *   npm run bench                 # all scenarios, 5 runs each (3 for N=10,000)
 *   npm run bench -- --quick      # 1 run each, N up to 1,000
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, tmpdir, totalmem } from 'os';
import { join, resolve } from 'path';

const root = resolve(__dirname, '../../..');
const out = join(root, 'bench-out');
const quick = process.argv.includes('--quick');

interface Sample { readonly wallMs: number; readonly maxRssMb: number; readonly objects: number }
interface Row { readonly name: string; readonly runs: number; readonly medianMs: number; readonly maxRssMb: number; readonly objects: number }

/** Runs a compiled script as a child process; counts the objects it wrote and reads its peak memory. */
function runOnce(script: string, args: string[]): Sample {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk8s-istio-bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--max-old-space-size=4096', '--require', join(out, 'test/bench/rss-hook.js'), join(out, script), ...args], {
    cwd: root,
    env: { ...process.env, CDK8S_OUTDIR: outdir },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  const objects = readdirSync(outdir)
    .map(file => (readFileSync(join(outdir, file), 'utf-8').match(/^kind: /gm) ?? []).length)
    .reduce((a, b) => a + b, 0);
  rmSync(outdir, { recursive: true, force: true });
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
  return { wallMs, maxRssMb: report.maxRssKb / 1024, objects };
}

function measure(name: string, runs: number, script: string, args: string[] = []): Row {
  runOnce(script, args); // warm the file cache
  const samples = Array.from({ length: runs }, () => runOnce(script, args));
  const sorted = samples.map(s => s.wallMs).sort((a, b) => a - b);
  const row: Row = {
    name,
    runs,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    maxRssMb: Math.max(...samples.map(s => s.maxRssMb)),
    objects: samples[0].objects,
  };
  console.log(`${name.padEnd(48)} median ${(row.medianMs / 1000).toFixed(3)} s  peak ${row.maxRssMb.toFixed(0)} MiB  ${row.objects} objects`);
  return row;
}

const rows: Row[] = [];
const runs = quick ? 1 : 5;
rows.push(measure('bookinfo + demo control plane + addons', runs, 'examples/bookinfo/main.js'));
rows.push(measure('empty cdk8s app (process start-up floor)', runs, 'test/bench/empty-app.js'));
const sizes = quick ? [100, 1000] : [100, 1000, 10000];
const pairs: Array<{ n: number; lib: Row; raw: Row }> = [];
for (const n of sizes) {
  const r = n >= 10000 ? Math.min(runs, 3) : runs;
  const lib = measure(`generated mesh, N=${n}, cdk8s-istio`, r, 'test/bench/generated-mesh.js', [String(n), 'library']);
  const raw = measure(`generated mesh, N=${n}, raw ApiObjects (baseline)`, r, 'test/bench/generated-mesh.js', [String(n), 'raw']);
  rows.push(lib, raw);
  pairs.push({ n, lib, raw });
}

const lines = [
  '# Benchmarks',
  '',
  'Synthesis time of whole Node.js processes on compiled JavaScript: median wall time over',
  'several runs (after one warm-up run) and peak resident memory (maxRSS) of the process.',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}.`,
  '',
  'Reproduce: `npm run bench` (writes this file; `npm run bench -- --quick` for a fast look).',
  '',
  '| scenario | runs | median wall | peak memory | objects |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map(r => `| ${r.name} | ${r.runs} | ${(r.medianMs / 1000).toFixed(3)} s | ${r.maxRssMb.toFixed(0)} MiB | ${r.objects} |`),
  '',
  '| N | cdk8s-istio / baseline | per service (cdk8s-istio) |',
  '| ---: | ---: | ---: |',
  ...pairs.map(p => `| ${p.n} | ${(p.lib.medianMs / p.raw.medianMs).toFixed(2)}× | ${(p.lib.medianMs / p.n).toFixed(2)} ms |`),
  '',
  'The generated mesh has, per service: a cdk8s-plus Deployment and Service, a DestinationRule',
  'with two subsets and a VirtualService with a 90/10 weighted route. The baseline writes the',
  'same objects as raw cdk8s `ApiObject`s with hand-built specs (no validation, no references).',
  '',
];
if (!quick) writeFileSync(join(root, 'BENCHMARKS.md'), lines.join('\n'));
console.log(quick ? '(quick run: BENCHMARKS.md not written)' : 'wrote BENCHMARKS.md');
