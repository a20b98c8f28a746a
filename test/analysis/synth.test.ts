import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { addBookinfoStack } from '../../examples/bookinfo/bookinfo-stack';
import { SCENARIOS } from '../../examples/bookinfo/scenarios';
import { AnalysisLevel } from '../../src/analysis/level';
import { MeshAnalysis } from '../../src/analysis/mesh-analysis';
import { Gateway as KubeGateway, GatewayClassName, HttpRoute, ListenerProtocol } from '../../src/gateway-api';
import { ClientTls } from '../../src/networking/client-tls';
import { Destination } from '../../src/networking/destination';
import { DestinationRule } from '../../src/networking/destination-rule';
import { VirtualService } from '../../src/networking/virtual-service';
import { PeerAuthentication } from '../../src/security/peer-authentication';
import { expectValidIstio } from '../support/istio-validate';

/** reviews v1 as a cdk8s-plus Deployment behind a Service, and a DestinationRule with subsets v1 and `extra`. */
function reviews(chart: Chart, extra = 'v3', annotations?: Record<string, string>): DestinationRule {
  const deployment = new kplus.Deployment(chart, 'reviews-v1', {
    select: false,
    podMetadata: { labels: { app: 'reviews', version: 'v1' } },
    containers: [{ image: 'example/reviews:1', portNumber: 9080, securityContext: { user: 1000 } }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: 'reviews', version: 'v1' } }));
  new kplus.Service(chart, 'reviews-svc', { metadata: { name: 'reviews' }, ports: [{ port: 9080, name: 'http' }] }).selectLabel('app', 'reviews');
  const rule = new DestinationRule(chart, 'reviews', { metadata: { name: 'reviews', annotations }, host: 'reviews' });
  rule.addSubset('v1', { labels: { version: 'v1' } });
  rule.addSubset(extra, { labels: { version: extra } });
  return rule;
}

function captureStderr(fn: () => void): string {
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    fn();
    return spy.mock.calls.map(c => String(c[0])).join('');
  } finally {
    spy.mockRestore();
  }
}

describe('mesh analysis at synth', () => {
  test('runs in an app with Gateway API constructs only, and reports a route its parent does not accept', () => {
    const chart = Testing.chart();
    const gateway = new KubeGateway(chart, 'gw', {
      metadata: { name: 'edge', namespace: 'ingress' },
      gatewayClassName: GatewayClassName.ISTIO,
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
    });
    const route = new HttpRoute(chart, 'shop', { metadata: { name: 'shop', namespace: 'shop' } });
    route.addParent(gateway, { sectionName: 'http' });
    expect(captureStderr(() => Testing.synth(chart))).toMatch(
      /Warning \[CDK0002\] \(HTTPRoute shop\/shop\) Gateway ingress\/edge does not accept this HTTPRoute: listener http accepts routes from namespace ingress only\.\n {4}at test\/shop/);
  });

  test('the bookinfo example analyzes clean, in every scenario, Info included', () => {
    for (const scenario of Object.keys(SCENARIOS)) {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bookinfo-')) });
      addBookinfoStack(app, { scenario: scenario as any });
      expect({ scenario, messages: MeshAnalysis.analyze(app).map(m => m.toString()) }).toEqual({ scenario, messages: [] });
    }
  });

  test('fails an Error with the construct path of the object: a subset whose labels match no pod of a cdk8s-plus Deployment', () => {
    const chart = Testing.chart();
    reviews(chart);
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/reviews\] Error \[IST0173\] \(DestinationRule default\/reviews\) The Subset v3 defined in the DestinationRule does not select any pods.*carry version=v1, not version=v3/);
  });

  test('passes when every subset selects pods, and the YAML is unchanged by the analysis', () => {
    const chart = Testing.chart();
    reviews(chart, 'v1b');
    new kplus.Deployment(chart, 'reviews-v1b', {
      select: false, podMetadata: { labels: { app: 'reviews', version: 'v1b' } }, containers: [{ image: 'example/reviews:1', securityContext: { user: 1000 } }],
    }).select(kplus.LabelSelector.of({ labels: { app: 'reviews', version: 'v1b' } }));
    const withAnalysis = Testing.synth(chart);
    expectValidIstio(withAnalysis);
    MeshAnalysis.disable(chart);
    expect(Testing.synth(chart)).toEqual(withAnalysis);
  });

  test('analyzes raw ApiObjects and Included YAML too', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'raw-vs', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'raw', namespace: 'shop' },
      spec: { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'include-')), 'svc.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: { name: details, namespace: shop }\nspec: { ports: [{ name: http, port: 9080 }] }\n');
    new Include(chart, 'included', { url: file });
    new VirtualService(chart, 'lib-vs', { metadata: { name: 'lib', namespace: 'shop' }, hosts: ['details'], http: [{ route: [{ destination: Destination.fromHost('details') }] }] });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/raw-vs\] Error \[IST0101\] \(VirtualService shop\/raw\) Referenced host not found: "ratings"/);
  });

  test('prints Warnings once, grouped, with the construct path, and goes on', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mesh');
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    new DestinationRule(chart, 'Plain', { metadata: { namespace: 'bookinfo' }, host: 'reviews', trafficPolicy: { tls: ClientTls.disable() } });
    new DestinationRule(chart, 'Plain2', { metadata: { namespace: 'bookinfo' }, host: 'ratings', trafficPolicy: { tls: ClientTls.disable() } });
    const first = captureStderr(() => Testing.synth(chart));
    expect(first).toMatch(/^cdk8s-istio mesh analysis: 2 warnings\n {2}Warning \[CDK0001\] \(DestinationRule bookinfo\/plain\) DestinationRule for host "reviews" sets tls.mode DISABLE, but PeerAuthentication bookinfo\/default requires STRICT mutual TLS.*\n {4}at mesh\/Plain\n/);
    expect(captureStderr(() => Testing.synth(chart))).toEqual('');
  });

  test('shows Info only when asked for', () => {
    const chart = Testing.chart();
    new kplus.Service(chart, 'svc', { metadata: { name: 'web' }, ports: [{ port: 80, name: 'web' }] });
    new DestinationRule(chart, 'dr', { host: 'web' });
    expect(captureStderr(() => Testing.synth(chart))).toEqual('');
    MeshAnalysis.configure(chart, { showInfo: true });
    expect(captureStderr(() => Testing.synth(chart))).toMatch(/Info \[IST0118\] \(Service default\/web\) Port name web \(port: 80, targetPort: 80\)/);
  });

  test('changes the level of a code per scope: the nearest setting wins', () => {
    const app = Testing.app();
    const lenient = new Chart(app, 'lenient', { namespace: 'lenient' });
    const strict = new Chart(app, 'strict', { namespace: 'strict' });
    reviews(lenient);
    reviews(strict);
    MeshAnalysis.setLevel(app, 'IST0173', AnalysisLevel.IGNORE);
    MeshAnalysis.setLevel(strict, 'IST0173', AnalysisLevel.ERROR);
    expect(() => Testing.synth(lenient)).toThrow(/\[strict\/reviews\] Error \[IST0173\]/);
    expect(() => Testing.synth(lenient)).not.toThrow(/lenient\/reviews/);
    MeshAnalysis.setLevel(strict, 'IST0173', AnalysisLevel.WARNING);
    captureStderr(() => expect(() => Testing.synth(strict)).not.toThrow());
  });

  test('a failure threshold makes Warnings fail', () => {
    const chart = Testing.chart();
    PeerAuthentication.strictNamespace(chart, 'Strict', 'bookinfo');
    new DestinationRule(chart, 'Plain', { metadata: { namespace: 'bookinfo' }, host: 'reviews', trafficPolicy: { tls: ClientTls.disable() } });
    MeshAnalysis.setFailureThreshold(chart, AnalysisLevel.WARNING);
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Plain\] Warning \[CDK0001\]/);
  });

  test('an object suppresses codes with galley.istio.io/analyze-suppress', () => {
    const chart = Testing.chart();
    reviews(chart, 'v3', { 'galley.istio.io/analyze-suppress': 'IST0173' });
    expect(() => Testing.synth(chart)).not.toThrow();
    const other = Testing.chart();
    reviews(other, 'v3', { 'galley.istio.io/analyze-suppress': 'IST0101,*' });
    expect(() => Testing.synth(other)).not.toThrow();
  });

  test('is turned off for the app, or by CDK8S_ISTIO_ANALYSIS=off', () => {
    const chart = Testing.chart();
    reviews(chart);
    process.env.CDK8S_ISTIO_ANALYSIS = 'off';
    try {
      expect(() => Testing.synth(chart)).not.toThrow();
    } finally {
      delete process.env.CDK8S_ISTIO_ANALYSIS;
    }
    expect(() => Testing.synth(chart)).toThrow(/IST0173/);
    MeshAnalysis.disable(chart);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('fails for an unknown code', () => {
    expect(() => MeshAnalysis.setLevel(Testing.chart(), 'IST9999', AnalysisLevel.ERROR)).toThrow(/MeshAnalysis.setLevel: unknown code "IST9999"; known codes: IST0002, IST0101/);
  });

  test('analyzes once per App.synth(), not again for each chart it writes, and still fails on an Error in the last chart', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'runs-')) });
    for (const id of ['a', 'b', 'c']) new ApiObject(new Chart(app, id), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id } });
    MeshAnalysis.configure(app, {});
    process.env.CDK8S_ISTIO_ANALYSIS_TIMING = '1';
    try {
      const printed = captureStderr(() => app.synth());
      // 3 charts: cdk8s validates the app once, then once more per chart it writes
      expect(printed.match(/mesh analysis: \d+ objects rendered/g)).toHaveLength(1);
      reviews(new Chart(app, 'd'));
      expect(() => captureStderr(() => app.synth())).toThrow(/\[d\/reviews\] Error \[IST0173\]/);
    } finally {
      delete process.env.CDK8S_ISTIO_ANALYSIS_TIMING;
    }
  });

  test('fails a raw ApiObject the API server would refuse (IST0106), with its construct path; the library\'s own objects are not re-checked', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'reviews-rule', { metadata: { name: 'reviews' }, host: 'reviews' });
    new ApiObject(chart, 'raw-reviews', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], timeOut: '1s' }] },
    });
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/raw-reviews\] Error \[IST0106\] \(VirtualService default\/reviews\) Schema validation error: spec.http\[0\]: unknown field "timeOut"/);
  });
});
