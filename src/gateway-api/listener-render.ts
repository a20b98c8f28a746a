import { Construct } from 'constructs';
import { AllowedRoutes, ListenerOptions, ListenerProtocol, ListenerTlsOptions, RouteKind, RouteNamespaces, TlsModeType } from './listener';
import { renderSecretRef } from './reference-render';
import {
  GATEWAY_API_GROUP, validateCount, validateEnum, validateGroup, validateHostname, validateInt, validateKind, validateLength,
  validateSectionName, validateStringMap,
} from './validation';
import { check, fail } from '../core/validation';

const PROTOCOL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/;

/**
 * Validates and renders one listener of a Gateway or ListenerSet owned by `owner`, against the
 * ones already rendered (the CRD's list rules). Internal.
 */
export function renderListener(owner: Construct, field: string, l: ListenerOptions, previous: ReadonlyArray<Record<string, any>>,
  ownerKind: string, ownerNamespace: string | undefined): Record<string, unknown> {
  check(l !== undefined && l !== null, owner, field, l, 'must be a listener');
  check(typeof l.name === 'string', owner, `${field}.name`, l.name, 'is required, e.g. "http"');
  validateSectionName(owner, `${field}.name`, l.name);
  check(l.port !== undefined, owner, `${field}.port`, l.port, 'is required');
  validateInt(owner, `${field}.port`, l.port, 1, 65535);
  check(l.protocol instanceof ListenerProtocol, owner, `${field}.protocol`, l.protocol, 'must be a ListenerProtocol such as ListenerProtocol.HTTP');
  const protocol = l.protocol.value;
  validateLength(owner, `${field}.protocol`, protocol, 1, 255);
  check(PROTOCOL.test(protocol), owner, `${field}.protocol`, protocol, 'must be a protocol name such as "HTTP", or a domain-prefixed one such as "example.com/PROXY"');
  validateHostname(owner, `${field}.hostname`, l.hostname);
  if (['TCP', 'UDP'].includes(protocol)) {
    check(l.hostname === undefined, owner, `${field}.hostname`, l.hostname, `must not be set for protocol ${protocol}`);
  }
  if (['HTTP', 'TCP', 'UDP'].includes(protocol)) {
    check(l.tls === undefined, owner, `${field}.tls`, l.tls, `must not be set for protocol ${protocol}`);
  }
  if (protocol === 'TLS') check(l.tls !== undefined, owner, `${field}.tls`, l.tls, 'is required for protocol TLS (mode Terminate or Passthrough)');
  if (protocol === 'HTTPS' && l.tls?.mode !== undefined) {
    check(l.tls.mode === TlsModeType.TERMINATE, owner, `${field}.tls.mode`, l.tls.mode, 'must be Terminate for protocol HTTPS');
  }
  const out: Record<string, unknown> = { name: l.name };
  if (l.hostname !== undefined) out.hostname = l.hostname;
  out.port = l.port;
  out.protocol = protocol;
  if (l.tls !== undefined) out.tls = renderListenerTls(owner, `${field}.tls`, l.tls, ownerKind, ownerNamespace);
  if (l.allowedRoutes !== undefined) out.allowedRoutes = renderAllowedRoutes(owner, `${field}.allowedRoutes`, l.allowedRoutes);

  previous.forEach((p, j) => {
    if (p.name === l.name) fail(owner, `${field}.name`, l.name, `listeners[${j}] already has this name; listener names must be unique`);
    if (p.port === l.port && p.protocol === protocol && p.hostname === l.hostname) {
      fail(owner, field, { port: l.port, protocol, hostname: l.hostname },
        `listeners[${j}] has the same port, protocol and hostname; each combination must be unique`);
    }
  });
  return out;
}

function renderListenerTls(owner: Construct, field: string,
  tls: ListenerTlsOptions, ownerKind: string, ownerNamespace: string | undefined): Record<string, unknown> {
  validateEnum(owner, `${field}.mode`, tls.mode, Object.values(TlsModeType));
  const refs = tls.certificateRefs ?? [];
  validateCount(owner, `${field}.certificateRefs`, refs, 64);
  validateStringMap(owner, `${field}.options`, tls.options, 16, 4096);
  const options = tls.options ?? {};
  if ((tls.mode ?? TlsModeType.TERMINATE) === TlsModeType.TERMINATE) {
    check(refs.length > 0 || Object.keys(options).length > 0, owner, `${field}.certificateRefs`, [],
      'a listener that terminates TLS needs certificateRefs (or implementation-specific options)');
  }
  const out: Record<string, unknown> = {};
  if (tls.mode !== undefined) out.mode = tls.mode;
  if (refs.length > 0) out.certificateRefs = refs.map((s, i) => renderSecretRef(owner, `${field}.certificateRefs[${i}]`, s, ownerKind, ownerNamespace));
  if (Object.keys(options).length > 0) out.options = { ...options };
  return out;
}

function renderAllowedRoutes(owner: Construct, field: string, a: AllowedRoutes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a.namespaces !== undefined) {
    check(a.namespaces instanceof RouteNamespaces, owner, `${field}.namespaces`, a.namespaces, 'must be RouteNamespaces.same(), .all() or .selector()');
    out.namespaces = a.namespaces._render(owner, `${field}.namespaces`);
  }
  if (a.kinds !== undefined) {
    validateCount(owner, `${field}.kinds`, a.kinds, 8);
    out.kinds = a.kinds.map((kind, i) => {
      check(kind instanceof RouteKind, owner, `${field}.kinds[${i}]`, kind, 'must be a RouteKind such as RouteKind.HTTP_ROUTE');
      validateGroup(owner, `${field}.kinds[${i}].group`, kind.group);
      validateKind(owner, `${field}.kinds[${i}].kind`, kind.kind);
      return kind.group === GATEWAY_API_GROUP ? { kind: kind.kind } : { group: kind.group, kind: kind.kind };
    });
  }
  return out;
}
