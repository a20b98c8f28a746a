/**
 * A small model of YAML documents whose values and sections are Go template actions, and its
 * renderer. The injection templates istiod evaluates per pod are generated from this model,
 * so their YAML structure is correct by construction: every value sits at the indentation
 * of its parent, and every conditional section is an `{{- if }} … {{- end }}` pair whose
 * leading `-` trims the line break before it, so a section that renders nothing leaves no
 * blank line behind.
 *
 * Internal: not exported from the package entry point.
 */

/** A Go template expression (the text between `{{` and `}}`), e.g. `.Values.global.hub`. */
export class Go {
  public constructor(public readonly expr: string) {}

  /** The expression piped through sprig's `quote`, for values that must stay strings. */
  public quoted(): Go {
    return new Go(`${this.expr} | quote`);
  }
}

/** A string built from literal text and Go actions, rendered as one double-quoted YAML scalar. */
export class Interp {
  public constructor(public readonly parts: ReadonlyArray<string | Go | Action>, public readonly quoted = true) {}
}

/** A bare Go action inside an interpolated string, such as `if ne .Values.revision ""`. */
export class Action {
  public constructor(public readonly text: string) {}
}

/** A YAML block scalar (`|` or `|-`) whose lines are literal text or Go actions. */
export class Block {
  public constructor(public readonly lines: readonly string[], public readonly chomp: '|' | '|-' = '|') {}
}

/** YAML inserted from a Go value: `{{- toYaml <expr> | nindent N }}`. */
export class ToYaml {
  public constructor(public readonly expr: string) {}
}

/** A literal flow value such as `[]` or `{}`. */
export class Flow {
  public constructor(public readonly text: '[]' | '{}') {}
}

/** YAML entries merged into the enclosing mapping from a Go value: `{{- toYaml <expr> | nindent N }}`. */
export class MergeYaml {
  /** `render` is the function that turns the value into YAML text: `toYaml`, or istiod's `toJsonMap`. */
  public constructor(public readonly expr: string, public readonly render: 'toYaml' | 'toJsonMap' = 'toYaml') {}
}

export type Value = string | number | boolean | Go | Interp | Block | ToYaml | Flow | YMap | YList;
export type Entry = readonly [string, Value] | MergeYaml | Branch<Entry>;
export type Item = Value | Branch<Item>;

/** A mapping whose entries may be conditional. */
export class YMap {
  public constructor(public readonly entries: readonly Entry[]) {}
}

/** A sequence whose items may be conditional. */
export class YList {
  public constructor(public readonly items: readonly Item[]) {}
}

/** A conditional section: `if`, `with` (sets the dot) or `range`, with optional else branch. */
export class Branch<T> {
  public constructor(
    public readonly keyword: 'if' | 'with' | 'range',
    public readonly condition: string,
    public readonly then: readonly T[],
    public readonly otherwise?: readonly T[]) {}
}

export function map(...entries: Entry[]): YMap {
  return new YMap(entries);
}

export function list(...items: Item[]): YList {
  return new YList(items);
}

export function go(expr: string): Go {
  return new Go(expr);
}

export function interp(...parts: Array<string | Go | Action>): Interp {
  return new Interp(parts);
}

/** Like `interp`, but unquoted: for numbers and booleans computed by actions. */
export function raw(...parts: Array<string | Go | Action>): Interp {
  return new Interp(parts, false);
}

export function act(text: string): Action {
  return new Action(text);
}

export function when<T>(condition: string, then: T[], otherwise?: T[]): Branch<T> {
  return new Branch('if', condition, then, otherwise);
}

export function withValue<T>(expr: string, then: T[]): Branch<T> {
  return new Branch('with', expr, then);
}

export function each<T>(expr: string, then: T[]): Branch<T> {
  return new Branch('range', expr, then);
}

const PLAIN = /^[A-Za-z_/$][-A-Za-z0-9_./:$()=,]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function interpolate(value: Interp): string {
  const body = value.parts.map(part => {
    if (typeof part === 'string') return value.quoted ? JSON.stringify(part).slice(1, -1) : part;
    if (part instanceof Go) return `{{ ${part.expr} }}`;
    return `{{ ${part.text} }}`;
  }).join('');
  return value.quoted ? `"${body}"` : body;
}

/** The inline rendering of a value, or undefined when it needs lines of its own. */
function inline(value: Value): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return scalar(value);
  if (value instanceof Go) return `{{ ${value.expr} }}`;
  if (value instanceof Interp) return interpolate(value);
  if (value instanceof Flow) return value.text;
  if (value instanceof YMap && value.entries.length === 0) return '{}';
  if (value instanceof YList && value.items.length === 0) return '[]';
  return undefined;
}

function branch<T>(b: Branch<T>, indent: number, body: (items: readonly T[]) => string[]): string[] {
  const pad = ' '.repeat(indent);
  const out = [`${pad}{{- ${b.keyword} ${b.condition} }}`, ...body(b.then)];
  if (b.otherwise) {
    // `else if` chains are written as an else branch holding a single `if`
    const [only] = b.otherwise;
    if (b.otherwise.length === 1 && only instanceof Branch && only.keyword === 'if' && b.keyword === 'if') {
      const nested = branch(only, indent, body);
      out.push(`${pad}{{- else if ${only.condition} }}`, ...nested.slice(1));
      return out;
    }
    out.push(`${pad}{{- else }}`, ...body(b.otherwise));
  }
  out.push(`${pad}{{- end }}`);
  return out;
}

function renderEntries(entries: readonly Entry[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const entry of entries) {
    if (entry instanceof Branch) {
      out.push(...branch(entry, indent, e => renderEntries(e, indent)));
      continue;
    }
    if (entry instanceof MergeYaml) {
      out.push(`${pad}{{- ${entry.render} ${entry.expr} | nindent ${indent} }}`);
      continue;
    }
    const [key, value] = entry as readonly [string, Value];
    const k = scalar(key);
    const simple = inline(value);
    if (simple !== undefined) {
      out.push(`${pad}${k}: ${simple}`);
    } else if (value instanceof YMap) {
      out.push(`${pad}${k}:`, ...renderEntries(value.entries, indent + 2));
    } else if (value instanceof YList) {
      out.push(`${pad}${k}:`, ...renderItems(value.items, indent));
    } else if (value instanceof ToYaml) {
      out.push(`${pad}${k}:`, `${pad}  {{- toYaml ${value.expr} | nindent ${indent + 2} }}`);
    } else if (value instanceof Block) {
      out.push(`${pad}${k}: ${value.chomp}`, ...value.lines.map(line => `${pad}  ${line}`));
    }
  }
  return out;
}

function renderItems(items: readonly Item[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of items) {
    if (item instanceof Branch) {
      out.push(...branch(item, indent, i => renderItems(i, indent)));
      continue;
    }
    const simple = inline(item);
    if (simple !== undefined) {
      out.push(`${pad}- ${simple}`);
    } else if (item instanceof YMap) {
      // the first entry shares the line of the dash; a leading branch cannot, so it goes below an empty-key-free dash
      const lines = renderEntries(item.entries, indent + 2);
      const first = lines[0];
      if (first !== undefined && !first.trimStart().startsWith('{{')) {
        out.push(`${pad}- ${first.slice(indent + 2)}`, ...lines.slice(1));
      } else {
        throw new Error('a list item mapping must start with a plain entry');
      }
    } else if (item instanceof YList) {
      throw new Error('nested lists are not supported');
    } else if (item instanceof ToYaml) {
      out.push(`${pad}{{- toYaml ${item.expr} | nindent ${indent} }}`);
    } else if (item instanceof Block) {
      out.push(`${pad}- ${item.chomp}`, ...item.lines.map(line => `${pad}  ${line}`));
    }
  }
  return out;
}

/** Renders a template of several YAML documents (istiod applies each). */
export function renderDocuments(documents: readonly YMap[]): string {
  return documents.map(document => renderEntries(document.entries, 0).join('\n')).join('\n---\n') + '\n';
}

/**
 * Renders a template: preamble actions (variable definitions, each one line of actions whose
 * first one trims the preceding line break), then the document.
 */
export function renderTemplate(preamble: readonly string[], document: YMap): string {
  return [...preamble, ...renderEntries(document.entries, 0)].join('\n') + '\n';
}
