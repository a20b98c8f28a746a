import { ApiObject, Include } from 'cdk8s';
import { Construct } from 'constructs';
import { ISTIO_KINDS } from './crd-table';
import { SYNC_WAVE_ANNOTATION, SyncWave } from './install-context';
import { upstreamIstioCrds, upstreamIstioSpecYaml, UpstreamCrd } from './upstream-crds';
import { PrerenderedApiObject } from '../core/prerendered-api-object';
import { check } from '../core/validation';

/**
 * Where the Istio CustomResourceDefinitions of an installation come from.
 */
export class CrdSource {
  /**
   * The CRDs of the Istio release this library models (1.30.3), shipped with the library:
   * upstream's names, versions, printer columns and full structural `openAPIV3Schema`,
   * including its `x-kubernetes-validations` (CEL) rules. So `kubectl explain` documents every
   * field, and the API server rejects unknown fields, wrong types and rule violations in any
   * Istio object, hand-written YAML included. Only the labels differ from upstream.
   */
  public static builtIn(): CrdSource {
    return new CrdSource('builtIn');
  }

  /**
   * The official CRD file, e.g. `manifests/charts/base/files/crd-all.gen.yaml` of the Istio
   * release, read when the app is synthesized: for another Istio release than the built-in one.
   */
  public static fromFile(path: string): CrdSource {
    return new CrdSource('file', path);
  }

  /** No CRDs: something else (a `base` Helm release, another chart, a GitOps tool) manages them. */
  public static none(): CrdSource {
    return new CrdSource('none');
  }

  private constructor(
    /** @internal */ public readonly _kind: 'builtIn' | 'file' | 'none',
    /** @internal */ public readonly _path?: string,
  ) {}
}

/** Properties of `IstioCrds`. */
export interface IstioCrdsProps {
  /** Where the CRDs come from. @default CrdSource.builtIn() */
  readonly source?: CrdSource;
  /** Add the Argo CD annotation `argocd.argoproj.io/sync-wave: "-3"`, so CRDs are applied first. @default false */
  readonly syncWave?: boolean;
}

/**
 * The CustomResourceDefinitions of Istio's 15 kinds (networking, security, telemetry and
 * extensions). `IstioMesh` creates one; create your own to keep CRDs in a chart of their own.
 */
export class IstioCrds extends Construct {
  /** The kinds this construct defines when it uses the built-in CRDs (group/kind). */
  public static readonly KINDS: string[] = ISTIO_KINDS.map(c => `${c.group}/${c.kind}`);

  /** The CRD objects this construct emits (empty for `CrdSource.none()`). */
  public readonly apiObjects: ApiObject[];

  public constructor(scope: Construct, id: string, props: IstioCrdsProps = {}) {
    super(scope, id);
    const source = props.source ?? CrdSource.builtIn();
    if (source._kind === 'file') {
      check(typeof source._path === 'string' && source._path.length > 0, this, 'source.path', source._path,
        'must be the path or URL of a CRD file such as crd-all.gen.yaml');
      const included = new Include(this, 'File', { url: source._path! });
      this.apiObjects = included.apiObjects;
      const notCrd = this.apiObjects.find(o => o.kind !== 'CustomResourceDefinition');
      check(notCrd === undefined, this, 'source.path', source._path,
        `must contain only CustomResourceDefinitions, but it has a ${notCrd?.kind} named ${JSON.stringify(notCrd?.name)}`);
    } else if (source._kind === 'builtIn') {
      this.apiObjects = upstreamIstioCrds().map(crd => renderCrd(this, crd));
    } else {
      this.apiObjects = [];
    }
    if (props.syncWave) {
      for (const crd of this.apiObjects) crd.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(SyncWave.CRDS));
    }
  }
}

/** Labels of the built-in CRDs: upstream's, without Helm's `heritage`, plus the recommended `part-of`. */
function crdLabels(upstream: Record<string, string> = {}): Record<string, string> {
  const { heritage: _heritage, ...labels } = upstream;
  return { ...labels, 'app.kubernetes.io/part-of': 'istio' };
}

/**
 * A built-in CRD: upstream's spec as it is (names, versions, printer columns, the structural
 * schema with its validation rules). Helm's `helm.sh/resource-policy` annotation is left out.
 */
function renderCrd(scope: Construct, crd: UpstreamCrd): ApiObject {
  return new PrerenderedApiObject(scope, crd.spec.names.kind, {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: crd.metadata.name, labels: crdLabels(crd.metadata.labels) },
  }, crd.spec, () => upstreamIstioSpecYaml(crd));
}
