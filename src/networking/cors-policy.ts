import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { StringMatch } from './string-match';
import { assertUnique, check, compact, fail, validateDuration } from '../core/validation';

/**
 * An HTTP method a CORS policy can allow.
 */
export enum HttpMethod {
  /** GET */
  GET = 'GET',
  /** HEAD */
  HEAD = 'HEAD',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** PATCH */
  PATCH = 'PATCH',
  /** DELETE */
  DELETE = 'DELETE',
  /** CONNECT */
  CONNECT = 'CONNECT',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
  /** TRACE */
  TRACE = 'TRACE',
}

/**
 * What the proxy does with a CORS preflight request whose origin no policy allows.
 */
export enum UnmatchedPreflights {
  /** Forward it to the upstream service. */
  FORWARD = 'FORWARD',
  /** Answer it at the proxy without CORS headers; the upstream never sees it. */
  IGNORE = 'IGNORE',
}

/**
 * A Cross-Origin Resource Sharing (CORS) policy, answered by the proxy.
 *
 * @example
 * {
 *   allowOrigins: [StringMatch.exact('https://example.com')],
 *   allowMethods: [HttpMethod.GET, HttpMethod.POST],
 *   maxAge: Duration.days(1),
 * }
 */
export interface CorsPolicy {
  /**
   * Origins allowed to make cross-origin requests. A request from an origin that matches none
   * gets no CORS headers. (Istio's deprecated string list `allowOrigin` is not offered.)
   */
  readonly allowOrigins: StringMatch[];

  /**
   * Methods allowed (`Access-Control-Allow-Methods`).
   *
   * @default - none
   */
  readonly allowMethods?: HttpMethod[];

  /**
   * Request headers allowed (`Access-Control-Allow-Headers`); `*` allows any.
   *
   * @default - none
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers browsers may read (`Access-Control-Expose-Headers`); `*` exposes all.
   *
   * @default - none
   */
  readonly exposeHeaders?: string[];

  /**
   * How long browsers may cache the preflight answer (`Access-Control-Max-Age`), in whole
   * seconds.
   *
   * @default - not cached
   */
  readonly maxAge?: Duration;

  /**
   * Whether the actual request may carry credentials (`Access-Control-Allow-Credentials`).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * What to do with preflight requests from origins that are not allowed.
   *
   * @default UnmatchedPreflights.FORWARD
   */
  readonly unmatchedPreflights?: UnmatchedPreflights;
}

const CORS_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

function validateHeaderList(scope: IConstruct, field: string, names: readonly string[] | undefined): void {
  (names ?? []).forEach((name, i) => {
    check(name === '*' || CORS_HEADER_NAME.test(name), scope, `${field}[${i}]`, name, 'must be "*" or an HTTP header name of [A-Za-z0-9-_]');
  });
  assertUnique(scope, field, names ?? [], name => name.toLowerCase());
}

/**
 * Validates and renders an Istio `CorsPolicy`. Internal.
 */
export function renderCorsPolicy(scope: IConstruct, field: string, policy: CorsPolicy | undefined): any {
  if (policy === undefined) return undefined;
  if (policy.allowOrigins.length === 0) {
    fail(scope, `${field}.allowOrigins`, [], 'must list at least one origin; without one the policy allows nothing');
  }
  const allowOrigins = policy.allowOrigins.map((origin, i) => {
    const rendered = origin._render(scope, `${field}.allowOrigins[${i}]`);
    const value = rendered.exact ?? rendered.prefix ?? rendered.regex;
    check(value !== '', scope, `${field}.allowOrigins[${i}]`, value, 'must not be empty');
    return rendered;
  });
  const methods = Object.values(HttpMethod) as string[];
  (policy.allowMethods ?? []).forEach((method, i) => {
    check(methods.includes(method), scope, `${field}.allowMethods[${i}]`, method, `must be one of ${methods.join(', ')}`);
  });
  assertUnique(scope, `${field}.allowMethods`, policy.allowMethods ?? [], m => m);
  validateHeaderList(scope, `${field}.allowHeaders`, policy.allowHeaders);
  validateHeaderList(scope, `${field}.exposeHeaders`, policy.exposeHeaders);
  let maxAge: string | undefined;
  if (policy.maxAge !== undefined) {
    validateDuration(scope, `${field}.maxAge`, policy.maxAge, 1000);
    const ms = policy.maxAge.toMilliseconds({ integral: false });
    check(ms % 1000 === 0, scope, `${field}.maxAge`, policy.maxAge, 'must be a whole number of seconds');
    maxAge = `${ms / 1000}s`;
  }
  const values = Object.values(UnmatchedPreflights) as string[];
  if (policy.unmatchedPreflights !== undefined) {
    check(values.includes(policy.unmatchedPreflights), scope, `${field}.unmatchedPreflights`, policy.unmatchedPreflights,
      `must be one of ${values.join(', ')}`);
  }
  return compact({
    allowOrigins,
    allowMethods: policy.allowMethods && policy.allowMethods.length > 0 ? [...policy.allowMethods] : undefined,
    allowHeaders: policy.allowHeaders && policy.allowHeaders.length > 0 ? [...policy.allowHeaders] : undefined,
    exposeHeaders: policy.exposeHeaders && policy.exposeHeaders.length > 0 ? [...policy.exposeHeaders] : undefined,
    maxAge,
    allowCredentials: policy.allowCredentials,
    unmatchedPreflights: policy.unmatchedPreflights,
  });
}
