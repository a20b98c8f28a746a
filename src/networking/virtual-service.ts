import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { bindsToMesh, renderGatewayNames } from './gateway-binding';
import { IGateway } from './gateway-ref';
import { HttpRoute, HttpRouteOptions } from './http-route';
import { TcpRoute, TcpRouteOptions } from './tcp-route';
import { TlsRoute, TlsRouteOptions } from './tls-route';
import { IVirtualService } from './virtual-service-ref';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { fail, isIpAddress, validationMessage, validateDnsLabel, validateExportTo, validateHost, validateResourceName } from '../core/validation';

/**
 * Properties of a VirtualService.
 */
export interface VirtualServiceProps extends IstioResourceProps {
  /**
   * The hosts the routes apply to: Kubernetes service names (`reviews`), fully qualified names
   * (`reviews.bookinfo.svc.cluster.local`), external names (`bookinfo.com`), wildcards
   * (`*.bookinfo.com`, or `*` on a VirtualService bound only to gateways) or IP addresses.
   *
   * @default - none: this is a delegate VirtualService, reached only through another
   * VirtualService's `delegate` (it may then have only HTTP routes and no gateways)
   */
  readonly hosts?: string[];

  /**
   * The gateways whose traffic the routes apply to: `Gateway` constructs, imports from
   * `Gateway.fromGatewayName()`, and `Gateway.MESH` for the sidecars of the mesh.
   *
   * @default - the sidecars of the mesh only
   */
  readonly gateways?: IGateway[];

  /**
   * The namespaces that see this VirtualService: `.` (its own), `*` (all) or namespace names.
   *
   * @default - all namespaces (unless the mesh config sets defaultVirtualServiceExportTo)
   */
  readonly exportTo?: string[];

  /**
   * HTTP routes, evaluated in order; the first that matches applies. More can be added with
   * `addHttpRoute()`.
   *
   * @default - none
   */
  readonly http?: HttpRouteOptions[];

  /**
   * TCP routes, evaluated in order. More can be added with `addTcpRoute()`.
   *
   * @default - none
   */
  readonly tcp?: TcpRouteOptions[];

  /**
   * Routes for passed-through TLS and HTTPS traffic, evaluated in order. More can be added with
   * `addTlsRoute()`.
   *
   * @default - none
   */
  readonly tls?: TlsRouteOptions[];
}

/**
 * An Istio VirtualService (`networking.istio.io/v1`): how requests to a set of hosts are routed
 * — matched by URI, headers, ports or SNI, then split by weight across destinations, redirected,
 * answered directly or delegated — with timeouts, retries, fault injection, mirroring, CORS and
 * header changes.
 *
 * @example
 * const reviews = new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
 * reviews.addHttpRoute({
 *   match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
 *   route: [{ destination: Destination.fromSubset(reviewsRule.subset('v2')) }],
 * });
 * reviews.addHttpRoute({ route: [{ destination: Destination.fromSubset(reviewsRule.subset('v1')) }] });
 */
export class VirtualService extends IstioResource implements IVirtualService {
  /**
   * A VirtualService this app does not define, to delegate to: `name`, or `namespace/name`.
   */
  public static fromVirtualServiceName(name: string): IVirtualService {
    const parts = name.split('/');
    if (parts.length > 2) fail(undefined, 'VirtualService.fromVirtualServiceName()', name, 'must be "name" or "namespace/name"');
    const [namespace, vsName] = parts.length === 2 ? parts : [undefined, parts[0]];
    validateDnsLabel(undefined, 'VirtualService.fromVirtualServiceName() namespace', namespace);
    validateResourceName(undefined, 'VirtualService.fromVirtualServiceName() name', vsName);
    return { virtualServiceName: vsName, virtualServiceNamespace: namespace };
  }

  protected readonly apiObject: ApiObject;
  public readonly resourceType = 'virtualservices';

  /**
   * The hosts the routes apply to; empty for a delegate VirtualService.
   */
  public readonly hosts: string[];

  /**
   * The gateways the routes apply to; empty means the sidecars of the mesh.
   */
  public readonly gateways: IGateway[];

  private readonly exportTo: string[] | undefined;
  private readonly httpRoutes: HttpRoute[] = [];
  private readonly tcpRoutes: TcpRoute[] = [];
  private readonly tlsRoutes: TlsRoute[] = [];

  public constructor(scope: Construct, id: string, props: VirtualServiceProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.VirtualService(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.hosts = [...(props.hosts ?? [])];
    this.gateways = [...(props.gateways ?? [])];
    this.exportTo = props.exportTo ? [...props.exportTo] : undefined;

    this.validateHosts();
    if (this.hosts.length === 0 && this.gateways.length > 0) {
      fail(this, 'gateways', renderGatewayNames(this, 'gateways', this.gateways, this.namespace),
        'a delegate VirtualService (one without hosts) cannot bind to gateways; bind the VirtualService that delegates to it');
    }
    renderGatewayNames(this, 'gateways', this.gateways, this.namespace);
    validateExportTo(this, 'exportTo', this.exportTo);
    if (this.exportTo?.includes('.') && this.namespace !== undefined && this.exportTo.includes(this.namespace)) {
      fail(this, 'exportTo', this.exportTo, `"." and "${this.namespace}" both name this VirtualService's namespace; keep one`);
    }

    for (const route of props.http ?? []) this.addHttpRoute(route);
    for (const route of props.tcp ?? []) this.addTcpRoute(route);
    for (const route of props.tls ?? []) this.addTlsRoute(route);

    this.node.addValidation({ validate: () => this.validateAtSynth() });
  }

  /**
   * The VirtualService's name, for `delegate`.
   */
  public get virtualServiceName(): string {
    return this.name;
  }

  /**
   * The VirtualService's namespace, for `delegate`.
   */
  public get virtualServiceNamespace(): string | undefined {
    return this.namespace;
  }

  /**
   * Adds an HTTP route after the existing ones (the first route that matches applies).
   *
   * @returns the route, to which more matches can be added
   */
  public addHttpRoute(options: HttpRouteOptions): HttpRoute {
    const field = `http[${this.httpRoutes.length}]`;
    if (options.delegate !== undefined) {
      if (this.hosts.length === 0) {
        fail(this, `${field}.delegate`, options.delegate.virtualServiceName, 'a delegate VirtualService (one without hosts) cannot delegate again; Istio supports one level of delegation');
      }
      if (options.delegate === this) {
        fail(this, `${field}.delegate`, this.name, 'a VirtualService cannot delegate to itself');
      }
      if (options.delegate instanceof VirtualService && options.delegate.hosts.length > 0) {
        fail(this, `${field}.delegate`, options.delegate.node.path, 'the delegate VirtualService must have no hosts');
      }
    }
    if (options.name !== undefined && this.httpRoutes.some(r => r.name === options.name)) {
      fail(this, `${field}.name`, options.name, 'must be unique among the HTTP routes of this VirtualService');
    }
    const route = HttpRoute._create({
      scope: this,
      field,
      namespace: this.namespace,
      meshBound: bindsToMesh(this.gateways),
    }, options);
    this.httpRoutes.push(route);
    return route;
  }

  /**
   * Adds a TCP route after the existing ones (the first route that matches applies).
   *
   * @returns the route, to which more matches can be added
   */
  public addTcpRoute(options: TcpRouteOptions): TcpRoute {
    const field = `tcp[${this.tcpRoutes.length}]`;
    this.assertNotDelegate(field);
    const route = TcpRoute._create({ scope: this, field, namespace: this.namespace, meshBound: bindsToMesh(this.gateways) }, options);
    this.tcpRoutes.push(route);
    return route;
  }

  /**
   * Adds a TLS route after the existing ones (the first route that matches applies).
   *
   * @returns the route, to which more matches can be added
   */
  public addTlsRoute(options: TlsRouteOptions): TlsRoute {
    const field = `tls[${this.tlsRoutes.length}]`;
    this.assertNotDelegate(field);
    const ctx = { scope: this, field, namespace: this.namespace, meshBound: bindsToMesh(this.gateways), hosts: this.hosts };
    const route = TlsRoute._create(ctx, options);
    this.tlsRoutes.push(route);
    return route;
  }

  /**
   * Renders the VirtualService spec.
   * @internal
   */
  public _toKube(): k.VirtualServiceSpec {
    const spec: k.VirtualServiceSpec = {
      hosts: this.hosts.length > 0 ? [...this.hosts] : undefined,
      gateways: renderGatewayNames(this, 'gateways', this.gateways, this.namespace),
      exportTo: this.exportTo && this.exportTo.length > 0 ? [...this.exportTo] : undefined,
      http: this.httpRoutes.length > 0 ? this.httpRoutes.map(r => r._render()) : undefined,
      tcp: this.tcpRoutes.length > 0 ? this.tcpRoutes.map(r => r._render()) : undefined,
      tls: this.tlsRoutes.length > 0 ? this.tlsRoutes.map(r => r._render()) : undefined,
    };
    return spec;
  }

  private assertNotDelegate(field: string): void {
    if (this.hosts.length === 0) {
      throw new Error(`${this.node.path}: ${field} cannot be added: a delegate VirtualService (one without hosts) supports only HTTP routes`);
    }
  }

  private validateHosts(): void {
    const toMesh = bindsToMesh(this.gateways);
    this.hosts.forEach((host, i) => {
      const field = `hosts[${i}]`;
      if (!isIpAddress(host)) validateHost(this, field, host);
      if (host === '*' && toMesh) {
        fail(this, field, host, 'the wildcard host "*" is only allowed on a VirtualService bound only to gateways (not the mesh)');
      }
    });
    for (let i = 0; i < this.hosts.length; i++) {
      for (let j = i + 1; j < this.hosts.length; j++) {
        if (hostsOverlap(this.hosts[i], this.hosts[j])) {
          fail(this, `hosts[${j}]`, this.hosts[j], `overlaps hosts[${i}] ${JSON.stringify(this.hosts[i])}; each host may appear only once`);
        }
      }
    }
  }

  private validateAtSynth(): string[] {
    const errors: string[] = [];
    if (this.httpRoutes.length + this.tcpRoutes.length + this.tlsRoutes.length === 0) {
      errors.push(validationMessage('http, tcp, tls', [],
        'a VirtualService needs at least one route; add one with addHttpRoute(), addTcpRoute() or addTlsRoute()'));
    }
    // A catch-all route before others leaves them unreachable: Istio accepts it and
    // `istioctl analyze` reports it (IST0130/IST0131); it is not an error here.
    // A subset that no DestinationRule of this app defines may be defined outside it: Istio
    // accepts it, and `istioctl analyze` reports a missing one (IST0101).
    return errors;
  }
}

/** Whether two VirtualService hosts overlap (equal, or one's wildcard covers the other). */
function hostsOverlap(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  const covers = (wildcard: string, other: string) => wildcard.startsWith('*.') && other.endsWith(wildcard.slice(1));
  return covers(a, b) || covers(b, a);
}
