import { AnalysisContext } from '../context';
import { toFqdn } from '../hosts';
import { formatLabels, labelSelector } from '../labels';
import { isObject, Json, objects, stringMap } from '../resource';

/**
 * DestinationRule analyzers (istioctl pkg/config/analysis/analyzers/destinationrule):
 * IST0128, IST0129, IST0173, IST0174. Internal.
 */

function verifiesServer(tls: Json): boolean {
  return (typeof tls.caCertificates === 'string' && tls.caCertificates !== '')
    || (typeof tls.credentialName === 'string' && tls.credentialName !== '')
    || tls.insecureSkipVerify === true;
}

/** IST0128, IST0129: SIMPLE or MUTUAL TLS that does not verify the server. */
export function caCertificates(ctx: AnalysisContext): void {
  for (const dr of ctx.model.istio('DestinationRule')) {
    const host = String(dr.spec.host ?? '');
    const policy = isObject(dr.spec.trafficPolicy) ? dr.spec.trafficPolicy : {};
    const tls = isObject(policy.tls) ? policy.tls : undefined;
    if (tls && (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && !verifiesServer(tls)) {
      ctx.report(dr, 'IST0128', `DestinationRule ${dr.name} in namespace ${dr.namespace} has TLS mode set to ${tls.mode} but no caCertificates are set to validate server identity for host: ${host}`);
    }
    for (const pls of objects(policy.portLevelSettings)) {
      const ptls = isObject(pls.tls) ? pls.tls : undefined;
      const port = isObject(pls.port) ? pls.port.number : undefined;
      if (ptls && (ptls.mode === 'SIMPLE' || ptls.mode === 'MUTUAL') && !verifiesServer(ptls)) {
        ctx.report(dr, 'IST0129', `DestinationRule ${dr.name} in namespace ${dr.namespace} has TLS mode set to ${ptls.mode} but no caCertificates are set to validate server identity for host: ${host} at port ${port}`);
      }
    }
  }
}

/** IST0173, IST0174: the host and the subsets of a DestinationRule against the registry and the pods. */
export function subsetPods(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const dr of model.istio('DestinationRule')) {
    const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
    if (host === '' || host.startsWith('*')) continue;
    const target = model.lookupHost(host, dr.namespace!);
    if (!target) {
      const fqdn = toFqdn(host, dr.namespace!);
      const ns = fqdn.split('.')[1];
      if (model.expects('Service', ns) || model.expects('ServiceEntry', dr.namespace)) {
        ctx.report(dr, 'IST0174', `The host ${host} defined in the DestinationRule does not match any services in the mesh.`);
      }
      continue;
    }
    const subsets = objects(dr.spec.subsets);
    if (subsets.length === 0) continue;
    // A ServiceEntry without a workload selector has endpoints, not pods: nothing to resolve.
    if (target.resource.kind === 'ServiceEntry' && !target.selector) continue;
    const ns = target.resource.namespace!;
    if (!model.complete && model.workloads.inNamespace(ns).length === 0) continue;
    for (const subset of subsets) {
      const name = typeof subset.name === 'string' ? subset.name : '';
      const labels = { ...(target.selector?.matchLabels ?? {}), ...stringMap(subset.labels) };
      if (model.workloads.any(ns, labelSelector(labels))) continue;
      const serviceLabels = target.selector?.matchLabels ?? {};
      const candidates = model.selectWorkloads(ns, labelSelector(serviceLabels));
      const seen = [...new Set(candidates.map(w => formatLabels(pick(w.labels, Object.keys(stringMap(subset.labels))))))].filter(s => s !== '');
      const hint = seen.length > 0 ? ` The pods of ${target.resource.ref} carry ${seen.join('; ')}, not ${formatLabels(stringMap(subset.labels))}.` : '';
      ctx.report(dr, 'IST0173', `The Subset ${name} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).${hint}`);
    }
  }
}

function pick(labels: Record<string, string>, keys: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const k of keys) if (labels[k] !== undefined) result[k] = labels[k];
  return result;
}
