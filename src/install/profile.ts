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
   * Nothing, as upstream's empty profile: a base to add components to (gateways, and the CRDs
   * and namespace with `crds: CrdSource.builtIn()` and `createNamespace: true`).
   */
  EMPTY = 'empty',
}
