import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AuthorizationCondition, AuthorizationOperation, AuthorizationRule, AuthorizationSource } from './authorization-rule';
import { PolicyAttachment } from './policy-attachment';
import { PolicyTargetReference } from './policy-target-reference';
import { Principal } from './principal';
import {
  CUSTOM_UNSUPPORTED_SOURCE_FIELDS, DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN, isCustomUnsupportedConditionKey, isIpConditionKey,
  validateConditionKey, validateMethod, validatePath, validateProviderName, validateRequestPrincipal, validateServiceAccountRef,
  validateStringMatch, validateTrustDomain,
} from './security-validation';
import * as k from '../../imports/security.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check as checkValue, fail, validateDnsLabel, validateIpOrCidr, validateEnum, validatePort, validationMessage } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * What an AuthorizationPolicy does with the requests its rules match.
 */
export enum AuthorizationAction {
  /** Allow matching requests; once any ALLOW policy selects a workload, other requests are denied. */
  ALLOW = 'ALLOW',
  /** Deny matching requests. */
  DENY = 'DENY',
  /** Audit matching requests (needs an audit-capable plugin); does not change allow/deny. */
  AUDIT = 'AUDIT',
  /**
   * Delegate the decision for matching requests to an external authorizer (`provider`). Its
   * rules cannot match on principals, request principals, namespaces, service accounts or
   * `source.*` / `request.auth.*` conditions (Istio rejects them).
   */
  CUSTOM = 'CUSTOM',
}

/**
 * Properties of an AuthorizationPolicy.
 */
export interface AuthorizationPolicyProps extends IstioResourceProps {
  /**
   * The action for matching requests.
   *
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;

  /**
   * The extension provider (from `meshConfig.extensionProviders`) that decides for the CUSTOM
   * action. Required with, and only allowed with, `AuthorizationAction.CUSTOM`.
   *
   * @default - none
   */
  readonly provider?: string;

  /**
   * The rules; a request matching any of them gets the action. Add more with `addRule()`.
   *
   * @default - no rules: an ALLOW policy then allows nothing (deny-all); DENY and CUSTOM policies
   * need at least one rule
   */
  readonly rules?: AuthorizationRule[];

  /**
   * The workloads the policy applies to. Cannot be combined with `targetRefs`.
   *
   * @default - every workload in the namespace (the mesh, in the mesh root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Resources the policy attaches to (Gateway API Gateways, waypoint-enforced Services,
   * ServiceEntries), at most 16. Cannot be combined with `selector`.
   *
   * @default - none
   */
  readonly targetRefs?: PolicyTargetReference[];

  /**
   * The mesh trust domain for principals derived from service accounts or workloads.
   *
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`); a policy there without
   * selector applies to the whole mesh.
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * Options for `AuthorizationPolicy.denyAll()`.
 */
export interface DenyAllOptions extends IstioResourceProps {
  /**
   * The mesh root namespace; a deny-all policy there applies to the whole mesh.
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * Options for `AuthorizationPolicy.allowTraffic()`.
 */
export interface AllowTrafficOptions extends IstioResourceProps {
  /** The identities allowed in, e.g. `Principal.fromWorkload(productpage)`. */
  readonly from: Principal[];

  /**
   * The workloads receiving the traffic. Put the policy in their namespace with
   * `metadata.namespace`.
   *
   * @default - every workload in the namespace
   */
  readonly to?: WorkloadSelector;

  /**
   * HTTP methods allowed.
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Request paths allowed (see `AuthorizationOperation.paths`).
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Destination ports allowed.
   *
   * @default - any port
   */
  readonly ports?: number[];

  /**
   * The mesh trust domain for principals derived from service accounts or workloads.
   *
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/** Istio's limit on rules per policy and on sources per rule. */
const MAX_RULES = 512;
const MAX_SERVICE_ACCOUNTS = 16;

/**
 * Access control for workloads: which sources may perform which operations under which
 * conditions (ALLOW), which are refused (DENY), audited (AUDIT) or delegated to an external
 * authorizer (CUSTOM).
 *
 * @example
 * AuthorizationPolicy.denyAll(chart, 'DenyAll', { metadata: { namespace: 'bookinfo' } });
 * AuthorizationPolicy.allowTraffic(chart, 'ProductpageToReviews', {
 *   metadata: { namespace: 'bookinfo' },
 *   from: [Principal.fromWorkload(productpage)],
 *   to: WorkloadSelector.fromWorkload(reviews),
 *   methods: ['GET'],
 *   paths: ['/reviews/*'],
 * });
 */
export class AuthorizationPolicy extends IstioResource {
  /**
   * Default-deny: an ALLOW policy without rules (`spec: {}`), which denies every request to
   * every workload of its namespace (of the mesh, in the mesh root namespace) that no other
   * ALLOW policy allows.
   */
  public static denyAll(scope: Construct, id: string, options: DenyAllOptions = {}): AuthorizationPolicy {
    return new AuthorizationPolicy(scope, id, { metadata: { name: 'deny-all', ...options.metadata }, meshRootNamespace: options.meshRootNamespace });
  }

  /**
   * Allows `from` identities to reach `to` workloads, optionally only with the given
   * methods, paths and ports: an ALLOW policy with one rule.
   */
  public static allowTraffic(scope: Construct, id: string, options: AllowTrafficOptions): AuthorizationPolicy {
    const policy = new AuthorizationPolicy(scope, id, {
      metadata: options.metadata,
      selector: options.to,
      action: AuthorizationAction.ALLOW,
      trustDomain: options.trustDomain,
    });
    if (options.from.length === 0) {
      fail(policy, 'rules[0].from[0].source.principals', options.from, 'give at least one identity to allow traffic from');
    }
    const operation: AuthorizationOperation = { methods: options.methods, paths: options.paths, ports: options.ports };
    const hasOperation = Object.values(operation).some(v => v !== undefined);
    policy.addRule({ from: [{ principals: options.from }], to: hasOperation ? [operation] : undefined });
    return policy;
  }

  protected readonly apiObject: ApiObject;
  public readonly resourceType = 'authorizationpolicies';

  /** The action for matching requests. */
  public readonly action: AuthorizationAction;
  /** The extension provider of a CUSTOM policy. */
  public readonly provider?: string;
  /** The mesh root namespace. */
  public readonly meshRootNamespace: string;

  private readonly actionSet: boolean;
  private readonly trustDomain: string;
  private readonly attachment: PolicyAttachment;
  private readonly rules: AuthorizationRule[] = [];

  public constructor(scope: Construct, id: string, props: AuthorizationPolicyProps = {}) {
    super(scope, id, props);
    validateEnum(this, 'action', props.action, AuthorizationAction);
    this.action = props.action ?? AuthorizationAction.ALLOW;
    this.actionSet = props.action !== undefined;
    this.provider = props.provider;
    this.trustDomain = props.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    this.meshRootNamespace = props.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    validateTrustDomain(this, 'trustDomain', this.trustDomain);

    if (this.action === AuthorizationAction.CUSTOM && this.provider === undefined) {
      fail(this, 'provider', undefined, 'the CUSTOM action needs provider, the name of an extension provider in meshConfig.extensionProviders');
    }
    if (this.provider !== undefined) {
      if (this.action !== AuthorizationAction.CUSTOM) {
        fail(this, 'provider', this.provider, `a provider is only allowed with action CUSTOM; the action is ${this.action}`);
      }
      validateProviderName(this, 'provider.name', this.provider);
    }

    this.apiObject = new k.AuthorizationPolicy(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    this.attachment = new PolicyAttachment(this, props.selector, props.targetRefs);
    for (const rule of props.rules ?? []) this.addRule(rule);

    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /** The workloads the policy applies to, if it selects any. */
  public get selector(): WorkloadSelector | undefined {
    return this.attachment.selector;
  }

  /**
   * Adds a rule. Checked immediately against Istio's validation.
   */
  public addRule(rule: AuthorizationRule): void {
    const field = `rules[${this.rules.length}]`;
    if (this.rules.length >= MAX_RULES) fail(this, field, rule, `a policy takes at most ${MAX_RULES} rules`);
    this.renderRule(this, field, rule);
    this.rules.push(rule);
  }

  /**
   * Attaches the policy to a resource (instead of a selector).
   */
  public addTargetRef(target: PolicyTargetReference): void {
    this.attachment.addTargetRef(target);
  }

  /**
   * @internal
   */
  public _toKube(): any {
    return {
      ...this.attachment.render(this.namespace, this.meshRootNamespace),
      ...(this.actionSet ? { action: this.action } : {}),
      ...(this.provider !== undefined ? { provider: { name: this.provider } } : {}),
      ...(this.rules.length > 0 ? { rules: this.rules.map((rule, i) => this.renderRule(this, `rules[${i}]`, rule)) } : {}),
    };
  }

  private validatePolicy(): string[] {
    if (this.action === AuthorizationAction.CUSTOM && this.rules.length === 0) {
      return [validationMessage('rules', [], 'a CUSTOM policy without rules never delegates any request; add a rule (an empty rule {} matches every request)')];
    }
    if (this.action === AuthorizationAction.DENY && this.rules.length === 0) {
      return [validationMessage('rules', [], 'Istio rejects a DENY policy without rules (it would never deny anything); add a rule (an empty rule {} denies every request)')];
    }
    return [];
  }

  private renderRule(scope: IConstruct, field: string, rule: AuthorizationRule): any {
    for (const key of ['from', 'to'] as const) {
      if (rule[key] !== undefined && rule[key]!.length === 0) {
        fail(scope, `${field}.${key}`, rule[key], `must not be empty: Istio rejects an empty list; leave ${key} out to match any ${key === 'from' ? 'source' : 'operation'}`);
      }
    }
    if (this.action === AuthorizationAction.CUSTOM) this.checkCustomRule(scope, field, rule);
    const from = (rule.from ?? []).map((source, i) => ({ source: this.renderSource(scope, `${field}.from[${i}].source`, source) }));
    const to = (rule.to ?? []).map((operation, i) => ({ operation: renderOperation(scope, `${field}.to[${i}].operation`, operation) }));
    const when = (rule.when ?? []).map((condition, i) => renderCondition(scope, `${field}.when[${i}]`, condition));
    if (from.length > MAX_RULES) fail(scope, `${field}.from`, from.length, `a rule takes at most ${MAX_RULES} sources`);
    return {
      ...(from.length > 0 ? { from } : {}),
      ...(to.length > 0 ? { to } : {}),
      ...(when.length > 0 ? { when } : {}),
    };
  }

  /** Istio does not support identity-based matching in the rules of a CUSTOM policy. */
  private checkCustomRule(scope: IConstruct, field: string, rule: AuthorizationRule): void {
    (rule.from ?? []).forEach((source, i) => {
      const values = source as Record<string, unknown[] | undefined>;
      const unsupported = CUSTOM_UNSUPPORTED_SOURCE_FIELDS.find(key => values[key] !== undefined);
      if (unsupported) {
        const shown = values[unsupported]!.map(v => (typeof v === 'string' ? v : 'Principal'));
        fail(scope, `${field}.from[${i}].source.${unsupported}`, shown,
          `Istio does not support ${CUSTOM_UNSUPPORTED_SOURCE_FIELDS.join(', ')} with the CUSTOM action; match on IP blocks, operations or headers, or use an ALLOW/DENY policy`);
      }
    });
    (rule.when ?? []).forEach((condition, i) => {
      if (isCustomUnsupportedConditionKey(condition.key)) {
        fail(scope, `${field}.when[${i}].key`, condition.key,
          'Istio does not support source.namespace, source.serviceAccount, source.principal or request.auth.* conditions with the CUSTOM action');
      }
    });
  }

  private renderSource(scope: IConstruct, field: string, source: AuthorizationSource): Record<string, string[]> {
    const ns = this.namespace;
    const principals = (list: Principal[] | undefined, name: string) => list?.map((p, i) => p._render(scope, `${field}.${name}[${i}]`, this.trustDomain, ns));
    const strings = (list: string[] | undefined, name: string, check: (f: string, v: string) => void) => {
      list?.forEach((v, i) => check(`${field}.${name}[${i}]`, v));
      return list;
    };
    const namespace = (f: string, v: string) => (v.includes('*') ? validateStringMatch(scope, f, v, 'namespace') : validateDnsLabel(scope, f, v));
    const ip = (f: string, v: string) => validateIpOrCidr(scope, f, v);
    const sa = (f: string, v: string) => validateServiceAccountRef(scope, f, v);
    const td = (f: string, v: string) => (v.includes('*') ? validateStringMatch(scope, f, v, 'trust domain') : validateTrustDomain(scope, f, v));
    const rendered: Record<string, string[] | undefined> = {
      principals: principals(source.principals, 'principals'),
      notPrincipals: principals(source.notPrincipals, 'notPrincipals'),
      requestPrincipals: strings(source.requestPrincipals, 'requestPrincipals', (f, v) => validateRequestPrincipal(scope, f, v)),
      notRequestPrincipals: strings(source.notRequestPrincipals, 'notRequestPrincipals', (f, v) => validateRequestPrincipal(scope, f, v)),
      namespaces: strings(source.namespaces, 'namespaces', namespace),
      notNamespaces: strings(source.notNamespaces, 'notNamespaces', namespace),
      serviceAccounts: strings(source.serviceAccounts, 'serviceAccounts', sa),
      notServiceAccounts: strings(source.notServiceAccounts, 'notServiceAccounts', sa),
      trustDomains: strings(source.trustDomains, 'trustDomains', td),
      notTrustDomains: strings(source.notTrustDomains, 'notTrustDomains', td),
      ipBlocks: strings(source.ipBlocks, 'ipBlocks', ip),
      notIpBlocks: strings(source.notIpBlocks, 'notIpBlocks', ip),
      remoteIpBlocks: strings(source.remoteIpBlocks, 'remoteIpBlocks', ip),
      notRemoteIpBlocks: strings(source.notRemoteIpBlocks, 'notRemoteIpBlocks', ip),
    };
    const out: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(rendered)) {
      if (value === undefined) continue;
      if (value.length === 0) fail(scope, `${field}.${key}`, value, 'must not be empty; leave the field out to match any value');
      out[key] = [...value];
    }
    if (Object.keys(out).length === 0) {
      fail(scope, field, source, 'must not be empty: Istio rejects a source without fields; leave the `from` entry out to match any source');
    }
    for (const key of ['serviceAccounts', 'notServiceAccounts']) {
      if ((out[key]?.length ?? 0) > MAX_SERVICE_ACCOUNTS) {
        fail(scope, `${field}.${key}`, out[key], `takes at most ${MAX_SERVICE_ACCOUNTS} service accounts`);
      }
    }
    if (out.serviceAccounts || out.notServiceAccounts) {
      const clash = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].find(key => out[key]);
      if (clash) {
        fail(scope, `${field}.${clash}`, out[clash], 'cannot be combined with serviceAccounts or notServiceAccounts in the same source; use a separate `from` entry');
      }
    }
    return out;
  }
}

function renderOperation(scope: IConstruct, field: string, operation: AuthorizationOperation): Record<string, string[]> {
  const list = (values: string[] | undefined, name: string, check: (f: string, v: string) => void) => {
    if (values === undefined) return undefined;
    if (values.length === 0) fail(scope, `${field}.${name}`, values, 'must not be empty; leave the field out to match any value');
    values.forEach((v, i) => check(`${field}.${name}[${i}]`, v));
    return [...values];
  };
  const host = (f: string, v: string) => validateStringMatch(scope, f, v, 'host');
  const method = (f: string, v: string) => validateMethod(scope, f, v);
  const path = (f: string, v: string) => validatePath(scope, f, v);
  const ports = (values: number[] | undefined, name: string) => {
    values?.forEach((p, i) => validatePort(scope, `${field}.${name}[${i}]`, p));
    return list(values?.map(String), name, () => undefined);
  };
  const out: Record<string, string[] | undefined> = {
    hosts: list(operation.hosts, 'hosts', host),
    notHosts: list(operation.notHosts, 'notHosts', host),
    ports: ports(operation.ports, 'ports'),
    notPorts: ports(operation.notPorts, 'notPorts'),
    methods: list(operation.methods, 'methods', method),
    notMethods: list(operation.notMethods, 'notMethods', method),
    paths: list(operation.paths, 'paths', path),
    notPaths: list(operation.notPaths, 'notPaths', path),
  };
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(out)) if (value !== undefined) result[key] = value;
  if (Object.keys(result).length === 0) {
    fail(scope, field, operation, 'must not be empty: Istio rejects an operation without fields; leave the `to` entry out to match any operation');
  }
  return result;
}

function renderCondition(scope: IConstruct, field: string, condition: AuthorizationCondition): Record<string, unknown> {
  validateConditionKey(scope, `${field}.key`, condition.key);
  const check = (values: string[] | undefined, name: string) => {
    if (values === undefined) return undefined;
    if (values.length === 0) fail(scope, `${field}.${name}`, values, 'must not be empty; leave the field out instead');
    values.forEach((v, i) => {
      const f = `${field}.${name}[${i}]`;
      if (isIpConditionKey(condition.key)) {validateIpOrCidr(scope, f, v);} else if (condition.key === 'source.serviceAccount') {validateServiceAccountRef(scope, f, v);} else if (condition.key === 'destination.port') {
        // Istio parses the value as an unsigned integer up to 65535 (0 included).
        checkValue(typeof v === 'string' && /^\d+$/.test(v) && Number(v) <= 65535, scope, f, v, 'must be a port number from 0 to 65535');
      } else if (typeof v !== 'string' || v.length === 0) {fail(scope, f, v, 'must be a non-empty string');}
    });
    return [...values];
  };
  if (condition.key === 'source.serviceAccount') {
    for (const name of ['values', 'notValues'] as const) {
      const list = condition[name];
      if (list && list.length > MAX_SERVICE_ACCOUNTS) fail(scope, `${field}.${name}`, list, `takes at most ${MAX_SERVICE_ACCOUNTS} service accounts`);
    }
  }
  const values = check(condition.values, 'values');
  const notValues = check(condition.notValues, 'notValues');
  if (values === undefined && notValues === undefined) {
    fail(scope, field, condition.key, 'a condition needs values or notValues (or both)');
  }
  return {
    key: condition.key,
    ...(values ? { values } : {}),
    ...(notValues ? { notValues } : {}),
  };
}
