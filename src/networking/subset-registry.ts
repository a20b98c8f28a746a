import { IConstruct } from 'constructs';
import { sameHost } from './host';

/**
 * Something in the app that defines named subsets of a host (a DestinationRule). Internal.
 */
export interface SubsetSource {
  /** The host the subsets belong to, as written in the DestinationRule. */
  readonly host: string;
  /** The namespace of the DestinationRule, if set. */
  readonly namespace: string | undefined;
  /** The subset names defined now (read at synth time). */
  subsetNames(): string[];
}

/** Sources per app root, indexed by the first label of their host so look-ups stay O(1). */
const sources = new WeakMap<IConstruct, Map<string, SubsetSource[]>>();

function firstLabel(host: string): string {
  return host.split('.')[0];
}

/** Records a subset source under the app root of `scope`. */
export function registerSubsetSource(scope: IConstruct, source: SubsetSource): void {
  const root = scope.node.root;
  let index = sources.get(root);
  if (!index) {
    index = new Map();
    sources.set(root, index);
  }
  const key = firstLabel(source.host);
  const list = index.get(key);
  if (list) list.push(source);
  else index.set(key, [source]);
}

/**
 * Whether any DestinationRule in the app of `scope` defines `subset` for `host` (seen from
 * `namespace`). Returns the subsets that are defined for the host, for error messages.
 */
export function findSubset(scope: IConstruct, host: string, namespace: string | undefined, subset: string): { found: boolean; known: string[] } {
  const known: string[] = [];
  for (const source of sources.get(scope.node.root)?.get(firstLabel(host)) ?? []) {
    if (!sameHost(source.host, source.namespace, host, namespace)) continue;
    const names = source.subsetNames();
    if (names.includes(subset)) return { found: true, known: names };
    known.push(...names);
  }
  return { found: false, known };
}
