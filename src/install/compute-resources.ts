import { IConstruct } from 'constructs';
import { check, compact, fail } from '../core/validation';

/**
 * CPU and memory amounts as Kubernetes quantities: `100m` or `2` CPUs, `128Mi` or `1Gi` of memory.
 */
export interface ResourceQuantities {
  /**
   * CPU, in cores (`2`, `0.5`) or millicores (`100m`).
   *
   * @default - not set
   */
  readonly cpu?: string;

  /**
   * Memory, in bytes with an optional binary (`Ki`, `Mi`, `Gi`) or decimal (`k`, `M`, `G`) suffix.
   *
   * @default - not set
   */
  readonly memory?: string;
}

/**
 * What a container requests from the scheduler and the most it may use.
 */
export interface ComputeResources {
  /**
   * Reserved for the container when it is scheduled.
   *
   * @default - no requests
   */
  readonly requests?: ResourceQuantities;

  /**
   * The most the container may use.
   *
   * @default - no limits
   */
  readonly limits?: ResourceQuantities;
}

const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?\d+)?$/;

const BINARY_SUFFIXES = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'];
const MULTIPLIERS: Record<string, number> = Object.fromEntries([
  ...BINARY_SUFFIXES.map((suffix, i) => [suffix, 2 ** (10 * (i + 1))]),
  ...DECIMAL_SUFFIXES.map((suffix, i) => [suffix, 10 ** (3 * (i - 3))]),
]);

/**
 * Parses a Kubernetes quantity to a number, or `undefined` when it is not one.
 * Negative quantities are rejected: no compute resource can be negative.
 */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[3] ?? '';
  if (/^[eE]/.test(suffix)) return value * 10 ** Number(suffix.slice(1));
  return value * MULTIPLIERS[suffix];
}

/** Throws unless `quantity` is a non-negative Kubernetes quantity. */
export function validateQuantity(scope: IConstruct | undefined, field: string, quantity: string | undefined): void {
  if (quantity === undefined) return;
  check(typeof quantity === 'string' && parseQuantity(quantity) !== undefined, scope, field, quantity,
    'must be a Kubernetes quantity such as "100m", "2", "128Mi" or "1Gi"');
}

/**
 * Validates requests and limits, and that no request exceeds its limit (the API server
 * rejects such a pod).
 */
export function validateComputeResources(scope: IConstruct | undefined, field: string, resources: ComputeResources | undefined): void {
  if (resources === undefined) return;
  for (const kind of ['requests', 'limits'] as const) {
    validateQuantity(scope, `${field}.${kind}.cpu`, resources[kind]?.cpu);
    validateQuantity(scope, `${field}.${kind}.memory`, resources[kind]?.memory);
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = resources.requests?.[resource];
    const limit = resources.limits?.[resource];
    if (request !== undefined && limit !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
      fail(scope, `${field}.requests.${resource}`, request, `must not exceed the limit ${JSON.stringify(limit)}`);
    }
  }
}

/** The Kubernetes `resources` of a container, without unset fields. */
export function renderComputeResources(resources: ComputeResources | undefined): Record<string, Record<string, string>> | undefined {
  if (resources === undefined) return undefined;
  const out = compact({
    limits: resources.limits ? compact({ cpu: resources.limits.cpu, memory: resources.limits.memory }) : undefined,
    requests: resources.requests ? compact({ cpu: resources.requests.cpu, memory: resources.requests.memory }) : undefined,
  });
  return Object.keys(out).length > 0 ? out as Record<string, Record<string, string>> : undefined;
}
