import { Duration } from 'cdk8s';

/**
 * Whether HTTP/1.1 connections to the upstream are upgraded to HTTP/2.
 */
export enum H2UpgradePolicy {
  /** Use the mesh-wide default. */
  DEFAULT = 'DEFAULT',
  /** Never upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade to HTTP/2. */
  UPGRADE = 'UPGRADE',
}

/**
 * TCP keepalive probes on upstream connections (sets `SO_KEEPALIVE`).
 */
export interface TcpKeepaliveOptions {
  /**
   * Unanswered probes before the connection is considered dead.
   *
   * @default - the operating system's setting (9 on Linux)
   */
  readonly probes?: number;

  /**
   * Idle time before the first probe.
   *
   * @default - the operating system's setting (two hours on Linux)
   */
  readonly time?: Duration;

  /**
   * Time between probes.
   *
   * @default - the operating system's setting (75s on Linux)
   */
  readonly interval?: Duration;
}

/**
 * Connection limits common to TCP and HTTP upstreams.
 */
export interface TcpConnectionPoolOptions {
  /**
   * Maximum HTTP/1.1 or TCP connections to a destination host.
   *
   * @default 4294967295
   */
  readonly maxConnections?: number;

  /**
   * TCP connect timeout (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly connectTimeout?: Duration;

  /**
   * TCP keepalive.
   *
   * @default - no keepalive
   */
  readonly tcpKeepalive?: TcpKeepaliveOptions;

  /**
   * Maximum lifetime of a connection (at least 1ms).
   *
   * @default - unlimited
   */
  readonly maxConnectionDuration?: Duration;

  /**
   * Idle timeout of a TCP connection: time without bytes sent or received (at least 1ms).
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
}

/**
 * Limits for HTTP/1.1, HTTP/2 and gRPC upstream connections.
 */
export interface HttpConnectionPoolOptions {
  /**
   * Maximum requests queued while waiting for a connection.
   *
   * @default 4294967295
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * Maximum active requests to a destination.
   *
   * @default 4294967295
   */
  readonly http2MaxRequests?: number;

  /**
   * Maximum requests per connection; 1 disables keep-alive.
   *
   * @default - unlimited
   */
  readonly maxRequestsPerConnection?: number;

  /**
   * Maximum outstanding retries to all hosts of the destination.
   *
   * @default 4294967295
   */
  readonly maxRetries?: number;

  /**
   * Idle timeout of an upstream connection without active requests (at least 1ms).
   *
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;

  /**
   * Whether to upgrade HTTP/1.1 connections to HTTP/2.
   *
   * @default H2UpgradePolicy.DEFAULT
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;

  /**
   * Keep the caller's HTTP protocol towards the upstream. Cannot be combined with
   * `H2UpgradePolicy.UPGRADE`.
   *
   * @default false
   */
  readonly useClientProtocol?: boolean;

  /**
   * Maximum concurrent streams per HTTP/2 connection.
   *
   * @default 2147483647
   */
  readonly maxConcurrentStreams?: number;
}

/**
 * Connection-pool limits (circuit breaking) towards an upstream. Set `tcp`, `http` or both.
 */
export interface ConnectionPoolOptions {
  /**
   * Limits common to HTTP and TCP connections.
   *
   * @default - no TCP limits
   */
  readonly tcp?: TcpConnectionPoolOptions;

  /**
   * HTTP limits.
   *
   * @default - no HTTP limits
   */
  readonly http?: HttpConnectionPoolOptions;
}
