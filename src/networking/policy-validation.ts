import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, validateDuration, validateInteger } from '../core/validation';

/**
 * Validation helpers for the traffic-policy value types (DestinationRule). Internal: not
 * exported from the package entry point.
 */

/** Largest value of an unsigned 32-bit protobuf field (`UInt32Value`). */
export const UINT32_MAX = 4294967295;

/** Largest value of a signed 32-bit protobuf field. */
export const INT32_MAX = 2147483647;

/**
 * Validates a protobuf duration that Istio requires to be at least 1ms and a whole number of
 * milliseconds, and renders it (`7s`, `250ms`).
 */
export function renderPolicyDuration(scope: IConstruct, field: string, duration: Duration | undefined): string | undefined {
  if (duration === undefined) return undefined;
  validateDuration(scope, field, duration);
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms)) {
    fail(scope, field, duration, 'must be a whole number of milliseconds (Istio supports millisecond precision only)');
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A non-negative count that Istio stores as a signed 32-bit integer. */
export function validateCount(scope: IConstruct, field: string, value: number | undefined): void {
  validateInteger(scope, field, value, 0, INT32_MAX);
}

/** A non-negative count that Istio stores as an unsigned 32-bit integer. */
export function validateUint32(scope: IConstruct, field: string, value: number | undefined, min = 0): void {
  validateInteger(scope, field, value, min, UINT32_MAX);
}

/** Throws when more than one of the named options is set. */
export function assertExclusive(scope: IConstruct, field: string, options: Record<string, unknown>, hint = ''): void {
  const set = Object.entries(options).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)).map(([k]) => k);
  if (set.length > 1) {
    fail(scope, field, set, `only one of ${Object.keys(options).join(', ')} may be set${hint ? '; ' + hint : ''}`);
  }
}
