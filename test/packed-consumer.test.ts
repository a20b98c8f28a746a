/**
 * The package as a consumer gets it: pack the library, install the tarball into a scratch cdk8s
 * app in a temporary folder (offline, from the tarball and the npm cache), type-check the
 * README's "Use it in your cdk8s app" main.ts against the packed typings, and run `cdk8s synth`.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const version = (pkg: string): string => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf-8')).version;

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .map(entry => entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
}

/** The README's main.ts for consumers: the code block after the `use-it:main.ts` marker. */
function readmeMainTs(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf-8');
  const match = /<!-- use-it:main\.ts[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no <!-- use-it:main.ts --> code block');
  return match[1];
}

jest.setTimeout(600_000);

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cdk8s-istio-consumer-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test('the packed library installs into a cdk8s app and synthesizes the README snippet', () => {
  // GIVEN the library compiled as `npx projen compile` does (jsii, then the generated data into
  // lib/), again only when a source changed since the last build
  const assembly = join(root, '.jsii');
  if (!existsSync(assembly) || statSync(assembly).mtimeMs < Math.max(newest(join(root, 'src')), newest(join(root, 'imports')))) {
    execFileSync(bin('projen'), ['compile'], { cwd: root, stdio: 'pipe' });
  }
  // ... and packed as npm publishes it
  const packDir = join(scratch, 'pack');
  mkdirSync(packDir);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf-8' }));
  const tarball = join(packDir, packed[0].filename);
  const shipped: string[] = packed[0].files.map((f: { path: string }) => f.path);

  // THEN the tarball holds only what a consumer needs: compiled code and data, the jsii
  // assembly, the docs, and the bundled dependencies (jsii libraries bundle theirs)
  const bundled: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8')).bundledDependencies ?? [];
  // npm bundles what the bundled dependencies depend on too (Ajv's own dependencies)
  const withTheirs = new Set<string>();
  const addWithDependencies = (dep: string) => {
    if (withTheirs.has(dep)) return;
    withTheirs.add(dep);
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf-8'));
    Object.keys(manifest.dependencies ?? {}).forEach(addWithDependencies);
  };
  bundled.forEach(addWithDependencies);
  const isBundled = (path: string) => [...withTheirs].some(dep => path.startsWith(`node_modules/${dep}/`));
  expect(shipped.filter(path => !/^lib\/.*\.(js|d\.ts|json)$/.test(path) && !isBundled(path)).sort())
    .toEqual(['.jsii', 'API.md', 'LICENSE', 'README.md', 'package.json']);
  for (const dep of bundled) expect(shipped).toContain(`node_modules/${dep}/package.json`);
  expect(shipped).toContain('lib/src/index.js');
  expect(shipped).toContain('lib/src/index.d.ts');

  // WHEN a scratch cdk8s app installs it, offline, with its peers as this project has them
  // (cdk8s, constructs and cdk8s-plus-27 bundle their own dependencies)
  const peers = ['cdk8s', 'constructs', 'cdk8s-plus-27'].map(peer => {
    const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir, join(root, 'node_modules', peer)], { encoding: 'utf-8' }));
    return join(packDir, filename);
  });
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball, ...peers], { cwd: app, stdio: 'pipe' });
  expect(JSON.parse(readFileSync(join(app, 'node_modules', 'cdk8s', 'package.json'), 'utf-8')).version).toBe(version('cdk8s'));
  // ... and, required from CommonJS, loads only the parts of the library it uses
  // (projenrc/lazy-index.mjs); an ES module imports the names too (and, reading them all, loads all)
  const loadedBy = (code: string) => (JSON.parse(execFileSync('node', ['-e', `${code}; console.log(JSON.stringify(Object.keys(require.cache)))`],
    { cwd: app, encoding: 'utf-8' })) as string[]).filter(f => f.includes('/node_modules/cdk8s-istio/lib/src/'));
  const routing = loadedBy("const { VirtualService } = require('cdk8s-istio'); if (typeof VirtualService !== 'function') throw new Error('no VirtualService')");
  expect(routing.some(f => f.endsWith('/lib/src/networking/virtual-service.js'))).toBe(true);
  expect(routing.filter(f => /\/lib\/src\/(install|addons|gateway-api)\//.test(f))).toEqual([]);
  const everything = loadedBy("const all = require('cdk8s-istio'); Object.keys(all).forEach(name => all[name])");
  expect(everything.some(f => f.includes('/lib/src/install/'))).toBe(true);
  expect(everything.length).toBeGreaterThan(routing.length);
  execFileSync('node', ['--input-type=module', '-e', "import { VirtualService, gatewayApi } from 'cdk8s-istio'; "
    + "if (typeof VirtualService !== 'function' || typeof gatewayApi.HttpRoute !== 'function') process.exit(1)"], { cwd: app });
  writeFileSync(join(app, 'main.ts'), readmeMainTs());
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, types: [], outDir: '.', rootDir: '.', skipLibCheck: false },
    files: ['main.ts'],
  }));
  writeFileSync(join(app, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');

  // ... type-checks the README's main.ts against the packed typings and runs `cdk8s synth`
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: app, stdio: 'pipe' });
  execFileSync(bin('cdk8s'), ['synth'], { cwd: app, stdio: 'pipe', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });

  // THEN it writes the mesh and the app's routing, each chart with the picture of its mesh
  expect(readdirSync(join(app, 'dist')).sort()).toEqual(['istio.k8s.yaml', 'istio.mesh.md', 'shop.k8s.yaml', 'shop.mesh.md']);
  const picture = readFileSync(join(app, 'dist', 'shop.mesh.md'), 'utf-8');
  expect(picture).toContain('-->|"90%"|');
  // the snippet routes to a Service that other manifests define
  expect(picture).toContain('host reviews subset v1<br/>defined outside this app');
  const objects = (file: string) => parseAllDocuments(readFileSync(join(app, 'dist', file), 'utf-8')).map(d => d.toJSON());
  const istio = objects('istio.k8s.yaml');
  expect(istio.find(o => o.kind === 'Deployment')?.metadata.name).toBe('istiod');
  expect(istio.find(o => o.kind === 'Namespace' && o.metadata.name === 'shop')?.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  const shop = objects('shop.k8s.yaml');
  expect(shop.find(o => o.kind === 'PeerAuthentication')?.spec).toEqual({ mtls: { mode: 'STRICT' } });
  expect(shop.find(o => o.kind === 'VirtualService')?.spec.http[0].route).toEqual([
    { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
    { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
  ]);
});
