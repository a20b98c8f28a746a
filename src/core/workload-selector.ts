import { IConstruct } from 'constructs';
import { IPodWorkload } from './kube-refs';
import { fail, validateLabels } from './validation';

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

  private constructor(private readonly produce: () => Record<string, string>, private readonly description: string) {}

  /**
   * The selected labels, validated.
   * @internal
   */
  public _labels(scope: IConstruct, field: string): Record<string, string> {
    const labels = this.produce();
    if (Object.keys(labels).length === 0) {
      fail(scope, field, `WorkloadSelector.${this.description}`, 'selects no labels; give at least one label, or leave the selector out to select every workload in the namespace');
    }
    validateLabels(scope, field, labels);
    return labels;
  }
}
