import { Duration, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { HttpMethod, UnmatchedPreflights } from '../src/networking/cors-policy';
import { Destination, ISubset } from '../src/networking/destination';
import { Fault, GrpcStatus } from '../src/networking/fault';
import { RedirectPort, RedirectScheme, ResponseBody } from '../src/networking/http-redirect';
import { HttpRouteOptions } from '../src/networking/http-route';
import { RetryOn } from '../src/networking/retry-policy';
import { StringMatch } from '../src/networking/string-match';
import { VirtualService } from '../src/networking/virtual-service';

const subset = (host: string, subsetName: string): ISubset => ({ host, subsetName });
const reviews = (name: string) => Destination.fromSubset(subset('reviews', name));

/** A chart with one VirtualService for `reviews` bound to an ingress gateway, and the given HTTP route. */
function vsWith(route: HttpRouteOptions) {
  const chart = Testing.chart();
  const vs = new VirtualService(chart, 'reviews', {
    metadata: { name: 'reviews' },
    hosts: ['reviews.bookinfo.com'],
    gateways: [{ gatewayName: 'bookinfo-gateway', gatewayNamespace: 'istio-system' }],
  });
  const added = vs.addHttpRoute(route);
  return { chart, vs, added };
}

/** Synthesizes, validates independently and returns the first HTTP route of the VirtualService. */
function firstHttpRoute(chart: ReturnType<typeof Testing.chart>): any {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.find(m => m.kind === 'VirtualService').spec.http[0];
}

describe('HTTP route fields', () => {
  test('every match condition', () => {
    // GIVEN
    const { chart } = vsWith({
      name: 'api',
      match: [
        {
          name: 'v1-get',
          uri: StringMatch.regex('^/api/v[0-9]+/reviews$'),
          ignoreUriCase: true,
          scheme: StringMatch.exact('https'),
          method: StringMatch.exact('GET'),
          authority: StringMatch.prefix('reviews.'),
          headers: { 'end-user': StringMatch.exact('jason'), 'x-canary': StringMatch.present() },
          withoutHeaders: { 'x-debug': StringMatch.regex('.+') },
          queryParams: { version: StringMatch.exact('v2'), debug: StringMatch.exact('') },
          port: 8080,
          sourceLabels: { 'app': 'productpage', 'app.kubernetes.io/version': 'v1' },
          sourceNamespace: 'bookinfo',
          gateways: [{ gatewayName: 'mesh' }, { gatewayName: 'internal', gatewayNamespace: 'istio-system' }],
          statPrefix: 'reviews-api',
        },
        {
          authority: StringMatch.exact('reviews.bookinfo.com'),
          scheme: StringMatch.prefix('http'),
          method: StringMatch.regex('GET|HEAD'),
          headers: { 'x-tenant': StringMatch.prefix('team-'), 'x-request-id': StringMatch.regex('[0-9a-f-]+') },
          withoutHeaders: { 'x-internal': StringMatch.exact('true'), 'x-env': StringMatch.prefix('dev') },
          queryParams: { id: StringMatch.regex('[0-9]+') },
        },
        { authority: StringMatch.regex('reviews\\.(bookinfo|example)\\.com'), scheme: StringMatch.regex('https?'), method: StringMatch.prefix('P') },
        { uri: StringMatch.prefix('') },
      ],
      route: [{ destination: reviews('v1') }],
    });

    // THEN
    const route = firstHttpRoute(chart);
    expect(route.name).toEqual('api');
    expect(route.match).toEqual([
      {
        name: 'v1-get',
        uri: { regex: '^/api/v[0-9]+/reviews$' },
        ignoreUriCase: true,
        scheme: { exact: 'https' },
        method: { exact: 'GET' },
        authority: { prefix: 'reviews.' },
        headers: { 'end-user': { exact: 'jason' }, 'x-canary': {} },
        withoutHeaders: { 'x-debug': { regex: '.+' } },
        queryParams: { debug: { exact: '' }, version: { exact: 'v2' } },
        port: 8080,
        sourceLabels: { 'app': 'productpage', 'app.kubernetes.io/version': 'v1' },
        sourceNamespace: 'bookinfo',
        gateways: ['mesh', 'istio-system/internal'],
        statPrefix: 'reviews-api',
      },
      {
        authority: { exact: 'reviews.bookinfo.com' },
        scheme: { prefix: 'http' },
        method: { regex: 'GET|HEAD' },
        headers: { 'x-request-id': { regex: '[0-9a-f-]+' }, 'x-tenant': { prefix: 'team-' } },
        withoutHeaders: { 'x-env': { prefix: 'dev' }, 'x-internal': { exact: 'true' } },
        queryParams: { id: { regex: '[0-9]+' } },
      },
      { authority: { regex: 'reviews\\.(bookinfo|example)\\.com' }, scheme: { regex: 'https?' }, method: { prefix: 'P' } },
      { uri: { prefix: '' } },
    ]);
  });

  test('JWT claim keys are accepted on a VirtualService bound only to gateways', () => {
    const { chart } = vsWith({
      match: [{ headers: { '@request.auth.claims.groups': StringMatch.exact('admins') } }],
      route: [{ destination: reviews('v2') }],
    });
    expect(firstHttpRoute(chart).match).toEqual([{ headers: { '@request.auth.claims.groups': { exact: 'admins' } } }]);
  });

  test('addHttpRoute() returns the route, to which matches can be added later', () => {
    // GIVEN
    const { chart, added } = vsWith({ name: 'static', route: [{ destination: reviews('v1') }] });

    // WHEN
    added.addMatch({ uri: StringMatch.prefix('/static') });
    added.addMatch({ uri: StringMatch.exact('/favicon.ico') });

    // THEN
    expect(added.name).toEqual('static');
    expect(firstHttpRoute(chart).match).toEqual([{ uri: { prefix: '/static' } }, { uri: { exact: '/favicon.ico' } }]);
  });

  test('weighted destinations with per-destination header changes, route headers, rewrite, timeout and retries', () => {
    // GIVEN
    const { chart } = vsWith({
      route: [
        {
          destination: reviews('v1'),
          weight: 90,
          headers: {
            request: { set: { 'x-route': 'stable' } },
            response: { set: { 'x-version': 'v1' }, add: { 'x-pool': 'a' }, remove: ['x-envoy-upstream-service-time'] },
          },
        },
        { destination: reviews('v2'), weight: 10, headers: { request: { add: { 'x-canary': 'true' }, remove: ['x-debug'] } } },
      ],
      headers: {
        request: { set: { 'x-forwarded-host': '%HOSTNAME%', 'x-share': '100%%' }, add: { 'x-trace': 'on' }, remove: ['cookie'] },
        response: { set: { 'cache-control': 'no-store' }, add: { 'x-served-by': 'reviews' }, remove: ['server'] },
      },
      rewrite: { uri: '/v1/reviews', authority: 'reviews.internal' },
      timeout: Duration.millis(1500),
      retries: {
        attempts: 3,
        perTryTimeout: Duration.seconds(2),
        retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE, RetryOn.UNAVAILABLE],
        retryOnStatusCodes: [503],
        retryRemoteLocalities: true,
        retryIgnorePreviousHosts: false,
        backoff: Duration.millis(50),
      },
    });

    // THEN
    const route = firstHttpRoute(chart);
    expect(route.route).toEqual([
      {
        destination: { host: 'reviews', subset: 'v1' },
        weight: 90,
        headers: {
          request: { set: { 'x-route': 'stable' } },
          response: { set: { 'x-version': 'v1' }, add: { 'x-pool': 'a' }, remove: ['x-envoy-upstream-service-time'] },
        },
      },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 10, headers: { request: { add: { 'x-canary': 'true' }, remove: ['x-debug'] } } },
    ]);
    expect(route.headers).toEqual({
      request: { set: { 'x-forwarded-host': '%HOSTNAME%', 'x-share': '100%%' }, add: { 'x-trace': 'on' }, remove: ['cookie'] },
      response: { set: { 'cache-control': 'no-store' }, add: { 'x-served-by': 'reviews' }, remove: ['server'] },
    });
    expect(route.rewrite).toEqual({ uri: '/v1/reviews', authority: 'reviews.internal' });
    expect(route.timeout).toEqual('1500ms');
    expect(route.retries).toEqual({
      attempts: 3,
      perTryTimeout: '2s',
      retryOn: 'gateway-error,connect-failure,unavailable,503',
      retryRemoteLocalities: true,
      retryIgnorePreviousHosts: false,
      backoff: '50ms',
    });
  });

  test('a regex URI rewrite, and retries disabled with attempts 0', () => {
    const { chart } = vsWith({
      route: [{ destination: reviews('v1') }],
      rewrite: { uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } },
      retries: { attempts: 0 },
    });
    const route = firstHttpRoute(chart);
    expect(route.rewrite).toEqual({ uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } });
    expect(route.retries).toEqual({ attempts: 0 });
  });

  test('faults: a delay and a gRPC abort on fractions of the traffic', () => {
    const { chart } = vsWith({
      route: [{ destination: reviews('v1') }],
      fault: Fault.combine(Fault.delay(Duration.millis(250), 12.5), Fault.abortGrpc(GrpcStatus.UNAVAILABLE, 0.5)),
    });
    expect(firstHttpRoute(chart).fault).toEqual({
      delay: { fixedDelay: '250ms', percentage: { value: 12.5 } },
      abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 0.5 } },
    });
  });

  test('mirror with a percentage', () => {
    const { chart } = vsWith({
      route: [{ destination: reviews('v1') }],
      mirror: Destination.fromSubset(subset('reviews', 'v2'), { port: 9080 }),
      mirrorPercentage: 25,
    });
    const route = firstHttpRoute(chart);
    expect(route.mirror).toEqual({ host: 'reviews', subset: 'v2', port: { number: 9080 } });
    expect(route.mirrorPercentage).toEqual({ value: 25 });
  });

  test('several mirrors, each with its own percentage', () => {
    const { chart } = vsWith({
      route: [{ destination: reviews('v1') }],
      mirrors: [
        { destination: reviews('v2'), percentage: 50 },
        { destination: Destination.fromHost('reviews-shadow.testing.svc.cluster.local', { port: 9080 }) },
      ],
    });
    expect(firstHttpRoute(chart).mirrors).toEqual([
      { destination: { host: 'reviews', subset: 'v2' }, percentage: { value: 50 } },
      { destination: { host: 'reviews-shadow.testing.svc.cluster.local', port: { number: 9080 } } },
    ]);
  });

  test('a CORS policy with every field', () => {
    const { chart } = vsWith({
      route: [{ destination: reviews('v1') }],
      corsPolicy: {
        allowOrigins: [StringMatch.exact('https://bookinfo.com'), StringMatch.regex('https://.*\\.bookinfo\\.com'), StringMatch.prefix('https://admin.')],
        allowMethods: [HttpMethod.GET, HttpMethod.POST],
        allowHeaders: ['x-request-id', 'content-type'],
        exposeHeaders: ['x-served-by'],
        maxAge: Duration.days(1),
        allowCredentials: true,
        unmatchedPreflights: UnmatchedPreflights.IGNORE,
      },
    });
    expect(firstHttpRoute(chart).corsPolicy).toEqual({
      allowOrigins: [{ exact: 'https://bookinfo.com' }, { regex: 'https://.*\\.bookinfo\\.com' }, { prefix: 'https://admin.' }],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['x-request-id', 'content-type'],
      exposeHeaders: ['x-served-by'],
      maxAge: '86400s',
      allowCredentials: true,
      unmatchedPreflights: 'IGNORE',
    });
  });

  test('a redirect with every field (fixed port)', () => {
    const { chart } = vsWith({
      match: [{ uri: StringMatch.exact('/v1/getProductRatings') }],
      redirect: { uri: '/v1/bookRatings', authority: 'newratings.default.svc.cluster.local', port: 8443, scheme: RedirectScheme.HTTPS, redirectCode: 308 },
    });
    expect(firstHttpRoute(chart).redirect).toEqual({
      uri: '/v1/bookRatings', authority: 'newratings.default.svc.cluster.local', port: 8443, scheme: 'https', redirectCode: 308,
    });
  });

  test('a redirect that derives the port from the protocol', () => {
    const { chart } = vsWith({ redirect: { scheme: RedirectScheme.HTTPS, derivePort: RedirectPort.FROM_PROTOCOL_DEFAULT } });
    expect(firstHttpRoute(chart).redirect).toEqual({ scheme: 'https', derivePort: 'FROM_PROTOCOL_DEFAULT' });
  });

  test('direct responses with a text body and with a binary body', () => {
    const text = vsWith({ directResponse: { status: 503, body: ResponseBody.fromString('{"error":"maintenance"}') } });
    expect(firstHttpRoute(text.chart).directResponse).toEqual({ status: 503, body: { string: '{"error":"maintenance"}' } });

    const bytes = vsWith({ directResponse: { status: 200, body: ResponseBody.fromBase64('aGVsbG8=') } });
    expect(firstHttpRoute(bytes.chart).directResponse).toEqual({ status: 200, body: { bytes: 'aGVsbG8=' } });

    const empty = vsWith({ directResponse: { status: 204 } });
    expect(firstHttpRoute(empty.chart).directResponse).toEqual({ status: 204 });
  });

  test('delegate to a VirtualService of the app (without hosts) and to an imported one', () => {
    // GIVEN
    const chart = Testing.chart();
    const reviewsRoutes = new VirtualService(chart, 'reviews-routes', {
      metadata: { name: 'reviews-routes', namespace: 'reviews-team' },
      http: [{ route: [{ destination: Destination.fromHost('reviews.bookinfo.svc.cluster.local') }] }],
    });
    const root = new VirtualService(chart, 'root', {
      metadata: { name: 'bookinfo', namespace: 'bookinfo' },
      hosts: ['bookinfo.com'],
      gateways: [{ gatewayName: 'bookinfo-gateway' }],
    });

    // WHEN
    root.addHttpRoute({ match: [{ uri: StringMatch.prefix('/reviews') }], delegate: reviewsRoutes });
    root.addHttpRoute({ match: [{ uri: StringMatch.prefix('/ratings') }], delegate: VirtualService.fromVirtualServiceName('ratings-routes') });
    root.addHttpRoute({ delegate: VirtualService.fromVirtualServiceName('bookinfo/productpage-routes'), timeout: Duration.seconds(10) });

    // THEN
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    const [delegateVs, rootVs] = manifests;
    expect(delegateVs.spec).toEqual({ http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] });
    expect(rootVs.spec.http).toEqual([
      { match: [{ uri: { prefix: '/reviews' } }], delegate: { name: 'reviews-routes', namespace: 'reviews-team' } },
      { match: [{ uri: { prefix: '/ratings' } }], delegate: { name: 'ratings-routes' } },
      { delegate: { name: 'productpage-routes' }, timeout: '10s' },
    ]);
  });
});

describe('HTTP route validation', () => {
  const v1 = () => [{ destination: reviews('v1') }];

  test('weights are relative: any non-negative integers with a positive total synthesize as written', () => {
    const all: any[] = [];
    for (const weights of [[75, 75], [999, 1], [1, 0], [3, 1, 1], [0, 0, 5]]) {
      const { chart } = vsWith({ route: weights.map((weight, i) => ({ destination: reviews(`v${i + 1}`), weight })) });
      const manifests = Testing.synth(chart);
      expect(manifests[0].spec.http[0].route.map((d: any) => d.weight)).toEqual(weights);
      all.push(...manifests);
    }
    expectValidIstio(all);
  });

  test('an unset weight among several counts as 0, and a single destination takes all traffic whatever its weight', () => {
    const { chart } = vsWith({ route: [{ destination: reviews('v1'), weight: 100 }, { destination: reviews('v2') }] });
    expect(firstHttpRoute(chart).route).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 100 }, { destination: { host: 'reviews', subset: 'v2' } },
    ]);
    const single = vsWith({ route: [{ destination: reviews('v1'), weight: 50 }] });
    expect(firstHttpRoute(single.chart).route).toEqual([{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }]);
  });

  test('fails when several destinations have a total weight of 0', () => {
    expect(() => vsWith({ route: [{ destination: reviews('v1'), weight: 0 }, { destination: reviews('v2') }] }))
      .toThrow(/test\/reviews: http\[0\]\.route weights \[0,null\] is invalid: a route with several destinations needs a positive total weight/);
  });

  test('fails on a negative or fractional weight', () => {
    expect(() => vsWith({ route: [{ destination: reviews('v1'), weight: 150 }, { destination: reviews('v2'), weight: -50 }] }))
      .toThrow(/test\/reviews: http\[0\]\.route\[1\]\.weight -50 is invalid: must be a non-negative integer/);
    expect(() => vsWith({ route: [{ destination: reviews('v1'), weight: 50.5 }, { destination: reviews('v2'), weight: 49.5 }] }))
      .toThrow(/http\[0\]\.route\[0\]\.weight 50\.5 is invalid/);
  });

  test('fails on an empty route list', () => {
    expect(() => vsWith({ route: [] })).toThrow(/test\/reviews: http\[0\]\.route \[\] is invalid: must list at least one destination/);
  });

  test('fails on durations under 1ms', () => {
    expect(() => vsWith({ route: v1(), timeout: Duration.millis(0) })).toThrow(/test\/reviews: http\[0\]\.timeout 0 .* is invalid: must be at least 1ms/);
    expect(() => vsWith({ route: v1(), retries: { attempts: 2, perTryTimeout: Duration.millis(0.5) } }))
      .toThrow(/test\/reviews: http\[0\]\.retries\.perTryTimeout .* is invalid: must be at least 1ms/);
    expect(() => vsWith({ route: v1(), fault: Fault.delay(Duration.millis(0)) }))
      .toThrow(/test\/reviews: http\[0\]\.fault\.delay\.fixedDelay .* is invalid: must be at least 1ms/);
    expect(() => vsWith({ route: v1(), retries: { attempts: 2, backoff: Duration.millis(0) } }))
      .toThrow(/http\[0\]\.retries\.backoff .* is invalid: must be at least 1ms/);
    expect(() => vsWith({ route: v1(), timeout: Duration.millis(1.5) })).toThrow(/test\/reviews: http\[0\]\.timeout .* is invalid: must be a whole number of milliseconds/);
  });

  test('fails on a route combined with a redirect or a direct response', () => {
    expect(() => vsWith({ route: v1(), redirect: { uri: '/new' } }))
      .toThrow(/test\/reviews: http\[0\]\.route cannot be combined with http\[0\]\.redirect/);
    expect(() => vsWith({ route: v1(), directResponse: { status: 503 } }))
      .toThrow(/test\/reviews: http\[0\]\.route cannot be combined with http\[0\]\.directResponse/);
  });

  test('fails on the other combinations Istio rejects', () => {
    expect(() => vsWith({ redirect: { uri: '/new' }, directResponse: { status: 503 } }))
      .toThrow(/http\[0\]\.directResponse cannot be combined with http\[0\]\.redirect/);
    expect(() => vsWith({ redirect: { uri: '/new' }, rewrite: { uri: '/x' } }))
      .toThrow(/http\[0\]\.rewrite cannot be combined with http\[0\]\.redirect/);
    expect(() => vsWith({ redirect: { uri: '/new' }, fault: Fault.abort(503) }))
      .toThrow(/http\[0\]\.fault cannot be combined with http\[0\]\.redirect/);
    expect(() => vsWith({ directResponse: { status: 503 }, rewrite: { uri: '/x' } }))
      .toThrow(/http\[0\]\.rewrite cannot be combined with http\[0\]\.directResponse/);
    expect(() => vsWith({ delegate: VirtualService.fromVirtualServiceName('other'), route: v1() }))
      .toThrow(/http\[0\]\.route cannot be combined with http\[0\]\.delegate/);
    expect(() => vsWith({ delegate: VirtualService.fromVirtualServiceName('other'), redirect: { uri: '/x' } }))
      .toThrow(/http\[0\]\.redirect cannot be combined with http\[0\]\.delegate/);
    expect(() => vsWith({ route: v1(), mirror: reviews('v2'), mirrors: [{ destination: reviews('v3') }] }))
      .toThrow(/http\[0\]\.mirrors cannot be combined with http\[0\]\.mirror/);
  });

  test('fails on a route that does nothing', () => {
    expect(() => vsWith({ name: 'nothing', match: [{ uri: StringMatch.prefix('/x') }] }))
      .toThrow(/test\/reviews: http\[0\] needs one of route, redirect, directResponse and delegate/);
  });

  test('fails on mirrorPercentage without mirror, and on percentages outside 0-100', () => {
    expect(() => vsWith({ route: v1(), mirrorPercentage: 10 })).toThrow(/http\[0\]\.mirrorPercentage 10 is invalid: only applies together with mirror/);
    expect(() => vsWith({ route: v1(), mirror: reviews('v2'), mirrorPercentage: 101 })).toThrow(/http\[0\]\.mirrorPercentage 101 is invalid: must be a percentage from 0 to 100/);
    expect(() => vsWith({ route: v1(), mirrors: [{ destination: reviews('v2'), percentage: -1 }] })).toThrow(/http\[0\]\.mirrors\[0\]\.percentage -1 is invalid/);
    expect(() => vsWith({ route: v1(), fault: Fault.delay(Duration.seconds(1), 120) })).toThrow(/http\[0\]\.fault\.delay\.percentage 120 is invalid/);
    expect(() => vsWith({ route: v1(), fault: Fault.abort(500, 0.00001) })).toThrow(/http\[0\]\.fault\.abort\.percentage 0\.00001 is invalid: must be 0 or at least 0\.0001/);
  });

  test('fails on abort and direct-response status codes outside 200-599, and redirect codes outside 3xx', () => {
    expect(() => vsWith({ route: v1(), fault: Fault.abort(100) })).toThrow(/test\/reviews: http\[0\]\.fault\.abort\.httpStatus 100 is invalid: must be an HTTP status code from 200 to 599/);
    expect(() => vsWith({ route: v1(), fault: Fault.abort(600) })).toThrow(/http\[0\]\.fault\.abort\.httpStatus 600 is invalid/);
    expect(() => vsWith({ directResponse: { status: 199 } })).toThrow(/http\[0\]\.directResponse\.status 199 is invalid/);
    expect(() => vsWith({ redirect: { uri: '/x', redirectCode: 200 } })).toThrow(/http\[0\]\.redirect\.redirectCode 200 is invalid: must be a 3xx status code/);
    expect(() => vsWith({ route: v1(), fault: Fault.abortGrpc('NOPE' as GrpcStatus) })).toThrow(/http\[0\]\.fault\.abort\.grpcStatus "NOPE" is invalid/);
  });

  test('fails on invalid ports', () => {
    expect(() => vsWith({ match: [{ port: 0 }], route: v1() })).toThrow(/test\/reviews: http\[0\]\.match\[0\]\.port 0 is invalid: must be an integer port number from 1 to 65535/);
    expect(() => vsWith({ redirect: { port: 70000 } })).toThrow(/http\[0\]\.redirect\.port 70000 is invalid/);
    expect(() => vsWith({ route: [{ destination: Destination.fromHost('reviews', { port: 65536 }) }] })).toThrow(/http\[0\]\.route\[0\]\.destination\.port 65536 is invalid/);
  });

  test('fails on invalid regexes', () => {
    expect(() => vsWith({ match: [{ uri: StringMatch.regex('/api/(v1') }], route: v1() }))
      .toThrow(/test\/reviews: http\[0\]\.match\[0\]\.uri\.regex "\/api\/\(v1" is invalid: must be a valid RE2 regular expression/);
    expect(() => vsWith({ match: [{ headers: { cookie: StringMatch.regex('(?!session)') } }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.headers\["cookie"\]\.regex .* invalid or unsupported Perl syntax/);
    expect(() => vsWith({ route: v1(), rewrite: { uriRegexRewrite: { match: '(a)\\1', rewrite: '/' } } }))
      .toThrow(/http\[0\]\.rewrite\.uriRegexRewrite\.match .* invalid escape sequence/);
    // JavaScript-only syntax that RE2 rejects, RE2 limits, and the 1024-byte limit
    for (const regex of ['\\u0041', '[^]', '(?<n>a)\\k<n>', 'a{1001}', 'a{2,1001}', '\\Z', 'é'.repeat(513)]) {
      expect(() => vsWith({ match: [{ uri: StringMatch.regex(regex) }], route: v1() })).toThrow(/http\[0\]\.match\[0\]\.uri\.regex .* is invalid: must be/);
    }
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [StringMatch.regex('[')] } }))
      .toThrow(/http\[0\]\.corsPolicy\.allowOrigins\[0\]\.regex "\[" is invalid/);
  });

  test('accepts RE2 syntax that JavaScript rejects', () => {
    const all: any[] = [];
    for (const regex of ['(?i)^/api', '(?P<version>v[0-9]+)', '[[:alpha:]]+', '\\pL+', 'a{1000}', 'x'.repeat(1024)]) {
      const { chart } = vsWith({ match: [{ uri: StringMatch.regex(regex) }], route: v1() });
      const manifests = Testing.synth(chart);
      expect(manifests[0].spec.http[0].match).toEqual([{ uri: { regex } }]);
      all.push(...manifests);
    }
    expectValidIstio(all);
  });

  test('accepts header values that Envoy parses', () => {
    const set = { 'x-a': '%REQ(x-foo)%', 'x-b': '%START_TIME(%s)%', 'x-c': '100%%', 'x-d': '%REQ(["a", "b"])%', 'x-e': '%HOSTNAME% and %DOWNSTREAM_REMOTE_ADDRESS%' };
    const { chart } = vsWith({ route: v1(), headers: { request: { set } } });
    expect(firstHttpRoute(chart).headers.request.set).toEqual(set);
  });

  test('accepts every StringMatch kind in every field, as Istio does', () => {
    const { chart } = vsWith({
      match: [{ uri: StringMatch.present(), method: StringMatch.prefix(''), queryParams: { v: StringMatch.prefix('1') } }],
      route: v1(),
    });
    // a presence match on the URI matches every request, so it is left out
    expect(firstHttpRoute(chart).match).toEqual([{ method: { prefix: '' }, queryParams: { v: { prefix: '1' } } }]);
  });

  test('fails on invalid header names in matches', () => {
    expect(() => vsWith({ match: [{ headers: { 'End-User': StringMatch.exact('jason') } }], route: v1() }))
      .toThrow(/test\/reviews: http\[0\]\.match\[0\]\.headers "End-User" is invalid: a header name must be lowercase/);
    expect(() => vsWith({ match: [{ headers: { uri: StringMatch.exact('/x') } }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.headers "uri" is invalid: Istio ignores the header key "uri"/);
    expect(() => vsWith({ match: [{ headers: { '@request.auth.claims': StringMatch.exact('x') } }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.headers "@request.auth.claims" is invalid: a JWT claim key has the form/);
  });

  test('fails on JWT claim routing in a VirtualService that applies to the mesh', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
    expect(() => vs.addHttpRoute({ match: [{ headers: { '@request.auth.claims.groups': StringMatch.exact('admins') } }], route: v1() }))
      .toThrow(/test\/reviews: http\[0\]\.match\[0\]\.headers "@request.auth.claims.groups" is invalid: JWT claim routing is only supported on a VirtualService bound only to gateways/);
  });

  test('fails on invalid source labels and source namespaces', () => {
    expect(() => vsWith({ match: [{ sourceLabels: { 'app/': 'x' }, gateways: [{ gatewayName: 'mesh' }] }], route: v1() }))
      .toThrow(/test\/reviews: http\[0\]\.match\[0\]\.sourceLabels key "app\/" is invalid/);
    expect(() => vsWith({ match: [{ sourceLabels: { app: 'not valid!' }, gateways: [{ gatewayName: 'mesh' }] }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.sourceLabels\["app"\] "not valid!" is invalid/);
    expect(() => vsWith({ match: [{ sourceLabels: { app: 'productpage' } }], route: v1() }))
      .toThrow(/test\/reviews: http\[0\]\.match\[0\]\.sourceLabels \{"app":"productpage"\} is invalid: sourceLabels select calling sidecars and have no effect on gateway traffic; add Gateway.MESH/);
    expect(() => vsWith({ match: [{ sourceNamespace: 'Bookinfo' }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.sourceNamespace "Bookinfo" is invalid/);
  });

  test('fails on an empty match and on ignoreUriCase without uri', () => {
    expect(() => vsWith({ match: [{ name: 'all' }], route: v1() })).toThrow(/http\[0\]\.match\[0\] "all" is invalid: a match needs at least one condition/);
    expect(() => vsWith({ match: [{ method: StringMatch.exact('GET'), ignoreUriCase: true }], route: v1() }))
      .toThrow(/http\[0\]\.match\[0\]\.ignoreUriCase true is invalid: only applies together with uri/);
  });

  test('fails on a match added later that is invalid', () => {
    const { added } = vsWith({ route: v1() });
    expect(() => added.addMatch({ port: 99999 })).toThrow(/test\/reviews: http\[0\]\.match\[0\]\.port 99999 is invalid/);
  });

  test('fails on duplicate route names', () => {
    const { vs } = vsWith({ name: 'main', match: [{ uri: StringMatch.prefix('/a') }], route: v1() });
    expect(() => vs.addHttpRoute({ name: 'main', route: v1() }))
      .toThrow(/test\/reviews: http\[1\]\.name "main" is invalid: must be unique among the HTTP routes/);
  });

  test('fails on invalid header operations', () => {
    expect(() => vsWith({ route: v1(), headers: { request: { set: { ':path': '/x' } } } }))
      .toThrow(/test\/reviews: http\[0\]\.headers\.request\.set ":path" is invalid: pseudo-headers/);
    expect(() => vsWith({ route: v1(), headers: { response: { set: { host: 'x' } } } }))
      .toThrow(/http\[0\]\.headers\.response\.set "host" is invalid: the Host header cannot be changed here/);
    expect(() => vsWith({ route: v1(), headers: { request: { remove: ['host'] } } }))
      .toThrow(/http\[0\]\.headers\.request\.remove\[0\] "host" is invalid/);
    expect(() => vsWith({ route: v1(), headers: { request: { add: { 'x-a': 'line\nbreak' } } } }))
      .toThrow(/http\[0\]\.headers\.request\.add\["x-a"\] .* is invalid: a header value must not contain control characters/);
    expect(() => vsWith({ route: v1(), headers: { response: { set: { 'x-share': '100%' } } } }))
      .toThrow(/http\[0\]\.headers\.response\.set\["x-share"\] "100%" is invalid: it ends with an unescaped "%": a "%" must start an Envoy variable/);
    for (const value of ['%REQ(x)', '%REQ([x)%', '%REQ(["a" "b"])%', '%REQ(["a"] x)%', '%REQ("a") x%', 'a%']) {
      expect(() => vsWith({ route: v1(), headers: { request: { set: { 'x-v': value } } } })).toThrow(/http\[0\]\.headers\.request\.set\["x-v"\] .* is invalid: .*a "%" must start an Envoy variable/);
    }
    expect(() => vsWith({ route: [{ destination: reviews('v1'), headers: { request: { set: { '': 'x' } } } }] }))
      .toThrow(/http\[0\]\.route\[0\]\.headers\.request\.set "" is invalid: a header name must not be empty/);
  });

  test('fails when the authority is rewritten twice', () => {
    expect(() => vsWith({ route: v1(), rewrite: { authority: 'a.example.com' }, headers: { request: { set: { ':authority': 'b.example.com' } } } }))
      .toThrow(/test\/reviews: http\[0\]\.headers\.request "b\.example\.com" is invalid: the authority is already rewritten/);
  });

  test('fails on incomplete or contradictory redirects and rewrites', () => {
    expect(() => vsWith({ redirect: { redirectCode: 302 } })).toThrow(/http\[0\]\.redirect .* is invalid: a redirect must change at least one of/);
    expect(() => vsWith({ redirect: { port: 8080, derivePort: RedirectPort.FROM_REQUEST_PORT } })).toThrow(/http\[0\]\.redirect\.derivePort "FROM_REQUEST_PORT" is invalid: cannot be combined with port/);
    expect(() => vsWith({ redirect: { scheme: 'ftp' as RedirectScheme } })).toThrow(/http\[0\]\.redirect\.scheme "ftp" is invalid: must be "http" or "https"/);
    expect(() => vsWith({ route: v1(), rewrite: {} })).toThrow(/http\[0\]\.rewrite \{\} is invalid: a rewrite must set at least one of/);
    expect(() => vsWith({ route: v1(), rewrite: { uri: '/a', uriRegexRewrite: { match: 'a', rewrite: 'b' } } }))
      .toThrow(/http\[0\]\.rewrite\.uriRegexRewrite .* is invalid: cannot be combined with uri/);
  });

  test('fails on invalid direct response bodies', () => {
    expect(() => vsWith({ directResponse: { status: 200, body: ResponseBody.fromBase64('not base64!') } }))
      .toThrow(/http\[0\]\.directResponse\.body\.bytes "not base64!" is invalid: must be base64-encoded/);
    expect(() => vsWith({ directResponse: { status: 200, body: ResponseBody.fromString('x'.repeat(1024 * 1024 + 1)) } }))
      .toThrow(/http\[0\]\.directResponse\.body\.string "1048577 bytes" is invalid: a direct response body must be smaller than 1MB/);
  });

  test('fails on invalid retry policies', () => {
    expect(() => vsWith({ route: v1(), retries: { attempts: -1 } })).toThrow(/test\/reviews: http\[0\]\.retries\.attempts -1 is invalid/);
    expect(() => vsWith({ route: v1(), retries: { attempts: 0, retryOn: [RetryOn.SERVER_ERROR] } }))
      .toThrow(/http\[0\]\.retries\.retryOn \["5xx"\] is invalid: has no effect when attempts is 0/);
    expect(() => vsWith({ route: v1(), retries: { attempts: 2, retryOnStatusCodes: [599] } })).toThrow(/http\[0\]\.retries\.retryOnStatusCodes\[0\] 599 is invalid/);
    expect(() => vsWith({ route: v1(), retries: { attempts: 2, retryOn: ['5xx' as RetryOn, RetryOn.SERVER_ERROR] } })).toThrow(/http\[0\]\.retries\.retryOn .* must not list a condition twice/);
  });

  test('fails on invalid CORS policies', () => {
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [] } })).toThrow(/http\[0\]\.corsPolicy\.allowOrigins \[\] is invalid: must list at least one origin/);
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [StringMatch.exact('')] } })).toThrow(/http\[0\]\.corsPolicy\.allowOrigins\[0\] "" is invalid/);
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [StringMatch.exact('*')], maxAge: Duration.millis(1500) } }))
      .toThrow(/http\[0\]\.corsPolicy\.maxAge .* is invalid: must be a whole number of seconds/);
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [StringMatch.exact('*')], allowHeaders: ['bad header'] } }))
      .toThrow(/http\[0\]\.corsPolicy\.allowHeaders\[0\] "bad header" is invalid/);
    expect(() => vsWith({ route: v1(), corsPolicy: { allowOrigins: [StringMatch.exact('*')], allowMethods: ['FETCH' as HttpMethod] } }))
      .toThrow(/http\[0\]\.corsPolicy\.allowMethods\[0\] "FETCH" is invalid/);
  });

  test('fails on Fault.combine() with the wrong kinds of faults', () => {
    expect(() => Fault.combine(Fault.abort(500), Fault.abort(503))).toThrow(/the first fault must be a single Fault.delay\(\)/);
    expect(() => Fault.combine(Fault.delay(Duration.seconds(1)), Fault.delay(Duration.seconds(2)))).toThrow(/the second fault must be a single Fault.abort\(\)/);
  });

  test('fails on invalid destination hosts and subset names', () => {
    expect(() => vsWith({ route: [{ destination: Destination.fromHost('*') }] })).toThrow(/test\/reviews: http\[0\]\.route\[0\]\.destination\.host "\*" is invalid/);
    expect(() => vsWith({ route: [{ destination: Destination.fromSubset(subset('reviews', 'v_1')) }] })).toThrow(/http\[0\]\.route\[0\]\.destination\.subset "v_1" is invalid/);
    expect(() => vsWith({ route: [{ destination: Destination.fromHost('foo.123') }] })).toThrow(/http\[0\]\.route\[0\]\.destination\.host "foo\.123" is invalid: the last label of a DNS name cannot be all-numeric/);
    expect(() => vsWith({ route: [{ destination: Destination.fromHost('10.0.0.1') }] })).toThrow(/destination\.host "10\.0\.0\.1" is invalid/);
    expect(() => vsWith({ route: v1(), mirror: Destination.fromHost('bad_host') })).toThrow(/http\[0\]\.mirror\.host "bad_host" is invalid/);
  });

  test('fails on delegation mistakes', () => {
    const chart = Testing.chart();
    const withHosts = new VirtualService(chart, 'with-hosts', { hosts: ['ratings'], http: [{ route: [{ destination: Destination.fromHost('ratings') }] }] });
    const delegateVs = new VirtualService(chart, 'delegate', { http: [{ route: [{ destination: Destination.fromHost('ratings') }] }] });
    const root = new VirtualService(chart, 'root', { hosts: ['bookinfo.com'] });
    expect(() => root.addHttpRoute({ delegate: withHosts })).toThrow(/test\/root: http\[0\]\.delegate "test\/with-hosts" is invalid: the delegate VirtualService must have no hosts/);
    expect(() => root.addHttpRoute({ delegate: root })).toThrow(/test\/root: http\[0\]\.delegate .* is invalid: a VirtualService cannot delegate to itself/);
    expect(() => delegateVs.addHttpRoute({ delegate: VirtualService.fromVirtualServiceName('other') }))
      .toThrow(/test\/delegate: http\[1\]\.delegate "other" is invalid: a delegate VirtualService \(one without hosts\) cannot delegate again/);
    expect(() => VirtualService.fromVirtualServiceName('a/b/c')).toThrow(/VirtualService\.fromVirtualServiceName\(\) "a\/b\/c" is invalid/);
    expect(() => VirtualService.fromVirtualServiceName('Bad')).toThrow(/VirtualService\.fromVirtualServiceName\(\) name "Bad" is invalid/);
  });
});
