import { IConstruct } from 'constructs';
import { isHttpProtocol, isTlsProtocol } from './listener';
import { PortProtocol } from './protocol';
import { ServerTlsMode, ServerTlsOptions, TlsProtocolVersion } from './server-tls';
import { assertUnique, check, fail } from '../core/validation';

/**
 * Validation and rendering of `ServerTLSSettings` for Gateway servers and Sidecar ingress
 * listeners. Internal: not exported from the package.
 */

/** The wire shape of `ServerTLSSettings`. Internal. */
export interface RenderedServerTls {
  readonly mode?: string;
  readonly httpsRedirect?: boolean;
  readonly credentialName?: string;
  readonly credentialNames?: string[];
  readonly caCertCredentialName?: string;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly caCrl?: string;
  readonly tlsCertificates?: { serverCertificate: string; privateKey: string; caCertificates?: string }[];
  readonly subjectAltNames?: string[];
  readonly verifyCertificateSpki?: string[];
  readonly verifyCertificateHash?: string[];
  readonly minProtocolVersion?: string;
  readonly maxProtocolVersion?: string;
  readonly cipherSuites?: string[];
}

/** The cipher suites Istio accepts (BoringSSL names), besides `ALL` and expressions. */
const VALID_CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
]);

const VERSION_ORDER = [TlsProtocolVersion.TLSV1_0, TlsProtocolVersion.TLSV1_1, TlsProtocolVersion.TLSV1_2, TlsProtocolVersion.TLSV1_3];

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Where the TLS settings are used: the rules differ slightly. */
export type ServerTlsContext = 'Gateway' | 'Sidecar';

function validateCredentialName(scope: IConstruct, field: string, name: string): void {
  // Secret names, optionally with a provider scheme such as "sds://" or "kubernetes://".
  const bare = name.includes('://') ? name.slice(name.indexOf('://') + 3) : name;
  check(bare.length > 0 && bare.length <= 253 && (DNS1123_SUBDOMAIN.test(bare) || name.includes('://')), scope, field, name,
    'must be the name of a Kubernetes Secret (a lowercase RFC 1123 subdomain)');
}

function validateStringList(scope: IConstruct, field: string, values: readonly string[] | undefined, what: string, pattern?: RegExp): void {
  if (values === undefined) return;
  values.forEach((v, i) => {
    check(typeof v === 'string' && v.length > 0, scope, `${field}[${i}]`, v, `must be a non-empty ${what}`);
    if (pattern) check(pattern.test(v), scope, `${field}[${i}]`, v, `must be a ${what}`);
  });
  assertUnique(scope, field, values, v => v);
}

/**
 * Validates and renders `ServerTLSSettings` for a listener with `protocol` in `context`.
 * Internal.
 */
export function renderServerTls(
  scope: IConstruct, field: string, tls: ServerTlsOptions, protocol: PortProtocol, context: ServerTlsContext,
): RenderedServerTls {
  const mode = tls.mode;
  if (mode !== undefined) {
    check((Object.values(ServerTlsMode) as string[]).includes(mode), scope, `${field}.mode`, mode,
      `must be one of ${Object.values(ServerTlsMode).join(', ')}`);
  }
  const files = tls.serverCertificate !== undefined || tls.privateKey !== undefined;
  const hasCredentialName = tls.credentialName !== undefined;
  const hasCredentialNames = tls.credentialNames !== undefined;
  const hasTlsCertificates = tls.tlsCertificates !== undefined;
  const anyCertificate = files || hasCredentialName || hasCredentialNames || hasTlsCertificates;

  // Sidecar ingress supports only file certificates and terminating modes.
  if (context === 'Sidecar') {
    for (const [key, set] of [['httpsRedirect', tls.httpsRedirect !== undefined], ['credentialName', hasCredentialName],
      ['credentialNames', hasCredentialNames], ['tlsCertificates', hasTlsCertificates], ['subjectAltNames', tls.subjectAltNames !== undefined]] as const) {
      if (set) fail(scope, `${field}.${key}`, (tls as any)[key], 'is not supported on Sidecar ingress listeners; use serverCertificate and privateKey files');
    }
    if (mode === ServerTlsMode.ISTIO_MUTUAL || mode === ServerTlsMode.AUTO_PASSTHROUGH) {
      fail(scope, `${field}.mode`, mode, 'a Sidecar ingress listener supports PASSTHROUGH, SIMPLE, MUTUAL and OPTIONAL_MUTUAL');
    }
  }

  // Which ports may carry TLS settings.
  if (!isTlsProtocol(protocol)) {
    if (isHttpProtocol(protocol) && context === 'Gateway') {
      const onlyRedirect = Object.entries(tls).every(([k, v]) => v === undefined || k === 'httpsRedirect');
      check(onlyRedirect, scope, field, tls,
        `a plain-text ${protocol} server may only set httpsRedirect; use protocol HTTPS (or TLS) to terminate or pass through TLS`);
    } else {
      fail(scope, field, tls, `TLS settings need an HTTPS or TLS port, not ${protocol}`);
    }
  } else if (tls.httpsRedirect !== undefined) {
    fail(scope, `${field}.httpsRedirect`, tls.httpsRedirect, `redirects plain HTTP to HTTPS and only applies to HTTP servers, not ${protocol}`);
  }

  // Certificate sources.
  if (tls.credentialName !== undefined) validateCredentialName(scope, `${field}.credentialName`, tls.credentialName);
  if (tls.credentialNames !== undefined) {
    check(tls.credentialNames.length >= 1 && tls.credentialNames.length <= 2, scope, `${field}.credentialNames`, tls.credentialNames,
      'must name one or two Secrets (for example an RSA and an ECDSA certificate)');
    tls.credentialNames.forEach((n, i) => validateCredentialName(scope, `${field}.credentialNames[${i}]`, n));
    assertUnique(scope, `${field}.credentialNames`, tls.credentialNames, n => n);
  }
  if (tls.caCertCredentialName !== undefined) validateCredentialName(scope, `${field}.caCertCredentialName`, tls.caCertCredentialName);
  if (files) {
    check(!!tls.serverCertificate && !!tls.privateKey, scope, field, { serverCertificate: tls.serverCertificate, privateKey: tls.privateKey },
      'serverCertificate and privateKey must be given together');
  }
  if (tls.tlsCertificates !== undefined) {
    check(tls.tlsCertificates.length >= 1 && tls.tlsCertificates.length <= 2, scope, `${field}.tlsCertificates`, tls.tlsCertificates,
      'must hold one or two certificate file sets');
    tls.tlsCertificates.forEach((c, i) => {
      check(!!c.serverCertificate && !!c.privateKey, scope, `${field}.tlsCertificates[${i}]`, c, 'needs both serverCertificate and privateKey');
    });
  }
  const sources = [files && 'serverCertificate/privateKey', hasCredentialName && 'credentialName',
    hasCredentialNames && 'credentialNames', hasTlsCertificates && 'tlsCertificates'].filter(Boolean);
  if (sources.length > 1) {
    fail(scope, field, tls, `sets ${sources.join(' and ')}; give the certificate in exactly one way: credentialName, credentialNames, serverCertificate + privateKey, or tlsCertificates`);
  }

  // Mode-specific requirements.
  const terminating = mode === ServerTlsMode.SIMPLE || mode === ServerTlsMode.MUTUAL || mode === ServerTlsMode.OPTIONAL_MUTUAL;
  const mutual = mode === ServerTlsMode.MUTUAL || mode === ServerTlsMode.OPTIONAL_MUTUAL;
  if (mode === ServerTlsMode.ISTIO_MUTUAL) {
    const extra = Object.entries({
      serverCertificate: tls.serverCertificate,
      privateKey: tls.privateKey,
      caCertificates: tls.caCertificates,
      credentialName: tls.credentialName,
      credentialNames: tls.credentialNames,
      tlsCertificates: tls.tlsCertificates,
      caCertCredentialName: tls.caCertCredentialName,
    }).filter(([, v]) => v !== undefined).map(([k]) => k);
    check(extra.length === 0, scope, `${field}.mode`, mode, `ISTIO_MUTUAL uses Istio's workload certificates; remove ${extra.join(', ')}`);
  } else if (terminating) {
    check(anyCertificate, scope, field, tls,
      `${mode} mode terminates TLS and needs a certificate: set credentialName (a Kubernetes Secret), credentialNames, serverCertificate + privateKey, or tlsCertificates`);
    if (mutual && !hasCredentialName && !hasCredentialNames) {
      check(tls.caCertificates !== undefined,
        scope, `${field}.caCertificates`, tls.caCertificates,
        `${mode} mode verifies client certificates and needs a CA: set caCertificates, or use credentialName with a Secret that holds ca.crt`);
    }
  } else if (anyCertificate || tls.caCertificates !== undefined || tls.caCrl !== undefined) {
    // PASSTHROUGH / AUTO_PASSTHROUGH (also the default): certificates would be ignored.
    fail(scope, `${field}.mode`, mode ?? 'PASSTHROUGH (default)',
      'certificates are ignored when TLS is passed through; set mode to SIMPLE, MUTUAL or OPTIONAL_MUTUAL to terminate TLS');
  }
  if (tls.caCrl !== undefined) {
    check(!hasCredentialName && !hasCredentialNames, scope, `${field}.caCrl`, tls.caCrl,
      'is not supported with credentialName; put the CRL into the Secret as ca.crl');
    check(mode !== ServerTlsMode.SIMPLE, scope, `${field}.caCrl`, tls.caCrl, 'revokes client certificates and needs MUTUAL or OPTIONAL_MUTUAL mode, not SIMPLE');
  }
  if ((tls.subjectAltNames || tls.verifyCertificateHash || tls.verifyCertificateSpki) && !mutual && mode !== ServerTlsMode.ISTIO_MUTUAL) {
    const key = tls.subjectAltNames ? 'subjectAltNames' : tls.verifyCertificateHash ? 'verifyCertificateHash' : 'verifyCertificateSpki';
    fail(scope, `${field}.${key}`, (tls as any)[key], 'verifies client certificates and needs MUTUAL, OPTIONAL_MUTUAL or ISTIO_MUTUAL mode');
  }
  validateStringList(scope, `${field}.subjectAltNames`, tls.subjectAltNames, 'subject alternative name');
  validateStringList(scope, `${field}.verifyCertificateHash`, tls.verifyCertificateHash,
    'hex-encoded SHA-256 hash (64 hex digits, optionally colon-separated)', /^([0-9a-fA-F]{64}|([0-9a-fA-F]{2}:){31}[0-9a-fA-F]{2})$/);
  validateStringList(scope, `${field}.verifyCertificateSpki`, tls.verifyCertificateSpki,
    'base64-encoded SHA-256 hash (44 characters ending in "=")', /^[A-Za-z0-9+/]{43}=$/);

  // Versions and ciphers.
  for (const key of ['minProtocolVersion', 'maxProtocolVersion'] as const) {
    const v = tls[key];
    if (v !== undefined) {
      check((Object.values(TlsProtocolVersion) as string[]).includes(v), scope, `${field}.${key}`, v,
        `must be one of ${Object.values(TlsProtocolVersion).join(', ')}`);
    }
  }
  const min = VERSION_ORDER.indexOf(tls.minProtocolVersion as TlsProtocolVersion);
  const max = VERSION_ORDER.indexOf(tls.maxProtocolVersion as TlsProtocolVersion);
  if (min >= 0 && max >= 0 && min > max) {
    fail(scope, `${field}.minProtocolVersion`, tls.minProtocolVersion, `must not be above maxProtocolVersion ${tls.maxProtocolVersion}`);
  }
  if ((tls.minProtocolVersion === TlsProtocolVersion.TLSV1_0 || tls.minProtocolVersion === TlsProtocolVersion.TLSV1_1) && !tls.cipherSuites) {
    fail(scope, `${field}.minProtocolVersion`, tls.minProtocolVersion,
      'the default cipher suites no longer include ciphers for TLS below 1.2; set cipherSuites as well (e.g. "ECDHE-RSA-AES128-SHA")');
  }
  if (tls.cipherSuites !== undefined) {
    check(tls.cipherSuites.length > 0, scope, `${field}.cipherSuites`, tls.cipherSuites, 'must list at least one cipher suite, or be left out');
    tls.cipherSuites.forEach((cs, i) => {
      const expression = cs.length > 0 && !/^[A-Za-z0-9]/.test(cs);
      check(cs === 'ALL' || expression || VALID_CIPHER_SUITES.has(cs), scope, `${field}.cipherSuites[${i}]`, cs,
        `is not a cipher suite Envoy supports; valid: ${[...VALID_CIPHER_SUITES].join(', ')}`);
    });
    assertUnique(scope, `${field}.cipherSuites`, tls.cipherSuites, cs => cs);
  }

  return {
    httpsRedirect: tls.httpsRedirect,
    mode,
    serverCertificate: tls.serverCertificate,
    privateKey: tls.privateKey,
    caCertificates: tls.caCertificates,
    caCrl: tls.caCrl,
    credentialName: tls.credentialName,
    credentialNames: tls.credentialNames ? [...tls.credentialNames] : undefined,
    caCertCredentialName: tls.caCertCredentialName,
    tlsCertificates: tls.tlsCertificates?.map(c => ({
      serverCertificate: c.serverCertificate,
      privateKey: c.privateKey,
      caCertificates: c.caCertificates,
    })),
    subjectAltNames: tls.subjectAltNames ? [...tls.subjectAltNames] : undefined,
    verifyCertificateSpki: tls.verifyCertificateSpki ? [...tls.verifyCertificateSpki] : undefined,
    verifyCertificateHash: tls.verifyCertificateHash ? [...tls.verifyCertificateHash] : undefined,
    minProtocolVersion: tls.minProtocolVersion,
    maxProtocolVersion: tls.maxProtocolVersion,
    cipherSuites: tls.cipherSuites ? [...tls.cipherSuites] : undefined,
  };
}
