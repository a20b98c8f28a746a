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
  /** Nothing but the `istio-system` namespace and the CRDs: a base to add components to. */
  EMPTY = 'empty',
}
