import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvoyObjectMatch } from './envoy-filter-match';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { cloneJson, copyJsonLike, findJsonStrings, validateJsonObject } from '../core/json';
import { check, compact, fail } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';
import { PolicyAttachment } from '../security/policy-attachment';
import { PolicyTargetReference } from '../security/policy-target-reference';

/**
 * The kind of Envoy object a patch applies to.
 */
export enum EnvoyFilterApplyTo {
  /** A listener. */
  LISTENER = 'LISTENER',
  /** A filter chain of a listener. */
  FILTER_CHAIN = 'FILTER_CHAIN',
  /** A network filter of a filter chain. */
  NETWORK_FILTER = 'NETWORK_FILTER',
  /** An HTTP filter of the HTTP connection manager. */
  HTTP_FILTER = 'HTTP_FILTER',
  /** An HTTP route configuration. */
  ROUTE_CONFIGURATION = 'ROUTE_CONFIGURATION',
  /** A virtual host of a route configuration. */
  VIRTUAL_HOST = 'VIRTUAL_HOST',
  /** A route of a virtual host. */
  HTTP_ROUTE = 'HTTP_ROUTE',
  /** A cluster. */
  CLUSTER = 'CLUSTER',
  /** An extension configuration served by ECDS (the value is a TypedExtensionConfig). */
  EXTENSION_CONFIG = 'EXTENSION_CONFIG',
  /** The proxy's bootstrap configuration. */
  BOOTSTRAP = 'BOOTSTRAP',
  /** A listener filter of a listener. */
  LISTENER_FILTER = 'LISTENER_FILTER',
}

/**
 * How a patch is applied.
 */
export enum PatchOperation {
  /** Merge the value into the matched object (protobuf merge). */
  MERGE = 'MERGE',
  /** Add the value as a new listener, cluster, filter chain or route. */
  ADD = 'ADD',
  /** Remove the matched object; takes no value. */
  REMOVE = 'REMOVE',
  /** Insert the value before the matched filter or route. */
  INSERT_BEFORE = 'INSERT_BEFORE',
  /** Insert the value after the matched filter or route. */
  INSERT_AFTER = 'INSERT_AFTER',
  /** Insert the value first in the list of filters or routes. */
  INSERT_FIRST = 'INSERT_FIRST',
  /** Replace the matched filter or route with the value. */
  REPLACE = 'REPLACE',
}

/**
 * Where an inserted HTTP filter goes relative to Istio's own filters; overrides the
 * operation's position.
 */
export enum FilterClass {
  /** After Istio's authentication filters. */
  AUTHN = 'AUTHN',
  /** After Istio's authorization filters. */
  AUTHZ = 'AUTHZ',
  /** After Istio's stats filters. */
  STATS = 'STATS',
}

/**
 * One patch of an EnvoyFilter.
 */
export interface EnvoyConfigPatchOptions {
  /** The kind of Envoy object to patch. */
  readonly applyTo: EnvoyFilterApplyTo;

  /**
   * Which objects to patch: `EnvoyObjectMatch.listener(...)`, `.routeConfiguration(...)`,
   * `.cluster(...)`, `.waypoint(...)` or `.any(...)`.
   *
   * @default - every object of the kind `applyTo` names, in every context
   */
  readonly match?: EnvoyObjectMatch;

  /** How the patch is applied. */
  readonly operation: PatchOperation;

  /**
   * The Envoy configuration to merge, add or insert, as a JSON object in Envoy's v3 API
   * (typed configs carry `@type`). Required for every operation except REMOVE.
   *
   * @default - none (REMOVE only)
   */
  readonly value?: { [key: string]: any };

  /**
   * Where an inserted HTTP filter goes relative to Istio's filters.
   *
   * @default - as the operation says
   */
  readonly filterClass?: FilterClass;
}

/**
 * Properties of an EnvoyFilter.
 */
export interface EnvoyFilterProps extends IstioResourceProps {
  /**
   * The workloads (pods, VMs, gateways) whose proxies are patched. Cannot be combined with
   * `targetRefs`.
   *
   * @default - every proxy in the namespace (every proxy of the mesh, in the root namespace)
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Gateways or Services (waypoints) whose proxies are patched, at most 16. Cannot be
   * combined with `workloadSelector`.
   *
   * @default - none
   */
  readonly targetRefs?: PolicyTargetReference[];

  /**
   * The patches; same as calling `addPatch()` for each.
   *
   * @default - none
   */
  readonly configPatches?: EnvoyConfigPatchOptions[];

  /**
   * The order in which EnvoyFilters of a context are applied: lower first; those of the root
   * namespace before those of the workload's namespace at equal priority.
   *
   * @default 0
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

const LISTENER_CLASS = [
  EnvoyFilterApplyTo.LISTENER, EnvoyFilterApplyTo.FILTER_CHAIN, EnvoyFilterApplyTo.NETWORK_FILTER, EnvoyFilterApplyTo.HTTP_FILTER,
];
const ROUTE_CLASS = [EnvoyFilterApplyTo.ROUTE_CONFIGURATION, EnvoyFilterApplyTo.VIRTUAL_HOST, EnvoyFilterApplyTo.HTTP_ROUTE];

/**
 * An Istio EnvoyFilter: patches the Envoy configuration Istio generates for the selected
 * proxies (add a Lua or rate-limit filter, tune a listener or cluster). It exposes
 * implementation details that may change between Istio versions; prefer the other APIs
 * when they can do the job.
 *
 * @example
 * const filter = new EnvoyFilter(this, 'lua', { workloadSelector: WorkloadSelector.fromLabels({ app: 'reviews' }) });
 * filter.addPatch({
 *   applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
 *   match: EnvoyObjectMatch.listener({
 *     context: PatchContext.SIDECAR_INBOUND,
 *     filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: EnvoyFilterName.ROUTER } },
 *   }),
 *   operation: PatchOperation.INSERT_BEFORE,
 *   value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_string: '...' } } },
 * });
 */
export class EnvoyFilter extends IstioResource {
  /** The underlying `networking.istio.io/v1alpha3` EnvoyFilter object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'envoyfilters';

  private readonly attachment: PolicyAttachment;
  private readonly patches: EnvoyConfigPatchOptions[] = [];
  private readonly priority?: number;
  private readonly meshRootNamespace: string;

  public constructor(scope: Construct, id: string, props: EnvoyFilterProps = {}) {
    super(scope, id, props);
    this.attachment = new PolicyAttachment(this, props.workloadSelector, props.targetRefs);
    props.workloadSelector?._labels(this, 'workloadSelector.labels');
    if (props.priority !== undefined) {
      check(Number.isInteger(props.priority) && props.priority >= -(2 ** 31) && props.priority <= 2 ** 31 - 1, this, 'priority', props.priority,
        'must be a 32-bit integer (-2147483648 to 2147483647)');
    }
    this.priority = props.priority;
    this.meshRootNamespace = props.meshRootNamespace ?? 'istio-system';
    this.apiObject = new k.EnvoyFilter(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const patch of props.configPatches ?? []) this.addPatch(patch);
  }

  /**
   * Adds a patch, validated as Istio's webhook does: applyTo, operation and value present,
   * the match of the class `applyTo` names, filter matches with a name, sub-filter matches
   * only for HTTP filters inside the HTTP connection manager, Envoy v3 types only.
   */
  public addPatch(patch: EnvoyConfigPatchOptions): void {
    const field = `configPatches[${this.patches.length}]`;
    const applyTo = patch.applyTo;
    check(applyTo !== undefined, this, `${field}.applyTo`, applyTo, `is required: one of ${Object.values(EnvoyFilterApplyTo).join(', ')}`);
    check(Object.values(EnvoyFilterApplyTo).includes(applyTo), this, `${field}.applyTo`, applyTo, `must be one of ${Object.values(EnvoyFilterApplyTo).join(', ')}`);
    check(patch.operation !== undefined, this, `${field}.patch.operation`, patch.operation, `is required: one of ${Object.values(PatchOperation).join(', ')}`);
    check(Object.values(PatchOperation).includes(patch.operation), this, `${field}.patch.operation`, patch.operation,
      `must be one of ${Object.values(PatchOperation).join(', ')}`);
    if (patch.filterClass !== undefined) {
      check(Object.values(FilterClass).includes(patch.filterClass), this, `${field}.patch.filterClass`, patch.filterClass,
        `must be one of ${Object.values(FilterClass).join(', ')}`);
    }
    if (patch.operation !== PatchOperation.REMOVE) {
      check(patch.value !== undefined, this, `${field}.patch.value`, patch.value, `is required for the ${patch.operation} operation (only REMOVE takes no value)`);
    }
    if (patch.value !== undefined) {
      validateJsonObject(this, `${field}.patch.value`, patch.value);
      for (const t of findJsonStrings(patch.value, '@type')) {
        const f = `${field}.patch.value${t.path}`;
        check(/^[^/\s]+(\/[^/\s]+)*\/[A-Za-z_][A-Za-z0-9_.]*$/.test(t.value), this, f, t.value,
          'must be a type URL such as "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua"');
        check(!/\.v2(alpha)?\.|^.*\/envoy\.api\.v2\b/.test(t.value), this, f, t.value,
          'names an Envoy v2 type, which Istio no longer knows; use the v3 API (e.g. envoy.extensions.filters.http.lua.v3.Lua)');
      }
    }
    const match = patch.match;
    if (match !== undefined) {
      check(match instanceof EnvoyObjectMatch, this, `${field}.match`, match, 'must be an EnvoyObjectMatch, e.g. EnvoyObjectMatch.listener({...})');
      const type = match._objectType;
      if (type !== undefined && type !== 'waypoint') {
        if (LISTENER_CLASS.includes(applyTo) && type !== 'listener') {
          fail(this, `${field}.match`, type, `applyTo ${applyTo} needs a listener match (EnvoyObjectMatch.listener()) or none`);
        }
        if (ROUTE_CLASS.includes(applyTo) && type !== 'routeConfiguration') {
          fail(this, `${field}.match`, type, `applyTo ${applyTo} needs a route configuration match (EnvoyObjectMatch.routeConfiguration()) or none`);
        }
        if (applyTo === EnvoyFilterApplyTo.CLUSTER && type !== 'cluster') {
          fail(this, `${field}.match`, type, 'applyTo CLUSTER needs a cluster match (EnvoyObjectMatch.cluster()) or none');
        }
      }
      if (LISTENER_CLASS.includes(applyTo) && type === 'listener' && match._filter()?.subFilter !== undefined) {
        check(applyTo === EnvoyFilterApplyTo.HTTP_FILTER, this, `${field}.match.listener.filterChain.filter.subFilter`, match._filter()!.subFilter,
          `a subFilter match only works with applyTo HTTP_FILTER, not ${applyTo}`);
      }
      match._render(this, `${field}.match`, this.namespace, LISTENER_CLASS.includes(applyTo));
    }
    this.patches.push({ ...patch, value: copyJsonLike(patch.value) });
  }

  /** Attaches the filter to one more Gateway or Service. */
  public addTargetRef(ref: PolicyTargetReference): void {
    this.attachment.addTargetRef(ref);
  }

  /** @internal */
  public _toKube(): k.EnvoyFilterSpec {
    const attachment = this.attachment.render(this.namespace, this.meshRootNamespace);
    return compact({
      workloadSelector: attachment.selector ? { labels: attachment.selector.matchLabels } : undefined,
      targetRefs: attachment.targetRefs,
      configPatches: this.patches.length > 0 ? this.patches.map((p, i) => compact({
        applyTo: p.applyTo,
        match: p.match?._render(this, `configPatches[${i}].match`, this.namespace, LISTENER_CLASS.includes(p.applyTo)),
        patch: compact({ operation: p.operation, value: p.value !== undefined ? cloneJson(p.value) : undefined, filterClass: p.filterClass }),
      })) : undefined,
      priority: this.priority,
    }) as unknown as k.EnvoyFilterSpec;
  }
}
