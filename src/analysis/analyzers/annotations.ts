import { AnalysisContext } from '../context';
import { Resource } from '../resource';

/**
 * Istio annotations (istioctl pkg/config/analysis/analyzers/annotations): IST0107 misplaced,
 * IST0108 unknown, IST0125 invalid value, IST0135 deprecated. The table covers Istio 1.30's
 * pod and service annotations; unknown names are reported only in the domains it covers in
 * full. Internal.
 */

type Kind = 'Pod' | 'Service' | 'Namespace' | 'AuthorizationPolicy' | 'Any';

interface AnnotationInfo {
  readonly kinds: Kind[];
  readonly deprecated?: string;
  readonly check?: (value: string) => string | undefined;
}

const bool = (v: string) => (/^(true|false)$/.test(v) ? undefined : 'must be "true" or "false"');
const ports = (v: string) => (v.trim() === '*' || v.trim() === '' || v.split(',').every(p => /^\s*\d{1,5}\s*$/.test(p) && Number(p) <= 65535)
  ? undefined : 'must be "*" or a comma-separated list of ports');
const cidrs = (v: string) => (v.trim() === '*' || v.trim() === '' || v.split(',').every(c => /^\s*[0-9a-fA-F:.]+\/\d{1,3}\s*$/.test(c))
  ? undefined : 'must be "*" or a comma-separated list of CIDR ranges');
const int = (v: string) => (/^\d+$/.test(v) ? undefined : 'must be a non-negative integer');
const oneOf = (...values: string[]) => (v: string) => (values.includes(v) ? undefined : `must be one of ${values.join(', ')}`);

const POD: Kind[] = ['Pod'];
const TABLE: Record<string, AnnotationInfo> = {
  'sidecar.istio.io/inject': { kinds: POD, check: bool },
  'sidecar.istio.io/status': { kinds: POD },
  'sidecar.istio.io/rewriteAppHTTPProbers': { kinds: POD, check: bool },
  'sidecar.istio.io/proxyImage': { kinds: POD },
  'sidecar.istio.io/proxyImageType': { kinds: POD },
  'sidecar.istio.io/proxyCPU': { kinds: POD },
  'sidecar.istio.io/proxyCPULimit': { kinds: POD },
  'sidecar.istio.io/proxyMemory': { kinds: POD },
  'sidecar.istio.io/proxyMemoryLimit': { kinds: POD },
  'sidecar.istio.io/logLevel': { kinds: POD, check: oneOf('trace', 'debug', 'info', 'warning', 'error', 'critical', 'off') },
  'sidecar.istio.io/componentLogLevel': { kinds: POD },
  'sidecar.istio.io/agentLogLevel': { kinds: POD },
  'sidecar.istio.io/bootstrapOverride': { kinds: POD },
  'sidecar.istio.io/discoveryAddress': { kinds: POD, deprecated: '' },
  'sidecar.istio.io/controlPlaneAuthPolicy': { kinds: POD, deprecated: '' },
  'sidecar.istio.io/enableCoreDump': { kinds: POD, check: bool },
  'sidecar.istio.io/extraStatTags': { kinds: POD, deprecated: ' in favor of the Telemetry API' },
  'sidecar.istio.io/interceptionMode': { kinds: POD, check: oneOf('REDIRECT', 'TPROXY', 'NONE') },
  'sidecar.istio.io/nativeSidecar': { kinds: POD, check: bool },
  'sidecar.istio.io/statsCompression': { kinds: POD },
  'sidecar.istio.io/statsFlushInterval': { kinds: POD },
  'sidecar.istio.io/statsHistogramBuckets': { kinds: POD },
  'sidecar.istio.io/statsInclusionPrefixes': { kinds: POD },
  'sidecar.istio.io/statsInclusionRegexps': { kinds: POD },
  'sidecar.istio.io/statsInclusionSuffixes': { kinds: POD },
  'sidecar.istio.io/userVolume': { kinds: POD },
  'sidecar.istio.io/userVolumeMount': { kinds: POD },
  'status.sidecar.istio.io/port': { kinds: POD, check: int },
  'readiness.status.sidecar.istio.io/applicationPorts': { kinds: POD, deprecated: '' },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': { kinds: POD, check: int },
  'readiness.status.sidecar.istio.io/periodSeconds': { kinds: POD, check: int },
  'readiness.status.sidecar.istio.io/failureThreshold': { kinds: POD, check: int },
  'traffic.sidecar.istio.io/includeOutboundIPRanges': { kinds: POD, check: cidrs },
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': { kinds: POD, check: cidrs },
  'traffic.sidecar.istio.io/includeInboundPorts': { kinds: POD, check: ports },
  'traffic.sidecar.istio.io/excludeInboundPorts': { kinds: POD, check: ports },
  'traffic.sidecar.istio.io/includeOutboundPorts': { kinds: POD, check: ports },
  'traffic.sidecar.istio.io/excludeOutboundPorts': { kinds: POD, check: ports },
  'traffic.sidecar.istio.io/excludeInterfaces': { kinds: POD },
  'traffic.sidecar.istio.io/kubevirtInterfaces': { kinds: POD, deprecated: ' in favor of istio.io/reroute-virtual-interfaces' },
  'istio.io/reroute-virtual-interfaces': { kinds: POD },
  'proxy.istio.io/config': { kinds: POD },
  'proxy.istio.io/overrides': { kinds: POD },
  'prometheus.istio.io/merge-metrics': { kinds: POD, check: bool },
  'inject.istio.io/templates': { kinds: POD },
  'ambient.istio.io/redirection': { kinds: POD },
  'ambient.istio.io/bypass-inbound-capture': { kinds: POD },
  'istio.io/dry-run': { kinds: ['AuthorizationPolicy'], check: bool },
  'networking.istio.io/exportTo': { kinds: ['Service'] },
  'networking.istio.io/traffic-distribution': { kinds: ['Service'] },
  'galley.istio.io/analyze-suppress': { kinds: ['Any'] },
  'topology.istio.io/controlPlaneClusters': { kinds: ['Namespace'] },
};

/** Domains the table covers in full: an unknown name there is reported. */
const COVERED = ['sidecar.istio.io/', 'traffic.sidecar.istio.io/', 'status.sidecar.istio.io/', 'readiness.status.sidecar.istio.io/',
  'proxy.istio.io/', 'prometheus.istio.io/', 'inject.istio.io/'];

function check(ctx: AnalysisContext, resource: Resource, values: Record<string, string>, kind: Kind, where: string): void {
  for (const [name, value] of Object.entries(values)) {
    if (!name.includes('istio.io/')) continue;
    const info = TABLE[name];
    if (!info) {
      if (COVERED.some(d => name.startsWith(d))) ctx.report(resource, 'IST0108', `Unknown annotation: ${name}${where}`);
      continue;
    }
    if (!info.kinds.includes('Any') && !info.kinds.includes(kind)) {
      const hint = info.kinds.includes('Pod') && kind !== 'Pod' ? ' (put it in the pod template: spec.template.metadata.annotations)' : '';
      ctx.report(resource, 'IST0107', `Misplaced annotation: ${name} can only be applied to ${info.kinds.join(', ')}${hint}`);
      continue;
    }
    const problem = info.check?.(value);
    if (problem) ctx.report(resource, 'IST0125', `Invalid annotation ${name}: ${JSON.stringify(value)} ${problem}${where}`);
    if (info.deprecated !== undefined) {
      ctx.report(resource, 'IST0135', `Annotation "${name}" has been deprecated${info.deprecated} and may not work in future Istio versions.`);
    }
  }
}

/** IST0107, IST0108, IST0125, IST0135 on Namespaces, Services, Pods and the pod templates of workloads. */
export function annotations(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const ns of model.kube('Namespace')) check(ctx, ns, ns.annotations, 'Namespace', '');
  for (const svc of model.kube('Service')) check(ctx, svc, svc.annotations, 'Service', '');
  for (const ap of model.istio('AuthorizationPolicy')) check(ctx, ap, ap.annotations, 'AuthorizationPolicy', '');
  for (const w of model.workloadList) {
    if (model.assumed.has(w.resource)) continue;
    if (w.resource.kind === 'Pod') {
      check(ctx, w.resource, w.annotations, 'Pod', '');
    } else {
      check(ctx, w.resource, w.resource.annotations, w.resource.kind as Kind, '');
      check(ctx, w.resource, w.annotations, 'Pod', ' (pod template)');
    }
  }
}
