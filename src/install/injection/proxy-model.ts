/**
 * A typed model of the containers and volumes the injection templates add to a pod, with
 * Go template values where istiod fills in per-pod data. Every injection template is built
 * from it: `sidecar`, `gateway`, `grpc-agent`, `grpc-simple`, `kube-gateway` and `waypoint`.
 *
 * Internal: not exported from the package entry point.
 */
import {
  ENVOY_PROMETHEUS_PORT, ENVOY_PROMETHEUS_PORT_NAME, HEALTH_PORT, ISTIOD_XDS_PORT, MOUNTS, PROXY_CONTAINER, PROXY_UID,
  POD_FIELD_ENV, READINESS_PATH, ROOT_CERT_CONFIGMAP, TOKEN_EXPIRATION_SECONDS,
} from '../proxy-facts';
import {
  Block as BlockValue, Branch, Entry, Go, Item, MergeYaml, Value, act, each, go, interp, list, map, raw, when, withValue,
} from './go-template';

// ---------------------------------------------------------------------------------------------
// Expressions over the injection parameters istiod passes to a template
// ---------------------------------------------------------------------------------------------

/** `.Values.<path>`: the installation values (the `values` key of the injector ConfigMap). */
export function values(path: string): string {
  return `.Values.${path}`;
}

/** The pod annotation `key`, or `fallback` (a Go expression) when the pod does not set it. */
export function annotationOr(key: string, fallback: string): string {
  return `annotation .ObjectMeta \`${key}\` ${fallback}`;
}

/** Whether the pod sets annotation `key`. */
export function hasAnnotation(key: string): string {
  return `isset .ObjectMeta.Annotations \`${key}\``;
}

/** The pod's annotation `key` ("" when unset). */
export function annotationValue(key: string): string {
  return `index .ObjectMeta.Annotations \`${key}\``;
}

/** The pod's label `key` ("" when unset). */
export function labelValue(key: string): string {
  return `index .ObjectMeta.Labels \`${key}\``;
}

/** Wraps an expression in parentheses for use as an argument. */
export function p(expr: string): string {
  return `(${expr})`;
}

/** The annotations (and labels) that control injection, with the value key that is their default. */
export const ANNOTATIONS = {
  inject: 'sidecar.istio.io/inject',
  proxyConfig: 'proxy.istio.io/config',
  proxyImage: 'sidecar.istio.io/proxyImage',
  proxyCpu: 'sidecar.istio.io/proxyCPU',
  proxyMemory: 'sidecar.istio.io/proxyMemory',
  proxyCpuLimit: 'sidecar.istio.io/proxyCPULimit',
  proxyMemoryLimit: 'sidecar.istio.io/proxyMemoryLimit',
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  nativeSidecar: 'sidecar.istio.io/nativeSidecar',
  capNetBindService: 'sidecar.istio.io/capNetBindService',
  logLevel: 'sidecar.istio.io/logLevel',
  componentLogLevel: 'sidecar.istio.io/componentLogLevel',
  agentLogLevel: 'sidecar.istio.io/agentLogLevel',
  bootstrapOverride: 'sidecar.istio.io/bootstrapOverride',
  userVolume: 'sidecar.istio.io/userVolume',
  userVolumeMount: 'sidecar.istio.io/userVolumeMount',
  statusPort: 'status.sidecar.istio.io/port',
  readinessInitialDelay: 'readiness.status.sidecar.istio.io/initialDelaySeconds',
  readinessPeriod: 'readiness.status.sidecar.istio.io/periodSeconds',
  readinessFailureThreshold: 'readiness.status.sidecar.istio.io/failureThreshold',
  includeOutboundIpRanges: 'traffic.sidecar.istio.io/includeOutboundIPRanges',
  excludeOutboundIpRanges: 'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  includeInboundPorts: 'traffic.sidecar.istio.io/includeInboundPorts',
  excludeInboundPorts: 'traffic.sidecar.istio.io/excludeInboundPorts',
  includeOutboundPorts: 'traffic.sidecar.istio.io/includeOutboundPorts',
  excludeOutboundPorts: 'traffic.sidecar.istio.io/excludeOutboundPorts',
  kubevirtInterfaces: 'traffic.sidecar.istio.io/kubevirtInterfaces',
  rerouteVirtualInterfaces: 'istio.io/reroute-virtual-interfaces',
  excludeInterfaces: 'traffic.sidecar.istio.io/excludeInterfaces',
  defaultLogsContainer: 'kubectl.kubernetes.io/default-logs-container',
  defaultContainer: 'kubectl.kubernetes.io/default-container',
  multusNetworks: 'k8s.v1.cni.cncf.io/networks',
  datadogEnv: 'apm.datadoghq.com/env',
  revision: 'istio.io/rev',
} as const;

/** Labels the templates read or set. */
export const LABELS = {
  tlsMode: 'security.istio.io/tlsMode',
  tunnel: 'networking.istio.io/tunnel',
  canonicalName: 'service.istio.io/canonical-name',
  canonicalRevision: 'service.istio.io/canonical-revision',
  workloadName: 'service.istio.io/workload-name',
  appName: 'app.kubernetes.io/name',
  appVersion: 'app.kubernetes.io/version',
} as const;

// ---------------------------------------------------------------------------------------------
// Container model
// ---------------------------------------------------------------------------------------------

/** An environment variable of an injected container. */
export type EnvVar =
  | { readonly name: string | Go; readonly value: Value }
  | { readonly name: string; readonly podField: string }
  | { readonly name: string; readonly resourceLimit: 'cpu' | 'memory' };

/** Environment entries, possibly conditional. */
export type EnvEntry = EnvVar | Branch<EnvEntry>;

/** Volume mounts, possibly conditional, or raw items (mounts computed from annotations). */
export type MountEntry = Mount | Branch<MountEntry> | Item;

/** A volume mount of an injected container. */
export interface Mount {
  readonly name: string;
  readonly mountPath: string | Go;
  readonly readOnly?: boolean;
}

/** An HTTP readiness check of pilot-agent, on the health port unless `port` says otherwise. */
export interface HealthProbe {
  readonly port?: number;
  readonly initialDelaySeconds: Value;
  readonly periodSeconds: Value;
  readonly timeoutSeconds: number;
  readonly failureThreshold: Value;
}

/** A container added to the pod: every field is data or a Go template value. */
export interface TemplatedContainer {
  readonly name: Value;
  readonly image: Value;
  readonly restartPolicy?: 'Always';
  readonly ports?: ReadonlyArray<{ readonly containerPort: number; readonly protocol: 'TCP'; readonly name: string }>;
  /** The entrypoint, for containers that do not run the image's own. */
  readonly command?: readonly Item[];
  readonly args?: readonly Item[];
  /** Entries of `lifecycle`, usually conditional. */
  readonly lifecycle?: readonly Entry[];
  readonly env?: readonly EnvEntry[];
  /** Entries (not a value) so that a conditional imagePullPolicy can be absent. */
  readonly extra?: readonly Entry[];
  readonly startupProbe?: HealthProbe;
  readonly readinessProbe?: HealthProbe;
  /** Entries wrapping the probes (e.g. "only when the status port is enabled"). */
  readonly probeCondition?: string;
  readonly securityContext: readonly Entry[];
  readonly resources?: Value;
  readonly volumeMounts?: readonly MountEntry[];
}

/** The YAML of an environment entry, as a list item. */
export function envItem(env: EnvEntry): Item {
  if (env instanceof Branch) {
    return new Branch<Item>(env.keyword, env.condition, env.then.map(envItem), env.otherwise?.map(envItem));
  }
  if ('value' in env) return map(['name', env.name], ['value', env.value]);
  if ('podField' in env) return map(['name', env.name], ['valueFrom', map(['fieldRef', map(['fieldPath', env.podField])])]);
  return map(['name', env.name], ['valueFrom', map(['resourceFieldRef', map(['resource', `limits.${env.resourceLimit}`], ['divisor', '1'])])]);
}

/** The YAML of a volume mount entry, as a list item. */
export function mountItem(mount: MountEntry): Item {
  if (mount instanceof Branch) {
    return new Branch<Item>(mount.keyword, mount.condition, mount.then.map(mountItem), mount.otherwise?.map(mountItem));
  }
  if (isMount(mount)) {
    return map(['name', mount.name], ['mountPath', mount.mountPath], ...(mount.readOnly ? [['readOnly', true] as const] : []));
  }
  return mount;
}

function isMount(value: unknown): value is Mount {
  return typeof value === 'object' && value !== null && 'mountPath' in value && 'name' in value;
}

function probe(probeSpec: HealthProbe): Value {
  return map(
    ['httpGet', map(['path', READINESS_PATH], ['port', probeSpec.port ?? HEALTH_PORT])],
    ['initialDelaySeconds', probeSpec.initialDelaySeconds],
    ['periodSeconds', probeSpec.periodSeconds],
    ['timeoutSeconds', probeSpec.timeoutSeconds],
    ['failureThreshold', probeSpec.failureThreshold],
  );
}

/** The YAML of a container, as a list item. */
export function containerItem(c: TemplatedContainer): Item {
  const entries: Entry[] = [['name', c.name], ['image', c.image]];
  if (c.restartPolicy) entries.push(['restartPolicy', c.restartPolicy]);
  if (c.ports) entries.push(['ports', list(...c.ports.map(port => map(['containerPort', port.containerPort], ['protocol', port.protocol], ['name', port.name])))]);
  if (c.command) entries.push(['command', list(...c.command)]);
  if (c.args) entries.push(['args', list(...c.args)]);
  if (c.lifecycle) entries.push(...c.lifecycle);
  if (c.env) entries.push(['env', list(...c.env.map(envItem))]);
  if (c.extra) entries.push(...c.extra);
  const probes: Entry[] = [];
  if (c.startupProbe) probes.push(when(values('global.proxy.startupProbe.enabled'), [['startupProbe', probe(c.startupProbe)] as const]));
  if (c.readinessProbe) probes.push(['readinessProbe', probe(c.readinessProbe)]);
  entries.push(...(c.probeCondition ? [when(c.probeCondition, probes)] : probes));
  entries.push(['securityContext', map(...c.securityContext)]);
  if (c.resources !== undefined) entries.push(['resources', c.resources]);
  if (c.volumeMounts?.length) entries.push(['volumeMounts', list(...c.volumeMounts.map(mountItem))]);
  return map(...entries);
}

// ---------------------------------------------------------------------------------------------
// Parts shared by the sidecar and gateway templates
// ---------------------------------------------------------------------------------------------

/** Names of the pod's own containers (not the proxy), for `kubectl` defaults and pilot-agent. */
export const APP_CONTAINERS_PREAMBLE = [
  '{{- $appContainers := list }}',
  `{{- range .Spec.Containers }}{{ if ne .Name "${PROXY_CONTAINER}" }}{{ $appContainers = append $appContainers .Name }}{{ end }}{{ end }}`,
];

/** The proxy image: an annotation or value with a registry path is used as is; otherwise istiod's computed `.ProxyImage`. */
export function imageOf(variable: string): Value {
  return interp(act(`if contains "/" ${variable}`), go(variable), act('else'), go('.ProxyImage'), act('end'));
}

/** Envoy's Prometheus port, the only port the proxy declares. */
export const PROMETHEUS_PORT = { containerPort: ENVOY_PROMETHEUS_PORT, protocol: 'TCP', name: ENVOY_PROMETHEUS_PORT_NAME } as const;

/** pilot-agent arguments: `proxy <mode>` and its log levels. */
export function agentArgs(mode: 'sidecar' | 'router'): Item[] {
  return [
    'proxy',
    mode,
    '--domain',
    interp('$(POD_NAMESPACE).svc.', go(values('global.proxy.clusterDomain'))),
    interp('--proxyLogLevel=', go(annotationOr(ANNOTATIONS.logLevel, values('global.proxy.logLevel')))),
    interp('--proxyComponentLogLevel=', go(annotationOr(ANNOTATIONS.componentLogLevel, values('global.proxy.componentLogLevel')))),
    interp('--log_output_level=', go(annotationOr(ANNOTATIONS.agentLogLevel, values('global.logging.level')))),
    when(values('global.sts.servicePort'), [interp('--stsPort=', go(values('global.sts.servicePort')))]),
    when(values('global.logAsJson'), ['--log_as_json']),
  ];
}

/** The labels the injector sets from the workload's own labels. */
export function canonicalLabels(truncate: boolean): Entry[] {
  const name = [
    labelValue(LABELS.canonicalName), `default ${p(labelValue(LABELS.appName))}`, `default ${p(labelValue('app'))}`, 'default .DeploymentMeta.Name',
    ...(truncate ? ['trunc 63', 'trimSuffix "-"'] : []), 'quote',
  ].join(' | ');
  const revision = [
    labelValue(LABELS.canonicalRevision), `default ${p(labelValue(LABELS.appVersion))}`, `default ${p(labelValue('version'))}`, 'default "latest"', 'quote',
  ].join(' | ');
  return [[LABELS.canonicalName, go(name)], [LABELS.canonicalRevision, go(revision)]];
}

/** The `istio.io/rev` annotation and the `kubectl` default-container annotations. */
export function revisionAndDefaultContainer(): Entry[] {
  const first = go('index $appContainers 0 | quote');
  return [
    [ANNOTATIONS.revision, go('.Revision | default "default" | quote')],
    when('ge (len $appContainers) 1', [
      when(`not ${p(hasAnnotation(ANNOTATIONS.defaultLogsContainer))}`, [[ANNOTATIONS.defaultLogsContainer, first] as const]),
      when(`not ${p(hasAnnotation(ANNOTATIONS.defaultContainer))}`, [[ANNOTATIONS.defaultContainer, first] as const]),
    ]),
  ];
}

/** The pod's declared ports as a JSON array, which pilot-agent reads as `ISTIO_META_POD_PORTS`. */
const POD_PORTS_LINES = [
  '[',
  '{{- $sep := "" }}',
  '{{- range .Spec.Containers }}{{ range .Ports }}{{ with structToJSON . }}',
  '{{ $sep }}{{ . }}',
  '{{- $sep = "," }}',
  '{{- end }}{{ end }}{{ end }}',
  ']',
];

/** Environment of pilot-agent common to sidecars and gateways, up to the pod ports. */
export function identityEnv(): EnvEntry[] {
  return [
    { name: 'PILOT_CERT_PROVIDER', value: go(`${values('global.pilotCertProvider')} | quote`) },
    when<EnvEntry>(values('global.caAddress'), [{ name: 'CA_ADDR', value: go(`${values('global.caAddress')} | quote`) }], [{
      name: 'CA_ADDR',
      value: interp('istiod', act(`if ne ${values('revision')} ""`), '-', go(values('revision')), act('end'), '.', go(values('global.istioNamespace')), `.svc:${ISTIOD_XDS_PORT}`),
    }]),
    ...POD_FIELD_ENV.map(([name, podField]) => ({ name, podField })),
    { name: 'ISTIO_CPU_LIMIT', resourceLimit: 'cpu' },
    { name: 'PROXY_CONFIG', value: new BlockValue(['{{ protoToJSON .ProxyConfig }}']) },
    { name: 'ISTIO_META_POD_PORTS', value: new BlockValue(POD_PORTS_LINES, '|-') },
  ];
}

/**
 * Environment naming the workload, its owner, mesh and trust domain; `bootstrapOverride`
 * (default true) also points Envoy at a custom bootstrap the pod may annotate.
 */
export function workloadEnv(workloadName: string, bootstrapOverride = true): EnvEntry[] {
  return [
    withValue<EnvEntry>(workloadName, [{ name: 'ISTIO_META_WORKLOAD_NAME', value: go('. | quote') }]),
    when<EnvEntry>('and .TypeMeta.APIVersion .DeploymentMeta.Name', [{
      name: 'ISTIO_META_OWNER',
      value: interp('kubernetes://apis/', go('.TypeMeta.APIVersion'), '/namespaces/', go('valueOrDefault .DeploymentMeta.Namespace `default`'),
        '/', go('toLower .TypeMeta.Kind'), 's/', go('.DeploymentMeta.Name')),
    }]),
    ...(bootstrapOverride
      ? [when<EnvEntry>(hasAnnotation(ANNOTATIONS.bootstrapOverride), [{ name: 'ISTIO_BOOTSTRAP_OVERRIDE', value: `${MOUNTS.customBootstrap.mountPath}/custom_bootstrap.json` }])]
      : []),
    ...meshEnv(),
  ];
}

/** The mesh ID (or, by default, the trust domain) and the trust domain. */
export function meshEnv(): EnvEntry[] {
  const trustDomain = `valueOrDefault .MeshConfig.TrustDomain ${values('global.trustDomain')}`;
  return [
    when<EnvEntry>(values('global.meshID'), [{ name: 'ISTIO_META_MESH_ID', value: go(`${values('global.meshID')} | quote`) }], [
      when<EnvEntry>(p(trustDomain), [{ name: 'ISTIO_META_MESH_ID', value: go(`${trustDomain} | quote`) }]),
    ]),
    withValue<EnvEntry>(p(trustDomain), [{ name: 'TRUST_DOMAIN', value: go('. | quote') }]),
  ];
}

/** One variable per entry of the mesh's proxy metadata. */
export const PROXY_METADATA_ENV = each<EnvEntry>('$key, $value := .ProxyConfig.ProxyMetadata', [{ name: go('$key'), value: go('$value | quote') }]);

/** `imagePullPolicy`, only when the installation sets one. */
export const IMAGE_PULL_POLICY: Entry = withValue<Entry>(values('global.imagePullPolicy'), [['imagePullPolicy', go('. | quote')]]);

/** `eq .Values.global.caName "GkeWorkloadCertificate"`; `root` is `$` inside a `range`. */
function gkeCertificates(root = ''): string {
  return `eq ${root}${values('global.caName')} "GkeWorkloadCertificate"`;
}

/** The workload certificate mount: GKE's CSI volume when the CA is GKE's, otherwise an emptyDir. */
export function workloadCertsMount(root = ''): MountEntry {
  return when<MountEntry>(gkeCertificates(root), [{ name: 'gke-workload-certificate', mountPath: MOUNTS.workloadCerts.mountPath, readOnly: true }],
    [MOUNTS.workloadCerts]);
}

/** Mounts common to sidecars and gateways, in order, before the pod-info volume. */
export function proxyMounts(options: { readonly crl: boolean; readonly podOptions?: boolean }): MountEntry[] {
  const podOptions = options.podOptions ?? true;
  return [
    MOUNTS.workloadSocket,
    MOUNTS.credentialSocket,
    workloadCertsMount(),
    when<MountEntry>(`eq ${values('global.pilotCertProvider')} "istiod"`, [MOUNTS.rootCert, ...(options.crl ? [MOUNTS.crl] : [])]),
    MOUNTS.data,
    ...(podOptions ? [when<MountEntry>(hasAnnotation(ANNOTATIONS.bootstrapOverride), [MOUNTS.customBootstrap])] : []),
    MOUNTS.envoy,
    MOUNTS.token,
    ...(podOptions ? [MTLS_CERTS_MOUNT] : []),
    MOUNTS.podInfo,
  ];
}

/** The certificates in Secret `istio.<service account>`, mounted when the installation asks for them. */
export const MTLS_CERTS_MOUNT: MountEntry = when<MountEntry>(values('global.mountMtlsCerts'), [{ ...MOUNTS.mtlsCerts, readOnly: true }]);

/** An emptyDir volume; `memory` keeps it in RAM. */
export function emptyDirVolume(name: string, memory = false): Item {
  return map(['name', name], ['emptyDir', memory ? map(['medium', 'Memory']) : map()]);
}

/** The workload certificates: GKE's CSI driver when the CA is GKE's, otherwise an emptyDir. */
export function workloadCertsVolume(): Item {
  return when<Item>(gkeCertificates(), [map(['name', 'gke-workload-certificate'], ['csi', map(['driver', 'workloadcertificates.security.cloud.google.com'])])],
    [emptyDirVolume(MOUNTS.workloadCerts.name)]);
}

/** The ConfigMap a pod names in `sidecar.istio.io/bootstrapOverride`, when it names one. */
export function customBootstrapVolume(): Item {
  return when<Item>(hasAnnotation(ANNOTATIONS.bootstrapOverride), [
    map(['name', MOUNTS.customBootstrap.name], ['configMap', map(['name', go(annotationOr(ANNOTATIONS.bootstrapOverride, '""'))])]),
  ]);
}

/** The pod's labels and annotations as files, through the downward API. */
export function podInfoVolume(): Item {
  return map(['name', MOUNTS.podInfo.name], ['downwardAPI', map(['items', list(
    map(['path', 'labels'], ['fieldRef', map(['fieldPath', 'metadata.labels'])]),
    map(['path', 'annotations'], ['fieldRef', map(['fieldPath', 'metadata.annotations'])]),
  )])]);
}

/** The projected service-account token the proxy presents to istiod. */
export function tokenVolume(): Item {
  return map(['name', MOUNTS.token.name], ['projected', map(['sources', list(map(['serviceAccountToken', map(
    ['path', 'istio-token'],
    ['expirationSeconds', TOKEN_EXPIRATION_SECONDS],
    ['audience', go(values('global.sds.token.aud'))],
  )]))])]);
}

/** The mesh root certificate: a ClusterTrustBundle when istiod publishes them, otherwise the per-namespace ConfigMap. */
export function rootCertVolume(): Item {
  const trustBundle = values('global.trustBundleName');
  return map(
    ['name', MOUNTS.rootCert.name],
    when<Entry>(`eq ${p(values('pilot.env'))}.ENABLE_CLUSTER_TRUST_BUNDLE_API true`, [
      ['projected', map(['sources', list(map(['clusterTrustBundle', map(
        ['name', interp('istio.io:istiod-ca:', go(`${trustBundle} | default "root-cert"`))],
        ['path', 'root-cert.pem'],
      )]))])],
    ], [
      ['configMap', map(['name', go(`${trustBundle} | default "${ROOT_CERT_CONFIGMAP}"`)])],
    ]),
  );
}

/** The root certificate volume, only when istiod is the certificate provider. */
export const ISTIOD_ROOT_CERT_VOLUME: Item = when<Item>(`eq ${values('global.pilotCertProvider')} "istiod"`, [rootCertVolume()]);

/** Secret `istio.<service account>` (or `istio.default`), when the installation mounts mTLS certificates. */
export function mtlsCertsVolume(): Item {
  return when<Item>(values('global.mountMtlsCerts'), [map(['name', MOUNTS.mtlsCerts.name], ['secret', map(
    ['optional', true],
    ['secretName', interp(act('if eq .Spec.ServiceAccountName ""'), 'istio.default', act('else'), go('printf "istio.%s" .Spec.ServiceAccountName'), act('end'))],
  )])]);
}

/** The volumes a pod declares in `sidecar.istio.io/userVolume` (JSON: name to volume source). */
export function userVolumes(): Item {
  return when<Item>(hasAnnotation(ANNOTATIONS.userVolume), [
    each<Item>(`$name, $volume := fromJSON ${p(annotationValue(ANNOTATIONS.userVolume))}`, [map(['name', go('$name | quote')], new MergeYaml('$volume'))]),
  ]);
}

/** The mounts a pod declares in `sidecar.istio.io/userVolumeMount` (JSON: volume name to mount). */
export function userVolumeMounts(): Item {
  return when<Item>(hasAnnotation(ANNOTATIONS.userVolumeMount), [
    each<Item>(`$name, $mount := fromJSON ${p(annotationValue(ANNOTATIONS.userVolumeMount))}`, [map(['name', go('$name | quote')], new MergeYaml('$mount'))]),
  ]);
}

/** Volumes common to sidecars and gateways. */
export function proxyVolumes(options: { readonly crl: boolean; readonly userVolumes: boolean; readonly podOptions?: boolean }): Item[] {
  const podOptions = options.podOptions ?? true;
  return [
    emptyDirVolume(MOUNTS.workloadSocket.name),
    emptyDirVolume(MOUNTS.credentialSocket.name),
    workloadCertsVolume(),
    ...(podOptions ? [customBootstrapVolume()] : []),
    // the SDS socket between pilot-agent and Envoy lives in memory
    emptyDirVolume(MOUNTS.envoy.name, true),
    emptyDirVolume(MOUNTS.data.name),
    podInfoVolume(),
    tokenVolume(),
    ISTIOD_ROOT_CERT_VOLUME,
    ...(options.crl ? [map(['name', MOUNTS.crl.name], ['configMap', map(['name', go(`${values('pilot.crlConfigMapName')} | default "istio-ca-crl"`)], ['optional', true])])] : []),
    ...(podOptions ? [mtlsCertsVolume()] : []),
    ...(options.userVolumes ? [userVolumes()] : []),
  ];
}

/**
 * Proxy resources: the per-pod annotations when any is set, otherwise the installation's
 * `global.proxy.resources`.
 */
export function proxyResources(): Value {
  const cpu = ANNOTATIONS.proxyCpu;
  const memory = ANNOTATIONS.proxyMemory;
  const cpuLimit = ANNOTATIONS.proxyCpuLimit;
  const memoryLimit = ANNOTATIONS.proxyMemoryLimit;
  const any = (...keys: string[]) => `or ${keys.map(k => p(hasAnnotation(k))).join(' ')}`;
  const quantity = (resource: string, key: string): Entry => when(hasAnnotation(key), [[resource, go(`${annotationValue(key)} | quote`)] as const]);
  return map(
    when<Entry>(any(cpu, memory, cpuLimit, memoryLimit), [
      when<Entry>(any(cpu, memory), [['requests', map(quantity('cpu', cpu), quantity('memory', memory))]]),
      when<Entry>(any(cpuLimit, memoryLimit), [['limits', map(quantity('cpu', cpuLimit), quantity('memory', memoryLimit))]]),
    ], [
      withValue<Entry>(values('global.proxy.resources'), [new MergeYaml('(omitNil .)')]),
    ]),
  );
}

/** `imagePullSecrets` of the pod, when the installation sets any. */
export const IMAGE_PULL_SECRETS: Entry = when<Entry>(values('global.imagePullSecrets'), [
  ['imagePullSecrets', list(each<Item>(values('global.imagePullSecrets'), [map(['name', go('.')])]))],
]);

/** The proxy's user, group and a non-root flag, as the injector computes them. */
export const PROXY_USER = raw(go(`.ProxyUID | default "${PROXY_UID}"`));
export const PROXY_GROUP = raw(go(`.ProxyGID | default "${PROXY_UID}"`));

