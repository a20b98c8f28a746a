/**
 * projenrc/lazy-index.mjs makes a compiled index load each module on first use (for CommonJS
 * callers), with the exports of the eager index: same names, same objects, names an ES module can
 * import, and a refusal (with the compiled index kept) for what it cannot make lazy.
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import * as ts from 'typescript';

const script = join(__dirname, '..', 'projenrc', 'lazy-index.mjs');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lazy-index-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes each TypeScript file and its CommonJS as tsc emits it; each module logs that it loaded. */
function writeProject(files: Record<string, string>): void {
  for (const [file, source] of Object.entries(files)) {
    const path = join(scratch, 'src', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, source);
    const logged = file === 'index.ts' ? source : `(globalThis.loaded ??= []).push(${JSON.stringify(file)});\n${source}`;
    const js = ts.transpileModule(logged, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    writeFileSync(path.replace(/\.ts$/, '.js'), js);
  }
}

const project = {
  'index.ts': [
    "export * from './routing';",
    "export { Install, type InstallProps, Profile as MeshProfile } from './install';",
    "export * as extras from './extras';",
    "export type { Hidden } from './extras';",
    '',
  ].join('\n'),
  // `Install` is given by the star export too: the explicit one wins, as in tsc's output
  'routing.ts': "export class Route {}\nexport const Install = 'from routing';\nexport interface RouteProps { readonly name: string }\n",
  'install.ts': "export class Install {}\nexport interface InstallProps { readonly big: boolean }\nexport enum Profile { DEFAULT = 'default' }\n",
  'extras/index.ts': 'export const answer = 42;\nexport interface Hidden { readonly x: number }\n',
};

/** Runs `code` in a fresh node process in the project; returns what it prints, parsed. */
function runIn(code: string): any {
  return JSON.parse(execFileSync('node', ['-e', code], { cwd: scratch, encoding: 'utf-8' }));
}

test('the lazy index exports what the eager one does, and loads a module when one of its names is read', () => {
  writeProject(project);
  const eager = runIn("const m = require('./src'); console.log(JSON.stringify({ keys: Object.keys(m).sort(), install: m.Install.name, answer: m.extras.answer, profile: m.MeshProfile.DEFAULT, loaded: globalThis.loaded }))");
  expect(eager).toEqual({ keys: ['Install', 'MeshProfile', 'Route', 'extras'], install: 'Install', answer: 42, profile: 'default', loaded: ['routing.ts', 'install.ts', 'extras/index.ts'] });

  execFileSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')]);
  expect(readFileSync(join(scratch, 'src', 'index.js'), 'utf-8')).toContain('each module loads on first use');

  const lazy = runIn([
    "const m = require('./src');",
    'const before = globalThis.loaded ?? [];',
    'const route = m.Route;',
    'const afterRoute = [...globalThis.loaded];',
    "const same = route === require('./src/routing').Route && m.Install === require('./src/install').Install && m.extras === require('./src/extras');",
    'console.log(JSON.stringify({ before, afterRoute, keys: Object.keys(m).sort(), same, install: m.Install.name, answer: m.extras.answer, profile: m.MeshProfile.DEFAULT }));',
  ].join('\n'));
  expect(lazy).toEqual({
    before: [],
    afterRoute: ['routing.ts'],
    keys: ['Install', 'MeshProfile', 'Route', 'extras'],
    same: true,
    install: 'Install',
    answer: 42,
    profile: 'default',
  });
});

test('an ES module imports the names of the lazy index', () => {
  writeProject(project);
  execFileSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')]);
  const out = execFileSync('node', ['--input-type=module', '-e',
    "import { Route, Install, MeshProfile, extras } from './src/index.js'; console.log([typeof Route, Install.name, MeshProfile.DEFAULT, extras.answer].join(' '))"],
  { cwd: scratch, encoding: 'utf-8' });
  expect(out.trim()).toEqual('function Install default 42');
});

test('an index with anything but re-exports is refused, and the compiled index is left as it was', () => {
  writeProject({ ...project, 'index.ts': `${project['index.ts']}export const local = 1;\n` });
  const before = readFileSync(join(scratch, 'src', 'index.js'), 'utf-8');
  const result = spawnSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')], { encoding: 'utf-8' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('index.ts:5: only re-exports from a module can be made lazy');
  expect(readFileSync(join(scratch, 'src', 'index.js'), 'utf-8')).toEqual(before);
});

test('a lazy index that would export differently from the eager one is refused, and the eager one kept', () => {
  // compiled file by file, the re-export of an interface stays in the eager index (as undefined),
  // where the lazy index, which finds no such value in the module, would leave it out
  writeProject({ ...project, 'index.ts': project['index.ts'].replace('type InstallProps', 'InstallProps') });
  const before = readFileSync(join(scratch, 'src', 'index.js'), 'utf-8');
  const result = spawnSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')], { encoding: 'utf-8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('the lazy index would export differently (InstallProps)');
  expect(readFileSync(join(scratch, 'src', 'index.js'), 'utf-8')).toEqual(before);
});

test('run again on the index it wrote (the compiler left it), the script writes the same lazy index', () => {
  writeProject(project);
  const run = () => execFileSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')]);
  run();
  const first = readFileSync(join(scratch, 'src', 'index.js'), 'utf-8');
  run();
  expect(readFileSync(join(scratch, 'src', 'index.js'), 'utf-8')).toEqual(first);
  expect(runIn("const m = require('./src'); console.log(JSON.stringify([m.Install.name, m.extras.answer]))")).toEqual(['Install', 42]);
});

test('an export named default is refused, and the compiled index is left as it was', () => {
  writeProject({ ...project, 'index.ts': `${project['index.ts']}export { Route as default } from './routing';\n` });
  const before = readFileSync(join(scratch, 'src', 'index.js'), 'utf-8');
  const result = spawnSync('node', [script, join(scratch, 'src', 'index.ts'), join(scratch, 'src', 'index.js')], { encoding: 'utf-8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('cannot make these exports lazy: default');
  expect(readFileSync(join(scratch, 'src', 'index.js'), 'utf-8')).toEqual(before);
});
