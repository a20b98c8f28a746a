/**
 * Property-based tests of validation: random configurations of every Istio construct, most of
 * them plausible and some edge or invalid. Each one either synthesizes objects that pass the
 * independent validators (CRD schemas, CEL rules, @kubernetes-models/istio), or throws an Error
 * whose message names the construct path. No configuration may crash with a TypeError.
 *
 * Fixed seed; change it with `FC_SEED=123 npx jest test/validation-properties.test.ts`, and the
 * number of configurations per construct with `FC_RUNS`.
 */
import { Duration, Testing } from 'cdk8s';
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { istioProblems } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ClientTls } from '../src/networking/client-tls';
import { DestinationRule } from '../src/networking/destination-rule';
import { Destination } from '../src/networking/destination';
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

const plausibleHost = fc.constantFrom('reviews', 'reviews.bookinfo.svc.cluster.local', 'api.example.com', '*.example.com', 'httpbin.org');
const oddHost = fc.constantFrom('*', 'foo.123', '10.0.0.1', 'Bad_Host', '', 'a..b', '*.*.com', 'UPPER.Example.com', `${'x'.repeat(64)}.com`, 'istio.io.');
const host = fc.oneof({ weight: 5, arbitrary: plausibleHost }, { weight: 1, arbitrary: oddHost });
const plausiblePort = fc.constantFrom(80, 443, 8080, 9080, 15443);
const port = fc.oneof({ weight: 8, arbitrary: plausiblePort }, { weight: 1, arbitrary: fc.constantFrom(0, 65536, -1, 1.5, 65535) });
const labelKey = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('app', 'version', 'istio', 'app.kubernetes.io/name') }, { weight: 1, arbitrary: fc.constantFrom('', 'a b', '*', 'Bad!') });
const labelValue = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('reviews', 'v1', 'v2', 'ingressgateway', '') }, { weight: 1, arbitrary: fc.constantFrom('*', '-a', 'x'.repeat(64)) });
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const selector = fc.option(labels.map(l => WorkloadSelector.fromLabels(l)), { nil: undefined });
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
const weight = fc.option(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 2 ** 31) }), { nil: undefined });
const subsetName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('v1', 'v2', 'V3', 'canary') }, { weight: 1, arbitrary: fc.constantFrom('v_1', '', 'v1.0', '-v') });
const namespace = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('bookinfo', 'istio-system', 'default') }, { weight: 1, arbitrary: fc.constantFrom('Bad', '', 'a.b') });
const enumOrBogus = <T extends string>(values: Record<string, T>) =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.values(values)) }, { weight: 1, arbitrary: fc.constant('BOGUS' as T) });

const destination = fc.record({
  host: host.filter(h => h !== ''),
  subset: fc.option(subsetName, { nil: undefined }),
  port: fc.option(port, { nil: undefined }),
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
      tls: fc.record({ mode: fc.constantFrom(ServerTlsMode.SIMPLE, ServerTlsMode.PASSTHROUGH, ServerTlsMode.ISTIO_MUTUAL), credentialName: fc.option(fc.constant('bookinfo-cert'), { nil: undefined }) }),
    });
    const randomServer = fc.record({
      port: fc.record({ number: port, protocol: enumOrBogus(PortProtocol), name: fc.option(fc.constantFrom('http', 'https', 'tcp', 'HTTP_1'), { nil: undefined }) }),
      hosts: fc.array(gwHost, { minLength: 0, maxLength: 3 }),
      tls: fc.option(fc.record({
        mode: fc.option(enumOrBogus(ServerTlsMode), { nil: undefined }),
        credentialName: fc.option(fc.constantFrom('bookinfo-cert', ''), { nil: undefined }),
        httpsRedirect: fc.option(fc.boolean(), { nil: undefined }),
      }), { nil: undefined }),
    });
    const server = fc.oneof({ weight: 3, arbitrary: plausibleServer }, { weight: 2, arbitrary: tlsServer }, { weight: 2, arbitrary: randomServer });
    fc.assert(fc.property(fc.array(server, { maxLength: 3 }), servers => {
      attempt('Gateway', servers, (chart, name) => new Gateway(chart, 'x', { metadata: { name }, servers: servers as any }));
    }), PARAMS);
  });

  test('VirtualService', () => {
    const match = fc.record({
      uri: fc.option(stringMatch, { nil: undefined }),
      headers: fc.option(fc.dictionary(fc.constantFrom('end-user', 'x-canary', 'Bad Header'), stringMatch, { maxKeys: 2 }), { nil: undefined }),
      port: fc.option(port, { nil: undefined }),
      sourceLabels: fc.option(labels, { nil: undefined }),
    }, { requiredKeys: [] });
    const httpRoute: fc.Arbitrary<HttpRouteOptions> = fc.record({
      match: fc.option(fc.array(match, { maxLength: 2 }), { nil: undefined }),
      route: fc.array(fc.record({ destination, weight, headers: fc.option(fc.record({ request: fc.record({ set: fc.dictionary(fc.constantFrom('x-a', 'x-b'), headerValue, { maxKeys: 2 }) }) }), { nil: undefined }) }), { minLength: 0, maxLength: 3 }),
      timeout: fc.option(duration, { nil: undefined }),
    });
    const tcpRoute = fc.record({ route: fc.array(fc.record({ destination, weight }), { minLength: 1, maxLength: 2 }) });
    const plausibleRoute = fc.record({
      match: fc.option(fc.array(fc.record({ uri: fc.constantFrom('/a', '/b').map(v => StringMatch.prefix(v)) }), { minLength: 1, maxLength: 1 }), { nil: undefined }),
      route: fc.array(fc.record({ destination: plausibleHost.filter(h => !h.startsWith('*')).map(h => Destination.fromHost(h)), weight: fc.nat(1000) }), { minLength: 1, maxLength: 3 }),
    });
    const props = fc.record({
      hosts: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>(['reviews']) }, { weight: 1, arbitrary: fc.array(host, { minLength: 0, maxLength: 2 }) }),
      http: fc.oneof({ weight: 2, arbitrary: fc.array(plausibleRoute, { minLength: 1, maxLength: 3 }) }, { weight: 2, arbitrary: fc.array(httpRoute, { maxLength: 3 }) }),
      tcp: fc.option(fc.array(tcpRoute, { maxLength: 2 }), { nil: undefined }),
      exportTo: fc.option(fc.array(fc.constantFrom('.', '*', 'bookinfo', 'Bad'), { maxLength: 2 }), { nil: undefined }),
    });
    fc.assert(fc.property(props, p => {
      attempt('VirtualService', p, (chart, name) => new VirtualService(chart, 'x', { metadata: { name }, ...p }));
    }), PARAMS);
  });

  test('DestinationRule', () => {
    const loadBalancer = fc.oneof(
      enumOrBogus(SimpleLoadBalancer).map(a => LoadBalancer.simple(a)),
      fc.option(fc.integer({ min: -1, max: 100_000 }), { nil: undefined }).map(size => LoadBalancer.consistentHash({ minimumRingSize: size })),
    );
    const tls = fc.oneof(
      fc.constant(ClientTls.istioMutual()),
      fc.constant(ClientTls.disable()),
      fc.record({ sni: fc.option(host, { nil: undefined }), credentialName: fc.option(fc.constantFrom('cert', ''), { nil: undefined }) }).map(o => ClientTls.simple(o)),
    );
    const policy = fc.record({
      loadBalancer: fc.option(loadBalancer, { nil: undefined }),
      connectionPool: fc.option(fc.record({
        tcp: fc.option(fc.record({ maxConnections: fc.option(fc.integer({ min: -1, max: 1000 }), { nil: undefined }), connectTimeout: fc.option(duration, { nil: undefined }) }), { nil: undefined }),
      }), { nil: undefined }),
      outlierDetection: fc.option(fc.record({
        consecutive5xxErrors: fc.option(fc.integer({ min: -1, max: 10 }), { nil: undefined }),
        interval: fc.option(duration, { nil: undefined }),
        maxEjectionPercent: fc.option(fc.integer({ min: -1, max: 101 }), { nil: undefined }),
      }), { nil: undefined }),
      tls: fc.option(tls, { nil: undefined }),
    }, { requiredKeys: [] });
    const props = fc.record({
      host,
      subsets: fc.array(fc.record({ name: subsetName, labels: fc.option(labels, { nil: undefined }), trafficPolicy: fc.option(policy, { nil: undefined }) }), { maxLength: 3 }),
      trafficPolicy: fc.option(policy, { nil: undefined }),
      exportTo: fc.option(fc.array(fc.constantFrom('.', '*', 'bookinfo'), { maxLength: 2 }), { nil: undefined }),
    });
    fc.assert(fc.property(props, p => {
      attempt('DestinationRule', p, (chart, name) => new DestinationRule(chart, 'x', { metadata: { name }, ...p as any }));
    }), PARAMS);
  });

  test('ServiceEntry', () => {
    const props = fc.record({
      hosts: fc.array(host, { minLength: 0, maxLength: 2 }),
      addresses: fc.option(fc.array(cidr, { maxLength: 2 }), { nil: undefined }),
      ports: fc.option(fc.array(fc.record({ number: port, name: fc.constantFrom('http', 'https', 'tcp', 'tls', 'Bad_Name'), protocol: fc.option(enumOrBogus(PortProtocol), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      location: fc.option(enumOrBogus(ServiceEntryLocation), { nil: undefined }),
      resolution: fc.option(enumOrBogus(ServiceEntryResolution), { nil: undefined }),
      endpoints: fc.option(fc.array(fc.record({
        address: fc.option(fc.constantFrom('10.0.0.1', 'vm.example.com', 'db.42', 'unix:///var/run/a.sock', '2001:db8::1'), { nil: undefined }),
        ports: fc.option(fc.dictionary(fc.constantFrom('http', 'https', 'tcp'), port, { maxKeys: 2 }), { nil: undefined }),
        weight: fc.option(fc.integer({ min: -1, max: 100 }), { nil: undefined }),
      }), { maxLength: 2 }), { nil: undefined }),
      workloadSelector: selector,
      exportTo: fc.option(fc.array(fc.constantFrom('.', '*', '~', 'bookinfo'), { maxLength: 2 }), { nil: undefined }),
    });
    const plausible = fc.record({
      hosts: fc.constantFrom(['api.example.com'], ['*.wikipedia.org'], ['db.internal', 'db2.internal']),
      ports: fc.constantFrom([{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }], [{ number: 80, name: 'http', protocol: PortProtocol.HTTP }], [{ number: 443, name: 'tls', protocol: PortProtocol.TLS }]),
      location: fc.constantFrom(ServiceEntryLocation.MESH_EXTERNAL, ServiceEntryLocation.MESH_INTERNAL),
      resolution: fc.constantFrom(ServiceEntryResolution.DNS, ServiceEntryResolution.NONE, ServiceEntryResolution.DYNAMIC_DNS, ServiceEntryResolution.STATIC),
      endpoints: fc.option(fc.constant([{ address: '10.0.0.1' }]), { nil: undefined }),
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
      egress: fc.option(fc.array(fc.record({
        hosts: fc.array(sidecarHost, { minLength: 0, maxLength: 2 }),
        port: fc.option(fc.record({ number: port, protocol: fc.option(enumOrBogus(PortProtocol), { nil: undefined }), name: fc.option(fc.constantFrom('http', 'tcp'), { nil: undefined }) }), { nil: undefined }),
      }), { maxLength: 2 }), { nil: undefined }),
      ingress: fc.option(fc.array(fc.record({
        port: fc.record({ number: port, protocol: fc.option(enumOrBogus(PortProtocol), { nil: undefined }), name: fc.option(fc.constantFrom('http', 'tcp'), { nil: undefined }) }),
        defaultEndpoint: fc.option(fc.constantFrom('127.0.0.1:8080', '0.0.0.0:9080', 'unix:///var/run/app.sock', 'bad'), { nil: undefined }),
      }), { maxLength: 2 }), { nil: undefined }),
      inboundConnectionPool: fc.option(fc.record({
        tcp: fc.option(fc.record({ maxConnections: fc.option(fc.integer({ min: -1, max: 100 }), { nil: undefined }) }), { nil: undefined }),
      }), { nil: undefined }),
    });
    fc.assert(fc.property(props, p => {
      attempt('Sidecar', p, (chart, name) => new Sidecar(chart, 'x', { metadata: { name }, ...p as any }));
    }), PARAMS);
  });

  test('PeerAuthentication', () => {
    const props = fc.record({
      mtls: fc.option(enumOrBogus(MtlsMode), { nil: undefined }),
      selector,
      portLevelMtls: fc.option(fc.array(fc.record({ port, mode: enumOrBogus(MtlsMode) }), { maxLength: 2 }), { nil: undefined }),
    });
    fc.assert(fc.property(props, p => {
      attempt('PeerAuthentication', p, (chart, name) => new PeerAuthentication(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('AuthorizationPolicy', () => {
    const principal = fc.constantFrom('cluster.local/ns/bookinfo/sa/reviews', '*', 'spiffe://x', 'cluster.local/ns/*').map(p => Principal.of(p));
    const source = fc.record({
      principals: fc.option(fc.array(principal, { maxLength: 2 }), { nil: undefined }),
      namespaces: fc.option(fc.array(namespace, { maxLength: 2 }), { nil: undefined }),
      ipBlocks: fc.option(fc.array(cidr, { maxLength: 2 }), { nil: undefined }),
      trustDomains: fc.option(fc.array(fc.constantFrom('cluster.local', 'example.com'), { maxLength: 1 }), { nil: undefined }),
      serviceAccounts: fc.option(fc.array(fc.constantFrom('bookinfo/reviews', 'reviews', 'a/b/c', 'x/*'), { maxLength: 2 }), { nil: undefined }),
    }, { requiredKeys: [] });
    const operation = fc.record({
      methods: fc.option(fc.array(fc.constantFrom('GET', 'POST', 'get'), { maxLength: 2 }), { nil: undefined }),
      paths: fc.option(fc.array(fc.constantFrom('/productpage', '/api/*', '*/info', '/a/{*}/b', 'nope'), { maxLength: 2 }), { nil: undefined }),
      ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }),
    }, { requiredKeys: [] });
    const condition = fc.record({
      key: fc.constantFrom('request.headers[x-token]', 'request.experimental.inline.headers[x]', 'source.ip', 'destination.port', 'request.auth.claims[groups]',
        'source.namespace', 'connection.sni', 'request.headers', 'destination.labels[app]', 'unknown.key'),
      values: fc.option(fc.array(fc.constantFrom('a', '10.0.0.0/8', '8080', '0', ''), { maxLength: 2 }), { nil: undefined }),
      notValues: fc.option(fc.array(fc.constantFrom('b', '65536'), { maxLength: 1 }), { nil: undefined }),
    });
    const rule = fc.record({
      from: fc.option(fc.array(source, { maxLength: 2 }), { nil: undefined }),
      to: fc.option(fc.array(operation, { maxLength: 2 }), { nil: undefined }),
      when: fc.option(fc.array(condition, { maxLength: 2 }), { nil: undefined }),
    }, { requiredKeys: [] });
    const props = fc.record({
      action: fc.option(enumOrBogus(AuthorizationAction), { nil: undefined }),
      provider: fc.option(fc.constantFrom('ext-authz', ''), { nil: undefined }),
      rules: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }),
      selector,
    });
    const plausible = fc.record({
      action: fc.constantFrom(AuthorizationAction.ALLOW, AuthorizationAction.DENY, undefined),
      rules: fc.array(fc.record({
        from: fc.option(fc.constant([{ namespaces: ['bookinfo'] }]), { nil: undefined }),
        to: fc.option(fc.array(fc.record({ methods: fc.constant(['GET']), paths: fc.constantFrom(['/productpage'], ['/api/*']) }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
        when: fc.option(fc.constant([{ key: 'request.headers[x-token]', values: ['a'] }]), { nil: undefined }),
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
      jwksUri: fc.option(fc.constantFrom('https://example.com/jwks.json', 'http://a.example.com:8080/k', 'ftp://x', 'https://a.example.com/%zz', 'https://a b.com'), { nil: undefined }),
      jwks: fc.option(jwks, { nil: undefined }),
      audiences: fc.option(fc.array(fc.constantFrom('bookinfo', 'bookinfo', ''), { maxLength: 3 }), { nil: undefined }),
      fromHeaders: fc.option(fc.array(fc.record({ name: fc.constantFrom('authorization', 'x-jwt', ''), prefix: fc.option(fc.constantFrom('Bearer '), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      timeout: fc.option(duration, { nil: undefined }),
    });
    const props = fc.record({ jwtRules: fc.option(fc.array(jwtRule, { maxLength: 2 }), { nil: undefined }), selector });
    fc.assert(fc.property(props, p => {
      attempt('RequestAuthentication', p, (chart, name) => new RequestAuthentication(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('Telemetry', () => {
    const providers = fc.option(fc.array(fc.constantFrom('zipkin', 'envoy', 'prometheus', ''), { maxLength: 2 }), { nil: undefined });
    const filter = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('response.code >= 400', "request.headers['x-debug'] == 'true'", 'connection.mtls && response.code != 200') },
      { weight: 1, arbitrary: fc.constantFrom('', 'response.code >=', '(', '"open', 'while') },
    );
    const props = fc.record({
      tracing: fc.option(fc.array(fc.record({ providers, randomSamplingPercentage: fc.option(fc.double({ min: -1, max: 101, noNaN: true }), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      accessLogging: fc.option(fc.array(fc.record({ providers, filter: fc.option(filter, { nil: undefined }), disabled: fc.option(fc.boolean(), { nil: undefined }) }), { maxLength: 2 }), { nil: undefined }),
      metrics: fc.option(fc.array(fc.record({ providers, reportingInterval: fc.option(duration, { nil: undefined }) }), { maxLength: 1 }), { nil: undefined }),
      selector,
    });
    fc.assert(fc.property(props, p => {
      attempt('Telemetry', p, (chart, name) => new Telemetry(chart, 'x', { metadata: { name, namespace: 'bookinfo' }, ...p as any }));
    }), PARAMS);
  });

  test('every construct yields both valid and rejected configurations', () => {
    for (const [kind, { synthesized, rejected }] of outcomes) {
      expect({ kind, synthesized, someSynthesized: synthesized >= RUNS / 20, someRejected: rejected > 0 }).toEqual({ kind, synthesized, someSynthesized: true, someRejected: true });
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
