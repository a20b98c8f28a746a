/**
 * Renders the data of ConfigMap `istio-sidecar-injector`: `config` (YAML: policy, selectors,
 * templates) and `values` (JSON: the installation values the templates read).
 *
 * Internal: `IstioMesh` calls these; users reach them through `SidecarInjectorTemplates`.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { UPSTREAM_INJECTOR_VALUES } from '../../../imports/install/injector-values';
import {
  assertUnique, check, compact, fail, validateDnsLabel, validateEnum, validateInteger, validateIpOrCidr, validateLabelKey, validateLabels,
  validateLabelValue,
} from '../../core/validation';
import { ComputeResources, renderComputeResources, validateComputeResources } from '../compute-resources';
import { sortKeys } from '../install-context';
import { CniProvider } from '../istio-cni';
import { AGENT_STATUS_PORT, TOKEN_AUDIENCE } from '../proxy-facts';
import { agentgatewayTemplate } from './agentgateway-template';
import { gatewayTemplate } from './gateway-template';
import { grpcAgentTemplate, grpcSimpleTemplate } from './grpc-templates';
import type { InjectionSelector, SidecarInjectorOptions } from './injection-config';
import { kubeGatewayTemplate } from './kube-gateway-template';
import { sidecarTemplate } from './sidecar-template';
import { waypointTemplate } from './waypoint-template';

/**
 * The templates this library writes, by name: pods request `sidecar` (the default), `gateway`,
 * `grpc-agent` or `grpc-simple` with `inject.istio.io/templates`; istiod's gateway controller
 * deploys Gateways of class `istio` from `kube-gateway` and of class `istio-waypoint` from `waypoint`,
 * and its agentgateway controller its Gateways from `agentgateway`.
 */
export const BUILT_IN_TEMPLATES: Readonly<Record<string, () => string>> = {
  'sidecar': sidecarTemplate,
  'gateway': gatewayTemplate,
  'grpc-simple': grpcSimpleTemplate,
  'grpc-agent': grpcAgentTemplate,
  'waypoint': waypointTemplate,
  'kube-gateway': kubeGatewayTemplate,
  'agentgateway': agentgatewayTemplate,
};

const DEFAULT_PROXY_RESOURCES: ComputeResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
};

const DEFAULT_WAYPOINT_RESOURCES: ComputeResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2', memory: '1Gi' },
};

const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PORT_LIST = /^(\*|\d+(,\d+)*)?$/;

function validateOptions(scope: IConstruct | undefined, o: SidecarInjectorOptions): void {
  for (const [field, value] of [['hub', o.hub], ['tag', o.tag], ['variant', o.variant]] as const) {
    if (value !== undefined) check(value.length > 0 && !/\s/.test(value), scope, field, value, 'must be a non-empty image reference part without whitespace');
  }
  if (o.revision !== undefined) validateDnsLabel(scope, 'revision', o.revision);
  validateEnum(scope, 'cniProvider', o.cniProvider, CniProvider);
  validateDnsLabel(scope, 'istioNamespace', o.istioNamespace);
  validateComputeResources(scope, 'proxyResources', o.proxyResources);
  validateComputeResources(scope, 'waypointResources', o.waypointResources);
  o.imagePullSecrets?.forEach((name, i) => validateDnsLabel(scope, `imagePullSecrets[${i}]`, name));
  for (const [field, value] of [['includeOutboundIpRanges', o.includeOutboundIpRanges], ['excludeOutboundIpRanges', o.excludeOutboundIpRanges]] as const) {
    if (value === undefined || value === '' || value === '*') continue;
    value.split(',').forEach(cidr => validateIpOrCidr(scope, field, cidr.trim()));
  }
  for (const [field, value] of [
    ['includeInboundPorts', o.includeInboundPorts], ['excludeInboundPorts', o.excludeInboundPorts],
    ['includeOutboundPorts', o.includeOutboundPorts], ['excludeOutboundPorts', o.excludeOutboundPorts],
  ] as const) {
    if (value === undefined) continue;
    const ports = value.replace(/\s/g, '');
    check(PORT_LIST.test(ports) && (ports === '*' || ports === '' || ports.split(',').every(port => Number(port) >= 1 && Number(port) <= 65535)),
      scope, field, value, 'must be "*" or a comma-separated list of port numbers from 1 to 65535');
  }
  validateInteger(scope, 'statusPort', o.statusPort, 0, 65535);
  validateInteger(scope, 'readinessFailureThreshold', o.readinessFailureThreshold, 1);
  validateInteger(scope, 'startupProbeFailureThreshold', o.startupProbeFailureThreshold, 0);
  seconds(scope, 'readinessInitialDelay', o.readinessInitialDelay, 0);
  seconds(scope, 'readinessPeriod', o.readinessPeriod, 1);
  (['alwaysInjectSelector', 'neverInjectSelector'] as const).forEach(field => o[field]?.forEach((s, i) => validateSelector(scope, `${field}[${i}]`, s)));
  for (const [key, value] of Object.entries(o.injectedAnnotations ?? {})) {
    validateLabelKey(scope, 'injectedAnnotations key', key);
    check(typeof value === 'string', scope, `injectedAnnotations[${JSON.stringify(key)}]`, value, 'must be a string');
  }
  const custom = Object.keys(o.customTemplates ?? {});
  for (const name of custom) {
    check(TEMPLATE_NAME.test(name), scope, 'customTemplates key', name, 'a template name is lowercase letters, digits and "-"');
    check(!(name in BUILT_IN_TEMPLATES), scope, 'customTemplates key', name, 'the library writes this template itself; give your template another name');
    check(balancedActions(o.customTemplates![name]), scope, `customTemplates[${JSON.stringify(name)}]`, name,
      'has unbalanced "{{" and "}}" delimiters');
  }
  const templates = new Set([...Object.keys(BUILT_IN_TEMPLATES), ...custom]);
  for (const [alias, names] of Object.entries(o.aliases ?? {})) {
    check(TEMPLATE_NAME.test(alias) && !templates.has(alias), scope, 'aliases key', alias, 'must be a lowercase name that is not also a template name');
    check(names.length > 0, scope, `aliases[${JSON.stringify(alias)}]`, names, 'must name at least one template');
    names.forEach((name, i) => check(templates.has(name), scope, `aliases[${JSON.stringify(alias)}][${i}]`, name,
      `must be one of the templates ${[...templates].map(t => JSON.stringify(t)).join(', ')}`));
  }
  const defaults = o.defaultTemplates ?? ['sidecar'];
  check(defaults.length > 0, scope, 'defaultTemplates', defaults, 'must name at least one template');
  defaults.forEach((name, i) => check(templates.has(name) || name in (o.aliases ?? {}), scope, `defaultTemplates[${i}]`, name,
    `must be one of the templates ${[...templates].map(t => JSON.stringify(t)).join(', ')} or an alias`));
  assertUnique(scope, 'defaultTemplates', defaults, name => name);
}

function seconds(scope: IConstruct | undefined, field: string, duration: Duration | undefined, min: number): number | undefined {
  if (duration === undefined) return undefined;
  const s = duration.toSeconds({ integral: false });
  check(Number.isInteger(s) && s >= min, scope, field, duration, `must be a whole number of seconds, at least ${min}`);
  return s;
}

function validateSelector(scope: IConstruct | undefined, field: string, selector: InjectionSelector): void {
  validateLabels(scope, `${field}.matchLabels`, selector.matchLabels);
  const expressions = selector.matchExpressions ?? [];
  check(Object.keys(selector.matchLabels ?? {}).length > 0 || expressions.length > 0, scope, field, selector,
    'an empty selector matches every pod; give matchLabels or matchExpressions');
  expressions.forEach((e, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    validateLabelKey(scope, `${at}.key`, e.key);
    const setBased = e.operator === 'In' || e.operator === 'NotIn';
    if (setBased) {
      check((e.values ?? []).length > 0, scope, `${at}.values`, e.values, `operator ${e.operator} needs at least one value`);
      e.values!.forEach((v, j) => validateLabelValue(scope, `${at}.values[${j}]`, v));
    } else {
      check(e.values === undefined || e.values.length === 0, scope, `${at}.values`, e.values, `operator ${e.operator} takes no values`);
    }
  });
}

/** Whether every `{{` has a matching `}}` and they do not nest. */
export function balancedActions(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length - 1; i++) {
    const pair = text.slice(i, i + 2);
    if (pair === '{{') {
      if (open) return false;
      open = true;
      i++;
    } else if (pair === '}}') {
      if (!open) return false;
      open = false;
      i++;
    }
  }
  return !open;
}

function renderSelector(selector: InjectionSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (selector.matchLabels && Object.keys(selector.matchLabels).length > 0) out.matchLabels = selector.matchLabels;
  if (selector.matchExpressions && selector.matchExpressions.length > 0) {
    out.matchExpressions = selector.matchExpressions.map(e => compact({ key: e.key, operator: e.operator, values: e.values }));
  }
  return out;
}

/**
 * A literal block scalar holding exactly `text`, its lines indented by `indent` under a key at
 * `indent - 2`. An indentation indicator is added when the text starts with a space, and
 * chomping keeps or strips the final line break as the text has it.
 */
function blockScalar(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const trailing = text.endsWith('\n');
  const body = (trailing ? text.slice(0, -1) : text).split('\n').map(line => (line.length > 0 ? pad + line : '')).join('\n');
  const indicator = /^[ \t]/.test(text) ? '2' : '';
  return `|${indicator}${trailing ? '' : '-'}\n${body}`;
}

/**
 * The `config` key of ConfigMap `istio-sidecar-injector`. Plain settings are written as JSON,
 * which YAML reads as flow collections; templates as literal block scalars.
 */
export function renderInjectionConfig(options: SidecarInjectorOptions = {}, scope?: IConstruct): string {
  validateOptions(scope, options);
  const lines = [
    `defaultTemplates: ${JSON.stringify(options.defaultTemplates ?? ['sidecar'])}`,
    `policy: ${options.policy ?? 'enabled'}`,
    `alwaysInjectSelector: ${JSON.stringify((options.alwaysInjectSelector ?? []).map(renderSelector))}`,
    `neverInjectSelector: ${JSON.stringify((options.neverInjectSelector ?? []).map(renderSelector))}`,
    `injectedAnnotations: ${JSON.stringify(options.injectedAnnotations ?? {})}`,
  ];
  if (options.aliases && Object.keys(options.aliases).length > 0) lines.push(`aliases: ${JSON.stringify(options.aliases)}`);
  lines.push('templates:');
  const templates: Array<[string, string]> = [
    ...Object.entries(BUILT_IN_TEMPLATES).map(([name, render]) => [name, render()] as [string, string]),
    ...Object.entries(options.customTemplates ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  ];
  for (const [name, text] of templates) lines.push(`  ${name}: ${blockScalar(text, 4)}`);
  return lines.join('\n') + '\n';
}

/** Values that are one Kubernetes object each: the installation's replaces upstream's whole. */
const ATOMIC_VALUES = new Set(['resources', 'affinity', 'nodeSelector', 'seccompProfile', 'securityContext', 'env', 'injectedAnnotations']);

/** `over` laid on `base`: mappings merge key by key, anything else (lists, scalars, atomic values) replaces. */
function overlay(base: unknown, over: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = key in base && !ATOMIC_VALUES.has(key) ? overlay(base[key], value) : value;
  }
  return out;
}

/**
 * The `values` key of ConfigMap `istio-sidecar-injector`, as JSON: every value upstream writes
 * there (custom templates written for upstream may read any of them), with what this
 * installation decides laid over upstream's defaults.
 */
export function renderInjectionValues(options: SidecarInjectorOptions = {}, scope?: IConstruct): string {
  validateOptions(scope, options);
  const o = options;
  const startupThreshold = o.startupProbeFailureThreshold ?? 600;
  const proxy: Record<string, unknown> = {
    clusterDomain: o.clusterDomain ?? 'cluster.local',
    componentLogLevel: o.proxyComponentLogLevel ?? 'misc:error',
    excludeIPRanges: o.excludeOutboundIpRanges ?? '',
    excludeInboundPorts: o.excludeInboundPorts ?? '',
    excludeOutboundPorts: o.excludeOutboundPorts ?? '',
    ...(o.holdApplicationUntilProxyStarts ? { holdApplicationUntilProxyStarts: true } : {}),
    image: 'proxyv2',
    includeIPRanges: o.includeOutboundIpRanges ?? '*',
    includeInboundPorts: o.includeInboundPorts ?? '*',
    includeOutboundPorts: o.includeOutboundPorts ?? '',
    logLevel: o.proxyLogLevel ?? 'warning',
    outlierLogPath: '',
    privileged: o.privileged ?? false,
    readinessFailureThreshold: o.readinessFailureThreshold ?? 4,
    readinessInitialDelaySeconds: seconds(scope, 'readinessInitialDelay', o.readinessInitialDelay, 0) ?? 0,
    readinessPeriodSeconds: seconds(scope, 'readinessPeriod', o.readinessPeriod, 1) ?? 15,
    resources: renderComputeResources(o.proxyResources ?? DEFAULT_PROXY_RESOURCES) ?? {},
    seccompProfile: {},
    startupProbe: { enabled: startupThreshold > 0, failureThreshold: startupThreshold > 0 ? startupThreshold : 600 },
    statusPort: o.statusPort ?? AGENT_STATUS_PORT,
    tracer: 'none',
  };
  const values = {
    gateways: { seccompProfile: {}, securityContext: {} },
    global: {
      caAddress: o.caAddress ?? '',
      caName: '',
      hub: o.hub ?? 'docker.io/istio',
      imagePullPolicy: o.imagePullPolicy ?? '',
      imagePullSecrets: o.imagePullSecrets ?? [],
      istioNamespace: o.istioNamespace ?? 'istio-system',
      logAsJson: o.logAsJson ?? false,
      logging: { level: o.agentLogLevel ?? 'default:info' },
      meshID: o.meshId ?? '',
      mountMtlsCerts: false,
      multiCluster: { clusterName: o.clusterName ?? '' },
      nativeNftables: o.nativeNftables ?? false,
      network: o.network ?? '',
      pilotCertProvider: 'istiod',
      proxy,
      proxy_init: { forceApplyIptables: false, image: 'proxyv2' },
      sds: { token: { aud: TOKEN_AUDIENCE } },
      sts: { servicePort: 0 },
      // the agentgateway template reads it; upstream writes no value, which leaves the template nothing to read
      agentgateway: { image: '' },
      tag: o.tag ?? '1.30.3',
      ...(o.trustDomain !== undefined ? { trustDomain: o.trustDomain } : {}),
      variant: o.variant ?? '',
      waypoint: {
        affinity: {},
        nodeSelector: {},
        resources: renderComputeResources(o.waypointResources ?? DEFAULT_WAYPOINT_RESOURCES) ?? {},
        tolerations: [],
        topologySpreadConstraints: [],
      },
    },
    pilot: { cni: { enabled: o.cniEnabled ?? false, provider: o.cniProvider ?? 'default' }, env: {} },
    revision: o.revision ?? '',
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: o.rewriteAppHttpProbes ?? true },
  };
  return JSON.stringify(sortKeys(overlay(UPSTREAM_INJECTOR_VALUES, values)), undefined, 2);
}

/** Throws the standard error for an unknown template (used by callers that pick templates by name). */
export function assertTemplate(scope: IConstruct | undefined, field: string, name: string, options: SidecarInjectorOptions = {}): void {
  const known = [...Object.keys(BUILT_IN_TEMPLATES), ...Object.keys(options.customTemplates ?? {}), ...Object.keys(options.aliases ?? {})];
  if (!known.includes(name)) fail(scope, field, name, `must be one of ${known.map(t => JSON.stringify(t)).join(', ')}`);
}
