import { Principal } from './principal';

/**
 * Who a request comes from. All fields set must match (AND); within a field, any value
 * matches (OR). Values support Istio's string matches: exact, prefix (`abc*`), suffix
 * (`*abc`) and presence (`*`).
 */
export interface AuthorizationSource {
  /**
   * Peer identities (mTLS), e.g. `Principal.fromServiceAccount(sa)`.
   *
   * @default - any peer
   */
  readonly principals?: Principal[];

  /**
   * Peer identities that must not match.
   *
   * @default - no exclusion
   */
  readonly notPrincipals?: Principal[];

  /**
   * End-user identities from a validated JWT, `<issuer>/<subject>`, or `*` for any
   * authenticated request.
   *
   * @default - any request principal, or none
   */
  readonly requestPrincipals?: string[];

  /**
   * Request principals that must not match.
   *
   * @default - no exclusion
   */
  readonly notRequestPrincipals?: string[];

  /**
   * Namespaces of the peer workload (taken from its mTLS identity).
   *
   * @default - any namespace
   */
  readonly namespaces?: string[];

  /**
   * Namespaces that must not match.
   *
   * @default - no exclusion
   */
  readonly notNamespaces?: string[];

  /**
   * Kubernetes service accounts of the peer, `<namespace>/<name>`, at most 16. Cannot be
   * combined with principals or namespaces (or their `not` forms).
   *
   * @default - any service account
   */
  readonly serviceAccounts?: string[];

  /**
   * Service accounts that must not match, `<namespace>/<name>`, at most 16.
   *
   * @default - no exclusion
   */
  readonly notServiceAccounts?: string[];

  /**
   * Trust domains of the peer identity.
   *
   * @default - any trust domain
   */
  readonly trustDomains?: string[];

  /**
   * Trust domains that must not match.
   *
   * @default - no exclusion
   */
  readonly notTrustDomains?: string[];

  /**
   * Source IP addresses or CIDR blocks of the IP packet (the peer, e.g. a proxy).
   *
   * @default - any address
   */
  readonly ipBlocks?: string[];

  /**
   * Source IP addresses or CIDR blocks that must not match.
   *
   * @default - no exclusion
   */
  readonly notIpBlocks?: string[];

  /**
   * Original client IP addresses or CIDR blocks, from `X-Forwarded-For` or the PROXY
   * protocol as configured by `numTrustedProxies`.
   *
   * @default - any address
   */
  readonly remoteIpBlocks?: string[];

  /**
   * Original client addresses or CIDR blocks that must not match.
   *
   * @default - no exclusion
   */
  readonly notRemoteIpBlocks?: string[];
}

/**
 * What a request does. All fields set must match (AND); within a field, any value
 * matches (OR).
 */
export interface AuthorizationOperation {
  /**
   * Hosts from the request's `Host`/`:authority` header (HTTP only).
   *
   * @default - any host
   */
  readonly hosts?: string[];

  /**
   * Hosts that must not match.
   *
   * @default - no exclusion
   */
  readonly notHosts?: string[];

  /**
   * Destination ports of the connection.
   *
   * @default - any port
   */
  readonly ports?: number[];

  /**
   * Ports that must not match.
   *
   * @default - no exclusion
   */
  readonly notPorts?: number[];

  /**
   * HTTP methods, e.g. `GET` (gRPC requests are always `POST`).
   *
   * @default - any method
   */
  readonly methods?: string[];

  /**
   * Methods that must not match.
   *
   * @default - no exclusion
   */
  readonly notMethods?: string[];

  /**
   * Request paths (without query), starting with `/`: exact, prefix (`/api/*`), suffix
   * (`*\/info`), or a template with `{*}` (one segment) and a final `{**}` (the rest).
   *
   * @default - any path
   */
  readonly paths?: string[];

  /**
   * Paths that must not match.
   *
   * @default - no exclusion
   */
  readonly notPaths?: string[];
}

/**
 * An extra condition on an Istio attribute, e.g. `request.headers[version]`,
 * `request.auth.claims[groups]`, `source.ip` or `destination.port`.
 */
export interface AuthorizationCondition {
  /** The attribute name. */
  readonly key: string;

  /**
   * Values of which one must match.
   *
   * @default - any value (then `notValues` is required)
   */
  readonly values?: string[];

  /**
   * Values none of which may match.
   *
   * @default - no exclusion (then `values` is required)
   */
  readonly notValues?: string[];
}

/**
 * One rule of an AuthorizationPolicy: a request matches when it matches any `from`, any
 * `to` and every `when` (absent parts match everything, so an empty rule matches every
 * request).
 */
export interface AuthorizationRule {
  /**
   * Sources of which one must match.
   *
   * @default - any source
   */
  readonly from?: AuthorizationSource[];

  /**
   * Operations of which one must match.
   *
   * @default - any operation
   */
  readonly to?: AuthorizationOperation[];

  /**
   * Conditions that must all match.
   *
   * @default - no conditions
   */
  readonly when?: AuthorizationCondition[];
}
