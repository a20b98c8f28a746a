import { IConstruct } from 'constructs';
import { IPodWorkload } from '../core/kube-refs';
import { fail, validateLabels } from '../core/validation';

/**
 * A gateway deployment (Envoy pods) that Gateway resources can be attached to, such as the
 * ingress or egress gateway a mesh installation creates.
 */
export interface IGatewayWorkload {
  /**
   * The labels of the gateway's pods that a Gateway's `selector` matches
   * (e.g. `{ istio: 'ingressgateway' }`).
   */
  readonly selectorLabels: Record<string, string>;
}

/**
 * Selects the gateway pods a Gateway configures.
 *
 * @example
 * GatewaySelector.ISTIO_INGRESS;
 * GatewaySelector.fromGatewayWorkload(mesh.ingressGateway);
 * GatewaySelector.fromLabels({ app: 'my-gateway-controller' });
 */
export class GatewaySelector {
  /**
   * The ingress gateway of Istio's default installation (`istio: ingressgateway`).
   */
  public static readonly ISTIO_INGRESS = GatewaySelector.fromLabels({ istio: 'ingressgateway' });

  /**
   * The egress gateway of Istio's default installation (`istio: egressgateway`).
   */
  public static readonly ISTIO_EGRESS = GatewaySelector.fromLabels({ istio: 'egressgateway' });

  /**
   * Selects pods carrying all of these labels.
   */
  public static fromLabels(labels: Record<string, string>): GatewaySelector {
    const copy = { ...labels };
    return new GatewaySelector(() => copy, `fromLabels(${JSON.stringify(copy)})`, true);
  }

  /**
   * Selects a gateway installed by this app (or any object that knows its pod labels).
   * Resolved at synth time.
   */
  public static fromGatewayWorkload(workload: IGatewayWorkload): GatewaySelector {
    return new GatewaySelector(() => ({ ...workload.selectorLabels }), 'fromGatewayWorkload', false);
  }

  /**
   * Selects the pods of a workload (of any cdk8s-plus 2.x version) running a gateway proxy, with the labels the
   * workload's own selector matches. Resolved at synth time.
   */
  public static fromWorkload(workload: IPodWorkload): GatewaySelector {
    return new GatewaySelector(() => ({ ...workload.matchLabels }), `fromWorkload(${workload.node.path})`, false);
  }

  private constructor(
    private readonly produce: () => Record<string, string>,
    private readonly description: string,
    /** Whether the labels are known now (so they can be validated at construction). */
    private readonly isStatic: boolean,
  ) {}

  /**
   * Validates the labels now when they are already known. Internal.
   * @internal
   */
  public _validateEarly(scope: IConstruct, field: string): void {
    if (this.isStatic) this._labels(scope, field);
  }

  /**
   * The selected labels, validated.
   * @internal
   */
  public _labels(scope: IConstruct, field: string): Record<string, string> {
    const labels = this.produce();
    if (Object.keys(labels).length === 0) {
      fail(scope, field, `GatewaySelector.${this.description}`,
        'selects no labels; a Gateway must select its gateway pods, e.g. GatewaySelector.ISTIO_INGRESS');
    }
    validateLabels(scope, field, labels);
    return labels;
  }
}
