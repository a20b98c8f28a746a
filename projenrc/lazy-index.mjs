// Makes the compiled index of the library load each module on first use. An app that requires
// the library and uses VirtualService alone no longer loads the installation, the addons and the
// Gateway API, about two thirds of the library's modules. The exports do not change: the same
// names, each a getter for the very object the eager index gives; the script checks this before
// it keeps the new index. It also lists the names for Node.js's import of CommonJS from ES
// modules (cjs-module-lexer reads `0 && (module.exports = {...})`, as esbuild writes it); such an
// import reads every name, so an ES module still loads the whole library.
//
//   node projenrc/lazy-index.mjs SOURCE_INDEX.ts COMPILED_INDEX.js
//
// The source index holds re-exports only (`export *`, `export { a, b as c }`, `export * as ns`).
// A name that both an `export *` and an explicit export give is the explicit one's, as in tsc's
// output. A name that is a type has no value, so it is not exported at runtime.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import ts from 'typescript';

const [sourceFile, compiledFile] = process.argv.slice(2).map(file => file && resolve(file));
if (!sourceFile || !compiledFile) {
  console.error('usage: node projenrc/lazy-index.mjs SOURCE_INDEX.ts COMPILED_INDEX.js');
  process.exit(2);
}

const requireFromIndex = createRequire(compiledFile);
const source = ts.createSourceFile(sourceFile, readFileSync(sourceFile, 'utf-8'), ts.ScriptTarget.Latest);
const reExports = source.statements.map(statement => {
  if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) {
    const { line } = source.getLineAndCharacterOfPosition(statement.getStart(source));
    console.error(`lazy-index: ${sourceFile}:${line + 1}: only re-exports from a module can be made lazy`);
    process.exit(1);
  }
  return statement;
}).filter(statement => !statement.isTypeOnly);

/** [exported name, module path, the module's export (undefined: the module itself)] in source order. */
const entries = [];
const explicit = new Set(reExports.flatMap(s => (s.exportClause && ts.isNamedExports(s.exportClause)
  ? s.exportClause.elements.filter(e => !e.isTypeOnly).map(e => e.name.text)
  : s.exportClause ? [s.exportClause.name.text] : [])));
const taken = new Set();
const add = (name, path, property) => {
  if (taken.has(name)) return;
  taken.add(name);
  entries.push([name, path, property]);
};
for (const statement of reExports) {
  const path = statement.moduleSpecifier.text;
  const module = requireFromIndex(path);
  if (!statement.exportClause) {
    for (const name of Object.keys(module)) if (name !== 'default' && name !== '__esModule' && !explicit.has(name)) add(name, path, name);
  } else if (ts.isNamespaceExport(statement.exportClause)) {
    add(statement.exportClause.name.text, path, undefined);
  } else {
    for (const element of statement.exportClause.elements) {
      const from = (element.propertyName ?? element.name).text;
      if (!element.isTypeOnly && from in module) add(element.name.text, path, from);
    }
  }
}

// the names are listed as identifiers for cjs-module-lexer: `default` and the like are not made lazy
const odd = entries.map(([name]) => name).filter(name => !/^[A-Za-z_$][\w$]*$/.test(name) || name === 'default' || name === '__esModule');
if (odd.length > 0) {
  console.error(`lazy-index: ${sourceFile}: cannot make these exports lazy: ${odd.join(', ')}`);
  process.exit(1);
}

const HEADER = '// Written by projenrc/lazy-index.mjs from the compiled re-exports: each module loads on first use.';
const modules = [...new Set(entries.map(([, path]) => path))];
const lazy = [
  '"use strict";',
  HEADER,
  'Object.defineProperty(exports, "__esModule", { value: true });',
  'const loaded = [];',
  `const paths = ${JSON.stringify(modules)};`,
  'function load(i) {',
  '  return loaded[i] || (loaded[i] = require(paths[i]));',
  '}',
  'function define(name, i, property) {',
  '  Object.defineProperty(exports, name, { enumerable: true, get: property === undefined ? () => load(i) : () => load(i)[property] });',
  '}',
  ...entries.map(([name, path, property]) => `define(${JSON.stringify(name)}, ${modules.indexOf(path)}${property === undefined ? '' : `, ${JSON.stringify(property)}`});`),
  `0 && (module.exports = { ${entries.map(([name]) => name).join(', ')} });`,
  '',
].join('\n');

// The lazy index must give exactly the names and objects of the eager one tsc wrote; when the
// compiled index is one this script wrote before (the compiler left it as it was), each name must
// give its module's export. Anything else puts the original back and fails.
const original = readFileSync(compiledFile, 'utf-8');
let problem;
try {
  const expected = original.includes(HEADER)
    ? Object.fromEntries(entries.map(([name, path, property]) => [name, property === undefined ? requireFromIndex(path) : requireFromIndex(path)[property]]))
    : requireFromIndex(compiledFile);
  writeFileSync(compiledFile, lazy);
  delete requireFromIndex.cache[compiledFile];
  const lazyExports = requireFromIndex(compiledFile);
  const differences = [...new Set([...Object.keys(expected), ...Object.keys(lazyExports)])]
    .filter(name => !(name in expected) || !(name in lazyExports) || !Object.is(expected[name], lazyExports[name]));
  if (differences.length > 0) problem = `the lazy index would export differently (${differences.join(', ')})`;
} catch (e) {
  problem = `the lazy index does not load: ${e.message}`;
}
if (problem) {
  writeFileSync(compiledFile, original);
  console.error(`lazy-index: ${problem}; ${compiledFile} left as it was`);
  process.exit(1);
}
