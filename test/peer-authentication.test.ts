import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { MtlsMode, PeerAuthentication } from '../src/security/peer-authentication';

describe('PeerAuthentication', () => {
  test('reproduces the seed: STRICT mTLS for the default namespace, as security.istio.io/v1', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    PeerAuthentication.strictNamespace(chart, 'Strict', 'default');

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'default' },
      spec: { mtls: { mode: 'STRICT' } },
    }]);
    expectValidIstio(manifests);
  });

  test('strictMeshWide puts a selector-less STRICT policy in the mesh root namespace', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const pa = PeerAuthentication.strictMeshWide(chart, 'Mesh');

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests[0].metadata).toEqual({ name: 'default', namespace: 'istio-system' });
    expect(manifests[0].spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(pa.isMeshWide).toBe(true);
    expectValidIstio(manifests);
  });

  test('strictMeshWide honours a custom root namespace and name', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const pa = PeerAuthentication.strictMeshWide(chart, 'Mesh', { meshRootNamespace: 'istio-config', name: 'mesh-mtls' });

    // THEN
    expect(Testing.synth(chart)[0].metadata).toEqual({ name: 'mesh-mtls', namespace: 'istio-config' });
    expect(pa.isMeshWide).toBe(true);
    expect(pa.meshRootNamespace).toBe('istio-config');
  });

  test('a namespace-wide policy is not mesh-wide', () => {
    const chart = Testing.chart();
    const pa = PeerAuthentication.strictNamespace(chart, 'Ns', 'bookinfo');
    expect(pa.isMeshWide).toBe(false);
  });

  test.each([MtlsMode.UNSET, MtlsMode.DISABLE, MtlsMode.PERMISSIVE, MtlsMode.STRICT])('renders mode %s', (mode) => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Pa', { metadata: { namespace: 'bookinfo' }, mtls: mode });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({ mtls: { mode } });
    expectValidIstio(manifests);
  });

  test('selects a cdk8s-plus workload and sets port-level modes, sorted by port', () => {
    // GIVEN
    const chart = Testing.chart();
    const ratings = new kplus.Deployment(chart, 'Ratings', {
      metadata: { namespace: 'bookinfo' },
      containers: [{ image: 'ratings', portNumber: 9080 }],
    });

    // WHEN
    const pa = new PeerAuthentication(chart, 'Pa', {
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      selector: WorkloadSelector.fromWorkload(ratings),
      mtls: MtlsMode.STRICT,
      portLevelMtls: [{ port: 9090, mode: MtlsMode.PERMISSIVE }],
    });
    pa.addPortMtls(8080, MtlsMode.DISABLE);

    // THEN
    const manifests = Testing.synth(chart);
    const spec = manifests.find(m => m.kind === 'PeerAuthentication').spec;
    expect(spec).toEqual({
      selector: { matchLabels: ratings.matchLabels },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'DISABLE' }, 9090: { mode: 'PERMISSIVE' } },
    });
    expect(Object.keys(spec.portLevelMtls)).toEqual(['8080', '9090']);
    expectValidIstio(manifests);
  });

  test('port-level modes without a policy-wide mode', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Pa', {
      selector: WorkloadSelector.fromLabels({ app: 'details' }),
      portLevelMtls: [{ port: 9080, mode: MtlsMode.STRICT }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({ selector: { matchLabels: { app: 'details' } }, portLevelMtls: { 9080: { mode: 'STRICT' } } });
    expectValidIstio(manifests);
  });

  test('fails port-level mTLS without a selector', () => {
    const chart = Testing.chart();
    expect(() => new PeerAuthentication(chart, 'Pa', {
      mtls: MtlsMode.STRICT,
      portLevelMtls: [{ port: 9080, mode: MtlsMode.DISABLE }],
    })).toThrow(/test\/Pa: portLevelMtls\["9080"\] "DISABLE" is invalid: port-level mTLS needs a workload selector/);
  });

  test('fails addPortMtls on a namespace-wide policy', () => {
    const chart = Testing.chart();
    const pa = PeerAuthentication.strictNamespace(chart, 'Ns', 'bookinfo');
    expect(() => pa.addPortMtls(80, MtlsMode.PERMISSIVE)).toThrow(/test\/Ns: portLevelMtls\["80"\].*needs a workload selector/);
  });

  test('fails an out-of-range port', () => {
    const chart = Testing.chart();
    expect(() => new PeerAuthentication(chart, 'Pa', {
      selector: WorkloadSelector.fromLabels({ app: 'x' }),
      portLevelMtls: [{ port: 70000, mode: MtlsMode.STRICT }],
    })).toThrow(/test\/Pa: portLevelMtls\["70000"\] 70000 is invalid: must be an integer port number from 1 to 65535/);
  });

  test('fails setting a port twice', () => {
    const chart = Testing.chart();
    const pa = new PeerAuthentication(chart, 'Pa', { selector: WorkloadSelector.fromLabels({ app: 'x' }) });
    pa.addPortMtls(8080, MtlsMode.STRICT);
    expect(() => pa.addPortMtls(8080, MtlsMode.DISABLE)).toThrow(/test\/Pa: portLevelMtls\["8080"\].*already has mode STRICT/);
  });

  test('fails a selector with a wildcard label value', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Pa', { selector: WorkloadSelector.fromLabels({ app: 're*' }) });
    expect(() => Testing.synth(chart)).toThrow(/test\/Pa: selector\.matchLabels\["app"\] "re\*" is invalid/);
  });

  test('fails a bad namespace', () => {
    const chart = Testing.chart();
    expect(() => PeerAuthentication.strictNamespace(chart, 'Ns', 'Book_Info')).toThrow(/test\/Ns: metadata\.namespace "Book_Info" is invalid/);
  });

  test('accepts an empty selector and labels outside Kubernetes label syntax (Istio only warns), also with DestinationRules around', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Empty', { metadata: { namespace: 'bookinfo' }, selector: WorkloadSelector.fromLabels({}), mtls: MtlsMode.STRICT });
    new PeerAuthentication(chart, 'Odd', { metadata: { namespace: 'bookinfo' }, selector: WorkloadSelector.fromLabels({ 'Odd Key': 'x y' }), mtls: MtlsMode.DISABLE });
    const manifests = Testing.synth(chart);
    expect(manifests.map(m => m.spec.selector)).toEqual([{ matchLabels: {} }, { matchLabels: { 'Odd Key': 'x y' } }]);
    expectValidIstio(manifests);
  });

  test('fails port-level modes with an empty selector, and unknown modes', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'P', { selector: WorkloadSelector.fromLabels({}), portLevelMtls: [{ port: 8080, mode: MtlsMode.DISABLE }] });
    expect(() => Testing.synth(chart)).toThrow(/test\/P: selector\.matchLabels \{\} is invalid: portLevelMtls needs a selector with at least one label/);
    expect(() => new PeerAuthentication(Testing.chart(), 'Q', { mtls: 'BOGUS' as MtlsMode })).toThrow(/test\/Q: mtls\.mode "BOGUS" is invalid: must be one of UNSET, DISABLE, PERMISSIVE, STRICT/);
  });
});
