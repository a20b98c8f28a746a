import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ClientTls } from '../src/networking/client-tls';
import { Destination } from '../src/networking/destination';
import { DestinationRule } from '../src/networking/destination-rule';
import { LoadBalancer, SimpleLoadBalancer } from '../src/networking/load-balancer';
import { findSubset } from '../src/networking/subset-registry';

function rules(chart: any): any[] {
  return Testing.synth(chart).filter(o => o.kind === 'DestinationRule');
}

function deployment(chart: any, id: string, labels: Record<string, string>): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    podMetadata: { labels },
    containers: [{ image: `docker.io/istio/examples-bookinfo-${id}:1.20.3`, portNumber: 9080, securityContext: { ensureNonRoot: false } }],
  });
}

describe('DestinationRule', () => {
  test('renders the bookinfo reviews rule with subsets v1, v2, v3 (seed)', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new DestinationRule(chart, 'reviews', {
      metadata: { name: 'reviews' },
      host: 'reviews',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
    });

    // THEN
    const manifests = rules(chart);
    expect(manifests).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews' },
      spec: {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
          { name: 'v3', labels: { version: 'v3' } },
        ],
      },
    }]);
    expectValidIstio(manifests);
  });

  test('renders the seed rule with RANDOM load balancing and a ROUND_ROBIN subset', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const rule = new DestinationRule(chart, 'my-destination-rule', {
      metadata: { name: 'my-destination-rule' },
      host: 'my-svc',
      trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM) },
    });
    rule.addSubset('v1', { labels: { version: 'v1' } });
    rule.addSubset('v2', {
      labels: { version: 'v2' },
      trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN) },
    });
    rule.addSubset('v3', { labels: { version: 'v3' } });

    // THEN
    const manifests = rules(chart);
    expect(manifests[0].spec).toEqual({
      host: 'my-svc',
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
    });
    expectValidIstio(manifests);
  });

  test('renders the bookinfo ISTIO_MUTUAL variant', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new DestinationRule(chart, 'ratings', {
      metadata: { name: 'ratings' },
      host: 'ratings',
      trafficPolicy: { tls: ClientTls.istioMutual() },
      subsets: ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'].map(v => ({ name: v, labels: { version: v } })),
    });

    // THEN
    const manifests = rules(chart);
    expect(manifests[0].spec).toEqual({
      host: 'ratings',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v2-mysql', labels: { version: 'v2-mysql' } },
        { name: 'v2-mysql-vm', labels: { version: 'v2-mysql-vm' } },
      ],
    });
    expectValidIstio(manifests);
  });

  test('derives subsets from cdk8s-plus Deployments by their version pod label', () => {
    // GIVEN
    const chart = Testing.chart();
    const v1 = deployment(chart, 'reviews-v1', { app: 'reviews', version: 'v1' });
    const v2 = deployment(chart, 'reviews-v2', { app: 'reviews', version: 'v2' });
    const v3 = deployment(chart, 'reviews-v3', { app: 'reviews', version: 'v3' });

    // WHEN
    const rule = new DestinationRule(chart, 'reviews', { host: 'reviews', workloadSubsets: [v1, v2] });
    const third = rule.addSubsetFromWorkload(v3, { trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST) } });

    // THEN
    expect(third.subsetName).toEqual('v3');
    expect(rule.subset('v2').subsetName).toEqual('v2');
    const manifests = rules(chart);
    expect(manifests[0].spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
      { name: 'v3', labels: { version: 'v3' }, trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } },
    ]);
    expectValidIstio(manifests);
  });

  test('a workload subset can use other label keys and a custom name, read at synth time', () => {
    // GIVEN
    const chart = Testing.chart();
    const canary = deployment(chart, 'reviews-canary', { app: 'reviews', track: 'canary' });
    const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });

    // WHEN
    rule.addSubsetFromWorkload(canary, { labelKeys: ['app', 'track'], name: 'canary' });
    canary.podMetadata.addLabel('track', 'canary-2');

    // THEN
    expect(rules(chart)[0].spec.subsets).toEqual([{ name: 'canary', labels: { app: 'reviews', track: 'canary-2' } }]);
  });

  test('forService uses the Service name, qualified when the Service is in another namespace', () => {
    // GIVEN
    const chart = Testing.chart();
    const local = new kplus.Service(chart, 'details', { metadata: { name: 'details' }, ports: [{ port: 9080 }] });
    const remote = new kplus.Service(chart, 'ratings', { metadata: { name: 'ratings', namespace: 'backend' }, ports: [{ port: 9080 }] });

    // WHEN
    const a = DestinationRule.forService(chart, 'details-rule', local);
    const b = DestinationRule.forService(chart, 'ratings-rule', remote, { metadata: { namespace: 'frontend' } });
    const c = DestinationRule.forService(chart, 'ratings-local', remote, { metadata: { namespace: 'backend' } });

    // THEN
    expect([a.host, b.host, c.host]).toEqual(['details', 'ratings.backend.svc.cluster.local', 'ratings']);
    expect(c.namespace).toEqual('backend');
    expect(rules(chart).map(r => r.spec.host)).toEqual(['details', 'ratings.backend.svc.cluster.local', 'ratings']);
  });

  test('subsets are ISubsets that destinations and the subset registry resolve', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews', { host: 'reviews', metadata: { namespace: 'bookinfo' } });

    // WHEN
    const v2 = rule.addSubset('v2', { labels: { version: 'v2' } });

    // THEN
    expect({ name: v2.subsetName, host: v2.host, namespace: v2.namespace }).toEqual({ name: 'v2', host: 'reviews', namespace: 'bookinfo' });
    expect(v2.destinationRule).toBe(rule);
    expect(Destination.fromSubset(v2)._render(chart, 'route', 'bookinfo')).toEqual({ host: 'reviews', subset: 'v2' });
    expect(Destination.fromSubset(v2)._render(chart, 'route', 'other')).toEqual({ host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' });
    expect(findSubset(chart, 'reviews.bookinfo.svc.cluster.local', undefined, 'v2').found).toBe(true);
    expect(findSubset(chart, 'reviews', 'bookinfo', 'v3')).toEqual({ found: false, known: ['v2'] });
  });

  test('renders exportTo and a workload selector', () => {
    // GIVEN
    const chart = Testing.chart();
    const client = deployment(chart, 'productpage', { app: 'productpage', version: 'v1' });

    // WHEN
    new DestinationRule(chart, 'a', { host: 'reviews', exportTo: ['.', 'istio-system'] });
    new DestinationRule(chart, 'b', { host: 'reviews', exportTo: ['.'], workloadSelector: WorkloadSelector.fromLabels({ app: 'productpage' }) });
    new DestinationRule(chart, 'c', { host: 'ratings', workloadSelector: WorkloadSelector.fromWorkload(client) });

    // THEN
    const manifests = rules(chart);
    expect(manifests.map(m => m.spec)).toEqual([
      { host: 'reviews', exportTo: ['.', 'istio-system'] },
      { host: 'reviews', exportTo: ['.'], workloadSelector: { matchLabels: { app: 'productpage' } } },
      { host: 'ratings', workloadSelector: { matchLabels: client.matchLabels } },
    ]);
    expectValidIstio(manifests);
  });

  test('accepts wildcard hosts as Istio does', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new DestinationRule(chart, 'mesh', { host: '*.local', trafficPolicy: { tls: ClientTls.istioMutual() } });
    new DestinationRule(chart, 'all', { host: '*', trafficPolicy: { tls: ClientTls.istioMutual() } });
    new DestinationRule(chart, 'fqdn', { host: 'reviews.bookinfo.svc.cluster.local' });

    // THEN
    expect(rules(chart).map(r => r.spec.host)).toEqual(['*.local', '*', 'reviews.bookinfo.svc.cluster.local']);
  });

  test('_tlsModes lists every TLS mode: top level, port level, subset and subset port level', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews', {
      host: 'reviews',
      trafficPolicy: { tls: ClientTls.istioMutual(), portLevelSettings: [{ port: 9080, tls: ClientTls.disable() }] },
    });

    // WHEN
    rule.addPortTrafficPolicy(9443, { tls: ClientTls.simple() });
    rule.addSubset('v1', { labels: { version: 'v1' }, trafficPolicy: { tls: ClientTls.disable() } });
    rule.addSubset('v2', { labels: { version: 'v2' }, trafficPolicy: { portLevelSettings: [{ port: 9080, tls: ClientTls.istioMutual() }] } });
    rule.addSubset('v3', { labels: { version: 'v3' } });

    // THEN
    expect(rule._tlsModes()).toEqual([
      { mode: 'ISTIO_MUTUAL' },
      { port: 9080, mode: 'DISABLE' },
      { port: 9443, mode: 'SIMPLE' },
      { subset: 'v1', mode: 'DISABLE' },
      { port: 9080, subset: 'v2', mode: 'ISTIO_MUTUAL' },
    ]);
  });

  test('addPortTrafficPolicy appends to portLevelSettings', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews', {
      host: 'reviews',
      trafficPolicy: {
        loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
        portLevelSettings: [{ port: 80, loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM) }],
      },
    });

    // WHEN
    rule.addPortTrafficPolicy(9080, { connectionPool: { tcp: { maxConnections: 10, connectTimeout: Duration.millis(250) } } });

    // THEN
    const manifests = rules(chart);
    expect(manifests[0].spec.trafficPolicy).toEqual({
      loadBalancer: { simple: 'ROUND_ROBIN' },
      portLevelSettings: [
        { port: { number: 80 }, loadBalancer: { simple: 'RANDOM' } },
        { port: { number: 9080 }, connectionPool: { tcp: { maxConnections: 10, connectTimeout: '250ms' } } },
      ],
    });
    expectValidIstio(manifests);
  });

  describe('fails', () => {
    test('fails on duplicate subset names', () => {
      const chart = Testing.chart();
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });
      rule.addSubset('v1', { labels: { version: 'v1' } });
      expect(() => rule.addSubset('v1', { labels: { version: 'v2' } }))
        .toThrow(/test\/reviews: subsets\[1\]\.name "v1" is invalid: is already defined by this rule/);
    });

    test('fails on duplicate subset names given as props', () => {
      expect(() => new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews', subsets: [{ name: 'v1' }, { name: 'v1' }] }))
        .toThrow(/reviews: subsets\[1\]\.name "v1" is invalid: is already defined/);
    });

    test('accepts upper-case subset names, as Istio does', () => {
      const chart = Testing.chart();
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });
      rule.addSubset('V1', { labels: { version: 'v1' } });
      const manifests = Testing.synth(chart);
      expect(manifests[0].spec.subsets).toEqual([{ name: 'V1', labels: { version: 'v1' } }]);
      expectValidIstio(manifests);
    });

    test('fails on a host whose last label is all-numeric, such as an IP address', () => {
      for (const host of ['10.0.0.1', 'foo.123', '123']) {
        expect(() => new DestinationRule(Testing.chart(), 'r', { host })).toThrow(new RegExp(`test/r: host "${host.replace(/\./g, '\\.')}" is invalid: the last label of a DNS name cannot be all-numeric`));
      }
    });

    test('fails on a subset name that is not a DNS label', () => {
      const rule = new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews' });
      expect(() => rule.addSubset('V1.0')).toThrow(/reviews: subsets\[0\]\.name "V1\.0" is invalid: must be 1-63 characters of \[A-Za-z0-9-\]/);
      expect(() => rule.addSubset('')).toThrow(/subsets\[0\]\.name "" is invalid/);
    });

    test('fails on invalid subset labels', () => {
      const rule = new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews' });
      expect(() => rule.addSubset('v1', { labels: { version: 'v1 beta' } })).toThrow(/reviews: subsets\[0\]\.labels\["version"\] "v1 beta" is invalid/);
      expect(() => rule.addSubset('v1', { labels: { 'bad key!': 'v1' } })).toThrow(/reviews: subsets\[0\]\.labels key "bad key!" is invalid/);
    });

    test('fails at synth when the subset is unknown', () => {
      const chart = Testing.chart();
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews', subsets: [{ name: 'v1' }] });
      rule.subset('v9');
      expect(() => Testing.synth(chart)).toThrow(/reviews: subsets "v9" is invalid: this rule defines "v1"/);
    });

    test('fails when the workload has no version pod label', () => {
      const chart = Testing.chart();
      const d = deployment(chart, 'reviews-v1', { app: 'reviews' });
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });
      expect(() => rule.addSubsetFromWorkload(d)).toThrow(/reviews: subsets\[0\]\.labels \["version"\] is invalid: test\/reviews-v1 has no pod label "version"/);
    });

    test('fails when the workload version label is not a valid subset name', () => {
      const chart = Testing.chart();
      const d = deployment(chart, 'reviews-v1', { app: 'reviews', version: '1.0' });
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });
      expect(() => rule.addSubsetFromWorkload(d)).toThrow(/reviews: subsets\[0\]\.name "1\.0" is invalid: must be 1-63 characters of \[A-Za-z0-9-\]/);
    });

    test('fails at synth when a workload subset label was removed', () => {
      const chart = Testing.chart();
      const d = new kplus.Deployment(chart, 'reviews-v1', {
        containers: [{ image: 'reviews', portNumber: 9080, securityContext: { ensureNonRoot: false } }],
      });
      d.podMetadata.addLabel('version', 'v1');
      const rule = new DestinationRule(chart, 'reviews', { host: 'reviews' });
      rule.addSubsetFromWorkload(d);
      (d.podMetadata as any).labels.version = undefined;
      delete (d.podMetadata as any).labels.version;
      expect(() => Testing.synth(chart)).toThrow(/\[test\/reviews\] subsets\[0\]\.labels \["version"\] is invalid: test\/reviews-v1 \(subset "v1"\) no longer has pod label "version"/);
    });

    test('fails on invalid hosts', () => {
      const chart = Testing.chart();
      expect(() => new DestinationRule(chart, 'a', { host: 'reviews.*.svc' })).toThrow(/test\/a: host "reviews\.\*\.svc" is invalid/);
      expect(() => new DestinationRule(chart, 'b', { host: 'bookinfo/reviews' })).toThrow(/test\/b: host "bookinfo\/reviews" is invalid/);
      expect(() => new DestinationRule(chart, 'c', { host: '' })).toThrow(/test\/c: host "" is invalid/);
      expect(() => new DestinationRule(chart, 'd', { host: 'rev_iews' })).toThrow(/test\/d: host "rev_iews" is invalid/);
    });

    test('fails on an invalid metadata name or labels, and on invalid workload selector labels (synth time)', () => {
      const chart = Testing.chart();
      expect(() => new DestinationRule(chart, 'a', { metadata: { name: '-reviews' }, host: 'reviews' }))
        .toThrow(/test\/a: metadata\.name "-reviews" is invalid/);
      expect(() => new DestinationRule(chart, 'b', { metadata: { labels: { app: 'bad value!' } }, host: 'reviews' }))
        .toThrow(/test\/b: metadata\.labels\["app"\] "bad value!" is invalid/);
      const synthChart = Testing.chart();
      new DestinationRule(synthChart, 'c', { host: 'reviews', workloadSelector: WorkloadSelector.fromLabels({ 'app/x/y': 'reviews' }) });
      expect(() => Testing.synth(synthChart)).toThrow(/test\/c: workloadSelector\.matchLabels key "app\/x\/y" is invalid/);
    });

    test('fails on invalid exportTo', () => {
      const chart = Testing.chart();
      expect(() => new DestinationRule(chart, 'a', { host: 'reviews', exportTo: ['*', '.'] })).toThrow(/test\/a: exportTo \["\*","\."\] is invalid/);
      expect(() => new DestinationRule(chart, 'b', { host: 'reviews', exportTo: ['Bad'] })).toThrow(/test\/b: exportTo\[0\] "Bad" is invalid/);
      expect(() => new DestinationRule(chart, 'c', { host: 'reviews', metadata: { namespace: 'bookinfo' }, exportTo: ['.', 'bookinfo'] }))
        .toThrow(/test\/c: exportTo \["\.","bookinfo"\] is invalid: "\." and "bookinfo" both mean this namespace/);
    });

    test('fails on a workload selector with exportTo beyond the own namespace', () => {
      const chart = Testing.chart();
      const workloadSelector = WorkloadSelector.fromLabels({ app: 'productpage' });
      expect(() => new DestinationRule(chart, 'a', { host: 'reviews', workloadSelector, exportTo: ['*'] }))
        .toThrow(/test\/a: exportTo \["\*"\] is invalid: a DestinationRule with a workloadSelector can only be exported to its own namespace/);
      expect(() => new DestinationRule(chart, 'b', { host: 'reviews', workloadSelector, exportTo: ['.', 'other'] }))
        .toThrow(/test\/b: exportTo .* is invalid: a DestinationRule with a workloadSelector/);
      // its own namespace by name is fine
      new DestinationRule(chart, 'c', { host: 'reviews', workloadSelector, metadata: { namespace: 'bookinfo' }, exportTo: ['bookinfo'] });
    });

    test('fails at synth on an empty workload selector', () => {
      const chart = Testing.chart();
      new DestinationRule(chart, 'a', { host: 'reviews', workloadSelector: WorkloadSelector.fromLabels({}) });
      expect(() => Testing.synth(chart)).toThrow(/test\/a: workloadSelector\.matchLabels .* is invalid: selects no labels/);
    });

    test('fails on an empty traffic policy', () => {
      expect(() => new DestinationRule(Testing.chart(), 'a', { host: 'reviews', trafficPolicy: {} }))
        .toThrow(/test\/a: trafficPolicy \{\} is invalid: a traffic policy must set at least one policy/);
      const rule = new DestinationRule(Testing.chart(), 'b', { host: 'reviews' });
      expect(() => rule.addSubset('v1', { trafficPolicy: {} })).toThrow(/test\/b: subsets\[0\]\.trafficPolicy \{\} is invalid/);
    });

    test('fails on duplicate port-level settings for a port, and rolls back addPortTrafficPolicy', () => {
      const chart = Testing.chart();
      const tls = ClientTls.istioMutual();
      expect(() => new DestinationRule(chart, 'a', { host: 'reviews', trafficPolicy: { portLevelSettings: [{ port: 80, tls }, { port: 80, tls }] } }))
        .toThrow(/test\/a: trafficPolicy\.portLevelSettings\[1\]\.port\.number 80 is invalid: has policies already/);
      const other = Testing.chart();
      const rule = new DestinationRule(other, 'b', { host: 'reviews' });
      rule.addPortTrafficPolicy(80, { tls });
      expect(() => rule.addPortTrafficPolicy(80, { tls })).toThrow(/test\/b: trafficPolicy\.portLevelSettings\[1\]\.port\.number 80 is invalid/);
      expect(rules(other)[0].spec.trafficPolicy.portLevelSettings).toHaveLength(1);
    });

    test('fails on ports outside 1-65535 and on empty port-level settings', () => {
      const chart = Testing.chart();
      const tls = ClientTls.istioMutual();
      expect(() => new DestinationRule(chart, 'a', { host: 'reviews', trafficPolicy: { portLevelSettings: [{ port: 0, tls }] } }))
        .toThrow(/test\/a: trafficPolicy\.portLevelSettings\[0\]\.port\.number 0 is invalid: must be an integer port number from 1 to 65535/);
      expect(() => new DestinationRule(chart, 'b', { host: 'reviews', trafficPolicy: { portLevelSettings: [{ port: 65536, tls }] } }))
        .toThrow(/port\.number 65536 is invalid/);
      expect(() => new DestinationRule(chart, 'c', { host: 'reviews', trafficPolicy: { portLevelSettings: [{ port: 80 }] } }))
        .toThrow(/test\/c: trafficPolicy\.portLevelSettings\[0\] \{"port":80\} is invalid: a port-level policy must set at least one/);
    });
  });
});
