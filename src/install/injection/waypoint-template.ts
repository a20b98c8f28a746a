/**
 * The `waypoint` template: what istiod's gateway deployment controller creates for each
 * Kubernetes Gateway of class `istio-waypoint` (an ambient-mode waypoint proxy) — a
 * ServiceAccount, a Deployment running `proxy waypoint`, a Service, and an HPA and PDB,
 * all owned by the Gateway. The pods are kept out of the mesh data plane themselves
 * (`istio.io/dataplane-mode: none`, no sidecar) and are scheduled by the installation's
 * `global.waypoint` values.
 *
 * Internal: not exported from the package entry point.
 */
import {
  ISTIOD_XDS_PORT, MOUNTS, POD_FIELD_ENV, PROXY_CONTAINER, PROXY_UID,
} from '../proxy-facts';
import { Block, Entry, Item, ToYaml, YMap, act, go, interp, list, map, renderDocuments, when } from './go-template';
import {
  GATEWAY_LABELS, INFRASTRUCTURE_ANNOTATIONS, NETWORK_LABEL, PROXY_IMAGE_PREAMBLE, annotationFlag, autoscaler, budget,
  gatewayDeployment, gatewayProxyPorts, httpProbe, serviceAccount, service, strdict,
} from './kube-gateway-template';
import {
  ANNOTATIONS, EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, PROXY_METADATA_ENV, TemplatedContainer, containerItem,
  emptyDirVolume, imageOf, meshEnv, podInfoVolume, rootCertVolume, tokenVolume, values,
} from './proxy-model';

/** The controller label of east-west gateways, which istiod also deploys from this template. */
const EAST_WEST_CONTROLLER = 'istio.io-eastwest-controller';
/** The label marking objects the deployment controller manages; its value names the controller. */
const MANAGED: [string, string] = ['gateway.istio.io/managed', '.ControllerLabel'];
/** Pod scheduling fields copied from `global.waypoint` when the installation sets them. */
const SCHEDULING = ['affinity', 'topologySpreadConstraints', 'nodeSelector', 'tolerations'];

function waypointEnv(): EnvEntry[] {
  return [
    { name: 'ISTIO_META_SERVICE_ACCOUNT', podField: 'spec.serviceAccountName' },
    { name: 'ISTIO_META_NODE_NAME', podField: 'spec.nodeName' },
    { name: 'PILOT_CERT_PROVIDER', value: go(`${values('global.pilotCertProvider')} | quote`) },
    when<EnvEntry>(values('global.caAddress'), [{ name: 'CA_ADDR', value: go(`${values('global.caAddress')} | quote`) }], [{
      name: 'CA_ADDR',
      value: interp('istiod', act(`if ne ${values('revision')} ""`), '-', go(values('revision')), act('end'), '.', go(values('global.istioNamespace')), `.svc:${ISTIOD_XDS_PORT}`),
    }]),
    ...POD_FIELD_ENV.map(([name, podField]) => ({ name, podField })),
    { name: 'ISTIO_CPU_LIMIT', resourceLimit: 'cpu' },
    { name: 'PROXY_CONFIG', value: new Block(['{{ protoToJSON .ProxyConfig }}']) },
    PROXY_METADATA_ENV,
    { name: 'GOMEMLIMIT', resourceLimit: 'memory' },
    { name: 'GOMAXPROCS', resourceLimit: 'cpu' },
    { name: 'ISTIO_META_CLUSTER_ID', value: go(`valueOrDefault ${values('global.multiCluster.clusterName')} "Kubernetes" | quote`) },
    when<EnvEntry>('$network', [
      { name: 'ISTIO_META_NETWORK', value: go('$network | quote') },
      // an east-west gateway sees only the endpoints of its own network
      when<EnvEntry>(`eq .ControllerLabel "${EAST_WEST_CONTROLLER}"`, [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: go('$network | quote') }]),
    ]),
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: go('.DeploymentName | quote') },
    { name: 'ISTIO_META_OWNER', value: interp('kubernetes://apis/apps/v1/namespaces/', go('.Namespace'), '/deployments/', go('.DeploymentName')) },
    ...meshEnv(),
  ];
}

function waypointProxy(): TemplatedContainer {
  const resources = values('global.waypoint.resources');
  const seccomp = values('gateways.seccompProfile');
  return {
    name: PROXY_CONTAINER,
    image: imageOf('$proxyImage'),
    ports: gatewayProxyPorts(),
    args: [
      'proxy',
      'waypoint',
      '--domain',
      interp('$(POD_NAMESPACE).svc.', go(values('global.proxy.clusterDomain'))),
      // istiod identifies the waypoint's workloads by service account
      '--serviceCluster',
      interp(go('.ServiceAccount'), '.$(POD_NAMESPACE)'),
      ...annotationFlag('--proxyLogLevel', ANNOTATIONS.logLevel, values('global.proxy.logLevel')),
      ...annotationFlag('--proxyComponentLogLevel', ANNOTATIONS.componentLogLevel, values('global.proxy.componentLogLevel')),
      ...annotationFlag('--log_output_level', ANNOTATIONS.agentLogLevel, values('global.logging.level')),
      when<Item>(values('global.logAsJson'), ['--log_as_json']),
      when<Item>(values('global.proxy.outlierLogPath'), [interp('--outlierLogPath=', go(values('global.proxy.outlierLogPath')))]),
    ],
    env: waypointEnv(),
    extra: [
      IMAGE_PULL_POLICY,
      when<Entry>(resources, [['resources', new ToYaml(`(omitNil ${resources})`)]]),
      ['startupProbe', httpProbe(30, 1, 1)],
      ['readinessProbe', httpProbe(4, 0, 15)],
    ],
    securityContext: [
      ['privileged', false],
      // OpenShift assigns the user from the namespace's range
      when<Entry>(`ne ${values('global.platform')} "openshift"`, [['runAsGroup', PROXY_UID], ['runAsUser', PROXY_UID]]),
      ['allowPrivilegeEscalation', false],
      ['readOnlyRootFilesystem', true],
      ['runAsNonRoot', true],
      ['capabilities', map(['drop', list('ALL')])],
      when<Entry>(seccomp, [['seccompProfile', new ToYaml(seccomp)]]),
    ],
    volumeMounts: [MOUNTS.workloadSocket, MOUNTS.rootCert, MOUNTS.data, MOUNTS.envoy, MOUNTS.token, MOUNTS.podInfo],
  };
}

function deployment(): YMap {
  // a waypoint is infrastructure of the mesh, not a workload in it
  const podLabels = '(strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" '
    + '"service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") '
    + `.InfrastructureLabels ${strdict([...GATEWAY_LABELS, MANAGED])}`;
  return gatewayDeployment(MANAGED, podLabels, [
    ...SCHEDULING.map(field => when<Entry>(values(`global.waypoint.${field}`), [[field, new ToYaml(values(`global.waypoint.${field}`))]])),
    ['serviceAccountName', go('.ServiceAccount | quote')],
    ['containers', list(containerItem(waypointProxy()))],
    ['volumes', list(
      emptyDirVolume(MOUNTS.workloadSocket.name),
      emptyDirVolume(MOUNTS.envoy.name, true),
      // declared as istiod's own template declares them; istio-proxy does not mount them
      emptyDirVolume('go-proxy-envoy', true),
      emptyDirVolume(MOUNTS.data.name),
      emptyDirVolume('go-proxy-data'),
      podInfoVolume(),
      tokenVolume(),
      rootCertVolume(),
    )],
    IMAGE_PULL_SECRETS,
  ]);
}

/** Renders the `waypoint` template. */
export function waypointTemplate(): string {
  // clients prefer waypoint replicas in their own zone; a Gateway annotation may say otherwise
  const serviceAnnotations = `(strdict "networking.istio.io/traffic-distribution" "PreferClose") ${INFRASTRUCTURE_ANNOTATIONS}`;
  const network = `{{- $network := valueOrDefault (index .InfrastructureLabels "${NETWORK_LABEL}") ${values('global.network')} }}\n`;
  return PROXY_IMAGE_PREAMBLE + network
    + renderDocuments([serviceAccount(), deployment(), service(serviceAnnotations), autoscaler(), budget()]);
}
