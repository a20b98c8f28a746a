import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  applyToPodTemplate, applyToService, ComponentKubernetesOptions, PodTemplateJson, renderAutoscaling, renderDeploymentStrategy,
  renderDisruptionBudget,
} from './component-kubernetes';
import { ComputeResources, renderComputeResources } from './compute-resources';
import { apiObject, commonLabels, imageTag, InstallContext, pilotLabels, revisioned, revLabel, SyncWave } from './install-context';
import { IstiodRbac } from './istiod-rbac';
import { createInjectionWebhookConfiguration, createValidatingWebhookConfiguration } from './webhooks';

/** Resolved istiod settings. Internal. */
export interface IstiodSettings {
  readonly autoscale: boolean;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpu: number;
  readonly replicas: number;
  readonly resources: ComputeResources;
  readonly pdb: boolean;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations: kplus.NodeTaintQuery[];
  readonly env: Record<string, string>;
  readonly traceSampling: number;
  readonly logLevel: string;
  readonly clusterDomain: string;
  readonly clusterId: string;
  readonly priorityClassName?: string;
  readonly podAnnotations: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly prometheusMerge: boolean;
  /** The Kubernetes settings, the mesh's `components` merged under istiod's own. */
  readonly k8s: ComponentKubernetesOptions;
  /** Whether istiod's NetworkPolicy is written (`global.networkPolicy.enabled`). */
  readonly networkPolicy: boolean;
}

/** Data of the ConfigMaps istiod reads. Internal. */
export interface IstiodConfigData {
  /** ConfigMap `istio`: `mesh` and `meshNetworks`. */
  readonly mesh: () => string;
  readonly meshNetworks: () => string;
  /** ConfigMap `istio-sidecar-injector`: `config` and `values`. */
  readonly injectorConfig: () => string;
  readonly injectorValues: () => string;
  /** ConfigMap `values`: `original-values` and `merged-values`. */
  readonly originalValues: () => string;
  readonly mergedValues: () => string;
}

/** The ports of istiod's Service (and of the Services of its revision tags). Internal. */
export function istiodServicePorts(): Array<Record<string, unknown>> {
  return [
    { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
    { port: 15012, name: 'https-dns', protocol: 'TCP' },
    { port: 443, name: 'https-webhook', targetPort: 15017, protocol: 'TCP' },
    { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
  ];
}

/** The pods of a revision's istiod: the default revision's are `istio: pilot`, a revision's `istio.io/rev`. Internal. */
export function istiodSelector(ctx: InstallContext): Record<string, string> {
  return ctx.revision ? { 'app': 'istiod', 'istio.io/rev': ctx.revision } : { app: 'istiod', istio: 'pilot' };
}

const lazy = (produce: () => string) => Lazy.any({ produce });

/**
 * istiod, the control plane of one revision: its ServiceAccount and RBAC, the ConfigMaps it
 * reads, its Deployment, Service, autoscaler and disruption budget, and the injection and
 * validation webhooks that call it. Internal: created by `IstioMesh`.
 */
export class Istiod extends Construct {
  /** Name of the Deployment, Service and ServiceAccount: `istiod` or `istiod-<revision>`. */
  public readonly name: string;
  public readonly rbac: IstiodRbac;
  public readonly valuesConfigMap: ApiObject;
  public readonly meshConfigMap: ApiObject;
  public readonly injectorConfigMap: ApiObject;
  public readonly service: ApiObject;
  public readonly deployment: ApiObject;
  public readonly autoscaler?: ApiObject;
  public readonly podDisruptionBudget?: ApiObject;
  public readonly networkPolicy?: ApiObject;
  public readonly mutatingWebhookConfiguration: ApiObject;
  public readonly validatingWebhookConfiguration: ApiObject;

  public constructor(scope: Construct, id: string, ctx: InstallContext, settings: IstiodSettings, data: IstiodConfigData) {
    super(scope, id);
    this.name = revisioned(ctx, 'istiod');
    this.rbac = new IstiodRbac(this, 'Rbac', ctx, this.name, settings.k8s.serviceAccountAnnotations);

    const configMap = (cid: string, name: string, cmData: Record<string, unknown>, annotations?: Record<string, string>) =>
      apiObject(this, cid, ctx, SyncWave.IDENTITY, {
        apiVersion: 'v1', kind: 'ConfigMap', name, namespaced: true, labels: pilotLabels(ctx), annotations, body: { data: cmData },
      });
    this.valuesConfigMap = configMap('ValuesConfigMap', revisioned(ctx, 'values'), {
      'original-values': lazy(data.originalValues),
      'merged-values': lazy(data.mergedValues),
    }, { 'kubernetes.io/description': 'The installation settings of this control plane, for debugging and tools; editing them has no effect.' });
    this.meshConfigMap = configMap('MeshConfigMap', revisioned(ctx, 'istio'), {
      meshNetworks: lazy(data.meshNetworks),
      mesh: lazy(data.mesh),
    });
    this.injectorConfigMap = configMap('InjectorConfigMap', revisioned(ctx, 'istio-sidecar-injector'), {
      config: lazy(data.injectorConfig),
      values: lazy(data.injectorValues),
    });

    const selector = istiodSelector(ctx);

    const serviceMetadata: Record<string, unknown> = {};
    const serviceSpec: Record<string, unknown> = { ports: istiodServicePorts(), selector };
    applyToService(serviceMetadata, serviceSpec, settings.k8s.service);
    this.service = apiObject(this, 'Service', ctx, SyncWave.CONTROL_PLANE, {
      apiVersion: 'v1',
      kind: 'Service',
      name: this.name,
      namespaced: true,
      labels: pilotLabels(ctx, { app: 'istiod', istio: 'pilot' }),
      annotations: serviceMetadata.annotations as Record<string, string> | undefined,
      body: { spec: serviceSpec },
    });

    this.deployment = apiObject(this, 'Deployment', ctx, SyncWave.CONTROL_PLANE, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: this.name,
      namespaced: true,
      labels: pilotLabels(ctx, { app: 'istiod', istio: 'pilot' }),
      body: { spec: this.deploymentSpec(ctx, settings, ctx.revision ? { 'app': 'istiod', 'istio.io/rev': ctx.revision } : { istio: 'pilot' }) },
    });

    if (settings.autoscale) {
      this.autoscaler = apiObject(this, 'HorizontalPodAutoscaler', ctx, SyncWave.CONTROL_PLANE, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: this.name,
        namespaced: true,
        labels: pilotLabels(ctx, { app: 'istiod' }),
        body: {
          spec: {
            maxReplicas: settings.maxReplicas,
            minReplicas: settings.minReplicas,
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
            ...renderAutoscaling(settings.k8s, settings.targetCpu),
          },
        },
      });
    }

    const minPods = settings.autoscale ? settings.minReplicas : settings.replicas;
    if (settings.pdb && minPods > 1) {
      this.podDisruptionBudget = apiObject(this, 'PodDisruptionBudget', ctx, SyncWave.CONTROL_PLANE, {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        name: this.name,
        namespaced: true,
        labels: pilotLabels(ctx, { app: 'istiod', istio: 'pilot' }),
        body: { spec: { ...renderDisruptionBudget(settings.k8s), selector: { matchLabels: selector } } },
      });
    }

    if (settings.networkPolicy) {
      const tcp = (port: number) => ({ port, protocol: 'TCP' });
      this.networkPolicy = apiObject(this, 'NetworkPolicy', ctx, SyncWave.CONTROL_PLANE, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name: this.name,
        namespaced: true,
        labels: pilotLabels(ctx, { app: 'istiod', istio: 'pilot' }),
        body: {
          spec: {
            podSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': revLabel(ctx) } },
            policyTypes: ['Ingress', 'Egress'],
            ingress: [
              // admission webhooks, called by the API server from outside the pod network
              { ports: [tcp(15017)] },
              // xDS and certificates for every proxy of the mesh
              { ports: [tcp(15010), tcp(15012)] },
              // metrics
              { ports: [tcp(15014)] },
            ],
            // the API server, remote clusters, JWKS servers: anywhere
            egress: [{}],
          },
        },
      });
    }

    this.mutatingWebhookConfiguration = createInjectionWebhookConfiguration(this, ctx, {
      serviceName: this.name, reinvocationPolicy: 'Never',
    });
    this.validatingWebhookConfiguration = createValidatingWebhookConfiguration(this, ctx, this.name);
  }

  private deploymentSpec(ctx: InstallContext, s: IstiodSettings, matchLabels: Record<string, string>): Record<string, unknown> {
    const builtInEnv: Array<[string, Record<string, unknown>]> = [
      ['REVISION', { value: revLabel(ctx) }],
      ['PILOT_CERT_PROVIDER', { value: 'istiod' }],
      ['POD_NAME', { valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
      ['POD_NAMESPACE', { valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
      ['SERVICE_ACCOUNT', { valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } }],
      ['KUBECONFIG', { value: '/var/run/secrets/remote/config' }],
      ['CA_TRUSTED_NODE_ACCOUNTS', { value: `${ctx.namespace}/ztunnel` }],
      ['PILOT_TRACE_SAMPLING', { value: String(s.traceSampling) }],
      ['PILOT_ENABLE_ANALYSIS', { value: 'false' }],
      ['CLUSTER_ID', { value: s.clusterId }],
      ['GOMAXPROCS', { valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } }],
      ['PLATFORM', { value: '' }],
    ];
    const env = builtInEnv.map(([name, source]) => (s.env[name] !== undefined ? { name, value: s.env[name] } : { name, ...source }));
    const builtInNames = new Set(builtInEnv.map(([name]) => name));
    const extra = Object.keys(s.env).filter(name => !builtInNames.has(name)).sort().map(name => ({ name, value: s.env[name] }));
    // user variables (and the profile's, e.g. PILOT_ENABLE_AMBIENT) follow CA_TRUSTED_NODE_ACCOUNTS, where the chart renders `pilot.env`
    env.splice(7, 0, ...extra);

    const annotations: Record<string, string> = {};
    if (s.prometheusMerge) {
      annotations['prometheus.io/port'] = '15014';
      annotations['prometheus.io/scrape'] = 'true';
    }
    annotations['sidecar.istio.io/inject'] = 'false';

    const spec = {
      ...(s.autoscale ? {} : { replicas: s.replicas }),
      strategy: renderDeploymentStrategy(s.k8s, '100%', '25%'),
      selector: { matchLabels },
      template: {
        metadata: {
          labels: {
            'app': 'istiod',
            'istio.io/rev': revLabel(ctx),
            'sidecar.istio.io/inject': 'false',
            'operator.istio.io/component': 'Pilot',
            'istio': ctx.revision ? 'istiod' : 'pilot',
            'istio.io/dataplane-mode': 'none',
            ...s.podLabels,
            ...commonLabels('istiod'),
          },
          annotations: { ...annotations, ...s.podAnnotations },
        },
        spec: {
          ...(s.nodeSelector && Object.keys(s.nodeSelector).length > 0 ? { nodeSelector: s.nodeSelector } : {}),
          tolerations: [
            { key: 'cni.istio.io/not-ready', operator: 'Exists' },
            ...s.tolerations.map(t => t._toKube()),
          ],
          serviceAccountName: this.name,
          ...(s.priorityClassName ? { priorityClassName: s.priorityClassName } : {}),
          containers: [{
            name: 'discovery',
            image: `${ctx.hub}/pilot:${imageTag(ctx)}`,
            args: [
              'discovery',
              '--monitoringAddr=:15014',
              `--log_output_level=${s.logLevel}`,
              '--domain',
              s.clusterDomain,
              '--keepaliveMaxServerConnectionAge',
              '30m',
            ],
            ports: [
              { containerPort: 8080, protocol: 'TCP', name: 'http-debug' },
              { containerPort: 15010, protocol: 'TCP', name: 'grpc-xds' },
              { containerPort: 15012, protocol: 'TCP', name: 'tls-xds' },
              { containerPort: 15017, protocol: 'TCP', name: 'https-webhooks' },
              { containerPort: 15014, protocol: 'TCP', name: 'http-monitoring' },
            ],
            readinessProbe: {
              httpGet: { path: '/ready', port: 8080 },
              initialDelaySeconds: 1,
              periodSeconds: 3,
              timeoutSeconds: 5,
            },
            env,
            resources: renderComputeResources(s.resources) ?? {},
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
              { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
              { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
              { name: 'istio-kubeconfig', mountPath: '/var/run/secrets/remote', readOnly: true },
              { name: 'istio-csr-dns-cert', mountPath: '/var/run/secrets/istiod/tls', readOnly: true },
              { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca', readOnly: true },
            ],
          }],
          volumes: [
            { name: 'local-certs', emptyDir: { medium: 'Memory' } },
            {
              name: 'istio-token',
              projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
            },
            { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
            { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
            { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
            { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
          ],
        },
      },
    };
    // the Service selects the pods too: its labels are the pods' identity
    applyToPodTemplate(this, 'istiod', spec.template as unknown as PodTemplateJson, 'discovery', { ...istiodSelector(ctx), ...matchLabels }, s.k8s);
    return spec;
  }
}
