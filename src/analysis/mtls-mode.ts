import { LabelIndex, matches } from './labels';
import type { MeshModel, Workload } from './model';
import { isObject, Json, Resource } from './resource';

/**
 * The effective mutual TLS mode of a workload, as istiod computes it from the
 * PeerAuthentications: the workload's own policy (selector), then its namespace's (no
 * selector), then the mesh's (root namespace, no selector); `UNSET` inherits from the next
 * level, and with no policy at all the mode is PERMISSIVE. Port-level modes come from the
 * workload's own policy only, and are keyed by the container (target) port. Internal.
 */
export interface EffectiveMtls {
  /** STRICT, PERMISSIVE or DISABLE. */
  readonly mode: string;
  /** The PeerAuthentication that decided the mode; undefined when it is Istio's default. */
  readonly source?: Resource;
  /** Port-level modes, by container port, sorted by port. */
  readonly ports: ReadonlyArray<{ readonly port: number; readonly mode: string }>;
}

/** Istio's default when no PeerAuthentication applies. */
export const DEFAULT_MTLS_MODE = 'PERMISSIVE';

/** The PeerAuthentications of a model, indexed once. */
export class PeerAuthenticationIndex {
  private readonly namespaceWide = new Map<string, Resource>();
  private readonly withSelector = new LabelIndex<Resource>();
  private readonly selectors = new Map<Resource, Json>();

  public constructor(private readonly model: MeshModel) {
    // The oldest policy wins in Istio; manifests have no creation time, so the first by name does.
    const policies = [...model.istio('PeerAuthentication')].sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
    for (const p of policies) {
      const selector = isObject(p.spec.selector) ? p.spec.selector : undefined;
      const labels = selector && isObject(selector.matchLabels) ? selector.matchLabels : undefined;
      if (!labels || Object.keys(labels).length === 0) {
        if (!this.namespaceWide.has(p.namespace!)) this.namespaceWide.set(p.namespace!, p);
      } else {
        this.selectors.set(p, labels);
        this.withSelector.add(p.namespace!, {}, p);
      }
    }
  }

  /** The namespace-wide policy of `namespace` (the mesh-wide one for the root namespace). */
  public namespacePolicy(namespace: string): Resource | undefined {
    return this.namespaceWide.get(namespace);
  }

  /** The mode a namespace gives its workloads (namespace policy, then mesh policy, then the default). */
  public namespaceMode(namespace: string): EffectiveMtls {
    for (const p of [this.namespaceWide.get(namespace), this.namespaceWide.get(this.model.rootNamespace)]) {
      const mode = p ? modeOf(p.spec.mtls) : undefined;
      if (p && mode) return { mode, source: p, ports: [] };
    }
    return { mode: DEFAULT_MTLS_MODE, ports: [] };
  }

  /** The effective mode of a workload, with its port-level modes. */
  public of(workload: Workload): EffectiveMtls {
    const own = this.withSelector.inNamespace(workload.namespace)
      .find(p => matches({ matchLabels: this.selectors.get(p)!, matchExpressions: [] }, workload.labels));
    const inherited = this.namespaceMode(workload.namespace);
    const ownMode = own ? modeOf(own.spec.mtls) : undefined;
    const base = own && ownMode ? { mode: ownMode, source: own } : { mode: inherited.mode, source: inherited.source };
    const ports: Array<{ port: number; mode: string }> = [];
    if (own && isObject(own.spec.portLevelMtls)) {
      for (const [port, value] of Object.entries(own.spec.portLevelMtls as Json)) {
        if (!/^\d+$/.test(port)) continue;
        ports.push({ port: Number(port), mode: modeOf(isObject(value) ? value : undefined) ?? base.mode });
      }
    }
    ports.sort((a, b) => a.port - b.port);
    return { ...base, ports };
  }
}

/** The mode of an `mtls` block; undefined when absent or UNSET (inherit). */
function modeOf(mtls: unknown): string | undefined {
  if (!isObject(mtls) || typeof mtls.mode !== 'string' || mtls.mode === 'UNSET' || mtls.mode === '') return undefined;
  return mtls.mode;
}
