/**
 * An installation profile: the starting point `istioctl install --set profile=<name>` offers.
 */
export enum Profile {
  /** istiod and an ingress gateway, with production resources and autoscaling. The recommended start. */
  DEFAULT = 'default',
  /** istiod, ingress and egress gateways, access logs and tracing providers, small resources and no autoscaling. For trying Istio out. */
  DEMO = 'demo',
  /** istiod only: bring your own gateways. */
  MINIMAL = 'minimal',
  /**
   * Ambient mode: istiod with ambient enabled, the istio-cni node agent and ztunnel on every
   * node, distroless images, and no ingress gateway (add Gateway API gateways and waypoints).
   */
  AMBIENT = 'ambient',
  /**
   * Nothing, as upstream's empty profile: a base to add components to (gateways, and the CRDs
   * and namespace with `crds: CrdSource.builtIn()` and `createNamespace: true`).
   */
  EMPTY = 'empty',
}
