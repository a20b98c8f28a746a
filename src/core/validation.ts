import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Validation shared by every construct. Each check throws an `Error` whose message names the
 * construct path, the field, the bad value and what would be valid, e.g.
 * `Chart/reviews: http[0].route[1].weight 150 is invalid: must be an integer from 0 to 100`.
 *
 * Internal: not exported from the package entry point.
 */

/** Renders a value for an error message. */
export function quote(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Duration.prototype.isPrototypeOf(value as object)) return (value as Duration).toHumanString();
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * The message of a synth-time validation (`node.addValidation`): cdk8s already prefixes it
 * with `[construct path]`, so it names the field, the value and what is valid, not the path.
 */
export function validationMessage(field: string, value: unknown, expected: string): string {
  return invalidMessage(undefined, field, value, expected);
}

/** The message format every validation error uses. */
export function invalidMessage(scope: IConstruct | undefined, field: string, value: unknown, expected: string): string {
  const where = scope ? `${scope.node.path}: ` : '';
  return `${where}${field} ${quote(value)} is invalid: ${expected}`;
}

/** Throws the standard validation error. */
export function fail(scope: IConstruct | undefined, field: string, value: unknown, expected: string): never {
  throw new Error(invalidMessage(scope, field, value, expected));
}

/** Throws unless `condition` holds. */
export function check(condition: boolean, scope: IConstruct | undefined, field: string, value: unknown, expected: string): void {
  if (!condition) fail(scope, field, value, expected);
}

/** Throws when a single-valued field is set a second time (never silently overwrite). */
export function assertUnset(scope: IConstruct | undefined, field: string, current: unknown, next: unknown): void {
  if (current !== undefined) {
    throw new Error(`${scope ? scope.node.path + ': ' : ''}${field} is already set to ${quote(current)}; cannot set it again to ${quote(next)}`);
  }
}

/** Throws when `items` holds the same key twice. */
export function assertUnique<T>(scope: IConstruct | undefined, field: string, items: readonly T[], key: (item: T) => string | undefined): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    if (seen.has(k)) {
      fail(scope, field, k, 'must be unique; it appears more than once');
    }
    seen.add(k);
  }
}

/** A value of a string enum (the wire values), e.g. an `MtlsMode`. */
export function validateEnum(scope: IConstruct | undefined, field: string, value: string | undefined, values: Record<string, string>): void {
  if (value === undefined) return;
  const allowed = Object.values(values);
  check(allowed.includes(value), scope, field, value, `must be one of ${allowed.join(', ')}`);
}

/** An integer TCP/UDP port number, 1–65535. */
export function validatePort(scope: IConstruct | undefined, field: string, port: number | undefined): void {
  if (port === undefined) return;
  check(Number.isInteger(port) && port >= 1 && port <= 65535, scope, field, port, 'must be an integer port number from 1 to 65535');
}

/** A percentage from 0 to 100 (fractions allowed, as Istio's `Percent`). */
export function validatePercentage(scope: IConstruct | undefined, field: string, value: number | undefined): void {
  if (value === undefined) return;
  check(Number.isFinite(value) && value >= 0 && value <= 100, scope, field, value, 'must be a percentage from 0 to 100');
}

/** A non-negative integer (counts, limits). `min` defaults to 0. */
export function validateInteger(scope: IConstruct | undefined, field: string, value: number | undefined, min = 0, max = 2 ** 31 - 1): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= min && value <= max, scope, field, value, `must be an integer from ${min} to ${max}`);
}

/** Istio rejects durations under one millisecond. */
export function validateDuration(scope: IConstruct | undefined, field: string, duration: Duration | undefined, minMillis = 1): void {
  if (duration === undefined) return;
  const ms = duration.toMilliseconds({ integral: false });
  check(Number.isFinite(ms) && ms >= minMillis, scope, field, duration, `must be at least ${minMillis}ms`);
}

/**
 * Renders a cdk8s Duration as a protobuf duration string: whole seconds as `7s`,
 * anything else as milliseconds (`250ms`, `1500ms`).
 */
export function renderDuration(duration: Duration, scope?: IConstruct, field?: string): string;
export function renderDuration(duration: Duration | undefined, scope?: IConstruct, field?: string): string | undefined;
export function renderDuration(duration: Duration | undefined, scope?: IConstruct, field = 'duration'): string | undefined {
  if (duration === undefined) return undefined;
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 0) {
    fail(scope, field, duration, 'must be a non-negative whole number of milliseconds, e.g. Duration.millis(250) or Duration.seconds(7)');
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ISTIO_HOST_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** A Kubernetes resource name (DNS-1123 subdomain, at most 253 characters). */
export function validateResourceName(scope: IConstruct | undefined, field: string, name: string | undefined): void {
  if (name === undefined) return;
  check(name.length <= 253 && DNS1123_SUBDOMAIN.test(name), scope, field, name,
    'must be a lowercase RFC 1123 subdomain (a-z, 0-9, "-" and "."), starting and ending with an alphanumeric character, at most 253 characters');
}

/**
 * A name Istio checks as a DNS-1123 label, which in Istio's own check allows upper case
 * (subset names, for instance): 1-63 characters of [A-Za-z0-9-], alphanumeric at both ends.
 */
export function validateIstioLabel(scope: IConstruct | undefined, field: string, name: string | undefined): void {
  if (name === undefined) return;
  check(typeof name === 'string' && name.length <= 63 && ISTIO_HOST_LABEL.test(name), scope, field, name,
    'must be 1-63 characters of [A-Za-z0-9-], starting and ending with an alphanumeric character');
}

/** A namespace name or other DNS-1123 label (at most 63 characters). */
export function validateDnsLabel(scope: IConstruct | undefined, field: string, name: string | undefined): void {
  if (name === undefined) return;
  check(name.length <= 63 && DNS1123_LABEL.test(name), scope, field, name,
    'must be a lowercase RFC 1123 label (a-z, 0-9 and "-"), starting and ending with an alphanumeric character, at most 63 characters');
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function validateLabelKey(scope: IConstruct | undefined, field: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok = name.length >= 1 && name.length <= 63 && LABEL_NAME.test(name)
    && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
  check(ok, scope, field, key,
    'a label key is an optional DNS subdomain prefix and "/", then 1-63 characters of [A-Za-z0-9-_.] starting and ending with an alphanumeric character');
}

/** A Kubernetes label value: empty, or at most 63 characters of [A-Za-z0-9-_.] with alphanumeric ends. */
export function validateLabelValue(scope: IConstruct | undefined, field: string, value: string): void {
  check(typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value), scope, field, value,
    'a label value is empty or at most 63 characters of [A-Za-z0-9-_.] starting and ending with an alphanumeric character');
}

/** Every key and value of a label map. */
export function validateLabels(scope: IConstruct | undefined, field: string, labels: Record<string, string> | undefined): void {
  if (labels === undefined) return;
  for (const [key, value] of Object.entries(labels)) {
    validateLabelKey(scope, `${field} key`, key);
    validateLabelValue(scope, `${field}[${JSON.stringify(key)}]`, value);
  }
}

export interface HostValidationOptions {
  /** Allow `*` alone or a leading `*.` wildcard. @default true */
  readonly allowWildcard?: boolean;
  /** Allow a `namespace/` prefix as Gateway and Sidecar hosts use (also ".", "*" or "~" as the namespace). @default false */
  readonly allowNamespacePrefix?: boolean;
  /** Allow a short name without dots (a Kubernetes Service in the same namespace). @default true */
  readonly allowShortName?: boolean;
}

/**
 * An Istio host name: a fully qualified or short DNS name, `*` alone, or a leading `*.`
 * wildcard; with `allowNamespacePrefix`, optionally preceded by `namespace/`.
 */
export function validateHost(scope: IConstruct | undefined, field: string, host: string, options: HostValidationOptions = {}): void {
  const allowWildcard = options.allowWildcard ?? true;
  let name = host;
  if (options.allowNamespacePrefix) {
    const parts = host.split('/');
    if (parts.length !== 2) {
      fail(scope, field, host, 'must have the form "namespace/dnsName", where namespace is a namespace name, "." (this namespace), "*" (any namespace) or "~" (none)');
    }
    const [ns, rest] = parts;
    check(ns === '.' || ns === '*' || ns === '~' || (ns.length <= 63 && DNS1123_LABEL.test(ns)), scope, field, host,
      'the namespace part must be a namespace name, ".", "*" or "~"');
    name = rest;
  } else if (host.includes('/')) {
    fail(scope, field, host, 'must be a DNS name without a "namespace/" prefix');
  }
  if (name === '*') {
    check(allowWildcard, scope, field, host, 'wildcards are not allowed here');
    return;
  }
  let labels = name.split('.');
  if (labels[0] === '*') {
    check(allowWildcard, scope, field, host, 'wildcards are not allowed here');
    labels = labels.slice(1);
  }
  const ok = name.length <= 255 && labels.length > 0
    && labels.every((label, i) => label.length <= 63 && (ISTIO_HOST_LABEL.test(label) || (i === labels.length - 1 && label === '')))
    && labels[0] !== '';
  check(ok, scope, field, host,
    'must be a DNS name such as "reviews" or "reviews.bookinfo.svc.cluster.local"; a wildcard may only stand alone ("*") or as the leftmost label ("*.example.com")');
  check(!isAllNumericTopLabel(name), scope, field, host,
    'the last label of a DNS name cannot be all-numeric (an IP address is not a host name here)');
  if (options.allowShortName === false) {
    check(name.includes('.') || name === '*', scope, field, host, 'must be a fully qualified domain name');
  }
}

/**
 * Whether the top-level label of a DNS name is all-numeric, which Istio rejects (it parses
 * it as an integer, as Go's `strconv.Atoi` does). A trailing dot (`istio.io.`) leaves an empty
 * top-level label, which is fine.
 */
export function isAllNumericTopLabel(name: string): boolean {
  const labels = name.split('.');
  return /^[+-]?[0-9]+$/.test(labels[labels.length - 1]);
}

/** Namespaces to export a resource to: `.`, `*`, or namespace names. */
export function validateExportTo(scope: IConstruct | undefined, field: string, exportTo: readonly string[] | undefined): void {
  if (exportTo === undefined) return;
  exportTo.forEach((ns, i) => {
    check(ns === '.' || ns === '*' || (ns.length <= 63 && DNS1123_LABEL.test(ns)), scope, `${field}[${i}]`, ns,
      'must be "." (this namespace), "*" (all namespaces) or a namespace name');
  });
  if (exportTo.includes('*') && exportTo.length > 1) {
    fail(scope, field, exportTo, '"*" already exports everywhere and cannot be combined with other entries');
  }
  assertUnique(scope, field, exportTo, ns => ns);
}

/** The longest regular expression Istio accepts, in bytes. */
export const MAX_REGEX_BYTES = 1024;

/**
 * A regular expression as Istio and Envoy compile it: Google RE2 syntax (checked with re2js,
 * a port of RE2), at most 1024 bytes. RE2 has no look-around and no back-references, limits
 * repeat counts to 1000, and reads `(?i)`, `(?P<name>...)`, `[[:alpha:]]` and `\pL`.
 */
export function validateRegex(scope: IConstruct | undefined, field: string, regex: string): void {
  check(typeof regex === 'string', scope, field, regex, 'must be a string');
  const bytes = Buffer.byteLength(regex, 'utf-8');
  check(bytes <= MAX_REGEX_BYTES, scope, field, regex.length > 80 ? `${regex.slice(0, 80)}...` : regex,
    `must be at most ${MAX_REGEX_BYTES} bytes (it has ${bytes})`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('re2js') as typeof import('re2js')).RE2JS.compile(regex); // loaded on first use
  } catch (e) {
    fail(scope, field, regex, `must be a valid RE2 regular expression (https://github.com/google/re2/wiki/Syntax): ${(e as Error).message}`);
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 address. */
export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  return isIpv6(value);
}

function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false;
  const doubleColon = value.split('::');
  if (doubleColon.length > 2) return false;
  const groups = value.split(':').filter(g => g !== '');
  const hasV4Tail = groups.length > 0 && groups[groups.length - 1].includes('.');
  if (hasV4Tail && !IPV4.test(groups[groups.length - 1])) return false;
  const hexGroups = hasV4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const size = hexGroups.length + (hasV4Tail ? 2 : 0);
  return doubleColon.length === 2 ? size < 8 : size === 8;
}

/** An IP address or a CIDR block (`10.0.0.0/16`, `2001:db8::/32`). */
export function validateIpOrCidr(scope: IConstruct | undefined, field: string, value: string): void {
  const [ip, prefix, extra] = value.split('/');
  let ok = extra === undefined && isIpAddress(ip);
  if (ok && prefix !== undefined) {
    const max = ip.includes(':') ? 128 : 32;
    // Go's parser (which Istio uses) rejects a prefix length with a leading zero ("/08").
    ok = /^(0|[1-9]\d{0,2})$/.test(prefix) && Number(prefix) <= max;
  }
  check(ok, scope, field, value,
    'must be an IPv4/IPv6 address or CIDR block such as "10.0.0.0/16" or "2001:db8::/32" (no leading zeros in the address or the prefix length)');
}

/** Drops `undefined` values and empty arrays/objects so the YAML only shows what was set. */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)
      && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out as T;
}

/** `undefined` for an empty array, so optional lists disappear from the output. */
export function nonEmpty<T>(items: readonly T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? [...items] : undefined;
}
