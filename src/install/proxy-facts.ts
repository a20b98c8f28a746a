/**
 * Facts about the Istio proxy that istiod, the injector and the gateway deployments agree on:
 * container names, well-known ports, the proxy user and the files it mounts.
 *
 * Internal: not exported from the package entry point.
 */

/** Name of the Envoy + pilot-agent container. */
export const PROXY_CONTAINER = 'istio-proxy';
/** Name of the init container that installs the iptables redirection. */
export const INIT_CONTAINER = 'istio-init';
/** Name of the init container that only validates redirection when the Istio CNI plugin installs it. */
export const VALIDATION_CONTAINER = 'istio-validation';

/** Envoy's Prometheus endpoint, and the name of its container port. */
export const ENVOY_PROMETHEUS_PORT = 15090;
export const ENVOY_PROMETHEUS_PORT_NAME = 'http-envoy-prom';
/** pilot-agent's health endpoint (`/healthz/ready`). */
export const HEALTH_PORT = 15021;
export const READINESS_PATH = '/healthz/ready';
/** pilot-agent's merged Prometheus endpoint. */
export const AGENT_STATUS_PORT = 15020;
export const PROMETHEUS_PATH = '/stats/prometheus';
/** Where sidecars and gateways reach istiod for certificates and xDS. */
export const ISTIOD_XDS_PORT = 15012;
/** Outbound and inbound capture ports of the sidecar. */
export const OUTBOUND_CAPTURE_PORT = 15001;
export const INBOUND_CAPTURE_PORT = 15006;

/**
 * Ports the proxy itself listens on; a gateway must not route a service port to them.
 * (15021, the health port, is exposed on purpose as the `status-port`.)
 */
export const PROXY_RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15020, 15053, 15090];

/** The user and group the proxy runs as. */
export const PROXY_UID = 1337;

/** Audience of the projected service-account token the proxy presents to istiod. */
export const TOKEN_AUDIENCE = 'istio-ca';
/** Lifetime of that token: 12 hours. */
export const TOKEN_EXPIRATION_SECONDS = 43200;
/** ConfigMap istiod publishes to every namespace with the mesh root certificate. */
export const ROOT_CERT_CONFIGMAP = 'istio-ca-root-cert';
/** ConfigMap holding the mesh configuration. */
export const MESH_CONFIGMAP = 'istio';

/** A volume the proxy mounts: its name, where it is mounted and whether read-only. */
export interface ProxyMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export const MOUNTS = {
  workloadSocket: { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
  credentialSocket: { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
  workloadCerts: { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
  envoy: { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
  meshConfig: { name: 'config-volume', mountPath: '/etc/istio/config' },
  rootCert: { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
  crl: { name: 'istio-ca-crl', mountPath: '/var/run/secrets/istio/crl' },
  token: { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
  data: { name: 'istio-data', mountPath: '/var/lib/istio/data' },
  podInfo: { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
  customBootstrap: { name: 'custom-bootstrap-volume', mountPath: '/etc/istio/custom-bootstrap' },
  mtlsCerts: { name: 'istio-certs', mountPath: '/etc/certs/' },
} satisfies Record<string, ProxyMount>;

/** Environment variables read from the pod's own fields through the downward API. */
export const POD_FIELD_ENV: ReadonlyArray<readonly [string, string]> = [
  ['POD_NAME', 'metadata.name'],
  ['POD_NAMESPACE', 'metadata.namespace'],
  ['INSTANCE_IP', 'status.podIP'],
  ['SERVICE_ACCOUNT', 'spec.serviceAccountName'],
  ['HOST_IP', 'status.hostIP'],
];

/** The downward-API files of the pod-info volume: labels and annotations. */
export const POD_INFO_ITEMS = [
  { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
  { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
];

/** The CA address of istiod of a revision in the Istio namespace. */
export function istiodCaAddress(istioNamespace: string, revision?: string): string {
  const service = revision && revision !== 'default' ? `istiod-${revision}` : 'istiod';
  return `${service}.${istioNamespace}.svc:${ISTIOD_XDS_PORT}`;
}
