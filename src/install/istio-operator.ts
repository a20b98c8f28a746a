/**
 * Reads an IstioOperator (`install.istio.io/v1alpha1`), the file `istioctl install -f` takes,
 * into the typed options of `IstioMesh`. Every field is either mapped to a typed option or
 * refused with the field path and what to use instead: nothing is silently ignored.
 */
import { readFileSync } from 'fs';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { ComponentKubernetesOptions } from './component-kubernetes';
import { InjectionImagePullPolicy, SidecarInjectorOptions } from './injection/injection-config';
import { CniPlatform, IstioCniOptions } from './istio-cni';
import type { IstioMeshProps, MeshGatewayOptions, ProfileGatewayOptions } from './istio-mesh';
import { affinity, resources, translateK8s } from './istio-operator-k8s';
import { IstiodOptions } from './istiod-options';
import {
  AccessLogEncoding, IngressControllerMode, MeshConfigOptions, OutboundTrafficPolicyMode, ProxyConfigOptions,
} from './mesh-config';
import { Profile } from './profile';
import { ZtunnelOptions } from './ztunnel';
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

const PROFILES: Record<string, Profile> = {
  default: Profile.DEFAULT, demo: Profile.DEMO, minimal: Profile.MINIMAL, empty: Profile.EMPTY, ambient: Profile.AMBIENT,
};

/** `values.global.platform` values that set istio-cni's directories. */
const CNI_PLATFORMS: Record<string, CniPlatform> = { gke: CniPlatform.GKE, k3s: CniPlatform.K3S, openshift: CniPlatform.OPENSHIFT };

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
    t.unsupported(`spec.profile "${profileName}"`, `use one of ${Object.keys(PROFILES).map(p => JSON.stringify(p)).join(', ')}`);
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
  const cni: Record<string, any> = {};
  const ztunnel: Record<string, any> = {};
  const { pilotCni, platform } = translateValues(t, spec.take('values'), props, { istiod, components, injector, cni, ztunnel });

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

  for (const name of ['cni', 'ztunnel'] as const) {
    const field = `spec.components.${name}`;
    const c = t.map(field, comps.take(name));
    const options = name === 'cni' ? cni : ztunnel;
    const enabled = t.bool(`${field}.enabled`, c.take('enabled'));
    if (enabled !== undefined) {
      if (options.enabled !== undefined && options.enabled !== enabled) {
        t.invalid(`${field}.enabled`, enabled, `spec.values.${name}.enabled says ${options.enabled}; set one of them, or both alike`);
      }
      options.enabled = enabled;
    }
    const ns = t.str(`${field}.namespace`, c.take('namespace'));
    if (ns !== undefined) sameNamespace(t, `${field}.namespace`, ns, props.namespace);
    const k8s = c.take('k8s');
    if (k8s !== undefined) {
      translateK8s(t, scope, id, `${field}.k8s`, k8s, options, name === 'cni' ? 'istio-cni-node' : 'ztunnel', overlays, name === 'cni' ? 'Cni' : 'Ztunnel');
    }
    const hub = t.str(`${field}.hub`, c.take('hub'));
    if (hub !== undefined) options.hub = hub;
    const tag = t.str(`${field}.tag`, c.take('tag'));
    if (tag !== undefined) options.tag = tag;
    c.done();
  }
  // values.pilot.cni.enabled tells istiod's injector that istio-cni runs; here the mesh installs it
  const cniInstalled = cni.enabled ?? (profile === Profile.AMBIENT || ztunnel.enabled === true);
  if (pilotCni !== undefined && pilotCni !== cniInstalled) {
    t.unsupported(`spec.values.pilot.cni.enabled ${pilotCni}`, pilotCni
      ? 'the library installs istio-cni itself and tells the injector; enable spec.components.cni (istio-cni installed by other means is not supported)'
      : 'the mesh sets it from the istio-cni component, which this file installs; remove it or disable spec.components.cni');
  }
  if (platform !== undefined && !cniInstalled) {
    t.unsupported(`spec.values.global.platform "${platform}"`, 'the platform only sets where istio-cni installs its plugin, and this file installs no istio-cni; remove it');
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
  if (Object.keys(cni).length) props.cni = cni as IstioCniOptions;
  if (Object.keys(ztunnel).length) props.ztunnel = ztunnel as ZtunnelOptions;
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

/** The option objects `values` fills in. */
interface ValueTargets {
  readonly istiod: Record<string, any>;
  readonly components: Record<string, any>;
  readonly injector: Record<string, any>;
  readonly cni: Record<string, any>;
  readonly ztunnel: Record<string, any>;
}

/** Reads `spec.values`; returns what is checked once the components are read. */
function translateValues(t: Translator, raw: unknown, props: Record<string, any>, targets: ValueTargets): { pilotCni?: boolean; platform?: string } {
  const { istiod, components, injector, cni, ztunnel } = targets;
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
  const platform = t.str('spec.values.global.platform', global.take('platform'));
  if (platform) {
    cni.platform = CNI_PLATFORMS[platform] ?? t.unsupported(`spec.values.global.platform "${platform}"`,
      `use one of ${Object.keys(CNI_PLATFORMS).map(p => JSON.stringify(p)).join(', ')}, or set values.cni.cniBinDir and cniConfDir for other platforms`);
  }
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
  const pilotCniValues = t.map('spec.values.pilot.cni', pilot.take('cni'));
  const pilotCni = t.bool('spec.values.pilot.cni.enabled', pilotCniValues.take('enabled'));
  pilotCniValues.done({ provider: 'set the platform (values.global.platform "openshift" attaches istio-cni through Multus)' });
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

  translateCniValues(t, values.take('cni'), cni);
  translateZtunnelValues(t, values.take('ztunnel'), ztunnel);

  const gatewaysValues = values.take('gateways');
  if (gatewaysValues !== undefined) {
    t.unsupported('spec.values.gateways', 'set the gateway\'s settings in spec.components.ingressGateways[].k8s or egressGateways[].k8s');
  }
  values.done({
    'telemetry': 'use Telemetry resources (the Telemetry construct)',
    'istiodRemote': 'remote control planes are not supported',
    'base': 'set base on the mesh (spec.components.base.enabled)',
    'revisionTags': 'use mesh.addRevisionTag()',
    'defaultRevision': 'use defaultRevisionTag on the mesh',
    '*': 'set the matching IstioMesh option in code (see the README section on IstioOperator files)',
  });
  return { pilotCni, platform };
}

/** The `values` keys both node agents share: enablement, image, pod metadata, resources, log level. */
function nodeAgentValues(t: Translator, v: Fields, out: Record<string, any>): void {
  const enabled = t.bool(`${v.path}.enabled`, v.take('enabled'));
  if (enabled !== undefined) out.enabled = enabled;
  const hub = t.str(`${v.path}.hub`, v.take('hub'));
  if (hub !== undefined) out.hub = hub;
  const tag = t.str(`${v.path}.tag`, v.take('tag'));
  if (tag !== undefined) out.tag = tag;
  const podAnnotations = t.strings(`${v.path}.podAnnotations`, v.take('podAnnotations'));
  if (podAnnotations) out.podAnnotations = podAnnotations;
  const podLabels = t.strings(`${v.path}.podLabels`, v.take('podLabels'));
  if (podLabels) out.podLabels = podLabels;
  const res = v.take('resources');
  if (res !== undefined) out.resources = resources(t, `${v.path}.resources`, res);
  const logLevel = t.str(`${v.path}.logLevel`, v.take('logLevel'));
  if (logLevel !== undefined) out.logLevel = logLevel;
}

function translateCniValues(t: Translator, raw: unknown, cni: Record<string, any>): void {
  const v = t.map('spec.values.cni', raw);
  nodeAgentValues(t, v, cni);
  const pullPolicy = t.enumValue('spec.values.cni.pullPolicy', v.take('pullPolicy'), kplus.ImagePullPolicy as unknown as Record<string, kplus.ImagePullPolicy>);
  if (pullPolicy) cni.imagePullPolicy = pullPolicy;
  const logging = t.map('spec.values.cni.logging', v.take('logging'));
  const level = t.str('spec.values.cni.logging.level', logging.take('level'));
  logging.done();
  if (level !== undefined) {
    if (cni.logLevel !== undefined && cni.logLevel !== level) t.invalid('spec.values.cni.logging.level', level, `values.cni.logLevel says "${cni.logLevel}"; set one of them`);
    cni.logLevel = level;
  }
  const excludeNamespaces = t.stringList('spec.values.cni.excludeNamespaces', v.take('excludeNamespaces'));
  if (excludeNamespaces) cni.excludeNamespaces = excludeNamespaces;
  const binDir = t.str('spec.values.cni.cniBinDir', v.take('cniBinDir'));
  const confDir = t.str('spec.values.cni.cniConfDir', v.take('cniConfDir'));
  if (binDir !== undefined || confDir !== undefined) {
    if (cni.platform) {
      t.unsupported(`spec.values.cni.${binDir !== undefined ? 'cniBinDir' : 'cniConfDir'}`,
        'values.global.platform already sets the CNI directories; remove one of them');
    }
    cni.platform = CniPlatform.custom(binDir ?? CniPlatform.DEFAULT.binDir, confDir ?? CniPlatform.DEFAULT.confDir);
  }
  const aff = v.take('affinity');
  if (aff !== undefined) cni.affinity = affinity(t, 'spec.values.cni.affinity', aff);
  const maxUnavailable = v.take('rollingMaxUnavailable');
  if (maxUnavailable !== undefined) {
    const text = t.str('spec.values.cni.rollingMaxUnavailable', maxUnavailable)!;
    const match = /^(\d+)(%?)$/.exec(text);
    if (!match) t.invalid('spec.values.cni.rollingMaxUnavailable', maxUnavailable, 'must be a node count or a percentage such as "10%"');
    cni.rollingUpdate = {
      maxUnavailable: match[2] ? kplus.PercentOrAbsolute.percent(Number(match[1])) : kplus.PercentOrAbsolute.absolute(Number(match[1])),
    };
  }
  const chained = t.bool('spec.values.cni.chained', v.take('chained'));
  if (chained === false && cni.platform !== CniPlatform.OPENSHIFT) {
    t.unsupported('spec.values.cni.chained false', 'istio-cni is chained except on OpenShift (values.global.platform "openshift")');
  }
  const ambient = t.map('spec.values.cni.ambient', v.take('ambient'));
  ambient.done({ '*': 'ambient settings of istio-cni follow the mesh: use profile "ambient"' });
  v.done({
    'repair': 'the repair controller runs with upstream\'s defaults; patch the ConfigMap istio-cni-config with an overlay',
    '*': 'set it on cni (IstioCniOptions) of the mesh, or patch the DaemonSet istio-cni-node with an overlay',
  });
}

function translateZtunnelValues(t: Translator, raw: unknown, ztunnel: Record<string, any>): void {
  const v = t.map('spec.values.ztunnel', raw);
  nodeAgentValues(t, v, ztunnel);
  const pullPolicy = t.enumValue('spec.values.ztunnel.imagePullPolicy', v.take('imagePullPolicy'),
    kplus.ImagePullPolicy as unknown as Record<string, kplus.ImagePullPolicy>);
  if (pullPolicy) ztunnel.imagePullPolicy = pullPolicy;
  const pullSecrets = t.stringList('spec.values.ztunnel.imagePullSecrets', v.take('imagePullSecrets'));
  if (pullSecrets?.length) ztunnel.imagePullSecrets = pullSecrets;
  const nodeSelector = t.strings('spec.values.ztunnel.nodeSelector', v.take('nodeSelector'));
  if (nodeSelector) ztunnel.nodeSelector = nodeSelector;
  const priority = t.str('spec.values.ztunnel.priorityClassName', v.take('priorityClassName'));
  if (priority) ztunnel.priorityClassName = priority;
  v.done({ '*': 'set it on ztunnel (ZtunnelOptions) of the mesh, or patch the DaemonSet ztunnel with an overlay' });
}

