import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ListenerOptions, renderListener } from './listener';
import { grantReference } from './reference-grant';
import { IRouteParent, renderSecretRef } from './references';
import { GATEWAY_API_GROUP, GatewayApiResource, GatewayApiResourceProps } from './resource';
import {
  validateAnnotationMap, validateCount, validateEnum, validateHostname, validateInfrastructureLabels, validateInt,
  validateLength, validateObjectName, validateUniqueKeys,
} from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, invalidMessage, isIpAddress, validateLabels } from '../core/validation';

/**
 * The GatewayClass of a Gateway: which controller implements it. Istio creates the
 * `istio`, `istio-waypoint`, `istio-east-west` and `istio-remote` classes itself when it finds
 * the Gateway API CRDs, so apps refer to them and do not create them.
 */
export class GatewayClassName {
  /** Istio's ingress gateway: a Deployment and Service of Envoy per Gateway. */
  public static readonly ISTIO = new GatewayClassName('istio');
  /** An ambient waypoint proxy (listener of protocol HBONE on port 15008). */
  public static readonly ISTIO_WAYPOINT = new GatewayClassName('istio-waypoint');
  /** An east-west gateway for multi-network ambient meshes. */
  public static readonly ISTIO_EAST_WEST = new GatewayClassName('istio-east-west');
  /** A gateway whose proxies run elsewhere (remote cluster, manual deployment). */
  public static readonly ISTIO_REMOTE = new GatewayClassName('istio-remote');

  /** Any other GatewayClass, by name. */
  public static of(name: string): GatewayClassName {
    return new GatewayClassName(name);
  }

  private constructor(
    /** The class name. */
    public readonly name: string,
  ) {}
}

/** An address requested for a Gateway. */
export class GatewayAddress {
  /** An IP address. */
  public static ipAddress(address: string): GatewayAddress {
    return new GatewayAddress('IPAddress', address);
  }

  /** A DNS name. */
  public static hostname(hostname: string): GatewayAddress {
    return new GatewayAddress('Hostname', hostname);
  }

  /** An implementation-specific named address (e.g. a pre-allocated IP's name). */
  public static namedAddress(name: string): GatewayAddress {
    return new GatewayAddress('NamedAddress', name);
  }

  /** A domain-prefixed address type (`example.com/my-type`). */
  public static of(type: string, value?: string): GatewayAddress {
    return new GatewayAddress(type, value);
  }

  private constructor(
    /** The address type. */
    public readonly type: string,
    /** The address. */
    public readonly value?: string,
  ) {}
}

const ADDRESS_TYPE = /^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** Labels, annotations and parameters of the resources the implementation creates for a Gateway. */
export interface GatewayInfrastructure {
  /** Labels, up to 8, added to the generated Deployment, Service, ... @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations, up to 8. @default - none */
  readonly annotations?: Record<string, string>;
  /**
   * A ConfigMap of implementation-specific parameters (Istio: overlays of the generated
   * Deployment, Service, HorizontalPodAutoscaler, ...). Must be in the Gateway's namespace.
   * @default - none
   */
  readonly parametersRef?: kplus.IConfigMap;
}

/** Namespaces whose ListenerSets may attach to a Gateway. */
export enum ListenerNamespacesFrom {
  /** None (the default). */
  NONE = 'None',
  /** The Gateway's own namespace. */
  SAME = 'Same',
  /** Every namespace. */
  ALL = 'All',
  /** Namespaces matching `selector`. */
  SELECTOR = 'Selector',
}

/** Which ListenerSets may attach to a Gateway. */
export interface AllowedListeners {
  /** Where ListenerSets may come from. @default ListenerNamespacesFrom.NONE */
  readonly from?: ListenerNamespacesFrom;
  /** Namespace labels, for `SELECTOR`. @default - none */
  readonly selectorLabels?: Record<string, string>;
}

/** How a Gateway validates client certificates (mutual TLS). */
export enum FrontendValidationMode {
  /** Only clients with a valid certificate. */
  ALLOW_VALID_ONLY = 'AllowValidOnly',
  /** Also clients without one or with an invalid one. */
  ALLOW_INSECURE_FALLBACK = 'AllowInsecureFallback',
}

/** Client certificate validation. */
export interface FrontendTlsValidation {
  /** ConfigMaps with the CA bundle (key `ca.crt`), 1 to 8. */
  readonly caCertificateRefs: kplus.IConfigMap[];
  /** @default FrontendValidationMode.ALLOW_VALID_ONLY */
  readonly mode?: FrontendValidationMode;
}

/** Client-certificate validation for one port. */
export interface PortFrontendTls {
  /** The port. */
  readonly port: number;
  /** The validation. */
  readonly validation: FrontendTlsValidation;
}

/** TLS settings of a whole Gateway. */
export interface GatewayTls {
  /**
   * The client certificate the Gateway presents to backends that validate it.
   * @default - none
   */
  readonly backendClientCertificate?: kplus.ISecret;
  /** Client-certificate validation for every port. @default - none */
  readonly frontendDefault?: FrontendTlsValidation;
  /** Client-certificate validation per port, up to 64 ports. @default - none */
  readonly frontendPerPort?: PortFrontendTls[];
}

/** The type of the Service Istio creates for a Gateway. */
export enum GatewayServiceType {
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

/** The traffic an ambient waypoint handles. */
export enum WaypointFor {
  /** Traffic to Services (the default). */
  SERVICE = 'service',
  /** Traffic to workloads (pods) by address. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
  /** Neither. */
  NONE = 'none',
}

/** Istio's settings of a Gateway, rendered as its annotations and labels. */
export interface IstioGatewayOptions {
  /** The Service type (`networking.istio.io/service-type`). @default GatewayServiceType.LOAD_BALANCER (ClusterIP for waypoints) */
  readonly serviceType?: GatewayServiceType;
  /** The name of the generated Deployment and Service (`gateway.istio.io/name-override`). @default - `<gateway name>-<class name>` */
  readonly nameOverride?: string;
  /** The generated Deployment's service account (`gateway.istio.io/service-account`). @default - the generated name */
  readonly serviceAccount?: string;
  /** For waypoints: which traffic it handles (label `istio.io/waypoint-for`). @default WaypointFor.SERVICE */
  readonly waypointFor?: WaypointFor;
}

/** Properties of a Gateway. */
export interface GatewayProps extends GatewayApiResourceProps {
  /** The GatewayClass. */
  readonly gatewayClassName: GatewayClassName;
  /** Listeners, 1 to 64. More with `addListener()`. @default - none yet; add at least one */
  readonly listeners?: ListenerOptions[];
  /** Addresses requested, up to 16. @default - assigned by the implementation */
  readonly addresses?: GatewayAddress[];
  /** Settings of the generated resources. @default - none */
  readonly infrastructure?: GatewayInfrastructure;
  /** ListenerSets that may attach. @default - none */
  readonly allowedListeners?: AllowedListeners;
  /** Gateway-wide TLS settings. @default - none */
  readonly tls?: GatewayTls;
  /** Istio's annotations. @default - none */
  readonly istio?: IstioGatewayOptions;
}

/**
 * A Gateway API Gateway: listeners for routes, implemented by Istio (class `istio`: an Envoy
 * Deployment and Service per Gateway) or an ambient waypoint (`istio-waypoint`).
 *
 * @example
 * const gateway = new Gateway(this, 'bookinfo-gateway', {
 *   gatewayClassName: GatewayClassName.ISTIO,
 *   listeners: [{ name: 'http', port: 80, protocol: ListenerProtocol.HTTP }],
 * });
 */
export class Gateway extends GatewayApiResource implements IRouteParent {
  /** @see https://gateway-api.sigs.k8s.io/api-types/gateway/ */
  public readonly resourceType = 'gateways';
  protected readonly apiObject: ApiObject;
  /** The GatewayClass. */
  public readonly gatewayClassName: GatewayClassName;
  private readonly listeners: Array<Record<string, any>> = [];
  private readonly spec: Record<string, unknown> = {};

  public constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id, props);
    check(props.gatewayClassName instanceof GatewayClassName, this, 'gatewayClassName', props.gatewayClassName,
      'must be a GatewayClassName such as GatewayClassName.ISTIO');
    validateLength(this, 'gatewayClassName', props.gatewayClassName.name, 1, 253);
    this.gatewayClassName = props.gatewayClassName;
    this.apiObject = new k.Gateway(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.applyIstioOptions(props.istio);
    if (props.addresses !== undefined) this.spec.addresses = this.renderAddresses(props.addresses);
    if (props.infrastructure !== undefined) this.spec.infrastructure = this.renderInfrastructure(props.infrastructure);
    if (props.allowedListeners !== undefined) this.spec.allowedListeners = this.renderAllowedListeners(props.allowedListeners);
    if (props.tls !== undefined) this.spec.tls = this.renderTls(props.tls);
    for (const listener of props.listeners ?? []) this.addListener(listener);
    this.node.addValidation({
      validate: () => (this.listeners.length === 0 ? [invalidMessage(this, 'listeners', [], 'a Gateway needs 1 to 64 listeners (addListener())')] : []),
    });
  }

  /** `gateway.networking.k8s.io`. */
  public get parentGroup(): string {
    return GATEWAY_API_GROUP;
  }

  /** `Gateway`. */
  public get parentKind(): string {
    return 'Gateway';
  }

  /** The Gateway's name. */
  public get parentName(): string {
    return this.name;
  }

  /** The Gateway's namespace. */
  public get parentNamespace(): string | undefined {
    return this.metadata.namespace;
  }

  /** Adds a listener. */
  public addListener(listener: ListenerOptions): void {
    const field = `listeners[${this.listeners.length}]`;
    check(this.listeners.length < 64, this, 'listeners', this.listeners.length + 1, 'a Gateway may have at most 64 listeners');
    this.listeners.push(renderListener(this, field, listener, this.listeners, 'Gateway', this.metadata.namespace));
  }

  /** @internal */
  public _toKube(): k.GatewaySpec {
    return { gatewayClassName: this.gatewayClassName.name, listeners: this.listeners, ...this.spec } as unknown as k.GatewaySpec;
  }

  private applyIstioOptions(o: IstioGatewayOptions | undefined): void {
    if (o === undefined) return;
    validateEnum(this, 'istio.serviceType', o.serviceType, Object.values(GatewayServiceType));
    validateEnum(this, 'istio.waypointFor', o.waypointFor, Object.values(WaypointFor));
    if (o.nameOverride !== undefined) validateObjectName(this, 'istio.nameOverride', o.nameOverride);
    if (o.serviceAccount !== undefined) validateObjectName(this, 'istio.serviceAccount', o.serviceAccount);
    if (o.serviceType !== undefined) this.metadata.addAnnotation('networking.istio.io/service-type', o.serviceType);
    if (o.nameOverride !== undefined) this.metadata.addAnnotation('gateway.istio.io/name-override', o.nameOverride);
    if (o.serviceAccount !== undefined) this.metadata.addAnnotation('gateway.istio.io/service-account', o.serviceAccount);
    if (o.waypointFor !== undefined) this.metadata.addLabel('istio.io/waypoint-for', o.waypointFor);
  }

  private renderAddresses(addresses: GatewayAddress[]): Array<Record<string, string>> {
    validateCount(this, 'addresses', addresses, 16);
    const out = addresses.map((a, i) => {
      const field = `addresses[${i}]`;
      check(a instanceof GatewayAddress, this, field, a, 'must be a GatewayAddress such as GatewayAddress.ipAddress("10.0.0.1")');
      validateLength(this, `${field}.type`, a.type, 1, 253);
      check(ADDRESS_TYPE.test(a.type), this, `${field}.type`, a.type, 'must be Hostname, IPAddress, NamedAddress or a domain-prefixed type such as "example.com/my-type"');
      validateLength(this, `${field}.value`, a.value, 0, 253);
      if (a.type === 'Hostname' && a.value !== undefined) validateHostname(this, `${field}.value`, a.value);
      if (a.type === 'IPAddress') check(a.value !== undefined && isIpAddress(a.value), this, `${field}.value`, a.value, 'must be an IPv4 or IPv6 address');
      const rendered: Record<string, string> = { type: a.type };
      if (a.value !== undefined) rendered.value = a.value;
      return rendered;
    });
    for (const type of ['IPAddress', 'Hostname']) {
      const values = addresses.filter(a => a.type === type && a.value !== undefined).map(a => a.value!);
      validateUniqueKeys(this, 'addresses', values, `${type} value`);
    }
    return out;
  }

  private renderInfrastructure(infra: GatewayInfrastructure): Record<string, unknown> {
    validateInfrastructureLabels(this, 'infrastructure.labels', infra.labels);
    validateAnnotationMap(this, 'infrastructure.annotations', infra.annotations, 8);
    const out: Record<string, unknown> = {};
    if (infra.labels && Object.keys(infra.labels).length > 0) out.labels = { ...infra.labels };
    if (infra.annotations && Object.keys(infra.annotations).length > 0) out.annotations = { ...infra.annotations };
    if (infra.parametersRef !== undefined) {
      check(typeof infra.parametersRef?.name === 'string', this, 'infrastructure.parametersRef', infra.parametersRef, 'must be a cdk8s-plus ConfigMap');
      const ns = (infra.parametersRef as Partial<kplus.ConfigMap>).metadata?.namespace;
      check(ns === undefined || ns === this.metadata.namespace, this, 'infrastructure.parametersRef', infra.parametersRef.name,
        `must be in the Gateway's namespace (${this.metadata.namespace ?? 'default'}), not ${ns}`);
      out.parametersRef = { group: '', kind: 'ConfigMap', name: infra.parametersRef.name };
    }
    return out;
  }

  private renderAllowedListeners(a: AllowedListeners): Record<string, unknown> {
    validateEnum(this, 'allowedListeners.from', a.from, Object.values(ListenerNamespacesFrom));
    validateLabels(this, 'allowedListeners.selectorLabels', a.selectorLabels);
    if (a.selectorLabels !== undefined) {
      check(a.from === ListenerNamespacesFrom.SELECTOR, this, 'allowedListeners.selectorLabels', a.selectorLabels, 'only applies with from SELECTOR');
    }
    const namespaces: Record<string, unknown> = { from: a.from ?? ListenerNamespacesFrom.NONE };
    if (a.from === ListenerNamespacesFrom.SELECTOR) namespaces.selector = { matchLabels: { ...(a.selectorLabels ?? {}) } };
    return { namespaces };
  }

  private renderTls(tls: GatewayTls): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const ns = this.metadata.namespace;
    if (tls.backendClientCertificate !== undefined) {
      out.backend = { clientCertificateRef: renderSecretRef(this, 'tls.backend.clientCertificateRef', tls.backendClientCertificate, 'Gateway', ns) };
    }
    if (tls.frontendDefault !== undefined || tls.frontendPerPort !== undefined) {
      check(tls.frontendDefault !== undefined, this, 'tls.frontend.default', undefined, 'is required when frontend validation is set per port');
      const frontend: Record<string, unknown> = { default: { validation: this.renderValidation('tls.frontend.default.validation', tls.frontendDefault!) } };
      if (tls.frontendPerPort !== undefined) {
        validateCount(this, 'tls.frontend.perPort', tls.frontendPerPort, 64);
        frontend.perPort = tls.frontendPerPort.map((p, i) => {
          validateInt(this, `tls.frontend.perPort[${i}].port`, p.port, 1, 65535);
          return { port: p.port, tls: { validation: this.renderValidation(`tls.frontend.perPort[${i}].tls.validation`, p.validation) } };
        });
        validateUniqueKeys(this, 'tls.frontend.perPort', tls.frontendPerPort.map(p => String(p.port)), 'port');
      }
      out.frontend = frontend;
    }
    return out;
  }

  private renderValidation(field: string, v: FrontendTlsValidation): Record<string, unknown> {
    validateCount(this, `${field}.caCertificateRefs`, v.caCertificateRefs, 8, 1);
    validateEnum(this, `${field}.mode`, v.mode, Object.values(FrontendValidationMode));
    const refs = v.caCertificateRefs.map((cm, i) => {
      check(typeof cm?.name === 'string', this, `${field}.caCertificateRefs[${i}]`, cm, 'must be a cdk8s-plus ConfigMap');
      const cmNs = (cm as Partial<kplus.ConfigMap>).metadata?.namespace;
      const ns = cmNs !== undefined && cmNs !== this.metadata.namespace ? cmNs : undefined;
      if (ns !== undefined) {
        grantReference(this, { fromKind: 'Gateway', fromNamespace: this.metadata.namespace, toGroup: '', toKind: 'ConfigMap', toName: cm.name, toNamespace: ns });
      }
      return ns === undefined ? { group: '', kind: 'ConfigMap', name: cm.name } : { group: '', kind: 'ConfigMap', name: cm.name, namespace: ns };
    });
    return v.mode === undefined ? { caCertificateRefs: refs } : { caCertificateRefs: refs, mode: v.mode };
  }
}
