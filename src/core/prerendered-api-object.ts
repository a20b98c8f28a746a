import { createRequire } from 'module';
import { ApiObject, ApiObjectMetadata, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { aroundSynthesis, inSynthesis } from './app-synthesis';
import { cloneJson } from './json';

/**
 * An ApiObject whose `spec` is large upstream data that never changes (the built-in CRDs and
 * the Gateway API admission policy). The import task renders each such spec once, as cdk8s
 * would (`imports/crds/*.json` holds the rendered JSON, `*.spec-yaml.json` its YAML), so
 * `App.synth()` neither resolves nor converts to YAML 2 MB of schemas every time. What it
 * writes is byte-identical to what an ordinary ApiObject with the same content writes.
 * Internal.
 *
 * The object renders the ordinary way whenever the shortcut could make a difference: after
 * `addJsonPatch`, with `CDK8S_DISABLE_SORT`, with resolvers of the app's own, and with a
 * cdk8s whose YAML library is not the one the import task rendered with. Outside
 * `App.synth()`, `toJson()` returns a copy of the spec, as any ApiObject does.
 */
export class PrerenderedApiObject extends ApiObject {
  private readonly ownProps: { apiVersion: string; kind: string; metadata?: ApiObjectMetadata; spec?: unknown };
  private readonly sharedSpec: object;
  private patched = false;

  /**
   * @param spec the spec as cdk8s renders it (from the generated data; never changed)
   * @param specYaml the YAML cdk8s writes under `spec:` for it, and the version of the YAML
   *   library that wrote it
   */
  public constructor(scope: Construct, id: string, props: { apiVersion: string; kind: string; metadata?: ApiObjectMetadata },
    spec: object, specYaml: () => { text: string; yamlVersion: string }) {
    const ownProps = { ...props };
    super(scope, id, ownProps);
    this.ownProps = ownProps;
    this.sharedSpec = spec;
    if (!yamlTexts.has(spec)) yamlTexts.set(spec, specYaml);
    installYamlShortcut();
    const root = this.node.root;
    if (root instanceof App) aroundSynthesis(root);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    if (this.patched || process.env.CDK8S_DISABLE_SORT || hasOwnResolvers(this)) {
      this.ownProps.spec ??= cloneJson(this.sharedSpec);
      return super.toJson();
    }
    // apiVersion, kind, metadata and then spec: the key order ApiObject.toJson gives; in
    // App.synth() the shared spec, which only cdk8s's writer and the analysis read
    return { ...super.toJson(), spec: inSynthesis() ? this.sharedSpec : cloneJson(this.sharedSpec) };
  }
}

/** The YAML under `spec:` of each shared spec. */
const yamlTexts = new WeakMap<object, () => { text: string; yamlVersion: string }>();

/** Whether the app renders with resolvers other than cdk8s's own, which could change a spec. */
function hasOwnResolvers(obj: ApiObject): boolean {
  const root = obj.node.root;
  return root instanceof App && root.resolvers.some(r =>
    !(r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver));
}

let installed = false;
let yamlVersion: string | undefined;

/**
 * Makes cdk8s's `Yaml.stringify` (which `App.synth()` writes every file with) use the
 * prerendered YAML of a shared spec during `App.synth()`. cdk8s converts each document on its
 * own and joins them with `---`: the shortcut does the same for every other document. It
 * stays off if this cdk8s joins documents differently.
 */
function installYamlShortcut(): void {
  if (installed) return;
  installed = true;
  const original = Yaml.stringify.bind(Yaml);
  const a = { a: [1, 'x: y'] };
  const b = { b: { c: null } };
  if (original(a, b) !== `${original(a)}---\n${original(b)}` || original(undefined) !== '\n') return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    yamlVersion = (createRequire(require.resolve('cdk8s'))('yaml/package.json') as { version: string }).version;
  } catch {
    return; // the YAML library cdk8s writes with cannot be told: no shortcut
  }
  const one = (doc: any): string => {
    const text = prerendered(doc);
    if (text === undefined) return original(doc);
    const { spec: _spec, ...head } = doc;
    return `${original(head)}spec:\n${text}`;
  };
  Yaml.stringify = (...docs: any[]): string => (inSynthesis() ? docs.map(one).join('---\n') : original(...docs));
}

/** The YAML under `spec:` of a document rendered by a PrerenderedApiObject, as it is. */
function prerendered(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  const spec = (doc as { spec?: unknown }).spec;
  if (spec === null || typeof spec !== 'object') return undefined;
  const texts = yamlTexts.get(spec);
  if (texts === undefined) return undefined;
  const keys = Object.keys(doc);
  if (keys.length !== 4 || keys[0] !== 'apiVersion' || keys[1] !== 'kind' || keys[2] !== 'metadata' || keys[3] !== 'spec') return undefined;
  const { text, yamlVersion: renderedWith } = texts();
  return renderedWith === yamlVersion ? text : undefined;
}
