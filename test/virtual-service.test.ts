import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidIstio } from './support/istio-validate';
import { AnalysisLevel } from '../src/analysis/level';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { Destination, ISubset } from '../src/networking/destination';
import { Fault } from '../src/networking/fault';
import { IGateway } from '../src/networking/gateway-ref';
import { StringMatch } from '../src/networking/string-match';
import { VirtualService } from '../src/networking/virtual-service';

// Subsets as a DestinationRule hands them out (the registry check only applies to
// Destination.fromHost(..., { subset })).
const subset = (host: string, subsetName: string, namespace?: string): ISubset => ({ host, subsetName, namespace });

/** Synthesizes the chart, checks every Istio object with the independent validators, returns the VirtualServices. */
function synthVirtualServices(chart: ReturnType<typeof Testing.chart>): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.filter(m => m.kind === 'VirtualService');
}

describe('VirtualService: the seed examples', () => {
  test('bookinfo ingress: hosts "*", bound to bookinfo-gateway, five URI matches to productpage:9080', () => {
    // GIVEN
    const chart = Testing.chart();
    const gateway: IGateway = { gatewayName: 'bookinfo-gateway' };

    // WHEN
    new VirtualService(chart, 'bookinfo', {
      metadata: { name: 'bookinfo' },
      hosts: ['*'],
      gateways: [gateway],
      http: [{
        match: [
          { uri: StringMatch.exact('/productpage') },
          { uri: StringMatch.prefix('/static') },
          { uri: StringMatch.exact('/login') },
          { uri: StringMatch.exact('/logout') },
          { uri: StringMatch.prefix('/api/v1/products') },
        ],
        route: [{ destination: Destination.fromHost('productpage', { port: 9080 }) }],
      }],
    });

    // THEN
    expect(synthVirtualServices(chart)).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'bookinfo' },
      spec: {
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        http: [{
          match: [
            { uri: { exact: '/productpage' } },
            { uri: { prefix: '/static' } },
            { uri: { exact: '/login' } },
            { uri: { exact: '/logout' } },
            { uri: { prefix: '/api/v1/products' } },
          ],
          route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
        }],
      },
    }]);
  });

  test('bookinfo ingress in namespace dev routes to the productpage Service of that namespace by its short name', () => {
    // GIVEN
    const chart = Testing.chart();
    const productpage = new kplus.Service(chart, 'productpage', {
      metadata: { name: 'productpage', namespace: 'dev' },
      ports: [{ port: 9080 }],
    });

    // WHEN
    new VirtualService(chart, 'bookinfo', {
      metadata: { name: 'bookinfo-virtualservice', namespace: 'dev' },
      hosts: ['*'],
      gateways: [{ gatewayName: 'bookinfo-gateway', gatewayNamespace: 'dev' }],
      http: [{
        match: [{ uri: StringMatch.exact('/productpage') }],
        route: [{ destination: Destination.fromService(productpage, { port: 9080 }) }],
      }],
    });

    // THEN
    const [vs] = synthVirtualServices(chart);
    expect(vs.metadata).toEqual({ name: 'bookinfo-virtualservice', namespace: 'dev' });
    expect(vs.spec.gateways).toEqual(['bookinfo-gateway']);
    expect(vs.spec.http[0].route).toEqual([{ destination: { host: 'productpage', port: { number: 9080 } } }]);
  });

  test('a VirtualService bound to a Gateway in another namespace renders namespace/name, and a Service elsewhere its FQDN', () => {
    // GIVEN
    const chart = Testing.chart();
    const productpage = new kplus.Service(chart, 'productpage', {
      metadata: { name: 'productpage', namespace: 'default' },
      ports: [{ port: 9080 }],
    });

    // WHEN
    new VirtualService(chart, 'bookinfo', {
      metadata: { name: 'bookinfo', namespace: 'gateway-apps' },
      hosts: ['*'],
      gateways: [{ gatewayName: 'bookinfo-gateway', gatewayNamespace: 'istio-system' }],
      http: [{ route: [{ destination: Destination.fromService(productpage, { port: 9080 }) }] }],
    });

    // THEN
    const [vs] = synthVirtualServices(chart);
    expect(vs.spec.gateways).toEqual(['istio-system/bookinfo-gateway']);
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'productpage.default.svc.cluster.local', port: { number: 9080 } });
  });

  test('reviews split 75/25 between subsets v1 and v2', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews' },
      hosts: ['reviews'],
      http: [{
        route: [
          { destination: Destination.fromSubset(subset('reviews', 'v1')), weight: 75 },
          { destination: Destination.fromSubset(subset('reviews', 'v2')), weight: 25 },
        ],
      }],
    });

    // THEN
    expect(synthVirtualServices(chart)[0].spec).toEqual({
      hosts: ['reviews'],
      http: [{
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 75 },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 25 },
        ],
      }],
    });
  });

  test('end-user jason goes to reviews v2, everyone else to v1 (routes kept in order)', () => {
    // GIVEN
    const chart = Testing.chart();
    const reviews = new VirtualService(chart, 'reviews', { metadata: { name: 'reviews' }, hosts: ['reviews'] });

    // WHEN
    reviews.addHttpRoute({
      match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
      route: [{ destination: Destination.fromSubset(subset('reviews', 'v2')) }],
    });
    reviews.addHttpRoute({ route: [{ destination: Destination.fromSubset(subset('reviews', 'v1')) }] });

    // THEN
    expect(synthVirtualServices(chart)[0].spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          match: [{ headers: { 'end-user': { exact: 'jason' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    });
  });

  test('ratings: a 7s delay for jason, and an HTTP 500 abort for jason', () => {
    // GIVEN
    const chart = Testing.chart();
    const jason = { headers: { 'end-user': StringMatch.exact('jason') } };
    const v1 = [{ destination: Destination.fromSubset(subset('ratings', 'v1')) }];

    // The upstream samples apply these one at a time; together they are IST0109.
    MeshAnalysis.setLevel(chart, 'IST0109', AnalysisLevel.IGNORE);

    // WHEN
    new VirtualService(chart, 'ratings-delay', {
      metadata: { name: 'ratings-delay' },
      hosts: ['ratings'],
      http: [{ match: [jason], fault: Fault.delay(Duration.seconds(7)), route: v1 }, { route: v1 }],
    });
    new VirtualService(chart, 'ratings-abort', {
      metadata: { name: 'ratings-abort' },
      hosts: ['ratings'],
      http: [{ match: [jason], fault: Fault.abort(500), route: v1 }, { route: v1 }],
    });

    // THEN
    const [delay, abort] = synthVirtualServices(chart);
    expect(delay.spec.http).toEqual([
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } } },
        route: [{ destination: { host: 'ratings', subset: 'v1' } }],
      },
      { route: [{ destination: { host: 'ratings', subset: 'v1' } }] },
    ]);
    expect(abort.spec.http[0].fault).toEqual({ abort: { httpStatus: 500, percentage: { value: 100 } } });
  });
});

describe('VirtualService: hosts, gateways, exportTo', () => {
  const route = () => ({ route: [{ destination: Destination.fromHost('reviews') }] });

  test('renders hosts, gateways (mesh and another namespace), exportTo; routes added after construction land in the output', () => {
    // GIVEN
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'reviews', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      hosts: ['reviews', 'reviews.bookinfo.com', '*.reviews.example.com', '10.0.0.12', '2001:db8::12'],
      gateways: [{ gatewayName: 'mesh' }, { gatewayName: 'bookinfo-gateway', gatewayNamespace: 'istio-system' }, { gatewayName: 'local-gateway', gatewayNamespace: 'bookinfo' }],
      exportTo: ['.', 'istio-system'],
    });

    // WHEN
    vs.addHttpRoute(route());

    // THEN
    expect(synthVirtualServices(chart)[0].spec).toEqual({
      hosts: ['reviews', 'reviews.bookinfo.com', '*.reviews.example.com', '10.0.0.12', '2001:db8::12'],
      gateways: ['mesh', 'istio-system/bookinfo-gateway', 'local-gateway'],
      exportTo: ['.', 'istio-system'],
      http: [{ route: [{ destination: { host: 'reviews' } }] }],
    });
  });

  test('exposes its name and namespace for delegation', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'reviews', { metadata: { name: 'reviews-routes', namespace: 'team' }, http: [route()] });
    expect(vs.virtualServiceName).toEqual('reviews-routes');
    expect(vs.virtualServiceNamespace).toEqual('team');
    expect(vs.hosts).toEqual([]);
  });

  test('fails on invalid host names and misplaced wildcards', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { hosts: ['reviews_v1'] })).toThrow(/test\/a: hosts\[0\] "reviews_v1" is invalid: must be a DNS name/);
    expect(() => new VirtualService(chart, 'b', { hosts: ['reviews.*.com'] })).toThrow(/test\/b: hosts\[0\] "reviews\.\*\.com" is invalid: .*a wildcard may only stand alone/);
    expect(() => new VirtualService(chart, 'c', { hosts: ['reviews*'] })).toThrow(/test\/c: hosts\[0\] "reviews\*" is invalid/);
    expect(() => new VirtualService(chart, 'd', { hosts: ['bookinfo/reviews'] })).toThrow(/test\/d: hosts\[0\] "bookinfo\/reviews" is invalid: must be a DNS name without a "namespace\/" prefix/);
    expect(() => new VirtualService(chart, 'e', { hosts: [''] })).toThrow(/test\/e: hosts\[0\] "" is invalid/);
  });

  test('fails on an invalid metadata name, namespace or labels', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { metadata: { name: 'Reviews_Route' }, hosts: ['reviews'] }))
      .toThrow(/test\/a: metadata\.name "Reviews_Route" is invalid/);
    expect(() => new VirtualService(chart, 'b', { metadata: { namespace: 'Book.Info' }, hosts: ['reviews'] }))
      .toThrow(/test\/b: metadata\.namespace "Book\.Info" is invalid/);
    expect(() => new VirtualService(chart, 'c', { metadata: { labels: { 'bad key!': 'x' } }, hosts: ['reviews'] }))
      .toThrow(/test\/c: metadata\.labels key "bad key!" is invalid/);
    expect(() => new VirtualService(chart, 'd', { metadata: { labels: { app: 'not a value' } }, hosts: ['reviews'] }))
      .toThrow(/test\/d: metadata\.labels\["app"\] "not a value" is invalid/);
  });

  test('fails on the wildcard host "*" for a VirtualService that applies to the mesh', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { hosts: ['*'] }))
      .toThrow(/test\/a: hosts\[0\] "\*" is invalid: the wildcard host "\*" is only allowed on a VirtualService bound only to gateways/);
    expect(() => new VirtualService(chart, 'b', { hosts: ['*'], gateways: [{ gatewayName: 'bookinfo-gateway' }, { gatewayName: 'mesh' }] }))
      .toThrow(/test\/b: hosts\[0\] "\*" is invalid/);
  });

  test('fails on duplicate and overlapping hosts', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { hosts: ['reviews', 'reviews'] })).toThrow(/test\/a: hosts\[1\] "reviews" is invalid: overlaps hosts\[0\] "reviews"/);
    expect(() => new VirtualService(chart, 'b', { hosts: ['*.bookinfo.com', 'reviews.bookinfo.com'] })).toThrow(/test\/b: hosts\[1\] "reviews\.bookinfo\.com" is invalid: overlaps hosts\[0\] "\*\.bookinfo\.com"/);
    expect(() => new VirtualService(chart, 'c', { hosts: ['*.bookinfo.com', '*.com'] })).toThrow(/test\/c: hosts\[1\] "\*\.com" is invalid: overlaps/);
  });

  test('fails on invalid or duplicate gateways', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { hosts: ['reviews'], gateways: [{ gatewayName: 'Bookinfo_Gateway' }] }))
      .toThrow(/test\/a: gateways\[0\] name "Bookinfo_Gateway" is invalid/);
    expect(() => new VirtualService(chart, 'b', { hosts: ['reviews'], gateways: [{ gatewayName: 'gw', gatewayNamespace: 'Istio' }] }))
      .toThrow(/test\/b: gateways\[0\] namespace "Istio" is invalid/);
    expect(() => new VirtualService(chart, 'c', { hosts: ['reviews'], gateways: [{ gatewayName: 'gw' }, { gatewayName: 'gw' }] }))
      .toThrow(/test\/c: gateways "gw" is invalid: must be unique/);
  });

  test('fails on invalid exportTo', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { hosts: ['reviews'], exportTo: ['Bookinfo'] })).toThrow(/test\/a: exportTo\[0\] "Bookinfo" is invalid/);
    expect(() => new VirtualService(chart, 'b', { hosts: ['reviews'], exportTo: ['*', 'bookinfo'] })).toThrow(/test\/b: exportTo .* is invalid: "\*" already exports everywhere/);
    expect(() => new VirtualService(chart, 'c', { metadata: { namespace: 'bookinfo' }, hosts: ['reviews'], exportTo: ['.', 'bookinfo'] }))
      .toThrow(/test\/c: exportTo .* is invalid: "\." and "bookinfo" both name this VirtualService's namespace/);
  });

  test('fails on a delegate VirtualService (no hosts) with gateways, TCP or TLS routes', () => {
    const chart = Testing.chart();
    expect(() => new VirtualService(chart, 'a', { gateways: [{ gatewayName: 'bookinfo-gateway' }] }))
      .toThrow(/test\/a: gateways .* is invalid: a delegate VirtualService \(one without hosts\) cannot bind to gateways/);
    const delegate = new VirtualService(chart, 'b');
    expect(() => delegate.addTcpRoute({ route: [{ destination: Destination.fromHost('mongo') }] }))
      .toThrow(/test\/b: tcp\[0\] cannot be added: a delegate VirtualService \(one without hosts\) supports only HTTP routes/);
    expect(() => delegate.addTlsRoute({ match: [{ sniHosts: ['a.com'] }], route: [{ destination: Destination.fromHost('a.com') }] }))
      .toThrow(/test\/b: tls\[0\] cannot be added/);
  });
});

describe('VirtualService: synth-time validation', () => {
  test('fails synth for a VirtualService without routes, naming the fields once with the path', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/reviews\] http, tcp, tls \[\] is invalid: a VirtualService needs at least one route; add one with addHttpRoute\(\), addTcpRoute\(\) or addTlsRoute\(\)/);
    expect(() => Testing.synth(chart)).not.toThrow(/test\/reviews: /);
  });

  test('a subset that no DestinationRule of the app defines synthesizes (it may be defined elsewhere; istioctl analyze reports IST0101)', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'reviews', {
      hosts: ['reviews'],
      http: [{ route: [{ destination: Destination.fromHost('reviews', { subset: 'v9' }) }], mirror: Destination.fromHost('reviews', { subset: 'shadow' }) }],
      tcp: [{ route: [{ destination: Destination.fromHost('reviews', { subset: 'v8' }) }] }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.http[0].route[0].destination).toEqual({ host: 'reviews', subset: 'v9' });
    expect(manifests[0].spec.tcp[0].route[0].destination).toEqual({ host: 'reviews', subset: 'v8' });
    expectValidIstio(manifests);
  });

  test('a catch-all route before others synthesizes, as upstream\'s fault-injection sample does (istioctl analyze warns: IST0130/IST0131)', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
    const v1 = Destination.fromSubset(subset('reviews', 'v1'));
    vs.addHttpRoute({ route: [{ destination: v1 }] });
    vs.addHttpRoute({ match: [{ headers: { 'end-user': StringMatch.exact('jason') } }], route: [{ destination: v1 }] });
    new VirtualService(chart, 'mongo', {
      hosts: ['mongo'],
      tcp: [
        { route: [{ destination: Destination.fromHost('mongo') }] },
        { match: [{ port: 27017 }], route: [{ destination: Destination.fromHost('mongo') }] },
      ],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.http).toEqual([
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ]);
    expect(manifests[1].spec.tcp).toHaveLength(2);
    expectValidIstio(manifests);
  });
});
