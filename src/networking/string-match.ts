import { IConstruct } from 'constructs';
import { StringMatchRules } from './route-context';
import { fail, validateRegex } from '../core/validation';

/** How a `StringMatch` compares. Internal. */
type MatchKind = 'exact' | 'prefix' | 'regex' | 'present';

/**
 * Matches a string (a URI, a header value, a query parameter, an origin) exactly, by prefix,
 * or by an RE2 regular expression.
 *
 * @example
 * StringMatch.exact('/productpage');
 * StringMatch.prefix('/static');
 * StringMatch.regex('^/api/v[0-9]+/products$');
 */
export class StringMatch {
  /**
   * The string must equal `value` (case-sensitive).
   */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /**
   * The string must start with `value` (case-sensitive).
   */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }

  /**
   * The whole string must match this RE2 regular expression
   * (https://github.com/google/re2/wiki/Syntax): no look-around, no back-references.
   */
  public static regex(pattern: string): StringMatch {
    return new StringMatch('regex', pattern);
  }

  /**
   * Only checks that the value is present, whatever it is (rendered as `{}`), e.g. for
   * `headers` and `withoutHeaders`.
   */
  public static present(): StringMatch {
    return new StringMatch('present', undefined);
  }

  private constructor(private readonly kind: MatchKind, private readonly value: string | undefined) {}

  /**
   * Validates the match for `field` of `scope` and renders the Istio `StringMatch`. Istio's
   * webhook checks only regexes (RE2, non-empty); every kind is accepted in every field.
   * @internal
   */
  public _render(scope: IConstruct, field: string, _rules: StringMatchRules = {}): { exact?: string; prefix?: string; regex?: string } {
    const value = this.value as string;
    switch (this.kind) {
      case 'exact':
        return { exact: value };
      case 'prefix':
        return { prefix: value };
      case 'regex':
        if (value === '') {
          fail(scope, `${field}.regex`, value, 'must not be empty; use present() to match any value');
        }
        validateRegex(scope, `${field}.regex`, value);
        return { regex: value };
      default:
        return {};
    }
  }
}
