import { Duration } from 'cdk8s';
import { ComputeResources } from '../compute-resources';
import { CniProvider } from '../istio-cni';
import { renderInjectionConfig, renderInjectionValues } from './render';

/** Whether pods are injected unless they opt out, or only when they opt in. */
export enum InjectionPolicy {
  /** Inject every pod of an injection-enabled namespace unless it sets `sidecar.istio.io/inject: "false"`. */
  ENABLED = 'enabled',
  /** Inject only pods that set `sidecar.istio.io/inject: "true"`. */
  DISABLED = 'disabled',
}

/** Operator of a label-selector requirement. */
export enum InjectionSelectorOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One requirement of an {@link InjectionSelector}. */
export interface InjectionSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** How the label is compared. */
  readonly operator: InjectionSelectorOperator;
  /**
   * Values for `In` and `NotIn`; must be empty for `Exists` and `DoesNotExist`.
   *
   * @default - none
   */
  readonly values?: string[];
}

/** A Kubernetes label selector on pods, as the injector's always/never-inject lists hold. */
export interface InjectionSelector {
  /** @default - no label equality requirements */
  readonly matchLabels?: Record<string, string>;
  /** @default - no set-based requirements */
  readonly matchExpressions?: InjectionSelectorRequirement[];
}

/** Image pull policy of injected containers. */
export enum InjectionImagePullPolicy {
  ALWAYS = 'Always',
  IF_NOT_PRESENT = 'IfNotPresent',
  NEVER = 'Never',
}

/**
 * Everything the sidecar injector of one istiod revision is configured with: the injection
 * policy and selectors (the `config` key of ConfigMap `istio-sidecar-injector`) and the
 * installation values its templates read (the `values` key).
 */
export interface SidecarInjectorOptions {
  // ---- injection policy (config) ----

  /** @default InjectionPolicy.ENABLED */
  readonly policy?: InjectionPolicy;
  /**
   * Templates applied to a pod that names none in `inject.istio.io/templates`.
   *
   * @default ['sidecar']
   */
  readonly defaultTemplates?: string[];
  /**
   * Pods matching any of these are injected even when the policy is `disabled`.
   *
   * @default - none
   */
  readonly alwaysInjectSelector?: InjectionSelector[];
  /**
   * Pods matching any of these are never injected.
   *
   * @default - none
   */
  readonly neverInjectSelector?: InjectionSelector[];
  /**
   * Annotations added to every injected pod.
   *
   * @default - none
   */
  readonly injectedAnnotations?: Record<string, string>;
  /**
   * Template aliases: a name a pod may request that stands for a list of templates.
   *
   * @default - none
   */
  readonly aliases?: Record<string, string[]>;
  /**
   * Additional Go templates, by name, that pods can request with `inject.istio.io/templates`.
   * They cannot replace the library's own templates: `sidecar`, `gateway`, `grpc-simple`,
   * `grpc-agent`, `waypoint`, `kube-gateway` and `agentgateway`.
   *
   * @default - none
   */
  readonly customTemplates?: Record<string, string>;

  // ---- installation values ----

  /** @default 'docker.io/istio' */
  readonly hub?: string;
  /** @default '1.30.3' */
  readonly tag?: string;
  /**
   * Image variant such as `distroless`.
   *
   * @default - the default image
   */
  readonly variant?: string;
  /** @default - the default revision */
  readonly revision?: string;
  /** @default 'istio-system' */
  readonly istioNamespace?: string;
  /**
   * Address of the certificate authority, when it is not istiod.
   *
   * @default - istiod of this revision, `istiod[-<revision>].<istioNamespace>.svc:15012`
   */
  readonly caAddress?: string;
  /** @default - requests 100m CPU and 128Mi; limits 2000m CPU and 1024Mi */
  readonly proxyResources?: ComputeResources;
  /**
   * Resources of the waypoint proxies istiod deploys for Gateways of class `istio-waypoint`.
   *
   * @default - requests 100m CPU and 128Mi; limits 2 CPUs and 1Gi
   */
  readonly waypointResources?: ComputeResources;
  /**
   * Start application containers only once the proxy is ready.
   *
   * @default false
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /**
   * Whether the Istio CNI plugin sets up traffic redirection (the init container then only validates it).
   *
   * @default false
   */
  readonly cniEnabled?: boolean;
  /**
   * How the Istio CNI plugin is attached; with Multus, injected pods request its network.
   *
   * @default CniProvider.DEFAULT
   */
  readonly cniProvider?: CniProvider;
  /** @default - Kubernetes decides */
  readonly imagePullPolicy?: InjectionImagePullPolicy;
  /** @default - none */
  readonly imagePullSecrets?: string[];
  /** Envoy log level. @default 'warning' */
  readonly proxyLogLevel?: string;
  /** Envoy per-component log levels. @default 'misc:error' */
  readonly proxyComponentLogLevel?: string;
  /** pilot-agent log levels. @default 'default:info' */
  readonly agentLogLevel?: string;
  /** @default false */
  readonly logAsJson?: boolean;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default - the trust domain */
  readonly meshId?: string;
  /** @default - the mesh config's trust domain */
  readonly trustDomain?: string;
  /** @default - the cluster's default network */
  readonly network?: string;
  /** @default 'Kubernetes' */
  readonly clusterName?: string;
  /**
   * Outbound destinations captured by the sidecar: `*` or comma-separated CIDR blocks.
   *
   * @default '*'
   */
  readonly includeOutboundIpRanges?: string;
  /** @default - none */
  readonly excludeOutboundIpRanges?: string;
  /** Inbound ports captured: `*` or a comma-separated list. @default '*' */
  readonly includeInboundPorts?: string;
  /** @default - none */
  readonly excludeInboundPorts?: string;
  /** @default - all */
  readonly includeOutboundPorts?: string;
  /** @default - none */
  readonly excludeOutboundPorts?: string;
  /**
   * pilot-agent's status port; 0 turns the readiness and startup probes off.
   *
   * @default 15020
   */
  readonly statusPort?: number;
  /** @default Duration.seconds(0) */
  readonly readinessInitialDelay?: Duration;
  /** @default Duration.seconds(15) */
  readonly readinessPeriod?: Duration;
  /** @default 4 */
  readonly readinessFailureThreshold?: number;
  /**
   * Probe startup every second up to this many times; 0 turns the startup probe off.
   *
   * @default 600
   */
  readonly startupProbeFailureThreshold?: number;
  /** Run the proxy privileged. @default false */
  readonly privileged?: boolean;
  /**
   * Rewrite application HTTP probes to go through pilot-agent, so they work under strict mTLS.
   *
   * @default true
   */
  readonly rewriteAppHttpProbes?: boolean;
  /** Program redirection with nftables instead of iptables. @default false */
  readonly nativeNftables?: boolean;
}

/**
 * The sidecar injector's ConfigMap data, generated by this library from its model of the
 * proxy and init containers.
 *
 * @example
 * const data = {
 *   config: SidecarInjectorTemplates.renderConfig({ holdApplicationUntilProxyStarts: true }),
 *   values: SidecarInjectorTemplates.renderValues({ holdApplicationUntilProxyStarts: true }),
 * };
 */
export class SidecarInjectorTemplates {
  /** The `config` key of ConfigMap `istio-sidecar-injector`: policy, selectors and templates (YAML). */
  public static renderConfig(options: SidecarInjectorOptions = {}): string {
    return renderInjectionConfig(options);
  }

  /** The `values` key of ConfigMap `istio-sidecar-injector`: the values the templates read (JSON). */
  public static renderValues(options: SidecarInjectorOptions = {}): string {
    return renderInjectionValues(options);
  }

  private constructor() {}
}
