/**
 * How a Gateway server or Sidecar ingress listener handles TLS.
 */
export enum ServerTlsMode {
  /** Forward the TLS connection unchanged, routed by SNI. */
  PASSTHROUGH = 'PASSTHROUGH',
  /** Terminate TLS with a server certificate. */
  SIMPLE = 'SIMPLE',
  /** Terminate TLS and require a client certificate signed by the given CA. */
  MUTUAL = 'MUTUAL',
  /** Forward by SNI without a VirtualService, for multi-cluster east-west gateways. Gateways only. */
  AUTO_PASSTHROUGH = 'AUTO_PASSTHROUGH',
  /** Mutual TLS with Istio's own workload certificates. Gateways only. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
  /** Like MUTUAL, but a client certificate is verified only when presented. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * A TLS protocol version.
 */
export enum TlsProtocolVersion {
  /** Envoy's default. */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.0. */
  TLSV1_0 = 'TLSV1_0',
  /** TLS 1.1. */
  TLSV1_1 = 'TLSV1_1',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/**
 * A server certificate and key mounted as files in the proxy (one entry of `tlsCertificates`).
 */
export interface TlsCertificateFiles {
  /** Path of the PEM server certificate. */
  readonly serverCertificate: string;
  /** Path of the PEM private key. */
  readonly privateKey: string;
  /**
   * Path of the PEM CA bundle that verifies client certificates.
   * @default - the server-level `caCertificates`
   */
  readonly caCertificates?: string;
}

/**
 * TLS settings of a Gateway server (`tls`) or Sidecar ingress listener. Give the certificate
 * in exactly one way: `credentialName` (a Kubernetes Secret in the gateway's namespace),
 * `credentialNames` (two Secrets, e.g. RSA and ECDSA), `serverCertificate` + `privateKey`
 * (files), or `tlsCertificates` (two file sets).
 *
 * @example
 * { mode: ServerTlsMode.SIMPLE, credentialName: 'bookinfo-cert' }
 */
export interface ServerTlsOptions {
  /**
   * How TLS is handled.
   * @default ServerTlsMode.PASSTHROUGH (Istio's default)
   */
  readonly mode?: ServerTlsMode;

  /**
   * Answer plain HTTP requests with a 301 redirect to HTTPS. HTTP Gateway servers only.
   * @default false
   */
  readonly httpsRedirect?: boolean;

  /**
   * Name of the Kubernetes Secret holding the certificate, key and (for MUTUAL) `ca.crt`.
   * Gateways only.
   * @default - no Secret
   */
  readonly credentialName?: string;

  /**
   * Names of one or two Secrets, e.g. an RSA and an ECDSA certificate. Gateways only.
   * @default - no Secrets
   */
  readonly credentialNames?: string[];

  /**
   * Name of a Secret or ConfigMap holding the CA certificates for mutual TLS, when they are
   * kept apart from `credentialName`.
   * @default - the CA in the credential
   */
  readonly caCertCredentialName?: string;

  /**
   * Path of the PEM server certificate, with `privateKey`.
   * @default - no file certificate
   */
  readonly serverCertificate?: string;

  /**
   * Path of the PEM private key, with `serverCertificate`.
   * @default - no file key
   */
  readonly privateKey?: string;

  /**
   * Path of the PEM CA bundle that verifies client certificates. Required for MUTUAL and
   * OPTIONAL_MUTUAL unless the CA comes from `credentialName`.
   * @default - no CA file
   */
  readonly caCertificates?: string;

  /**
   * Path of a certificate revocation list for client certificates. Not with
   * `credentialName` (put the CRL in the Secret) or SIMPLE mode.
   * @default - no CRL
   */
  readonly caCrl?: string;

  /**
   * One or two server certificate file sets (e.g. RSA and ECDSA). Gateways only.
   * @default - none
   */
  readonly tlsCertificates?: TlsCertificateFiles[];

  /**
   * Accept only client certificates with one of these subject alternative names.
   * Gateways only.
   * @default - any name
   */
  readonly subjectAltNames?: string[];

  /**
   * Accept only client certificates whose SubjectPublicKeyInfo has one of these base64
   * SHA-256 hashes.
   * @default - no SPKI pinning
   */
  readonly verifyCertificateSpki?: string[];

  /**
   * Accept only client certificates with one of these hex SHA-256 hashes.
   * @default - no certificate pinning
   */
  readonly verifyCertificateHash?: string[];

  /**
   * Lowest TLS version accepted.
   * @default TlsProtocolVersion.TLS_AUTO
   */
  readonly minProtocolVersion?: TlsProtocolVersion;

  /**
   * Highest TLS version accepted.
   * @default TlsProtocolVersion.TLS_AUTO
   */
  readonly maxProtocolVersion?: TlsProtocolVersion;

  /**
   * Cipher suites to offer for TLS 1.2 and below (OpenSSL names such as
   * `ECDHE-RSA-AES256-GCM-SHA384`).
   * @default - Envoy's default cipher suites
   */
  readonly cipherSuites?: string[];
}
