import { AnalysisContext } from '../context';
import { formatLabels } from '../labels';
import { selectorOf, Workload } from '../model';
import { isObject, objects, Resource, strings } from '../resource';

/**
 * Analyzers of resources that select workloads: Sidecar (IST0101, IST0110, IST0111, IST0167),
 * Telemetry (IST0157, IST0159, IST0160, IST0002) and AuthorizationPolicy (IST0101, IST0127).
 * Internal.
 */

/** The `workloadSelector` (Sidecar) or `selector` (Telemetry, policies) labels; undefined when none. */
function selectorLabels(r: Resource): Record<string, string> | undefined {
  const s = selectorOf(r.kind === 'Sidecar' ? r.spec.workloadSelector : r.spec.selector);
  return s && Object.keys(s.matchLabels).length > 0 ? s.matchLabels : undefined;
}

/**
 * IST0111/IST0160 (two without selector in a namespace), IST0110/IST0159 (two selecting one
 * pod), IST0101 (a selector matching nothing, Sidecar only).
 */
function overlapping(ctx: AnalysisContext, kind: 'Sidecar' | 'Telemetry'): void {
  const model = ctx.model;
  const [noSelectorCode, sameWorkloadCode, plural] = kind === 'Sidecar'
    ? ['IST0111', 'IST0110', 'Sidecars'] as const : ['IST0160', 'IST0159', 'Telemetries'] as const;
  const byNamespace = new Map<string, Resource[]>();
  for (const r of model.istio(kind)) {
    if (kind === 'Telemetry' && (r.namespace === model.rootNamespace || isObject(r.spec.targetRef) || objects(r.spec.targetRefs).length > 0)) continue;
    byNamespace.set(r.namespace!, [...(byNamespace.get(r.namespace!) ?? []), r]);
  }
  for (const [ns, list] of byNamespace) {
    const unselected = list.filter(r => !selectorLabels(r));
    if (unselected.length > 1) {
      const names = unselected.map(r => r.name).sort();
      for (const r of unselected) {
        ctx.report(r, noSelectorCode, `The ${plural} [${names.join(' ')}] in namespace "${ns}" have no workload selector, which can lead to undefined behavior.`);
      }
    }
    const byPod = new Map<Workload, Resource[]>();
    for (const r of list) {
      const labels = selectorLabels(r);
      if (!labels) continue;
      const pods = model.selectWorkloads(ns, { matchLabels: labels, matchExpressions: [] });
      if (pods.length === 0 && kind === 'Sidecar' && model.expects('Deployment', ns)) {
        ctx.report(r, 'IST0101', `Referenced selector not found: "${formatLabels(labels)}"`);
      }
      for (const pod of pods) byPod.set(pod, [...(byPod.get(pod) ?? []), r]);
    }
    for (const [pod, selecting] of byPod) {
      if (selecting.length < 2) continue;
      const names = selecting.map(r => r.name).sort();
      for (const r of selecting) {
        ctx.report(r, sameWorkloadCode, `The ${plural} [${names.join(' ')}] in namespace "${ns}" select the same workload pod "${pod.resource.name}", which can lead to undefined behavior.`);
      }
    }
  }
}

export function sidecarSelectors(ctx: AnalysisContext): void {
  overlapping(ctx, 'Sidecar');
  // IST0167: a Sidecar only configures sidecar proxies; ambient workloads have none.
  for (const r of ctx.model.istio('Sidecar')) {
    const ns = ctx.model.namespaceObject(r.namespace!);
    if (ns?.labels['istio.io/dataplane-mode'] === 'ambient') {
      ctx.report(r, 'IST0167', `The policy has no impact: namespace ${r.namespace} runs in ambient mode, where workloads have no sidecar for a Sidecar to configure.`);
    }
  }
}

export function telemetrySelectors(ctx: AnalysisContext): void {
  overlapping(ctx, 'Telemetry');
}

/** IST0157 (sections without providers and no default provider), IST0002 (the Lightstep provider). */
export function telemetryProviders(ctx: AnalysisContext): void {
  const mesh = ctx.model.meshConfig;
  const defaults = isObject(mesh.defaultProviders) ? mesh.defaultProviders : {};
  const providers = objects(mesh.extensionProviders);
  for (const t of ctx.model.istio('Telemetry')) {
    const sections: Array<[string, string]> = [['metrics', 'metrics'], ['tracing', 'tracing'], ['accessLogging', 'accessLogging']];
    for (const [field, key] of sections) {
      for (const entry of objects(t.spec[field])) {
        const named = objects(entry.providers).map(p => String(p.name ?? ''));
        if (named.length === 0 && strings(defaults[key]).length === 0 && entry.disabled !== true) {
          ctx.report(t, 'IST0157', `The Telemetry ${t.name} in namespace "${t.namespace}" with empty providers will be ignored: `
            + `name a provider in ${field}[].providers, or set meshConfig.defaultProviders.${key}.`);
        }
        for (const name of named) {
          if (providers.some(p => p.name === name && isObject(p.lightstep))) {
            ctx.report(t, 'IST0002', `Deprecated: The Lightstep provider ${name} is deprecated, please migrate to OpenTelemetry provider.`);
          }
        }
      }
    }
  }
}

/** IST0127 (selector matching no workload), IST0101 (a namespace referenced by a rule that no object defines). */
export function authorizationPolicies(ctx: AnalysisContext): void {
  const model = ctx.model;
  const policies = model.istio('AuthorizationPolicy');
  if (policies.length === 0) return;
  const known = new Set(model.namespaces());
  for (const policy of policies) {
    const labels = selectorLabels(policy);
    if (labels) {
      const pods = policy.namespace === model.rootNamespace
        ? model.workloads.selectAll({ matchLabels: labels, matchExpressions: [] })
        : model.selectWorkloads(policy.namespace!, { matchLabels: labels, matchExpressions: [] });
      if (pods.length === 0 && (model.complete || model.workloadList.some(w => w.namespace === policy.namespace && !model.assumed.has(w.resource)))) {
        ctx.report(policy, 'IST0127', `No matching workloads for this resource with the following labels: ${formatLabels(labels)}`);
      }
    }
    if (!model.complete && !model.ofKind('Namespace').length) continue;
    const referenced = objects(policy.spec.rules).flatMap(r => objects(r.from)).flatMap(f => [
      ...strings(isObject(f.source) ? f.source.namespaces : undefined), ...strings(isObject(f.source) ? f.source.notNamespaces : undefined),
    ]);
    for (const ns of new Set(referenced)) {
      if (matchesKnown(ns, known)) continue;
      ctx.report(policy, 'IST0101', `Referenced namespace not found: "${ns}"`);
    }
  }
}

function matchesKnown(pattern: string, known: Set<string>): boolean {
  // A pattern (`kube-*`) may match namespaces created later: only exact names are checked.
  return pattern.includes('*') || known.has(pattern);
}
