import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { SYNC_WAVE_ANNOTATION, SyncWave } from './install-context';
import { validateDnsLabel, validateLabels } from '../core/validation';

/** The labels that make the injection webhooks of a revision (or tag) select a namespace. */
export function injectionLabels(revisionOrTag: string | undefined): Record<string, string> {
  return revisionOrTag ? { 'istio.io/rev': revisionOrTag } : { 'istio-injection': 'enabled' };
}

/** Creates a Namespace object. Internal. */
export function createNamespace(scope: Construct, id: string, name: string, options: {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly syncWave?: SyncWave;
} = {}): ApiObject {
  validateDnsLabel(scope, 'namespace', name);
  validateLabels(scope, 'labels', options.labels);
  const annotations = { ...options.annotations };
  if (options.syncWave !== undefined) annotations[SYNC_WAVE_ANNOTATION] = String(options.syncWave);
  return new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: options.labels && Object.keys(options.labels).length > 0 ? options.labels : undefined,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    },
  });
}

/**
 * Cluster singletons shared by every control plane of an app (the namespace, the CRDs and
 * the reader ServiceAccount): the first `IstioMesh` creates them, later ones (canary
 * revisions) reuse them. Internal.
 */
const SHARED = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Returns the singleton `key` of the app `scope` is in, creating it with `create` the first time. */
export function sharedSingleton<T extends IConstruct>(scope: IConstruct, key: string, create: () => T):
{ readonly value: T; readonly created: boolean } {
  const root = scope.node.root;
  let map = SHARED.get(root);
  if (!map) {
    map = new Map();
    SHARED.set(root, map);
  }
  const existing = map.get(key);
  if (existing) return { value: existing as T, created: false };
  const value = create();
  map.set(key, value);
  return { value, created: true };
}
