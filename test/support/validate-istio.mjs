// Independent validation of synthesized objects, run as a child process by istio-validate.ts
// (the validators below are ES modules, which ts-jest's CommonJS cannot load).
//
// Reads a JSON array of Kubernetes objects on stdin and prints a JSON array of problems:
//  0. Kubernetes objects (apps/v1, v1, RBAC, webhooks, ...): kubernetes-models' validate(),
//     the JSON schemas of the Kubernetes OpenAPI (types, required fields, enums);
//  1. @kubernetes-models/istio: each object's validate() (the published Istio JSON schemas);
//  2. strict field validation against the CRD's openAPIV3Schema, as the API server does with
//     `--validate=strict`: unknown fields are errors;
//  3. the CRD's CEL rules (x-kubernetes-validations), evaluated with @marcbachmann/cel-js.
// 2 and 3 apply to every custom resource whose group/version/kind a CRD in imports/crds/
// defines: the upstream CRDs the import task generated and committed (Istio, Gateway API...),
// never the library's own output and never anything outside the repository.
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { isIP } from 'node:net';
// Gateway API objects get their schema defaults applied first, as the API server does.
import { tmpdir } from 'node:os';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { Environment } from '@marcbachmann/cel-js';
import { parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
// VALIDATE_CRD_DIR: only for the harness's own test of how files are read
const crdDir = process.env.VALIDATE_CRD_DIR ?? resolve(here, '../../imports/crds');
const objects = JSON.parse(readFileSync(0, 'utf-8'));
const problems = [];
const notes = [];
const crds = new Map(Object.entries(await loadSchemas(crdDir)));
if (crds.size === 0) problems.push(`no CustomResourceDefinition found in ${crdDir}: run \`npx projen import\``);

// 1. @kubernetes-models/istio
const modelModules = {
  'networking.istio.io/v1': '@kubernetes-models/istio/networking.istio.io/v1',
  'security.istio.io/v1': '@kubernetes-models/istio/security.istio.io/v1',
  'telemetry.istio.io/v1': '@kubernetes-models/istio/telemetry.istio.io/v1',
  'networking.istio.io/v1alpha3': '@kubernetes-models/istio/networking.istio.io/v1alpha3',
  'networking.istio.io/v1beta1': '@kubernetes-models/istio/networking.istio.io/v1beta1',
  'extensions.istio.io/v1alpha1': '@kubernetes-models/istio/extensions.istio.io/v1alpha1',
};
for (const obj of objects) {
  if (obj.apiVersion.includes('istio.io/') || crds.has(`${obj.apiVersion}/${obj.kind}`)) continue;
  let models;
  try {
    models = await import(`kubernetes-models/${obj.apiVersion}`);
  } catch {
    problems.push(`${obj.kind}/${obj.metadata?.name}: no kubernetes-models model for ${obj.apiVersion}`);
    continue;
  }
  const Model = models[obj.kind];
  if (!Model) {
    problems.push(`${obj.kind}/${obj.metadata?.name}: no kubernetes-models model for ${obj.apiVersion} ${obj.kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${obj.kind}/${obj.metadata?.name}: kubernetes-models: ${e.message}`);
  }
}
// Kinds newer than @kubernetes-models/istio: only the CRD schema and CEL rules check them.
const notModelled = new Set(['extensions.istio.io/v1alpha1/TrafficExtension']);
for (const obj of objects) {
  const mod = modelModules[obj.apiVersion];
  if (!mod) continue;
  const models = await import(mod);
  const Model = models[obj.kind];
  if (!Model && notModelled.has(`${obj.apiVersion}/${obj.kind}`)) continue; // checked by the CRD schema below
  if (!Model) {
    problems.push(`${obj.kind}/${obj.metadata?.name}: no @kubernetes-models/istio model for ${obj.apiVersion}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${obj.kind}/${obj.metadata?.name}: @kubernetes-models/istio: ${e.message}`);
  }
}

// 2 + 3. CRD schema, strict, with CEL rules. The formats the Gateway API schemas rely on
// (Gateway addresses) are checked; others are not.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, formats: { ipv4: s => isIP(s) === 4, ipv6: s => isIP(s) === 6 } });
const compiled = new Map();
const env = celEnvironment();
for (let obj of objects) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const schema = crds.get(key);
  if (!schema) {
    if (obj.apiVersion.startsWith('gateway.networking.k8s.io/')) problems.push(`${obj.kind}/${obj.metadata?.name}: no Gateway API CRD serves ${key}`);
    continue;
  }
  const id = `${obj.kind}/${obj.metadata?.name}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(strictSchema(schema, true)));
  const validate = compiled.get(key);
  obj = withDefaults(schema, obj);
  if (!validate(obj)) {
    for (const err of validate.errors) {
      problems.push(`${id}: CRD schema: ${err.instancePath || '/'} ${err.message}${err.params?.additionalProperty ? ` (${err.params.additionalProperty})` : ''}`);
    }
  }
  checkCel(env, schema, obj, '', id);
  checkListTypes(schema, obj, '', id);
}

process.stdout.write(JSON.stringify({ problems, notes }));

/**
 * The openAPIV3Schema of every served version of every CRD in the files of `dir`, keyed
 * `group/version/Kind`. A file is JSON, YAML (one or more documents) or a TypeScript/JavaScript
 * module; CRDs are found anywhere in its data (a List's items, an array, an export...). The
 * result is cached in the temp directory by the files' names, sizes and mtimes.
 */
async function loadSchemas(dir) {
  if (!existsSync(dir)) return {};
  const files = readdirSync(dir).filter(f => /\.(json|ya?ml|ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const stamp = files.map(f => { const { size, mtimeMs } = statSync(join(dir, f)); return `${f}:${size}:${Math.floor(mtimeMs)}`; }).join('|');
  const cache = join(tmpdir(), `cdk8s-istio-crd-schemas-${hash(`${dir}|${stamp}`)}.json`);
  if (existsSync(cache)) {
    try { return JSON.parse(readFileSync(cache, 'utf-8')); } catch { /* rebuild */ }
  }
  const ts = files.some(f => f.endsWith('.ts')) ? (await import('typescript')).default : undefined;
  const schemas = {};
  for (const file of files) {
    for (const crd of findCrds(readData(join(dir, file), ts))) {
      for (const version of crd.spec.versions ?? []) {
        if (version.served === false) continue; // the API server rejects objects of that version
        const schema = version.schema?.openAPIV3Schema ?? crd.spec.validation?.openAPIV3Schema;
        if (schema) schemas[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = schema;
      }
    }
  }
  const tmp = `${cache}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(schemas));
  renameSync(tmp, cache);
  return schemas;
}

function readData(path, ts) {
  const text = readFileSync(path, 'utf-8');
  if (path.endsWith('.json')) return JSON.parse(text);
  if (/\.ya?ml$/.test(path)) return parseAllDocuments(text).map(d => d.toJSON());
  // a module: transpile to CommonJS and evaluate it, with nothing to import
  const js = path.endsWith('.ts') ? ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText : text;
  const module = { exports: {} };
  new Function('module', 'exports', 'require', js)(module, module.exports, () => ({}));
  return module.exports;
}

function findCrds(data, found = [], seen = new Set()) {
  if (data === null || typeof data !== 'object' || seen.has(data)) return found;
  seen.add(data);
  if (data.kind === 'CustomResourceDefinition' && data.spec?.group && data.spec?.names?.kind) {
    found.push(data);
    return found;
  }
  for (const value of Object.values(data)) findCrds(value, found, seen);
  return found;
}

function hash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

/** The API server prunes/rejects fields a structural schema does not list: mirror that. */
// Value validations (oneOf/anyOf/allOf/not) constrain values; they do not declare fields.
function strictSchema(schema, top = false, structural = true) {
  if (Array.isArray(schema)) return schema.map(s => strictSchema(s, false, structural));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictSchema(v, false, structural)]));
    } else if (typeof value === 'object') {
      out[key] = strictSchema(value, false, structural && !['oneOf', 'anyOf', 'allOf', 'not'].includes(key));
    } else {
      out[key] = value;
    }
  }
  if (schema.nullable) delete out.nullable;
  if (structural && schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
    if (top) {
      // apiVersion/kind/metadata are served by the API machinery.
      out.properties = { ...out.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
    }
  }
  return out;
}

function celEnvironment() {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  const parseUrl = s => { try { return new URL(s); } catch { return undefined; } };
  env.registerFunction('isURL(string): bool', s => parseUrl(s) !== undefined);
  env.registerFunction('url(string): map', s => {
    const u = parseUrl(s);
    if (!u) throw new Error(`url: invalid URL ${s}`);
    return new Map([['scheme', u.protocol.replace(/:$/, '')], ['host', u.host]]);
  });
  env.registerFunction('isIP(string): bool', s => isIP(s) !== 0);
  env.registerFunction('string.matchesIgnoringCase(string): bool', (s, re) => new RegExp(re, 'i').test(s));
  env.registerFunction({ name: 'getScheme', receiverType: 'map', returnType: 'string', handler: m => m.get('scheme'), params: [] });
  env.registerFunction({ name: 'getHost', receiverType: 'map', returnType: 'string', handler: m => m.get('host'), params: [] });
  return env;
}

/** The object as the API server stores it: schema `default`s filled in where a field is absent. */
function withDefaults(schema, value) {
  if (!schema || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(v => withDefaults(schema.items, v));
  if (typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = withDefaults(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v);
  }
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (out[k] === undefined && sub.default !== undefined) out[k] = withDefaults(sub, structuredClone(sub.default));
  }
  return out;
}

// Property names that are CEL keywords are escaped as `__name__` (Kubernetes' CEL escaping).
function isCelReserved(name) {
  return ['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
    'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while'].includes(name);
}

/** Converts JSON to CEL values following the schema: integers become BigInt. */
function toCel(schema, value) {
  if (value === null || value === undefined || !schema) return value;
  if (schema.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (schema['x-kubernetes-int-or-string'] && typeof value === 'number') return BigInt(value);
  if (Array.isArray(value)) return value.map(v => toCel(schema.items, v));
  if (typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const property = schema.properties?.[k];
      const sub = property ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[property && isCelReserved(k) ? `__${k}__` : k] = toCel(sub, v);
    }
    return out;
  }
  return value;
}

/**
 * Rewrites what cel-js does not support into equivalent CEL: `has(e[0].f)` (cel-js only
 * takes field selections from an identifier) as `'f' in e[0]`, and the RE2 flag `(?i)`,
 * which JavaScript regular expressions lack, as a case-insensitive match function.
 */
function portableRule(rule) {
  return rule
    .replace(/has\(([\w.]+\[\d+\](?:\.\w+)*)\.(\w+)\)/g, "('$2' in $1)")
    .replace(/\.matches\(r"""\^\(\?i\)/g, '.matchesIgnoringCase(r"""^');
}

/** `x-kubernetes-list-type: set` items and `map` keys are unique, as the API server enforces. */
function checkListTypes(schema, value, path, id) {
  if (value === undefined || value === null || !schema) return;
  if (Array.isArray(value)) {
    const type = schema['x-kubernetes-list-type'];
    const keyOf = type === 'set' ? v => JSON.stringify(v)
      : type === 'map' ? v => JSON.stringify((schema['x-kubernetes-list-map-keys'] ?? []).map(k => v?.[k] ?? schema.items?.properties?.[k]?.default))
        : undefined;
    if (keyOf) {
      const seen = new Set();
      value.forEach((v, i) => {
        const key = keyOf(v);
        if (seen.has(key)) problems.push(`${id}: CRD schema: ${path}/${i} duplicate entry ${key} in a list of type ${type}`);
        seen.add(key);
      });
    }
    value.forEach((v, i) => checkListTypes(schema.items, v, `${path}/${i}`, id));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      checkListTypes(sub, v, `${path}/${k}`, id);
    }
  }
}

function checkCel(env, schema, value, path, id) {
  if (value === undefined || value === null || !schema) return;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (rule.rule.includes('oldSelf')) continue; // transition rules need a previous object
    let result;
    try {
      result = env.evaluate(portableRule(rule.rule), { self: toCel(schema, value) });
    } catch (e) {
      problems.push(`${id}: CEL rule could not be evaluated at ${path || '/'}: ${rule.rule}: ${e.message}`);
      continue;
    }
    if (result !== true) {
      problems.push(`${id}: CEL rule failed at ${path || '/'}: ${rule.message ?? rule.rule}`);
    }
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkCel(env, schema.items, v, `${path}/${i}`, id));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      checkCel(env, sub, v, `${path}/${k}`, id);
    }
  }
}
