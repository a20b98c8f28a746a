import { IConstruct } from 'constructs';
import { check, compact } from '../core/validation';

/**
 * Changes to the headers of a request or a response.
 *
 * Values may use Envoy's header variables (`%HOSTNAME%`, `%DOWNSTREAM_REMOTE_ADDRESS%`); write a
 * literal `%` as `%%`.
 */
export interface HeaderManipulation {
  /**
   * Headers to set, replacing any existing value.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to append, keeping existing values.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Header changes applied to the request before it is forwarded and to the response before it
 * is returned.
 *
 * @example
 * { request: { set: { 'x-canary': 'true' } }, response: { remove: ['server'] } }
 */
export interface HeaderOperations {
  /**
   * Changes to the request headers.
   *
   * @default - none
   */
  readonly request?: HeaderManipulation;

  /**
   * Changes to the response headers.
   *
   * @default - none
   */
  readonly response?: HeaderManipulation;
}

/** Characters Envoy rejects in a header value: control characters except horizontal tab. */
// eslint-disable-next-line no-control-regex
const INVALID_VALUE_CHARS = /[\u0000-\u0008\u000A-\u001F\u007F]/;
/**
 * Why Envoy's header-value parser (which Istio's webhook reproduces) rejects `value`, or
 * undefined: every unescaped `%` starts a `%VARIABLE%` or `%VARIABLE(args)%` expression, `%%`
 * is a literal `%`, and arguments are a bare string or a JSON array of strings.
 */
export function headerValueProblem(value: string): string | undefined {
  type State = 'literal' | 'name' | 'array' | 'string' | 'item' | 'delimiter' | 'argsEnd' | 'varEnd';
  let state: State = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return 'it ends with an unescaped "%"';
        if (value[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'item';
        else if (ch !== ' ') state = 'string';
        break;
      case 'delimiter':
        if (ch === ',') state = 'item';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ') return `expected ",", "]" or a space in the argument list, found ${JSON.stringify(ch)}`;
        break;
      case 'item':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return `expected a '"' to start an argument, found ${JSON.stringify(ch)}`;
        break;
      case 'string':
        if (ch === '\\') {
          if (!hasNext) return 'it ends with an unterminated backslash';
          pos++;
        } else if (ch === ')') {
          state = 'varEnd';
        } else if (ch === '"') {
          state = 'delimiter';
        }
        break;
      case 'argsEnd':
        if (ch === ')') state = 'varEnd';
        else if (ch !== ' ') return `expected ")" after the argument list, found ${JSON.stringify(ch)}`;
        break;
      case 'varEnd':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return `expected the closing "%" of the variable, found ${JSON.stringify(ch)}`;
        break;
    }
  }
  return state === 'literal' ? undefined : 'a variable expression is not terminated';
}

function isAuthorityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

function validateName(scope: IConstruct, field: string, name: string, allowAuthority: boolean): void {
  check(name !== '', scope, field, name, 'a header name must not be empty');
  if (allowAuthority && isAuthorityHeader(name)) return;
  check(name.toLowerCase() !== 'host', scope, field, name, 'the Host header cannot be changed here');
  check(!name.startsWith(':'), scope, field, name, 'pseudo-headers (":" prefix) cannot be changed');
}

function validateValue(scope: IConstruct, field: string, value: string): void {
  check(typeof value === 'string' && !INVALID_VALUE_CHARS.test(value), scope, field, value,
    'a header value must not contain control characters');
  const problem = headerValueProblem(value);
  check(problem === undefined, scope, field, value,
    `${problem}: a "%" must start an Envoy variable such as "%HOSTNAME%" or "%REQ(x-user)%"; write a literal "%" as "%%"`);
}

function renderManipulation(scope: IConstruct, field: string, m: HeaderManipulation | undefined, isRequest: boolean) {
  if (m === undefined) return undefined;
  for (const op of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(m[op] ?? {})) {
      validateName(scope, `${field}.${op}`, name, isRequest);
      validateValue(scope, `${field}.${op}[${JSON.stringify(name)}]`, value);
    }
  }
  (m.remove ?? []).forEach((name, i) => validateName(scope, `${field}.remove[${i}]`, name, false));
  return compact({
    set: m.set && Object.keys(m.set).length > 0 ? { ...m.set } : undefined,
    add: m.add && Object.keys(m.add).length > 0 ? { ...m.add } : undefined,
    remove: m.remove && m.remove.length > 0 ? [...m.remove] : undefined,
  });
}

/**
 * Validates and renders Istio `Headers`. Internal.
 */
export function renderHeaderOperations(scope: IConstruct, field: string, ops: HeaderOperations | undefined): any {
  if (ops === undefined) return undefined;
  const out = compact({
    request: renderManipulation(scope, `${field}.request`, ops.request, true),
    response: renderManipulation(scope, `${field}.response`, ops.response, false),
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The authority a request-header change sets (`:authority` or `Host`), if any. Internal.
 */
export function authorityOverride(ops: HeaderOperations | undefined): string | undefined {
  for (const op of [ops?.request?.set, ops?.request?.add]) {
    for (const [name, value] of Object.entries(op ?? {})) {
      if (isAuthorityHeader(name)) return value;
    }
  }
  return undefined;
}
