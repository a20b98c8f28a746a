import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { PortProtocol } from '../src/networking/protocol';
import { ProxyConfig, ProxyImageType } from '../src/networking/proxy-config';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryResolution } from '../src/networking/service-entry';
import { WorkloadEntry, WorkloadEntryProps } from '../src/networking/workload-entry';
import { ProbeScheme, ReadinessProbe, WorkloadGroup } from '../src/networking/workload-group';

const SEED = 1630;

function synthValid(chart: Chart, kind?: string): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return kind ? manifests.filter(m => m.kind === kind) : manifests;
}

describe('WorkloadEntry', () => {
  test('renders every field, with a ServiceAccount object', () => {
    // GIVEN
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'DetailsSa', { metadata: { name: 'bookinfo-details', namespace: 'bookinfo' } });

    // WHEN
    new WorkloadEntry(chart, 'DetailsVm', {
      metadata: { name: 'details-vm', namespace: 'bookinfo' },
      address: '10.0.0.17',
      ports: { http: 9080 },
      labels: { app: 'details', version: 'v1' },
      network: 'vm-network',
      locality: 'us-east1/us-east1-b',
      weight: 5,
      serviceAccount: sa,
    });

    // THEN
    expect(synthValid(chart, 'WorkloadEntry')).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: { name: 'details-vm', namespace: 'bookinfo' },
      spec: {
        address: '10.0.0.17',
        ports: { http: 9080 },
        labels: { app: 'details', version: 'v1' },
        network: 'vm-network',
        locality: 'us-east1/us-east1-b',
        weight: 5,
        serviceAccount: 'bookinfo-details',
      },
    }]);
  });

  test('is selected by a ServiceEntry through its selector (upstream VM sample)', () => {
    const chart = Testing.chart();
    const vm = new WorkloadEntry(chart, 'Vm', {
      metadata: { name: 'details-vm', namespace: 'bookinfo' },
      address: 'vm-1.example.com',
      labels: { app: 'details-legacy' },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'Sa', 'details-legacy'),
    });
    new ServiceEntry(chart, 'Details', {
      metadata: { name: 'details-svc', namespace: 'bookinfo' },
      hosts: ['details.bookinfo.com'],
      location: ServiceEntryLocation.MESH_INTERNAL,
      ports: [{ number: 80, name: 'http', protocol: PortProtocol.HTTP, targetPort: 8080 }],
      resolution: ServiceEntryResolution.DNS,
      workloadSelector: vm.selector,
    });
    const manifests = synthValid(chart);
    expect(manifests.find(m => m.kind === 'ServiceEntry').spec.workloadSelector).toEqual({ labels: { app: 'details-legacy' } });
    expect(manifests.find(m => m.kind === 'WorkloadEntry').spec).toEqual({ address: 'vm-1.example.com', labels: { app: 'details-legacy' }, serviceAccount: 'details-legacy' });
  });

  test('accepts a Unix domain socket and a network-only entry', () => {
    const chart = Testing.chart();
    new WorkloadEntry(chart, 'Uds', { address: 'unix:///var/run/app.sock' });
    new WorkloadEntry(chart, 'Abstract', { address: 'unix://@app' });
    new WorkloadEntry(chart, 'Remote', { network: 'network-2', labels: { app: 'x' } });
    expect(synthValid(chart, 'WorkloadEntry').map(m => m.spec)).toEqual([
      { address: 'unix:///var/run/app.sock' },
      { address: 'unix://@app' },
      { network: 'network-2', labels: { app: 'x' } },
    ]);
  });

  test.each<[string, WorkloadEntryProps, RegExp]>([
    ['no address nor network', {}, /address undefined is invalid: is required unless network is set/],
    ['a bad address', { address: 'not an address' }, /address "not an address" is invalid: must be an IP address, a DNS name/],
    ['a numeric top-level domain', { address: '10.0.0.300' }, /address "10.0.0.300" is invalid/],
    ['a relative socket', { address: 'unix://run/app.sock' }, /address "unix:\/\/run\/app.sock" is invalid: a Unix domain socket must be an absolute path/],
    ['a socket directory', { address: 'unix:///run/' }, /address "unix:\/\/\/run\/" is invalid: a Unix domain socket cannot be a directory/],
    ['ports on a socket', { address: 'unix:///run/a.sock', ports: { http: 80 } }, /ports {"http":80} is invalid: a Unix domain socket address takes no ports/],
    ['a bad port name', { address: '10.0.0.1', ports: { Http_1: 80 } }, /ports key "Http_1" is invalid: a port name is a DNS label/],
    ['a bad port', { address: '10.0.0.1', ports: { http: 0 } }, /ports\["http"\] 0 is invalid: must be an integer port number from 1 to 65535/],
    ['a bad label', { address: '10.0.0.1', labels: { app: 'a b' } }, /labels\["app"\] "a b" is invalid/],
    ['a bad weight', { address: '10.0.0.1', weight: -1 }, /weight -1 is invalid: must be an integer from 0 to 4294967295/],
    ['a long network', { address: '10.0.0.1', network: 'n'.repeat(2049) }, /network "n+" is invalid: must be at most 2048 characters/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => new WorkloadEntry(Testing.chart(), 'E', props)).toThrow(message);
  });

  test('fails to select an entry without labels', () => {
    const entry = new WorkloadEntry(Testing.chart(), 'E', { address: '10.0.0.1' });
    expect(() => entry.selector).toThrow(/test\/E: labels undefined is invalid: a WorkloadEntry without labels cannot be selected/);
  });
});

describe('WorkloadGroup', () => {
  test('renders every field and creates WorkloadEntries from its template', () => {
    // GIVEN
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'RatingsSa', { metadata: { name: 'bookinfo-ratings', namespace: 'bookinfo' } });

    // WHEN
    const group = new WorkloadGroup(chart, 'Ratings', {
      metadata: { name: 'ratings-vms', namespace: 'bookinfo' },
      entryMetadata: { labels: { app: 'ratings' }, annotations: { 'example.com/owner': 'team-a' } },
      template: { labels: { app: 'ratings', version: 'v1' }, ports: { http: 9080 }, serviceAccount: sa, network: 'vm-net', locality: 'us-east1', weight: 2 },
      probe: ReadinessProbe.httpGet(9080, {
        path: '/health',
        host: '127.0.0.1',
        scheme: ProbeScheme.HTTPS,
        httpHeaders: [{ name: 'x-probe', value: '1' }],
        initialDelay: Duration.seconds(5),
        timeout: Duration.seconds(2),
        period: Duration.seconds(10),
        successThreshold: 1,
        failureThreshold: 3,
      }),
    });
    const vm1 = group.addWorkloadEntry('vm-1', { address: '10.0.0.21' });
    group.addWorkloadEntry('vm-2', { address: '10.0.0.22', labels: { version: 'v2' }, ports: { http: 9081 }, weight: 7, locality: 'us-west1', network: 'other' });

    // THEN
    const manifests = synthValid(chart);
    expect(manifests.find(m => m.kind === 'WorkloadGroup')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadGroup',
      metadata: { name: 'ratings-vms', namespace: 'bookinfo' },
      spec: {
        metadata: { labels: { app: 'ratings' }, annotations: { 'example.com/owner': 'team-a' } },
        template: { labels: { app: 'ratings', version: 'v1' }, ports: { http: 9080 }, serviceAccount: 'bookinfo-ratings', network: 'vm-net', locality: 'us-east1', weight: 2 },
        probe: {
          initialDelaySeconds: 5,
          timeoutSeconds: 2,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
          httpGet: { path: '/health', port: 9080, host: '127.0.0.1', scheme: 'HTTPS', httpHeaders: [{ name: 'x-probe', value: '1' }] },
        },
      },
    });
    expect(manifests.filter(m => m.kind === 'WorkloadEntry')).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: 'ratings-vms-vm-1', namespace: 'bookinfo', labels: { app: 'ratings' }, annotations: { 'example.com/owner': 'team-a' } },
        spec: { address: '10.0.0.21', ports: { http: 9080 }, labels: { app: 'ratings', version: 'v1' }, network: 'vm-net', locality: 'us-east1', weight: 2, serviceAccount: 'bookinfo-ratings' },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: 'ratings-vms-vm-2', namespace: 'bookinfo', labels: { app: 'ratings' }, annotations: { 'example.com/owner': 'team-a' } },
        spec: { address: '10.0.0.22', ports: { http: 9081 }, labels: { app: 'ratings', version: 'v2' }, network: 'other', locality: 'us-west1', weight: 7, serviceAccount: 'bookinfo-ratings' },
      },
    ]);
    expect(group.workloadEntries).toEqual([vm1, expect.any(WorkloadEntry)]);
    expect(group.selector).toBeInstanceOf(WorkloadSelector);
  });

  test('renders a template address (a socket shared by every workload)', () => {
    const chart = Testing.chart();
    new WorkloadGroup(chart, 'G', { template: { address: 'unix:///var/run/app.sock', labels: { app: 'a' } } });
    expect(synthValid(chart, 'WorkloadGroup')[0].spec).toEqual({ template: { address: 'unix:///var/run/app.sock', labels: { app: 'a' } } });
  });

  test.each([
    ['tcpSocket', ReadinessProbe.tcpSocket(3306, { host: 'localhost', period: Duration.seconds(3) }), { periodSeconds: 3, tcpSocket: { host: 'localhost', port: 3306 } }],
    ['exec', ReadinessProbe.exec(['/bin/check', '--ready']), { exec: { command: ['/bin/check', '--ready'] } }],
    ['grpc', ReadinessProbe.grpc(50051, { service: 'health' }), { grpc: { port: 50051, service: 'health' } }],
  ])('renders a %s probe', (_name, probe, expected) => {
    const chart = Testing.chart();
    new WorkloadGroup(chart, 'G', { template: {}, probe });
    expect(synthValid(chart, 'WorkloadGroup')[0].spec).toEqual({ template: {}, probe: expected });
  });

  test.each<[string, () => WorkloadGroup, RegExp]>([
    ['no template', () => new WorkloadGroup(Testing.chart(), 'G', {} as any), /template undefined is invalid: is required/],
    ['a bad template port', () => new WorkloadGroup(Testing.chart(), 'G', { template: { ports: { http: 70000 } } }), /template.ports\["http"\] 70000 is invalid/],
    ['a template socket with ports', () => new WorkloadGroup(Testing.chart(), 'G', { template: { address: 'unix:///a.sock', ports: { a: 1 } } }), /template.ports .* is invalid: a Unix domain socket/],
    ['bad entry labels', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, entryMetadata: { labels: { 'a b': 'x' } } }), /metadata.labels key "a b" is invalid/],
    ['a bad probe port', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, probe: ReadinessProbe.tcpSocket(0) }), /probe.tcpSocket.port 0 is invalid/],
    ['an empty exec command', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, probe: ReadinessProbe.exec([]) }), /probe.exec.command \[\] is invalid: is required/],
    ['a bad header name', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, probe: ReadinessProbe.httpGet(80, { httpHeaders: [{ name: 'a b', value: '' }] }) }), /probe.httpGet.httpHeaders\[0\].name "a b" is invalid/],
    ['a fractional period', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, probe: ReadinessProbe.grpc(80, { period: Duration.millis(1500) }) }), /probe.periodSeconds .* is invalid: must be a whole number of seconds/],
    ['a negative threshold', () => new WorkloadGroup(Testing.chart(), 'G', { template: {}, probe: ReadinessProbe.grpc(80, { failureThreshold: -1 }) }), /probe.failureThreshold -1 is invalid/],
  ])('fails on %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('fails when an entry made from the template has an invalid address', () => {
    const group = new WorkloadGroup(Testing.chart(), 'G', { metadata: { name: 'g' }, template: { labels: { app: 'a' } } });
    expect(() => group.addWorkloadEntry('vm', { address: 'bad address' })).toThrow(/test\/G\/vm: address "bad address" is invalid/);
  });
});

describe('ProxyConfig', () => {
  test('renders every field', () => {
    const chart = Testing.chart();
    new ProxyConfig(chart, 'Reviews', {
      metadata: { name: 'reviews-proxy', namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      concurrency: 0,
      environmentVariables: { ISTIO_META_ENABLE_HBONE: 'true' },
      imageType: ProxyImageType.DISTROLESS,
    });
    expect(synthValid(chart, 'ProxyConfig')).toEqual([{
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'ProxyConfig',
      metadata: { name: 'reviews-proxy', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'reviews' } },
        concurrency: 0,
        environmentVariables: { ISTIO_META_ENABLE_HBONE: 'true' },
        image: { imageType: 'distroless' },
      },
    }]);
  });

  test('renders a mesh-wide ProxyConfig (upstream sample) with an empty spec', () => {
    const chart = Testing.chart();
    new ProxyConfig(chart, 'Mesh', { metadata: { name: 'mesh', namespace: 'istio-system' }, concurrency: 2 });
    expect(synthValid(chart, 'ProxyConfig')[0].spec).toEqual({ concurrency: 2 });
  });

  test.each<[string, any, RegExp]>([
    ['a negative concurrency', { concurrency: -1 }, /concurrency -1 is invalid: must be an integer, 0/],
    ['a long variable', { environmentVariables: { A: 'x'.repeat(2049) } }, /environmentVariables\["A"\] "x+" is invalid: must be a string of at most 2048 characters/],
    ['a wildcard selector', { selector: WorkloadSelector.fromLabels({ app: '*' }) }, /selector.matchLabels\["app"\] "\*" is invalid/],
  ])('fails on %s', (_name, props, message) => {
    expect(() => new ProxyConfig(Testing.chart(), 'P', props)).toThrow(message);
  });
});

describe('workload properties', () => {
  const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map(p => p.join('.'));
  const dns = fc.array(label, { minLength: 1, maxLength: 3 }).map(l => `${l.join('.')}.example.com`);
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const attributes = fc.record({
    ports: opt(fc.dictionary(label.filter(l => l.length < 63), fc.integer({ min: 1, max: 65535 }), { maxKeys: 3 })),
    labels: opt(fc.dictionary(label, label, { maxKeys: 3 })),
    network: opt(fc.string({ maxLength: 30 })),
    locality: opt(fc.string({ maxLength: 30 })),
    weight: opt(fc.integer({ min: 0, max: 4294967295 })),
  });

  test('valid entries, groups and proxy configs synthesize into valid objects', () => {
    const chart = Testing.chart();
    let n = 0;
    fc.assert(fc.property(attributes, fc.oneof(ipv4, dns, label.map(l => `unix:///run/${l}.sock`)), fc.nat(4), (attrs, address, concurrency) => {
      n++;
      const ports = address.startsWith('unix://') ? undefined : attrs.ports;
      new WorkloadEntry(chart, `E${n}`, { ...attrs, ports, address });
      const group = new WorkloadGroup(chart, `G${n}`, { metadata: { name: `g${n}` }, template: { ...attrs }, probe: ReadinessProbe.tcpSocket(8080) });
      group.addWorkloadEntry('vm', { address: address.startsWith('unix://') ? '10.0.0.1' : address });
      new ProxyConfig(chart, `P${n}`, { concurrency, environmentVariables: attrs.labels });
    }), { seed: SEED, numRuns: 60 });
    const manifests = Testing.synth(chart);
    expect(manifests).toHaveLength(4 * n);
    expectValidIstio(manifests);
  });

  test('fails on every invalid port, weight and address', () => {
    const badPort = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.5, max: 99, noInteger: true }));
    fc.assert(fc.property(badPort, p => {
      expect(() => new WorkloadEntry(Testing.chart(), 'E', { address: '10.0.0.1', ports: { http: p } })).toThrow(/: ports\["http"\] .* is invalid/);
      expect(() => new WorkloadGroup(Testing.chart(), 'G', { template: { ports: { http: p } } })).toThrow(/: template.ports\["http"\] .* is invalid/);
    }), { seed: SEED, numRuns: 40 });
    fc.assert(fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 2 ** 32, max: 2 ** 40 })), w => {
      expect(() => new WorkloadEntry(Testing.chart(), 'E', { address: '10.0.0.1', weight: w })).toThrow(/: weight .* is invalid/);
    }), { seed: SEED, numRuns: 40 });
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }).filter(s => /[ _/!@#$%^&*()]/.test(s) && !s.startsWith('unix://')), a => {
      expect(() => new WorkloadEntry(Testing.chart(), 'E', { address: a })).toThrow(/: address .* is invalid/);
    }), { seed: SEED, numRuns: 40 });
  });
});
