import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GATEWAY_API_GROUP } from './validation';
import { validateLabels } from '../core/validation';

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

