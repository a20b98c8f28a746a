/**
 * Host names as Istio compares them (pkg/config/host). Internal.
 */
export const CLUSTER_DOMAIN = 'svc.cluster.local';

/**
 * A short name becomes `<name>.<namespace>.svc.cluster.local`; a name with a dot or a
 * wildcard stays as written, as istioctl does.
 */
export function toFqdn(host: string, namespace: string): string {
  if (host.startsWith('*') || host.includes('.')) return host;
  return `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** Whether host pattern `a` covers every name `b` covers (`*.example.com` covers `shop.example.com`). */
export function covers(a: string, b: string): boolean {
  if (a === b || a === '*') return true;
  if (a.startsWith('*')) {
    const suffix = a.slice(1);
    if (b.startsWith('*')) return b.slice(1).endsWith(suffix);
    return b.endsWith(suffix);
  }
  return false;
}

/** Whether two host patterns have a name in common. */
export function intersects(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

/** `name` and `namespace` of a Kubernetes service FQDN; undefined for other hosts. */
export function serviceOf(fqdn: string): { name: string; namespace: string } | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const parts = fqdn.slice(0, -suffix.length).split('.');
  if (parts.length !== 2 || parts[0] === '*' || parts[0] === '') return undefined;
  return { name: parts[0], namespace: parts[1] };
}

/**
 * A Gateway server host `[namespace/]host`: the namespace part (`*`, `.` or a name) and the
 * host part.
 */
export function splitServerHost(value: string): { namespace: string; host: string } {
  const slash = value.indexOf('/');
  if (slash < 0) return { namespace: '*', host: value };
  return { namespace: value.slice(0, slash), host: value.slice(slash + 1) };
}
