// Runs a TypeScript cdk8s app fast: esbuild bundles it (with the library and cdk8s) into one
// CommonJS file, cached under node_modules/.cache until one of its inputs changes, and the
// bundle runs in this process. V8's code cache of the bundle, taken after a run (so it holds
// the functions the synth compiled, not only the top level), is kept beside it: later runs
// skip parsing and compiling. Type-checking is `npm test`'s job, as with `ts-node --transpile-only`.
//
//   node projenrc/run-app.mjs APP.ts                  # the `app` of cdk8s.yaml: writes to $CDK8S_OUTDIR
//   node projenrc/run-app.mjs APP.ts --outdir dist    # `npm run synth`: a fresh dist/ without the cdk8s CLI
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const [entry, ...options] = process.argv.slice(2);
const outdirAt = options.lastIndexOf('--outdir'); // the last one wins: `npm run synth -- --outdir DIR`
const outdir = outdirAt >= 0 ? options[outdirAt + 1] : undefined;
if (!entry || options.some((option, i) => option !== '--outdir' && options[i - 1] !== '--outdir') || (outdirAt >= 0 && !outdir)) {
  console.error('usage: node projenrc/run-app.mjs APP.ts [--outdir DIR]');
  process.exit(2);
}

const self = fileURLToPath(import.meta.url);
const root = resolve(dirname(self), '..');
const cache = join(root, 'node_modules', '.cache', 'cdk8s-istio');
const bundle = join(cache, `${basename(entry, '.ts')}.${Buffer.from(resolve(entry)).toString('base64url').slice(-24)}.cjs`);
const inputsFile = `${bundle}.inputs.json`;
const codeCacheFile = `${bundle}.v8-cache`;

/** The bundle is current when it is newer than this script and every file esbuild read to build it. */
function upToDate() {
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const built = statSync(bundle).mtimeMs;
  return [self, ...JSON.parse(readFileSync(inputsFile, 'utf-8'))].every(file => existsSync(file) && statSync(file).mtimeMs <= built);
}

if (!upToDate()) {
  const esbuild = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  rmSync(codeCacheFile, { force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    outfile: bundle,
    metafile: true,
    logLevel: 'error',
    tsconfig: join(root, 'tsconfig.dev.json'),
    // What a synth may never need stays out of the bundle, which Node.js would parse on every
    // run: the engines the library loads on first use (found in node_modules from the cache
    // folder), and the generated CRD data (required from where it is, when it is).
    external: ['ajv', 're2js', '@marcbachmann/cel-js'],
    plugins: [{
      name: 'crd-data-on-demand',
      setup(build) {
        build.onResolve({ filter: /[\\/]imports[\\/]crds[\\/][^\\/]+\.json$/ }, args => ({ path: resolve(args.resolveDir, args.path), external: true }));
      },
    }],
  });
  writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs).map(file => resolve(root, file))));
}
if (outdir) {
  rmSync(outdir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = resolve(outdir);
}

runWithCodeCache(bundle);

/**
 * Runs the bundle as `require(bundle)` would, compiled with V8's code cache of an earlier run
 * when there is one that this Node.js accepts; otherwise writes one when the run ends.
 */
function runWithCodeCache(file) {
  const source = readFileSync(file, 'utf-8');
  const cachedData = existsSync(codeCacheFile) ? readFileSync(codeCacheFile) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const partial = `${codeCacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, codeCacheFile); // whole or not at all, should two runs race
      } catch {
        // no cache this time (a read-only folder, a full disk): the next run compiles again
      }
    });
  }
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  Module._cache[file] = module;
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  module.loaded = true;
}
