import { IConstruct } from 'constructs';
import { fail } from './validation';

/**
 * Free-form JSON content (an EnvoyFilter patch value, a Wasm plugin configuration):
 * validation and a deep copy, so later changes to the caller's object do not leak into the
 * output. Internal.
 */

/** Throws unless `value` is a JSON object: plain objects, arrays, strings, finite numbers, booleans and null. */
export function validateJsonObject(scope: IConstruct | undefined, field: string, value: unknown): void {
  if (!isPlainObject(value)) {
    fail(scope, field, describe(value), 'must be a JSON object such as { "name": "envoy.filters.http.lua" }');
  }
  walk(scope, field, value, new Set());
}

/** A deep copy of a JSON value, with object keys in their original order. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Every string value stored under `key` at any depth (e.g. each `@type`). */
export function findJsonStrings(value: unknown, key: string, path = ''): Array<{ path: string; value: string }> {
  const out: Array<{ path: string; value: string }> = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...findJsonStrings(v, key, `${path}[${i}]`)));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = `${path}.${k}`;
      if (k === key && typeof v === 'string') out.push({ path: p, value: v });
      out.push(...findJsonStrings(v, key, p));
    }
  }
  return out;
}

function walk(scope: IConstruct | undefined, field: string, value: unknown, seen: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(scope, field, String(value), 'JSON numbers must be finite');
    return;
  }
  if (typeof value !== 'object') {
    fail(scope, field, describe(value), 'must be JSON: strings, finite numbers, booleans, null, arrays and plain objects');
  }
  const obj = value as object;
  if (seen.has(obj)) fail(scope, field, '[circular]', 'JSON cannot contain a reference to itself');
  seen.add(obj);
  if (Array.isArray(obj)) {
    obj.forEach((v, i) => walk(scope, `${field}[${i}]`, v, seen));
  } else if (isPlainObject(obj)) {
    for (const [k, v] of Object.entries(obj)) walk(scope, `${field}.${k}`, v, seen);
  } else {
    fail(scope, field, describe(obj), 'must be JSON: strings, finite numbers, booleans, null, arrays and plain objects');
  }
  seen.delete(obj);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'non-plain'} object`;
  return `${typeof value} ${String(value)}`;
}

/**
 * A deep copy of plain objects and arrays that keeps every other value as it is (so a later
 * validation still sees, and reports, a function or a class instance). Cycles stay cycles.
 */
export function copyJsonLike<T>(value: T, seen: Map<object, unknown> = new Map()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value as object)) return seen.get(value as object) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(copyJsonLike(v, seen));
    return out as T;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  seen.set(value as object, out);
  for (const [k, v] of Object.entries(value as object)) out[k] = copyJsonLike(v, seen);
  return out as T;
}
