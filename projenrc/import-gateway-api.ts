/**
 * Generates the Kubernetes Gateway API data in imports/ from the upstream release files:
 *
 * - `imports/gateway.networking.k8s.io.ts`: internal `cdk8s import` bindings, one class per
 *   kind at the API version the library emits (v1 for the standard channel, v1alpha2 for the
 *   experimental TCPRoute and UDPRoute);
 * - `imports/crds/gateway-api-standard.json` and `imports/crds/gateway-api-experimental.json`:
 *   the upstream objects unchanged (every CRD with all its versions and full schemas, and the
 *   standard channel's ValidatingAdmissionPolicy; each spec as cdk8s renders it), with the YAML
 *   of each spec beside them (`*.spec-yaml.json`, crd-data.ts), which `GatewayApiCrds` loads
 *   when used and the analysis validates against.
 *
 * Usage: ts-node projenrc/import-gateway-api.ts <standard dir> <experimental dir> <version>
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { writeCrdData } from './crd-data';
import { speedUpBindings } from './fast-bindings';

const [standardDir, experimentalDir, version] = process.argv.slice(2);
if (!standardDir || !experimentalDir || !version) {
  throw new Error('usage: import-gateway-api <standard dir> <experimental dir> <gateway api version>');
}

/** Every object of the directory's YAML files, files in name order. */
function objectsIn(dir: string): any[] {
  return readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap(f => parseAllDocuments(readFileSync(join(dir, f), 'utf-8')).map(doc => doc.toJSON()))
    .filter(obj => obj && typeof obj === 'object');
}

/** CRDs first (by name), then anything else (the admission policy and its binding) as upstream orders it. */
function applyOrder(objects: any[]): any[] {
  const crds = objects.filter(o => o.kind === 'CustomResourceDefinition')
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return [...crds, ...objects.filter(o => o.kind !== 'CustomResourceDefinition')];
}

const standard = applyOrder(objectsIn(standardDir));
const experimental = applyOrder(objectsIn(experimentalDir));
for (const crd of standard.filter(o => o.kind === 'CustomResourceDefinition')) {
  const bundle = crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'];
  if (bundle !== version) throw new Error(`${crd.metadata.name}: bundle-version ${bundle}, expected ${version}`);
}

mkdirSync('imports/crds', { recursive: true });
for (const [channel, objects] of [['standard', standard], ['experimental', experimental]] as const) {
  writeCrdData(`imports/crds/gateway-api-${channel}.json`, objects);
}

// Bindings: one version per kind, the one the library emits.
const emitted = (crd: any, wanted: string) => ({
  ...crd,
  spec: { ...crd.spec, versions: crd.spec.versions.filter((v: any) => v.name === wanted) },
});
const forBindings = [
  ...standard.filter(o => o.kind === 'CustomResourceDefinition').map(crd => emitted(crd, 'v1')),
  ...experimental.filter(o => o.kind === 'CustomResourceDefinition').map(crd => emitted(crd, 'v1alpha2')),
];
for (const crd of forBindings) {
  if (crd.spec.versions.length !== 1) throw new Error(`${crd.metadata.name}: the emitted version is not served`);
}
const filtered = join(mkdtempSync(join(tmpdir(), 'gateway-api-crds-')), `gateway-api-${version}-crds.yaml`);
writeFileSync(filtered, forBindings.map(crd => stringify(crd)).join('---\n'));
execFileSync('cdk8s', ['import', filtered, '--output', 'imports', '--language', 'typescript', '--save=false'], {
  stdio: 'inherit',
  env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
});
speedUpBindings('imports/gateway.networking.k8s.io.ts');
console.log(`imported ${forBindings.length} Gateway API ${version} CRDs into imports/`);
