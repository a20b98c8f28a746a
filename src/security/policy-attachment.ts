import { IConstruct } from 'constructs';
import { PolicyTargetReference } from './policy-target-reference';
import { fail, validateResourceName } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/** The rendered `selector` or `targetRefs` of a policy spec. */
export interface RenderedAttachment {
  readonly selector?: { matchLabels: Record<string, string> };
  readonly targetRefs?: Array<{ group: string; kind: string; name: string }>;
}

/**
 * Internal: the `selector` / `targetRefs` pair every workload policy shares, with the CRD's
 * rules: at most one of them, at most 16 target references, no duplicates, no cross-namespace
 * targets, `GatewayClass` only in the mesh root namespace.
 */
export class PolicyAttachment {
  /** Istio's limit on `targetRefs`. */
  public static readonly MAX_TARGET_REFS = 16;

  private readonly targetRefs: PolicyTargetReference[] = [];

  public constructor(
    private readonly scope: IConstruct,
    public readonly selector: WorkloadSelector | undefined,
    targetRefs: readonly PolicyTargetReference[] | undefined,
  ) {
    for (const ref of targetRefs ?? []) this.addTargetRef(ref);
  }

  /** Whether the policy applies to every workload of its namespace. */
  public get isNamespaceWide(): boolean {
    return this.selector === undefined && this.targetRefs.length === 0;
  }

  /** Adds a target reference, enforcing the CRD's rules. */
  public addTargetRef(ref: PolicyTargetReference): void {
    const field = `targetRefs[${this.targetRefs.length}]`;
    if (this.selector !== undefined) {
      fail(this.scope, field, `${ref.kind}/${ref.name}`, 'a policy takes either a selector or targetRefs, not both; remove the selector to attach the policy to a resource');
    }
    if (this.targetRefs.length >= PolicyAttachment.MAX_TARGET_REFS) {
      fail(this.scope, field, `${ref.kind}/${ref.name}`, `a policy takes at most ${PolicyAttachment.MAX_TARGET_REFS} targetRefs`);
    }
    this.targetRefs.push(ref);
  }

  /** Renders `selector` and `targetRefs`, validating them against the policy's namespace. */
  public render(namespace: string | undefined, rootNamespace: string): RenderedAttachment {
    if (this.selector !== undefined) {
      return { selector: { matchLabels: this.selector._labels(this.scope, 'selector.matchLabels', true) } };
    }
    if (this.targetRefs.length === 0) return {};
    const seen = new Set<string>();
    const rendered = this.targetRefs.map((ref, i) => {
      const field = `targetRefs[${i}]`;
      const name = ref.name;
      validateResourceName(this.scope, `${field}.name`, name);
      const refNamespace = ref.namespace;
      if (refNamespace !== undefined && refNamespace !== namespace) {
        fail(this.scope, `${field}.namespace`, refNamespace,
          `Istio does not support cross-namespace targetRefs; the ${ref.kind} "${name}" must be in the policy's namespace ${namespace === undefined ? '(unset)' : JSON.stringify(namespace)}`);
      }
      if (ref.kind === 'GatewayClass' && namespace !== rootNamespace) {
        fail(this.scope, field, `GatewayClass/${name}`, `a GatewayClass target is only honoured in the mesh root namespace "${rootNamespace}"; the policy is in ${namespace === undefined ? 'no namespace' : JSON.stringify(namespace)}`);
      }
      const key = `${ref.group}/${ref.kind}/${name}`;
      if (seen.has(key)) fail(this.scope, field, `${ref.kind}/${name}`, 'must be unique; it appears more than once');
      seen.add(key);
      return { group: ref.group, kind: ref.kind, name };
    });
    return { targetRefs: rendered };
  }
}
