/**
 * The proxyless gRPC injection templates, which pods request with the annotation
 * `inject.istio.io/templates`:
 *
 * - `grpc-agent`: pilot-agent runs without Envoy (`DISABLE_ENVOY`) next to the application.
 *   It fetches certificates into a shared directory and serves the application's gRPC
 *   library an xDS bootstrap file over a shared in-memory volume. The application's own
 *   containers get `GRPC_XDS_BOOTSTRAP` pointing at that file.
 * - `grpc-simple`: no agent and no mTLS; an init container writes a bootstrap that points
 *   the gRPC library straight at istiod's plaintext xDS port.
 *
 * Neither intercepts traffic: gRPC resolves `xds:///` targets itself, so there is no init
 * container programming iptables and no DNS capture.
 *
 * Internal: not exported from the package entry point.
 */
import { AGENT_STATUS_PORT, MOUNTS, PROXY_CONTAINER, READINESS_PATH } from '../proxy-facts';
import { Block, Entry, Item, ToYaml, YMap, each, go, list, map, renderTemplate, when } from './go-template';
import {
  ANNOTATIONS, APP_CONTAINERS_PREAMBLE, EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, ISTIOD_ROOT_CERT_VOLUME, MTLS_CERTS_MOUNT, MountEntry,
  PROXY_GROUP, PROXY_METADATA_ENV, PROXY_USER, TemplatedContainer, agentArgs, annotationOr, canonicalLabels, containerItem, emptyDirVolume,
  envItem, identityEnv, imageOf, mountItem, mtlsCertsVolume, podInfoVolume, proxyResources, revisionAndDefaultContainer, tokenVolume,
  userVolumeMounts, userVolumes, values, workloadCertsMount, workloadCertsVolume, workloadEnv,
} from './proxy-model';

/** istiod's plaintext xDS port, which `grpc-simple` clients use (they hold no certificate). */
export const ISTIOD_PLAINTEXT_XDS_PORT = 15010;

/** The volume pilot-agent shares with the application: the gRPC bootstrap and the xDS/SDS socket. */
export const GRPC_XDS_MOUNT = { name: 'istio-xds', mountPath: MOUNTS.envoy.mountPath } as const;
/** The bootstrap file pilot-agent writes for the application's gRPC library. */
export const GRPC_AGENT_BOOTSTRAP = `${GRPC_XDS_MOUNT.mountPath}/grpc-bootstrap.json`;

/** The volume the `grpc-simple` init container writes the bootstrap into. */
export const GRPC_SIMPLE_MOUNT = { name: 'grpc-io-proxyless-bootstrap', mountPath: '/var/lib/grpc/data/' } as const;
export const GRPC_SIMPLE_BOOTSTRAP = `${GRPC_SIMPLE_MOUNT.mountPath}bootstrap.json`;
/** The container that writes the `grpc-simple` bootstrap, and its image (a shell and `cat` are all it needs). */
export const GRPC_BOOTSTRAP_INIT_CONTAINER = 'grpc-bootstrap-init';
export const GRPC_BOOTSTRAP_INIT_IMAGE = 'busybox:1.28';

/** Injected pods keep their HTTP probes: there is no sidecar to rewrite them through. */
const KEEP_APP_PROBES: Entry = ['sidecar.istio.io/rewriteAppHTTPProbers', 'false'];

/** The pod's own containers, by name, patched with `entries` (the injector merges containers by name). */
function patchAppContainers(entries: Entry[]): Item {
  return each<Item>('$index, $container := .Spec.Containers', [
    when<Item>(`ne $container.Name "${PROXY_CONTAINER}"`, [map(['name', go('$container.Name | quote')], ...entries)]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// grpc-agent
// ---------------------------------------------------------------------------------------------

function agentEnv(): EnvEntry[] {
  return [
    // the agent serves xDS in the form gRPC understands, and writes certificates where the application reads them
    { name: 'ISTIO_META_GENERATOR', value: 'grpc' },
    { name: 'OUTPUT_CERTS', value: MOUNTS.data.mountPath },
    when<EnvEntry>('eq .InboundTrafficPolicyMode "localhost"', [{ name: 'REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION', value: 'true' }]),
    ...identityEnv(),
    { name: 'ISTIO_META_APP_CONTAINERS', value: go('$appContainers | join "," | quote') },
    { name: 'GOMEMLIMIT', resourceLimit: 'memory' },
    { name: 'GOMAXPROCS', resourceLimit: 'cpu' },
    { name: 'ISTIO_META_CLUSTER_ID', value: go(`valueOrDefault ${values('global.multiCluster.clusterName')} "Kubernetes" | quote`) },
    { name: 'ISTIO_META_NODE_NAME', podField: 'spec.nodeName' },
    when<EnvEntry>(values('global.network'), [{ name: 'ISTIO_META_NETWORK', value: go(`${values('global.network')} | quote`) }]),
    ...workloadEnv('.DeploymentMeta.Name', false),
    PROXY_METADATA_ENV,
    // last, so that proxy metadata cannot turn them off: gRPC resolves xds:/// names itself, and there is no Envoy
    { name: 'ISTIO_META_DNS_CAPTURE', value: 'false' },
    { name: 'DISABLE_ENVOY', value: 'true' },
  ];
}

function agentContainer(): TemplatedContainer {
  const readiness = (key: string, value: string) => go(annotationOr(key, values(`global.proxy.${value}`)));
  const seccomp = values('global.proxy.seccompProfile');
  return {
    name: PROXY_CONTAINER,
    image: imageOf('$proxyImage'),
    ports: [{ containerPort: AGENT_STATUS_PORT, protocol: 'TCP', name: 'mesh-metrics' }],
    args: agentArgs('sidecar'),
    // the application starts only once the agent has written the bootstrap and certificates
    lifecycle: [['lifecycle', map(['postStart', map(['exec', map(['command', list(
      'pilot-agent', 'wait', `--url=http://localhost:${AGENT_STATUS_PORT}${READINESS_PATH}`,
    )])])])]],
    env: agentEnv(),
    extra: [IMAGE_PULL_POLICY],
    // without Envoy, readiness is the agent's own status endpoint
    probeCondition: 'ne (printf "%v" $statusPort) "0"',
    readinessProbe: {
      port: AGENT_STATUS_PORT,
      initialDelaySeconds: readiness(ANNOTATIONS.readinessInitialDelay, 'readinessInitialDelaySeconds'),
      periodSeconds: readiness(ANNOTATIONS.readinessPeriod, 'readinessPeriodSeconds'),
      timeoutSeconds: 3,
      failureThreshold: readiness(ANNOTATIONS.readinessFailureThreshold, 'readinessFailureThreshold'),
    },
    // the agent neither redirects traffic nor binds low ports
    securityContext: [
      ['allowPrivilegeEscalation', false],
      ['capabilities', map(['drop', list('ALL')])],
      ['privileged', false],
      ['readOnlyRootFilesystem', true],
      ['runAsNonRoot', true],
      ['runAsUser', PROXY_USER],
      ['runAsGroup', PROXY_GROUP],
      when<Entry>(seccomp, [['seccompProfile', new ToYaml(seccomp)]]),
    ],
    resources: proxyResources(),
    volumeMounts: [
      MOUNTS.workloadSocket,
      workloadCertsMount(),
      when<MountEntry>(`eq ${values('global.pilotCertProvider')} "istiod"`, [MOUNTS.rootCert]),
      MOUNTS.data,
      GRPC_XDS_MOUNT,
      MOUNTS.token,
      MTLS_CERTS_MOUNT,
      MOUNTS.podInfo,
      userVolumeMounts(),
    ],
  };
}

/** Renders the `grpc-agent` template. */
export function grpcAgentTemplate(): string {
  const appEnv: EnvEntry[] = [
    { name: 'GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT', value: 'true' },
    { name: 'GRPC_XDS_BOOTSTRAP', value: GRPC_AGENT_BOOTSTRAP },
  ];
  // certificates and the bootstrap come from the agent; inside `range`, the values are reached through `$`
  const appMounts: MountEntry[] = [MOUNTS.data, GRPC_XDS_MOUNT, workloadCertsMount('$')];
  const document = map(
    ['metadata', map(
      // security.istio.io/tlsMode is left to the user: only applications that set up xDS credentials accept mTLS
      ['labels', map(...canonicalLabels(false))],
      ['annotations', map(...revisionAndDefaultContainer(), KEEP_APP_PROBES)],
    )],
    ['spec', map(
      ['containers', list(
        containerItem(agentContainer()),
        patchAppContainers([['env', list(...appEnv.map(envItem))], ['volumeMounts', list(...appMounts.map(mountItem))]]),
      )],
      ['volumes', list(
        emptyDirVolume(MOUNTS.workloadSocket.name),
        workloadCertsVolume(),
        // the xDS/SDS socket and the bootstrap live in memory
        emptyDirVolume(GRPC_XDS_MOUNT.name, true),
        emptyDirVolume(MOUNTS.data.name),
        podInfoVolume(),
        tokenVolume(),
        ISTIOD_ROOT_CERT_VOLUME,
        mtlsCertsVolume(),
        userVolumes(),
      )],
      IMAGE_PULL_SECRETS,
    )],
  );
  const preamble = [
    `{{- $proxyImage := ${annotationOr(ANNOTATIONS.proxyImage, values('global.proxy.image'))} }}`,
    `{{- $statusPort := ${annotationOr(ANNOTATIONS.statusPort, values('global.proxy.statusPort'))} }}`,
    ...APP_CONTAINERS_PREAMBLE,
  ];
  return renderTemplate(preamble, document);
}

// ---------------------------------------------------------------------------------------------
// grpc-simple
// ---------------------------------------------------------------------------------------------

/**
 * The shell script that writes the bootstrap: one plaintext xDS server (this revision's
 * istiod) and the node identity istiod expects of a sidecar, with the gRPC generator.
 * The JSON never closes two objects on one line: `}}` would read as a template delimiter.
 */
function bootstrapScript(): Block {
  const domain = `\${POD_NAMESPACE}.svc.{{ ${values('global.proxy.clusterDomain')} }}`;
  const server = `istiod{{ if ne ${values('revision')} "" }}-{{ ${values('revision')} }}{{ end }}.\${ISTIO_NAMESPACE}.svc:${ISTIOD_PLAINTEXT_XDS_PORT}`;
  return new Block([
    `cat > ${GRPC_SIMPLE_BOOTSTRAP} <<EOF`,
    '{',
    `  "xds_servers": [{"server_uri": "dns:///${server}", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],`,
    '  "node": {',
    `    "id": "sidecar~\${INSTANCE_IP}~\${POD_NAME}.\${POD_NAMESPACE}~${domain}",`,
    '    "metadata": {"GENERATOR": "grpc"}',
    '  }',
    '}',
    'EOF',
  ], '|-');
}

function bootstrapInit(): TemplatedContainer {
  return {
    name: GRPC_BOOTSTRAP_INIT_CONTAINER,
    image: GRPC_BOOTSTRAP_INIT_IMAGE,
    command: ['sh', '-c', bootstrapScript()],
    env: [
      { name: 'INSTANCE_IP', podField: 'status.podIP' },
      { name: 'POD_NAME', podField: 'metadata.name' },
      { name: 'POD_NAMESPACE', podField: 'metadata.namespace' },
      { name: 'ISTIO_NAMESPACE', value: go(`${values('global.istioNamespace')} | quote`) },
    ],
    // writing one file into an emptyDir needs no privileges
    securityContext: [
      ['allowPrivilegeEscalation', false],
      ['capabilities', map(['drop', list('ALL')])],
      ['readOnlyRootFilesystem', true],
      ['runAsNonRoot', true],
      ['runAsUser', PROXY_USER],
      ['runAsGroup', PROXY_GROUP],
    ],
    volumeMounts: [GRPC_SIMPLE_MOUNT],
  };
}

/** Renders the `grpc-simple` template. */
export function grpcSimpleTemplate(): string {
  const appEnv: EnvEntry[] = [
    { name: 'GRPC_XDS_BOOTSTRAP', value: GRPC_SIMPLE_BOOTSTRAP },
    // the simple mode is for trying proxyless gRPC out: its xDS exchange is logged in full
    { name: 'GRPC_GO_LOG_VERBOSITY_LEVEL', value: '99' },
    { name: 'GRPC_GO_LOG_SEVERITY_LEVEL', value: 'info' },
  ];
  const document: YMap = map(
    ['metadata', map(['annotations', map(KEEP_APP_PROBES)])],
    ['spec', map(
      ['initContainers', list(containerItem(bootstrapInit()))],
      ['containers', list(patchAppContainers([['env', list(...appEnv.map(envItem))], ['volumeMounts', list(mountItem(GRPC_SIMPLE_MOUNT))]]))],
      ['volumes', list(emptyDirVolume(GRPC_SIMPLE_MOUNT.name))],
    )],
  );
  return renderTemplate([], document);
}
