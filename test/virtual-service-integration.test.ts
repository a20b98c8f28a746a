import { Duration, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { AnalysisLevel } from '../src/analysis/level';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { Destination } from '../src/networking/destination';
import { DestinationRule } from '../src/networking/destination-rule';
import { Fault } from '../src/networking/fault';
import { Gateway } from '../src/networking/gateway';
import { PortProtocol } from '../src/networking/protocol';
import { StringMatch } from '../src/networking/string-match';
import { VirtualService } from '../src/networking/virtual-service';

// The VirtualService with the constructs it references: Gateway and DestinationRule.
describe('VirtualService with Gateway and DestinationRule constructs', () => {
  test('bookinfo: ingress through a Gateway in istio-system, reviews split across DestinationRule subsets', () => {
    // GIVEN
    const chart = Testing.chart();
    const gateway = new Gateway(chart, 'gateway', {
      metadata: { name: 'bookinfo-gateway', namespace: 'istio-system' },
      servers: [{ port: { number: 80, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] }],
    });
    const reviewsRule = new DestinationRule(chart, 'reviews-rule', { metadata: { name: 'reviews', namespace: 'bookinfo' }, host: 'reviews' });
    const v1 = reviewsRule.addSubset('v1', { labels: { version: 'v1' } });
    const v2 = reviewsRule.addSubset('v2', { labels: { version: 'v2' } });

    // WHEN
    new VirtualService(chart, 'bookinfo', {
      metadata: { name: 'bookinfo', namespace: 'bookinfo' },
      hosts: ['*'],
      gateways: [gateway],
      http: [{ match: [{ uri: StringMatch.exact('/productpage') }], route: [{ destination: Destination.fromHost('productpage', { port: 9080 }) }] }],
    });
    new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      hosts: ['reviews'],
      gateways: [Gateway.MESH],
      http: [
        { match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ destination: Destination.fromSubset(v2) }], fault: Fault.delay(Duration.seconds(7)) },
        { route: [{ destination: Destination.fromSubset(v1), weight: 75 }, { destination: Destination.fromHost('reviews', { subset: 'v2' }), weight: 25 }] },
      ],
    });

    // THEN
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    const [bookinfo, reviews] = manifests.filter(m => m.kind === 'VirtualService');
    expect(bookinfo.spec.gateways).toEqual(['istio-system/bookinfo-gateway']);
    expect(reviews.spec.gateways).toEqual(['mesh']);
    expect(reviews.spec.http[1].route).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 75 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 25 },
    ]);
  });

  test('a subset the DestinationRule of the host does not define synthesizes (Istio accepts it; istioctl analyze reports IST0101)', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews-rule', { host: 'reviews' });
    rule.addSubset('v1', { labels: { version: 'v1' } });
    rule.addSubset('v2', { labels: { version: 'v2' } });

    // WHEN
    new VirtualService(chart, 'reviews', {
      hosts: ['reviews'],
      http: [{ route: [{ destination: Destination.fromHost('reviews', { subset: 'v3' }) }] }],
    });

    // THEN the analysis reports it at istioctl's level, an Error, naming the fix
    expect(() => Testing.synth(chart)).toThrow(/\[test\/reviews\] Error \[IST0101\] .*"reviews\+v3"; add subset v3 to DestinationRule default\/reviews-rule/);
    MeshAnalysis.setLevel(chart, 'IST0101', AnalysisLevel.WARNING);
    const vs = Testing.synth(chart).find(m => m.kind === 'VirtualService');
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'reviews', subset: 'v3' });
  });
});
