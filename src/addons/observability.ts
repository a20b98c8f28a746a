import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_ADDON_NAMESPACE } from './common';
import { Grafana, GrafanaOptions } from './grafana';
import { Jaeger, JaegerOptions } from './jaeger';
import { Kiali, KialiAuth, KialiOptions } from './kiali';
import { Loki, LokiOptions } from './loki';
import { Prometheus, PrometheusOptions } from './prometheus';
import * as k from '../../imports/telemetry.istio.io';
import { ensureAnalysisOfValidated } from '../analysis/mesh-analysis';
import { check, fail, validateDnsLabel, validatePercentage } from '../core/validation';
import { ExtensionProvider } from '../install/extension-provider';
import { IstioMesh } from '../install/istio-mesh';
import { Profile } from '../install/profile';
import { DEFAULT_ROOT_NAMESPACE } from '../security/security-validation';

/** The name of Envoy's built-in access log provider (file `/dev/stdout`). */
const ENVOY_ACCESS_LOG_PROVIDER = 'envoy';
/** The tracing provider the demo profile defines for a Jaeger in `istio-system`. */
const DEMO_JAEGER_PROVIDER = { name: 'jaeger', host: 'jaeger-collector.istio-system.svc.cluster.local' };

/**
 * Jaeger as the mesh's tracing backend.
 */
export interface JaegerAddonOptions extends JaegerOptions {
  /**
   * The share of requests traced, 0–100 (fractions allowed).
   *
   * @default 1 (Istio's default)
   */
  readonly samplingPercentage?: number;

  /**
   * The name of the mesh config extension provider pointing at Jaeger's OTLP/gRPC receiver.
   * With `mesh`, the provider is added to its mesh config. Without, the mesh must already
   * define it as `opentelemetry` at `jaeger-collector.<namespace>.svc.cluster.local:4317` (the
   * demo profile's `jaeger` provider does, for the `istio-system` namespace).
   *
   * @default 'jaeger'
   */
  readonly providerName?: string;
}

/**
 * Properties of `ObservabilityAddons`. An addon is installed when its options are given
 * (`{}` for the defaults) and left out otherwise. With none of them given and a mesh of the
 * demo profile, the demo set is installed (see `ObservabilityAddons.demo()`).
 */
export interface ObservabilityAddonsProps {
  /**
   * The mesh to wire the addons into: the tracing provider is added to its mesh config and
   * made the default. Without a mesh (one installed by `istioctl`), only the Telemetry
   * resource refers to the provider by name, which the mesh must define (the demo profile
   * defines `jaeger`).
   *
   * @default - no mesh config changes
   */
  readonly mesh?: IstioMesh;

  /**
   * The namespace the addons run in and the mesh root namespace of the Telemetry resource.
   *
   * @default - the mesh's namespace, else 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Install Prometheus. Kiali and Grafana need it.
   *
   * @default - not installed
   */
  readonly prometheus?: PrometheusOptions;

  /**
   * Install Grafana, reading from Prometheus (and Loki and Jaeger when installed).
   *
   * @default - not installed
   */
  readonly grafana?: GrafanaOptions;

  /**
   * Install Jaeger and trace the mesh into it.
   *
   * @default - not installed, no tracing
   */
  readonly jaeger?: JaegerAddonOptions;

  /**
   * Install Kiali, reading from Prometheus, Grafana and Jaeger.
   *
   * @default - not installed
   */
  readonly kiali?: KialiOptions;

  /**
   * Install Loki (Grafana gets a Loki data source). Shipping the proxies' logs into it
   * (Promtail, Alloy, an OpenTelemetry collector) is up to you.
   *
   * @default - not installed
   */
  readonly loki?: LokiOptions;

  /**
   * Turn on Envoy access logs (to the proxies' stdout) for the whole mesh.
   *
   * @default false
   */
  readonly accessLogs?: boolean;

  /**
   * The name of the mesh-wide Telemetry resource.
   *
   * @default 'mesh-default'
   */
  readonly telemetryName?: string;

  /**
   * The mesh root namespace (`meshConfig.rootNamespace`), where the mesh-wide Telemetry
   * resource goes. Only needed without `mesh`, for a mesh whose root namespace is not Istio's
   * default; a Telemetry in any other namespace would only apply to that namespace.
   *
   * @default - the root namespace of `mesh`, else 'istio-system'
   */
  readonly meshRootNamespace?: string;

  /**
   * The namespace istiod runs in, for Prometheus' `istiod` scrape job and Kiali. Only needed
   * without `mesh`, for an istiod outside `istio-system`.
   *
   * @default - the namespace of `mesh`, else 'istio-system'
   */
  readonly istioNamespace?: string;
}

/** What the demo profile's users expect from `samples/addons`. */
const DEMO_ADDONS: ObservabilityAddonsProps = {
  prometheus: {},
  grafana: {},
  jaeger: { samplingPercentage: 100 },
  kiali: { auth: KialiAuth.anonymous() },
  accessLogs: true,
};

/**
 * Prometheus, Grafana, Jaeger, Kiali and Loki, installed together and wired into the mesh:
 * Grafana and Kiali read this install's Prometheus, Jaeger receives the mesh's spans through a
 * mesh config extension provider that becomes the default tracing provider, and a mesh-wide
 * Telemetry resource sets the sampling percentage and access logs.
 *
 * @example
 * const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });
 * new ObservabilityAddons(chart, 'Addons', {
 *   mesh,
 *   prometheus: {},
 *   grafana: {},
 *   jaeger: { samplingPercentage: 10 },
 *   kiali: { auth: KialiAuth.anonymous() },
 *   accessLogs: true,
 * });
 */
export class ObservabilityAddons extends Construct {
  /**
   * The addons a user of `istioctl install --set profile=demo` and `samples/addons` expects:
   * Prometheus, Grafana, Jaeger tracing every request, and Kiali without login, plus access logs.
   */
  public static demo(scope: Construct, id: string, mesh?: IstioMesh): ObservabilityAddons {
    return new ObservabilityAddons(scope, id, { mesh, ...DEMO_ADDONS });
  }

  /** The namespace the addons run in. */
  public readonly namespace: string;
  /** Prometheus, when installed. */
  public readonly prometheus?: Prometheus;
  /** Grafana, when installed. */
  public readonly grafana?: Grafana;
  /** Jaeger, when installed. */
  public readonly jaeger?: Jaeger;
  /** Kiali, when installed. */
  public readonly kiali?: Kiali;
  /** Loki, when installed. */
  public readonly loki?: Loki;
  /** The name of the tracing extension provider, when Jaeger is installed. */
  public readonly tracingProviderName?: string;
  /** The mesh-wide Telemetry resource, when tracing or access logs are on. */
  public readonly telemetry?: ApiObject;

  public constructor(scope: Construct, id: string, options: ObservabilityAddonsProps = {}) {
    super(scope, id);
    ensureAnalysisOfValidated(this); // the Telemetry it writes comes from checked options
    const chosen = options.prometheus ?? options.grafana ?? options.jaeger ?? options.kiali ?? options.loki;
    const props: ObservabilityAddonsProps = chosen === undefined && options.mesh?.profile === Profile.DEMO
      ? { ...DEMO_ADDONS, ...options }
      : options;
    this.namespace = props.namespace ?? props.mesh?.namespace ?? DEFAULT_ADDON_NAMESPACE;
    validateDnsLabel(this, 'namespace', this.namespace);
    validatePercentage(this, 'jaeger.samplingPercentage', props.jaeger?.samplingPercentage);
    if (props.kiali && !props.prometheus) {
      fail(this, 'kiali', props.kiali, 'Kiali reads the mesh metrics from Prometheus; add prometheus: {} (or leave Kiali out)');
    }
    if (props.grafana && !props.prometheus) {
      fail(this, 'grafana', props.grafana, 'Grafana\'s dashboards read from Prometheus; add prometheus: {} (or leave Grafana out)');
    }
    if (props.mesh && props.mesh.node.root !== this.node.root) {
      fail(this, 'mesh', props.mesh.node.path, 'the mesh is not part of this app; create the addons in the same app as the mesh');
    }
    if (props.mesh && props.meshRootNamespace !== undefined) {
      fail(this, 'meshRootNamespace', props.meshRootNamespace, 'is taken from the mesh config of `mesh`; leave it out');
    }
    if (props.mesh && props.istioNamespace !== undefined && props.istioNamespace !== props.mesh.namespace) {
      fail(this, 'istioNamespace', props.istioNamespace, `istiod of the mesh ${props.mesh.node.path} runs in ${props.mesh.namespace}; leave it out`);
    }
    validateDnsLabel(this, 'meshRootNamespace', props.meshRootNamespace);
    validateDnsLabel(this, 'istioNamespace', props.istioNamespace);
    // istiod and the mesh root namespace are Istio's, not the addons': never the addon namespace.
    const istioNamespace = props.mesh?.namespace ?? props.istioNamespace ?? DEFAULT_ADDON_NAMESPACE;
    const namespace = this.namespace;

    if (props.prometheus) {
      this.prometheus = new Prometheus(this, 'Prometheus', { istioNamespace, ...props.prometheus, namespace });
    }
    if (props.loki) {
      this.loki = new Loki(this, 'Loki', { ...props.loki, namespace });
    }
    if (props.jaeger) {
      const { samplingPercentage: _s, providerName: _p, ...jaeger } = props.jaeger;
      this.jaeger = new Jaeger(this, 'Jaeger', { ...jaeger, namespace });
    }
    if (props.grafana) {
      this.grafana = new Grafana(this, 'Grafana', {
        ...props.grafana, namespace, prometheus: this.prometheus!, loki: this.loki, tracing: this.jaeger,
      });
    }
    if (props.kiali) {
      this.kiali = new Kiali(this, 'Kiali', {
        istioNamespace, ...props.kiali, namespace, prometheus: this.prometheus!, grafana: this.grafana, tracing: this.jaeger,
      });
    }

    if (this.jaeger) {
      this.tracingProviderName = this.wireTracing(props.mesh, this.jaeger, props.jaeger?.providerName ?? 'jaeger');
    }

    const tracing = this.jaeger && this.tracingProviderName
      ? [{ providers: [{ name: this.tracingProviderName }], randomSamplingPercentage: props.jaeger?.samplingPercentage ?? 1 }]
      : undefined;
    const accessLogging = props.accessLogs ? [{ providers: [{ name: ENVOY_ACCESS_LOG_PROVIDER }] }] : undefined;
    if (tracing || accessLogging) {
      const name = props.telemetryName ?? 'mesh-default';
      this.telemetry = new k.Telemetry(this, 'Telemetry', {
        metadata: { name, namespace: rootNamespace(props.mesh) ?? props.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE },
        spec: { tracing, accessLogging },
      });
    }
  }

  /** Adds the OTLP/gRPC provider for Jaeger to the mesh config and makes it the default. */
  private wireTracing(mesh: IstioMesh | undefined, jaeger: Jaeger, providerName: string): string {
    check(/^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?$/.test(providerName), this, 'jaeger.providerName', providerName,
      'must be a provider name of letters, digits, "-", "." and "_"');
    if (!mesh) return providerName;
    const taken = mesh.meshConfig.extensionProviderNames.includes(providerName);
    const demoProvider = mesh.profile === Profile.DEMO && providerName === DEMO_JAEGER_PROVIDER.name
      && jaeger.collectorHost === DEMO_JAEGER_PROVIDER.host;
    if (taken && !demoProvider) {
      fail(this, 'jaeger.providerName', providerName,
        `the mesh ${mesh.node.path} already has an extension provider with this name; choose another providerName`);
    }
    if (!taken) {
      mesh.addExtensionProvider(ExtensionProvider.openTelemetry(providerName, {
        service: jaeger.collectorHost,
        port: jaeger.otlpGrpcPort,
      }));
    }
    mesh.useDefaultProviders({ tracing: [providerName] });
    return providerName;
  }
}

/** The mesh config's root namespace, where mesh-wide Telemetry lives. */
function rootNamespace(mesh: IstioMesh | undefined): string | undefined {
  if (!mesh) return undefined;
  const root = mesh.meshConfig._toJson().rootNamespace;
  return typeof root === 'string' ? root : mesh.namespace;
}
