import { cdk8s, javascript, TextFile, YamlFile } from 'projen';

const ISTIO_VERSION = '1.30.3';
const ISTIO_CRDS = `../shared/reference/istio-${ISTIO_VERSION}/crd-all.gen.yaml`;
const GATEWAY_API_VERSION = 'v1.5.1';
const GATEWAY_API = `../shared/reference/gateway-api-${GATEWAY_API_VERSION}`;
const ISTIO_INSTALL = `../shared/reference/istio-${ISTIO_VERSION}/install`;

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio',
  description: 'Typed cdk8s constructs for an Istio service mesh: traffic, security, telemetry and a full mesh installation.',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'kubernetes', 'constructs'],
  author: 'cdk8s-istio maintainers',
  authorAddress: 'maintainers@cdk8s-istio.dev',
  repositoryUrl: 'https://github.com/cdk8s-istio/cdk8s-istio.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',

  // Packaging for Python/Java/Go/.NET is not set up; the API stays jsii-clean for later.
  // dist/ is where `cdk8s synth` writes manifests, so packages go elsewhere.
  artifactsDirectory: 'artifacts',

  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  // Istio's own engines: RE2 for regexes (as Envoy compiles them) and a CEL parser for
  // access-log filters; YAML for the mesh analysis (mesh config in ConfigMaps, and the files
  // given to `cdk8s-istio analyze`), and Ajv for the CRD schemas (IST0106). Runtime deps of a jsii library are bundled.
  bundledDeps: ['re2js@^2.10.0', '@marcbachmann/cel-js@^8', 'yaml@^2', 'ajv@^8'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    '@kubernetes-models/istio@3.0.1',
    'kubernetes-models@5.1.0',
    'ts-node@^10',
    // Property-based tests of validation (fixed seed).
    'fast-check@^4',
    // A newer cdk8s-plus under an alias: workloads from any cdk8s-plus 2.x must be accepted.
    'cdk8s-plus-latest@npm:cdk8s-plus-33@^2.5.57',
    // Bundles the TypeScript app for `npm run synth` and `cdk8s synth` (projenrc/run-app.mjs).
    'esbuild@^0.28',
    // The mesh graph test renders each diagram with Mermaid's own renderer in a headless
    // Chromium (Debian's package; puppeteer-core downloads no browser).
    'mermaid@^11',
    'puppeteer-core@^24',
  ],

  // imports/ sits beside src/: compile both, and nothing else, into lib/.
  tsconfig: {
    compilerOptions: { rootDir: '.' },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
    exclude: ['node_modules', 'test', 'examples', 'projenrc'],
  },
  eslintOptions: {
    // Tests never change the working tree: lint reports, `npx eslint --fix` fixes.
    commandOptions: { fix: false },
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc'],
    ignorePatterns: ['imports/', 'lib/', 'dist/', 'artifacts/', 'node_modules/', '*.d.ts', '*.js'],
  },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      // The CEL parser ships as an ES module; Node >= 20.19 require()s it natively, jest on
      // Node 20 needs it transpiled to CommonJS.
      transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
      transform: {
        '^.+/node_modules/@marcbachmann/cel-js/.+\\.js$': new javascript.Transform('ts-jest', {
          tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', esModuleInterop: true },
        }),
      },
    },
  },
  gitignore: ['/dist/', '/artifacts/', '/bench-results/', 'cdk.out'],
  githubOptions: { mergify: false },
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
});

// Compiled output keeps the src/ and imports/ layout.
project.package.addField('main', 'lib/src/index.js');
project.package.addField('types', 'lib/src/index.d.ts');
// `npx cdk8s-istio analyze ...`: istioctl analyze on YAML files, offline (src/cli.ts).
project.package.addBin({ 'cdk8s-istio': 'lib/src/cli.js' });
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });
// Node 20.19 is the first 20.x that loads ES modules with require(): the bundled CEL parser is one.
project.package.addField('engines', { node: '>= 20.19.0' });
// `artifacts` as jsii-pacmak writes it, so packaging leaves .npmignore unchanged.
project.npmignore?.addPatterns('/examples/', '/projenrc/', '/dist/', 'artifacts', '/imports/');
// The tarball holds only what a consumer needs: compiled JavaScript, typings, the generated CRD
// data, the jsii assembly, README, LICENSE and API.md (npm adds package.json, README and LICENSE).
project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', 'lib/imports/crds/*.json', '.jsii', 'API.md']);

// `npx projen package` on a fresh clone: compile first when there is no assembly yet.
project.tasks.tryFind('package')!.prependSpawn(project.tasks.tryFind('compile')!, {
  condition: 'node -e "process.exit(require(\'fs\').existsSync(\'.jsii\') ? 1 : 0)"',
});

// `npx projen import`: regenerate imports/ (the internal CRD bindings, and the upstream CRDs
// as data in imports/crds/) from the upstream files. The paths are arguments: ../shared/reference
// is only where they live today, and nothing else reads them.
const importTask = project.addTask('import', {
  description: `Generate imports/ from the Istio ${ISTIO_VERSION} and Gateway API ${GATEWAY_API_VERSION} CRDs`,
  exec: `ts-node --project tsconfig.dev.json projenrc/import-istio.ts ${ISTIO_CRDS} ${ISTIO_VERSION}`,
});
// Gateway API: bindings for the kinds Istio serves, and the full CRDs in imports/crds/.
importTask.exec(`ts-node --project tsconfig.dev.json projenrc/import-gateway-api.ts ${GATEWAY_API} ${GATEWAY_API}/experimental ${GATEWAY_API_VERSION}`);
// The installation values the sidecar injector reads, in full (imports/install/).
importTask.exec(`ts-node --project tsconfig.dev.json projenrc/import-install-values.ts ${ISTIO_INSTALL}/default/20-istiod.yaml ${ISTIO_VERSION}`);

// imports/crds/*.json is data the library loads lazily (require), so tsc does not emit it:
// copy it next to the compiled imports/ (lib/imports/crds, bench-out/imports/crds).
const copyCrdData = (outDir: string) =>
  `node -e "const fs=require('fs');fs.mkdirSync('${outDir}/imports/crds',{recursive:true});`
  + `for(const f of fs.readdirSync('imports/crds'))if(f.endsWith('.json'))fs.copyFileSync('imports/crds/'+f,'${outDir}/imports/crds/'+f)"`;
project.compileTask.exec(copyCrdData('lib'), { name: 'copy the generated CRD data into lib/imports/crds' });
// The compiled index loads each module on first use (projenrc/lazy-index.mjs): an app loads only
// the parts of the library it uses. Run on the benchmark's build too, which measures the package.
const lazyIndex = (outDir: string) => `node projenrc/lazy-index.mjs src/index.ts ${outDir}/src/index.js`;
project.compileTask.exec(lazyIndex('lib'), { name: 'make the compiled index load each module on first use' });

// Tests type-check test/ and examples/ (ts-jest only transpiles), then run jest and eslint.
const test = project.tasks.tryFind('test')!;
test.reset();
test.exec('tsc --noEmit -p tsconfig.dev.json', { name: 'type-check src, test and examples' });
test.exec('jest --passWithNoTests', { receiveArgs: true });
test.spawn(project.tasks.tryFind('eslint')!);

// The main job: synthesize the bookinfo example (control plane + addons + app) into dist/.
// projenrc/run-app.mjs bundles the TypeScript app with esbuild (cached until a source changes)
// and runs it: `cdk8s synth` runs it as the app, and `npm run synth` runs it directly, without
// the start-up of the cdk8s CLI and the projen task runner. `npm test` type-checks the example.
const BOOKINFO_APP = 'node projenrc/run-app.mjs examples/bookinfo/main.ts';
new YamlFile(project, 'cdk8s.yaml', {
  obj: { language: 'typescript', app: BOOKINFO_APP, output: 'dist' },
});
project.addTask('synth', {
  description: 'Synthesize the bookinfo example (Istio control plane, addons and bookinfo) into dist/ with the cdk8s CLI',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'cdk8s synth',
  receiveArgs: true,
});

// `npm run bench`: synth benchmarks on compiled JavaScript (see BENCHMARKS.md).
project.addTask('bench', {
  description: 'Benchmark synthesis on compiled JavaScript and write BENCHMARKS.md',
  steps: [
    { exec: 'tsc -p tsconfig.bench.json' },
    { exec: copyCrdData('bench-out') },
    { exec: lazyIndex('bench-out') },
    { exec: 'node bench-out/test/bench/bench.js', receiveArgs: true },
  ],
});
project.gitignore.addPatterns('/bench-out/');
project.package.setScript('bench', 'projen bench');
project.package.setScript('synth', `${BOOKINFO_APP} --outdir dist`);
project.package.setScript('import', 'projen import');

// Type-checks everything (ts-jest only transpiles); also what ts-node uses for examples.
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.dev.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  compilerOptions: { noEmit: true, rootDir: '.' },
  include: ['src/**/*.ts', 'imports/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'projenrc/**/*.ts'],
  exclude: ['node_modules'],
});

// eslint's project service uses the nearest tsconfig.json; examples/ needs its own.
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
  compilerOptions: { noEmit: true, rootDir: '..' },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
});

new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.bench.json',
  compilerOptions: {
    rootDir: '.',
    outDir: 'bench-out',
    module: javascript.TypeScriptModuleResolution.NODE16 as any,
    target: 'ES2022',
    lib: ['es2022'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    declaration: false,
    types: ['node'],
  },
  include: ['src/**/*.ts', 'imports/**/*.ts', 'examples/**/*.ts', 'test/bench/**/*.ts'],
});

// CI entry point. It proves the clone stands alone: the git-tracked files are copied to a
// temporary folder with nothing beside it (no ../shared), where it installs exactly the
// lockfile, runs the README's test command and prints the totals (tests run the synth commands).
new TextFile(project, '.ci/run', {
  executable: true,
  lines: [
    '#!/usr/bin/env bash',
    '# ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".',
    'set -uo pipefail',
    'cd "$(dirname "$0")/.."',
    'export CDK8S_CHECK_UPGRADE=false',
    'unset ISTIO_CRDS',
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    'mkdir "$work/clone"',
    'git ls-files -z | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$work/clone" || exit 1',
    'cd "$work/clone"',
    'echo "testing a copy of the clone in $PWD (nothing beside it: $(ls "$work"))"',
    'npm ci || exit 1',
    '# the Mermaid rendering test (test/graph-render.test.ts) needs a browser: Debian\'s chromium',
    'if ! command -v chromium >/dev/null 2>&1; then',
    '  sudo=$([ "$(id -u)" = 0 ] || echo sudo)',
    '  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq',
    '  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null',
    'fi',
    '# in CI a missing browser fails that test instead of skipping it',
    'export CDK8S_ISTIO_REQUIRE_BROWSER=1',
    'log=$(mktemp -p "$work")',
    'npm test 2>&1 | tee "$log"',
    'status=${PIPESTATUS[0]}',
    'line=$(grep -E "^Tests:" "$log" | tail -n 1)',
    'passed=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || true)',
    'failed=$(echo "$line" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+" || true)',
    '# without jest\'s summary on the console, count the cases of its junit report',
    'if [ -z "$line" ] && [ -f test-reports/junit.xml ]; then',
    '  total=$(grep -c "<testcase " test-reports/junit.xml || true)',
    '  failed=$(grep -c "<failure" test-reports/junit.xml || true)',
    '  passed=$(( ${total:-0} - ${failed:-0} ))',
    'fi',
    'echo "${passed:-0} passed, ${failed:-0} failed"',
    'exit "$status"',
  ],
});

project.synth();
