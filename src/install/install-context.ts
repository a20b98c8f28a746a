import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/**
 * What every part of an installation needs to know about the control plane it belongs to.
 * Internal: built by `IstioMesh` and handed to the constructs it creates.
 */
export interface InstallContext {
  /** Namespace of the control plane, e.g. `istio-system`. */
  readonly namespace: string;
  /** Revision name, or undefined for the default revision. */
  readonly revision?: string;
  /** Image registry, e.g. `docker.io/istio`. */
  readonly hub: string;
  /** Image tag, e.g. `1.30.3`. */
  readonly tag: string;
  /** Image variant, e.g. `distroless`: images are tagged `<tag>-<variant>`. */
  readonly variant?: string;
  /** Whether Argo CD sync-wave annotations are added. */
  readonly syncWaves: boolean;
}

/** The Istio release this library models. */
export const ISTIO_VERSION = '1.30.3';

/** Default image registry. */
export const DEFAULT_HUB = 'docker.io/istio';

/** The tag of the images of this installation: `<tag>-<variant>` for a variant (`1.30.3-distroless`). */
export function imageTag(ctx: InstallContext): string {
  return ctx.variant && !ctx.tag.endsWith(`-${ctx.variant}`) ? `${ctx.tag}-${ctx.variant}` : ctx.tag;
}

/** `name` or `name-<revision>`, the naming rule of revisioned control-plane objects. */
export function revisioned(ctx: InstallContext, name: string): string {
  return ctx.revision ? `${name}-${ctx.revision}` : name;
}

/** The value of the `istio.io/rev` label: the revision, or `default`. */
export function revLabel(ctx: InstallContext): string {
  return ctx.revision ?? 'default';
}

/** Kubernetes recommended labels plus Istio's `release` label, shared by every installed object. */
export function commonLabels(appName: string): Record<string, string> {
  return {
    'release': 'istio',
    'app.kubernetes.io/name': appName,
    'app.kubernetes.io/managed-by': 'cdk8s-istio',
    'app.kubernetes.io/instance': 'istio',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': ISTIO_VERSION,
  };
}

/** Labels of istiod's revisioned objects (ConfigMaps, Deployment, Service, HPA, PDB, webhooks). */
export function pilotLabels(ctx: InstallContext, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'istio.io/rev': revLabel(ctx),
    'operator.istio.io/component': 'Pilot',
    ...extra,
    ...commonLabels('istiod'),
  };
}

/** Argo CD sync waves, in apply order. */
export enum SyncWave {
  CRDS = -3,
  NAMESPACES = -2,
  IDENTITY = -1,
  CONTROL_PLANE = 0,
  WEBHOOKS = 1,
  GATEWAYS = 2,
  APPLICATION = 3,
}

/** Annotation Argo CD reads the sync wave from. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Adds the sync-wave annotation to every ApiObject below `scope` that does not have one yet. */
export function annotateSyncWave(ctx: InstallContext, scope: IConstruct, wave: SyncWave): void {
  if (!ctx.syncWaves) return;
  for (const child of scope.node.findAll()) {
    if (child instanceof ApiObject && child.metadata.toJson().annotations?.[SYNC_WAVE_ANNOTATION] === undefined) {
      child.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
    }
  }
}

/** Creates a plain ApiObject with the given kind, name, namespace and labels, annotated with its sync wave. */
export function apiObject(scope: Construct, id: string, ctx: InstallContext, wave: SyncWave, props: {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespaced: boolean;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly body?: Record<string, unknown>;
}): ApiObject {
  const annotations = { ...props.annotations };
  if (ctx.syncWaves) annotations[SYNC_WAVE_ANNOTATION] = String(wave);
  return new ApiObject(scope, id, {
    apiVersion: props.apiVersion,
    kind: props.kind,
    metadata: {
      name: props.name,
      namespace: props.namespaced ? ctx.namespace : undefined,
      labels: props.labels,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    },
    ...props.body,
  });
}

/** Recursively sorts object keys, so the YAML is stable and matches Helm's `toYaml`. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
