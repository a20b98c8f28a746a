import { AnalysisContext } from '../context';
import { covers, serviceOf, toFqdn } from '../hosts';
import { matches } from '../labels';
import { RegistryHost, selectorOf } from '../model';
import { isObject, Json, objects, Resource } from '../resource';

/**
 * CDK0001, this library's own finding (istioctl retired its mTLS conflict check, IST0113, and
 * reports nothing here): a DestinationRule that sends plain text (`tls.mode: DISABLE`) to
 * workloads that a PeerAuthentication makes STRICT. Clients then fail with "connection reset
 * by peer". Internal.
 */
export function mtlsConflicts(ctx: AnalysisContext): void {
  const model = ctx.model;
  const policies = model.istio('PeerAuthentication');
  if (policies.length === 0) return;
  for (const dr of model.istio('DestinationRule')) {
    const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
    for (const entry of disabledEntries(dr)) {
      const fqdn = toFqdn(host, dr.namespace!);
      const wildcard = fqdn.startsWith('*') && (covers(fqdn, 'x.y.svc.cluster.local'));
      const svc = serviceOf(fqdn);
      if (!wildcard && !svc) continue;
      const service = svc ? model.service(svc.namespace, svc.name) : undefined;
      const targetPort = entry.port === undefined ? undefined : targetPortOf(service, entry.port);
      const strict = wildcard
        ? policies.find(p => modeFor(p, targetPort, entry.port === undefined) === 'STRICT')
        : strictPolicy(policies, model.rootNamespace, svc!.namespace, service, targetPort, entry.port === undefined);
      if (!strict) continue;
      const where = [entry.subset ? `subset "${entry.subset}"` : '', entry.port !== undefined ? `port ${entry.port}` : ''].filter(s => s).join(', ');
      ctx.report(dr, 'CDK0001', `DestinationRule for host "${host}"${where ? ` (${where})` : ''} sets tls.mode DISABLE, but ${strict.ref} requires STRICT mutual TLS; `
        + 'clients would be refused ("connection reset by peer"). Use tls.mode ISTIO_MUTUAL, or make the PeerAuthentication PERMISSIVE for that workload.');
    }
  }
}

function disabledEntries(dr: Resource): Array<{ port?: number; subset?: string }> {
  const result: Array<{ port?: number; subset?: string }> = [];
  const visit = (policy: unknown, subset?: string) => {
    if (!isObject(policy)) return;
    if (isObject(policy.tls) && policy.tls.mode === 'DISABLE') result.push({ subset });
    for (const pls of objects(policy.portLevelSettings)) {
      if (isObject(pls.tls) && pls.tls.mode === 'DISABLE' && isObject(pls.port)) result.push({ port: Number(pls.port.number), subset });
    }
  };
  visit(dr.spec.trafficPolicy);
  for (const s of objects(dr.spec.subsets)) visit(s.trafficPolicy, typeof s.name === 'string' ? s.name : undefined);
  return result;
}

function targetPortOf(service: RegistryHost | undefined, port: number): number {
  const p = service?.ports.find(x => x.number === port);
  return p?.targetPort !== undefined && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : port;
}

function modeFor(p: Resource, port: number | undefined, anyPort: boolean): string | undefined {
  const portModes = isObject(p.spec.portLevelMtls) ? p.spec.portLevelMtls as Json : {};
  if (anyPort && Object.values(portModes).some(m => isObject(m) && m.mode === 'STRICT')) return 'STRICT';
  if (port !== undefined && isObject(portModes[String(port)]) && portModes[String(port)].mode) return portModes[String(port)].mode;
  return isObject(p.spec.mtls) && typeof p.spec.mtls.mode === 'string' ? p.spec.mtls.mode : undefined;
}

/** The policy deciding the mode of the Service's pods, with Istio's precedence: workload, namespace, mesh. */
function strictPolicy(
  policies: Resource[], rootNamespace: string, namespace: string, service: RegistryHost | undefined, port: number | undefined, anyPort: boolean,
): Resource | undefined {
  const serviceLabels = service?.selector?.matchLabels;
  const workload = policies.filter(p => p.namespace === namespace && selectorOf(p.spec.selector) !== undefined
    && (serviceLabels === undefined || matchesAny(selectorOf(p.spec.selector)!.matchLabels, serviceLabels)));
  const chain = [
    ...workload,
    ...policies.filter(p => p.namespace === namespace && selectorOf(p.spec.selector) === undefined),
    ...policies.filter(p => p.namespace === rootNamespace && selectorOf(p.spec.selector) === undefined),
  ];
  for (const p of chain) {
    const mode = modeFor(p, port, anyPort && workload.includes(p));
    if (mode === undefined || mode === 'UNSET') continue;
    return mode === 'STRICT' ? p : undefined;
  }
  return undefined;
}

/** Whether a policy's labels can select a pod the Service selects (no label contradicts). */
function matchesAny(policyLabels: Record<string, string>, serviceLabels: Record<string, string>): boolean {
  const shared = Object.fromEntries(Object.entries(policyLabels).filter(([k]) => k in serviceLabels));
  return matches({ matchLabels: shared, matchExpressions: [] }, serviceLabels);
}
