/**
 * The 15 custom resource kinds of Istio 1.30, as facts: group, names, versions and the
 * columns `kubectl get` prints. Internal; `IstioCrds` renders CRDs from it.
 */

/** A column `kubectl get` prints. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'date';
  readonly jsonPath: string;
  readonly description: string;
}

/** One Istio kind. */
export interface CrdSpec {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: string[];
  /** Served versions, in upstream order. */
  readonly versions: string[];
  /** The version objects are stored as. @default - the first of `versions` */
  readonly storageVersion?: string;
  /** Printer columns before `Age`. */
  readonly columns: PrinterColumn[];
  /** Printer columns after `Age`. */
  readonly columnsAfterAge?: PrinterColumn[];
  /** Whether `spec` is required. */
  readonly specRequired: boolean;
  /** Whether upstream declares printer columns at all (the column list always ends with or contains `Age`). */
  readonly printsColumns: boolean;
  /** The extra `istio` label upstream puts on the CRD. */
  readonly istioLabel?: string;
}

const col = (name: string, jsonPath: string, description: string): PrinterColumn => ({ name, type: 'string', jsonPath, description });

/** The `Age` column every listing ends with. */
export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'When the object was created, in UTC.',
};

const NET = 'networking.istio.io';
const SEC = 'security.istio.io';

/** Istio's kinds, sorted by group and kind. */
export const ISTIO_CRDS: CrdSpec[] = [
  {
    group: 'extensions.istio.io',
    kind: 'TrafficExtension',
    plural: 'trafficextensions',
    singular: 'trafficextension',
    shortNames: [],
    versions: ['v1alpha1'],
    columns: [],
    specRequired: true,
    printsColumns: true,
  },
  {
    group: 'extensions.istio.io',
    kind: 'WasmPlugin',
    plural: 'wasmplugins',
    singular: 'wasmplugin',
    shortNames: [],
    versions: ['v1alpha1'],
    columns: [],
    specRequired: true,
    printsColumns: true,
  },
  {
    group: NET,
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [col('Host', '.spec.host', 'The service the rule applies to.')],
    specRequired: false,
    printsColumns: true,
  },
  {
    group: NET,
    kind: 'EnvoyFilter',
    plural: 'envoyfilters',
    singular: 'envoyfilter',
    shortNames: [],
    versions: ['v1alpha3'],
    columns: [],
    specRequired: false,
    printsColumns: false,
  },
  {
    group: NET,
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [],
    specRequired: false,
    printsColumns: false,
  },
  {
    group: NET,
    kind: 'ProxyConfig',
    plural: 'proxyconfigs',
    singular: 'proxyconfig',
    shortNames: [],
    versions: ['v1beta1'],
    columns: [],
    specRequired: false,
    printsColumns: false,
  },
  {
    group: NET,
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    shortNames: ['se'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [
      col('Hosts', '.spec.hosts', 'Hosts of the entry.'),
      col('Location', '.spec.location', 'MESH_EXTERNAL or MESH_INTERNAL.'),
      col('Resolution', '.spec.resolution', 'How endpoints are resolved: NONE, STATIC or DNS.'),
    ],
    specRequired: true,
    printsColumns: true,
  },
  {
    group: NET,
    kind: 'Sidecar',
    plural: 'sidecars',
    singular: 'sidecar',
    shortNames: [],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [],
    specRequired: false,
    printsColumns: false,
  },
  {
    group: NET,
    kind: 'VirtualService',
    plural: 'virtualservices',
    singular: 'virtualservice',
    shortNames: ['vs'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [
      col('Gateways', '.spec.gateways', 'Gateways and sidecars the routes apply to.'),
      col('Hosts', '.spec.hosts', 'Hosts the routes match.'),
    ],
    specRequired: false,
    printsColumns: true,
  },
  {
    group: NET,
    kind: 'WorkloadEntry',
    plural: 'workloadentries',
    singular: 'workloadentry',
    shortNames: ['we'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [],
    columnsAfterAge: [col('Address', '.spec.address', 'Address of the workload.')],
    specRequired: true,
    printsColumns: true,
  },
  {
    group: NET,
    kind: 'WorkloadGroup',
    plural: 'workloadgroups',
    singular: 'workloadgroup',
    shortNames: ['wg'],
    versions: ['v1', 'v1alpha3', 'v1beta1'],
    columns: [],
    specRequired: true,
    printsColumns: true,
  },
  {
    group: SEC,
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['ap'],
    versions: ['v1', 'v1beta1'],
    columns: [col('Action', '.spec.action', 'What the policy does with matching requests.')],
    specRequired: false,
    printsColumns: true,
    istioLabel: 'security',
  },
  {
    group: SEC,
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    shortNames: ['pa'],
    versions: ['v1', 'v1beta1'],
    columns: [col('Mode', '.spec.mtls.mode', 'The mutual TLS mode.')],
    specRequired: false,
    printsColumns: true,
    istioLabel: 'security',
  },
  {
    group: SEC,
    kind: 'RequestAuthentication',
    plural: 'requestauthentications',
    singular: 'requestauthentication',
    shortNames: ['ra'],
    versions: ['v1', 'v1beta1'],
    columns: [],
    specRequired: false,
    printsColumns: false,
    istioLabel: 'security',
  },
  {
    group: 'telemetry.istio.io',
    kind: 'Telemetry',
    plural: 'telemetries',
    singular: 'telemetry',
    shortNames: ['telemetry'],
    versions: ['v1', 'v1alpha1'],
    storageVersion: 'v1alpha1',
    columns: [],
    specRequired: false,
    printsColumns: true,
    istioLabel: 'telemetry',
  },
];
