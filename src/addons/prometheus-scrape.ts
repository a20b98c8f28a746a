/**
 * A typed model of the parts of `prometheus.yml` the Prometheus addon writes, and the scrape
 * jobs an Istio mesh needs. Internal: the Prometheus construct renders it.
 */

/** A `relabel_configs` entry. */
export interface RelabelRule {
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop';
  readonly sourceLabels?: string[];
  readonly regex?: string;
  readonly targetLabel?: string;
  readonly replacement?: string;
  readonly separator?: string;
}

/** Kubernetes service discovery roles. */
export type DiscoveryRole = 'pod' | 'endpointslice' | 'service' | 'node';

/** A `scrape_configs` entry. */
export interface ScrapeJob {
  readonly jobName: string;
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
  readonly metricsPath?: string;
  readonly scheme?: 'http' | 'https';
  readonly honorLabels?: boolean;
  readonly staticTargets?: string[];
  readonly discovery?: { readonly role: DiscoveryRole; readonly namespaces?: string[] };
  readonly relabel?: RelabelRule[];
}

/** The `global` section and the jobs. */
export interface PrometheusConfig {
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly evaluationInterval: string;
  readonly jobs: ScrapeJob[];
}

/** Renders the model with Prometheus' snake_case keys. */
export function renderPrometheusConfig(config: PrometheusConfig): any {
  return {
    global: {
      scrape_interval: config.scrapeInterval,
      scrape_timeout: config.scrapeTimeout,
      evaluation_interval: config.evaluationInterval,
    },
    scrape_configs: config.jobs.map(renderJob),
  };
}

function renderJob(job: ScrapeJob): any {
  return {
    job_name: job.jobName,
    scrape_interval: job.scrapeInterval,
    scrape_timeout: job.scrapeTimeout,
    metrics_path: job.metricsPath,
    scheme: job.scheme,
    honor_labels: job.honorLabels,
    static_configs: job.staticTargets ? [{ targets: job.staticTargets }] : undefined,
    kubernetes_sd_configs: job.discovery
      ? [{ role: job.discovery.role, namespaces: job.discovery.namespaces ? { names: job.discovery.namespaces } : undefined }]
      : undefined,
    relabel_configs: job.relabel?.map(r => ({
      action: r.action,
      source_labels: r.sourceLabels,
      separator: r.separator,
      regex: r.regex,
      target_label: r.targetLabel,
      replacement: r.replacement,
    })),
  };
}

const POD_ANNOTATION = '__meta_kubernetes_pod_annotation_prometheus_io_';

/** Relabelling that turns pod discovery metadata into the usual `namespace`/`pod` labels. */
function podIdentity(): RelabelRule[] {
  return [
    { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
    { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
    { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
    { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' },
  ];
}

/** Prometheus scraping itself. */
export function selfJob(port: number): ScrapeJob {
  return { jobName: 'prometheus', staticTargets: [`localhost:${port}`] };
}

/**
 * istiod's monitoring port (15014, named `http-monitoring` on the `istiod` Service): the
 * `pilot_*`, `citadel_*`, `galley_*` and Go runtime metrics of the control plane.
 */
export function istiodJob(istioNamespace: string): ScrapeJob {
  return {
    jobName: 'istiod',
    discovery: { role: 'endpointslice', namespaces: [istioNamespace] },
    relabel: [
      {
        action: 'keep',
        sourceLabels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: 'istiod(-.+)?;http-monitoring',
      },
      { sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
      { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
      { sourceLabels: ['__meta_kubernetes_pod_label_app'], targetLabel: 'app' },
    ],
  };
}

/**
 * Every pod that opts in with the `prometheus.io/scrape: "true"` annotation, at the port, path
 * and scheme of its `prometheus.io/*` annotations. The sidecar injector annotates every injected
 * pod and gateway this way (port 15020, `/stats/prometheus`), where the agent serves Envoy's
 * `istio_*` and `envoy_*` statistics merged with the application's own metrics. istiod is left
 * to its own job.
 */
export function annotatedPodsJob(): ScrapeJob {
  return {
    jobName: 'kubernetes-pods',
    honorLabels: true,
    discovery: { role: 'pod' },
    relabel: [
      { action: 'keep', sourceLabels: [`${POD_ANNOTATION}scrape`], regex: 'true' },
      // Pods that ask for slow scraping belong to the kubernetes-pods-slow job only.
      { action: 'drop', sourceLabels: [`${POD_ANNOTATION}scrape_slow`], regex: 'true' },
      ...annotatedPodTarget(),
    ],
  };
}

/**
 * Pods annotated `prometheus.io/scrape_slow: "true"`, scraped every 5 minutes (30s timeout)
 * at the port, path and scheme of their `prometheus.io/*` annotations, as the upstream
 * Prometheus chart does.
 */
export function slowAnnotatedPodsJob(): ScrapeJob {
  return {
    jobName: 'kubernetes-pods-slow',
    scrapeInterval: '5m',
    scrapeTimeout: '30s',
    honorLabels: true,
    discovery: { role: 'pod' },
    relabel: [
      { action: 'keep', sourceLabels: [`${POD_ANNOTATION}scrape_slow`], regex: 'true' },
      ...annotatedPodTarget(),
    ],
  };
}

/** The target of an annotated pod: its `prometheus.io/*` scheme, path, port and params. istiod has its own job. */
function annotatedPodTarget(): RelabelRule[] {
  return [
    { action: 'drop', sourceLabels: ['__meta_kubernetes_pod_label_app'], regex: 'istiod' },
    { action: 'drop', sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed' },
    { sourceLabels: [`${POD_ANNOTATION}scheme`], regex: '(https?)', targetLabel: '__scheme__' },
    { sourceLabels: [`${POD_ANNOTATION}path`], regex: '(.+)', targetLabel: '__metrics_path__' },
    // IPv4 pod address, then IPv6 (brackets), with the annotated port.
    {
      sourceLabels: [`${POD_ANNOTATION}port`, '__meta_kubernetes_pod_ip'],
      regex: '(\\d+);(\\d+\\.\\d+\\.\\d+\\.\\d+)',
      replacement: '$2:$1',
      targetLabel: '__address__',
    },
    {
      sourceLabels: [`${POD_ANNOTATION}port`, '__meta_kubernetes_pod_ip'],
      regex: '(\\d+);([0-9A-Fa-f:]+)',
      replacement: '[$2]:$1',
      targetLabel: '__address__',
    },
    { action: 'labelmap', regex: `${POD_ANNOTATION}param_(.+)`, replacement: '__param_$1' },
    ...podIdentity(),
  ];
}

/**
 * Envoy's own endpoint (container port named `*-envoy-prom`, 15090, `/stats/prometheus`) on every
 * sidecar and gateway. Only needed when Prometheus metrics merging is turned off in the mesh.
 */
export function envoyStatsJob(): ScrapeJob {
  return {
    jobName: 'envoy-stats',
    metricsPath: '/stats/prometheus',
    discovery: { role: 'pod' },
    relabel: [
      { action: 'keep', sourceLabels: ['__meta_kubernetes_pod_container_port_name'], regex: '.*-envoy-prom' },
      ...podIdentity(),
    ],
  };
}

/** A job scraping fixed `host:port` targets. */
export function staticJob(name: string, targets: string[], metricsPath?: string, scrapeInterval?: string): ScrapeJob {
  return { jobName: name, staticTargets: targets, metricsPath, scrapeInterval };
}
