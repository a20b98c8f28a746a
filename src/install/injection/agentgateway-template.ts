/**
 * The `agentgateway` template: what istiod's agentgateway deployment controller creates for
 * each Kubernetes Gateway it manages with the agentgateway data plane (the Rust proxy, not
 * Envoy) — a ServiceAccount, a Deployment running the `agentgateway` container, a Service with
 * the listener ports, and an HPA and PDB, all owned by the Gateway. Istio 1.30 always ships it.
 *
 * Unlike `kube-gateway`, the container is not pilot-agent: it reads its xDS and CA addresses
 * from the environment and mounts istiod's root certificate itself.
 *
 * Internal: not exported from the package entry point.
 */
import { AGENT_STATUS_PORT, HEALTH_PORT, ISTIOD_XDS_PORT, MOUNTS, POD_FIELD_ENV, TOKEN_EXPIRATION_SECONDS } from '../proxy-facts';
import { Entry, Item, ToYaml, YMap, act, go, interp, list, map, raw, renderDocuments, when, withValue } from './go-template';
import {
  NETWORK_LABEL, autoscaler, budget, gatewayDeployment, gatewayPodLabels, gatewayPodSecurityContext, httpProbe, metadata, service,
} from './kube-gateway-template';
import { EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, PROXY_METADATA_ENV, emptyDirVolume, envItem, values } from './proxy-model';

/** The label marking objects the agentgateway controller manages. */
const MANAGED: [string, string] = ['gateway.istio.io/managed', '"istio.io-agentgateway-controller"'];
const CONTAINER = 'agentgateway';
/** The Gateway annotation that replaces the agentgateway image. */
const IMAGE_ANNOTATION = 'gateway.istio.io/agentgatewayImage';
/** agentgateway runs as this user and group unless istiod says otherwise. */
const AGENTGATEWAY_UID = '10101';
/** Mounts: the root certificate twice (for xDS and for the CA client), a scratch /tmp, and the xDS and CA tokens. */
const ROOT_CERT = 'istiod-ca-cert';
const XDS_TOKEN = 'xds-token';

function agentgatewayEnv(): EnvEntry[] {
  const fieldEnv = POD_FIELD_ENV.filter(([name]) => ['POD_NAME', 'POD_NAMESPACE'].includes(name)).map(([name, podField]) => ({ name, podField }));
  const trustDomain = `(valueOrDefault .MeshConfig.TrustDomain ${values('global.trustDomain')})`;
  return [
    ...fieldEnv,
    { name: 'NAMESPACE', podField: 'metadata.namespace' },
    { name: 'INSTANCE_IP', podField: 'status.podIP' },
    { name: 'SERVICE_ACCOUNT', podField: 'spec.serviceAccountName' },
    { name: 'CPU_LIMIT', resourceLimit: 'cpu' },
    { name: 'GATEWAY', value: go('.Name | quote') },
    { name: 'RUST_BACKTRACE', value: '1' },
    { name: 'CLUSTER_ID', value: interp(go(`valueOrDefault ${values('global.multiCluster.clusterName')} .ClusterID`)) },
    withValue<EnvEntry>(`(valueOrDefault (index .InfrastructureLabels "${NETWORK_LABEL}") ${values('global.network')})`, [
      { name: 'NETWORK', value: go('. | quote') },
    ]),
    withValue<EnvEntry>(trustDomain, [{ name: 'TRUST_DOMAIN', value: interp(go('.')) }]),
    PROXY_METADATA_ENV,
    { name: 'XDS_ADDRESS', value: go('.ProxyConfig.DiscoveryAddress | quote') },
    when<EnvEntry>(values('global.caAddress'), [{ name: 'CA_ADDRESS', value: go(values('global.caAddress')) }], [{
      name: 'CA_ADDRESS',
      value: raw('istiod', act(`if not (eq ${values('revision')} "")`), '-', go(values('revision')), act('end'), '.', go(values('global.istioNamespace')),
        `.svc:${ISTIOD_XDS_PORT}`),
    }]),
  ];
}

function container(): Item {
  const annotatedImage = `annotation .ObjectMeta \`${IMAGE_ANNOTATION}\` ${values('global.agentgateway.image')}`;
  const resources = values('global.proxy.resources');
  const lifecycle = values('global.proxy.lifecycle');
  const mount = (name: string, mountPath: string) => map(['mountPath', mountPath], ['name', name]);
  return map(
    ['name', CONTAINER],
    // a full image reference in the annotation (or the values) wins over the controller's default image
    when<Entry>(`contains "/" (${annotatedImage})`, [['image', interp(go(annotatedImage))]], [['image', interp(go('.AgentgatewayImage'))]]),
    when<Entry>(resources, [['resources', new ToYaml(`(omitNil ${resources})`)]]),
    IMAGE_PULL_POLICY,
    ['securityContext', map(
      ['capabilities', map(['drop', list('ALL')])],
      ['allowPrivilegeEscalation', false],
      ['privileged', false],
      ['readOnlyRootFilesystem', true],
      ['runAsUser', raw(go(`.ProxyUID | default "${AGENTGATEWAY_UID}"`))],
      ['runAsGroup', raw(go(`.ProxyGID | default "${AGENTGATEWAY_UID}"`))],
      ['runAsNonRoot', true],
    )],
    ['ports', list(
      map(['containerPort', AGENT_STATUS_PORT], ['name', 'metrics'], ['protocol', 'TCP']),
      map(['containerPort', HEALTH_PORT], ['name', 'status-port'], ['protocol', 'TCP']),
    )],
    // the configuration comes over xDS; the file holds none
    ['args', list('--config', '{}')],
    when<Entry>(lifecycle, [['lifecycle', new ToYaml(lifecycle)]]),
    ['env', list(...agentgatewayEnv().map(envItem))],
    ['startupProbe', httpProbe(30, 1, 1)],
    ['readinessProbe', httpProbe(4, 0, 15)],
    ['volumeMounts', list(
      mount(ROOT_CERT, '/var/run/secrets/xds'),
      mount(XDS_TOKEN, '/var/run/secrets/xds-tokens'),
      mount('tmp', '/tmp'),
      mount(ROOT_CERT, MOUNTS.rootCert.mountPath),
      mount(MOUNTS.token.name, MOUNTS.token.mountPath as string),
    )],
  );
}

function token(name: string): Item {
  return map(['name', name], ['projected', map(['sources', list(map(['serviceAccountToken', map(
    ['path', name],
    ['expirationSeconds', TOKEN_EXPIRATION_SECONDS],
    ['audience', go(values('global.sds.token.aud'))],
  )]))])]);
}

function rootCert(): Item {
  const trustBundle = values('global.trustBundleName');
  return when<Item>(`eq ${values('global.pilotCertProvider')} "istiod"`, [map(
    ['name', ROOT_CERT],
    when<Entry>(`eq ((${values('pilot')}).env).ENABLE_CLUSTER_TRUST_BUNDLE_API true`, [
      ['projected', map(['sources', list(map(['clusterTrustBundle', map(
        ['name', interp('istio.io:istiod-ca:', go(`${trustBundle} | default "root-cert"`))],
        ['path', 'root-cert.pem'],
      )]))])],
    ], [
      ['configMap', map(['name', go(`${trustBundle} | default "istio-ca-root-cert"`)])],
    ]),
  )]);
}

function deployment(): YMap {
  return gatewayDeployment(MANAGED, gatewayPodLabels(MANAGED), [
    gatewayPodSecurityContext(),
    ['serviceAccountName', go('.ServiceAccount | quote')],
    ['containers', list(container())],
    ['volumes', list(emptyDirVolume('tmp'), token(XDS_TOKEN), token(MOUNTS.token.name), rootCert())],
    IMAGE_PULL_SECRETS,
  ]);
}

/** Renders the `agentgateway` template. */
export function agentgatewayTemplate(): string {
  return renderDocuments([
    map(['apiVersion', 'v1'], ['kind', 'ServiceAccount'], ['metadata', metadata('.ServiceAccount')]),
    deployment(),
    service(),
    autoscaler(),
    budget(),
  ]);
}

