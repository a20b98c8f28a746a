/**
 * The `gateway` injection template: fills in the `istio-proxy` container of a gateway
 * Deployment whose pod template declares `image: auto` and the label
 * `inject.istio.io/templates: gateway`. The proxy runs as `proxy router` and, unless the
 * installation sets a pod security context, may bind ports below 1024 through the
 * `net.ipv4.ip_unprivileged_port_start` sysctl.
 *
 * Internal: not exported from the package entry point.
 */
import { PROXY_CONTAINER } from '../proxy-facts';
import { Entry, Item, MergeYaml, ToYaml, go, list, map, renderTemplate, when } from './go-template';
import {
  ANNOTATIONS, APP_CONTAINERS_PREAMBLE, EnvEntry, IMAGE_PULL_POLICY, IMAGE_PULL_SECRETS, PROMETHEUS_PORT, PROXY_GROUP, PROXY_METADATA_ENV,
  PROXY_USER, TemplatedContainer, agentArgs, annotationOr, canonicalLabels, containerItem, identityEnv, imageOf, proxyMounts, proxyVolumes,
  revisionAndDefaultContainer, values, workloadEnv,
} from './proxy-model';

function gatewayEnv(): EnvEntry[] {
  return [
    ...identityEnv(),
    { name: 'GOMEMLIMIT', resourceLimit: 'memory' },
    { name: 'GOMAXPROCS', resourceLimit: 'cpu' },
    when<EnvEntry>('.CompliancePolicy', [{ name: 'COMPLIANCE_POLICY', value: go('.CompliancePolicy | quote') }]),
    { name: 'ISTIO_META_APP_CONTAINERS', value: go('$appContainers | join "," | quote') },
    { name: 'ISTIO_META_CLUSTER_ID', value: go(`valueOrDefault ${values('global.multiCluster.clusterName')} "Kubernetes" | quote`) },
    { name: 'ISTIO_META_NODE_NAME', podField: 'spec.nodeName' },
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: go('.ProxyConfig.InterceptionMode.String | quote') },
    when<EnvEntry>(values('global.network'), [{ name: 'ISTIO_META_NETWORK', value: go(`${values('global.network')} | quote`) }]),
    ...workloadEnv('.DeploymentMeta.Name'),
    PROXY_METADATA_ENV,
  ];
}

function gatewayProxy(): TemplatedContainer {
  const lifecycle = values('global.proxy.lifecycle');
  return {
    name: PROXY_CONTAINER,
    image: imageOf('$proxyImage'),
    ports: [PROMETHEUS_PORT],
    args: agentArgs('router'),
    lifecycle: [when<Entry>(lifecycle, [['lifecycle', new ToYaml(lifecycle)]])],
    env: gatewayEnv(),
    extra: [IMAGE_PULL_POLICY],
    readinessProbe: {
      initialDelaySeconds: go(values('global.proxy.readinessInitialDelaySeconds')),
      periodSeconds: go(values('global.proxy.readinessPeriodSeconds')),
      timeoutSeconds: 3,
      failureThreshold: go(values('global.proxy.readinessFailureThreshold')),
    },
    securityContext: [['runAsUser', PROXY_USER], ['runAsGroup', PROXY_GROUP]],
    volumeMounts: proxyMounts({ crl: false }),
  };
}

/** Renders the `gateway` template. */
export function gatewayTemplate(): string {
  const podSecurity = values('gateways.securityContext');
  const document = map(
    ['metadata', map(
      ['labels', map(...canonicalLabels(false))],
      ['annotations', map(...revisionAndDefaultContainer())],
    )],
    ['spec', map(
      ['securityContext', map(
        when<Entry>(podSecurity, [new MergeYaml(podSecurity)], [
          // let the unprivileged proxy listen on ports 80 and 443
          ['sysctls', list(map(['name', 'net.ipv4.ip_unprivileged_port_start'], ['value', '0']))],
        ]),
      )],
      ['containers', list(containerItem(gatewayProxy()) as Item)],
      ['volumes', list(...proxyVolumes({ crl: false, userVolumes: false }))],
      IMAGE_PULL_SECRETS,
    )],
  );
  const preamble = [
    `{{- $proxyImage := ${annotationOr(ANNOTATIONS.proxyImage, values('global.proxy.image'))} }}`,
    ...APP_CONTAINERS_PREAMBLE,
  ];
  return renderTemplate(preamble, document);
}
