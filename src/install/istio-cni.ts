import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  applyToPodTemplate, ComponentKubernetesOptions, DaemonSetKubernetes, PodTemplateJson, resolveDaemonSetOptions,
  WorkloadKubernetesOptions,
} from './component-kubernetes';
import { ComputeResources, renderComputeResources, validateComputeResources } from './compute-resources';
import { apiObject, commonLabels, InstallContext, revLabel, SyncWave } from './install-context';
import { check, validateDnsLabel } from '../core/validation';

/** How the Istio CNI plugin is chained into the node's network configuration. */
export enum CniProvider {
  /** Chained into the cluster's primary CNI configuration (most clusters). */
  DEFAULT = 'default',
  /** Attached as a Multus network (`k8s.v1.cni.cncf.io/networks: default/istio-cni`), as on OpenShift. */
  MULTUS = 'multus',
}

/**
 * Where a Kubernetes platform keeps its CNI plugins and network configuration, as Istio's
 * platform profiles (`--set values.global.platform=...`) set them for istio-cni.
 *
 * @example
 * new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT, cni: { platform: CniPlatform.K3S } });
 */
export class CniPlatform {
  /** Most clusters: plugins in `/opt/cni/bin`, configuration in `/etc/cni/net.d`, chained. */
  public static readonly DEFAULT = new CniPlatform('default', '/opt/cni/bin', '/etc/cni/net.d', true, CniProvider.DEFAULT);
  /**
   * Google Kubernetes Engine: plugins in `/home/kubernetes/bin`. GKE admits pods of the
   * `system-node-critical` priority class outside `kube-system` only under a ResourceQuota, so the
   * mesh adds `istio-cni-resource-quota` to the control-plane namespace.
   */
  public static readonly GKE = new CniPlatform('gke', '/home/kubernetes/bin', '/etc/cni/net.d', true, CniProvider.DEFAULT, true);
  /** k3s: plugins in `/var/lib/rancher/k3s/data/current/bin/`, configuration in `/var/lib/rancher/k3s/agent/etc/cni/net.d`. */
  public static readonly K3S = new CniPlatform('k3s', '/var/lib/rancher/k3s/data/current/bin/', '/var/lib/rancher/k3s/agent/etc/cni/net.d', true, CniProvider.DEFAULT);
  /**
   * OpenShift: plugins in `/var/lib/cni/bin`, configuration `istio-cni.conf` in
   * `/etc/cni/multus/net.d`, not chained but attached through Multus (injected pods request the
   * `default/istio-cni` network), and the agent runs as SELinux type `spc_t` to write there.
   */
  public static readonly OPENSHIFT = new CniPlatform('openshift', '/var/lib/cni/bin', '/etc/cni/multus/net.d', false, CniProvider.MULTUS, false,
    'istio-cni.conf', 'spc_t');

  /** Any other platform: the node's CNI plugin and configuration directories. The plugin is chained. */
  public static custom(binDir: string, confDir: string): CniPlatform {
    return new CniPlatform('custom', binDir, confDir, true, CniProvider.DEFAULT);
  }

  private constructor(
    /** The platform's name. */
    public readonly name: string,
    /** Directory of the CNI plugin binaries on the node. */
    public readonly binDir: string,
    /** Directory of the CNI network configuration on the node. */
    public readonly confDir: string,
    /** Whether the Istio plugin is chained into the primary configuration. */
    public readonly chained: boolean,
    /** How the plugin is attached. */
    public readonly provider: CniProvider,
    /** Whether the platform needs a ResourceQuota for node-critical pods outside kube-system. */
    public readonly resourceQuota: boolean = false,
    /** Name of the configuration file to write, when the platform needs a fixed one. */
    public readonly confFileName?: string,
    /** SELinux type the agent's container runs as, when the platform needs one. */
    public readonly seLinuxType?: string,
  ) {}
}

/**
 * Settings of the istio-cni node agent (DaemonSet `istio-cni-node`), which sets up traffic
 * redirection for sidecars (instead of the privileged `istio-init` container) and for ambient
 * workloads.
 *
 * The Kubernetes settings of a DaemonSet (scheduling, pod, image, identity, rollout) override the
 * mesh's `components` defaults. The agent keeps its own defaults where the mesh's would not fit
 * a node agent: it tolerates every NoSchedule and NoExecute taint and CriticalAddonsOnly (its
 * own `tolerations` replace these, the mesh's add to them), runs on `kubernetes.io/os: linux`
 * nodes (`nodeSelector` adds labels) and as `system-node-critical` (only its own
 * `priorityClassName` changes that). A DaemonSet has no autoscaler, PodDisruptionBudget or
 * Service: those options fail.
 */
export interface IstioCniOptions extends WorkloadKubernetesOptions {
  /**
   * Install istio-cni. With sidecars, injected pods then get the unprivileged
   * `istio-validation` init container instead of `istio-init` (NET_ADMIN, NET_RAW, root).
   *
   * @default - true in the ambient profile, false otherwise
   */
  readonly enabled?: boolean;
  /** Where the platform keeps CNI plugins and configuration. @default CniPlatform.DEFAULT */
  readonly platform?: CniPlatform;
  /** Namespaces whose pods the plugin leaves alone. @default ["kube-system"] */
  readonly excludeNamespaces?: string[];
  /** CPU and memory of the `install-cni` container. @default - 100m CPU and 100Mi requested */
  readonly resources?: ComputeResources;
  /** The agent's log levels (`--log_output_level`): a level or `scope:level` pairs. @default "info" */
  readonly logLevel?: string;
}

/** Resolved istio-cni settings. Internal. */
export interface IstioCniSettings {
  readonly ambient: boolean;
  readonly platform: CniPlatform;
  readonly excludeNamespaces: string[];
  readonly resources: ComputeResources;
  readonly k8s: DaemonSetKubernetes;
  readonly logLevel: string;
  readonly image: string;
}

/** `debug`, `info`, `warn`, `error` or `none`, alone or as comma-separated `scope:level` pairs. */
const ISTIO_LOG_LEVEL = /^((debug|info|warn|error|none)|[a-z-]+:(debug|info|warn|error|none)(,[a-z-]+:(debug|info|warn|error|none))*)$/;
const ABSOLUTE_PATH = /^\/[^\0\s]*$/;

/** The node tolerations of node agents: every NoSchedule and NoExecute taint, and CriticalAddonsOnly. */
export const NODE_AGENT_TOLERATIONS = [
  { effect: 'NoSchedule', operator: 'Exists' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { effect: 'NoExecute', operator: 'Exists' },
];

/** Validates the options and fills in the defaults. Internal. */
export function resolveCni(scope: Construct, o: IstioCniOptions, ambient: boolean, image: string,
  defaults?: ComponentKubernetesOptions): IstioCniSettings {
  const resolved = resolveDaemonSetOptions(scope, 'cni', 'istio-cni-node', defaults, o, { maxUnavailable: 1 });
  const field = (f: string) => `cni.${f}`;
  const platform = o.platform ?? CniPlatform.DEFAULT;
  check(platform instanceof CniPlatform, scope, field('platform'), platform, 'must be a CniPlatform such as CniPlatform.GKE or CniPlatform.custom(binDir, confDir)');
  check(ABSOLUTE_PATH.test(platform.binDir), scope, field('platform.binDir'), platform.binDir, 'must be an absolute path on the node, e.g. "/opt/cni/bin"');
  check(ABSOLUTE_PATH.test(platform.confDir), scope, field('platform.confDir'), platform.confDir, 'must be an absolute path on the node, e.g. "/etc/cni/net.d"');
  const excludeNamespaces = o.excludeNamespaces ?? ['kube-system'];
  excludeNamespaces.forEach((ns, i) => validateDnsLabel(scope, field(`excludeNamespaces[${i}]`), ns));
  validateComputeResources(scope, field('resources'), o.resources);
  if (o.logLevel !== undefined) {
    check(ISTIO_LOG_LEVEL.test(o.logLevel), scope, field('logLevel'), o.logLevel, 'must be a level (debug, info, warn, error, none) or comma-separated scope:level pairs, e.g. "cni:debug,ambient:info"');
  }
  return {
    ambient,
    platform,
    excludeNamespaces,
    resources: o.resources ?? { requests: { cpu: '100m', memory: '100Mi' } },
    k8s: resolved,
    logLevel: o.logLevel ?? 'info',
    image,
  };
}

/** The pods ambient mode captures: labelled `istio.io/dataplane-mode=ambient`, or in such a namespace unless they opt out with `none`. */
const AMBIENT_ENABLEMENT_SELECTOR = [
  '- podSelector:',
  '    matchLabels:',
  '      istio.io/dataplane-mode: ambient',
  '- namespaceSelector:',
  '    matchLabels:',
  '      istio.io/dataplane-mode: ambient',
  '  podSelector:',
  '    matchExpressions:',
  '    - key: istio.io/dataplane-mode',
  '      operator: NotIn',
  '      values:',
  '      - none',
].join('\n');

/**
 * The istio-cni node agent: its ServiceAccount, ConfigMap `istio-cni-config`, ClusterRoles and
 * bindings, and the DaemonSet `istio-cni-node` that installs the CNI plugin on every node.
 * Internal: created by `IstioMesh` (`cni` and the ambient profile).
 */
export class IstioCni extends Construct {
  /** The DaemonSet `istio-cni-node`. */
  public readonly daemonSet: ApiObject;
  /** The ConfigMap `istio-cni-config` the agent reads its settings from. */
  public readonly configMap: ApiObject;

  public constructor(scope: Construct, id: string, ctx: InstallContext, s: IstioCniSettings) {
    super(scope, id);
    const labels = (extra: Record<string, string> = { app: 'istio-cni' }) => ({
      ...extra,
      'istio.io/rev': revLabel(ctx),
      'operator.istio.io/component': 'Cni',
      ...commonLabels('istio-cni'),
    });
    const identity = (cid: string, kind: string, name: string, body: Record<string, unknown>, extraLabels?: Record<string, string>) =>
      apiObject(this, cid, ctx, SyncWave.IDENTITY, {
        apiVersion: kind === 'ServiceAccount' || kind === 'ConfigMap' || kind === 'ResourceQuota' ? 'v1' : 'rbac.authorization.k8s.io/v1',
        kind,
        name,
        namespaced: kind === 'ServiceAccount' || kind === 'ConfigMap' || kind === 'ResourceQuota',
        labels: labels(extraLabels),
        annotations: kind === 'ServiceAccount' ? s.k8s.pod.serviceAccountAnnotations : undefined,
        body,
      });
    const subjects = [{ kind: 'ServiceAccount', name: 'istio-cni', namespace: ctx.namespace }];
    const binding = (cid: string, name: string, role: string, extraLabels?: Record<string, string>) =>
      identity(cid, 'ClusterRoleBinding', name, { subjects, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role } }, extraLabels);

    identity('ServiceAccount', 'ServiceAccount', 'istio-cni', {});
    if (s.platform.resourceQuota) {
      identity('ResourceQuota', 'ResourceQuota', 'istio-cni-resource-quota', {
        spec: {
          hard: { pods: '5000' },
          scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] }] },
        },
      });
    }
    const data: Record<string, string> = {
      CURRENT_AGENT_VERSION: ctx.tag,
      AMBIENT_ENABLED: String(s.ambient),
      AMBIENT_ENABLEMENT_SELECTOR,
      AMBIENT_DNS_CAPTURE: 'true',
      AMBIENT_IPV6: 'true',
      AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
      ENABLE_AMBIENT_DETECTION_RETRY: 'false',
      ISTIO_OWNED_CNI_CONFIG: 'false',
      ...(s.platform.confFileName ? { CNI_CONF_NAME: s.platform.confFileName } : {}),
      CHAINED_CNI_PLUGIN: String(s.platform.chained),
      EXCLUDE_NAMESPACES: s.excludeNamespaces.join(','),
      REPAIR_ENABLED: 'true',
      REPAIR_LABEL_PODS: 'false',
      REPAIR_DELETE_PODS: 'false',
      REPAIR_REPAIR_PODS: 'true',
      REPAIR_INIT_CONTAINER_NAME: 'istio-validation',
      REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
      REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
      NATIVE_NFTABLES: 'false',
    };
    this.configMap = identity('ConfigMap', 'ConfigMap', 'istio-cni-config', { data });

    identity('ClusterRole', 'ClusterRole', 'istio-cni', {
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
    });
    identity('RepairClusterRole', 'ClusterRole', 'istio-cni-repair-role', {
      rules: [
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
      ],
    });
    if (s.ambient) {
      identity('AmbientClusterRole', 'ClusterRole', 'istio-cni-ambient', {
        rules: [
          { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
          { apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: ['istio-cni-node'], verbs: ['get'] },
        ],
      });
    }
    binding('ClusterRoleBinding', 'istio-cni', 'istio-cni');
    binding('RepairClusterRoleBinding', 'istio-cni-repair-rolebinding', 'istio-cni-repair-role', { 'k8s-app': 'istio-cni-repair' });
    if (s.ambient) binding('AmbientClusterRoleBinding', 'istio-cni-ambient', 'istio-cni-ambient', { 'k8s-app': 'istio-cni-repair' });

    this.daemonSet = apiObject(this, 'DaemonSet', ctx, SyncWave.CONTROL_PLANE, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: 'istio-cni-node',
      namespaced: true,
      labels: labels({ 'k8s-app': 'istio-cni-node' }),
      body: { spec: this.daemonSetSpec(s) },
    });
  }

  private daemonSetSpec(s: IstioCniSettings): Record<string, unknown> {
    const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    const limitEnv = (name: string, resource: string) => ({ name, valueFrom: { resourceFieldRef: { resource, divisor: '1' } } });
    const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, ...(type ? { type } : {}) } });
    const selector = { 'k8s-app': 'istio-cni-node' };
    const spec = {
      selector: { matchLabels: selector },
      updateStrategy: s.k8s.updateStrategy,
      template: {
        metadata: {
          labels: {
            'k8s-app': 'istio-cni-node',
            'sidecar.istio.io/inject': 'false',
            'istio.io/dataplane-mode': 'none',
            ...commonLabels('istio-cni'),
          },
          annotations: {
            'sidecar.istio.io/inject': 'false',
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': '15014',
            'prometheus.io/path': '/metrics',
            // Kubernetes 1.29 reads the AppArmor profile from this annotation only
            'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
          },
        },
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: s.k8s.tolerations ? s.k8s.tolerations.map(t => t._toKube()) : [...NODE_AGENT_TOLERATIONS],
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'istio-cni',
          terminationGracePeriodSeconds: 30,
          containers: [{
            name: 'install-cni',
            image: s.image,
            ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/readyz', port: 8000 } },
            securityContext: {
              privileged: false,
              runAsGroup: 0,
              runAsUser: 0,
              runAsNonRoot: false,
              // the node-level powers the agent needs, and nothing else of `privileged`
              capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
              ...(s.platform.seLinuxType ? { seLinuxOptions: { type: s.platform.seLinuxType } } : {}),
            },
            command: ['install-cni'],
            args: [`--log_output_level=${s.logLevel}`],
            envFrom: [{ configMapRef: { name: 'istio-cni-config' } }],
            env: [
              fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
              { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
              { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
              { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
              { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
              limitEnv('GOMEMLIMIT', 'limits.memory'),
              limitEnv('GOMAXPROCS', 'limits.cpu'),
              fieldEnv('POD_NAME', 'metadata.name'),
              fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
            ],
            volumeMounts: [
              { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
              { mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true },
              { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
              { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
              { mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' },
              ...(s.ambient ? [{ mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' }] : []),
            ],
            resources: renderComputeResources(s.resources) ?? {},
          }],
          volumes: [
            hostPath('cni-bin-dir', s.platform.binDir),
            hostPath('cni-host-procfs', '/proc', 'Directory'),
            ...(s.ambient ? [hostPath('cni-ztunnel-sock-dir', '/var/run/ztunnel', 'DirectoryOrCreate')] : []),
            hostPath('cni-net-dir', s.platform.confDir),
            hostPath('cni-socket-dir', '/var/run/istio-cni'),
            hostPath('cni-netns-dir', '/var/run/netns', 'DirectoryOrCreate'),
          ],
        },
      },
    };
    applyToPodTemplate(this.node.scope, 'cni', spec.template as unknown as PodTemplateJson, 'install-cni', selector, s.k8s.pod);
    return spec;
  }
}
