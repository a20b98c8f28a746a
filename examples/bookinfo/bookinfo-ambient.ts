import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BookinfoApp } from './bookinfo-app';
import { AuthorizationAction, AuthorizationPolicy, gatewayApi, PolicyTargetReference, Principal } from '../../src';

/** The data plane bookinfo runs on, chosen with `BOOKINFO_MODE`. */
export enum BookinfoMode {
  /** Sidecars injected by istiod, each with the privileged `istio-init` container (upstream's default). */
  SIDECAR = 'sidecar',
  /**
   * Sidecars, with istio-cni setting up redirection: pods get the unprivileged
   * `istio-validation` container, and the namespace enforces Pod Security `restricted`.
   */
  SIDECAR_CNI = 'sidecar-cni',
  /**
   * Ambient mode: the ambient profile (istio-cni, ztunnel), the namespace enrolled and enforcing
   * Pod Security `restricted`, a waypoint for reviews, the Gateway API for ingress and routing.
   */
  AMBIENT = 'ambient',
}

/** Every mode, for messages and tests. */
export const MODES: string[] = Object.values(BookinfoMode);

/** Parses a mode, failing with the valid names. */
export function parseMode(value: string | undefined, source: string): BookinfoMode {
  if (value === undefined || value === '') return BookinfoMode.SIDECAR;
  if (!MODES.includes(value)) {
    throw new Error(`${source} ${JSON.stringify(value)} is invalid: must be one of ${MODES.join(', ')}`);
  }
  return value as BookinfoMode;
}

export interface BookinfoAmbientProps {
  readonly app: BookinfoApp;
  readonly namespace: string;
  /** The per-version Services (`reviews-v1`, ...) of the Gateway API routing. */
  readonly versions: Record<string, kplus.Service>;
  /** The ingress Gateway's listener port, which the namespace-wide policy leaves open. */
  readonly ingressPort: number;
  /** The namespace of Prometheus, which scrapes productpage. */
  readonly monitoringNamespace: string;
}

/**
 * Bookinfo's ambient extras, as in Istio's ambient tutorials:
 * - a waypoint `reviews-waypoint` that serves the `reviews` Service;
 * - an HTTPRoute whose parent is the `reviews` Service, sending 90% of requests to v1 and 10%
 *   to v2 (the waypoint applies it);
 * - a namespace-wide L4 AuthorizationPolicy, enforced by ztunnel: only bookinfo's own workloads
 *   and Prometheus may call bookinfo's workloads, and anyone may reach the ingress Gateway's listener;
 * - an L7 policy on the waypoint: only productpage may call reviews, and only with GET.
 */
export class BookinfoAmbient extends Construct {
  public readonly waypoint: gatewayApi.Waypoint;
  public readonly reviewsRoute: gatewayApi.HttpRoute;
  public readonly l4Policy: AuthorizationPolicy;
  public readonly l7Policy: AuthorizationPolicy;

  constructor(scope: Construct, id: string, props: BookinfoAmbientProps) {
    super(scope, id);
    const { app, namespace, versions } = props;

    this.waypoint = new gatewayApi.Waypoint(this, 'waypoint', { metadata: { name: 'reviews-waypoint', namespace } });
    this.waypoint.useForService(app.reviews.service);

    const version = (v: string, weight: number) => gatewayApi.BackendRef.fromService(versions[`reviews-${v}`], { port: 9080, weight });
    this.reviewsRoute = new gatewayApi.HttpRoute(this, 'reviews-route', {
      metadata: { name: 'reviews', namespace },
      parents: [gatewayApi.RouteParent.fromService(app.reviews.service)],
      rules: [{ backendRefs: [version('v1', 90), version('v2', 10)] }],
    });

    this.l4Policy = new AuthorizationPolicy(this, 'l4', {
      metadata: { name: 'bookinfo-l4', namespace },
      action: AuthorizationAction.ALLOW,
      rules: [
        { from: [{ namespaces: [namespace, props.monitoringNamespace] }] },
        { to: [{ ports: [props.ingressPort] }] },
      ],
    });

    this.l7Policy = new AuthorizationPolicy(this, 'l7', {
      metadata: { name: 'reviews-viewer', namespace },
      targetRefs: [PolicyTargetReference.fromService(app.reviews.service)],
      action: AuthorizationAction.ALLOW,
      rules: [{
        from: [{ principals: [Principal.fromServiceAccount(app.productpage.serviceAccount)] }],
        to: [{ methods: ['GET'] }],
      }],
    });
  }
}
