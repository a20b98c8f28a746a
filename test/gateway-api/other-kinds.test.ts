import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chartIn, ofKind, synthValid } from './support';
import {
  BackendCaCertificates, BackendRef, BackendTlsPolicy, Gateway, GatewayClassName, GrpcMethodMatch, GrpcRoute, HttpHeaderMatch, HttpRouteFilter,
  ListenerNamespacesFrom, ListenerProtocol, ListenerSet, ReferenceGrant, RouteParent, SubjectAltName, TcpRoute, TlsModeType, TlsRoute, UdpRoute,
  UseDefaultGateways,
} from '../../src/gateway-api';

const gatewayIn = (chart: any, listeners: any[]) => new Gateway(chart, 'gw', { metadata: { name: 'gw' }, gatewayClassName: GatewayClassName.ISTIO, listeners });

describe('GRPCRoute', () => {
  test('every field: service and method matches, headers, filters, weighted backends with filters', () => {
    const chart = Testing.chart();
    const gw = gatewayIn(chart, [{ name: 'grpc', port: 50051, protocol: ListenerProtocol.HTTP }]);
    const greeter = new kplus.Service(chart, 'greeter', { metadata: { name: 'greeter' }, ports: [{ port: 50051 }] });
    const route = new GrpcRoute(chart, 'route', { metadata: { name: 'greeter' }, parents: [gw], hostnames: ['grpc.example.com'] });
    route.addRule({
      name: 'hello',
      matches: [
        { method: GrpcMethodMatch.exact('helloworld.Greeter', 'SayHello'), headers: [HttpHeaderMatch.exact('x-tenant', 'a')] },
        { method: GrpcMethodMatch.exact(undefined, 'Ping') },
        { method: GrpcMethodMatch.regularExpression('helloworld\\..*') },
      ],
      filters: [
        HttpRouteFilter.requestHeaderModifier({ set: { 'x-grpc': 'yes' } }),
        HttpRouteFilter.responseHeaderModifier({ add: { 'x-served-by': 'greeter' } }),
        HttpRouteFilter.requestMirror(BackendRef.fromService(greeter), { percent: 5 }),
        HttpRouteFilter.extensionRef({ group: 'example.com', kind: 'Auth', name: 'grpc-auth' }),
      ],
      backendRefs: [BackendRef.fromService(greeter, { weight: 2, filters: [HttpRouteFilter.requestHeaderModifier({ remove: ['x-debug'] })] })],
    });
    route.addRule({ backendRefs: [BackendRef.fromServiceName('fallback', 50051)] });
    expect(ofKind(synthValid(chart), 'GRPCRoute')[0].spec).toEqual({
      parentRefs: [{ name: 'gw' }],
      hostnames: ['grpc.example.com'],
      rules: [
        {
          name: 'hello',
          matches: [
            { method: { service: 'helloworld.Greeter', method: 'SayHello' }, headers: [{ name: 'x-tenant', value: 'a' }] },
            { method: { method: 'Ping' } },
            { method: { type: 'RegularExpression', service: 'helloworld\\..*' } },
          ],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-grpc', value: 'yes' }] } },
            { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'greeter' }] } },
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'greeter', port: 50051 }, percent: 5 } },
            { type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Auth', name: 'grpc-auth' } },
          ],
          backendRefs: [{ name: 'greeter', port: 50051, weight: 2, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-debug'] } }] }],
        },
        { backendRefs: [{ name: 'fallback', port: 50051 }] },
      ],
    });
  });

  test('fails for what the GRPCRoute CRD rejects', () => {
    const route = () => new GrpcRoute(Testing.chart(), 'g');
    expect(() => route().addRule({ matches: [{ method: GrpcMethodMatch.exact() }] })).toThrow(/g: rules\[0\].matches\[0\].method {} is invalid: set a service, a method, or both/);
    expect(() => route().addRule({ matches: [{ method: GrpcMethodMatch.exact('hello-world') }] })).toThrow(/method.service "hello-world" is invalid: must be a fully qualified gRPC service name/);
    expect(() => route().addRule({ matches: [{ method: GrpcMethodMatch.exact('a.B', 'Say.Hello') }] })).toThrow(/method.method "Say.Hello" is invalid: must be a gRPC method name/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.cors({})] })).toThrow(/rules\[0\].filters\[0\].type "CORS" is invalid: GRPCRoute filters must be one of ResponseHeaderModifier, RequestHeaderModifier, RequestMirror, ExtensionRef/);
    expect(() => route().addRule({ filters: [HttpRouteFilter.requestHeaderModifier({}), HttpRouteFilter.requestHeaderModifier({})] })).toThrow(/cannot be repeated/);
  });
});

describe('TLSRoute, TCPRoute and UDPRoute', () => {
  test('a TLSRoute (v1) passes TLS through by SNI', () => {
    const chart = chartIn('db');
    const gw = gatewayIn(chart, [{ name: 'tls', port: 443, protocol: ListenerProtocol.TLS, tls: { mode: TlsModeType.PASSTHROUGH } }]);
    const pg = new kplus.Service(chart, 'pg', { metadata: { name: 'pg' }, ports: [{ port: 5432 }] });
    const route = new TlsRoute(chart, 'r', { metadata: { name: 'pg' }, parents: [gw], hostnames: ['db.example.com', '*.db.example.com'], ruleName: 'pg', backendRefs: [BackendRef.fromService(pg, { weight: 9 })] });
    route.addBackendRef(BackendRef.fromServiceName('pg-replica', 5432, { namespace: 'replicas', weight: 1 }));
    const out = synthValid(chart);
    expect(ofKind(out, 'TLSRoute')[0]).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'TLSRoute',
      metadata: { name: 'pg', namespace: 'db' },
      spec: {
        parentRefs: [{ name: 'gw' }],
        hostnames: ['db.example.com', '*.db.example.com'],
        rules: [{ name: 'pg', backendRefs: [{ name: 'pg', port: 5432, weight: 9 }, { name: 'pg-replica', namespace: 'replicas', port: 5432, weight: 1 }] }],
      },
    });
    expect(ofKind(out, 'ReferenceGrant')[0].spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute', namespace: 'db' }]);
  });

  test('TCPRoute and UDPRoute (v1alpha2, experimental): rules, parents by port, useDefaultGateways', () => {
    const chart = Testing.chart();
    const gw = gatewayIn(chart, [{ name: 'tcp', port: 5432, protocol: ListenerProtocol.TCP }, { name: 'udp', port: 53, protocol: ListenerProtocol.UDP }]);
    const tcp = new TcpRoute(chart, 'tcp', { metadata: { name: 'pg' }, useDefaultGateways: UseDefaultGateways.NONE });
    tcp.addParent(gw, { port: 5432 });
    tcp.addParent(gw, { port: 5433 });
    tcp.addRule({ name: 'primary', backendRefs: [BackendRef.fromServiceName('pg', 5432, { weight: 1 })] });
    tcp.addRule({ backendRefs: [BackendRef.fromServiceName('pg-2', 5432)] });
    new UdpRoute(chart, 'udp', { metadata: { name: 'dns' }, parents: [gw], useDefaultGateways: UseDefaultGateways.ALL, rules: [{ backendRefs: [BackendRef.fromServiceName('coredns', 53)] }] });
    const out = synthValid(chart);
    expect(ofKind(out, 'TCPRoute')[0]).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TCPRoute',
      metadata: { name: 'pg' },
      spec: {
        parentRefs: [{ name: 'gw', port: 5432 }, { name: 'gw', port: 5433 }],
        rules: [{ name: 'primary', backendRefs: [{ name: 'pg', port: 5432, weight: 1 }] }, { backendRefs: [{ name: 'pg-2', port: 5432 }] }],
        useDefaultGateways: 'None',
      },
    });
    expect(ofKind(out, 'UDPRoute')[0].spec).toEqual({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'coredns', port: 53 }] }], useDefaultGateways: 'All' });
  });

  test('fails for what the TLSRoute, TCPRoute and UDPRoute CRDs reject', () => {
    const chart = Testing.chart();
    expect(() => new TlsRoute(chart, 'a', { hostnames: [] })).toThrow(/a: hostnames \[\] is invalid: a TLSRoute needs 1 to 16 host names/);
    expect(() => new TlsRoute(chart, 'b', { hostnames: ['10.1.2.3'] })).toThrow(/b: hostnames\[0\] "10.1.2.3" is invalid: must be a host name, not an IP address/);
    expect(() => new TlsRoute(chart, 'c', { hostnames: ['a.com'], backendRefs: [BackendRef.fromServiceName('x', 1, { filters: [HttpRouteFilter.cors({})] })] })).toThrow(/filters are only allowed on HTTPRoute and GRPCRoute backends/);
    const noBackends = Testing.chart();
    new TlsRoute(noBackends, 'd', { hostnames: ['a.com'] });
    expect(() => Testing.synth(noBackends)).toThrow(/d: rules\[0\].backendRefs \[\] is invalid: a TLSRoute needs at least one backend/);
    const tcp = new TcpRoute(chart, 'e');
    expect(() => tcp.addRule({ backendRefs: [] })).toThrow(/e: rules\[0\].backendRefs 0 is invalid: must hold 1 to 16 entries/);
    tcp.addRule({ name: 'x', backendRefs: [BackendRef.fromServiceName('a', 1)] });
    expect(() => tcp.addRule({ name: 'x', backendRefs: [BackendRef.fromServiceName('a', 1)] })).toThrow(/rules\[1\].name "x" is invalid: rules\[0\] already has this name/);
    tcp.addParent(RouteParent.fromGatewayName('gw'), { port: 1 });
    expect(() => tcp.addParent(RouteParent.fromGatewayName('gw'), { sectionName: 'a' })).toThrow(/every reference must set the same of sectionName and port/);
    expect(() => tcp.addParent(RouteParent.fromGatewayName('gw'), { port: 1 })).toThrow(/parentRefs\[1\] .* is invalid: parentRefs\[0\] already refers to this parent with the same sectionName or port/);
    expect(() => tcp.addHostname('a.com')).toThrow(/e: hostnames "a.com" is invalid: TCPRoute has no hostnames/);
    const empty = Testing.chart();
    new UdpRoute(empty, 'f');
    expect(() => Testing.synth(empty)).toThrow(/f: rules \[\] is invalid: a UDPRoute needs at least one rule/);
    expect(() => new UdpRoute(chart, 'g', { useDefaultGateways: 'Some' as any })).toThrow(/useDefaultGateways "Some" is invalid: must be one of All, None/);
  });
});

describe('ListenerSet, BackendTLSPolicy and ReferenceGrant', () => {
  test('a ListenerSet adds listeners to a shared Gateway, and routes attach to it', () => {
    const chart = chartIn('team-a');
    const shared = new Gateway(chart, 'shared', {
      metadata: { name: 'shared', namespace: 'infra' },
      gatewayClassName: GatewayClassName.ISTIO,
      allowedListeners: { from: ListenerNamespacesFrom.ALL },
      listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
    });
    const cert = new kplus.Secret(chart, 'cert', { metadata: { name: 'team-a-cert' } });
    const set = new ListenerSet(chart, 'set', { metadata: { name: 'team-a' }, gateway: shared, listeners: [{ name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, hostname: 'a.example.com', tls: { certificateRefs: [cert] } }] });
    set.addListener({ name: 'http', port: 8080, protocol: ListenerProtocol.HTTP });
    new GrpcRoute(chart, 'route', { metadata: { name: 'a' }, parents: [set], rules: [{ backendRefs: [BackendRef.fromServiceName('a', 80)] }] });
    new ListenerSet(chart, 'by-name', { metadata: { name: 'by-name' }, gateway: RouteParent.fromGatewayName('edge'), listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }] });
    const out = synthValid(chart);
    expect(ofKind(out, 'ListenerSet').map(l => l.spec)).toEqual([
      {
        parentRef: { name: 'shared', namespace: 'infra' },
        listeners: [
          { name: 'https', hostname: 'a.example.com', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'team-a-cert' }] } },
          { name: 'http', port: 8080, protocol: 'HTTP' },
        ],
      },
      { parentRef: { name: 'edge' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    ]);
    expect(ofKind(out, 'GRPCRoute')[0].spec.parentRefs).toEqual([{ kind: 'ListenerSet', name: 'team-a' }]);
    expect(() => new ListenerSet(chart, 'bad', { gateway: RouteParent.fromServiceName('x') })).toThrow(/bad: parentRef "Service" is invalid: must be a Gateway/);
    const noListeners = Testing.chart();
    new ListenerSet(noListeners, 'ls', { gateway: RouteParent.fromGatewayName('gw') });
    expect(() => Testing.synth(noListeners)).toThrow(/ls: listeners \[\] is invalid: a ListenerSet needs 1 to 64 listeners/);
  });

  test('a BackendTLSPolicy: every field', () => {
    const chart = Testing.chart();
    const payments = new kplus.Service(chart, 'payments', { metadata: { name: 'payments' }, ports: [{ port: 443, name: 'https' }] });
    const ca = new kplus.ConfigMap(chart, 'ca', { metadata: { name: 'payments-ca' } });
    const policy = new BackendTlsPolicy(chart, 'p', {
      metadata: { name: 'payments-tls' },
      targets: [{ service: payments, sectionName: 'https' }],
      hostname: 'payments.example.com',
      caCertificates: BackendCaCertificates.fromConfigMaps(ca),
      subjectAltNames: [SubjectAltName.hostname('payments.example.com'), SubjectAltName.uri('spiffe://cluster.local/ns/default/sa/payments')],
      options: { 'example.com/cipher': 'modern' },
    });
    policy.addTarget({ service: payments, sectionName: 'grpc' });
    new BackendTlsPolicy(chart, 'sys', { targets: [{ service: payments }], hostname: 'a.example.com', caCertificates: BackendCaCertificates.system() });
    new BackendTlsPolicy(chart, 'wk', { targets: [{ service: payments }], hostname: 'a.example.com', caCertificates: BackendCaCertificates.wellKnown('example.com/public-cas') });
    const out = ofKind(synthValid(chart), 'BackendTLSPolicy');
    expect(out[0].spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'payments', sectionName: 'https' }, { group: '', kind: 'Service', name: 'payments', sectionName: 'grpc' }],
      validation: {
        caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'payments-ca' }],
        hostname: 'payments.example.com',
        subjectAltNames: [{ type: 'Hostname', hostname: 'payments.example.com' }, { type: 'URI', uri: 'spiffe://cluster.local/ns/default/sa/payments' }],
      },
      options: { 'example.com/cipher': 'modern' },
    });
    expect(out.map(p => p.spec.validation.wellKnownCACertificates)).toEqual([undefined, 'System', 'example.com/public-cas']);
    expect(() => policy.addTarget({ service: payments })).toThrow(/p: targetRefs\[2\].sectionName undefined is invalid: targetRefs\[0\] targets the same Service/);
    expect(() => policy.addTarget({ service: payments, sectionName: 'https' })).toThrow(/targetRefs\[2\] .* is invalid: targetRefs\[0\] is the same target/);
    expect(() => new BackendTlsPolicy(chart, 'x', { hostname: '*.a.com', caCertificates: BackendCaCertificates.system() })).toThrow(/x: validation.hostname "\*.a.com" is invalid: must be a lowercase DNS name .* without wildcards/);
    expect(() => new BackendTlsPolicy(chart, 'y', { hostname: 'a.com', caCertificates: BackendCaCertificates.wellKnown('Mine') })).toThrow(/validation.wellKnownCACertificates "Mine" is invalid/);
    expect(() => new BackendTlsPolicy(chart, 'z', { hostname: 'a.com', caCertificates: BackendCaCertificates.system(), subjectAltNames: [SubjectAltName.uri('no-scheme')] })).toThrow(/subjectAltNames\[0\].uri "no-scheme" is invalid/);
    expect(() => new BackendTlsPolicy(chart, 'w', { hostname: 'a.com', caCertificates: BackendCaCertificates.fromConfigMaps() })).toThrow(/validation.caCertificateRefs 0 is invalid: must hold 1 to 8 entries/);
  });

  test('an explicit ReferenceGrant', () => {
    const chart = Testing.chart();
    const grant = new ReferenceGrant(chart, 'g', {
      metadata: { name: 'allow-frontend', namespace: 'backend' },
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' }],
      to: [{ group: '', kind: 'Service' }],
    });
    grant.addFrom({ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'ingress' });
    grant.addTo({ group: '', kind: 'Secret', name: 'tls' });
    grant.addTo({ group: '', kind: 'Secret', name: 'tls' });
    expect(ofKind(synthValid(chart), 'ReferenceGrant')[0]).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ReferenceGrant',
      metadata: { name: 'allow-frontend', namespace: 'backend' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' }, { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'ingress' }],
        to: [{ group: '', kind: 'Service' }, { group: '', kind: 'Secret', name: 'tls' }],
      },
    });
    expect(() => grant.addFrom({ group: 'x', kind: 'HTTPRoute', namespace: 'Bad' })).toThrow(/g: from\[2\].namespace "Bad" is invalid/);
    expect(() => grant.addTo({ group: 'UPPER', kind: 'Service' })).toThrow(/to\[2\].group "UPPER" is invalid/);
    const empty = Testing.chart();
    new ReferenceGrant(empty, 'e');
    expect(() => Testing.synth(empty)).toThrow(/e: from \[\] is invalid: a ReferenceGrant needs at least one entry/);
  });
});
