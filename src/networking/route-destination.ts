import { IConstruct } from 'constructs';
import { Destination } from './destination';
import { fail, invalidMessage, validateWeight } from '../core/validation';

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
   * The percentage of the route's traffic this destination receives, 0–100. The weights of a
   * route's destinations must add up to 100; a single destination may leave it out.
   *
   * @default - 100 when it is the only destination
   */
  readonly weight?: number;
}

/**
 * Validates the weights of a route's destinations: each 0–100, and together 100 when there is
 * more than one destination (or any weight is set). Internal.
 */
export function validateWeights(scope: IConstruct, field: string, destinations: readonly RouteDestination[]): void {
  if (destinations.length === 0) {
    fail(scope, field, [], 'must list at least one destination');
  }
  destinations.forEach((d, i) => validateWeight(scope, `${field}[${i}].weight`, d.weight));
  const weights = destinations.map(d => d.weight);
  if (destinations.length === 1) {
    const weight = weights[0];
    if (weight !== undefined && weight !== 100) {
      fail(scope, `${field}[0].weight`, weight, 'the only destination of a route receives all of its traffic; set 100 or leave the weight out');
    }
    return;
  }
  const missing = weights.findIndex(w => w === undefined);
  if (missing >= 0) {
    fail(scope, `${field}[${missing}].weight`, undefined, 'when a route has several destinations, each needs a weight and the weights must add up to 100');
  }
  const total = (weights as number[]).reduce((a, b) => a + b, 0);
  if (total !== 100) {
    throw new Error(invalidMessage(scope, `${field} weights`, weights, `they add up to ${total}; they must add up to 100`));
  }
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
