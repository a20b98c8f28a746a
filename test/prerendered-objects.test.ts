/**
 * The built-in CRDs and the Gateway API admission policy carry their spec's YAML prerendered
 * by the import task (src/core/prerendered-api-object.ts). What they write must be what
 * cdk8s writes for the same object, byte for byte, whatever the metadata and patches.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { IstioCrds } from '../src/install/crds';
import { GatewayApiCrdChannel, GatewayApiCrds } from '../src/install/gateway-api-crds';

/** Every built-in object with a prerendered spec: Istio's CRDs, and both Gateway API channels. */
function builtIns(chart: Chart, syncWave = false): ApiObject[] {
  return [
    ...new IstioCrds(chart, 'Istio', { syncWave }).apiObjects,
    ...new GatewayApiCrds(chart, 'GatewayApi', { channel: GatewayApiCrdChannel.EXPERIMENTAL, syncWave }).apiObjects,
  ];
}

/** What cdk8s writes for an object made of the same JSON, as an ordinary ApiObject. */
function ordinaryYaml(json: any): string {
  const chart = Testing.chart();
  const copy = new ApiObject(chart, 'copy', JSON.parse(JSON.stringify(json)));
  return Yaml.stringify(copy.toJson());
}

/** What cdk8s's YAML writer makes of a copy of the data (which no shortcut knows). */
const plainYaml = (...docs: any[]) => Yaml.stringify(...docs.map(d => (d === undefined ? d : JSON.parse(JSON.stringify(d)))));

test('each object writes what an ordinary ApiObject with the same content writes', () => {
  const objects = builtIns(Testing.chart());
  expect(objects.map(o => o.kind)).toEqual([
    ...Array(15).fill('CustomResourceDefinition'), ...Array(10).fill('CustomResourceDefinition'),
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  ]);
  for (const obj of objects) {
    const json = obj.toJson();
    expect(Yaml.stringify(json)).toEqual(ordinaryYaml(json));
  }
});

test('a whole file of them, as App.synth() writes it, reads back as the same objects', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'prerendered-'));
  try {
    const app = new App({ outdir });
    const chart = new Chart(app, 'crds');
    const objects = builtIns(chart, true);
    app.synth();
    const written = readFileSync(join(outdir, 'crds.k8s.yaml'), 'utf-8');
    expect(written).toEqual(objects.map(o => ordinaryYaml(o.toJson())).join('---\n'));
    expect(parseAllDocuments(written).map(d => d.toJSON())).toEqual(objects.map(o => JSON.parse(JSON.stringify(o.toJson()))));
    // the sync-wave annotation is in the metadata written before the prerendered spec
    expect(written.match(/argocd\.argoproj\.io\/sync-wave: "-3"/g)).toHaveLength(objects.length);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('documents of other objects keep their YAML, and undefined documents stay empty', () => {
  const chart = Testing.chart();
  const [crd] = new IstioCrds(chart, 'Istio').apiObjects;
  const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { spec: 'a: b' }, spec: { like: 'a spec' } };
  const both = Yaml.stringify(other, crd.toJson(), undefined);
  expect(both).toEqual(plainYaml(other, crd.toJson(), undefined));
  expect(both).toEqual(`${plainYaml(other)}---\n${plainYaml(crd.toJson())}---\n\n`);
  // a copy of a prerendered spec is an ordinary object: rendered as it is
  const edited = { ...crd.toJson(), spec: { ...crd.toJson().spec, group: 'edited.example.com' } };
  expect(Yaml.stringify(edited)).toContain('\n  group: edited.example.com\n');
});

test('the spec is shared and frozen: a JSON patch renders the object the ordinary way', () => {
  const chart = Testing.chart();
  const [crd, second] = new IstioCrds(chart, 'Istio').apiObjects;
  expect(Object.isFrozen(crd.toJson().spec.versions[0])).toBe(true);
  crd.addJsonPatch(JsonPatch.replace('/spec/names/shortNames', ['te']), JsonPatch.add('/spec/preserveUnknownFields', false));
  const patched = crd.toJson();
  expect(patched.spec.names.shortNames).toEqual(['te']);
  expect(patched.spec.preserveUnknownFields).toBe(false);
  expect(Yaml.stringify(patched)).toEqual(plainYaml(patched));
  expect(Yaml.stringify(patched)).toContain('  names:\n');
  // the other objects, and a new IstioCrds, still have upstream's spec
  expect(second.toJson().spec.names.shortNames).toBeUndefined();
  expect(new IstioCrds(Testing.chart(), 'Again').apiObjects[0].toJson().spec.names.shortNames).toBeUndefined();
  expect(Object.keys(patched)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
});

test('any labels and annotations: the same YAML as without the shortcut (property)', () => {
  const key = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?(\/[a-z0-9]([-a-z0-9_.]{0,20}[a-z0-9])?)?$/);
  const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'true', '1', 'null', '- x', 'a: b', '"q"', '#', 'multi\nline'));
  const chart = Testing.chart();
  const objects = builtIns(chart);
  fc.assert(fc.property(
    fc.nat({ max: objects.length - 1 }), fc.dictionary(key, value, { maxKeys: 4 }), fc.dictionary(key, value, { maxKeys: 4 }),
    (index, labels, annotations) => {
      const json = objects[index].toJson();
      const doc = { ...json, metadata: { ...json.metadata, labels: { ...json.metadata.labels, ...labels }, annotations } };
      expect(Yaml.stringify(doc)).toEqual(plainYaml(doc));
    }), { numRuns: 60 });
});
