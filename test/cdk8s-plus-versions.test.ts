import { Testing } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
// cdk8s-plus-33, installed under an npm alias (see .projenrc.ts).
import * as kplus33 from 'cdk8s-plus-latest';
import { expectValidManifests } from './support/istio-validate';
import { AnalysisLevel } from '../src/analysis/level';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ClientTls } from '../src/networking/client-tls';
import { Destination } from '../src/networking/destination';
import { DestinationRule } from '../src/networking/destination-rule';
import { EnvoyFilter, EnvoyFilterApplyTo, PatchOperation } from '../src/networking/envoy-filter';
import { EnvoyObjectMatch } from '../src/networking/envoy-filter-match';
import { GatewaySelector } from '../src/networking/gateway-selector';
import { VirtualService } from '../src/networking/virtual-service';
import { WorkloadEntry } from '../src/networking/workload-entry';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { MtlsMode, PeerAuthentication } from '../src/security/peer-authentication';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { Principal } from '../src/security/principal';

/** What the tests need of a cdk8s-plus package; both versions are passed as they are. */
type Kplus = typeof kplus27 | typeof kplus33;

/** Bookinfo's reviews: a Deployment, its Service and ServiceAccount, from `kplus`, routed and secured by the library. */
function reviewsApp(kplus: Kplus) {
  const chart = Testing.chart();
  const sa = new kplus.ServiceAccount(chart, 'ReviewsSa', { metadata: { name: 'bookinfo-reviews', namespace: 'bookinfo' } });
  const deployments = ['v1', 'v2'].map(version => {
    const d = new kplus.Deployment(chart, `Reviews${version}`, {
      metadata: { name: `reviews-${version}`, namespace: 'bookinfo' },
      serviceAccount: sa,
      podMetadata: { labels: { app: 'reviews', version } },
      containers: [{ image: `docker.io/istio/examples-bookinfo-reviews-${version}:1.20.3`, portNumber: 9080, securityContext: { ensureNonRoot: false } }],
    });
    return d;
  });
  const service = new kplus.Service(chart, 'ReviewsSvc', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
  service.selectLabel('app', 'reviews');

  // Every place the library takes a workload, Service or ServiceAccount:
  const rule = DestinationRule.forService(chart, 'ReviewsRule', service, {
    metadata: { namespace: 'bookinfo' },
    workloadSubsets: [deployments[0]],
  });
  const v2 = rule.addSubsetFromWorkload(deployments[1]);
  new VirtualService(chart, 'Reviews', {
    metadata: { namespace: 'bookinfo' },
    hosts: ['reviews'],
    http: [{ route: [{ destination: Destination.fromSubset(v2), weight: 90 }, { destination: Destination.fromService(service), weight: 10 }] }],
  });
  new AuthorizationPolicy(chart, 'ReviewsAuthz', {
    metadata: { namespace: 'bookinfo' },
    action: AuthorizationAction.ALLOW,
    selector: WorkloadSelector.fromWorkload(deployments[0]),
    rules: [{ from: [{ principals: [Principal.fromWorkload(deployments[1]), Principal.fromServiceAccount(sa)] }] }],
  });
  new AuthorizationPolicy(chart, 'ReviewsWaypoint', {
    metadata: { namespace: 'bookinfo' },
    action: AuthorizationAction.ALLOW,
    targetRefs: [PolicyTargetReference.fromService(service)],
    rules: [{ from: [{ principals: [Principal.ANY_AUTHENTICATED] }] }],
  });
  new EnvoyFilter(chart, 'ReviewsCluster', {
    metadata: { namespace: 'bookinfo' },
    configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.MERGE, value: { connect_timeout: '1s' }, match: EnvoyObjectMatch.clusterForService(service) }],
  });
  new WorkloadEntry(chart, 'ReviewsVm', { metadata: { namespace: 'bookinfo' }, address: '10.0.0.9', labels: { app: 'reviews' }, serviceAccount: sa });
  GatewaySelector.fromWorkload(deployments[0]);
  return chart;
}

describe('cdk8s-plus versions', () => {
  test('workloads, Services and ServiceAccounts from cdk8s-plus-27 and cdk8s-plus-33 give the same Istio objects', () => {
    // GIVEN / WHEN
    const from27 = Testing.synth(reviewsApp(kplus27));
    const from33 = Testing.synth(reviewsApp(kplus33));

    // THEN
    const istio = (objects: any[]) => objects.filter(o => o.apiVersion.includes('istio.io/'));
    expect(istio(from33)).toEqual(istio(from27));
    expectValidManifests(istio(from33));
    const rule = from33.find(o => o.kind === 'DestinationRule');
    expect(rule.spec).toEqual({ host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    const authz = from33.find(o => o.kind === 'AuthorizationPolicy');
    expect(authz.spec.selector).toEqual({ matchLabels: { 'cdk8s.io/metadata.addr': expect.any(String) } });
    expect(authz.spec.rules[0].from[0].source.principals).toEqual([
      'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
    ]);
    expect(from33.find(o => o.kind === 'EnvoyFilter').spec.configPatches[0].match).toEqual({ cluster: { service: 'reviews.bookinfo.svc.cluster.local' } });
  });

  test('the mTLS conflict check sees a cdk8s-plus-33 Service', () => {
    const chart = Testing.chart();
    new PeerAuthentication(chart, 'ReviewsStrict', {
      metadata: { namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      mtls: MtlsMode.STRICT,
    });
    const reviews = new kplus33.Service(chart, 'ReviewsSvc', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    reviews.selectLabel('app', 'reviews');
    const ratings = new kplus33.Service(chart, 'RatingsSvc', { metadata: { name: 'ratings', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    ratings.selectLabel('app', 'ratings');
    new DestinationRule(chart, 'Ratings', { metadata: { namespace: 'bookinfo' }, host: 'ratings', trafficPolicy: { tls: ClientTls.disable() } });
    expect(() => Testing.synth(chart)).not.toThrow();
    new DestinationRule(chart, 'Reviews', { metadata: { namespace: 'bookinfo' }, host: 'reviews', trafficPolicy: { tls: ClientTls.disable() } });
    MeshAnalysis.setLevel(chart, 'CDK0001', AnalysisLevel.ERROR); // a Warning by default
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Reviews\] Error \[CDK0001\] .*requires STRICT mutual TLS/);
  });
});
