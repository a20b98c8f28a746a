/**
 * The `kube-gateway` template: what istiod's gateway deployment controller creates for each
 * Kubernetes Gateway API `Gateway` of class `istio` — a ServiceAccount, a Deployment running
 * `proxy router`, a Service with the listener ports, and an HPA and PDB owned by the Gateway.
 *
 * Internal: not exported from the package entry point.
 */
import {
  AGENT_STATUS_PORT, ENVOY_PROMETHEUS_PORT, ENVOY_PROMETHEUS_PORT_NAME, HEALTH_PORT, POD_FIELD_ENV, PROMETHEUS_PATH, PROXY_CONTAINER,
  READINESS_PATH,
} from '../proxy-facts';
import { Block, Entry, Item, MergeYaml, ToYaml, YMap, act, each, go, interp, list, map, renderDocuments, when, withValue } from './go-template';
import {
  ANNOTATIONS, EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, PROXY_GROUP, PROXY_METADATA_ENV, PROXY_USER, TemplatedContainer,
  annotationOr, containerItem, imageOf, meshEnv, proxyMounts, proxyVolumes, values,
} from './proxy-model';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';
export const NETWORK_LABEL = 'topology.istio.io/network';

/** Annotations of the Gateway that configure the controller, not the generated objects. */
const CONTROLLER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration', 'gateway.istio.io/name-override', 'gateway.istio.io/service-account',
  'gateway.istio.io/controller-version',
];
export const INFRASTRUCTURE_ANNOTATIONS = `(omit .InfrastructureAnnotations ${CONTROLLER_ANNOTATIONS.map(a => `"${a}"`).join(' ')})`;

export function strdict(pairs: Array<[string, string]>): string {
  return `(strdict ${pairs.map(([k, v]) => `"${k}" ${v}`).join(' ')})`;
}

export const GATEWAY_LABELS: Array<[string, string]> = [
  ['gateway.networking.k8s.io/gateway-name', '.Name'],
  ['gateway.networking.k8s.io/gateway-class-name', '.GatewayClass'],
];
const MANAGED: [string, string] = ['gateway.istio.io/managed', '"istio.io-gateway-controller"'];

/**
 * Metadata of a generated object: infrastructure annotations (or the given `annotations`
 * expression) and labels, owned by the Gateway.
 */
export function metadata(
  name: string, extraLabels: Array<[string, string]> = [], ownerRefCondition?: string, annotations = INFRASTRUCTURE_ANNOTATIONS,
): YMap {
  const owner = ['ownerReferences', list(map(['apiVersion', GATEWAY_API], ['kind', 'Gateway'], ['name', go('.Name | quote')], ['uid', go('.UID | quote')]))] as const;
  return map(
    ['name', go(`${name} | quote`)],
    ['namespace', go('.Namespace | quote')],
    ['annotations', map(new MergeYaml(annotations, 'toJsonMap'))],
    ['labels', map(new MergeYaml(`.InfrastructureLabels ${strdict([...GATEWAY_LABELS, ...extraLabels])}`, 'toJsonMap'))],
    // owner references on ServiceAccounts are only safe from Kubernetes 1.28
    ownerRefCondition ? when<Entry>(ownerRefCondition, [owner]) : owner,
  );
}

/** An HTTP probe of the health endpoint, with every field explicit as the Deployment controller defaults them. */
export function httpProbe(failureThreshold: number, initialDelaySeconds: number, periodSeconds: number): YMap {
  return map(
    ['failureThreshold', failureThreshold],
    ['httpGet', map(['path', READINESS_PATH], ['port', HEALTH_PORT], ['scheme', 'HTTP'])],
    ['initialDelaySeconds', initialDelaySeconds],
    ['periodSeconds', periodSeconds],
    ['successThreshold', 1],
    ['timeoutSeconds', 1],
  );
}

function proxyEnv(): EnvEntry[] {
  return [
    { name: 'PILOT_CERT_PROVIDER', value: go(`${values('global.pilotCertProvider')} | quote`) },
    when<EnvEntry>(values('global.caAddress'), [{ name: 'CA_ADDR', value: go(`${values('global.caAddress')} | quote`) }], [{
      name: 'CA_ADDR',
      value: interp('istiod', act(`if ne ${values('revision')} ""`), '-', go(values('revision')), act('end'), '.', go(values('global.istioNamespace')), '.svc:15012'),
    }]),
    ...POD_FIELD_ENV.map(([name, podField]) => ({ name, podField })),
    { name: 'ISTIO_CPU_LIMIT', resourceLimit: 'cpu' },
    { name: 'PROXY_CONFIG', value: new Block(['{{ protoToJSON .ProxyConfig }}']) },
    // a generated gateway has no application containers or ports of its own
    { name: 'ISTIO_META_POD_PORTS', value: '[]' },
    { name: 'ISTIO_META_APP_CONTAINERS', value: '' },
    { name: 'GOMEMLIMIT', resourceLimit: 'memory' },
    { name: 'GOMAXPROCS', resourceLimit: 'cpu' },
    { name: 'ISTIO_META_CLUSTER_ID', value: go(`valueOrDefault ${values('global.multiCluster.clusterName')} .ClusterID | quote`) },
    { name: 'ISTIO_META_NODE_NAME', podField: 'spec.nodeName' },
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: go('.ProxyConfig.InterceptionMode.String | quote') },
    withValue<EnvEntry>(`(valueOrDefault (index .InfrastructureLabels "${NETWORK_LABEL}") ${values('global.network')})`, [
      { name: 'ISTIO_META_NETWORK', value: go('. | quote') },
    ]),
    { name: 'ISTIO_META_WORKLOAD_NAME', value: go('.DeploymentName | quote') },
    { name: 'ISTIO_META_OWNER', value: interp('kubernetes://apis/apps/v1/namespaces/', go('.Namespace'), '/deployments/', go('.DeploymentName')) },
    ...meshEnv(),
    PROXY_METADATA_ENV,
    withValue<EnvEntry>(`(index .InfrastructureLabels "${NETWORK_LABEL}")`, [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: go('. | quote') }]),
  ];
}

/** The ports of a gateway proxy container (Gateway API gateways and waypoints). */
export function gatewayProxyPorts(): TemplatedContainer['ports'] {
  return [
    { containerPort: AGENT_STATUS_PORT, protocol: 'TCP', name: 'metrics' },
    { containerPort: HEALTH_PORT, protocol: 'TCP', name: 'status-port' },
    { containerPort: ENVOY_PROMETHEUS_PORT, protocol: 'TCP', name: ENVOY_PROMETHEUS_PORT_NAME },
  ];
}

/** A command-line flag whose value a pod annotation can override: `--flag <annotation or default>`. */
export function annotationFlag(name: string, annotation: string, fallback: string): Item[] {
  return [name, go(`${annotationOr(annotation, fallback)} | quote`)];
}

function proxy(): TemplatedContainer {
  const resources = values('global.proxy.resources');
  const lifecycle = values('global.proxy.lifecycle');
  return {
    name: PROXY_CONTAINER,
    image: imageOf('$proxyImage'),
    ports: gatewayProxyPorts(),
    args: [
      'proxy',
      'router',
      '--domain',
      interp('$(POD_NAMESPACE).svc.', go(values('global.proxy.clusterDomain'))),
      ...annotationFlag('--proxyLogLevel', ANNOTATIONS.logLevel, values('global.proxy.logLevel')),
      ...annotationFlag('--proxyComponentLogLevel', ANNOTATIONS.componentLogLevel, values('global.proxy.componentLogLevel')),
      ...annotationFlag('--log_output_level', ANNOTATIONS.agentLogLevel, values('global.logging.level')),
      when<Item>(values('global.sts.servicePort'), [interp('--stsPort=', go(values('global.sts.servicePort')))]),
      when<Item>(values('global.logAsJson'), ['--log_as_json']),
    ],
    lifecycle: [when<Entry>(lifecycle, [['lifecycle', new ToYaml(lifecycle)]])],
    env: proxyEnv(),
    extra: [
      IMAGE_PULL_POLICY,
      when<Entry>(resources, [['resources', new ToYaml(`(omitNil ${resources})`)]]),
      ['startupProbe', httpProbe(30, 1, 1)],
      ['readinessProbe', httpProbe(4, 0, 15)],
    ],
    securityContext: [
      ['capabilities', map(['drop', list('ALL')])],
      ['allowPrivilegeEscalation', false],
      ['privileged', false],
      ['readOnlyRootFilesystem', true],
      ['runAsUser', PROXY_USER],
      ['runAsGroup', PROXY_GROUP],
      ['runAsNonRoot', true],
    ],
    volumeMounts: proxyMounts({ crl: false, podOptions: false }),
  };
}

/** Pod annotations of a deployed gateway: the infrastructure ones, its revision, and Prometheus scraping. */
const GATEWAY_POD_ANNOTATIONS = `${INFRASTRUCTURE_ANNOTATIONS} (strdict "${ANNOTATIONS.revision}" (.Revision | default "default")) `
  + `(strdict "prometheus.io/path" "${PROMETHEUS_PATH}" "prometheus.io/port" "${AGENT_STATUS_PORT}" "prometheus.io/scrape" "true")`;

/** The pod labels of a gateway istiod deploys for a Gateway class labelled `managed`: not injected, canonical name and revision. */
export function gatewayPodLabels(managed: [string, string]): string {
  return '(strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") '
    + `.InfrastructureLabels ${strdict([...GATEWAY_LABELS, managed])}`;
}

/**
 * The pod securityContext of a deployed gateway: `gateways.securityContext` when set, otherwise
 * the sysctl that lets the unprivileged proxy bind ports 80 and 443, and `gateways.seccompProfile`.
 */
export function gatewayPodSecurityContext(): Entry {
  const podSecurity = values('gateways.securityContext');
  const seccomp = values('gateways.seccompProfile');
  return ['securityContext', map(when<Entry>(podSecurity, [new MergeYaml(podSecurity)], [
    ['sysctls', list(map(['name', 'net.ipv4.ip_unprivileged_port_start'], ['value', '0']))],
    when<Entry>(seccomp, [['seccompProfile', new ToYaml(seccomp)]]),
  ]))];
}

/**
 * The Deployment istiod creates for a Gateway (kube-gateway and waypoint): labelled `managed`,
 * selected by the gateway-name label, with the gateway pod annotations, `podLabels` (a
 * template expression of a dict) and the pod `spec` entries given.
 */
export function gatewayDeployment(managed: [string, string], podLabels: string, podSpec: Entry[]): YMap {
  return map(
    ['apiVersion', 'apps/v1'],
    ['kind', 'Deployment'],
    ['metadata', metadata('.DeploymentName', [managed])],
    ['spec', map(
      ['selector', map(['matchLabels', map(new MergeYaml('(strdict .GatewayNameLabel .Name)', 'toJsonMap'))])],
      ['template', map(
        ['metadata', map(
          ['annotations', map(new MergeYaml(GATEWAY_POD_ANNOTATIONS, 'toJsonMap'))],
          ['labels', map(new MergeYaml(podLabels, 'toJsonMap'))],
        )],
        ['spec', map(...podSpec)],
      )],
    )],
  );
}

function deployment(): YMap {
  return gatewayDeployment(MANAGED, gatewayPodLabels(MANAGED), [
    gatewayPodSecurityContext(),
    ['serviceAccountName', go('.ServiceAccount | quote')],
    ['containers', list(containerItem(proxy()))],
    ['volumes', list(...proxyVolumes({ crl: false, userVolumes: false, podOptions: false }))],
    IMAGE_PULL_SECRETS,
  ]);
}

/** The Service of the gateway's listener ports; `annotations` replaces the infrastructure annotations expression. */
export function service(annotations = INFRASTRUCTURE_ANNOTATIONS): YMap {
  return map(
    ['apiVersion', 'v1'],
    ['kind', 'Service'],
    ['metadata', metadata('.DeploymentName', [], undefined, annotations)],
    ['spec', map(
      ['ipFamilyPolicy', 'PreferDualStack'],
      ['ports', list(each<Item>('$port := .Ports', [map(
        ['name', go('$port.Name | quote')],
        ['port', go('$port.Port')],
        ['protocol', 'TCP'],
        ['appProtocol', go('$port.AppProtocol')],
      )]))],
      ['selector', map(new MergeYaml('(strdict .GatewayNameLabel .Name)', 'toJsonMap'))],
      when<Entry>('and .Spec.Addresses (eq .ServiceType "LoadBalancer")', [['loadBalancerIP', go('(index .Spec.Addresses 0).Value | quote')]]),
      ['type', go('.ServiceType | quote')],
    )],
  );
}

/** The gateway's ServiceAccount, owned by the Gateway from Kubernetes 1.28. */
export function serviceAccount(): YMap {
  return map(
    ['apiVersion', 'v1'],
    ['kind', 'ServiceAccount'],
    ['metadata', metadata('.ServiceAccount', [], 'ge .KubeVersion 128')],
  );
}

/** An HPA with one replica at most, which users scale up by editing it. */
export function autoscaler(): YMap {
  return map(
    ['apiVersion', 'autoscaling/v2'],
    ['kind', 'HorizontalPodAutoscaler'],
    ['metadata', metadata('.DeploymentName')],
    ['spec', map(['scaleTargetRef', map(['apiVersion', 'apps/v1'], ['kind', 'Deployment'], ['name', go('.DeploymentName | quote')])], ['maxReplicas', 1])],
  );
}

/** A PodDisruptionBudget over the gateway's pods, which users tighten by editing it. */
export function budget(): YMap {
  return map(
    ['apiVersion', 'policy/v1'],
    ['kind', 'PodDisruptionBudget'],
    ['metadata', metadata('.DeploymentName')],
    ['spec', map(['selector', map(['matchLabels', map(['gateway.networking.k8s.io/gateway-name', go('.Name | quote')])])])],
  );
}

/** `$proxyImage`: the annotated or installation proxy image. */
export const PROXY_IMAGE_PREAMBLE = `{{- $proxyImage := ${annotationOr(ANNOTATIONS.proxyImage, values('global.proxy.image'))} }}\n`;

/** Renders the `kube-gateway` template. */
export function kubeGatewayTemplate(): string {
  return PROXY_IMAGE_PREAMBLE + renderDocuments([serviceAccount(), deployment(), service(), autoscaler(), budget()]);
}
