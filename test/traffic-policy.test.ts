import { Duration, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { ClientTls } from '../src/networking/client-tls';
import { ConnectionPoolOptions, H2UpgradePolicy } from '../src/networking/connection-pool';
import { DestinationRule } from '../src/networking/destination-rule';
import { HashAlgorithm, HashKey, LoadBalancer, LoadBalancerOptions, SimpleLoadBalancer } from '../src/networking/load-balancer';
import { PortTrafficPolicyOptions, ProxyProtocolVersion, TrafficPolicyOptions, TunnelProtocol } from '../src/networking/traffic-policy';

/** A connection pool setting every TCP and HTTP field, and how it must render. */
const EVERY_CONNECTION_POOL: ConnectionPoolOptions = {
  tcp: {
    maxConnections: 100,
    connectTimeout: Duration.millis(30),
    tcpKeepalive: { probes: 3, time: Duration.seconds(7200), interval: Duration.seconds(75) },
    maxConnectionDuration: Duration.minutes(30),
    idleTimeout: Duration.hours(1),
  },
  http: {
    http1MaxPendingRequests: 1,
    http2MaxRequests: 1000,
    maxRequestsPerConnection: 10,
    maxRetries: 3,
    idleTimeout: Duration.seconds(90),
    h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE,
    useClientProtocol: true,
    maxConcurrentStreams: 100,
  },
};
const EVERY_CONNECTION_POOL_RENDERED = {
  tcp: {
    maxConnections: 100,
    connectTimeout: '30ms',
    tcpKeepalive: { probes: 3, time: '7200s', interval: '75s' },
    maxConnectionDuration: '1800s',
    idleTimeout: '3600s',
  },
  http: {
    http1MaxPendingRequests: 1,
    http2MaxRequests: 1000,
    maxRequestsPerConnection: 10,
    maxRetries: 3,
    idleTimeout: '90s',
    h2UpgradePolicy: 'DO_NOT_UPGRADE',
    useClientProtocol: true,
    maxConcurrentStreams: 100,
  },
};

/** Synthesizes a rule with the given top-level policy and returns its spec.trafficPolicy. */
function policyOf(trafficPolicy: TrafficPolicyOptions): any {
  const chart = Testing.chart();
  new DestinationRule(chart, 'rule', { host: 'reviews', trafficPolicy });
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests[0].spec.trafficPolicy;
}

/** Expects constructing a rule with this policy to throw `message`. */
function expectPolicyError(trafficPolicy: TrafficPolicyOptions, message: RegExp): void {
  expect(() => new DestinationRule(Testing.chart(), 'rule', { host: 'reviews', trafficPolicy })).toThrow(message);
}

describe('load balancer', () => {
  test('renders every simple algorithm', () => {
    for (const algorithm of [SimpleLoadBalancer.UNSPECIFIED, SimpleLoadBalancer.LEAST_REQUEST, SimpleLoadBalancer.RANDOM,
      SimpleLoadBalancer.PASSTHROUGH, SimpleLoadBalancer.ROUND_ROBIN]) {
      expect(policyOf({ loadBalancer: LoadBalancer.simple(algorithm) })).toEqual({ loadBalancer: { simple: algorithm } });
    }
  });

  test('renders consistent hash on a header, with ring hash', () => {
    expect(policyOf({
      loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpHeader('x-user'), algorithm: HashAlgorithm.ringHash(2048) }),
    })).toEqual({ loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 2048 } } } });
  });

  test('renders consistent hash on a cookie with path, ttl and attributes, with maglev', () => {
    expect(policyOf({
      loadBalancer: LoadBalancer.consistentHash({
        key: HashKey.httpCookie('session', { path: '/', ttl: Duration.hours(1), attributes: { SameSite: 'Strict', Secure: '' } }),
        algorithm: HashAlgorithm.maglev(131071),
      }),
    })).toEqual({
      loadBalancer: {
        consistentHash: {
          httpCookie: { name: 'session', path: '/', ttl: '3600s', attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }] },
          maglev: { tableSize: 131071 },
        },
      },
    });
  });

  test('renders consistent hash on source IP, query parameter, session cookie, default maglev and deprecated minimumRingSize', () => {
    expect(policyOf({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.sourceIp(), algorithm: HashAlgorithm.maglev() }) }))
      .toEqual({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } } });
    expect(policyOf({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpQueryParameter('user') }) }))
      .toEqual({ loadBalancer: { consistentHash: { httpQueryParameterName: 'user' } } });
    expect(policyOf({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpCookie('s', { ttl: Duration.seconds(0) }) }) }))
      .toEqual({ loadBalancer: { consistentHash: { httpCookie: { name: 's', ttl: '0s' } } } });
    expect(policyOf({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.sourceIp(), minimumRingSize: 1024 }) }))
      .toEqual({ loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024 } } });
  });

  test('renders locality distribute, failover, failoverPriority, enabled and warmup', () => {
    expect(policyOf({
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN, {
        localityLbSetting: {
          enabled: true,
          distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }],
        },
        warmup: { duration: Duration.seconds(30), minimumPercent: 10, aggression: 2 },
      }),
      outlierDetection: { consecutive5xxErrors: 5 },
    })).toEqual({
      loadBalancer: {
        simple: 'ROUND_ROBIN',
        localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
        warmup: { duration: '30s', minimumPercent: 10, aggression: 2 },
      },
      outlierDetection: { consecutive5xxErrors: 5 },
    });
    expect(policyOf({
      loadBalancer: LoadBalancer.withOptions({
        localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['topology.istio.io/network', 'custom=x'] },
        warmupDuration: Duration.seconds(15),
      }),
      outlierDetection: { consecutive5xxErrors: 5 },
    })).toEqual({
      loadBalancer: {
        localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['topology.istio.io/network', 'custom=x'] },
        warmupDurationSecs: '15s',
      },
      outlierDetection: { consecutive5xxErrors: 5 },
    });
  });

  test('fails on consistent hash with both minimumRingSize and an algorithm', () => {
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ algorithm: HashAlgorithm.maglev(), minimumRingSize: 10 }) },
      /test\/rule: trafficPolicy\.loadBalancer\.consistentHash\.minimumRingSize 10 is invalid: cannot be combined with algorithm/);
  });

  test('fails on a maglev table size that is not a prime below 5000011', () => {
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ algorithm: HashAlgorithm.maglev(65536) }) },
      /test\/rule: trafficPolicy\.loadBalancer\.consistentHash\.maglev\.tableSize 65536 is invalid: must be a prime number/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ algorithm: HashAlgorithm.maglev(5000011) }) }, /maglev\.tableSize 5000011 is invalid/);
  });

  test('fails on negative or oversized ring sizes', () => {
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ algorithm: HashAlgorithm.ringHash(-1) }) },
      /trafficPolicy\.loadBalancer\.consistentHash\.ringHash\.minimumRingSize -1 is invalid/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ algorithm: HashAlgorithm.ringHash(8388609) }) }, /minimumRingSize 8388609 is invalid: must be at most 8388608/);
  });

  test('fails on empty hash keys, bad cookie paths and sub-millisecond cookie ttl', () => {
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpHeader('') }) }, /consistentHash\.httpHeaderName "" is invalid: must not be empty/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpCookie('') }) }, /consistentHash\.httpCookie\.name "" is invalid/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpCookie('s', { path: 'x' }) }) }, /httpCookie\.path "x" is invalid: must start with "\/"/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpCookie('s', { ttl: Duration.millis(0.5) }) }) }, /httpCookie\.ttl .* is invalid: must be at least 1ms/);
  });

  test('fails on locality distribute together with failover', () => {
    expectPolicyError({
      loadBalancer: LoadBalancer.withOptions({
        localityLbSetting: { distribute: [{ from: 'a/*', to: { 'b/*': 100 } }], failover: [{ from: 'a', to: 'b' }] },
      }),
    }, /test\/rule: trafficPolicy\.loadBalancer\.localityLbSetting \["distribute","failover"\] is invalid: only one of distribute, failover may be set/);
  });

  test('fails on locality weights that do not add up to 100 or are out of range', () => {
    const lb = (to: Record<string, number>) => LoadBalancer.withOptions({ localityLbSetting: { distribute: [{ from: 'us-west/*', to }] } });
    expectPolicyError({ loadBalancer: lb({ 'us-west/*': 50, 'us-east/*': 40 }) },
      /localityLbSetting\.distribute\[0\]\.to .* is invalid: weights add up to 90; they must add up to 100/);
    expectPolicyError({ loadBalancer: lb({ 'us-west/*': 0, 'us-east/*': 100 }) }, /distribute\[0\]\.to\["us-west\/\*"\] 0 is invalid: must be an integer from 1 to 100/);
    expectPolicyError({ loadBalancer: lb({ 'us-west/*/a': 100 }) }, /distribute\[0\]\.to "us-west\/\*\/a" is invalid: .*single "\*" wildcard/);
    expectPolicyError({ loadBalancer: lb({ 'us-west': 50, 'us-west/zone1': 50 }) }, /distribute\[0\]\.to "us-west\/zone1" is invalid: overlaps with "us-west"/);
  });

  test('fails on invalid failover regions and topology failover priority with failover', () => {
    const lb = (failover: any[], failoverPriority?: string[]) => LoadBalancer.withOptions({ localityLbSetting: { failover, failoverPriority } });
    expectPolicyError({ loadBalancer: lb([{ from: 'us-east', to: 'us-east' }]) }, /localityLbSetting\.failover\[0\] .* is invalid: must fail over to a different region/);
    expectPolicyError({ loadBalancer: lb([{ from: 'us-east/zone1', to: 'us-west' }]) }, /failover\[0\] "us-east\/zone1" is invalid: failover names regions only/);
    expectPolicyError({ loadBalancer: lb([{ from: 'us-east', to: 'us-west' }], ['topology.kubernetes.io/region']) },
      /localityLbSetting\.failoverPriority\[0\] "topology\.kubernetes\.io\/region" is invalid: topology labels cannot be used together with failover/);
  });

  test('fails on warmup out of range and warmup with the deprecated warmupDuration', () => {
    const rr = (options: LoadBalancerOptions) => LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN, options);
    expectPolicyError({ loadBalancer: rr({ warmup: { duration: Duration.seconds(1), minimumPercent: 101 } }) },
      /trafficPolicy\.loadBalancer\.warmup\.minimumPercent 101 is invalid: must be a percentage from 0 to 100/);
    expectPolicyError({ loadBalancer: rr({ warmup: { duration: Duration.seconds(1), aggression: 0 } }) },
      /warmup\.aggression 0 is invalid: must be a positive number/);
    expectPolicyError({ loadBalancer: rr({ warmup: { duration: Duration.millis(0.5) } }) },
      /warmup\.duration .* is invalid: must be at least 1ms/);
    expectPolicyError({ loadBalancer: rr({ warmup: { duration: Duration.seconds(1) }, warmupDuration: Duration.seconds(1) }) },
      /trafficPolicy\.loadBalancer \["warmup","warmupDuration"\] is invalid: only one of warmup, warmupDuration may be set/);
    expectPolicyError({ loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM, { warmup: { duration: Duration.seconds(1) } }) },
      /trafficPolicy\.loadBalancer\.warmup "RANDOM" is invalid: warm-up only applies to ROUND_ROBIN and LEAST_REQUEST/);
    expectPolicyError({ loadBalancer: LoadBalancer.consistentHash({ key: HashKey.sourceIp(), warmupDuration: Duration.seconds(1) }) },
      /trafficPolicy\.loadBalancer\.warmup "consistentHash" is invalid/);
  });
});

describe('connection pool', () => {
  test('renders every tcp and http field', () => {
    expect(policyOf({
      connectionPool: EVERY_CONNECTION_POOL,
    })).toEqual({
      connectionPool: EVERY_CONNECTION_POOL_RENDERED,
    });
  });

  test('fails on an empty connection pool', () => {
    expectPolicyError({ connectionPool: {} }, /test\/rule: trafficPolicy\.connectionPool \{\} is invalid: set tcp, http or both/);
  });

  test('fails on negative counts', () => {
    expectPolicyError({ connectionPool: { tcp: { maxConnections: -1 } } }, /trafficPolicy\.connectionPool\.tcp\.maxConnections -1 is invalid: must be an integer from 0/);
    expectPolicyError({ connectionPool: { http: { http1MaxPendingRequests: -1 } } }, /connectionPool\.http\.http1MaxPendingRequests -1 is invalid/);
    expectPolicyError({ connectionPool: { http: { http2MaxRequests: 1.5 } } }, /connectionPool\.http\.http2MaxRequests 1\.5 is invalid/);
    expectPolicyError({ connectionPool: { http: { maxRequestsPerConnection: -2 } } }, /connectionPool\.http\.maxRequestsPerConnection -2 is invalid/);
    expectPolicyError({ connectionPool: { http: { maxRetries: -1 } } }, /connectionPool\.http\.maxRetries -1 is invalid/);
    expectPolicyError({ connectionPool: { http: { maxConcurrentStreams: -1 } } }, /connectionPool\.http\.maxConcurrentStreams -1 is invalid/);
    expectPolicyError({ connectionPool: { tcp: { tcpKeepalive: { probes: -1 } } } }, /connectionPool\.tcp\.tcpKeepalive\.probes -1 is invalid/);
  });

  test('fails on durations under 1ms or with sub-millisecond precision', () => {
    expectPolicyError({ connectionPool: { tcp: { connectTimeout: Duration.millis(0) } } }, /trafficPolicy\.connectionPool\.tcp\.connectTimeout 0 .* is invalid: must be at least 1ms/);
    expectPolicyError({ connectionPool: { tcp: { idleTimeout: Duration.millis(0.5) } } }, /connectionPool\.tcp\.idleTimeout .* is invalid: must be at least 1ms/);
    expectPolicyError({ connectionPool: { tcp: { maxConnectionDuration: Duration.millis(1.5) } } }, /connectionPool\.tcp\.maxConnectionDuration .* is invalid: must be a whole number of milliseconds/);
    expectPolicyError({ connectionPool: { tcp: { tcpKeepalive: { time: Duration.millis(0) } } } }, /connectionPool\.tcp\.tcpKeepalive\.time .* is invalid/);
    expectPolicyError({ connectionPool: { tcp: { tcpKeepalive: { interval: Duration.millis(0) } } } }, /connectionPool\.tcp\.tcpKeepalive\.interval .* is invalid/);
    expectPolicyError({ connectionPool: { http: { idleTimeout: Duration.millis(0) } } }, /connectionPool\.http\.idleTimeout .* is invalid/);
  });

  test('fails on useClientProtocol with h2UpgradePolicy UPGRADE', () => {
    expectPolicyError({ connectionPool: { http: { h2UpgradePolicy: H2UpgradePolicy.UPGRADE, useClientProtocol: true } } },
      /trafficPolicy\.connectionPool\.http\.useClientProtocol true is invalid: cannot be true when h2UpgradePolicy is UPGRADE/);
  });
});

describe('outlier detection', () => {
  test('renders every field', () => {
    expect(policyOf({
      outlierDetection: {
        splitExternalLocalOriginErrors: true,
        consecutiveLocalOriginFailures: 3,
        consecutiveGatewayErrors: 2,
        consecutive5xxErrors: 7,
        interval: Duration.seconds(5),
        baseEjectionTime: Duration.minutes(15),
        maxEjectionPercent: 100,
        minHealthPercent: 50,
      },
    })).toEqual({
      outlierDetection: {
        splitExternalLocalOriginErrors: true,
        consecutiveLocalOriginFailures: 3,
        consecutiveGatewayErrors: 2,
        consecutive5xxErrors: 7,
        interval: '5s',
        baseEjectionTime: '900s',
        maxEjectionPercent: 100,
        minHealthPercent: 50,
      },
    });
    expect(policyOf({ outlierDetection: { consecutiveErrors: 4 } })).toEqual({ outlierDetection: { consecutiveErrors: 4 } });
  });

  test('fails on percentages outside 0-100', () => {
    expectPolicyError({ outlierDetection: { maxEjectionPercent: 101 } }, /trafficPolicy\.outlierDetection\.maxEjectionPercent 101 is invalid: must be an integer from 0 to 100/);
    expectPolicyError({ outlierDetection: { minHealthPercent: -1 } }, /trafficPolicy\.outlierDetection\.minHealthPercent -1 is invalid/);
  });

  test('fails on negative counts', () => {
    expectPolicyError({ outlierDetection: { consecutive5xxErrors: -1 } }, /outlierDetection\.consecutive5xxErrors -1 is invalid/);
    expectPolicyError({ outlierDetection: { consecutiveGatewayErrors: -1 } }, /outlierDetection\.consecutiveGatewayErrors -1 is invalid/);
    expectPolicyError({ outlierDetection: { consecutiveErrors: -1 } }, /outlierDetection\.consecutiveErrors -1 is invalid/);
  });

  test('fails on interval and baseEjectionTime under 1ms', () => {
    expectPolicyError({ outlierDetection: { interval: Duration.millis(0) } }, /trafficPolicy\.outlierDetection\.interval .* is invalid: must be at least 1ms/);
    expectPolicyError({ outlierDetection: { baseEjectionTime: Duration.millis(0.1) } }, /trafficPolicy\.outlierDetection\.baseEjectionTime .* is invalid: must be at least 1ms/);
  });

  test('fails on consecutiveLocalOriginFailures without splitExternalLocalOriginErrors', () => {
    expectPolicyError({ outlierDetection: { consecutiveLocalOriginFailures: 3 } },
      /trafficPolicy\.outlierDetection\.consecutiveLocalOriginFailures 3 is invalid: only takes effect with splitExternalLocalOriginErrors: true/);
  });
});

describe('client TLS', () => {
  test('renders every mode and field', () => {
    expect(policyOf({ tls: ClientTls.disable() })).toEqual({ tls: { mode: 'DISABLE' } });
    expect(policyOf({ tls: ClientTls.istioMutual({ sni: 'reviews.bookinfo', subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] }) }))
      .toEqual({ tls: { mode: 'ISTIO_MUTUAL', sni: 'reviews.bookinfo', subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] } });
    expect(policyOf({ tls: ClientTls.simple({ caCertificates: '/etc/certs/ca.pem', caCrl: '/etc/certs/crl.pem', sni: 'api.example.com', subjectAltNames: ['api.example.com'] }) }))
      .toEqual({ tls: { mode: 'SIMPLE', caCertificates: '/etc/certs/ca.pem', caCrl: '/etc/certs/crl.pem', sni: 'api.example.com', subjectAltNames: ['api.example.com'] } });
    expect(policyOf({ tls: ClientTls.simple({ insecureSkipVerify: true }) })).toEqual({ tls: { mode: 'SIMPLE', insecureSkipVerify: true } });
    expect(policyOf({
      tls: ClientTls.mutual({ clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem' }),
    })).toEqual({ tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem' } });
    expect(policyOf({ tls: ClientTls.mutual({ credentialName: 'client-credential', insecureSkipVerify: true }) }))
      .toEqual({ tls: { mode: 'MUTUAL', credentialName: 'client-credential', insecureSkipVerify: true } });
  });

  test('fails on MUTUAL without certificates or credentialName', () => {
    expectPolicyError({ tls: ClientTls.mutual({}) },
      /test\/rule: trafficPolicy\.tls .* is invalid: MUTUAL mode needs either credentialName, or clientCertificate and privateKey \(missing clientCertificate, privateKey\)/);
    expectPolicyError({ tls: ClientTls.mutual({ clientCertificate: '/c.pem' }) }, /\(missing privateKey\)/);
  });

  test('fails on credentialName together with certificate files', () => {
    expectPolicyError({ tls: ClientTls.mutual({ credentialName: 'cred', clientCertificate: '/c.pem', privateKey: '/k.pem' }) },
      /test\/rule: trafficPolicy\.tls\.credentialName "cred" is invalid: cannot be combined with clientCertificate, privateKey/);
    expectPolicyError({ tls: ClientTls.simple({ credentialName: 'cred', caCertificates: '/ca.pem' }) }, /tls\.credentialName "cred" is invalid: cannot be combined with caCertificates/);
    expectPolicyError({ tls: ClientTls.simple({ credentialName: 'cred', caCrl: '/crl.pem' }) }, /tls\.credentialName "cred" is invalid: cannot be combined with caCrl/);
  });

  test('fails on insecureSkipVerify with verification settings', () => {
    expectPolicyError({ tls: ClientTls.simple({ insecureSkipVerify: true, caCertificates: '/ca.pem' }) },
      /trafficPolicy\.tls\.insecureSkipVerify true is invalid: cannot be combined with caCertificates, credentialName or subjectAltNames in SIMPLE mode/);
    expectPolicyError({ tls: ClientTls.simple({ insecureSkipVerify: true, credentialName: 'cred' }) }, /tls\.insecureSkipVerify true is invalid/);
    expectPolicyError({ tls: ClientTls.mutual({ insecureSkipVerify: true, credentialName: 'cred', subjectAltNames: ['a'] }) },
      /tls\.insecureSkipVerify true is invalid: cannot be combined with caCertificates or subjectAltNames in MUTUAL mode/);
  });

  test('fails on empty strings and configmap credentials from another namespace', () => {
    expectPolicyError({ tls: ClientTls.simple({ sni: '' }) }, /trafficPolicy\.tls\.sni "" is invalid: must not be empty/);
    expectPolicyError({ tls: ClientTls.istioMutual({ subjectAltNames: [''] }) }, /trafficPolicy\.tls\.subjectAltNames\[0\] "" is invalid/);
    expect(() => new DestinationRule(Testing.chart(), 'rule', {
      host: 'reviews', metadata: { namespace: 'bookinfo' }, trafficPolicy: { tls: ClientTls.simple({ credentialName: 'configmap://other/ca' }) },
    })).toThrow(/test\/rule: trafficPolicy\.tls\.credentialName "configmap:\/\/other\/ca" is invalid: a configmap:\/\/ credential must be in the namespace/);
  });
});

describe('tunnel, proxy protocol, retry budget, port and subset level', () => {
  test('renders tunnel, proxyProtocol and retryBudget', () => {
    expect(policyOf({ tunnel: { targetHost: 'egress.example.com', targetPort: 8443, protocol: TunnelProtocol.POST } }))
      .toEqual({ tunnel: { targetHost: 'egress.example.com', targetPort: 8443, protocol: 'POST' } });
    expect(policyOf({ tunnel: { targetHost: '10.0.0.1', targetPort: 3128 } })).toEqual({ tunnel: { targetHost: '10.0.0.1', targetPort: 3128 } });
    expect(policyOf({ proxyProtocol: ProxyProtocolVersion.V2 })).toEqual({ proxyProtocol: { version: 'V2' } });
    expect(policyOf({ retryBudget: { percent: 25.5, minRetryConcurrency: 5 } })).toEqual({ retryBudget: { percent: 25.5, minRetryConcurrency: 5 } });
    expect(policyOf({ retryBudget: {} })).toEqual({ retryBudget: {} });
  });

  test('renders every policy at port level and subset level', () => {
    // GIVEN
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'rule', { host: 'reviews' });

    // WHEN
    rule.addSubset('v1', {
      labels: { version: 'v1' },
      trafficPolicy: {
        tls: ClientTls.istioMutual(),
        portLevelSettings: [{
          port: 9080,
          loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpHeader('x-user') }),
          connectionPool: { http: { maxRetries: 1 } },
          outlierDetection: { consecutive5xxErrors: 1 },
          tls: ClientTls.disable(),
        }],
        proxyProtocol: ProxyProtocolVersion.V1,
        retryBudget: { percent: 10 },
      },
    });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.subsets[0].trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      portLevelSettings: [{
        port: { number: 9080 },
        loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } },
        connectionPool: { http: { maxRetries: 1 } },
        outlierDetection: { consecutive5xxErrors: 1 },
        tls: { mode: 'DISABLE' },
      }],
      proxyProtocol: { version: 'V1' },
      retryBudget: { percent: 10 },
    });
    expectValidIstio(manifests);
  });

  test('renders every field at top level, at port level, in a subset and in subset port-level settings', () => {
    // GIVEN: one policy that sets every field (exclusive variants: see the next test)
    const connectionPool = EVERY_CONNECTION_POOL;
    const outlierDetection = {
      splitExternalLocalOriginErrors: true,
      consecutiveLocalOriginFailures: 3,
      consecutiveGatewayErrors: 2,
      consecutive5xxErrors: 7,
      interval: Duration.seconds(5),
      baseEjectionTime: Duration.minutes(15),
      maxEjectionPercent: 100,
      minHealthPercent: 50,
    };
    const tls = ClientTls.mutual({
      clientCertificate: '/etc/certs/client.pem',
      privateKey: '/etc/certs/key.pem',
      caCertificates: '/etc/certs/ca.pem',
      caCrl: '/etc/certs/crl.pem',
      sni: 'reviews.bookinfo.svc.cluster.local',
      subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'],
    });
    const policy: TrafficPolicyOptions = {
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST, {
        localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
        warmup: { duration: Duration.seconds(30), minimumPercent: 10, aggression: 2 },
      }),
      connectionPool,
      outlierDetection,
      tls,
      portLevelSettings: [
        {
          port: 9080,
          loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
          connectionPool,
          outlierDetection,
          tls,
        },
      ],
      tunnel: { targetHost: 'egress.example.com', targetPort: 8443, protocol: TunnelProtocol.CONNECT },
      retryBudget: { percent: 25, minRetryConcurrency: 5 },
    };
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'rule', { host: 'reviews', trafficPolicy: policy });

    // WHEN
    rule.addSubset('v1', { labels: { version: 'v1' }, trafficPolicy: policy });

    // THEN
    const pool = EVERY_CONNECTION_POOL_RENDERED;
    const outlier = {
      splitExternalLocalOriginErrors: true,
      consecutiveLocalOriginFailures: 3,
      consecutiveGatewayErrors: 2,
      consecutive5xxErrors: 7,
      interval: '5s',
      baseEjectionTime: '900s',
      maxEjectionPercent: 100,
      minHealthPercent: 50,
    };
    const mutual = {
      mode: 'MUTUAL',
      clientCertificate: '/etc/certs/client.pem',
      privateKey: '/etc/certs/key.pem',
      caCertificates: '/etc/certs/ca.pem',
      caCrl: '/etc/certs/crl.pem',
      sni: 'reviews.bookinfo.svc.cluster.local',
      subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'],
    };
    const expected = {
      loadBalancer: {
        simple: 'LEAST_REQUEST',
        localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
        warmup: { duration: '30s', minimumPercent: 10, aggression: 2 },
      },
      connectionPool: pool,
      outlierDetection: outlier,
      tls: mutual,
      portLevelSettings: [
        {
          port: { number: 9080 },
          loadBalancer: { simple: 'ROUND_ROBIN' },
          connectionPool: pool,
          outlierDetection: outlier,
          tls: mutual,
        },
      ],
      tunnel: { targetHost: 'egress.example.com', targetPort: 8443, protocol: 'CONNECT' },
      retryBudget: { percent: 25, minRetryConcurrency: 5 },
    };
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.trafficPolicy).toEqual(expected);
    expect(manifests[0].spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: expected }]);
    expectValidIstio(manifests);
  });

  test('renders each load balancer, client TLS and outlier variant at top level, port level, subset and subset port level', () => {
    // GIVEN: mutually exclusive variants, each as [input, expected output]
    const variants: Array<[PortTrafficPolicyOptions, any]> = [
      [
        {
          loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.LEAST_REQUEST, {
            localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
            warmup: { duration: Duration.seconds(30), minimumPercent: 10, aggression: 2 },
          }),
        },
        {
          loadBalancer: {
            simple: 'LEAST_REQUEST',
            localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
            warmup: { duration: '30s', minimumPercent: 10, aggression: 2 },
          },
        },
      ],
      [
        {
          loadBalancer: LoadBalancer.consistentHash({
            key: HashKey.httpCookie('session', { path: '/', ttl: Duration.hours(1), attributes: { SameSite: 'Strict' } }),
            algorithm: HashAlgorithm.maglev(131071),
            localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['topology.istio.io/network', 'custom=x'] },
          }),
          outlierDetection: { consecutiveErrors: 4 },
          tls: ClientTls.mutual({ credentialName: 'client-credential', insecureSkipVerify: true }),
        },
        {
          loadBalancer: {
            consistentHash: {
              httpCookie: { name: 'session', path: '/', ttl: '3600s', attributes: [{ name: 'SameSite', value: 'Strict' }] },
              maglev: { tableSize: 131071 },
            },
            localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['topology.istio.io/network', 'custom=x'] },
          },
          outlierDetection: { consecutiveErrors: 4 },
          tls: { mode: 'MUTUAL', credentialName: 'client-credential', insecureSkipVerify: true },
        },
      ],
      [
        { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN, { warmupDuration: Duration.seconds(15) }) },
        { loadBalancer: { simple: 'ROUND_ROBIN', warmupDurationSecs: '15s' } },
      ],
      [
        { loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpHeader('x-user'), algorithm: HashAlgorithm.ringHash(2048) }) },
        { loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 2048 } } } },
      ],
      [
        { loadBalancer: LoadBalancer.consistentHash({ key: HashKey.httpQueryParameter('user'), minimumRingSize: 1024 }) },
        { loadBalancer: { consistentHash: { httpQueryParameterName: 'user', minimumRingSize: 1024 } } },
      ],
      [
        { loadBalancer: LoadBalancer.consistentHash({ key: HashKey.sourceIp() }) },
        { loadBalancer: { consistentHash: { useSourceIp: true } } },
      ],
    ];

    variants.forEach(([input, output]) => {
      // WHEN
      const chart = Testing.chart();
      const policy: TrafficPolicyOptions = { ...input, portLevelSettings: [{ port: 9080, ...input }] };
      const rule = new DestinationRule(chart, 'rule', { host: 'reviews', trafficPolicy: policy });
      rule.addSubset('v1', { labels: { version: 'v1' }, trafficPolicy: policy });

      // THEN
      const expected = { ...output, portLevelSettings: [{ port: { number: 9080 }, ...output }] };
      const manifests = Testing.synth(chart);
      expect(manifests[0].spec.trafficPolicy).toEqual(expected);
      expect(manifests[0].spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: expected }]);
      expectValidIstio(manifests);
    });
  });

  test('fails on tunnel together with proxyProtocol', () => {
    expectPolicyError({ tunnel: { targetHost: 'proxy.example.com', targetPort: 3128 }, proxyProtocol: ProxyProtocolVersion.V1 },
      /test\/rule: trafficPolicy\.tunnel .* is invalid: cannot be combined with proxyProtocol/);
  });

  test('fails on invalid tunnel targets', () => {
    expectPolicyError({ tunnel: { targetHost: '*.example.com', targetPort: 3128 } }, /trafficPolicy\.tunnel\.targetHost "\*\.example\.com" is invalid/);
    expectPolicyError({ tunnel: { targetHost: 'proxy', targetPort: 0 } }, /trafficPolicy\.tunnel\.targetPort 0 is invalid: must be an integer port number from 1 to 65535/);
  });

  test('fails on retry budget out of range', () => {
    expectPolicyError({ retryBudget: { percent: 100.5 } }, /trafficPolicy\.retryBudget\.percent 100\.5 is invalid: must be a percentage from 0 to 100/);
    expectPolicyError({ retryBudget: { minRetryConcurrency: -1 } }, /trafficPolicy\.retryBudget\.minRetryConcurrency -1 is invalid/);
  });

  test('fails inside subset port-level settings with the full field path', () => {
    const rule = new DestinationRule(Testing.chart(), 'rule', { host: 'reviews' });
    expect(() => rule.addSubset('v1', { trafficPolicy: { portLevelSettings: [{ port: 80, outlierDetection: { maxEjectionPercent: 200 } }] } }))
      .toThrow(/test\/rule: subsets\[0\]\.trafficPolicy\.portLevelSettings\[0\]\.outlierDetection\.maxEjectionPercent 200 is invalid/);
  });
});
