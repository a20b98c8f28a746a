import { GraphBuilder } from './builder';
import { nodeId } from './graph';
import { addWorkload } from './nodes';
import { MeshModel, selectorOf } from '../analysis/model';
import { isObject, Json, objects, Resource, strings } from '../analysis/resource';

/**
 * The security overlay: each namespace's mutual TLS mode and whether it denies by default,
 * and the AuthorizationPolicy edges from sources (ServiceAccounts, namespaces, IP blocks,
 * anyone) to the workloads they may (ALLOW) or may not (DENY) call. The workloads' own mTLS
 * modes are on their nodes (traffic.ts). Internal.
 */
export function addSecurity(b: GraphBuilder, model: MeshModel): void {
  const policies = model.istio('AuthorizationPolicy').filter(p => !model.assumed.has(p));
  const denyAll = new Set(policies.filter(p => isDenyAll(p) && !hasSelector(p)).map(p => p.namespace!));
  const rootDenyAll = denyAll.has(model.rootNamespace);
  for (const ns of model.namespaces()) {
    b.namespaces.set(ns, { name: ns, mtls: model.namespaceMtls(ns).mode, defaultDeny: denyAll.has(ns) || rootDenyAll });
  }
  for (const policy of policies) addPolicy(b, model, policy);
}

/** An ALLOW policy without rules matches nothing: it denies every request to its workloads. */
function isDenyAll(p: Resource): boolean {
  const action = typeof p.spec.action === 'string' ? p.spec.action : 'ALLOW';
  return action === 'ALLOW' && objects(p.spec.rules).length === 0 && p.spec.provider === undefined;
}

function hasSelector(p: Resource): boolean {
  return isObject(p.spec.selector) && Object.keys(selectorOf(p.spec.selector)?.matchLabels ?? {}).length > 0;
}

function addPolicy(b: GraphBuilder, model: MeshModel, policy: Resource): void {
  const action = typeof policy.spec.action === 'string' ? policy.spec.action : 'ALLOW';
  const targets = targetsOf(b, model, policy);
  if (isDenyAll(policy)) {
    for (const t of targets) {
      b.edge(anyone(b), t, 'deny', [`DENY ALL ${policy.name}`], policy.ref);
    }
    return;
  }
  const kind = action === 'DENY' || action === 'CUSTOM' ? 'deny' : action === 'ALLOW' ? 'allow' : undefined;
  if (!kind) return; // AUDIT changes nothing a request sees
  for (const rule of objects(policy.spec.rules)) {
    const what = [`${action} ${policy.name}`, ...operationLines(rule), ...(objects(rule.when).length ? [`when ${objects(rule.when).map(w => w.key).join(', ')}`] : [])];
    const sources = objects(rule.from).flatMap(f => (isObject(f.source) ? sourceNodes(b, f.source) : []));
    for (const source of sources.length > 0 ? sources : [anyone(b)]) {
      for (const t of targets) b.edge(source, t, kind, what, policy.ref);
    }
  }
}

/** The workloads a policy applies to; a namespace node when it has no selector. */
function targetsOf(b: GraphBuilder, model: MeshModel, policy: Resource): string[] {
  if (!hasSelector(policy)) {
    const mesh = policy.namespace === model.rootNamespace;
    const id = nodeId('namespace', mesh ? '*' : policy.namespace!);
    b.node(id, 'namespace', [mesh ? 'every workload of the mesh' : `every workload of ${policy.namespace}`], mesh ? undefined : policy.namespace);
    return [id];
  }
  const selector = selectorOf(policy.spec.selector)!;
  const workloads = policy.namespace === model.rootNamespace
    ? model.workloads.selectAll(selector)
    : model.selectWorkloads(policy.namespace!, selector);
  return workloads.filter(w => !model.assumed.has(w.resource)).map(w => addWorkload(b, model, w));
}

function anyone(b: GraphBuilder): string {
  const id = nodeId('principal', 'anyone');
  b.node(id, 'principal', ['any source'], undefined);
  return id;
}

/** One node per principal, namespace or IP block a source names. */
function sourceNodes(b: GraphBuilder, source: Json): string[] {
  const ids: string[] = [];
  for (const p of strings(source.principals)) {
    const sa = /^(?:[^/]+\/)?ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
    const id = nodeId('principal', 'p', p);
    b.node(id, 'principal', sa ? [`ServiceAccount ${sa[1]}/${sa[2]}`] : [`principal ${p}`], undefined);
    ids.push(id);
  }
  for (const ns of strings(source.namespaces)) {
    const id = nodeId('principal', 'ns', ns);
    b.node(id, 'principal', [`namespace ${ns}`], undefined);
    ids.push(id);
  }
  for (const field of ['ipBlocks', 'remoteIpBlocks', 'requestPrincipals'] as const) {
    for (const v of strings(source[field])) {
      const id = nodeId('principal', field, v);
      b.node(id, 'principal', [`${field === 'requestPrincipals' ? 'JWT' : 'IP'} ${v}`], undefined);
      ids.push(id);
    }
  }
  const negated = ['notPrincipals', 'notNamespaces', 'notIpBlocks'].flatMap(f => strings(source[f]).map(v => `not ${v}`));
  if (negated.length > 0) {
    const id = nodeId('principal', 'not', ...negated);
    b.node(id, 'principal', [`any source but ${negated.map(n => n.slice(4)).join(', ')}`], undefined);
    ids.push(id);
  }
  return ids;
}

function operationLines(rule: Json): string[] {
  return objects(rule.to).map(t => (isObject(t.operation) ? t.operation : {})).map(op => {
    const parts = [
      strings(op.methods).join('|'),
      strings(op.paths).join(' '),
      strings(op.ports).length ? `port ${strings(op.ports).join(',')}` : '',
      strings(op.hosts).length ? `host ${strings(op.hosts).join(',')}` : '',
    ].filter(s => s);
    return parts.join(' ');
  }).filter(s => s);
}
