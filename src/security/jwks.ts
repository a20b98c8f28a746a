import { IConstruct } from 'constructs';
import { fail } from '../core/validation';

/**
 * JWKS checks as Istio's webhook makes them: an inline JWKS is parsed as a JSON Web Key Set
 * (or a single key), and a `jwksUri` as Go's `url.Parse` reads it. Internal.
 */

/** The members each key type needs (RFC 7518 section 6, RFC 8037). */
const REQUIRED_MEMBERS: Record<string, string[]> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
  oct: ['k'],
};
const EC_CURVES = ['P-256', 'P-384', 'P-521', 'secp256k1'];
const OKP_CURVES = ['Ed25519', 'Ed448', 'X25519', 'X448'];
const BASE64 = /^[A-Za-z0-9_\-+/]+={0,2}$/;

function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

/**
 * An inline JWKS: a JSON object that is a key set (`{"keys": [...]}`) or a single key, each
 * key with a known `kty` and the members that key type requires.
 */
export function validateJwks(scope: IConstruct, field: string, jwks: string): void {
  let parsed: any;
  try {
    parsed = JSON.parse(jwks);
  } catch (e) {
    fail(scope, field, shown(jwks), `must be a JSON Web Key Set document (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail(scope, field, shown(jwks), 'must be a JSON Web Key Set: {"keys": [{"kty": "RSA", "n": ..., "e": ...}]}');
  }
  const keys: unknown[] = 'keys' in parsed ? parsed.keys : [parsed];
  if (!Array.isArray(keys)) fail(scope, field, shown(jwks), 'must be a JSON Web Key Set: "keys" must be an array of JSON Web Keys');
  keys.forEach((key: any, i) => {
    const where = 'keys' in parsed ? `keys[${i}]` : 'the key';
    if (key === null || typeof key !== 'object' || Array.isArray(key)) {
      fail(scope, field, shown(jwks), `must be a JSON Web Key Set: ${where} must be a JSON Web Key object`);
    }
    const kty = key.kty;
    const required = typeof kty === 'string' ? REQUIRED_MEMBERS[kty] : undefined;
    if (required === undefined) {
      fail(scope, field, shown(jwks), `must be a JSON Web Key Set: ${where} has kty ${JSON.stringify(kty)}; it must be one of ${Object.keys(REQUIRED_MEMBERS).join(', ')}`);
    }
    for (const member of required) {
      const value = key[member];
      const ok = typeof value === 'string' && value.length > 0 && (member === 'crv' || BASE64.test(value));
      if (!ok) {
        fail(scope, field, shown(jwks), `must be a JSON Web Key Set: ${where} (kty ${kty}) needs "${member}" as a non-empty ${member === 'crv' ? 'curve name' : 'base64url string'}`);
      }
    }
    if (kty === 'EC' && !EC_CURVES.includes(key.crv)) {
      fail(scope, field, shown(jwks), `must be a JSON Web Key Set: ${where} has crv ${JSON.stringify(key.crv)}; an EC key's curve is one of ${EC_CURVES.join(', ')}`);
    }
    if (kty === 'OKP' && !OKP_CURVES.includes(key.crv)) {
      fail(scope, field, shown(jwks), `must be a JSON Web Key Set: ${where} has crv ${JSON.stringify(key.crv)}; an OKP key's curve is one of ${OKP_CURVES.join(', ')}`);
    }
  });
}

/** Characters Go's url package allows unescaped in a host (RFC 3986 reg-name, IP literals). */
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/;
const USERINFO_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:%@]*$/;

/** Whether every `%` starts a two-digit hex escape. */
function validEscapes(s: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(s);
}

/**
 * Why Go's `url.Parse` (which Istio's ParseJwksURI calls) would reject `uri`, or why Istio
 * would (a scheme other than http/https, a port that is not a number); undefined if valid.
 */
export function jwksUriProblem(uri: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(uri)) return 'contains a control character';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!scheme || !['http', 'https'].includes(scheme[1].toLowerCase())) return 'must start with http:// or https://';
  let rest = uri.slice(scheme[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    if (!validEscapes(rest.slice(hash + 1))) return 'has an invalid percent-escape in the fragment';
    rest = rest.slice(0, hash);
  }
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith('//')) return 'must have an authority: http://host/...';
  rest = rest.slice(2);
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash) : '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO_CHARS.test(userinfo) || !validEscapes(userinfo)) return 'has invalid characters in the user information';
    authority = authority.slice(at + 1);
  }
  let host = authority;
  let port: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return 'has an IPv6 host without a closing "]"';
    host = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return 'has characters after the IPv6 host';
    port = after === '' ? undefined : after.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) {
      host = authority.slice(0, colon);
      port = authority.slice(colon + 1);
    }
  }
  if (port !== undefined && !/^[0-9]*$/.test(port)) return `has an invalid port ${JSON.stringify(port)}`;
  if (port !== undefined && port !== '' && !Number.isSafeInteger(Number(port))) return `has an invalid port ${JSON.stringify(port)}`;
  if (!HOST_CHARS.test(host) || !validEscapes(host)) return 'has an invalid character or percent-escape in the host';
  if (!validEscapes(path)) return 'has an invalid percent-escape in the path';
  return undefined;
}
