import { Construct } from 'constructs';
import { IRouteParent, ParentOptions, RenderedParentRef, renderParentRef, validateParentRefList } from './references';
import { GatewayApiResource, GatewayApiResourceProps } from './resource';
import { validateCount, validateHostname, validateNotIp } from './validation';
import { check } from '../core/validation';

/** Properties every route accepts. */
export interface RouteProps extends GatewayApiResourceProps {
  /**
   * Parents to attach to, with default options (every listener or port). Use `addParent()`
   * to name a `sectionName` or `port`.
   * @default - none yet
   */
  readonly parents?: IRouteParent[];
}

/** Properties of a route that matches host names (HTTPRoute, GRPCRoute, TLSRoute). */
export interface HostnameRouteProps extends RouteProps {
  /**
   * Host names the route serves (the `Host` header or TLS SNI), up to 16; `*.` wildcards allowed.
   * @default - every host name of the listeners it attaches to
   */
  readonly hostnames?: string[];
}

/**
 * What every route kind shares: parents (Gateways, ListenerSets, or Services for mesh
 * routing) and host names.
 */
export abstract class Route extends GatewayApiResource {
  /** @internal */ protected readonly _parentRefs: RenderedParentRef[] = [];
  /** @internal */ protected readonly _hostnames: string[] = [];

  protected constructor(scope: Construct, id: string, props: RouteProps) {
    super(scope, id, props);
  }

  /**
   * Attaches the route to a parent: a Gateway or ListenerSet (optionally one listener by
   * `sectionName`, or a `port`), or a Service for mesh routing (`RouteParent.fromService()`).
   *
   * @example
   * route.addParent(gateway, { sectionName: 'https' });
   */
  public addParent(parent: IRouteParent, options: ParentOptions = {}): void {
    const field = `parentRefs[${this._parentRefs.length}]`;
    const ref = renderParentRef(this, field, parent, options ?? {}, this.metadata.namespace);
    validateCount(this, 'parentRefs', [...this._parentRefs, ref], 32);
    validateParentRefList(this, [...this._parentRefs, ref], this._parentPortInKey());
    this._parentRefs.push(ref);
  }

  /** Adds a host name the route serves. */
  public addHostname(hostname: string): void {
    check(this._acceptsHostnames(), this, 'hostnames', hostname, `${this.kind} has no hostnames`);
    const field = `hostnames[${this._hostnames.length}]`;
    validateHostname(this, field, hostname);
    if (this._hostnamesRejectIp()) validateNotIp(this, field, hostname);
    validateCount(this, 'hostnames', [...this._hostnames, hostname], 16);
    this._hostnames.push(hostname);
  }

  /** Whether parentRefs are told apart by port as well as sectionName (TCPRoute, UDPRoute). @internal */
  protected _parentPortInKey(): boolean {
    return false;
  }

  /** @internal */
  protected _acceptsHostnames(): boolean {
    return true;
  }

  /** @internal */
  protected _hostnamesRejectIp(): boolean {
    return false;
  }

  /** The common part of the spec. @internal */
  protected _renderCommon(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this._parentRefs.length > 0) out.parentRefs = this._parentRefs.map(r => ({ ...r }));
    if (this._hostnames.length > 0) out.hostnames = [...this._hostnames];
    return out;
  }
}
