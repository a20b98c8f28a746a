import { deploy, findings, istio, ns, Obj, reviewsApp, svc, texts } from './fixtures';

const gatewayHttp = (name: string, namespace: string, hosts: string[], selector: Record<string, string> = { istio: 'ingressgateway' }, port = 8080): Obj =>
  istio('Gateway', name, namespace, { selector, servers: [{ port: { number: port, name: 'http', protocol: 'HTTP' }, hosts }] });
const route = (host: string, extra: Obj = {}) => ({ destination: { host, ...extra } });

describe('virtualservice analyzers', () => {
  test('IST0101 host: a destination no Service or ServiceEntry defines, with the Service of that name elsewhere', () => {
    const objects = [...reviewsApp(), svc('ratings', 'other', { app: 'ratings' }),
      istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews'], http: [{ route: [route('ratings')] }] })];
    expect(findings(objects)).toContain('IST0101 VirtualService shop/reviews');
    expect(texts(objects, 'IST0101')[0]).toMatch(/^Referenced host not found: "ratings"; a Service ratings exists in namespace other: write "ratings\.other\.svc\.cluster\.local"/);
  });

  test('IST0101 stays quiet for Services, ServiceEntries (also wildcard) and qualified names', () => {
    const objects = [...reviewsApp(),
      istio('ServiceEntry', 'ext', 'shop', { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE' }),
      istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews'], http: [{ route: [route('reviews'), route('reviews.shop.svc.cluster.local'), route('api.example.com')] }] })];
    expect(findings(objects).filter(f => f.startsWith('IST0101'))).toEqual([]);
  });

  test('IST0101 mirror host and host:port', () => {
    const objects = [...reviewsApp(), istio('VirtualService', 'reviews', 'shop', {
      hosts: ['reviews'], http: [{ route: [route('reviews', { port: { number: 80 } })], mirror: { host: 'shadow' } }],
    })];
    expect(texts(objects, 'IST0101')).toEqual([
      'Referenced host:port not found: "reviews:80"; Service shop/reviews exposes 9080',
      'Referenced mirror host not found: "shadow"',
    ]);
  });

  test('IST0112: a Service with several ports and a destination without port; quiet with a port', () => {
    const two = [ns('shop'), svc('reviews', 'shop', { app: 'reviews' }, [{ name: 'http', port: 9080 }, { name: 'grpc', port: 9090 }]), deploy('r', 'shop', { app: 'reviews' })];
    const vs = (dest: Obj) => istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews'], http: [{ route: [{ destination: dest }] }] });
    expect(findings([...two, vs({ host: 'reviews' })])).toContain('IST0112 VirtualService shop/reviews');
    expect(findings([...two, vs({ host: 'reviews', port: { number: 9090 } })])).not.toContain('IST0112 VirtualService shop/reviews');
  });

  test('IST0101 subset: a subset no DestinationRule defines, and the fix', () => {
    const objects = [...reviewsApp(),
      istio('DestinationRule', 'reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews'], http: [{ route: [route('reviews', { subset: 'v1' }), route('reviews', { subset: 'v3' })] }] })];
    expect(texts(objects, 'IST0101')).toEqual(['Referenced host+subset in destinationrule not found: "reviews+v3"; add subset v3 to DestinationRule shop/reviews']);
  });

  test('IST0101 gateway: a Gateway reference that resolves to the wrong namespace', () => {
    const objects = [...reviewsApp(), gatewayHttp('public', 'istio-system', ['*']),
      istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews.example.com'], gateways: ['public'], http: [{ route: [route('reviews')] }] })];
    expect(texts(objects, 'IST0101')).toEqual([
      'Referenced gateway not found: "public"; it resolves to shop/public, but Gateway public is in namespace istio-system: write "istio-system/public"',
    ]);
    const fixed = [...objects.slice(0, -1), istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews.example.com'], gateways: ['istio-system/public'], http: [{ route: [route('reviews')] }] })];
    expect(findings(fixed)).toEqual([]);
  });

  test('IST0132: a VirtualService host the Gateway does not serve, naming what it serves', () => {
    const objects = [...reviewsApp(), gatewayHttp('bookinfo-gateway', 'shop', ['*.example.com']),
      istio('VirtualService', 'shop', 'shop', { hosts: ['shop.example.org'], gateways: ['bookinfo-gateway'], http: [{ route: [route('reviews')] }] })];
    expect(findings(objects)).toEqual(['IST0132 VirtualService shop/shop']);
    expect(texts(objects, 'IST0132')[0]).toMatch(/Gateway bookinfo-gateway serves \*\.example\.com, not shop\.example\.org/);
  });

  test('IST0132 honours the namespace part of server hosts', () => {
    const gw = gatewayHttp('gw', 'istio-system', ['shop/*.example.com']);
    const vs = (namespace: string) => istio('VirtualService', 'v', namespace, { hosts: ['a.example.com'], gateways: ['istio-system/gw'], http: [{ route: [route('reviews.shop.svc.cluster.local')] }] });
    expect(findings([...reviewsApp(), gw, vs('shop')])).toEqual([]);
    expect(findings([...reviewsApp(), ns('other'), gw, vs('other')])).toEqual(['IST0132 VirtualService other/v']);
  });

  test('IST0109: two VirtualServices of the mesh for one host; quiet when bound to gateways', () => {
    const vs = (name: string, gateways?: string[]) => istio('VirtualService', name, 'shop', { hosts: ['reviews'], ...(gateways ? { gateways } : {}), http: [{ route: [route('reviews')] }] });
    expect(findings([...reviewsApp(), vs('a'), vs('b')])).toEqual(['IST0109 VirtualService shop/a', 'IST0109 VirtualService shop/b']);
    expect(findings([...reviewsApp(), gatewayHttp('gw', 'shop', ['reviews']), vs('a'), vs('b', ['gw'])])).toEqual([]);
  });

  test('IST0130 / IST0131: unreachable rules and repeated matches', () => {
    const m = (prefix: string) => ({ uri: { prefix } });
    const objects = [...reviewsApp(), istio('VirtualService', 'reviews', 'shop', {
      hosts: ['reviews'],
      http: [
        { match: [m('/a')], route: [route('reviews')] },
        { match: [m('/a'), m('/b')], route: [route('reviews')] },
        { match: [m('/b')], route: [route('reviews')] },
        { route: [route('reviews')] },
        { name: 'late', match: [m('/c')], route: [route('reviews')] },
      ],
    })];
    expect(texts(objects, 'IST0130')).toEqual([
      'VirtualService rule #2 not used (all matches used by prior rules).',
      'VirtualService rule "late" not used (rule #3 before it has no match and takes every request; move it last).',
    ]);
    expect(texts(objects, 'IST0131')).toEqual([
      'VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).',
      'VirtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #1).',
    ]);
  });

  test('IST0130 stays quiet with distinct matches and the catch-all last', () => {
    const objects = [...reviewsApp(), istio('VirtualService', 'reviews', 'shop', {
      hosts: ['reviews'], http: [{ match: [{ uri: { prefix: '/a' } }], route: [route('reviews')] }, { route: [route('reviews')] }],
    })];
    expect(findings(objects)).toEqual([]);
  });

  test('IST0149: JWT claim routing at a gateway no RequestAuthentication covers; quiet with one', () => {
    const vs = istio('VirtualService', 'v', 'shop', {
      hosts: ['*'],
      gateways: ['istio-system/gw'],
      http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }], route: [route('reviews')] }, { route: [route('reviews')] }],
    });
    const base = [...reviewsApp(), gatewayHttp('gw', 'istio-system', ['*']), vs];
    expect(findings(base)).toContain('IST0149 VirtualService shop/v');
    const ra = istio('RequestAuthentication', 'jwt', 'istio-system', { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'x', jwksUri: 'https://x/jwks' }] });
    expect(findings([...base, ra])).not.toContain('IST0149 VirtualService shop/v');
  });

  test('IST0140: subsets of the mesh VirtualService do not apply to ingress traffic', () => {
    const objects = [...reviewsApp(), gatewayHttp('gw', 'shop', ['*']),
      istio('DestinationRule', 'reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      istio('VirtualService', 'ingress', 'shop', { hosts: ['*'], gateways: ['gw'], http: [{ route: [route('reviews')] }] }),
      istio('VirtualService', 'reviews', 'shop', { hosts: ['reviews'], http: [{ route: [route('reviews', { subset: 'v1' })] }] })];
    expect(findings(objects)).toEqual(['IST0140 VirtualService shop/reviews']);
    objects[objects.length - 2].spec.gateways = ['gw', 'mesh'];
    expect(findings(objects)).toEqual([]);
  });

  test('IST0165: a reference to a Gateway istiod generated for a Kubernetes Gateway', () => {
    const objects = [...reviewsApp(), istio('VirtualService', 'v', 'shop', { hosts: ['*'], gateways: ['shop/web-istio-autogenerated-k8s-gateway'], http: [{ route: [route('reviews')] }] })];
    expect(findings(objects)).toEqual(['IST0165 VirtualService shop/v']);
  });

  test('IST0002: deprecated mirrorPercent', () => {
    const objects = [...reviewsApp(), istio('VirtualService', 'v', 'shop', { hosts: ['reviews'], http: [{ route: [route('reviews')], mirror: { host: 'reviews' }, mirrorPercent: 5 }] })];
    // istioctl reports it twice: the deprecation analyzer, and the schema analyzer for the webhook's warning
    expect(findings(objects)).toEqual(['IST0002 VirtualService shop/v', 'IST0133 VirtualService shop/v']);
  });
});

describe('gateway analyzers', () => {
  test('IST0101 selector: a Gateway whose selector matches no workload, naming the gateway labels present', () => {
    const objects = [...reviewsApp(), gatewayHttp('gw', 'shop', ['*'], { istio: 'ingress' })];
    expect(texts(objects, 'IST0101')).toEqual(['Referenced selector not found: "istio=ingress"; gateway workloads here carry istio=ingressgateway']);
  });

  test('IST0162: a server port the gateway Service does not target; quiet on the target port 8080', () => {
    expect(findings([...reviewsApp(), gatewayHttp('gw', 'shop', ['*'], undefined, 80)])).toEqual(['IST0162 Gateway shop/gw']);
    expect(findings([...reviewsApp(), gatewayHttp('gw', 'shop', ['*'], undefined, 8080)])).toEqual([]);
  });

  test('IST0145: two Gateways of the same pods serving a host on one port; quiet on different ports', () => {
    const a = gatewayHttp('a', 'shop', ['*.example.com']);
    expect(findings([...reviewsApp(), a, gatewayHttp('b', 'shop', ['shop.example.com'])])).toEqual(['IST0145 Gateway shop/a', 'IST0145 Gateway shop/b']);
    const other = istio('Gateway', 'b', 'shop', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }] });
    expect(findings([...reviewsApp(), a, other])).not.toContain('IST0145 Gateway shop/a');
  });

  test('IST0138: the same certificate in two Gateways; IST0101/IST0161 for missing and incomplete secrets', () => {
    const tlsGateway = (name: string, host: string, mode = 'SIMPLE') => istio('Gateway', name, 'istio-system', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: [host], tls: { mode, credentialName: 'cert' } }] });
    const secret = (data: Obj) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cert', namespace: 'istio-system' }, type: 'kubernetes.io/tls', data });
    const full = secret({ 'tls.crt': 'Yw==', 'tls.key': 'aw==' });
    expect(findings([...reviewsApp(), full, tlsGateway('a', 'a.example.com'), tlsGateway('b', 'b.example.com')])).toEqual(['IST0138 Gateway istio-system/a', 'IST0138 Gateway istio-system/b']);
    expect(findings([...reviewsApp(), tlsGateway('a', 'a.example.com')])).toEqual(['IST0101 Gateway istio-system/a']);
    expect(findings([...reviewsApp(), full, tlsGateway('a', 'a.example.com', 'MUTUAL')])).toEqual(['IST0161 Gateway istio-system/a']);
    expect(findings([...reviewsApp(), full, tlsGateway('a', 'a.example.com')])).toEqual([]);
  });
});

describe('destinationrule analyzers', () => {
  test('IST0173: a subset whose labels match no pod, with the labels the pods carry', () => {
    const objects = [...reviewsApp(), istio('DestinationRule', 'reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v3', labels: { version: 'v3' } }] })];
    expect(findings(objects)).toEqual(['IST0173 DestinationRule shop/reviews']);
    expect(texts(objects, 'IST0173')[0]).toMatch(/^The Subset v3 defined in the DestinationRule does not select any pods.*carry version=v1; version=v2, not version=v3/);
  });

  test('IST0174: a host that matches no service; quiet for ServiceEntry hosts', () => {
    expect(findings([...reviewsApp(), istio('DestinationRule', 'r', 'shop', { host: 'ratings' })])).toEqual(['IST0174 DestinationRule shop/r']);
    const se = istio('ServiceEntry', 'ext', 'shop', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' });
    expect(findings([...reviewsApp(), se, istio('DestinationRule', 'r', 'shop', { host: 'api.example.com', subsets: [{ name: 'a', labels: { x: 'y' } }] })])).toEqual([]);
  });

  test('IST0128 / IST0129: SIMPLE TLS without caCertificates; quiet with them', () => {
    const se = istio('ServiceEntry', 'ext', 'shop', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' });
    const dr = (tls: Obj) => istio('DestinationRule', 'r', 'shop', { host: 'api.example.com', trafficPolicy: { tls, portLevelSettings: [{ port: { number: 443 }, tls }] } });
    expect(findings([...reviewsApp(), se, dr({ mode: 'SIMPLE' })])).toEqual(['IST0128 DestinationRule shop/r', 'IST0129 DestinationRule shop/r']);
    expect(findings([...reviewsApp(), se, dr({ mode: 'SIMPLE', caCertificates: '/etc/ca.pem' })])).toEqual([]);
  });

  test('CDK0001: tls.mode DISABLE towards a namespace made STRICT; quiet with ISTIO_MUTUAL or PERMISSIVE override', () => {
    const strict = istio('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'STRICT' } });
    const dr = (mode: string) => istio('DestinationRule', 'r', 'shop', { host: 'reviews', trafficPolicy: { tls: { mode } } });
    expect(findings([...reviewsApp(), strict, dr('DISABLE')])).toEqual(['CDK0001 DestinationRule shop/r']);
    expect(findings([...reviewsApp(), strict, dr('ISTIO_MUTUAL')])).toEqual([]);
    const permissive = istio('PeerAuthentication', 'reviews', 'shop', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'PERMISSIVE' } });
    expect(findings([...reviewsApp(), strict, permissive, dr('DISABLE')])).toEqual([]);
    const meshWide = istio('PeerAuthentication', 'default', 'istio-system', { mtls: { mode: 'STRICT' } });
    expect(findings([...reviewsApp(), meshWide, dr('DISABLE')])).toEqual(['CDK0001 DestinationRule shop/r']);
  });
});

describe('sidecar, telemetry and authorization analyzers', () => {
  const sidecar = (name: string, labels?: Record<string, string>) => istio('Sidecar', name, 'shop', { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./*'] }] });
  test('IST0111: two Sidecars without selector; IST0110: two selecting one pod; IST0101: a selector matching nothing', () => {
    expect(findings([...reviewsApp(), sidecar('a'), sidecar('b')])).toEqual(['IST0111 Sidecar shop/a', 'IST0111 Sidecar shop/b']);
    expect(findings([...reviewsApp(), sidecar('a', { app: 'reviews' }), sidecar('b', { version: 'v1' })])).toEqual(['IST0110 Sidecar shop/a', 'IST0110 Sidecar shop/b']);
    expect(findings([...reviewsApp(), sidecar('a', { app: 'ratings' })])).toEqual(['IST0101 Sidecar shop/a']);
    expect(findings([...reviewsApp(), sidecar('a'), sidecar('b', { version: 'v1' }), sidecar('c', { version: 'v2' })])).toEqual([]);
  });

  test('IST0167: a Sidecar in an ambient namespace', () => {
    const objects = [ns('shop', { 'istio.io/dataplane-mode': 'ambient' }), ...reviewsApp().slice(1), sidecar('a')];
    expect(findings(objects)).toEqual(['IST0167 Sidecar shop/a']);
  });

  const telemetry = (name: string, spec: Obj) => istio('Telemetry', name, 'shop', spec);
  test('IST0160 / IST0159: Telemetries without selector, or selecting one pod', () => {
    const logs = { accessLogging: [{ providers: [{ name: 'envoy' }] }] };
    expect(findings([...reviewsApp(), telemetry('a', logs), telemetry('b', logs)])).toEqual(['IST0160 Telemetry shop/a', 'IST0160 Telemetry shop/b']);
    expect(findings([...reviewsApp(), telemetry('a', { ...logs, selector: { matchLabels: { app: 'reviews' } } }), telemetry('b', { ...logs, selector: { matchLabels: { version: 'v2' } } })]))
      .toEqual(['IST0159 Telemetry shop/a', 'IST0159 Telemetry shop/b']);
    expect(findings([...reviewsApp(), telemetry('a', logs)])).toEqual([]);
  });

  test('IST0157: a section without providers and no default provider; IST0002: the Lightstep provider', () => {
    expect(findings([...reviewsApp(), telemetry('a', { tracing: [{ randomSamplingPercentage: 10 }] })])).toEqual(['IST0157 Telemetry shop/a']);
    const meshConfig = { defaultProviders: { tracing: ['zipkin'] }, extensionProviders: [{ name: 'ls', lightstep: { service: 'x', port: 8080 } }] };
    expect(findings([...reviewsApp(), telemetry('a', { tracing: [{ randomSamplingPercentage: 10 }] })], { meshConfig })).toEqual([]);
    expect(findings([...reviewsApp(), telemetry('a', { tracing: [{ providers: [{ name: 'ls' }] }] })], { meshConfig })).toEqual(['IST0002 Telemetry shop/a']);
  });

  test('IST0127: an AuthorizationPolicy selecting no workload; IST0101: a namespace no object defines', () => {
    const policy = (labels: Record<string, string>, namespaces: string[]) => istio('AuthorizationPolicy', 'p', 'shop', {
      selector: { matchLabels: labels }, rules: [{ from: [{ source: { namespaces } }] }],
    });
    expect(findings([...reviewsApp(), policy({ app: 'ratings' }, ['shop'])])).toEqual(['IST0127 AuthorizationPolicy shop/p']);
    expect(texts([...reviewsApp(), policy({ app: 'reviews' }, ['frontend', 'shop', 'kube-*'])], 'IST0101')).toEqual(['Referenced namespace not found: "frontend"']);
    expect(findings([...reviewsApp(), policy({ app: 'reviews' }, ['shop'])])).toEqual([]);
  });

  test('CDK0002, CDK0003, CDK0004: Gateway API routes and what they reference; quiet when all is there', () => {
    const gapi = (kind: string, name: string, namespace: string, spec: Obj): Obj => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name, namespace }, spec });
    const gateway = (allowedRoutes?: Obj) => gapi('Gateway', 'edge', 'infra', {
      gatewayClassName: 'istio',
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', ...(allowedRoutes ? { allowedRoutes } : {}) }],
    });
    const httpRoute = (parent: Obj, backend: Obj) => gapi('HTTPRoute', 'r', 'shop', { parentRefs: [parent], rules: [{ backendRefs: [backend] }] });
    const world = [ns('infra'), ns('shop'), svc('reviews', 'shop', { app: 'reviews' }), svc('db', 'infra', { app: 'db' }, [{ name: 'tcp', port: 5432 }])];
    const grant = gapi('ReferenceGrant', 'g', 'infra', { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] });

    // quiet: a Gateway that accepts routes from every namespace, a backend with its port
    const fine = httpRoute({ name: 'edge', namespace: 'infra' }, { name: 'reviews', port: 9080 });
    expect(findings([...world, gateway({ namespaces: { from: 'All' } }), fine])).toEqual([]);
    // a listener of another namespace, Same by default
    expect(texts([...world, gateway(), fine], 'CDK0002'))
      .toEqual(['Gateway infra/edge does not accept this HTTPRoute: listener http accepts routes from namespace infra only.']);
    // a listener for other kinds, a section that does not exist
    expect(texts([...world, gateway({ namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] }), fine], 'CDK0002'))
      .toEqual(['Gateway infra/edge does not accept this HTTPRoute: listener http accepts GRPCRoute.']);
    expect(texts([...world, gateway({ namespaces: { from: 'All' } }), httpRoute({ name: 'edge', namespace: 'infra', sectionName: 'https' }, { name: 'reviews', port: 9080 })], 'CDK0002'))
      .toEqual(['Gateway infra/edge does not accept this HTTPRoute: it has no listener named https.']);
    // a selector that picks the route's namespace by its labels
    const selected = gateway({ namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'true' } } } });
    expect(texts([...world, selected, fine], 'CDK0002')).toHaveLength(1);
    expect(texts([ns('infra'), ns('shop', { shared: 'true' }), ...world.slice(2), selected, fine], 'CDK0002')).toEqual([]);

    // missing parents and backends, a port the Service lacks
    expect(texts([...world, httpRoute({ name: 'nope', namespace: 'infra' }, { name: 'reviews', port: 9080 })], 'CDK0004')).toEqual(['Referenced gateway not found: "infra/nope"']);
    expect(texts([...world, httpRoute({ kind: 'Service', group: '', name: 'ratings' }, { name: 'reviews', port: 9080 })], 'CDK0004')).toEqual(['Referenced service not found: "shop/ratings"']);
    expect(texts([...world, gateway({ namespaces: { from: 'All' } }), httpRoute({ name: 'edge', namespace: 'infra' }, { name: 'reviews', port: 8080 })], 'CDK0004'))
      .toEqual(['Referenced host:port not found: "reviews.shop:8080"; Service shop/reviews exposes 9080']);

    // a backend in another namespace needs a ReferenceGrant there
    const crossNs = httpRoute({ kind: 'Service', group: '', name: 'reviews' }, { name: 'db', namespace: 'infra', port: 5432 });
    expect(texts([...world, crossNs], 'CDK0003'))
      .toEqual(['Backend Service infra/db is in another namespace, and no ReferenceGrant in infra lets HTTPRoutes of shop use it; add one.']);
    expect(texts([...world, grant, crossNs], 'CDK0003')).toEqual([]);
  });

  test('IST0166: a policy selecting the pods of a Kubernetes Gateway; quiet with targetRefs', () => {
    const k8sGateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'shop' }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } };
    const bySelector = istio('AuthorizationPolicy', 'p', 'shop', { selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'web' } }, action: 'DENY', rules: [{}] });
    const byTarget = istio('AuthorizationPolicy', 'q', 'shop', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web' }], action: 'DENY', rules: [{}] });
    expect(findings([...reviewsApp(), k8sGateway, bySelector, byTarget]).filter(f => f.startsWith('IST0166'))).toEqual(['IST0166 AuthorizationPolicy shop/p']);
  });

  test('IST0176: Gateway API CRDs older than v1.5; quiet for v1.5.1', () => {
    const crd = (version: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': version } },
      spec: { group: 'gateway.networking.k8s.io', names: { kind: 'Gateway', plural: 'gateways' }, scope: 'Namespaced', versions: [] },
    });
    expect(findings([crd('v1.2.1')])).toEqual(['IST0176 CustomResourceDefinition gateways.gateway.networking.k8s.io']);
    expect(findings([crd('v1.5.1')])).toEqual([]);
  });

  test('IST0175: RequestAuthentications while istiod has no BLOCKED_CIDRS_IN_JWKS_URIS', () => {
    const istiod = (env: Obj[]) => ({ ...deploy('istiod', 'istio-system', { app: 'istiod' }, { spec: { containers: [{ name: 'discovery', image: 'x', env }] } }, { labels: { app: 'istiod' } }) });
    const ra = istio('RequestAuthentication', 'jwt', 'shop', { jwtRules: [{ issuer: 'x' }] });
    expect(findings([...reviewsApp(), istiod([]), ra])).toEqual(['IST0175 Deployment istio-system/istiod']);
    expect(findings([...reviewsApp(), istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8' }]), ra])).toEqual([]);
  });
});

describe('service, deployment, injection and annotation analyzers', () => {
  test('IST0118 (Info): a port name Istio reads no protocol from; quiet with appProtocol', () => {
    expect(findings([ns('shop'), svc('a', 'shop', undefined, [{ name: 'web', port: 80 }])])).toEqual(['IST0118 Service shop/a']);
    expect(findings([ns('shop'), svc('a', 'shop', undefined, [{ name: 'web', port: 80, appProtocol: 'http' }, { name: 'http-web', port: 81 }])])).toEqual([]);
  });

  test('IST0150: an ExternalName Service with a TCP port name', () => {
    expect(findings([ns('shop'), svc('a', 'shop', undefined, [{ name: 'tcp', port: 80 }], { type: 'ExternalName', externalName: 'a.example.com' })])).toEqual(['IST0150 Service shop/a']);
    expect(findings([ns('shop'), svc('a', 'shop', undefined, [{ name: 'http', port: 80 }], { type: 'ExternalName', externalName: 'a.example.com' })])).toEqual([]);
  });

  test('IST0116 / IST0137: Services of one Deployment disagreeing on protocol or port', () => {
    const d = deploy('reviews', 'shop', { app: 'reviews' });
    expect(findings([ns('shop'), d, svc('a', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80, targetPort: 8080 }]), svc('b', 'shop', { app: 'reviews' }, [{ name: 'grpc', port: 80, targetPort: 8080 }])]))
      .toEqual(['IST0116 Deployment shop/reviews']);
    expect(findings([ns('shop'), d, svc('a', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80, targetPort: 8080 }]), svc('b', 'shop', { app: 'reviews' }, [{ name: 'http', port: 9080, targetPort: 8080 }])]))
      .toEqual(['IST0137 Deployment shop/reviews']);
    expect(findings([ns('shop'), d, svc('a', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80, targetPort: 8080 }]), svc('b', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80, targetPort: 8080 }])]))
      .toEqual([]);
  });

  test('IST0144: an application container running as UID 1337', () => {
    expect(findings([ns('shop'), deploy('a', 'shop', { app: 'a' }, { spec: { securityContext: { runAsUser: 1337 } } })])).toEqual(['IST0144 Deployment shop/a']);
    expect(findings([ns('shop'), deploy('a', 'shop', { app: 'a' }, { spec: { securityContext: { runAsUser: 1000 } } })])).toEqual([]);
  });

  test('IST0102 (Info) / IST0123: namespace injection labels', () => {
    expect(findings([ns('shop', {})])).toEqual(['IST0102 Namespace shop']);
    expect(findings([ns('shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' })])).toEqual(['IST0123 Namespace shop']);
    expect(findings([ns('shop', { 'istio-injection': 'disabled' }), ns('ambient', { 'istio.io/dataplane-mode': 'ambient' })])).toEqual([]);
  });

  test('IST0146: image auto where nothing injects; quiet with the inject label', () => {
    const auto = (labels: Record<string, string>) => deploy('gw', 'shop', labels, { spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } });
    expect(findings([ns('shop', {}), auto({ app: 'gw' })]).filter(f => f !== 'IST0102 Namespace shop')).toEqual(['IST0146 Deployment shop/gw']);
    expect(findings([ns('shop', {}), auto({ 'app': 'gw', 'sidecar.istio.io/inject': 'true' })]).filter(f => f !== 'IST0102 Namespace shop')).toEqual([]);
  });

  test('IST0107 / IST0108 / IST0125 / IST0135: annotations', () => {
    const objects = [ns('shop'),
      deploy('a', 'shop', { app: 'a' }, { annotations: { 'sidecar.istio.io/proxyCPUs': '1', 'sidecar.istio.io/interceptionMode': 'MAGIC', 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1' } },
        { annotations: { 'sidecar.istio.io/inject': 'false' } })];
    expect(findings(objects)).toEqual(['IST0107 Deployment shop/a', 'IST0108 Deployment shop/a', 'IST0125 Deployment shop/a', 'IST0135 Deployment shop/a']);
    expect(findings([ns('shop'), deploy('a', 'shop', { app: 'a' }, { annotations: { 'sidecar.istio.io/proxyCPU': '100m', 'example.com/x': 'y' } })])).toEqual([]);
  });
});

describe('schema analyzer', () => {
  test('IST0106: required fields istiod cannot do without; quiet when present', () => {
    expect(findings([istio('DestinationRule', 'd', 'shop', {}), istio('ServiceEntry', 's', 'shop', { ports: [] }), istio('Gateway', 'g', 'shop', { selector: { istio: 'ingressgateway' }, servers: [] })]))
      .toEqual(['IST0106 DestinationRule shop/d', 'IST0106 Gateway shop/g', 'IST0106 ServiceEntry shop/s']);
    expect(findings([ns('shop'), istio('ServiceEntry', 's', 'shop', { hosts: ['a.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' })])).toEqual([]);
  });

  test('IST0106: what the API server refuses by the CRD schema and its CEL rules, with the field path', () => {
    const vs = (spec: Obj) => istio('VirtualService', 'v', 'shop', { hosts: ['reviews'], ...spec });
    const toReviews = [{ destination: { host: 'reviews' } }];
    // strict field validation: a misspelt field is refused, not dropped
    expect(texts([ns('shop'), vs({ htp: [{ route: toReviews }] })], 'IST0106')).toEqual(['Schema validation error: spec: unknown field "htp"']);
    // Istio's "one of" fields
    expect(texts([ns('shop'), vs({ http: [{ match: [{ uri: { exact: '/a', prefix: '/' } }], route: toReviews }] })], 'IST0106'))
      .toEqual(['Schema validation error: spec.http[0].match[0].uri: sets exact and prefix: set only one of exact, prefix, regex']);
    // enums and CEL rules
    const policy = (spec: Obj) => istio('AuthorizationPolicy', 'p', 'shop', spec);
    expect(texts([ns('shop'), policy({ action: 'REJECT' })], 'IST0106'))
      .toEqual(['Schema validation error: spec.action: must be equal to one of the allowed values: "ALLOW", "DENY", "AUDIT", "CUSTOM"']);
    expect(texts([ns('shop'), policy({ selector: { matchLabels: { app: 'reviews' } }, targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }] })], 'IST0106'))
      .toEqual(['Schema validation error: spec: only one of targetRefs or selector can be set']);
    // Gateway API objects too
    const httpRoute = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'shop' }, spec: { rules: [{ backendRefs: [{ name: 'reviews' }] }] } };
    expect(texts([ns('shop'), httpRoute], 'IST0106')).toEqual(['Schema validation error: spec.rules[0].backendRefs[0]: Must have port for Service reference']);
    // quiet for what the API server accepts
    expect(texts([ns('shop'), vs({ http: [{ match: [{ uri: { prefix: '/' } }], route: toReviews }] }), policy({ action: 'DENY', rules: [{}] })], 'IST0106')).toEqual([]);
  });

  test('IST0133: what the webhook accepts with a warning; quiet without it', () => {
    const vs = (extra: Obj) => istio('VirtualService', 'v', 'shop', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], ...extra }] });
    expect(texts([ns('shop'), vs({ mirror: { host: 'reviews' }, mirrorPercent: 10 })], 'IST0133'))
      .toEqual([expect.stringMatching(/http\[0\] uses the deprecated setting "mirrorPercent"; use "mirrorPercentage" instead/)]);
    expect(texts([ns('shop'), vs({ mirror: { host: 'reviews' }, mirrorPercentage: { value: 10 } })], 'IST0133')).toEqual([]);

    const locality = { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] } };
    const dr = (policy: Obj) => istio('DestinationRule', 'd', 'shop', { host: 'reviews', trafficPolicy: policy });
    expect(texts([ns('shop'), dr({ loadBalancer: locality })], 'IST0133'))
      .toEqual([expect.stringMatching(/trafficPolicy.loadBalancer.localityLbSetting fails over, but trafficPolicy has no outlierDetection/)]);
    expect(texts([ns('shop'), dr({ loadBalancer: locality, outlierDetection: { consecutive5xxErrors: 5 } })], 'IST0133')).toEqual([]);

    const sidecar = (selector: Obj) => istio('Sidecar', 's', 'shop', { workloadSelector: selector, egress: [{ hosts: ['./*'] }] });
    expect(texts([ns('shop'), sidecar({ labels: {} })], 'IST0133')).toEqual([expect.stringMatching(/applies to every workload in the namespace/)]);
    expect(texts([ns('shop'), sidecar({ labels: { app: 'reviews' } })], 'IST0133')).toEqual([]);

    const ef = (applyTo: string) => istio('EnvoyFilter', 'f', 'shop', {
      priority: 1,
      configPatches: [{
        applyTo, match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } }, patch: { operation: 'MERGE', value: {} },
      }],
    });
    expect(texts([ns('shop'), ef('FILTER_CHAIN')], 'IST0133')).toEqual([expect.stringMatching(/configPatches\[0\]: a filter match has no effect when used with FILTER_CHAIN/)]);
    expect(texts([ns('shop'), ef('NETWORK_FILTER')], 'IST0133')).toEqual([]);
  });
});

describe('serviceentry, envoyfilter and webhook analyzers', () => {
  test('IST0134: TCP ports without addresses; quiet with addresses', () => {
    const se = (extra: Obj) => istio('ServiceEntry', 'db', 'shop', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS', ...extra });
    expect(findings([ns('shop'), se({})])).toEqual(['IST0134 ServiceEntry shop/db']);
    expect(findings([ns('shop'), se({ addresses: ['240.0.0.1'] })])).toEqual([]);
  });

  test('IST0151–IST0155: EnvoyFilter operations', () => {
    const ef = (patches: Obj[], priority?: number) => istio('EnvoyFilter', 'f', 'shop', { configPatches: patches, ...(priority ? { priority } : {}) });
    const p = (applyTo: string, operation: string, proxyVersion?: string) => ({
      applyTo, ...(proxyVersion ? { match: { proxy: { proxyVersion } } } : {}), patch: { operation, value: {} },
    });
    expect(texts([ns('shop'), ef([p('CLUSTER', 'REPLACE')], 10)], 'IST0152')).toHaveLength(1);
    expect(findings([ns('shop'), ef([p('HTTP_ROUTE', 'ADD')])])).toEqual(['IST0153 EnvoyFilter shop/f']);
    expect(findings([ns('shop'), ef([p('ROUTE_CONFIGURATION', 'REMOVE')])])).toEqual(['IST0154 EnvoyFilter shop/f']);
    expect(findings([ns('shop'), ef([p('HTTP_FILTER', 'INSERT_BEFORE')])])).toEqual(['IST0151 EnvoyFilter shop/f']);
    expect(findings([ns('shop'), ef([p('HTTP_FILTER', 'INSERT_BEFORE', '^1\\.30.*')])])).toEqual(['IST0155 EnvoyFilter shop/f']);
    expect(findings([ns('shop'), ef([p('HTTP_FILTER', 'INSERT_FIRST'), p('HTTP_FILTER', 'INSERT_BEFORE')], 10)])).toEqual([]);
  });

  test('IST0139: an Istio webhook calling a Service that does not exist; IST0163/IST0164: external control plane URLs', () => {
    const hook = (clientConfig: Obj) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' }, webhooks: [{ name: 'sidecar-injector.istio.io', clientConfig }] });
    expect(findings([hook({ service: { name: 'istiod', namespace: 'istio-system', port: 443 } })])).toEqual(['IST0139 MutatingWebhookConfiguration istio-sidecar-injector']);
    expect(findings([svc('istiod', 'istio-system', { app: 'istiod' }, [{ name: 'https-webhook', port: 443 }]), hook({ service: { name: 'istiod', namespace: 'istio-system', port: 443 } })])).toEqual([]);
    expect(findings([hook({ url: 'https://10.0.0.1:15017/inject' })])).toEqual(['IST0164 MutatingWebhookConfiguration istio-sidecar-injector']);
    expect(findings([hook({ url: 'https://istiod.example.com:15017/inject' })])).toEqual([]);
  });
});

describe('the model', () => {
  test('resolves selectors against every kind of pod template', () => {
    const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'a', image: 'a' }] } });
    const kinds: Obj[] = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'a', namespace: 'shop' }, spec: { template: template({ app: 'a' }) } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'b', namespace: 'shop' }, spec: { template: template({ app: 'b' }) } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'c', namespace: 'shop' }, spec: { template: template({ app: 'c' }) } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'd', namespace: 'shop' }, spec: { template: template({ app: 'd' }) } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'e', namespace: 'shop' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template({ app: 'e' }) } } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'f', namespace: 'shop', labels: { app: 'f' } }, spec: { containers: [] } },
    ];
    const rules = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap(n => [svc(n, 'shop', { app: n }),
      istio('DestinationRule', n, 'shop', { host: n, subsets: [{ name: 'all', labels: { app: n } }] })]);
    expect(findings([ns('shop'), ...kinds, ...rules]).filter(f => f.startsWith('IST0173'))).toEqual([]);
    expect(findings([ns('shop'), ...rules]).filter(f => f.startsWith('IST0173'))).toHaveLength(6);
  });

  test('reads anything without crashing: missing fields, wrong types, unknown kinds', () => {
    const junk: Obj[] = [{}, { kind: 'VirtualService' }, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 3 }, spec: { hosts: 'x', http: [null, 1, { route: 'x' }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { servers: [{ port: null, hosts: [1] }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'd' }, spec: { host: 5, subsets: [{}] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: 'nope' } }];
    expect(() => findings(junk)).not.toThrow();
  });
});
