/**
 * Host-name helpers shared by the networking constructs. Internal.
 */

/** The cluster-local suffix Kubernetes Services resolve under. */
export const CLUSTER_DOMAIN = 'svc.cluster.local';

/**
 * Qualifies a short Kubernetes service name (`reviews`) with the namespace it is looked up
 * from (`reviews.bookinfo.svc.cluster.local`). Names with a dot are returned unchanged, as are
 * short names when the namespace is not known.
 */
export function qualifyHost(host: string, namespace: string | undefined): string {
  if (host.includes('.') || host === '*' || namespace === undefined) return host;
  return `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/**
 * Whether two hosts, each seen from its own namespace, name the same service. Short names
 * are compared by name when either side's namespace is unknown.
 */
export function sameHost(a: string, aNamespace: string | undefined, b: string, bNamespace: string | undefined): boolean {
  if (a === b && aNamespace === bNamespace) return true;
  const qa = qualifyHost(a, aNamespace ?? bNamespace);
  const qb = qualifyHost(b, bNamespace ?? aNamespace);
  return qa === qb;
}
