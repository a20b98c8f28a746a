import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { BackendRef } from './references';
import { Route, RouteProps } from './route-base';
import { validateCount, validateSectionName } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, invalidMessage } from '../core/validation';

/** Properties of a TLSRoute. */
export interface TlsRouteProps extends RouteProps {
  /** The SNI host names the route serves, 1 to 16; `*.` wildcards allowed, no IP addresses. */
  readonly hostnames: string[];
  /** Where connections go, 1 to 16, weighted. More with `addBackendRef()`. @default - none yet; add at least one */
  readonly backendRefs?: BackendRef[];
  /** The name of the route's single rule. @default - unnamed */
  readonly ruleName?: string;
}

/**
 * A Gateway API TLSRoute (v1): routes TLS connections by SNI, without terminating TLS
 * (a listener in `Passthrough` mode), or after terminating it.
 */
export class TlsRoute extends Route {
  /** @see https://gateway-api.sigs.k8s.io/api-types/tlsroute/ */
  public readonly resourceType = 'tlsroutes';
  protected readonly apiObject: ApiObject;
  private readonly backendRefs: Array<Record<string, unknown>> = [];
  private readonly ruleName?: string;

  public constructor(scope: Construct, id: string, props: TlsRouteProps) {
    super(scope, id, props);
    this.apiObject = new k.TlsRoute(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    validateSectionName(this, 'rules[0].name', props.ruleName);
    this.ruleName = props.ruleName;
    for (const parent of props.parents ?? []) this.addParent(parent);
    check(Array.isArray(props.hostnames) && props.hostnames.length >= 1, this, 'hostnames', props.hostnames, 'a TLSRoute needs 1 to 16 host names');
    for (const hostname of props.hostnames) this.addHostname(hostname);
    for (const backend of props.backendRefs ?? []) this.addBackendRef(backend);
    this.node.addValidation({
      validate: () => (this.backendRefs.length === 0
        ? [invalidMessage(this, 'rules[0].backendRefs', [], 'a TLSRoute needs at least one backend (addBackendRef())')]
        : []),
    });
  }

  /** Adds a backend. */
  public addBackendRef(backend: BackendRef): void {
    const field = `rules[0].backendRefs[${this.backendRefs.length}]`;
    check(backend instanceof BackendRef, this, field, backend, 'must be a BackendRef');
    validateCount(this, 'rules[0].backendRefs', [...this.backendRefs, backend], 16, 1);
    this.backendRefs.push(backend._render(this, field, 'TLSRoute', this.metadata.namespace, false));
  }

  /** @internal */
  protected _hostnamesRejectIp(): boolean {
    return true;
  }

  /** @internal */
  public _toKube(): k.TlsRouteSpec {
    const rule: Record<string, unknown> = {};
    if (this.ruleName !== undefined) rule.name = this.ruleName;
    rule.backendRefs = this.backendRefs;
    return { ...this._renderCommon(), rules: [rule] } as unknown as k.TlsRouteSpec;
  }
}
