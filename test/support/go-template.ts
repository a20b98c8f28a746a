/**
 * A small evaluator of Go's text/template, with the sprig and istiod functions the injection
 * templates call, for tests: it renders a template the library generated with concrete values
 * and a concrete pod, as istiod's injector would, so tests can inspect the injected pod.
 * Written for the tests, independently of the library's template builder.
 */

/** Text and `{{ action }}` tokens, with Go's `{{-` / `-}}` whitespace trimming applied. */
export type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string };
type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; expr: string }
  | { kind: 'declare'; name: string; expr: string; assign: boolean }
  | { kind: 'if' | 'with' | 'range'; expr: string; then: Node[]; otherwise: Node[] };

export function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    let text = template.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    tokens.push({ kind: 'text', text });
    tokens.push({ kind: 'action', body: m[2].trim() });
    trimNext = Boolean(m[3]);
    last = re.lastIndex;
  }
  let rest = template.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  tokens.push({ kind: 'text', text: rest });
  return tokens;
}

function parseNodes(template: string): Node[] {
  const root: Node[] = [];
  type Frame = { node: Extract<Node, { then: Node[] }>; inElse: boolean; chained: number };
  const stack: Frame[] = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.node.otherwise : top.node.then) : root;
  };
  for (const token of tokenize(template)) {
    if (token.kind === 'text') {
      if (token.text) target().push({ kind: 'text', text: token.text });
      continue;
    }
    const body = token.body;
    const keyword = body.split(/\s+/)[0];
    if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
      const node = { kind: keyword, expr: body.slice(keyword.length).trim(), then: [], otherwise: [] } as Extract<Node, { then: Node[] }>;
      target().push(node);
      stack.push({ node, inElse: false, chained: 0 });
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) throw new Error(`unexpected {{ ${body} }}`);
      top.inElse = true;
      const elseIf = body.match(/^else\s+(if|with)\s+([\s\S]*)$/);
      if (elseIf) {
        const node = { kind: elseIf[1], expr: elseIf[2].trim(), then: [], otherwise: [] } as Extract<Node, { then: Node[] }>;
        top.node.otherwise.push(node);
        stack.push({ node, inElse: false, chained: top.chained + 1 });
        top.chained = 0;
      }
    } else if (keyword === 'end') {
      const top = stack.pop();
      if (!top) throw new Error('{{ end }} without a block');
      for (let i = 0; i < top.chained; i++) stack.pop();
    } else {
      const decl = body.match(/^(\$[A-Za-z0-9_]*)\s*(:?=)\s*([\s\S]*)$/);
      if (decl) target().push({ kind: 'declare', name: decl[1], expr: decl[3], assign: decl[2] === '=' });
      else target().push({ kind: 'print', expr: body });
    }
  }
  if (stack.length > 0) throw new Error('unclosed block');
  return root;
}

// ---- expressions ----

type Expr =
  | { kind: 'pipeline'; commands: Expr[][] }
  | { kind: 'field'; base?: Expr; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'ident'; name: string };

function lexExpr(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === '|') { out.push(c); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      out.push(src.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < src.length && !/[\s()|]/.test(src[j])) j++;
    // a field chain right after a parenthesised expression: `(x).Field`
    out.push(src.slice(i, j));
    i = j;
  }
  return out;
}

function parseExpr(src: string): Expr {
  const tokens = lexExpr(src);
  let pos = 0;
  const pipeline = (): Expr => {
    const commands: Expr[][] = [[]];
    while (pos < tokens.length && tokens[pos] !== ')') {
      const t = tokens[pos++];
      if (t === '|') { commands.push([]); continue; }
      if (t === '(') {
        const inner = pipeline();
        pos++; // ')'
        const next = tokens[pos];
        if (next !== undefined && next.startsWith('.') && next.length > 1) {
          pos++;
          commands[commands.length - 1].push({ kind: 'field', base: inner, path: next.slice(1).split('.') });
        } else {
          commands[commands.length - 1].push(inner);
        }
        continue;
      }
      commands[commands.length - 1].push(operand(t));
    }
    return { kind: 'pipeline', commands };
  };
  const operand = (t: string): Expr => {
    if (t.startsWith('"')) return { kind: 'literal', value: JSON.parse(t) };
    if (t.startsWith('`')) return { kind: 'literal', value: t.slice(1, -1) };
    if (/^-?\d+$/.test(t)) return { kind: 'literal', value: Number(t) };
    if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
    if (t === 'nil') return { kind: 'literal', value: undefined };
    if (t === '.') return { kind: 'field', path: [] };
    if (t.startsWith('.')) return { kind: 'field', path: t.slice(1).split('.') };
    if (t.startsWith('$')) {
      const [name, ...path] = t.split('.');
      return { kind: 'var', name, path };
    }
    return { kind: 'ident', name: t };
  };
  const result = pipeline();
  if (pos !== tokens.length) throw new Error(`cannot parse ${src}`);
  return result;
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Field lookup that accepts Go's exported names for JSON keys (`ProxyListenPort` for `proxyListenPort`) and getters (`GetTracing`). */
function field(obj: unknown, name: string): unknown {
  if (obj === undefined || obj === null) return undefined;
  if (name === 'GetValue' || name === 'String') return obj;
  if (typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  for (const key of [name, name[0].toLowerCase() + name.slice(1), name.startsWith('Get') ? name.slice(3) : undefined]) {
    if (key === undefined) continue;
    if (key in o) return o[key];
    const lower = key[0].toLowerCase() + key.slice(1);
    if (lower in o) return o[lower];
  }
  return undefined;
}

function print(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(print).join(' ')}]`;
  return `map[${Object.keys(v as object).sort().map(k => `${k}:${print((v as any)[k])}`).join(' ')}]`;
}

function toYaml(v: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringify } = require('yaml');
  return String(stringify(v)).trimEnd();
}

function excludeInboundPort(port: unknown, excluded: unknown): string {
  const p = String(port ?? '').trim();
  const list = String(excluded ?? '').split(',').map(s => s.trim()).filter(s => s.length > 0);
  if (p === '' || p === '0' || list.includes(p)) return list.join(',');
  return [...list, p].join(',');
}

const FUNCTIONS: Record<string, (...args: any[]) => unknown> = {
  and: (...a) => a.find(x => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find(x => truthy(x)) ?? a[a.length - 1],
  not: a => !truthy(a),
  eq: (a, ...b) => b.some(x => x === a || (x == null && a == null)),
  ne: (a, b) => a !== b,
  ge: (a, b) => a >= b,
  len: a => (a == null ? 0 : Array.isArray(a) || typeof a === 'string' ? a.length : Object.keys(a).length),
  index: (obj, ...keys) => keys.reduce((o, k) => (o == null ? undefined : o[k]), obj) ?? (typeof keys[0] === 'string' ? '' : undefined),
  isset: (obj, key) => obj != null && key in obj,
  annotation: (meta, key, fallback) => meta?.Annotations?.[key] ?? fallback,
  valueOrDefault: (v, d) => (truthy(v) ? v : d),
  default: (d, v) => (truthy(v) ? v : d),
  printf: (format: string, ...args) => {
    let i = 0;
    return format.replace(/%[vtsd]/g, () => print(args[i++]));
  },
  quote: (...a) => a.map(v => JSON.stringify(v === undefined || v === null ? '' : print(v))).join(' '),
  toYaml,
  nindent: (n: number, s: string) => '\n' + String(s).split('\n').map(l => ' '.repeat(n) + l).join('\n'),
  indent: (n: number, s: string) => String(s).split('\n').map(l => ' '.repeat(n) + l).join('\n'),
  list: (...a) => a,
  append: (l, x) => [...(l ?? []), x],
  join: (sep: string, l) => (l ?? []).map(print).join(sep),
  contains: (sub: string, s) => String(s ?? '').includes(sub),
  toLower: (s: string) => String(s).toLowerCase(),
  trimSuffix: (suffix: string, s: string) => (String(s).endsWith(suffix) ? String(s).slice(0, -suffix.length) : String(s)),
  trunc: (n: number, s: string) => String(s).slice(0, n),
  fromJSON: (s: string) => JSON.parse(s),
  toJSON: v => JSON.stringify(v),
  structToJSON: v => JSON.stringify(v ?? {}),
  protoToJSON: v => JSON.stringify(v ?? {}),
  omitNil: v => v,
  omit: (obj, ...keys) => Object.fromEntries(Object.entries(obj ?? {}).filter(([k]) => !keys.includes(k))),
  strdict: (...kv) => Object.fromEntries(Array.from({ length: kv.length / 2 }, (_, i) => [kv[2 * i], kv[2 * i + 1]])),
  directory: (p: string) => String(p).replace(/\/[^/]*$/, ''),
  excludeInboundPort,
  appendMultusNetwork: (existing: string, network: string) => (existing ? `${existing}, ${network}` : network),
  otelResourceAttributes: () => '',
};

class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(private readonly parent?: Scope) {}
  declare(name: string, v: unknown) { this.vars.set(name, v); }
  assign(name: string, v: unknown): void {
    if (this.vars.has(name)) this.vars.set(name, v);
    else if (this.parent) this.parent.assign(name, v);
    else throw new Error(`assignment to undeclared ${name}`);
  }
  get(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    if (this.parent) return this.parent.get(name);
    throw new Error(`undefined variable ${name}`);
  }
}

function evaluate(expr: Expr, dot: unknown, scope: Scope, root: unknown): unknown {
  switch (expr.kind) {
    case 'literal': return expr.value;
    case 'field': return expr.path.reduce((o, k) => field(o, k), expr.base ? evaluate(expr.base, dot, scope, root) : dot);
    case 'var': return expr.path.reduce((o, k) => field(o, k), expr.name === '$' ? root : scope.get(expr.name));
    case 'ident': {
      const fn = FUNCTIONS[expr.name];
      if (!fn) throw new Error(`unknown function ${expr.name}`);
      return fn();
    }
    case 'pipeline': {
      let piped: unknown;
      let first = true;
      for (const command of expr.commands) {
        const [head, ...rest] = command;
        const args = rest.map(a => evaluate(a, dot, scope, root));
        if (!first) args.push(piped);
        if (head.kind === 'ident') {
          const fn = FUNCTIONS[head.name];
          if (!fn) throw new Error(`unknown function ${head.name}`);
          piped = fn(...args);
        } else {
          piped = evaluate(head, dot, scope, root);
        }
        first = false;
      }
      return piped;
    }
  }
}

/** Renders a Go template with `data` as its dot. */
export function renderGoTemplate(template: string, data: unknown): string {
  const nodes = parseNodes(template);
  const run = (list: Node[], dot: unknown, scope: Scope): string => list.map(node => {
    switch (node.kind) {
      case 'text': return node.text;
      case 'print': return print(evaluate(parseExpr(node.expr), dot, scope, data));
      case 'declare': {
        const v = evaluate(parseExpr(node.expr), dot, scope, data);
        if (node.assign) scope.assign(node.name, v);
        else scope.declare(node.name, v);
        return '';
      }
      case 'if': {
        const v = evaluate(parseExpr(node.expr), dot, scope, data);
        return truthy(v) ? run(node.then, dot, new Scope(scope)) : run(node.otherwise, dot, new Scope(scope));
      }
      case 'with': {
        const v = evaluate(parseExpr(node.expr), dot, scope, data);
        return truthy(v) ? run(node.then, v, new Scope(scope)) : run(node.otherwise, dot, new Scope(scope));
      }
      case 'range': {
        const m = node.expr.match(/^(\$\w+)\s*,\s*(\$\w+)\s*:=\s*([\s\S]*)$/) ?? node.expr.match(/^(\$\w+)\s*:=\s*([\s\S]*)$/);
        const source = m ? m[m.length - 1] : node.expr;
        const v = evaluate(parseExpr(source), dot, scope, data);
        const entries: Array<[unknown, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x])
          : v && typeof v === 'object' ? Object.keys(v).sort().map(k => [k, (v as any)[k]]) : [];
        if (entries.length === 0) return run(node.otherwise, dot, new Scope(scope));
        return entries.map(([k, x]) => {
          const inner = new Scope(scope);
          if (m && m.length === 4) { inner.declare(m[1], k); inner.declare(m[2], x); } else if (m) {inner.declare(m[1], x);}
          return run(node.then, x, inner);
        }).join('');
      }
    }
  }).join('');
  return run(nodes, data, new Scope());
}
