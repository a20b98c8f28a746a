import { manifestProblems } from '../support/istio-validate';

// The Gateway API validation the construct tests rely on must itself catch bad objects:
// strict CRD schema (imports/crds/gateway-api-*.json) and the CRDs' CEL rules.
describe('Gateway API validation harness', () => {
  const route = (spec: any) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'reviews' }, spec });
  const gateway = (spec: any) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec });

  test('accepts valid objects of every kind, with API server defaults applied before CEL', () => {
    expect(manifestProblems([
      gateway({ gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] }),
      route({
        parentRefs: [{ name: 'gw', namespace: 'istio-ingress', sectionName: 'http' }],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
          backendRefs: [{ name: 'reviews', port: 9080 }],
        }],
      }),
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'g' }, spec: { rules: [{ matches: [{ method: { service: 'Foo.Bar' } }] }] } },
      { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata: { name: 't' }, spec: { rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] } },
    ])).toEqual([]);
  });

  test('reports a field the CRD does not define', () => {
    expect(manifestProblems([route({ rules: [{ backendRefs: [{ name: 'reviews', port: 9080, subset: 'v1' }] }] })]))
      .toEqual([expect.stringMatching(/HTTPRoute\/reviews: CRD schema: \/spec\/rules\/0\/backendRefs\/0 must NOT have additional properties \(subset\)/)]);
  });

  test('reports CEL rule violations, including rules on defaulted fields', () => {
    expect(manifestProblems([route({ rules: [{ backendRefs: [{ name: 'reviews' }] }] })]))
      .toEqual([expect.stringMatching(/CEL rule failed at \/spec\/rules\/0\/backendRefs\/0: Must have port for Service reference/)]);
    expect(manifestProblems([route({ rules: [{ timeouts: { request: '1s', backendRequest: '2s' } }] })]))
      .toEqual([expect.stringMatching(/backendRequest timeout cannot be longer than request timeout/)]);
    expect(manifestProblems([gateway({ gatewayClassName: 'istio', listeners: [{ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'a', port: 81, protocol: 'HTTP' }] })]))
      .toEqual([expect.stringMatching(/Listener name must be unique within the Gateway/), expect.stringMatching(/duplicate entry \["a"\] in a list of type map/)]);
    expect(manifestProblems([route({ rules: [{ filters: [{ type: 'CORS', cors: { allowMethods: ['GET', 'GET'] } }] }] })]))
      .toEqual([expect.stringMatching(/\/spec\/rules\/0\/filters\/0\/cors\/allowMethods\/1 duplicate entry "GET" in a list of type set/)]);
  });

  test('escapes CEL keywords (parentRefs[].namespace) and supports (?i) and has() on list elements', () => {
    const dup = { name: 'gw', namespace: 'x' };
    expect(manifestProblems([route({ parentRefs: [dup, { ...dup, sectionName: 'http' }] })]))
      .toEqual(expect.arrayContaining([expect.stringMatching(/sectionName must be specified when parentRefs includes 2 or more references to the same parent/)]));
    expect(manifestProblems([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'g' }, spec: { rules: [{ matches: [{ method: { service: 'foo-bar' } }] }] } }]))
      .toEqual([expect.stringMatching(/CEL rule failed at \/spec\/rules\/0\/matches\/0\/method/)]);
    expect(manifestProblems([route({ rules: [{ matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] }] })]))
      .toEqual([expect.stringMatching(/When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified/)]);
  });

  test('reports a Gateway API kind at a version the CRDs do not serve', () => {
    expect(manifestProblems([{ apiVersion: 'gateway.networking.k8s.io/v1alpha3', kind: 'TLSRoute', metadata: { name: 't' }, spec: {} }]))
      .toEqual(expect.arrayContaining([expect.stringMatching(/no Gateway API CRD serves gateway.networking.k8s.io\/v1alpha3\/TLSRoute/)]));
  });
});
