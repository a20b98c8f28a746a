import { IConstruct } from 'constructs';
import { ExtensionPhase, TrafficSelector, checkEnum, renderTrafficSelectors, validatePriority, validateTrafficSelectors } from './wasm-module';
import { WorkloadSelector } from '../core/workload-selector';
import { PolicyAttachment } from '../security/policy-attachment';
import { PolicyTargetReference } from '../security/policy-target-reference';

/**
 * Where an extension (WasmPlugin, TrafficExtension) is inserted and which workloads and
 * traffic it applies to.
 */
export interface ExtensionPlacementOptions {
  /**
   * The workloads the extension applies to. Cannot be combined with `targetRefs`.
   *
   * @default - every workload in the namespace (the mesh, in the mesh root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Gateways, Services or ServiceEntries the extension attaches to, at most 16. Cannot be
   * combined with `selector`.
   *
   * @default - none
   */
  readonly targetRefs?: PolicyTargetReference[];

  /**
   * Which traffic the extension sees.
   *
   * @default - all traffic
   */
  readonly match?: TrafficSelector[];

  /**
   * Where in the filter chain the extension is inserted.
   *
   * @default - at the end, just before the router
   */
  readonly phase?: ExtensionPhase;

  /**
   * Order among extensions of the same phase: higher runs first.
   *
   * @default - ordered by creation time, then name
   */
  readonly priority?: number;

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`), where a `GatewayClass`
   * target is honoured.
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * Internal: selector/targetRefs, match, phase and priority of an extension.
 */
export class ExtensionPlacement {
  private readonly attachment: PolicyAttachment;
  private readonly match: TrafficSelector[];

  public constructor(private readonly scope: IConstruct, private readonly options: ExtensionPlacementOptions) {
    this.attachment = new PolicyAttachment(scope, options.selector, options.targetRefs);
    this.match = [...(options.match ?? []).map(m => ({ ...m, ports: m.ports ? [...m.ports] : undefined }))];
    validateTrafficSelectors(scope, this.match);
    checkEnum(scope, 'phase', options.phase, ExtensionPhase);
    validatePriority(scope, 'priority', options.priority);
    options.selector?._labels(scope, 'selector.matchLabels');
  }

  /** Adds a target reference. */
  public addTargetRef(ref: PolicyTargetReference): void {
    this.attachment.addTargetRef(ref);
  }

  /** Adds a traffic selector. */
  public addMatch(selector: TrafficSelector): void {
    const next = [...this.match, { ...selector, ports: selector.ports ? [...selector.ports] : undefined }];
    validateTrafficSelectors(this.scope, next);
    this.match.push(next[next.length - 1]);
  }

  /** Renders selector/targetRefs, match, phase and priority. */
  public render(namespace: string | undefined): Record<string, unknown> {
    return {
      ...this.attachment.render(namespace, this.options.meshRootNamespace ?? 'istio-system'),
      ...(this.match.length > 0 ? { match: renderTrafficSelectors(this.match) } : {}),
      ...(this.options.phase !== undefined ? { phase: this.options.phase } : {}),
      ...(this.options.priority !== undefined ? { priority: this.options.priority } : {}),
    };
  }
}
