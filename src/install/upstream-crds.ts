/**
 * The upstream Istio CustomResourceDefinitions, as data: `imports/crds/istio.json`, which the
 * import task generates from Istio's `crd-all.gen.yaml` (see projenrc/import-istio.ts), and
 * the YAML of their specs (`istio.spec-yaml.json`). Internal. Loaded on first use, so apps
 * that do not write the built-in CRDs never read them.
 */

/** One upstream CRD, as the generated file holds it. */
export interface UpstreamCrd {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly [key: string]: unknown };
    readonly [key: string]: unknown;
  };
}

let loaded: UpstreamCrd[] | undefined;

/** The 15 Istio CRDs of the release this library models, in upstream order. */
export function upstreamIstioCrds(): UpstreamCrd[] {
  // A plain require: tsc neither types nor inlines the 900 kB file; the compile task copies
  // it next to the compiled imports/ (lib/imports/crds), so the same relative path works
  // from src/install and from lib/src/install.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('../../imports/crds/istio.json') as { items: UpstreamCrd[] }).items;
  return loaded;
}

let specYaml: { yamlVersion: string; specs: Record<string, string> } | undefined;

/** The YAML cdk8s writes under `spec:` for an upstream CRD, and the YAML library's version (see PrerenderedApiObject). */
export function upstreamIstioSpecYaml(crd: UpstreamCrd): { text: string; yamlVersion: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  specYaml ??= require('../../imports/crds/istio.spec-yaml.json') as { yamlVersion: string; specs: Record<string, string> };
  const text = specYaml.specs[`${crd.kind}/${crd.metadata.name}`];
  if (text === undefined) throw new Error(`cdk8s-istio: no prerendered spec for ${crd.metadata.name}; run \`npx projen import\``);
  return { text, yamlVersion: specYaml.yamlVersion };
}
