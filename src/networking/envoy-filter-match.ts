import { IConstruct } from 'constructs';
import { ISubset } from './destination';
import { IGateway, gatewayReference } from './gateway-ref';
import { qualifyHost } from './host';
import { ServiceEntry } from './service-entry';
import { IServiceReference } from '../core/kube-refs';
import { check, compact, fail, validateInteger, validatePort } from '../core/validation';

/**
 * The kind of proxy configuration a patch applies to (`match.context`).
 */
export enum PatchContext {
  /** Every listener, route and cluster, of sidecars and gateways. */
  ANY = 'ANY',
  /** The inbound listeners and clusters of sidecars. */
  SIDECAR_INBOUND = 'SIDECAR_INBOUND',
  /** The outbound listeners, routes and clusters of sidecars. */
  SIDECAR_OUTBOUND = 'SIDECAR_OUTBOUND',
  /** Gateways. */
  GATEWAY = 'GATEWAY',
  /** Waypoint proxies (ambient mode); use `EnvoyObjectMatch.waypoint()`. */
  WAYPOINT = 'WAYPOINT',
}

/**
 * The action of an HTTP route to match.
 */
export enum RouteActionMatch {
  /** Any route. */
  ANY = 'ANY',
  /** Routes that forward to a cluster. */
  ROUTE = 'ROUTE',
  /** Redirect routes. */
  REDIRECT = 'REDIRECT',
  /** Direct-response routes. */
  DIRECT_RESPONSE = 'DIRECT_RESPONSE',
}

/**
 * Names of Envoy filters that EnvoyFilter patches commonly match or insert.
 */
export class EnvoyFilterName {
  /** The HTTP connection manager network filter, which holds the HTTP filters. */
  public static readonly HTTP_CONNECTION_MANAGER = 'envoy.filters.network.http_connection_manager';
  /** The TCP proxy network filter. */
  public static readonly TCP_PROXY = 'envoy.filters.network.tcp_proxy';
  /** The router HTTP filter, always the last HTTP filter. */
  public static readonly ROUTER = 'envoy.filters.http.router';
  /** The Lua HTTP filter. */
  public static readonly LUA = 'envoy.filters.http.lua';
  /** The global rate limit HTTP filter. */
  public static readonly RATE_LIMIT = 'envoy.filters.http.ratelimit';
  /** The local rate limit HTTP filter. */
  public static readonly LOCAL_RATE_LIMIT = 'envoy.filters.http.local_ratelimit';
  /** The external authorization HTTP filter. */
  public static readonly EXT_AUTHZ = 'envoy.filters.http.ext_authz';
  /** The TLS inspector listener filter. */
  public static readonly TLS_INSPECTOR = 'envoy.filters.listener.tls_inspector';

  private constructor() {}
}

/**
 * Which proxies a patch applies to, by version and node metadata.
 */
export interface ProxyMatch {
  /**
   * A regular expression (RE2) the proxy's Istio version must match, e.g. `^1\\.30.*`.
   *
   * @default - every version
   */
  readonly proxyVersion?: string;

  /**
   * Node metadata the proxy must carry (exact values).
   *
   * @default - no condition
   */
  readonly metadata?: Record<string, string>;
}

/**
 * What every match can say: the context and the proxy.
 */
export interface EnvoyMatchCommonOptions {
  /**
   * The kind of proxy configuration to patch.
   *
   * @default PatchContext.ANY
   */
  readonly context?: PatchContext;

  /**
   * Proxy version and metadata conditions.
   *
   * @default - every proxy
   */
  readonly proxy?: ProxyMatch;
}

/**
 * A network filter of a filter chain, and optionally an HTTP filter inside it.
 */
export interface FilterMatch {
  /** The network filter's name, e.g. `EnvoyFilterName.HTTP_CONNECTION_MANAGER`. */
  readonly name: string;

  /**
   * The HTTP filter inside the HTTP connection manager (`subFilter.name`), e.g.
   * `EnvoyFilterName.ROUTER`. Only with `applyTo: HTTP_FILTER`.
   *
   * @default - none
   */
  readonly subFilter?: string;
}

/**
 * A filter chain of a listener.
 */
export interface FilterChainMatch {
  /** The filter chain's name. @default - any */
  readonly name?: string;
  /** The SNI server name the chain matches. @default - any */
  readonly sni?: string;
  /** The transport protocol the chain matches: `tls` or `raw_buffer` (inbound only). @default - any */
  readonly transportProtocol?: string;
  /** Comma-separated ALPN protocols the chain matches, e.g. `h2,http/1.1` (sidecars only). @default - any */
  readonly applicationProtocols?: string;
  /** The destination port the chain matches (inbound only). @default - any */
  readonly destinationPort?: number;
  /** A network filter in the chain. @default - any */
  readonly filter?: FilterMatch;
}

/**
 * Options of a listener match.
 */
export interface ListenerMatchOptions extends EnvoyMatchCommonOptions {
  /** The service or gateway port the listener serves. @default - any */
  readonly portNumber?: number;
  /** The port name (gateways). @default - any */
  readonly portName?: string;
  /** The listener's name, e.g. `virtualInbound`. @default - any */
  readonly name?: string;
  /** A listener filter of the listener, e.g. `EnvoyFilterName.TLS_INSPECTOR`. @default - any */
  readonly listenerFilter?: string;
  /** A filter chain of the listener. @default - any */
  readonly filterChain?: FilterChainMatch;
}

/**
 * A route of a virtual host.
 */
export interface RouteMatch {
  /** The route's name (`default` for generated routes, or the VirtualService route name). @default - any */
  readonly name?: string;
  /** The route's action. @default RouteActionMatch.ANY */
  readonly action?: RouteActionMatch;
}

/**
 * A virtual host of a route configuration.
 */
export interface VirtualHostMatch {
  /** The virtual host's name, `host:port` (e.g. `reviews.bookinfo.svc.cluster.local:9080`). @default - any */
  readonly name?: string;
  /** A domain the virtual host serves. @default - any */
  readonly domainName?: string;
  /** A route in the virtual host. @default - any */
  readonly route?: RouteMatch;
}

/**
 * Options of a route configuration match.
 */
export interface RouteConfigurationMatchOptions extends EnvoyMatchCommonOptions {
  /** The service or gateway server port the routes were generated for. @default - any */
  readonly portNumber?: number;
  /** The gateway server port name (GATEWAY context only). @default - any */
  readonly portName?: string;
  /** The Istio Gateway the routes were generated for (GATEWAY context only). @default - any */
  readonly gateway?: IGateway;
  /** The route configuration's name, e.g. `http.8080`. @default - any */
  readonly name?: string;
  /** A virtual host of the route configuration. @default - any */
  readonly vhost?: VirtualHostMatch;
}

/**
 * Options of a cluster match.
 */
export interface ClusterMatchOptions extends EnvoyMatchCommonOptions {
  /** The service port the cluster was generated for. @default - any */
  readonly portNumber?: number;
  /**
   * The fully qualified service name (`reviews.bookinfo.svc.cluster.local`, a ServiceEntry
   * host). Prefer `EnvoyObjectMatch.clusterForService()` and its relatives.
   *
   * @default - any
   */
  readonly service?: string;
  /** The subset the cluster was generated for. @default - any */
  readonly subset?: string;
  /** The cluster's exact name, e.g. `outbound|9080|v1|reviews.bookinfo.svc.cluster.local`. @default - any */
  readonly name?: string;
}

/**
 * Options of a cluster match for a service given as an object.
 */
export interface ServiceClusterMatchOptions extends EnvoyMatchCommonOptions {
  /** The service port the cluster was generated for. @default - any */
  readonly portNumber?: number;
}

/**
 * Options of a waypoint match (ambient mode).
 */
export interface WaypointMatchOptions {
  /** Proxy version and metadata conditions. @default - every proxy */
  readonly proxy?: ProxyMatch;
  /** The service port to match, 1-65535. @default - any */
  readonly portNumber?: number;
  /** A filter of the waypoint. @default - any */
  readonly filter?: FilterMatch;
  /** The name of a route of the waypoint. @default - any */
  readonly routeName?: string;
}

/** The class of Envoy object a match names. */
type MatchObjectType = 'listener' | 'routeConfiguration' | 'cluster' | 'waypoint' | undefined;

/**
 * Which part of the generated Envoy configuration a patch applies to: a listener (and a
 * filter chain, filter and HTTP filter inside it), a route configuration (and a virtual host
 * and route inside it), a cluster, or a waypoint; always within a context and for some proxies.
 *
 * @example
 * EnvoyObjectMatch.listener({
 *   context: PatchContext.SIDECAR_INBOUND,
 *   filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: EnvoyFilterName.ROUTER } },
 * });
 * EnvoyObjectMatch.clusterForService(reviewsService, { portNumber: 9080 });
 */
export class EnvoyObjectMatch {
  /**
   * Only the context and proxy conditions; any object of the kind `applyTo` names.
   */
  public static any(options: EnvoyMatchCommonOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, undefined, () => ({}));
  }

  /**
   * A listener, and optionally a filter chain, network filter and HTTP filter inside it.
   */
  public static listener(options: ListenerMatchOptions = {}): EnvoyObjectMatch {
    const chain = options.filterChain;
    return new EnvoyObjectMatch(options, 'listener', () => ({
      listener: compact({
        portNumber: options.portNumber,
        portName: options.portName,
        name: options.name,
        listenerFilter: options.listenerFilter,
        filterChain: chain ? compact({
          name: chain.name,
          sni: chain.sni,
          transportProtocol: chain.transportProtocol,
          applicationProtocols: chain.applicationProtocols,
          destinationPort: chain.destinationPort,
          filter: chain.filter ? compact({
            name: chain.filter.name,
            subFilter: chain.filter.subFilter !== undefined ? { name: chain.filter.subFilter } : undefined,
          }) : undefined,
        }) : undefined,
      }),
    }));
  }

  /**
   * An HTTP route configuration, and optionally a virtual host and route inside it.
   */
  public static routeConfiguration(options: RouteConfigurationMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, 'routeConfiguration', (namespace) => ({
      routeConfiguration: compact({
        portNumber: options.portNumber,
        portName: options.portName,
        // Istio matches `namespace/name` here, always qualified.
        gateway: options.gateway ? qualifiedGateway(options.gateway, namespace) : undefined,
        name: options.name,
        vhost: options.vhost ? compact({
          name: options.vhost.name,
          domainName: options.vhost.domainName,
          route: options.vhost.route ? compact({ name: options.vhost.route.name, action: options.vhost.route.action }) : undefined,
        }) : undefined,
      }),
    }));
  }

  /**
   * A cluster, by service name, subset, port or exact cluster name.
   */
  public static cluster(options: ClusterMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, 'cluster', () => ({
      cluster: compact({ portNumber: options.portNumber, service: options.service, subset: options.subset, name: options.name }),
    }));
  }

  /**
   * The clusters of a Kubernetes Service (of any cdk8s-plus 2.x): its fully qualified name
   * `name.namespace.svc.cluster.local`, the namespace being the Service's or else the
   * EnvoyFilter's.
   */
  public static clusterForService(service: IServiceReference, options: ServiceClusterMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, 'cluster', (namespace, scope, field) => ({
      cluster: compact({ portNumber: options.portNumber, service: fqdn(scope, `${field}.cluster.service`, service.name, service.metadata.namespace ?? namespace) }),
    }));
  }

  /**
   * The clusters of a ServiceEntry of this app: its first host, unless `host` names another.
   */
  public static clusterForServiceEntry(entry: ServiceEntry, options: ServiceEntryClusterMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, 'cluster', (_namespace, scope, field) => {
      const host = options.host ?? entry.hosts[0];
      if (!entry.hosts.includes(host)) {
        fail(scope, `${field}.cluster.service`, host, `is not a host of ${entry.node.path}; its hosts are ${entry.hosts.map(h => JSON.stringify(h)).join(', ')}`);
      }
      return { cluster: compact({ portNumber: options.portNumber, service: host }) };
    });
  }

  /**
   * The clusters of a subset of a DestinationRule (`DestinationRule.subset('v1')`,
   * `Subset.fromName(...)`): its host, fully qualified, and subset name.
   */
  public static clusterForSubset(subset: ISubset, options: ServiceClusterMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch(options, 'cluster', (namespace, scope, field) => ({
      cluster: compact({
        portNumber: options.portNumber,
        service: fqdn(scope, `${field}.cluster.service`, subset.host, subset.namespace ?? namespace),
        subset: subset.subsetName,
      }),
    }));
  }

  /**
   * Objects of a waypoint proxy (ambient mode); the context is `WAYPOINT`.
   */
  public static waypoint(options: WaypointMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch({ context: PatchContext.WAYPOINT, proxy: options.proxy }, 'waypoint', () => ({
      waypoint: compact({
        portNumber: options.portNumber,
        filter: options.filter ? compact({
          name: options.filter.name,
          subFilter: options.filter.subFilter !== undefined ? { name: options.filter.subFilter } : undefined,
        }) : undefined,
        route: options.routeName !== undefined ? { name: options.routeName } : undefined,
      }),
    }), options);
  }

  private constructor(
    private readonly common: EnvoyMatchCommonOptions,
    /** @internal */
    public readonly _objectType: MatchObjectType,
    private readonly produce: (namespace: string | undefined, scope: IConstruct, field: string) => Record<string, unknown>,
    private readonly waypointOptions?: WaypointMatchOptions,
  ) {}

  /** The context the match names. */
  public get context(): PatchContext | undefined {
    return this.common.context;
  }

  /**
   * The listener filter-chain filter this match names, if any. @internal
   */
  public _filter(): FilterMatch | undefined {
    return this._listener()?.filterChain?.filter ?? this.waypointOptions?.filter;
  }

  /** @internal */
  public _listener(): ListenerMatchOptions | undefined {
    return this._objectType === 'listener' ? this.common as ListenerMatchOptions : undefined;
  }

  /**
   * Validates and renders the match. `namespace` is the EnvoyFilter's; `listenerClass` tells
   * whether the patch applies to a listener, filter chain, network filter or HTTP filter,
   * where Istio checks the filter match.
   * @internal
   */
  public _render(scope: IConstruct, field: string, namespace: string | undefined, listenerClass: boolean): Record<string, unknown> {
    const { context, proxy } = this.common;
    if (context !== undefined) {
      check(Object.values(PatchContext).includes(context), scope, `${field}.context`, context, `must be one of ${Object.values(PatchContext).join(', ')}`);
      check(context !== PatchContext.WAYPOINT || this._objectType === 'waypoint', scope, `${field}.context`, context,
        'the WAYPOINT context needs a waypoint match; use EnvoyObjectMatch.waypoint()');
    }
    if (proxy?.proxyVersion !== undefined) validateGoRegex(scope, `${field}.proxy.proxyVersion`, proxy.proxyVersion);
    for (const [key, value] of Object.entries(proxy?.metadata ?? {})) {
      check(typeof value === 'string', scope, `${field}.proxy.metadata[${JSON.stringify(key)}]`, value, 'must be a string');
    }
    this.validateObject(scope, field, listenerClass);
    // The object match stays even when empty: `waypoint: {}` is what the WAYPOINT context needs.
    return {
      ...compact({
        context,
        proxy: proxy ? compact({ proxyVersion: proxy.proxyVersion, metadata: proxy.metadata ? { ...proxy.metadata } : undefined }) : undefined,
      }),
      ...this.produce(namespace, scope, field),
    };
  }

  private validateObject(scope: IConstruct, field: string, listenerClass: boolean): void {
    const o = this.common as ListenerMatchOptions & RouteConfigurationMatchOptions & ClusterMatchOptions;
    if (this._objectType === 'listener') {
      validateUint32(scope, `${field}.listener.portNumber`, o.portNumber);
      validateUint32(scope, `${field}.listener.filterChain.destinationPort`, o.filterChain?.destinationPort);
      const filter = o.filterChain?.filter;
      if (filter && listenerClass) {
        check(typeof filter.name === 'string' && filter.name !== '', scope, `${field}.listener.filterChain.filter.name`, filter.name,
          'is required: the name of the network filter to match, e.g. "envoy.filters.network.http_connection_manager"');
        if (filter.subFilter !== undefined) {
          check(filter.subFilter !== '', scope, `${field}.listener.filterChain.filter.subFilter.name`, filter.subFilter,
            'must name the HTTP filter to match, e.g. "envoy.filters.http.router"');
          check(filter.name === EnvoyFilterName.HTTP_CONNECTION_MANAGER || filter.name === 'envoy.http_connection_manager', scope,
            `${field}.listener.filterChain.filter.name`, filter.name, `a subFilter match needs the filter "${EnvoyFilterName.HTTP_CONNECTION_MANAGER}"`);
        }
      }
    } else if (this._objectType === 'routeConfiguration') {
      validateUint32(scope, `${field}.routeConfiguration.portNumber`, o.portNumber);
      const action = o.vhost?.route?.action;
      if (action !== undefined) {
        check(Object.values(RouteActionMatch).includes(action), scope, `${field}.routeConfiguration.vhost.route.action`, action,
          `must be one of ${Object.values(RouteActionMatch).join(', ')}`);
      }
    } else if (this._objectType === 'cluster') {
      validateUint32(scope, `${field}.cluster.portNumber`, o.portNumber);
    } else if (this._objectType === 'waypoint') {
      const w = this.waypointOptions!;
      validatePort(scope, `${field}.waypoint.portNumber`, w.portNumber);
    }
  }
}

/**
 * Options of a cluster match for a ServiceEntry.
 */
export interface ServiceEntryClusterMatchOptions extends ServiceClusterMatchOptions {
  /**
   * The host of the ServiceEntry whose clusters to match.
   *
   * @default - the first host
   */
  readonly host?: string;
}

/** The CRD's uint32 port fields. */
function validateUint32(scope: IConstruct, field: string, value: number | undefined): void {
  validateInteger(scope, field, value, 0, 4294967295);
}

function qualifiedGateway(gateway: IGateway, namespace: string | undefined): string {
  const ref = gatewayReference(gateway, undefined);
  if (ref.includes('/')) return ref;
  const ns = gateway.gatewayNamespace ?? namespace;
  return ns !== undefined ? `${ns}/${ref}` : ref;
}

function fqdn(scope: IConstruct, field: string, host: string, namespace: string | undefined): string {
  if (host.includes('.')) return host;
  if (namespace === undefined) {
    fail(scope, field, host, 'cluster matches need the fully qualified service name; set metadata.namespace on the Service or on the EnvoyFilter');
  }
  return qualifyHost(host, namespace);
}

/**
 * A regular expression as Go's regexp (RE2) compiles it: no look-around, no back-references.
 */
export function validateGoRegex(scope: IConstruct, field: string, regex: string): void {
  try {
    new RegExp(regex, 'u');
  } catch (e) {
    fail(scope, field, regex, `must be a valid RE2 regular expression (${(e as Error).message})`);
  }
  check(!/\(\?<?[=!]/.test(regex), scope, field, regex, 'RE2 does not support look-ahead or look-behind assertions');
  check(!/(^|[^\\])\\[1-9]/.test(regex), scope, field, regex, 'RE2 does not support back-references');
}
