import { Duration, Testing, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  BackendCaCertificates, BackendRef, BackendTlsPolicy, CorsMethod, Gateway, GatewayAddress, GatewayClassName, GrpcMethodMatch, GrpcRoute,
  HttpHeaderMatch, HttpPathMatch, HttpPathModifier, HttpRoute, HttpRouteFilter, ListenerProtocol, ReferenceGrant, RouteParent,
  SubjectAltName, TcpRoute, TlsModeType, TlsRoute,
} from '../../src/gateway-api';
import { manifestProblems } from '../support/istio-validate';

// Property: the library throws exactly for what the Gateway API v1.5.1 CRD schemas and CEL
// rules reject. For each generated input, the library either accepts it, and the YAML it emits
// passes the independent validators, or throws our error (construct path, field, value, what is
// valid; never a TypeError), and the equivalent raw object fails them. Fixed seeds.

const SEED = 20261130;
const GW = 'gateway.networking.k8s.io/v1';

interface Case<T> {
  /** Builds the construct(s) from the value; may throw. */
  readonly build: (chart: Chart, value: T) => void;
  /** The object the API server would receive for the value. */
  readonly raw: (value: T) => any;
}

function exactly<T>(arb: fc.Arbitrary<T>, c: Case<T>, numRuns = 120): void {
  const values = fc.sample(arb, { seed: SEED, numRuns });
  const objects: any[] = [];
  const accepted: boolean[] = [];
  values.forEach((value, i) => {
    const chart = Testing.chart();
    let ok = true;
    let out: any[] = [];
    try {
      c.build(chart, value);
      out = Testing.synth(chart).filter(o => String(o.apiVersion).startsWith('gateway.networking.k8s.io/'));
    } catch (e) {
      ok = false;
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(TypeError);
      expect((e as Error).message).toMatch(/^test\/[^:]+: .+ is invalid: .+/);
      const raw = c.raw(value);
      objects.push({ ...raw, metadata: { name: `p${i}` } });
    }
    if (ok) {
      // the object under test, without automatic ReferenceGrants
      const [obj] = out.length > 1 ? out.filter(o => o.kind !== 'ReferenceGrant') : out;
      objects.push({ ...obj, metadata: { ...obj.metadata, name: `p${i}` } });
    }
    accepted.push(ok);
  });
  const problems = manifestProblems(objects);
  const mismatches = values.flatMap((value, i) => {
    const found = problems.filter(p => p.includes(`/p${i}:`));
    if (accepted[i] && found.length > 0) return [{ value, accepted: true, problems: found }];
    if (!accepted[i] && found.length === 0) return [{ value, accepted: false, problems: [] }];
    return [];
  });
  expect(mismatches).toEqual([]);
  // the sample exercises both outcomes
  expect(accepted.some(a => a)).toBe(true);
  expect(accepted.some(a => !a)).toBe(true);
}

const text = (chars: string, maxLength = 12) => fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });
const route = (spec: any) => ({ apiVersion: GW, kind: 'HTTPRoute', spec });
const gw = (spec: any) => ({ apiVersion: GW, kind: 'Gateway', spec: { gatewayClassName: 'istio', ...spec } });

describe('Gateway API validation is exactly the CRD schemas and CEL rules (property-based)', () => {
  test('HTTPRoute path matches', () => {
    const arb = fc.record({ type: fc.constantFrom('Exact', 'PathPrefix', 'RegularExpression'), value: text('/a.%2fF#b ', 10) });
    exactly(arb, {
      build: (chart, v) => {
        const path = v.type === 'Exact' ? HttpPathMatch.exact(v.value) : v.type === 'PathPrefix' ? HttpPathMatch.pathPrefix(v.value) : HttpPathMatch.regularExpression(v.value);
        new HttpRoute(chart, 'r', { rules: [{ matches: [{ path }] }] });
      },
      raw: v => route({ rules: [{ matches: [{ path: v }] }] }),
    });
  });

  test('HTTPRoute hostnames', () => {
    exactly(text('a1-.*A', 10), {
      build: (chart, h) => { new HttpRoute(chart, 'r', { hostnames: [h] }); },
      raw: h => route({ hostnames: [h] }),
    });
  });

  test('header matches and header modifiers', () => {
    const arb = fc.record({ name: text('aX-_: ', 6), value: text('v ', 3), where: fc.constantFrom('match', 'set', 'remove') });
    exactly(arb, {
      build: (chart, v) => {
        const rule = v.where === 'match' ? { matches: [{ headers: [HttpHeaderMatch.exact(v.name, v.value)] }] }
          : v.where === 'set' ? { filters: [HttpRouteFilter.requestHeaderModifier({ set: { [v.name]: v.value } })] }
            : { filters: [HttpRouteFilter.responseHeaderModifier({ remove: [v.name, v.value] })] };
        new HttpRoute(chart, 'r', { rules: [rule] });
      },
      raw: v => route({
        rules: [v.where === 'match' ? { matches: [{ headers: [{ name: v.name, value: v.value }] }] }
          : v.where === 'set' ? { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: v.name, value: v.value }] } }] }
            : { filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: [v.name, v.value] } }] }],
      }),
    });
  });

  test('rule timeouts', () => {
    const ms = fc.option(fc.constantFrom(0, 1, 500, 1000, 1500, 60_000, 3_600_000, 360_000_000_000), { nil: undefined });
    exactly(fc.record({ request: ms, backendRequest: ms }), {
      build: (chart, v) => {
        new HttpRoute(chart, 'r', {
          rules: [{
            timeouts: {
              request: v.request === undefined ? undefined : Duration.millis(v.request),
              backendRequest: v.backendRequest === undefined ? undefined : Duration.millis(v.backendRequest),
            },
          }],
        });
      },
      raw: v => {
        const render = (n?: number) => (n === undefined ? undefined : `${n}ms`);
        return route({ rules: [{ timeouts: JSON.parse(JSON.stringify({ request: render(v.request), backendRequest: render(v.backendRequest) })) }] });
      },
    });
  });

  test('request mirror percent and fraction, backend weights and ports', () => {
    const int = fc.option(fc.constantFrom(-1, 0, 1, 3, 50, 100, 101, 1_000_000, 1_000_001, 70000), { nil: undefined });
    const arb = fc.record({ percent: int, numerator: int, denominator: int, weight: int, port: fc.constantFrom(0, 1, 80, 65535, 65536) });
    exactly(arb, {
      build: (chart, v) => {
        const fraction = v.numerator === undefined ? undefined : { numerator: v.numerator, denominator: v.denominator };
        new HttpRoute(chart, 'r', {
          rules: [{
            matches: [{ path: HttpPathMatch.pathPrefix('/') }],
            filters: [HttpRouteFilter.requestMirror(BackendRef.fromServiceName('m', v.port), { percent: v.percent, fraction })],
            backendRefs: [BackendRef.fromServiceName('b', 80, { weight: v.weight })],
          }],
        });
      },
      raw: v => route({
        rules: [{
          filters: [{
            type: 'RequestMirror',
            requestMirror: JSON.parse(JSON.stringify({
              backendRef: { name: 'm', port: v.port },
              percent: v.percent,
              fraction: v.numerator === undefined && v.denominator === undefined ? undefined : { numerator: v.numerator, denominator: v.denominator },
            })),
          }],
          backendRefs: [JSON.parse(JSON.stringify({ name: 'b', port: 80, weight: v.weight }))],
        }],
      }),
    });
  });

  test('CORS origins and methods', () => {
    const arb = fc.record({
      origins: fc.array(fc.constantFrom('*', 'https://a.com', 'http://*.b.org:8080', 'ftp://a.com', 'https://', 'https://a.com/path', 'https://a.com'), { maxLength: 3 }),
      methods: fc.array(fc.constantFrom(CorsMethod.GET, CorsMethod.ALL, CorsMethod.POST), { maxLength: 3 }),
      maxAge: fc.option(fc.constantFrom(0, 1, 86400), { nil: undefined }),
    });
    exactly(arb, {
      build: (chart, v) => {
        new HttpRoute(chart, 'r', { rules: [{ filters: [HttpRouteFilter.cors({ allowOrigins: v.origins, allowMethods: v.methods, maxAge: v.maxAge })] }] });
      },
      raw: v => route({ rules: [{ filters: [{ type: 'CORS', cors: JSON.parse(JSON.stringify({ allowOrigins: v.origins, allowMethods: v.methods, maxAge: v.maxAge })) }] }] }),
    });
  });

  test('URL rewrites and redirects with prefix replacement need one PathPrefix match', () => {
    const arb = fc.record({
      filter: fc.constantFrom('rewrite', 'redirect'),
      path: fc.constantFrom('full', 'prefix'),
      matches: fc.array(fc.constantFrom('Exact', 'PathPrefix', 'none'), { maxLength: 2 }),
      backends: fc.boolean(),
    });
    exactly(arb, {
      build: (chart, v) => {
        const modifier = v.path === 'full' ? HttpPathModifier.replaceFullPath('/x') : HttpPathModifier.replacePrefixMatch('/x');
        const filter = v.filter === 'rewrite' ? HttpRouteFilter.urlRewrite({ path: modifier }) : HttpRouteFilter.requestRedirect({ path: modifier });
        new HttpRoute(chart, 'r', {
          rules: [{
            matches: v.matches.map(m => (m === 'none' ? {} : { path: m === 'Exact' ? HttpPathMatch.exact('/a') : HttpPathMatch.pathPrefix('/a') })),
            filters: [filter],
            backendRefs: v.backends ? [BackendRef.fromServiceName('b', 80)] : undefined,
          }],
        });
      },
      raw: v => {
        const path = v.path === 'full' ? { type: 'ReplaceFullPath', replaceFullPath: '/x' } : { type: 'ReplacePrefixMatch', replacePrefixMatch: '/x' };
        const filter = v.filter === 'rewrite' ? { type: 'URLRewrite', urlRewrite: { path } } : { type: 'RequestRedirect', requestRedirect: { path } };
        const rule: any = { filters: [filter] };
        if (v.matches.length > 0) rule.matches = v.matches.map(m => (m === 'none' ? {} : { path: { type: m, value: '/a' } }));
        if (v.backends) rule.backendRefs = [{ name: 'b', port: 80 }];
        return route({ rules: [rule] });
      },
    }, 60);
  });

  test('HTTPRoute and TCPRoute parentRefs to one parent', () => {
    const ref = fc.record({ sectionName: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }), port: fc.option(fc.constantFrom(80, 81), { nil: undefined }) });
    const arb = fc.record({ kind: fc.constantFrom('HTTPRoute', 'TCPRoute'), refs: fc.array(ref, { minLength: 1, maxLength: 3 }) });
    exactly(arb, {
      build: (chart, v) => {
        const r = v.kind === 'HTTPRoute' ? new HttpRoute(chart, 'r') : new TcpRoute(chart, 'r', { rules: [{ backendRefs: [BackendRef.fromServiceName('b', 1)] }] });
        for (const p of v.refs) r.addParent(RouteParent.fromGatewayName('gw'), p);
      },
      raw: v => ({
        apiVersion: v.kind === 'HTTPRoute' ? GW : 'gateway.networking.k8s.io/v1alpha2',
        kind: v.kind,
        spec: {
          parentRefs: v.refs.map(p => JSON.parse(JSON.stringify({ name: 'gw', sectionName: p.sectionName, port: p.port }))),
          ...(v.kind === 'TCPRoute' ? { rules: [{ backendRefs: [{ name: 'b', port: 1 }] }] } : {}),
        },
      }),
    });
  });

  test('Gateway listeners: protocol, TLS, hostname and uniqueness rules', () => {
    const listener = fc.record({
      name: fc.constantFrom('a', 'b', 'B'),
      port: fc.constantFrom(80, 443, 0),
      protocol: fc.constantFrom('HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP', 'HBONE'),
      hostname: fc.option(fc.constantFrom('a.example.com', '*.example.com', 'A.com'), { nil: undefined }),
      tls: fc.option(fc.record({ mode: fc.option(fc.constantFrom('Terminate', 'Passthrough'), { nil: undefined }), cert: fc.boolean() }), { nil: undefined }),
    });
    exactly(fc.array(listener, { minLength: 1, maxLength: 2 }), {
      build: (chart, ls) => {
        new Gateway(chart, 'g', {
          gatewayClassName: GatewayClassName.ISTIO,
          listeners: ls.map(l => ({
            name: l.name,
            port: l.port,
            protocol: ListenerProtocol.of(l.protocol),
            hostname: l.hostname,
            tls: l.tls === undefined ? undefined : { mode: l.tls.mode as TlsModeType | undefined, options: l.tls.cert ? { 'example.com/cert': 'x' } : undefined },
          })),
        });
      },
      raw: ls => gw({
        listeners: ls.map(l => JSON.parse(JSON.stringify({
          name: l.name,
          hostname: l.hostname,
          port: l.port,
          protocol: l.protocol,
          tls: l.tls === undefined ? undefined : { mode: l.tls.mode, options: l.tls.cert ? { 'example.com/cert': 'x' } : undefined },
        }))),
      }),
    });
  });

  test('Gateway addresses', () => {
    const address = fc.record({
      type: fc.constantFrom('IPAddress', 'Hostname', 'NamedAddress', 'example.com/x', 'bad type'),
      value: fc.constantFrom('10.0.0.1', '2001:db8::1', '10.0.0.256', 'gw.example.com', '*.example.com', 'Gw', ''),
    });
    exactly(fc.array(address, { minLength: 1, maxLength: 2 }), {
      build: (chart, as) => {
        new Gateway(chart, 'g', { gatewayClassName: GatewayClassName.ISTIO, listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }], addresses: as.map(a => GatewayAddress.of(a.type, a.value)) });
      },
      raw: as => gw({ listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], addresses: as }),
    });
  });

  test('GRPCRoute method matches', () => {
    const name = fc.option(fc.constantFrom('helloworld.Greeter', '.a.B', 'Say_Hello', 'hello-world', '1abc', 'a..b', ''), { nil: undefined });
    exactly(fc.record({ type: fc.constantFrom('Exact', 'RegularExpression'), service: name, method: name }), {
      build: (chart, v) => {
        const m = v.type === 'Exact' ? GrpcMethodMatch.exact(v.service, v.method) : GrpcMethodMatch.regularExpression(v.service, v.method);
        new GrpcRoute(chart, 'r', { rules: [{ matches: [{ method: m }] }] });
      },
      raw: v => ({ apiVersion: GW, kind: 'GRPCRoute', spec: { rules: [{ matches: [{ method: JSON.parse(JSON.stringify(v)) }] }] } }),
    });
  });

  test('TLSRoute hostnames', () => {
    exactly(fc.array(fc.constantFrom('a.com', '*.a.com', '10.0.0.1', 'A.com', 'a', '*'), { maxLength: 2 }), {
      build: (chart, hs) => { new TlsRoute(chart, 'r', { hostnames: hs, backendRefs: [BackendRef.fromServiceName('b', 1)] }); },
      raw: hs => ({ apiVersion: GW, kind: 'TLSRoute', spec: { hostnames: hs, rules: [{ backendRefs: [{ name: 'b', port: 1 }] }] } }),
    }, 60);
  });

  test('BackendTLSPolicy validation', () => {
    const arb = fc.record({
      hostname: fc.constantFrom('a.com', '*.a.com', 'A.com'),
      wellKnown: fc.constantFrom('System', 'example.com/cas', 'system', 'x/y/z'),
      sans: fc.array(fc.record({ type: fc.constantFrom('Hostname', 'URI'), value: fc.constantFrom('a.com', '*.a.com', 'spiffe://td/ns/a', 'nope') }), { maxLength: 6 }),
    });
    exactly(arb, {
      build: (chart, v) => {
        const svc = new kplus.Service(chart, 's', { metadata: { name: 's' }, ports: [{ port: 1 }] });
        new BackendTlsPolicy(chart, 'p', {
          targets: [{ service: svc }],
          hostname: v.hostname,
          caCertificates: BackendCaCertificates.wellKnown(v.wellKnown),
          subjectAltNames: v.sans.map(s => (s.type === 'Hostname' ? SubjectAltName.hostname(s.value) : SubjectAltName.uri(s.value))),
        });
      },
      raw: v => ({
        apiVersion: GW,
        kind: 'BackendTLSPolicy',
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: 's' }],
          validation: {
            hostname: v.hostname,
            wellKnownCACertificates: v.wellKnown,
            ...(v.sans.length > 0 ? { subjectAltNames: v.sans.map(s => (s.type === 'Hostname' ? { type: 'Hostname', hostname: s.value } : { type: 'URI', uri: s.value })) } : {}),
          },
        },
      }),
    }, 80);
  });

  test('ReferenceGrant entries', () => {
    const arb = fc.record({ group: fc.constantFrom('', 'gateway.networking.k8s.io', 'Bad'), kind: fc.constantFrom('HTTPRoute', '1x', ''), namespace: fc.constantFrom('a', 'A', '-a') });
    exactly(arb, {
      build: (chart, v) => { new ReferenceGrant(chart, 'g', { from: [v], to: [{ group: v.group, kind: v.kind }] }); },
      raw: v => ({ apiVersion: GW, kind: 'ReferenceGrant', spec: { from: [v], to: [{ group: v.group, kind: v.kind }] } }),
    }, 60);
  });
});
