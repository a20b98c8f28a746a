/**
 * Property-based tests of validation: random configurations of every Istio construct, most of
 * them plausible and some edge or invalid. Each one either synthesizes objects that pass the
 * independent validators (CRD schemas, CEL rules, @kubernetes-models/istio), or throws an Error
 * whose message names the construct path. No configuration may crash with a TypeError.
 *
 * Fixed seed; change it with `FC_SEED=123 npx jest test/validation-properties.test.ts`, and the
 * number of configurations per construct with `FC_RUNS`.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { istioProblems } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ClientTls } from '../src/networking/client-tls';
import { Destination } from '../src/networking/destination';
import { DestinationRule } from '../src/networking/destination-rule';
import { Gateway } from '../src/networking/gateway';
import { HttpRouteOptions } from '../src/networking/http-route';
import { LoadBalancer, SimpleLoadBalancer } from '../src/networking/load-balancer';
import { PortProtocol } from '../src/networking/protocol';
import { ServerTlsMode } from '../src/networking/server-tls';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../src/networking/service-entry';
import { Sidecar } from '../src/networking/sidecar';
import { StringMatch } from '../src/networking/string-match';
import { VirtualService } from '../src/networking/virtual-service';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { MtlsMode, PeerAuthentication } from '../src/security/peer-authentication';
import { Principal } from '../src/security/principal';
import { RequestAuthentication } from '../src/security/request-authentication';
import { Telemetry } from '../src/telemetry/telemetry';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20261130;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 150;
const PARAMS = { seed: SEED, numRuns: RUNS };

/** What each construct's configurations gave, validated together at the end (one subprocess). */
const outcomes = new Map<string, { synthesized: number; rejected: number }>();
const emitted: Array<{ kind: string; config: unknown; manifests: any[] }> = [];
let counter = 0;

/**
 * Builds one configuration in a fresh chart under the id `x` (path `test/x`) and records the
 * outcome; throws (failing the property) on a TypeError or an error that does not name the path.
 */
function attempt(kind: string, config: unknown, build: (chart: Chart, name: string) => void): void {
  const chart = Testing.chart();
  const name = `${kind.toLowerCase()}-${counter++}`;
  const outcome = outcomes.get(kind) ?? { synthesized: 0, rejected: 0 };
  outcomes.set(kind, outcome);
  let manifests: any[];
  try {
    build(chart, name);
    manifests = Testing.synth(chart);
  } catch (e) {
    if (!(e instanceof Error) || e instanceof TypeError || !/test\/x\b/.test(e.message)) {
      throw new Error(`${kind} crashed or threw without the construct path "test/x": ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
    }
    outcome.rejected++;
    return;
  }
  outcome.synthesized++;
  emitted.push({ kind, config, manifests });
}

// ---- shared arbitraries: mostly plausible values, some edge and invalid ones ----

/** An optional value: `undefined` or a value of `arb`. */
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const plausibleHost = fc.constantFrom('reviews', 'reviews.bookinfo.svc.cluster.local', 'api.example.com', '*.example.com', 'httpbin.org');
const oddHost = fc.constantFrom('*', 'foo.123', '10.0.0.1', 'Bad_Host', '', 'a..b', '*.*.com', 'UPPER.Example.com', `${'x'.repeat(64)}.com`, 'istio.io.');
const host = fc.oneof({ weight: 5, arbitrary: plausibleHost }, { weight: 1, arbitrary: oddHost });
const plausiblePort = fc.constantFrom(80, 443, 8080, 9080, 15443);
const port = fc.oneof({ weight: 8, arbitrary: plausiblePort }, { weight: 1, arbitrary: fc.constantFrom(0, 65536, -1, 1.5, 65535) });
const labelKey = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('app', 'version', 'istio', 'app.kubernetes.io/name') }, { weight: 1, arbitrary: fc.constantFrom('', 'a b', '*', 'Bad!') });
const labelValue = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('reviews', 'v1', 'v2', 'ingressgateway', '') }, { weight: 1, arbitrary: fc.constantFrom('*', '-a', 'x'.repeat(64)) });
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const selector = opt(labels.map(l => WorkloadSelector.fromLabels(l)));
const cidr = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('10.0.0.0/16', '2001:db8::/32', '192.168.1.1', '::1', '0.0.0.0/0') },
  { weight: 1, arbitrary: fc.constantFrom('10.0.0.0/08', '2001:db8::/064', '300.1.1.1', '10.0.0.0/33', '010.0.0.1', 'x') },
);
const regex = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('^/api/v[0-9]+$', '(?i)^/static', '[[:alpha:]]+', '\\pL+', '(?P<id>[0-9]+)', 'a{1000}') },
  { weight: 1, arbitrary: fc.constantFrom('', '(', '\\u0041', '[^]', 'a{1001}', '(?=x)', '(a)\\1', 'é'.repeat(600)) },
);
const stringMatch = fc.oneof(
  fc.constantFrom('/productpage', '/api', '').map(v => StringMatch.exact(v)),
  fc.constantFrom('/static', '/', '').map(v => StringMatch.prefix(v)),
  regex.map(r => StringMatch.regex(r)),
  fc.constant(StringMatch.present()),
);
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('x', '%HOSTNAME%', '%REQ(x-foo)%', '100%%', '%START_TIME(%s)%') },
  { weight: 1, arbitrary: fc.constantFrom('100%', '%REQ(', '%REQ(["a" "b"])%', 'a\nb', '') },
);
const duration = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 60_000 }).map(ms => Duration.millis(ms)) },
  { weight: 1, arbitrary: fc.constantFrom(Duration.millis(0), Duration.millis(0.5), Duration.seconds(7)) },
);
const weight = opt(fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 31) },
));
const subsetName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('v1', 'v2', 'V3', 'canary') }, { weight: 1, arbitrary: fc.constantFrom('v_1', '', 'v1.0', '-v') });
const namespace = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('bookinfo', 'istio-system', 'default') }, { weight: 1, arbitrary: fc.constantFrom('Bad', '', 'a.b') });
const enumOrBogus = <T extends string>(values: Record<string, T>) =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.values(values)) }, { weight: 1, arbitrary: fc.constant('BOGUS' as T) });

const destination = fc.record({
  host: host.filter(h => h !== ''),
  subset: opt(subsetName),
  port: opt(port),
}).map(d => Destination.fromHost(d.host, { subset: d.subset, port: d.port }));

// ---- one property per construct ----

describe('validation properties (fast-check, seed ' + SEED + ')', () => {
  test('Gateway', () => {
    const gwHost = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('*', 'bookinfo.example.com', '*.example.com', 'istio-system/*.example.com', './a.example.com', '*/x.example.com') },
      { weight: 1, arbitrary: fc.constantFrom('a/b/c', 'foo.123', 'Bad/x.com', '') },
    );
    const plausibleServer = fc.record({
      port: fc.record({ number: plausiblePort, protocol: fc.constantFrom(PortProtocol.HTTP, PortProtocol.HTTP2, PortProtocol.TCP), name: fc.constantFrom('http-a', 'web', 'tcp-b') }),
      hosts: fc.array(gwHost, { minLength: 1, maxLength: 2 }),
    });
    const tlsServer = fc.record({
      port: fc.record({ number: plausiblePort, protocol: fc.constantFrom(PortProtocol.HTTPS, PortProtocol.TLS), name: fc.constantFrom('https-a', 'tls-b') }),
      hosts: fc.array(gwHost, { minLength: 1, maxLength: 2 }),
      tls: fc.record({ mode: fc.constantFrom(ServerTlsMode.SIMPLE, ServerTlsMode.PASSTHROUGH, ServerTlsMode.ISTIO_MUTUAL), credentialName: opt(fc.constant('bookinfo-cert')) }),
    });
    const randomServer = fc.record({
      port: fc.record({ number: port, protocol: enumOrBogus(PortProtocol), name: opt(fc.constantFrom('http', 'https', 'tcp', 'HTTP_1')) }),
      hosts: fc.array(gwHost, { minLength: 0, maxLength: 3 }),
      tls: opt(fc.record({
        mode: opt(enumOrBogus(ServerTlsMode)),
        credentialName: opt(fc.constantFrom('bookinfo-cert', '')),
        httpsRedirect: opt(fc.boolean()),
      })),
    });
    const server = fc.oneof({ weight: 3, arbitrary: plausibleServer }, { weight: 2, arbitrary: tlsServer }, { weight: 2, arbitrary: randomServer });
    fc.assert(fc.property(fc.array(server, { maxLength: 3 }), servers => {
      attempt('Gateway', servers, (chart, name) => new Gateway(chart, 'x', { metadata: { name }, servers: servers as any }));
    }), PARAMS);
  });

  test('VirtualService', () => {
    const match = fc.record({
      uri: opt(stringMatch),
      headers: opt(fc.dictionary(fc.constantFrom('end-user', 'x-canary', 'Bad Header'), stringMatch, { maxKeys: 2 })),
      port: opt(port),
      sourceLabels: opt(labels),
    }, { requiredKeys: [] });
    const httpRoute: fc.Arbitrary<HttpRouteOptions> = fc.record({
      match: opt(fc.array(match, { maxLength: 2 })),
      route: fc.array(fc.record({ destination, weight, headers: opt(fc.record({ request: fc.record({ set: fc.dictionary(fc.constantFrom('x-a', 'x-b'), headerValue, { maxKeys: 2 }) }) })) }), { minLength: 0, maxLength: 3 }),
      timeout: opt(duration),
    });
    const tcpRoute = fc.record({ route: fc.array(fc.record({ destination, weight }), { minLength: 1, maxLength: 2 }) });
    const plausibleRoute = fc.record({
      match: opt(fc.array(fc.record({ uri: fc.constantFrom('/a', '/b').map(v => StringMatch.prefix(v)) }), { minLength: 1, maxLength: 1 })),
      route: fc.array(fc.record({ destination: plausibleHost.filter(h => !h.startsWith('*')).map(h => Destination.fromHost(h)), weight: fc.nat(1000) }), { minLength: 1, maxLength: 3 }),
    });
    const props = fc.record({
      hosts: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>(['reviews']) }, { weight: 1, arbitrary: fc.array(host, { minLength: 0, maxLength: 2 }) }),
      http: fc.oneof(fc.array(plausibleRoute, { minLength: 1, maxLength: 3 }), fc.array(httpRoute, { maxLength: 3 })),
      tcp: opt(fc.array(tcpRoute, { maxLength: 2 })),
      exportTo: opt(fc.array(fc.constantFrom('.', '*', 'bookinfo', 'Bad'), { maxLength: 2 })),
    });
    fc.assert(fc.property(props, p => {
      attempt('VirtualService', p, (chart, name) => new VirtualService(chart, 'x', { metadata: { name }, ...p }));
    }), PARAMS);
  });

  test('DestinationRule', () => {
    const loadBalancer = fc.oneof(
      enumOrBogus(SimpleLoadBalancer).map(a => LoadBalancer.simple(a)),
      opt(fc.integer({ min: -1, max: 100_000 })).map(size => LoadBalancer.consistentHash({ minimumRingSize: size })),
    );
    const tls = fc.oneof(
      fc.constant(ClientTls.istioMutual()),
      fc.constant(ClientTls.disable()),
      fc.record({ sni: opt(host), credentialName: opt(fc.constantFrom('cert', '')) }).map(o => ClientTls.simple(o)),
    );
    const policy = fc.record({
      loadBalancer: opt(loadBalancer),
      connectionPool: opt(fc.record({
        tcp: opt(fc.record({ maxConnections: opt(fc.integer({ min: -1, max: 1000 })), connectTimeout: opt(duration) })),
      })),
      outlierDetection: opt(fc.record({
        consecutive5xxErrors: opt(fc.integer({ min: -1, max: 10 })),
        interval: opt(duration),
        maxEjectionPercent: opt(fc.integer({ min: -1, max: 101 })),
      })),
      tls: opt(tls),
    }, { requiredKeys: [] });
    const props = fc.record({
      host,
      subsets: fc.array(fc.record({ name: subsetName, labels: opt(labels), trafficPolicy: opt(policy) }), { maxLength: 3 }),
      trafficPolicy: opt(policy),
      exportTo: opt(fc.array(fc.constantFrom('.', '*', 'bookinfo'), { maxLength: 2 })),
    });
    fc.assert(fc.property(props, p => {
      attempt('DestinationRule', p, (chart, name) => new DestinationRule(chart, 'x', { metadata: { name }, ...p as any }));
    }), PARAMS);
  });

  test('ServiceEntry', () => {
    const props = fc.record({
      hosts: fc.array(host, { minLength: 0, maxLength: 2 }),
      addresses: opt(fc.array(cidr, { maxLength: 2 })),
      ports: opt(fc.array(fc.record({ number: port, name: fc.constantFrom('http', 'https', 'tcp', 'tls', 'Bad_Name'), protocol: opt(enumOrBogus(PortProtocol)) }), { maxLength: 2 })),
      location: opt(enumOrBogus(ServiceEntryLocation)),
      resolution: opt(enumOrBogus(ServiceEntryResolution)),
      endpoints: opt(fc.array(fc.record({
        address: opt(fc.constantFrom('10.0.0.1', 'vm.example.com', 'db.42', 'unix:///var/run/a.sock', '2001:db8::1')),
        ports: opt(fc.dictionary(fc.constantFrom('http', 'https', 'tcp'), port, { maxKeys: 2 })),
        weight: opt(fc.integer({ min: -1, max: 100 })),
      }), { maxLength: 2 })),
      workloadSelector: selector,
      exportTo: opt(fc.array(fc.constantFrom('.', '*', '~', 'bookinfo'), { maxLength: 2 })),
    });
    const plausible = fc.record({
      hosts: fc.constantFrom(['api.example.com'], ['*.wikipedia.org'], ['db.internal', 'db2.internal']),
      ports: fc.constantFrom([{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }], [{ number: 80, name: 'http', protocol: PortProtocol.HTTP }], [{ number: 443, name: 'tls', protocol: PortProtocol.TLS }]),
      location: fc.constantFrom(ServiceEntryLocation.MESH_EXTERNAL, ServiceEntryLocation.MESH_INTERNAL),
      resolution: fc.constantFrom(...Object.values(ServiceEntryResolution)),
      endpoints: opt(fc.constant([{ address: '10.0.0.1' }])),
    });
    fc.assert(fc.property(fc.oneof(plausible, props), p => {
      attempt('ServiceEntry', p, (chart, name) => new ServiceEntry(chart, 'x', { metadata: { name }, ...p as any }));
    }), PARAMS);
  });

  test('Sidecar', () => {
    const sidecarHost = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('./*', 'istio-system/*', '*/*.example.com', '~/*', 'bookinfo/reviews.bookinfo.svc.cluster.local') },
      { weight: 1, arbitrary: fc.constantFrom('reviews', 'a/b/c', './foo.123', '') },
    );
    const props = fc.record({
      workloadSelector: selector,
      egress: opt(fc.array(fc.record({
        hosts: fc.array(sidecarHost, { minLength: 0, maxLength: 2 }),
        port: opt(fc.record({ number: port, protocol: opt(enumOrBogus(PortProtocol)), name: opt(fc.constantFrom('http', 'tcp')) })),
      }), { maxLength: 2 })),
      ingress: opt(fc.array(fc.record({
        port: fc.record({ number: port, protocol: opt(enumOrBogus(PortProtocol)), name: opt(fc.constantFrom('http', 'tcp')) }),
        defaultEndpoint: opt(fc.constantFrom('127.0.0.1:8080', '0.0.0.0:9080', 'unix:///var/run/app.sock', 'bad')),
      }), { maxLength: 2 })),
      inboundConnectionPool: opt(fc.record({
        tcp: opt(fc.record({ maxConnections: opt(fc.integer({ min: -1, max: 100 })) })),
      })),
    });
    fc.assert(fc.property(props, p => {
      attempt('Sidecar', p, (chart, name) => new Sidecar(chart, 'x', { metadata: { name }, ...p as any }));
    }), PARAMS);
  });

  test('PeerAuthentication', () => {
    const props = fc.record({
      mtls: opt(enumOrBogus(MtlsMode)),
      selector,
      portLevelMtls: opt(fc.array(fc.record({ port, mode: enumOrBogus(MtlsMode) }), { maxLength: 2 })),
    });
    fc.assert(fc.property(props, p => {
      attempt('PeerAuthentication', p, (chart, name) => new PeerAuthentication(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('AuthorizationPolicy', () => {
    const principal = fc.constantFrom('cluster.local/ns/bookinfo/sa/reviews', '*', 'spiffe://x', 'cluster.local/ns/*').map(p => Principal.of(p));
    const source = fc.record({
      principals: opt(fc.array(principal, { maxLength: 2 })),
      namespaces: opt(fc.array(namespace, { maxLength: 2 })),
      ipBlocks: opt(fc.array(cidr, { maxLength: 2 })),
      trustDomains: opt(fc.array(fc.constantFrom('cluster.local', 'example.com'), { maxLength: 1 })),
      serviceAccounts: opt(fc.array(fc.constantFrom('bookinfo/reviews', 'reviews', 'a/b/c', 'x/*'), { maxLength: 2 })),
    }, { requiredKeys: [] });
    const operation = fc.record({
      methods: opt(fc.array(fc.constantFrom('GET', 'POST', 'get'), { maxLength: 2 })),
      paths: opt(fc.array(fc.constantFrom('/productpage', '/api/*', '*/info', '/a/{*}/b', 'nope'), { maxLength: 2 })),
      ports: opt(fc.array(port, { maxLength: 2 })),
    }, { requiredKeys: [] });
    const condition = fc.record({
      key: fc.constantFrom('request.headers[x-token]', 'request.experimental.inline.headers[x]', 'source.ip', 'destination.port', 'request.auth.claims[groups]',
        'source.namespace', 'connection.sni', 'request.headers', 'destination.labels[app]', 'unknown.key'),
      values: opt(fc.array(fc.constantFrom('a', '10.0.0.0/8', '8080', '0', ''), { maxLength: 2 })),
      notValues: opt(fc.array(fc.constantFrom('b', '65536'), { maxLength: 1 })),
    });
    const rule = fc.record({
      from: opt(fc.array(source, { maxLength: 2 })),
      to: opt(fc.array(operation, { maxLength: 2 })),
      when: opt(fc.array(condition, { maxLength: 2 })),
    }, { requiredKeys: [] });
    const props = fc.record({
      action: opt(enumOrBogus(AuthorizationAction)),
      provider: opt(fc.constantFrom('ext-authz', '')),
      rules: opt(fc.array(rule, { maxLength: 2 })),
      selector,
    });
    const plausible = fc.record({
      action: fc.constantFrom(AuthorizationAction.ALLOW, AuthorizationAction.DENY, undefined),
      rules: fc.array(fc.record({
        from: opt(fc.constant([{ namespaces: ['bookinfo'] }])),
        to: opt(fc.array(fc.record({ methods: fc.constant(['GET']), paths: fc.constantFrom(['/productpage'], ['/api/*']) }), { minLength: 1, maxLength: 2 })),
        when: opt(fc.constant([{ key: 'request.headers[x-token]', values: ['a'] }])),
      }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
      selector,
    });
    fc.assert(fc.property(fc.oneof(plausible, props), p => {
      attempt('AuthorizationPolicy', p, (chart, name) => new AuthorizationPolicy(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('RequestAuthentication', () => {
    const jwks = fc.constantFrom(
      '{"keys":[{"kty":"RSA","n":"xyz","e":"AQAB"}]}', '{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}', '{"keys":[]}',
      '{"keys":[{"kty":"RSA"}]}', 'not json', '{"keys":[{"kty":"OKP","crv":"P-256","x":"AQ"}]}',
    );
    const jwtRule = fc.record({
      issuer: fc.constantFrom('https://accounts.example.com', 'testing@secure.istio.io', ''),
      jwksUri: opt(fc.constantFrom('https://example.com/jwks.json', 'http://a.example.com:8080/k', 'ftp://x', 'https://a.example.com/%zz', 'https://a b.com')),
      jwks: opt(jwks),
      audiences: opt(fc.array(fc.constantFrom('bookinfo', 'bookinfo', ''), { maxLength: 3 })),
      fromHeaders: opt(fc.array(fc.record({ name: fc.constantFrom('authorization', 'x-jwt', ''), prefix: opt(fc.constantFrom('Bearer ')) }), { maxLength: 2 })),
      timeout: opt(duration),
    });
    const props = fc.record({ jwtRules: opt(fc.array(jwtRule, { maxLength: 2 })), selector });
    fc.assert(fc.property(props, p => {
      attempt('RequestAuthentication', p, (chart, name) => new RequestAuthentication(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('Telemetry', () => {
    const providers = opt(fc.array(fc.constantFrom('zipkin', 'envoy', 'prometheus', ''), { maxLength: 2 }));
    const filter = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('response.code >= 400', "request.headers['x-debug'] == 'true'", 'connection.mtls && response.code != 200') },
      { weight: 1, arbitrary: fc.constantFrom('', 'response.code >=', '(', '"open', 'while') },
    );
    const props = fc.record({
      tracing: opt(fc.array(fc.record({ providers, randomSamplingPercentage: opt(fc.double({ min: -1, max: 101, noNaN: true })) }),
        { maxLength: 2 })),
      accessLogging: opt(fc.array(fc.record({ providers, filter: opt(filter), disabled: opt(fc.boolean()) }), { maxLength: 2 })),
      metrics: opt(fc.array(fc.record({ providers, reportingInterval: opt(duration) }), { maxLength: 1 })),
      selector,
    });
    fc.assert(fc.property(props, p => {
      attempt('Telemetry', p, (chart, name) => new Telemetry(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('every construct yields both valid and rejected configurations', () => {
    for (const [kind, { synthesized, rejected }] of outcomes) {
      expect({ kind, synthesized, someSynthesized: synthesized >= RUNS / 20, someRejected: rejected > 0 })
        .toEqual({ kind, synthesized, someSynthesized: true, someRejected: true });
    }
    expect([...outcomes.keys()].sort()).toEqual(['AuthorizationPolicy', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'RequestAuthentication',
      'ServiceEntry', 'Sidecar', 'Telemetry', 'VirtualService']);
  });

  test('every synthesized object passes the independent validators', () => {
    const problems = istioProblems(emitted.flatMap(e => e.manifests));
    const explained = problems.map(problem => {
      const source = emitted.find(e => e.manifests.some(m => problem.includes(`/${m.metadata?.name}:`)));
      return source ? `${problem}\n    from ${source.kind} config ${JSON.stringify(source.config)}` : problem;
    });
    expect(explained).toEqual([]);
  });
});
