import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { configFile, container, find, kinds, podSpec } from './addons-helpers';
import { expectValidManifests } from './support/istio-validate';
import { AddonStorage } from '../src/addons/addon';
import { Prometheus } from '../src/addons/prometheus';

describe('Prometheus', () => {
  test('creates the service account, RBAC, config, deployment and the prometheus Service on 9090', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const prometheus = new Prometheus(chart, 'Prometheus');
    const manifests = Testing.synth(chart);

    // THEN
    expect(kinds(manifests)).toEqual([
      'ServiceAccount/prometheus',
      'ClusterRole/prometheus-istio-system',
      'ClusterRoleBinding/prometheus-istio-system',
      'ConfigMap/prometheus',
      'Deployment/prometheus',
      'Service/prometheus',
    ]);
    expect(find(manifests, 'Service', 'prometheus').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'prometheus' },
      ports: [{ name: 'http', port: 9090, targetPort: 9090, protocol: 'TCP' }],
    });
    expect(find(manifests, 'Service', 'prometheus').metadata.namespace).toEqual('istio-system');
    expect(prometheus.url).toEqual('http://prometheus.istio-system:9090');
    expect(prometheus.serviceName).toEqual('prometheus');
    expect(prometheus.port).toEqual(9090);
    expect(prometheus.host).toEqual('prometheus.istio-system.svc.cluster.local');
  });

  test('binds a cluster role that can discover pods, endpoints and endpoint slices', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const manifests = Testing.synth(chart);

    expect(find(manifests, 'ClusterRole', 'prometheus-istio-system').rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    expect(find(manifests, 'ClusterRoleBinding', 'prometheus-istio-system')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'prometheus-istio-system' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'istio-system' }],
    });
    expect(podSpec(manifests, 'Deployment', 'prometheus')).toMatchObject({ serviceAccountName: 'prometheus', automountServiceAccountToken: true });
  });

  test('scrapes istiod, and every annotated pod (sidecars and gateways with merged metrics)', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const config = configFile(Testing.synth(chart), 'prometheus', 'prometheus.yml');

    expect(config.global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '1m' });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'istiod', 'kubernetes-pods', 'kubernetes-pods-slow']);
    const istiod = config.scrape_configs[1];
    expect(istiod.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['istio-system'] } }]);
    expect(istiod.relabel_configs[0]).toEqual({
      action: 'keep',
      source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
      regex: 'istiod(-.+)?;http-monitoring',
    });
    const pods = config.scrape_configs[2];
    expect(pods.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    expect(pods.relabel_configs).toEqual(expect.arrayContaining([
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' },
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__' },
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'],
        regex: '(\\d+);(\\d+\\.\\d+\\.\\d+\\.\\d+)',
        target_label: '__address__',
        replacement: '$2:$1',
      },
    ]));
  });

  test('honours prometheus.io/scrape_slow: slow pods leave the 15s job for a 5m one, as upstream', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const jobs = configFile(Testing.synth(chart), 'prometheus', 'prometheus.yml').scrape_configs;

    const pods = jobs.find((j: any) => j.job_name === 'kubernetes-pods');
    expect(pods.relabel_configs.slice(0, 2)).toEqual([
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' },
      { action: 'drop', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow'], regex: 'true' },
    ]);
    const slow = jobs.find((j: any) => j.job_name === 'kubernetes-pods-slow');
    expect(slow).toMatchObject({ scrape_interval: '5m', scrape_timeout: '30s', honor_labels: true, kubernetes_sd_configs: [{ role: 'pod' }] });
    expect(slow.relabel_configs[0]).toEqual({ action: 'keep', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape_slow'], regex: 'true' });
    // the same target rules (port, path, scheme annotations) as the main job
    expect(slow.relabel_configs.slice(1)).toEqual(pods.relabel_configs.slice(2));
  });

  test('adds the envoy-stats job when asked and static jobs added later', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus', { scrapeEnvoyStatsPort: true, istioNamespace: 'istio-cp' });

    prometheus.addStaticScrapeJob('postgres', ['db.data:9187'], { scrapeInterval: Duration.minutes(1) });
    const config = configFile(Testing.synth(chart), 'prometheus', 'prometheus.yml');

    expect(prometheus.scrapeJobNames).toEqual(['prometheus', 'istiod', 'kubernetes-pods', 'kubernetes-pods-slow', 'envoy-stats', 'postgres']);
    expect(config.scrape_configs[1].kubernetes_sd_configs[0].namespaces.names).toEqual(['istio-cp']);
    expect(config.scrape_configs[4]).toMatchObject({
      job_name: 'envoy-stats',
      metrics_path: '/stats/prometheus',
      relabel_configs: expect.arrayContaining([
        { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '.*-envoy-prom' },
      ]),
    });
    expect(config.scrape_configs[5]).toEqual({ job_name: 'postgres', scrape_interval: '1m', static_configs: [{ targets: ['db.data:9187'] }] });
  });

  test('runs the upstream image with retention, storage and resources from props', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus', {
      namespace: 'monitoring',
      image: 'registry.example.com/prom/prometheus:v3.10.0',
      retention: Duration.days(30),
      retentionSize: Size.gibibytes(40),
      storage: AddonStorage.persistent(Size.gibibytes(50), { storageClassName: 'fast' }),
      scrapeInterval: Duration.seconds(30),
      resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(4) } },
    });
    const manifests = Testing.synth(chart);

    const server = container(manifests, 'Deployment', 'prometheus', 'prometheus-server');
    expect(server.image).toEqual('registry.example.com/prom/prometheus:v3.10.0');
    expect(server.args).toEqual([
      '--config.file=/etc/config/prometheus.yml',
      '--storage.tsdb.path=/data',
      '--storage.tsdb.retention.time=30d',
      '--storage.tsdb.retention.size=40GB',
    ]);
    expect(server.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '4Gi' } });
    expect(find(manifests, 'PersistentVolumeClaim', 'prometheus').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '50Gi' } },
    });
    expect(podSpec(manifests, 'Deployment', 'prometheus').volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'prometheus' } });
    expect(find(manifests, 'Deployment', 'prometheus').spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(manifests, 'Service', 'prometheus').metadata.namespace).toEqual('monitoring');
    expect(configFile(manifests, 'prometheus', 'prometheus.yml').global.scrape_interval).toEqual('30s');
    expect(find(manifests, 'ClusterRoleBinding', 'prometheus-monitoring').subjects[0].namespace).toEqual('monitoring');
  });

  test('defaults: upstream images, 15 days retention, ephemeral storage, no sidecar', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const manifests = Testing.synth(chart);

    expect(container(manifests, 'Deployment', 'prometheus', 'prometheus-server').image).toEqual('docker.io/prom/prometheus:v3.10.0');
    expect(container(manifests, 'Deployment', 'prometheus', 'prometheus-server').args).toContain('--storage.tsdb.retention.time=15d');
    expect(container(manifests, 'Deployment', 'prometheus', 'config-reloader').image)
      .toEqual('ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0');
    expect(podSpec(manifests, 'Deployment', 'prometheus').volumes).toContainEqual({ name: 'data', emptyDir: {} });
    expect(find(manifests, 'Deployment', 'prometheus').spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('false');
  });

  test('no lifecycle API by default: the config reloader reloads Prometheus with SIGHUP', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const manifests = Testing.synth(chart);
    const server = container(manifests, 'Deployment', 'prometheus', 'prometheus-server');
    expect(server.args.filter((a: string) => a.startsWith('--web.'))).toEqual([]);
    const reloader = container(manifests, 'Deployment', 'prometheus', 'config-reloader');
    expect(reloader.args).toEqual([
      '--watched-dir=/etc/config',
      '--listen-address=0.0.0.0:8080',
      '--reload-method=signal',
      '--process-executable-name=prometheus',
      '--runtimeinfo-url=http://127.0.0.1:9090/api/v1/status/runtimeinfo',
    ]);
    // the reloader sees the prometheus process, and may signal it: same user
    const pod = podSpec(manifests, 'Deployment', 'prometheus');
    expect(pod.shareProcessNamespace).toBe(true);
    expect(reloader.securityContext.runAsUser).toEqual(server.securityContext.runAsUser);
    expectValidManifests(manifests);
  });

  test('enableLifecycleApi: the upstream setup, reloading over HTTP', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus', { enableLifecycleApi: true });
    const manifests = Testing.synth(chart);
    expect(container(manifests, 'Deployment', 'prometheus', 'prometheus-server').args).toContain('--web.enable-lifecycle');
    expect(container(manifests, 'Deployment', 'prometheus', 'config-reloader').args).toEqual([
      '--watched-dir=/etc/config',
      '--listen-address=0.0.0.0:8080',
      '--reload-url=http://127.0.0.1:9090/-/reload',
    ]);
    expect(podSpec(manifests, 'Deployment', 'prometheus').shareProcessNamespace).toBeUndefined();
  });

  test('the config reloader has a liveness probe, as upstream', () => {
    const chart = Testing.chart();
    new Prometheus(chart, 'Prometheus');
    const reloader = container(Testing.synth(chart), 'Deployment', 'prometheus', 'config-reloader');
    expect(reloader.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'reloader' }, initialDelaySeconds: 2, periodSeconds: 10 });
    expect(reloader.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 'reloader' }, periodSeconds: 10 });
  });

  test('fails on a retention under a minute', () => {
    const chart = Testing.chart();
    expect(() => new Prometheus(chart, 'Prometheus', { retention: Duration.seconds(30) }))
      .toThrow(/test\/Prometheus: retention 30 seconds is invalid: must be a whole number of seconds, at least one minute/);
  });

  test('fails on a scrape timeout longer than the interval', () => {
    const chart = Testing.chart();
    expect(() => new Prometheus(chart, 'Prometheus', { scrapeInterval: Duration.seconds(5), scrapeTimeout: Duration.seconds(10) }))
      .toThrow(/test\/Prometheus: scrapeTimeout 10 seconds is invalid: must be positive and at most the scrape interval/);
  });

  test('fails on an image reference with a scheme', () => {
    const chart = Testing.chart();
    expect(() => new Prometheus(chart, 'Prometheus', { image: 'https://docker.io/prom/prometheus' }))
      .toThrow(/test\/Prometheus: image "https:\/\/docker.io\/prom\/prometheus" is invalid: must be a container image reference/);
  });

  test('fails on a bad namespace', () => {
    const chart = Testing.chart();
    expect(() => new Prometheus(chart, 'Prometheus', { namespace: 'Istio_System' }))
      .toThrow(/test\/Prometheus: namespace "Istio_System" is invalid/);
  });

  test('fails on a duplicate scrape job and a bad target', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => prometheus.addStaticScrapeJob('istiod', ['a:1'])).toThrow(/test\/Prometheus: scrapeJobs "istiod" is invalid: must be unique/);
    expect(() => prometheus.addStaticScrapeJob('db', ['db.data'])).toThrow(/test\/Prometheus: scrapeJobs\["db"\].targets\[0\] "db.data" is invalid: must have the form "host:port"/);
  });
});
