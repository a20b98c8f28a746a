import { isObject, Json, stringMap, strings, objects } from './resource';

/**
 * Kubernetes label selectors: `matchLabels` maps and `matchExpressions`. Internal.
 */
export interface Selector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: string; values: string[] }>;
}

/** A plain label map as a selector (a Service's `selector`, a subset's `labels`). */
export function labelSelector(labels: Record<string, string>): Selector {
  return { matchLabels: labels, matchExpressions: [] };
}

/** Reads `{ matchLabels, matchExpressions }`. */
export function parseSelector(value: unknown): Selector {
  if (!isObject(value)) return { matchLabels: {}, matchExpressions: [] };
  return {
    matchLabels: stringMap(value.matchLabels),
    matchExpressions: objects(value.matchExpressions).map((e: Json) => ({
      key: String(e.key ?? ''), operator: String(e.operator ?? ''), values: strings(e.values),
    })),
  };
}

export function isEmptySelector(s: Selector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

export function matches(selector: Selector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** `app=reviews,version=v1`, as istioctl prints a selector. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map(k => `${k}=${labels[k]}`).join(',');
}

/**
 * Things with labels, indexed by namespace and by `key=value` so that a selector is resolved
 * by looking at the candidates of its rarest label instead of at everything.
 */
export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, T[]>();
  private readonly byPair = new Map<string, T[]>();
  private readonly labelsOf = new Map<T, Record<string, string>>();

  public add(namespace: string, labels: Record<string, string>, item: T): void {
    push(this.byNamespace, namespace, item);
    for (const [k, v] of Object.entries(labels)) push(this.byPair, `${namespace}\u0000${k}\u0000${v}`, item);
    this.labelsOf.set(item, labels);
  }

  /** Everything in `namespace`. */
  public inNamespace(namespace: string): readonly T[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** All namespaces that hold something. */
  public namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  /** What `selector` selects in `namespace` (an empty selector selects everything). */
  public select(namespace: string, selector: Selector): T[] {
    return this.candidates(namespace, selector).filter(item => matches(selector, this.labelsOf.get(item)!));
  }

  /** Whether anything in `namespace` is selected. */
  public any(namespace: string, selector: Selector): boolean {
    return this.candidates(namespace, selector).some(item => matches(selector, this.labelsOf.get(item)!));
  }

  /** The items of the selector's rarest label: a superset of what it selects. */
  private candidates(namespace: string, selector: Selector): readonly T[] {
    let candidates: readonly T[] = this.inNamespace(namespace);
    for (const k in selector.matchLabels) {
      const list = this.byPair.get(`${namespace}\u0000${k}\u0000${selector.matchLabels[k]}`);
      if (!list) return [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates;
  }

  /** Across every namespace. */
  public selectAll(selector: Selector): T[] {
    return this.namespaces().flatMap(ns => this.select(ns, selector));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
