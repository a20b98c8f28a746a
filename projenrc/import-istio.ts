/**
 * Generates the internal `cdk8s import` bindings in imports/ from the upstream Istio CRDs.
 *
 * Only the API version the library emits is kept for each kind (v1 where Istio serves it,
 * otherwise the storage version), so the bindings stay small and there is exactly one
 * generated class per kind.
 *
 * Usage: ts-node projenrc/import-istio.ts <crd-all.gen.yaml> <istio version>
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';

const [input, istioVersion] = process.argv.slice(2);
if (!input || !istioVersion) {
  throw new Error('usage: import-istio <crd-all.gen.yaml> <istio version>');
}

const crds = parseAllDocuments(readFileSync(input, 'utf-8'))
  .map(doc => doc.toJSON())
  .filter(crd => crd?.kind === 'CustomResourceDefinition')
  .map(crd => {
    const versions: Array<{ name: string; storage?: boolean }> = crd.spec.versions;
    const chosen = versions.find(v => v.name === 'v1') ?? versions.find(v => v.storage);
    return { ...crd, spec: { ...crd.spec, versions: [chosen] } };
  });

const filtered = join(mkdtempSync(join(tmpdir(), 'istio-crds-')), `istio-${istioVersion}-crds.yaml`);
writeFileSync(filtered, crds.map(crd => stringify(crd)).join('---\n'));
execFileSync('cdk8s', ['import', filtered, '--output', 'imports', '--language', 'typescript'], {
  stdio: 'inherit',
  env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
});
console.log(`imported ${crds.length} Istio ${istioVersion} CRDs into imports/`);
