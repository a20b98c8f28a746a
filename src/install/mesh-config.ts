import { Duration, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { ExtensionProvider } from './extension-provider';
import { sortKeys } from './install-context';
import { rememberMeshConfig } from '../analysis/model';
import {
  assertUnique, assertUnset, check, compact, fail, nonEmpty, renderDuration, validateDnsLabel, validateDuration,
  validateExportTo, validateInteger, validateLabels,
} from '../core/validation';

/** Format of Envoy's access log entries. */
export enum AccessLogEncoding {
  /** Plain text lines. */
  TEXT = 'TEXT',
  /** One JSON object a line. */
  JSON = 'JSON',
}

/** What sidecars do with traffic to hosts the mesh does not know. */
export enum OutboundTrafficPolicyMode {
  /** Pass it through to the original destination (the Istio default). */
  ALLOW_ANY = 'ALLOW_ANY',
  /** Block it: only services in the registry (including ServiceEntries) are reachable. */
  REGISTRY_ONLY = 'REGISTRY_ONLY',
}

/** Whether istiod serves Kubernetes Ingress resources. */
export enum IngressControllerMode {
  /** Ingress resources are ignored. */
  OFF = 'OFF',
  /** Ingresses without an ingress class, or with `ingressClass`, are served. */
  DEFAULT = 'DEFAULT',
  /** Only Ingresses with the class `ingressClass` are served. */
  STRICT = 'STRICT',
}

/** Which proxy stats Envoy keeps beyond Istio's defaults. */
export interface ProxyStatsMatcherOptions {
  /** Stat name prefixes to keep. @default - none */
  readonly inclusionPrefixes?: string[];
  /** Stat name suffixes to keep. @default - none */
  readonly inclusionSuffixes?: string[];
  /** RE2 expressions of stat names to keep. @default - none */
  readonly inclusionRegexps?: string[];
}

/** Mesh-wide defaults of the proxies (`meshConfig.defaultConfig`). */
export interface ProxyConfigOptions {
  /**
   * Address of the control plane the proxies connect to.
   *
   * @default - `istiod[-<revision>].<namespace>.svc:15012`
   */
  readonly discoveryAddress?: string;
  /** Start the application container only once its proxy is ready. @default false */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /** Number of Envoy worker threads; 0 uses all cores. @default - 2 for sidecars, all cores for gateways */
  readonly concurrency?: number;
  /** Environment variables passed to every proxy (`ISTIO_META_DNS_CAPTURE` and friends). @default - none */
  readonly proxyMetadata?: Record<string, string>;
  /** How long Envoy drains connections on shutdown. @default 5s */
  readonly terminationDrainDuration?: Duration;
  /** How long Envoy drains listeners on hot restart. @default 45s */
  readonly drainDuration?: Duration;
  /** Extra Envoy stats to keep. @default - Istio's default set */
  readonly proxyStatsMatcher?: ProxyStatsMatcherOptions;
  /** Number of trusted proxies in front of the gateways, for the client address in `X-Forwarded-For`. @default 0 */
  readonly numTrustedProxies?: number;
  /** Image flavour of the proxies, e.g. `distroless`. @default "default" */
  readonly imageType?: string;
  /** Extra tags of Istio's standard metrics. @default - none */
  readonly extraStatTags?: string[];
}

/** The providers used when a Telemetry resource does not name one. */
export interface DefaultProvidersOptions {
  /** Tracing providers. @default - no tracing */
  readonly tracing?: string[];
  /** Metrics providers. @default ["prometheus"] */
  readonly metrics?: string[];
  /** Access-logging providers. @default - no access logs through providers */
  readonly accessLogging?: string[];
}

/** Mesh-wide configuration, the ConfigMap `istio` that istiod reads. */
export interface MeshConfigOptions {
  /** File the proxies write access logs to, e.g. `/dev/stdout`. @default - no access logs (demo profile: "/dev/stdout") */
  readonly accessLogFile?: string;
  /** Format of access log entries. @default AccessLogEncoding.TEXT */
  readonly accessLogEncoding?: AccessLogEncoding;
  /** Envoy format string of access log entries. @default - Istio's default format */
  readonly accessLogFormat?: string;
  /** What sidecars do with traffic to unknown hosts. @default OutboundTrafficPolicyMode.ALLOW_ANY */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /** Defaults of every proxy. @default - only the discovery address */
  readonly defaultConfig?: ProxyConfigOptions;
  /** Trust domain of the mesh's workload identities. @default "cluster.local" */
  readonly trustDomain?: string;
  /** Other trust domains treated as this one. @default - none */
  readonly trustDomainAliases?: string[];
  /** Namespace whose Istio resources apply mesh-wide. @default - the control-plane namespace */
  readonly rootNamespace?: string;
  /** Backends for telemetry and CUSTOM authorization. @default - none (demo profile: otel, skywalking, otel-tracing, jaeger) */
  readonly extensionProviders?: ExtensionProvider[];
  /** Providers used when a Telemetry resource names none. @default - metrics: ["prometheus"] */
  readonly defaultProviders?: DefaultProvidersOptions;
  /** Merge the application's Prometheus metrics into the proxy's. @default true */
  readonly enablePrometheusMerge?: boolean;
  /** Enable tracing in the proxies. @default true */
  readonly enableTracing?: boolean;
  /** Use mTLS automatically between sidecars that support it. @default true */
  readonly enableAutoMtls?: boolean;
  /** How istiod treats Kubernetes Ingress resources. @default IngressControllerMode.STRICT */
  readonly ingressControllerMode?: IngressControllerMode;
  /** Ingress class istiod serves. @default "istio" */
  readonly ingressClass?: string;
  /** Service of the gateway that serves Ingresses. @default "istio-ingressgateway" */
  readonly ingressService?: string;
  /** `istio` label value of the gateway that serves Ingresses. @default "ingressgateway" */
  readonly ingressSelector?: string;
  /** How long a sidecar waits for the client to speak first before treating a connection as TCP. @default - no detection timeout */
  readonly protocolDetectionTimeout?: Duration;
  /** Connect timeout of upstream connections. @default 10s */
  readonly connectTimeout?: Duration;
  /** Where Services are visible by default. @default ["*"] */
  readonly defaultServiceExportTo?: string[];
  /** Where VirtualServices are visible by default. @default ["*"] */
  readonly defaultVirtualServiceExportTo?: string[];
  /** Where DestinationRules are visible by default. @default ["*"] */
  readonly defaultDestinationRuleExportTo?: string[];
  /** Only namespaces matching one of these label sets are part of the mesh. @default - all namespaces */
  readonly discoverySelectors?: Array<Record<string, string>>;
}

/** What only `IstioMesh` knows when it creates the mesh config. */
export interface MeshConfigProps extends MeshConfigOptions {
  /** Namespace of the control plane. @default "istio-system" */
  readonly namespace?: string;
  /** Address of istiod's xDS port. @default "istiod.istio-system.svc:15012" */
  readonly istiodAddress?: string;
}

/** Names of the providers Istio defines without an `extensionProviders` entry. */
const BUILT_IN_PROVIDERS = ['prometheus', 'stackdriver', 'envoy'];

/**
 * The mesh-wide configuration istiod reads from the ConfigMap `istio` (`mesh` key). Typed
 * options cover the common fields; `addOverride()` sets anything else.
 */
export class MeshConfig extends Construct {
  private readonly options: MeshConfigProps;
  private readonly providers: ExtensionProvider[] = [];
  private tracingProviders?: string[];
  private metricsProviders?: string[];
  private accessLoggingProviders?: string[];
  private readonly overrides: Array<{ path: string[]; value: unknown }> = [];

  public constructor(scope: Construct, id: string, props: MeshConfigProps = {}) {
    super(scope, id);
    this.options = props;
    validateDnsLabel(this, 'rootNamespace', props.rootNamespace);
    validateExportTo(this, 'defaultServiceExportTo', props.defaultServiceExportTo);
    validateExportTo(this, 'defaultVirtualServiceExportTo', props.defaultVirtualServiceExportTo);
    validateExportTo(this, 'defaultDestinationRuleExportTo', props.defaultDestinationRuleExportTo);
    validateDuration(this, 'protocolDetectionTimeout', props.protocolDetectionTimeout);
    validateDuration(this, 'connectTimeout', props.connectTimeout);
    validateDuration(this, 'defaultConfig.terminationDrainDuration', props.defaultConfig?.terminationDrainDuration);
    validateDuration(this, 'defaultConfig.drainDuration', props.defaultConfig?.drainDuration);
    validateInteger(this, 'defaultConfig.concurrency', props.defaultConfig?.concurrency);
    validateInteger(this, 'defaultConfig.numTrustedProxies', props.defaultConfig?.numTrustedProxies);
    (props.discoverySelectors ?? []).forEach((labels, i) => validateLabels(this, `discoverySelectors[${i}]`, labels));
    if (props.trustDomain !== undefined) {
      check(/^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$/.test(props.trustDomain), this, 'trustDomain', props.trustDomain,
        'must be a domain such as "cluster.local" or "example.com"');
    }
    for (const provider of props.extensionProviders ?? []) this.addExtensionProvider(provider);
    if (props.defaultProviders) this.useDefaultProviders(props.defaultProviders);
    this.node.addValidation({ validate: () => this.validateDefaultProviders() });
  }

  /** Names of the extension providers added so far. */
  public get extensionProviderNames(): string[] {
    return this.providers.map(p => p.name);
  }

  /** Adds a backend for telemetry or CUSTOM authorization; names must be unique. */
  public addExtensionProvider(provider: ExtensionProvider): ExtensionProvider {
    provider._toMeshConfig(this);
    if (this.providers.some(p => p.name === provider.name)) {
      fail(this, 'extensionProviders[].name', provider.name, 'must be unique; an extension provider with this name was already added');
    }
    this.providers.push(provider);
    return provider;
  }

  /** Sets the providers used when a Telemetry resource names none. Each kind can be set once. */
  public useDefaultProviders(options: DefaultProvidersOptions): void {
    if (options.tracing) {
      assertUnset(this, 'defaultProviders.tracing', this.tracingProviders, options.tracing);
      assertUnique(this, 'defaultProviders.tracing', options.tracing, n => n);
      this.tracingProviders = [...options.tracing];
    }
    if (options.metrics) {
      assertUnset(this, 'defaultProviders.metrics', this.metricsProviders, options.metrics);
      assertUnique(this, 'defaultProviders.metrics', options.metrics, n => n);
      this.metricsProviders = [...options.metrics];
    }
    if (options.accessLogging) {
      assertUnset(this, 'defaultProviders.accessLogging', this.accessLoggingProviders, options.accessLogging);
      assertUnique(this, 'defaultProviders.accessLogging', options.accessLogging, n => n);
      this.accessLoggingProviders = [...options.accessLogging];
    }
  }

  /**
   * Escape hatch: sets a mesh-config field this class does not model, by dotted path
   * (`defaultConfig.tracing.sampling`, `meshMTLS.minProtocolVersion`). Applied last.
   */
  public addOverride(path: string, value: any): void {
    const parts = path.split('.');
    check(parts.every(p => p.length > 0), this, 'addOverride(path)', path, 'must be a dotted path of field names, e.g. "meshMTLS.minProtocolVersion"');
    this.overrides.push({ path: parts, value });
  }

  /**
   * The mesh config as an object with sorted keys, as istiod reads it.
   * @internal
   */
  public _toJson(): Record<string, unknown> {
    const o = this.options;
    const namespace = o.namespace ?? 'istio-system';
    const proxy = o.defaultConfig ?? {};
    const matcher = proxy.proxyStatsMatcher;
    const defaultConfig = compact({
      discoveryAddress: proxy.discoveryAddress ?? o.istiodAddress ?? `istiod.${namespace}.svc:15012`,
      holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts,
      concurrency: proxy.concurrency,
      proxyMetadata: proxy.proxyMetadata,
      terminationDrainDuration: renderDuration(proxy.terminationDrainDuration, this, 'defaultConfig.terminationDrainDuration'),
      drainDuration: renderDuration(proxy.drainDuration, this, 'defaultConfig.drainDuration'),
      proxyStatsMatcher: matcher ? compact({
        inclusionPrefixes: nonEmpty(matcher.inclusionPrefixes),
        inclusionSuffixes: nonEmpty(matcher.inclusionSuffixes),
        inclusionRegexps: nonEmpty(matcher.inclusionRegexps),
      }) : undefined,
      gatewayTopology: proxy.numTrustedProxies !== undefined ? { numTrustedProxies: proxy.numTrustedProxies } : undefined,
      image: proxy.imageType !== undefined ? { imageType: proxy.imageType } : undefined,
      extraStatTags: nonEmpty(proxy.extraStatTags),
    });
    const mesh: Record<string, unknown> = compact({
      accessLogFile: o.accessLogFile,
      accessLogEncoding: o.accessLogEncoding,
      accessLogFormat: o.accessLogFormat,
      connectTimeout: renderDuration(o.connectTimeout, this, 'connectTimeout'),
      defaultConfig,
      defaultDestinationRuleExportTo: nonEmpty(o.defaultDestinationRuleExportTo),
      defaultProviders: compact({
        accessLogging: nonEmpty(this.accessLoggingProviders),
        metrics: this.metricsProviders ?? ['prometheus'],
        tracing: nonEmpty(this.tracingProviders),
      }),
      defaultServiceExportTo: nonEmpty(o.defaultServiceExportTo),
      defaultVirtualServiceExportTo: nonEmpty(o.defaultVirtualServiceExportTo),
      discoverySelectors: nonEmpty((o.discoverySelectors ?? []).map(matchLabels => ({ matchLabels }))),
      enableAutoMtls: o.enableAutoMtls,
      enablePrometheusMerge: o.enablePrometheusMerge ?? true,
      enableTracing: o.enableTracing,
      extensionProviders: nonEmpty(this.providers.map(p => p._toMeshConfig(this))),
      ingressClass: o.ingressClass,
      ingressControllerMode: o.ingressControllerMode,
      ingressSelector: o.ingressSelector,
      ingressService: o.ingressService,
      outboundTrafficPolicy: o.outboundTrafficPolicy ? { mode: o.outboundTrafficPolicy } : undefined,
      protocolDetectionTimeout: renderDuration(o.protocolDetectionTimeout, this, 'protocolDetectionTimeout'),
      rootNamespace: o.rootNamespace ?? namespace,
      trustDomain: o.trustDomain ?? 'cluster.local',
      trustDomainAliases: nonEmpty(o.trustDomainAliases),
    });
    for (const { path, value } of this.overrides) {
      let cursor = mesh;
      for (const key of path.slice(0, -1)) {
        if (cursor[key] === undefined || typeof cursor[key] !== 'object' || Array.isArray(cursor[key])) cursor[key] = {};
        cursor = cursor[key] as Record<string, unknown>;
      }
      cursor[path[path.length - 1]] = value;
    }
    return sortKeys(mesh) as Record<string, unknown>;
  }

  /**
   * The `mesh` key of the ConfigMap `istio`: the mesh config as YAML.
   * @internal
   */
  public _toYaml(): string {
    const json = this._toJson();
    const yaml = Yaml.stringify(json).trimEnd();
    rememberMeshConfig(yaml, json);
    return yaml;
  }

  private validateDefaultProviders(): string[] {
    const known = new Set([...BUILT_IN_PROVIDERS, ...this.providers.map(p => p.name)]);
    const errors: string[] = [];
    const lists: Array<[string, string[] | undefined]> = [
      ['tracing', this.tracingProviders], ['metrics', this.metricsProviders], ['accessLogging', this.accessLoggingProviders],
    ];
    for (const [kind, names] of lists) {
      for (const name of names ?? []) {
        if (!known.has(name)) {
          errors.push(`defaultProviders.${kind} ${JSON.stringify(name)} is invalid: no extension provider has this name; `
            + `add one with addExtensionProvider() or use one of ${[...known].map(n => JSON.stringify(n)).join(', ')}`);
        }
      }
    }
    return errors;
  }
}
