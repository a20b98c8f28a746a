import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderRouteDuration } from './route-context';
import { check, compact, fail, validateInteger } from '../core/validation';

/**
 * A condition under which a request is retried (Envoy's `x-envoy-retry-on` and
 * `x-envoy-retry-grpc-on` policies).
 */
export enum RetryOn {
  /** The upstream answered with any 5xx status, or did not answer (includes connect failures and resets). */
  SERVER_ERROR = '5xx',
  /** The upstream answered 502, 503 or 504. */
  GATEWAY_ERROR = 'gateway-error',
  /** The upstream did not answer at all (disconnect, reset, read timeout). */
  RESET = 'reset',
  /** The connection was reset before the request was sent. */
  RESET_BEFORE_REQUEST = 'reset-before-request',
  /** The connection to the upstream failed (includes connect timeouts). */
  CONNECT_FAILURE = 'connect-failure',
  /** The upstream answered 409. */
  RETRIABLE_4XX = 'retriable-4xx',
  /** The upstream reset the stream with REFUSED_STREAM. */
  REFUSED_STREAM = 'refused-stream',
  /** The upstream answered with a status listed in `retryOnStatusCodes` or the `x-envoy-retriable-status-codes` header. */
  RETRIABLE_STATUS_CODES = 'retriable-status-codes',
  /** The upstream response carries a header listed in `x-envoy-retriable-header-names`. */
  RETRIABLE_HEADERS = 'retriable-headers',
  /** The request was rate limited by Envoy (`x-envoy-ratelimited`). */
  ENVOY_RATELIMITED = 'envoy-ratelimited',
  /** An HTTP/3 request failed after the connection was established (retried over TCP). */
  HTTP3_POST_CONNECT_FAILURE = 'http3-post-connect-failure',
  /** gRPC status CANCELLED. */
  CANCELLED = 'cancelled',
  /** gRPC status DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  /** gRPC status INTERNAL. */
  INTERNAL = 'internal',
  /** gRPC status RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  /** gRPC status UNAVAILABLE. */
  UNAVAILABLE = 'unavailable',
}

/**
 * How failed HTTP requests are retried.
 *
 * @example
 * { attempts: 3, perTryTimeout: Duration.seconds(2), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] }
 */
export interface HttpRetryPolicy {
  /**
   * The number of retries for a request (not counting the first attempt); 0 disables retries.
   * The total time is still bounded by the route's `timeout`.
   */
  readonly attempts: number;

  /**
   * Timeout of each attempt, including the first one.
   *
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * The conditions under which to retry.
   *
   * @default - Istio's default: connect-failure, refused-stream, unavailable, cancelled and retriable-status-codes
   */
  readonly retryOn?: RetryOn[];

  /**
   * HTTP status codes to retry on, in addition to `retryOn` (e.g. `[503]`).
   *
   * @default - none
   */
  readonly retryOnStatusCodes?: number[];

  /**
   * Whether retries may go to endpoints in other localities.
   *
   * @default - Istio's default (false)
   */
  readonly retryRemoteLocalities?: boolean;

  /**
   * Whether retries avoid the hosts that were already tried.
   *
   * @default - Istio's default (true)
   */
  readonly retryIgnorePreviousHosts?: boolean;

  /**
   * The base interval between retries (Envoy backs off exponentially from it).
   *
   * @default 25ms
   */
  readonly backoff?: Duration;
}

/** Status codes Istio accepts in `retryOn` (those Go's net/http knows). */
const KNOWN_STATUS_CODES = new Set([
  100, 101, 102, 103,
  200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
  300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
  421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * Validates and renders an Istio `HTTPRetry`. Internal.
 */
export function renderRetryPolicy(scope: IConstruct, field: string, policy: HttpRetryPolicy | undefined): any {
  if (policy === undefined) return undefined;
  validateInteger(scope, `${field}.attempts`, policy.attempts, 0);
  const perTryTimeout = renderRouteDuration(scope, `${field}.perTryTimeout`, policy.perTryTimeout);
  const backoff = renderRouteDuration(scope, `${field}.backoff`, policy.backoff);
  const values = Object.values(RetryOn) as string[];
  (policy.retryOn ?? []).forEach((condition, i) => {
    check(values.includes(condition), scope, `${field}.retryOn[${i}]`, condition, `must be one of ${values.join(', ')}`);
  });
  (policy.retryOnStatusCodes ?? []).forEach((code, i) => {
    check(KNOWN_STATUS_CODES.has(code), scope, `${field}.retryOnStatusCodes[${i}]`, code, 'must be a standard HTTP status code such as 503');
  });
  const conditions = [...(policy.retryOn ?? []), ...(policy.retryOnStatusCodes ?? []).map(String)];
  if (new Set(conditions).size !== conditions.length) {
    fail(scope, `${field}.retryOn`, conditions, 'must not list a condition twice');
  }
  if (policy.attempts === 0) {
    const extra = ['perTryTimeout', 'retryOn', 'retryOnStatusCodes', 'retryRemoteLocalities', 'backoff']
      .find(key => (policy as any)[key] !== undefined);
    if (extra !== undefined) {
      fail(scope, `${field}.${extra}`, (policy as any)[extra], 'has no effect when attempts is 0 (retries disabled); remove it or set attempts');
    }
  }
  return compact({
    attempts: policy.attempts,
    perTryTimeout,
    retryOn: conditions.length > 0 ? conditions.join(',') : undefined,
    retryRemoteLocalities: policy.retryRemoteLocalities,
    retryIgnorePreviousHosts: policy.retryIgnorePreviousHosts,
    backoff,
  });
}
