import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { CrdSource, IstioCrds } from '../src/install/crds';

function crds(source?: CrdSource) {
  const chart = Testing.chart();
  new IstioCrds(chart, 'Crds', { source });
  return Testing.synth(chart);
}

describe('built-in CRDs', () => {
  test('the 15 Istio kinds with their groups, names, versions and storage version', () => {
    const summary = crds().map(c => [
      c.metadata.name, c.spec.names.kind, c.spec.names.shortNames ?? [], c.spec.scope,
      c.spec.versions.map((v: any) => `${v.name}${v.storage ? '*' : ''}${v.served ? '' : ' (not served)'}`).join(','),
    ]);
    expect(summary).toEqual([
      ['trafficextensions.extensions.istio.io', 'TrafficExtension', [], 'Namespaced', 'v1alpha1*'],
      ['wasmplugins.extensions.istio.io', 'WasmPlugin', [], 'Namespaced', 'v1alpha1*'],
      ['destinationrules.networking.istio.io', 'DestinationRule', ['dr'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['envoyfilters.networking.istio.io', 'EnvoyFilter', [], 'Namespaced', 'v1alpha3*'],
      ['gateways.networking.istio.io', 'Gateway', ['gw'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['proxyconfigs.networking.istio.io', 'ProxyConfig', [], 'Namespaced', 'v1beta1*'],
      ['serviceentries.networking.istio.io', 'ServiceEntry', ['se'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['sidecars.networking.istio.io', 'Sidecar', [], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['virtualservices.networking.istio.io', 'VirtualService', ['vs'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['workloadentries.networking.istio.io', 'WorkloadEntry', ['we'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['workloadgroups.networking.istio.io', 'WorkloadGroup', ['wg'], 'Namespaced', 'v1*,v1alpha3,v1beta1'],
      ['authorizationpolicies.security.istio.io', 'AuthorizationPolicy', ['ap'], 'Namespaced', 'v1*,v1beta1'],
      ['peerauthentications.security.istio.io', 'PeerAuthentication', ['pa'], 'Namespaced', 'v1*,v1beta1'],
      ['requestauthentications.security.istio.io', 'RequestAuthentication', ['ra'], 'Namespaced', 'v1*,v1beta1'],
      ['telemetries.telemetry.istio.io', 'Telemetry', ['telemetry'], 'Namespaced', 'v1,v1alpha1*'],
    ]);
  });

  test('names, categories and the status subresource', () => {
    const vs = crds().find(c => c.spec.names.kind === 'VirtualService');
    expect(vs.apiVersion).toEqual('apiextensions.k8s.io/v1');
    expect(vs.spec.group).toEqual('networking.istio.io');
    expect(vs.spec.names).toEqual({
      categories: ['istio-io', 'networking-istio-io'],
      kind: 'VirtualService',
      listKind: 'VirtualServiceList',
      plural: 'virtualservices',
      shortNames: ['vs'],
      singular: 'virtualservice',
    });
    for (const crd of crds()) {
      for (const version of crd.spec.versions) expect(version.subresources).toEqual({ status: {} });
    }
    // `kubectl get istio-io` lists every kind; the group category lists one group
    expect(crds().map(c => [c.spec.names.kind, c.spec.names.categories])).toEqual([
      ['TrafficExtension', ['istio-io', 'extensions-istio-io']],
      ['WasmPlugin', ['istio-io', 'extensions-istio-io']],
      ...['DestinationRule', 'EnvoyFilter', 'Gateway', 'ProxyConfig', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup']
        .map(kind => [kind, ['istio-io', 'networking-istio-io']]),
      ...['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].map(kind => [kind, ['istio-io', 'security-istio-io']]),
      ['Telemetry', ['istio-io', 'telemetry-istio-io']],
    ]);
  });

  test('printer columns', () => {
    const columns = (kind: string) => crds().find(c => c.spec.names.kind === kind).spec.versions[0].additionalPrinterColumns
      ?.map((c: any) => [c.name, c.type, c.jsonPath]);
    expect(columns('VirtualService')).toEqual([
      ['Gateways', 'string', '.spec.gateways'], ['Hosts', 'string', '.spec.hosts'], ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
    expect(columns('ServiceEntry')).toEqual([
      ['Hosts', 'string', '.spec.hosts'], ['Location', 'string', '.spec.location'], ['Resolution', 'string', '.spec.resolution'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ]);
    expect(columns('WorkloadEntry')).toEqual([['Age', 'date', '.metadata.creationTimestamp'], ['Address', 'string', '.spec.address']]);
    expect(columns('DestinationRule')).toEqual([['Host', 'string', '.spec.host'], ['Age', 'date', '.metadata.creationTimestamp']]);
    expect(columns('PeerAuthentication')).toEqual([['Mode', 'string', '.spec.mtls.mode'], ['Age', 'date', '.metadata.creationTimestamp']]);
    expect(columns('AuthorizationPolicy')).toEqual([['Action', 'string', '.spec.action'], ['Age', 'date', '.metadata.creationTimestamp']]);
    expect(columns('Gateway')).toBeUndefined();
    // every version of a kind prints the same columns; kinds without columns print none at all
    const names: Record<string, string[]> = Object.fromEntries(crds().map(c => [c.spec.names.kind as string, c.spec.versions.map((v: any) =>
      (v.additionalPrinterColumns ?? []).map((col: any) => col.name).join(',')) as string[]]));
    for (const versions of Object.values(names)) expect(new Set(versions).size).toEqual(1);
    expect(Object.entries(names).filter(([, v]) => v[0] === '').map(([kind]) => kind))
      .toEqual(['EnvoyFilter', 'Gateway', 'ProxyConfig', 'Sidecar', 'RequestAuthentication']);
    expect([names.TrafficExtension[0], names.WasmPlugin[0], names.WorkloadGroup[0], names.Telemetry[0]]).toEqual(['Age', 'Age', 'Age', 'Age']);
  });

  // The committed upstream data, read here as a file: it comes from Istio's crd-all.gen.yaml
  // through the import task, not from the constructs under test.
  const upstream: any[] = JSON.parse(readFileSync(join(__dirname, '..', 'imports', 'crds', 'istio.json'), 'utf-8')).items;

  test('the generated upstream data holds the 15 CRDs of Istio 1.30.3', () => {
    expect(upstream.map(c => c.metadata.name)).toHaveLength(15);
    expect(upstream.every(c => c.kind === 'CustomResourceDefinition' && c.apiVersion === 'apiextensions.k8s.io/v1')).toBe(true);
    expect(IstioCrds.KINDS).toEqual(upstream.map(c => `${c.spec.group}/${c.spec.names.kind}`));
    // every served version has a full structural schema, with CEL rules somewhere in it
    for (const crd of upstream) {
      for (const version of crd.spec.versions) {
        expect(version.schema.openAPIV3Schema.properties.spec.properties).toBeDefined();
      }
    }
    expect(JSON.stringify(upstream.find(c => c.spec.names.kind === 'VirtualService'))).toContain('x-kubernetes-validations');
  });

  test('every built-in CRD equals upstream\'s apart from labels', () => {
    const builtIn = crds();
    expect(builtIn.map(c => c.metadata.name)).toEqual(upstream.map(c => c.metadata.name));
    builtIn.forEach((crd, i) => {
      const { labels: _labels, annotations: _annotations, ...metadata } = crd.metadata;
      const { labels: _upstreamLabels, annotations: upstreamAnnotations, ...upstreamMetadata } = upstream[i].metadata;
      expect({ ...crd, metadata }).toEqual({ ...upstream[i], metadata: upstreamMetadata });
      // the only annotation upstream has is Helm's
      expect(Object.keys(upstreamAnnotations)).toEqual(['helm.sh/resource-policy']);
      expect(crd.metadata.annotations).toBeUndefined();
    });
  });

  test('labels: upstream\'s, without Helm\'s heritage, and part-of istio', () => {
    const labels = Object.fromEntries(crds().map(c => [c.spec.names.kind, c.metadata.labels]));
    expect(labels.VirtualService).toEqual({ 'app': 'istio-pilot', 'chart': 'istio', 'release': 'istio', 'app.kubernetes.io/part-of': 'istio' });
    expect(labels.PeerAuthentication).toEqual({
      'app': 'istio-pilot', 'chart': 'istio', 'istio': 'security', 'release': 'istio', 'app.kubernetes.io/part-of': 'istio',
    });
    expect(labels.Telemetry.istio).toEqual('telemetry');
  });

  test('the API server validates fields: the schema rejects typos and wrong types', () => {
    // as the API server does: unknown fields are pruned/rejected, so treat them as errors
    const strict = (schema: any): any => {
      if (Array.isArray(schema)) return schema.map(strict);
      if (schema === null || typeof schema !== 'object') return schema;
      const out: any = {};
      for (const [k, v] of Object.entries(schema)) {
        if (k.startsWith('x-kubernetes-')) continue;
        out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
      }
      if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
      return out;
    };
    const vs = crds().find(c => c.spec.names.kind === 'VirtualService');
    const schema = vs.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema;
    // an HTTP route destination (the whole spec takes seconds to compile)
    const route = schema.properties.spec.properties.http.items.properties.route.items;
    const validate = new Ajv({ strict: false, validateFormats: false, logger: false }).compile(strict(route));
    expect(validate({ destination: { host: 'reviews', subset: 'v1' }, weight: 100 })).toBe(true);
    expect(validate({ destination: { host: 'reviews', subnet: 'v1' } })).toBe(false);
    expect(validate({ destination: { host: 'reviews' }, weight: 'half' })).toBe(false);
    // and carries upstream's CEL rules, e.g. the minimum duration of a timeout
    const timeout = schema.properties.spec.properties.http.items.properties.timeout;
    expect(timeout['x-kubernetes-validations']).toEqual([expect.objectContaining({ rule: expect.stringContaining('duration(self)') })]);
  });

  test('spec is required where upstream requires it', () => {
    const required = crds().filter(c => c.spec.versions[0].schema.openAPIV3Schema.required?.includes('spec')).map(c => c.spec.names.kind);
    expect(required).toEqual(['TrafficExtension', 'WasmPlugin', 'ServiceEntry', 'WorkloadEntry', 'WorkloadGroup']);
  });

  test('sync wave annotation', () => {
    const chart = Testing.chart();
    new IstioCrds(chart, 'Crds', { syncWave: true });
    for (const crd of Testing.synth(chart)) expect(crd.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-3' });
  });

  test('IstioCrds.KINDS lists the 15 kinds', () => {
    expect(IstioCrds.KINDS).toHaveLength(15);
    expect(IstioCrds.KINDS).toContain('telemetry.istio.io/Telemetry');
  });
});

describe('CRD sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'istio-crds-'));

  test('fromFile emits the CRDs of the official file', () => {
    const file = join(dir, 'crd-all.gen.yaml');
    writeFileSync(file, [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: gateways.networking.istio.io',
      'spec:',
      '  group: networking.istio.io',
      '  names: { kind: Gateway, plural: gateways, singular: gateway }',
      '  scope: Namespaced',
      '  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]',
    ].join('\n'));
    const manifests = crds(CrdSource.fromFile(file));
    expect(manifests.map(m => m.metadata.name)).toEqual(['gateways.networking.istio.io']);
  });

  test('none emits nothing', () => {
    expect(crds(CrdSource.none())).toEqual([]);
  });

  test('CRDs can live in a chart of their own', () => {
    const app = Testing.app();
    const crdChart = new Chart(app, 'crds');
    new IstioCrds(crdChart, 'Istio');
    expect(Testing.synth(crdChart)).toHaveLength(15);
  });

  test('fails for a file that holds something else than CRDs', () => {
    const file = join(dir, 'not-crds.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oops\n');
    const chart = Testing.chart();
    expect(() => new IstioCrds(chart, 'Crds', { source: CrdSource.fromFile(file) }))
      .toThrow(/test\/Crds: source\.path ".*not-crds\.yaml" is invalid: must contain only CustomResourceDefinitions, but it has a ConfigMap named "oops"/);
  });
});
