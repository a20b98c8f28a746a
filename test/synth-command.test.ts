/**
 * The main job's commands: `npm run synth` (run-app.mjs with --outdir) and the app command that
 * `cdk8s synth` runs (cdk8s.yaml) write byte-for-byte what the example writes in-process.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { addBookinfoStack } from '../examples/bookinfo/bookinfo-stack';

const root = join(__dirname, '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8'));
const cdk8sYaml = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf-8'));

jest.setTimeout(120_000);

/** Every file of a directory, by name. */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map(file => [file, readFileSync(join(dir, file), 'utf-8')]));
}

/** Runs a package.json-style command line (no shell features) in the project root. */
function run(commandLine: string, env: Record<string, string> = {}): void {
  const [program, ...args] = commandLine.split(' ');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BOOKINFO_')));
  execFileSync(program === 'node' ? process.execPath : program, args, { cwd: root, stdio: 'pipe', env: { ...inherited, ...env } });
}

let scratch: string;
let expected: Record<string, string>;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'synth-command-'));
  const app = new App({ outdir: join(scratch, 'in-process') });
  addBookinfoStack(app, {});
  app.synth();
  expected = contents(join(scratch, 'in-process'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('`npm run synth` runs the app directly into a fresh dist/, without the projen runner or the cdk8s CLI', () => {
  expect(packageJson.scripts.synth).toBe(`${cdk8sYaml.app} --outdir dist`);
  const script = packageJson.scripts.synth.replace(/--outdir dist$/, `--outdir ${join(scratch, 'npm-run-synth')}`);
  run(script);
  expect(contents(join(scratch, 'npm-run-synth'))).toEqual(expected);
  // each chart's YAML, and beside it the picture of its mesh (src/graph)
  expect(Object.keys(expected)).toEqual([
    '00-istio-crds.k8s.yaml', '00-istio-crds.mesh.md', '01-istio-control-plane.k8s.yaml', '01-istio-control-plane.mesh.md',
    '02-istio-addons.k8s.yaml', '02-istio-addons.mesh.md', '03-bookinfo.k8s.yaml', '03-bookinfo.mesh.md',
  ]);
});

test('the cdk8s.yaml app writes the same files into $CDK8S_OUTDIR, and again byte-identical', () => {
  run(cdk8sYaml.app, { CDK8S_OUTDIR: join(scratch, 'app-1') });
  run(cdk8sYaml.app, { CDK8S_OUTDIR: join(scratch, 'app-2') });
  expect(contents(join(scratch, 'app-1'))).toEqual(expected);
  expect(contents(join(scratch, 'app-2'))).toEqual(expected);
});

test('`--outdir` replaces what the directory held', () => {
  const dir = join(scratch, 'stale');
  run(`${cdk8sYaml.app} --outdir ${dir}`, { BOOKINFO_SCENARIO: 'all-v1' });
  run(`${cdk8sYaml.app} --outdir ${dir}`);
  expect(contents(dir)).toEqual(expected);
});
