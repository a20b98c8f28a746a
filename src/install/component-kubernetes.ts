/**
 * The Kubernetes settings of an installed component (istiod, a gateway, istio-cni, ztunnel):
 * scheduling, pod and container settings, identity, autoscaling, disruption budget, rollout and
 * Service — what IstioOperator's `components.<name>.k8s` and the Helm charts' values set.
 * Mesh-wide defaults go on the mesh (`IstioMeshProps.components`); a component's own options
 * override them field by field. The DaemonSets (istio-cni, ztunnel) take the workload settings
 * only (`WorkloadKubernetesOptions`, `resolveDaemonSetOptions`).
 *
 * The `apply*` functions lay the options over the objects a component renders, so a new
 * component takes them by calling them on its Deployment or DaemonSet.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import {
  check, compact, fail, validateDnsLabel, validateInteger, validateIpOrCidr, validateLabelKey, validateLabels, validateResourceName,
} from '../core/validation';

/** A node selector term: every query must hold (a `nodeSelectorTerms` entry). */
export interface NodeSelectorTerm {
  /** Label queries on the node, e.g. `kplus.NodeLabelQuery.in('kubernetes.io/arch', ['amd64'])`. */
  readonly labels: kplus.NodeLabelQuery[];
}

/** A node selector term the scheduler prefers, with its weight. */
export interface WeightedNodeSelectorTerm extends NodeSelectorTerm {
  /** Weight of the preference, 1–100. */
  readonly weight: number;
}

/** Pods that this component's pods should run near (affinity) or away from (anti-affinity). */
export interface PodAffinityTerm {
  /** The domain that counts as "near": a node, a zone, a region. */
  readonly topology: kplus.Topology;
  /** Labels the other pods carry. @default - the component's own selector labels */
  readonly labels?: Record<string, string>;
  /** Label expressions the other pods match. @default - none */
  readonly expressions?: kplus.LabelExpression[];
  /** Namespaces of the other pods. @default - the component's namespace */
  readonly namespaces?: string[];
}

/** A pod (anti-)affinity term the scheduler prefers, with its weight. */
export interface WeightedPodAffinityTerm extends PodAffinityTerm {
  /** Weight of the preference, 1–100. */
  readonly weight: number;
}

/** Where the scheduler places the component's pods: the Kubernetes `affinity` of the pod. */
export interface ComponentAffinity {
  /** The node must match one of these terms. @default - any node */
  readonly requiredNodeTerms?: NodeSelectorTerm[];
  /** Nodes matching these terms are preferred. @default - none */
  readonly preferredNodeTerms?: WeightedNodeSelectorTerm[];
  /** Run in the same domain as these pods. @default - none */
  readonly requiredPodAffinity?: PodAffinityTerm[];
  /** Prefer the same domain as these pods. @default - none */
  readonly preferredPodAffinity?: WeightedPodAffinityTerm[];
  /** Never run in the same domain as these pods. @default - none */
  readonly requiredPodAntiAffinity?: PodAffinityTerm[];
  /** Avoid the domain of these pods, e.g. the component's own pods across zones. @default - none */
  readonly preferredPodAntiAffinity?: WeightedPodAffinityTerm[];
}

/** What the scheduler does with a pod that would break a spread constraint. */
export enum UnsatisfiableSpread {
  /** Keep the pod pending. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
  /** Schedule it anyway, preferring domains that reduce the skew. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
}

/** How the component's pods spread across a topology (a `topologySpreadConstraints` entry). */
export interface TopologySpread {
  /** The domains to spread across. */
  readonly topology: kplus.Topology;
  /** Largest allowed difference of pod counts between two domains. @default 1 */
  readonly maxSkew?: number;
  /** What to do when the constraint cannot be met. @default UnsatisfiableSpread.SCHEDULE_ANYWAY */
  readonly whenUnsatisfiable?: UnsatisfiableSpread;
  /** Labels of the pods counted. @default - the component's own selector labels */
  readonly labels?: Record<string, string>;
  /** Fewest eligible domains (only with DO_NOT_SCHEDULE). @default - not set */
  readonly minDomains?: number;
}

/** The kind of seccomp profile of a pod. */
export enum SeccompProfileType {
  /** The container runtime's default profile. */
  RUNTIME_DEFAULT = 'RuntimeDefault',
  /** No seccomp filtering. */
  UNCONFINED = 'Unconfined',
  /** A profile file on the node (`localhostProfile`). */
  LOCALHOST = 'Localhost',
}

/** A kernel parameter set for the pod (`securityContext.sysctls`). */
export interface PodSysctl {
  /** Name, e.g. `net.ipv4.ip_unprivileged_port_start`. */
  readonly name: string;
  /** Value, as a string. */
  readonly value: string;
}

/** The pod-level `securityContext`. Each field set replaces the component's own. */
export interface PodSecurityOptions {
  /** User the containers run as. @default - the component's */
  readonly runAsUser?: number;
  /** Group the containers run as. @default - the component's */
  readonly runAsGroup?: number;
  /** Refuse to start containers running as root. @default - the component's */
  readonly runAsNonRoot?: boolean;
  /** Group that owns mounted volumes. @default - not set */
  readonly fsGroup?: number;
  /** Extra groups of the containers' processes. @default - none */
  readonly supplementalGroups?: number[];
  /** Kernel parameters of the pod. @default - none */
  readonly sysctls?: PodSysctl[];
  /** Seccomp profile of the pod. @default - not set */
  readonly seccompProfile?: SeccompProfileType;
  /** File of a `LOCALHOST` seccomp profile, relative to the kubelet's profile directory. @default - not set */
  readonly seccompLocalhostProfile?: string;
}

/** A volume added to the pod and mounted into the component's container. */
export interface ComponentVolume {
  /** The volume, e.g. `kplus.Volume.fromSecret(scope, 'Certs', secret)`. */
  readonly volume: kplus.Volume;
  /** Where the container sees it. */
  readonly mountPath: string;
  /** Mount it read-only. @default false */
  readonly readOnly?: boolean;
  /** Mount only this path of the volume. @default - the whole volume */
  readonly subPath?: string;
}

/** A rolling update: how many pods may be added or missing while the component rolls out. */
export interface RollingUpdateOptions {
  /** Pods created above the desired count. @default - the component's (istiod and gateways: 100%) */
  readonly maxSurge?: kplus.PercentOrAbsolute;
  /** Pods unavailable below the desired count. @default - the component's (istiod and gateways: 25%) */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
}

/** How many pods a voluntary disruption (a node drain) must leave: a PodDisruptionBudget. */
export class DisruptionBudget {
  /** At least this many pods stay available. */
  public static minAvailable(pods: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', pods);
  }

  /** At least this percentage of the pods stays available. */
  public static minAvailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', `${percent}%`);
  }

  /** At most this many pods are unavailable. */
  public static maxUnavailable(pods: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', pods);
  }

  /** At most this percentage of the pods is unavailable. */
  public static maxUnavailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', `${percent}%`);
  }

  private constructor(private readonly field: 'minAvailable' | 'maxUnavailable', private readonly amount: number | string) {}

  /** @internal */
  public _validate(scope: IConstruct | undefined, field: string): void {
    if (typeof this.amount === 'number') {
      validateInteger(scope, `${field}.${this.field}`, this.amount, 0);
    } else {
      const percent = Number(this.amount.slice(0, -1));
      check(Number.isInteger(percent) && percent >= 0 && percent <= 100, scope, `${field}.${this.field}`, this.amount,
        'must be a whole percentage from 0 to 100');
    }
  }

  /** @internal */
  public _toKube(): Record<string, number | string> {
    return { [this.field]: this.amount };
  }
}

/** Whether a Service sends a client's connections to the same pod. */
export enum SessionAffinity {
  /** No stickiness. */
  NONE = 'None',
  /** Connections from one client IP go to the same pod. */
  CLIENT_IP = 'ClientIP',
}

/** An IP family of a Service. */
export enum IpFamily {
  IPV4 = 'IPv4',
  IPV6 = 'IPv6',
}

/** How a Service uses the cluster's IP families. */
export enum IpFamilyPolicy {
  SINGLE_STACK = 'SingleStack',
  PREFER_DUAL_STACK = 'PreferDualStack',
  REQUIRE_DUAL_STACK = 'RequireDualStack',
}

/** Settings of the component's Service. */
export interface ComponentServiceOptions {
  /** Annotations of the Service, e.g. cloud load-balancer settings. @default - none */
  readonly annotations?: Record<string, string>;
  /** Address a LoadBalancer Service asks for (deprecated by Kubernetes, still honoured by most clouds). @default - assigned */
  readonly loadBalancerIp?: string;
  /** Load-balancer implementation, e.g. `service.k8s.aws/nlb`. @default - the cluster default */
  readonly loadBalancerClass?: string;
  /** Client stickiness. @default - Kubernetes default (None) */
  readonly sessionAffinity?: SessionAffinity;
  /** How long ClientIP stickiness lasts. @default - Kubernetes default (3 hours) */
  readonly sessionAffinityTimeout?: Duration;
  /** IP families of the Service. @default - the cluster default */
  readonly ipFamilies?: IpFamily[];
  /** How the Service uses the IP families. @default - the cluster default */
  readonly ipFamilyPolicy?: IpFamilyPolicy;
}

/**
 * Kubernetes settings of the pods of an installed component and of their controller, whether a
 * Deployment (istiod, gateways) or a DaemonSet (istio-cni, ztunnel): image, scheduling, pod and
 * container settings, identity and rollout. On the mesh (`components`) they are defaults for
 * every component; on a component they override the mesh's field by field (maps merge key by key).
 */
export interface WorkloadKubernetesOptions {
  /** Registry of this component's image. @default - the mesh's hub ("docker.io/istio") */
  readonly hub?: string;
  /** Tag of this component's image. @default - the mesh's tag ("1.30.3") */
  readonly tag?: string;
  /** When the kubelet pulls the image. @default - Kubernetes default */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /** Secrets, by name in the component's namespace, holding registry credentials. @default - none */
  readonly imagePullSecrets?: string[];
  /** Nodes the pods may run on. @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default - the component's own */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /** Node and pod affinity. @default - none */
  readonly affinity?: ComponentAffinity;
  /** How the pods spread across nodes or zones. @default - none */
  readonly topologySpreadConstraints?: TopologySpread[];
  /** PriorityClass of the pods. @default - the cluster default */
  readonly priorityClassName?: string;
  /** Extra annotations of the pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Extra labels of the pods. @default - none */
  readonly podLabels?: Record<string, string>;
  /** The pod `securityContext`, including sysctls. @default - the component's own */
  readonly podSecurityContext?: PodSecurityOptions;
  /**
   * Extra environment variables from other sources: ConfigMap and Secret keys, pod fields,
   * resources (`kplus.EnvValue.fromSecretValue(...)`).
   *
   * @default - none
   */
  readonly envValues?: Record<string, kplus.EnvValue>;
  /** Environment variables from whole ConfigMaps or Secrets (`kplus.Env.fromConfigMap(...)`). @default - none */
  readonly envFrom?: kplus.EnvFrom[];
  /** Extra volumes, mounted into the component's container. @default - none */
  readonly volumes?: ComponentVolume[];
  /** Tuning of the readiness probe (its check stays the component's). @default - the component's */
  readonly readinessProbe?: kplus.ProbeOptions;
  /** The rolling update of the Deployment or DaemonSet. @default - the component's */
  readonly rollingUpdate?: RollingUpdateOptions;
  /** Annotations of the ServiceAccount, e.g. `eks.amazonaws.com/role-arn` or `iam.gke.io/gcp-service-account`. @default - none */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/**
 * Kubernetes settings of an installed component that runs as a Deployment (istiod, a gateway):
 * the workload settings, plus its autoscaler, disruption budget and Service. On the mesh they
 * are defaults for every component; on a component they override the mesh's field by field
 * (maps merge key by key). The DaemonSets (istio-cni, ztunnel) take the workload settings only
 * and ignore the mesh's autoscaling, disruption budget and Service defaults.
 */
export interface ComponentKubernetesOptions extends WorkloadKubernetesOptions {
  /** The PodDisruptionBudget. @default - the component's (`minAvailable: 1` from two pods up) */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Metrics the HorizontalPodAutoscaler follows, e.g.
   * `kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(80))`.
   *
   * @default - CPU at the component's target utilisation
   */
  readonly autoscalingMetrics?: kplus.Metric[];
  /** How fast the autoscaler adds pods. @default - Kubernetes default */
  readonly autoscalingScaleUp?: kplus.ScalingRules;
  /** How fast the autoscaler removes pods. @default - Kubernetes default */
  readonly autoscalingScaleDown?: kplus.ScalingRules;
  /** Settings of the Service. @default - the component's */
  readonly service?: ComponentServiceOptions;
}

const MAP_FIELDS = ['nodeSelector', 'podAnnotations', 'podLabels', 'envValues', 'serviceAccountAnnotations'] as const;

/** `component` over `mesh`: a field the component sets wins; maps merge key by key. Internal. */
export function mergeComponentOptions(
  mesh: ComponentKubernetesOptions | undefined, component: ComponentKubernetesOptions,
): ComponentKubernetesOptions {
  if (!mesh) return component;
  const out: Record<string, unknown> = { ...mesh };
  for (const [key, value] of Object.entries(component)) if (value !== undefined) out[key] = value;
  for (const key of MAP_FIELDS) {
    if (mesh[key] || component[key]) out[key] = { ...mesh[key], ...component[key] };
  }
  if (mesh.service || component.service) {
    const service: Record<string, unknown> = { ...mesh.service };
    for (const [key, value] of Object.entries(component.service ?? {})) if (value !== undefined) service[key] = value;
    service.annotations = { ...mesh.service?.annotations, ...component.service?.annotations };
    out.service = service;
  }
  return out as ComponentKubernetesOptions;
}

const IMAGE_PART = /^[^\s/:@][^\s]*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function validateWeight(scope: IConstruct | undefined, field: string, weight: number): void {
  validateInteger(scope, field, weight, 1, 100);
}

/** Throws for what the API server would reject in the options. Internal. */
export function validateComponentOptions(scope: IConstruct | undefined, prefix: string, o: ComponentKubernetesOptions): void {
  const f = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (o.hub !== undefined) check(o.hub.length > 0 && !/\s/.test(o.hub), scope, f('hub'), o.hub, 'must be an image registry and path such as "docker.io/istio"');
  if (o.tag !== undefined) check(IMAGE_PART.test(o.tag) && !o.tag.includes('/'), scope, f('tag'), o.tag, 'must be an image tag such as "1.30.3"');
  o.imagePullSecrets?.forEach((name, i) => validateResourceName(scope, f(`imagePullSecrets[${i}]`), name));
  validateLabels(scope, f('nodeSelector'), o.nodeSelector);
  validateLabels(scope, f('podLabels'), o.podLabels);
  for (const key of Object.keys(o.podAnnotations ?? {})) validateLabelKey(scope, f('podAnnotations'), key);
  for (const key of Object.keys(o.serviceAccountAnnotations ?? {})) validateLabelKey(scope, f('serviceAccountAnnotations'), key);
  for (const key of Object.keys(o.service?.annotations ?? {})) validateLabelKey(scope, f('service.annotations'), key);
  validateResourceName(scope, f('priorityClassName'), o.priorityClassName);
  const a = o.affinity;
  if (a) {
    a.requiredNodeTerms?.forEach((t, i) => check(t.labels.length > 0, scope, f(`affinity.requiredNodeTerms[${i}].labels`), t.labels, 'a node selector term needs at least one query'));
    a.preferredNodeTerms?.forEach((t, i) => validateWeight(scope, f(`affinity.preferredNodeTerms[${i}].weight`), t.weight));
    for (const [key, terms] of Object.entries({
      requiredPodAffinity: a.requiredPodAffinity,
      preferredPodAffinity: a.preferredPodAffinity,
      requiredPodAntiAffinity: a.requiredPodAntiAffinity,
      preferredPodAntiAffinity: a.preferredPodAntiAffinity,
    })) {
      (terms ?? []).forEach((t, i) => {
        validateLabels(scope, f(`affinity.${key}[${i}].labels`), t.labels);
        t.namespaces?.forEach((ns, j) => validateDnsLabel(scope, f(`affinity.${key}[${i}].namespaces[${j}]`), ns));
        if ('weight' in t) validateWeight(scope, f(`affinity.${key}[${i}].weight`), (t as WeightedPodAffinityTerm).weight);
      });
    }
  }
  o.topologySpreadConstraints?.forEach((t, i) => {
    validateInteger(scope, f(`topologySpreadConstraints[${i}].maxSkew`), t.maxSkew, 1);
    validateInteger(scope, f(`topologySpreadConstraints[${i}].minDomains`), t.minDomains, 1);
    if (t.minDomains !== undefined) {
      check(t.whenUnsatisfiable === UnsatisfiableSpread.DO_NOT_SCHEDULE, scope, f(`topologySpreadConstraints[${i}].minDomains`), t.minDomains,
        'minDomains needs whenUnsatisfiable: UnsatisfiableSpread.DO_NOT_SCHEDULE');
    }
    validateLabels(scope, f(`topologySpreadConstraints[${i}].labels`), t.labels);
  });
  const sc = o.podSecurityContext;
  if (sc) {
    for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) validateInteger(scope, f(`podSecurityContext.${key}`), sc[key], 0);
    sc.supplementalGroups?.forEach((g, i) => validateInteger(scope, f(`podSecurityContext.supplementalGroups[${i}]`), g, 0));
    sc.sysctls?.forEach((s, i) => check(/^[a-z0-9]([-_a-z0-9]*[a-z0-9])?([./][a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/.test(s.name),
      scope, f(`podSecurityContext.sysctls[${i}].name`), s.name, 'must be a kernel parameter name such as "net.ipv4.ip_unprivileged_port_start"'));
    check((sc.seccompProfile === SeccompProfileType.LOCALHOST) === (sc.seccompLocalhostProfile !== undefined), scope,
      f('podSecurityContext.seccompLocalhostProfile'), sc.seccompLocalhostProfile,
      'is required with SeccompProfileType.LOCALHOST and only allowed with it');
  }
  for (const name of Object.keys(o.envValues ?? {})) {
    check(ENV_NAME.test(name), scope, f('envValues'), name, 'an environment variable name is letters, digits, "_", "-" and ".", not starting with a digit');
  }
  o.volumes?.forEach((v, i) => {
    check(v.mountPath.startsWith('/') && !v.mountPath.includes(':'), scope, f(`volumes[${i}].mountPath`), v.mountPath, 'must be an absolute path without ":"');
    if (v.subPath !== undefined) {
      check(!v.subPath.startsWith('/') && !v.subPath.split('/').includes('..'), scope, f(`volumes[${i}].subPath`), v.subPath, 'must be a relative path without ".."');
    }
  });
  const p = o.readinessProbe;
  if (p) {
    validateInteger(scope, f('readinessProbe.failureThreshold'), p.failureThreshold, 1);
    validateInteger(scope, f('readinessProbe.successThreshold'), p.successThreshold, 1, 1);
    for (const key of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds'] as const) seconds(scope, f(`readinessProbe.${key}`), p[key], key === 'initialDelaySeconds' ? 0 : 1);
  }
  for (const key of ['maxSurge', 'maxUnavailable'] as const) {
    const v = o.rollingUpdate?.[key]?.value;
    if (v === undefined) continue;
    if (typeof v === 'number') validateInteger(scope, f(`rollingUpdate.${key}`), v, 0);
    else check(/^\d+%$/.test(String(v)), scope, f(`rollingUpdate.${key}`), v, 'must be a whole percentage or a pod count');
  }
  if (o.rollingUpdate && o.rollingUpdate.maxSurge?.isZero() && o.rollingUpdate.maxUnavailable?.isZero()) {
    fail(scope, f('rollingUpdate'), 'maxSurge 0, maxUnavailable 0', 'maxSurge and maxUnavailable cannot both be zero');
  }
  o.disruptionBudget?._validate(scope, f('disruptionBudget'));
  if (o.autoscalingMetrics !== undefined) check(o.autoscalingMetrics.length > 0, scope, f('autoscalingMetrics'), o.autoscalingMetrics, 'must hold at least one metric');
  const s = o.service;
  if (s) {
    if (s.loadBalancerIp !== undefined) validateIpOrCidr(scope, f('service.loadBalancerIp'), s.loadBalancerIp);
    if (s.loadBalancerIp?.includes('/')) fail(scope, f('service.loadBalancerIp'), s.loadBalancerIp, 'must be an IP address, not a CIDR block');
    if (s.loadBalancerClass !== undefined) {
      check(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(s.loadBalancerClass),
        scope, f('service.loadBalancerClass'), s.loadBalancerClass, 'must be a label-style name such as "service.k8s.aws/nlb"');
    }
    if (s.sessionAffinityTimeout !== undefined) {
      check(s.sessionAffinity === SessionAffinity.CLIENT_IP, scope, f('service.sessionAffinityTimeout'), s.sessionAffinityTimeout.toHumanString(),
        'needs sessionAffinity: SessionAffinity.CLIENT_IP');
      const t = seconds(scope, f('service.sessionAffinityTimeout'), s.sessionAffinityTimeout, 1)!;
      check(t <= 86400, scope, f('service.sessionAffinityTimeout'), s.sessionAffinityTimeout.toHumanString(), 'must be at most 24 hours');
    }
    if (s.ipFamilies !== undefined) {
      check(s.ipFamilies.length >= 1 && s.ipFamilies.length <= 2 && new Set(s.ipFamilies).size === s.ipFamilies.length, scope,
        f('service.ipFamilies'), s.ipFamilies, 'must hold one or two different families');
      if (s.ipFamilies.length === 2) {
        check(s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== IpFamilyPolicy.SINGLE_STACK, scope, f('service.ipFamilyPolicy'),
          s.ipFamilyPolicy, 'two ipFamilies need PREFER_DUAL_STACK or REQUIRE_DUAL_STACK');
      }
    }
  }
}

function seconds(scope: IConstruct | undefined, field: string, d: Duration | undefined, min: number): number | undefined {
  if (d === undefined) return undefined;
  const s = d.toSeconds({ integral: false });
  check(Number.isInteger(s) && s >= min, scope, field, d.toHumanString(), `must be a whole number of seconds, at least ${min}`);
  return s;
}

/** `image` with its registry and tag replaced where the options set them. */
function retag(image: string, hub: string | undefined, tag: string | undefined): string {
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  const withoutTag = at > slash ? image.slice(0, at) : image;
  const currentTag = at > slash ? image.slice(at + 1) : 'latest';
  const name = withoutTag.slice(slash + 1);
  const currentHub = withoutTag.slice(0, slash);
  return `${hub ?? currentHub}/${name}:${tag ?? currentTag}`;
}

function podAffinityTerm(t: PodAffinityTerm, selector: Record<string, string>): Record<string, unknown> {
  return compact({
    labelSelector: compact({
      matchLabels: t.labels ?? (t.expressions?.length ? undefined : selector),
      matchExpressions: t.expressions?.length ? t.expressions.map(e => compact({ key: e.key, operator: e.operator, values: e.values })) : undefined,
    }),
    namespaces: t.namespaces,
    topologyKey: t.topology.key,
  });
}

/** The Kubernetes `affinity` of the options; `selector` is the component's own pod selector. Internal. */
export function renderAffinity(a: ComponentAffinity, selector: Record<string, string>): Record<string, unknown> {
  const nodeTerm = (t: NodeSelectorTerm) => ({ matchExpressions: t.labels.map(l => l._toKube()) });
  const required = (terms?: PodAffinityTerm[]) => terms?.length ? terms.map(t => podAffinityTerm(t, selector)) : undefined;
  const preferred = (terms?: WeightedPodAffinityTerm[]) => terms?.length
    ? terms.map(t => ({ weight: t.weight, podAffinityTerm: podAffinityTerm(t, selector) })) : undefined;
  const pod = (req?: PodAffinityTerm[], pref?: WeightedPodAffinityTerm[]) => {
    const out = compact({
      requiredDuringSchedulingIgnoredDuringExecution: required(req),
      preferredDuringSchedulingIgnoredDuringExecution: preferred(pref),
    });
    return Object.keys(out).length ? out : undefined;
  };
  const node = compact({
    requiredDuringSchedulingIgnoredDuringExecution: a.requiredNodeTerms?.length
      ? { nodeSelectorTerms: a.requiredNodeTerms.map(nodeTerm) } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: a.preferredNodeTerms?.length
      ? a.preferredNodeTerms.map(t => ({ weight: t.weight, preference: nodeTerm(t) })) : undefined,
  });
  return compact({
    nodeAffinity: Object.keys(node).length ? node : undefined,
    podAffinity: pod(a.requiredPodAffinity, a.preferredPodAffinity),
    podAntiAffinity: pod(a.requiredPodAntiAffinity, a.preferredPodAntiAffinity),
  });
}

function renderPodSecurity(sc: PodSecurityOptions): Record<string, unknown> {
  return compact({
    runAsUser: sc.runAsUser,
    runAsGroup: sc.runAsGroup,
    runAsNonRoot: sc.runAsNonRoot,
    fsGroup: sc.fsGroup,
    supplementalGroups: sc.supplementalGroups,
    sysctls: sc.sysctls?.map(s => ({ name: s.name, value: s.value })),
    seccompProfile: sc.seccompProfile ? compact({ type: sc.seccompProfile, localhostProfile: sc.seccompLocalhostProfile }) : undefined,
  });
}

/** A rendered pod template: `metadata` and `spec` as the Kubernetes API has them. Internal. */
export interface PodTemplateJson {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, any>;
}

/**
 * Lays the pod-level and container-level options over a rendered pod template (of a
 * Deployment or a DaemonSet): image, pull policy and secrets, scheduling, pod metadata and
 * security, extra env and volumes, readiness tuning. `container` names the component's main
 * container; `selector` is its pod selector (the default target of affinity and spread terms).
 * Internal.
 */
export function applyToPodTemplate(scope: IConstruct | undefined, field: string, template: PodTemplateJson, container: string,
  selector: Record<string, string>, o: ComponentKubernetesOptions): void {
  const f = (name: string) => (field ? `${field}.${name}` : name);
  const spec = template.spec;
  const c = (spec.containers as Array<Record<string, any>>).find(x => x.name === container);
  if (!c) throw new Error(`no container ${container} in the pod template`);
  if (o.hub !== undefined || o.tag !== undefined) c.image = retag(c.image, o.hub, o.tag);
  if (o.imagePullPolicy !== undefined) c.imagePullPolicy = o.imagePullPolicy;
  if (o.imagePullSecrets?.length) spec.imagePullSecrets = o.imagePullSecrets.map(name => ({ name }));
  if (o.nodeSelector && Object.keys(o.nodeSelector).length) spec.nodeSelector = { ...spec.nodeSelector, ...o.nodeSelector };
  if (o.tolerations?.length) {
    const existing: unknown[] = spec.tolerations ?? [];
    const seen = new Set(existing.map(t => JSON.stringify(t)));
    spec.tolerations = [...existing, ...o.tolerations.map(t => t._toKube()).filter(t => !seen.has(JSON.stringify(t)))];
  }
  if (o.affinity) {
    const affinity = renderAffinity(o.affinity, selector);
    if (Object.keys(affinity).length) spec.affinity = affinity;
  }
  if (o.topologySpreadConstraints?.length) {
    spec.topologySpreadConstraints = o.topologySpreadConstraints.map(t => compact({
      maxSkew: t.maxSkew ?? 1,
      minDomains: t.minDomains,
      topologyKey: t.topology.key,
      whenUnsatisfiable: t.whenUnsatisfiable ?? UnsatisfiableSpread.SCHEDULE_ANYWAY,
      labelSelector: { matchLabels: t.labels ?? selector },
    }));
  }
  if (o.priorityClassName !== undefined) spec.priorityClassName = o.priorityClassName;
  for (const [key, value] of Object.entries(o.podLabels ?? {})) {
    check(selector[key] === undefined || selector[key] === value, scope, f('podLabels'), `${key}=${value}`,
      `the pods are selected by ${key}=${selector[key]}; a pod label must not change it`);
  }
  if (o.podLabels && Object.keys(o.podLabels).length) template.metadata.labels = { ...template.metadata.labels, ...o.podLabels };
  if (o.podAnnotations && Object.keys(o.podAnnotations).length) {
    template.metadata.annotations = { ...template.metadata.annotations, ...o.podAnnotations };
  }
  if (o.podSecurityContext) spec.securityContext = { ...spec.securityContext, ...renderPodSecurity(o.podSecurityContext) };
  for (const [name, value] of Object.entries(o.envValues ?? {})) {
    const env: Array<Record<string, unknown>> = c.env ?? [];
    if (env.some(e => e.name === name)) fail(scope, f('envValues'), name, 'is set by the installation itself; use env to replace or add plain values');
    c.env = [...env, compact({ name, value: value.value, valueFrom: value.valueFrom })];
  }
  if (o.envFrom?.length) c.envFrom = [...(c.envFrom ?? []), ...o.envFrom.map(e => e._toKube())];
  o.volumes?.forEach((v, i) => {
    const volume = v.volume._toKube();
    const volumes: Array<Record<string, unknown>> = spec.volumes ?? [];
    if (volumes.some(x => x.name === volume.name)) {
      fail(scope, f(`volumes[${i}].volume`), volume.name, 'a volume with this name is already in the pod; give it another name');
    }
    spec.volumes = [...volumes, volume];
    c.volumeMounts = [...(c.volumeMounts ?? []), compact({ name: volume.name, mountPath: v.mountPath, readOnly: v.readOnly, subPath: v.subPath })];
  });
  const p = o.readinessProbe;
  if (p && c.readinessProbe) {
    c.readinessProbe = {
      ...c.readinessProbe,
      ...compact({
        failureThreshold: p.failureThreshold,
        initialDelaySeconds: p.initialDelaySeconds?.toSeconds(),
        periodSeconds: p.periodSeconds?.toSeconds(),
        successThreshold: p.successThreshold,
        timeoutSeconds: p.timeoutSeconds?.toSeconds(),
      }),
    };
  }
}

/** The `strategy` of a Deployment: the component's rolling update with the options over it. Internal. */
export function renderDeploymentStrategy(
  o: ComponentKubernetesOptions, maxSurge: string | number, maxUnavailable: string | number,
): Record<string, unknown> {
  return {
    rollingUpdate: {
      maxSurge: o.rollingUpdate?.maxSurge?.value ?? maxSurge,
      maxUnavailable: o.rollingUpdate?.maxUnavailable?.value ?? maxUnavailable,
    },
  };
}

/** The `metrics` and `behavior` of the component's HorizontalPodAutoscaler. Internal. */
export function renderAutoscaling(o: ComponentKubernetesOptions, targetCpu: number): Record<string, unknown> {
  const metrics = o.autoscalingMetrics?.map(m => m._toKube())
    ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: targetCpu } } }];
  const rules = (r: kplus.ScalingRules | undefined) => r && compact({
    stabilizationWindowSeconds: r.stabilizationWindow?.toSeconds(),
    selectPolicy: r.strategy,
    policies: r.policies?.map(p => ({ ...p.replicas._toKube(), periodSeconds: (p.duration ?? Duration.seconds(15)).toSeconds() })),
  });
  const behavior = compact({ scaleUp: rules(o.autoscalingScaleUp), scaleDown: rules(o.autoscalingScaleDown) });
  return compact({ metrics, behavior: Object.keys(behavior).length ? behavior : undefined });
}

/** The PodDisruptionBudget spec fields (`minAvailable` or `maxUnavailable`). Internal. */
export function renderDisruptionBudget(o: ComponentKubernetesOptions): Record<string, number | string> {
  return o.disruptionBudget?._toKube() ?? { minAvailable: 1 };
}

/** Lays the Service options over a rendered Service's metadata and spec. Internal. */
export function applyToService(metadata: Record<string, any>, spec: Record<string, any>, s: ComponentServiceOptions | undefined): void {
  if (!s) return;
  if (s.annotations && Object.keys(s.annotations).length) metadata.annotations = { ...metadata.annotations, ...s.annotations };
  Object.assign(spec, compact({
    loadBalancerIP: s.loadBalancerIp,
    loadBalancerClass: s.loadBalancerClass,
    sessionAffinity: s.sessionAffinity,
    sessionAffinityConfig: s.sessionAffinityTimeout ? { clientIP: { timeoutSeconds: s.sessionAffinityTimeout.toSeconds() } } : undefined,
    ipFamilies: s.ipFamilies,
    ipFamilyPolicy: s.ipFamilyPolicy,
  }));
}

/** Checks options that only make sense with a given Service type. Internal. */
export function validateServiceType(scope: IConstruct | undefined, field: string, type: string, s: ComponentServiceOptions | undefined): void {
  for (const key of ['loadBalancerIp', 'loadBalancerClass'] as const) {
    if (s?.[key] !== undefined) check(type === 'LoadBalancer', scope, field ? `${field}.service.${key}` : `service.${key}`, s[key], 'needs a LoadBalancer Service');
  }
}

const NO_AUTOSCALING = 'runs one pod per node and does not autoscale; size its pods with resources';

/** The component options a DaemonSet has no object for, and what to use instead. */
const DEPLOYMENT_ONLY: Record<string, string> = {
  disruptionBudget: 'runs one pod per node and has no PodDisruptionBudget; bound how many nodes lose it during a rollout with rollingUpdate.maxUnavailable',
  autoscalingMetrics: NO_AUTOSCALING,
  autoscalingScaleUp: NO_AUTOSCALING,
  autoscalingScaleDown: NO_AUTOSCALING,
  service: 'has no Service; remove service',
};

/** The resolved Kubernetes options of a node agent DaemonSet. Internal. */
export interface DaemonSetKubernetes {
  /** What `applyToPodTemplate` lays over the pod template. */
  readonly pod: WorkloadKubernetesOptions;
  /** The component's own tolerations, which replace its defaults. */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /** The DaemonSet's `updateStrategy`. */
  readonly updateStrategy: Record<string, unknown>;
}

/**
 * Resolves the Kubernetes options of a node agent DaemonSet (istio-cni, ztunnel): refuses the
 * options a DaemonSet has no object for, validates the component's own, and lays them over the
 * mesh's `components` defaults. The mesh's autoscaling, disruption budget and Service defaults
 * are for Deployments; its `priorityClassName` is for the control plane (node agents keep
 * `system-node-critical` unless their own option says otherwise); its tolerations add to the
 * agent's, while the agent's own replace them. Internal.
 */
export function resolveDaemonSetOptions(scope: IConstruct, prefix: string, daemonSet: string,
  mesh: ComponentKubernetesOptions | undefined, own: WorkloadKubernetesOptions,
  rollout: { maxSurge?: number; maxUnavailable?: number }): DaemonSetKubernetes {
  for (const [key, instead] of Object.entries(DEPLOYMENT_ONLY)) {
    const value = (own as Record<string, unknown>)[key];
    if (value !== undefined) fail(scope, `${prefix}.${key}`, typeof value === 'object' ? '(set)' : value, `${daemonSet} is a DaemonSet: it ${instead}`);
  }
  validateComponentOptions(scope, prefix, own);
  const defaults = mesh && Object.fromEntries(Object.entries(mesh)
    .filter(([key]) => !(key in DEPLOYMENT_ONLY) && key !== 'priorityClassName')) as WorkloadKubernetesOptions;
  const merged = mergeComponentOptions(defaults, own);
  return {
    pod: { ...merged, tolerations: own.tolerations ? undefined : defaults?.tolerations },
    tolerations: own.tolerations,
    updateStrategy: renderDaemonSetUpdateStrategy(scope, own.rollingUpdate || !defaults?.rollingUpdate ? `${prefix}.rollingUpdate` : 'components.rollingUpdate',
      merged, rollout),
  };
}

function isZero(v: string | number): boolean {
  return v === 0 || /^0+%$/.test(String(v));
}

/**
 * The `updateStrategy` of a DaemonSet. Kubernetes takes exactly one of maxSurge and
 * maxUnavailable above zero, each at most 100%; the one the options leave out is 0 when the other
 * is set, and the component's defaults stand when the options set neither. Internal.
 */
export function renderDaemonSetUpdateStrategy(scope: IConstruct, field: string, o: WorkloadKubernetesOptions,
  defaults: { maxSurge?: number; maxUnavailable?: number }): Record<string, unknown> {
  const r = o.rollingUpdate;
  if (!r || (r.maxSurge === undefined && r.maxUnavailable === undefined)) return { rollingUpdate: compact({ ...defaults }), type: 'RollingUpdate' };
  const maxSurge = r.maxSurge?.value ?? 0;
  const maxUnavailable = r.maxUnavailable?.value ?? 0;
  for (const [key, v] of Object.entries({ maxSurge, maxUnavailable })) {
    if (typeof v === 'string') check(Number(v.slice(0, -1)) <= 100, scope, `${field}.${key}`, v, 'a DaemonSet takes at most 100%');
  }
  check(isZero(maxSurge) !== isZero(maxUnavailable), scope, field, `maxSurge ${maxSurge}, maxUnavailable ${maxUnavailable}`,
    'a DaemonSet rolls out with exactly one of maxSurge (start the new pod first) and maxUnavailable (stop the old pod first) above zero');
  return { rollingUpdate: { maxSurge, maxUnavailable }, type: 'RollingUpdate' };
}
