import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { expectValidIstio } from './support/istio-validate';
import { IstioResource } from '../src/core/istio-resource';
import { kebab } from '../src/core/naming';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ExtensionFilter, TrafficExtension } from '../src/extensions/traffic-extension';
import { WasmPlugin } from '../src/extensions/wasm-plugin';
import { Destination } from '../src/networking/destination';
import { DestinationRule } from '../src/networking/destination-rule';
import { EnvoyFilter } from '../src/networking/envoy-filter';
import { Gateway } from '../src/networking/gateway';
import { GatewaySelector } from '../src/networking/gateway-selector';
import { PortProtocol } from '../src/networking/protocol';
import { ProxyConfig } from '../src/networking/proxy-config';
import { ServiceEntry, ServiceEntryResolution } from '../src/networking/service-entry';
import { Sidecar } from '../src/networking/sidecar';
import { VirtualService } from '../src/networking/virtual-service';
import { WorkloadEntry } from '../src/networking/workload-entry';
import { WorkloadGroup } from '../src/networking/workload-group';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { PeerAuthentication } from '../src/security/peer-authentication';
import { RequestAuthentication } from '../src/security/request-authentication';
import { Telemetry } from '../src/telemetry/telemetry';

const route = () => [{ route: [{ destination: Destination.fromHost('reviews') }] }];

/** One construct of each of the 15 kinds, created with the id `id`. */
const makers: Array<[string, (scope: Construct, id: string) => IstioResource]> = [
  ['VirtualService', (s, id) => new VirtualService(s, id, { hosts: ['reviews'], http: route() })],
  ['DestinationRule', (s, id) => new DestinationRule(s, id, { host: 'reviews' })],
  ['Gateway', (s, id) => new Gateway(s, id, { selector: GatewaySelector.ISTIO_INGRESS, servers: [{ port: { number: 80, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] }] })],
  ['ServiceEntry', (s, id) => new ServiceEntry(s, id, { hosts: ['api.example.com'], resolution: ServiceEntryResolution.DNS })],
  ['Sidecar', (s, id) => new Sidecar(s, id, { workloadSelector: WorkloadSelector.fromLabels({ app: id.toLowerCase() }), egress: [{ hosts: ['./*'] }] })],
  ['EnvoyFilter', (s, id) => new EnvoyFilter(s, id)],
  ['WorkloadEntry', (s, id) => new WorkloadEntry(s, id, { address: '10.0.0.1' })],
  ['WorkloadGroup', (s, id) => new WorkloadGroup(s, id, { template: {} })],
  ['ProxyConfig', (s, id) => new ProxyConfig(s, id)],
  ['AuthorizationPolicy', (s, id) => new AuthorizationPolicy(s, id, { action: AuthorizationAction.ALLOW, selector: WorkloadSelector.fromLabels({ app: 'a' }) })],
  ['PeerAuthentication', (s, id) => new PeerAuthentication(s, id, {})],
  ['RequestAuthentication', (s, id) => new RequestAuthentication(s, id, {})],
  ['Telemetry', (s, id) => new Telemetry(s, id, { tracing: [{ providers: ['zipkin'] }] })],
  ['WasmPlugin', (s, id) => new WasmPlugin(s, id, { url: 'oci://ghcr.io/acme/f:1' })],
  ['TrafficExtension', (s, id) => new TrafficExtension(s, id, { filter: ExtensionFilter.lua('function envoy_on_request(h) end') })],
];

describe('Object names: one rule for every construct', () => {
  // The objects here exist for their names; what istioctl analyze would say of them (two
  // VirtualServices for one host, Telemetries without selector...) is tested in test/analysis.
  const analysis = process.env.CDK8S_ISTIO_ANALYSIS;
  beforeAll(() => { process.env.CDK8S_ISTIO_ANALYSIS = 'off'; });
  afterAll(() => {
    if (analysis === undefined) delete process.env.CDK8S_ISTIO_ANALYSIS;
    else process.env.CDK8S_ISTIO_ANALYSIS = analysis;
  });

  test.each(makers)('%s without metadata.name is named after its construct path in kebab case', (kind, make) => {
    // GIVEN
    const chart = Testing.chart();
    const shop = new Construct(chart, 'Shop');

    // WHEN
    const top = make(chart, 'ReviewsPolicy');
    make(shop, 'Reviews');

    // THEN
    const objects = Testing.synth(chart).filter(o => o.kind === kind);
    expect(objects.map(o => o.metadata.name).sort()).toEqual(['reviews-policy', 'shop-reviews']);
    expectValidIstio(objects);
    expect(top.name).toBe('reviews-policy');
  });

  test('an explicit metadata.name wins, and conventional factory names stay', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'ReviewsRule', { metadata: { name: 'reviews' }, host: 'reviews' });
    AuthorizationPolicy.denyAll(chart, 'DenyAll', { metadata: { namespace: 'bookinfo' } });
    PeerAuthentication.strictMeshWide(chart, 'MeshMtls');
    const names = Testing.synth(chart).map(o => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(['DestinationRule/reviews', 'AuthorizationPolicy/deny-all', 'PeerAuthentication/default']);
  });

  test('long paths are cut to 63 characters with a hash of the path', () => {
    const chart = Testing.chart();
    const deep = new Construct(new Construct(chart, 'ShoppingCartCheckoutFrontend'), 'RecommendationsServiceCanary');
    new DestinationRule(deep, 'PrimaryRegionTrafficPolicy', { host: 'reviews' });
    new DestinationRule(deep, 'PrimaryRegionTrafficPolicyTwo', { host: 'ratings' });
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    const [a, b] = manifests.map(o => o.metadata.name);
    expect(a).toMatch(/^shopping-cart-checkout-frontend-recommendations-service-canary-[0-9a-f]{8}$|^shopping-cart-checkout-frontend-recommendations-servic[a-z-]*-[0-9a-f]{8}$/);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toEqual(b);
  });

  test('synthesizes the same names every time', () => {
    const build = () => {
      const chart = Testing.chart();
      makers.forEach(([, make], i) => make(chart, `Thing${i}`));
      return Testing.synth(chart).map(o => o.metadata.name);
    };
    expect(build()).toEqual(build());
  });

  test('the same name in another namespace or of another kind is no clash', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'A', { metadata: { name: 'reviews', namespace: 'a' }, host: 'reviews' });
    new DestinationRule(chart, 'B', { metadata: { name: 'reviews', namespace: 'b' }, host: 'reviews' });
    new VirtualService(chart, 'C', { metadata: { name: 'reviews', namespace: 'a' }, hosts: ['reviews'], http: route() });
    expect(Testing.synth(chart)).toHaveLength(3);
  });

  test('fails on two objects of one kind with the same name in the same namespace', () => {
    const chart = Testing.chart();
    new DestinationRule(chart, 'First', { metadata: { name: 'reviews', namespace: 'bookinfo' }, host: 'reviews' });
    new DestinationRule(chart, 'Second', { metadata: { name: 'reviews', namespace: 'bookinfo' }, host: 'reviews.bookinfo.svc.cluster.local' });
    expect(() => Testing.synth(chart)).toThrow(
      /test\/First: metadata.name "reviews" is invalid: test\/Second also creates a DestinationRule named "reviews" in namespace "bookinfo"; names must be unique per kind and namespace/);
  });

  test('fails when two construct ids give the same default name', () => {
    const chart = Testing.chart();
    new VirtualService(chart, 'ReviewsRoute', { hosts: ['reviews'], http: route() });
    new VirtualService(chart, 'reviews-route', { hosts: ['reviews.example.com'], http: route() });
    expect(() => Testing.synth(chart)).toThrow(/test\/ReviewsRoute: metadata.name "reviews-route" is invalid: test\/reviews-route also creates a VirtualService/);
  });

  test('fails on a clash across charts of one app in the same namespace', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'bookinfo' });
    const b = new Chart(app, 'b', { namespace: 'bookinfo' });
    new DestinationRule(a, 'Reviews', { metadata: { namespace: 'bookinfo' }, host: 'reviews' });
    new DestinationRule(b, 'Reviews', { metadata: { namespace: 'bookinfo' }, host: 'reviews' });
    expect(() => app.synth()).toThrow(/a\/Reviews: metadata.name "reviews" is invalid: b\/Reviews also creates a DestinationRule/);
  });

  test('every id gives a valid, human-looking name', () => {
    fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40 }).filter(s => /[A-Za-z0-9]/.test(s) && !s.includes('/')), { minLength: 1, maxLength: 4 }), ids => {
      const chart = Testing.chart();
      let scope: Construct = chart;
      ids.slice(0, -1).forEach((id, i) => { scope = new Construct(scope, `${id}${i}`); });
      const rule = new DestinationRule(scope, ids[ids.length - 1], { host: 'reviews' });
      expect(rule.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(rule.name.length).toBeLessThanOrEqual(63);
    }), { seed: 1630, numRuns: 200 });
  });

  test.each([
    ['ReviewsRule', 'reviews-rule'],
    ['HTTPBinEgress', 'http-bin-egress'],
    ['vm_1', 'vm-1'],
    ['v2', 'v2'],
    ['Bookinfo.Gateway', 'bookinfo-gateway'],
  ])('kebab(%s) is %s', (id, name) => {
    expect(kebab(id)).toBe(name);
  });
});
