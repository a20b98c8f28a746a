import { IConstruct } from 'constructs';
import { check, compact, fail, validatePort } from '../core/validation';

/**
 * How a redirect sets the port of the new URL when no fixed `port` is given.
 */
export enum RedirectPort {
  /** 80 for `http`, 443 for `https`. */
  FROM_PROTOCOL_DEFAULT = 'FROM_PROTOCOL_DEFAULT',
  /** The port of the original request. */
  FROM_REQUEST_PORT = 'FROM_REQUEST_PORT',
}

/**
 * The scheme of a redirect's new URL.
 */
export enum RedirectScheme {
  /** http */
  HTTP = 'http',
  /** https */
  HTTPS = 'https',
}

/**
 * Answers the request with an HTTP redirect instead of forwarding it. At least one part of the
 * URL must change.
 *
 * @example
 * { uri: '/v1/bookRatings', authority: 'newratings.default.svc.cluster.local' }
 */
export interface HttpRedirect {
  /**
   * The new path. The query string is kept.
   *
   * @default - the original path
   */
  readonly uri?: string;

  /**
   * The new authority (host).
   *
   * @default - the original authority
   */
  readonly authority?: string;

  /**
   * The new port, 1–65535. Exclusive with `derivePort`.
   *
   * @default - the original port
   */
  readonly port?: number;

  /**
   * Derive the new port instead of fixing it. Exclusive with `port`.
   *
   * @default - the original port
   */
  readonly derivePort?: RedirectPort;

  /**
   * The new scheme.
   *
   * @default - the original scheme
   */
  readonly scheme?: RedirectScheme;

  /**
   * The status code of the redirect, 300–399.
   *
   * @default 301
   */
  readonly redirectCode?: number;
}

/**
 * The body of a direct response.
 */
export class ResponseBody {
  /**
   * A text body.
   */
  public static fromString(text: string): ResponseBody {
    return new ResponseBody('string', text);
  }

  /**
   * A binary body, given base64-encoded.
   */
  public static fromBase64(base64: string): ResponseBody {
    return new ResponseBody('bytes', base64);
  }

  private constructor(private readonly kind: 'string' | 'bytes', private readonly value: string) {}

  /**
   * Validates and renders the Istio `HTTPBody`.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { string?: string; bytes?: string } {
    if (this.kind === 'bytes') {
      check(/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(this.value), scope, `${field}.bytes`, this.value,
        'must be base64-encoded');
    }
    const size = this.kind === 'bytes' ? Math.floor(this.value.length * 3 / 4) : Buffer.byteLength(this.value, 'utf-8');
    check(size <= 1024 * 1024, scope, `${field}.${this.kind}`, `${size} bytes`, 'a direct response body must be smaller than 1MB');
    return { [this.kind]: this.value };
  }
}

/**
 * Answers the request directly from the proxy, without forwarding it.
 *
 * @example
 * { status: 503, body: ResponseBody.fromString('{"error": "maintenance"}') }
 */
export interface HttpDirectResponse {
  /**
   * The HTTP status, 200–599.
   */
  readonly status: number;

  /**
   * The response body.
   *
   * @default - empty
   */
  readonly body?: ResponseBody;
}

/**
 * Validates and renders an Istio `HTTPRedirect`. Internal.
 */
export function renderRedirect(scope: IConstruct, field: string, r: HttpRedirect | undefined): any {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.authority === undefined && r.port === undefined && r.derivePort === undefined && r.scheme === undefined) {
    fail(scope, field, r, 'a redirect must change at least one of uri, authority, port (or derivePort) and scheme');
  }
  if (r.port !== undefined && r.derivePort !== undefined) {
    fail(scope, `${field}.derivePort`, r.derivePort, 'cannot be combined with port; set one of them');
  }
  validatePort(scope, `${field}.port`, r.port);
  check(r.uri !== '', scope, `${field}.uri`, r.uri, 'must not be empty');
  check(r.authority !== '', scope, `${field}.authority`, r.authority, 'must not be empty');
  if (r.scheme !== undefined) {
    check(Object.values(RedirectScheme).includes(r.scheme), scope, `${field}.scheme`, r.scheme, 'must be "http" or "https"');
  }
  if (r.derivePort !== undefined) {
    check(Object.values(RedirectPort).includes(r.derivePort), scope, `${field}.derivePort`, r.derivePort,
      'must be FROM_PROTOCOL_DEFAULT or FROM_REQUEST_PORT');
  }
  if (r.redirectCode !== undefined) {
    check(Number.isInteger(r.redirectCode) && r.redirectCode >= 300 && r.redirectCode <= 399, scope, `${field}.redirectCode`, r.redirectCode,
      'must be a 3xx status code, e.g. 301, 302, 307 or 308');
  }
  return compact({
    uri: r.uri,
    authority: r.authority,
    port: r.port,
    derivePort: r.derivePort,
    scheme: r.scheme,
    redirectCode: r.redirectCode,
  });
}

/**
 * Validates and renders an Istio `HTTPDirectResponse`. Internal.
 */
export function renderDirectResponse(scope: IConstruct, field: string, r: HttpDirectResponse | undefined): any {
  if (r === undefined) return undefined;
  check(Number.isInteger(r.status) && r.status >= 200 && r.status <= 599, scope, `${field}.status`, r.status,
    'must be an HTTP status code from 200 to 599');
  return compact({
    status: r.status,
    body: r.body?._render(scope, `${field}.body`),
  });
}
