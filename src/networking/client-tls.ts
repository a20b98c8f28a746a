import { IConstruct } from 'constructs';
import * as k from '../../imports/networking.istio.io';
import { check, compact, fail, nonEmpty, quote, validateDnsLabel } from '../core/validation';

/**
 * How a sidecar or gateway secures its connections to an upstream service.
 */
export enum ClientTlsMode {
  /** Plain text: no TLS to the upstream. */
  DISABLE = 'DISABLE',
  /** TLS that verifies the server (originates TLS to a server outside the mesh). */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with a client certificate you provide. */
  MUTUAL = 'MUTUAL',
  /** Mutual TLS with the certificates Istio issues to every workload. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/**
 * Settings that Istio mutual TLS shares with the other TLS modes.
 */
export interface IstioMutualTlsOptions {
  /**
   * SNI to present to the server during the TLS handshake.
   *
   * @default - the upstream host name (automatic SNI)
   */
  readonly sni?: string;

  /**
   * Alternate names to verify the subject identity of the server certificate against.
   *
   * @default - the identity of the upstream service
   */
  readonly subjectAltNames?: string[];
}

/**
 * Settings for TLS that verifies the server (`SIMPLE`).
 */
export interface SimpleTlsOptions extends IstioMutualTlsOptions {
  /**
   * Path (on the proxy) to the CA certificates that verify the server certificate.
   * Cannot be combined with `credentialName`.
   *
   * @default - the system trust store of the proxy
   */
  readonly caCertificates?: string;

  /**
   * Path (on the proxy) to a certificate revocation list for the server certificate.
   * Cannot be combined with `credentialName`.
   *
   * @default - no revocation list
   */
  readonly caCrl?: string;

  /**
   * Name of a Kubernetes Secret holding the CA certificates (`cacert`), and for `MUTUAL`
   * also the client certificate and key. Only used by gateways; sidecars ignore it.
   * Cannot be combined with file paths.
   *
   * @default - certificates come from file paths
   */
  readonly credentialName?: string;

  /**
   * Skip verifying the server certificate's CA signature and SAN. Insecure; cannot be
   * combined with `caCertificates`, `subjectAltNames` (and `credentialName` in `SIMPLE` mode).
   *
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/**
 * Settings for mutual TLS with a client certificate you provide (`MUTUAL`). Give either
 * `credentialName`, or `clientCertificate` and `privateKey`.
 */
export interface MutualTlsOptions extends SimpleTlsOptions {
  /**
   * Path (on the proxy) to the client certificate. Required without `credentialName`.
   *
   * @default - from `credentialName`
   */
  readonly clientCertificate?: string;

  /**
   * Path (on the proxy) to the client private key. Required without `credentialName`.
   *
   * @default - from `credentialName`
   */
  readonly privateKey?: string;
}

interface TlsFields extends MutualTlsOptions {
  readonly mode: ClientTlsMode;
}

/**
 * TLS settings for connections to an upstream service (Istio `ClientTLSSettings`).
 *
 * @example
 * ClientTls.istioMutual();
 * ClientTls.simple({ sni: 'api.example.com' });
 * ClientTls.mutual({ credentialName: 'client-credential' });
 */
export class ClientTls {
  /** Plain text to the upstream (`DISABLE`). */
  public static disable(): ClientTls {
    return new ClientTls({ mode: ClientTlsMode.DISABLE });
  }

  /** Mutual TLS with Istio-issued certificates (`ISTIO_MUTUAL`). */
  public static istioMutual(options: IstioMutualTlsOptions = {}): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.ISTIO_MUTUAL });
  }

  /** TLS that verifies the server (`SIMPLE`), e.g. TLS origination to an external host. */
  public static simple(options: SimpleTlsOptions = {}): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.SIMPLE });
  }

  /** Mutual TLS with your own client certificate (`MUTUAL`). */
  public static mutual(options: MutualTlsOptions): ClientTls {
    return new ClientTls({ ...options, mode: ClientTlsMode.MUTUAL });
  }

  private constructor(private readonly fields: TlsFields) {}

  /** The TLS mode. */
  public get mode(): ClientTlsMode {
    return this.fields.mode;
  }

  /**
   * Validates the settings as Istio does and renders them.
   * @internal
   */
  public _render(scope: IConstruct, field: string, namespace: string | undefined): k.DestinationRuleSpecTrafficPolicyTls {
    const f = this.fields;
    const mode = f.mode;
    const at = (name: string) => `${field}.${name}`;
    const empty = (name: keyof TlsFields) => {
      const v = f[name];
      check(v === undefined || (typeof v === 'string' && v.length > 0) || Array.isArray(v), scope, at(name), v, 'must not be empty; leave it out instead');
    };
    (['sni', 'caCertificates', 'caCrl', 'credentialName', 'clientCertificate', 'privateKey'] as const).forEach(empty);
    (f.subjectAltNames ?? []).forEach((san, i) => check(san.length > 0, scope, `${at('subjectAltNames')}[${i}]`, san, 'must not be empty'));

    if (f.insecureSkipVerify) {
      if (mode === ClientTlsMode.SIMPLE && (f.caCertificates !== undefined || f.credentialName !== undefined || f.subjectAltNames !== undefined)) {
        fail(scope, at('insecureSkipVerify'), true, 'cannot be combined with caCertificates, credentialName or subjectAltNames in SIMPLE mode');
      }
      if (mode === ClientTlsMode.MUTUAL && (f.caCertificates !== undefined || f.subjectAltNames !== undefined)) {
        fail(scope, at('insecureSkipVerify'), true, 'cannot be combined with caCertificates or subjectAltNames in MUTUAL mode');
      }
    }

    if (f.credentialName !== undefined) {
      const files = (['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'] as const).filter(name => f[name] !== undefined);
      if (files.length > 0) {
        fail(scope, at('credentialName'), f.credentialName,
          `cannot be combined with ${files.join(', ')}: the Secret already holds the certificates (and the CRL)`);
      }
      checkCredentialName(scope, at('credentialName'), f.credentialName, namespace);
    } else if (mode === ClientTlsMode.MUTUAL) {
      const missing = (['clientCertificate', 'privateKey'] as const).filter(name => f[name] === undefined);
      if (missing.length > 0) {
        fail(scope, field, `ClientTls.mutual(${quote({ ...f, mode: undefined })})`,
          `MUTUAL mode needs either credentialName, or clientCertificate and privateKey (missing ${missing.join(', ')})`);
      }
    }

    return compact({
      mode: mode as string as k.DestinationRuleSpecTrafficPolicyTlsMode,
      clientCertificate: f.clientCertificate,
      privateKey: f.privateKey,
      caCertificates: f.caCertificates,
      credentialName: f.credentialName,
      subjectAltNames: nonEmpty(f.subjectAltNames),
      sni: f.sni,
      insecureSkipVerify: f.insecureSkipVerify,
      caCrl: f.caCrl,
    });
  }
}

const CONFIGMAP_PREFIX = 'configmap://';

/** `configmap://[namespace/]name` credentials must live in the rule's own namespace. */
function checkCredentialName(scope: IConstruct, field: string, credentialName: string, namespace: string | undefined): void {
  if (!credentialName.startsWith(CONFIGMAP_PREFIX)) return;
  const parts = credentialName.slice(CONFIGMAP_PREFIX.length).split('/');
  check(parts.length <= 2 && parts.every(p => p.length > 0), scope, field, credentialName, 'a configmap:// credential has the form "configmap://name" or "configmap://namespace/name"');
  if (parts.length === 2) {
    validateDnsLabel(scope, field, parts[0]);
    check(namespace === undefined || parts[0] === namespace, scope, field, credentialName,
      `a configmap:// credential must be in the namespace of the DestinationRule (${quote(namespace)})`);
  }
}
