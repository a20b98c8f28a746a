import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, fail, validateLabelKey, validateLabels } from '../core/validation';

/**
 * What the Gateway API v1.5.1 CRD schemas and CEL rules accept, as checks that throw the
 * library's standard error (construct path, field, value, what is valid). Internal.
 */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** A string of `min`–`max` characters. */
export function validateLength(scope: IConstruct, field: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  check(typeof value === 'string' && value.length >= min && value.length <= max, scope, field, value,
    min === max ? `must be ${min} characters` : `must be ${min} to ${max} characters long`);
}

/** At most `max` items (and at least `min`). */
export function validateCount(scope: IConstruct, field: string, items: readonly unknown[] | undefined, max: number, min = 0): void {
  const n = items?.length ?? 0;
  check(n >= min && n <= max, scope, field, n,
    min > 0 ? `must hold ${min} to ${max} entries (the CRD's limit)` : `may hold at most ${max} entries (the CRD's limit)`);
}

/** A Gateway API `Hostname`: a lowercase DNS name, optionally with a leading `*.` wildcard; no IP address. */
export function validateHostname(scope: IConstruct, field: string, value: string | undefined, allowWildcard = true): void {
  if (value === undefined) return;
  validateLength(scope, field, value, 1, 253);
  const pattern = allowWildcard ? HOSTNAME : DNS_SUBDOMAIN;
  check(pattern.test(value), scope, field, value, allowWildcard
    ? 'must be a lowercase DNS name such as "bookinfo.example.com", optionally with a leading "*." wildcard ("*.example.com")'
    : 'must be a lowercase DNS name such as "bookinfo.example.com", without wildcards');
}

/** A hostname list entry that may not be an IP address (TLSRoute, CEL rule). */
export function validateNotIp(scope: IConstruct, field: string, value: string): void {
  check(!/^\d{1,3}(\.\d{1,3}){3}$/.test(value) && !value.includes(':'), scope, field, value, 'must be a host name, not an IP address');
}

/** A `SectionName`, listener or rule name: a lowercase DNS subdomain of at most 253 characters. */
export function validateSectionName(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  validateLength(scope, field, value, 1, 253);
  check(DNS_SUBDOMAIN.test(value), scope, field, value,
    'must be a lowercase RFC 1123 subdomain (a-z, 0-9, "-" and "."), such as "https" or "api-v1"');
}

/** A resource name: 1–253 characters. */
export function validateObjectName(scope: IConstruct, field: string, value: string | undefined): void {
  check(typeof value === 'string' && value.length >= 1 && value.length <= 253, scope, field, value, 'is required: a name of 1 to 253 characters');
}

/** A namespace: an RFC 1123 label. */
export function validateNamespace(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  check(value.length >= 1 && value.length <= 63 && DNS_LABEL.test(value), scope, field, value,
    'must be a namespace name: a lowercase RFC 1123 label of at most 63 characters');
}

/** An API group: empty (core) or a DNS subdomain. */
export function validateGroup(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  check(value.length <= 253 && GROUP.test(value), scope, field, value, 'must be "" (the core API group) or a DNS subdomain such as "gateway.networking.k8s.io"');
}

/** A kind: 1–63 characters, starting with a letter. */
export function validateKind(scope: IConstruct, field: string, value: string | undefined): void {
  check(typeof value === 'string' && value.length >= 1 && value.length <= 63 && KIND.test(value), scope, field, value,
    'must be a kind such as "Service": 1 to 63 letters, digits and "-", starting with a letter');
}

/** An HTTP header or query parameter name (an RFC 7230 token). */
export function validateHeaderName(scope: IConstruct, field: string, value: string, max = 256): void {
  validateLength(scope, field, value, 1, max);
  check(HEADER_NAME.test(value), scope, field, value, 'must be an HTTP token: letters, digits and !#$%&\'*+-.^_`|~');
}

/** Keys of a string map (`infrastructure.labels`, `annotations`). */
export function validateStringMap(scope: IConstruct, field: string, map: Record<string,
  string> | undefined, maxEntries: number, maxValue: number): void {
  if (map === undefined) return;
  const entries = Object.entries(map);
  check(entries.length <= maxEntries, scope, field, map, `may hold at most ${maxEntries} entries`);
  for (const [key, value] of entries) {
    check(typeof value === 'string' && value.length <= maxValue, scope, `${field}[${JSON.stringify(key)}]`, value, `must be a string of at most ${maxValue} characters`);
  }
}

/** Label keys and values, at most 8 (Gateway `infrastructure.labels`). */
export function validateInfrastructureLabels(scope: IConstruct, field: string, labels: Record<string, string> | undefined): void {
  validateLabels(scope, field, labels);
  validateStringMap(scope, field, labels, 8, 63);
}

/** Annotation keys are label keys; values at most 4096 characters. */
export function validateAnnotationMap(scope: IConstruct, field: string, annotations: Record<string, string> | undefined, maxEntries: number): void {
  if (annotations === undefined) return;
  for (const key of Object.keys(annotations)) validateLabelKey(scope, `${field} key`, key);
  validateStringMap(scope, field, annotations, maxEntries, 4096);
}

/** An integer from `min` to `max`. */
export function validateInt(scope: IConstruct, field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= min && value <= max, scope, field, value, `must be an integer from ${min} to ${max}`);
}

/**
 * Renders a Duration as a Gateway API duration (GEP-2257): up to four `h`, `m`, `s`, `ms`
 * components of at most five digits, e.g. `10s`, `1h30m`, `1500ms` as `1s500ms`.
 */
export function renderGatewayDuration(scope: IConstruct, field: string, duration: Duration | undefined): string | undefined {
  if (duration === undefined) return undefined;
  const ms = duration.toMilliseconds({ integral: false });
  check(Number.isInteger(ms) && ms >= 0, scope, field, duration, 'must be a whole, non-negative number of milliseconds');
  if (ms === 0) return '0s';
  const parts: Array<[number, string]> = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor(ms / 60_000) % 60, 'm'],
    [Math.floor(ms / 1000) % 60, 's'],
    [ms % 1000, 'ms'],
  ];
  const text = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
  check(DURATION.test(text), scope, field, duration, 'must be at most 99999 hours');
  return text;
}

/** Throws when a value is not one of an enum's wire values. */
export function validateEnum(scope: IConstruct, field: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined) return;
  check(allowed.includes(value), scope, field, value, `must be one of ${allowed.join(', ')}`);
}

/** Throws for a duplicate key in a list the CRD declares as a map or set. */
export function validateUniqueKeys(scope: IConstruct, field: string, keys: readonly string[], what: string): void {
  const seen = new Map<string, number>();
  keys.forEach((key, i) => {
    const first = seen.get(key);
    if (first !== undefined) fail(scope, `${field}[${i}]`, key, `${field}[${first}] already has this ${what}; each ${what} may appear once`);
    seen.set(key, i);
  });
}
