import { IConstruct } from 'constructs';
import { ComputeResources } from './compute-resources';
import { Profile } from './profile';
import { fail } from '../core/validation';


/** A tracing or logging backend the demo profile configures (internal profile data). */
export interface ProfileProvider {
  readonly name: string;
  readonly kind: 'envoyOtelAls' | 'skywalking' | 'opentelemetry';
  readonly service: string;
  readonly port: number;
}

/**
 * What a profile turns on, as facts from `istioctl manifest generate --set profile=<name>`.
 * Internal.
 */
export interface ProfileSettings {
  readonly profile: Profile;
  /** Whether istiod (and its RBAC, webhooks, ConfigMaps) is installed. */
  readonly istiod: boolean;
  /** Whether `istio-ingressgateway` is installed. */
  readonly ingressGateway: boolean;
  /** Whether `istio-egressgateway` is installed. */
  readonly egressGateway: boolean;
  /** istiod container resources. */
  readonly istiodResources: ComputeResources;
  /** Whether istiod scales with an HPA; otherwise the Deployment sets `replicas`. */
  readonly autoscale: boolean;
  /** `PILOT_TRACE_SAMPLING`, percent. */
  readonly traceSampling: number;
  /** Resources of the gateways. */
  readonly gatewayResources: ComputeResources;
  /** Whether the gateways autoscale. */
  readonly gatewayAutoscale: boolean;
  /** Resources of injected sidecars (`global.proxy.resources`). */
  readonly proxyResources: ComputeResources;
  /** Mesh config `accessLogFile`. */
  readonly accessLogFile?: string;
  /** Mesh config extension providers the profile adds. */
  readonly extensionProviders: ProfileProvider[];
  /** Whether the istio-cni node agent is installed. */
  readonly cni: boolean;
  /** Whether ambient mode is on: istiod's `PILOT_ENABLE_AMBIENT`, ztunnel, HBONE for sidecars. */
  readonly ambient: boolean;
  /** Whether the images are the distroless variant (`<tag>-distroless`). */
  readonly distroless: boolean;
}

const PRODUCTION_PROXY: ComputeResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
};

const SMALL_PROXY: ComputeResources = {
  requests: { cpu: '10m', memory: '40Mi' },
  limits: { cpu: '2000m', memory: '1024Mi' },
};

const PRODUCTION: Omit<ProfileSettings, 'profile' | 'ingressGateway' | 'istiod'> = {
  egressGateway: false,
  istiodResources: { requests: { cpu: '500m', memory: '2048Mi' } },
  autoscale: true,
  traceSampling: 1,
  gatewayResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
  gatewayAutoscale: true,
  proxyResources: PRODUCTION_PROXY,
  extensionProviders: [],
  cni: false,
  ambient: false,
  distroless: false,
};

/** The settings of `profile`; throws with the construct path for anything that is not a `Profile`. */
export function profileSettings(scope: IConstruct, profile: Profile): ProfileSettings {
  switch (profile) {
    case Profile.DEFAULT:
      return { ...PRODUCTION, profile, istiod: true, ingressGateway: true };
    case Profile.MINIMAL:
      return { ...PRODUCTION, profile, istiod: true, ingressGateway: false };
    case Profile.AMBIENT:
      return { ...PRODUCTION, profile, istiod: true, ingressGateway: false, cni: true, ambient: true, distroless: true };
    case Profile.EMPTY:
      return { ...PRODUCTION, profile, istiod: false, ingressGateway: false };
    case Profile.DEMO:
      return {
        profile,
        istiod: true,
        ingressGateway: true,
        egressGateway: true,
        istiodResources: { requests: { cpu: '10m', memory: '100Mi' } },
        autoscale: false,
        traceSampling: 100,
        gatewayResources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
        gatewayAutoscale: false,
        proxyResources: SMALL_PROXY,
        accessLogFile: '/dev/stdout',
        cni: false,
        ambient: false,
        distroless: false,
        extensionProviders: [
          { name: 'otel', kind: 'envoyOtelAls', service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 },
          { name: 'skywalking', kind: 'skywalking', service: 'tracing.istio-system.svc.cluster.local', port: 11800 },
          { name: 'otel-tracing', kind: 'opentelemetry', service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 },
          { name: 'jaeger', kind: 'opentelemetry', service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 },
        ],
      };
    default:
      return fail(scope, 'profile', profile, `must be one of ${Object.values(Profile).map(p => JSON.stringify(p)).join(', ')}`);
  }
}
