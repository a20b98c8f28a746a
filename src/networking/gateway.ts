import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IGateway, MESH_GATEWAY_NAME } from './gateway-ref';
import { GatewaySelector } from './gateway-selector';
import { isTlsProtocol, UNIX_PREFIX, validateBind, validateDefaultEndpoint, validateGatewayHost, validatePortName, validateProtocol } from './listener';
import { PortProtocol } from './protocol';
import { ServerTlsOptions } from './server-tls';
import { renderServerTls } from './server-tls-render';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { assertUnique, check, compact, fail, validationMessage, validateDnsLabel, validatePort } from '../core/validation';

/**
 * The port a Gateway server listens on. (The deprecated `targetPort` is not offered: Istio rejects it
 * on gateways.)
 */
export interface GatewayPort {
  /**
   * The port number, 1–65535 (0 when the server binds to a Unix domain socket).
   */
  readonly number: number;

  /**
   * The protocol spoken on the port.
   */
  readonly protocol: PortProtocol;

  /**
   * The port's name, unique among the Gateway's servers.
   *
   * @default - the protocol and number, e.g. `http-80`
   */
  readonly name?: string;
}

/**
 * A server of a Gateway: a port and the hosts it exposes.
 */
export interface GatewayServerOptions {
  /**
   * The port the gateway proxy listens on.
   */
  readonly port: GatewayPort;

  /**
   * The hosts exposed on the port, as `[namespace/]dnsName`: `*`, `bookinfo.example.com`,
   * `*.example.com` or `bookinfo/reviews.example.com` (only VirtualServices in namespace
   * `bookinfo` may bind). A namespace of `.` means the Gateway's own namespace; no namespace
   * means any namespace.
   */
  readonly hosts: string[];

  /**
   * TLS settings: terminate, pass through or redirect to HTTPS. Required for HTTPS and TLS
   * ports.
   *
   * @default - no TLS (plain-text protocols only)
   */
  readonly tls?: ServerTlsOptions;

  /**
   * IP address or Unix domain socket (`unix:///path` or `unix://@name`) the listener binds to.
   *
   * @default - all addresses (0.0.0.0)
   */
  readonly bind?: string;

  /**
   * Where the gateway forwards traffic by default: `127.0.0.1:PORT`, `[::1]:PORT` or a
   * Unix domain socket.
   *
   * @default - routed by VirtualServices
   */
  readonly defaultEndpoint?: string;

  /**
   * A name for the server, unique among the Gateway's servers (appears in metrics and the
   * listener name).
   *
   * @default - no name
   */
  readonly name?: string;
}

/**
 * Properties of a Gateway.
 */
export interface GatewayProps extends IstioResourceProps {
  /**
   * The gateway pods this configuration applies to.
   *
   * @default GatewaySelector.ISTIO_INGRESS
   */
  readonly selector?: GatewaySelector;

  /**
   * The servers (ports and hosts) to expose. More can be added with `addServer()`.
   *
   * @default - none; add at least one with `addServer()`
   */
  readonly servers?: GatewayServerOptions[];
}

interface RecordedServer {
  readonly spec: k.GatewaySpecServers;
  readonly protocol: PortProtocol;
  readonly listener: string;
  readonly hosts: string[];
}

/**
 * An Istio Gateway: ports and hosts a standalone Envoy proxy at the edge of the mesh (an
 * ingress or egress gateway) exposes. Bind VirtualServices to it to route the traffic.
 *
 * @example
 * const gateway = new Gateway(this, 'bookinfo-gateway', { selector: GatewaySelector.ISTIO_INGRESS });
 * gateway.addServer({ port: { number: 80, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] });
 */
export class Gateway extends IstioResource implements IGateway {
  /**
   * All sidecars of the mesh (the reserved `mesh` gateway). Bind a VirtualService to it,
   * alongside other gateways, to apply its routes inside the mesh too.
   */
  public static readonly MESH: IGateway = { gatewayName: MESH_GATEWAY_NAME };

  /**
   * A Gateway this app does not define, by `name` or `namespace/name`
   * (e.g. `istio-system/ingressgateway`).
   */
  public static fromGatewayName(name: string): IGateway {
    const parts = name.split('/');
    if (parts.length > 2) fail(undefined, 'Gateway.fromGatewayName(name)', name, 'must be "name" or "namespace/name"');
    const [namespace, gatewayName] = parts.length === 2 ? parts : [undefined, parts[0]];
    check(gatewayName !== MESH_GATEWAY_NAME, undefined, 'Gateway.fromGatewayName(name)', name, 'use Gateway.MESH for the reserved "mesh" gateway');
    validateDnsLabel(undefined, 'Gateway.fromGatewayName(name): the name part', gatewayName);
    validateDnsLabel(undefined, 'Gateway.fromGatewayName(name): the namespace part', namespace);
    return { gatewayName, gatewayNamespace: namespace };
  }

  /** @see https://istio.io/latest/docs/reference/config/networking/gateway/ */
  public readonly resourceType = 'gateways';

  protected readonly apiObject: ApiObject;

  /** The gateway pods this Gateway configures. */
  public readonly selector: GatewaySelector;

  private readonly servers: RecordedServer[] = [];

  public constructor(scope: Construct, id: string, props: GatewayProps = {}) {
    super(scope, id, props);
    // Istio requires Gateway names to be DNS labels (no dots).
    validateDnsLabel(this, 'metadata.name', props.metadata?.name);
    this.selector = props.selector ?? GatewaySelector.ISTIO_INGRESS;
    this.selector._validateEarly(this, 'selector');

    this.apiObject = new k.Gateway(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    for (const server of props.servers ?? []) this.addServer(server);

    this.node.addValidation({
      validate: () => this.servers.length === 0
        ? [validationMessage('servers', [], 'a Gateway needs at least one server; add one with addServer()')]
        : [],
    });
    // Gateways that select the same pods and disagree on a port's protocol or a TLS host are
    // accepted by Istio and reported by `istioctl analyze` (IST0145), so they are not errors.
  }

  /** The Gateway's name, for VirtualServices that bind to it. */
  public get gatewayName(): string {
    return this.name;
  }

  /** The Gateway's namespace. */
  public get gatewayNamespace(): string | undefined {
    return this.metadata.namespace;
  }

  /**
   * Adds a server: a port and the hosts exposed on it.
   */
  public addServer(options: GatewayServerOptions): void {
    const i = this.servers.length;
    const field = `servers[${i}]`;
    const port = options.port;
    if (port === undefined) fail(this, `${field}.port`, port, 'is required');
    check(port.protocol !== undefined, this, `${field}.port.protocol`, port.protocol, 'is required, e.g. PortProtocol.HTTP');
    validateProtocol(this, `${field}.port.protocol`, port.protocol);

    // Port number and bind address.
    validateBind(this, `${field}.bind`, options.bind, true);
    if (options.bind?.startsWith(UNIX_PREFIX)) {
      check(port.number === 0, this, `${field}.port.number`, port.number, 'must be 0 when the server binds to a Unix domain socket');
    } else {
      check(port.number !== undefined, this, `${field}.port.number`, port.number, 'is required');
      validatePort(this, `${field}.port.number`, port.number);
    }
    const portName = port.name ?? `${port.protocol.toLowerCase()}-${port.number}`;
    validatePortName(this, `${field}.port.name`, portName);
    validateDefaultEndpoint(this, `${field}.defaultEndpoint`, options.defaultEndpoint);
    if (options.name !== undefined) {
      check(options.name.length > 0 && !/\s/.test(options.name), this, `${field}.name`, options.name, 'must be a non-empty name without whitespace');
    }

    // Hosts.
    check(Array.isArray(options.hosts) && options.hosts.length > 0, this, `${field}.hosts`, options.hosts,
      'a server needs at least one host, e.g. "*" or "bookinfo.example.com"');
    options.hosts.forEach((host, j) => validateGatewayHost(this, `${field}.hosts[${j}]`, host));
    assertUnique(this, `${field}.hosts`, options.hosts, h => h);

    // TLS.
    if (isTlsProtocol(port.protocol)) {
      check(options.tls !== undefined, this, `${field}.tls`, options.tls,
        `${port.protocol} servers need TLS settings, e.g. { mode: ServerTlsMode.SIMPLE, credentialName: 'my-cert' }`);
    }
    const tls = options.tls ? renderServerTls(this, `${field}.tls`, options.tls, port.protocol, 'Gateway') : undefined;

    // Consistency with the servers added before.
    const listener = `${options.bind ?? ''}:${port.number}`;
    for (const [j, other] of this.servers.entries()) {
      if (other.spec.port.name === portName) {
        fail(this, `${field}.port.name`, portName, `servers[${j}] already uses this port name; port names must be unique across servers (set port.name)`);
      }
      if (options.name !== undefined && other.spec.name === options.name) {
        fail(this, `${field}.name`, options.name, `servers[${j}] already has this name; server names must be unique`);
      }
      if (other.listener === listener) {
        const compatible = other.protocol === port.protocol || (isTlsProtocol(other.protocol) && isTlsProtocol(port.protocol));
        if (!compatible) {
          fail(this, `${field}.port.protocol`, port.protocol,
            `servers[${j}] already serves ${other.protocol} on port ${port.number}; servers sharing a port must use the same protocol (HTTPS and TLS may share)`);
        }
        if (isTlsProtocol(port.protocol)) {
          const dup = options.hosts.find(h => other.hosts.includes(normalizeHost(h)));
          if (dup !== undefined) {
            fail(this, `${field}.hosts`, dup, `servers[${j}] already serves this host with TLS on port ${port.number}; each TLS host (SNI) may appear in only one server per port`);
          }
        }
      }
    }

    this.servers.push({
      protocol: port.protocol,
      listener,
      hosts: options.hosts.map(normalizeHost),
      spec: compact({
        port: { number: port.number, name: portName, protocol: port.protocol },
        hosts: [...options.hosts],
        tls: tls ? compact(tls) as k.GatewaySpecServersTls : undefined,
        bind: options.bind,
        defaultEndpoint: options.defaultEndpoint,
        name: options.name,
      }),
    });
  }

  /**
   * Renders the Gateway spec.
   * @internal
   */
  public _toKube(): k.GatewaySpec {
    return {
      selector: this.selector._labels(this, 'selector'),
      servers: this.servers.map(s => s.spec),
    };
  }
}

/** `host` and `* /host` are the same Gateway host. */
function normalizeHost(host: string): string {
  return host.startsWith('*/') ? host.slice(2) : host;
}
