import { IConstruct } from 'constructs';
import { PortProtocol } from './protocol';
import { check, fail, isIpAddress, validateHost } from '../core/validation';

/**
 * Validation shared by the listener-like parts of Gateway and Sidecar (ports, bind addresses,
 * default endpoints, `namespace/dnsName` hosts). Internal: not exported from the package.
 */

/** Prefix of a Unix domain socket address. */
export const UNIX_PREFIX = 'unix://';

/** Protocols Istio treats as HTTP. Internal. */
export function isHttpProtocol(protocol: PortProtocol | undefined): boolean {
  return protocol === PortProtocol.HTTP || protocol === PortProtocol.HTTP2 || protocol === PortProtocol.GRPC
    || protocol === PortProtocol.GRPC_WEB || protocol === PortProtocol.HTTP_PROXY;
}

/** Protocols Istio treats as TLS (HTTPS and TLS). Internal. */
export function isTlsProtocol(protocol: PortProtocol | undefined): boolean {
  return protocol === PortProtocol.HTTPS || protocol === PortProtocol.TLS;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A protocol value from the enum; HTTP_PROXY only where `allowHttpProxy`. */
export function validateProtocol(scope: IConstruct, field: string, protocol: PortProtocol | undefined, allowHttpProxy = false): void {
  if (protocol === undefined) return;
  const valid = Object.values(PortProtocol) as string[];
  check(valid.includes(protocol), scope, field, protocol, `must be one of ${valid.join(', ')}`);
  check(protocol !== PortProtocol.HTTP_PROXY || allowHttpProxy, scope, field, protocol,
    'HTTP_PROXY is only supported on Sidecar egress listeners');
}

/** A port name as Istio validates it: a DNS-1123 label (lowercase, at most 63 characters). */
export function validatePortName(scope: IConstruct, field: string, name: string | undefined): void {
  if (name === undefined) return;
  check(name.length <= 63 && DNS1123_LABEL.test(name), scope, field, name,
    'a port name must be a lowercase RFC 1123 label (a-z, 0-9 and "-"), such as "http" or "https-443"');
}

/** A Unix domain socket address after `unix://`: an absolute file path or an abstract socket (`@name`). */
export function validateUnixAddress(scope: IConstruct, field: string, address: string): void {
  const path = address.slice(UNIX_PREFIX.length);
  check(path.length > 0 && (path.startsWith('@') || (path.startsWith('/') && !path.endsWith('/'))), scope, field, address,
    'a Unix domain socket must be "unix://" followed by an absolute file path ("unix:///var/run/app.sock") or an abstract socket ("unix://@app")');
}

/** A listener bind address: an IP address, or (where `allowUnix`) a Unix domain socket. */
export function validateBind(scope: IConstruct, field: string, bind: string | undefined, allowUnix: boolean): void {
  if (bind === undefined) return;
  if (bind.startsWith(UNIX_PREFIX)) {
    check(allowUnix, scope, field, bind, 'must be an IP address; Unix domain sockets are not supported here');
    validateUnixAddress(scope, field, bind);
    return;
  }
  check(isIpAddress(bind), scope, field, bind,
    allowUnix ? 'must be an IP address ("0.0.0.0", "::1") or a Unix domain socket ("unix:///var/run/app.sock")' : 'must be an IP address such as "0.0.0.0"');
}

/**
 * Where a listener forwards traffic: `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT`
 * or a Unix domain socket.
 */
export function validateDefaultEndpoint(scope: IConstruct, field: string, endpoint: string | undefined): void {
  if (endpoint === undefined) return;
  if (endpoint.startsWith(UNIX_PREFIX)) {
    validateUnixAddress(scope, field, endpoint);
    return;
  }
  const expected = 'must be "127.0.0.1:PORT", "0.0.0.0:PORT", "[::1]:PORT", "[::]:PORT" or a Unix domain socket ("unix:///var/run/app.sock")';
  const m = /^(127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\[::\]):(\d{1,5})$/.exec(endpoint);
  if (!m) fail(scope, field, endpoint, expected);
  const port = Number(m[2]);
  check(port >= 1 && port <= 65535, scope, field, endpoint, `the port must be from 1 to 65535; ${expected}`);
}

/**
 * The DNS name part of a Gateway or Sidecar host: `*`, or a fully qualified name with an
 * optional leading `*.` wildcard (Gateways also accept an IP address). Short names are not
 * allowed: Istio matches these hosts against fully qualified service names.
 */
function validateListenerDnsName(scope: IConstruct, field: string, host: string, dnsName: string, allowIp: boolean): void {
  if (allowIp && isIpAddress(dnsName)) return;
  check(dnsName.length > 0, scope, field, host, 'the DNS name after "/" cannot be empty');
  validateHost(scope, field, dnsName);
  check(dnsName === '*' || dnsName.includes('.'), scope, field, host,
    'short names are not allowed; use a fully qualified name such as "reviews.bookinfo.svc.cluster.local", a wildcard such as "*.example.com", or "*"');
}

/**
 * A Gateway server host: `[namespace/]dnsName`, where namespace is a namespace name, `*` or `.`;
 * a dnsName without a namespace applies to VirtualServices in any namespace.
 */
export function validateGatewayHost(scope: IConstruct, field: string, host: string): void {
  const slash = host.indexOf('/');
  if (slash < 0) {
    validateListenerDnsName(scope, field, host, host, true);
    return;
  }
  const ns = host.slice(0, slash);
  const dnsName = host.slice(slash + 1);
  check(ns === '*' || ns === '.' || (ns.length <= 63 && DNS1123_LABEL.test(ns)), scope, field, host,
    'the namespace before "/" must be a namespace name, "*" (any namespace) or "." (the Gateway\'s namespace)');
  check(!dnsName.includes('/'), scope, field, host, 'must have the form "[namespace/]dnsName" with a single "/"');
  validateListenerDnsName(scope, field, host, dnsName, true);
}

/**
 * A Sidecar egress host: `namespace/dnsName`, where namespace is a namespace name, `*`, `.` or `~`.
 */
export function validateSidecarHost(scope: IConstruct, field: string, host: string): void {
  const parts = host.split('/');
  check(parts.length === 2, scope, field, host,
    'must have the form "namespace/dnsName", such as "./*", "istio-system/*" or "*/reviews.bookinfo.svc.cluster.local"');
  const [ns, dnsName] = parts;
  check(ns === '*' || ns === '.' || ns === '~' || (ns.length <= 63 && DNS1123_LABEL.test(ns)), scope, field, host,
    'the namespace before "/" must be a namespace name, "*" (any namespace), "." (the Sidecar\'s namespace) or "~" (no namespace)');
  validateListenerDnsName(scope, field, host, dnsName, false);
}
