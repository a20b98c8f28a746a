import { cdk8s, javascript, TextFile, YamlFile } from 'projen';

const ISTIO_VERSION = '1.30.3';
const ISTIO_CRDS = `../shared/reference/istio-${ISTIO_VERSION}/crd-all.gen.yaml`;

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
  // The mesh analysis reads YAML: mesh config in ConfigMaps, and files given to `cdk8s-istio analyze`.
  bundledDeps: ['yaml@^2'],
  devDeps: [
    'cdk8s-cli@2.207.60',
    '@kubernetes-models/istio@3.0.1',
    'kubernetes-models@5.1.0',
    'ajv@^8',
    '@marcbachmann/cel-js@^8',
    'ts-node@^10',
    'fast-check@^3',
  ],

  // imports/ sits beside src/: compile both, and nothing else, into lib/.
  tsconfig: {
    compilerOptions: { rootDir: '.' },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
    exclude: ['node_modules', 'test', 'examples', 'projenrc'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc'],
    ignorePatterns: ['imports/', 'lib/', 'dist/', 'artifacts/', 'node_modules/', '*.d.ts', '*.js'],
  },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
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
project.package.addField('engines', { node: '>= 20' });
// `artifacts` as jsii-pacmak writes it, so packaging leaves .npmignore unchanged.
project.npmignore?.addPatterns('/examples/', '/projenrc/', '/dist/', 'artifacts');

// `npx projen import`: regenerate the internal CRD bindings in imports/.
project.addTask('import', {
  description: `Generate imports/ from the Istio ${ISTIO_VERSION} CRDs`,
  exec: `ts-node --project tsconfig.dev.json projenrc/import-istio.ts ${ISTIO_CRDS} ${ISTIO_VERSION}`,
});

// Tests type-check test/ and examples/ (ts-jest only transpiles), then run jest and eslint.
const test = project.tasks.tryFind('test')!;
test.reset();
test.exec('tsc --noEmit -p tsconfig.dev.json', { name: 'type-check src, test and examples' });
test.exec('jest --passWithNoTests', { receiveArgs: true });
test.spawn(project.tasks.tryFind('eslint')!);

// The main job: synthesize the bookinfo example (control plane + addons + app) into dist/.
new YamlFile(project, 'cdk8s.yaml', {
  obj: {
    language: 'typescript',
    app: 'ts-node --transpile-only --project tsconfig.dev.json examples/bookinfo/main.ts', // type-checked by npm test
    output: 'dist',
  },
});
project.addTask('synth', {
  description: 'Synthesize the bookinfo example (Istio control plane, addons and bookinfo) into dist/',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'cdk8s synth',
  receiveArgs: true,
});

// `npm run bench`: synth benchmarks on compiled JavaScript (see BENCHMARKS.md).
project.addTask('bench', {
  description: 'Benchmark synthesis on compiled JavaScript and write BENCHMARKS.md',
  steps: [
    { exec: 'tsc -p tsconfig.bench.json' },
    { exec: 'node bench-out/test/bench/bench.js', receiveArgs: true },
  ],
});
project.gitignore.addPatterns('/bench-out/');
project.package.setScript('bench', 'projen bench');
project.package.setScript('synth', 'projen synth');
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

// CI entry point: install exactly the lockfile, run the README's test command, print totals.
new TextFile(project, '.ci/run', {
  executable: true,
  lines: [
    '#!/usr/bin/env bash',
    '# ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".',
    'set -uo pipefail',
    'cd "$(dirname "$0")/.."',
    'export CDK8S_CHECK_UPGRADE=false',
    'npm ci || exit 1',
    'log=$(mktemp)',
    'npm test 2>&1 | tee "$log"',
    'status=${PIPESTATUS[0]}',
    'line=$(grep -E "^Tests:" "$log" | tail -n 1)',
    'passed=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || true)',
    'failed=$(echo "$line" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+" || true)',
    'echo "${passed:-0} passed, ${failed:-0} failed"',
    'exit "$status"',
  ],
});

project.synth();
