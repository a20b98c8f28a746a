/**
 * The built-in CRDs and the Gateway API admission policy carry their spec's YAML prerendered
 * by the import task (src/core/prerendered-api-object.ts). What App.synth() writes must be
 * what cdk8s writes for the same objects, byte for byte, whatever the metadata, patches,
 * resolvers and settings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, IResolver, JsonPatch, ResolutionContext, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { IstioCrds } from '../src/install/crds';
import { GatewayApiCrdChannel, GatewayApiCrds } from '../src/install/gateway-api-crds';
import * as upstream from '../src/install/upstream-crds';

let scratch: string;
beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'prerendered-')); });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every built-in object with a prerendered spec: Istio's CRDs, and both Gateway API channels. */
function builtIns(chart: Chart, syncWave = false): ApiObject[] {
  return [
    ...new IstioCrds(chart, 'Istio', { syncWave }).apiObjects,
    ...new GatewayApiCrds(chart, 'GatewayApi', { channel: GatewayApiCrdChannel.EXPERIMENTAL, syncWave }).apiObjects,
  ];
}

/** Synthesizes an app with what `add` makes in one chart; returns the chart's YAML and every object of the chart. */
function synth(add: (chart: Chart) => unknown, appProps: { resolvers?: IResolver[] } = {}): { yaml: string; objects: ApiObject[] } {
  const outdir = mkdtempSync(join(scratch, 'app-'));
  const app = new App({ outdir, ...appProps });
  const chart = new Chart(app, 'crds');
  add(chart);
  app.synth();
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return { yaml: readFileSync(join(outdir, 'crds.k8s.yaml'), 'utf-8'), objects };
}

/** What cdk8s writes for a copy of an object's JSON (an ordinary object, which no shortcut knows). */
const ordinaryYaml = (...objects: ApiObject[]) => Yaml.stringify(...objects.map(o => JSON.parse(JSON.stringify(o.toJson()))));

test('App.synth() writes the prerendered YAML, and it is what cdk8s writes for the same objects', () => {
  const loads = jest.spyOn(upstream, 'upstreamIstioSpecYaml');
  const { yaml, objects } = synth(chart => builtIns(chart, true));
  // the shortcut was taken: the YAML of each Istio CRD's spec was read, not rendered
  expect(loads).toHaveBeenCalledTimes(15);
  loads.mockRestore();
  expect(objects.map(o => o.kind)).toEqual([
    ...Array(15).fill('CustomResourceDefinition'), ...Array(10).fill('CustomResourceDefinition'),
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  ]);
  expect(yaml).toEqual(ordinaryYaml(...objects));
  expect(parseAllDocuments(yaml).map(d => d.toJSON())).toEqual(objects.map(o => JSON.parse(JSON.stringify(o.toJson()))));
  // the sync-wave annotation is in the metadata, written before the prerendered spec
  expect(yaml.match(/argocd\.argoproj\.io\/sync-wave: "-3"/g)).toHaveLength(objects.length);
});

test('any labels and annotations: the same YAML as an ordinary object (property)', () => {
  const key = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?(\/[a-z0-9]([-a-z0-9_.]{0,20}[a-z0-9])?)?$/);
  const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'true', '1', 'null', '- x', 'a: b', '"q"', '#', 'multi\nline'));
  fc.assert(fc.property(fc.nat({ max: 14 }), fc.dictionary(key, value, { maxKeys: 4 }), fc.dictionary(key, value, { maxKeys: 4 }),
    (index, labels, annotations) => {
      const { yaml, objects } = synth(chart => {
        const crd = new IstioCrds(chart, 'Istio').apiObjects[index];
        Object.entries(labels).forEach(([k, v]) => crd.metadata.addLabel(k, v));
        Object.entries(annotations).forEach(([k, v]) => crd.metadata.addAnnotation(k, v));
      });
      expect(yaml).toEqual(ordinaryYaml(...objects));
    }), { numRuns: 25 });
});

test('documents of other objects keep their YAML, in the same file', () => {
  const { yaml, objects } = synth(chart => {
    new ApiObject(chart, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { spec: 'a: b' } });
    new IstioCrds(chart, 'Istio');
    new ApiObject(chart, 'Like', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'thing' }, spec: { like: 'a spec' } });
  });
  expect(objects.map(o => o.kind)).toEqual(['ConfigMap', ...Array(15).fill('CustomResourceDefinition'), 'Thing']);
  expect(yaml).toEqual(ordinaryYaml(...objects));
  expect(yaml).toContain('kind: Thing\nmetadata:\n  name: thing\nspec:\n  like: a spec\n');
});

test('a JSON patch, or a resolver of the app\'s own, renders the object the ordinary way', () => {
  const patched = synth(chart => {
    const [crd] = new IstioCrds(chart, 'Istio').apiObjects;
    crd.addJsonPatch(JsonPatch.replace('/spec/names/shortNames', ['te']), JsonPatch.add('/spec/preserveUnknownFields', false));
  });
  const [first] = patched.yaml.split('---\n');
  expect(first).toContain('    shortNames:\n      - te\n');
  expect(first).toMatch(/\n  preserveUnknownFields: false\n$/);
  expect(patched.yaml).toEqual(ordinaryYaml(...patched.objects));

  // a resolver that renames Istio's category everywhere it meets it
  const renaming: IResolver = {
    resolve: (context: ResolutionContext) => {
      if (context.value === 'istio-io') context.replaceValue('mesh-io');
    },
  };
  const resolved = synth(chart => new IstioCrds(chart, 'Istio').apiObjects, { resolvers: [renaming] });
  expect(resolved.yaml).not.toMatch(/- istio-io\n/);
  expect(resolved.yaml.match(/- mesh-io\n/g)).toHaveLength(15);
});

test('outside App.synth(), toJson() gives a copy of upstream\'s spec, and Yaml.stringify renders it as it is', () => {
  const chart = Testing.chart();
  const [crd] = new IstioCrds(chart, 'Istio').apiObjects;
  const json = crd.toJson();
  json.spec.names.shortNames = ['changed'];
  json.spec.group = 'edited.example.com';
  expect(crd.toJson().spec.names.shortNames).toBeUndefined();
  expect(Yaml.stringify(json)).toContain('\n  group: edited.example.com\n');
  expect(Yaml.stringify(json)).toContain('\n    shortNames:\n      - changed\n');
  expect(Object.keys(crd.toJson())).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
});

test('with CDK8S_DISABLE_SORT, the ordinary rendering', () => {
  process.env.CDK8S_DISABLE_SORT = '1';
  try {
    const { yaml, objects } = synth(chart => new GatewayApiCrds(chart, 'GatewayApi').apiObjects);
    expect(yaml).toEqual(ordinaryYaml(...objects));
  } finally {
    delete process.env.CDK8S_DISABLE_SORT;
  }
});
