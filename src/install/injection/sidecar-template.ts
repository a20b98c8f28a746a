/**
 * The `sidecar` injection template: the iptables init container (or the CNI validation
 * container) and the istio-proxy sidecar, as a regular container or a native sidecar
 * (an init container with `restartPolicy: Always`).
 *
 * Internal: not exported from the package entry point.
 */
import {
  AGENT_STATUS_PORT, ENVOY_PROMETHEUS_PORT, HEALTH_PORT, INBOUND_CAPTURE_PORT, INIT_CONTAINER, OUTBOUND_CAPTURE_PORT, PROXY_CONTAINER,
  PROXY_UID, VALIDATION_CONTAINER,
} from '../proxy-facts';
import { Entry, Flow, Item, ToYaml, act, each, go, interp, list, map, raw, renderTemplate, when, withValue } from './go-template';
import {
  ANNOTATIONS, APP_CONTAINERS_PREAMBLE, EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, LABELS, PROMETHEUS_PORT, PROXY_GROUP,
  PROXY_METADATA_ENV, PROXY_USER, TemplatedContainer, agentArgs, annotationOr, annotationValue, canonicalLabels, containerItem,
  hasAnnotation, identityEnv, imageOf, labelValue, p, proxyMounts, proxyResources, proxyVolumes, revisionAndDefaultContainer,
  userVolumeMounts, values, workloadEnv,
} from './proxy-model';

const CNI = values('pilot.cni.enabled');

/** Variables computed once per pod, named for what they mean. */
const PREAMBLE = [
  `{{- $mode := ${annotationOr(ANNOTATIONS.interceptionMode, '.ProxyConfig.InterceptionMode')} }}`,
  '{{- $tproxy := eq (printf "%v" $mode) "TPROXY" }}',
  `{{- $capNetBindService := eq (${annotationOr(ANNOTATIONS.capNetBindService, values('global.proxy.capNetBindService'))}) "true" }}`,
  `{{- $nativeSidecar := ne (${annotationValue(ANNOTATIONS.nativeSidecar)} | default (printf "%t" .NativeSidecars)) "false" }}`,
  `{{- $holdProxy := and (or .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue ${values('global.proxy.holdApplicationUntilProxyStarts')}) (not $nativeSidecar) }}`,
  '{{- $noInitContainer := and (eq (printf "%v" $mode) "NONE") (not $nativeSidecar) }}',
  `{{- $statusPort := ${annotationOr(ANNOTATIONS.statusPort, values('global.proxy.statusPort'))} }}`,
  `{{- $includeIPRanges := ${annotationOr(ANNOTATIONS.includeOutboundIpRanges, values('global.proxy.includeIPRanges'))} }}`,
  `{{- $excludeIPRanges := ${annotationOr(ANNOTATIONS.excludeOutboundIpRanges, values('global.proxy.excludeIPRanges'))} }}`,
  `{{- $includeInboundPorts := ${annotationOr(ANNOTATIONS.includeInboundPorts, values('global.proxy.includeInboundPorts'))} }}`,
  `{{- $excludeInboundPorts := excludeInboundPort $statusPort (${annotationOr(ANNOTATIONS.excludeInboundPorts, values('global.proxy.excludeInboundPorts'))}) }}`,
  `{{- $includeOutboundPorts := ${annotationOr(ANNOTATIONS.includeOutboundPorts, values('global.proxy.includeOutboundPorts'))} }}`,
  `{{- $excludeOutboundPorts := ${annotationOr(ANNOTATIONS.excludeOutboundPorts, values('global.proxy.excludeOutboundPorts'))} }}`,
  `{{- $proxyImage := ${annotationOr(ANNOTATIONS.proxyImage, values('global.proxy.image'))} }}`,
  `{{- $initImage := ${annotationOr(ANNOTATIONS.proxyImage, values('global.proxy_init.image'))} }}`,
  ...APP_CONTAINERS_PREAMBLE,
];

const SECCOMP: Entry = when<Entry>(values('global.proxy.seccompProfile'), [['seccompProfile', new ToYaml(values('global.proxy.seccompProfile'))]]);

/** The container that redirects traffic with iptables, or validates the CNI plugin did. */
function initContainer(): TemplatedContainer {
  const arg = (flag: string, variable: string): Item[] => [flag, interp(go(variable))];
  const optionalArg = (flag: string, variable: string): Item => when<Item>(variable, [flag, interp(go(variable))]);
  return {
    name: interp(act(`if ${CNI}`), VALIDATION_CONTAINER, act('else'), INIT_CONTAINER, act('end')),
    image: imageOf('$initImage'),
    args: [
      'istio-iptables',
      '-p', go(`.MeshConfig.ProxyListenPort | default "${OUTBOUND_CAPTURE_PORT}" | quote`),
      '-z', go(`.MeshConfig.ProxyInboundListenPort | default "${INBOUND_CAPTURE_PORT}" | quote`),
      '-u', interp(act('if $tproxy'), String(PROXY_UID), act('else'), go(`.ProxyUID | default "${PROXY_UID}"`), act('end')),
      ...arg('-m', '$mode'),
      ...arg('-i', '$includeIPRanges'),
      ...arg('-x', '$excludeIPRanges'),
      ...arg('-b', '$includeInboundPorts'),
      // Envoy's own ports are never captured
      '-d', interp(`${ENVOY_PROMETHEUS_PORT},${HEALTH_PORT}`, act('with $excludeInboundPorts'), ',', go('.'), act('end')),
      optionalArg('-q', '$includeOutboundPorts'),
      optionalArg('-o', '$excludeOutboundPorts'),
      when<Item>(hasAnnotation(ANNOTATIONS.rerouteVirtualInterfaces), ['-k', interp(go(annotationValue(ANNOTATIONS.rerouteVirtualInterfaces)))], [
        when<Item>(hasAnnotation(ANNOTATIONS.kubevirtInterfaces), ['-k', interp(go(annotationValue(ANNOTATIONS.kubevirtInterfaces)))]),
      ]),
      when<Item>(hasAnnotation(ANNOTATIONS.excludeInterfaces), ['-c', interp(go(annotationValue(ANNOTATIONS.excludeInterfaces)))]),
      interp('--log_output_level=', go(annotationOr(ANNOTATIONS.agentLogLevel, values('global.logging.level')))),
      when<Item>(values('global.logAsJson'), ['--log_as_json']),
      when<Item>(CNI, ['--run-validation', '--skip-rule-apply'], [
        when<Item>(values('global.proxy_init.forceApplyIptables'), ['--force-apply']),
      ]),
      when<Item>(values('global.nativeNftables'), ['--native-nftables']),
    ],
    extra: [
      IMAGE_PULL_POLICY,
      when<Entry>('.ProxyConfig.ProxyMetadata', [['env', list(each<Item>('$key, $value := .ProxyConfig.ProxyMetadata', [
        map(['name', go('$key')], ['value', go('$value | quote')]),
      ]))]]),
    ],
    securityContext: [
      ['allowPrivilegeEscalation', go(values('global.proxy.privileged'))],
      ['privileged', go(values('global.proxy.privileged'))],
      // without the CNI plugin the init container programs iptables itself, as root
      ['capabilities', map(when<Entry>(`not ${CNI}`, [['add', list('NET_ADMIN', 'NET_RAW')]]), ['drop', list('ALL')])],
      when<Entry>(`not ${CNI}`, [
        ['readOnlyRootFilesystem', false],
        ['runAsGroup', 0],
        ['runAsNonRoot', false],
        ['runAsUser', 0],
      ], [
        ['readOnlyRootFilesystem', true],
        ['runAsGroup', raw(act('if $tproxy'), String(PROXY_UID), act('else'), go(`.ProxyGID | default "${PROXY_UID}"`), act('end'))],
        ['runAsUser', raw(act('if $tproxy'), String(PROXY_UID), act('else'), go(`.ProxyUID | default "${PROXY_UID}"`), act('end'))],
        ['runAsNonRoot', true],
      ]),
      SECCOMP,
    ],
    resources: proxyResources(),
  };
}

function proxyEnv(): EnvEntry[] {
  return [
    when<EnvEntry>('eq .InboundTrafficPolicyMode "localhost"', [{ name: 'REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION', value: 'true' }]),
    ...identityEnv(),
    { name: 'ISTIO_META_APP_CONTAINERS', value: go('$appContainers | join "," | quote') },
    { name: 'GOMEMLIMIT', resourceLimit: 'memory' },
    { name: 'GOMAXPROCS', resourceLimit: 'cpu' },
    when<EnvEntry>('.CompliancePolicy', [{ name: 'COMPLIANCE_POLICY', value: go('.CompliancePolicy | quote') }]),
    { name: 'ISTIO_META_CLUSTER_ID', value: go(`valueOrDefault ${values('global.multiCluster.clusterName')} "Kubernetes" | quote`) },
    { name: 'ISTIO_META_NODE_NAME', podField: 'spec.nodeName' },
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: go(`or ${p(annotationValue(ANNOTATIONS.interceptionMode))} .ProxyConfig.InterceptionMode.String | quote`) },
    when<EnvEntry>(values('global.network'), [{ name: 'ISTIO_META_NETWORK', value: go(`${values('global.network')} | quote`) }]),
    ...workloadEnv(`${p(labelValue(LABELS.workloadName))} | default .DeploymentMeta.Name`),
    when<EnvEntry>(`and (eq ${values('global.proxy.tracer')} "datadog") (${hasAnnotation(ANNOTATIONS.datadogEnv)})`, [
      each<EnvEntry>(`$key, $value := fromJSON ${p(annotationValue(ANNOTATIONS.datadogEnv))}`, [{ name: go('$key'), value: go('$value | quote') }]),
    ]),
    when<EnvEntry>('$otelResourceAttributes', [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: go('$otelResourceAttributes | quote') }]),
    PROXY_METADATA_ENV,
  ];
}

/** The istio-proxy container; `native` places it among the init containers. */
function proxyContainer(native: boolean): TemplatedContainer {
  const lifecycleValue = values('global.proxy.lifecycle');
  const exec = (...command: string[]) => map(['exec', map(['command', list(...command)])]);
  const lifecycle: Entry = native
    // a native sidecar drains when the pod shuts down; SIGTERM follows once the app containers are gone
    ? when<Entry>(lifecycleValue, [['lifecycle', new ToYaml(lifecycleValue)]], [
      ['lifecycle', map(['preStop', map(['exec', map(['command', list('pilot-agent', 'request', interp('--debug-port=', go('$statusPort')), 'POST', 'drain')])])])],
    ])
    // holding the application until the proxy is ready: the kubelet waits for postStart before starting the next container
    : when<Entry>(lifecycleValue, [['lifecycle', new ToYaml(lifecycleValue)]], [
      when<Entry>('$holdProxy', [['lifecycle', map(['postStart', exec('pilot-agent', 'wait')])]]),
    ]);
  const readiness = (key: string, value: string) => go(annotationOr(key, values(`global.proxy.${value}`)));
  const tproxyOrBind = 'or $tproxy $capNetBindService';
  return {
    name: PROXY_CONTAINER,
    image: imageOf('$proxyImage'),
    restartPolicy: native ? 'Always' : undefined,
    ports: [PROMETHEUS_PORT],
    args: [
      ...agentArgs('sidecar'),
      when<Item>(values('global.proxy.outlierLogPath'), [interp('--outlierLogPath=', go(values('global.proxy.outlierLogPath')))]),
    ],
    lifecycle: [lifecycle],
    env: proxyEnv(),
    extra: [IMAGE_PULL_POLICY],
    probeCondition: 'ne (printf "%v" $statusPort) "0"',
    startupProbe: { initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: go(values('global.proxy.startupProbe.failureThreshold')) },
    readinessProbe: {
      initialDelaySeconds: readiness(ANNOTATIONS.readinessInitialDelay, 'readinessInitialDelaySeconds'),
      periodSeconds: readiness(ANNOTATIONS.readinessPeriod, 'readinessPeriodSeconds'),
      timeoutSeconds: 3,
      failureThreshold: readiness(ANNOTATIONS.readinessFailureThreshold, 'readinessFailureThreshold'),
    },
    securityContext: [
      // iptables trace logging needs a privileged proxy
      when<Entry>('eq (index .ProxyConfig.ProxyMetadata "IPTABLES_TRACE_LOGGING") "true"', [
        ['allowPrivilegeEscalation', true],
        ['capabilities', map(['add', list('NET_ADMIN')], ['drop', list('ALL')])],
        ['privileged', true],
        ['readOnlyRootFilesystem', true],
        ['runAsGroup', PROXY_GROUP],
        ['runAsNonRoot', false],
        ['runAsUser', 0],
      ], [
        ['allowPrivilegeEscalation', go(values('global.proxy.privileged'))],
        ['capabilities', map(
          when<Entry>(tproxyOrBind, [['add', list(when<Item>('$tproxy', ['NET_ADMIN']), when<Item>('$capNetBindService', ['NET_BIND_SERVICE']))]]),
          ['drop', list('ALL')],
        )],
        ['privileged', go(values('global.proxy.privileged'))],
        ['readOnlyRootFilesystem', true],
        // TPROXY and binding low ports need root
        when<Entry>(tproxyOrBind, [
          ['runAsNonRoot', false],
          ['runAsUser', 0],
          ['runAsGroup', PROXY_UID],
        ], [
          ['runAsNonRoot', true],
          ['runAsUser', PROXY_USER],
          ['runAsGroup', PROXY_GROUP],
        ]),
      ]),
      SECCOMP,
    ],
    resources: proxyResources(),
    volumeMounts: [
      ...proxyMounts({ crl: true }),
      when<Item>(`and (eq ${values('global.proxy.tracer')} "lightstep") .ProxyConfig.GetTracing.GetTlsSettings`, [
        map(['mountPath', go('directory .ProxyConfig.GetTracing.GetTlsSettings.GetCaCertificates')], ['name', 'lightstep-certs'], ['readOnly', true]),
      ]),
      userVolumeMounts(),
    ],
  };
}

/** Annotations the injector records when the CNI plugin, not an init container, installs redirection. */
function cniAnnotations(): Entry[] {
  const copy = (key: string, variable: string): Entry => withValue<Entry>(variable, [[key, go('. | quote')]]);
  return [
    when<Entry>(`eq ${values('pilot.cni.provider')} "multus"`, [
      [ANNOTATIONS.multusNetworks, go(`appendMultusNetwork ${p(annotationValue(ANNOTATIONS.multusNetworks))} \`default/istio-cni\` | quote`)],
    ]),
    [ANNOTATIONS.interceptionMode, go('$mode | quote')],
    copy(ANNOTATIONS.includeOutboundIpRanges, '$includeIPRanges'),
    copy(ANNOTATIONS.excludeOutboundIpRanges, '$excludeIPRanges'),
    [ANNOTATIONS.includeInboundPorts, go('$includeInboundPorts | quote')],
    [ANNOTATIONS.excludeInboundPorts, go('$excludeInboundPorts | quote')],
    copy(ANNOTATIONS.includeOutboundPorts, '$includeOutboundPorts'),
    copy(ANNOTATIONS.excludeOutboundPorts, '$excludeOutboundPorts'),
    copy(ANNOTATIONS.kubevirtInterfaces, p(annotationValue(ANNOTATIONS.kubevirtInterfaces))),
    copy(ANNOTATIONS.rerouteVirtualInterfaces, p(annotationValue(ANNOTATIONS.rerouteVirtualInterfaces))),
    copy(ANNOTATIONS.excludeInterfaces, p(annotationValue(ANNOTATIONS.excludeInterfaces))),
  ];
}

/** Renders the `sidecar` template. */
export function sidecarTemplate(): string {
  const notNone = 'ne (printf "%v" $mode) "NONE"';
  const document = map(
    ['metadata', map(
      ['labels', map(
        [LABELS.tlsMode, go(`${labelValue(LABELS.tlsMode)} | default "istio" | quote`)],
        when<Entry>('eq (index .ProxyConfig.ProxyMetadata "ISTIO_META_ENABLE_HBONE") "true"', [
          [LABELS.tunnel, go(`${labelValue(LABELS.tunnel)} | default "http" | quote`)],
        ]),
        ...canonicalLabels(true),
      )],
      ['annotations', map(
        ...revisionAndDefaultContainer(),
        when<Entry>(CNI, cniAnnotations()),
      )],
    )],
    ['spec', map(
      when<Entry>('$noInitContainer', [['initContainers', new Flow('[]')]], [
        ['initContainers', list(
          when<Item>(notNone, [containerItem(initContainer())]),
          when<Item>('$nativeSidecar', [containerItem(proxyContainer(true))]),
        )],
      ]),
      when<Entry>('not $nativeSidecar', [['containers', list(containerItem(proxyContainer(false)))]]),
      ['volumes', list(
        ...proxyVolumes({ crl: true, userVolumes: true }),
        when<Item>(`and (eq ${values('global.proxy.tracer')} "lightstep") .ProxyConfig.GetTracing.GetTlsSettings`, [
          map(['name', 'lightstep-certs'], ['secret', map(['optional', true], ['secretName', 'lightstep.cacert'])]),
        ]),
      )],
      IMAGE_PULL_SECRETS,
    )],
  );
  const otel = '{{- $otelResourceAttributes := otelResourceAttributes .MeshConfig .ObjectMeta.Annotations .ObjectMeta.Labels .DeploymentMeta.Namespace .Spec.Containers }}';
  return renderTemplate([...PREAMBLE, otel], document);
}

/** The prometheus port pilot-agent merges metrics on, for reference by the values. */
export const SIDECAR_STATUS_PORT = AGENT_STATUS_PORT;
