/**
 * Reads an IstioOperator (`install.istio.io/v1alpha1`), the file `istioctl install -f` takes,
 * into the typed options of `IstioMesh`. Every field is either mapped to a typed option or
 * refused with the field path and what to use instead: nothing is silently ignored.
 */
import { readFileSync } from 'fs';
import { Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  ComponentAffinity, ComponentKubernetesOptions, ComponentServiceOptions, ComponentVolume, DisruptionBudget, IpFamily, IpFamilyPolicy,
  PodAffinityTerm, PodSecurityOptions, SeccompProfileType, SessionAffinity, TopologySpread, UnsatisfiableSpread,
} from './component-kubernetes';
import { ComputeResources } from './compute-resources';
import {
  ExternalTrafficPolicy, GatewayInstallationPort, GatewayPortProtocol, GatewayScaling, GatewayServiceType,
} from './gateway-installation';
import { InjectionImagePullPolicy, SidecarInjectorOptions } from './injection/injection-config';
import type { IstioMeshProps, MeshGatewayOptions, ProfileGatewayOptions } from './istio-mesh';
import { IstiodOptions } from './istiod-options';
import {
  AccessLogEncoding, IngressControllerMode, MeshConfigOptions, OutboundTrafficPolicyMode, ProxyConfigOptions,
} from './mesh-config';
import { Profile } from './profile';
import { quote } from '../core/validation';

/** Where an IstioOperator comes from: a file, YAML text, or an object already parsed. */
export class IstioOperatorSource {
  /** An IstioOperator YAML file, as given to `istioctl install -f`. It is read now. */
  public static fromFile(path: string): IstioOperatorSource {
    return IstioOperatorSource.fromYaml(readFileSync(path, 'utf-8'), path);
  }

  /**
   * IstioOperator YAML text: one document (a file holding several must hold exactly one
   * IstioOperator).
   *
   * @param origin what to call the text in error messages @default "YAML"
   */
  public static fromYaml(yaml: string, origin?: string): IstioOperatorSource {
    const docs = parseAllDocuments(yaml).map(d => {
      if (d.errors.length > 0) throw new Error(`${origin ?? 'IstioOperator YAML'}: not valid YAML: ${d.errors[0].message}`);
      return d.toJS();
    }).filter(d => d !== null && d !== undefined);
    const operators = docs.filter(d => d?.kind === 'IstioOperator');
    if (operators.length !== 1) {
      throw new Error(`${origin ?? 'IstioOperator YAML'}: must hold exactly one IstioOperator, found ${operators.length}`);
    }
    return new IstioOperatorSource(operators[0], origin ?? 'IstioOperator YAML');
  }

  /** An IstioOperator as an object (`apiVersion`, `kind`, `metadata`, `spec`). */
  public static fromObject(operator: { [key: string]: any }): IstioOperatorSource {
    return new IstioOperatorSource(operator, 'IstioOperator');
  }

  private constructor(
    /** @internal */ public readonly _operator: any,
    /** @internal */ public readonly _origin: string,
  ) {}
}

/** A gateway of `components.ingressGateways`/`egressGateways` that is not one of the profile's. @internal */
export interface OperatorGateway {
  readonly kind: 'ingress' | 'egress';
  readonly name: string;
  readonly options: MeshGatewayOptions;
}

/** One entry of `k8s.overlays`, with istioctl's paths. @internal */
export interface OperatorOverlay {
  readonly field: string;
  readonly kind: string;
  readonly name: string;
  readonly patches: Array<{ path: string; value?: unknown; remove: boolean }>;
}

/** What an IstioOperator translates to. @internal */
export interface OperatorPlan {
  readonly props: IstioMeshProps;
  readonly gateways: OperatorGateway[];
  /** Overlays, resolved once the mesh's objects exist (paths may select list items by a field). */
  readonly overlays: OperatorOverlay[];
}

type Json = Record<string, any>;

/** Tracks the keys of one mapping, so that every key left unread can be refused. */
class Fields {
  private readonly seen = new Set<string>();
  public constructor(private readonly t: Translator, public readonly path: string, public readonly value: Json) {}

  public take(key: string): any {
    this.seen.add(key);
    return this.value[key];
  }

  /** Refuses every key not read, with the suggestion for it when known. */
  public done(suggestions: Record<string, string> = {}): void {
    for (const key of Object.keys(this.value)) {
      if (this.seen.has(key) || this.value[key] === undefined || this.value[key] === null) continue;
      this.t.unsupported(this.path ? `${this.path}.${key}` : key, suggestions[key] ?? suggestions['*']);
    }
  }
}

/** Reads one IstioOperator. @internal */
export class Translator {
  public constructor(private readonly where: string) {}

  public unsupported(field: string, instead?: string): never {
    throw new Error(`${this.where}: IstioOperator field ${field} is not supported; `
      + (instead ?? 'set the matching IstioMesh option in code, or patch the rendered object with mesh.addOverlay()'));
  }

  public invalid(field: string, value: unknown, expected: string): never {
    throw new Error(`${this.where}: IstioOperator field ${field} ${quote(value)} is invalid: ${expected}`);
  }

  public map(path: string, value: unknown): Fields {
    if (value === undefined || value === null) return new Fields(this, path, {});
    if (typeof value !== 'object' || Array.isArray(value)) this.invalid(path, value, 'must be a mapping');
    return new Fields(this, path, value as Json);
  }

  public list(path: string, value: unknown): any[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.invalid(path, value, 'must be a list');
    return value;
  }

  public str(path: string, value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') this.invalid(path, value, 'must be a string');
    return value;
  }

  public num(path: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) this.invalid(path, value, 'must be a number');
    return n;
  }

  public bool(path: string, value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    if (typeof value !== 'boolean') this.invalid(path, value, 'must be true or false');
    return value;
  }

  public strings(path: string, value: unknown): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    const m = this.map(path, value).value;
    return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, this.str(`${path}.${k}`, v) ?? '']));
  }

  public stringList(path: string, value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    return this.list(path, value).map((v, i) => this.str(`${path}[${i}]`, v)!);
  }

  public duration(path: string, value: unknown): Duration | undefined {
    const text = this.str(path, value);
    if (text === undefined) return undefined;
    const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text);
    if (!match || text === '') this.invalid(path, value, 'must be a duration such as "10s", "1m30s" or "500ms"');
    const [, h, m, s, ms] = match;
    return Duration.millis(Number(h ?? 0) * 3600000 + Number(m ?? 0) * 60000 + Math.round(Number(s ?? 0) * 1000) + Number(ms ?? 0));
  }

  public enumValue<T extends string>(path: string, value: unknown, values: Record<string, T>): T | undefined {
    const text = this.str(path, value);
    if (text === undefined) return undefined;
    const found = Object.values(values).find(v => v === text);
    if (found === undefined) this.invalid(path, value, `must be one of ${Object.values(values).map(v => JSON.stringify(v)).join(', ')}`);
    return found;
  }
}

const PROFILES: Record<string, Profile> = { default: Profile.DEFAULT, demo: Profile.DEMO, minimal: Profile.MINIMAL, empty: Profile.EMPTY };

/** Translates an IstioOperator to the options of an IstioMesh. @internal */
export function translateIstioOperator(scope: Construct, id: string, source: IstioOperatorSource): OperatorPlan {
  const where = `${scope.node.path ? `${scope.node.path}/` : ''}${id} (${source._origin})`;
  const t = new Translator(where);
  const op = source._operator;
  if (op === null || typeof op !== 'object') t.invalid('(document)', op, 'must be an IstioOperator object');
  const top = t.map('', op);
  const apiVersion = top.take('apiVersion');
  if (apiVersion !== 'install.istio.io/v1alpha1') t.invalid('apiVersion', apiVersion, 'must be "install.istio.io/v1alpha1"');
  if (top.take('kind') !== 'IstioOperator') t.invalid('kind', op.kind, 'must be "IstioOperator"');
  const metadata = t.map('metadata', top.take('metadata'));
  metadata.take('name');
  // the namespace of the IstioOperator object itself only mattered to the in-cluster operator
  metadata.take('namespace');
  metadata.done({ '*': 'only metadata.name and metadata.namespace are read (and ignored: the library writes no IstioOperator object)' });
  top.take('spec');
  top.done({ status: 'remove the status of the in-cluster operator' });

  const spec = t.map('spec', op.spec);
  const profileName = t.str('spec.profile', spec.take('profile')) ?? 'default';
  const profile = PROFILES[profileName];
  if (profile === undefined) {
    t.unsupported(`spec.profile "${profileName}"`, `use one of ${Object.keys(PROFILES).map(p => JSON.stringify(p)).join(', ')} (ambient, the istio-cni and ztunnel components, is not supported yet)`);
  }
  const props: Record<string, any> = { profile };
  props.hub = t.str('spec.hub', spec.take('hub'));
  props.tag = t.str('spec.tag', spec.take('tag'));
  props.revision = t.str('spec.revision', spec.take('revision')) || undefined;
  props.namespace = t.str('spec.namespace', spec.take('namespace'));
  spec.take('installPackagePath');
  if (op.spec?.installPackagePath !== undefined) t.unsupported('spec.installPackagePath', 'the library renders Istio 1.30.3 itself; remove it');
  const meshConfig = spec.take('meshConfig');
  if (meshConfig !== undefined) props.meshConfig = translateMeshConfig(t, meshConfig);

  const istiod: Record<string, any> = {};
  const components: Record<string, any> = {};
  const injector: Record<string, any> = {};
  const ingress: Record<string, any> = {};
  const egress: Record<string, any> = {};
  translateValues(t, spec.take('values'), props, istiod, components, injector);

  const gateways: OperatorGateway[] = [];
  const overlays: OperatorPlan['overlays'] = [];
  const comps = t.map('spec.components', spec.take('components'));
  const base = t.map('spec.components.base', comps.take('base'));
  const baseEnabled = t.bool('spec.components.base.enabled', base.take('enabled'));
  if (baseEnabled !== undefined) props.base = baseEnabled;
  base.done({ k8s: 'the base component has no workload; remove k8s' });

  const pilot = t.map('spec.components.pilot', comps.take('pilot'));
  const pilotEnabled = t.bool('spec.components.pilot.enabled', pilot.take('enabled'));
  if (pilotEnabled !== undefined && pilotEnabled !== (profile !== Profile.EMPTY)) {
    t.unsupported(`spec.components.pilot.enabled ${pilotEnabled}`, pilotEnabled
      ? 'the empty profile installs no istiod; use profile "minimal" for istiod alone'
      : 'use profile "empty" for an installation without istiod');
  }
  const pilotNamespace = t.str('spec.components.pilot.namespace', pilot.take('namespace'));
  if (pilotNamespace !== undefined) props.namespace = sameNamespace(t, 'spec.components.pilot.namespace', pilotNamespace, props.namespace);
  const pilotK8s = pilot.take('k8s');
  if (pilotK8s !== undefined) {
    translateK8s(t, scope, id, 'spec.components.pilot.k8s', pilotK8s, istiod, 'istiod', overlays, 'Pilot');
  }
  const pilotHub = t.str('spec.components.pilot.hub', pilot.take('hub'));
  if (pilotHub !== undefined) istiod.hub = pilotHub;
  const pilotTag = t.str('spec.components.pilot.tag', pilot.take('tag'));
  if (pilotTag !== undefined) istiod.tag = pilotTag;
  pilot.done();

  for (const name of ['cni', 'ztunnel']) {
    const c = t.map(`spec.components.${name}`, comps.take(name));
    if (t.bool(`spec.components.${name}.enabled`, c.take('enabled'))) {
      t.unsupported(`spec.components.${name}.enabled`, `the ${name === 'cni' ? 'istio-cni' : 'ztunnel'} component is not supported yet; remove it or set enabled: false`);
    }
    c.done({ '*': `the ${name} component is not supported yet` });
  }
  comps.take('istiodRemote');
  if (op.spec?.components?.istiodRemote?.enabled) t.unsupported('spec.components.istiodRemote', 'remote control planes are not supported; install istiod in the cluster');

  for (const kind of ['ingress', 'egress'] as const) {
    const field = `spec.components.${kind}Gateways`;
    t.list(field, comps.take(`${kind}Gateways`)).forEach((raw, i) => {
      const g = t.map(`${field}[${i}]`, raw);
      const name = t.str(`${field}[${i}].name`, g.take('name')) ?? `istio-${kind}gateway`;
      const enabled = t.bool(`${field}[${i}].enabled`, g.take('enabled'));
      const ns = t.str(`${field}[${i}].namespace`, g.take('namespace'));
      if (ns !== undefined) sameNamespace(t, `${field}[${i}].namespace`, ns, props.namespace);
      const options: Record<string, any> = {};
      const labels = t.strings(`${field}[${i}].label`, g.take('label'));
      if (labels) {
        // istioctl's gateway labels select the pods, as `app`/`istio` do by default
        options.selectorLabels = labels;
      }
      const k8s = g.take('k8s');
      if (k8s !== undefined) translateK8s(t, scope, id, `${field}[${i}].k8s`, k8s, options, name, overlays, kind === 'ingress' ? 'IngressGateways' : 'EgressGateways');
      const gatewayHub = t.str(`${field}[${i}].hub`, g.take('hub'));
      if (gatewayHub !== undefined) options.hub = gatewayHub;
      const gatewayTag = t.str(`${field}[${i}].tag`, g.take('tag'));
      if (gatewayTag !== undefined) options.tag = gatewayTag;
      g.done();
      const profileGateway = name === `istio-${kind}gateway`;
      if (profileGateway) {
        Object.assign(kind === 'ingress' ? ingress : egress, options, enabled !== undefined ? { enabled } : {});
      } else if (enabled ?? false) {
        gateways.push({ kind, name, options: options as MeshGatewayOptions });
      }
    });
  }
  comps.done();
  spec.done({ addonComponents: 'addons are separate constructs of this library (src/addons)' });

  if (Object.keys(istiod).length) props.istiod = istiod as IstiodOptions;
  if (Object.keys(components).length) props.components = components as ComponentKubernetesOptions;
  if (Object.keys(injector).length) props.sidecarInjector = injector as SidecarInjectorOptions;
  if (Object.keys(ingress).length) props.ingressGateway = ingress as ProfileGatewayOptions;
  if (Object.keys(egress).length) props.egressGateway = egress as ProfileGatewayOptions;
  for (const key of Object.keys(props)) if (props[key] === undefined) delete props[key];
  return { props: props as IstioMeshProps, gateways, overlays };
}

function sameNamespace(t: Translator, field: string, ns: string, meshNamespace: string | undefined): string {
  if (ns !== (meshNamespace ?? 'istio-system')) {
    t.unsupported(`${field} "${ns}"`, `every component runs in the mesh namespace "${meshNamespace ?? 'istio-system'}"; set spec.namespace or values.global.istioNamespace instead`);
  }
  return ns;
}

function translateMeshConfig(t: Translator, raw: unknown): MeshConfigOptions {
  const m = t.map('spec.meshConfig', raw);
  const out: Record<string, unknown> = {
    accessLogFile: t.str('spec.meshConfig.accessLogFile', m.take('accessLogFile')),
    accessLogEncoding: t.enumValue('spec.meshConfig.accessLogEncoding', m.take('accessLogEncoding'), AccessLogEncoding),
    accessLogFormat: t.str('spec.meshConfig.accessLogFormat', m.take('accessLogFormat')),
    trustDomain: t.str('spec.meshConfig.trustDomain', m.take('trustDomain')),
    trustDomainAliases: t.stringList('spec.meshConfig.trustDomainAliases', m.take('trustDomainAliases')),
    rootNamespace: t.str('spec.meshConfig.rootNamespace', m.take('rootNamespace')),
    enablePrometheusMerge: t.bool('spec.meshConfig.enablePrometheusMerge', m.take('enablePrometheusMerge')),
    enableTracing: t.bool('spec.meshConfig.enableTracing', m.take('enableTracing')),
    enableAutoMtls: t.bool('spec.meshConfig.enableAutoMtls', m.take('enableAutoMtls')),
    ingressControllerMode: t.enumValue('spec.meshConfig.ingressControllerMode', m.take('ingressControllerMode'), IngressControllerMode),
    ingressClass: t.str('spec.meshConfig.ingressClass', m.take('ingressClass')),
    ingressService: t.str('spec.meshConfig.ingressService', m.take('ingressService')),
    ingressSelector: t.str('spec.meshConfig.ingressSelector', m.take('ingressSelector')),
    protocolDetectionTimeout: t.duration('spec.meshConfig.protocolDetectionTimeout', m.take('protocolDetectionTimeout')),
    connectTimeout: t.duration('spec.meshConfig.connectTimeout', m.take('connectTimeout')),
    defaultServiceExportTo: t.stringList('spec.meshConfig.defaultServiceExportTo', m.take('defaultServiceExportTo')),
    defaultVirtualServiceExportTo: t.stringList('spec.meshConfig.defaultVirtualServiceExportTo', m.take('defaultVirtualServiceExportTo')),
    defaultDestinationRuleExportTo: t.stringList('spec.meshConfig.defaultDestinationRuleExportTo', m.take('defaultDestinationRuleExportTo')),
  };
  const outbound = t.map('spec.meshConfig.outboundTrafficPolicy', m.take('outboundTrafficPolicy'));
  out.outboundTrafficPolicy = t.enumValue('spec.meshConfig.outboundTrafficPolicy.mode', outbound.take('mode'), OutboundTrafficPolicyMode);
  outbound.done();
  const selectors = m.take('discoverySelectors');
  if (selectors !== undefined) {
    out.discoverySelectors = t.list('spec.meshConfig.discoverySelectors', selectors).map((s, i) => {
      const sel = t.map(`spec.meshConfig.discoverySelectors[${i}]`, s);
      const labels = t.strings(`spec.meshConfig.discoverySelectors[${i}].matchLabels`, sel.take('matchLabels')) ?? {};
      sel.done({ matchExpressions: 'discovery selectors take matchLabels only in this library; list the labels instead' });
      return labels;
    });
  }
  const providers = t.map('spec.meshConfig.defaultProviders', m.take('defaultProviders'));
  const defaultProviders = {
    tracing: t.stringList('spec.meshConfig.defaultProviders.tracing', providers.take('tracing')),
    metrics: t.stringList('spec.meshConfig.defaultProviders.metrics', providers.take('metrics')),
    accessLogging: t.stringList('spec.meshConfig.defaultProviders.accessLogging', providers.take('accessLogging')),
  };
  providers.done();
  if (Object.values(defaultProviders).some(v => v !== undefined)) out.defaultProviders = defaultProviders;
  const dc = t.map('spec.meshConfig.defaultConfig', m.take('defaultConfig'));
  const defaultConfig: ProxyConfigOptions = {
    discoveryAddress: t.str('spec.meshConfig.defaultConfig.discoveryAddress', dc.take('discoveryAddress')),
    holdApplicationUntilProxyStarts: t.bool('spec.meshConfig.defaultConfig.holdApplicationUntilProxyStarts', dc.take('holdApplicationUntilProxyStarts')),
    concurrency: t.num('spec.meshConfig.defaultConfig.concurrency', dc.take('concurrency')),
    proxyMetadata: t.strings('spec.meshConfig.defaultConfig.proxyMetadata', dc.take('proxyMetadata')),
    terminationDrainDuration: t.duration('spec.meshConfig.defaultConfig.terminationDrainDuration', dc.take('terminationDrainDuration')),
    drainDuration: t.duration('spec.meshConfig.defaultConfig.drainDuration', dc.take('drainDuration')),
  };
  dc.done({ '*': 'set it per workload with a ProxyConfig resource or the proxy.istio.io/config annotation' });
  if (Object.values(defaultConfig).some(v => v !== undefined)) out.defaultConfig = defaultConfig;
  m.done({ extensionProviders: 'add each with mesh.addExtensionProvider(ExtensionProvider.openTelemetry(...)) and friends' });
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as MeshConfigOptions;
}

function translateValues(t: Translator, raw: unknown, props: Record<string, any>, istiod: Record<string, any>,
  components: Record<string, any>, injector: Record<string, any>): void {
  const values = t.map('spec.values', raw);
  const global = t.map('spec.values.global', values.take('global'));
  const hub = t.str('spec.values.global.hub', global.take('hub'));
  if (hub !== undefined) props.hub = props.hub ?? hub;
  const tag = t.str('spec.values.global.tag', global.take('tag'));
  if (tag !== undefined) props.tag = props.tag ?? tag;
  const ns = t.str('spec.values.global.istioNamespace', global.take('istioNamespace'));
  if (ns !== undefined) props.namespace = props.namespace ?? ns;
  const pullPolicy = t.enumValue('spec.values.global.imagePullPolicy', global.take('imagePullPolicy'), { ...InjectionImagePullPolicy, NONE: '' });
  if (pullPolicy) {
    components.imagePullPolicy = pullPolicy as unknown as kplus.ImagePullPolicy;
    injector.imagePullPolicy = pullPolicy;
  }
  const pullSecrets = t.stringList('spec.values.global.imagePullSecrets', global.take('imagePullSecrets'));
  if (pullSecrets?.length) {
    components.imagePullSecrets = pullSecrets;
    injector.imagePullSecrets = pullSecrets;
  }
  const priority = t.str('spec.values.global.priorityClassName', global.take('priorityClassName'));
  if (priority) components.priorityClassName = priority;
  const np = t.map('spec.values.global.networkPolicy', global.take('networkPolicy'));
  const npEnabled = t.bool('spec.values.global.networkPolicy.enabled', np.take('enabled'));
  if (npEnabled !== undefined) props.networkPolicy = npEnabled;
  np.done();
  const pdb = t.map('spec.values.global.defaultPodDisruptionBudget', global.take('defaultPodDisruptionBudget'));
  const pdbEnabled = t.bool('spec.values.global.defaultPodDisruptionBudget.enabled', pdb.take('enabled'));
  if (pdbEnabled !== undefined) istiod.podDisruptionBudget = pdbEnabled;
  pdb.done();
  const logging = t.map('spec.values.global.logging', global.take('logging'));
  const level = t.str('spec.values.global.logging.level', logging.take('level'));
  if (level !== undefined) {
    istiod.logLevel = level;
    injector.agentLogLevel = level;
  }
  logging.done();
  const logAsJson = t.bool('spec.values.global.logAsJson', global.take('logAsJson'));
  if (logAsJson !== undefined) injector.logAsJson = logAsJson;
  const meshId = t.str('spec.values.global.meshID', global.take('meshID'));
  if (meshId) injector.meshId = meshId;
  const network = t.str('spec.values.global.network', global.take('network'));
  if (network) injector.network = network;
  const mc = t.map('spec.values.global.multiCluster', global.take('multiCluster'));
  const clusterName = t.str('spec.values.global.multiCluster.clusterName', mc.take('clusterName'));
  if (clusterName) istiod.clusterId = clusterName;
  mc.done();
  const proxy = t.map('spec.values.global.proxy', global.take('proxy'));
  const proxyResources = proxy.take('resources');
  if (proxyResources !== undefined) injector.proxyResources = resources(t, 'spec.values.global.proxy.resources', proxyResources);
  const clusterDomain = t.str('spec.values.global.proxy.clusterDomain', proxy.take('clusterDomain'));
  if (clusterDomain) istiod.clusterDomain = clusterDomain;
  const hold = t.bool('spec.values.global.proxy.holdApplicationUntilProxyStarts', proxy.take('holdApplicationUntilProxyStarts'));
  if (hold !== undefined) injector.holdApplicationUntilProxyStarts = hold;
  const proxyString: Array<[string, string]> = [
    ['logLevel', 'proxyLogLevel'], ['componentLogLevel', 'proxyComponentLogLevel'], ['includeIPRanges', 'includeOutboundIpRanges'],
    ['excludeIPRanges', 'excludeOutboundIpRanges'], ['includeInboundPorts', 'includeInboundPorts'], ['excludeInboundPorts', 'excludeInboundPorts'],
    ['includeOutboundPorts', 'includeOutboundPorts'], ['excludeOutboundPorts', 'excludeOutboundPorts'],
  ];
  for (const [key, option] of proxyString) {
    const v = t.str(`spec.values.global.proxy.${key}`, proxy.take(key));
    if (v !== undefined) injector[option] = v;
  }
  const privileged = t.bool('spec.values.global.proxy.privileged', proxy.take('privileged'));
  if (privileged !== undefined) injector.privileged = privileged;
  proxy.done({ '*': 'set it on sidecarInjector (SidecarInjectorOptions) of the mesh' });
  global.done({ '*': 'set the matching IstioMesh option in code (see the README section on IstioOperator files)' });

  const pilot = t.map('spec.values.pilot', values.take('pilot'));
  const autoscaleEnabled = t.bool('spec.values.pilot.autoscaleEnabled', pilot.take('autoscaleEnabled'));
  if (autoscaleEnabled !== undefined) istiod.autoscalingEnabled = autoscaleEnabled;
  const autoscaling: Record<string, number | undefined> = {
    minReplicas: t.num('spec.values.pilot.autoscaleMin', pilot.take('autoscaleMin')),
    maxReplicas: t.num('spec.values.pilot.autoscaleMax', pilot.take('autoscaleMax')),
  };
  const cpu = t.map('spec.values.pilot.cpu', pilot.take('cpu'));
  autoscaling.targetCpuUtilization = t.num('spec.values.pilot.cpu.targetAverageUtilization', cpu.take('targetAverageUtilization'));
  cpu.done();
  if (Object.values(autoscaling).some(v => v !== undefined)) istiod.autoscaling = autoscaling;
  const replicaCount = t.num('spec.values.pilot.replicaCount', pilot.take('replicaCount'));
  if (replicaCount !== undefined) istiod.replicas = replicaCount;
  const pilotResources = pilot.take('resources');
  if (pilotResources !== undefined) istiod.resources = resources(t, 'spec.values.pilot.resources', pilotResources);
  const traceSampling = t.num('spec.values.pilot.traceSampling', pilot.take('traceSampling'));
  if (traceSampling !== undefined) istiod.traceSampling = traceSampling;
  const env = t.strings('spec.values.pilot.env', pilot.take('env'));
  if (env) istiod.env = env;
  const nodeSelector = t.strings('spec.values.pilot.nodeSelector', pilot.take('nodeSelector'));
  if (nodeSelector) istiod.nodeSelector = nodeSelector;
  const podAnnotations = t.strings('spec.values.pilot.podAnnotations', pilot.take('podAnnotations'));
  if (podAnnotations) istiod.podAnnotations = podAnnotations;
  const podLabels = t.strings('spec.values.pilot.podLabels', pilot.take('podLabels'));
  if (podLabels) istiod.podLabels = podLabels;
  const serviceAnnotations = t.strings('spec.values.pilot.serviceAnnotations', pilot.take('serviceAnnotations'));
  if (serviceAnnotations) istiod.service = { annotations: serviceAnnotations };
  const pilotCni = t.map('spec.values.pilot.cni', pilot.take('cni'));
  if (t.bool('spec.values.pilot.cni.enabled', pilotCni.take('enabled'))) {
    t.unsupported('spec.values.pilot.cni.enabled', 'the istio-cni component is not supported yet; remove it');
  }
  pilotCni.done();
  pilot.done({ '*': 'set it on istiod (IstiodOptions) of the mesh' });

  const sidecar = t.map('spec.values.sidecarInjectorWebhook', values.take('sidecarInjectorWebhook'));
  const rewrite = t.bool('spec.values.sidecarInjectorWebhook.rewriteAppHTTPProbe', sidecar.take('rewriteAppHTTPProbe'));
  if (rewrite !== undefined) injector.rewriteAppHttpProbes = rewrite;
  const injectedAnnotations = t.strings('spec.values.sidecarInjectorWebhook.injectedAnnotations', sidecar.take('injectedAnnotations'));
  if (injectedAnnotations) injector.injectedAnnotations = injectedAnnotations;
  const templates = t.strings('spec.values.sidecarInjectorWebhook.templates', sidecar.take('templates'));
  if (templates) injector.customTemplates = templates;
  const defaultTemplates = t.stringList('spec.values.sidecarInjectorWebhook.defaultTemplates', sidecar.take('defaultTemplates'));
  if (defaultTemplates?.length) injector.defaultTemplates = defaultTemplates;
  sidecar.done({ '*': 'set it on sidecarInjector (SidecarInjectorOptions) of the mesh' });

  const gatewaysValues = values.take('gateways');
  if (gatewaysValues !== undefined) {
    t.unsupported('spec.values.gateways', 'set the gateway\'s settings in spec.components.ingressGateways[].k8s or egressGateways[].k8s');
  }
  values.done({
    'cni': 'the istio-cni component is not supported yet',
    'ztunnel': 'the ztunnel component is not supported yet',
    'telemetry': 'use Telemetry resources (the Telemetry construct)',
    'istiodRemote': 'remote control planes are not supported',
    'base': 'set base on the mesh (spec.components.base.enabled)',
    'revisionTags': 'use mesh.addRevisionTag()',
    'defaultRevision': 'use defaultRevisionTag on the mesh',
    '*': 'set the matching IstioMesh option in code (see the README section on IstioOperator files)',
  });
}

function resources(t: Translator, path: string, raw: unknown): ComputeResources {
  const r = t.map(path, raw);
  const quantities = (key: 'requests' | 'limits') => {
    const q = t.map(`${path}.${key}`, r.take(key));
    const out = { cpu: t.str(`${path}.${key}.cpu`, q.take('cpu')), memory: t.str(`${path}.${key}.memory`, q.take('memory')) };
    q.done({ '*': 'only cpu and memory are supported' });
    return out.cpu === undefined && out.memory === undefined ? undefined : out;
  };
  const out = { requests: quantities('requests'), limits: quantities('limits') };
  r.done();
  return out;
}

const NODE_OPERATORS: Record<string, (key: string, values: string[]) => kplus.NodeLabelQuery> = {
  In: kplus.NodeLabelQuery.in,
  NotIn: kplus.NodeLabelQuery.notIn,
  Gt: kplus.NodeLabelQuery.gt,
  Lt: kplus.NodeLabelQuery.lt,
  Exists: key => kplus.NodeLabelQuery.exists(key),
  DoesNotExist: key => kplus.NodeLabelQuery.doesNotExist(key),
};
const LABEL_OPERATORS: Record<string, (key: string, values: string[]) => kplus.LabelExpression> = {
  In: kplus.LabelExpression.in,
  NotIn: kplus.LabelExpression.notIn,
  Exists: key => kplus.LabelExpression.exists(key),
  DoesNotExist: key => kplus.LabelExpression.doesNotExist(key),
};

function affinity(t: Translator, path: string, raw: unknown): ComponentAffinity {
  const a = t.map(path, raw);
  const out: Record<string, unknown> = {};
  const nodeTerm = (p: string, term: unknown) => {
    const n = t.map(p, term);
    const labels = t.list(`${p}.matchExpressions`, n.take('matchExpressions')).map((e, i) => {
      const x = t.map(`${p}.matchExpressions[${i}]`, e);
      const key = t.str(`${p}.matchExpressions[${i}].key`, x.take('key'))!;
      const op = t.str(`${p}.matchExpressions[${i}].operator`, x.take('operator'))!;
      const values = t.stringList(`${p}.matchExpressions[${i}].values`, x.take('values')) ?? [];
      x.done();
      const make = NODE_OPERATORS[op] ?? t.invalid(`${p}.matchExpressions[${i}].operator`, op, `must be one of ${Object.keys(NODE_OPERATORS).join(', ')}`);
      return make(key, values);
    });
    n.done({ matchFields: 'node affinity by field is not supported; select nodes by label' });
    return { labels };
  };
  const node = t.map(`${path}.nodeAffinity`, a.take('nodeAffinity'));
  const req = t.map(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, node.take('requiredDuringSchedulingIgnoredDuringExecution'));
  const terms = t.list(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, req.take('nodeSelectorTerms'));
  if (terms.length) out.requiredNodeTerms = terms.map((term, i) => nodeTerm(`${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`, term));
  req.done();
  const pref = t.list(`${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`, node.take('preferredDuringSchedulingIgnoredDuringExecution'));
  if (pref.length) {
    out.preferredNodeTerms = pref.map((p, i) => {
      const w = t.map(`${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`, p);
      const weight = t.num(`${w.path}.weight`, w.take('weight'))!;
      const term = nodeTerm(`${w.path}.preference`, w.take('preference'));
      w.done();
      return { weight, ...term };
    });
  }
  node.done();
  const podTerm = (p: string, raw2: unknown): PodAffinityTerm => {
    const x = t.map(p, raw2);
    const topologyKey = t.str(`${p}.topologyKey`, x.take('topologyKey'));
    if (!topologyKey) t.invalid(`${p}.topologyKey`, topologyKey, 'must name a node label such as "topology.kubernetes.io/zone"');
    const sel = t.map(`${p}.labelSelector`, x.take('labelSelector'));
    const labels = t.strings(`${p}.labelSelector.matchLabels`, sel.take('matchLabels'));
    const expressions = t.list(`${p}.labelSelector.matchExpressions`, sel.take('matchExpressions')).map((e, i) => {
      const m = t.map(`${p}.labelSelector.matchExpressions[${i}]`, e);
      const key = t.str(`${m.path}.key`, m.take('key'))!;
      const op = t.str(`${m.path}.operator`, m.take('operator'))!;
      const values = t.stringList(`${m.path}.values`, m.take('values')) ?? [];
      m.done();
      const make = LABEL_OPERATORS[op] ?? t.invalid(`${m.path}.operator`, op, `must be one of ${Object.keys(LABEL_OPERATORS).join(', ')}`);
      return make(key, values);
    });
    sel.done();
    const namespaces = t.stringList(`${p}.namespaces`, x.take('namespaces'));
    x.done({ '*': 'only labelSelector, namespaces and topologyKey are supported' });
    return { topology: kplus.Topology.custom(topologyKey), labels, expressions: expressions.length ? expressions : undefined, namespaces };
  };
  for (const [key, required, preferred] of [
    ['podAffinity', 'requiredPodAffinity', 'preferredPodAffinity'],
    ['podAntiAffinity', 'requiredPodAntiAffinity', 'preferredPodAntiAffinity'],
  ] as const) {
    const p = t.map(`${path}.${key}`, a.take(key));
    const r = t.list(`${p.path}.requiredDuringSchedulingIgnoredDuringExecution`, p.take('requiredDuringSchedulingIgnoredDuringExecution'));
    if (r.length) out[required] = r.map((term, i) => podTerm(`${p.path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, term));
    const w = t.list(`${p.path}.preferredDuringSchedulingIgnoredDuringExecution`, p.take('preferredDuringSchedulingIgnoredDuringExecution'));
    if (w.length) {
      out[preferred] = w.map((term, i) => {
        const m = t.map(`${p.path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`, term);
        const weight = t.num(`${m.path}.weight`, m.take('weight'))!;
        const inner = podTerm(`${m.path}.podAffinityTerm`, m.take('podAffinityTerm'));
        m.done();
        return { weight, ...inner };
      });
    }
    p.done();
  }
  a.done();
  return out as ComponentAffinity;
}

function tolerations(t: Translator, path: string, raw: unknown): kplus.NodeTaintQuery[] {
  return t.list(path, raw).map((x, i) => {
    const m = t.map(`${path}[${i}]`, x);
    const key = t.str(`${m.path}.key`, m.take('key'));
    const operator = t.str(`${m.path}.operator`, m.take('operator')) ?? 'Equal';
    const value = t.str(`${m.path}.value`, m.take('value'));
    const effect = t.enumValue(`${m.path}.effect`, m.take('effect'), kplus.TaintEffect as unknown as Record<string, kplus.TaintEffect>);
    const seconds = t.num(`${m.path}.tolerationSeconds`, m.take('tolerationSeconds'));
    m.done();
    const options = { effect, evictAfter: seconds !== undefined ? Duration.seconds(seconds) : undefined };
    if (operator === 'Exists') return key === undefined ? kplus.NodeTaintQuery.any() : kplus.NodeTaintQuery.exists(key, options);
    if (operator !== 'Equal') t.invalid(`${m.path}.operator`, operator, 'must be "Equal" or "Exists"');
    if (key === undefined) t.invalid(`${m.path}.key`, key, 'an Equal toleration needs a key');
    return kplus.NodeTaintQuery.is(key, value ?? '', options);
  });
}

function envVars(t: Translator, scope: Construct, id: string, path: string, raw: unknown, out: Record<string, any>): void {
  t.list(path, raw).forEach((e, i) => {
    const m = t.map(`${path}[${i}]`, e);
    const name = t.str(`${m.path}.name`, m.take('name'));
    if (!name) t.invalid(`${m.path}.name`, name, 'an environment variable needs a name');
    const value = m.take('value');
    const from = m.take('valueFrom');
    m.done();
    if (from === undefined) {
      out.env = { ...out.env, [name]: t.str(`${m.path}.value`, value) ?? '' };
      return;
    }
    const f = t.map(`${m.path}.valueFrom`, from);
    const ref = (key: string) => t.map(`${f.path}.${key}`, f.take(key));
    let env: kplus.EnvValue | undefined;
    const cm = ref('configMapKeyRef');
    if (Object.keys(cm.value).length) {
      const cmName = t.str(`${cm.path}.name`, cm.take('name'))!;
      const configMap = kplus.ConfigMap.fromConfigMapName(scope, `${id}-env-${name}`, cmName);
      env = kplus.EnvValue.fromConfigMap(configMap, t.str(`${cm.path}.key`, cm.take('key'))!, { optional: t.bool(`${cm.path}.optional`, cm.take('optional')) });
    }
    cm.done();
    const sk = ref('secretKeyRef');
    if (Object.keys(sk.value).length) {
      const secret = kplus.Secret.fromSecretName(scope, `${id}-env-${name}`, t.str(`${sk.path}.name`, sk.take('name'))!);
      env = kplus.EnvValue.fromSecretValue({ secret, key: t.str(`${sk.path}.key`, sk.take('key'))! }, { optional: t.bool(`${sk.path}.optional`, sk.take('optional')) });
    }
    sk.done();
    const fr = ref('fieldRef');
    if (Object.keys(fr.value).length) {
      const fieldPath = t.str(`${fr.path}.fieldPath`, fr.take('fieldPath'))!;
      env = kplus.EnvValue.fromFieldRef(fieldPath as kplus.EnvFieldPaths, { apiVersion: t.str(`${fr.path}.apiVersion`, fr.take('apiVersion')) });
    }
    fr.done();
    const rr = ref('resourceFieldRef');
    if (Object.keys(rr.value).length) {
      const resource = t.str(`${rr.path}.resource`, rr.take('resource'))!;
      const divisor = rr.take('divisor');
      env = kplus.EnvValue.fromResource(resource as kplus.ResourceFieldPaths, {
        container: undefined, divisor: divisor === undefined ? undefined : String(divisor),
      });
      rr.take('containerName');
    }
    rr.done();
    f.done();
    if (!env) t.invalid(`${m.path}.valueFrom`, from, 'must hold configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef');
    out.envValues = { ...out.envValues, [name]: env };
  });
}

function volumes(t: Translator, scope: Construct, id: string, path: string, rawVolumes: unknown, rawMounts: unknown): ComponentVolume[] {
  const mounts = new Map<string, Json>();
  t.list(`${path}.volumeMounts`, rawMounts).forEach((m, i) => {
    const mount = t.map(`${path}.volumeMounts[${i}]`, m);
    const name = t.str(`${mount.path}.name`, mount.take('name'))!;
    mounts.set(name, {
      mountPath: t.str(`${mount.path}.mountPath`, mount.take('mountPath')),
      readOnly: t.bool(`${mount.path}.readOnly`, mount.take('readOnly')),
      subPath: t.str(`${mount.path}.subPath`, mount.take('subPath')),
    });
    mount.done();
  });
  const out = t.list(`${path}.volumes`, rawVolumes).map((v, i) => {
    const vol = t.map(`${path}.volumes[${i}]`, v);
    const name = t.str(`${vol.path}.name`, vol.take('name'))!;
    const cid = `${id}-volume-${name}`;
    let volume: kplus.Volume;
    const secret = vol.take('secret');
    const configMap = vol.take('configMap');
    const emptyDir = vol.take('emptyDir');
    if (secret !== undefined) {
      const s = t.map(`${vol.path}.secret`, secret);
      const ref = kplus.Secret.fromSecretName(scope, `${cid}-ref`, t.str(`${s.path}.secretName`, s.take('secretName'))!);
      volume = kplus.Volume.fromSecret(scope, cid, ref, {
        name, optional: t.bool(`${s.path}.optional`, s.take('optional')), defaultMode: t.num(`${s.path}.defaultMode`, s.take('defaultMode')),
      });
      s.done({ items: 'mount the whole Secret, or use subPath on the mount' });
    } else if (configMap !== undefined) {
      const c = t.map(`${vol.path}.configMap`, configMap);
      const ref = kplus.ConfigMap.fromConfigMapName(scope, `${cid}-ref`, t.str(`${c.path}.name`, c.take('name'))!);
      volume = kplus.Volume.fromConfigMap(scope, cid, ref, {
        name, optional: t.bool(`${c.path}.optional`, c.take('optional')), defaultMode: t.num(`${c.path}.defaultMode`, c.take('defaultMode')),
      });
      c.done({ items: 'mount the whole ConfigMap, or use subPath on the mount' });
    } else if (emptyDir !== undefined) {
      const e = t.map(`${vol.path}.emptyDir`, emptyDir);
      const medium = t.str(`${e.path}.medium`, e.take('medium'));
      volume = kplus.Volume.fromEmptyDir(scope, cid, name, { medium: medium === 'Memory' ? kplus.EmptyDirMedium.MEMORY : undefined });
      e.done({ sizeLimit: 'use an emptyDir without sizeLimit, or patch the Deployment with an overlay' });
    } else {
      t.unsupported(`${vol.path}`, 'volumes are secret, configMap or emptyDir volumes; use mesh.addOverlay() for other kinds');
    }
    vol.done({ '*': 'volumes are secret, configMap or emptyDir volumes; use mesh.addOverlay() for other kinds' });
    const mount = mounts.get(name);
    if (!mount?.mountPath) t.invalid(`${path}.volumeMounts`, name, `volume "${name}" needs a volumeMount with a mountPath`);
    mounts.delete(name);
    return { volume, mountPath: mount.mountPath, readOnly: mount.readOnly, subPath: mount.subPath };
  });
  for (const name of mounts.keys()) t.invalid(`${path}.volumeMounts`, name, 'mounts a volume that is not in k8s.volumes');
  return out;
}

function hpa(t: Translator, path: string, raw: unknown, out: Record<string, any>): { min?: number; max?: number; cpu?: number } {
  const h = t.map(path, raw);
  const min = t.num(`${path}.minReplicas`, h.take('minReplicas'));
  const max = t.num(`${path}.maxReplicas`, h.take('maxReplicas'));
  h.take('scaleTargetRef');
  let cpu: number | undefined;
  const metrics: kplus.Metric[] = [];
  t.list(`${path}.metrics`, h.take('metrics')).forEach((m, i) => {
    const metric = t.map(`${path}.metrics[${i}]`, m);
    const type = metric.take('type');
    if (type !== 'Resource') t.unsupported(`${path}.metrics[${i}].type "${type}"`, 'use autoscalingMetrics with kplus.Metric.pods(), object() or external() in code');
    const r = t.map(`${metric.path}.resource`, metric.take('resource'));
    const name = t.str(`${r.path}.name`, r.take('name'));
    const target = t.map(`${r.path}.target`, r.take('target'));
    const targetType = target.take('type');
    let mt: kplus.MetricTarget;
    if (targetType === 'Utilization') {
      const u = t.num(`${target.path}.averageUtilization`, target.take('averageUtilization'))!;
      if (name === 'cpu') cpu = u;
      mt = kplus.MetricTarget.averageUtilization(u);
    } else if (targetType === 'AverageValue') {
      mt = kplus.MetricTarget.averageValue(t.num(`${target.path}.averageValue`, target.take('averageValue'))!);
    } else {
      t.invalid(`${target.path}.type`, targetType, 'must be "Utilization" or "AverageValue"');
    }
    target.done();
    r.done();
    metric.done();
    if (name === 'cpu') metrics.push(kplus.Metric.resourceCpu(mt));
    else if (name === 'memory') metrics.push(kplus.Metric.resourceMemory(mt));
    else t.invalid(`${r.path}.name`, name, 'must be "cpu" or "memory"');
  });
  if (metrics.length && !(metrics.length === 1 && cpu !== undefined)) out.autoscalingMetrics = metrics;
  const behavior = t.map(`${path}.behavior`, h.take('behavior'));
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const b = t.map(`${behavior.path}.${dir}`, behavior.take(dir));
    if (!Object.keys(b.value).length) continue;
    const window = t.num(`${b.path}.stabilizationWindowSeconds`, b.take('stabilizationWindowSeconds'));
    const strategy = t.enumValue(`${b.path}.selectPolicy`, b.take('selectPolicy'), kplus.ScalingStrategy as unknown as Record<string, kplus.ScalingStrategy>);
    const policies = t.list(`${b.path}.policies`, b.take('policies')).map((p, i) => {
      const pol = t.map(`${b.path}.policies[${i}]`, p);
      const type = pol.take('type');
      const value = t.num(`${pol.path}.value`, pol.take('value'))!;
      const period = t.num(`${pol.path}.periodSeconds`, pol.take('periodSeconds'));
      pol.done();
      if (type !== 'Pods' && type !== 'Percent') t.invalid(`${pol.path}.type`, type, 'must be "Pods" or "Percent"');
      return { replicas: type === 'Pods' ? kplus.Replicas.absolute(value) : kplus.Replicas.percent(value), duration: period === undefined ? undefined : Duration.seconds(period) };
    });
    b.done();
    out[dir === 'scaleUp' ? 'autoscalingScaleUp' : 'autoscalingScaleDown'] = {
      stabilizationWindow: window === undefined ? undefined : Duration.seconds(window), strategy, policies: policies.length ? policies : undefined,
    };
  }
  behavior.done();
  h.done();
  return { min, max, cpu };
}

function intOrPercent(t: Translator, path: string, raw: unknown): kplus.PercentOrAbsolute | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return kplus.PercentOrAbsolute.absolute(raw);
  const text = t.str(path, raw)!;
  const match = /^(\d+)%$/.exec(text);
  if (match) return kplus.PercentOrAbsolute.percent(Number(match[1]));
  if (/^\d+$/.test(text)) return kplus.PercentOrAbsolute.absolute(Number(text));
  return t.invalid(path, raw, 'must be a pod count or a percentage such as "25%"');
}

/** Translates `components.<x>.k8s` into `out` (IstiodOptions or MeshGatewayOptions). */
function translateK8s(t: Translator, scope: Construct, id: string, path: string, raw: unknown, out: Record<string, any>,
  objectName: string, overlays: OperatorPlan['overlays'], component: string): void {
  const k = t.map(path, raw);
  const isIstiod = component === 'Pilot';
  const aff = k.take('affinity');
  if (aff !== undefined) out.affinity = affinity(t, `${path}.affinity`, aff);
  envVars(t, scope, id, `${path}.env`, k.take('env'), out);
  const h = k.take('hpaSpec');
  const replicaCount = t.num(`${path}.replicaCount`, k.take('replicaCount'));
  let scaling: { min?: number; max?: number; cpu?: number } | undefined;
  if (h !== undefined) scaling = hpa(t, `${path}.hpaSpec`, h, out);
  if (isIstiod) {
    if (scaling) {
      // an hpaSpec asks for the autoscaler, also in profiles without one (demo)
      out.autoscalingEnabled = out.autoscalingEnabled ?? true;
      out.autoscaling = {
        ...out.autoscaling,
        ...Object.fromEntries(Object.entries({ minReplicas: scaling.min, maxReplicas: scaling.max, targetCpuUtilization: scaling.cpu })
          .filter(([, v]) => v !== undefined)),
      };
    }
    if (replicaCount !== undefined) out.replicas = replicaCount;
  } else {
    if (scaling && replicaCount !== undefined) {
      t.unsupported(`${path}.replicaCount`, 'a gateway with hpaSpec autoscales; set hpaSpec.minReplicas, or remove hpaSpec for a fixed count');
    }
    if (scaling) out.scaling = GatewayScaling.autoscale({ minReplicas: scaling.min, maxReplicas: scaling.max, targetCpuUtilization: scaling.cpu });
    if (replicaCount !== undefined) out.scaling = GatewayScaling.fixed(replicaCount);
  }
  const pullPolicy = t.enumValue(`${path}.imagePullPolicy`, k.take('imagePullPolicy'), kplus.ImagePullPolicy as unknown as Record<string, kplus.ImagePullPolicy>);
  if (pullPolicy) out.imagePullPolicy = pullPolicy;
  const nodeSelector = t.strings(`${path}.nodeSelector`, k.take('nodeSelector'));
  if (nodeSelector) out.nodeSelector = nodeSelector;
  const pdb = t.map(`${path}.podDisruptionBudget`, k.take('podDisruptionBudget'));
  const minAvailable = intOrPercent(t, `${path}.podDisruptionBudget.minAvailable`, pdb.take('minAvailable'));
  const maxUnavailable = intOrPercent(t, `${path}.podDisruptionBudget.maxUnavailable`, pdb.take('maxUnavailable'));
  pdb.take('selector');
  pdb.done();
  if (minAvailable && maxUnavailable) t.invalid(`${path}.podDisruptionBudget`, pdb.value, 'set minAvailable or maxUnavailable, not both');
  const budget = (v: kplus.PercentOrAbsolute, min: boolean) => {
    const text = String(v.value);
    const percent = text.endsWith('%') ? Number(text.slice(0, -1)) : undefined;
    if (min) return percent !== undefined ? DisruptionBudget.minAvailablePercent(percent) : DisruptionBudget.minAvailable(Number(v.value));
    return percent !== undefined ? DisruptionBudget.maxUnavailablePercent(percent) : DisruptionBudget.maxUnavailable(Number(v.value));
  };
  if (minAvailable) out.disruptionBudget = budget(minAvailable, true);
  if (maxUnavailable) out.disruptionBudget = budget(maxUnavailable, false);
  const podAnnotations = t.strings(`${path}.podAnnotations`, k.take('podAnnotations'));
  if (podAnnotations) out.podAnnotations = { ...out.podAnnotations, ...podAnnotations };
  const priority = t.str(`${path}.priorityClassName`, k.take('priorityClassName'));
  if (priority) out.priorityClassName = priority;
  const probe = t.map(`${path}.readinessProbe`, k.take('readinessProbe'));
  if (Object.keys(probe.value).length) {
    const secs = (key: string) => {
      const n = t.num(`${probe.path}.${key}`, probe.take(key));
      return n === undefined ? undefined : Duration.seconds(n);
    };
    out.readinessProbe = {
      initialDelaySeconds: secs('initialDelaySeconds'),
      periodSeconds: secs('periodSeconds'),
      timeoutSeconds: secs('timeoutSeconds'),
      failureThreshold: t.num(`${probe.path}.failureThreshold`, probe.take('failureThreshold')),
      successThreshold: t.num(`${probe.path}.successThreshold`, probe.take('successThreshold')),
    };
  }
  probe.done({ '*': 'the check itself stays the component\'s; only its timing (initialDelaySeconds, periodSeconds, timeoutSeconds, thresholds) can be tuned' });
  const res = k.take('resources');
  if (res !== undefined) out.resources = resources(t, `${path}.resources`, res);
  const sc = t.map(`${path}.securityContext`, k.take('securityContext'));
  if (Object.keys(sc.value).length) {
    const seccomp = t.map(`${sc.path}.seccompProfile`, sc.take('seccompProfile'));
    const security: PodSecurityOptions = {
      runAsUser: t.num(`${sc.path}.runAsUser`, sc.take('runAsUser')),
      runAsGroup: t.num(`${sc.path}.runAsGroup`, sc.take('runAsGroup')),
      runAsNonRoot: t.bool(`${sc.path}.runAsNonRoot`, sc.take('runAsNonRoot')),
      fsGroup: t.num(`${sc.path}.fsGroup`, sc.take('fsGroup')),
      supplementalGroups: t.list(`${sc.path}.supplementalGroups`, sc.take('supplementalGroups')).map((g, i) => t.num(`${sc.path}.supplementalGroups[${i}]`, g)!),
      sysctls: t.list(`${sc.path}.sysctls`, sc.take('sysctls')).map((s, i) => {
        const m = t.map(`${sc.path}.sysctls[${i}]`, s);
        const out2 = { name: t.str(`${m.path}.name`, m.take('name'))!, value: t.str(`${m.path}.value`, m.take('value')) ?? '' };
        m.done();
        return out2;
      }),
      seccompProfile: t.enumValue(`${seccomp.path}.type`, seccomp.take('type'), SeccompProfileType),
      seccompLocalhostProfile: t.str(`${seccomp.path}.localhostProfile`, seccomp.take('localhostProfile')),
    };
    seccomp.done();
    sc.done();
    out.podSecurityContext = Object.fromEntries(Object.entries(security).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  }
  const service = t.map(`${path}.service`, k.take('service'));
  const svc: Record<string, any> = {};
  const serviceAnnotations = t.strings(`${path}.serviceAnnotations`, k.take('serviceAnnotations'));
  if (serviceAnnotations) svc.annotations = serviceAnnotations;
  if (Object.keys(service.value).length) {
    const type = t.enumValue(`${service.path}.type`, service.take('type'), GatewayServiceType);
    const ports = service.take('ports');
    const etp = t.enumValue(`${service.path}.externalTrafficPolicy`, service.take('externalTrafficPolicy'), ExternalTrafficPolicy);
    const ranges = t.stringList(`${service.path}.loadBalancerSourceRanges`, service.take('loadBalancerSourceRanges'));
    if (isIstiod && (type || ports || etp || ranges)) {
      t.unsupported(`${service.path}`, 'istiod\'s Service keeps its type and ports; only annotations, loadBalancerIP/Class, sessionAffinity and ipFamilies are settable');
    }
    if (type) out.serviceType = type;
    if (etp) out.externalTrafficPolicy = etp;
    if (ranges) out.loadBalancerSourceRanges = ranges;
    if (ports !== undefined) {
      out.ports = t.list(`${service.path}.ports`, ports).map((p, i): GatewayInstallationPort => {
        const port = t.map(`${service.path}.ports[${i}]`, p);
        const result = {
          name: t.str(`${port.path}.name`, port.take('name'))!,
          port: t.num(`${port.path}.port`, port.take('port'))!,
          targetPort: t.num(`${port.path}.targetPort`, port.take('targetPort')),
          nodePort: t.num(`${port.path}.nodePort`, port.take('nodePort')),
          protocol: t.enumValue(`${port.path}.protocol`, port.take('protocol'), GatewayPortProtocol),
        };
        port.done();
        return result;
      });
    }
    svc.loadBalancerIp = t.str(`${service.path}.loadBalancerIP`, service.take('loadBalancerIP'));
    svc.loadBalancerClass = t.str(`${service.path}.loadBalancerClass`, service.take('loadBalancerClass'));
    svc.sessionAffinity = t.enumValue(`${service.path}.sessionAffinity`, service.take('sessionAffinity'), SessionAffinity);
    const affinityConfig = t.map(`${service.path}.sessionAffinityConfig`, service.take('sessionAffinityConfig'));
    const clientIp = t.map(`${affinityConfig.path}.clientIP`, affinityConfig.take('clientIP'));
    const timeout = t.num(`${clientIp.path}.timeoutSeconds`, clientIp.take('timeoutSeconds'));
    if (timeout !== undefined) svc.sessionAffinityTimeout = Duration.seconds(timeout);
    clientIp.done();
    affinityConfig.done();
    const families = service.take('ipFamilies');
    if (families !== undefined) svc.ipFamilies = t.list(`${service.path}.ipFamilies`, families).map((f, i) => t.enumValue(`${service.path}.ipFamilies[${i}]`, f, IpFamily));
    svc.ipFamilyPolicy = t.enumValue(`${service.path}.ipFamilyPolicy`, service.take('ipFamilyPolicy'), IpFamilyPolicy);
    service.take('selector');
    if (present(service.value.selector)) t.unsupported(`${service.path}.selector`, 'use the gateway\'s label (selectorLabels)');
    service.done({ '*': 'use mesh.addOverlay() with a JsonPatch on the Service' });
  }
  for (const key of Object.keys(svc)) if (svc[key] === undefined) delete svc[key];
  if (Object.keys(svc).length) out.service = { ...out.service, ...svc } as ComponentServiceOptions;
  const strategy = t.map(`${path}.strategy`, k.take('strategy'));
  const rolling = t.map(`${strategy.path}.rollingUpdate`, strategy.take('rollingUpdate'));
  const maxSurge = intOrPercent(t, `${rolling.path}.maxSurge`, rolling.take('maxSurge'));
  const maxUnavail = intOrPercent(t, `${rolling.path}.maxUnavailable`, rolling.take('maxUnavailable'));
  if (maxSurge || maxUnavail) out.rollingUpdate = { maxSurge, maxUnavailable: maxUnavail };
  rolling.done();
  if (strategy.take('type') !== undefined && strategy.value.type !== 'RollingUpdate') {
    t.unsupported(`${strategy.path}.type "${strategy.value.type}"`, 'the components roll out with RollingUpdate; tune it with rollingUpdate');
  }
  strategy.done();
  const tol = k.take('tolerations');
  if (tol !== undefined) out.tolerations = tolerations(t, `${path}.tolerations`, tol);
  const spread = k.take('topologySpreadConstraints');
  if (spread !== undefined) {
    out.topologySpreadConstraints = t.list(`${path}.topologySpreadConstraints`, spread).map((s, i): TopologySpread => {
      const m = t.map(`${path}.topologySpreadConstraints[${i}]`, s);
      const sel = t.map(`${m.path}.labelSelector`, m.take('labelSelector'));
      const labels = t.strings(`${sel.path}.matchLabels`, sel.take('matchLabels'));
      sel.done({ matchExpressions: 'spread constraints select pods by matchLabels in this library' });
      const result = {
        topology: kplus.Topology.custom(t.str(`${m.path}.topologyKey`, m.take('topologyKey')) ?? t.invalid(`${m.path}.topologyKey`, undefined, 'is required')),
        maxSkew: t.num(`${m.path}.maxSkew`, m.take('maxSkew')),
        whenUnsatisfiable: t.enumValue(`${m.path}.whenUnsatisfiable`, m.take('whenUnsatisfiable'), UnsatisfiableSpread),
        minDomains: t.num(`${m.path}.minDomains`, m.take('minDomains')),
        labels,
      };
      m.done();
      return result;
    });
  }
  const vols = k.take('volumes');
  const mounts = k.take('volumeMounts');
  if (vols !== undefined || mounts !== undefined) out.volumes = volumes(t, scope, id, path, vols, mounts);
  t.list(`${path}.overlays`, k.take('overlays')).forEach((o, i) => {
    const m = t.map(`${path}.overlays[${i}]`, o);
    m.take('apiVersion');
    const kind = t.str(`${m.path}.kind`, m.take('kind'))!;
    const name = t.str(`${m.path}.name`, m.take('name')) ?? objectName;
    const patches = t.list(`${m.path}.patches`, m.take('patches')).map((p, j) => {
      const patch = t.map(`${m.path}.patches[${j}]`, p);
      const patchPath = t.str(`${patch.path}.path`, patch.take('path'));
      if (!patchPath) t.invalid(`${patch.path}.path`, patchPath, 'must be a path such as "spec.template.spec.containers.[name:discovery].args[0]"');
      const remove = !('value' in patch.value);
      const value = patch.take('value');
      patch.done();
      return { path: patchPath, value, remove };
    });
    m.done();
    overlays.push({ field: m.path, kind, name, patches });
  });
  k.done({
    '*': `set it on the ${isIstiod ? 'istiod' : 'gateway'} options in code, or patch the rendered object with an overlay`,
  });
  void component;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Turns istioctl's overlay path (`spec.template.spec.containers.[name:discovery].args[0]`) into
 * JSON patches on `object` (the rendered object, to resolve `[key:value]` selectors). @internal
 */
export function overlayPatches(t: Translator, field: string, object: unknown, patches: OperatorOverlay['patches']): JsonPatch[] {
  return patches.map((p, i) => {
    const at = `${field}.patches[${i}].path`;
    const segments: string[] = [];
    let node: any = object;
    const tokens = p.path.replace(/\[/g, '.[').split('.').filter(s => s.length > 0);
    tokens.forEach((token, j) => {
      const last = j === tokens.length - 1;
      const selector = /^\[([^:\]]+):(.*)\]$/.exec(token);
      const index = /^\[(-?\d+)\]$/.exec(token);
      let key: string;
      if (selector) {
        if (!Array.isArray(node)) t.invalid(at, p.path, `"${token}" selects a list item, but the object has no list there`);
        const k = Number(node.findIndex((item: any) => String(item?.[selector[1]]) === selector[2]));
        if (k < 0) t.invalid(at, p.path, `no item of the list has ${selector[1]}: ${selector[2]}`);
        key = String(k);
      } else if (index) {
        if (!Array.isArray(node)) t.invalid(at, p.path, `"${token}" indexes a list, but the object has no list there`);
        const n = Number(index[1]);
        key = n < 0 ? (last && !p.remove ? '-' : String(node.length + n)) : String(n);
      } else {
        key = token;
      }
      segments.push(key.replace(/~/g, '~0').replace(/\//g, '~1'));
      node = node === undefined || node === null ? undefined : node[key];
    });
    const pointer = '/' + segments.join('/');
    if (p.remove) return JsonPatch.remove(pointer);
    return node === undefined ? JsonPatch.add(pointer, p.value) : JsonPatch.replace(pointer, p.value);
  });
}
