import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  applyToPodTemplate, ComponentKubernetesOptions, DaemonSetKubernetes, PodTemplateJson, resolveDaemonSetOptions,
  WorkloadKubernetesOptions,
} from './component-kubernetes';
import { ComputeResources, renderComputeResources, validateComputeResources } from './compute-resources';
import { apiObject, commonLabels, InstallContext, SyncWave } from './install-context';
import { NODE_AGENT_TOLERATIONS } from './istio-cni';
import { check } from '../core/validation';

/**
 * Settings of ztunnel, the ambient mode's per-node proxy (DaemonSet `ztunnel`): it carries the
 * mTLS (HBONE) traffic of ambient workloads and enforces L4 AuthorizationPolicies.
 *
 * The Kubernetes settings of a DaemonSet override the mesh's `components` defaults, as for
 * istio-cni (`IstioCniOptions`): ztunnel tolerates every NoSchedule and NoExecute taint and
 * CriticalAddonsOnly (its own `tolerations` replace these, the mesh's add to them), runs on
 * `kubernetes.io/os: linux` nodes (`nodeSelector` adds labels) and as `system-node-critical`
 * (only its own `priorityClassName` changes that), and rolls out one node at a time, the new pod
 * first (`maxSurge: 1`). A DaemonSet has no autoscaler, PodDisruptionBudget or Service: those
 * options fail.
 */
export interface ZtunnelOptions extends WorkloadKubernetesOptions {
  /** Install ztunnel. @default - true in the ambient profile, false otherwise */
  readonly enabled?: boolean;
  /** CPU and memory of the proxy. @default - 200m CPU and 512Mi requested */
  readonly resources?: ComputeResources;
  /**
   * The log filter (`RUST_LOG`): a level (`trace`, `debug`, `info`, `warn`, `error`, `off`),
   * optionally followed by `target=level` pairs, e.g. `info,access=debug`.
   *
   * @default "info"
   */
  readonly logLevel?: string;
}

/** Resolved ztunnel settings. Internal. */
export interface ZtunnelSettings {
  readonly resources: ComputeResources;
  readonly k8s: DaemonSetKubernetes;
  readonly logLevel: string;
  readonly image: string;
  /** istiod's xDS and CA address, `istiod.istio-system.svc:15012`. */
  readonly istiodAddress: string;
  readonly clusterId: string;
}

const RUST_LEVEL = '(trace|debug|info|warn|error|off)';
const RUST_LOG = new RegExp(`^(${RUST_LEVEL}|[A-Za-z_][A-Za-z0-9_:]*=${RUST_LEVEL})(,[A-Za-z_][A-Za-z0-9_:]*=${RUST_LEVEL})*$`);

/** Validates the options and fills in the defaults. Internal. */
export function resolveZtunnel(scope: Construct, o: ZtunnelOptions,
  input: { image: string; istiodAddress: string; clusterId: string }, defaults?: ComponentKubernetesOptions): ZtunnelSettings {
  const field = (f: string) => `ztunnel.${f}`;
  const k8s = resolveDaemonSetOptions(scope, 'ztunnel', 'ztunnel', defaults, o,
    // a new pod starts before the old one stops, so a node is never without its proxy
    { maxSurge: 1, maxUnavailable: 0 });
  validateComputeResources(scope, field('resources'), o.resources);
  if (o.logLevel !== undefined) {
    check(RUST_LOG.test(o.logLevel), scope, field('logLevel'), o.logLevel,
      'must be a level (trace, debug, info, warn, error, off) optionally followed by target=level pairs, e.g. "info,access=debug"');
  }
  return {
    resources: o.resources ?? { requests: { cpu: '200m', memory: '512Mi' } },
    k8s,
    logLevel: o.logLevel ?? 'info',
    ...input,
  };
}

/**
 * ztunnel: its ServiceAccount and DaemonSet. istiod trusts its ServiceAccount to request
 * certificates for the workloads of its node (`CA_TRUSTED_NODE_ACCOUNTS`).
 * Internal: created by `IstioMesh` (`ztunnel` and the ambient profile).
 */
export class Ztunnel extends Construct {
  /** The DaemonSet `ztunnel`. */
  public readonly daemonSet: ApiObject;

  public constructor(scope: Construct, id: string, ctx: InstallContext, s: ZtunnelSettings) {
    super(scope, id);
    const labels = commonLabels('ztunnel');
    apiObject(this, 'ServiceAccount', ctx, SyncWave.IDENTITY, {
      apiVersion: 'v1', kind: 'ServiceAccount', name: 'ztunnel', namespaced: true, labels, annotations: s.k8s.pod.serviceAccountAnnotations,
    });
    this.daemonSet = apiObject(this, 'DaemonSet', ctx, SyncWave.CONTROL_PLANE, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: 'ztunnel',
      namespaced: true,
      labels,
      body: { spec: this.spec(s) },
    });
  }

  private spec(s: ZtunnelSettings): Record<string, unknown> {
    const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    const selector = { app: 'ztunnel' };
    const spec = {
      updateStrategy: s.k8s.updateStrategy,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', 'app': 'ztunnel', ...commonLabels('ztunnel') },
          annotations: { 'sidecar.istio.io/inject': 'false', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' },
        },
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          serviceAccountName: 'ztunnel',
          tolerations: s.k8s.tolerations ? s.k8s.tolerations.map(t => t._toKube()) : [...NODE_AGENT_TOLERATIONS],
          containers: [{
            name: 'istio-proxy',
            image: s.image,
            ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
            resources: renderComputeResources(s.resources) ?? {},
            securityContext: {
              // SYS_ADMIN implies privilege escalation; Kubernetes does not enforce it, so say it
              allowPrivilegeEscalation: true,
              privileged: false,
              capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
              readOnlyRootFilesystem: true,
              runAsGroup: 1337,
              runAsNonRoot: false,
              runAsUser: 0,
            },
            readinessProbe: { httpGet: { port: 15021, path: '/healthz/ready' } },
            args: ['proxy', 'ztunnel'],
            env: [
              { name: 'CA_ADDRESS', value: s.istiodAddress },
              { name: 'XDS_ADDRESS', value: s.istiodAddress },
              { name: 'RUST_LOG', value: s.logLevel },
              { name: 'RUST_BACKTRACE', value: '1' },
              { name: 'ISTIO_META_CLUSTER_ID', value: s.clusterId },
              { name: 'INPOD_ENABLED', value: 'true' },
              { name: 'TERMINATION_GRACE_PERIOD_SECONDS', value: '30' },
              fieldEnv('POD_NAME', 'metadata.name'),
              fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
              fieldEnv('NODE_NAME', 'spec.nodeName'),
              fieldEnv('INSTANCE_IP', 'status.podIP'),
              fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
              { name: 'ISTIO_META_ENABLE_HBONE', value: 'true' },
              { name: 'ZTUNNEL_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
            ],
            volumeMounts: [
              { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
              { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
              { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
              { mountPath: '/tmp', name: 'tmp' },
            ],
          }],
          priorityClassName: 'system-node-critical',
          terminationGracePeriodSeconds: 30,
          volumes: [
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
            { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
            // istio-cni creates the socket; the directory may not exist yet
            { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
            // pprof writes to /tmp, and the root filesystem is read-only
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    };
    applyToPodTemplate(this.node.scope, 'ztunnel', spec.template as unknown as PodTemplateJson, 'istio-proxy', selector, s.k8s.pod);
    return spec;
  }
}
