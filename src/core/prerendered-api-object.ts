import { ApiObject, ApiObjectMetadata, JsonPatch, Yaml } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * An ApiObject whose `spec` is large upstream data that never changes (the built-in CRDs and
 * the Gateway API admission policy). The import task renders each such spec once, as cdk8s
 * would (`imports/crds/*.json` holds the rendered JSON, `*.spec-yaml.json` its YAML), so a
 * synth neither resolves nor converts to YAML 2 MB of schemas every time. The YAML written is
 * byte-identical to what an ordinary ApiObject with the same content writes. Internal.
 *
 * The spec is shared and frozen: `toJson()` returns it as it is. `addJsonPatch` works as on
 * any ApiObject (the object is then rendered the ordinary way).
 */
export class PrerenderedApiObject extends ApiObject {
  private readonly ownProps: { apiVersion: string; kind: string; metadata?: ApiObjectMetadata; spec?: unknown };
  private readonly sharedSpec: object;
  private patched = false;

  /**
   * @param spec the spec as cdk8s renders it (from the generated data)
   * @param specYaml the YAML cdk8s writes under `spec:` for it
   */
  public constructor(scope: Construct, id: string, props: { apiVersion: string; kind: string; metadata?: ApiObjectMetadata },
    spec: object, specYaml: () => string) {
    const ownProps = { ...props };
    super(scope, id, ownProps);
    this.ownProps = ownProps;
    this.sharedSpec = freezeDeep(spec);
    if (!yamlTexts.has(this.sharedSpec)) yamlTexts.set(this.sharedSpec, specYaml);
    installYamlShortcut();
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    if (!this.patched) {
      this.patched = true;
      this.ownProps.spec = structuredClone(this.sharedSpec);
    }
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    if (this.patched) return super.toJson();
    // apiVersion, kind, metadata and then spec: the key order ApiObject.toJson gives
    return { ...super.toJson(), spec: this.sharedSpec };
  }
}

/** The YAML under `spec:` of each shared spec. */
const yamlTexts = new WeakMap<object, () => string>();

/** Object.freeze of the value and everything in it. */
function freezeDeep<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freezeDeep(child);
  }
  return value;
}

let installed = false;

/**
 * Makes cdk8s's `Yaml.stringify` (which `App.synth()` writes every file with) use the
 * prerendered YAML of a shared spec. cdk8s converts each document on its own and joins them
 * with `---`: the shortcut does the same for every other document, so its output is the one
 * of cdk8s. It stays off if this cdk8s version joins documents differently.
 */
function installYamlShortcut(): void {
  if (installed) return;
  installed = true;
  const original = Yaml.stringify.bind(Yaml);
  const a = { a: [1, 'x: y'] };
  const b = { b: { c: null } };
  if (original(a, b) !== `${original(a)}---\n${original(b)}` || original(undefined) !== '\n') return;
  const one = (doc: any): string => {
    const text = prerendered(doc);
    if (text === undefined) return original(doc);
    const { spec: _spec, ...head } = doc;
    return `${original(head)}spec:\n${text}`;
  };
  Yaml.stringify = (...docs: any[]): string => docs.map(one).join('---\n');
}

/** The YAML under `spec:` of a document rendered by a PrerenderedApiObject, as it is. */
function prerendered(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const spec = (doc as { spec?: unknown }).spec;
  if (spec === null || typeof spec !== 'object') return undefined;
  const text = yamlTexts.get(spec);
  if (text === undefined) return undefined;
  const keys = Object.keys(doc);
  return keys.length === 4 && keys[0] === 'apiVersion' && keys[1] === 'kind' && keys[2] === 'metadata' && keys[3] === 'spec' ? text() : undefined;
}
