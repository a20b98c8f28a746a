import { parse } from 'yaml';

/** The synthesized object of `kind` named `name`; fails the test when missing. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length}: ${manifests.map(m => `${m.kind}/${m.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** `kind/name` of every object, in order. */
export function kinds(manifests: any[]): string[] {
  return manifests.map(m => `${m.kind}/${m.metadata.name}`);
}

/** A config file of a ConfigMap, parsed as YAML. */
export function configFile(manifests: any[], configMap: string, key: string): any {
  const data = find(manifests, 'ConfigMap', configMap).data;
  if (!(key in data)) throw new Error(`ConfigMap ${configMap} has no key ${key}: ${Object.keys(data).join(', ')}`);
  return parse(data[key]);
}

/** The pod spec of a Deployment or StatefulSet. */
export function podSpec(manifests: any[], kind: string, name: string): any {
  return find(manifests, kind, name).spec.template.spec;
}

/** A container of a workload's pod. */
export function container(manifests: any[], kind: string, name: string, containerName: string): any {
  const c = podSpec(manifests, kind, name).containers.find((x: any) => x.name === containerName);
  if (!c) throw new Error(`${kind} ${name} has no container ${containerName}`);
  return c;
}

/**
 * Metric names Istio 1.30 emits: the standard metrics every sidecar, gateway and waypoint
 * reports, and the istiod (pilot, citadel, injector, Go runtime) metrics the dashboards use.
 */
export const ISTIO_METRICS = new Set([
  // standard metrics (proxies)
  'istio_requests_total',
  'istio_request_duration_milliseconds_bucket', 'istio_request_duration_milliseconds_sum', 'istio_request_duration_milliseconds_count',
  'istio_request_bytes_bucket', 'istio_request_bytes_sum', 'istio_request_bytes_count',
  'istio_response_bytes_bucket', 'istio_response_bytes_sum', 'istio_response_bytes_count',
  'istio_request_messages_total', 'istio_response_messages_total',
  'istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total',
  'istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total',
  'istio_build',
  // istiod: xDS and configuration
  'pilot_xds', 'pilot_xds_pushes', 'pilot_push_triggers', 'pilot_services', 'pilot_virt_services',
  'pilot_total_xds_rejects', 'pilot_total_xds_internal_errors', 'pilot_xds_push_context_errors',
  'pilot_xds_cds_reject', 'pilot_xds_eds_reject', 'pilot_xds_lds_reject', 'pilot_xds_rds_reject',
  'pilot_proxy_convergence_time_bucket', 'pilot_proxy_convergence_time_sum', 'pilot_proxy_convergence_time_count',
  'pilot_proxy_queue_time_bucket', 'pilot_proxy_queue_time_sum', 'pilot_proxy_queue_time_count',
  'pilot_xds_push_time_bucket', 'pilot_xds_push_time_sum', 'pilot_xds_push_time_count',
  'pilot_conflict_inbound_listener', 'pilot_conflict_outbound_listener_tcp_over_current_tcp',
  'pilot_k8s_cfg_events', 'pilot_k8s_reg_events',
  // istiod: certificates and injection
  'citadel_server_csr_count', 'citadel_server_success_cert_issuance_count', 'citadel_server_root_cert_expiry_timestamp',
  'sidecar_injection_requests_total', 'sidecar_injection_success_total', 'sidecar_injection_failure_total',
  // istiod: process and Go runtime
  'process_resident_memory_bytes', 'process_virtual_memory_bytes', 'process_cpu_seconds_total', 'process_open_fds',
  'go_goroutines', 'go_memstats_heap_inuse_bytes', 'go_memstats_heap_alloc_bytes', 'go_memstats_alloc_bytes',
  // Envoy
  'envoy_cluster_upstream_cx_active', 'envoy_cluster_upstream_rq_total', 'envoy_server_memory_allocated',
]);

const PROMQL_WORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers outside label matchers, ranges,
 * strings and grouping clauses that are not functions, aggregations or keywords.
 */
export function metricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // Grafana's label_values(metric, label): the second argument is a label
  s = s.replace(/label_values\(([^,()]*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)/g, 'label_values($1)');
  const names: string[] = [];
  const re = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const word = m[0];
    const rest = s.slice(m.index + word.length);
    const before = s.slice(0, m.index);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation
    if (PROMQL_WORDS.has(word.toLowerCase())) continue;
    if (/\$\w*$/.test(before) || /[0-9.]$/.test(before)) continue; // a $variable or a number's suffix (1e3)
    names.push(word);
  }
  return names;
}
