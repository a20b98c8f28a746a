import { IConstruct } from 'constructs';
import { Destination } from './destination';
import { check, fail } from '../core/validation';

/**
 * A destination of a TCP or TLS route, with its share of the traffic.
 *
 * @example
 * { destination: Destination.fromSubset(reviewsRule.subset('v1')), weight: 75 }
 */
export interface RouteDestination {
  /**
   * Where the traffic goes.
   */
  readonly destination: Destination;

  /**
   * The destination's share of the route's traffic, RELATIVE to the other destinations'
   * weights: it receives `weight / sum of weights`. Any non-negative integer: 75/25, 3/1 and
   * 999/1 (a 0.1% canary) are all valid. A single destination receives all the traffic
   * whatever its weight.
   *
   * @default - 0 when the route has several destinations (at least one must be positive);
   * all of the traffic when it is the only destination
   */
  readonly weight?: number;
}

/** The largest route weight (Istio's `weight` is an int32). */
const MAX_WEIGHT = 2 ** 31 - 1;

/**
 * Validates the weights of a route's destinations as Istio does: weights are relative, each a
 * non-negative integer, and when a route has several destinations their total must be
 * positive (an unset weight counts as 0). Internal.
 */
export function validateWeights(scope: IConstruct, field: string, destinations: readonly RouteDestination[]): void {
  if (destinations.length === 0) {
    fail(scope, field, [], 'must list at least one destination');
  }
  destinations.forEach((d, i) => {
    if (d.weight === undefined) return;
    check(Number.isInteger(d.weight) && d.weight >= 0 && d.weight <= MAX_WEIGHT, scope, `${field}[${i}].weight`, d.weight,
      `must be a non-negative integer (at most ${MAX_WEIGHT}); weights are relative: a destination receives weight / sum of the weights`);
  });
  if (destinations.length === 1) return;
  const weights = destinations.map(d => d.weight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  check(total > 0, scope, `${field} weights`, destinations.map(d => d.weight ?? null),
    'a route with several destinations needs a positive total weight (an unset weight counts as 0); e.g. 90 and 10, or 999 and 1');
  check(total <= MAX_WEIGHT, scope, `${field} weights`, weights, `must add up to at most ${MAX_WEIGHT}`);
}

/**
 * Validates and renders a TCP/TLS `RouteDestination`. Internal.
 */
export function renderRouteDestination(scope: IConstruct, field: string, d: RouteDestination, namespace: string | undefined): any {
  return {
    destination: d.destination._render(scope, `${field}.destination`, namespace),
    ...(d.weight !== undefined ? { weight: d.weight } : {}),
  };
}
