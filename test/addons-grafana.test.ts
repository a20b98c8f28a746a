import { Size, Testing } from 'cdk8s';
import { ISTIO_METRICS, configFile, container, find, kinds, metricNames, podSpec } from './addons-helpers';
import { AddonStorage } from '../src/addons/addon';
import { Grafana, GrafanaRole } from '../src/addons/grafana';
import { IstioDashboards } from '../src/addons/grafana-dashboards/istio-dashboards';
import { Dashboard, Panel, PanelUnit, PromQuery, Row } from '../src/addons/grafana-dashboards/model';
import { Jaeger } from '../src/addons/jaeger';
import { Loki } from '../src/addons/loki';
import { Prometheus } from '../src/addons/prometheus';

function dashboardsOf(manifests: any[]): Record<string, any> {
  const data = find(manifests, 'ConfigMap', 'istio-grafana-dashboards').data as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([file, json]) => [file, JSON.parse(json)]));
}

/** Every PromQL expression of a dashboard's JSON: panel targets and query variables. */
function expressionsOf(dashboard: any): string[] {
  return [
    ...dashboard.templating.list.filter((v: any) => v.type === 'query').map((v: any) => v.query.query),
    ...dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)),
  ];
}

describe('Grafana', () => {
  test('creates config, dashboards, deployment and the grafana Service on 3000', () => {
    // GIVEN
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');

    // WHEN
    const grafana = new Grafana(chart, 'Grafana', { prometheus });
    const manifests = Testing.synth(chart).filter(m => m.metadata.name !== 'prometheus' && !m.metadata.name.startsWith('prometheus-'));

    // THEN
    expect(kinds(manifests)).toEqual([
      'ServiceAccount/grafana',
      'ConfigMap/grafana',
      'ConfigMap/istio-grafana-dashboards',
      'Deployment/grafana',
      'Service/grafana',
    ]);
    expect(find(manifests, 'Service', 'grafana').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'grafana' },
      ports: [{ name: 'http', port: 3000, targetPort: 3000, protocol: 'TCP' }],
    });
    expect(container(manifests, 'Deployment', 'grafana', 'grafana').image).toEqual('docker.io/grafana/grafana:12.0.1');
    expect(grafana.url).toEqual('http://grafana.istio-system:3000');
  });

  test('provisions the Prometheus of this install as the default data source', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus', { namespace: 'monitoring' });
    new Grafana(chart, 'Grafana', { prometheus });
    const manifests = Testing.synth(chart);

    expect(configFile(manifests, 'grafana', 'datasources.yaml')).toEqual({
      apiVersion: 1,
      datasources: [{
        name: 'Prometheus',
        uid: 'prometheus',
        type: 'prometheus',
        access: 'proxy',
        url: 'http://prometheus.monitoring:9090',
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: '15s' },
      }],
    });
  });

  test('adds Loki and Jaeger data sources when present', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    const loki = new Loki(chart, 'Loki');
    const tracing = new Jaeger(chart, 'Jaeger');
    new Grafana(chart, 'Grafana', { prometheus, loki, tracing });
    const sources = configFile(Testing.synth(chart), 'grafana', 'datasources.yaml').datasources;

    expect(sources.map((s: any) => [s.name, s.type, s.url])).toEqual([
      ['Prometheus', 'prometheus', 'http://prometheus.istio-system:9090'],
      ['Loki', 'loki', 'http://loki.istio-system:3100'],
      ['Jaeger', 'jaeger', 'http://tracing.istio-system/jaeger'],
    ]);
  });

  test('mounts the dashboards where the file provider reads them', () => {
    const chart = Testing.chart();
    new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Prometheus') });
    const manifests = Testing.synth(chart);

    expect(configFile(manifests, 'grafana', 'dashboards.yaml').providers).toEqual([{
      name: 'istio',
      orgId: 1,
      folder: 'Istio',
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      options: { path: '/var/lib/grafana/dashboards/istio' },
    }]);
    expect(container(manifests, 'Deployment', 'grafana', 'grafana').volumeMounts).toContainEqual(
      { name: 'dashboards', mountPath: '/var/lib/grafana/dashboards/istio', readOnly: true });
    expect(podSpec(manifests, 'Deployment', 'grafana').volumes).toContainEqual({ name: 'dashboards', configMap: { name: 'istio-grafana-dashboards' } });
  });

  test('lets anonymous visitors in as viewers by default, or with the role given', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    new Grafana(chart, 'Grafana', { prometheus, anonymousRole: GrafanaRole.EDITOR, replicas: 2 });
    const manifests = Testing.synth(chart);

    const ini = find(manifests, 'ConfigMap', 'grafana').data['grafana.ini'];
    expect(ini).toContain('[auth.anonymous]\nenabled = true\norg_role = Editor\n');
    expect(find(manifests, 'Deployment', 'grafana').spec.replicas).toEqual(2);
  });

  test('served from the sub path of its external URL: in-cluster URL and probes include it', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    const grafana = new Grafana(chart, 'Grafana', { prometheus, externalUrl: 'https://mesh.example.com/grafana' });
    const manifests = Testing.synth(chart);

    expect(find(manifests, 'ConfigMap', 'grafana').data['grafana.ini'])
      .toContain('[server]\nroot_url = https://mesh.example.com/grafana\nserve_from_sub_path = true\n');
    expect(grafana.url).toEqual('http://grafana.istio-system:3000/grafana');
    expect(container(manifests, 'Deployment', 'grafana', 'grafana')).toMatchObject({
      readinessProbe: { httpGet: { path: '/grafana/api/health', port: 3000 } },
      livenessProbe: { httpGet: { path: '/grafana/api/health', port: 3000 } },
    });
  });

  test('without a sub path, the in-cluster URL is the Service root', () => {
    const chart = Testing.chart();
    const grafana = new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Prometheus'), externalUrl: 'https://grafana.example.com/' });
    expect(grafana.url).toEqual('http://grafana.istio-system:3000');
    expect(find(Testing.synth(chart), 'ConfigMap', 'grafana').data['grafana.ini']).toContain('[server]\nroot_url = https://grafana.example.com/\n\n');
  });

  describe('Istio dashboards', () => {
    test('provisions mesh, service, workload and control plane dashboards as valid JSON', () => {
      const chart = Testing.chart();
      new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Prometheus') });
      const dashboards = dashboardsOf(Testing.synth(chart));

      expect(Object.entries(dashboards).map(([file, d]) => [file, d.uid, d.title])).toEqual([
        ['istio-control-plane.json', 'istio-control-plane', 'Istio Control Plane Dashboard'],
        ['istio-mesh.json', 'istio-mesh', 'Istio Mesh Dashboard'],
        ['istio-service.json', 'istio-service', 'Istio Service Dashboard'],
        ['istio-workload.json', 'istio-workload', 'Istio Workload Dashboard'],
      ]);
      for (const dashboard of Object.values(dashboards)) {
        expect(dashboard.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
        const ids = dashboard.panels.map((p: any) => p.id);
        expect(new Set(ids).size).toEqual(ids.length);
        for (const panel of dashboard.panels) {
          expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
          if (panel.type !== 'row') {
            expect(panel.targets.length).toBeGreaterThan(0);
            expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
          }
        }
      }
    });

    test('query only metrics Istio emits', () => {
      const chart = Testing.chart();
      new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Prometheus') });
      const dashboards = dashboardsOf(Testing.synth(chart));

      const used = new Set<string>();
      for (const [file, dashboard] of Object.entries(dashboards)) {
        for (const expr of expressionsOf(dashboard)) {
          const names = metricNames(expr);
          expect(names.length).toBeGreaterThan(0);
          const unknown = names.filter(n => !ISTIO_METRICS.has(n));
          expect({ file, expr, unknown }).toEqual({ file, expr, unknown: [] });
          names.forEach(n => used.add(n));
        }
      }
      // the views are built from the standard metrics and istiod's
      expect([...used]).toEqual(expect.arrayContaining([
        'istio_requests_total',
        'istio_request_duration_milliseconds_bucket',
        'istio_request_bytes_bucket',
        'istio_response_bytes_bucket',
        'istio_tcp_sent_bytes_total',
        'istio_tcp_received_bytes_total',
        'istio_tcp_connections_opened_total',
        'istio_tcp_connections_closed_total',
        'pilot_xds',
        'pilot_xds_pushes',
        'pilot_proxy_convergence_time_bucket',
      ]));
    });

    test('the metric extractor finds metrics and skips functions, labels, ranges and variables', () => {
      expect(metricNames('histogram_quantile(0.99, sum by (le, destination_service) (rate(istio_request_duration_milliseconds_bucket{reporter="source", x=~"a(b)"}[$__rate_interval])))'))
        .toEqual(['istio_request_duration_milliseconds_bucket']);
      expect(metricNames('sum(rate(a_total[5m])) / on(pod) group_left sum(b_bytes) or vector(0)')).toEqual(['a_total', 'b_bytes']);
      expect(metricNames('label_values(istio_requests_total{destination_service_namespace=~"$namespace"}, destination_service)'))
        .toEqual(['istio_requests_total']);
      expect(metricNames('sum(container_cpu_usage_seconds_total{container="istio-proxy"})').filter(n => !ISTIO_METRICS.has(n)))
        .toEqual(['container_cpu_usage_seconds_total']);
    });

    test('the service and workload dashboards take the variables Kiali links with', () => {
      expect(IstioDashboards.service().variableNames).toEqual(['namespace', 'service']);
      expect(IstioDashboards.workload().variableNames).toEqual(['namespace', 'workload']);
    });

    test('lays panels out left to right and wraps after 24 columns', () => {
      const json = new Dashboard({
        uid: 'custom',
        title: 'Custom',
        rows: [Row.of({
          title: 'Traffic',
          panels: [
            Panel.timeSeries({ title: 'a', width: 16, queries: [PromQuery.of('sum(istio_requests_total)')] }),
            Panel.timeSeries({ title: 'b', width: 16, unit: PanelUnit.MILLISECONDS, queries: [PromQuery.of('sum(istio_requests_total)', { legend: '{{pod}}' })] }),
          ],
        })],
      }).toJson();

      expect(json.panels.map((p: any) => [p.type, p.gridPos])).toEqual([
        ['row', { h: 1, w: 24, x: 0, y: 0 }],
        ['timeseries', { h: 8, w: 16, x: 0, y: 1 }],
        ['timeseries', { h: 8, w: 16, x: 0, y: 9 }],
      ]);
      expect(json.panels[2].targets).toEqual([{
        refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: 'sum(istio_requests_total)', legendFormat: '{{pod}}', range: true,
      }]);
      expect(json.panels[2].fieldConfig.defaults.unit).toEqual('ms');
    });

    test('user dashboards land next to the Istio ones, or alone', () => {
      const chart = Testing.chart();
      const prometheus = new Prometheus(chart, 'Prometheus');
      const grafana = new Grafana(chart, 'Grafana', { prometheus, istioDashboards: false });
      grafana.addDashboard(new Dashboard({
        uid: 'shop',
        title: 'Shop',
        rows: [Row.of({ title: 'Orders', panels: [Panel.stat({ title: 'Rate', queries: [PromQuery.of('sum(rate(istio_requests_total[1m]))')] })] })],
      }));
      const manifests = Testing.synth(chart);

      expect(Object.keys(dashboardsOf(manifests))).toEqual(['shop.json']);
      expect(find(manifests, 'ConfigMap', 'grafana').data['grafana.ini']).not.toContain('default_home_dashboard_path');
    });
  });

  test('fails when the Prometheus is not part of the app', () => {
    const other = Testing.chart();
    const prometheus = new Prometheus(other, 'Prometheus');
    const chart = Testing.chart();
    expect(() => new Grafana(chart, 'Grafana', { prometheus }))
      .toThrow(/test\/Grafana: prometheus "test\/Prometheus" is invalid: the Prometheus it refers to is not part of this app/);
  });

  test('fails on more than one replica with persistent storage', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Grafana(chart, 'Grafana', { prometheus, replicas: 2, storage: AddonStorage.persistent(Size.gibibytes(1)) }))
      .toThrow(/test\/Grafana: replicas 2 is invalid: must be 1 with persistent storage/);
  });

  test('fails on zero replicas', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Grafana(chart, 'Grafana', { prometheus, replicas: 0 })).toThrow(/test\/Grafana: replicas 0 is invalid: must be an integer from 1 to 1000/);
  });

  test('fails on an unknown anonymous role', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Grafana(chart, 'Grafana', { prometheus, anonymousRole: 'Owner' as GrafanaRole }))
      .toThrow(/test\/Grafana: anonymousRole "Owner" is invalid: must be one of Viewer, Editor, Admin/);
  });

  test('fails on a dashboard uid used twice', () => {
    const chart = Testing.chart();
    const grafana = new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Prometheus') });
    expect(() => grafana.addDashboard(IstioDashboards.meshOverview())).toThrow(/test\/Grafana: dashboards\[\].uid "istio-mesh" is invalid: must be unique/);
  });

  test('fails on bad panels and queries', () => {
    const panel = (width: number, expr: string) => Row.of({ title: 'r', panels: [Panel.timeSeries({ title: 'p', width, queries: [PromQuery.of(expr)] })] });
    expect(() => new Dashboard({ uid: 'x', title: 'X', rows: [panel(30, 'up')] }))
      .toThrow(/dashboard "x" rows\[0\].panels\[0\].width 30 is invalid: must be an integer from 1 to 24/);
    expect(() => new Dashboard({ uid: 'x', title: 'X', rows: [panel(12, 'sum(rate(istio_requests_total[5m])')] }))
      .toThrow(/dashboard "x" rows\[0\].panels\[0\].queries\[0\].expr "sum\(rate\(istio_requests_total\[5m\]\)" is invalid: has an unclosed bracket/);
    expect(() => new Dashboard({ uid: 'not a uid', title: 'X' })).toThrow(/dashboard "X" uid "not a uid" is invalid/);
  });
});
