import { IConstruct } from 'constructs';
import { fail } from '../core/validation';

/**
 * Validation shared by the security and telemetry constructs. Internal: not exported from the
 * package entry point.
 */

/** The trust domain of a default Istio installation. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** The namespace Istio's `meshConfig.rootNamespace` names by default. */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

const SERVICE_ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const TRUST_DOMAIN = /^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$/;

/** A trust domain: a DNS-like name such as `cluster.local`. Internal. */
export function validateTrustDomain(scope: IConstruct | undefined, field: string, trustDomain: string): void {
  if (!(trustDomain.length <= 255 && TRUST_DOMAIN.test(trustDomain))) {
    fail(scope, field, trustDomain, 'must be a trust domain such as "cluster.local" (letters, digits, "-", "_" and ".")');
  }
}

/**
 * Whether `value` uses `*` only as Istio's string matches allow it: alone, as a prefix or as
 * a suffix. Internal.
 */
export function isIstioStringMatch(value: string): boolean {
  if (value === '*') return true;
  const inner = value.startsWith('*') ? value.slice(1) : value.endsWith('*') ? value.slice(0, -1) : value;
  return value.length > 0 && !inner.includes('*');
}

/**
 * A principal: `*`, a prefix or suffix match, or `<trust domain>/ns/<namespace>/sa/<name>`.
 * Internal.
 */
export function validatePrincipal(scope: IConstruct | undefined, field: string, principal: string): void {
  const expected = 'must be "<trust domain>/ns/<namespace>/sa/<service account>" (e.g. "cluster.local/ns/bookinfo/sa/bookinfo-productpage"), '
    + '"*", or a prefix or suffix match with a single leading or trailing "*"';
  if (principal.startsWith('spiffe://')) {
    fail(scope, field, principal, `must not carry the "spiffe://" scheme; ${expected}`);
  }
  if (/\s/.test(principal) || !isIstioStringMatch(principal)) fail(scope, field, principal, expected);
  if (principal.includes('*')) return;
  const parts = principal.split('/');
  const ok = parts.length === 5 && TRUST_DOMAIN.test(parts[0]) && parts[1] === 'ns' && parts[3] === 'sa'
    && parts[2].length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(parts[2])
    && parts[4].length <= 253 && SERVICE_ACCOUNT_NAME.test(parts[4]);
  if (!ok) fail(scope, field, principal, expected);
}

/** Values Istio matches as strings: no whitespace, `*` only alone, leading or trailing. */
export function validateStringMatch(scope: IConstruct | undefined, field: string, value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value) || !isIstioStringMatch(value)) {
    fail(scope, field, value, `must be a non-empty ${what} without spaces; "*" may only stand alone or as the first or last character (prefix/suffix match)`);
  }
}

/** The HTTP methods Envoy knows. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** An HTTP method. */
export function validateMethod(scope: IConstruct | undefined, field: string, method: string): void {
  if (!HTTP_METHODS.includes(method)) {
    fail(scope, field, method, `must be an upper-case HTTP method: ${HTTP_METHODS.join(', ')}`);
  }
}

/** A literal segment of a path template (an RFC 3986 pchar sequence, as Envoy requires). */
const TEMPLATE_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/{}]+$/;

/**
 * A request path: starts with `/` (or `*` for a suffix match), no query, `*` only as
 * prefix/suffix, or a template of `{*}` segments with at most one final `{**}`.
 */
export function validatePath(scope: IConstruct | undefined, field: string, path: string): void {
  const expected = 'must be a path starting with "/" (e.g. "/productpage"), a prefix ("/api/*") or suffix ("*/info") match, "*", '
    + 'or a template whose segments may be "{*}" and, last, "{**}" ("/api/{*}/reviews/{**}")';
  if (typeof path !== 'string' || !PATH_CHARS.test(path) || path.includes('?') || path.includes('#')) fail(scope, field, path, expected);
  if (path.includes('{') || path.includes('}')) {
    const segments = path.replace(/^\/|\/$/g, '').split('/');
    const ok = path.startsWith('/') && segments.every((s, i) => s === '{*}' || (s === '{**}' && i === segments.length - 1) || TEMPLATE_LITERAL.test(s));
    if (!ok) fail(scope, field, path, expected);
    return;
  }
  if (!isIstioStringMatch(path) || !(path.startsWith('/') || path.startsWith('*'))) fail(scope, field, path, expected);
}

/** A request principal, `<issuer>/<subject>`, or a string match. */
export function validateRequestPrincipal(scope: IConstruct | undefined, field: string, value: string): void {
  validateStringMatch(scope, field, value, 'request principal "<issuer>/<subject>"');
  if (!value.includes('*') && !/^.+\/.+$/.test(value)) {
    fail(scope, field, value, 'must be "<issuer>/<subject>" (e.g. "https://accounts.example.com/alice"), "*", or a prefix or suffix match');
  }
}

/**
 * A service account, `<name>` or `<namespace>/<name>`, as Istio's CheckServiceAccount accepts
 * it: non-empty parts, no "*", at most 320 characters.
 */
export function validateServiceAccountRef(scope: IConstruct | undefined, field: string, value: string): void {
  const parts = typeof value === 'string' ? value.split('/') : [];
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 320 && !value.includes('*')
    && parts.length <= 2 && parts.every(p => p.length > 0);
  if (!ok) fail(scope, field, value, 'must be "<service account>" or "<namespace>/<service account>", e.g. "bookinfo/bookinfo-reviews" (no "*", at most 320 characters)');
}

const CONDITION_KEYS = [
  'source.ip', 'remote.ip', 'source.namespace', 'source.serviceAccount', 'source.principal', 'destination.ip', 'destination.port',
  'connection.sni', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter',
];
const IP_CONDITION_KEYS = ['source.ip', 'remote.ip', 'destination.ip'];

/** Keys Istio reads as `<prefix>[<name>]`. */
const MAP_KEY_PREFIXES = ['request.headers', 'request.experimental.inline.headers', 'request.auth.claims', 'experimental.envoy.filters.'];

/**
 * A `when` condition key Istio's webhook accepts (pkg/config/security ValidateAttribute): one
 * of the keys above, or a key starting with `request.headers`,
 * `request.experimental.inline.headers`, `request.auth.claims` or `experimental.envoy.filters.`
 * that ends in `[<name>]` with a non-empty name.
 */
export function validateConditionKey(scope: IConstruct | undefined, field: string, key: string): void {
  if (typeof key === 'string' && CONDITION_KEYS.includes(key)) return;
  if (typeof key === 'string' && MAP_KEY_PREFIXES.some(p => key.startsWith(p))) {
    const open = key.indexOf('[');
    if (key.endsWith(']') && open > 0 && open < key.length - 2) return;
    fail(scope, field, key, 'must have the form "<attribute>[<name>]", e.g. "request.headers[x-token]" or "request.auth.claims[groups]"');
  }
  const replaced: Record<string, string> = {
    'destination.namespace': 'it is replaced by the policy\'s namespace (metadata.namespace)',
    'destination.name': 'it was only supported in v1alpha1',
    'destination.user': 'it was only supported in v1alpha1',
  };
  const why = replaced[key] ?? (typeof key === 'string' && key.startsWith('destination.labels') ? 'it is replaced by the policy\'s selector' : undefined);
  fail(scope, field, key, `${why ? `${why}; a key ` : ''}must be one of ${CONDITION_KEYS.join(', ')}, `
    + 'request.headers[<name>], request.experimental.inline.headers[<name>], request.auth.claims[<claim>] or experimental.envoy.filters.<filter>[<key>]');
}

/** Source fields Istio rejects in the rules of a CUSTOM policy. */
export const CUSTOM_UNSUPPORTED_SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals',
  'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains',
];

/** Whether the CUSTOM action rejects a `when` key. */
export function isCustomUnsupportedConditionKey(key: string): boolean {
  return key === 'source.namespace' || key === 'source.serviceAccount' || key === 'source.principal' || key.startsWith('request.auth.');
}

/** Whether a condition key carries IP addresses or CIDR blocks. */
export function isIpConditionKey(key: string): boolean {
  return IP_CONDITION_KEYS.includes(key);
}

/** An `http://` or `https://` URL. */
export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A provider name from `meshConfig.extensionProviders`. */
export function validateProviderName(scope: IConstruct | undefined, field: string, name: string): void {
  if (typeof name !== 'string' || name.length === 0 || /\s/.test(name)) {
    fail(scope, field, name, 'must be the non-empty name of an extension provider in meshConfig.extensionProviders');
  }
}
