import { renderGatewayNames, validateSourceLabelsApply } from './gateway-binding';
import { IGateway } from './gateway-ref';
import { MatchContext, StringMatchRules } from './route-context';
import { StringMatch } from './string-match';
import { check, compact, fail, validateDnsLabel, validateLabels, validatePort } from '../core/validation';

/**
 * Conditions an HTTP request must meet for a route to apply. All conditions of one match
 * must hold (AND); a route with several matches applies when any of them holds (OR).
 *
 * @example
 * { uri: StringMatch.prefix('/api/v1/products') }
 * { headers: { 'end-user': StringMatch.exact('jason') } }
 */
export interface HttpMatch {
  /**
   * A name for the match, appended to the route's name in access logs.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * The request path (without the query string).
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * Whether `uri` is compared case-insensitively (exact and prefix only).
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * The URI scheme (`http`, `https`).
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * The HTTP method (`GET`, `POST`, ...).
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * The HTTP authority (the `Host` header).
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Request headers that must match, by lowercase header name. `StringMatch.present()` only
   * requires the header to be present. On a VirtualService bound only to gateways, a key may
   * be a JWT claim: `@request.auth.claims.groups`.
   *
   * @default - no header conditions
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Request headers that must NOT match (the opposite of `headers`).
   *
   * @default - no header exclusions
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Query parameters that must match. `StringMatch.exact('')` matches a parameter without a
   * value (`?debug`). Prefix matching is not supported.
   *
   * @default - no query-parameter conditions
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * The port the request is addressed to.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling workload must carry. Sidecars only: the match's gateways (or else the
   * VirtualService's) must include the mesh.
   *
   * @default - any caller
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * The namespace of the calling workload.
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * The gateways this match applies to, overriding the VirtualService's `gateways`.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: IGateway[];

  /**
   * A prefix for the statistics Envoy emits for this route (`route.<statPrefix>.*`).
   *
   * @default - no per-route statistics
   */
  readonly statPrefix?: string;
}

const HEADER_NAME = /^[-_a-z0-9]+$/;
const JWT_CLAIM = /^@request\.auth\.claims((\.[^.[\]]+)+|(\[[^[\]]+\])+)$/;
const RESERVED_HEADER_KEYS = ['uri', 'scheme', 'method', 'authority'];

function renderMap(
  ctx: MatchContext, field: string, map: { [name: string]: StringMatch } | undefined, rules: StringMatchRules, isHeader: boolean,
): Record<string, any> | undefined {
  if (map === undefined) return undefined;
  const out: Record<string, any> = {};
  for (const key of Object.keys(map).sort()) {
    const keyField = `${field}[${JSON.stringify(key)}]`;
    if (isHeader) {
      if (key.startsWith('@')) {
        check(JWT_CLAIM.test(key), ctx.scope, field, key, 'a JWT claim key has the form "@request.auth.claims.<name>" or "@request.auth.claims[<name>]"');
        check(!ctx.meshBound, ctx.scope, field, key, 'JWT claim routing is only supported on a VirtualService bound only to gateways (not the mesh)');
      } else {
        check(HEADER_NAME.test(key), ctx.scope, field, key, 'a header name must be lowercase [a-z0-9-_], e.g. "x-request-id"');
        check(!RESERVED_HEADER_KEYS.includes(key), ctx.scope, field, key, `Istio ignores the header key "${key}"; use the match's "${key}" field instead`);
      }
    } else {
      check(key !== '', ctx.scope, field, key, 'a query parameter name must not be empty');
    }
    out[key] = map[key]._render(ctx.scope, keyField, rules);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Validates and renders an Istio `HTTPMatchRequest`. Internal.
 */
export function renderHttpMatch(ctx: MatchContext, field: string, match: HttpMatch): any {
  const { scope } = ctx;
  const conditions = ['uri', 'scheme', 'method', 'authority', 'headers', 'withoutHeaders', 'queryParams', 'port',
    'sourceLabels', 'sourceNamespace', 'gateways'] as const;
  const isEmpty = (key: typeof conditions[number]) => {
    const value = (match as any)[key];
    return value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);
  };
  if (conditions.every(isEmpty)) {
    fail(scope, field, match.name ?? {}, 'a match needs at least one condition; to match every request, leave out the match');
  }
  if (match.ignoreUriCase !== undefined && match.uri === undefined) {
    fail(scope, `${field}.ignoreUriCase`, match.ignoreUriCase, 'only applies together with uri');
  }
  validatePort(scope, `${field}.port`, match.port);
  validateLabels(scope, `${field}.sourceLabels`, match.sourceLabels);
  validateSourceLabelsApply(ctx, field, match);
  validateDnsLabel(scope, `${field}.sourceNamespace`, match.sourceNamespace);
  if (match.statPrefix !== undefined) {
    check(match.statPrefix !== '', scope, `${field}.statPrefix`, match.statPrefix, 'must not be empty');
  }
  return compact({
    name: match.name,
    uri: match.uri?._render(scope, `${field}.uri`, { allowEmptyPrefix: true }),
    scheme: match.scheme?._render(scope, `${field}.scheme`),
    method: match.method?._render(scope, `${field}.method`),
    authority: match.authority?._render(scope, `${field}.authority`),
    headers: renderMap(ctx, `${field}.headers`, match.headers, { allowPresent: true }, true),
    withoutHeaders: renderMap(ctx, `${field}.withoutHeaders`, match.withoutHeaders, { allowPresent: true }, true),
    queryParams: renderMap(ctx, `${field}.queryParams`, match.queryParams, { noPrefix: true }, false),
    port: match.port,
    sourceLabels: match.sourceLabels && Object.keys(match.sourceLabels).length > 0 ? { ...match.sourceLabels } : undefined,
    sourceNamespace: match.sourceNamespace,
    gateways: renderGatewayNames(scope, `${field}.gateways`, match.gateways, ctx.namespace),
    ignoreUriCase: match.ignoreUriCase,
    statPrefix: match.statPrefix,
  });
}
