import { Destination } from './destination';
import { TlsRouteContext } from './route-context';
import { RouteDestination, renderRouteDestination, validateWeights } from './route-destination';
import { L4Match, renderL4Match } from './tcp-route';
import { assertUnique, fail, validateHost } from '../core/validation';

/**
 * Conditions a TLS connection (not terminated by the proxy) must meet for a route to apply.
 *
 * @example
 * { sniHosts: ['login.bookinfo.com'], port: 443 }
 */
export interface TlsMatch extends L4Match {
  /**
   * The server names (SNI) to match. Each must be one of the VirtualService's hosts, or covered
   * by one of its wildcard hosts.
   */
  readonly sniHosts: string[];
}

/**
 * A TLS route: passed-through TLS or HTTPS connections that meet `match` are forwarded to the
 * weighted destinations.
 */
export interface TlsRouteOptions {
  /**
   * Conditions for the route to apply; any one of them must hold. At least one is required.
   */
  readonly match: TlsMatch[];

  /**
   * Where the connections go, split by weight.
   */
  readonly route: RouteDestination[];
}

/** Whether the SNI host `sni` is `host` or falls under its wildcard. */
function coveredBy(sni: string, host: string): boolean {
  if (host === '*' || sni === host) return true;
  return host.startsWith('*.') && sni.endsWith(host.slice(1));
}

function renderTlsMatch(ctx: TlsRouteContext, field: string, match: TlsMatch): any {
  if (match.sniHosts.length === 0) {
    fail(ctx.scope, `${field}.sniHosts`, [], 'a TLS match needs at least one SNI host');
  }
  match.sniHosts.forEach((sni, i) => {
    validateHost(ctx.scope, `${field}.sniHosts[${i}]`, sni);
    if (!ctx.hosts.some(host => coveredBy(sni, host))) {
      fail(ctx.scope, `${field}.sniHosts[${i}]`, sni, `must be one of the VirtualService's hosts or fall under one of them (${ctx.hosts.join(', ')})`);
    }
  });
  assertUnique(ctx.scope, `${field}.sniHosts`, match.sniHosts, h => h);
  return renderL4Match(ctx, field, match, { sniHosts: [...match.sniHosts] });
}

/**
 * A TLS route of a VirtualService, returned by `VirtualService.addTlsRoute()`.
 */
export class TlsRoute {
  /**
   * Validates `options` and creates the route.
   * @internal
   */
  public static _create(ctx: TlsRouteContext, options: TlsRouteOptions): TlsRoute {
    return new TlsRoute(ctx, { ...options, match: [...(options.match ?? [])], route: [...(options.route ?? [])] });
  }

  private readonly matches: TlsMatch[] = [];

  private constructor(private readonly ctx: TlsRouteContext, private readonly options: TlsRouteOptions) {
    if (options.match.length === 0) {
      fail(ctx.scope, `${ctx.field}.match`, [], 'a TLS route needs at least one match with sniHosts');
    }
    validateWeights(ctx.scope, `${ctx.field}.route`, options.route);
    this.renderRoute();
    for (const match of options.match) {
      this.addMatch(match);
    }
  }

  /**
   * Adds a condition under which the route applies (any one of the conditions suffices).
   */
  public addMatch(match: TlsMatch): void {
    renderTlsMatch(this.ctx, `${this.ctx.field}.match[${this.matches.length}]`, match);
    this.matches.push(match);
  }

  /**
   * Every destination of the route, with its field path.
   * @internal
   */
  public _destinations(): Array<{ field: string; destination: Destination }> {
    return this.options.route.map((d, i) => ({ field: `${this.ctx.field}.route[${i}].destination`, destination: d.destination }));
  }

  /**
   * Renders the Istio `TLSRoute`.
   * @internal
   */
  public _render(): any {
    return {
      match: this.matches.map((m, i) => renderTlsMatch(this.ctx, `${this.ctx.field}.match[${i}]`, m)),
      route: this.renderRoute(),
    };
  }

  private renderRoute(): any[] {
    return this.options.route.map((d, i) => renderRouteDestination(this.ctx.scope, `${this.ctx.field}.route[${i}]`, d, this.ctx.namespace));
  }
}
