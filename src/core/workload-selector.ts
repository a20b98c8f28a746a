import { IConstruct } from 'constructs';
import { IPodWorkload } from './kube-refs';
import { check, fail, validateLabels } from './validation';

/**
 * Selects the pods an Istio resource applies to, by label.
 *
 * @example
 * WorkloadSelector.fromLabels({ app: 'reviews' });
 * WorkloadSelector.fromWorkload(reviewsDeployment);
 */
export class WorkloadSelector {
  /**
   * Selects pods carrying all of these labels.
   */
  public static fromLabels(labels: Record<string, string>): WorkloadSelector {
    return new WorkloadSelector(() => ({ ...labels }), 'fromLabels');
  }

  /**
   * Selects the pods of a workload (Deployment, StatefulSet, DaemonSet, Job of any cdk8s-plus
   * 2.x version, `cdk8s-plus-27` to `cdk8s-plus-33`), with
   * the same labels the workload's own selector matches. Resolved at synth time, so later
   * changes to the workload are followed.
   */
  public static fromWorkload(workload: IPodWorkload): WorkloadSelector {
    return new WorkloadSelector(() => ({ ...workload.matchLabels }), `fromWorkload(${workload.node.path})`);
  }

  private constructor(
    private readonly produce: () => Record<string, string>,
    private readonly description: string,
    private readonly policySelector = false,
  ) {}

  /**
   * The same selection, validated as Istio validates the selector of a policy
   * (PeerAuthentication, AuthorizationPolicy, RequestAuthentication, Telemetry).
   * @internal
   */
  public _asPolicySelector(): WorkloadSelector {
    return new WorkloadSelector(this.produce, this.description, true);
  }

  /**
   * The selected labels, validated.
   * @internal
   */
  public _labels(scope: IConstruct, field: string, policySelector = this.policySelector): Record<string, string> {
    const labels = this.produce();
    if (policySelector) {
      // Istio's policy selectors (PeerAuthentication, AuthorizationPolicy,
      // RequestAuthentication, Telemetry): the CRD only rejects empty keys, "*" and values
      // over 63 characters; an empty selector is a warning in Istio, not an error.
      for (const [key, value] of Object.entries(labels)) {
        check(key !== '' && !key.includes('*'), scope, `${field} key`, key, 'a selector label key must be non-empty and may not contain "*"');
        check(typeof value === 'string' && value.length <= 63 && !value.includes('*'), scope, `${field}[${JSON.stringify(key)}]`, value,
          'a selector label value is a string of at most 63 characters without "*"');
      }
      return labels;
    }
    if (Object.keys(labels).length === 0) {
      fail(scope, field, `WorkloadSelector.${this.description}`, 'selects no labels; give at least one label, or leave the selector out to select every workload in the namespace');
    }
    validateLabels(scope, field, labels);
    return labels;
  }
}
