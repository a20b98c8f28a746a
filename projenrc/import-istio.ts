/**
 * Generates the upstream Istio data the library and its tests use, from the Istio CRD file:
 *
 * - `imports/crds/istio.json`: the upstream CustomResourceDefinitions as they are (every
 *   version, the full `openAPIV3Schema` with its `x-kubernetes-validations` rules; each spec
 *   as cdk8s renders it), and `istio.spec-yaml.json`, the YAML of each spec (crd-data.ts).
 *   The built-in CRDs are rendered from them, and the analysis checks custom resources
 *   against them, so neither needs the upstream file at build or test time.
 * - `imports/<group>.ts`: the internal `cdk8s import` bindings. Only the API version the
 *   library emits is kept for each kind (v1 where Istio serves it, otherwise the storage
 *   version), so there is exactly one generated class per kind.
 *
 * Usage: ts-node projenrc/import-istio.ts <crd-all.gen.yaml> <istio version>
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { writeCrdData } from './crd-data';
import { speedUpBindings } from './fast-bindings';

const [input, istioVersion] = process.argv.slice(2);
if (!input || !istioVersion) {
  throw new Error('usage: import-istio <crd-all.gen.yaml> <istio version>');
}

const upstream = parseAllDocuments(readFileSync(input, 'utf-8'))
  .map(doc => doc.toJSON())
  .filter(crd => crd?.kind === 'CustomResourceDefinition');
if (upstream.length === 0) throw new Error(`${input} holds no CustomResourceDefinition`);

// 1. the CRDs themselves, in upstream order
mkdirSync('imports/crds', { recursive: true });
// a Kubernetes List, so `kubectl apply -f` and any YAML/JSON reader take it as it is
writeCrdData('imports/crds/istio.json', upstream, items => ({ apiVersion: 'v1', kind: 'List', items }));

// 2. the cdk8s bindings, one version per kind
const crds = upstream.map(crd => {
  const versions: Array<{ name: string; storage?: boolean }> = crd.spec.versions;
  const chosen = versions.find(v => v.name === 'v1') ?? versions.find(v => v.storage);
  return { ...crd, spec: { ...crd.spec, versions: [chosen] } };
});
// run from a temporary folder: `cdk8s import` records its input in the cdk8s.yaml of its cwd
const work = mkdtempSync(join(tmpdir(), 'istio-crds-'));
const filtered = join(work, `istio-${istioVersion}-crds.yaml`);
writeFileSync(filtered, crds.map(crd => stringify(crd)).join('---\n'));
execFileSync('cdk8s', ['import', filtered, '--output', resolve('imports'), '--language', 'typescript'], {
  cwd: work,
  stdio: 'inherit',
  env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
});
for (const group of new Set(crds.map(crd => crd.spec.group as string))) speedUpBindings(`imports/${group}.ts`);
console.log(`imported ${crds.length} Istio ${istioVersion} CRDs into imports/ and imports/crds/istio.json`);
