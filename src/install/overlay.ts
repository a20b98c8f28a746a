import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, validateDnsLabel } from '../core/validation';

/**
 * A last-resort change to one object an installation writes, for a field no typed option
 * covers: JSON patches (RFC 6902) applied to the object of this kind and name at synthesis,
 * as IstioOperator's `k8s.overlays` and istioctl's `--set` of raw paths do.
 *
 * @example
 * mesh.addOverlay({
 *   kind: 'Deployment',
 *   name: 'istiod',
 *   patches: [JsonPatch.add('/spec/template/spec/containers/0/args/-', '--profiling=false')],
 * });
 */
export interface ObjectOverlay {
  /** Kind of the object, e.g. `Deployment`, `Service`, `ConfigMap`, `HorizontalPodAutoscaler`. */
  readonly kind: string;
  /** Name of the object, e.g. `istiod` or `istio-ingressgateway`. */
  readonly name: string;
  /** Namespace of the object. @default - any namespace (cluster-scoped objects have none) */
  readonly namespace?: string;
  /** The patches, applied in order to the rendered object. */
  readonly patches: JsonPatch[];
}

/** Applies `overlay` to the single matching ApiObject below `root`; throws when none matches. Internal. */
export function applyOverlay(scope: IConstruct, root: IConstruct, field: string, overlay: ObjectOverlay): ApiObject {
  if (typeof overlay.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(overlay.kind)) {
    fail(scope, `${field}.kind`, overlay.kind, 'must be a Kubernetes kind such as "Deployment"');
  }
  validateDnsLabel(scope, `${field}.namespace`, overlay.namespace);
  if (!Array.isArray(overlay.patches) || overlay.patches.length === 0) fail(scope, `${field}.patches`, overlay.patches, 'must hold at least one JsonPatch');
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === overlay.kind);
  const matches = objects.filter(o => o.name === overlay.name && (overlay.namespace === undefined || o.metadata.namespace === overlay.namespace));
  if (matches.length !== 1) {
    const known = [...new Set(objects.map(o => (o.metadata.namespace ? `${o.metadata.namespace}/${o.name}` : o.name)))].sort();
    fail(scope, `${field}.name`, overlay.name, matches.length === 0
      ? `no ${overlay.kind} of this name is written by the installation; its ${overlay.kind} objects: ${known.join(', ') || 'none'}`
      : `several ${overlay.kind} objects have this name; set namespace to pick one of ${known.join(', ')}`);
  }
  matches[0].addJsonPatch(...overlay.patches);
  return matches[0];
}
