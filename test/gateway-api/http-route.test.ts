import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chartIn, ofKind, synthValid } from './support';
import {
  BackendRef, CorsMethod, Gateway, GatewayClassName, HttpHeaderMatch, HttpMethod, HttpPathMatch, HttpPathModifier, HttpQueryParamMatch,
  HttpRedirectScheme, HttpRedirectStatusCode, HttpRoute, HttpRouteFilter, ListenerProtocol, RouteParent,
} from '../../src/gateway-api';

function service(chart: any, name: string, port = 9080, namespace?: string): kplus.Service {
  return new kplus.Service(chart, name, { metadata: { name, namespace }, ports: [{ port }] });
}

describe('HTTPRoute', () => {
  test('routes /productpage from a Gateway listener to a Service', () => {
    // GIVEN
    const chart = Testing.chart();
    const gateway = new Gateway(chart, 'gw', {
      metadata: { name: 'bookinfo-gateway' },
      gatewayClassName: GatewayClassName.ISTIO,
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
    });
    const productpage = service(chart, 'productpage');
    // WHEN
    const route = new HttpRoute(chart, 'bookinfo', { metadata: { name: 'bookinfo' } });
    route.addParent(gateway, { sectionName: 'http' });
    route.addRule({ matches: [{ path: HttpPathMatch.exact('/productpage') }], backendRefs: [BackendRef.fromService(productpage)] });
    // THEN
    expect(ofKind(synthValid(chart), 'HTTPRoute')).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'bookinfo' },
      spec: {
        parentRefs: [{ name: 'bookinfo-gateway', sectionName: 'http' }],
        rules: [{ matches: [{ path: { type: 'Exact', value: '/productpage' } }], backendRefs: [{ name: 'productpage', port: 9080 }] }],
      },
    }]);
  });

  test('mesh routing (GAMMA): the reviews Service is the parent, weighted per-version Services the backends', () => {
    const chart = Testing.chart();
    const reviews = service(chart, 'reviews');
    const v1 = service(chart, 'reviews-v1');
    const v3 = service(chart, 'reviews-v3');
    new HttpRoute(chart, 'reviews-route', {
      metadata: { name: 'reviews' },
      parents: [RouteParent.fromService(reviews)],
      rules: [{ backendRefs: [BackendRef.fromService(v1, { weight: 90 }), BackendRef.fromService(v3, { weight: 10 })] }],
    });
    expect(ofKind(synthValid(chart), 'HTTPRoute')[0].spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v3', port: 9080, weight: 10 }] }],
    });
  });

  test('every field: parents with section and port, hostnames, matches, every filter, backend filters, timeouts', () => {
    const chart = chartIn('shop');
    const gateway = new Gateway(chart, 'gw', { metadata: { name: 'edge', namespace: 'ingress' }, gatewayClassName: GatewayClassName.ISTIO, listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }] });
    const web = service(chart, 'web', 8080);
    const multi = new kplus.Service(chart, 'multi', { metadata: { name: 'multi' }, ports: [{ port: 80, name: 'http' }, { port: 9090, name: 'metrics' }] });
    const route = new HttpRoute(chart, 'route', { metadata: { name: 'shop' }, hostnames: ['shop.example.com', '*.shop.example.com'] });
    route.addParent(gateway, { sectionName: 'http', port: 80 });
    route.addParent(RouteParent.fromGatewayName('internal', 'ingress'));
    route.addParent(RouteParent.fromServiceName('web-mesh'), { port: 8080 });
    route.addHostname('www.shop.example.com');
    route.addRule({
      name: 'api',
      matches: [
        {
          path: HttpPathMatch.pathPrefix('/api'),
          headers: [HttpHeaderMatch.exact('x-version', 'v2'), HttpHeaderMatch.regularExpression('user-agent', '.*Mobile.*')],
          queryParams: [HttpQueryParamMatch.exact('debug', '1'), HttpQueryParamMatch.regularExpression('id', '[0-9]+')],
          method: HttpMethod.POST,
        },
      ],
      filters: [
        HttpRouteFilter.requestHeaderModifier({ set: { 'x-env': 'prod' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] }),
        HttpRouteFilter.responseHeaderModifier({ set: { 'cache-control': 'no-store' }, remove: ['server'] }),
        HttpRouteFilter.urlRewrite({ hostname: 'api.internal', path: HttpPathModifier.replacePrefixMatch('/v2') }),
        HttpRouteFilter.requestMirror(BackendRef.fromService(web), { percent: 10 }),
        HttpRouteFilter.cors({
          allowOrigins: ['https://shop.example.com', 'https://*.example.com'],
          allowCredentials: true,
          allowMethods: [CorsMethod.GET, CorsMethod.POST],
          allowHeaders: ['content-type'],
          exposeHeaders: ['x-request-id'],
          maxAge: 600,
        }),
        HttpRouteFilter.extensionRef({ group: 'networking.example.com', kind: 'RateLimit', name: 'api-limit' }),
      ],
      backendRefs: [
        BackendRef.fromService(multi, { port: 80, weight: 3, filters: [HttpRouteFilter.requestHeaderModifier({ set: { 'x-backend': 'multi' } })] }),
        BackendRef.fromServiceName('legacy', 8080, { weight: 1 }),
        BackendRef.fromIstioHostname('httpbin.org', 443, { weight: 0 }),
        BackendRef.fromResource('inference.networking.k8s.io', 'InferencePool', 'llm'),
      ],
      timeouts: { request: Duration.seconds(10), backendRequest: Duration.millis(2500) },
    });
    route.addRule({
      matches: [{ path: HttpPathMatch.exact('/old') }],
      filters: [HttpRouteFilter.requestRedirect({ scheme: HttpRedirectScheme.HTTPS, hostname: 'shop.example.com', path: HttpPathModifier.replaceFullPath('/new'), port: 443, statusCode: HttpRedirectStatusCode.MOVED_PERMANENTLY })],
    });
    route.addRule({
      matches: [{ path: HttpPathMatch.regularExpression('/img/.*\\.png') }, { method: HttpMethod.GET }],
      filters: [HttpRouteFilter.requestMirror(BackendRef.fromServiceName('audit', 80), { fraction: { numerator: 1, denominator: 1000 } })],
      backendRefs: [BackendRef.fromService(web)],
      timeouts: { request: Duration.hours(1) },
    });
    route.addRule({ matches: [{ path: HttpPathMatch.pathPrefix('/m') }], filters: [HttpRouteFilter.requestMirror(BackendRef.fromService(web), { fraction: { numerator: 5 } })], backendRefs: [BackendRef.fromService(web)], timeouts: { backendRequest: Duration.seconds(1) } });

    const spec = ofKind(synthValid(chart), 'HTTPRoute')[0].spec;
    expect(spec.parentRefs).toEqual([
      { name: 'edge', namespace: 'ingress', sectionName: 'http', port: 80 },
      { name: 'internal', namespace: 'ingress' },
      { group: '', kind: 'Service', name: 'web-mesh', port: 8080 },
    ]);
    expect(spec.hostnames).toEqual(['shop.example.com', '*.shop.example.com', 'www.shop.example.com']);
    expect(spec.rules).toEqual([
      {
        name: 'api',
        matches: [{
          path: { type: 'PathPrefix', value: '/api' },
          headers: [{ name: 'x-version', value: 'v2' }, { name: 'user-agent', type: 'RegularExpression', value: '.*Mobile.*' }],
          queryParams: [{ name: 'debug', value: '1' }, { name: 'id', type: 'RegularExpression', value: '[0-9]+' }],
          method: 'POST',
        }],
        filters: [
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }], add: [{ name: 'x-trace', value: 'on' }], remove: ['x-debug'] } },
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'cache-control', value: 'no-store' }], remove: ['server'] } },
          { type: 'URLRewrite', urlRewrite: { hostname: 'api.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
          { type: 'RequestMirror', requestMirror: { backendRef: { name: 'web', port: 8080 }, percent: 10 } },
          {
            type: 'CORS',
            cors: {
              allowOrigins: ['https://shop.example.com', 'https://*.example.com'],
              allowCredentials: true,
              allowMethods: ['GET', 'POST'],
              allowHeaders: ['content-type'],
              exposeHeaders: ['x-request-id'],
              maxAge: 600,
            },
          },
          { type: 'ExtensionRef', extensionRef: { group: 'networking.example.com', kind: 'RateLimit', name: 'api-limit' } },
        ],
        backendRefs: [
          { name: 'multi', port: 80, weight: 3, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-backend', value: 'multi' }] } }] },
          { name: 'legacy', port: 8080, weight: 1 },
          { group: 'networking.istio.io', kind: 'Hostname', name: 'httpbin.org', port: 443, weight: 0 },
          { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llm' },
        ],
        timeouts: { request: '10s', backendRequest: '2s500ms' },
      },
      {
        matches: [{ path: { type: 'Exact', value: '/old' } }],
        filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'shop.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, port: 443, statusCode: 301 } }],
      },
      {
        matches: [{ path: { type: 'RegularExpression', value: '/img/.*\\.png' } }, { method: 'GET' }],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'audit', port: 80 }, fraction: { numerator: 1, denominator: 1000 } } }],
        backendRefs: [{ name: 'web', port: 8080 }],
        timeouts: { request: '1h' },
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/m' } }],
        filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'web', port: 8080 }, fraction: { numerator: 5 } } }],
        backendRefs: [{ name: 'web', port: 8080 }],
        timeouts: { backendRequest: '1s' },
      },
    ]);
  });

  test('a backend in another namespace gets a ReferenceGrant there', () => {
    const chart = chartIn('frontend');
    const ratings = service(chart, 'ratings', 9080, 'backend');
    const details = service(chart, 'details', 9080, 'backend');
    new HttpRoute(chart, 'r', {
      metadata: { name: 'r' },
      rules: [{ backendRefs: [BackendRef.fromService(ratings), BackendRef.fromService(details)] }, { backendRefs: [BackendRef.fromServiceName('other', 80, { namespace: 'third' })] }],
    });
    const out = synthValid(chart);
    expect(ofKind(out, 'HTTPRoute')[0].spec.rules).toEqual([
      { backendRefs: [{ name: 'ratings', namespace: 'backend', port: 9080 }, { name: 'details', namespace: 'backend', port: 9080 }] },
      { backendRefs: [{ name: 'other', namespace: 'third', port: 80 }] },
    ]);
    expect(ofKind(out, 'ReferenceGrant').map(g => [g.metadata.namespace, g.spec])).toEqual([
      ['backend', {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' }],
        to: [{ group: '', kind: 'Service', name: 'ratings' }, { group: '', kind: 'Service', name: 'details' }],
      }],
      ['third', { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' }], to: [{ group: '', kind: 'Service', name: 'other' }] }],
    ]);
  });

  test('the same objects synthesize to the same YAML twice', () => {
    const build = () => {
      const chart = Testing.chart();
      const svc = service(chart, 'a');
      new HttpRoute(chart, 'r', { rules: [{ matches: [{ path: HttpPathMatch.pathPrefix('/a') }], backendRefs: [BackendRef.fromService(svc)] }] });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(build()).toEqual(build());
  });

  const route = () => new HttpRoute(Testing.chart(), 'r');
  const web = () => BackendRef.fromServiceName('web', 80);

  test('fails for what the HTTPRoute CRD rejects', () => {
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.exact('productpage') }] })).toThrow(/r: rules\[0\].matches\[0\].path.value "productpage" is invalid: must be an absolute path starting with "\/"/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.pathPrefix('/a//b') }] })).toThrow(/must not contain "\/\/"/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.exact('/a/%2F') }] })).toThrow(/must not contain an encoded "\/"/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.exact('/a/..') }] })).toThrow(/must not end with "\/." or "\/.."/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.exact('/a b') }] })).toThrow(/may only contain the characters of an RFC 3986 path/);
    expect(() => route().addRule({ matches: [{ headers: [HttpHeaderMatch.exact('x', 'a'), HttpHeaderMatch.exact('x', 'b')] }] })).toThrow(/rules\[0\].matches\[0\].headers\[1\] "x" is invalid: rules\[0\].matches\[0\].headers\[0\] already has this header name/);
    expect(() => route().addRule({ matches: [{ headers: [HttpHeaderMatch.exact('bad header', 'a')] }] })).toThrow(/headers\[0\].name "bad header" is invalid: must be an HTTP token/);
    expect(() => route().addRule({ matches: [{ queryParams: [HttpQueryParamMatch.exact('q', '')] }] })).toThrow(/queryParams\[0\].value "" is invalid: must be 1 to 1024 characters long/);
    expect(() => route().addRule({ backendRefs: [web()], filters: [HttpRouteFilter.requestRedirect({ statusCode: HttpRedirectStatusCode.FOUND })] })).toThrow(/rules\[0\].filters "RequestRedirect" is invalid: a RequestRedirect filter answers the request itself, so the rule cannot also have backendRefs/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestRedirect({}), HttpRouteFilter.urlRewrite({})] })).toThrow(/a RequestRedirect and a URLRewrite filter cannot be combined/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.cors({}), HttpRouteFilter.cors({})] })).toThrow(/rules\[0\].filters\[1\].type "CORS" is invalid: rules\[0\].filters\[0\] is already a CORS filter; it cannot be repeated/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.exact('/a') }], filters: [HttpRouteFilter.urlRewrite({ path: HttpPathModifier.replacePrefixMatch('/b') })] }))
      .toThrow(/rules\[0\].matches 1 is invalid: a URLRewrite filter with replacePrefixMatch needs exactly one match, with a PathPrefix path/);
    expect(() => route().addRule({ matches: [{ path: HttpPathMatch.pathPrefix('/a') }], backendRefs: [BackendRef.fromServiceName('w', 80, { filters: [HttpRouteFilter.urlRewrite({ path: HttpPathModifier.replacePrefixMatch('/b') })] })] })).not.toThrow();
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestMirror(web(), { percent: 10, fraction: { numerator: 1 } })] })).toThrow(/requestMirror .* is invalid: set either percent or fraction, not both/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestMirror(web(), { fraction: { numerator: 3, denominator: 2 } })] })).toThrow(/requestMirror.fraction .* is invalid: numerator must be less than or equal to denominator/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestMirror(web(), { percent: 101 })] })).toThrow(/requestMirror.percent 101 is invalid: must be an integer from 0 to 100/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestMirror(BackendRef.fromServiceName('w', 80, { weight: 2 }))] })).toThrow(/requestMirror.backendRef.weight 2 is invalid: a mirror backend has no weight/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.cors({ allowOrigins: ['*', 'https://a.com'] })] })).toThrow(/cors.allowOrigins .* is invalid: "\*" allows everything and cannot be combined/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.cors({ allowOrigins: ['ftp://a.com'] })] })).toThrow(/cors.allowOrigins\[0\] "ftp:\/\/a.com" is invalid: must be "\*" or an origin/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.cors({ maxAge: 0 })] })).toThrow(/cors.maxAge 0 is invalid: must be an integer from 1/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestRedirect({ statusCode: 304 as any })] })).toThrow(/requestRedirect.statusCode 304 is invalid: must be one of 301, 302, 303, 307, 308/);
    expect(() => route().addRule({ timeouts: { request: Duration.seconds(1), backendRequest: Duration.seconds(2) } })).toThrow(/rules\[0\].timeouts.backendRequest 2 seconds is invalid: must not be longer than the request timeout \(1s\)/);
    expect(() => route().addRule({ timeouts: { request: Duration.seconds(0), backendRequest: Duration.seconds(2) } })).not.toThrow();
    expect(() => route().addRule({ backendRefs: [BackendRef.fromServiceName('w', 80, { weight: 1_000_001 })] })).toThrow(/backendRefs\[0\].weight 1000001 is invalid: must be an integer from 0 to 1000000/);
    expect(() => route().addRule({ backendRefs: Array(17).fill(web()) })).toThrow(/rules\[0\].backendRefs 17 is invalid: may hold at most 16 entries/);
    const r = route();
    for (let i = 0; i < 16; i++) r.addRule({});
    expect(() => r.addRule({})).toThrow(/r: rules 17 is invalid: an HTTPRoute may have at most 16 rules/);
    const many = route();
    for (let i = 0; i < 2; i++) many.addRule({ matches: Array(64).fill({ method: HttpMethod.GET }) });
    expect(() => many.addRule({ matches: [{ method: HttpMethod.GET }] })).toThrow(/rules\[2\].matches 129 is invalid: the rules of a route may have at most 128 matches in total/);
  });

  test('fails for parent and backend references the CRD rejects', () => {
    const chart = Testing.chart();
    const multi = new kplus.Service(chart, 'multi', { ports: [{ port: 80 }, { port: 81 }] });
    const gw = RouteParent.fromGatewayName('gw');
    const r = new HttpRoute(chart, 'r');
    r.addParent(gw, { sectionName: 'a' });
    expect(() => r.addParent(gw)).toThrow(/r: parentRefs\[1\] .* is invalid: parentRefs\[0\] refers to the same parent; when a route refers to one parent more than once, every reference must set sectionName/);
    expect(() => r.addParent(gw, { sectionName: 'a', port: 8080 })).toThrow(/parentRefs\[1\] .* is invalid: parentRefs\[0\] already refers to this parent with the same sectionName/);
    expect(() => r.addParent(gw, { sectionName: 'B' })).toThrow(/parentRefs\[1\].sectionName "B" is invalid/);
    expect(() => r.addParent(gw, { port: 70000 })).toThrow(/parentRefs\[1\].port 70000 is invalid/);
    expect(() => r.addRule({ backendRefs: [BackendRef.fromService(multi)] })).toThrow(/rules\[0\].backendRefs\[0\].port undefined is invalid: is required for a Service reference/);
    expect(() => r.addHostname('10.0.0.1.')).toThrow(/hostnames\[0\] "10.0.0.1." is invalid: must be a lowercase DNS name/);
    expect(() => r.addHostname('a.*.com')).toThrow(/hostnames\[0\] "a.\*.com" is invalid/);
    expect(() => new HttpRoute(chart, 'x', { hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) })).toThrow(/hostnames 17 is invalid: may hold at most 16 entries/);
  });
});
