import { AnalysisContext } from '../context';
import { intersects, splitServerHost } from '../hosts';
import { formatLabels, labelSelector } from '../labels';
import { isObject, Json, objects, Resource, stringMap, strings } from '../resource';

/**
 * Istio Gateway analyzers (istioctl pkg/config/analysis/analyzers/gateway): IST0101 (selector,
 * credentialName), IST0162, IST0138, IST0145, IST0161. Internal.
 */

function selectorLabels(gateway: Resource): Record<string, string> {
  return stringMap(gateway.spec.selector);
}

/** IST0101 (selector), IST0162: the workloads and Service ports behind a Gateway. */
export function gatewayWorkloads(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const gateway of model.istio('Gateway')) {
    const labels = selectorLabels(gateway);
    const pods = model.workloads.selectAll(labelSelector(labels));
    if (pods.length === 0) {
      if (!model.complete && !model.workloadList.some(w => !model.assumed.has(w.resource))) continue;
      const gatewayPods = model.workloadList.filter(w => w.labels.istio !== undefined && /gateway/.test(w.labels.istio));
      const hint = gatewayPods.length > 0 ? `; gateway workloads here carry ${[...new Set(gatewayPods.map(w => `istio=${w.labels.istio}`))].join(', ')}` : '';
      ctx.report(gateway, 'IST0101', `Referenced selector not found: "${formatLabels(labels)}"${hint}`);
      continue;
    }
    const targetPorts = new Set<number>();
    let anyService = false;
    for (const pod of pods) {
      for (const svc of model.servicesSelecting(pod)) {
        anyService = true;
        for (const p of svc.ports) {
          if (p.protocol !== undefined && p.protocol !== 'TCP') continue;
          const target = p.targetPort !== undefined && /^\d+$/.test(p.targetPort) ? Number(p.targetPort) : p.number;
          targetPorts.add(target);
        }
      }
    }
    if (!anyService) continue;
    for (const server of objects(gateway.spec.servers)) {
      const port = isObject(server.port) ? Number(server.port.number) : NaN;
      if (!Number.isNaN(port) && !targetPorts.has(port)) {
        ctx.report(gateway, 'IST0162', `The gateway is listening on a target port (port ${port}) that is not defined in the Service associated with its workload instances `
          + `(Pod selector ${formatLabels(labels)}). If you need to access the gateway port through the gateway Service, it will not be available; `
          + `the Service's target ports are ${[...targetPorts].sort((a, b) => a - b).join(', ')}.`);
      }
    }
  }
}

function sameCertificate(a: Json, b: Json): boolean {
  if (typeof a.credentialName === 'string' && a.credentialName !== '' && a.credentialName === b.credentialName) return true;
  return typeof a.serverCertificate === 'string' && a.serverCertificate !== '' && a.serverCertificate === b.serverCertificate
    && typeof a.privateKey === 'string' && a.privateKey !== '' && a.privateKey === b.privateKey;
}

/** IST0138: two Gateways of the same workloads with the same certificate. */
export function duplicateCertificates(ctx: AnalysisContext): void {
  const gateways = ctx.model.istio('Gateway');
  for (const gateway of gateways) {
    const key = formatLabels(selectorLabels(gateway));
    const tls = objects(gateway.spec.servers).map(s => s.tls).filter(isObject);
    if (tls.length === 0) continue;
    const others = gateways.filter(g => g !== gateway && formatLabels(selectorLabels(g)) === key
      && objects(g.spec.servers).map(s => s.tls).filter(isObject).some(t => tls.some(mine => sameCertificate(mine, t))));
    if (others.length > 0) {
      const names = [gateway, ...others].map(g => g.fullName).sort();
      ctx.report(gateway, 'IST0138', `Duplicate certificate in multiple gateways [${names.join(' ')}] may cause 404s if clients re-use HTTP2 connections.`);
    }
  }
}

/** IST0145: two Gateways of the same workloads serving a host on the same port. */
export function conflictingGateways(ctx: AnalysisContext): void {
  const gateways = ctx.model.istio('Gateway');
  const bySelector = new Map<string, Resource[]>();
  for (const g of gateways) {
    const key = formatLabels(selectorLabels(g));
    bySelector.set(key, [...(bySelector.get(key) ?? []), g]);
  }
  for (const [selector, list] of bySelector) {
    if (list.length < 2) continue;
    for (const gateway of list) {
      for (const server of objects(gateway.spec.servers)) {
        const port = isObject(server.port) ? Number(server.port.number) : NaN;
        const hosts = strings(server.hosts).map(h => splitServerHost(h).host);
        for (const other of list) {
          if (other === gateway) continue;
          const clash = objects(other.spec.servers).find(s => isObject(s.port) && Number(s.port.number) === port
            && strings(s.hosts).some(h => hosts.some(mine => intersects(mine, splitServerHost(h).host))));
          if (clash) {
            const shared = hosts.filter(h => strings(clash.hosts).some(o => intersects(h, splitServerHost(o).host)));
            ctx.report(gateway, 'IST0145', `Conflict with gateways ${other.fullName} (workload selector ${selector}, port ${port}, hosts ${shared.join(', ')}).`);
          }
        }
      }
    }
  }
}

/** IST0101 (credentialName), IST0161: the TLS secrets of Gateway servers. */
export function gatewaySecrets(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const gateway of model.istio('Gateway')) {
    const pods = model.workloads.selectAll(labelSelector(selectorLabels(gateway)));
    const namespaces = pods.length > 0 ? [...new Set(pods.map(p => p.namespace))] : [gateway.namespace!];
    for (const server of objects(gateway.spec.servers)) {
      const tls = isObject(server.tls) ? server.tls : undefined;
      const credential = typeof tls?.credentialName === 'string' ? tls.credentialName : '';
      if (!tls || credential === '' || credential.includes('://')) continue;
      for (const ns of namespaces) {
        const secret = model.secret(ns, credential);
        if (!secret) {
          if (!model.expects('Secret', ns)) continue;
          ctx.report(gateway, 'IST0101', `Referenced credentialName not found: "${credential}"; create Secret ${credential} in namespace ${ns}, where the gateway runs`);
          continue;
        }
        const data = { ...stringMap(secret.json.data), ...stringMap(secret.json.stringData) };
        const hasPair = (data['tls.crt'] && data['tls.key']) || (data.cert && data.key);
        const mutual = tls.mode === 'MUTUAL';
        const hasCa = data['ca.crt'] || data.cacert || model.secret(ns, `${credential}-cacert`) !== undefined;
        if (!hasPair || (mutual && !hasCa)) {
          ctx.report(gateway, 'IST0161', `The credential referenced by the Gateway ${gateway.name} in namespace ${gateway.namespace} is invalid, which can cause the traffic not to work as expected: `
            + `Secret ${ns}/${credential} ${!hasPair ? 'has no tls.crt and tls.key' : 'has no ca.crt for MUTUAL mode'}.`);
        }
      }
    }
  }
}
