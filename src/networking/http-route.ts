import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CorsPolicy, renderCorsPolicy } from './cors-policy';
import { Destination } from './destination';
import { Fault, validateFraction } from './fault';
import { HeaderOperations, authorityOverride, renderHeaderOperations } from './header-operations';
import { HttpMatch, renderHttpMatch } from './http-match';
import { HttpDirectResponse, HttpRedirect, renderDirectResponse, renderRedirect } from './http-redirect';
import { HttpRewrite, renderRewrite } from './http-rewrite';
import { HttpRetryPolicy, renderRetryPolicy } from './retry-policy';
import { RouteContext, renderRouteDuration } from './route-context';
import { RouteDestination, validateWeights } from './route-destination';
import { IVirtualService } from './virtual-service-ref';
import { check, compact, fail, validateDnsLabel, validateResourceName } from '../core/validation';

/**
 * A destination of an HTTP route, with its share of the traffic and header changes that apply
 * only to traffic sent there.
 *
 * @example
 * { destination: Destination.fromSubset(reviewsRule.subset('v2')), weight: 25 }
 */
export interface HttpRouteDestination extends RouteDestination {
  /**
   * Header changes for requests sent to, and responses from, this destination.
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;
}

/**
 * A copy of the traffic sent to an extra destination; its responses are discarded.
 */
export interface HttpMirror {
  /**
   * Where the copies go.
   */
  readonly destination: Destination;

  /**
   * The percentage of requests to copy, 0–100.
   *
   * @default 100
   */
  readonly percentage?: number;
}

/**
 * An HTTP route: which requests it applies to (`match`) and what happens to them — forwarded
 * to weighted destinations (`route`), redirected, answered directly, or delegated to another
 * VirtualService — with optional rewrites, timeouts, retries, faults, mirroring, CORS and
 * header changes.
 */
export interface HttpRouteOptions {
  /**
   * A name for the route, shown in access logs and debug output. Unique within the
   * VirtualService.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Conditions for the route to apply; any one of them must hold. More can be added with
   * `HttpRoute.addMatch()`.
   *
   * @default - every request (a catch-all route, which must come last)
   */
  readonly match?: HttpMatch[];

  /**
   * Forward the request to these destinations, split by weight.
   *
   * @default - none: set one of route, redirect, directResponse and delegate
   */
  readonly route?: HttpRouteDestination[];

  /**
   * Answer with a redirect. Exclusive with `route`, `directResponse`, `delegate`, `rewrite` and `fault`.
   *
   * @default - no redirect
   */
  readonly redirect?: HttpRedirect;

  /**
   * Answer directly from the proxy. Exclusive with `route`, `redirect`, `delegate`, `rewrite` and `fault`.
   *
   * @default - no direct response
   */
  readonly directResponse?: HttpDirectResponse;

  /**
   * Hand the matching requests to the routes of another VirtualService, which must have no
   * hosts. Exclusive with `route`, `redirect` and `directResponse`.
   *
   * @default - no delegation
   */
  readonly delegate?: IVirtualService;

  /**
   * Rewrite the path or authority before forwarding.
   *
   * @default - no rewrite
   */
  readonly rewrite?: HttpRewrite;

  /**
   * Timeout for the whole request, including retries.
   *
   * @default - no timeout
   */
  readonly timeout?: Duration;

  /**
   * How failed requests are retried.
   *
   * @default - the mesh's default retry policy
   */
  readonly retries?: HttpRetryPolicy;

  /**
   * Faults to inject (delays, aborts).
   *
   * @default - none
   */
  readonly fault?: Fault;

  /**
   * Copy the traffic to this destination as well. Exclusive with `mirrors`.
   *
   * @default - no mirroring
   */
  readonly mirror?: Destination;

  /**
   * The percentage of requests `mirror` copies, 0–100. Rendered as `mirrorPercentage`; the
   * deprecated integer fields `mirrorPercent` / `mirror_percent` are not offered.
   *
   * @default 100
   */
  readonly mirrorPercentage?: number;

  /**
   * Copy the traffic to several destinations. Exclusive with `mirror`.
   *
   * @default - no mirroring
   */
  readonly mirrors?: HttpMirror[];

  /**
   * Cross-origin resource sharing policy.
   *
   * @default - no CORS handling
   */
  readonly corsPolicy?: CorsPolicy;

  /**
   * Header changes for all destinations of the route.
   *
   * @default - none
   */
  readonly headers?: HeaderOperations;
}

/**
 * An HTTP route of a VirtualService, returned by `VirtualService.addHttpRoute()`.
 */
export class HttpRoute {
  /**
   * Validates `options` and creates the route.
   * @internal
   */
  public static _create(ctx: RouteContext, options: HttpRouteOptions): HttpRoute {
    // Copy the lists, so later changes to the caller's arrays do not bypass validation.
    return new HttpRoute(ctx, { ...options, route: options.route && [...options.route], mirrors: options.mirrors && [...options.mirrors] });
  }

  /**
   * The route's name, if it has one.
   */
  public readonly name?: string;

  private readonly matches: HttpMatch[] = [];

  private constructor(private readonly ctx: RouteContext, private readonly options: HttpRouteOptions) {
    this.name = options.name;
    validateConflicts(ctx.scope, ctx.field, options);
    this.renderBody();
    for (const match of options.match ?? []) {
      this.addMatch(match);
    }
  }

  /**
   * Adds a condition under which the route applies (in addition to the existing ones: any one
   * of them suffices).
   */
  public addMatch(match: HttpMatch): void {
    renderHttpMatch(this.ctx, `${this.ctx.field}.match[${this.matches.length}]`, match);
    this.matches.push(match);
  }

  /**
   * Whether the route applies to every request (it has no match).
   * @internal
   */
  public get _catchAll(): boolean {
    return this.matches.length === 0;
  }

  /**
   * Every destination the route sends traffic to, with its field path.
   * @internal
   */
  public _destinations(): Array<{ field: string; destination: Destination }> {
    const f = this.ctx.field;
    const o = this.options;
    return [
      ...(o.route ?? []).map((d, i) => ({ field: `${f}.route[${i}].destination`, destination: d.destination })),
      ...(o.mirror ? [{ field: `${f}.mirror`, destination: o.mirror }] : []),
      ...(o.mirrors ?? []).map((m, i) => ({ field: `${f}.mirrors[${i}].destination`, destination: m.destination })),
    ];
  }

  /**
   * Renders the Istio `HTTPRoute`.
   * @internal
   */
  public _render(): any {
    return compact({
      name: this.options.name,
      match: this.matches.map((m, i) => renderHttpMatch(this.ctx, `${this.ctx.field}.match[${i}]`, m)),
      ...this.renderBody(),
    });
  }

  private renderBody(): any {
    const { scope, field, namespace } = this.ctx;
    const o = this.options;
    if (o.route !== undefined) validateWeights(scope, `${field}.route`, o.route);
    validateFraction(scope, `${field}.mirrorPercentage`, o.mirrorPercentage);
    return {
      route: o.route?.map((d, i) => compact({
        destination: d.destination._render(scope, `${field}.route[${i}].destination`, namespace),
        weight: d.weight,
        headers: renderHeaderOperations(scope, `${field}.route[${i}].headers`, d.headers),
      })),
      redirect: renderRedirect(scope, `${field}.redirect`, o.redirect),
      directResponse: renderDirectResponse(scope, `${field}.directResponse`, o.directResponse),
      delegate: o.delegate ? renderDelegate(scope, `${field}.delegate`, o.delegate, namespace) : undefined,
      rewrite: renderRewrite(scope, `${field}.rewrite`, o.rewrite),
      timeout: renderRouteDuration(scope, `${field}.timeout`, o.timeout),
      retries: renderRetryPolicy(scope, `${field}.retries`, o.retries),
      fault: o.fault?._render(scope, `${field}.fault`),
      mirror: o.mirror?._render(scope, `${field}.mirror`, namespace),
      mirrorPercentage: o.mirrorPercentage !== undefined ? { value: o.mirrorPercentage } : undefined,
      mirrors: o.mirrors?.map((m, i) => {
        validateFraction(scope, `${field}.mirrors[${i}].percentage`, m.percentage);
        return compact({
          destination: m.destination._render(scope, `${field}.mirrors[${i}].destination`, namespace),
          percentage: m.percentage !== undefined ? { value: m.percentage } : undefined,
        });
      }),
      corsPolicy: renderCorsPolicy(scope, `${field}.corsPolicy`, o.corsPolicy),
      headers: renderHeaderOperations(scope, `${field}.headers`, o.headers),
    };
  }
}

function renderDelegate(scope: IConstruct, field: string, delegate: IVirtualService, namespace: string | undefined): any {
  validateResourceName(scope, `${field}.name`, delegate.virtualServiceName);
  validateDnsLabel(scope, `${field}.namespace`, delegate.virtualServiceNamespace);
  const ns = delegate.virtualServiceNamespace;
  return compact({ name: delegate.virtualServiceName, namespace: ns !== undefined && ns !== namespace ? ns : undefined });
}

/** Istio's rules on which actions of an HTTP route exclude each other. */
function validateConflicts(scope: IConstruct, field: string, o: HttpRouteOptions): void {
  const set = (key: keyof HttpRouteOptions) => o[key] !== undefined;
  const exclusive = (key: keyof HttpRouteOptions, others: Array<keyof HttpRouteOptions>, why: string) => {
    if (!set(key)) return;
    const other = others.find(set);
    if (other !== undefined) {
      throw new Error(`${scope.node.path}: ${field}.${other} cannot be combined with ${field}.${key}: ${why}`);
    }
  };
  exclusive('delegate', ['route', 'redirect', 'directResponse'], 'the delegate VirtualService decides where traffic goes');
  exclusive('redirect', ['route', 'directResponse', 'rewrite', 'fault'], 'a redirected request is answered by the proxy, not forwarded');
  exclusive('directResponse', ['route', 'rewrite', 'fault'], 'a direct response is answered by the proxy, not forwarded');
  exclusive('mirror', ['mirrors'], 'use mirrors for several mirror destinations');
  if (!['route', 'redirect', 'directResponse', 'delegate'].some(k => set(k as keyof HttpRouteOptions))) {
    throw new Error(`${scope.node.path}: ${field} needs one of route, redirect, directResponse and delegate`);
  }
  if (set('mirrorPercentage') && !set('mirror')) {
    fail(scope, `${field}.mirrorPercentage`, o.mirrorPercentage, 'only applies together with mirror (mirrors have their own percentage)');
  }
  const headerAuthority = authorityOverride(o.headers);
  if (o.rewrite?.authority !== undefined && headerAuthority !== undefined) {
    fail(scope, `${field}.headers.request`, headerAuthority, `the authority is already rewritten to ${JSON.stringify(o.rewrite.authority)} by rewrite.authority; set it in one place`);
  }
  check(o.name !== '', scope, `${field}.name`, o.name, 'must not be empty');
}
