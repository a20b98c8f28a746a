/**
 * The traffic scenarios of the Istio bookinfo tutorials, selected at synth time with
 * `BOOKINFO_SCENARIO=<name> npm run synth` (or the construct context key `bookinfo:scenario`).
 */
export enum Scenario {
  /** Ingress only: reviews is load-balanced across v1, v2 and v3 (black, red and no stars). */
  DEFAULT = 'default',
  /** Every service routes to v1 (the tutorials' first step). */
  ALL_V1 = 'all-v1',
  /** Requests with the header `end-user: jason` (log in as jason) see reviews v2; others v1. */
  JASON_V2 = 'jason-v2',
  /** reviews 50/50 between v1 and v3 (traffic shifting). */
  REVIEWS_50_50_V3 = 'reviews-50-v3',
  /** reviews 80/20 between v1 and v2 (canary). */
  REVIEWS_80_20 = 'reviews-80-20',
  /** reviews 90/10 between v1 and v2 (canary). */
  REVIEWS_90_10 = 'reviews-90-10',
  /** All reviews traffic to v3. */
  REVIEWS_V3 = 'reviews-v3',
  /** jason sees reviews v2, and ratings answers jason after a 7s injected delay. */
  RATINGS_DELAY = 'ratings-delay',
  /** jason sees reviews v2, and ratings answers jason with an injected HTTP 500. */
  RATINGS_ABORT = 'ratings-abort',
  /**
   * The routing of DEFAULT, with PERMISSIVE mutual TLS for the bookinfo namespace: sidecars
   * also accept plain text, the tutorials' migration step. Every other scenario is STRICT.
   */
  PERMISSIVE = 'permissive',
}

/** Every scenario name, for messages and tests. */
export const SCENARIOS: string[] = Object.values(Scenario);

/** Parses a scenario name, failing with the valid names. */
export function parseScenario(value: string | undefined, source: string): Scenario {
  if (value === undefined || value === '') return Scenario.DEFAULT;
  if (!SCENARIOS.includes(value)) {
    throw new Error(`${source} ${JSON.stringify(value)} is invalid: must be one of ${SCENARIOS.join(', ')}`);
  }
  return value as Scenario;
}
