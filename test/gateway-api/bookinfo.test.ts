import { App, Testing, Yaml } from 'cdk8s';
import { BookinfoIngress, parseIngress } from '../../examples/bookinfo/bookinfo-gateway-api';
import { addBookinfoStack } from '../../examples/bookinfo/bookinfo-stack';
import { Scenario } from '../../examples/bookinfo/scenarios';
import { expectValidManifests } from '../support/istio-validate';

function synth(scenario: Scenario = Scenario.DEFAULT) {
  const app = Testing.app();
  const stack = addBookinfoStack(app, { ingress: BookinfoIngress.GATEWAY_API, scenario });
  const charts = [stack.crds, stack.controlPlane, stack.addons, stack.application];
  return { objects: charts.flatMap(c => Testing.synth(c)), application: Testing.synth(stack.application) };
}

const route = (objects: any[], name: string) => objects.find(o => o.kind === 'HTTPRoute' && o.metadata.name === name)?.spec;
const GAMMA = (service: string) => [{ group: '', kind: 'Service', name: service }];
const to = (name: string, weight?: number) => ({ name, port: 9080, ...(weight === undefined ? {} : { weight }) });

describe('bookinfo on the Gateway API (BOOKINFO_INGRESS=gateway-api)', () => {
  const { objects, application } = synth();

  test('a Gateway of class istio and an HTTPRoute serve the bookinfo paths; no Istio Gateway or VirtualService', () => {
    expect(application.find(o => o.kind === 'Gateway')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    expect(route(application, 'bookinfo')).toEqual({
      parentRefs: [{ name: 'bookinfo-gateway', sectionName: 'http' }],
      rules: [{
        matches: [
          { path: { type: 'Exact', value: '/productpage' } },
          { path: { type: 'PathPrefix', value: '/static' } },
          { path: { type: 'Exact', value: '/login' } },
          { path: { type: 'Exact', value: '/logout' } },
          { path: { type: 'PathPrefix', value: '/api/v1/products' } },
        ],
        backendRefs: [to('productpage')],
      }],
    });
    expect(objects.filter(o => String(o.apiVersion).startsWith('networking.istio.io/'))).toEqual([]);
    // the default scenario routes nothing else
    expect(application.filter(o => o.kind === 'HTTPRoute').map(o => o.metadata.name)).toEqual(['bookinfo']);
  });

  test('a Service per version selects that version\'s pods', () => {
    const versions = application.filter(o => o.kind === 'Service' && /-v\d$/.test(o.metadata.name));
    expect(versions.map(s => s.metadata.name)).toEqual(['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1']);
    expect(versions.find(s => s.metadata.name === 'reviews-v2').spec).toMatchObject({
      ports: [{ port: 9080, name: 'http' }],
      selector: { app: 'reviews', version: 'v2' },
    });
  });

  test('the Gateway API CRDs come with the control plane, before the routes', () => {
    expect(objects.findIndex(o => o.metadata.name === 'httproutes.gateway.networking.k8s.io'))
      .toBeLessThan(objects.findIndex(o => o.kind === 'HTTPRoute'));
  });

  test.each([
    [Scenario.ALL_V1, [to('reviews-v1')]],
    [Scenario.REVIEWS_V3, [to('reviews-v3')]],
    [Scenario.REVIEWS_50_50_V3, [to('reviews-v1', 50), to('reviews-v3', 50)]],
    [Scenario.REVIEWS_90_10, [to('reviews-v1', 90), to('reviews-v2', 10)]],
    [Scenario.REVIEWS_80_20, [to('reviews-v1', 80), to('reviews-v2', 20)]],
  ])('scenario %s: mesh HTTPRoutes with the reviews Service as parent', (scenario, reviewsBackends) => {
    const app = synth(scenario).application;
    expect(route(app, 'reviews')).toEqual({ parentRefs: GAMMA('reviews'), rules: [{ backendRefs: reviewsBackends }] });
    for (const svc of ['productpage', 'details', 'ratings']) {
      expect(route(app, svc)).toEqual({ parentRefs: GAMMA(svc), rules: [{ backendRefs: [to(`${svc}-v1`)] }] });
    }
    expectValidManifests(app);
  });

  test('scenario jason-v2 matches the end-user header; STRICT mutual TLS, PERMISSIVE in the permissive scenario', () => {
    const jason = synth(Scenario.JASON_V2).application;
    expect(route(jason, 'reviews').rules).toEqual([
      { matches: [{ headers: [{ name: 'end-user', value: 'jason' }] }], backendRefs: [to('reviews-v2')] },
      { backendRefs: [to('reviews-v1')] },
    ]);
    expect(jason.find(o => o.kind === 'PeerAuthentication').spec).toEqual({ mtls: { mode: 'STRICT' } });
    const permissive = synth(Scenario.PERMISSIVE).application;
    expect(permissive.find(o => o.kind === 'PeerAuthentication').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(permissive.filter(o => o.kind === 'HTTPRoute').map(o => o.metadata.name)).toEqual(['bookinfo']);
  });

  test('every object passes the independent validators, and re-synth is byte-identical', () => {
    expectValidManifests(application);
    const yaml = () => Yaml.stringify(...synth(Scenario.REVIEWS_90_10).application);
    expect(yaml()).toEqual(yaml());
  });

  test('fails for scenarios that need fault injection, and for an unknown ingress style', () => {
    expect(() => addBookinfoStack(new App(), { ingress: BookinfoIngress.GATEWAY_API, scenario: Scenario.RATINGS_DELAY }))
      .toThrow(/BOOKINFO_SCENARIO "ratings-delay" is invalid with BOOKINFO_INGRESS=gateway-api: the Gateway API has no fault injection/);
    expect(() => parseIngress('nginx', 'BOOKINFO_INGRESS')).toThrow(/BOOKINFO_INGRESS "nginx" is invalid: must be one of istio, gateway-api/);
    expect(parseIngress(undefined, 'BOOKINFO_INGRESS')).toBe(BookinfoIngress.ISTIO);
  });
});
