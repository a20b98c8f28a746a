import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, renderDuration, validateDuration } from '../core/validation';

/**
 * Where the parts of a VirtualService are validated and rendered. Internal: not exported from
 * the package entry point.
 */

/** Where a string match is used, which decides what it may be. Internal. */
export interface StringMatchRules {
  /** `prefix('')` is allowed (Envoy accepts an empty path prefix). */
  readonly allowEmptyPrefix?: boolean;
  /** `present()` is allowed (header presence). */
  readonly allowPresent?: boolean;
  /** `prefix()` is not supported here (query parameters). */
  readonly noPrefix?: boolean;
}

/** Where a match is rendered. Internal. */
export interface MatchContext {
  readonly scope: IConstruct;
  readonly namespace: string | undefined;
  /** Whether the VirtualService applies to the sidecars of the mesh (no gateways, or `mesh` among them). */
  readonly meshBound: boolean;
}

/** What an HTTP route is rendered in. Internal. */
export interface RouteContext extends MatchContext {
  /** The field path of the route, e.g. `http[2]`. */
  readonly field: string;
}

/** What an L4 route is rendered in. Internal. */
export interface L4RouteContext {
  readonly scope: IConstruct;
  readonly namespace: string | undefined;
  /** Whether the VirtualService applies to the sidecars of the mesh (no gateways, or `mesh` among them). */
  readonly meshBound: boolean;
  /** The field path of the route, e.g. `tcp[0]`. */
  readonly field: string;
}

/** What a TLS route is rendered in. Internal. */
export interface TlsRouteContext extends L4RouteContext {
  /** The hosts of the VirtualService, which every SNI host must fall under. */
  readonly hosts: readonly string[];
}

/**
 * Validates a duration (at least 1ms, whole milliseconds) and renders it as `7s` or `250ms`.
 * Internal.
 */
export function renderRouteDuration(scope: IConstruct, field: string, duration: Duration | undefined): string | undefined {
  if (duration === undefined) return undefined;
  validateDuration(scope, field, duration);
  check(Number.isInteger(duration.toMilliseconds({ integral: false })), scope, field, duration, 'must be a whole number of milliseconds');
  return renderDuration(duration);
}
