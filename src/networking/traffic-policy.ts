import { ClientTls } from './client-tls';
import { ConnectionPoolOptions } from './connection-pool';
import { LoadBalancer } from './load-balancer';
import { OutlierDetectionOptions } from './outlier-detection';

/**
 * The policies that can be set for a whole destination and for a single port of it.
 */
export interface PortTrafficPolicyOptions {
  /**
   * How requests are spread over the endpoints.
   *
   * @default - Istio's default (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancer;

  /**
   * Connection limits (circuit breaking).
   *
   * @default - Envoy's defaults (effectively unlimited)
   */
  readonly connectionPool?: ConnectionPoolOptions;

  /**
   * Ejection of failing hosts.
   *
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetectionOptions;

  /**
   * TLS towards the upstream.
   *
   * @default - Istio auto mTLS: ISTIO_MUTUAL to workloads with a sidecar, plain text otherwise
   */
  readonly tls?: ClientTls;
}

/**
 * Policies for one port of the destination. They replace (not merge with) the policies of
 * the destination for that port.
 */
export interface PortLevelTrafficPolicyOptions extends PortTrafficPolicyOptions {
  /** The destination port (1–65535). */
  readonly port: number;
}

/**
 * The version of the PROXY protocol sent to the upstream.
 */
export enum ProxyProtocolVersion {
  /** PROXY protocol version 1 (human readable). */
  V1 = 'V1',
  /** PROXY protocol version 2 (binary). */
  V2 = 'V2',
}

/**
 * The protocol used to tunnel TCP to the upstream.
 */
export enum TunnelProtocol {
  /** HTTP CONNECT. */
  CONNECT = 'CONNECT',
  /** HTTP POST. */
  POST = 'POST',
}

/**
 * Tunnel TCP connections to the destination through an HTTP proxy.
 */
export interface TunnelOptions {
  /** The host the connection is tunnelled to: an FQDN or IP address. */
  readonly targetHost: string;

  /** The port the connection is tunnelled to (1–65535). */
  readonly targetPort: number;

  /**
   * The tunnelling protocol.
   *
   * @default TunnelProtocol.CONNECT
   */
  readonly protocol?: TunnelProtocol;
}

/**
 * A budget for concurrent retries, relative to the active requests.
 */
export interface RetryBudgetOptions {
  /**
   * Concurrent retries allowed, as a percentage (0–100) of active and pending requests.
   *
   * @default 20
   */
  readonly percent?: number;

  /**
   * Concurrent retries always allowed, whatever the percentage.
   *
   * @default 3
   */
  readonly minRetryConcurrency?: number;
}

/**
 * Traffic policies for a destination or a subset of it: load balancing, connection pool,
 * outlier detection, TLS, per-port overrides, tunnelling, PROXY protocol and retry budget.
 */
export interface TrafficPolicyOptions extends PortTrafficPolicyOptions {
  /**
   * Policies for individual ports (at most one entry per port).
   *
   * @default - the same policies on every port
   */
  readonly portLevelSettings?: PortLevelTrafficPolicyOptions[];

  /**
   * Tunnel TCP through an HTTP proxy. Cannot be combined with `proxyProtocol`.
   *
   * @default - no tunnel
   */
  readonly tunnel?: TunnelOptions;

  /**
   * Send the PROXY protocol header to the upstream. Cannot be combined with `tunnel`.
   *
   * @default - no PROXY protocol
   */
  readonly proxyProtocol?: ProxyProtocolVersion;

  /**
   * Limit concurrent retries. `{}` enables the budget with Envoy's defaults.
   *
   * @default - Envoy's default retry circuit breaker
   */
  readonly retryBudget?: RetryBudgetOptions;
}
