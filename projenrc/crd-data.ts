/**
 * Writes upstream objects (CRDs, admission policies) as the data files the library loads:
 *
 * - `<name>.json`: the objects, each `spec` as cdk8s renders it (keys sorted, null values
 *   dropped), so the library can emit it without rendering it again;
 * - `<name>.spec-yaml.json`: for each object (`Kind/name`), the YAML that cdk8s writes under
 *   its `spec:` key, so a synth does not convert megabytes of schemas to YAML every time
 *   (see src/core/prerendered-api-object.ts), and the version of the YAML library cdk8s
 *   wrote it with: another version may write it otherwise, and is not given this YAML.
 *
 * Both are produced with cdk8s itself (`ApiObject.toJson`, `Yaml.stringify`), so they are
 * what the ordinary path would write, byte for byte; the tests check it.
 */
import { writeFileSync } from 'fs';
import { createRequire } from 'module';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';

/** The objects with each `spec` as cdk8s renders it; everything else as upstream has it. */
export function withRenderedSpecs<T extends { apiVersion: string; kind: string; metadata: { name: string }; spec?: unknown }>(objects: T[]): T[] {
  const chart = new Chart(new App(), 'data');
  return objects.map((obj, i) => {
    if (obj.spec === undefined) return obj;
    const rendered = new ApiObject(chart, `o${i}`, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name }, spec: obj.spec }).toJson();
    return { ...obj, spec: rendered.spec };
  });
}

/** The key of an object in `<name>.spec-yaml.json`. */
export const specYamlKey = (obj: { kind: string; metadata: { name: string } }) => `${obj.kind}/${obj.metadata.name}`;

/** Writes `file` (JSON of `data`, or of `wrap(objects)`) and its `.spec-yaml.json` companion. */
export function writeCrdData(file: string, objects: any[], wrap: (objects: any[]) => unknown = o => o): void {
  const rendered = withRenderedSpecs(objects);
  writeFileSync(file, JSON.stringify(wrap(rendered), undefined, 1) + '\n');
  const texts: Record<string, string> = {};
  for (const obj of rendered) {
    if (obj.spec === undefined) continue;
    const head = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name } };
    const whole = Yaml.stringify({ ...head, spec: obj.spec });
    const prefix = `${Yaml.stringify(head)}spec:\n`;
    if (!whole.startsWith(prefix)) throw new Error(`${specYamlKey(obj)}: cdk8s does not write spec as a block under "spec:"`);
    texts[specYamlKey(obj)] = whole.slice(prefix.length);
  }
  const yamlVersion = (createRequire(require.resolve('cdk8s'))('yaml/package.json') as { version: string }).version;
  writeFileSync(file.replace(/\.json$/, '.spec-yaml.json'), JSON.stringify({ yamlVersion, specs: texts }, undefined, 1) + '\n');
}
