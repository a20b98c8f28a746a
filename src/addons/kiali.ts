import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AddonOptions, ObservabilityAddon } from './addon';
import {
  NO_SIDECAR, addonLabels, assertInstalled, httpProbe, imageTag, kubeObject, renderResources,
  restrictedContainer, serviceUrl, toYaml, validateExternalUrl, validateImage, validateReplicas,
} from './common';
import { Grafana } from './grafana';
import { Jaeger } from './jaeger';
import { Prometheus } from './prometheus';
import { check, fail, validateDnsLabel } from '../core/validation';

const KIALI_IMAGE = 'quay.io/kiali/kiali:v2.26';

const NAME = 'kiali';
const PORT = 20001;
const METRICS_PORT = 9090;
const KIALI_UID = 1000;
/** The Secret (key `key`) holding the session signing key, and where Kiali reads it from. */
const SIGNING_KEY_SECRET = 'kiali-signing-key';
const SIGNING_KEY_DIR = '/kiali-override-secrets/login-token-signing-key';

/** How Kiali authenticates its users (Kiali's `auth.strategy`). */
export enum KialiAuthStrategy {
  /** No login; everyone acts with Kiali's own service account. */
  ANONYMOUS = 'anonymous',
  /** Log in with a Kubernetes service account token; Kubernetes RBAC applies. */
  TOKEN = 'token',
  /** Log in through an OpenID Connect provider. */
  OPENID = 'openid',
  /** A reverse proxy in front of Kiali sends the user's token in the Authorization header. */
  HEADER = 'header',
}

/** Options of OpenID Connect login. */
export interface KialiOpenIdOptions {
  /** The issuer URL of the provider, e.g. `https://accounts.example.com`. */
  readonly issuerUri: string;
  /** The client id registered with the provider. The secret goes in the `kiali` Secret, key `oidc-secret`. */
  readonly clientId: string;
  /**
   * The claim holding the user name.
   *
   * @default 'sub'
   */
  readonly usernameClaim?: string;
  /**
   * The scopes to request.
   *
   * @default ['openid', 'profile', 'email']
   */
  readonly scopes?: string[];
  /**
   * Skip Kubernetes RBAC for OpenID users (they act with Kiali's service account).
   *
   * @default false
   */
  readonly disableRbac?: boolean;
}

/**
 * How users log in to Kiali.
 *
 * Every strategy but `anonymous` signs its session tokens with the key in the Secret
 * `kiali-signing-key` (key `key`, 16, 24 or 32 characters), which you create.
 */
export class KialiAuth {
  /** No login, as the seeds' `istioctl dashboard kiali` setup. */
  public static anonymous(): KialiAuth {
    return new KialiAuth(KialiAuthStrategy.ANONYMOUS);
  }

  /** A Kubernetes service account token. */
  public static token(): KialiAuth {
    return new KialiAuth(KialiAuthStrategy.TOKEN);
  }

  /** A token a reverse proxy puts in the Authorization header. */
  public static header(): KialiAuth {
    return new KialiAuth(KialiAuthStrategy.HEADER);
  }

  /** OpenID Connect. */
  public static openId(options: KialiOpenIdOptions): KialiAuth {
    return new KialiAuth(KialiAuthStrategy.OPENID, options);
  }

  /**
   * A strategy by name, e.g. from a config file: `anonymous`, `token` or `header`
   * (use `openId()` for OpenID Connect, which needs options).
   */
  public static fromStrategyName(strategy: string): KialiAuth {
    const simple = [KialiAuthStrategy.ANONYMOUS, KialiAuthStrategy.TOKEN, KialiAuthStrategy.HEADER] as string[];
    if (!simple.includes(strategy)) {
      fail(undefined, 'auth.strategy', strategy, strategy === KialiAuthStrategy.OPENID
        ? 'openid needs options: use KialiAuth.openId({ issuerUri, clientId })'
        : `must be one of ${Object.values(KialiAuthStrategy).join(', ')}`);
    }
    return new KialiAuth(strategy as KialiAuthStrategy);
  }

  private constructor(
    /** The strategy. */
    public readonly strategy: KialiAuthStrategy,
    /** OpenID options, for `openid`. */
    public readonly openIdOptions?: KialiOpenIdOptions,
  ) {}

  /** @internal */
  public _bind(scope: IConstruct): any {
    check(Object.values(KialiAuthStrategy).includes(this.strategy), scope, 'auth.strategy', this.strategy,
      `must be one of ${Object.values(KialiAuthStrategy).join(', ')}`);
    const o = this.openIdOptions;
    if (this.strategy !== KialiAuthStrategy.OPENID) return { strategy: this.strategy };
    check(!!o && /^https:\/\/\S+$/.test(o.issuerUri), scope, 'auth.openid.issuerUri', o?.issuerUri, 'must be an https URL');
    check(!!o && o.clientId.trim() !== '', scope, 'auth.openid.clientId', o?.clientId, 'must be non-empty');
    return {
      strategy: this.strategy,
      openid: {
        issuer_uri: o!.issuerUri,
        client_id: o!.clientId,
        username_claim: o!.usernameClaim ?? 'sub',
        scopes: o!.scopes ?? ['openid', 'profile', 'email'],
        disable_rbac: o!.disableRbac ?? false,
      },
    };
  }
}

/**
 * Options of the Kiali addon.
 */
export interface KialiOptions extends AddonOptions {
  /**
   * How users log in.
   *
   * @default KialiAuth.anonymous()
   */
  readonly auth?: KialiAuth;

  /**
   * The path Kiali serves its UI and API under.
   *
   * @default '/kiali'
   */
  readonly webRoot?: string;

  /**
   * Number of Kiali pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Hide every action that changes the mesh (Kiali gets read-only RBAC).
   *
   * With anonymous login anyone who reaches Kiali acts with its service account, so it is
   * view-only unless you turn this off explicitly.
   *
   * @default - true with `KialiAuth.anonymous()`, false with a login
   */
  readonly viewOnly?: boolean;

  /**
   * The namespace istiod runs in (Kiali's `istio_namespace` and the mesh root namespace).
   *
   * @default - the addon's namespace
   */
  readonly istioNamespace?: string;

  /**
   * The URL browsers reach Kiali at.
   *
   * @default - the in-cluster URL
   */
  readonly externalUrl?: string;
}

/**
 * Properties of the Kiali addon.
 */
export interface KialiProps extends KialiOptions {
  /** The Prometheus Kiali reads the mesh's metrics from. */
  readonly prometheus: Prometheus;

  /**
   * The Grafana Kiali links dashboards to.
   *
   * @default - no Grafana links
   */
  readonly grafana?: Grafana;

  /**
   * The Jaeger Kiali reads traces from.
   *
   * @default - no traces in Kiali
   */
  readonly tracing?: Jaeger;

  /**
   * The namespace to run in.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Kiali, the mesh console, reading this install's Prometheus, Grafana and Jaeger.
 * ServiceAccount, ClusterRole and binding, the `kiali` ConfigMap, a Deployment and the `kiali`
 * Service on port 20001 (UI under `/kiali`) and 9090 (Kiali's own metrics).
 *
 * Default resources: requests 10m CPU and 64Mi memory, limit 1Gi memory.
 */
export class Kiali extends ObservabilityAddon {
  /** Kiali image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_IMAGE: string = KIALI_IMAGE;

  public readonly serviceName: string = NAME;
  public readonly port: number = PORT;

  /** The Kiali image. */
  public readonly image: string;
  /** The login strategy. */
  public readonly auth: KialiAuth;
  /** The path of the UI. */
  public readonly webRoot: string;
  /** The URL browsers reach Kiali at, if given. */
  public readonly externalUrl?: string;
  /** The Deployment, for escape hatches. */
  public readonly deployment: ApiObject;

  public constructor(scope: Construct, id: string, props: KialiProps) {
    super(scope, id, props.namespace);
    if (!props.prometheus) fail(this, 'prometheus', props.prometheus, 'Kiali needs the Prometheus addon it reads the mesh metrics from');
    assertInstalled(this, 'prometheus', props.prometheus);
    assertInstalled(this, 'grafana', props.grafana);
    assertInstalled(this, 'tracing', props.tracing);
    if (props.grafana && props.grafana.prometheus !== props.prometheus) {
      fail(this, 'grafana', props.grafana.node.path,
        `reads from the Prometheus at ${props.grafana.prometheus.node.path}, not Kiali's ${props.prometheus.node.path}; give both the same Prometheus`);
    }
    this.image = props.image ?? KIALI_IMAGE;
    validateImage(this, 'image', props.image);
    validateReplicas(this, 'replicas', props.replicas);
    validateDnsLabel(this, 'istioNamespace', props.istioNamespace);
    this.webRoot = props.webRoot ?? '/kiali';
    check(/^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/.test(this.webRoot), this, 'webRoot', this.webRoot,
      'must be "/" or a path such as "/kiali" (leading "/", no trailing "/")');
    validateExternalUrl(this, 'externalUrl', props.externalUrl);
    this.externalUrl = props.externalUrl;
    this.auth = props.auth ?? KialiAuth.anonymous();
    const auth = this.auth._bind(this);
    const istioNamespace = props.istioNamespace ?? this.namespace;
    const viewOnly = props.viewOnly ?? auth.strategy === KialiAuthStrategy.ANONYMOUS;

    const labels = addonLabels(NAME, imageTag(this.image));
    const metadata = { name: NAME, namespace: this.namespace, labels };
    const clusterName = `${NAME}-${this.namespace}`;

    kubeObject(this, 'ServiceAccount', 'v1', 'ServiceAccount', metadata, {});
    kubeObject(this, 'ClusterRole', 'rbac.authorization.k8s.io/v1', 'ClusterRole', { name: clusterName, labels }, { rules: kialiRules(viewOnly) });
    kubeObject(this, 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { name: clusterName, labels }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: this.namespace }],
    });

    const grafana = props.grafana;
    const tracing = props.tracing;
    const config = {
      auth,
      deployment: {
        namespace: this.namespace,
        instance_name: NAME,
        cluster_wide_access: true,
        view_only_mode: viewOnly,
      },
      istio_namespace: istioNamespace,
      external_services: {
        custom_dashboards: { enabled: true },
        istio: { root_namespace: istioNamespace },
        prometheus: { url: props.prometheus.url },
        grafana: grafana
          ? {
            enabled: true,
            internal_url: grafana.url,
            external_url: grafana.externalUrl ?? grafana.url,
            dashboards: grafana.dashboards.map(d => kialiDashboardLink(d.title, d.variableNames)),
          }
          : { enabled: false },
        tracing: tracing
          ? {
            enabled: true,
            provider: 'jaeger',
            internal_url: tracing.queryGrpcUrl,
            use_grpc: true,
            external_url: tracing.externalUrl ?? tracing.url,
          }
          : { enabled: false },
      },
      server: {
        port: PORT,
        web_root: this.webRoot,
        ...webAddress(props.externalUrl),
        observability: { metrics: { enabled: true, port: METRICS_PORT } },
      },
    };
    kubeObject(this, 'ConfigMap', 'v1', 'ConfigMap', metadata, { data: { 'config.yaml': toYaml(config) } });

    const health = `${this.webRoot === '/' ? '' : this.webRoot}/healthz`;
    const signed = auth.strategy !== KialiAuthStrategy.ANONYMOUS;
    this.deployment = kubeObject(this, 'Deployment', 'apps/v1', 'Deployment', metadata, {
      spec: {
        replicas: props.replicas ?? 1,
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: {
            labels: { ...labels, ...NO_SIDECAR },
            annotations: {
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(METRICS_PORT),
              'kiali.io/dashboards': 'go,kiali',
            },
          },
          spec: {
            serviceAccountName: NAME,
            automountServiceAccountToken: true,
            securityContext: { runAsNonRoot: true, runAsUser: KIALI_UID, runAsGroup: KIALI_UID },
            containers: [{
              name: NAME,
              image: this.image,
              command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
              ports: [
                { name: 'api-port', containerPort: PORT, protocol: 'TCP' },
                { name: 'http-metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
              ],
              env: [
                { name: 'ACTIVE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'LOG_LEVEL', value: 'info' },
              ],
              readinessProbe: httpProbe(health, 'api-port', { initialDelaySeconds: 5, periodSeconds: 30 }),
              livenessProbe: httpProbe(health, 'api-port', { initialDelaySeconds: 5, periodSeconds: 30 }),
              startupProbe: httpProbe(health, 'api-port', { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 }),
              resources: renderResources(props.resources) ?? { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '1Gi' } },
              securityContext: restrictedContainer(KIALI_UID, true),
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [
                { name: 'config', mountPath: '/kiali-configuration', readOnly: true },
                { name: 'secret', mountPath: '/kiali-secret', readOnly: true },
                // Kiali 2 reads the session signing key only from its config or this file, not from the environment.
                ...(signed ? [{ name: 'signing-key', mountPath: SIGNING_KEY_DIR, readOnly: true }] : []),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              { name: 'secret', secret: { secretName: NAME, optional: true } },
              ...(signed ? [{ name: 'signing-key', secret: { secretName: SIGNING_KEY_SECRET, items: [{ key: 'key', path: 'value.txt' }] } }] : []),
            ],
          },
        },
      },
    });

    kubeObject(this, 'Service', 'v1', 'Service', metadata, {
      spec: {
        type: 'ClusterIP',
        selector: { app: NAME },
        ports: [
          { name: 'http', port: PORT, targetPort: PORT, protocol: 'TCP', appProtocol: 'http' },
          { name: 'http-metrics', port: METRICS_PORT, targetPort: METRICS_PORT, protocol: 'TCP', appProtocol: 'http' },
        ],
      },
    });
  }

  /** The in-cluster URL of the UI: `http://kiali.istio-system:20001/kiali`. */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespace, this.port, this.webRoot === '/' ? '' : this.webRoot);
  }
}

/** Kiali's `web_fqdn`, `web_port` and `web_schema`, which it builds redirects and links from. */
function webAddress(externalUrl: string | undefined): any {
  if (!externalUrl) return {};
  const url = new URL(externalUrl);
  const schema = url.protocol.replace(':', '');
  return { web_fqdn: url.hostname, web_port: url.port || (schema === 'https' ? '443' : '80'), web_schema: schema };
}

/** A `grafana.dashboards` entry: the dashboard title and the variables Kiali fills in from the page it links from. */
function kialiDashboardLink(title: string, variableNames: string[]): any {
  const known = variableNames.filter(v => ['namespace', 'service', 'workload', 'app', 'version'].includes(v));
  return known.length > 0 ? { name: title, variables: Object.fromEntries(known.map(v => [v, `var-${v}`])) } : { name: title };
}

/** What Kiali may read (and, unless view-only, change) across the cluster. */
function kialiRules(viewOnly: boolean): any[] {
  const read = ['get', 'list', 'watch'];
  const readPatch = viewOnly ? read : [...read, 'patch'];
  return [
    { apiGroups: [''], resources: ['configmaps', 'endpoints', 'pods/log'], verbs: read },
    { apiGroups: [''], resources: ['namespaces', 'pods', 'replicationcontrollers', 'services'], verbs: readPatch },
    // Kiali reads istiod's debug endpoints and the proxies' config dumps through port-forwarding,
    // also in view-only mode (Kiali's viewer role grants it too).
    { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'post'] },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: readPatch },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: readPatch },
    {
      apiGroups: ['networking.istio.io', 'security.istio.io', 'extensions.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io', 'inference.networking.k8s.io'],
      resources: ['*'],
      verbs: viewOnly ? read : [...read, 'create', 'delete', 'patch'],
    },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: read },
  ];
}
