import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ISTIO_KINDS } from './crd-table';
import { sharedSingleton } from './namespace';

/** Annotation Argo CD reads sync options from (comma-separated). */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Lets Argo CD skip the dry run of a resource whose CRD does not exist yet. */
export const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';

/**
 * When sync waves are on: at synth, every custom resource of the app (the Istio kinds, and
 * any kind a CustomResourceDefinition of the app defines) gets
 * `argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true`. Argo CD dry-runs every
 * object of a sync before it applies the first wave; on a new cluster the CRDs do not exist
 * yet, so without it the first sync fails. Registered once per app. Internal.
 */
export function skipDryRunOnMissingCrds(scope: IConstruct): void {
  const { created } = sharedSingleton(scope, 'gitops:skip-dry-run', () => scope);
  if (!created) return;
  // Validations run before any chart is rendered, and after the whole app is built, so objects
  // added after the mesh (the application's) are covered too.
  scope.node.addValidation({
    validate: () => {
      annotateCustomResources(scope.node.root);
      return [];
    },
  });
}

function annotateCustomResources(root: IConstruct): void {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const custom = new Set(ISTIO_KINDS.map(k => `${k.group}/${k.kind}`));
  for (const o of objects) {
    // Istio's kinds are known; render only the other CRDs (Gateway API, your own) to read theirs
    if (o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition' && !o.name.endsWith('.istio.io')) {
      const spec = o.toJson().spec;
      if (spec?.group && spec?.names?.kind) custom.add(`${spec.group}/${spec.names.kind}`);
    }
  }
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    if (!custom.has(`${group}/${o.kind}`)) continue;
    const current: string | undefined = o.metadata.toJson().annotations?.[SYNC_OPTIONS_ANNOTATION];
    const options = current ? current.split(',').map(s => s.trim()).filter(s => s.length > 0) : [];
    if (!options.includes(SKIP_DRY_RUN)) o.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, [...options, SKIP_DRY_RUN].join(','));
  }
}
