import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { HttpRouteFilter } from './http-filter';
import { grantReference } from './reference-grant';
import { GATEWAY_API_GROUP } from './resource';
import { validateGroup, validateInt, validateKind, validateNamespace, validateObjectName, validateSectionName } from './validation';
import { check, fail } from '../core/validation';

/**
 * Something a route attaches to: a `Gateway` or `ListenerSet` of this app, or one from
 * `RouteParent` (a Gateway the app does not own, or a Service for mesh routing).
 */
export interface IRouteParent {
  /** The parent's API group: `gateway.networking.k8s.io`, or `""` for a Service. */
  readonly parentGroup: string;
  /** The parent's kind: `Gateway`, `ListenerSet` or `Service`. */
  readonly parentKind: string;
  /** The parent's name. */
  readonly parentName: string;
  /**
   * The parent's namespace.
   * @default - the route's namespace
   */
  readonly parentNamespace?: string;
}

/**
 * Route parents the app does not create as constructs.
 */
export class RouteParent {
  /**
   * A Gateway by name, e.g. a shared ingress Gateway managed elsewhere.
   *
   * @param name the Gateway's name
   * @param namespace the Gateway's namespace; default: the route's namespace
   */
  public static fromGatewayName(name: string, namespace?: string): IRouteParent {
    return { parentGroup: GATEWAY_API_GROUP, parentKind: 'Gateway', parentName: name, parentNamespace: namespace };
  }

  /**
   * A Service, for mesh (GAMMA) routing: the route applies to requests the mesh sends to
   * this Service, wherever they come from.
   */
  public static fromService(service: kplus.Service): IRouteParent {
    return { parentGroup: '', parentKind: 'Service', parentName: service.name, parentNamespace: service.metadata.namespace };
  }

  /** A Service by name, for mesh (GAMMA) routing. */
  public static fromServiceName(name: string, namespace?: string): IRouteParent {
    return { parentGroup: '', parentKind: 'Service', parentName: name, parentNamespace: namespace };
  }

  private constructor() {}
}

/** How a route attaches to a parent. */
export interface ParentOptions {
  /**
   * The listener (Gateway, ListenerSet) or port name (Service) to attach to.
   * @default - every listener or port of the parent
   */
  readonly sectionName?: string;
  /**
   * The port to attach to: listeners on this port (Gateway), or this Service port.
   * @default - every port
   */
  readonly port?: number;
}

/** A parent reference as the API renders it. Internal. */
export interface RenderedParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** Validates and renders one parentRef of a resource in `fromNamespace`. Internal. */
export function renderParentRef(scope: IConstruct, field: string,
  parent: IRouteParent, options: ParentOptions, fromNamespace: string | undefined): RenderedParentRef {
  check(parent !== undefined && parent !== null && typeof parent.parentName === 'string', scope, field, parent, 'must be a Gateway, a ListenerSet or a RouteParent');
  validateGroup(scope, `${field}.group`, parent.parentGroup);
  validateKind(scope, `${field}.kind`, parent.parentKind);
  validateObjectName(scope, `${field}.name`, parent.parentName);
  validateNamespace(scope, `${field}.namespace`, parent.parentNamespace);
  validateSectionName(scope, `${field}.sectionName`, options.sectionName);
  validateInt(scope, `${field}.port`, options.port, 1, 65535);
  const ns = parent.parentNamespace !== undefined && parent.parentNamespace !== fromNamespace ? parent.parentNamespace : undefined;
  const out = {} as RenderedParentRef;
  if (parent.parentGroup !== GATEWAY_API_GROUP) out.group = parent.parentGroup;
  if (parent.parentKind !== 'Gateway') out.kind = parent.parentKind;
  out.name = parent.parentName;
  if (ns !== undefined) out.namespace = ns;
  if (options.sectionName !== undefined) out.sectionName = options.sectionName;
  if (options.port !== undefined) out.port = options.port;
  return out;
}

/**
 * The CEL rules on `parentRefs`: several references to one parent each name a section (and,
 * where `portInKey`, or a port), and no two are the same. Internal.
 */
export function validateParentRefList(scope: IConstruct, refs: readonly RenderedParentRef[], portInKey: boolean): void {
  const parentKey = (r: RenderedParentRef) => JSON.stringify([r.group ?? GATEWAY_API_GROUP, r.kind ?? 'Gateway', r.name, r.namespace ?? '']);
  const sectionKey = (r: RenderedParentRef) => JSON.stringify([r.sectionName ?? '', portInKey ? r.port ?? 0 : 0]);
  const what = portInKey ? 'sectionName or port' : 'sectionName';
  const must = portInKey ? 'every reference must set the same of sectionName and port' : 'every reference must set sectionName';
  refs.forEach((ref, i) => {
    refs.slice(0, i).forEach((other, j) => {
      if (parentKey(other) !== parentKey(ref)) return;
      const hasSection = (r: RenderedParentRef) => r.sectionName !== undefined;
      const hasPort = (r: RenderedParentRef) => portInKey && r.port !== undefined;
      if (hasSection(ref) !== hasSection(other) || hasPort(ref) !== hasPort(other)) {
        fail(scope, `parentRefs[${i}]`, ref, `parentRefs[${j}] refers to the same parent; when a route refers to one parent more than once, ${must}`);
      }
      if (sectionKey(ref) === sectionKey(other)) {
        fail(scope, `parentRefs[${i}]`, ref, `parentRefs[${j}] already refers to this parent with the same ${what}; each must be unique`);
      }
    });
  });
}

/** Options of a backend reference. */
export interface BackendRefOptions {
  /**
   * The destination port.
   * @default - required for Services, except `BackendRef.fromService()` of a Service with exactly one port
   */
  readonly port?: number;
  /**
   * The share of requests this backend receives, relative to the other backends of the rule
   * (0 to 1,000,000; 0 sends none).
   * @default 1
   */
  readonly weight?: number;
  /**
   * Filters applied to requests sent to this backend (HTTPRoute and GRPCRoute only).
   * @default - none
   */
  readonly filters?: HttpRouteFilter[];
}

/** Options of a backend given by name. */
export interface NamedBackendRefOptions extends BackendRefOptions {
  /**
   * The backend's namespace. A route in another namespace gets a ReferenceGrant automatically
   * when both namespaces are known.
   * @default - the route's namespace
   */
  readonly namespace?: string;
}

/**
 * Where a route sends traffic: a Service (cdk8s-plus or by name), or another backend kind.
 *
 * @example
 * BackendRef.fromService(reviewsV2, { weight: 90 });
 * BackendRef.fromServiceName('ratings', 9080, { namespace: 'shared' });
 */
export class BackendRef {
  /** A cdk8s-plus Service of this app. */
  public static fromService(service: kplus.Service, options: BackendRefOptions = {}): BackendRef {
    return new BackendRef('', 'Service', service.name, service.metadata.namespace, options, () => {
      const ports = service.ports;
      return ports.length === 1 ? ports[0].port : undefined;
    });
  }

  /** A Service the app does not own, by name and port. */
  public static fromServiceName(name: string, port: number, options: NamedBackendRefOptions = {}): BackendRef {
    return new BackendRef('', 'Service', name, options.namespace, { ...options, port });
  }

  /**
   * An Istio host name (`networking.istio.io` kind `Hostname`): a ServiceEntry host or any
   * host in Istio's registry, such as `httpbin.org`.
   */
  public static fromIstioHostname(hostname: string, port: number, options: BackendRefOptions = {}): BackendRef {
    return new BackendRef('networking.istio.io', 'Hostname', hostname, undefined, { ...options, port });
  }

  /** Any other backend kind by group, kind and name (e.g. an inference pool). */
  public static fromResource(group: string, kind: string, name: string, options: NamedBackendRefOptions = {}): BackendRef {
    return new BackendRef(group, kind, name, options.namespace, options);
  }

  private constructor(
    private readonly group: string,
    private readonly kind: string,
    private readonly name: string,
    private readonly namespace: string | undefined,
    private readonly options: BackendRefOptions,
    private readonly defaultPort?: () => number | undefined,
  ) {}

  /**
   * Validates and renders the reference from `owner` (a route of kind `fromKind`), creating
   * the ReferenceGrant a cross-namespace reference needs. Internal.
   * @internal
   */
  public _render(owner: Construct, field: string, fromKind: string, fromNamespace: string | undefined, allowFilters: boolean,
    renderFilters?: (filters: HttpRouteFilter[], field: string) => unknown[], withWeight = true): Record<string, unknown> {
    validateGroup(owner, `${field}.group`, this.group);
    validateKind(owner, `${field}.kind`, this.kind);
    validateObjectName(owner, `${field}.name`, this.name);
    validateNamespace(owner, `${field}.namespace`, this.namespace);
    const port = this.options.port ?? this.defaultPort?.();
    validateInt(owner, `${field}.port`, port, 1, 65535);
    if (this.group === '' && this.kind === 'Service') {
      check(port !== undefined, owner, `${field}.port`, port,
        `is required for a Service reference (${this.name} has ${this.defaultPort ? 'more or fewer than one port' : 'no port given'}); pass { port }`);
    }
    if (withWeight) validateInt(owner, `${field}.weight`, this.options.weight, 0, 1_000_000);
    else check(this.options.weight === undefined, owner, `${field}.weight`, this.options.weight, 'a mirror backend has no weight');
    const filters = this.options.filters ?? [];
    check(allowFilters || filters.length === 0, owner, `${field}.filters`, filters.length, 'filters are only allowed on HTTPRoute and GRPCRoute backends');
    const ns = this.namespace !== undefined && this.namespace !== fromNamespace ? this.namespace : undefined;
    if (ns !== undefined) {
      grantReference(owner, { fromKind, fromNamespace, toGroup: this.group, toKind: this.kind, toName: this.name, toNamespace: ns });
    }
    const out: Record<string, unknown> = {};
    if (this.group !== '') out.group = this.group;
    if (this.kind !== 'Service') out.kind = this.kind;
    out.name = this.name;
    if (ns !== undefined) out.namespace = ns;
    if (port !== undefined) out.port = port;
    if (this.options.weight !== undefined) out.weight = this.options.weight;
    if (filters.length > 0 && renderFilters) out.filters = renderFilters(filters, `${field}.filters`);
    return out;
  }
}

/** A Secret reference (TLS certificates), from a resource in `fromNamespace`. Internal. */
export function renderSecretRef(owner: Construct, field: string,
  secret: kplus.ISecret, fromKind: string, fromNamespace: string | undefined): Record<string, string> {
  check(secret !== undefined && secret !== null && typeof secret.name === 'string', owner, field, secret, 'must be a cdk8s-plus Secret (or Secret.fromSecretName())');
  validateObjectName(owner, `${field}.name`, secret.name);
  const secretNamespace = (secret as Partial<kplus.Secret>).metadata?.namespace;
  const ns = secretNamespace !== undefined && secretNamespace !== fromNamespace ? secretNamespace : undefined;
  if (ns !== undefined) {
    grantReference(owner, { fromKind, fromNamespace, toGroup: '', toKind: 'Secret', toName: secret.name, toNamespace: ns });
  }
  return ns === undefined ? { name: secret.name } : { name: secret.name, namespace: ns };
}
