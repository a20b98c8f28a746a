import { Chart, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { PortProtocol } from '../src/networking/protocol';
import { ServiceEntry, ServiceEntryLocation, ServiceEntryProps, ServiceEntryResolution } from '../src/networking/service-entry';

function synthValid(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.filter(o => o.kind === 'ServiceEntry');
}

const https = { number: 443, name: 'https', protocol: PortProtocol.HTTPS };

describe('ServiceEntry', () => {
  test('registers an external HTTPS API resolved by DNS', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new ServiceEntry(chart, 'httpbin', {
      metadata: { name: 'httpbin-ext' },
      hosts: ['httpbin.org'],
      ports: [https],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution: ServiceEntryResolution.DNS,
    });

    // THEN
    expect(synthValid(chart)).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'httpbin-ext' },
      spec: {
        hosts: ['httpbin.org'],
        ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
      },
    }]);
  });

  test('renders every field of a STATIC service with endpoints', () => {
    const chart = Testing.chart();
    const entry = new ServiceEntry(chart, 'vms', {
      metadata: { name: 'legacy', namespace: 'bookinfo' },
      hosts: ['legacy.internal.example.com', 'legacy-admin.internal.example.com'],
      addresses: ['240.0.0.10', '10.10.0.0/16', '2001:db8::/32'],
      ports: [{ number: 8080, name: 'http', protocol: PortProtocol.HTTP, targetPort: 9080 }],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      exportTo: ['.', 'frontend'],
      subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/legacy'],
      endpoints: [{
        address: '10.10.1.1',
        ports: { http: 9081 },
        labels: { version: 'v1' },
        network: 'vm-network',
        locality: 'us-east1/us-east1-b',
        weight: 3,
        serviceAccount: 'legacy',
      }],
    });
    entry.addPort({ number: 8443, name: 'https', protocol: PortProtocol.HTTPS });
    entry.addEndpoint({ address: '2001:db8::1' });
    entry.addEndpoint({ network: 'remote-network', labels: { version: 'v2' } });

    expect(synthValid(chart)[0].spec).toEqual({
      hosts: ['legacy.internal.example.com', 'legacy-admin.internal.example.com'],
      addresses: ['240.0.0.10', '10.10.0.0/16', '2001:db8::/32'],
      ports: [
        { number: 8080, name: 'http', protocol: 'HTTP', targetPort: 9080 },
        { number: 8443, name: 'https', protocol: 'HTTPS' },
      ],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [
        {
          address: '10.10.1.1',
          ports: { http: 9081 },
          labels: { version: 'v1' },
          network: 'vm-network',
          locality: 'us-east1/us-east1-b',
          weight: 3,
          serviceAccount: 'legacy',
        },
        { address: '2001:db8::1' },
        { network: 'remote-network', labels: { version: 'v2' } },
      ],
      exportTo: ['.', 'frontend'],
      subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/legacy'],
    });
  });

  test('selects workloads with a workloadSelector', () => {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'mongo', {
      hosts: ['mongo.vm.example.com'],
      ports: [{ number: 27017, name: 'mongo', protocol: PortProtocol.MONGO }],
      location: ServiceEntryLocation.MESH_INTERNAL,
      resolution: ServiceEntryResolution.STATIC,
      workloadSelector: WorkloadSelector.fromLabels({ app: 'mongo' }),
    });
    expect(synthValid(chart)[0].spec.workloadSelector).toEqual({ labels: { app: 'mongo' } });
  });

  test('accepts wildcard hosts with NONE resolution, DNS endpoints and a Unix socket', () => {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'wildcard', {
      hosts: ['*.wikipedia.org'],
      ports: [{ number: 443, name: 'tls', protocol: PortProtocol.TLS }],
      resolution: ServiceEntryResolution.NONE,
      exportTo: ['~'],
    });
    new ServiceEntry(chart, 'dns', {
      hosts: ['*.api.example.com'],
      ports: [https],
      resolution: ServiceEntryResolution.DNS_ROUND_ROBIN,
      endpoints: [{ address: 'us.api.example.com', ports: { https: 8443 } }],
    });
    new ServiceEntry(chart, 'uds', {
      hosts: ['local.example.com'],
      ports: [{ number: 80, name: 'http', protocol: PortProtocol.HTTP }],
      resolution: ServiceEntryResolution.STATIC,
      endpoints: [{ address: 'unix:///var/run/example/socket' }],
    });
    new ServiceEntry(chart, 'dynamic', {
      hosts: ['*.googleapis.com'],
      ports: [https],
      resolution: ServiceEntryResolution.DYNAMIC_DNS,
    });
    const [wildcard, dns, uds, dynamic] = synthValid(chart);
    expect(dynamic.spec).toEqual({ hosts: ['*.googleapis.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DYNAMIC_DNS' });
    expect(wildcard.spec).toEqual({
      hosts: ['*.wikipedia.org'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE', exportTo: ['~'],
    });
    expect(dns.spec.endpoints).toEqual([{ address: 'us.api.example.com', ports: { https: 8443 } }]);
    expect(uds.spec.endpoints).toEqual([{ address: 'unix:///var/run/example/socket' }]);
  });
});

describe('ServiceEntry validation', () => {
  function entry(props: Partial<ServiceEntryProps>): ServiceEntry {
    return new ServiceEntry(Testing.chart(), 'se', { hosts: ['api.example.com'], ...props });
  }
  function synthEntry(props: Partial<ServiceEntryProps>): void {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'se', { hosts: ['api.example.com'], ...props });
    Testing.synth(chart);
  }

  test('fails without hosts', () => {
    expect(() => entry({ hosts: [] })).toThrow(/test\/se: hosts \[\] is invalid: a ServiceEntry needs 1 to 256 hosts/);
  });

  test('fails for the host "*" (CEL)', () => {
    expect(() => entry({ hosts: ['*'] })).toThrow(/test\/se: hosts\[0\] "\*" is invalid: a ServiceEntry cannot match every host/);
  });

  test.each(['api.*.example.com', '*api.example.com', 'ns/api.example.com', 'bad_host.example.com'])('fails for the invalid host %p', (host) => {
    expect(() => entry({ hosts: [host] })).toThrow(/test\/se: hosts\[0\] .* is invalid/);
  });

  test('fails for an invalid metadata name or labels, and for invalid workload selector labels', () => {
    expect(() => entry({ metadata: { name: 'External_API' } })).toThrow(/test\/se: metadata\.name "External_API" is invalid/);
    expect(() => entry({ metadata: { labels: { '-team': 'a' } } })).toThrow(/test\/se: metadata\.labels key "-team" is invalid/);
    expect(() => synthEntry({ ports: [https], resolution: ServiceEntryResolution.STATIC, workloadSelector: WorkloadSelector.fromLabels({ app: 'x'.repeat(64) }) }))
      .toThrow(/test\/se: workloadSelector\["app"\] "x{64}" is invalid/);
  });

  test('fails for duplicate hosts', () => {
    expect(() => entry({ hosts: ['a.example.com', 'a.example.com'] })).toThrow(/test\/se: hosts "a\.example\.com" is invalid: must be unique/);
  });

  test.each(['10.0.0.256', '10.0.0.0/33', 'example.com', '2001:db8::/129'])('fails for the invalid address %p', (address) => {
    expect(() => entry({ addresses: [address] })).toThrow(/test\/se: addresses\[0\] .* is invalid: must be an IPv4\/IPv6 address or CIDR block/);
  });

  test('fails for CIDR addresses with DNS resolution (CEL)', () => {
    expect(() => entry({ addresses: ['10.0.0.0/24'], resolution: ServiceEntryResolution.DNS }))
      .toThrow(/test\/se: addresses\[0\] "10\.0\.0\.0\/24" is invalid: CIDR blocks are only allowed with NONE or STATIC resolution, not DNS/);
  });

  test.each([0, 65536, 80.5])('fails for port number %p', (number) => {
    expect(() => entry({ ports: [{ number, name: 'http' }] }))
      .toThrow(/test\/se: ports\[0\]\.number .* is invalid: must be an integer port number from 1 to 65535/);
  });

  test('fails for an invalid targetPort', () => {
    expect(() => entry({ ports: [{ number: 80, name: 'http', targetPort: 0 }] }))
      .toThrow(/test\/se: ports\[0\]\.targetPort 0 is invalid: must be an integer port number/);
  });

  test('fails for a missing or invalid port name', () => {
    expect(() => entry({ ports: [{ number: 80, name: '' }] })).toThrow(/test\/se: ports\[0\]\.name "" is invalid: is required/);
    expect(() => entry({ ports: [{ number: 80, name: 'HTTP' }] })).toThrow(/test\/se: ports\[0\]\.name "HTTP" is invalid: a port name must be a lowercase RFC 1123 label/);
  });

  test('fails for duplicate port names or numbers', () => {
    expect(() => entry({ ports: [https, { number: 8443, name: 'https' }] }))
      .toThrow(/test\/se: ports\[1\]\.name "https" is invalid: ports\[0\] already uses this name/);
    expect(() => entry({ ports: [https, { number: 443, name: 'tls' }] }))
      .toThrow(/test\/se: ports\[1\]\.number 443 is invalid: ports\[0\] already uses this number/);
  });

  test('fails for an unknown protocol', () => {
    expect(() => entry({ ports: [{ number: 25, name: 'smtp', protocol: 'SMTP' as PortProtocol }] }))
      .toThrow(/test\/se: ports\[0\]\.protocol "SMTP" is invalid: must be one of/);
  });

  test('fails for endpoints with NONE resolution (CEL)', () => {
    expect(() => entry({ endpoints: [{ address: '10.0.0.1' }] }))
      .toThrow(/test\/se: endpoints\[0\] .* is invalid: resolution NONE forwards to the original destination and takes no endpoints/);
  });

  test('fails for STATIC resolution without endpoints or workloadSelector (synth time)', () => {
    expect(() => synthEntry({ resolution: ServiceEntryResolution.STATIC, ports: [https] }))
      .toThrow(/\[test\/se\] endpoints \[\] is invalid: STATIC resolution needs endpoints/);
  });

  test('fails for a host name endpoint with STATIC resolution', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'vm1.example.com' }] }))
      .toThrow(/test\/se: endpoints\[0\]\.address "vm1\.example\.com" is invalid: with STATIC resolution an endpoint address must be an IP address/);
  });

  test('fails for wildcard hosts with DNS resolution and no endpoints (synth time)', () => {
    expect(() => synthEntry({ hosts: ['*.example.com'], resolution: ServiceEntryResolution.DNS, ports: [https] }))
      .toThrow(/\[test\/se\] hosts\[0\] "\*\.example\.com" is invalid: DNS resolution without endpoints resolves the hosts themselves/);
  });

  test('fails for an endpoint address that is neither IP nor DNS name with DNS resolution', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.DNS, endpoints: [{ address: 'bad_host.example.com' }] }))
      .toThrow(/test\/se: endpoints\[0\]\.address "bad_host\.example\.com" is invalid: must be an IP address or a DNS name/);
  });

  test('fails for an unknown resolution or location', () => {
    expect(() => entry({ resolution: 'MAGIC' as ServiceEntryResolution })).toThrow(/test\/se: resolution "MAGIC" is invalid: must be one of NONE, STATIC/);
    expect(() => entry({ location: 'MARS' as ServiceEntryLocation })).toThrow(/test\/se: location "MARS" is invalid: must be one of MESH_EXTERNAL/);
  });

  test('fails for more than one endpoint with DNS_ROUND_ROBIN (CEL)', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.DNS_ROUND_ROBIN, endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }))
      .toThrow(/test\/se: endpoints\[1\] .* is invalid: resolution DNS_ROUND_ROBIN allows at most one endpoint/);
  });

  test('fails for endpoints together with a workloadSelector (CEL)', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }), endpoints: [{ address: '10.0.0.1' }] }))
      .toThrow(/test\/se: endpoints\[0\] .* is invalid: a ServiceEntry has either endpoints or a workloadSelector, not both/);
  });

  test('fails for a workloadSelector with NONE resolution', () => {
    expect(() => entry({ workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }) }))
      .toThrow(/test\/se: workloadSelector "WorkloadSelector" is invalid: has no effect with resolution NONE/);
  });

  test('fails for an endpoint without address or network (CEL)', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ labels: { a: 'b' } }] }))
      .toThrow(/test\/se: endpoints\[0\]\.address undefined is invalid: is required unless network is set/);
  });

  test('fails for Unix domain socket endpoints that are relative, have ports, or are not STATIC (CEL)', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix://relative/sock' }] }))
      .toThrow(/endpoints\[0\]\.address "unix:\/\/relative\/sock" is invalid: a Unix domain socket must be/);
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/dir/' }] }))
      .toThrow(/endpoints\[0\]\.address "unix:\/\/\/var\/run\/dir\/" is invalid: a Unix domain socket must be/);
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: 'unix:///var/run/a.sock', ports: { http: 80 } }] }))
      .toThrow(/endpoints\[0\]\.ports .* is invalid: a Unix domain socket endpoint takes no ports/);
    expect(() => entry({ resolution: ServiceEntryResolution.DNS, endpoints: [{ address: 'unix:///var/run/a.sock' }] }))
      .toThrow(/endpoints\[0\]\.address "unix:\/\/\/var\/run\/a\.sock" is invalid: a Unix domain socket endpoint needs STATIC resolution, not DNS/);
  });

  test('fails for a Unix domain socket endpoint without exactly one port (synth time)', () => {
    expect(() => synthEntry({ resolution: ServiceEntryResolution.STATIC, ports: [https, { number: 80, name: 'http' }], endpoints: [{ address: 'unix:///var/run/a.sock' }] }))
      .toThrow(/\[test\/se\] endpoints\[0\]\.address "unix:\/\/\/var\/run\/a\.sock" is invalid: a Unix domain socket endpoint needs exactly one service port, not 2/);
  });

  test('fails for endpoint ports that are invalid or name no service port', () => {
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: '10.0.0.1', ports: { https: 0 } }] }))
      .toThrow(/endpoints\[0\]\.ports\["https"\] 0 is invalid: must be an integer port number/);
    expect(() => entry({ resolution: ServiceEntryResolution.STATIC, endpoints: [{ address: '10.0.0.1', ports: { Bad_Name: 80 } }] }))
      .toThrow(/endpoints\[0\]\.ports key "Bad_Name" is invalid/);
    expect(() => synthEntry({ resolution: ServiceEntryResolution.STATIC, ports: [https], endpoints: [{ address: '10.0.0.1', ports: { http: 8080 } }] }))
      .toThrow(/\[test\/se\] endpoints\[0\]\.ports "http" is invalid: names no port of the ServiceEntry; defined ports: "https"/);
  });

  test('fails for the same endpoint added twice', () => {
    const se = entry({ resolution: ServiceEntryResolution.STATIC, ports: [https] });
    se.addEndpoint({ address: '10.0.0.1', ports: { https: 8443 } });
    se.addEndpoint({ address: '10.0.0.1', ports: { https: 9443 } });
    expect(() => se.addEndpoint({ address: '10.0.0.1', ports: { https: 8443 }, weight: 2 }))
      .toThrow(/test\/se: endpoints\[2\]\.address "10\.0\.0\.1" is invalid: endpoints\[0\] already has this address, network and ports/);
  });

  test('fails for invalid endpoint weights, labels, locality and service accounts', () => {
    const base = { resolution: ServiceEntryResolution.STATIC };
    expect(() => entry({ ...base, endpoints: [{ address: '10.0.0.1', weight: -1 }] }))
      .toThrow(/endpoints\[0\]\.weight -1 is invalid: must be an integer from 0 to 4294967295/);
    expect(() => entry({ ...base, endpoints: [{ address: '10.0.0.1', weight: 1.5 }] }))
      .toThrow(/endpoints\[0\]\.weight 1\.5 is invalid/);
    expect(() => entry({ ...base, endpoints: [{ address: '10.0.0.1', labels: { version: 'v 1' } }] }))
      .toThrow(/endpoints\[0\]\.labels\["version"\] "v 1" is invalid/);
    expect(() => entry({ ...base, endpoints: [{ address: '10.0.0.1', locality: 'us-east1//b' }] }))
      .toThrow(/endpoints\[0\]\.locality "us-east1\/\/b" is invalid: must be "region", "region\/zone" or "region\/zone\/subzone"/);
    expect(() => entry({ ...base, endpoints: [{ address: '10.0.0.1', serviceAccount: 'Bad_SA' }] }))
      .toThrow(/endpoints\[0\]\.serviceAccount "Bad_SA" is invalid/);
  });

  test('fails for several hosts on a plain TCP port unless resolution is NONE (synth time)', () => {
    expect(() => synthEntry({ hosts: ['a.example.com', 'b.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 5432, name: 'tcp', protocol: PortProtocol.TCP }] }))
      .toThrow(/\[test\/se\] hosts .* is invalid: several hosts cannot be told apart on TCP port 5432/);
  });

  test('a DYNAMIC_DNS ServiceEntry with wildcard hosts and HTTP/TLS ports synthesizes', () => {
    const chart = Testing.chart();
    new ServiceEntry(chart, 'se', {
      hosts: ['*.wikipedia.org'],
      ports: [{ number: 443, name: 'tls', protocol: PortProtocol.TLS }, { number: 80, name: 'http', protocol: PortProtocol.HTTP }],
      location: ServiceEntryLocation.MESH_EXTERNAL,
      resolution: ServiceEntryResolution.DYNAMIC_DNS,
    });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toMatchObject({ hosts: ['*.wikipedia.org'], resolution: 'DYNAMIC_DNS', location: 'MESH_EXTERNAL' });
    expectValidIstio(manifests);
  });

  test('fails for DYNAMIC_DNS without wildcard hosts, with addresses, endpoints, a selector, MESH_INTERNAL or opaque ports', () => {
    const dyn = { resolution: ServiceEntryResolution.DYNAMIC_DNS, hosts: ['*.example.com'] };
    expect(() => entry({ ...dyn, hosts: ['api.example.com'] })).toThrow(/test\/se: hosts\[0\] "api\.example\.com" is invalid: with DYNAMIC_DNS resolution every host must be a wildcard/);
    expect(() => entry({ ...dyn, addresses: ['10.0.0.1'] })).toThrow(/test\/se: addresses \["10\.0\.0\.1"\] is invalid: with DYNAMIC_DNS resolution addresses are not allowed/);
    expect(() => entry({ ...dyn, location: ServiceEntryLocation.MESH_INTERNAL })).toThrow(/test\/se: location "MESH_INTERNAL" is invalid: with DYNAMIC_DNS resolution the location must be MESH_EXTERNAL/);
    expect(() => entry({ ...dyn, workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }) })).toThrow(/test\/se: workloadSelector .* is invalid: with DYNAMIC_DNS resolution a workloadSelector is not allowed/);
    expect(() => entry({ ...dyn, endpoints: [{ address: '1.2.3.4' }] })).toThrow(/test\/se: endpoints\[0\] .* is invalid: resolution DYNAMIC_DNS resolves the host of each request and takes no endpoints/);
    expect(() => synthEntry({ ...dyn, ports: [{ number: 5432, name: 'pg', protocol: PortProtocol.TCP }] }))
      .toThrow(/\[test\/se\] ports\[0\]\.protocol "TCP" is invalid: with DYNAMIC_DNS resolution every port must carry the host/);
  });

  test('fails for hosts and DNS endpoint addresses whose last label is all-numeric, and CIDR prefixes with leading zeros', () => {
    expect(() => entry({ hosts: ['foo.123'] })).toThrow(/test\/se: hosts\[0\] "foo\.123" is invalid: the last label of a DNS name cannot be all-numeric/);
    expect(() => entry({ resolution: ServiceEntryResolution.DNS, endpoints: [{ address: 'db.42' }] })).toThrow(/test\/se: endpoints\[0\]\.address "db\.42" is invalid/);
    expect(() => entry({ addresses: ['10.0.0.0/08'] })).toThrow(/test\/se: addresses\[0\] "10\.0\.0\.0\/08" is invalid: .*no leading zeros/);
    expect(() => entry({ addresses: ['2001:db8::/064'] })).toThrow(/test\/se: addresses\[0\] "2001:db8::\/064" is invalid/);
  });

  test('fails for invalid exportTo', () => {
    expect(() => entry({ exportTo: ['~', '.'] })).toThrow(/test\/se: exportTo .* is invalid: "~" \(no namespace\) cannot be combined/);
    expect(() => entry({ exportTo: ['*', 'ns1'] })).toThrow(/test\/se: exportTo .* is invalid: "\*" already exports everywhere/);
    expect(() => entry({ exportTo: ['Bad_NS'] })).toThrow(/test\/se: exportTo\[0\] "Bad_NS" is invalid/);
  });
});
