import { ComponentKubernetesOptions } from './component-kubernetes';
import { ComputeResources } from './compute-resources';

/** How istiod scales with CPU load (a HorizontalPodAutoscaler). */
export interface IstiodAutoscalingOptions {
  /** Fewest pods. @default 1 */
  readonly minReplicas?: number;
  /** Most pods. @default 5 */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilisation, in percent of the CPU request, the autoscaler aims for. It may
   * exceed 100 when the limit is above the request.
   *
   * @default 80
   */
  readonly targetCpuUtilization?: number;
}

/** Settings of the istiod Deployment; the Kubernetes settings override the mesh's `components`. */
export interface IstiodOptions extends ComponentKubernetesOptions {
  /**
   * Scale istiod with a HorizontalPodAutoscaler. Set `false` for a fixed `replicas` count.
   *
   * @default - true, except in the demo profile
   */
  readonly autoscalingEnabled?: boolean;
  /** Bounds and target of the autoscaler. @default - 1 to 5 pods at 80% CPU */
  readonly autoscaling?: IstiodAutoscalingOptions;
  /** Number of pods when autoscaling is off. @default 1 */
  readonly replicas?: number;
  /** CPU and memory of the discovery container. @default - 500m CPU and 2048Mi requested (demo: 10m and 100Mi) */
  readonly resources?: ComputeResources;
  /**
   * Create a PodDisruptionBudget (`minAvailable: 1`). It is only created when istiod can run
   * more than one pod (autoscaling minimum or replicas above 1), as upstream does.
   *
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /**
   * Extra environment variables of the discovery container (`PILOT_*` feature flags). A name
   * that istiod already sets replaces that value.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;
  /** Percentage of requests traced (`PILOT_TRACE_SAMPLING`, 0–100). @default - 1 (demo: 100) */
  readonly traceSampling?: number;
  /** istiod's log levels (`--log_output_level`). @default "default:info" */
  readonly logLevel?: string;
  /** Kubernetes cluster DNS domain. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Cluster name in a multicluster mesh (`CLUSTER_ID`). @default "Kubernetes" */
  readonly clusterId?: string;
}
