import { Chart, Duration, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { AnalysisLevel } from '../src/analysis/level';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { WorkloadSelector } from '../src/core/workload-selector';
import { H2UpgradePolicy } from '../src/networking/connection-pool';
import { Destination } from '../src/networking/destination';
import { PortProtocol } from '../src/networking/protocol';
import { ServerTlsMode, TlsProtocolVersion } from '../src/networking/server-tls';
import { CaptureMode, Sidecar, SidecarOutboundTrafficPolicy, SidecarProps } from '../src/networking/sidecar';

const HASH = 'a'.repeat(64);
const SPKI = `${'A'.repeat(43)}=`;

function synthValid(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.filter(o => o.kind === 'Sidecar');
}

describe('Sidecar', () => {
  test('limits a namespace to its own services and istio-system', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new Sidecar(chart, 'default', {
      metadata: { name: 'default', namespace: 'bookinfo' },
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: SidecarOutboundTrafficPolicy.registryOnly(),
    });

    // THEN
    expect(synthValid(chart)).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'bookinfo' },
      spec: {
        egress: [{ hosts: ['./*', 'istio-system/*'] }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    }]);
  });

  test('renders every field', () => {
    const chart = Testing.chart();
    const sidecar = new Sidecar(chart, 'ratings', {
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      workloadSelector: WorkloadSelector.fromLabels({ app: 'ratings' }),
      ingress: [{
        port: { number: 9080, protocol: PortProtocol.HTTP, name: 'http' },
        bind: '0.0.0.0',
        captureMode: CaptureMode.IPTABLES,
        defaultEndpoint: '127.0.0.1:8080',
        connectionPool: {
          tcp: {
            maxConnections: 100,
            connectTimeout: Duration.millis(500),
            tcpKeepalive: { probes: 5, time: Duration.minutes(10), interval: Duration.seconds(30) },
            maxConnectionDuration: Duration.hours(2),
            idleTimeout: Duration.minutes(15),
          },
          http: {
            http1MaxPendingRequests: 100,
            http2MaxRequests: 500,
            maxRequestsPerConnection: 20,
            maxRetries: 2,
            idleTimeout: Duration.seconds(30),
            h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE,
            useClientProtocol: true,
            maxConcurrentStreams: 50,
          },
        },
      }],
      outboundTrafficPolicy: SidecarOutboundTrafficPolicy.egressProxy(
        Destination.fromHost('egress-proxy.proxies.svc.cluster.local', { port: 3128, subset: 'v1' })),
      inboundConnectionPool: {
        tcp: {
          maxConnections: 1000,
          connectTimeout: Duration.millis(250),
          tcpKeepalive: { probes: 3, time: Duration.seconds(600), interval: Duration.seconds(60) },
          maxConnectionDuration: Duration.hours(1),
          idleTimeout: Duration.minutes(5),
        },
        http: {
          http1MaxPendingRequests: 1024,
          http2MaxRequests: 2048,
          maxRequestsPerConnection: 100,
          maxRetries: 3,
          idleTimeout: Duration.minutes(1),
          h2UpgradePolicy: H2UpgradePolicy.DEFAULT,
          useClientProtocol: true,
          maxConcurrentStreams: 200,
        },
      },
    });
    sidecar.addIngress({
      port: { number: 9443, protocol: PortProtocol.HTTPS, name: 'https' },
      defaultEndpoint: 'unix:///var/run/app.sock',
      tls: {
        mode: ServerTlsMode.MUTUAL,
        serverCertificate: '/etc/certs/cert.pem',
        privateKey: '/etc/certs/key.pem',
        caCertificates: '/etc/certs/ca.pem',
        caCrl: '/etc/certs/crl.pem',
        caCertCredentialName: 'client-ca',
        verifyCertificateHash: [HASH],
        verifyCertificateSpki: [SPKI],
        minProtocolVersion: TlsProtocolVersion.TLSV1_2,
        maxProtocolVersion: TlsProtocolVersion.TLSV1_3,
        cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'],
      },
    });
    sidecar.addEgress({
      port: { number: 3306, protocol: PortProtocol.MYSQL, name: 'mysql' },
      bind: '127.0.0.1',
      captureMode: CaptureMode.NONE,
      hosts: ['*/mysql.database.svc.cluster.local'],
    });
    sidecar.addEgress({
      port: { number: 0, protocol: PortProtocol.HTTP, name: 'uds' },
      bind: 'unix:///var/run/egress.sock',
      captureMode: CaptureMode.DEFAULT,
      hosts: ['~/*'],
    });
    sidecar.addEgress({ port: { number: 3128, protocol: PortProtocol.HTTP_PROXY }, hosts: ['*/*.example.com'] });
    sidecar.addEgress({ hosts: ['./*', 'istio-system/*'] });

    expect(synthValid(chart)[0].spec).toEqual({
      workloadSelector: { labels: { app: 'ratings' } },
      ingress: [
        {
          port: { number: 9080, protocol: 'HTTP', name: 'http' },
          bind: '0.0.0.0',
          captureMode: 'IPTABLES',
          defaultEndpoint: '127.0.0.1:8080',
          connectionPool: {
            tcp: {
              maxConnections: 100,
              connectTimeout: '500ms',
              tcpKeepalive: { probes: 5, time: '600s', interval: '30s' },
              maxConnectionDuration: '7200s',
              idleTimeout: '900s',
            },
            http: {
              http1MaxPendingRequests: 100,
              http2MaxRequests: 500,
              maxRequestsPerConnection: 20,
              maxRetries: 2,
              idleTimeout: '30s',
              h2UpgradePolicy: 'DO_NOT_UPGRADE',
              useClientProtocol: true,
              maxConcurrentStreams: 50,
            },
          },
        },
        {
          port: { number: 9443, protocol: 'HTTPS', name: 'https' },
          defaultEndpoint: 'unix:///var/run/app.sock',
          tls: {
            mode: 'MUTUAL',
            serverCertificate: '/etc/certs/cert.pem',
            privateKey: '/etc/certs/key.pem',
            caCertificates: '/etc/certs/ca.pem',
            caCrl: '/etc/certs/crl.pem',
            caCertCredentialName: 'client-ca',
            verifyCertificateHash: [HASH],
            verifyCertificateSpki: [SPKI],
            minProtocolVersion: 'TLSV1_2',
            maxProtocolVersion: 'TLSV1_3',
            cipherSuites: ['ECDHE-ECDSA-AES256-GCM-SHA384'],
          },
        },
      ],
      egress: [
        { port: { number: 3306, protocol: 'MYSQL', name: 'mysql' }, bind: '127.0.0.1', captureMode: 'NONE', hosts: ['*/mysql.database.svc.cluster.local'] },
        { port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/egress.sock', captureMode: 'DEFAULT', hosts: ['~/*'] },
        { port: { number: 3128, protocol: 'HTTP_PROXY' }, hosts: ['*/*.example.com'] },
        { hosts: ['./*', 'istio-system/*'] },
      ],
      outboundTrafficPolicy: {
        mode: 'ALLOW_ANY',
        egressProxy: { host: 'egress-proxy.proxies.svc.cluster.local', subset: 'v1', port: { number: 3128 } },
      },
      inboundConnectionPool: {
        tcp: {
          maxConnections: 1000,
          connectTimeout: '250ms',
          tcpKeepalive: { probes: 3, time: '600s', interval: '60s' },
          maxConnectionDuration: '3600s',
          idleTimeout: '300s',
        },
        http: {
          http1MaxPendingRequests: 1024,
          http2MaxRequests: 2048,
          maxRequestsPerConnection: 100,
          maxRetries: 3,
          idleTimeout: '60s',
          h2UpgradePolicy: 'DEFAULT',
          useClientProtocol: true,
          maxConcurrentStreams: 200,
        },
      },
    });
  });

  test('allows any outbound traffic', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'open', { outboundTrafficPolicy: SidecarOutboundTrafficPolicy.allowAny() });
    expect(synthValid(chart)[0].spec).toEqual({ outboundTrafficPolicy: { mode: 'ALLOW_ANY' } });
  });
});

describe('Sidecar validation', () => {
  function sidecar(props: SidecarProps): Sidecar {
    return new Sidecar(Testing.chart(), 'sc', props);
  }
  const http = { number: 9080, protocol: PortProtocol.HTTP };

  test('fails for an empty Sidecar (synth time)', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'sc', { workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }) });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/sc\] spec \{\} is invalid: Istio rejects an empty Sidecar: configure ingress, egress, outboundTrafficPolicy or an inboundConnectionPool/);
  });

  test('fails for a Sidecar whose only setting is an empty inboundConnectionPool (it would render spec: {})', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'sc', { inboundConnectionPool: { tcp: {} } });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/sc\] spec \{\} is invalid: Istio rejects an empty Sidecar/);
  });

  test('fails for an invalid metadata name or labels, and for invalid workload selector labels', () => {
    expect(() => sidecar({ metadata: { name: 'Default' }, egress: [{ hosts: ['./*'] }] })).toThrow(/test\/sc: metadata\.name "Default" is invalid/);
    expect(() => sidecar({ metadata: { labels: { team: '-a' } }, egress: [{ hosts: ['./*'] }] })).toThrow(/test\/sc: metadata\.labels\["team"\] "-a" is invalid/);
    expect(() => sidecar({ workloadSelector: WorkloadSelector.fromLabels({ 'a b': 'c' }), egress: [{ hosts: ['./*'] }] }))
      .toThrow(/test\/sc: workloadSelector key "a b" is invalid/);
  });

  test('fails for an egress listener without hosts', () => {
    expect(() => sidecar({ egress: [{ hosts: [] }] }))
      .toThrow(/test\/sc: egress\[0\]\.hosts \[\] is invalid: an egress listener needs at least one host/);
  });

  test.each([
    ['reviews.bookinfo.svc.cluster.local', /must have the form "namespace\/dnsName"/],
    ['bookinfo/reviews', /short names are not allowed/],
    ['Bad_NS/*', /the namespace before "\/" must be a namespace name/],
    ['./re*views.example.com', /a wildcard may only stand alone/],
    ['a/b/c', /must have the form "namespace\/dnsName"/],
  ])('fails for the invalid egress host %p', (host, message) => {
    expect(() => sidecar({ egress: [{ hosts: [host] }] })).toThrow(/test\/sc: egress\[0\]\.hosts\[0\]/);
    expect(() => sidecar({ egress: [{ hosts: [host] }] })).toThrow(message);
  });

  test('fails for duplicate hosts and for */* with other hosts', () => {
    expect(() => sidecar({ egress: [{ hosts: ['./*', './*'] }] })).toThrow(/egress\[0\]\.hosts "\.\/\*" is invalid: must be unique/);
    expect(() => sidecar({ egress: [{ hosts: ['*/*', './*'] }] })).toThrow(/egress\[0\]\.hosts .* is invalid: "\*\/\*" already selects every host/);
  });

  test('fails for an egress listener after the catch-all listener', () => {
    const sc = sidecar({ egress: [{ hosts: ['./*'] }] });
    expect(() => sc.addEgress({ port: http, hosts: ['./*'] }))
      .toThrow(/test\/sc: egress\[1\] .* is invalid: egress\[0\] has no port and catches all traffic, so it must be the last egress listener/);
  });

  test('fails for duplicate egress ports and Unix sockets', () => {
    expect(() => sidecar({ egress: [{ port: http, hosts: ['./*'] }, { port: http, hosts: ['istio-system/*'] }] }))
      .toThrow(/test\/sc: egress\[1\]\.port\.number 9080 is invalid: egress\[0\] already uses it/);
    const uds = { port: { number: 0 }, bind: 'unix:///var/run/a.sock', hosts: ['./*'] };
    expect(() => sidecar({ egress: [uds, uds] })).toThrow(/test\/sc: egress\[1\]\.bind "unix:\/\/\/var\/run\/a\.sock" is invalid: egress\[0\] already uses it/);
  });

  test('fails for invalid egress ports, binds and capture modes', () => {
    expect(() => sidecar({ egress: [{ port: { number: 70000 }, hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.port\.number 70000 is invalid: must be an integer port number from 1 to 65535/);
    expect(() => sidecar({ egress: [{ port: { number: 0 }, hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.port\.number 0 is invalid: port 0 needs a Unix domain socket bind address/);
    expect(() => sidecar({ egress: [{ port: { number: 80 }, bind: 'unix:///var/run/a.sock', hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.port\.number 80 is invalid: must be 0 when the listener binds to a Unix domain socket/);
    expect(() => sidecar({ egress: [{ port: { number: 0 }, bind: 'unix:///var/run/a.sock', captureMode: CaptureMode.IPTABLES, hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.captureMode "IPTABLES" is invalid: must be DEFAULT or NONE for a Unix domain socket listener/);
    expect(() => sidecar({ egress: [{ port: http, bind: 'localhost', hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.bind "localhost" is invalid: must be an IP address/);
    expect(() => sidecar({ egress: [{ port: http, captureMode: 'SOMETIMES' as CaptureMode, hosts: ['./*'] }] }))
      .toThrow(/egress\[0\]\.captureMode "SOMETIMES" is invalid: must be one of DEFAULT, IPTABLES, NONE/);
  });

  test('fails for invalid ingress ports, names and duplicates', () => {
    expect(() => sidecar({ ingress: [{ port: { number: 0 } }] })).toThrow(/test\/sc: ingress\[0\]\.port\.number 0 is invalid/);
    expect(() => sidecar({ ingress: [{ port: { number: 80, name: 'Web_80' } }] })).toThrow(/ingress\[0\]\.port\.name "Web_80" is invalid/);
    expect(() => sidecar({ ingress: [{ port: http }, { port: http }] }))
      .toThrow(/test\/sc: ingress\[1\]\.port\.number 9080 is invalid: ingress\[0\] already listens on this port/);
    expect(() => sidecar({ ingress: [{ port: { number: 80, protocol: PortProtocol.HTTP_PROXY } }] }))
      .toThrow(/ingress\[0\]\.port\.protocol "HTTP_PROXY" is invalid: HTTP_PROXY is only supported on Sidecar egress listeners/);
  });

  test('fails for an ingress bind that is not an IP address', () => {
    expect(() => sidecar({ ingress: [{ port: http, bind: 'unix:///var/run/a.sock' }] }))
      .toThrow(/ingress\[0\]\.bind "unix:\/\/\/var\/run\/a\.sock" is invalid: must be an IP address; Unix domain sockets are not supported here/);
  });

  test.each(['10.1.2.3:8080', '127.0.0.1', 'localhost:8080', '127.0.0.1:99999', 'unix://relative.sock'])('fails for the defaultEndpoint %p', (endpoint) => {
    expect(() => sidecar({ ingress: [{ port: http, defaultEndpoint: endpoint }] }))
      .toThrow(/test\/sc: ingress\[0\]\.defaultEndpoint .* is invalid/);
  });

  test('fails for ingress TLS the sidecar does not support', () => {
    const files = { serverCertificate: '/c.pem', privateKey: '/k.pem' };
    const https = { number: 9443, protocol: PortProtocol.HTTPS };
    expect(() => sidecar({ ingress: [{ port: https, tls: { mode: ServerTlsMode.SIMPLE, credentialName: 'cert' } }] }))
      .toThrow(/test\/sc: ingress\[0\]\.tls\.credentialName "cert" is invalid: is not supported on Sidecar ingress listeners/);
    expect(() => sidecar({ ingress: [{ port: https, tls: { mode: ServerTlsMode.ISTIO_MUTUAL } }] }))
      .toThrow(/ingress\[0\]\.tls\.mode "ISTIO_MUTUAL" is invalid: a Sidecar ingress listener supports PASSTHROUGH, SIMPLE, MUTUAL and OPTIONAL_MUTUAL/);
    expect(() => sidecar({ ingress: [{ port: https, tls: { mode: ServerTlsMode.SIMPLE, ...files, httpsRedirect: true } }] }))
      .toThrow(/ingress\[0\]\.tls\.httpsRedirect true is invalid: is not supported on Sidecar ingress listeners/);
    expect(() => sidecar({ ingress: [{ port: http, tls: { mode: ServerTlsMode.SIMPLE, ...files } }] }))
      .toThrow(/ingress\[0\]\.tls .* is invalid: TLS settings need an HTTPS or TLS port, not HTTP/);
    expect(() => sidecar({ ingress: [{ port: { number: 9443 }, tls: { mode: ServerTlsMode.SIMPLE, ...files } }] }))
      .toThrow(/ingress\[0\]\.port\.protocol undefined is invalid: must be HTTPS or TLS when the listener terminates TLS/);
    expect(() => sidecar({ ingress: [{ port: https, tls: { mode: ServerTlsMode.SIMPLE } }] }))
      .toThrow(/ingress\[0\]\.tls .* is invalid: SIMPLE mode terminates TLS and needs a certificate/);
  });

  test('fails for invalid connection pools', () => {
    expect(() => sidecar({ inboundConnectionPool: {} })).toThrow(/test\/sc: inboundConnectionPool \{\} is invalid/);
    expect(() => sidecar({ ingress: [{ port: http, connectionPool: { tcp: { connectTimeout: Duration.millis(0) } } }] }))
      .toThrow(/test\/sc: ingress\[0\]\.connectionPool\.tcp\.connectTimeout/);
  });

  test('fails for an egress proxy without a port', () => {
    expect(() => sidecar({ outboundTrafficPolicy: SidecarOutboundTrafficPolicy.egressProxy(Destination.fromHost('proxy.example.com')) }))
      .toThrow(/test\/sc: outboundTrafficPolicy\.egressProxy\.port undefined is invalid: is required/);
  });

  test('fails for a workload selector without labels', () => {
    expect(() => sidecar({ workloadSelector: WorkloadSelector.fromLabels({}), egress: [{ hosts: ['./*'] }] }))
      .toThrow(/test\/sc: workloadSelector .* is invalid: selects no labels/);
  });
});

describe('Sidecar selection', () => {
  test('two Sidecars of a namespace without selector, or with the same selector, synthesize (istioctl analyze reports IST0110/IST0111)', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'a', { metadata: { namespace: 'bookinfo' }, egress: [{ hosts: ['./*'] }] });
    new Sidecar(chart, 'b', { metadata: { namespace: 'bookinfo' }, egress: [{ hosts: ['istio-system/*'] }] });
    new Sidecar(chart, 'c', { workloadSelector: WorkloadSelector.fromLabels({ app: 'x', v: '1' }), egress: [{ hosts: ['./*'] }] });
    new Sidecar(chart, 'd', { workloadSelector: WorkloadSelector.fromLabels({ v: '1', app: 'x' }), egress: [{ hosts: ['./*'] }] });
    // the analysis reports them at istioctl's level, Errors, which fail synth until lowered
    expect(() => Testing.synth(chart)).toThrow(/\[test\/a\] Error \[IST0111\]/);
    MeshAnalysis.setLevel(chart, 'IST0110', AnalysisLevel.IGNORE);
    MeshAnalysis.setLevel(chart, 'IST0111', AnalysisLevel.IGNORE);
    expect(synthValid(chart)).toHaveLength(4);
  });

  test('allows one default Sidecar per namespace and distinct selectors', () => {
    const chart = Testing.chart();
    new Sidecar(chart, 'a', { metadata: { namespace: 'one' }, egress: [{ hosts: ['./*'] }] });
    new Sidecar(chart, 'b', { metadata: { namespace: 'two' }, egress: [{ hosts: ['./*'] }] });
    new Sidecar(chart, 'c', { metadata: { namespace: 'one' }, workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }), egress: [{ hosts: ['./*'] }] });
    expect(synthValid(chart)).toHaveLength(3);
  });
});
