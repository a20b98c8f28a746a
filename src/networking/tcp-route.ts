import { Destination } from './destination';
import { renderGatewayNames, validateSourceLabelsApply } from './gateway-binding';
import { IGateway } from './gateway-ref';
import { L4RouteContext } from './route-context';
import { RouteDestination, renderRouteDestination, validateWeights } from './route-destination';
import { assertUnique, compact, validateDnsLabel, validateIpOrCidr, validateLabels, validatePort } from '../core/validation';

/**
 * Conditions a TCP connection must meet for a route to apply. All conditions of one match must
 * hold; a route with several matches applies when any of them holds.
 *
 * Istio's hidden `sourceSubnet` is not offered: it is undocumented and Istio's validation ignores it.
 *
 * @example
 * { port: 27017, destinationSubnets: ['10.0.0.0/16'] }
 */
export interface L4Match {
  /**
   * Destination IP addresses or CIDR blocks.
   *
   * @default - any destination address
   */
  readonly destinationSubnets?: string[];

  /**
   * The port the connection is addressed to.
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling workload must carry. Sidecars only: the match's gateways (or else the
   * VirtualService's) must include the mesh.
   *
   * @default - any caller
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * The namespace of the calling workload.
   *
   * @default - any namespace
   */
  readonly sourceNamespace?: string;

  /**
   * The gateways this match applies to, overriding the VirtualService's `gateways`.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: IGateway[];
}

/**
 * A TCP route: connections that meet `match` are forwarded to the weighted destinations.
 */
export interface TcpRouteOptions {
  /**
   * Conditions for the route to apply; any one of them must hold.
   *
   * @default - every connection (a catch-all route, which must come last)
   */
  readonly match?: L4Match[];

  /**
   * Where the connections go, split by weight.
   */
  readonly route: RouteDestination[];
}

/**
 * Validates and renders the L4 part of a TCP or TLS match. Internal.
 */
export function renderL4Match(ctx: L4RouteContext, field: string, match: L4Match, extra: Record<string, unknown> = {}): any {
  const { scope } = ctx;
  (match.destinationSubnets ?? []).forEach((subnet, i) => validateIpOrCidr(scope, `${field}.destinationSubnets[${i}]`, subnet));
  assertUnique(scope, `${field}.destinationSubnets`, match.destinationSubnets ?? [], s => s);
  validatePort(scope, `${field}.port`, match.port);
  validateLabels(scope, `${field}.sourceLabels`, match.sourceLabels);
  validateSourceLabelsApply(ctx, field, match);
  validateDnsLabel(scope, `${field}.sourceNamespace`, match.sourceNamespace);
  const rendered = compact({
    ...extra,
    destinationSubnets: match.destinationSubnets && match.destinationSubnets.length > 0 ? [...match.destinationSubnets] : undefined,
    port: match.port,
    sourceLabels: match.sourceLabels && Object.keys(match.sourceLabels).length > 0 ? { ...match.sourceLabels } : undefined,
    sourceNamespace: match.sourceNamespace,
    gateways: renderGatewayNames(scope, `${field}.gateways`, match.gateways, ctx.namespace),
  });
  if (Object.keys(rendered).length === 0) {
    throw new Error(`${scope.node.path}: ${field} needs at least one condition; to match every connection, leave out the match`);
  }
  return rendered;
}

/**
 * A TCP route of a VirtualService, returned by `VirtualService.addTcpRoute()`.
 */
export class TcpRoute {
  /**
   * Validates `options` and creates the route.
   * @internal
   */
  public static _create(ctx: L4RouteContext, options: TcpRouteOptions): TcpRoute {
    return new TcpRoute(ctx, { ...options, route: [...(options.route ?? [])] });
  }

  private readonly matches: L4Match[] = [];

  private constructor(private readonly ctx: L4RouteContext, private readonly options: TcpRouteOptions) {
    validateWeights(ctx.scope, `${ctx.field}.route`, options.route);
    this.renderRoute();
    for (const match of options.match ?? []) {
      this.addMatch(match);
    }
  }

  /**
   * Adds a condition under which the route applies (any one of the conditions suffices).
   */
  public addMatch(match: L4Match): void {
    renderL4Match(this.ctx, `${this.ctx.field}.match[${this.matches.length}]`, match);
    this.matches.push(match);
  }

  /**
   * Whether the route applies to every connection (it has no match).
   * @internal
   */
  public get _catchAll(): boolean {
    return this.matches.length === 0;
  }

  /**
   * Every destination of the route, with its field path.
   * @internal
   */
  public _destinations(): Array<{ field: string; destination: Destination }> {
    return this.options.route.map((d, i) => ({ field: `${this.ctx.field}.route[${i}].destination`, destination: d.destination }));
  }

  /**
   * Renders the Istio `TCPRoute`.
   * @internal
   */
  public _render(): any {
    return compact({
      match: this.matches.map((m, i) => renderL4Match(this.ctx, `${this.ctx.field}.match[${i}]`, m)),
      route: this.renderRoute(),
    });
  }

  private renderRoute(): any[] {
    return this.options.route.map((d, i) => renderRouteDestination(this.ctx.scope, `${this.ctx.field}.route[${i}]`, d, this.ctx.namespace));
  }
}
