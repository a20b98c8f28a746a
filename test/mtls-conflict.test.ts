import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ClientTls } from '../src/networking/client-tls';
import { DestinationRule } from '../src/networking/destination-rule';
import { MtlsConflictCheck, MtlsConflictSeverity } from '../src/security/mtls-conflict-check';
import { MtlsMode, PeerAuthentication } from '../src/security/peer-authentication';

function plainTextRule(chart: Chart, id: string, host: string, namespace = 'bookinfo'): DestinationRule {
  return new DestinationRule(chart, id, { metadata: { namespace }, host, trafficPolicy: { tls: ClientTls.disable() } });
}

describe('mTLS conflict check (IST0113)', () => {
  test('fails a DestinationRule that disables TLS towards a namespace made STRICT, naming both constructs', () => {
    // GIVEN
    const chart = Testing.chart();
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');

    // WHEN
    plainTextRule(chart, 'Reviews', 'reviews');

    // THEN
    expect(() => Testing.synth(chart)).toThrow(
      /test\/Reviews: DestinationRule for host "reviews" sets tls\.mode DISABLE, but PeerAuthentication test\/Strict requires STRICT mutual TLS namespace-wide in bookinfo.*IST0113/);
  });

  test('fails against a mesh-wide STRICT policy, for a fully qualified host in another namespace', () => {
    const chart = Testing.chart();
    PeerAuthentication.strictMeshWide(chart, 'Mesh');
    plainTextRule(chart, 'Ratings', 'ratings.other.svc.cluster.local');
    expect(() => Testing.synth(chart)).toThrow(/test\/Ratings: DestinationRule for host "ratings\.other\.svc\.cluster\.local".*PeerAuthentication test\/Mesh requires STRICT mutual TLS mesh-wide/);
  });

  test('fails a wildcard host that covers every namespace, such as *.local', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Ns', { metadata: { namespace: 'bookinfo' }, mtls: MtlsMode.STRICT });
    plainTextRule(chart, 'All', '*.local', 'istio-system');
    expect(() => Testing.synth(chart)).toThrow(/test\/All: DestinationRule for host "\*\.local" sets tls\.mode DISABLE, but PeerAuthentication test\/Ns/);
  });

  test('fails a subset that disables TLS', () => {
    const chart = Testing.chart();
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    const rule = new DestinationRule(chart, 'Reviews', { metadata: { namespace: 'bookinfo' }, host: 'reviews' });
    rule.addSubset('v1', { labels: { version: 'v1' }, trafficPolicy: { tls: ClientTls.disable() } });
    expect(() => Testing.synth(chart)).toThrow(/DestinationRule for host "reviews" \(subset "v1"\) sets tls\.mode DISABLE/);
  });

  test('passes with ISTIO_MUTUAL, with a DISABLE rule in another namespace, or for external hosts', () => {
    const chart = Testing.chart();
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    new DestinationRule(chart, 'Mutual', { metadata: { namespace: 'bookinfo' }, host: 'reviews', trafficPolicy: { tls: ClientTls.istioMutual() } });
    plainTextRule(chart, 'Elsewhere', 'ratings', 'other');
    plainTextRule(chart, 'External', 'httpbin.org');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a more specific PERMISSIVE policy overrides a STRICT mesh-wide one', () => {
    const chart = Testing.chart();
    PeerAuthentication.strictMeshWide(chart, 'Mesh');
    new PeerAuthentication(chart, 'Legacy', { metadata: { namespace: 'legacy' }, mtls: MtlsMode.PERMISSIVE });
    plainTextRule(chart, 'Old', 'old', 'legacy');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a workload policy applies through the Service that selects its pods', () => {
    // GIVEN a STRICT policy for app=reviews and Services for reviews and ratings
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'ReviewsStrict', {
      metadata: { namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      mtls: MtlsMode.STRICT,
    });
    const reviews = new kplus.Service(chart, 'ReviewsSvc', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    reviews.selectLabel('app', 'reviews');
    const ratings = new kplus.Service(chart, 'RatingsSvc', { metadata: { name: 'ratings', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    ratings.selectLabel('app', 'ratings');

    // WHEN ratings is plain text, nothing conflicts
    plainTextRule(chart, 'Ratings', 'ratings');
    expect(() => Testing.synth(chart)).not.toThrow();

    // WHEN reviews is plain text, it does
    plainTextRule(chart, 'Reviews', 'reviews');
    expect(() => Testing.synth(chart)).toThrow(/test\/Reviews: .*PeerAuthentication test\/ReviewsStrict requires STRICT mutual TLS for the selected workloads in namespace bookinfo/);
  });

  test('fails a host whose Service the app does not define when a STRICT workload policy shares its namespace', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Strict', {
      metadata: { namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'details' }),
      mtls: MtlsMode.STRICT,
    });
    plainTextRule(chart, 'Details', 'details');
    expect(() => Testing.synth(chart)).toThrow(/test\/Details: .*PeerAuthentication test\/Strict/);
  });

  test('port-level modes: STRICT on the target port conflicts, PERMISSIVE does not', () => {
    // GIVEN a workload PERMISSIVE except port 8443 STRICT; its Service maps 443 -> 8443
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Pa', {
      metadata: { namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'web' }),
      mtls: MtlsMode.PERMISSIVE,
      portLevelMtls: [{ port: 8443, mode: MtlsMode.STRICT }],
    });
    const web = new kplus.Service(chart, 'Web', { metadata: { name: 'web', namespace: 'bookinfo' }, ports: [{ port: 443, targetPort: 8443 }, { port: 80, targetPort: 8080 }] });
    web.selectLabel('app', 'web');

    // WHEN port 80 is plain text: fine
    const rule = new DestinationRule(chart, 'WebRule', { metadata: { namespace: 'bookinfo' }, host: 'web' });
    rule.addPortTrafficPolicy(80, { tls: ClientTls.disable() });
    expect(() => Testing.synth(chart)).not.toThrow();

    // WHEN port 443 is plain text: conflict
    rule.addPortTrafficPolicy(443, { tls: ClientTls.disable() });
    expect(() => Testing.synth(chart)).toThrow(/test\/WebRule: DestinationRule for host "web" \(port 443\) sets tls\.mode DISABLE, but PeerAuthentication test\/Pa/);
  });

  test('fails a rule-wide DISABLE against any STRICT port', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'Pa', {
      metadata: { namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'web' }),
      portLevelMtls: [{ port: 8443, mode: MtlsMode.STRICT }],
    });
    plainTextRule(chart, 'Web', 'web');
    expect(() => Testing.synth(chart)).toThrow(/test\/Web: .*PeerAuthentication test\/Pa/);
  });

  test('WARNING severity prints instead of failing', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'warn');
    MtlsConflictCheck.setSeverity(app, MtlsConflictSeverity.WARNING);
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    plainTextRule(chart, 'Reviews', 'reviews');
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

    // WHEN
    try {
      expect(() => app.synth()).not.toThrow();
      // THEN
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/^Warning: warn\/Reviews: DestinationRule for host "reviews" sets tls\.mode DISABLE.*warn\/Strict/));
    } finally {
      write.mockRestore();
    }
  });

  test('IGNORE severity skips the check; the setting nearest to the policy wins', () => {
    const chart = Testing.chart();
    MtlsConflictCheck.setSeverity(chart.node.root, MtlsConflictSeverity.WARNING);
    MtlsConflictCheck.setSeverity(chart, MtlsConflictSeverity.IGNORE);
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    plainTextRule(chart, 'Reviews', 'reviews');
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => Testing.synth(chart)).not.toThrow();
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});
