import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ISubset } from './destination';
import { qualifyHost } from './host';
import { ServiceEntry } from './service-entry';
import { registerSubsetSource } from './subset-registry';
import { PortTrafficPolicyOptions, TrafficPolicyOptions } from './traffic-policy';
import { renderTrafficPolicy, tlsModesOf } from './traffic-policy-render';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { IPodWorkload, IServiceReference } from '../core/kube-refs';
import {
  fail, invalidMessage, nonEmpty, quote, validateDnsLabel, validateExportTo, validateHost, validateIstioLabel, validationMessage,
  validateLabelKey, validateLabels,
} from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * Options of a subset.
 */
export interface SubsetOptions {
  /**
   * The pod labels that select the subset's endpoints among the host's endpoints, e.g.
   * `{ version: 'v1' }`.
   *
   * @default - all endpoints of the host
   */
  readonly labels?: Record<string, string>;

  /**
   * Traffic policies for this subset; they replace the rule's policies for the subset.
   *
   * @default - the rule's traffic policy
   */
  readonly trafficPolicy?: TrafficPolicyOptions;
}

/**
 * A subset given to the DestinationRule constructor.
 */
export interface SubsetProps extends SubsetOptions {
  /** The subset name: a DNS label such as `v1`. */
  readonly name: string;
}

/**
 * Options of a subset derived from a cdk8s-plus workload.
 */
export interface WorkloadSubsetOptions {
  /**
   * The pod-template labels of the workload that select the subset. Their values are read
   * from the workload when the chart is synthesized.
   *
   * @default ['version']
   */
  readonly labelKeys?: string[];

  /**
   * The subset name.
   *
   * @default - the value of the workload's first label in `labelKeys` (e.g. `v1`)
   */
  readonly name?: string;

  /**
   * Traffic policies for this subset.
   *
   * @default - the rule's traffic policy
   */
  readonly trafficPolicy?: TrafficPolicyOptions;
}

/**
 * Options of a DestinationRule, except its host.
 */
export interface DestinationRuleOptions extends IstioResourceProps {
  /**
   * Namespaces the rule applies to callers in: `.` (this namespace), `*` (all) or names.
   *
   * @default - all namespaces (mesh default)
   */
  readonly exportTo?: string[];

  /**
   * Apply the rule only to these calling workloads (in the rule's namespace). The rule can
   * then only be exported to its own namespace.
   *
   * @default - every workload the rule is exported to
   */
  readonly workloadSelector?: WorkloadSelector;

  /**
   * Traffic policies for the whole host.
   *
   * @default - Istio's defaults
   */
  readonly trafficPolicy?: TrafficPolicyOptions;

  /**
   * Named subsets; same as calling `addSubset()` for each.
   *
   * @default - no subsets
   */
  readonly subsets?: SubsetProps[];

  /**
   * Workloads to derive subsets from by their `version` pod label; same as calling
   * `addSubsetFromWorkload()` for each.
   *
   * @default - none
   */
  readonly workloadSubsets?: IPodWorkload[];
}

/**
 * Options of a DestinationRule for a ServiceEntry.
 */
export interface ServiceEntryDestinationRuleOptions extends DestinationRuleOptions {
  /**
   * The host of the ServiceEntry the rule applies to.
   *
   * @default - the entry's first host
   */
  readonly host?: string;
}

/**
 * Properties of a DestinationRule.
 */
export interface DestinationRuleProps extends DestinationRuleOptions {
  /**
   * The service the rule applies to: a Kubernetes service name (`reviews`), an FQDN
   * (`reviews.bookinfo.svc.cluster.local`), a ServiceEntry host, or a wildcard (`*.local`).
   * Use `DestinationRule.forService()` for a cdk8s-plus Service.
   */
  readonly host: string;
}

/**
 * Options of a subset imported by name.
 */
export interface SubsetImportOptions {
  /**
   * The namespace of the DestinationRule that defines the subset; a short host is then
   * qualified with it when routed to from another namespace.
   *
   * @default - the namespace of the resource that routes to it
   */
  readonly namespace?: string;
}

/**
 * A named subset of a host defined by a DestinationRule; a route can target it with
 * `Destination.fromSubset(subset)`.
 */
export class Subset implements ISubset {
  /**
   * A subset defined by a DestinationRule this app does not own (another app's, a Helm
   * chart's): `Subset.fromName('reviews', 'v3')`. The host and name are validated now; that
   * the other DestinationRule really defines the subset is not checked.
   *
   * @param host the host of the DestinationRule, e.g. `reviews` or `reviews.bookinfo.svc.cluster.local`
   * @param subsetName the subset name, e.g. `v3`
   */
  public static fromName(host: string, subsetName: string, options: SubsetImportOptions = {}): ISubset {
    validateHost(undefined, 'Subset.fromName host', host, { allowWildcard: false });
    validateIstioLabel(undefined, 'Subset.fromName subsetName', subsetName);
    validateDnsLabel(undefined, 'Subset.fromName namespace', options.namespace);
    return { host, subsetName, namespace: options.namespace };
  }

  /** @internal */
  public static _create(
    rule: DestinationRule, name: string, labels: () => Record<string, string> | undefined, trafficPolicy?: TrafficPolicyOptions,
  ): Subset {
    return new Subset(rule, name, labels, trafficPolicy);
  }

  /** The DestinationRule that defines the subset. */
  public readonly destinationRule: DestinationRule;
  /** The subset name. */
  public readonly subsetName: string;
  /** @internal */
  public readonly _trafficPolicy?: TrafficPolicyOptions;
  private readonly labels: () => Record<string, string> | undefined;

  private constructor(rule: DestinationRule, name: string, labels: () => Record<string, string> | undefined, trafficPolicy?: TrafficPolicyOptions) {
    this.destinationRule = rule;
    this.subsetName = name;
    this.labels = labels;
    this._trafficPolicy = trafficPolicy;
  }

  /** The host of the DestinationRule. */
  public get host(): string {
    return this.destinationRule.host;
  }

  /** The namespace of the DestinationRule. */
  public get namespace(): string | undefined {
    return this.destinationRule.namespace;
  }

  /** @internal */
  public _render(field: string): k.DestinationRuleSpecSubsets {
    const rule = this.destinationRule;
    const labels = this.labels();
    validateLabels(rule, `${field}.labels`, labels);
    return {
      name: this.subsetName,
      ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
      ...(this._trafficPolicy
        ? { trafficPolicy: renderTrafficPolicy(rule, `${field}.trafficPolicy`, this._trafficPolicy, rule.namespace) as k.DestinationRuleSpecSubsetsTrafficPolicy }
        : {}),
    };
  }
}

/**
 * An Istio DestinationRule: the policies applied to traffic for a service after routing
 * (load balancing, connection pool, outlier detection, TLS) and its named subsets.
 *
 * @example
 * const reviews = new DestinationRule(chart, 'reviews', {
 *   host: 'reviews',
 *   trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM) },
 * });
 * const v2 = reviews.addSubset('v2', { labels: { version: 'v2' } });
 */
export class DestinationRule extends IstioResource {
  /**
   * A DestinationRule for a cdk8s-plus Service: the host is the service's name, qualified
   * as `name.namespace.svc.cluster.local` when the service is in another namespace.
   */
  public static forService(scope: Construct, id: string, service: IServiceReference, options: DestinationRuleOptions = {}): DestinationRule {
    const serviceNamespace = service.metadata.namespace;
    const host = serviceNamespace !== undefined && serviceNamespace !== options.metadata?.namespace
      ? qualifyHost(service.name, serviceNamespace)
      : service.name;
    return new DestinationRule(scope, id, { ...options, host });
  }

  /**
   * A DestinationRule for a ServiceEntry of this app: the host is the entry's first host, or
   * `options.host` when that names another of its hosts.
   */
  public static forServiceEntry(
    scope: Construct, id: string, entry: ServiceEntry, options: ServiceEntryDestinationRuleOptions = {},
  ): DestinationRule {
    const host = options.host ?? entry.hosts[0];
    if (!entry.hosts.includes(host)) {
      fail(scope, 'host', host, `is not a host of ${entry.node.path}; its hosts are ${entry.hosts.map(h => quote(h)).join(', ')}`);
    }
    return new DestinationRule(scope, id, { ...options, host });
  }

  /** The underlying `networking.istio.io/v1` DestinationRule object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'destinationrules';

  /** The host the rule applies to, as written in the rule. */
  public readonly host: string;

  private readonly exportTo?: string[];
  private readonly workloadSelector?: WorkloadSelector;
  private readonly trafficPolicy?: TrafficPolicyOptions;
  private readonly portPolicies: Array<PortTrafficPolicyOptions & { port: number }> = [];
  private readonly subsets: Subset[] = [];
  private readonly referencedSubsets = new Map<string, Subset>();

  public constructor(scope: Construct, id: string, props: DestinationRuleProps) {
    super(scope, id, props);
    this.apiObject = new k.DestinationRule(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    validateHost(this, 'host', props.host);
    validateExportTo(this, 'exportTo', props.exportTo);
    this.host = props.host;
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;
    this.workloadSelector = props.workloadSelector;
    this.trafficPolicy = props.trafficPolicy;
    this.checkExportTo();
    this.renderTrafficPolicy();

    registerSubsetSource(this, {
      host: this.host,
      namespace: this.namespace,
      subsetNames: () => this.subsets.map(s => s.subsetName),
    });

    for (const subset of props.subsets ?? []) {
      this.addSubset(subset.name, subset);
    }
    this.node.addValidation({ validate: () => this.undefinedSubsets() });
    for (const workload of props.workloadSubsets ?? []) {
      this.addSubsetFromWorkload(workload);
    }
  }

  /**
   * Adds a named subset, selected by pod labels, and returns it for use in routes.
   */
  public addSubset(name: string, options: SubsetOptions = {}): Subset {
    const field = `subsets[${this.subsets.length}]`;
    this.checkSubsetName(`${field}.name`, name);
    validateLabels(this, `${field}.labels`, options.labels);
    const labels = options.labels ? { ...options.labels } : undefined;
    return this.pushSubset(field, Subset._create(this, name, () => labels, options.trafficPolicy));
  }

  /**
   * Adds a subset for the pods of a cdk8s-plus workload (e.g. a Deployment of `reviews-v2`),
   * selected by its pod-template labels (`version` unless `labelKeys` says otherwise). The
   * label values are read when the chart is synthesized.
   */
  public addSubsetFromWorkload(workload: IPodWorkload, options: WorkloadSubsetOptions = {}): Subset {
    const field = `subsets[${this.subsets.length}]`;
    const keys = options.labelKeys ?? ['version'];
    if (keys.length === 0) fail(this, `${field}.labels`, keys, 'labelKeys must name at least one pod label');
    keys.forEach(key => validateLabelKey(this, `${field}.labels key`, key));
    const missing = keys.filter(key => workload.podMetadata.getLabel(key) === undefined);
    if (missing.length > 0) {
      fail(this, `${field}.labels`, missing,
        `${workload.node.path} has no pod label ${missing.map(m => quote(m)).join(', ')}; add it with podMetadata.addLabel() or choose labelKeys`);
    }
    const name = options.name ?? workload.podMetadata.getLabel(keys[0])!;
    this.checkSubsetName(`${field}.name`, name);
    const read = () => {
      const labels: Record<string, string> = {};
      for (const key of keys) {
        const value = workload.podMetadata.getLabel(key);
        if (value !== undefined) labels[key] = value;
      }
      return labels;
    };
    validateLabels(this, `${field}.labels`, read());
    this.node.addValidation({
      validate: () => {
        const gone = keys.filter(key => workload.podMetadata.getLabel(key) === undefined);
        return gone.length > 0
          ? [validationMessage(`${field}.labels`, gone, `${workload.node.path} (subset "${name}") no longer has pod label ${gone.map(g => quote(g)).join(', ')}`)]
          : [];
      },
    });
    return this.pushSubset(field, Subset._create(this, name, read, options.trafficPolicy));
  }

  /**
   * The subset with this name. It may be added later (`addSubset()` after `subset()`):
   * synthesis fails if the rule does not define it by then.
   */
  public subset(name: string): Subset {
    const found = this.subsets.find(s => s.subsetName === name);
    if (found) return found;
    validateIstioLabel(this, 'subsets', name);
    let ref = this.referencedSubsets.get(name);
    if (!ref) {
      ref = Subset._create(this, name, () => undefined);
      this.referencedSubsets.set(name, ref);
    }
    return ref;
  }

  /**
   * Sets the policies for one port of the host (`trafficPolicy.portLevelSettings`).
   */
  public addPortTrafficPolicy(port: number, policy: PortTrafficPolicyOptions): void {
    this.portPolicies.push({ ...policy, port });
    try {
      this.renderTrafficPolicy();
    } catch (e) {
      this.portPolicies.pop();
      throw e;
    }
  }

  /**
   * Every TLS mode the rule sets: top level, per port, per subset and per subset port.
   * Used by the PeerAuthentication mTLS conflict check.
   * @internal
   */
  public _tlsModes(): Array<{ port?: number; subset?: string; mode: string }> {
    return [
      ...tlsModesOf(this.effectiveTrafficPolicy()),
      ...this.subsets.flatMap(s => tlsModesOf(s._trafficPolicy, s.subsetName)),
    ];
  }

  /** @internal */
  public _toKube(): k.DestinationRuleSpec {
    const trafficPolicy = this.renderTrafficPolicy();
    const spec: k.DestinationRuleSpec = {
      host: this.host,
      ...(this.exportTo && this.exportTo.length > 0 ? { exportTo: [...this.exportTo] } : {}),
      ...(this.workloadSelector ? { workloadSelector: { matchLabels: this.workloadSelector._labels(this, 'workloadSelector.matchLabels') } } : {}),
      ...(trafficPolicy ? { trafficPolicy } : {}),
    };
    const subsets = nonEmpty(this.subsets.map((s, i) => s._render(`subsets[${i}]`)));
    return subsets ? { ...spec, subsets } : spec;
  }

  /** Subsets referred to with `subset()` that the rule never defined. */
  private undefinedSubsets(): string[] {
    const known = this.subsets.map(s => quote(s.subsetName)).join(', ');
    return [...this.referencedSubsets.keys()]
      .filter(name => !this.subsets.some(s => s.subsetName === name))
      .map(name => invalidMessage(this, 'subsets', name, known ? `this rule defines ${known}` : 'this rule defines no subsets; add one with addSubset()'));
  }

  private effectiveTrafficPolicy(): TrafficPolicyOptions | undefined {
    if (this.portPolicies.length === 0) return this.trafficPolicy;
    return { ...this.trafficPolicy, portLevelSettings: [...this.trafficPolicy?.portLevelSettings ?? [], ...this.portPolicies] };
  }

  private renderTrafficPolicy(): k.DestinationRuleSpecTrafficPolicy | undefined {
    const policy = this.effectiveTrafficPolicy();
    return policy ? renderTrafficPolicy(this, 'trafficPolicy', policy, this.namespace) : undefined;
  }

  private checkSubsetName(field: string, name: string): void {
    validateIstioLabel(this, field, name);
    if (this.subsets.some(s => s.subsetName === name)) {
      fail(this, field, name, 'is already defined by this rule; subset names must be unique');
    }
  }

  private pushSubset(field: string, subset: Subset): Subset {
    subset._render(field); // validates the subset's traffic policy now, with the construct path
    this.subsets.push(subset);
    return subset;
  }

  /** Istio: a rule with a workload selector can only be exported to its own namespace. */
  private checkExportTo(): void {
    const exportTo = this.exportTo;
    if (!exportTo) return;
    const ns = this.namespace;
    if (ns !== undefined && exportTo.includes('.') && exportTo.includes(ns)) {
      fail(this, 'exportTo', exportTo, `"." and ${quote(ns)} both mean this namespace; keep one`);
    }
    if (this.workloadSelector && (exportTo.length !== 1 || (exportTo[0] !== '.' && exportTo[0] !== ns))) {
      fail(this, 'exportTo', exportTo, 'a DestinationRule with a workloadSelector can only be exported to its own namespace ("."); remove exportTo or set it to ["."]');
    }
  }
}
