import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRouteFilter } from './http-filter';
import { BackendRef } from './references';
import { HostnameRouteProps, Route } from './route-base';
import { renderGatewayDuration, validateCount, validateEnum, validateHeaderName, validateLength, validateSectionName, validateUniqueKeys } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, fail } from '../core/validation';

/** How a path, header or query parameter value is compared. */
enum MatchType {
  EXACT = 'Exact',
  PATH_PREFIX = 'PathPrefix',
  REGULAR_EXPRESSION = 'RegularExpression',
}

const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** A match on the request path. */
export class HttpPathMatch {
  /** The path exactly (`/productpage`). */
  public static exact(path: string): HttpPathMatch {
    return new HttpPathMatch(MatchType.EXACT, path);
  }

  /** Paths that start with these path segments (`/api` matches `/api` and `/api/v1`, not `/apis`). */
  public static pathPrefix(prefix: string): HttpPathMatch {
    return new HttpPathMatch(MatchType.PATH_PREFIX, prefix);
  }

  /** Paths matching a regular expression (RE2 in Istio). */
  public static regularExpression(regex: string): HttpPathMatch {
    return new HttpPathMatch(MatchType.REGULAR_EXPRESSION, regex);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    /** @internal */ public readonly _value: string,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): Record<string, string> {
    const v = this._value;
    check(typeof v === 'string' && v.length <= 1024, scope, `${field}.value`, v, 'must be a string of at most 1024 characters');
    if (this._type !== MatchType.REGULAR_EXPRESSION) {
      const bad = (cond: boolean, expected: string) => check(!cond, scope, `${field}.value`, v, expected);
      bad(!v.startsWith('/'), 'must be an absolute path starting with "/"');
      bad(v.includes('//'), 'must not contain "//"');
      bad(v.includes('/./'), 'must not contain "/./"');
      bad(v.includes('/../'), 'must not contain "/../"');
      bad(v.includes('%2f') || v.includes('%2F'), 'must not contain an encoded "/" (%2f)');
      bad(v.includes('#'), 'must not contain "#"');
      bad(v.endsWith('/..') || v.endsWith('/.'), 'must not end with "/." or "/.."');
      bad(!PATH_CHARS.test(v), 'may only contain the characters of an RFC 3986 path and %-encoded octets');
    }
    return { type: this._type, value: v };
  }
}

/** A match on a header (HTTPRoute and GRPCRoute). */
export class HttpHeaderMatch {
  /** The header has exactly this value. */
  public static exact(name: string, value: string): HttpHeaderMatch {
    return new HttpHeaderMatch(MatchType.EXACT, name, value);
  }

  /** The header's value matches a regular expression. */
  public static regularExpression(name: string, regex: string): HttpHeaderMatch {
    return new HttpHeaderMatch(MatchType.REGULAR_EXPRESSION, name, regex);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    /** @internal */ public readonly _name: string,
    /** @internal */ public readonly _value: string,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string, maxValue = 4096): Record<string, string> {
    validateHeaderName(scope, `${field}.name`, this._name);
    validateLength(scope, `${field}.value`, this._value, 1, maxValue);
    return this._type === MatchType.EXACT ? { name: this._name, value: this._value } : { name: this._name, type: this._type, value: this._value };
  }
}

/** A match on a query parameter. */
export class HttpQueryParamMatch {
  /** The parameter has exactly this value. */
  public static exact(name: string, value: string): HttpQueryParamMatch {
    return new HttpQueryParamMatch(MatchType.EXACT, name, value);
  }

  /** The parameter's value matches a regular expression. */
  public static regularExpression(name: string, regex: string): HttpQueryParamMatch {
    return new HttpQueryParamMatch(MatchType.REGULAR_EXPRESSION, name, regex);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    /** @internal */ public readonly _name: string,
    /** @internal */ public readonly _value: string,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): Record<string, string> {
    validateHeaderName(scope, `${field}.name`, this._name);
    validateLength(scope, `${field}.value`, this._value, 1, 1024);
    return this._type === MatchType.EXACT ? { name: this._name, value: this._value } : { name: this._name, type: this._type, value: this._value };
  }
}

/** HTTP request methods. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  CONNECT = 'CONNECT',
  OPTIONS = 'OPTIONS',
  TRACE = 'TRACE',
  PATCH = 'PATCH',
}

/** Conditions a request must all meet to match (an HTTPRouteMatch). */
export interface HttpRouteMatch {
  /** The path. @default - any path (a `PathPrefix` of `/`) */
  readonly path?: HttpPathMatch;
  /** Headers, up to 16, with distinct names. @default - any headers */
  readonly headers?: HttpHeaderMatch[];
  /** Query parameters, up to 16, with distinct names. @default - any query */
  readonly queryParams?: HttpQueryParamMatch[];
  /** The method. @default - any method */
  readonly method?: HttpMethod;
}

/** Timeouts of an HTTPRoute rule. */
export interface HttpRouteTimeouts {
  /** For the whole request, retries included (0 disables). @default - the implementation's default (Istio: none) */
  readonly request?: Duration;
  /** For each request to a backend; at most `request`. @default - the implementation's default */
  readonly backendRequest?: Duration;
}

/** A rule of an HTTPRoute. */
export interface HttpRouteRuleOptions {
  /** The rule's name, for policies and status. @default - unnamed */
  readonly name?: string;
  /** Requests the rule applies to, up to 64 (any one may match). @default - every request (a `PathPrefix` of `/`) */
  readonly matches?: HttpRouteMatch[];
  /** Filters applied to matching requests, up to 16. @default - none */
  readonly filters?: HttpRouteFilter[];
  /** Where matching requests go, up to 16, weighted. @default - none: requests get a 500 (or the filter's redirect) */
  readonly backendRefs?: BackendRef[];
  /** Timeouts. @default - none */
  readonly timeouts?: HttpRouteTimeouts;
}

/** Properties of an HTTPRoute. */
export interface HttpRouteProps extends HostnameRouteProps {
  /** Rules, up to 16. More with `addRule()`. @default - none: one rule matching every path with no backend */
  readonly rules?: HttpRouteRuleOptions[];
}

/** The filter types HTTPRoute accepts. Internal. */
export const HTTP_FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'];

/**
 * A Gateway API HTTPRoute: routes HTTP requests from Gateways (ingress), or from the mesh to
 * a Service (GAMMA), to weighted backends.
 *
 * @example
 * const route = new HttpRoute(this, 'bookinfo', { hostnames: ['bookinfo.example.com'] });
 * route.addParent(gateway, { sectionName: 'http' });
 * route.addRule({
 *   matches: [{ path: HttpPathMatch.exact('/productpage') }],
 *   backendRefs: [BackendRef.fromService(productpage)],
 * });
 */
export class HttpRoute extends Route {
  /** @see https://gateway-api.sigs.k8s.io/api-types/httproute/ */
  public readonly resourceType = 'httproutes';
  protected readonly apiObject: ApiObject;
  private readonly rules: Array<Record<string, unknown>> = [];

  public constructor(scope: Construct, id: string, props: HttpRouteProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.HttpRoute(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const parent of props.parents ?? []) this.addParent(parent);
    for (const hostname of props.hostnames ?? []) this.addHostname(hostname);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  /** Adds a rule (rules are evaluated by the most specific match, not in order). */
  public addRule(rule: HttpRouteRuleOptions): void {
    const field = `rules[${this.rules.length}]`;
    check(this.rules.length < 16, this, 'rules', this.rules.length + 1, 'an HTTPRoute may have at most 16 rules');
    this.rules.push(renderHttpRule(this, field, rule ?? {}, this.metadata.namespace));
    const total = this.rules.reduce((n, r) => n + (Array.isArray(r.matches) ? r.matches.length : 1), 0);
    if (total > 128) {
      this.rules.pop();
      fail(this, `${field}.matches`, total, 'the rules of a route may have at most 128 matches in total');
    }
  }

  /** @internal */
  public _toKube(): k.HttpRouteSpec {
    const out: Record<string, unknown> = this._renderCommon();
    if (this.rules.length > 0) out.rules = this.rules;
    return out as k.HttpRouteSpec;
  }
}

function renderHttpRule(route: HttpRoute, field: string, rule: HttpRouteRuleOptions, ns: string | undefined): Record<string, unknown> {
  validateSectionName(route, `${field}.name`, rule.name);
  const rendered = rule.matches?.map((m, i) => renderHttpMatch(route, `${field}.matches[${i}]`, m ?? {}));
  const matches = rendered && rendered.length > 0 ? rendered : undefined; // none: the API server's default, a PathPrefix of "/"
  if (rule.matches) validateCount(route, `${field}.matches`, rule.matches, 64);
  const filters = rule.filters ? renderFilterList(route, `${field}.filters`, rule.filters, 'HTTPRoute', ns, HTTP_FILTER_TYPES) : undefined;
  const backendRefs = rule.backendRefs?.map((b, i) => {
    check(b instanceof BackendRef, route, `${field}.backendRefs[${i}]`, b, 'must be a BackendRef (BackendRef.fromService(), ...)');
    return b._render(route, `${field}.backendRefs[${i}]`, 'HTTPRoute', ns, true,
      (fs, f) => renderFilterList(route, f, fs, 'HTTPRoute', ns, HTTP_FILTER_TYPES));
  });
  if (rule.backendRefs) validateCount(route, `${field}.backendRefs`, rule.backendRefs, 16);
  if (backendRefs && backendRefs.length > 0 && (rule.filters ?? []).some(f => f._type === 'RequestRedirect')) {
    fail(route, `${field}.filters`, 'RequestRedirect', 'a RequestRedirect filter answers the request itself, so the rule cannot also have backendRefs');
  }
  const onePrefixMatch = (matches ?? [{ path: { type: 'PathPrefix' } }]).length === 1
    && ((matches?.[0] as any)?.path?.type ?? 'PathPrefix') === 'PathPrefix';
  const usesPrefixReplace = (fs: unknown[] | undefined, filter: 'requestRedirect' | 'urlRewrite') =>
    (fs ?? []).filter((f: any) => f[filter]?.path?.type === 'ReplacePrefixMatch').length === 1;
  for (const filter of ['requestRedirect', 'urlRewrite'] as const) {
    const inRule = usesPrefixReplace(filters, filter);
    const inBackends = (backendRefs ?? []).filter(b => usesPrefixReplace(b.filters as unknown[] | undefined, filter)).length === 1;
    if ((inRule || inBackends) && !onePrefixMatch) {
      fail(route, `${field}.matches`, rule.matches?.length ?? 0,
        `a ${filter === 'requestRedirect' ? 'RequestRedirect' : 'URLRewrite'} filter with replacePrefixMatch needs exactly one match, with a PathPrefix path`);
    }
  }
  let timeouts: Record<string, string> | undefined;
  if (rule.timeouts) {
    const request = renderGatewayDuration(route, `${field}.timeouts.request`, rule.timeouts.request);
    const backendRequest = renderGatewayDuration(route, `${field}.timeouts.backendRequest`, rule.timeouts.backendRequest);
    if (request !== undefined && backendRequest !== undefined && request !== '0s') {
      check(rule.timeouts.backendRequest!.toMilliseconds() <= rule.timeouts.request!.toMilliseconds(), route, `${field}.timeouts.backendRequest`,
        rule.timeouts.backendRequest, `must not be longer than the request timeout (${request})`);
    }
    timeouts = {};
    if (request !== undefined) timeouts.request = request;
    if (backendRequest !== undefined) timeouts.backendRequest = backendRequest;
  }
  const out: Record<string, unknown> = {};
  if (rule.name !== undefined) out.name = rule.name;
  if (matches && matches.length > 0) out.matches = matches;
  if (filters && filters.length > 0) out.filters = filters;
  if (backendRefs && backendRefs.length > 0) out.backendRefs = backendRefs;
  if (timeouts) out.timeouts = timeouts;
  return out;
}

function renderHttpMatch(route: HttpRoute, field: string, m: HttpRouteMatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.path !== undefined) {
    check(m.path instanceof HttpPathMatch, route, `${field}.path`, m.path, 'must be an HttpPathMatch (HttpPathMatch.exact(), ...)');
    out.path = m.path._render(route, `${field}.path`);
  }
  if (m.headers !== undefined) {
    validateCount(route, `${field}.headers`, m.headers, 16);
    out.headers = m.headers.map((h, i) => h._render(route, `${field}.headers[${i}]`));
    validateUniqueKeys(route, `${field}.headers`, m.headers.map(h => h._name), 'header name');
  }
  if (m.queryParams !== undefined) {
    validateCount(route, `${field}.queryParams`, m.queryParams, 16);
    out.queryParams = m.queryParams.map((q, i) => q._render(route, `${field}.queryParams[${i}]`));
    validateUniqueKeys(route, `${field}.queryParams`, m.queryParams.map(q => q._name), 'query parameter name');
  }
  validateEnum(route, `${field}.method`, m.method, Object.values(HttpMethod));
  if (m.method !== undefined) out.method = m.method;
  return out;
}

/** Validates and renders a list of filters (of a rule or a backend) with the CRD's list rules. Internal. */
export function renderFilterList(owner: Construct, field: string, filters: readonly HttpRouteFilter[],
  kind: string, ns: string | undefined, allowed: readonly string[]): Array<Record<string, unknown>> {
  validateCount(owner, field, filters, 16);
  const rendered = filters.map((f, i) => {
    check(f instanceof HttpRouteFilter, owner, `${field}[${i}]`, f, 'must be an HttpRouteFilter (HttpRouteFilter.requestHeaderModifier(), ...)');
    return f._render(owner, `${field}[${i}]`, kind, ns, allowed);
  });
  const types = filters.map(f => f._type);
  for (const once of ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite']) {
    const idx = types.map((t, i) => (t === once ? i : -1)).filter(i => i >= 0);
    if (idx.length > 1) fail(owner, `${field}[${idx[1]}].type`, once, `${field}[${idx[0]}] is already a ${once} filter; it cannot be repeated`);
  }
  if (types.includes('RequestRedirect') && types.includes('URLRewrite')) {
    fail(owner, field, types, 'a RequestRedirect and a URLRewrite filter cannot be combined');
  }
  return rendered;
}
