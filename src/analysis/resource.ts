/**
 * One object of the analyzed manifests, as plain JSON, with where it came from. Internal.
 */

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'GatewayClass', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'IngressClass', 'APIService', 'CSIDriver', 'RuntimeClass',
]);

/** Where an object came from: the construct that wrote it, or the file it was read from. */
export interface Origin {
  /** The construct path of the object's construct (the L2 when the object is its `Resource`). */
  readonly constructPath?: string;
  /** The file the object was read from. */
  readonly file?: string;
  /**
   * Whether one of this library's constructs wrote the object, having validated it as Istio's
   * webhook and the CRD schema do: the schema analyzer (IST0106) checks only the others.
   */
  readonly validated?: boolean;
}

/** A JSON object. */
export type Json = Record<string, any>;

export class Resource {
  public readonly apiVersion: string;
  public readonly group: string;
  public readonly kind: string;
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly spec: Json;
  private readonly metadata: Json;
  private _labels?: Record<string, string>;
  private _annotations?: Record<string, string>;

  public constructor(public readonly json: Json, public readonly origin: Origin = {}, defaultNamespace = 'default') {
    this.apiVersion = typeof json.apiVersion === 'string' ? json.apiVersion : '';
    this.group = this.apiVersion.includes('/') ? this.apiVersion.split('/')[0] : '';
    this.kind = typeof json.kind === 'string' ? json.kind : '';
    const metadata: Json = isObject(json.metadata) ? json.metadata : {};
    this.metadata = metadata;
    this.name = typeof metadata.name === 'string' ? metadata.name : '';
    this.namespace = CLUSTER_SCOPED.has(this.kind) ? undefined
      : typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
    this.spec = isObject(json.spec) ? json.spec : {};
  }

  public get labels(): Record<string, string> {
    return this._labels ??= stringMap(this.metadata.labels);
  }

  public get annotations(): Record<string, string> {
    return this._annotations ??= stringMap(this.metadata.annotations);
  }

  /** `Kind namespace/name`, or `Kind name` for a cluster-scoped object: istioctl's form. */
  public get ref(): string {
    return this.namespace === undefined ? `${this.kind} ${this.name}` : `${this.kind} ${this.namespace}/${this.name}`;
  }

  /** `namespace/name`, or the name of a cluster-scoped object. */
  public get fullName(): string {
    return this.namespace === undefined ? this.name : `${this.namespace}/${this.name}`;
  }

  /** Whether this is an object of the Istio API group `<area>.istio.io`. */
  public isIstio(kind: string): boolean {
    return this.kind === kind && this.group.endsWith('.istio.io');
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string entries of a map; other values are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') result[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') result[k] = String(v);
  }
  return result;
}

/** The elements of an array that are objects; anything else yields []. */
export function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The elements of an array that are strings. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
