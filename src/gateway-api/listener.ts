import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { renderSecretRef } from './references';
import { GATEWAY_API_GROUP } from './resource';
import {
  validateCount, validateEnum, validateGroup, validateHostname, validateInt, validateKind, validateLength,
  validateSectionName, validateStringMap,
} from './validation';
import { check, fail, validateLabels } from '../core/validation';

const PROTOCOL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/;

/** The protocol of a listener. */
export class ListenerProtocol {
  /** Plain-text HTTP (HTTPRoute, GRPCRoute). */
  public static readonly HTTP = new ListenerProtocol('HTTP');
  /** HTTP over TLS terminated by the Gateway (HTTPRoute, GRPCRoute). */
  public static readonly HTTPS = new ListenerProtocol('HTTPS');
  /** TLS, passed through or terminated (TLSRoute). */
  public static readonly TLS = new ListenerProtocol('TLS');
  /** TCP (TCPRoute). */
  public static readonly TCP = new ListenerProtocol('TCP');
  /** UDP (UDPRoute). */
  public static readonly UDP = new ListenerProtocol('UDP');
  /** Istio's HTTP-based overlay network (ambient waypoints and east-west gateways, port 15008). */
  public static readonly HBONE = new ListenerProtocol('HBONE');

  /** Any other protocol: a name, or a domain-prefixed one (`example.com/PROXY`). */
  public static of(protocol: string): ListenerProtocol {
    return new ListenerProtocol(protocol);
  }

  private constructor(
    /** The wire value. */
    public readonly value: string,
  ) {}
}

/** How a listener handles TLS. */
export enum TlsModeType {
  /** The Gateway terminates TLS with the listener's certificates. */
  TERMINATE = 'Terminate',
  /** The Gateway forwards the encrypted stream by SNI (TLSRoute). */
  PASSTHROUGH = 'Passthrough',
}

/** TLS settings of a listener. */
export interface ListenerTlsOptions {
  /** Terminate or pass through. @default TlsModeType.TERMINATE */
  readonly mode?: TlsModeType;
  /**
   * Secrets holding the certificate and key (`kubernetes.io/tls`), up to 64. A Secret in
   * another namespace gets a ReferenceGrant automatically.
   * @default - none; a terminating listener then needs `options`
   */
  readonly certificateRefs?: kplus.ISecret[];
  /** Implementation-specific TLS options, up to 16. @default - none */
  readonly options?: Record<string, string>;
}

/** Namespaces whose routes may attach to a listener. */
export class RouteNamespaces {
  /** The listener's own namespace. */
  public static same(): RouteNamespaces {
    return new RouteNamespaces('Same');
  }

  /** Every namespace. */
  public static all(): RouteNamespaces {
    return new RouteNamespaces('All');
  }

  /** Namespaces with these labels (and matching these expressions). */
  public static selector(labels: Record<string, string>, expressions?: kplus.LabelExpression[]): RouteNamespaces {
    return new RouteNamespaces('Selector', labels, expressions);
  }

  private constructor(
    /** @internal */ public readonly _from: string,
    private readonly labels?: Record<string, string>,
    private readonly expressions?: kplus.LabelExpression[],
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): Record<string, unknown> {
    if (this._from !== 'Selector') return { from: this._from };
    validateLabels(scope, `${field}.selector.matchLabels`, this.labels);
    const selector: Record<string, unknown> = {};
    if (this.labels && Object.keys(this.labels).length > 0) selector.matchLabels = { ...this.labels };
    if (this.expressions && this.expressions.length > 0) {
      selector.matchExpressions = this.expressions.map(e => (e.values
        ? { key: e.key, operator: e.operator, values: [...e.values] }
        : { key: e.key, operator: e.operator }));
    }
    return { from: 'Selector', selector };
  }
}

/** A route kind a listener accepts. */
export class RouteKind {
  public static readonly HTTP_ROUTE = new RouteKind('HTTPRoute');
  public static readonly GRPC_ROUTE = new RouteKind('GRPCRoute');
  public static readonly TLS_ROUTE = new RouteKind('TLSRoute');
  public static readonly TCP_ROUTE = new RouteKind('TCPRoute');
  public static readonly UDP_ROUTE = new RouteKind('UDPRoute');

  /** Another kind. */
  public static of(kind: string, group: string = GATEWAY_API_GROUP): RouteKind {
    return new RouteKind(kind, group);
  }

  private constructor(
    /** The kind. */
    public readonly kind: string,
    /** The API group. */
    public readonly group: string = GATEWAY_API_GROUP,
  ) {}
}

/** Which routes may attach to a listener. */
export interface AllowedRoutes {
  /** Namespaces of the routes. @default RouteNamespaces.same() */
  readonly namespaces?: RouteNamespaces;
  /** Route kinds, up to 8. @default - the kinds the protocol supports */
  readonly kinds?: RouteKind[];
}

/** A listener: a port, protocol and optional host name routes attach to. */
export interface ListenerOptions {
  /** The listener's name, unique in the Gateway; routes use it as `sectionName`. */
  readonly name: string;
  /** The port. */
  readonly port: number;
  /** The protocol. */
  readonly protocol: ListenerProtocol;
  /**
   * The host name (`Host` header or SNI) the listener serves; `*.` wildcards allowed. Not for
   * TCP and UDP.
   * @default - every host name
   */
  readonly hostname?: string;
  /** TLS settings, required for TLS, not allowed for HTTP, TCP and UDP. @default - none */
  readonly tls?: ListenerTlsOptions;
  /** Routes that may attach. @default - routes of the same namespace, of the kinds the protocol supports */
  readonly allowedRoutes?: AllowedRoutes;
}

/**
 * Validates and renders one listener of a Gateway or ListenerSet owned by `owner`, against the
 * ones already rendered (the CRD's list rules). Internal.
 */
export function renderListener(owner: Construct, field: string, l: ListenerOptions, previous: ReadonlyArray<Record<string, any>>,
  ownerKind: string, ownerNamespace: string | undefined): Record<string, unknown> {
  check(l !== undefined && l !== null, owner, field, l, 'must be a listener');
  check(typeof l.name === 'string', owner, `${field}.name`, l.name, 'is required, e.g. "http"');
  validateSectionName(owner, `${field}.name`, l.name);
  check(l.port !== undefined, owner, `${field}.port`, l.port, 'is required');
  validateInt(owner, `${field}.port`, l.port, 1, 65535);
  check(l.protocol instanceof ListenerProtocol, owner, `${field}.protocol`, l.protocol, 'must be a ListenerProtocol such as ListenerProtocol.HTTP');
  const protocol = l.protocol.value;
  validateLength(owner, `${field}.protocol`, protocol, 1, 255);
  check(PROTOCOL.test(protocol), owner, `${field}.protocol`, protocol, 'must be a protocol name such as "HTTP", or a domain-prefixed one such as "example.com/PROXY"');
  validateHostname(owner, `${field}.hostname`, l.hostname);
  if (['TCP', 'UDP'].includes(protocol)) {
    check(l.hostname === undefined, owner, `${field}.hostname`, l.hostname, `must not be set for protocol ${protocol}`);
  }
  if (['HTTP', 'TCP', 'UDP'].includes(protocol)) {
    check(l.tls === undefined, owner, `${field}.tls`, l.tls, `must not be set for protocol ${protocol}`);
  }
  if (protocol === 'TLS') check(l.tls !== undefined, owner, `${field}.tls`, l.tls, 'is required for protocol TLS (mode Terminate or Passthrough)');
  if (protocol === 'HTTPS' && l.tls?.mode !== undefined) {
    check(l.tls.mode === TlsModeType.TERMINATE, owner, `${field}.tls.mode`, l.tls.mode, 'must be Terminate for protocol HTTPS');
  }
  const out: Record<string, unknown> = { name: l.name };
  if (l.hostname !== undefined) out.hostname = l.hostname;
  out.port = l.port;
  out.protocol = protocol;
  if (l.tls !== undefined) out.tls = renderListenerTls(owner, `${field}.tls`, l.tls, ownerKind, ownerNamespace);
  if (l.allowedRoutes !== undefined) out.allowedRoutes = renderAllowedRoutes(owner, `${field}.allowedRoutes`, l.allowedRoutes);

  previous.forEach((p, j) => {
    if (p.name === l.name) fail(owner, `${field}.name`, l.name, `listeners[${j}] already has this name; listener names must be unique`);
    if (p.port === l.port && p.protocol === protocol && p.hostname === l.hostname) {
      fail(owner, field, { port: l.port, protocol, hostname: l.hostname },
        `listeners[${j}] has the same port, protocol and hostname; each combination must be unique`);
    }
  });
  return out;
}

function renderListenerTls(owner: Construct, field: string,
  tls: ListenerTlsOptions, ownerKind: string, ownerNamespace: string | undefined): Record<string, unknown> {
  validateEnum(owner, `${field}.mode`, tls.mode, Object.values(TlsModeType));
  const refs = tls.certificateRefs ?? [];
  validateCount(owner, `${field}.certificateRefs`, refs, 64);
  validateStringMap(owner, `${field}.options`, tls.options, 16, 4096);
  const options = tls.options ?? {};
  if ((tls.mode ?? TlsModeType.TERMINATE) === TlsModeType.TERMINATE) {
    check(refs.length > 0 || Object.keys(options).length > 0, owner, `${field}.certificateRefs`, [],
      'a listener that terminates TLS needs certificateRefs (or implementation-specific options)');
  }
  const out: Record<string, unknown> = {};
  if (tls.mode !== undefined) out.mode = tls.mode;
  if (refs.length > 0) out.certificateRefs = refs.map((s, i) => renderSecretRef(owner, `${field}.certificateRefs[${i}]`, s, ownerKind, ownerNamespace));
  if (Object.keys(options).length > 0) out.options = { ...options };
  return out;
}

function renderAllowedRoutes(owner: Construct, field: string, a: AllowedRoutes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a.namespaces !== undefined) {
    check(a.namespaces instanceof RouteNamespaces, owner, `${field}.namespaces`, a.namespaces, 'must be RouteNamespaces.same(), .all() or .selector()');
    out.namespaces = a.namespaces._render(owner, `${field}.namespaces`);
  }
  if (a.kinds !== undefined) {
    validateCount(owner, `${field}.kinds`, a.kinds, 8);
    out.kinds = a.kinds.map((kind, i) => {
      check(kind instanceof RouteKind, owner, `${field}.kinds[${i}]`, kind, 'must be a RouteKind such as RouteKind.HTTP_ROUTE');
      validateGroup(owner, `${field}.kinds[${i}].group`, kind.group);
      validateKind(owner, `${field}.kinds[${i}].kind`, kind.kind);
      return kind.group === GATEWAY_API_GROUP ? { kind: kind.kind } : { group: kind.group, kind: kind.kind };
    });
  }
  return out;
}
