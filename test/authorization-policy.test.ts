import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { Principal } from '../src/security/principal';

function specOf(chart: any): any {
  return Testing.synth(chart).find(m => m.kind === 'AuthorizationPolicy').spec;
}

describe('AuthorizationPolicy', () => {
  test('renders every source, operation and condition field', () => {
    // GIVEN
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'ProductpageSa', { metadata: { name: 'bookinfo-productpage', namespace: 'bookinfo' } });

    // WHEN
    new AuthorizationPolicy(chart, 'Policy', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      action: AuthorizationAction.ALLOW,
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      rules: [
        {
          from: [{
            principals: [Principal.fromServiceAccount(sa), Principal.of('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account')],
            notPrincipals: [Principal.of('cluster.local/ns/bookinfo/sa/evil')],
            requestPrincipals: ['https://accounts.example.com/alice', '*'],
            notRequestPrincipals: ['https://accounts.example.com/mallory'],
            namespaces: ['bookinfo', 'istio-*'],
            notNamespaces: ['sandbox'],
            trustDomains: ['cluster.local'],
            notTrustDomains: ['other.example'],
            ipBlocks: ['10.0.0.0/8', '192.168.1.7'],
            notIpBlocks: ['10.1.0.0/16'],
            remoteIpBlocks: ['203.0.113.0/24', '2001:db8::/32'],
            notRemoteIpBlocks: ['203.0.113.9'],
          }],
          to: [{
            hosts: ['reviews.bookinfo.svc.cluster.local', '*.example.com'],
            notHosts: ['admin.example.com'],
            ports: [9080],
            notPorts: [15000],
            methods: ['GET', 'HEAD'],
            notMethods: ['DELETE'],
            paths: ['/reviews/*', '/api/{*}/info/{**}', '*/health', '/exact'],
            notPaths: ['/admin*'],
          }],
          when: [
            { key: 'request.headers[version]', values: ['v1', 'v2'] },
            { key: 'request.auth.claims[groups]', values: ['admins'], notValues: ['guests'] },
            { key: 'source.ip', notValues: ['10.0.0.1'] },
            { key: 'destination.port', values: ['9080'] },
          ],
        },
        { from: [{ serviceAccounts: ['bookinfo/bookinfo-reviews'], notServiceAccounts: ['bookinfo/bookinfo-ratings'] }] },
      ],
    });

    // THEN
    const manifests = Testing.synth(chart);
    const policy = manifests.find(m => m.kind === 'AuthorizationPolicy');
    expect(policy.apiVersion).toBe('security.istio.io/v1');
    expect(policy.spec).toEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{
            source: {
              principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage', 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'],
              notPrincipals: ['cluster.local/ns/bookinfo/sa/evil'],
              requestPrincipals: ['https://accounts.example.com/alice', '*'],
              notRequestPrincipals: ['https://accounts.example.com/mallory'],
              namespaces: ['bookinfo', 'istio-*'],
              notNamespaces: ['sandbox'],
              trustDomains: ['cluster.local'],
              notTrustDomains: ['other.example'],
              ipBlocks: ['10.0.0.0/8', '192.168.1.7'],
              notIpBlocks: ['10.1.0.0/16'],
              remoteIpBlocks: ['203.0.113.0/24', '2001:db8::/32'],
              notRemoteIpBlocks: ['203.0.113.9'],
            },
          }],
          to: [{
            operation: {
              hosts: ['reviews.bookinfo.svc.cluster.local', '*.example.com'],
              notHosts: ['admin.example.com'],
              ports: ['9080'],
              notPorts: ['15000'],
              methods: ['GET', 'HEAD'],
              notMethods: ['DELETE'],
              paths: ['/reviews/*', '/api/{*}/info/{**}', '*/health', '/exact'],
              notPaths: ['/admin*'],
            },
          }],
          when: [
            { key: 'request.headers[version]', values: ['v1', 'v2'] },
            { key: 'request.auth.claims[groups]', values: ['admins'], notValues: ['guests'] },
            { key: 'source.ip', notValues: ['10.0.0.1'] },
            { key: 'destination.port', values: ['9080'] },
          ],
        },
        { from: [{ source: { serviceAccounts: ['bookinfo/bookinfo-reviews'], notServiceAccounts: ['bookinfo/bookinfo-ratings'] } }] },
      ],
    });
    expectValidIstio(manifests);
  });

  test.each([AuthorizationAction.DENY, AuthorizationAction.AUDIT])('renders action %s', (action) => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { action, rules: [{ to: [{ paths: ['/admin/*'] }] }] });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({ action, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] });
    expectValidIstio(manifests);
  });

  test('CUSTOM action with a provider, attached by targetRefs', () => {
    // GIVEN
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'Svc', { metadata: { name: 'productpage', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });

    // WHEN
    const policy = new AuthorizationPolicy(chart, 'ExtAuthz', {
      metadata: { namespace: 'bookinfo' },
      action: AuthorizationAction.CUSTOM,
      provider: 'oauth2-proxy',
      targetRefs: [PolicyTargetReference.fromGateway('bookinfo-gateway')],
    });
    policy.addTargetRef(PolicyTargetReference.fromService(svc));
    policy.addTargetRef(PolicyTargetReference.fromServiceName('details'));
    policy.addTargetRef(PolicyTargetReference.fromServiceEntryName('httpbin-ext'));
    policy.addRule({ to: [{ paths: ['/headers'] }] });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests.find(m => m.kind === 'AuthorizationPolicy').spec).toEqual({
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' },
        { group: '', kind: 'Service', name: 'productpage' },
        { group: '', kind: 'Service', name: 'details' },
        { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'httpbin-ext' },
      ],
      action: 'CUSTOM',
      provider: { name: 'oauth2-proxy' },
      rules: [{ to: [{ operation: { paths: ['/headers'] } }] }],
    });
    expectValidIstio(manifests);
  });

  test('a GatewayClass target in the mesh root namespace', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', {
      metadata: { namespace: 'istio-system' },
      action: AuthorizationAction.DENY,
      targetRefs: [PolicyTargetReference.fromGatewayClass('istio')],
      rules: [{ from: [{ remoteIpBlocks: ['198.51.100.0/24'] }] }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' }]);
    expectValidIstio(manifests);
  });

  test('denyAll renders the allow-nothing policy', () => {
    const chart = Testing.chart();
    AuthorizationPolicy.denyAll(chart, 'DenyAll', { metadata: { namespace: 'bookinfo' } });
    const manifests = Testing.synth(chart);
    expect(manifests).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-all', namespace: 'bookinfo' },
      spec: {},
    }]);
    expectValidIstio(manifests);
  });

  test('allowTraffic from a workload and a service account to a workload, on methods, paths and ports', () => {
    // GIVEN
    const chart = Testing.chart();
    const productpageSa = new kplus.ServiceAccount(chart, 'PpSa', { metadata: { name: 'bookinfo-productpage', namespace: 'bookinfo' } });
    const productpage = new kplus.Deployment(chart, 'Productpage', {
      metadata: { namespace: 'bookinfo' },
      serviceAccount: productpageSa,
      containers: [{ image: 'productpage', portNumber: 9080 }],
    });
    const legacy = new kplus.Deployment(chart, 'Legacy', { metadata: { namespace: 'legacy' }, containers: [{ image: 'legacy', portNumber: 80 }] });
    const ingressSa = kplus.ServiceAccount.fromServiceAccountName(chart, 'IngressSa', 'istio-ingressgateway-service-account', { namespaceName: 'istio-system' });
    const reviews = new kplus.Deployment(chart, 'Reviews', { metadata: { namespace: 'bookinfo' }, containers: [{ image: 'reviews', portNumber: 9080 }] });

    // WHEN
    AuthorizationPolicy.allowTraffic(chart, 'ToReviews', {
      metadata: { name: 'reviews-viewer', namespace: 'bookinfo' },
      from: [Principal.fromWorkload(productpage), Principal.fromWorkload(legacy), Principal.fromServiceAccount(ingressSa, 'example.org')],
      to: WorkloadSelector.fromWorkload(reviews),
      methods: ['GET'],
      paths: ['/reviews/*'],
      ports: [9080],
      trustDomain: 'mesh.example',
    });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests.find(m => m.kind === 'AuthorizationPolicy').spec).toEqual({
      selector: { matchLabels: reviews.matchLabels },
      action: 'ALLOW',
      rules: [{
        from: [{
          source: {
            principals: [
              'mesh.example/ns/bookinfo/sa/bookinfo-productpage',
              'mesh.example/ns/legacy/sa/default',
              'example.org/ns/istio-system/sa/istio-ingressgateway-service-account',
            ],
          },
        }],
        to: [{ operation: { ports: ['9080'], methods: ['GET'], paths: ['/reviews/*'] } }],
      }],
    });
    expectValidIstio(manifests);
  });

  test('allowTraffic without operations allows everything from the identities; service accounts default to the policy namespace', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'Sa', { metadata: { name: 'sleep' } });
    AuthorizationPolicy.allowTraffic(chart, 'AllowSleep', { metadata: { namespace: 'foo' }, from: [Principal.fromServiceAccount(sa)] });
    expect(specOf(chart)).toEqual({ action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }] });
  });

  test('an empty rule matches every request and Principal.ANY_AUTHENTICATED renders *', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.ALLOW });
    policy.addRule({});
    policy.addRule({ from: [{ principals: [Principal.ANY_AUTHENTICATED] }] });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({ action: 'ALLOW', rules: [{}, { from: [{ source: { principals: ['*'] } }] }] });
    expectValidIstio(manifests);
  });

  // ---- failures ----

  test('fails selector together with targetRefs', () => {
    const chart = Testing.chart();
    expect(() => new AuthorizationPolicy(chart, 'Policy', {
      selector: WorkloadSelector.fromLabels({ app: 'x' }),
      targetRefs: [PolicyTargetReference.fromGateway('gw')],
    })).toThrow(/test\/Policy: targetRefs\[0\] "Gateway\/gw" is invalid: a policy takes either a selector or targetRefs, not both/);
  });

  test('fails more than 16 targetRefs', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    for (let i = 0; i < 16; i++) policy.addTargetRef(PolicyTargetReference.fromServiceName(`s${i}`));
    expect(() => policy.addTargetRef(PolicyTargetReference.fromServiceName('s16'))).toThrow(/test\/Policy: targetRefs\[16\] "Service\/s16" is invalid: a policy takes at most 16 targetRefs/);
  });

  test('fails a cross-namespace Service target', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'Svc', { metadata: { name: 'web', namespace: 'other' }, ports: [{ port: 80 }] });
    new AuthorizationPolicy(chart, 'Policy', { metadata: { namespace: 'bookinfo' }, targetRefs: [PolicyTargetReference.fromService(svc)] });
    expect(() => Testing.synth(chart)).toThrow(/test\/Policy: targetRefs\[0\]\.namespace "other" is invalid: Istio does not support cross-namespace targetRefs/);
  });

  test('fails a GatewayClass target outside the mesh root namespace', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { metadata: { namespace: 'bookinfo' }, targetRefs: [PolicyTargetReference.fromGatewayClass('istio')] });
    expect(() => Testing.synth(chart)).toThrow(/test\/Policy: targetRefs\[0\] "GatewayClass\/istio" is invalid: a GatewayClass target is only honoured in the mesh root namespace "istio-system"/);
  });

  test('fails duplicate targetRefs', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { targetRefs: [PolicyTargetReference.fromGateway('gw'), PolicyTargetReference.fromGateway('gw')] });
    expect(() => Testing.synth(chart)).toThrow(/test\/Policy: targetRefs\[1\] "Gateway\/gw" is invalid: must be unique/);
  });

  test('fails a target name that is not a resource name', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { targetRefs: [PolicyTargetReference.fromGateway('Bad_Gateway')] });
    expect(() => Testing.synth(chart)).toThrow(/test\/Policy: targetRefs\[0\]\.name "Bad_Gateway" is invalid: must be a lowercase RFC 1123 subdomain/);
  });

  test('fails a CUSTOM action without a provider', () => {
    const chart = Testing.chart();
    expect(() => new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.CUSTOM }))
      .toThrow(/test\/Policy: provider undefined is invalid: the CUSTOM action needs provider/);
  });

  test('fails a provider without the CUSTOM action', () => {
    const chart = Testing.chart();
    expect(() => new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.DENY, provider: 'ext' }))
      .toThrow(/test\/Policy: provider "ext" is invalid: a provider is only allowed with action CUSTOM; the action is DENY/);
  });

  test('fails a CUSTOM policy without rules at synth', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.CUSTOM, provider: 'ext' });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Policy\] rules \[\] is invalid: a CUSTOM policy without rules never delegates any request/);
  });

  test('fails serviceAccounts together with principals', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ serviceAccounts: ['a/b'], principals: [Principal.of('cluster.local/ns/a/sa/b')] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.principals \["cluster.local\/ns\/a\/sa\/b"\] is invalid: cannot be combined with serviceAccounts/);
  });

  test('fails notServiceAccounts together with namespaces', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ notServiceAccounts: ['a/b'], namespaces: ['a'] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.namespaces \["a"\] is invalid: cannot be combined with serviceAccounts/);
  });

  test('fails more than 16 service accounts', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    const many = Array.from({ length: 17 }, (_, i) => `ns/sa${i}`);
    expect(() => policy.addRule({ from: [{ serviceAccounts: many }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.serviceAccounts .* takes at most 16 service accounts/);
  });

  test.each([
    ['spiffe://cluster.local/ns/a/sa/b', /must not carry the "spiffe:\/\/" scheme/],
    ['cluster.local/ns/a/b', /must be "<trust domain>\/ns\/<namespace>\/sa\/<service account>"/],
    ['cluster.local/*/sa/b', /must be "<trust domain>\/ns\/<namespace>\/sa\/<service account>"/],
    ['cluster.local/ns/A_B/sa/b', /must be "<trust domain>\/ns\/<namespace>\/sa\/<service account>"/],
  ])('fails a malformed principal %s', (principal, message) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ principals: [Principal.of(principal)] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.principals\[0\]/);
    expect(() => policy.addRule({ from: [{ principals: [Principal.of(principal)] }] })).toThrow(message);
  });

  test('fails a principal from a service account without any namespace', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'Sa');
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ principals: [Principal.fromServiceAccount(sa)] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.principals\[0\] "Principal\.fromServiceAccount\(test\/Sa\)" is invalid: the service account has no namespace/);
  });

  test('fails a bad trust domain', () => {
    const chart = Testing.chart();
    expect(() => new AuthorizationPolicy(chart, 'Policy', { trustDomain: 'bad domain' })).toThrow(/test\/Policy: trustDomain "bad domain" is invalid/);
  });

  test.each([
    ['ipBlocks', '10.0.0.0/33'],
    ['notIpBlocks', '300.1.1.1'],
    ['remoteIpBlocks', '10.0.0.0/8/1'],
    ['notRemoteIpBlocks', 'example.com'],
  ])('fails a malformed CIDR in %s', (field, value) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ [field]: [value] }] }))
      .toThrow(new RegExp(`test/Policy: rules\\[0\\]\\.from\\[0\\]\\.source\\.${field}\\[0\\] "${value.replace(/\./g, '\\.').replace(/\//g, '\\/')}" is invalid: must be an IPv4/IPv6 address or CIDR block`));
  });

  test('fails a malformed IP in a source.ip condition', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ when: [{ key: 'source.ip', values: ['10.0.0.256'] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.values\[0\] "10\.0\.0\.256" is invalid: must be an IPv4\/IPv6 address or CIDR block/);
  });

  test.each(['get', 'FETCH', 'G*'])('fails the HTTP method %s', (method) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ to: [{ methods: [method] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation\.methods\[0\] .* is invalid: must be an upper-case HTTP method/);
  });

  test.each(['reviews', '/a/*/b', '/a?x=1', '/a/{**}/b', '/a/{*}*', '/a b'])('fails the path %s', (path) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ to: [{ notPaths: [path] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation\.notPaths\[0\] .* is invalid: must be a path starting with "\/"/);
  });

  test('fails an out-of-range port', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ to: [{ ports: [0] }] })).toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation\.ports\[0\] 0 is invalid/);
  });

  test('fails a host with a wildcard in the middle', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ to: [{ hosts: ['a.*.com'] }] })).toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation\.hosts\[0\] "a\.\*\.com" is invalid/);
  });

  test('fails a malformed request principal and namespace', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{ requestPrincipals: ['alice'] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.requestPrincipals\[0\] "alice" is invalid: must be "<issuer>\/<subject>"/);
    expect(() => policy.addRule({ from: [{ namespaces: ['Foo'] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.namespaces\[0\] "Foo" is invalid/);
    expect(() => policy.addRule({ from: [{ serviceAccounts: ['a/b/c'] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.serviceAccounts\[0\] "a\/b\/c" is invalid: must be "<service account>" or "<namespace>\/<service account>"/);
  });

  test('fails an empty source, an empty operation and an empty field', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ from: [{}] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source \{\} is invalid: must not be empty/);
    expect(() => policy.addRule({ to: [{}] })).toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation \{\} is invalid: must not be empty/);
    expect(() => policy.addRule({ from: [{ principals: [] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.principals \[\] is invalid: must not be empty/);
  });

  test('fails a condition without values, or with an unknown key', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ when: [{ key: 'request.headers[x]' }] })).toThrow(/test\/Policy: rules\[0\]\.when\[0\] "request\.headers\[x\]" is invalid: a condition needs values or notValues/);
    expect(() => policy.addRule({ when: [{ key: 'request.method', values: ['GET'] }] })).toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.key "request\.method" is invalid: must be one of/);
    expect(() => policy.addRule({ when: [{ key: 'destination.port', values: ['http'] }] })).toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.values\[0\] "http" is invalid: must be a port number from 0 to 65535/);
    for (const key of ['request.headers', 'request.headers[]', 'request.auth.claims', 'experimental.envoy.filters.x', 'destination.labels[app]', 'destination.namespace', 'source.user', 'Request.headers[x]']) {
      expect(() => policy.addRule({ when: [{ key, values: ['v'] }] })).toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.key .* is invalid/);
    }
  });

  test('fails allowTraffic without identities', () => {
    const chart = Testing.chart();
    expect(() => AuthorizationPolicy.allowTraffic(chart, 'Allow', { from: [] })).toThrow(/test\/Allow: rules\[0\]\.from\[0\]\.source\.principals \[\] is invalid: give at least one identity/);
  });

  test('fails a DENY policy without rules at synth (Istio rejects it)', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { metadata: { namespace: 'bookinfo' }, action: AuthorizationAction.DENY });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Policy\] rules \[\] is invalid: Istio rejects a DENY policy without rules/);
  });

  test('a DENY policy with an empty rule denies every request', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy', { metadata: { namespace: 'bookinfo' }, action: AuthorizationAction.DENY });
    policy.addRule({});
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({ action: 'DENY', rules: [{}] });
    expectValidIstio(manifests);
  });

  test.each(['from', 'to'])('fails an empty %s list instead of silently matching everything', (key) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ [key]: [] })).toThrow(new RegExp(`test/Policy: rules\\[0\\]\\.${key} \\[\\] is invalid: must not be empty`));
  });

  test('a CUSTOM policy matches on IP blocks, operations and headers', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'ExtAuthz', {
      metadata: { namespace: 'bookinfo' },
      action: AuthorizationAction.CUSTOM,
      provider: 'opa',
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      rules: [{
        from: [{ remoteIpBlocks: ['0.0.0.0/0'], notIpBlocks: ['10.0.0.0/8'] }],
        to: [{ paths: ['/api/*'], methods: ['POST'] }],
        when: [{ key: 'request.headers[x-ext-authz]', values: ['required'] }],
      }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'CUSTOM',
      provider: { name: 'opa' },
      rules: [{
        from: [{ source: { remoteIpBlocks: ['0.0.0.0/0'], notIpBlocks: ['10.0.0.0/8'] } }],
        to: [{ operation: { methods: ['POST'], paths: ['/api/*'] } }],
        when: [{ key: 'request.headers[x-ext-authz]', values: ['required'] }],
      }],
    });
    expectValidIstio(manifests);
  });

  test.each([
    ['principals', { principals: [Principal.of('cluster.local/ns/a/sa/b')] }, /\["Principal"\]/],
    ['requestPrincipals', { requestPrincipals: ['https://issuer.example.com/alice'] }, /\["https:\/\/issuer\.example\.com\/alice"\]/],
    ['namespaces', { namespaces: ['bookinfo'] }, /\["bookinfo"\]/],
    ['notServiceAccounts', { notServiceAccounts: ['bookinfo/reviews'] }, /\["bookinfo\/reviews"\]/],
  ])('fails %s in the rule of a CUSTOM policy', (key, source, value) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.CUSTOM, provider: 'opa' });
    expect(() => policy.addRule({ from: [source] })).toThrow(new RegExp(`test/Policy: rules\\[0\\]\\.from\\[0\\]\\.source\\.${key} .* is invalid: Istio does not support .* with the CUSTOM action`));
    expect(() => policy.addRule({ from: [source] })).toThrow(value);
  });

  test.each(['request.auth.claims[groups]', 'source.principal', 'source.namespace', 'source.serviceAccount'])('fails the condition %s in a CUSTOM policy', (key) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.CUSTOM, provider: 'opa' });
    expect(() => policy.addRule({ when: [{ key, values: ['bookinfo/x'] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.key ".*" is invalid: Istio does not support .* with the CUSTOM action/);
  });

  test('matches on source.serviceAccount and inline request headers', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', {
      action: AuthorizationAction.DENY,
      rules: [{
        to: [{ ports: [8080] }],
        when: [
          { key: 'source.serviceAccount', notValues: ['bookinfo/bookinfo-productpage'] },
          { key: 'request.experimental.inline.headers[x-token]', values: ['*'] },
        ],
      }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.rules[0].when).toEqual([
      { key: 'source.serviceAccount', notValues: ['bookinfo/bookinfo-productpage'] },
      { key: 'request.experimental.inline.headers[x-token]', values: ['*'] },
    ]);
    expectValidIstio(manifests);
  });

  test('fails a malformed source.serviceAccount condition value', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ when: [{ key: 'source.serviceAccount', values: ['bookinfo/*'] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.when\[0\]\.values\[0\] "bookinfo\/\*" is invalid: must be "<service account>" or "<namespace>\/<service account>"/);
    expect(() => policy.addRule({ when: [{ key: 'source.serviceAccount', values: ['a/b/c'] }] })).toThrow(/values\[0\] "a\/b\/c" is invalid/);
  });

  test('accepts the condition keys Istio accepts, a bare service account and port 0', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    const when = [
      { key: 'request.headers[x-a]', values: ['1'] }, { key: 'request.experimental.inline.headers[x-b]', values: ['2'] },
      { key: 'request.auth.claims[groups][admin]', values: ['3'] }, { key: 'experimental.envoy.filters.network.mysql_proxy[db.table]', values: ['[update]'] },
      { key: 'source.serviceAccount', values: ['productpage'] }, { key: 'destination.port', values: ['0', '65535'] }, { key: 'connection.sni', values: ['a.example.com'] },
    ];
    policy.addRule({ when });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.rules[0].when.map((w: any) => w.key)).toEqual(when.map(w => w.key));
    expectValidIstio([obj]);
  });

  test('fails trustDomains and notTrustDomains in a CUSTOM policy (Istio rejects them)', () => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy', { action: AuthorizationAction.CUSTOM, provider: 'ext' });
    expect(() => policy.addRule({ from: [{ trustDomains: ['example.com'] }] })).toThrow(/test\/Policy: rules\[0\]\.from\[0\]\.source\.trustDomains \["example.com"\] is invalid: Istio does not support/);
    expect(() => policy.addRule({ from: [{ notTrustDomains: ['example.com'] }] })).toThrow(/source\.notTrustDomains \["example.com"\] is invalid: Istio does not support/);
  });

  test.each(['/a//{*}', '/a/{*}/b*', '/a/{*}/b c'])('fails the path template %s', (path) => {
    const chart = Testing.chart();
    const policy = new AuthorizationPolicy(chart, 'Policy');
    expect(() => policy.addRule({ to: [{ paths: [path] }] }))
      .toThrow(/test\/Policy: rules\[0\]\.to\[0\]\.operation\.paths\[0\] .* is invalid: must be a path starting with "\/"/);
  });

  test('accepts duplicate values, as Istio does', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Policy', { rules: [{ to: [{ methods: ['GET', 'GET'] }], from: [{ namespaces: ['a', 'a'] }] }] });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.rules[0].to[0].operation.methods).toEqual(['GET', 'GET']);
    expectValidIstio([obj]);
  });

  test('accepts an empty selector and label keys and values that are not Kubernetes label syntax (Istio only warns or accepts)', () => {
    const chart = Testing.chart();
    new AuthorizationPolicy(chart, 'Empty', { selector: WorkloadSelector.fromLabels({}), rules: [{}] });
    new AuthorizationPolicy(chart, 'Odd', { selector: WorkloadSelector.fromLabels({ 'Not A Label!': 'value with spaces' }), rules: [{}] });
    const objs = Testing.synth(chart);
    expect(objs.map(o => o.spec.selector)).toEqual([{ matchLabels: {} }, { matchLabels: { 'Not A Label!': 'value with spaces' } }]);
    expectValidIstio(objs);
  });

  test('fails selector labels the CRD rejects: "*", empty keys, values over 63 characters', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ app: '*' }, /test\/A: selector\.matchLabels\["app"\] "\*" is invalid/],
      [{ '': 'x' }, /test\/A: selector\.matchLabels key "" is invalid/],
      [{ 'a*': 'x' }, /test\/A: selector\.matchLabels key "a\*" is invalid/],
      [{ app: 'x'.repeat(64) }, /test\/A: selector\.matchLabels\["app"\] "x+" is invalid: a selector label value is a string of at most 63 characters/],
    ];
    for (const [labels, error] of cases) {
      const chart = Testing.chart();
      new AuthorizationPolicy(chart, 'A', { selector: WorkloadSelector.fromLabels(labels), rules: [{}] });
      expect(() => Testing.synth(chart)).toThrow(error);
    }
  });
});
