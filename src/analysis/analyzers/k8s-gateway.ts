import { AnalysisContext } from '../context';
import { matches } from '../labels';
import { selectorOf } from '../model';
import { isObject, objects } from '../resource';

/**
 * Kubernetes Gateway API analyzers (istioctl pkg/config/analysis/analyzers/k8sgateway), on the
 * raw `gateway.networking.k8s.io` objects whatever wrote them: IST0166, IST0176. Internal.
 */

/** The oldest Gateway API bundle Istio 1.30 serves everything from. */
export const MIN_GATEWAY_API_VERSION = 'v1.5.0';

const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

/**
 * IST0166: a policy whose `selector` picks the pods of a Kubernetes Gateway; those pods take
 * policies through `targetRefs` only. The pods istiod deploys for a Gateway carry
 * `gateway.networking.k8s.io/gateway-name: <name>`.
 */
export function ineffectiveSelectors(ctx: AnalysisContext): void {
  const gateways = ctx.model.gatewayApi('Gateway');
  if (gateways.length === 0) return;
  for (const kind of POLICY_KINDS) {
    for (const policy of ctx.model.istio(kind)) {
      const selector = selectorOf(policy.spec.selector);
      if (!selector || Object.keys(selector.matchLabels).length === 0) continue;
      for (const gw of gateways) {
        if (policy.namespace !== gw.namespace && policy.namespace !== ctx.model.rootNamespace) continue;
        const podLabels = { 'gateway.networking.k8s.io/gateway-name': gw.name, 'istio.io/gateway-name': gw.name, ...podLabelsOf(gw.spec) };
        const keys = Object.keys(selector.matchLabels);
        if (keys.every(k => k in podLabels) && matches(selector, podLabels)) {
          ctx.report(policy, 'IST0166', `Ineffective selector on Kubernetes Gateway ${gw.name}. Use the TargetRef field instead: targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gw.name} }].`);
        }
      }
    }
  }
}

function podLabelsOf(spec: Record<string, any>): Record<string, string> {
  const infra = isObject(spec.infrastructure) && isObject(spec.infrastructure.labels) ? spec.infrastructure.labels : {};
  return Object.fromEntries(Object.entries(infra).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function parseVersion(v: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function older(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** IST0176: Gateway API CRDs older than Istio 1.30 needs; istiod silently ignores what they serve. */
export function gatewayApiCrdVersion(ctx: AnalysisContext): void {
  const min = parseVersion(MIN_GATEWAY_API_VERSION)!;
  for (const crd of ctx.model.kube('CustomResourceDefinition')) {
    const group = isObject(crd.spec) ? crd.spec.group : undefined;
    if (group !== 'gateway.networking.k8s.io') continue;
    const bundle = crd.annotations['gateway.networking.k8s.io/bundle-version'];
    const version = bundle ? parseVersion(bundle) : undefined;
    if (version && older(version, min)) {
      ctx.report(crd, 'IST0176', `The Gateway API CRD version ${bundle} is lower than the minimum version ${MIN_GATEWAY_API_VERSION} Istio 1.30 needs: `
        + 'istiod ignores the resources it serves. Install the Gateway API standard CRDs v1.5 or later.');
    }
  }
  void objects;
}
