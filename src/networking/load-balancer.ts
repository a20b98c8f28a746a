import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { assertExclusive, renderPolicyDuration, validateUint32 } from './policy-validation';
import * as k from '../../imports/networking.istio.io';
import { check, compact, fail, nonEmpty, quote, validateEnum, validateInteger, validateLabelKey } from '../core/validation';

/**
 * A load-balancing algorithm that needs no parameters.
 */
export enum SimpleLoadBalancer {
  /** Let Istio choose (currently `LEAST_REQUEST`). */
  UNSPECIFIED = 'UNSPECIFIED',
  /**
   * Deprecated alias of `LEAST_REQUEST`.
   * @deprecated use LEAST_REQUEST
   */
  LEAST_CONN = 'LEAST_CONN',
  /** Pick one of two random healthy hosts, the one with fewer active requests. */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** Pick a random healthy host. */
  RANDOM = 'RANDOM',
  /** Forward to the address the caller asked for, without load balancing. */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Round robin over the healthy hosts. */
  ROUND_ROBIN = 'ROUND_ROBIN',
}

/**
 * What a consistent-hash load balancer hashes on to pick a host (session affinity).
 *
 * @example
 * HashKey.httpHeader('x-user');
 * HashKey.httpCookie('session', { ttl: Duration.hours(1) });
 */
export class HashKey {
  /** Hash on the value of an HTTP header. */
  public static httpHeader(name: string): HashKey {
    return new HashKey('httpHeaderName', name);
  }

  /** Hash on an HTTP cookie; Envoy generates the cookie when `ttl` is set and it is missing. */
  public static httpCookie(name: string, options: HttpCookieOptions = {}): HashKey {
    return new HashKey('httpCookie', name, options);
  }

  /** Hash on the source IP address (L4 session affinity). */
  public static sourceIp(): HashKey {
    return new HashKey('useSourceIp', true);
  }

  /** Hash on the value of an HTTP query parameter. */
  public static httpQueryParameter(name: string): HashKey {
    return new HashKey('httpQueryParameterName', name);
  }

  private constructor(
    private readonly kind: 'httpHeaderName' | 'httpCookie' | 'useSourceIp' | 'httpQueryParameterName',
    private readonly value: string | boolean,
    private readonly cookie?: HttpCookieOptions,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): k.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash {
    if (typeof this.value === 'string') {
      check(this.value.length > 0, scope, `${field}.${this.kind === 'httpCookie' ? 'httpCookie.name' : this.kind}`, this.value, 'must not be empty');
    }
    if (this.kind !== 'httpCookie') return { [this.kind]: this.value };
    const cookie = this.cookie ?? {};
    const attributes = Object.entries(cookie.attributes ?? {}).map(([name, value]) => {
      check(name.length > 0 && !/[\s;=]/.test(name), scope, `${field}.httpCookie.attributes`, name, 'an attribute name must be a non-empty token without spaces, ";" or "="');
      return compact({ name, value: value === '' ? undefined : value });
    });
    if (cookie.path !== undefined) {
      check(cookie.path.startsWith('/'), scope, `${field}.httpCookie.path`, cookie.path, 'must start with "/"');
    }
    return {
      httpCookie: compact({
        name: this.value as string,
        path: cookie.path,
        ttl: cookie.ttl === undefined ? undefined : renderCookieTtl(scope, `${field}.httpCookie.ttl`, cookie.ttl),
        attributes: nonEmpty(attributes),
      }),
    };
  }
}

/** A cookie TTL of 0s means a session cookie; anything else must be at least 1ms. */
function renderCookieTtl(scope: IConstruct, field: string, ttl: Duration): string {
  return ttl.toMilliseconds({ integral: false }) === 0 ? '0s' : renderPolicyDuration(scope, field, ttl)!;
}

/**
 * Options of a hashed HTTP cookie.
 */
export interface HttpCookieOptions {
  /**
   * Path of the cookie.
   *
   * @default - no path attribute
   */
  readonly path?: string;

  /**
   * Lifetime of the cookie. When set, Envoy generates the cookie if the request lacks it;
   * `Duration.seconds(0)` makes it a session cookie.
   *
   * @default - the cookie is not generated
   */
  readonly ttl?: Duration;

  /**
   * Extra cookie attributes (e.g. `{ SameSite: 'Strict', Secure: '' }`; an empty value
   * renders a bare attribute).
   *
   * @default - none
   */
  readonly attributes?: Record<string, string>;
}

/**
 * The consistent-hash algorithm: ring hash or Maglev.
 */
export class HashAlgorithm {
  /**
   * Ring hash (Ketama).
   * @param minimumRingSize minimum number of virtual nodes on the ring (Envoy's default 1024)
   */
  public static ringHash(minimumRingSize?: number): HashAlgorithm {
    return new HashAlgorithm('ringHash', minimumRingSize);
  }

  /**
   * Maglev: faster look-ups and a fixed table.
   * @param tableSize a prime number below 5000011 (Envoy's default 65537)
   */
  public static maglev(tableSize?: number): HashAlgorithm {
    return new HashAlgorithm('maglev', tableSize);
  }

  private constructor(private readonly kind: 'ringHash' | 'maglev', private readonly size?: number) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): k.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash {
    if (this.kind === 'ringHash') {
      validateUint32(scope, `${field}.ringHash.minimumRingSize`, this.size, 1);
      check(this.size === undefined || this.size <= 8388608, scope, `${field}.ringHash.minimumRingSize`, this.size, 'must be at most 8388608');
      return { ringHash: compact({ minimumRingSize: this.size }) };
    }
    const size = this.size ?? 65537;
    check(Number.isInteger(size) && size > 0 && size < 5000011 && isPrime(size), scope, `${field}.maglev.tableSize`, this.size,
      'must be a prime number below 5000011 (e.g. 65537, 131071)');
    return { maglev: { tableSize: size } };
  }
}

function isPrime(x: number): boolean {
  if (x < 4) return x > 1;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

/**
 * Options of a consistent-hash load balancer.
 */
export interface ConsistentHashOptions extends LoadBalancerOptions {
  /**
   * What to hash on.
   *
   * @default - no hash key: Envoy hashes on nothing request-specific
   */
  readonly key?: HashKey;

  /**
   * The hash algorithm.
   *
   * @default - ring hash with Envoy's default ring size
   */
  readonly algorithm?: HashAlgorithm;

  /**
   * Minimum ring size of the ring-hash algorithm.
   *
   * @deprecated use `algorithm: HashAlgorithm.ringHash(size)`
   * @default - Envoy's default (1024)
   */
  readonly minimumRingSize?: number;
}

/**
 * Traffic distribution from one locality to others (weights in percent, adding up to 100).
 */
export interface LocalityDistributionOptions {
  /**
   * Originating locality, `region/zone/subzone`, with an optional trailing `*` wildcard
   * (`us-west/zone1/*`).
   */
  readonly from: string;

  /**
   * Weight (1–100) per upstream locality, e.g. `{ 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 }`.
   */
  readonly to: Record<string, number>;
}

/**
 * Where traffic fails over to when the endpoints of a region become unhealthy.
 */
export interface LocalityFailoverOptions {
  /** The originating region. */
  readonly from: string;
  /** The region to fail over to. */
  readonly to: string;
}

/**
 * Locality-aware load balancing. Set at most one of `distribute` and `failover`.
 */
export interface LocalityLbSettingOptions {
  /**
   * Turn locality load balancing on or off for this destination.
   *
   * @default - the mesh-wide setting
   */
  readonly enabled?: boolean;

  /**
   * Explicit traffic weights per originating locality.
   *
   * @default - traffic stays in the caller's locality while it is healthy
   */
  readonly distribute?: LocalityDistributionOptions[];

  /**
   * Region-level failover order. Needs outlier detection on the same policy to take effect.
   *
   * @default - fail over to the nearest healthy locality
   */
  readonly failover?: LocalityFailoverOptions[];

  /**
   * Ordered labels (`key` or `key=value`) by which endpoints are prioritised for failover,
   * e.g. `['topology.istio.io/network', 'topology.kubernetes.io/region']`.
   *
   * @default - no label priority
   */
  readonly failoverPriority?: string[];
}

/**
 * Slow start: ramp traffic up gradually on new endpoints.
 */
export interface WarmupOptions {
  /** How long a new endpoint warms up (at least 1ms). */
  readonly duration: Duration;

  /**
   * Minimum share of traffic (0–100 %) a new endpoint gets at the start of the warm-up.
   *
   * @default 10
   */
  readonly minimumPercent?: number;

  /**
   * How aggressively traffic ramps up; 1 is linear, larger values are faster. Must be positive.
   *
   * @default 1
   */
  readonly aggression?: number;
}

/**
 * Options every load balancer accepts.
 */
export interface LoadBalancerOptions {
  /**
   * Locality-aware load balancing.
   *
   * @default - the mesh-wide locality settings
   */
  readonly localityLbSetting?: LocalityLbSettingOptions;

  /**
   * Slow start for new endpoints (`ROUND_ROBIN` and `LEAST_REQUEST` only).
   *
   * @default - no warm-up
   */
  readonly warmup?: WarmupOptions;

  /**
   * Warm-up duration (Istio's deprecated `warmupDurationSecs`). Cannot be combined with `warmup`.
   *
   * @deprecated use `warmup`
   * @default - no warm-up
   */
  readonly warmupDuration?: Duration;
}

const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/**
 * How requests are spread over the endpoints of a destination.
 *
 * @example
 * LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN);
 * LoadBalancer.consistentHash({ key: HashKey.httpCookie('user', { ttl: Duration.hours(1) }) });
 */
export class LoadBalancer {
  /** A simple algorithm: `ROUND_ROBIN`, `LEAST_REQUEST`, `RANDOM`, `PASSTHROUGH`. */
  public static simple(algorithm: SimpleLoadBalancer, options: LoadBalancerOptions = {}): LoadBalancer {
    return new LoadBalancer(options, algorithm);
  }

  /** Consistent hashing (session affinity) on a header, cookie, source IP or query parameter. */
  public static consistentHash(options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer(options, undefined, options);
  }

  /** Istio's default algorithm, with locality or warm-up settings. */
  public static withOptions(options: LoadBalancerOptions): LoadBalancer {
    return new LoadBalancer(options);
  }

  private constructor(
    private readonly options: LoadBalancerOptions,
    /** The simple algorithm, if any. */
    public readonly algorithm?: SimpleLoadBalancer,
    private readonly hash?: ConsistentHashOptions,
  ) {}

  /**
   * Validates and renders the Istio `LoadBalancerSettings`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): k.DestinationRuleSpecTrafficPolicyLoadBalancer {
    const o = this.options;
    validateEnum(scope, `${field}.simple`, this.algorithm, SimpleLoadBalancer);
    assertExclusive(scope, field, { warmup: o.warmup, warmupDuration: o.warmupDuration }, 'warmupDurationSecs is deprecated, use warmup');
    const warms = o.warmup !== undefined || o.warmupDuration !== undefined;
    const slowStartCapable = this.hash === undefined
      && this.algorithm !== SimpleLoadBalancer.RANDOM && this.algorithm !== SimpleLoadBalancer.PASSTHROUGH;
    if (warms && !slowStartCapable) {
      fail(scope, `${field}.warmup`, this.hash ? 'consistentHash' : this.algorithm,
        'warm-up only applies to ROUND_ROBIN and LEAST_REQUEST (or the default algorithm); Envoy ignores it otherwise');
    }
    return compact({
      simple: this.algorithm as string | undefined as k.DestinationRuleSpecTrafficPolicyLoadBalancerSimple | undefined,
      consistentHash: this.hash ? renderConsistentHash(scope, `${field}.consistentHash`, this.hash) : undefined,
      localityLbSetting: o.localityLbSetting ? renderLocality(scope, `${field}.localityLbSetting`, o.localityLbSetting) : undefined,
      warmup: o.warmup ? renderWarmup(scope, `${field}.warmup`, o.warmup) : undefined,
      warmupDurationSecs: renderPolicyDuration(scope, `${field}.warmupDurationSecs`, o.warmupDuration),
    });
  }
}

function renderConsistentHash(
  scope: IConstruct, field: string, hash: ConsistentHashOptions,
): k.DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash {
  if (hash.minimumRingSize !== undefined && hash.algorithm !== undefined) {
    fail(scope, `${field}.minimumRingSize`, hash.minimumRingSize, 'cannot be combined with algorithm; use HashAlgorithm.ringHash(minimumRingSize)');
  }
  validateUint32(scope, `${field}.minimumRingSize`, hash.minimumRingSize);
  return {
    ...hash.key?._render(scope, field),
    ...hash.algorithm?._render(scope, field),
    ...(hash.minimumRingSize !== undefined ? { minimumRingSize: hash.minimumRingSize } : {}),
  };
}

function renderWarmup(scope: IConstruct, field: string, warmup: WarmupOptions): k.DestinationRuleSpecTrafficPolicyLoadBalancerWarmup {
  check(warmup.minimumPercent === undefined || (Number.isFinite(warmup.minimumPercent) && warmup.minimumPercent >= 0 && warmup.minimumPercent <= 100),
    scope, `${field}.minimumPercent`, warmup.minimumPercent, 'must be a percentage from 0 to 100');
  check(warmup.aggression === undefined || (Number.isFinite(warmup.aggression) && warmup.aggression > 0),
    scope, `${field}.aggression`, warmup.aggression, 'must be a positive number (1 ramps up linearly)');
  return compact({
    duration: renderPolicyDuration(scope, `${field}.duration`, warmup.duration)!,
    minimumPercent: warmup.minimumPercent,
    aggression: warmup.aggression,
  });
}

function renderLocality(
  scope: IConstruct, field: string, lb: LocalityLbSettingOptions,
): k.DestinationRuleSpecTrafficPolicyLoadBalancerLocalityLbSetting {
  assertExclusive(scope, field, { distribute: lb.distribute, failover: lb.failover });
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  priority.forEach((entry, i) => {
    const [key, ...rest] = entry.split('=');
    validateLabelKey(scope, `${field}.failoverPriority[${i}]`, key);
    if (failover.length > 0 && rest.length === 0 && TOPOLOGY_LABELS.includes(key)) {
      fail(scope, `${field}.failoverPriority[${i}]`, entry, 'topology labels cannot be used together with failover; use one or the other');
    }
  });

  const sources: string[] = [];
  (lb.distribute ?? []).forEach((d, i) => {
    const at = `${field}.distribute[${i}]`;
    sources.push(d.from);
    const entries = Object.entries(d.to);
    check(entries.length > 0, scope, `${at}.to`, d.to, 'must name at least one locality');
    let total = 0;
    for (const [locality, weight] of entries) {
      validateInteger(scope, `${at}.to[${JSON.stringify(locality)}]`, weight, 1, 100);
      total += weight;
    }
    check(total === 100, scope, `${at}.to`, d.to, `weights add up to ${total}; they must add up to 100`);
    validateLocalities(scope, `${at}.to`, entries.map(([locality]) => locality));
  });
  validateLocalities(scope, `${field}.distribute[].from`, sources);

  failover.forEach((f, i) => {
    const at = `${field}.failover[${i}]`;
    for (const region of [f.from, f.to]) {
      check(region.length > 0 && !region.includes('/') && !region.includes('*'), scope, at, region,
        'failover names regions only: non-empty, without "/" or "*"');
    }
    check(f.from !== f.to, scope, at, f, 'must fail over to a different region');
  });

  return compact({
    enabled: lb.enabled,
    distribute: nonEmpty((lb.distribute ?? []).map(d => ({ from: d.from, to: { ...d.to } }))),
    failover: nonEmpty(failover.map(f => ({ from: f.from, to: f.to }))),
    failoverPriority: nonEmpty(priority),
  });
}

/** Localities are `region[/zone[/subzone]]`, may end in `*`, and may not overlap. */
function validateLocalities(scope: IConstruct, field: string, localities: string[]): void {
  const seen: string[][] = [];
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    check(stars === 0 || (stars === 1 && locality.endsWith('*')), scope, field, locality,
      'a locality has the form region/zone/subzone and may only end in a single "*" wildcard');
    const parts = locality.split('/');
    check(parts.length <= 3 && parts.every(p => p.length > 0), scope, field, locality,
      'a locality has the form region, region/zone or region/zone/subzone, without empty parts');
    const prefix = parts[parts.length - 1] === '*' ? parts.slice(0, -1) : parts;
    const overlap = seen.find(other => {
      const n = Math.min(other.length, prefix.length);
      return other.slice(0, n).every((p, i) => p === prefix[i]);
    });
    if (overlap) fail(scope, field, locality, `overlaps with ${quote(overlap.join('/') || '*')}; localities must be disjoint`);
    seen.push(prefix);
  }
}
