import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { isHttpProtocol, isTlsProtocol, UNIX_PREFIX, validatePortName, validateProtocol, validateUnixAddress } from './listener';
import { PortProtocol } from './protocol';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import {
  assertUnique, check, compact, isAllNumericTopLabel, isIpAddress, validationMessage, nonEmpty, validateExportTo, validateHost, validateInteger,
  validateIpOrCidr, validateLabels, validatePort, validateResourceName,
} from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Whether the service runs inside the mesh (with sidecars) or outside it.
 */
export enum ServiceEntryLocation {
  /** Outside the mesh: no mutual TLS, traffic is treated as leaving the mesh. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Part of the mesh, e.g. VMs with sidecars added manually. */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/**
 * How the proxy finds the service's endpoints.
 */
export enum ServiceEntryResolution {
  /** Forward to the original destination IP (the connection's address). No endpoints. */
  NONE = 'NONE',
  /** Use the IP addresses of the endpoints (or workloads selected by `workloadSelector`). */
  STATIC = 'STATIC',
  /** Resolve the hosts (or endpoint addresses) with DNS at connection time; all IPs are used. */
  DNS = 'DNS',
  /** Resolve with DNS and connect to the first IP returned only; at most one endpoint. */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /**
   * Resolve the host of each request (HTTP Host or TLS SNI) on demand. Istio requires
   * wildcard hosts (`*.example.com`), MESH_EXTERNAL location, only HTTP or TLS ports, and no
   * addresses, endpoints or workloadSelector.
   */
  DYNAMIC_DNS = 'DYNAMIC_DNS',
}

/**
 * A port of the service.
 */
export interface ServiceEntryPort {
  /** The port number, 1–65535. */
  readonly number: number;

  /** The port's name, a DNS label unique within the ServiceEntry (e.g. `https`). */
  readonly name: string;

  /**
   * The protocol spoken on the port.
   * @default - detected automatically by the proxy
   */
  readonly protocol?: PortProtocol;

  /**
   * The port on the endpoints that receives the traffic.
   * @default - the same as `number`
   */
  readonly targetPort?: number;
}

/**
 * An endpoint (workload instance) of the service.
 */
export interface ServiceEntryEndpoint {
  /**
   * The endpoint's address without port: an IP address, a DNS name (DNS resolution), or a
   * Unix domain socket `unix:///path` (STATIC resolution).
   *
   * @default - none; then `network` must be set (an endpoint reached through that network's gateway)
   */
  readonly address?: string;

  /**
   * Endpoint ports by service port name (`{ https: 8443 }`).
   * @default - the service ports
   */
  readonly ports?: Record<string, number>;

  /**
   * Labels of the endpoint, for DestinationRule subsets.
   * @default - no labels
   */
  readonly labels?: Record<string, string>;

  /**
   * The network the endpoint is in (multi-network meshes).
   * @default - the proxy's network
   */
  readonly network?: string;

  /**
   * The endpoint's locality, `region/zone/subzone` (e.g. `us-east1/us-east1-b`).
   * @default - no locality
   */
  readonly locality?: string;

  /**
   * Load-balancing weight relative to the other endpoints.
   * @default - equal weights
   */
  readonly weight?: number;

  /**
   * Service account of the endpoint's workload (its identity for mutual TLS).
   * @default - none
   */
  readonly serviceAccount?: string;
}

/**
 * Properties of a ServiceEntry.
 */
export interface ServiceEntryProps extends IstioResourceProps {
  /**
   * The hosts of the service: DNS names such as `api.example.com` or `*.example.com`. Used to
   * match the `Host`/SNI of requests and by VirtualServices and DestinationRules.
   */
  readonly hosts: string[];

  /**
   * Virtual IP addresses or CIDR blocks of the service. CIDR blocks need NONE or STATIC
   * resolution.
   * @default - no addresses (matched by host only)
   */
  readonly addresses?: string[];

  /**
   * The ports of the service. More can be added with `addPort()`.
   * @default - none
   */
  readonly ports?: ServiceEntryPort[];

  /**
   * Whether the service is part of the mesh.
   * @default ServiceEntryLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceEntryLocation;

  /**
   * How endpoints are found.
   * @default ServiceEntryResolution.NONE
   */
  readonly resolution?: ServiceEntryResolution;

  /**
   * Endpoints of the service. More can be added with `addEndpoint()`. Not with
   * `workloadSelector`.
   * @default - none
   */
  readonly endpoints?: ServiceEntryEndpoint[];

  /**
   * Selects pods or WorkloadEntries as the service's endpoints (MESH_INTERNAL services).
   * Not with `endpoints`.
   * @default - no selector
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Namespaces the service is visible to: `.` (this namespace), `*` (all), namespace names,
   * or `~` alone (none but the service's own proxies).
   * @default - all namespaces
   */
  readonly exportTo?: string[];

  /**
   * Subject alternative names the server certificates of the endpoints must match.
   * @default - not verified
   */
  readonly subjectAltNames?: string[];
}

/**
 * An Istio ServiceEntry: adds a service to Istio's service registry, typically an external
 * API (`api.example.com`) the mesh may call, or VMs and other workloads outside Kubernetes.
 *
 * @example
 * new ServiceEntry(this, 'httpbin', {
 *   hosts: ['httpbin.org'],
 *   ports: [{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }],
 *   resolution: ServiceEntryResolution.DNS,
 * });
 */
export class ServiceEntry extends IstioResource {
  /** @see https://istio.io/latest/docs/reference/config/networking/service-entry/ */
  public readonly resourceType = 'serviceentries';

  protected readonly apiObject: ApiObject;

  /** The hosts of the service. */
  public readonly hosts: string[];

  /** How endpoints are found. */
  public readonly resolution?: ServiceEntryResolution;

  /** Whether the service is part of the mesh. */
  public readonly location?: ServiceEntryLocation;

  private readonly addresses: string[];
  private readonly ports: ServiceEntryPort[] = [];
  private readonly endpoints: ServiceEntryEndpoint[] = [];
  private readonly workloadSelector?: WorkloadSelector;
  private readonly exportTo?: string[];
  private readonly subjectAltNames?: string[];

  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(scope, id, props);
    this.hosts = [...(props.hosts ?? [])];
    this.addresses = [...(props.addresses ?? [])];
    this.resolution = props.resolution;
    this.location = props.location;
    this.workloadSelector = props.workloadSelector;
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;
    this.subjectAltNames = props.subjectAltNames ? [...props.subjectAltNames] : undefined;

    this.validateSpec();

    this.apiObject = new k.ServiceEntry(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    for (const port of props.ports ?? []) this.addPort(port);
    for (const endpoint of props.endpoints ?? []) this.addEndpoint(endpoint);

    this.node.addValidation({ validate: () => this.validateRelations() });
  }

  /** The numbers of the service's ports (read at synth time, when all are added). */
  public get portNumbers(): number[] {
    return this.ports.map(p => p.number);
  }

  /**
   * Adds a port of the service.
   */
  public addPort(port: ServiceEntryPort): void {
    const field = `ports[${this.ports.length}]`;
    check(this.ports.length < 256, this, 'ports', this.ports.length + 1, 'a ServiceEntry may have at most 256 ports');
    check(port.number !== undefined, this, `${field}.number`, port.number, 'is required');
    validatePort(this, `${field}.number`, port.number);
    check(port.name !== undefined && port.name !== '', this, `${field}.name`, port.name, 'is required, e.g. "https"');
    validatePortName(this, `${field}.name`, port.name);
    validateProtocol(this, `${field}.protocol`, port.protocol);
    validatePort(this, `${field}.targetPort`, port.targetPort);
    for (const [j, other] of this.ports.entries()) {
      check(other.name !== port.name, this, `${field}.name`, port.name, `ports[${j}] already uses this name; port names must be unique`);
      check(other.number !== port.number, this, `${field}.number`, port.number, `ports[${j}] already uses this number; port numbers must be unique`);
    }
    this.ports.push({ ...port });
  }

  /**
   * Adds an endpoint of the service.
   */
  public addEndpoint(endpoint: ServiceEntryEndpoint): void {
    const field = `endpoints[${this.endpoints.length}]`;
    const resolution = this.resolution ?? ServiceEntryResolution.NONE;
    check(this.workloadSelector === undefined, this, field, endpoint,
      'a ServiceEntry has either endpoints or a workloadSelector, not both');
    check(resolution !== ServiceEntryResolution.NONE, this, field, endpoint,
      'resolution NONE forwards to the original destination and takes no endpoints; use STATIC or DNS resolution');
    check(resolution !== ServiceEntryResolution.DYNAMIC_DNS, this, field, endpoint,
      'resolution DYNAMIC_DNS resolves the host of each request and takes no endpoints; use STATIC or DNS resolution');
    check(resolution !== ServiceEntryResolution.DNS_ROUND_ROBIN || this.endpoints.length === 0, this, field, endpoint,
      'resolution DNS_ROUND_ROBIN allows at most one endpoint; use DNS resolution for several');
    check(this.endpoints.length < 4096, this, 'endpoints', this.endpoints.length + 1, 'a ServiceEntry may have at most 4096 endpoints');

    const address = endpoint.address;
    check(address !== undefined || endpoint.network !== undefined, this, `${field}.address`, address,
      'is required unless network is set (an endpoint reached through the network\'s gateway)');
    if (address !== undefined) {
      check(address.length <= 256, this, `${field}.address`, address, 'must be at most 256 characters');
      if (address.startsWith(UNIX_PREFIX)) {
        validateUnixAddress(this, `${field}.address`, address);
        check(resolution === ServiceEntryResolution.STATIC, this, `${field}.address`, address,
          `a Unix domain socket endpoint needs STATIC resolution, not ${resolution}`);
        check(endpoint.ports === undefined, this, `${field}.ports`, endpoint.ports, 'a Unix domain socket endpoint takes no ports');
      } else if (resolution === ServiceEntryResolution.STATIC) {
        check(isIpAddress(address), this, `${field}.address`, address,
          'with STATIC resolution an endpoint address must be an IP address (or a Unix domain socket); use DNS resolution for host names');
      } else {
        check(isIpAddress(address) || isFqdn(address), this, `${field}.address`, address,
          'must be an IP address or a DNS name such as "us.api.example.com"');
      }
    }
    if (endpoint.ports !== undefined) {
      const entries = Object.entries(endpoint.ports);
      check(entries.length <= 128, this, `${field}.ports`, endpoint.ports, 'may map at most 128 ports');
      for (const [name, number] of entries) {
        validatePortName(this, `${field}.ports key`, name);
        validatePort(this, `${field}.ports[${JSON.stringify(name)}]`, number);
      }
    }
    validateLabels(this, `${field}.labels`, endpoint.labels);
    if (endpoint.labels) check(Object.keys(endpoint.labels).length <= 256, this, `${field}.labels`, endpoint.labels, 'may hold at most 256 labels');
    if (endpoint.network !== undefined) {
      check(endpoint.network.length > 0 && endpoint.network.length <= 2048, this, `${field}.network`, endpoint.network, 'must be 1 to 2048 characters');
    }
    if (endpoint.locality !== undefined) {
      const parts = endpoint.locality.split('/');
      check(endpoint.locality.length <= 2048 && parts.length <= 3 && parts.every(p => p.length > 0 && !p.includes('*')),
        this, `${field}.locality`, endpoint.locality, 'must be "region", "region/zone" or "region/zone/subzone" without wildcards');
    }
    validateInteger(this, `${field}.weight`, endpoint.weight, 0, 4294967295);
    validateResourceName(this, `${field}.serviceAccount`, endpoint.serviceAccount);
    const sameTarget = (e: ServiceEntryEndpoint) => e.address === endpoint.address && e.network === endpoint.network
      && JSON.stringify(Object.entries(e.ports ?? {}).sort()) === JSON.stringify(Object.entries(endpoint.ports ?? {}).sort());
    const duplicate = this.endpoints.findIndex(sameTarget);
    check(duplicate < 0, this, `${field}.address`, endpoint.address,
      `endpoints[${duplicate}] already has this address, network and ports; an endpoint cannot be added twice`);

    this.endpoints.push({
      ...endpoint,
      ports: endpoint.ports ? { ...endpoint.ports } : undefined,
      labels: endpoint.labels ? { ...endpoint.labels } : undefined,
    });
  }

  /**
   * Renders the ServiceEntry spec.
   * @internal
   */
  public _toKube(): k.ServiceEntrySpec {
    return compact({
      hosts: [...this.hosts],
      addresses: nonEmpty(this.addresses),
      ports: nonEmpty(this.ports.map(p => compact({ number: p.number, name: p.name, protocol: p.protocol, targetPort: p.targetPort }))),
      location: this.location as string as k.ServiceEntrySpecLocation | undefined,
      resolution: this.resolution as string as k.ServiceEntrySpecResolution | undefined,
      endpoints: nonEmpty(this.endpoints.map(e => compact({
        address: e.address,
        ports: e.ports,
        labels: e.labels,
        network: e.network,
        locality: e.locality,
        weight: e.weight,
        serviceAccount: e.serviceAccount,
      }))),
      workloadSelector: this.workloadSelector ? { labels: this.workloadSelector._labels(this, 'workloadSelector') } : undefined,
      exportTo: this.exportTo,
      subjectAltNames: this.subjectAltNames,
    });
  }

  /** Checks that need only the constructor props. */
  private validateSpec(): void {
    const resolution = this.resolution ?? ServiceEntryResolution.NONE;
    check((Object.values(ServiceEntryResolution) as string[]).includes(resolution), this, 'resolution', resolution,
      `must be one of ${Object.values(ServiceEntryResolution).join(', ')}`);
    if (this.location !== undefined) {
      check((Object.values(ServiceEntryLocation) as string[]).includes(this.location), this, 'location', this.location,
        `must be one of ${Object.values(ServiceEntryLocation).join(', ')}`);
    }

    check(this.hosts.length >= 1 && this.hosts.length <= 256, this, 'hosts', this.hosts, 'a ServiceEntry needs 1 to 256 hosts');
    this.hosts.forEach((host, i) => {
      check(host !== '*', this, `hosts[${i}]`, host, 'a ServiceEntry cannot match every host; use a wildcard such as "*.example.com"');
      validateHost(this, `hosts[${i}]`, host);
    });
    assertUnique(this, 'hosts', this.hosts, h => h);
    if (resolution === ServiceEntryResolution.DYNAMIC_DNS) this.validateDynamicDns();

    check(this.addresses.length <= 256, this, 'addresses', this.addresses, 'may hold at most 256 addresses');
    this.addresses.forEach((address, i) => {
      validateIpOrCidr(this, `addresses[${i}]`, address);
      if (address.includes('/')) {
        check(resolution === ServiceEntryResolution.NONE || resolution === ServiceEntryResolution.STATIC, this, `addresses[${i}]`, address,
          `CIDR blocks are only allowed with NONE or STATIC resolution, not ${resolution}`);
      }
    });
    assertUnique(this, 'addresses', this.addresses, a => a);

    if (this.workloadSelector !== undefined) {
      check(resolution !== ServiceEntryResolution.NONE, this, 'workloadSelector', 'WorkloadSelector',
        'has no effect with resolution NONE; use STATIC (or DNS) resolution to send traffic to the selected workloads');
      this.workloadSelector._labels(this, 'workloadSelector');
    }

    if (this.exportTo?.includes('~')) {
      check(this.exportTo.length === 1, this, 'exportTo', this.exportTo, '"~" (no namespace) cannot be combined with other entries');
    } else {
      validateExportTo(this, 'exportTo', this.exportTo);
    }
    (this.subjectAltNames ?? []).forEach((san, i) => check(san.length > 0, this, `subjectAltNames[${i}]`, san, 'must not be empty'));
    if (this.subjectAltNames) assertUnique(this, 'subjectAltNames', this.subjectAltNames, s => s);
  }

  /** Istio's rules for DYNAMIC_DNS resolution that the constructor props decide. */
  private validateDynamicDns(): void {
    const why = 'with DYNAMIC_DNS resolution';
    this.hosts.forEach((host, i) => check(host.startsWith('*.'), this, `hosts[${i}]`, host,
      `${why} every host must be a wildcard such as "*.example.com"; use DNS resolution for a single host`));
    check(this.location !== ServiceEntryLocation.MESH_INTERNAL, this, 'location', this.location,
      `${why} the location must be MESH_EXTERNAL`);
    check(this.addresses.length === 0, this, 'addresses', this.addresses, `${why} addresses are not allowed`);
    check(this.workloadSelector === undefined, this, 'workloadSelector', 'WorkloadSelector', `${why} a workloadSelector is not allowed`);
  }

  /** Synth-time checks across ports, endpoints and hosts (all can still be added). */
  private validateRelations(): string[] {
    const errors: string[] = [];
    const at = (field: string, value: unknown, expected: string) => {
      errors.push(validationMessage(field, value, expected));
    };
    const resolution = this.resolution ?? ServiceEntryResolution.NONE;
    const portNames = new Set(this.ports.map(p => p.name));

    if (resolution === ServiceEntryResolution.STATIC && this.endpoints.length === 0 && this.workloadSelector === undefined) {
      at('endpoints', [], 'STATIC resolution needs endpoints (addEndpoint()) or a workloadSelector; use DNS resolution to resolve the hosts instead');
    }
    if ((resolution === ServiceEntryResolution.DNS || resolution === ServiceEntryResolution.DNS_ROUND_ROBIN) && this.endpoints.length === 0) {
      this.hosts.forEach((host, i) => {
        if (!isFqdn(host)) {
          at(`hosts[${i}]`, host, `${resolution} resolution without endpoints resolves the hosts themselves, so they cannot be wildcards; add endpoints or use NONE or DYNAMIC_DNS resolution`);
        }
      });
    }
    this.endpoints.forEach((endpoint, i) => {
      for (const name of Object.keys(endpoint.ports ?? {})) {
        if (!portNames.has(name)) {
          at(`endpoints[${i}].ports`, name, `names no port of the ServiceEntry; defined ports: ${[...portNames].map(n => JSON.stringify(n)).join(', ') || 'none'}`);
        }
      }
      if (endpoint.address?.startsWith(UNIX_PREFIX) && this.ports.length !== 1) {
        at(`endpoints[${i}].address`, endpoint.address, `a Unix domain socket endpoint needs exactly one service port, not ${this.ports.length}`);
      }
    });
    if (resolution === ServiceEntryResolution.DYNAMIC_DNS) {
      this.ports.forEach((p, i) => {
        if (!isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol)) {
          at(`ports[${i}].protocol`, p.protocol ?? null, 'with DYNAMIC_DNS resolution every port must carry the host: HTTP, HTTP2, GRPC, HTTPS or TLS');
        }
      });
    } else if (resolution !== ServiceEntryResolution.NONE && this.hosts.length > 1) {
      const opaque = this.ports.find(p => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol));
      if (opaque) {
        at('hosts', this.hosts, `several hosts cannot be told apart on ${opaque.protocol ?? 'unspecified-protocol'} port ${opaque.number} (only HTTP, HTTPS and TLS carry the host); use one ServiceEntry per host or resolution NONE`);
      }
    }
    return errors;
  }
}

/** A DNS name without wildcards (short names allowed). */
function isFqdn(name: string): boolean {
  return name.length <= 255 && !isAllNumericTopLabel(name) && name.split('.').every((label, i, all) =>
    (label.length > 0 && label.length <= 63 && /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(label)) || (i === all.length - 1 && i > 0 && label === ''));
}
