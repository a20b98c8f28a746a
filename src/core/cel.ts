import { IConstruct } from 'constructs';
import { fail } from './validation';

/** The parser of @marcbachmann/cel-js, an ES module that Node >= 20.19 loads with require(). */
type CelModule = typeof import('@marcbachmann/cel-js', { with: { 'resolution-mode': 'import' } });

let celParse: CelModule['parse'] | undefined;

/**
 * Validates a CEL expression the way Istio does for Telemetry access-log filters: it must
 * parse (Istio calls cel-go's `Parse`, without type-checking against Envoy's attributes).
 * Internal.
 */
export function validateCelExpression(scope: IConstruct | undefined, field: string, expression: string): void {
  if (typeof expression !== 'string' || expression.trim() === '') {
    fail(scope, field, expression, 'must be a non-empty CEL expression such as "response.code >= 400"');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  celParse ??= (require('@marcbachmann/cel-js') as CelModule).parse;
  try {
    celParse(expression);
  } catch (e) {
    const reason = String((e as Error).message ?? e).split('\n')[0];
    fail(scope, field, expression, `must be a valid CEL expression such as "response.code >= 400" (${reason})`);
  }
}
