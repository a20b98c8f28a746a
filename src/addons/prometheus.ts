import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { AddonOptions, AddonStorage, ObservabilityAddon } from './addon';
import {
  NO_SIDECAR, addonLabels, httpProbe, imageTag, kubeObject, renderPrometheusDuration, renderQuantity,
  renderResources, restrictedContainer, toYaml, validateImage,
} from './common';
import {
  ScrapeJob, annotatedPodsJob, envoyStatsJob, istiodJob, renderPrometheusConfig, selfJob, slowAnnotatedPodsJob, staticJob,
} from './prometheus-scrape';
import { assertUnique, check, validateDnsLabel } from '../core/validation';

const PROMETHEUS_IMAGE = 'docker.io/prom/prometheus:v3.10.0';
const PROMETHEUS_CONFIG_RELOADER_IMAGE = 'ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0';

const NAME = 'prometheus';
const PORT = 9090;
const RELOADER_PORT = 8080;
const NOBODY = 65534;

/**
 * Options of the Prometheus addon.
 */
export interface PrometheusOptions extends AddonOptions {
  /**
   * How long samples are kept.
   *
   * @default Duration.days(15)
   */
  readonly retention?: Duration;

  /**
   * The most disk the time series database may use; the oldest blocks go first.
   *
   * @default - no size limit, only `retention`
   */
  readonly retentionSize?: Size;

  /**
   * Where the time series database lives.
   *
   * @default AddonStorage.ephemeral()
   */
  readonly storage?: AddonStorage;

  /**
   * How often targets are scraped.
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;

  /**
   * How long a scrape may take; at most `scrapeInterval`.
   *
   * @default Duration.seconds(10)
   */
  readonly scrapeTimeout?: Duration;

  /**
   * The namespace istiod runs in (the `istiod` scrape job looks there).
   *
   * @default - the addon's namespace
   */
  readonly istioNamespace?: string;

  /**
   * Also scrape Envoy's own stats port (15090) on every sidecar and gateway. Only needed when
   * the mesh turns Prometheus metrics merging (`enablePrometheusMerge`) off; with merging on
   * (Istio's default) the annotated pods job already collects them.
   *
   * @default false
   */
  readonly scrapeEnvoyStatsPort?: boolean;

  /**
   * Expose Prometheus's lifecycle API (`--web.enable-lifecycle`): `POST /-/reload` and
   * `POST /-/quit`, which anyone who reaches port 9090 may call (upstream's samples turn it on).
   * Off by default: the config reloader then reloads Prometheus with SIGHUP, through the pod's
   * shared process namespace, instead of over HTTP.
   *
   * @default false
   */
  readonly enableLifecycleApi?: boolean;

  /**
   * The config reloader sidecar image.
   *
   * @default Prometheus.DEFAULT_CONFIG_RELOADER_IMAGE
   */
  readonly configReloaderImage?: string;
}

/**
 * Properties of the Prometheus addon.
 */
export interface PrometheusProps extends PrometheusOptions {
  /**
   * The namespace to run in.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Options of an additional static scrape job.
 */
export interface StaticScrapeJobOptions {
  /**
   * The path of the metrics endpoint.
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;

  /**
   * How often the targets are scraped.
   *
   * @default - the global scrape interval
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Prometheus, set up to collect the mesh's metrics: istiod (`pilot_*`), every gateway and
 * sidecar (the `istio_*` standard metrics and Envoy stats merged with the application's own
 * metrics through the `prometheus.io/*` annotations), and any annotated workload (every 5
 * minutes with `prometheus.io/scrape_slow: "true"`). Services are not scraped by annotation:
 * annotate their pods.
 *
 * Creates the ServiceAccount, ClusterRole and binding for Kubernetes service discovery, the
 * `prometheus` ConfigMap, a Deployment (with a config reloader) and the `prometheus` Service on
 * port 9090.
 *
 * Default resources: requests 100m CPU and 512Mi memory, limit 2Gi memory (the config
 * reloader: 10m CPU, 32Mi memory, limit 64Mi).
 */
export class Prometheus extends ObservabilityAddon {
  /** Prometheus image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_IMAGE: string = PROMETHEUS_IMAGE;

  /** Config reloader image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_CONFIG_RELOADER_IMAGE: string = PROMETHEUS_CONFIG_RELOADER_IMAGE;

  public readonly serviceName: string = NAME;
  public readonly port: number = PORT;

  /** The Prometheus image. */
  public readonly image: string;
  /** How long samples are kept. */
  public readonly retention: Duration;
  /** How often targets are scraped. */
  public readonly scrapeInterval: Duration;

  /** The Deployment, for escape hatches. */
  public readonly deployment: ApiObject;

  private readonly jobs: ScrapeJob[] = [];
  private readonly props: PrometheusProps;

  public constructor(scope: Construct, id: string, props: PrometheusProps = {}) {
    super(scope, id, props.namespace);
    this.props = props;
    this.image = props.image ?? PROMETHEUS_IMAGE;
    this.retention = props.retention ?? Duration.days(15);
    validateImage(this, 'image', props.image);
    validateImage(this, 'configReloaderImage', props.configReloaderImage);
    validateDnsLabel(this, 'istioNamespace', props.istioNamespace);
    props.storage?._validate(this, 'storage');
    check(this.retention.toMilliseconds() >= 60_000 && this.retention.toMilliseconds() % 1000 === 0, this, 'retention', this.retention,
      'must be a whole number of seconds, at least one minute');
    const interval = props.scrapeInterval ?? Duration.seconds(15);
    this.scrapeInterval = interval;
    const timeout = props.scrapeTimeout ?? Duration.millis(Math.min(10_000, interval.toMilliseconds()));
    check(interval.toMilliseconds() >= 1000, this, 'scrapeInterval', interval, 'must be at least 1s');
    check(timeout.toMilliseconds() >= 1 && timeout.toMilliseconds() <= interval.toMilliseconds(), this, 'scrapeTimeout', timeout,
      `must be positive and at most the scrape interval (${interval.toHumanString()})`);

    this.jobs.push(selfJob(PORT), istiodJob(props.istioNamespace ?? this.namespace), annotatedPodsJob(), slowAnnotatedPodsJob());
    if (props.scrapeEnvoyStatsPort) this.jobs.push(envoyStatsJob());

    const labels = addonLabels(NAME, imageTag(this.image));
    const metadata = { name: NAME, namespace: this.namespace, labels };
    const clusterName = `${NAME}-${this.namespace}`;

    kubeObject(this, 'ServiceAccount', 'v1', 'ServiceAccount', metadata, {});
    kubeObject(this, 'ClusterRole', 'rbac.authorization.k8s.io/v1', 'ClusterRole', { name: clusterName, labels }, {
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    });
    kubeObject(this, 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', { name: clusterName, labels }, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: this.namespace }],
    });
    kubeObject(this, 'ConfigMap', 'v1', 'ConfigMap', metadata, {
      data: {
        // Rendered at synth time so that jobs added later land in the file.
        'prometheus.yml': Lazy.any({ produce: () => this.renderConfig() }),
      },
    });

    const storage = props.storage ?? AddonStorage.ephemeral();
    if (storage.isPersistent) {
      kubeObject(this, 'Storage', 'v1', 'PersistentVolumeClaim', metadata, { spec: storage._claimSpec() });
    }

    const lifecycle = props.enableLifecycleApi ?? false;
    const args = [
      '--config.file=/etc/config/prometheus.yml',
      '--storage.tsdb.path=/data',
      `--storage.tsdb.retention.time=${renderPrometheusDuration(this.retention)}`,
      ...(props.retentionSize ? [`--storage.tsdb.retention.size=${prometheusBytes(props.retentionSize)}`] : []),
      ...(lifecycle ? ['--web.enable-lifecycle'] : []),
    ];
    // Without the lifecycle API, the reloader finds the prometheus process in the shared
    // process namespace and sends it SIGHUP (both run as the same user).
    const reload = lifecycle
      ? [`--reload-url=http://127.0.0.1:${PORT}/-/reload`]
      : ['--reload-method=signal', '--process-executable-name=prometheus', `--runtimeinfo-url=http://127.0.0.1:${PORT}/api/v1/status/runtimeinfo`];

    this.deployment = kubeObject(this, 'Deployment', 'apps/v1', 'Deployment', metadata, {
      spec: {
        replicas: 1,
        // A single TSDB writer: never run two pods on the same volume.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: { labels: { ...labels, ...NO_SIDECAR } },
          spec: {
            serviceAccountName: NAME,
            automountServiceAccountToken: true,
            ...(lifecycle ? {} : { shareProcessNamespace: true }),
            securityContext: { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY, fsGroup: NOBODY },
            terminationGracePeriodSeconds: 300,
            containers: [
              {
                name: 'prometheus-server',
                image: this.image,
                args,
                ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
                readinessProbe: httpProbe('/-/ready', PORT, { periodSeconds: 5, timeoutSeconds: 4 }),
                livenessProbe: httpProbe('/-/healthy', PORT, { initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 10 }),
                resources: renderResources(props.resources) ?? { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
                securityContext: restrictedContainer(NOBODY, true),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/config', readOnly: true },
                  { name: 'data', mountPath: '/data' },
                ],
              },
              {
                name: 'config-reloader',
                image: props.configReloaderImage ?? PROMETHEUS_CONFIG_RELOADER_IMAGE,
                args: [
                  '--watched-dir=/etc/config',
                  `--listen-address=0.0.0.0:${RELOADER_PORT}`,
                  ...reload,
                ],
                ports: [{ name: 'reloader', containerPort: RELOADER_PORT, protocol: 'TCP' }],
                livenessProbe: httpProbe('/healthz', 'reloader', { initialDelaySeconds: 2, periodSeconds: 10 }),
                readinessProbe: httpProbe('/healthz', 'reloader', { periodSeconds: 10 }),
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
                securityContext: restrictedContainer(NOBODY, true),
                volumeMounts: [{ name: 'config', mountPath: '/etc/config', readOnly: true }],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              storage._podVolume('data', NAME),
            ],
          },
        },
      },
    });

    kubeObject(this, 'Service', 'v1', 'Service', metadata, {
      spec: {
        type: 'ClusterIP',
        selector: { app: NAME },
        ports: [{ name: 'http', port: PORT, targetPort: PORT, protocol: 'TCP' }],
      },
    });
  }

  /**
   * Adds a scrape job for fixed `host:port` targets, e.g. a database exporter outside the mesh.
   */
  public addStaticScrapeJob(name: string, targets: string[], options: StaticScrapeJobOptions = {}): void {
    validateDnsLabel(this, `scrapeJobs[${JSON.stringify(name)}].name`, name);
    check(targets.length > 0, this, `scrapeJobs[${JSON.stringify(name)}].targets`, targets, 'must list at least one "host:port" target');
    targets.forEach((t, i) => check(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(t), this, `scrapeJobs[${JSON.stringify(name)}].targets[${i}]`, t,
      'must have the form "host:port"'));
    if (options.metricsPath !== undefined) {
      check(options.metricsPath.startsWith('/'), this, `scrapeJobs[${JSON.stringify(name)}].metricsPath`, options.metricsPath, 'must start with "/"');
    }
    const job = staticJob(name, [...targets], options.metricsPath,
      options.scrapeInterval ? renderPrometheusDuration(options.scrapeInterval) : undefined);
    assertUnique(this, 'scrapeJobs', [...this.jobs, job], j => j.jobName);
    this.jobs.push(job);
  }

  /** The names of the scrape jobs, in order. */
  public get scrapeJobNames(): string[] {
    return this.jobs.map(j => j.jobName);
  }

  private renderConfig(): string {
    const interval = this.props.scrapeInterval ?? Duration.seconds(15);
    const timeout = this.props.scrapeTimeout ?? Duration.millis(Math.min(10_000, interval.toMilliseconds()));
    return toYaml(renderPrometheusConfig({
      scrapeInterval: renderPrometheusDuration(interval),
      scrapeTimeout: renderPrometheusDuration(timeout),
      evaluationInterval: '1m',
      jobs: this.jobs,
    }));
  }
}

/** A Size as Prometheus' byte units (`10GB` style, binary multiples as Prometheus reads them). */
function prometheusBytes(size: Size): string {
  const q = renderQuantity(size);
  // Prometheus reads KB/MB/GB as powers of 1024.
  return q.replace(/Ki$/, 'KB').replace(/Mi$/, 'MB').replace(/Gi$/, 'GB');
}
