import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderRouteDuration } from './route-context';
import { check, fail } from '../core/validation';

/**
 * A gRPC status code a fault can abort with.
 */
export enum GrpcStatus {
  /** Not an error. */
  OK = 'OK',
  /** The operation was cancelled. */
  CANCELLED = 'CANCELLED',
  /** Unknown error. */
  UNKNOWN = 'UNKNOWN',
  /** The client specified an invalid argument. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The deadline expired before the operation completed. */
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  /** The requested entity was not found. */
  NOT_FOUND = 'NOT_FOUND',
  /** The entity the client tried to create already exists. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** The caller may not perform the operation. */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** A resource (quota, space) is exhausted. */
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  /** The system is not in a state required for the operation. */
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  /** The operation was aborted (concurrency conflict). */
  ABORTED = 'ABORTED',
  /** The operation was attempted past the valid range. */
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  /** The operation is not implemented. */
  UNIMPLEMENTED = 'UNIMPLEMENTED',
  /** Internal error. */
  INTERNAL = 'INTERNAL',
  /** The service is unavailable. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Unrecoverable data loss. */
  DATA_LOSS = 'DATA_LOSS',
  /** The request lacks valid credentials. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
}

interface DelaySpec {
  readonly fixedDelay: Duration;
  readonly percentage: number;
}

interface AbortSpec {
  readonly httpStatus?: number;
  readonly grpcStatus?: string;
  readonly percentage: number;
}

/**
 * Faults injected into the HTTP requests of a route, to test how clients cope with a slow or
 * failing service. Applied on the client side, before the request reaches the destination.
 *
 * Istio's deprecated integer `delay.percent` is not offered (percentages render as
 * `percentage.value`), nor are `delay.exponentialDelay` and `abort.http2Error`, which Istio
 * rejects as not supported.
 *
 * @example
 * Fault.delay(Duration.seconds(7));
 * Fault.abort(500, 10);
 * Fault.combine(Fault.delay(Duration.seconds(2), 50), Fault.abortGrpc(GrpcStatus.UNAVAILABLE, 5));
 */
export class Fault {
  /**
   * Delays a percentage of requests by a fixed time before forwarding them.
   *
   * @param duration how long to delay; at least 1ms
   * @param percentage the share of requests to delay, 0–100 (fractions allowed)
   */
  public static delay(duration: Duration, percentage: number = 100): Fault {
    return new Fault({ fixedDelay: duration, percentage }, undefined);
  }

  /**
   * Answers a percentage of requests with an HTTP error status instead of forwarding them.
   *
   * @param httpStatus the status to return, 200–599
   * @param percentage the share of requests to abort, 0–100 (fractions allowed)
   */
  public static abort(httpStatus: number, percentage: number = 100): Fault {
    return new Fault(undefined, { httpStatus, percentage });
  }

  /**
   * Answers a percentage of gRPC requests with a gRPC error status instead of forwarding them.
   *
   * @param grpcStatus the gRPC status to return
   * @param percentage the share of requests to abort, 0–100 (fractions allowed)
   */
  public static abortGrpc(grpcStatus: GrpcStatus, percentage: number = 100): Fault {
    return new Fault(undefined, { grpcStatus, percentage });
  }

  /**
   * Both a delay and an abort: `delay` must come from `Fault.delay()`, `abort` from
   * `Fault.abort()` or `Fault.abortGrpc()`.
   */
  public static combine(delay: Fault, abort: Fault): Fault {
    if (delay.delaySpec === undefined || delay.abortSpec !== undefined) {
      throw new Error('Fault.combine(): the first fault must be a single Fault.delay()');
    }
    if (abort.abortSpec === undefined || abort.delaySpec !== undefined) {
      throw new Error('Fault.combine(): the second fault must be a single Fault.abort() or Fault.abortGrpc()');
    }
    return new Fault(delay.delaySpec, abort.abortSpec);
  }

  private constructor(private readonly delaySpec: DelaySpec | undefined, private readonly abortSpec: AbortSpec | undefined) {}

  /**
   * Validates and renders the Istio `HTTPFaultInjection`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): any {
    const out: any = {};
    if (this.delaySpec) {
      const d = this.delaySpec;
      validateFraction(scope, `${field}.delay.percentage`, d.percentage);
      out.delay = { fixedDelay: renderRouteDuration(scope, `${field}.delay.fixedDelay`, d.fixedDelay), percentage: { value: d.percentage } };
    }
    if (this.abortSpec) {
      const a = this.abortSpec;
      validateFraction(scope, `${field}.abort.percentage`, a.percentage);
      if (a.httpStatus !== undefined) {
        check(Number.isInteger(a.httpStatus) && a.httpStatus >= 200 && a.httpStatus <= 599, scope, `${field}.abort.httpStatus`, a.httpStatus,
          'must be an HTTP status code from 200 to 599');
        out.abort = { httpStatus: a.httpStatus, percentage: { value: a.percentage } };
      } else {
        const valid = Object.values(GrpcStatus) as string[];
        check(valid.includes(a.grpcStatus as string), scope, `${field}.abort.grpcStatus`, a.grpcStatus, `must be one of ${valid.join(', ')}`);
        out.abort = { grpcStatus: a.grpcStatus, percentage: { value: a.percentage } };
      }
    }
    return out;
  }
}

/**
 * Istio's `Percent`: 0, or from 0.0001 to 100. Internal.
 */
export function validateFraction(scope: IConstruct, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value >= 0 && value <= 100)) {
    fail(scope, field, value, 'must be a percentage from 0 to 100');
  }
  check(value === 0 || value >= 0.0001, scope, field, value, 'must be 0 or at least 0.0001 (the finest fraction Envoy supports)');
}
