import { IConstruct } from 'constructs';
import { check, compact, fail, validateRegex } from '../core/validation';

/**
 * A regular-expression rewrite of the request path.
 */
export interface RegexRewrite {
  /** The RE2 regular expression to find in the path. */
  readonly match: string;
  /** What replaces each match; may refer to capture groups as `\1`. */
  readonly rewrite: string;
}

/**
 * Rewrites the request before forwarding it. At least one field must be set.
 *
 * @example
 * { uri: '/v1/bookRatings' }
 */
export interface HttpRewrite {
  /**
   * The new path. If the route matched on a `uri` prefix, only that prefix is replaced.
   * Exclusive with `uriRegexRewrite`.
   *
   * @default - the path is kept
   */
  readonly uri?: string;

  /**
   * Rewrites the path with a regular expression. Exclusive with `uri`.
   *
   * @default - the path is kept
   */
  readonly uriRegexRewrite?: RegexRewrite;

  /**
   * The new authority (`Host` header).
   *
   * @default - the authority is kept
   */
  readonly authority?: string;
}

/**
 * Validates and renders an Istio `HTTPRewrite`. Internal.
 */
export function renderRewrite(scope: IConstruct, field: string, r: HttpRewrite | undefined): any {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.uriRegexRewrite === undefined && r.authority === undefined) {
    fail(scope, field, r, 'a rewrite must set at least one of uri, uriRegexRewrite and authority');
  }
  if (r.uri !== undefined && r.uriRegexRewrite !== undefined) {
    fail(scope, `${field}.uriRegexRewrite`, r.uriRegexRewrite, 'cannot be combined with uri; set one of them');
  }
  check(r.authority !== '', scope, `${field}.authority`, r.authority, 'must not be empty');
  check(r.uri !== '', scope, `${field}.uri`, r.uri, 'must not be empty; to strip a matched prefix, rewrite it to "/"');
  if (r.uriRegexRewrite !== undefined) {
    check(r.uriRegexRewrite.match !== '', scope, `${field}.uriRegexRewrite.match`, r.uriRegexRewrite.match, 'must not be empty');
    check(r.uriRegexRewrite.rewrite !== '', scope, `${field}.uriRegexRewrite.rewrite`, r.uriRegexRewrite.rewrite, 'must not be empty');
    validateRegex(scope, `${field}.uriRegexRewrite.match`, r.uriRegexRewrite.match);
  }
  return compact({
    uri: r.uri,
    uriRegexRewrite: r.uriRegexRewrite ? { match: r.uriRegexRewrite.match, rewrite: r.uriRegexRewrite.rewrite } : undefined,
    authority: r.authority,
  });
}
