import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ConnectionPoolOptions } from './connection-pool';
import { Destination } from './destination';
import {
  UNIX_PREFIX, validateBind, validateDefaultEndpoint, validatePortName, validateProtocol, validateSidecarHost,
} from './listener';
import { PortProtocol } from './protocol';
import { ServerTlsOptions } from './server-tls';
import { renderServerTls } from './server-tls-render';
import { renderConnectionPool } from './traffic-policy-render';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { assertUnique, check, compact, fail, nonEmpty, validatePort, validationMessage } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * How traffic reaches a Sidecar listener whose bind address is an IP.
 */
export enum CaptureMode {
  /** The mesh's default capture mode (usually iptables). */
  DEFAULT = 'DEFAULT',
  /** Traffic is redirected to the listener by iptables. */
  IPTABLES = 'IPTABLES',
  /** No capture: the application talks to the listener's address directly. */
  NONE = 'NONE',
}

/**
 * The port of a Sidecar listener. (The deprecated `targetPort` is not offered: Istio rejects it
 * on Sidecars.)
 */
export interface SidecarPort {
  /**
   * The port number, 1–65535 (0 for an egress listener bound to a Unix domain socket).
   */
  readonly number: number;

  /**
   * The protocol spoken on the port.
   * @default - detected automatically
   */
  readonly protocol?: PortProtocol;

  /**
   * The port's name.
   * @default - no name
   */
  readonly name?: string;
}

/**
 * A listener for traffic arriving at the workload.
 */
export interface SidecarIngressListenerOptions {
  /**
   * The port the sidecar listens on for inbound traffic.
   */
  readonly port: SidecarPort;

  /**
   * The IP address the listener binds to.
   * @default - the workload's IP addresses
   */
  readonly bind?: string;

  /**
   * How traffic is captured to the listener.
   * @default CaptureMode.DEFAULT
   */
  readonly captureMode?: CaptureMode;

  /**
   * Where the sidecar forwards the traffic: `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`,
   * `[::]:PORT` or a Unix domain socket (`unix:///var/run/app.sock`).
   * @default - the same port on the workload
   */
  readonly defaultEndpoint?: string;

  /**
   * Terminate TLS for clients outside the mesh (file certificates only). Needs an HTTPS or
   * TLS port.
   * @default - no TLS termination
   */
  readonly tls?: ServerTlsOptions;

  /**
   * Limits on inbound connections to this port, overriding `inboundConnectionPool`.
   * @default - the Sidecar's inboundConnectionPool
   */
  readonly connectionPool?: ConnectionPoolOptions;
}

/**
 * A listener for traffic leaving the workload, and the services it can reach.
 */
export interface SidecarEgressListenerOptions {
  /**
   * The services reachable through this listener, as `namespace/dnsName`: `./*` (every
   * service in this namespace), `istio-system/*`, `bookinfo/reviews.bookinfo.svc.cluster.local`
   * or `~/*` (none). The namespace may also be `*` (any); the DNS name must be fully
   * qualified or a wildcard.
   */
  readonly hosts: string[];

  /**
   * The port of the listener.
   * @default - a catch-all listener for every port of the hosts (at most one, added last)
   */
  readonly port?: SidecarPort;

  /**
   * The IP address or Unix domain socket the listener binds to.
   * @default - depends on captureMode
   */
  readonly bind?: string;

  /**
   * How traffic is captured to the listener.
   * @default CaptureMode.DEFAULT
   */
  readonly captureMode?: CaptureMode;
}

/**
 * What the sidecar does with traffic to destinations not in the service registry.
 *
 * @example
 * SidecarOutboundTrafficPolicy.registryOnly();
 * SidecarOutboundTrafficPolicy.allowAny();
 * SidecarOutboundTrafficPolicy.egressProxy(Destination.fromHost('egress-proxy.proxies.svc.cluster.local', { port: 3128 }));
 */
export class SidecarOutboundTrafficPolicy {
  /** Only destinations known to the mesh (Services, ServiceEntries) are reachable. */
  public static registryOnly(): SidecarOutboundTrafficPolicy {
    return new SidecarOutboundTrafficPolicy('REGISTRY_ONLY');
  }

  /** Unknown destinations are passed through. */
  public static allowAny(): SidecarOutboundTrafficPolicy {
    return new SidecarOutboundTrafficPolicy('ALLOW_ANY');
  }

  /**
   * Unknown destinations are sent to an egress proxy (mode ALLOW_ANY). The destination
   * must name a port.
   */
  public static egressProxy(proxy: Destination): SidecarOutboundTrafficPolicy {
    return new SidecarOutboundTrafficPolicy('ALLOW_ANY', proxy);
  }

  private constructor(private readonly mode: string, private readonly proxy?: Destination) {}

  /** @internal */
  public _render(scope: Construct, field: string, fromNamespace: string | undefined): k.SidecarSpecOutboundTrafficPolicy {
    let egressProxy: k.SidecarSpecOutboundTrafficPolicyEgressProxy | undefined;
    if (this.proxy) {
      check(this.proxy.port !== undefined, scope, `${field}.egressProxy.port`, this.proxy.port,
        'is required: give the proxy\'s port, e.g. Destination.fromHost(host, { port: 3128 })');
      egressProxy = this.proxy._render(scope, `${field}.egressProxy`, fromNamespace);
    }
    return compact({ mode: this.mode as k.SidecarSpecOutboundTrafficPolicyMode, egressProxy });
  }
}

/**
 * Properties of a Sidecar.
 */
export interface SidecarProps extends IstioResourceProps {
  /**
   * The workloads this Sidecar applies to.
   * @default - every workload in the namespace without a more specific Sidecar (at most one such Sidecar per namespace)
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Listeners for inbound traffic. More can be added with `addIngress()`.
   * @default - inbound ports inferred from the workload's Services
   */
  readonly ingress?: SidecarIngressListenerOptions[];

  /**
   * Listeners for outbound traffic and the hosts they reach. More can be added with
   * `addEgress()`.
   * @default - every service in the mesh is reachable
   */
  readonly egress?: SidecarEgressListenerOptions[];

  /**
   * What happens to traffic to unknown destinations.
   * @default - the mesh-wide outboundTrafficPolicy
   */
  readonly outboundTrafficPolicy?: SidecarOutboundTrafficPolicy;

  /**
   * Limits on inbound connections to every port of the workload.
   * @default - no limits
   */
  readonly inboundConnectionPool?: ConnectionPoolOptions;
}

/**
 * An Istio Sidecar: fine-tunes the ports and hosts a workload's sidecar proxy handles, e.g.
 * to limit the services it needs configuration for (`./*` and `istio-system/*`) or to lock
 * down outbound traffic.
 *
 * @example
 * new Sidecar(this, 'default', {
 *   egress: [{ hosts: ['./*', 'istio-system/*'] }],
 *   outboundTrafficPolicy: SidecarOutboundTrafficPolicy.registryOnly(),
 * });
 */
export class Sidecar extends IstioResource {
  /** @see https://istio.io/latest/docs/reference/config/networking/sidecar/ */
  public readonly resourceType = 'sidecars';

  protected readonly apiObject: ApiObject;

  private readonly workloadSelector?: WorkloadSelector;
  private readonly ingress: k.SidecarSpecIngress[] = [];
  private readonly egress: k.SidecarSpecEgress[] = [];
  private readonly outboundTrafficPolicy?: SidecarOutboundTrafficPolicy;
  private readonly inboundConnectionPool?: k.SidecarSpecInboundConnectionPool;

  public constructor(scope: Construct, id: string, props: SidecarProps = {}) {
    super(scope, id, props);
    this.workloadSelector = props.workloadSelector;
    this.workloadSelector?._labels(this, 'workloadSelector');
    this.outboundTrafficPolicy = props.outboundTrafficPolicy;
    this.outboundTrafficPolicy?._render(this, 'outboundTrafficPolicy', props.metadata?.namespace);
    if (props.inboundConnectionPool) {
      this.inboundConnectionPool = renderConnectionPool(this, 'inboundConnectionPool', props.inboundConnectionPool) as k.SidecarSpecInboundConnectionPool;
    }

    this.apiObject = new k.Sidecar(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    for (const listener of props.ingress ?? []) this.addIngress(listener);
    for (const listener of props.egress ?? []) this.addEgress(listener);

    this.node.addValidation({
      // An inboundConnectionPool without settings renders as nothing, so it does not count.
      validate: () => this.ingress.length === 0 && this.egress.length === 0
        && this.outboundTrafficPolicy === undefined && isEmptyObject(this.inboundConnectionPool)
        ? [validationMessage('spec', {}, 'Istio rejects an empty Sidecar: configure ingress, egress, outboundTrafficPolicy or an inboundConnectionPool with at least one setting')]
        : [],
    });
    // Sidecars of one namespace that select the same workloads (or several without a selector)
    // are accepted by Istio and reported by `istioctl analyze` (IST0110, IST0111), not errors.
  }

  /**
   * Adds a listener for inbound traffic.
   */
  public addIngress(listener: SidecarIngressListenerOptions): void {
    const field = `ingress[${this.ingress.length}]`;
    const port = listener.port;
    if (port === undefined) fail(this, `${field}.port`, port, 'is required for ingress listeners');
    validatePort(this, `${field}.port.number`, port.number);
    check(port.number !== undefined, this, `${field}.port.number`, port.number, 'is required');
    validatePortName(this, `${field}.port.name`, port.name);
    validateProtocol(this, `${field}.port.protocol`, port.protocol);
    validateBind(this, `${field}.bind`, listener.bind, false);
    validateCaptureMode(this, `${field}.captureMode`, listener.captureMode);
    validateDefaultEndpoint(this, `${field}.defaultEndpoint`, listener.defaultEndpoint);
    for (const [j, other] of this.ingress.entries()) {
      check(other.port.number !== port.number, this, `${field}.port.number`, port.number,
        `ingress[${j}] already listens on this port; ingress ports must be unique`);
    }
    let tls: k.SidecarSpecIngressTls | undefined;
    if (listener.tls) {
      check(port.protocol !== undefined, this, `${field}.port.protocol`, port.protocol, 'must be HTTPS or TLS when the listener terminates TLS');
      tls = compact(renderServerTls(this, `${field}.tls`, listener.tls, port.protocol!, 'Sidecar')) as k.SidecarSpecIngressTls;
    }
    const connectionPool = listener.connectionPool
      ? renderConnectionPool(this, `${field}.connectionPool`, listener.connectionPool) as k.SidecarSpecIngressConnectionPool
      : undefined;

    this.ingress.push(compact({
      port: compact({ number: port.number, protocol: port.protocol, name: port.name }),
      bind: listener.bind,
      captureMode: listener.captureMode as string as k.SidecarSpecIngressCaptureMode | undefined,
      defaultEndpoint: listener.defaultEndpoint,
      tls,
      connectionPool,
    }));
  }

  /**
   * Adds a listener for outbound traffic. A listener without a port catches every other
   * port and must be added last.
   */
  public addEgress(listener: SidecarEgressListenerOptions): void {
    const field = `egress[${this.egress.length}]`;
    const catchAll = this.egress.findIndex(e => e.port === undefined);
    if (catchAll >= 0) {
      fail(this, field, listener.port ?? {}, `egress[${catchAll}] has no port and catches all traffic, so it must be the last egress listener`);
    }
    check(Array.isArray(listener.hosts) && listener.hosts.length > 0, this, `${field}.hosts`, listener.hosts,
      'an egress listener needs at least one host, e.g. "./*" or "istio-system/*"');
    listener.hosts.forEach((host, j) => validateSidecarHost(this, `${field}.hosts[${j}]`, host));
    assertUnique(this, `${field}.hosts`, listener.hosts, h => h);
    if (listener.hosts.includes('*/*') && listener.hosts.length > 1) {
      fail(this, `${field}.hosts`, listener.hosts, '"*/*" already selects every host; remove the other entries');
    }
    validateCaptureMode(this, `${field}.captureMode`, listener.captureMode);

    const port = listener.port;
    const unix = listener.bind?.startsWith(UNIX_PREFIX) ?? false;
    validateBind(this, `${field}.bind`, listener.bind, true);
    if (port !== undefined) {
      validatePortName(this, `${field}.port.name`, port.name);
      validateProtocol(this, `${field}.port.protocol`, port.protocol, true);
      if (unix) {
        check(port.number === 0, this, `${field}.port.number`, port.number, 'must be 0 when the listener binds to a Unix domain socket');
        check(listener.captureMode === undefined || listener.captureMode === CaptureMode.DEFAULT || listener.captureMode === CaptureMode.NONE,
          this, `${field}.captureMode`, listener.captureMode, 'must be DEFAULT or NONE for a Unix domain socket listener');
      } else {
        check(port.number !== 0 || unix, this, `${field}.port.number`, port.number,
          'port 0 needs a Unix domain socket bind address ("unix:///var/run/app.sock")');
        validatePort(this, `${field}.port.number`, port.number);
      }
      for (const [j, other] of this.egress.entries()) {
        const clash = unix ? other.bind === listener.bind : (other.port?.number === port.number && !other.bind?.startsWith(UNIX_PREFIX));
        check(!clash, this, unix ? `${field}.bind` : `${field}.port.number`, unix ? listener.bind : port.number,
          `egress[${j}] already uses it; egress listeners must have unique ports and Unix domain sockets`);
      }
    } else {
      check(!unix, this, `${field}.bind`, listener.bind, 'a Unix domain socket listener needs a port with number 0');
    }

    this.egress.push(compact({
      port: port ? compact({ number: port.number, protocol: port.protocol, name: port.name }) : undefined,
      bind: listener.bind,
      captureMode: listener.captureMode as string as k.SidecarSpecEgressCaptureMode | undefined,
      hosts: [...listener.hosts],
    }));
  }

  /**
   * Renders the Sidecar spec.
   * @internal
   */
  public _toKube(): k.SidecarSpec {
    return compact({
      workloadSelector: this.workloadSelector ? { labels: this.workloadSelector._labels(this, 'workloadSelector') } : undefined,
      ingress: nonEmpty(this.ingress),
      egress: nonEmpty(this.egress),
      outboundTrafficPolicy: this.outboundTrafficPolicy?._render(this, 'outboundTrafficPolicy', this.metadata.namespace),
      inboundConnectionPool: this.inboundConnectionPool,
    });
  }
}

function isEmptyObject(value: object | undefined): boolean {
  return value === undefined || Object.values(value).every(v => v === undefined);
}

function validateCaptureMode(scope: Construct, field: string, mode: CaptureMode | undefined): void {
  if (mode === undefined) return;
  check((Object.values(CaptureMode) as string[]).includes(mode), scope, field, mode, `must be one of ${Object.values(CaptureMode).join(', ')}`);
}
