import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chartIn, ofKind, synthValid } from './support';
import {
  FrontendValidationMode, Gateway, GatewayAddress, GatewayClassName, GatewayServiceType, ListenerNamespacesFrom, ListenerProtocol,
  RouteKind, RouteNamespaces, TlsModeType, WaypointFor,
} from '../../src/gateway-api';

describe('Gateway', () => {
  test('an istio ingress Gateway with one HTTP listener', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new Gateway(chart, 'gw', {
      metadata: { name: 'bookinfo-gateway' },
      gatewayClassName: GatewayClassName.ISTIO,
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
    });
    // THEN
    expect(synthValid(chart)).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    }]);
  });

  test('every field: listeners with TLS and allowedRoutes, addresses, infrastructure, allowedListeners, tls, Istio annotations', () => {
    const chart = chartIn('ingress');
    const cert = new kplus.Secret(chart, 'cert', { metadata: { name: 'bookinfo-cert' } });
    const otherCert = new kplus.Secret(chart, 'shared-cert', { metadata: { name: 'wildcard-cert', namespace: 'certs' } });
    const params = new kplus.ConfigMap(chart, 'params', { metadata: { name: 'gw-options' } });
    const ca = new kplus.ConfigMap(chart, 'ca', { metadata: { name: 'client-ca' } });
    const clientCert = new kplus.Secret(chart, 'client', { metadata: { name: 'gw-client-cert' } });
    const gw = new Gateway(chart, 'gw', {
      metadata: { name: 'edge' },
      gatewayClassName: GatewayClassName.ISTIO,
      addresses: [GatewayAddress.ipAddress('10.0.0.10'), GatewayAddress.hostname('edge.example.com'), GatewayAddress.namedAddress('reserved-ip'),
        GatewayAddress.of('example.com/pool', 'blue')],
      infrastructure: {
        labels: { team: 'edge' },
        annotations: { 'example.com/owner': 'platform' },
        parametersRef: params,
      },
      allowedListeners: { from: ListenerNamespacesFrom.SELECTOR, selectorLabels: { 'shared-gateway': 'true' } },
      tls: {
        backendClientCertificate: clientCert,
        frontendDefault: { caCertificateRefs: [ca], mode: FrontendValidationMode.ALLOW_INSECURE_FALLBACK },
        frontendPerPort: [{ port: 8443, validation: { caCertificateRefs: [ca] } }],
      },
      istio: { serviceType: GatewayServiceType.CLUSTER_IP, nameOverride: 'edge-gw', serviceAccount: 'edge-sa' },
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP, hostname: '*.example.com' }],
    });
    gw.addListener({
      name: 'https',
      port: 443,
      protocol: ListenerProtocol.HTTPS,
      hostname: 'bookinfo.example.com',
      tls: { mode: TlsModeType.TERMINATE, certificateRefs: [cert, otherCert], options: { 'example.com/min-version': '1.3' } },
      allowedRoutes: { namespaces: RouteNamespaces.selector({ exposed: 'true' }, [kplus.LabelExpression.in('team', ['a', 'b']), kplus.LabelExpression.exists('owner')]), kinds: [RouteKind.HTTP_ROUTE, RouteKind.GRPC_ROUTE] },
    });
    gw.addListener({
      name: 'passthrough',
      port: 8443,
      protocol: ListenerProtocol.TLS,
      hostname: 'db.example.com',
      tls: { mode: TlsModeType.PASSTHROUGH },
      allowedRoutes: { namespaces: RouteNamespaces.all(), kinds: [RouteKind.TLS_ROUTE] },
    });
    gw.addListener({ name: 'tcp', port: 5432, protocol: ListenerProtocol.TCP, allowedRoutes: { namespaces: RouteNamespaces.same(), kinds: [RouteKind.TCP_ROUTE, RouteKind.of('Custom', 'example.com')] } });
    gw.addListener({ name: 'udp', port: 53, protocol: ListenerProtocol.UDP, allowedRoutes: { kinds: [RouteKind.UDP_ROUTE] } });
    gw.addListener({ name: 'proxy', port: 9000, protocol: ListenerProtocol.of('example.com/PROXY') });

    const out = synthValid(chart);
    const gateway = ofKind(out, 'Gateway')[0];
    expect(gateway.metadata).toEqual({
      name: 'edge',
      namespace: 'ingress',
      annotations: { 'networking.istio.io/service-type': 'ClusterIP', 'gateway.istio.io/name-override': 'edge-gw', 'gateway.istio.io/service-account': 'edge-sa' },
    });
    expect(gateway.spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', hostname: '*.example.com', port: 80, protocol: 'HTTP' },
        {
          name: 'https',
          hostname: 'bookinfo.example.com',
          port: 443,
          protocol: 'HTTPS',
          tls: { mode: 'Terminate', certificateRefs: [{ name: 'bookinfo-cert' }, { name: 'wildcard-cert', namespace: 'certs' }], options: { 'example.com/min-version': '1.3' } },
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: { matchLabels: { exposed: 'true' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }, { key: 'owner', operator: 'Exists' }] },
            },
            kinds: [{ kind: 'HTTPRoute' }, { kind: 'GRPCRoute' }],
          },
        },
        { name: 'passthrough', hostname: 'db.example.com', port: 8443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'TLSRoute' }] } },
        { name: 'tcp', port: 5432, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ kind: 'TCPRoute' }, { group: 'example.com', kind: 'Custom' }] } },
        { name: 'udp', port: 53, protocol: 'UDP', allowedRoutes: { kinds: [{ kind: 'UDPRoute' }] } },
        { name: 'proxy', port: 9000, protocol: 'example.com/PROXY' },
      ],
      addresses: [{ type: 'IPAddress', value: '10.0.0.10' }, { type: 'Hostname', value: 'edge.example.com' }, { type: 'NamedAddress', value: 'reserved-ip' }, { type: 'example.com/pool', value: 'blue' }],
      infrastructure: { labels: { team: 'edge' }, annotations: { 'example.com/owner': 'platform' }, parametersRef: { group: '', kind: 'ConfigMap', name: 'gw-options' } },
      allowedListeners: { namespaces: { from: 'Selector', selector: { matchLabels: { 'shared-gateway': 'true' } } } },
      tls: {
        backend: { clientCertificateRef: { name: 'gw-client-cert' } },
        frontend: {
          default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }], mode: 'AllowInsecureFallback' } },
          perPort: [{ port: 8443, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'client-ca' }] } } }],
        },
      },
    });
    // the Secret in another namespace is granted to the Gateway
    expect(ofKind(out, 'ReferenceGrant').map(g => ({ ns: g.metadata.namespace, spec: g.spec }))).toEqual([{
      ns: 'certs',
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'ingress' }], to: [{ group: '', kind: 'Secret', name: 'wildcard-cert' }] },
    }]);
  });

  test('an ambient waypoint: class istio-waypoint, an HBONE listener, waypoint-for label', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'waypoint', {
      metadata: { name: 'waypoint', namespace: 'bookinfo' },
      gatewayClassName: GatewayClassName.ISTIO_WAYPOINT,
      istio: { waypointFor: WaypointFor.ALL },
      listeners: [{ name: 'mesh', port: 15008, protocol: ListenerProtocol.HBONE }],
    });
    new Gateway(chart, 'eastwest', {
      gatewayClassName: GatewayClassName.ISTIO_EAST_WEST,
      listeners: [{ name: 'mesh', port: 15008, protocol: ListenerProtocol.HBONE, tls: { mode: TlsModeType.TERMINATE, options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } } }],
    });
    new Gateway(chart, 'remote', { gatewayClassName: GatewayClassName.ISTIO_REMOTE, listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }] });
    new Gateway(chart, 'custom', { gatewayClassName: GatewayClassName.of('my-class'), listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }] });
    const out = ofKind(synthValid(chart), 'Gateway');
    expect(out[0].metadata.labels).toEqual({ 'istio.io/waypoint-for': 'all' });
    expect(out[0].spec).toEqual({ gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    expect(out.map(g => g.spec.gatewayClassName)).toEqual(['istio-waypoint', 'istio-east-west', 'istio-remote', 'my-class']);
  });

  test('allowedListeners from Same, All and None', () => {
    const chart = Testing.chart();
    for (const from of [ListenerNamespacesFrom.SAME, ListenerNamespacesFrom.ALL, ListenerNamespacesFrom.NONE]) {
      new Gateway(chart, from, { gatewayClassName: GatewayClassName.ISTIO, allowedListeners: { from }, listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }] });
    }
    expect(ofKind(synthValid(chart), 'Gateway').map(g => g.spec.allowedListeners)).toEqual([
      { namespaces: { from: 'Same' } }, { namespaces: { from: 'All' } }, { namespaces: { from: 'None' } },
    ]);
  });

  const http = { name: 'http', port: 80, protocol: ListenerProtocol.HTTP };
  const gateway = (props: any = {}) => new Gateway(Testing.chart(), 'gw', { gatewayClassName: GatewayClassName.ISTIO, listeners: [http], ...props });

  test('fails without listeners (at synth)', () => {
    const chart = Testing.chart();
    new Gateway(chart, 'gw', { gatewayClassName: GatewayClassName.ISTIO });
    expect(() => Testing.synth(chart)).toThrow(/gw: listeners \[\] is invalid: a Gateway needs 1 to 64 listeners/);
  });

  test('fails for listener rules of the CRD', () => {
    expect(() => gateway({ listeners: [http, { ...http, port: 81 }] })).toThrow(/gw: listeners\[1\].name "http" is invalid: listeners\[0\] already has this name/);
    expect(() => gateway({ listeners: [http, { ...http, name: 'other' }] })).toThrow(/listeners\[1\] .* is invalid: listeners\[0\] has the same port, protocol and hostname/);
    expect(() => gateway({ listeners: [{ ...http, tls: { mode: TlsModeType.PASSTHROUGH } }] })).toThrow(/listeners\[0\].tls .* is invalid: must not be set for protocol HTTP/);
    expect(() => gateway({ listeners: [{ name: 'tls', port: 443, protocol: ListenerProtocol.TLS }] })).toThrow(/listeners\[0\].tls undefined is invalid: is required for protocol TLS/);
    expect(() => gateway({ listeners: [{ name: 'tcp', port: 1, protocol: ListenerProtocol.TCP, hostname: 'a.example.com' }] })).toThrow(/listeners\[0\].hostname "a.example.com" is invalid: must not be set for protocol TCP/);
    expect(() => gateway({ listeners: [{ name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, tls: { mode: TlsModeType.PASSTHROUGH } }] })).toThrow(/tls.mode "Passthrough" is invalid: must be Terminate for protocol HTTPS/);
    expect(() => gateway({ listeners: [{ name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, tls: {} }] })).toThrow(/tls.certificateRefs \[\] is invalid: a listener that terminates TLS needs certificateRefs/);
    expect(() => gateway({ listeners: [{ ...http, name: 'HTTP' }] })).toThrow(/listeners\[0\].name "HTTP" is invalid: must be a lowercase RFC 1123 subdomain/);
    expect(() => gateway({ listeners: [{ ...http, port: 0 }] })).toThrow(/listeners\[0\].port 0 is invalid: must be an integer from 1 to 65535/);
    expect(() => gateway({ listeners: [{ ...http, hostname: 'Bad_Host' }] })).toThrow(/listeners\[0\].hostname "Bad_Host" is invalid: must be a lowercase DNS name/);
    expect(() => gateway({ listeners: [{ ...http, protocol: ListenerProtocol.of('not a protocol') }] })).toThrow(/listeners\[0\].protocol "not a protocol" is invalid/);
    expect(() => gateway({ listeners: [{ ...http, allowedRoutes: { kinds: Array(9).fill(RouteKind.HTTP_ROUTE) } }] })).toThrow(/allowedRoutes.kinds 9 is invalid: may hold at most 8 entries/);
  });

  test('fails for address, infrastructure and Istio option rules', () => {
    expect(() => gateway({ addresses: [GatewayAddress.ipAddress('10.0.0.1'), GatewayAddress.ipAddress('10.0.0.1')] })).toThrow(/gw: addresses\[1\] "10.0.0.1" is invalid: addresses\[0\] already has this IPAddress value/);
    expect(() => gateway({ addresses: [GatewayAddress.hostname('Not A Host')] })).toThrow(/addresses\[0\].value "Not A Host" is invalid/);
    expect(() => gateway({ addresses: [GatewayAddress.ipAddress('10.0.0.300')] })).toThrow(/addresses\[0\].value "10.0.0.300" is invalid: must be an IPv4 or IPv6 address/);
    expect(() => gateway({ addresses: [GatewayAddress.of('bogus')] })).toThrow(/addresses\[0\].type "bogus" is invalid: must be Hostname, IPAddress, NamedAddress or a domain-prefixed type/);
    expect(() => gateway({ addresses: Array.from({ length: 17 }, (_, i) => GatewayAddress.ipAddress(`10.0.0.${i}`)) })).toThrow(/addresses 17 is invalid: may hold at most 16/);
    expect(() => gateway({ infrastructure: { labels: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`l${i}`, 'x'])) } })).toThrow(/infrastructure.labels .* is invalid: may hold at most 8 entries/);
    expect(() => gateway({ infrastructure: { annotations: { 'bad key!': 'x' } } })).toThrow(/infrastructure.annotations key "bad key!" is invalid/);
    expect(() => gateway({ istio: { serviceType: 'Headless' } })).toThrow(/istio.serviceType "Headless" is invalid: must be one of ClusterIP, NodePort, LoadBalancer/);
    expect(() => gateway({ gatewayClassName: GatewayClassName.of('') })).toThrow(/gatewayClassName "" is invalid: must be 1 to 253 characters long/);
    const chart = chartIn('a');
    const cm = new kplus.ConfigMap(chart, 'cm', { metadata: { namespace: 'b' } });
    expect(() => new Gateway(chart, 'gw', { gatewayClassName: GatewayClassName.ISTIO, infrastructure: { parametersRef: cm } })).toThrow(/infrastructure.parametersRef ".*" is invalid: must be in the Gateway's namespace \(a\), not b/);
    expect(() => gateway({ tls: { frontendDefault: { caCertificateRefs: [] } } })).toThrow(/tls.frontend.default.validation.caCertificateRefs 0 is invalid: must hold 1 to 8 entries/);
  });
});
