import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ComponentKubernetesOptions, mergeComponentOptions, validateComponentOptions } from './component-kubernetes';
import { ComputeResources, validateComputeResources } from './compute-resources';
import { CrdSource, IstioCrds } from './crds';
import { ExtensionProvider } from './extension-provider';
import { GatewayApiCrdChannel, GatewayApiCrds } from './gateway-api-crds';
import {
  ExternalTrafficPolicy, GatewayInstallation, GatewayInstallationPort, GatewayKind, GatewayScaling, GatewayServiceType,
} from './gateway-installation';
import { skipDryRunOnMissingCrds } from './gitops';
import { SidecarInjectorOptions } from './injection/injection-config';
import { injectorOptions, renderInjectorConfig, renderInjectorValues } from './injector-data';
import {
  annotateSyncWave, apiObject, commonLabels, DEFAULT_HUB, imageTag, InstallContext, ISTIO_VERSION, revisioned, SyncWave,
} from './install-context';
import { mergedValues, originalValues } from './install-values';
import { IstioCni, IstioCniOptions, IstioCniSettings, resolveCni } from './istio-cni';
import { IstioOperatorSource, translateIstioOperator, Translator } from './istio-operator';
import { overlayPatches } from './istio-operator-k8s';
import { Istiod, IstiodSettings } from './istiod';
import { IstiodOptions } from './istiod-options';
import { READER_SERVICE_ACCOUNT } from './istiod-rbac';
import { DefaultProvidersOptions, MeshConfig, MeshConfigOptions } from './mesh-config';
import { createNamespace, injectionLabels, sharedSingleton } from './namespace';
import { applyOverlay, ObjectOverlay } from './overlay';
import { Profile } from './profile';
import { ProfileSettings, profileSettings } from './profile-settings';
import { RevisionTag, validateRevision, validateRevisionTag } from './revision';
import { deactivateInjectionWebhooks } from './webhooks';
import { resolveZtunnel, Ztunnel, ZtunnelOptions } from './ztunnel';
import { ensureAnalysisOfValidated } from '../analysis/mesh-analysis';
import { IPodWorkload } from '../core/kube-refs';
import { check, fail, validateDnsLabel, validateInteger, validateLabels, validatePercentage, validateResourceName } from '../core/validation';

/** How an application namespace is labelled for sidecar injection. */
export interface NamespaceInjectionOptions {
  /**
   * Select the control plane through this revision tag (`istio.io/rev=<tag>`) instead of the
   * mesh's revision. The tag must be added with `addRevisionTag()`.
   *
   * @default - the mesh's revision, or `istio-injection=enabled` for the default revision
   */
  readonly revisionTag?: string;
  /** Extra labels of the namespace. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations of the namespace. @default - none */
  readonly annotations?: Record<string, string>;
}

/** How an application namespace joins the ambient data plane. */
export interface AmbientNamespaceOptions {
  /** Extra labels of the namespace, e.g. `pod-security.kubernetes.io/enforce: restricted`. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations of the namespace. @default - none */
  readonly annotations?: Record<string, string>;
}

/** The label that enrolls namespaces and pods in ambient mode (`ambient`) or keeps them out (`none`). */
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** Settings of a gateway the mesh installs; the Kubernetes settings override the mesh's `components`. */
export interface MeshGatewayOptions extends ComponentKubernetesOptions {
  /** How the gateway Service is exposed. @default - LoadBalancer for ingress, ClusterIP for egress */
  readonly serviceType?: GatewayServiceType;
  /** Service ports. @default - the profile's ports (ingress: status-port, http2, https; demo adds tcp and tls) */
  readonly ports?: GatewayInstallationPort[];
  /** Fixed replicas or an autoscaler. @default - the profile's: autoscale 1–5 at 80% CPU (demo: 1 fixed replica) */
  readonly scaling?: GatewayScaling;
  /** Keep one pod available during disruptions when two or more run. @default true */
  readonly podDisruptionBudget?: boolean;
  /** CPU and memory of the proxy. @default - the profile's (100m/128Mi requested, 2000m/1024Mi limit; demo requests 10m/40Mi) */
  readonly resources?: ComputeResources;
  /** Annotations of the Service (cloud load-balancer settings). @default - none */
  readonly serviceAnnotations?: Record<string, string>;
  /** Extra labels of the gateway's objects and pods. @default - none */
  readonly labels?: Record<string, string>;
  /** Labels that select the gateway pods. @default - `{ app: <name>, istio: <name without "istio-"> }` */
  readonly selectorLabels?: Record<string, string>;
  /** Whether external traffic goes only to node-local pods. @default - Kubernetes default (Cluster) */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Client CIDR blocks a load balancer accepts. @default - any client */
  readonly loadBalancerSourceRanges?: string[];
  /** Extra environment variables of the proxy. @default - none */
  readonly env?: Record<string, string>;
}

/** Settings of a gateway the profile installs (`istio-ingressgateway`, `istio-egressgateway`). */
export interface ProfileGatewayOptions extends MeshGatewayOptions {
  /** Install this gateway. @default - as the profile says (ingress: default and demo; egress: demo) */
  readonly enabled?: boolean;
}

/** Properties of an `IstioMesh`. */
export interface IstioMeshProps {
  /** The installation profile to start from. @default Profile.DEFAULT */
  readonly profile?: Profile;
  /** Registry of the Istio images. @default "docker.io/istio" */
  readonly hub?: string;
  /** Tag of the Istio images. @default "1.30.3" */
  readonly tag?: string;
  /**
   * Revision of this control plane, for running two side by side (canary upgrades): object
   * names get the suffix `-<revision>` and namespaces select it with `istio.io/rev=<revision>`.
   *
   * @default - the default revision
   */
  readonly revision?: string;
  /** Revision tags pointing at this revision (see `addRevisionTag()`). @default - none */
  readonly revisionTags?: string[];
  /**
   * Point the `default` revision tag at this control plane, as `istioctl install` does for a
   * mesh without revision (and `istioctl tag set default` for a revision): the
   * MutatingWebhookConfiguration `istio-revision-tag-default`, the Service
   * `istiod-revision-tag-default`, and the ValidatingWebhookConfiguration
   * `istiod-default-validator`. Without the validator, Istio config that carries no
   * `istio.io/rev` label is never validated at admission. Set `false` when another tool
   * (`istioctl tag`, the `base` Helm chart's `defaultRevision`) owns these objects.
   *
   * @default - true for a mesh without revision that installs istiod, false for a revision
   */
  readonly defaultRevisionTag?: boolean;
  /** Namespace of the control plane. @default "istio-system" */
  readonly namespace?: string;
  /**
   * Install the base component (istioctl's `components.base`): the cluster-wide
   * `istio-reader-service-account` that multicluster remote secrets use, in the mesh namespace
   * (the base chart's `global.istioNamespace`), and by default the Istio CRDs. Turn it off when
   * another installation of the cluster owns them.
   *
   * @default - true, except for `Profile.EMPTY`
   */
  readonly base?: boolean;
  /**
   * Create the control-plane Namespace object. Only the first mesh of an app creates it;
   * others with the same namespace reuse it.
   *
   * @default - true, except for `Profile.EMPTY`
   */
  readonly createNamespace?: boolean;
  /** Mesh-wide configuration. @default - the profile's */
  readonly meshConfig?: MeshConfigOptions;
  /**
   * Kubernetes settings every component of the mesh starts from (istiod, the gateways,
   * istio-cni and ztunnel): image pull secrets, scheduling, pod security, Service settings and
   * so on. A component's own options override them field by field; maps (labels, annotations,
   * node selector) merge. The node agents (istio-cni, ztunnel) are DaemonSets: the autoscaling,
   * disruption budget, Service and `priorityClassName` defaults don't apply to them, and these
   * tolerations add to theirs.
   *
   * @default - none
   */
  readonly components?: ComponentKubernetesOptions;
  /** Settings of istiod. @default - the profile's */
  readonly istiod?: IstiodOptions;
  /**
   * Write NetworkPolicies for the control plane and the gateways (the charts'
   * `global.networkPolicy.enabled`): each pod accepts only its own ports and may connect
   * anywhere. For clusters whose namespaces deny traffic by default.
   *
   * @default false
   */
  readonly networkPolicy?: boolean;
  /**
   * Last-resort JSON patches on objects the installation writes (see `addOverlay()`), applied
   * after the profile's gateways are created.
   *
   * @default - none
   */
  readonly overlays?: ObjectOverlay[];
  /**
   * Sidecar injection: policy, selectors, templates and proxy settings (ConfigMap
   * `istio-sidecar-injector`). Images, revision and namespace come from the mesh.
   *
   * @default - inject the `sidecar` template with the profile's proxy resources
   */
  readonly sidecarInjector?: SidecarInjectorOptions;
  /** Settings of the profile's ingress gateway `istio-ingressgateway`. @default - the profile's */
  readonly ingressGateway?: ProfileGatewayOptions;
  /** Settings of the profile's egress gateway `istio-egressgateway`. @default - the profile's */
  readonly egressGateway?: ProfileGatewayOptions;
  /**
   * The istio-cni node agent. With it, injected sidecar pods need no privileged `istio-init`
   * container, and can meet Pod Security "restricted". Ambient mode requires it.
   *
   * @default - installed in the ambient profile only
   */
  readonly cni?: IstioCniOptions;
  /**
   * ztunnel, the node proxy of ambient mode. Installing it turns ambient mode on: istiod
   * (`PILOT_ENABLE_AMBIENT`), istio-cni (which must be enabled) and HBONE for sidecars.
   *
   * @default - installed in the ambient profile only
   */
  readonly ztunnel?: ZtunnelOptions;
  /**
   * Use the distroless images (`<tag>-distroless`: no shell, smaller attack surface) for istiod,
   * the proxies, istio-cni and ztunnel.
   *
   * @default - true in the ambient profile, false otherwise
   */
  readonly distroless?: boolean;
  /**
   * The Istio CRDs. Only the first mesh of an app emits them.
   *
   * @default - CrdSource.builtIn() with the base component, otherwise CrdSource.none()
   */
  readonly crds?: CrdSource;
  /**
   * The Kubernetes Gateway API CRDs (v1.5.1, full upstream schemas), for Gateway API ingress,
   * mesh routing and ambient waypoints. Only the first mesh of an app emits them.
   *
   * @default - GatewayApiCrdChannel.STANDARD, except for `Profile.EMPTY` (GatewayApiCrdChannel.NONE)
   */
  readonly gatewayApiCrds?: GatewayApiCrdChannel;
  /**
   * Add Argo CD `argocd.argoproj.io/sync-wave` annotations: CRDs -3, namespaces -2,
   * identities and configuration -1, control plane 0, webhooks 1, gateways 2, injected namespaces 3.
   * Every custom resource of the app (Istio config, the addons', the application's) also gets
   * `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true`, so the first sync of a
   * new cluster does not fail its dry run before the CRDs exist.
   *
   * @default false
   */
  readonly syncWaves?: boolean;
}

const HUB = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The default revision's injection webhooks of an app, deactivated once a `default` tag exists. */
interface DefaultRevisionInjection {
  addInjector(webhooks: ApiObject): void;
  tagDefault(): void;
}
const DEFAULT_REVISION_INJECTION = new WeakMap<IConstruct, DefaultRevisionInjection>();

/**
 * An Istio service mesh installation: what `istioctl install --set profile=<profile>` applies.
 *
 * It emits, in apply order: the Istio CRDs, the `istio-system` namespace, istiod's
 * ServiceAccount, RBAC and ConfigMaps (`istio`, `istio-sidecar-injector`, `values`), its
 * Service, Deployment, autoscaler and disruption budget, the injection and validation
 * webhooks, for a mesh without revision the `default` revision tag and
 * `istiod-default-validator` (as `istioctl install` adds them), the istio-cni node agent and
 * ztunnel when installed (`Profile.AMBIENT`, `cni`, `ztunnel`), and the profile's gateways.
 * With `Profile.AMBIENT`, `enrollNamespace()` replaces `injectNamespace()`: pods run without sidecars.
 * Two meshes with different `revision`s run side by
 * side for canary upgrades.
 *
 * @example
 * const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });
 * mesh.injectNamespace('bookinfo');
 */
export class IstioMesh extends Construct {
  /**
   * An installation from an IstioOperator (`install.istio.io/v1alpha1`), the file of
   * `istioctl install -f my-operator.yaml`: profile (ambient included), hub, tag, revision,
   * namespace, meshConfig, components (base, pilot, cni, ztunnel, ingress and egress gateways
   * with their `k8s` settings and overlays) and the `values` that map to typed options. Any other field fails, naming its
   * path and what to use instead. Returns the mesh, to keep going in code.
   *
   * @example
   * const mesh = IstioMesh.fromIstioOperator(chart, 'Istio', IstioOperatorSource.fromFile('my-operator.yaml'));
   * mesh.injectNamespace('bookinfo');
   */
  public static fromIstioOperator(scope: Construct, id: string, source: IstioOperatorSource): IstioMesh {
    const plan = translateIstioOperator(scope, id, source);
    const mesh = new IstioMesh(scope, id, plan.props);
    for (const gateway of plan.gateways) {
      if (gateway.kind === 'ingress') mesh.addIngressGateway(gateway.name, gateway.options);
      else mesh.addEgressGateway(gateway.name, gateway.options);
    }
    const t: Translator = new Translator(`${mesh.node.path} (${source._origin})`);
    for (const overlay of plan.overlays) {
      const target = mesh.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === overlay.kind && c.name === overlay.name);
      if (!target) {
        t.invalid(`${overlay.field}.name`, overlay.name, `no ${overlay.kind} of this name is written by the installation`);
      }
      mesh.addOverlay({ kind: overlay.kind, name: overlay.name, patches: overlayPatches(t, overlay.field, target.toJson(), overlay.patches) });
    }
    return mesh;
  }

  /** Namespace of the control plane. */
  public readonly namespace: string;
  /** Revision of this control plane; undefined for the default revision. */
  public readonly revision?: string;
  /** The profile this installation started from. */
  public readonly profile: Profile;
  /** Registry of the Istio images. */
  public readonly hub: string;
  /** Tag of the Istio images. */
  public readonly tag: string;
  /** The mesh-wide configuration (ConfigMap `istio`); mutable until synthesis. */
  public readonly meshConfig: MeshConfig;
  /** Name of the istiod Service (`istiod` or `istiod-<revision>`). */
  public readonly istiodServiceName: string;
  /** The istiod Deployment, for JSON patches; undefined in the empty profile. */
  public readonly istiodDeployment?: ApiObject;
  /** The CRDs this mesh emits; undefined when another mesh of the app emits them or `CrdSource.none()`. */
  public readonly crds?: IstioCrds;
  /** The Gateway API CRDs this mesh emits; undefined when another mesh of the app emits them or `GatewayApiCrdChannel.NONE`. */
  public readonly gatewayApiCrds?: GatewayApiCrds;
  /** The profile's ingress gateway, when installed. */
  public readonly ingressGateway?: GatewayInstallation;
  /** The profile's egress gateway, when installed. */
  public readonly egressGateway?: GatewayInstallation;
  /** The DaemonSet `istio-cni-node` of the istio-cni node agent, when installed, for JSON patches. */
  public readonly cniDaemonSet?: ApiObject;
  /** The DaemonSet `ztunnel`, when installed, for JSON patches. */
  public readonly ztunnelDaemonSet?: ApiObject;
  /** Whether ambient mode is on (ztunnel installed). */
  public readonly ambient: boolean;

  private readonly ctx: InstallContext;
  private readonly componentDefaults?: ComponentKubernetesOptions;
  private readonly networkPolicy: boolean;
  private readonly istiodSettings: IstiodSettings;
  private readonly trustDomain?: string;
  private readonly settings: ProfileSettings;
  private readonly gateways = new Map<string, GatewayInstallation>();
  private readonly tags: RevisionTag[] = [];
  /** Whether the `default` tag is this mesh's own, not asked for (istioctl install leaves it out of the values). */
  private implicitDefaultTag = false;

  public constructor(scope: Construct, id: string, props: IstioMeshProps = {}) {
    super(scope, id);
    ensureAnalysisOfValidated(this);
    this.profile = props.profile ?? Profile.DEFAULT;
    this.settings = profileSettings(this, this.profile);
    this.hub = props.hub ?? DEFAULT_HUB;
    this.tag = props.tag ?? ISTIO_VERSION;
    this.namespace = props.namespace ?? 'istio-system';
    this.revision = props.revision;
    check(typeof this.hub === 'string' && HUB.test(this.hub), this, 'hub', this.hub,
      'must be an image registry and path such as "docker.io/istio" or "registry.example.com:5000/istio"');
    check(typeof this.tag === 'string' && IMAGE_TAG.test(this.tag), this, 'tag', this.tag,
      'must be an image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-", e.g. "1.30.3" or "1.30.3-distroless"');
    validateDnsLabel(this, 'namespace', this.namespace);
    validateRevision(this, 'revision', this.revision);
    const distroless = props.distroless ?? this.settings.distroless;
    this.ctx = {
      namespace: this.namespace,
      revision: this.revision,
      hub: this.hub,
      tag: this.tag,
      syncWaves: props.syncWaves ?? false,
      variant: distroless ? 'distroless' : undefined,
    };
    const cniEnabled = props.cni?.enabled ?? this.settings.cni;
    this.ambient = props.ztunnel?.enabled ?? this.settings.ambient;
    if (this.ambient && !cniEnabled) {
      fail(this, 'cni.enabled', false, 'ambient mode (ztunnel) needs istio-cni to redirect pod traffic to ztunnel; remove cni.enabled: false or disable ztunnel');
    }
    if (this.ambient && !this.settings.istiod) {
      fail(this, 'ztunnel.enabled', true, `ztunnel needs istiod, which profile "${this.profile}" does not install`);
    }
    this.istiodServiceName = revisioned(this.ctx, 'istiod');
    this.componentDefaults = props.components;
    if (props.components) validateComponentOptions(this, 'components', props.components);
    const cniSettings = cniEnabled
      ? resolveCni(this, props.cni ?? {}, this.ambient, `${this.hub}/install-cni:${imageTag(this.ctx)}`, props.components) : undefined;
    this.networkPolicy = props.networkPolicy ?? false;
    const istiod = this.resolveIstiod(mergeComponentOptions(props.components, props.istiod ?? {}));
    this.istiodSettings = istiod;
    this.trustDomain = props.meshConfig?.trustDomain;

    // cluster singletons, emitted once per app and namespace
    if (this.ctx.syncWaves) skipDryRunOnMissingCrds(this);
    // upstream's empty profile writes nothing at all, not even the base component
    const empty = this.profile === Profile.EMPTY;
    const base = props.base ?? !empty;
    const crdSource = props.crds ?? (base ? CrdSource.builtIn() : CrdSource.none());
    if (crdSource._kind !== 'none') {
      const crds = sharedSingleton(this, 'crds', () => new IstioCrds(this, 'Crds', { source: crdSource, syncWave: this.ctx.syncWaves }));
      if (crds.created) this.crds = crds.value;
    }
    const gatewayApiChannel = props.gatewayApiCrds ?? (empty ? GatewayApiCrdChannel.NONE : GatewayApiCrdChannel.STANDARD);
    if (gatewayApiChannel !== GatewayApiCrdChannel.NONE) {
      const gatewayApi = sharedSingleton(this, 'gateway-api-crds', () =>
        new GatewayApiCrds(this, 'GatewayApiCrds', { channel: gatewayApiChannel, syncWave: this.ctx.syncWaves }));
      if (gatewayApi.created) this.gatewayApiCrds = gatewayApi.value;
    }
    if (props.createNamespace ?? !empty) {
      sharedSingleton(this, `namespace:${this.namespace}`, () =>
        createNamespace(this, 'Namespace', this.namespace, { syncWave: this.ctx.syncWaves ? SyncWave.NAMESPACES : undefined }));
    }
    // the reader account belongs to the base component (base chart), not to istiod
    if (base) {
      sharedSingleton(this, `reader:${this.namespace}`, () => apiObject(this, 'ReaderServiceAccount', this.ctx, SyncWave.IDENTITY, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        name: READER_SERVICE_ACCOUNT,
        namespaced: true,
        labels: { app: 'istio-reader', ...commonLabels('istio-reader') },
      }));
    }

    const meshOptions = this.profileMeshOptions(props.meshConfig ?? {}, distroless);
    this.meshConfig = new MeshConfig(this, 'MeshConfig', {
      ...meshOptions,
      accessLogFile: meshOptions.accessLogFile ?? this.settings.accessLogFile,
      extensionProviders: [...this.profileProviders(), ...(meshOptions.extensionProviders ?? [])],
      namespace: this.namespace,
      istiodAddress: `${this.istiodServiceName}.${this.namespace}.svc:15012`,
    });
    if (this.ambient) {
      // ambient multicluster: Services labelled istio.io/global=true are reachable from every cluster
      this.meshConfig.addOverride('serviceScopeConfigs', [{
        scope: 'GLOBAL',
        servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] },
      }]);
    }

    let cp: Istiod | undefined;
    if (this.settings.istiod) {
      const valuesInput = () => ({
        ctx: this.ctx,
        profile: this.settings,
        istiod,
        revisionTags: this.tags.filter(t => !(this.implicitDefaultTag && t.tag === 'default')).map(t => t.tag),
        meshConfig: this.meshConfig._toJson(),
        gateways: [...this.gateways.keys()].sort(),
        cni: cniSettings ? { ambient: cniSettings.ambient, provider: cniSettings.platform.provider } : undefined,
      });
      const injector = () => injectorOptions(this, props.sidecarInjector ?? {}, {
        hub: this.hub,
        tag: this.tag,
        revision: this.revision,
        namespace: this.namespace,
        clusterDomain: istiod.clusterDomain,
        clusterId: istiod.clusterId,
        proxyResources: this.settings.proxyResources,
        trustDomain: meshOptions.trustDomain,
        holdApplicationUntilProxyStarts: meshOptions.defaultConfig?.holdApplicationUntilProxyStarts,
        variant: this.ctx.variant,
        cniProvider: cniSettings?.platform.provider,
      });
      // validate the injector options now, so mistakes fail at construction
      renderInjectorValues(this, injector());
      cp = new Istiod(this, 'Istiod', this.ctx, istiod, {
        mesh: () => this.meshConfig._toYaml(),
        meshNetworks: () => 'networks: {}',
        injectorConfig: () => renderInjectorConfig(this, injector()),
        injectorValues: () => renderInjectorValues(this, injector()),
        originalValues: () => originalValues(valuesInput()),
        mergedValues: () => mergedValues(valuesInput()),
      });
      this.istiodDeployment = cp.deployment;
      if (this.revision === undefined) this.defaultRevisionInjection().addInjector(cp.mutatingWebhookConfiguration);
    }
    if (props.defaultRevisionTag ?? (this.settings.istiod && this.revision === undefined)) {
      this.createTag('default', this.revision, 'defaultRevisionTag');
      this.implicitDefaultTag = props.defaultRevisionTag === undefined;
    }

    // the node agents, after the control plane they connect to
    if (cniSettings) this.cniDaemonSet = this.addCni(cniSettings).daemonSet;
    if (this.ambient) {
      this.ztunnelDaemonSet = new Ztunnel(this, 'Ztunnel', this.ctx, resolveZtunnel(this, props.ztunnel ?? {}, {
        image: `${this.hub}/ztunnel:${imageTag(this.ctx)}`,
        istiodAddress: `${this.istiodServiceName}.${this.namespace}.svc:15012`,
        clusterId: istiod.clusterId,
      }, props.components)).daemonSet;
    }

    const ingress = props.ingressGateway ?? {};
    if (ingress.enabled ?? this.settings.ingressGateway) {
      this.ingressGateway = this.addGateway(GatewayKind.INGRESS, 'istio-ingressgateway', ingress, true);
    }
    const egress = props.egressGateway ?? {};
    if (egress.enabled ?? this.settings.egressGateway) {
      this.egressGateway = this.addGateway(GatewayKind.EGRESS, 'istio-egressgateway', egress, true);
    }

    for (const tag of props.revisionTags ?? []) this.addRevisionTag(tag);
    (props.overlays ?? []).forEach((overlay, i) => applyOverlay(this, this, `overlays[${i}]`, overlay));
    this.node.addValidation({ validate: () => this.validateTags() });
  }

  /**
   * Patches one object this mesh writes (a Deployment, Service, ConfigMap, webhook...) with
   * JSON patches, for a field no typed option covers. The object must exist when this is
   * called: add gateways first. Throws naming the objects of that kind when none matches.
   *
   * @returns the patched object
   */
  public addOverlay(overlay: ObjectOverlay): ApiObject {
    return applyOverlay(this, this, 'addOverlay()', overlay);
  }

  /** Adds a backend for telemetry or CUSTOM authorization to the mesh config. */
  public addExtensionProvider(provider: ExtensionProvider): ExtensionProvider {
    return this.meshConfig.addExtensionProvider(provider);
  }

  /** Sets the providers Telemetry resources use when they name none (each kind once). */
  public useDefaultProviders(options: DefaultProvidersOptions): void {
    this.meshConfig.useDefaultProviders(options);
  }

  /**
   * Adds an ingress gateway connected to this control plane, e.g. an internal one next to
   * `istio-ingressgateway`. Names must be unique in the namespace.
   */
  public addIngressGateway(name: string, options: MeshGatewayOptions = {}): GatewayInstallation {
    return this.addGateway(GatewayKind.INGRESS, name, options, false);
  }

  /** Adds an egress gateway connected to this control plane. Names must be unique in the namespace. */
  public addEgressGateway(name: string, options: MeshGatewayOptions = {}): GatewayInstallation {
    return this.addGateway(GatewayKind.EGRESS, name, options, false);
  }

  /**
   * Creates an application namespace whose pods get sidecars from this control plane:
   * labelled `istio-injection=enabled` for the default revision, `istio.io/rev=<revision>`
   * for a revision, or `istio.io/rev=<tag>` with `revisionTag`.
   */
  public injectNamespace(name: string, options: NamespaceInjectionOptions = {}): ApiObject {
    validateDnsLabel(this, 'injectNamespace(name)', name);
    if (options.revisionTag !== undefined) {
      validateRevisionTag(this, 'injectNamespace.revisionTag', options.revisionTag);
      const tag = options.revisionTag;
      this.node.addValidation({
        validate: () => this.allTags().some(t => t.tag === tag) ? [] : [
          `${this.node.path}: injectNamespace(${JSON.stringify(name)}).revisionTag ${JSON.stringify(tag)} is invalid: `
          + 'no revision tag with this name exists; add it with addRevisionTag()',
        ],
      });
    }
    const labels = { ...options.labels, ...injectionLabels(options.revisionTag ?? this.revision) };
    validateLabels(this, `injectNamespace(${JSON.stringify(name)}).labels`, options.labels);
    const { created, value } = sharedSingleton(this, `namespace:${name}`, () =>
      createNamespace(this, `Namespace-${name}`, name, {
        labels,
        annotations: options.annotations,
        syncWave: this.ctx.syncWaves ? SyncWave.APPLICATION : undefined,
      }));
    if (!created) {
      fail(this, 'injectNamespace(name)', name, 'a Namespace with this name is already defined in this app');
    }
    return value as ApiObject;
  }

  /**
   * Creates an application namespace whose pods join the ambient data plane: labelled
   * `istio.io/dataplane-mode=ambient`, so istio-cni redirects their traffic to the node's
   * ztunnel (mTLS, L4 policy) without sidecars. Sidecar namespaces (`injectNamespace()`) and
   * ambient namespaces coexist. Requires ambient mode (`Profile.AMBIENT`, or `ztunnel`).
   */
  public enrollNamespace(name: string, options: AmbientNamespaceOptions = {}): ApiObject {
    validateDnsLabel(this, 'enrollNamespace(name)', name);
    this.requireAmbient(`enrollNamespace(${JSON.stringify(name)})`);
    validateLabels(this, `enrollNamespace(${JSON.stringify(name)}).labels`, options.labels);
    const { created, value } = sharedSingleton(this, `namespace:${name}`, () =>
      createNamespace(this, `Namespace-${name}`, name, {
        labels: { ...options.labels, [DATAPLANE_MODE_LABEL]: 'ambient' },
        annotations: options.annotations,
        syncWave: this.ctx.syncWaves ? SyncWave.APPLICATION : undefined,
      }));
    if (!created) {
      fail(this, 'enrollNamespace(name)', name, 'a Namespace with this name is already defined in this app');
    }
    return value as ApiObject;
  }

  /**
   * Enrolls one workload in ambient mode, whatever its namespace: labels its pods
   * `istio.io/dataplane-mode=ambient`. Requires ambient mode.
   */
  public enrollWorkload(workload: IPodWorkload): void {
    check(workload?.podMetadata !== undefined, this, 'enrollWorkload(workload)', workload, 'must be a workload such as a cdk8s-plus Deployment');
    this.requireAmbient(`enrollWorkload(${workload.node.path})`);
    this.setDataplaneMode(workload, 'ambient');
  }

  /**
   * Keeps one workload of an ambient namespace out of the ambient data plane: labels its pods
   * `istio.io/dataplane-mode=none`.
   */
  public excludeWorkload(workload: IPodWorkload): void {
    check(workload?.podMetadata !== undefined, this, 'excludeWorkload(workload)', workload, 'must be a workload such as a cdk8s-plus Deployment');
    this.setDataplaneMode(workload, 'none');
  }

  private setDataplaneMode(workload: IPodWorkload, mode: string): void {
    const existing = workload.podMetadata.getLabel(DATAPLANE_MODE_LABEL);
    check(existing === undefined || existing === mode, this, `${DATAPLANE_MODE_LABEL} of ${workload.node.path}`, mode,
      `the workload's pods are already labelled ${DATAPLANE_MODE_LABEL}=${existing}`);
    workload.podMetadata.addLabel(DATAPLANE_MODE_LABEL, mode);
  }

  private requireAmbient(field: string): void {
    if (!this.ambient) {
      fail(this, field, 'ambient', `this mesh does not run ambient mode (profile "${this.profile}"); use Profile.AMBIENT or ztunnel: { enabled: true }`);
    }
  }

  /**
   * Adds a revision tag: namespaces labelled `istio.io/rev=<tag>` get sidecars from
   * `revision`. During a canary upgrade, move `prod-stable` from the old revision to the new
   * one and restart the workloads. The revision must be one of the app's meshes.
   *
   * Writes what `istioctl tag set` does: the MutatingWebhookConfiguration
   * `istio-revision-tag-<tag>` and the Service `istiod-revision-tag-<tag>`; the `default` tag
   * also the ValidatingWebhookConfiguration `istiod-default-validator`.
   *
   * @param tag the tag name, e.g. `prod-stable`, or `default` to make a revision the default
   * @param revision the revision the tag points at; @default - this mesh's revision
   */
  public addRevisionTag(tag: string, revision?: string): void {
    validateRevisionTag(this, 'revisionTags[]', tag);
    if (revision !== undefined) validateRevision(this, `revisionTags[${tag}].revision`, revision);
    const target = revision ?? this.revision;
    if (target === undefined && tag === 'default') {
      fail(this, 'revisionTags[]', tag, 'a mesh without revision points the "default" tag at itself (see defaultRevisionTag); point the tag at a named revision');
    }
    this.createTag(tag, target, 'revisionTags[]');
  }

  private createTag(tag: string, target: string | undefined, field: string): void {
    const existing = this.allTags().find(t => t.tag === tag);
    if (existing) {
      const owner = existing.node.scope!.node.path;
      fail(this, field, tag, `must be unique in the app; this tag already points at revision "${existing.revision ?? 'default'}" (${owner})`
        + (tag === 'default' ? '; set defaultRevisionTag: false on the mesh that should not own it' : ''));
    }
    this.tags.push(new RevisionTag(this, `RevisionTag-${tag}`, { ...this.ctx, revision: target }, tag));
    if (tag === 'default') this.defaultRevisionInjection().tagDefault();
  }

  /**
   * The injection of the app's default revision. Once a `default` revision tag exists, the tag
   * injects for it, and `istioctl` deactivates the default revision's own webhooks (whichever of
   * the two is written first), so that no pod is injected twice.
   */
  private defaultRevisionInjection(): DefaultRevisionInjection {
    const root = this.node.root;
    let injection = DEFAULT_REVISION_INJECTION.get(root);
    if (!injection) {
      const injectors: ApiObject[] = [];
      let tagged = false;
      injection = {
        addInjector(webhooks: ApiObject) {
          injectors.push(webhooks);
          if (tagged) deactivateInjectionWebhooks(webhooks);
        },
        tagDefault() {
          if (!tagged) injectors.forEach(deactivateInjectionWebhooks);
          tagged = true;
        },
      };
      DEFAULT_REVISION_INJECTION.set(root, injection);
    }
    return injection;
  }

  private addGateway(kind: GatewayKind, name: string, options: MeshGatewayOptions, fromProfile: boolean): GatewayInstallation {
    const key = `gateway:${this.namespace}/${name}`;
    const field = kind === GatewayKind.INGRESS ? 'ingressGateways' : 'egressGateways';
    const { created } = sharedSingleton(this, key, () => this);
    if (!created || this.gateways.has(name)) {
      fail(this, `${field}[].name`, name, `must be unique in namespace "${this.namespace}"; a gateway with this name already exists`);
    }
    const profileDemo = this.profile === Profile.DEMO && fromProfile;
    const k8s = mergeComponentOptions(this.componentDefaults, options);
    const gateway = new GatewayInstallation(this, name, {
      ...k8s,
      kind,
      name,
      namespace: this.namespace,
      istioNamespace: this.namespace,
      revision: this.revision,
      hub: k8s.hub ?? this.hub,
      tag: k8s.tag ?? imageTag(this.ctx),
      ports: options.ports ?? (profileDemo && kind === GatewayKind.INGRESS ? DEMO_INGRESS_PORTS : undefined),
      serviceType: options.serviceType,
      scaling: options.scaling ?? (this.settings.gatewayAutoscale ? GatewayScaling.autoscale() : GatewayScaling.fixed()),
      podDisruptionBudget: options.podDisruptionBudget,
      resources: options.resources ?? this.settings.gatewayResources,
      serviceAnnotations: options.serviceAnnotations,
      labels: options.labels,
      selectorLabels: options.selectorLabels,
      externalTrafficPolicy: options.externalTrafficPolicy,
      loadBalancerSourceRanges: options.loadBalancerSourceRanges,
      env: options.env,
      trustDomain: this.trustDomain,
      clusterId: this.istiodSettings.clusterId,
      clusterDomain: this.istiodSettings.clusterDomain,
      networkPolicy: this.networkPolicy,
    });
    this.gateways.set(name, gateway);
    annotateSyncWave(this.ctx, gateway, SyncWave.GATEWAYS);
    return gateway;
  }

  private addCni(settings: IstioCniSettings): IstioCni {
    const { created, value } = sharedSingleton(this, 'istio-cni', () => new IstioCni(this, 'Cni', this.ctx, settings));
    if (!created) {
      fail(this, 'cni.enabled', true, `istio-cni is a cluster-wide node agent, already installed by ${value.node.scope!.node.path}; enable it on one mesh only`);
    }
    return value;
  }

  /** The mesh options with what the profile adds: HBONE for sidecars in ambient mode, the distroless image type. */
  private profileMeshOptions(o: MeshConfigOptions, distroless: boolean): MeshConfigOptions {
    if (!this.ambient && !distroless) return o;
    const proxy = o.defaultConfig ?? {};
    return {
      ...o,
      defaultConfig: {
        ...proxy,
        imageType: proxy.imageType ?? (distroless ? 'distroless' : undefined),
        proxyMetadata: this.ambient ? { ISTIO_META_ENABLE_HBONE: 'true', ...proxy.proxyMetadata } : proxy.proxyMetadata,
      },
    };
  }

  private profileProviders(): ExtensionProvider[] {
    return this.settings.extensionProviders.map(p => {
      switch (p.kind) {
        case 'envoyOtelAls': return ExtensionProvider.envoyOtelAls(p.name, { service: p.service, port: p.port });
        case 'skywalking': return ExtensionProvider.skyWalking(p.name, { service: p.service, port: p.port });
        default: return ExtensionProvider.openTelemetry(p.name, { service: p.service, port: p.port });
      }
    });
  }

  private resolveIstiod(o: IstiodOptions): IstiodSettings {
    const field = (f: string) => `istiod.${f}`;
    const autoscale = o.autoscalingEnabled ?? this.settings.autoscale;
    const a = o.autoscaling ?? {};
    const minReplicas = a.minReplicas ?? 1;
    const maxReplicas = a.maxReplicas ?? 5;
    validateInteger(this, field('autoscaling.minReplicas'), minReplicas, 1);
    validateInteger(this, field('autoscaling.maxReplicas'), maxReplicas, 1);
    check(maxReplicas >= minReplicas, this, field('autoscaling.maxReplicas'), maxReplicas, `must be at least minReplicas (${minReplicas})`);
    const targetCpu = a.targetCpuUtilization ?? 80;
    // a target above 100% is valid: it is relative to the request, and the limit may be higher
    validateInteger(this, field('autoscaling.targetCpuUtilization'), targetCpu, 1);
    if (o.autoscaling !== undefined && !autoscale) {
      fail(this, field('autoscaling'), o.autoscaling, 'autoscalingEnabled is false; remove autoscaling or enable it');
    }
    if (o.replicas !== undefined && autoscale) {
      fail(this, field('replicas'), o.replicas, 'istiod autoscales; set autoscalingEnabled: false for a fixed replica count');
    }
    const replicas = o.replicas ?? 1;
    validateInteger(this, field('replicas'), replicas, 1);
    validateComputeResources(this, field('resources'), o.resources);
    validateComponentOptions(this, 'istiod', o);
    validateLabels(this, field('nodeSelector'), o.nodeSelector);
    validateLabels(this, field('podLabels'), o.podLabels);
    for (const name of Object.keys(o.env ?? {})) {
      check(ENV_NAME.test(name), this, field('env'), name, 'an environment variable name is letters, digits, "_", "-" and ".", not starting with a digit');
    }
    validatePercentage(this, field('traceSampling'), o.traceSampling);
    validateResourceName(this, field('priorityClassName'), o.priorityClassName);
    if (o.clusterDomain !== undefined) {
      check(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(o.clusterDomain), this, field('clusterDomain'),
        o.clusterDomain, 'must be a DNS domain such as "cluster.local"');
    }
    if (o.logLevel !== undefined) {
      check(/^[a-z-]+:(debug|info|warn|error|none)(,[a-z-]+:(debug|info|warn|error|none))*$/.test(o.logLevel), this, field('logLevel'),
        o.logLevel, 'must be comma-separated scope:level pairs, e.g. "default:info,ads:debug"');
    }
    return {
      autoscale,
      minReplicas,
      maxReplicas,
      targetCpu,
      replicas,
      resources: o.resources ?? this.settings.istiodResources,
      pdb: o.podDisruptionBudget ?? true,
      nodeSelector: o.nodeSelector,
      tolerations: o.tolerations ?? [],
      env: { ...(this.ambient ? { PILOT_ENABLE_AMBIENT: 'true' } : {}), ...o.env },
      traceSampling: o.traceSampling ?? this.settings.traceSampling,
      logLevel: o.logLevel ?? 'default:info',
      clusterDomain: o.clusterDomain ?? 'cluster.local',
      clusterId: o.clusterId ?? 'Kubernetes',
      priorityClassName: o.priorityClassName,
      podAnnotations: { ...o.podAnnotations },
      podLabels: { ...o.podLabels },
      prometheusMerge: true,
      k8s: o,
      networkPolicy: this.networkPolicy,
    };
  }

  private allMeshes(): IstioMesh[] {
    return this.node.root.node.findAll().filter((c): c is IstioMesh => c instanceof IstioMesh);
  }

  private allTags(): RevisionTag[] {
    return this.allMeshes().flatMap(m => m.tags);
  }

  private validateTags(): string[] {
    const meshes = this.allMeshes().filter(m => m.namespace === this.namespace && m.settings.istiod);
    const revisions = new Set(meshes.map(m => m.revision ?? 'default'));
    const errors: string[] = [];
    for (const t of this.tags) {
      const target = t.revision ?? 'default';
      if (!revisions.has(target)) {
        errors.push(`revisionTags[${JSON.stringify(t.tag)}].revision ${JSON.stringify(target)} is invalid: no control plane of this app `
          + `in namespace "${this.namespace}" has this revision; known revisions: ${[...revisions].map(r => JSON.stringify(r)).join(', ') || 'none'}`);
      }
      if (t.tag !== 'default' && revisions.has(t.tag)) {
        errors.push(`revisionTags[] ${JSON.stringify(t.tag)} is invalid: a revision has the same name; a tag must differ from every revision`);
      }
    }
    return errors;
  }
}

const DEMO_INGRESS_PORTS: GatewayInstallationPort[] = [
  { name: 'status-port', port: 15021, targetPort: 15021 },
  { name: 'http2', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
  { name: 'tcp', port: 31400, targetPort: 31400 },
  { name: 'tls', port: 15443, targetPort: 15443 },
];
