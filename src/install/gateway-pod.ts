/**
 * The pod of a gateway installation: the `proxy router` container and its volumes, with the
 * facts `istioctl` renders for istio-ingressgateway and istio-egressgateway.
 *
 * Internal: used by `GatewayInstallation`.
 */
import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ComputeResources, renderComputeResources } from './compute-resources';
import type { GatewayInstallationPort, GatewayInstallationProps, GatewayKind } from './gateway-installation';
import {
  ENVOY_PROMETHEUS_PORT, ENVOY_PROMETHEUS_PORT_NAME, HEALTH_PORT, MESH_CONFIGMAP, MOUNTS, POD_INFO_ITEMS, PROXY_CONTAINER,
  READINESS_PATH, ROOT_CERT_CONFIGMAP, TOKEN_AUDIENCE, TOKEN_EXPIRATION_SECONDS, istiodCaAddress,
} from './proxy-facts';
import { compact, fail } from '../core/validation';

/** What the gateway pod is built from. */
export interface GatewayPodInput {
  readonly scope: IConstruct;
  readonly props: GatewayInstallationProps;
  readonly kind: GatewayKind;
  readonly name: string;
  readonly namespace: string;
  readonly revision: string;
  readonly tag: string;
  /** The Service ports, read at synth time. */
  readonly ports: () => readonly GatewayInstallationPort[];
}

const DEFAULT_HUB = 'docker.io/istio';

/** Resources of the `default` profile's gateways. */
export const DEFAULT_GATEWAY_RESOURCES: ComputeResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
};

/** The gateway properties behind the environment variables the installation sets; the others have none. */
const ENV_PROPERTIES: Record<string, string> = {
  CA_ADDR: 'the mesh namespace and revision (istioNamespace, revision)',
  ISTIO_META_WORKLOAD_NAME: 'the gateway name',
  ISTIO_META_OWNER: 'the gateway name and namespace',
  ISTIO_META_MESH_ID: 'meshId',
  TRUST_DOMAIN: 'trustDomain (meshConfig.trustDomain on an IstioMesh)',
  ISTIO_META_CLUSTER_ID: 'clusterId (istiod.clusterId on an IstioMesh)',
  ISTIO_META_NETWORK: 'network',
};

/** The `istio-proxy` container: pilot-agent and Envoy as a router. */
export function gatewayProxyContainer(gw: GatewayPodInput): Record<string, unknown> {
  const { revision, tag } = gw;
  const p = gw.props;
  const trustDomain = p.trustDomain ?? 'cluster.local';
  const fieldEnv = (envName: string, fieldPath: string, apiVersion?: string) =>
    ({ name: envName, valueFrom: { fieldRef: compact({ apiVersion, fieldPath }) } });
  const env: Array<Record<string, unknown>> = [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: istiodCaAddress(p.istioNamespace ?? 'istio-system', revision) },
    fieldEnv('NODE_NAME', 'spec.nodeName', 'v1'),
    fieldEnv('POD_NAME', 'metadata.name', 'v1'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace', 'v1'),
    fieldEnv('INSTANCE_IP', 'status.podIP', 'v1'),
    fieldEnv('HOST_IP', 'status.hostIP', 'v1'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    { name: 'ISTIO_META_WORKLOAD_NAME', value: gw.name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${gw.namespace}/deployments/${gw.name}` },
    { name: 'ISTIO_META_MESH_ID', value: p.meshId ?? trustDomain },
    { name: 'TRUST_DOMAIN', value: trustDomain },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    { name: 'ISTIO_META_CLUSTER_ID', value: p.clusterId ?? 'Kubernetes' },
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
  ];
  if (p.network !== undefined) env.push({ name: 'ISTIO_META_NETWORK', value: p.network });
  for (const [envName, value] of Object.entries(p.env ?? {})) {
    if (env.some(e => e.name === envName)) {
      const property = ENV_PROPERTIES[envName];
      fail(gw.scope, 'env', envName, property
        ? `is set by the installation itself; set ${property} instead`
        : 'is set by the installation itself and cannot be overridden on a gateway');
    }
    env.push({ name: envName, value });
  }

  return {
    name: PROXY_CONTAINER,
    image: `${p.hub ?? DEFAULT_HUB}/proxyv2:${tag}`,
    ports: Lazy.any({
      produce: () => {
        const containerPorts: Array<Record<string, unknown>> = [];
        const seen = new Set<string>();
        for (const port of gw.ports()) {
          const target = port.targetPort ?? port.port;
          const protocol = port.protocol ?? 'TCP';
          if (seen.has(`${target}/${protocol}`)) continue;
          seen.add(`${target}/${protocol}`);
          containerPorts.push({ containerPort: target, protocol });
        }
        containerPorts.push({ containerPort: ENVOY_PROMETHEUS_PORT, protocol: 'TCP', name: ENVOY_PROMETHEUS_PORT_NAME });
        return containerPorts;
      },
    }),
    args: [
      'proxy',
      'router',
      '--domain',
      `$(POD_NAMESPACE).svc.${p.clusterDomain ?? 'cluster.local'}`,
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
    },
    readinessProbe: {
      failureThreshold: 30,
      httpGet: { path: READINESS_PATH, port: HEALTH_PORT, scheme: 'HTTP' },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      successThreshold: 1,
      timeoutSeconds: 1,
    },
    resources: renderComputeResources(p.resources ?? DEFAULT_GATEWAY_RESOURCES),
    env,
    volumeMounts: [
      MOUNTS.workloadSocket,
      MOUNTS.credentialSocket,
      MOUNTS.workloadCerts,
      MOUNTS.envoy,
      MOUNTS.meshConfig,
      MOUNTS.rootCert,
      { ...MOUNTS.token, readOnly: true },
      MOUNTS.data,
      { name: 'podinfo', mountPath: MOUNTS.podInfo.mountPath },
      { name: `${gw.kind}gateway-certs`, mountPath: `/etc/istio/${gw.kind}gateway-certs`, readOnly: true },
      { name: `${gw.kind}gateway-ca-certs`, mountPath: `/etc/istio/${gw.kind}gateway-ca-certs`, readOnly: true },
    ],
  };
}

/** The volumes the proxy mounts. */
export function gatewayPodVolumes(gw: GatewayPodInput): Array<Record<string, unknown>> {
  return [
    { name: MOUNTS.workloadSocket.name, emptyDir: {} },
    { name: MOUNTS.credentialSocket.name, emptyDir: {} },
    { name: MOUNTS.workloadCerts.name, emptyDir: {} },
    { name: MOUNTS.rootCert.name, configMap: { name: ROOT_CERT_CONFIGMAP } },
    { name: 'podinfo', downwardAPI: { items: POD_INFO_ITEMS } },
    { name: MOUNTS.envoy.name, emptyDir: {} },
    { name: MOUNTS.data.name, emptyDir: {} },
    {
      name: MOUNTS.token.name,
      projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: TOKEN_EXPIRATION_SECONDS, audience: TOKEN_AUDIENCE } }] },
    },
    { name: MOUNTS.meshConfig.name, configMap: { name: MESH_CONFIGMAP, optional: true } },
    // legacy file-mounted certificates, still read when present
    { name: `${gw.kind}gateway-certs`, secret: { secretName: `istio-${gw.kind}gateway-certs`, optional: true } },
    { name: `${gw.kind}gateway-ca-certs`, secret: { secretName: `istio-${gw.kind}gateway-ca-certs`, optional: true } },
  ];
}
