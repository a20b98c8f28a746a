import { IConstruct } from 'constructs';
import { setConflictSeverity } from './mtls-conflict';

/**
 * How a synth-time mTLS conflict is reported: a DestinationRule that sends plain text
 * (`tls.mode: DISABLE`) to workloads that a PeerAuthentication makes STRICT. Clients then
 * fail with "connection reset by peer"; `istioctl analyze` reports it as IST0113.
 */
export enum MtlsConflictSeverity {
  /** Fail the synthesis (the default). */
  ERROR = 'ERROR',
  /** Print a warning on stderr and carry on. */
  WARNING = 'WARNING',
  /** Do not check. */
  IGNORE = 'IGNORE',
}

/**
 * Configures the synth-time check for mTLS conflicts between DestinationRules and
 * PeerAuthentications.
 *
 * @example
 * MtlsConflictCheck.setSeverity(app, MtlsConflictSeverity.WARNING);
 */
export class MtlsConflictCheck {
  /**
   * Sets how conflicts are reported for PeerAuthentications in `scope` (an App, a Chart or
   * any construct above them). The setting nearest to a PeerAuthentication wins.
   */
  public static setSeverity(scope: IConstruct, severity: MtlsConflictSeverity): void {
    setConflictSeverity(scope, severity);
  }

  private constructor() {}
}
