import { Duration } from 'cdk8s';

/**
 * Outlier detection (passive health checking): eject hosts that keep failing from the
 * load-balancing pool for a while.
 */
export interface OutlierDetectionOptions {
  /**
   * Count locally originated failures (connect timeouts, resets) separately from upstream
   * errors; needed for `consecutiveLocalOriginFailures`.
   *
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;

  /**
   * Consecutive locally originated failures before ejection. Requires
   * `splitExternalLocalOriginErrors: true`.
   *
   * @default 5
   */
  readonly consecutiveLocalOriginFailures?: number;

  /**
   * Consecutive gateway errors (502, 503, 504; for TCP: connect timeouts and errors) before
   * ejection; 0 disables it.
   *
   * @default 0
   */
  readonly consecutiveGatewayErrors?: number;

  /**
   * Consecutive 5xx errors (for TCP: connect timeouts and errors) before ejection; 0
   * disables it.
   *
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * Consecutive errors before ejection.
   *
   * @deprecated use `consecutive5xxErrors` or `consecutiveGatewayErrors`
   * @default - not set
   */
  readonly consecutiveErrors?: number;

  /**
   * Time between ejection sweeps (at least 1ms).
   *
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;

  /**
   * Minimum ejection time; a host is ejected for this times the number of its ejections
   * (at least 1ms).
   *
   * @default Duration.seconds(30)
   */
  readonly baseEjectionTime?: Duration;

  /**
   * Maximum share (0–100 %) of the pool that can be ejected.
   *
   * @default 10
   */
  readonly maxEjectionPercent?: number;

  /**
   * Outlier detection is active only while at least this share (0–100 %) of hosts is healthy.
   *
   * @default 0
   */
  readonly minHealthPercent?: number;
}
