import { Construct } from 'constructs';
import type { BackendRef } from './references';
import {
  validateCount, validateEnum, validateGroup, validateHeaderName, validateHostname, validateInt, validateKind,
  validateLength, validateObjectName, validateUniqueKeys,
} from './validation';
import { check, fail } from '../core/validation';

/** Header changes: `set` replaces, `add` appends, `remove` deletes (up to 16 each). */
export interface HeaderModifierOptions {
  /** Headers to set, replacing any value they had. @default - none */
  readonly set?: Record<string, string>;
  /** Headers to add to any values they already have. @default - none */
  readonly add?: Record<string, string>;
  /** Names of headers to remove. @default - none */
  readonly remove?: string[];
}

/** The path of a redirect or rewrite. */
export class HttpPathModifier {
  /** Replaces the whole path. */
  public static replaceFullPath(path: string): HttpPathModifier {
    return new HttpPathModifier('ReplaceFullPath', path);
  }

  /**
   * Replaces the part of the path the rule's `PathPrefix` match matched (the rule must have
   * exactly one match, a path prefix).
   */
  public static replacePrefixMatch(prefix: string): HttpPathModifier {
    return new HttpPathModifier('ReplacePrefixMatch', prefix);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    /** @internal */ public readonly _value: string,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): Record<string, string> {
    validateLength(scope, field, this._value, 0, 1024);
    return this._type === 'ReplaceFullPath'
      ? { type: 'ReplaceFullPath', replaceFullPath: this._value }
      : { type: 'ReplacePrefixMatch', replacePrefixMatch: this._value };
  }
}

/** The scheme of a redirect. */
export enum HttpRedirectScheme {
  HTTP = 'http',
  HTTPS = 'https',
}

/** The status code of a redirect. */
export enum HttpRedirectStatusCode {
  MOVED_PERMANENTLY = 301,
  FOUND = 302,
  SEE_OTHER = 303,
  TEMPORARY_REDIRECT = 307,
  PERMANENT_REDIRECT = 308,
}

/** Options of a `RequestRedirect` filter. */
export interface RequestRedirectOptions {
  /** The scheme of the `Location` header. @default - the request's scheme */
  readonly scheme?: HttpRedirectScheme;
  /** The host name of the `Location` header. @default - the request's host */
  readonly hostname?: string;
  /** The path of the `Location` header. @default - the request's path */
  readonly path?: HttpPathModifier;
  /** The port of the `Location` header. @default - the scheme's default port, or the listener's */
  readonly port?: number;
  /** The response status code. @default HttpRedirectStatusCode.FOUND (302) */
  readonly statusCode?: HttpRedirectStatusCode;
}

/** Options of a `URLRewrite` filter. */
export interface UrlRewriteOptions {
  /** Replaces the `Host` header. @default - unchanged */
  readonly hostname?: string;
  /** Rewrites the path. @default - unchanged */
  readonly path?: HttpPathModifier;
}

/** The share of requests a `RequestMirror` filter mirrors, as a fraction. */
export interface MirrorFraction {
  /** Requests mirrored out of every `denominator`. */
  readonly numerator: number;
  /** @default 100 */
  readonly denominator?: number;
}

/** Options of a `RequestMirror` filter. */
export interface RequestMirrorOptions {
  /** The percentage of requests mirrored, 0 to 100. Not with `fraction`. @default - all requests */
  readonly percent?: number;
  /** The share of requests mirrored, as a fraction. Not with `percent`. @default - all requests */
  readonly fraction?: MirrorFraction;
}

/** HTTP methods a CORS policy allows. */
export enum CorsMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  CONNECT = 'CONNECT',
  OPTIONS = 'OPTIONS',
  TRACE = 'TRACE',
  PATCH = 'PATCH',
  /** Any method. Alone only. */
  ALL = '*',
}

/** Options of a `CORS` filter. */
export interface CorsOptions {
  /** Origins allowed: `*`, or `http(s)://host[:port]` with an optional `*.` wildcard host. @default - none */
  readonly allowOrigins?: string[];
  /** Whether credentials may be sent. @default - not set (false) */
  readonly allowCredentials?: boolean;
  /** Methods allowed. @default - none */
  readonly allowMethods?: CorsMethod[];
  /** Request headers allowed (`*` alone for any). @default - none */
  readonly allowHeaders?: string[];
  /** Response headers exposed to the page. @default - none */
  readonly exposeHeaders?: string[];
  /** How long, in seconds, the preflight response may be cached (at least 1). @default 5 */
  readonly maxAge?: number;
}

/** A reference to an implementation-specific filter. */
export interface ExtensionRefOptions {
  /** The API group of the filter resource. */
  readonly group: string;
  /** The kind of the filter resource. */
  readonly kind: string;
  /** The name of the filter resource. */
  readonly name: string;
}

const ORIGIN = /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/;

/**
 * A filter of an HTTPRoute or GRPCRoute rule (or of one backend): header changes, redirects,
 * rewrites, mirroring, CORS, or an implementation-specific extension. GRPCRoute accepts the
 * header modifiers, `requestMirror` and `extensionRef`.
 */
export class HttpRouteFilter {
  /** Changes request headers. */
  public static requestHeaderModifier(options: HeaderModifierOptions): HttpRouteFilter {
    return new HttpRouteFilter('RequestHeaderModifier', options);
  }

  /** Changes response headers. */
  public static responseHeaderModifier(options: HeaderModifierOptions): HttpRouteFilter {
    return new HttpRouteFilter('ResponseHeaderModifier', options);
  }

  /** Answers with a redirect (a rule with a redirect has no backends). */
  public static requestRedirect(options: RequestRedirectOptions): HttpRouteFilter {
    return new HttpRouteFilter('RequestRedirect', options);
  }

  /** Rewrites the host or path before forwarding. */
  public static urlRewrite(options: UrlRewriteOptions): HttpRouteFilter {
    return new HttpRouteFilter('URLRewrite', options);
  }

  /** Sends a copy of requests to another backend, ignoring its responses. */
  public static requestMirror(backend: BackendRef, options: RequestMirrorOptions = {}): HttpRouteFilter {
    return new HttpRouteFilter('RequestMirror', options, backend);
  }

  /** Answers CORS preflight requests and adds CORS response headers. */
  public static cors(options: CorsOptions): HttpRouteFilter {
    return new HttpRouteFilter('CORS', options);
  }

  /** An implementation-specific filter resource. */
  public static extensionRef(options: ExtensionRefOptions): HttpRouteFilter {
    return new HttpRouteFilter('ExtensionRef', options);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    private readonly options: any,
    private readonly mirrorBackend?: BackendRef,
  ) {}

  /**
   * Validates and renders the filter. `allowed` lists the filter types the kind accepts.
   * @internal
   */
  public _render(owner: Construct, field: string, fromKind: string, fromNamespace: string | undefined,
    allowed: readonly string[]): Record<string, unknown> {
    check(allowed.includes(this._type), owner, `${field}.type`, this._type, `${fromKind} filters must be one of ${allowed.join(', ')}`);
    const o = this.options ?? {};
    switch (this._type) {
      case 'RequestHeaderModifier':
        return { type: this._type, requestHeaderModifier: renderHeaderModifier(owner, `${field}.requestHeaderModifier`, o) };
      case 'ResponseHeaderModifier':
        return { type: this._type, responseHeaderModifier: renderHeaderModifier(owner, `${field}.responseHeaderModifier`, o) };
      case 'RequestRedirect':
        return { type: this._type, requestRedirect: renderRedirect(owner, `${field}.requestRedirect`, o) };
      case 'URLRewrite': {
        const f = `${field}.urlRewrite`;
        validateHostname(owner, `${f}.hostname`, o.hostname, false);
        return { type: this._type, urlRewrite: compactObject({ hostname: o.hostname, path: o.path?._render(owner, `${f}.path`) }) };
      }
      case 'RequestMirror':
        return { type: this._type, requestMirror: this.renderMirror(owner, `${field}.requestMirror`, fromKind, fromNamespace) };
      case 'CORS':
        return { type: this._type, cors: renderCors(owner, `${field}.cors`, o) };
      default: {
        const f = `${field}.extensionRef`;
        validateGroup(owner, `${f}.group`, o.group);
        check(typeof o.group === 'string', owner, `${f}.group`, o.group, 'is required');
        validateKind(owner, `${f}.kind`, o.kind);
        validateObjectName(owner, `${f}.name`, o.name);
        return { type: this._type, extensionRef: { group: o.group, kind: o.kind, name: o.name } };
      }
    }
  }

  private renderMirror(owner: Construct, field: string, fromKind: string, fromNamespace: string | undefined): Record<string, unknown> {
    const o: RequestMirrorOptions = this.options ?? {};
    check(!(o.percent !== undefined && o.fraction !== undefined), owner, field, { percent: o.percent, fraction: o.fraction },
      'set either percent or fraction, not both');
    validateInt(owner, `${field}.percent`, o.percent, 0, 100);
    if (o.fraction !== undefined) {
      validateInt(owner, `${field}.fraction.numerator`, o.fraction.numerator, 0, 2 ** 31 - 1);
      check(o.fraction.numerator !== undefined, owner, `${field}.fraction.numerator`, undefined, 'is required');
      validateInt(owner, `${field}.fraction.denominator`, o.fraction.denominator, 1, 2 ** 31 - 1);
      check(o.fraction.numerator <= (o.fraction.denominator ?? 100), owner, `${field}.fraction`, o.fraction,
        'numerator must be less than or equal to denominator');
    }
    check(this.mirrorBackend !== undefined, owner, `${field}.backendRef`, undefined, 'is required');
    const backendRef = this.mirrorBackend!._render(owner, `${field}.backendRef`, fromKind, fromNamespace, false, undefined, false);
    return compactObject({
      backendRef,
      percent: o.percent,
      fraction: o.fraction === undefined ? undefined : compactObject({ numerator: o.fraction.numerator, denominator: o.fraction.denominator }),
    });
  }
}

function renderHeaderModifier(owner: Construct, field: string, o: HeaderModifierOptions): Record<string, unknown> {
  const entries = (name: 'set' | 'add') => {
    const map = o[name];
    if (map === undefined) return undefined;
    const list = Object.entries(map);
    validateCount(owner, `${field}.${name}`, list, 16);
    list.forEach(([key, value], i) => {
      validateHeaderName(owner, `${field}.${name}[${i}].name`, key);
      validateLength(owner, `${field}.${name}[${i}].value`, value, 1, 4096);
    });
    return list.map(([key, value]) => ({ name: key, value }));
  };
  const remove = o.remove;
  if (remove !== undefined) {
    validateCount(owner, `${field}.remove`, remove, 16);
    remove.forEach((name, i) => check(typeof name === 'string', owner, `${field}.remove[${i}]`, name, 'must be a header name'));
    validateUniqueKeys(owner, `${field}.remove`, remove, 'header name');
  }
  return compactObject({ set: entries('set'), add: entries('add'), remove: remove ? [...remove] : undefined });
}

function renderRedirect(owner: Construct, field: string, o: RequestRedirectOptions): Record<string, unknown> {
  validateEnum(owner, `${field}.scheme`, o.scheme, Object.values(HttpRedirectScheme));
  validateHostname(owner, `${field}.hostname`, o.hostname, false);
  validateInt(owner, `${field}.port`, o.port, 1, 65535);
  if (o.statusCode !== undefined) {
    check([301, 302, 303, 307, 308].includes(o.statusCode), owner, `${field}.statusCode`, o.statusCode, 'must be one of 301, 302, 303, 307, 308');
  }
  return compactObject({
    scheme: o.scheme,
    hostname: o.hostname,
    path: o.path?._render(owner, `${field}.path`),
    port: o.port,
    statusCode: o.statusCode,
  });
}

function renderCors(owner: Construct, field: string, o: CorsOptions): Record<string, unknown> {
  const list = (name: string, items: readonly string[] | undefined, max: number, each: (v: string, f: string) => void) => {
    if (items === undefined) return undefined;
    validateCount(owner, `${field}.${name}`, items, max);
    items.forEach((v, i) => each(v, `${field}.${name}[${i}]`));
    validateUniqueKeys(owner, `${field}.${name}`, items, 'entry');
    if (items.includes('*') && items.length > 1) fail(owner, `${field}.${name}`, items, '"*" allows everything and cannot be combined with other entries');
    return [...items];
  };
  const origins = list('allowOrigins', o.allowOrigins, 64, (v, f) => {
    validateLength(owner, f, v, 1, 253);
    check(ORIGIN.test(v), owner, f, v, 'must be "*" or an origin such as "https://example.com", "https://*.example.com" or "http://localhost:8080"');
  });
  const methods = list('allowMethods', o.allowMethods, 9, (v, f) => validateEnum(owner, f, v, Object.values(CorsMethod)));
  const allowHeaders = list('allowHeaders', o.allowHeaders, 64, (v, f) => validateHeaderName(owner, f, v));
  const exposeHeaders = o.exposeHeaders === undefined ? undefined : (() => {
    validateCount(owner, `${field}.exposeHeaders`, o.exposeHeaders, 64);
    o.exposeHeaders.forEach((v, i) => validateHeaderName(owner, `${field}.exposeHeaders[${i}]`, v));
    validateUniqueKeys(owner, `${field}.exposeHeaders`, o.exposeHeaders, 'entry');
    return [...o.exposeHeaders];
  })();
  validateInt(owner, `${field}.maxAge`, o.maxAge, 1, 2 ** 31 - 1);
  return compactObject({
    allowOrigins: origins,
    allowCredentials: o.allowCredentials,
    allowMethods: methods,
    allowHeaders,
    exposeHeaders,
    maxAge: o.maxAge,
  });
}

/** Drops undefined values. Internal. */
export function compactObject<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== undefined) out[key] = value;
  return out as T;
}
