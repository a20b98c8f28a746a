import { IServiceReference } from '../core/kube-refs';
import type { Gateway } from '../gateway-api/gateway';
import type { Waypoint } from '../gateway-api/waypoint';

/** The API group of the Kubernetes Gateway API. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The API group of Istio's networking resources. */
const ISTIO_NETWORKING_GROUP = 'networking.istio.io';

/**
 * A resource a policy (AuthorizationPolicy, RequestAuthentication, Telemetry) attaches to
 * through `targetRefs`, instead of selecting pods with a `selector`. Istio accepts a
 * Kubernetes Gateway API `Gateway` or `GatewayClass`, a `Service` (enforced by its waypoint
 * proxy in ambient mode) or a `ServiceEntry`, always in the namespace of the policy.
 *
 * @example
 * PolicyTargetReference.fromGateway('bookinfo-gateway');
 * PolicyTargetReference.fromService(productpageService);
 */
export class PolicyTargetReference {
  /**
   * A Kubernetes Gateway API `Gateway` (group `gateway.networking.k8s.io`) in the namespace of
   * the policy.
   */
  public static fromGateway(name: string): PolicyTargetReference {
    return new PolicyTargetReference(GATEWAY_API_GROUP, 'Gateway', () => name, () => undefined);
  }

  /**
   * A Gateway API `Gateway` of this app, such as an ambient `Waypoint`: a policy attached to a
   * waypoint applies to all traffic the waypoint handles (L7 authorization, JWT authentication,
   * telemetry). It must live in the namespace of the policy.
   */
  public static fromGatewayObject(gateway: Gateway): PolicyTargetReference {
    return new PolicyTargetReference(GATEWAY_API_GROUP, 'Gateway', () => gateway.name, () => gateway.metadata.namespace);
  }

  /**
   * An ambient `Waypoint` of this app: the policy applies to the traffic the waypoint handles
   * for the Services and workloads that use it. It must live in the namespace of the policy.
   */
  public static fromWaypoint(waypoint: Waypoint): PolicyTargetReference {
    return PolicyTargetReference.fromGatewayObject(waypoint);
  }

  /**
   * A Kubernetes Gateway API `GatewayClass`. Istio honours such a policy only in the mesh
   * root namespace, where it applies to every Gateway of the class.
   */
  public static fromGatewayClass(name: string): PolicyTargetReference {
    return new PolicyTargetReference(GATEWAY_API_GROUP, 'GatewayClass', () => name, () => undefined);
  }

  /**
   * A Kubernetes Service of this app (a `Service` of any cdk8s-plus 2.x version). It must live in the namespace of the policy.
   */
  public static fromService(service: IServiceReference): PolicyTargetReference {
    return new PolicyTargetReference('', 'Service', () => service.name, () => service.metadata.namespace);
  }

  /**
   * A Kubernetes Service the app does not own, by name, in the namespace of the policy.
   */
  public static fromServiceName(name: string): PolicyTargetReference {
    return new PolicyTargetReference('', 'Service', () => name, () => undefined);
  }

  /**
   * An Istio `ServiceEntry` (group `networking.istio.io`), by name, in the namespace of the
   * policy.
   */
  public static fromServiceEntryName(name: string): PolicyTargetReference {
    return new PolicyTargetReference(ISTIO_NETWORKING_GROUP, 'ServiceEntry', () => name, () => undefined);
  }

  private constructor(
    /** The API group of the target (`""` for core Kubernetes kinds). */
    public readonly group: string,
    /** The kind of the target. */
    public readonly kind: string,
    private readonly nameOf: () => string,
    private readonly namespaceOf: () => string | undefined,
  ) {}

  /** The name of the target. */
  public get name(): string {
    return this.nameOf();
  }

  /**
   * The namespace of the target, when the app knows it. Istio only supports targets in the
   * namespace of the policy, so it is checked but never rendered.
   *
   * @default - the namespace of the policy
   */
  public get namespace(): string | undefined {
    return this.namespaceOf();
  }
}
