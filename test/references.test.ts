import { Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { GatewayInstallation } from '../src/install/gateway-installation';
import { ClientTls } from '../src/networking/client-tls';
import { Destination } from '../src/networking/destination';
import { DestinationRule, Subset } from '../src/networking/destination-rule';
import { LoadBalancer, SimpleLoadBalancer } from '../src/networking/load-balancer';
import { PortProtocol } from '../src/networking/protocol';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../src/networking/service-entry';
import { VirtualService } from '../src/networking/virtual-service';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { Principal } from '../src/security/principal';

describe('Subset.fromName: routing to a subset another app owns', () => {
  test('routes to the imported subset, qualified with its namespace from elsewhere', () => {
    // GIVEN
    const chart = Testing.chart();
    const v3 = Subset.fromName('reviews', 'v3', { namespace: 'bookinfo' });

    // WHEN
    new VirtualService(chart, 'Reviews', {
      metadata: { name: 'reviews', namespace: 'frontend' },
      hosts: ['reviews.bookinfo.svc.cluster.local'],
      http: [{ route: [{ destination: Destination.fromSubset(v3) }] }],
    });

    // THEN
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    expect(manifests[0].spec.http[0].route).toEqual([{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v3' } }]);
  });

  test.each([
    ['host', () => Subset.fromName('reviews/v3', 'v3'), /Subset.fromName host "reviews\/v3" is invalid/],
    ['wildcard host', () => Subset.fromName('*.example.com', 'v3'), /Subset.fromName host "\*.example.com" is invalid: wildcards are not allowed/],
    ['subset name', () => Subset.fromName('reviews', 'v_3'), /Subset.fromName subsetName "v_3" is invalid: must be 1-63 characters of \[A-Za-z0-9-\]/],
    ['namespace', () => Subset.fromName('reviews', 'v3', { namespace: 'Bookinfo' }), /Subset.fromName namespace "Bookinfo" is invalid/],
  ])('fails on an invalid %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

describe('Declaration order: subsets resolve at synth', () => {
  test('rule.subset() before addSubset() routes to the subset added later', () => {
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'ReviewsRule', { metadata: { name: 'reviews' }, host: 'reviews' });
    const v3 = rule.subset('v3');
    new VirtualService(chart, 'Reviews', { metadata: { name: 'reviews' }, hosts: ['reviews'], http: [{ route: [{ destination: Destination.fromSubset(v3) }] }] });
    rule.addSubset('v3', { labels: { version: 'v3' } });
    expect(rule.subset('v3')).not.toBe(v3); // the defined subset, now that it exists

    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    expect(manifests.find(m => m.kind === 'DestinationRule').spec.subsets).toEqual([{ name: 'v3', labels: { version: 'v3' } }]);
    expect(manifests.find(m => m.kind === 'VirtualService').spec.http[0].route).toEqual([{ destination: { host: 'reviews', subset: 'v3' } }]);
  });

  test('fails at synth when the subset is never added', () => {
    const chart = Testing.chart();
    const rule = new DestinationRule(chart, 'reviews', { host: 'reviews', subsets: [{ name: 'v1' }] });
    rule.subset('v9');
    expect(() => Testing.synth(chart)).toThrow(/test\/reviews: subsets "v9" is invalid: this rule defines "v1"/);
  });

  test('fails at once on an invalid subset name', () => {
    const rule = new DestinationRule(Testing.chart(), 'reviews', { host: 'reviews' });
    expect(() => rule.subset('v_9')).toThrow(/reviews: subsets "v_9" is invalid: must be 1-63 characters of \[A-Za-z0-9-\]/);
  });
});

describe('ServiceEntry destinations: upstream egress-rule-google-apis with the host typed once', () => {
  test('a ServiceEntry, a VirtualService that rewrites port 80 to 443 and a DestinationRule that originates TLS', () => {
    // GIVEN
    const chart = Testing.chart();
    const googleapis = new ServiceEntry(chart, 'GoogleApis', {
      metadata: { name: 'googleapis' },
      hosts: ['www.googleapis.com'],
      ports: [{ number: 80, name: 'http', protocol: PortProtocol.HTTP }, { number: 443, name: 'https', protocol: PortProtocol.HTTPS }],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution: ServiceEntryResolution.DNS,
    });

    // WHEN
    new VirtualService(chart, 'RewritePort', {
      metadata: { name: 'rewrite-port-for-googleapis' },
      hosts: googleapis.hosts,
      http: [{ match: [{ port: 80 }], route: [{ destination: Destination.fromServiceEntry(googleapis, { port: 443 }) }] }],
    });
    DestinationRule.forServiceEntry(chart, 'OriginateTls', googleapis, {
      metadata: { name: 'originate-tls-for-googleapis' },
      trafficPolicy: {
        loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN),
        portLevelSettings: [{ port: 443, tls: ClientTls.simple() }],
      },
    });

    // THEN
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    expect(manifests.find(m => m.kind === 'VirtualService').spec).toEqual({
      hosts: ['www.googleapis.com'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: 'www.googleapis.com', port: { number: 443 } } }] }],
    });
    expect(manifests.find(m => m.kind === 'DestinationRule').spec).toEqual({
      host: 'www.googleapis.com',
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] },
    });
  });

  test('names another host of the entry', () => {
    const chart = Testing.chart();
    const entry = new ServiceEntry(chart, 'E', { hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }], resolution: ServiceEntryResolution.DNS });
    new VirtualService(chart, 'V', { hosts: ['b.example.com'], http: [{ route: [{ destination: Destination.fromServiceEntry(entry, { host: 'b.example.com' }) }] }] });
    DestinationRule.forServiceEntry(chart, 'R', entry, { host: 'b.example.com' });
    const manifests = Testing.synth(chart);
    expectValidIstio(manifests);
    expect(manifests.find(m => m.kind === 'VirtualService').spec.http[0].route[0].destination).toEqual({ host: 'b.example.com' });
    expect(manifests.find(m => m.kind === 'DestinationRule').spec.host).toEqual('b.example.com');
  });

  test('fails at synth on a port the entry does not have', () => {
    const chart = Testing.chart();
    const entry = new ServiceEntry(chart, 'E', { hosts: ['a.example.com'], ports: [{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }], resolution: ServiceEntryResolution.DNS });
    new VirtualService(chart, 'V', { hosts: ['a.example.com'], http: [{ route: [{ destination: Destination.fromServiceEntry(entry, { port: 8443 }) }] }] });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/V\] Error \[IST0101\] .*"a.example.com:8443"; ServiceEntry default\/e exposes 443/);
  });

  test('fails on a host the entry does not have', () => {
    const chart = Testing.chart();
    const entry = new ServiceEntry(chart, 'E', { hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS });
    expect(() => DestinationRule.forServiceEntry(chart, 'R', entry, { host: 'c.example.com' })).toThrow(/test: host "c.example.com" is invalid: is not a host of test\/E/);
  });
});

describe('GatewayInstallation.serviceAccount', () => {
  test('is a ServiceAccount object an AuthorizationPolicy can name as a principal', () => {
    const chart = Testing.chart();
    const ingress = new GatewayInstallation(chart, 'Ingress');
    new AuthorizationPolicy(chart, 'FromIngress', {
      metadata: { name: 'from-ingress', namespace: 'bookinfo' },
      action: AuthorizationAction.ALLOW,
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      rules: [{ from: [{ principals: [Principal.fromServiceAccount(ingress.serviceAccount)] }] }],
    });
    const manifests = Testing.synth(chart);
    expect(ingress.serviceAccount.name).toBe('istio-ingressgateway-service-account');
    expect(manifests.find(m => m.kind === 'ServiceAccount').metadata.name).toBe(ingress.serviceAccount.name);
    expect(manifests.find(m => m.kind === 'AuthorizationPolicy').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);
  });
});
