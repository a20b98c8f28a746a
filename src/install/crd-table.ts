/**
 * The 15 custom resource kinds of Istio 1.30, by group. Internal: the CRDs themselves (names,
 * versions, printer columns, schemas) come from the generated upstream data
 * (`upstream-crds.ts`); this list is what can be known without loading it.
 */
export const ISTIO_KINDS: ReadonlyArray<{ readonly group: string; readonly kind: string }> = [
  ...['TrafficExtension', 'WasmPlugin'].map(kind => ({ group: 'extensions.istio.io', kind })),
  ...['DestinationRule', 'EnvoyFilter', 'Gateway', 'ProxyConfig', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup']
    .map(kind => ({ group: 'networking.istio.io', kind })),
  ...['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].map(kind => ({ group: 'security.istio.io', kind })),
  { group: 'telemetry.istio.io', kind: 'Telemetry' },
];
