import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  applyToPodTemplate, applyToService, ComponentKubernetesOptions, PodTemplateJson, renderAutoscaling, renderDeploymentStrategy,
  renderDisruptionBudget,
  validateComponentOptions, validateServiceType,
} from './component-kubernetes';
import { ComputeResources, validateComputeResources } from './compute-resources';
import { GatewayPodInput, gatewayPodVolumes, gatewayProxyContainer } from './gateway-pod';
import { AGENT_STATUS_PORT, ENVOY_PROMETHEUS_PORT, HEALTH_PORT, PROMETHEUS_PATH, PROXY_RESERVED_PORTS, PROXY_UID } from './proxy-facts';
import { IServiceAccountReference } from '../core/kube-refs';
import {
  check, compact, fail, validateDnsLabel, validateInteger, validateIpOrCidr, validateLabels, validatePort,
} from '../core/validation';

/** Whether a gateway lets traffic into the mesh or out of it. */
export enum GatewayKind {
  /** Receives traffic from outside the mesh; exposed through a load balancer by default. */
  INGRESS = 'ingress',
  /** Sends mesh traffic to external services; reachable only inside the cluster by default. */
  EGRESS = 'egress',
}

/** How the gateway's Service is exposed. */
export enum GatewayServiceType {
  /** A cloud load balancer with an external address. */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** A cluster-internal virtual IP. */
  CLUSTER_IP = 'ClusterIP',
}

/** Transport protocol of a Service port. */
export enum GatewayPortProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/** Whether a load balancer sends external traffic to node-local gateway pods only. */
export enum ExternalTrafficPolicy {
  /** Spread across all pods; the client address is lost to SNAT. */
  CLUSTER = 'Cluster',
  /** Only to pods on the receiving node; preserves the client address. */
  LOCAL = 'Local',
}

/** A port of the gateway Service and the container port behind it. */
export interface GatewayInstallationPort {
  /** Port name, unique in the Service (a DNS label such as `http2`, `https`, `status-port`). */
  readonly name: string;
  /** Port the Service exposes. */
  readonly port: number;
  /**
   * Container port the proxy listens on. Gateway proxies run unprivileged, so ports below
   * 1024 are usually mapped to a high port (80 → 8080).
   *
   * @default - the same as `port`
   */
  readonly targetPort?: number;
  /**
   * Transport protocol.
   *
   * @default GatewayPortProtocol.TCP
   */
  readonly protocol?: GatewayPortProtocol;
  /**
   * Node port, for `NodePort` and `LoadBalancer` Services.
   *
   * @default - allocated by Kubernetes
   */
  readonly nodePort?: number;
}

/** Options of a HorizontalPodAutoscaler for the gateway. */
export interface GatewayAutoscalingOptions {
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 5 */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilisation, as a percentage of the CPU request, that the autoscaler aims for.
   *
   * @default 80
   */
  readonly targetCpuUtilization?: number;
}

/** How many gateway pods run. */
export class GatewayScaling {
  /**
   * Scale between a minimum and a maximum on CPU utilisation (a HorizontalPodAutoscaler), as
   * the `default` profile does (1–5 pods at 80% CPU).
   */
  public static autoscale(options: GatewayAutoscalingOptions = {}): GatewayScaling {
    return new GatewayScaling(undefined, {
      minReplicas: options.minReplicas ?? 1,
      maxReplicas: options.maxReplicas ?? 5,
      targetCpuUtilization: options.targetCpuUtilization ?? 80,
    });
  }

  /**
   * A fixed number of pods and no autoscaler, as the `demo` profile does.
   *
   * @param replicas number of pods; leave it out for the Deployment default of one pod
   */
  public static fixed(replicas?: number): GatewayScaling {
    return new GatewayScaling(replicas, undefined);
  }

  /** @internal */
  public readonly _replicas?: number;
  /** @internal */
  public readonly _autoscaling?: Required<GatewayAutoscalingOptions>;

  private constructor(replicas: number | undefined, autoscaling: Required<GatewayAutoscalingOptions> | undefined) {
    this._replicas = replicas;
    this._autoscaling = autoscaling;
  }

  /** @internal */
  public _minReplicas(): number {
    return this._autoscaling?.minReplicas ?? this._replicas ?? 1;
  }
}

/** Properties of a {@link GatewayInstallation}. */
export interface GatewayInstallationProps extends ComponentKubernetesOptions {
  /**
   * Whether this is an ingress or an egress gateway.
   *
   * @default GatewayKind.INGRESS
   */
  readonly kind?: GatewayKind;
  /**
   * Name of the Deployment and Service; the ServiceAccount, Role and RoleBinding derive theirs from it.
   *
   * @default - `istio-ingressgateway` or `istio-egressgateway`
   */
  readonly name?: string;
  /** @default 'istio-system' */
  readonly namespace?: string;
  /**
   * Namespace istiod runs in (for the CA address).
   *
   * @default 'istio-system'
   */
  readonly istioNamespace?: string;
  /**
   * Control-plane revision the gateway connects to.
   *
   * @default - the default revision
   */
  readonly revision?: string;
  /**
   * Labels that select the gateway pods, both for its Service and for Istio `Gateway` resources.
   *
   * @default - `{ app: <name>, istio: <name without "istio-"> }`, e.g. `{ app: 'istio-ingressgateway', istio: 'ingressgateway' }`
   */
  readonly selectorLabels?: Record<string, string>;
  /**
   * Extra labels of every object and of the pods.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Service ports. `addPort()` adds more.
   *
   * @default - ingress: `status-port` 15021, `http2` 80→8080 and `https` 443→8443; egress: `http2` 80→8080 and `https` 443→8443
   */
  readonly ports?: GatewayInstallationPort[];
  /**
   * How the Service is exposed.
   *
   * @default - `LOAD_BALANCER` for ingress, `CLUSTER_IP` for egress
   */
  readonly serviceType?: GatewayServiceType;
  /** @default - none */
  readonly serviceAnnotations?: Record<string, string>;
  /** @default - Kubernetes default, `Cluster` */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * Client CIDR blocks a load balancer accepts.
   *
   * @default - any client
   */
  readonly loadBalancerSourceRanges?: string[];
  /** @default GatewayScaling.autoscale() */
  readonly scaling?: GatewayScaling;
  /**
   * Create a PodDisruptionBudget keeping one pod available when at least two run.
   *
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /** @default - requests 100m CPU and 128Mi; limits 2000m CPU and 1024Mi */
  readonly resources?: ComputeResources;
  /** @default 'cluster.local' */
  readonly trustDomain?: string;
  /** @default - the trust domain */
  readonly meshId?: string;
  /** @default 'Kubernetes' */
  readonly clusterId?: string;
  /**
   * Network of the gateway, for multi-network meshes.
   *
   * @default - the cluster's default network
   */
  readonly network?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * Extra environment variables of the proxy.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Write a NetworkPolicy that lets traffic reach the gateway's container ports, its health
   * and metrics ports, and lets the gateway connect anywhere.
   *
   * @default false
   */
  readonly networkPolicy?: boolean;
}

const DEFAULT_TAG = '1.30.3';
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * An Istio ingress or egress gateway deployment: the ServiceAccount, Deployment, Service,
 * secret-reading Role and RoleBinding, HorizontalPodAutoscaler and PodDisruptionBudget that
 * `istioctl install` creates for `istio-ingressgateway` and `istio-egressgateway`.
 *
 * @example
 * const ingress = new GatewayInstallation(chart, 'Ingress');
 * new Gateway(chart, 'Bookinfo', { selector: GatewaySelector.fromGatewayWorkload(ingress), ... });
 */
export class GatewayInstallation extends Construct {
  /** Labels that select this gateway's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Name of the gateway Service (and Deployment). */
  public readonly serviceName: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Ingress or egress. */
  public readonly kind: GatewayKind;
  /** Name of the ServiceAccount the gateway pods run as. */
  public readonly serviceAccountName: string;
  /**
   * The ServiceAccount the gateway pods run as, e.g. for
   * `Principal.fromServiceAccount(ingress.serviceAccount)` in an AuthorizationPolicy.
   */
  public readonly serviceAccount: IServiceAccountReference;

  private readonly props: GatewayInstallationProps;
  private readonly ports: GatewayInstallationPort[] = [];
  private readonly serviceType: GatewayServiceType;
  private readonly scaling: GatewayScaling;

  public constructor(scope: Construct, id: string, props: GatewayInstallationProps = {}) {
    super(scope, id);
    this.props = props;
    this.kind = props.kind ?? GatewayKind.INGRESS;
    this.serviceName = props.name ?? `istio-${this.kind}gateway`;
    this.namespace = props.namespace ?? 'istio-system';
    this.serviceAccountName = `${this.serviceName}-service-account`;
    this.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccountRef', this.serviceAccountName, { namespaceName: this.namespace });
    this.serviceType = props.serviceType ?? (this.kind === GatewayKind.INGRESS ? GatewayServiceType.LOAD_BALANCER : GatewayServiceType.CLUSTER_IP);
    this.scaling = props.scaling ?? GatewayScaling.autoscale();

    check(SERVICE_NAME.test(this.serviceName) && this.serviceName.length <= 63 - '-service-account'.length, this, 'name', this.serviceName,
      'must be a lowercase RFC 1035 label (a-z, 0-9 and "-", starting with a letter) of at most 47 characters, so that "<name>-service-account" is a valid name');
    validateDnsLabel(this, 'namespace', this.namespace);
    validateDnsLabel(this, 'istioNamespace', props.istioNamespace);
    if (props.revision !== undefined) validateDnsLabel(this, 'revision', props.revision);
    this.selectorLabels = { ...(props.selectorLabels ?? { app: this.serviceName, istio: this.serviceName.replace(/^istio-/, '') }) };
    check(Object.keys(this.selectorLabels).length > 0, this, 'selectorLabels', this.selectorLabels, 'must hold at least one label');
    validateLabels(this, 'selectorLabels', this.selectorLabels);
    validateLabels(this, 'labels', props.labels);
    const reserved = [...Object.keys(this.selectorLabels), 'istio.io/rev', 'istio.io/dataplane-mode', 'sidecar.istio.io/inject',
      'service.istio.io/canonical-name', 'service.istio.io/canonical-revision'];
    for (const key of Object.keys(props.labels ?? {})) {
      check(!reserved.includes(key), this, 'labels', key,
        'the installation sets this label itself (selector labels go in selectorLabels, the revision in revision)');
    }
    validateComponentOptions(this, '', props);
    validateServiceType(this, '', this.serviceType, props.service);
    validateComputeResources(this, 'resources', props.resources);
    this.validateScaling();
    this.validateImage('hub', props.hub);
    this.validateImage('tag', props.tag);
    props.loadBalancerSourceRanges?.forEach((cidr, i) => validateIpOrCidr(this, `loadBalancerSourceRanges[${i}]`, cidr));
    if (props.loadBalancerSourceRanges !== undefined || props.externalTrafficPolicy !== undefined) {
      check(this.serviceType !== GatewayServiceType.CLUSTER_IP, this, 'serviceType', this.serviceType,
        'loadBalancerSourceRanges and externalTrafficPolicy need a LoadBalancer or NodePort Service');
    }
    for (const name of Object.keys(props.env ?? {})) {
      check(ENV_NAME.test(name), this, 'env', name, 'an environment variable name is letters, digits, "_", "-" and ".", not starting with a digit');
    }

    if (props.ports !== undefined) {
      check(props.ports.length > 0, this, 'ports', props.ports, 'a gateway Service needs at least one port');
    }
    for (const port of props.ports ?? defaultPorts(this.kind)) this.addPort(port);

    this.render();
  }

  /**
   * Adds a port to the gateway Service and its container port to the proxy.
   */
  public addPort(port: GatewayInstallationPort): void {
    const i = this.ports.length;
    const field = `ports[${i}]`;
    validateDnsLabel(this, `${field}.name`, port.name);
    validatePort(this, `${field}.port`, port.port);
    validatePort(this, `${field}.targetPort`, port.targetPort);
    validatePort(this, `${field}.nodePort`, port.nodePort);
    if (port.nodePort !== undefined) {
      check(this.serviceType !== GatewayServiceType.CLUSTER_IP, this, `${field}.nodePort`, port.nodePort, 'a ClusterIP Service has no node ports');
    }
    const target = port.targetPort ?? port.port;
    if (PROXY_RESERVED_PORTS.includes(target)) {
      fail(this, `${field}.targetPort`, target, `the proxy itself listens on ${target}; use a port outside ${PROXY_RESERVED_PORTS.join(', ')}`);
    }
    const protocol = port.protocol ?? GatewayPortProtocol.TCP;
    const clash = (key: (p: GatewayInstallationPort) => string, what: string) => {
      const existing = this.ports.findIndex(p => key(p) === key(port));
      if (existing >= 0) {
        fail(this, field, `${port.name} ${port.port}/${protocol}`, `${what} is already used by ports[${existing}] (${this.ports[existing].name})`);
      }
    };
    clash(p => p.name, `the name "${port.name}"`);
    clash(p => `${p.port}/${p.protocol ?? GatewayPortProtocol.TCP}`, `port ${port.port}/${protocol}`);
    if (port.nodePort !== undefined) clash(p => String(p.nodePort), `node port ${port.nodePort}`);
    this.ports.push(port);
  }

  private validateScaling(): void {
    const replicas = this.scaling._replicas;
    validateInteger(this, 'scaling.replicas', replicas, 0);
    const auto = this.scaling._autoscaling;
    if (auto) {
      validateInteger(this, 'scaling.minReplicas', auto.minReplicas, 1);
      validateInteger(this, 'scaling.maxReplicas', auto.maxReplicas, 1);
      check(auto.maxReplicas >= auto.minReplicas, this, 'scaling.maxReplicas', auto.maxReplicas, `must be at least minReplicas (${auto.minReplicas})`);
      check(Number.isInteger(auto.targetCpuUtilization) && auto.targetCpuUtilization > 0, this, 'scaling.targetCpuUtilization',
        auto.targetCpuUtilization, 'must be a whole percentage greater than 0 (it may exceed 100 when the CPU limit is above the request)');
    }
  }

  private validateImage(field: string, value: string | undefined): void {
    if (value === undefined) return;
    check(value.length > 0 && !/\s/.test(value), this, field, value, 'must be a non-empty image reference part without whitespace');
  }

  private render(): void {
    const p = this.props;
    const name = this.serviceName;
    const ns = this.namespace;
    const revision = p.revision ?? 'default';
    const tag = p.tag ?? DEFAULT_TAG;
    const pod: GatewayPodInput = {
      scope: this, props: p, kind: this.kind, name, namespace: ns, revision, tag, ports: () => this.ports,
    };
    const commonLabels: Record<string, string> = {
      'istio.io/rev': revision,
      'operator.istio.io/component': this.kind === GatewayKind.INGRESS ? 'IngressGateways' : 'EgressGateways',
      'release': 'istio',
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/managed-by': 'cdk8s-istio',
      'app.kubernetes.io/instance': 'istio',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': tag,
      ...p.labels,
    };
    const labels = { ...this.selectorLabels, ...commonLabels };
    const meta = (objectName: string, objectLabels: Record<string, string>, annotations?: Record<string, string>) =>
      compact({ name: objectName, namespace: ns, labels: objectLabels, annotations });
    const sds = `${name}-sds`;

    new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(this.serviceAccountName, labels, nonEmptyMap(p.serviceAccountAnnotations)),
    });

    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(sds, commonLabels),
      // the proxy reads TLS certificates for its servers from Secrets in its namespace (SDS)
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });

    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(sds, commonLabels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sds },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: ns }],
    });

    const serviceMetadata: Record<string, any> = meta(name, labels, p.serviceAnnotations);
    const serviceSpec: Record<string, any> = compact({
      type: this.serviceType,
      selector: { ...this.selectorLabels },
      ports: Lazy.any({
        produce: () => this.ports.map(port => compact({
          name: port.name,
          port: port.port,
          protocol: port.protocol ?? GatewayPortProtocol.TCP,
          targetPort: port.targetPort ?? port.port,
          nodePort: port.nodePort,
        })),
      }),
      externalTrafficPolicy: p.externalTrafficPolicy,
      loadBalancerSourceRanges: p.loadBalancerSourceRanges,
    });
    applyToService(serviceMetadata, serviceSpec, p.service);
    new ApiObject(this, 'Service', { apiVersion: 'v1', kind: 'Service', metadata: serviceMetadata, spec: serviceSpec });

    const workloadLabels = { ...labels, 'istio.io/dataplane-mode': 'none' };
    const template = {
      metadata: {
        labels: {
          ...workloadLabels,
          'service.istio.io/canonical-name': name,
          // Istio reads the revision of a workload from this label; without a user's version it is "latest"
          'service.istio.io/canonical-revision': canonicalRevision(p.labels),
          // the gateway pod is a proxy already: never inject a sidecar into it
          'sidecar.istio.io/inject': 'false',
        },
        annotations: {
          'istio.io/rev': revision,
          'prometheus.io/port': String(AGENT_STATUS_PORT),
          'prometheus.io/scrape': 'true',
          'prometheus.io/path': PROMETHEUS_PATH,
          'sidecar.istio.io/inject': 'false',
        },
      },
      spec: compact({
        securityContext: { runAsUser: PROXY_UID, runAsGroup: PROXY_UID, runAsNonRoot: true },
        serviceAccountName: this.serviceAccountName,
        nodeSelector: p.nodeSelector,
        tolerations: p.tolerations?.map(t => t._toKube()),
        containers: [gatewayProxyContainer(pod)],
        volumes: gatewayPodVolumes(pod),
      }),
    };
    applyToPodTemplate(this, '', template as PodTemplateJson, 'istio-proxy', this.selectorLabels, p);
    new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // gateways are not enrolled in the ambient data plane
      metadata: meta(name, workloadLabels),
      spec: compact({
        replicas: this.scaling._replicas,
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: renderDeploymentStrategy(p, '100%', '25%'),
        template,
      }),
    });

    const auto = this.scaling._autoscaling;
    if (auto) {
      new ApiObject(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(name, labels),
        spec: {
          maxReplicas: auto.maxReplicas,
          minReplicas: auto.minReplicas,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          ...renderAutoscaling(p, auto.targetCpuUtilization),
        },
      });
    }

    if (p.networkPolicy) {
      new ApiObject(this, 'NetworkPolicy', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(name, labels),
        spec: {
          podSelector: { matchLabels: { ...this.selectorLabels } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{
            ports: Lazy.any({
              produce: () => {
                const ports = new Map<string, Record<string, unknown>>();
                for (const port of this.ports) {
                  const protocol = port.protocol ?? GatewayPortProtocol.TCP;
                  ports.set(`${port.targetPort ?? port.port}/${protocol}`, { port: port.targetPort ?? port.port, protocol });
                }
                for (const port of [HEALTH_PORT, ENVOY_PROMETHEUS_PORT]) ports.set(`${port}/TCP`, { port, protocol: 'TCP' });
                return [...ports.values()];
              },
            }),
          }],
          egress: [{}],
        },
      });
    }

    // A budget with a single pod would block node drains forever, so only add it from two pods up.
    if ((p.podDisruptionBudget ?? true) && this.scaling._minReplicas() > 1) {
      new ApiObject(this, 'DisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(name, labels),
        spec: { ...renderDisruptionBudget(p), selector: { matchLabels: { ...this.selectorLabels } } },
      });
    }
  }
}

/**
 * The canonical revision telemetry reports for the gateway: the `version` label the user gave
 * (`app.kubernetes.io/version` first, as Istio itself reads it), otherwise `latest`.
 */
function canonicalRevision(labels: Record<string, string> | undefined): string {
  return labels?.['app.kubernetes.io/version'] ?? labels?.version ?? 'latest';
}

function nonEmptyMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map && Object.keys(map).length > 0 ? map : undefined;
}

function defaultPorts(kind: GatewayKind): GatewayInstallationPort[] {
  const traffic = [
    { name: 'http2', port: 80, targetPort: 8080 },
    { name: 'https', port: 443, targetPort: 8443 },
  ];
  return kind === GatewayKind.INGRESS ? [{ name: 'status-port', port: HEALTH_PORT }, ...traffic] : traffic;
}
