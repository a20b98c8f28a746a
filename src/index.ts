export * from './core/istio-resource';
export * from './core/workload-selector';
export * from './networking/destination';
export * from './networking/gateway-ref';
