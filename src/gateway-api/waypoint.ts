import { ApiObject, ApiObjectMetadataDefinition } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway, GatewayClassName, GatewayInfrastructure, WaypointFor } from './gateway';
import { ListenerProtocol } from './listener';
import { GatewayApiResourceProps } from './resource';
import { IPodWorkload, IServiceReference } from '../core/kube-refs';
import { check, validateEnum } from '../core/validation';

/** The label that sends a namespace's, Service's or workload's traffic through a waypoint. */
const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** The label naming the waypoint's namespace, when it is not the labelled object's. */
const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
/** The port of Istio's HBONE tunnel, on which a waypoint listens. */
const HBONE_PORT = 15008;

/** Properties of a `Waypoint`. */
export interface WaypointProps extends GatewayApiResourceProps {
  /**
   * The traffic the waypoint handles (label `istio.io/waypoint-for`).
   *
   * @default WaypointFor.SERVICE
   */
  readonly waypointFor?: WaypointFor;
  /** Settings of the generated Deployment and Service. @default - none */
  readonly infrastructure?: GatewayInfrastructure;
}

/**
 * An ambient waypoint proxy: a Gateway API Gateway of class `istio-waypoint` with the HBONE
 * listener `mesh` on port 15008, as `istioctl waypoint generate` writes it. istiod deploys the
 * Envoy proxy that enforces L7 policy (AuthorizationPolicy, RequestAuthentication and Telemetry
 * attached with `targetRefs`) and L7 routing (HTTPRoutes whose parent is a Service) for the
 * namespaces, Services and workloads that use it (`useForNamespace()`, `useForService()`,
 * `useForWorkload()`).
 *
 * @example
 * const waypoint = new Waypoint(chart, 'reviews-waypoint', { metadata: { name: 'reviews-waypoint', namespace: 'bookinfo' } });
 * waypoint.useForService(reviewsService);
 */
export class Waypoint extends Gateway {
  /** The traffic the waypoint handles. */
  public readonly waypointFor: WaypointFor;

  public constructor(scope: Construct, id: string, props: WaypointProps = {}) {
    const waypointFor = props.waypointFor ?? WaypointFor.SERVICE;
    super(scope, id, {
      metadata: props.metadata,
      gatewayClassName: GatewayClassName.ISTIO_WAYPOINT,
      listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: ListenerProtocol.HBONE }],
      infrastructure: props.infrastructure,
      istio: { waypointFor },
    });
    validateEnum(this, 'waypointFor', waypointFor, WaypointFor);
    this.waypointFor = waypointFor;
  }

  /**
   * Sends the traffic to every Service (and, for a `workload` or `all` waypoint, workload) of a
   * namespace through this waypoint: labels the Namespace `istio.io/use-waypoint`.
   *
   * @param namespace the Namespace object, e.g. the one `IstioMesh.enrollNamespace()` returns
   */
  public useForNamespace(namespace: ApiObject): void {
    check(namespace instanceof ApiObject && namespace.kind === 'Namespace', this, 'useForNamespace(namespace)', namespace?.toString(),
      'must be a Namespace ApiObject, such as the one IstioMesh.enrollNamespace() returns');
    this.label(namespace.metadata, `Namespace ${namespace.name}`, namespace.name);
  }

  /**
   * Sends the traffic to a Service through this waypoint: labels the Service
   * `istio.io/use-waypoint` (and `istio.io/use-waypoint-namespace` across namespaces).
   */
  public useForService(service: IServiceReference): void {
    check(typeof service?.name === 'string' && service.metadata !== undefined, this, 'useForService(service)', service, 'must be a Kubernetes Service (cdk8s-plus)');
    this.label(service.metadata, `Service ${service.name}`, service.metadata.namespace);
  }

  /**
   * Sends the traffic addressed to a workload's pods through this waypoint: labels the pod
   * template `istio.io/use-waypoint`. The waypoint must handle workload traffic
   * (`WaypointFor.WORKLOAD` or `WaypointFor.ALL`).
   */
  public useForWorkload(workload: IPodWorkload): void {
    check(workload?.podMetadata !== undefined, this, 'useForWorkload(workload)', workload, 'must be a workload such as a cdk8s-plus Deployment');
    check(this.waypointFor === WaypointFor.WORKLOAD || this.waypointFor === WaypointFor.ALL, this, 'useForWorkload(workload)', workload.node.path,
      `this waypoint handles ${this.waypointFor} traffic only; create it with waypointFor: WaypointFor.WORKLOAD or WaypointFor.ALL`);
    this.label(workload.podMetadata, `workload ${workload.node.path}`, workload.metadata.namespace);
  }

  private label(metadata: ApiObjectMetadataDefinition, what: string, namespace: string | undefined): void {
    const existing = metadata.getLabel(USE_WAYPOINT_LABEL);
    if (existing !== undefined) {
      const existingNs = metadata.getLabel(USE_WAYPOINT_NAMESPACE_LABEL);
      check(existing === this.name && (existingNs ?? namespace) === (this.namespace ?? namespace), this, 'useWaypoint', what,
        `it already uses waypoint "${existingNs ? existingNs + '/' : ''}${existing}"; an object uses one waypoint`);
      return;
    }
    metadata.addLabel(USE_WAYPOINT_LABEL, this.name);
    if (this.namespace !== undefined && namespace !== undefined && this.namespace !== namespace) {
      metadata.addLabel(USE_WAYPOINT_NAMESPACE_LABEL, this.namespace);
    }
    if (this.namespace !== undefined && namespace === undefined) {
      metadata.addLabel(USE_WAYPOINT_NAMESPACE_LABEL, this.namespace);
    }
  }
}
