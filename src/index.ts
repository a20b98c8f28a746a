export * from './core/istio-resource';
export * from './core/workload-selector';
export * from './networking/destination';
export { IGateway } from './networking/gateway-ref';
export * from './networking/protocol';
export * from './networking/server-tls';
export * from './networking/gateway-selector';
export * from './networking/gateway';
export * from './networking/service-entry';
export * from './networking/sidecar';
export * from './security/peer-authentication';
export * from './security/authorization-policy';
export * from './security/authorization-rule';
export * from './security/principal';
export * from './security/policy-target-reference';
export * from './security/request-authentication';
export * from './telemetry/telemetry';
export * from './telemetry/tracing';
export * from './telemetry/access-logging';
export * from './telemetry/metrics';
export * from './telemetry/workload-mode';
export { HttpMethod, UnmatchedPreflights, CorsPolicy } from './networking/cors-policy';
export { GrpcStatus, Fault } from './networking/fault';
export { HeaderManipulation, HeaderOperations } from './networking/header-operations';
export { HttpMatch } from './networking/http-match';
export { RedirectPort, RedirectScheme, HttpRedirect, ResponseBody, HttpDirectResponse } from './networking/http-redirect';
export { RegexRewrite, HttpRewrite } from './networking/http-rewrite';
export * from './networking/http-route';
export { RetryOn, HttpRetryPolicy } from './networking/retry-policy';
export { RouteDestination } from './networking/route-destination';
export * from './networking/string-match';
export { L4Match, TcpRouteOptions, TcpRoute } from './networking/tcp-route';
export * from './networking/tls-route';
export * from './networking/virtual-service';
export * from './networking/virtual-service-ref';
export * from './install/profile';
export * from './install/mesh-config';
export * from './install/extension-provider';
export * from './install/crds';
export * from './install/gateway-api-crds';
export * from './install/istiod-options';
export * from './install/istio-mesh';
export { CniPlatform, CniProvider, IstioCniOptions } from './install/istio-cni';
export { ZtunnelOptions } from './install/ztunnel';
export * from './networking/client-tls';
export * from './networking/connection-pool';
export * from './networking/destination-rule';
export * from './networking/load-balancer';
export * from './networking/outlier-detection';
export * from './networking/traffic-policy';
export * from './addons/addon';
export * from './addons/prometheus';
export * from './addons/grafana';
export * from './addons/grafana-dashboards/model';
export * from './addons/grafana-dashboards/istio-dashboards';
export * from './addons/jaeger';
export * from './addons/kiali';
export * from './addons/loki';
export * from './addons/observability';
export { ComputeResources, ResourceQuantities } from './install/compute-resources';
export {
  ComponentAffinity, ComponentKubernetesOptions, ComponentServiceOptions, ComponentVolume, DisruptionBudget, IpFamily, IpFamilyPolicy,
  NodeSelectorTerm, PodAffinityTerm, PodSecurityOptions, PodSysctl, RollingUpdateOptions, SeccompProfileType, SessionAffinity,
  TopologySpread, UnsatisfiableSpread, WeightedNodeSelectorTerm, WeightedPodAffinityTerm, WorkloadKubernetesOptions,
} from './install/component-kubernetes';
export { ObjectOverlay } from './install/overlay';
export { IstioOperatorSource } from './install/istio-operator';
export * from './install/gateway-installation';
export * from './install/injection/injection-config';
export * from './core/kube-refs';
export * from './networking/envoy-filter';
export {
  PatchContext, RouteActionMatch, EnvoyFilterName, ProxyMatch, EnvoyMatchCommonOptions, FilterMatch, FilterChainMatch, ListenerMatchOptions,
  RouteMatch, VirtualHostMatch, RouteConfigurationMatchOptions, ClusterMatchOptions, ServiceClusterMatchOptions, ServiceEntryClusterMatchOptions,
  WaypointMatchOptions, EnvoyObjectMatch,
} from './networking/envoy-filter-match';
export { WorkloadAttributes, WorkloadEntryOptions, WorkloadEntryProps, WorkloadEntry } from './networking/workload-entry';
export * from './networking/workload-group';
export * from './networking/proxy-config';
export {
  ExtensionPhase, WasmFailStrategy, WasmImagePullPolicy, WasmPluginType, WasmEnvSource, WasmEnvVar, TrafficSelector, WasmModuleOptions,
} from './extensions/wasm-module';
export { ExtensionPlacementOptions } from './extensions/extension-attachment';
export * from './extensions/wasm-plugin';
export * from './extensions/traffic-extension';
export * as gatewayApi from './gateway-api';
export { AnalysisLevel } from './analysis/level';
export { AnalysisMessage } from './analysis/message';
export { MeshAnalysis, MeshAnalysisOptions } from './analysis/mesh-analysis';
export { MeshGraph, MeshGraphOptions } from './graph/mesh-graph';
export { MeshGraphSplit } from './graph/split';
