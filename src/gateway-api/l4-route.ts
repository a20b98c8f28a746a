import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { BackendRef } from './references';
import { Route, RouteProps } from './route-base';
import { validateCount, validateEnum, validateSectionName } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, fail, invalidMessage } from '../core/validation';

/** Whether a route attaches to the Gateways that accept routes by default. */
export enum UseDefaultGateways {
  /** Attach to every default Gateway. */
  ALL = 'All',
  /** Attach only to the parents listed. */
  NONE = 'None',
}

/** A rule of a TCPRoute or UDPRoute. */
export interface L4RouteRuleOptions {
  /** The rule's name, unique within the route. @default - unnamed */
  readonly name?: string;
  /** Where connections or datagrams go, 1 to 16, weighted. */
  readonly backendRefs: BackendRef[];
}

/** Properties of a TCPRoute or UDPRoute. */
export interface L4RouteProps extends RouteProps {
  /** Rules, 1 to 16. More with `addRule()`. @default - none yet; add at least one */
  readonly rules?: L4RouteRuleOptions[];
  /**
   * Whether the route also attaches to default Gateways.
   * @default - not set (None)
   */
  readonly useDefaultGateways?: UseDefaultGateways;
}

/** TCPRoute and UDPRoute: rules of weighted backends, parents told apart by section or port. */
export abstract class L4Route extends Route {
  private readonly rules: Array<Record<string, unknown>> = [];
  private readonly useDefaultGateways?: UseDefaultGateways;

  protected constructor(scope: Construct, id: string, props: L4RouteProps) {
    super(scope, id, props);
    validateEnum(this, 'useDefaultGateways', props.useDefaultGateways, Object.values(UseDefaultGateways));
    this.useDefaultGateways = props.useDefaultGateways;
    this.node.addValidation({
      validate: () => (this.rules.length === 0 ? [invalidMessage(this, 'rules', [], `a ${this.kind} needs at least one rule (addRule())`)] : []),
    });
  }

  /** Adds a rule. */
  public addRule(rule: L4RouteRuleOptions): void {
    const field = `rules[${this.rules.length}]`;
    check(this.rules.length < 16, this, 'rules', this.rules.length + 1, `a ${this.kind} may have at most 16 rules`);
    check(rule !== undefined && Array.isArray(rule.backendRefs), this, `${field}.backendRefs`, rule?.backendRefs, 'is required: 1 to 16 BackendRefs');
    validateSectionName(this, `${field}.name`, rule.name);
    if (rule.name !== undefined) {
      const other = this.rules.findIndex(r => r.name === rule.name);
      if (other >= 0) fail(this, `${field}.name`, rule.name, `rules[${other}] already has this name; rule names must be unique within the route`);
    }
    validateCount(this, `${field}.backendRefs`, rule.backendRefs, 16, 1);
    const backendRefs = rule.backendRefs.map((b, i) => {
      check(b instanceof BackendRef, this, `${field}.backendRefs[${i}]`, b, 'must be a BackendRef');
      return b._render(this, `${field}.backendRefs[${i}]`, this.kind, this.metadata.namespace, false);
    });
    this.rules.push(rule.name === undefined ? { backendRefs } : { name: rule.name, backendRefs });
  }

  /** @internal */
  protected _parentPortInKey(): boolean {
    return true;
  }

  /** @internal */
  protected _acceptsHostnames(): boolean {
    return false;
  }

  /** @internal */
  public _toKube(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this._renderCommon(), rules: this.rules };
    if (this.useDefaultGateways !== undefined) out.useDefaultGateways = this.useDefaultGateways;
    return out;
  }
}

/**
 * A Gateway API TCPRoute (`v1alpha2`, experimental channel): forwards TCP connections from a
 * listener to weighted backends. Needs the experimental CRDs
 * (`IstioMesh` `gatewayApiCrds: GatewayApiCrdChannel.EXPERIMENTAL`).
 */
export class TcpRoute extends L4Route {
  /** @see https://gateway-api.sigs.k8s.io/api-types/tcproute/ */
  public readonly resourceType = 'tcproutes';
  protected readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: L4RouteProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.TcpRoute(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const parent of props.parents ?? []) this.addParent(parent);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }
}

/**
 * A Gateway API UDPRoute (`v1alpha2`, experimental channel): forwards UDP datagrams from a
 * listener to weighted backends. Needs the experimental CRDs.
 */
export class UdpRoute extends L4Route {
  /** @see https://gateway-api.sigs.k8s.io/api-types/udproute/ */
  public readonly resourceType = 'udproutes';
  protected readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: L4RouteProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.UdpRoute(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const parent of props.parents ?? []) this.addParent(parent);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }
}
