import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The naming rule of every Istio resource of the library. Internal.
 *
 * An object without `metadata.name` is named after its construct path below the chart, each
 * id in kebab case, joined with `-`: `ReviewsRule` → `reviews-rule`, `Shop/ReviewsRule` →
 * `shop-reviews-rule`. Names longer than 63 characters keep their first 54 characters and
 * end with an 8-character hash of the path. Factories with a conventional name (the mesh-wide
 * `PeerAuthentication` named `default`, `AuthorizationPolicy.denyAll()` named `deny-all`) set
 * `metadata.name` themselves. Names must be unique per kind and namespace: synthesis fails
 * on a clash, naming both constructs.
 */

const MAX = 63;

/** `ReviewsRule` → `reviews-rule`, `vm_1` → `vm-1`, `HTTPBin` → `http-bin`. */
export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The default name of a resource construct (see the rule above). */
export function defaultResourceName(scope: IConstruct): string {
  const scopes = scope.node.scopes;
  let chartIndex = -1;
  scopes.forEach((s, i) => {
    if (Chart.isChart(s)) chartIndex = i;
  });
  const below = scopes.slice(chartIndex + 1).map(s => kebab(s.node.id)).filter(part => part !== '');
  const name = below.join('-') || 'resource';
  if (name.length <= MAX) return name;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hash = (require('crypto') as typeof import('crypto')).createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

interface Named {
  readonly construct: IConstruct;
  readonly apiObject: () => ApiObject;
}

interface Registry {
  readonly list: Named[];
  readonly byConstruct: Map<IConstruct, Named>;
  index?: Map<string, Named[]>;
  indexed: number;
}

const registries = new WeakMap<IConstruct, Registry>();

/** Records a named resource under its app root, for the clash check at synth. */
export function registerNamedResource(construct: IConstruct, apiObject: () => ApiObject): void {
  const root = construct.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = { list: [], byConstruct: new Map(), indexed: 0 };
    registries.set(root, registry);
  }
  const named = { construct, apiObject };
  registry.list.push(named);
  registry.byConstruct.set(construct, named);
}

function keyOf(n: Named): string {
  const o = n.apiObject();
  return `${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.name}`;
}

/** Synth-time check: no other resource of the same kind has the same namespace and name. */
export function nameClashes(construct: IConstruct): string[] {
  const registry = registries.get(construct.node.root);
  if (!registry) return [];
  if (!registry.index || registry.indexed !== registry.list.length) {
    registry.index = new Map();
    for (const n of registry.list) {
      const k = keyOf(n);
      const same = registry.index.get(k);
      if (same) same.push(n);
      else registry.index.set(k, [n]);
    }
    registry.indexed = registry.list.length;
  }
  const self = registry.byConstruct.get(construct);
  if (!self) return [];
  const same = registry.index.get(keyOf(self)) ?? [];
  // Report once, from the first of the clashing constructs.
  if (same.length < 2 || same[0] !== self) return [];
  const others = same.slice(1);
  const o = self.apiObject();
  const ns = o.metadata.namespace;
  return [`${construct.node.path}: metadata.name ${JSON.stringify(o.name)} is invalid: ${others.map(n => n.construct.node.path).join(', ')} `
    + `also creates a ${o.kind} named ${JSON.stringify(o.name)} in ${ns === undefined ? 'the same (unset) namespace' : `namespace ${JSON.stringify(ns)}`}; `
    + 'names must be unique per kind and namespace: set metadata.name on one of them or give them different construct ids'];
}
