import { IConstruct } from 'constructs';
import { CLUSTER_DOMAIN } from '../networking/host';

/**
 * Internal side of the mTLS conflict check (istioctl analyze IST0113): a registry of the
 * PeerAuthentications of each app and the single synth-time validation that compares them
 * with the DestinationRules of the app. The public switch is `MtlsConflictCheck`.
 */

/** `ERROR`, `WARNING` or `IGNORE` (the values of `MtlsConflictSeverity`). */
type Severity = 'ERROR' | 'WARNING' | 'IGNORE';

const severities = new WeakMap<IConstruct, Severity>();

/** Sets the severity for the constructs under `scope`. */
export function setConflictSeverity(scope: IConstruct, severity: Severity): void {
  severities.set(scope, severity);
}

function severityFor(scope: IConstruct): Severity {
  const scopes = scope.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const severity = severities.get(scopes[i]);
    if (severity !== undefined) return severity;
  }
  return 'ERROR';
}

/** What the check needs of a PeerAuthentication. Internal. */
export interface PeerAuthenticationPolicy extends IConstruct {
  readonly namespace: string | undefined;
  readonly isMeshWide: boolean;
  readonly mtls?: string;
  readonly selector?: { _labels(scope: IConstruct, field: string): Record<string, string> };
  _modeFor(port: number | undefined): string | undefined;
  _portModes(): ReadonlyMap<number, string>;
}

/**
 * What the check needs of a DestinationRule (the contract of src/networking/destination-rule.ts).
 * Internal.
 */
export interface TlsPolicySource extends IConstruct {
  readonly host: string;
  readonly namespace: string | undefined;
  _tlsModes(): Array<{ port?: number; subset?: string; mode: string }>;
}

function isTlsPolicySource(c: IConstruct): c is TlsPolicySource {
  const candidate = c as unknown as Partial<TlsPolicySource>;
  return typeof candidate._tlsModes === 'function' && typeof candidate.host === 'string';
}

/** PeerAuthentications per app root. */
const registry = new WeakMap<IConstruct, PeerAuthenticationPolicy[]>();

/**
 * Records a PeerAuthentication. The first one of an app root carries the single validation
 * that checks all of them, so the app is walked once per synthesis.
 */
export function registerPeerAuthentication(policy: PeerAuthenticationPolicy): void {
  const root = policy.node.root;
  let list = registry.get(root);
  if (!list) {
    list = [];
    registry.set(root, list);
    const policies = list;
    policy.node.addValidation({ validate: () => checkConflicts(policies) });
  }
  list.push(policy);
}

/** A mesh host resolved to the Service it names. */
interface MeshHost {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** A wildcard such as `*.local` that covers services of every namespace. */
  readonly anyNamespace?: boolean;
}

/** Resolves a DestinationRule host to a Service name and namespace; undefined for hosts outside the cluster. */
function resolveHost(host: string, drNamespace: string | undefined): MeshHost | undefined {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  if (h === '*' || (h.startsWith('*.') && `.${CLUSTER_DOMAIN}`.endsWith(h.slice(1)))) {
    return { name: undefined, namespace: undefined, anyNamespace: true };
  }
  if (!h.includes('.')) return { name: h, namespace: drNamespace };
  const labels = h.split('.');
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (h.endsWith(suffix) && labels.length === 5) {
    return { name: labels[0] === '*' ? undefined : labels[0], namespace: labels[1] };
  }
  if (labels.length === 2 && labels[0] !== '*') return { name: labels[0], namespace: labels[1] };
  return undefined;
}

function overlaps(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).every(key => !(key in b) || b[key] === a[key]);
}

function describeTarget(entry: { port?: number; subset?: string }): string {
  const parts: string[] = [];
  if (entry.subset !== undefined) parts.push(`subset "${entry.subset}"`);
  if (entry.port !== undefined) parts.push(`port ${entry.port}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The PeerAuthentications of one check, indexed so each look-up is proportional to one namespace. */
class PolicyIndex {
  public readonly meshWide: PeerAuthenticationPolicy[] = [];
  private readonly byNamespace = new Map<string | undefined, PeerAuthenticationPolicy[]>();
  private readonly labels = new Map<PeerAuthenticationPolicy, Record<string, string>>();

  public constructor(policies: readonly PeerAuthenticationPolicy[]) {
    for (const p of policies) {
      if (p.isMeshWide) {
        this.meshWide.push(p);
        continue;
      }
      const list = this.byNamespace.get(p.namespace);
      if (list) list.push(p);
      else this.byNamespace.set(p.namespace, [p]);
    }
  }

  public inNamespace(namespace: string | undefined): readonly PeerAuthenticationPolicy[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  public labelsOf(p: PeerAuthenticationPolicy): Record<string, string> {
    let labels = this.labels.get(p);
    if (!labels) {
      labels = p.selector!._labels(p, 'selector.matchLabels');
      this.labels.set(p, labels);
    }
    return labels;
  }
}

function checkConflicts(policies: readonly PeerAuthenticationPolicy[]): string[] {
  const active = policies.filter(p => severityFor(p) !== 'IGNORE');
  if (active.length === 0) return [];
  const root = policies[0].node.root;

  const rules: TlsPolicySource[] = [];
  const services = new Map<string, KubeService>();
  for (const c of root.node.findAll()) {
    const svc = asKubeService(c);
    if (svc) services.set(`${svc.name}/${svc.metadata.namespace ?? ''}`, svc);
    else if (isTlsPolicySource(c)) rules.push(c);
  }
  const index = new PolicyIndex(active);

  const errors: string[] = [];
  for (const rule of rules) {
    const disabled = rule._tlsModes().filter(entry => entry.mode === 'DISABLE');
    if (disabled.length === 0) continue;
    const target = resolveHost(rule.host, rule.namespace);
    if (!target) continue;
    const service = target.name === undefined ? undefined : services.get(`${target.name}/${target.namespace ?? ''}`);
    const serviceLabels = service ? service._toKube().selector ?? {} : undefined;

    for (const entry of disabled) {
      const targetPort = entry.port === undefined ? undefined
        : Number(service?.ports.find(p => p.port === entry.port)?.targetPort ?? entry.port);
      const strict = target.anyNamespace
        ? anyStrictPolicy(active, targetPort)
        : strictPolicyFor(index, target.namespace, serviceLabels, targetPort, entry.port === undefined);
      if (!strict) continue;
      const scope = strict.isMeshWide ? 'mesh-wide' : strict.selector ? `for the selected workloads in namespace ${strict.namespace ?? '(unset)'}` : `namespace-wide in ${strict.namespace ?? '(unset)'}`;
      const message = `${rule.node.path}: DestinationRule for host "${rule.host}"${describeTarget(entry)} sets tls.mode DISABLE, `
        + `but PeerAuthentication ${strict.node.path} requires STRICT mutual TLS ${scope}; clients would be refused `
        + '("connection reset by peer", istioctl analyze IST0113). Use tls.mode ISTIO_MUTUAL in the DestinationRule, '
        + 'or make the PeerAuthentication PERMISSIVE for that workload';
      if (severityFor(strict) === 'WARNING') {
        process.stderr.write(`Warning: ${message}\n`);
      } else {
        errors.push(message);
      }
    }
  }
  return errors;
}

/**
 * The policy that makes traffic to a workload STRICT, with Istio's precedence: a workload
 * policy over the namespace-wide one over the mesh-wide one. With `anyPort`, a STRICT
 * port-level mode of the workload policy counts too. When the Service behind the host is not
 * part of the app (`serviceLabels` undefined), any STRICT workload policy of the namespace
 * may cover it and is reported.
 */
function strictPolicyFor(
  index: PolicyIndex,
  namespace: string | undefined,
  serviceLabels: Record<string, string> | undefined,
  port: number | undefined,
  anyPort: boolean,
): PeerAuthenticationPolicy | undefined {
  const inNamespace = index.inNamespace(namespace);
  const workloadPolicies = inNamespace.filter(p => p.selector !== undefined
    && (serviceLabels === undefined || overlaps(index.labelsOf(p), serviceLabels)));
  for (const p of workloadPolicies) {
    if (anyPort && [...p._portModes().values()].includes('STRICT')) return p;
    if (serviceLabels === undefined && p._modeFor(port) === 'STRICT') return p;
  }
  const chain = [
    ...(serviceLabels === undefined ? [] : workloadPolicies),
    ...inNamespace.filter(p => p.selector === undefined),
    ...index.meshWide,
  ];
  for (const p of chain) {
    const mode = p._modeFor(port);
    if (mode === undefined || mode === 'UNSET') continue;
    return mode === 'STRICT' ? p : undefined;
  }
  return undefined;
}

/** For a wildcard host covering every namespace: the first policy that makes anything STRICT. */
function anyStrictPolicy(policies: readonly PeerAuthenticationPolicy[], port: number | undefined): PeerAuthenticationPolicy | undefined {
  const ordered = [
    ...policies.filter(p => p.isMeshWide),
    ...policies.filter(p => !p.isMeshWide && p.selector === undefined),
    ...policies.filter(p => p.selector !== undefined),
  ];
  return ordered.find(p => p._modeFor(port) === 'STRICT' || (port === undefined && [...p._portModes().values()].includes('STRICT')));
}

/** The parts of a cdk8s-plus Service (any 2.x version) the check reads. */
interface KubeService {
  readonly name: string;
  readonly metadata: { readonly namespace?: string };
  readonly ports: ReadonlyArray<{ readonly port?: number; readonly targetPort?: number }>;
  _toKube(): { selector?: Record<string, string> };
}

/** A Service of any cdk8s-plus 2.x package (`instanceof` only knows one of them). */
function asKubeService(c: unknown): KubeService | undefined {
  const candidate = c as Partial<KubeService> & { resourceType?: string };
  return candidate.resourceType === 'services' && typeof candidate._toKube === 'function' && Array.isArray(candidate.ports)
    ? candidate as KubeService
    : undefined;
}
