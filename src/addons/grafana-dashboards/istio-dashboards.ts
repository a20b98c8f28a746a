import { Dashboard, Panel, PanelUnit, PromQuery, Row } from './model';

/**
 * The Istio dashboards the Grafana addon provisions, built from the standard metrics every
 * sidecar and gateway reports (`istio_requests_total`, `istio_request_duration_milliseconds`,
 * `istio_request_bytes`, `istio_response_bytes`, `istio_tcp_*`) and istiod's `pilot_*` metrics.
 *
 * The service and workload dashboards take the variables Kiali links with
 * (`var-namespace`, `var-service`, `var-workload`).
 */
export class IstioDashboards {
  /** Title of the mesh overview dashboard. */
  public static readonly MESH_TITLE: string = 'Istio Mesh Dashboard';
  /** Title of the per-service dashboard. */
  public static readonly SERVICE_TITLE: string = 'Istio Service Dashboard';
  /** Title of the per-workload dashboard. */
  public static readonly WORKLOAD_TITLE: string = 'Istio Workload Dashboard';
  /** Title of the control plane dashboard. */
  public static readonly CONTROL_PLANE_TITLE: string = 'Istio Control Plane Dashboard';

  /** All four dashboards. */
  public static all(): Dashboard[] {
    return [
      IstioDashboards.meshOverview(),
      IstioDashboards.service(),
      IstioDashboards.workload(),
      IstioDashboards.controlPlane(),
    ];
  }

  /** Traffic across the whole mesh: volume, success rate, latency, TCP throughput. */
  public static meshOverview(): Dashboard {
    const all = 'reporter="source"';
    return new Dashboard({
      uid: 'istio-mesh',
      title: IstioDashboards.MESH_TITLE,
      rows: [
        Row.of({
          title: 'Global',
          panels: [
            Panel.stat({
              title: 'Request rate',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum(rate(istio_requests_total{${all}}[$__rate_interval]))`),
              ],
            }),
            Panel.stat({
              title: 'Success rate (non-5xx)',
              unit: PanelUnit.PERCENT_UNIT,
              queries: [
                PromQuery.of(successRatio(all)),
              ],
            }),
            Panel.stat({
              title: '4xx rate',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum(rate(istio_requests_total{${all}, response_code=~"4.."}[$__rate_interval])) or vector(0)`),
              ],
            }),
            Panel.stat({
              title: '5xx rate',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum(rate(istio_requests_total{${all}, response_code=~"5.."}[$__rate_interval])) or vector(0)`),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'HTTP and gRPC services',
          panels: [
            Panel.timeSeries({
              title: 'Requests by service',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (destination_service) (rate(istio_requests_total{${all}}[$__rate_interval]))`, { legend: '{{destination_service}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Success rate by service',
              unit: PanelUnit.PERCENT_UNIT,
              queries: [
                PromQuery.of(successRatio(all, 'destination_service'), { legend: '{{destination_service}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'P99 latency by service',
              unit: PanelUnit.MILLISECONDS,
              queries: [
                PromQuery.of(quantile(0.99, all, 'destination_service'), { legend: '{{destination_service}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Responses by code',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (response_code) (rate(istio_requests_total{${all}}[$__rate_interval]))`, { legend: '{{response_code}}' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'TCP services',
          panels: tcpPanels(all, 'destination_service'),
        }),
      ],
    });
  }

  /** One service as its callers see it: requests, errors, latency, sizes, callers, TCP. */
  public static service(): Dashboard {
    const inbound = 'reporter=~"destination|waypoint", destination_service=~"$service"';
    return new Dashboard({
      uid: 'istio-service',
      title: IstioDashboards.SERVICE_TITLE,
      variables: [
        { name: 'namespace', label: 'Namespace', query: 'label_values(istio_requests_total, destination_service_namespace)' },
        { name: 'service', label: 'Service', query: 'label_values(istio_requests_total{destination_service_namespace=~"$namespace"}, destination_service)' },
      ],
      rows: [
        Row.of({
          title: 'Service',
          panels: [
            Panel.stat({
              title: 'Request rate',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum(rate(istio_requests_total{${inbound}}[$__rate_interval]))`),
              ],
            }),
            Panel.stat({ title: 'Success rate (non-5xx)', unit: PanelUnit.PERCENT_UNIT, queries: [PromQuery.of(successRatio(inbound))] }),
            Panel.stat({ title: 'P50 latency', unit: PanelUnit.MILLISECONDS, queries: [PromQuery.of(quantile(0.5, inbound))] }),
            Panel.stat({ title: 'P99 latency', unit: PanelUnit.MILLISECONDS, queries: [PromQuery.of(quantile(0.99, inbound))] }),
          ],
        }),
        Row.of({
          title: 'Clients',
          panels: [
            Panel.timeSeries({
              title: 'Requests by client workload',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (source_workload, source_workload_namespace, response_code) (rate(istio_requests_total{${inbound}}[$__rate_interval]))`,
                  { legend: '{{source_workload}}.{{source_workload_namespace}} ({{response_code}})' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Latency by client workload',
              unit: PanelUnit.MILLISECONDS,
              queries: [
                PromQuery.of(quantile(0.5, inbound, 'source_workload'), { legend: '{{source_workload}} P50' }),
                PromQuery.of(quantile(0.9, inbound, 'source_workload'), { legend: '{{source_workload}} P90' }),
                PromQuery.of(quantile(0.99, inbound, 'source_workload'), { legend: '{{source_workload}} P99' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Request size',
              unit: PanelUnit.BYTES,
              queries: [
                PromQuery.of(sizeQuantile('istio_request_bytes', 0.5, inbound), { legend: 'P50' }),
                PromQuery.of(sizeQuantile('istio_request_bytes', 0.99, inbound), { legend: 'P99' }),
                PromQuery.of(averageSize('istio_request_bytes', inbound), { legend: 'mean' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Response size',
              unit: PanelUnit.BYTES,
              queries: [
                PromQuery.of(sizeQuantile('istio_response_bytes', 0.5, inbound), { legend: 'P50' }),
                PromQuery.of(sizeQuantile('istio_response_bytes', 0.99, inbound), { legend: 'P99' }),
                PromQuery.of(averageSize('istio_response_bytes', inbound), { legend: 'mean' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'TCP',
          panels: tcpPanels(inbound, 'source_workload'),
        }),
      ],
    });
  }

  /** One workload: what calls it (inbound) and what it calls (outbound). */
  public static workload(): Dashboard {
    const inbound = 'reporter=~"destination|waypoint", destination_workload_namespace=~"$namespace", destination_workload=~"$workload"';
    const outbound = 'reporter="source", source_workload_namespace=~"$namespace", source_workload=~"$workload"';
    return new Dashboard({
      uid: 'istio-workload',
      title: IstioDashboards.WORKLOAD_TITLE,
      variables: [
        { name: 'namespace', label: 'Namespace', query: 'label_values(istio_requests_total, destination_workload_namespace)' },
        { name: 'workload', label: 'Workload', query: 'label_values(istio_requests_total{destination_workload_namespace=~"$namespace"}, destination_workload)' },
      ],
      rows: [
        Row.of({
          title: 'Inbound',
          panels: [
            Panel.timeSeries({
              title: 'Incoming requests by client',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (source_workload, response_code) (rate(istio_requests_total{${inbound}}[$__rate_interval]))`,
                  { legend: '{{source_workload}} ({{response_code}})' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Incoming success rate',
              unit: PanelUnit.PERCENT_UNIT,
              queries: [
                PromQuery.of(successRatio(inbound, 'source_workload'), { legend: '{{source_workload}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Incoming latency',
              unit: PanelUnit.MILLISECONDS,
              queries: [
                PromQuery.of(quantile(0.5, inbound), { legend: 'P50' }),
                PromQuery.of(quantile(0.9, inbound), { legend: 'P90' }),
                PromQuery.of(quantile(0.99, inbound), { legend: 'P99' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Incoming TCP bytes',
              unit: PanelUnit.BYTES_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (source_workload) (rate(istio_tcp_received_bytes_total{${inbound}}[$__rate_interval]))`, { legend: 'from {{source_workload}}' }),
                PromQuery.of(`sum by (source_workload) (rate(istio_tcp_sent_bytes_total{${inbound}}[$__rate_interval]))`, { legend: 'to {{source_workload}}' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'Outbound',
          panels: [
            Panel.timeSeries({
              title: 'Outgoing requests by destination',
              unit: PanelUnit.REQUESTS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (destination_service, response_code) (rate(istio_requests_total{${outbound}}[$__rate_interval]))`,
                  { legend: '{{destination_service}} ({{response_code}})' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Outgoing success rate',
              unit: PanelUnit.PERCENT_UNIT,
              queries: [
                PromQuery.of(successRatio(outbound, 'destination_service'), { legend: '{{destination_service}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Outgoing latency (P99)',
              unit: PanelUnit.MILLISECONDS,
              queries: [
                PromQuery.of(quantile(0.99, outbound, 'destination_service'), { legend: '{{destination_service}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Outgoing TCP connections',
              unit: PanelUnit.CONNECTIONS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (destination_service) (rate(istio_tcp_connections_opened_total{${outbound}}[$__rate_interval]))`, { legend: 'opened {{destination_service}}' }),
                PromQuery.of(`sum by (destination_service) (rate(istio_tcp_connections_closed_total{${outbound}}[$__rate_interval]))`, { legend: 'closed {{destination_service}}' }),
              ],
            }),
          ],
        }),
      ],
    });
  }

  /** istiod: connected proxies, pushes, convergence, rejected config, certificates, resources. */
  public static controlPlane(): Dashboard {
    const istiod = 'app="istiod"';
    return new Dashboard({
      uid: 'istio-control-plane',
      title: IstioDashboards.CONTROL_PLANE_TITLE,
      rows: [
        Row.of({
          title: 'Proxies and configuration',
          panels: [
            Panel.stat({ title: 'Connected proxies', queries: [PromQuery.of('sum(pilot_xds{app="istiod"})')] }),
            Panel.stat({ title: 'Services', queries: [PromQuery.of('max(pilot_services{app="istiod"})')] }),
            Panel.stat({ title: 'VirtualServices', queries: [PromQuery.of('max(pilot_virt_services{app="istiod"})')] }),
            Panel.stat({
              title: 'Rejected configs (5m)',
              queries: [
                PromQuery.of('sum(increase(pilot_total_xds_rejects{app="istiod"}[5m])) or vector(0)'),
              ],
            }),
            Panel.timeSeries({
              title: 'Proxies by version',
              queries: [
                PromQuery.of(`sum by (version) (pilot_xds{${istiod}})`, { legend: '{{version}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Istio components by version',
              queries: [
                PromQuery.of('sum by (component, tag) (istio_build)', { legend: '{{component}} {{tag}}' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'Pushes',
          panels: [
            Panel.timeSeries({
              title: 'Pushes by type',
              unit: PanelUnit.OPERATIONS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (type) (rate(pilot_xds_pushes{${istiod}}[$__rate_interval]))`, { legend: '{{type}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Push triggers',
              unit: PanelUnit.OPERATIONS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (type) (rate(pilot_push_triggers{${istiod}}[$__rate_interval]))`, { legend: '{{type}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Proxy convergence time',
              unit: PanelUnit.SECONDS,
              queries: [
                PromQuery.of(`histogram_quantile(0.5, sum by (le) (rate(pilot_proxy_convergence_time_bucket{${istiod}}[$__rate_interval])))`, { legend: 'P50' }),
                PromQuery.of(`histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket{${istiod}}[$__rate_interval])))`, { legend: 'P99' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Push queue time and push time (P99)',
              unit: PanelUnit.SECONDS,
              queries: [
                PromQuery.of(`histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_queue_time_bucket{${istiod}}[$__rate_interval])))`, { legend: 'queue' }),
                PromQuery.of(`histogram_quantile(0.99, sum by (le, type) (rate(pilot_xds_push_time_bucket{${istiod}}[$__rate_interval])))`, { legend: 'push {{type}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Rejected and failed pushes',
              unit: PanelUnit.OPERATIONS_PER_SECOND,
              queries: [
                PromQuery.of(`sum by (type) (rate(pilot_total_xds_rejects{${istiod}}[$__rate_interval]))`, { legend: 'rejected {{type}}' }),
                PromQuery.of(`sum(rate(pilot_total_xds_internal_errors{${istiod}}[$__rate_interval]))`, { legend: 'internal errors' }),
                PromQuery.of(`sum by (type) (rate(pilot_xds_push_context_errors{${istiod}}[$__rate_interval]))`, { legend: 'push context errors {{type}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Listener conflicts',
              queries: [
                PromQuery.of(`sum(pilot_conflict_inbound_listener{${istiod}})`, { legend: 'inbound' }),
                PromQuery.of(`sum(pilot_conflict_outbound_listener_tcp_over_current_tcp{${istiod}})`, { legend: 'outbound TCP over TCP' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'Certificates and injection',
          panels: [
            Panel.timeSeries({
              title: 'Certificate signing requests',
              unit: PanelUnit.OPERATIONS_PER_SECOND,
              queries: [
                PromQuery.of(`sum(rate(citadel_server_csr_count{${istiod}}[$__rate_interval]))`, { legend: 'requested' }),
                PromQuery.of(`sum(rate(citadel_server_success_cert_issuance_count{${istiod}}[$__rate_interval]))`, { legend: 'issued' }),
              ],
            }),
            Panel.stat({
              title: 'Root certificate expiry',
              unit: PanelUnit.DATE_TIME,
              width: 12,
              queries: [
                PromQuery.of(`min(citadel_server_root_cert_expiry_timestamp{${istiod}}) * 1000`),
              ],
            }),
            Panel.timeSeries({
              title: 'Sidecar injections',
              unit: PanelUnit.OPERATIONS_PER_SECOND,
              width: 24,
              queries: [
                PromQuery.of(`sum(rate(sidecar_injection_requests_total{${istiod}}[$__rate_interval]))`, { legend: 'requests' }),
                PromQuery.of(`sum(rate(sidecar_injection_success_total{${istiod}}[$__rate_interval]))`, { legend: 'success' }),
                PromQuery.of(`sum(rate(sidecar_injection_failure_total{${istiod}}[$__rate_interval]))`, { legend: 'failure' }),
              ],
            }),
          ],
        }),
        Row.of({
          title: 'istiod resources',
          panels: [
            Panel.timeSeries({
              title: 'Memory',
              unit: PanelUnit.BYTES,
              width: 8,
              queries: [
                PromQuery.of(`sum by (pod) (process_resident_memory_bytes{${istiod}})`, { legend: 'resident {{pod}}' }),
                PromQuery.of(`sum by (pod) (go_memstats_heap_inuse_bytes{${istiod}})`, { legend: 'heap in use {{pod}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'CPU',
              unit: PanelUnit.SHORT,
              width: 8,
              queries: [
                PromQuery.of(`sum by (pod) (rate(process_cpu_seconds_total{${istiod}}[$__rate_interval]))`, { legend: '{{pod}}' }),
              ],
            }),
            Panel.timeSeries({
              title: 'Goroutines',
              unit: PanelUnit.SHORT,
              width: 8,
              queries: [
                PromQuery.of(`sum by (pod) (go_goroutines{${istiod}})`, { legend: '{{pod}}' }),
              ],
            }),
          ],
        }),
      ],
    });
  }

  private constructor() {}
}

/** The share of requests that did not fail with a 5xx, optionally per label. */
function successRatio(selector: string, by?: string): string {
  const group = by ? `sum by (${by}) ` : 'sum';
  return `${group}(rate(istio_requests_total{${selector}, response_code!~"5.."}[$__rate_interval]))`
    + ` / ${group}(rate(istio_requests_total{${selector}}[$__rate_interval]))`;
}

/** A latency percentile from the request duration histogram, optionally per label. */
function quantile(q: number, selector: string, by?: string): string {
  const labels = by ? `le, ${by}` : 'le';
  return `histogram_quantile(${q}, sum by (${labels}) (rate(istio_request_duration_milliseconds_bucket{${selector}}[$__rate_interval])))`;
}

/** A percentile of a size histogram (`istio_request_bytes`, `istio_response_bytes`). */
function sizeQuantile(metric: string, q: number, selector: string): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket{${selector}}[$__rate_interval])))`;
}

/** The mean of a size histogram. */
function averageSize(metric: string, selector: string): string {
  return `sum(rate(${metric}_sum{${selector}}[$__rate_interval])) / sum(rate(${metric}_count{${selector}}[$__rate_interval]))`;
}

/** TCP throughput and connection panels grouped by a label. */
function tcpPanels(selector: string, by: string): Panel[] {
  return [
    Panel.timeSeries({
      title: 'TCP bytes received',
      unit: PanelUnit.BYTES_PER_SECOND,
      queries: [
        PromQuery.of(`sum by (${by}) (rate(istio_tcp_received_bytes_total{${selector}}[$__rate_interval]))`, { legend: `{{${by}}}` }),
      ],
    }),
    Panel.timeSeries({
      title: 'TCP bytes sent',
      unit: PanelUnit.BYTES_PER_SECOND,
      queries: [
        PromQuery.of(`sum by (${by}) (rate(istio_tcp_sent_bytes_total{${selector}}[$__rate_interval]))`, { legend: `{{${by}}}` }),
      ],
    }),
    Panel.timeSeries({
      title: 'TCP connections opened',
      unit: PanelUnit.CONNECTIONS_PER_SECOND,
      queries: [
        PromQuery.of(`sum by (${by}) (rate(istio_tcp_connections_opened_total{${selector}}[$__rate_interval]))`, { legend: `{{${by}}}` }),
      ],
    }),
    Panel.timeSeries({
      title: 'TCP connections closed',
      unit: PanelUnit.CONNECTIONS_PER_SECOND,
      queries: [
        PromQuery.of(`sum by (${by}) (rate(istio_tcp_connections_closed_total{${selector}}[$__rate_interval]))`, { legend: `{{${by}}}` }),
      ],
    }),
  ];
}
