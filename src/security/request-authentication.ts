import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { jwksUriProblem, validateJwks } from './jwks';
import { PolicyAttachment } from './policy-attachment';
import { PolicyTargetReference } from './policy-target-reference';
import { DEFAULT_ROOT_NAMESPACE } from './security-validation';
import * as k from '../../imports/security.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check, fail, renderDuration, validateDuration } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * An HTTP header a JWT is read from.
 */
export interface JwtHeader {
  /** The header name, e.g. `Authorization` or `x-jwt-assertion`. */
  readonly name: string;

  /**
   * A prefix stripped before the token is decoded, e.g. `Bearer ` (note the space).
   *
   * @default - the whole header value is the token
   */
  readonly prefix?: string;
}

/**
 * Copies a claim of a verified JWT to a request header.
 */
export interface ClaimToHeader {
  /** The header to set (letters, digits, `-` and `_`). */
  readonly header: string;
  /** The claim to copy; nested claims use `.`, e.g. `groups` or `realm_access.roles`. */
  readonly claim: string;
}

/**
 * How to validate one issuer's JSON Web Tokens.
 */
export interface JwtRule {
  /** The issuer (`iss` claim), usually an `https://` URL or an e-mail address. */
  readonly issuer: string;

  /**
   * Accepted `aud` values.
   *
   * @default - any audience
   */
  readonly audiences?: string[];

  /**
   * The URL of the issuer's public key set (JWKS). At most one of `jwksUri` and `jwks`.
   *
   * @default - discovered through the issuer's OpenID configuration
   */
  readonly jwksUri?: string;

  /**
   * The issuer's public key set, inline as a JWKS JSON document. At most one of `jwksUri`
   * and `jwks`.
   *
   * @default - fetched from `jwksUri`
   */
  readonly jwks?: string;

  /**
   * Headers the token is read from.
   *
   * @default - `Authorization: Bearer <token>`
   */
  readonly fromHeaders?: JwtHeader[];

  /**
   * Query parameters the token is read from.
   *
   * @default - `access_token`, when `fromHeaders` is also unset
   */
  readonly fromParams?: string[];

  /**
   * Cookies the token is read from.
   *
   * @default - none
   */
  readonly fromCookies?: string[];

  /**
   * A header that receives the verified payload, base64-encoded.
   *
   * @default - the payload is not forwarded
   */
  readonly outputPayloadToHeader?: string;

  /**
   * Claims copied to request headers.
   *
   * @default - none
   */
  readonly outputClaimToHeaders?: ClaimToHeader[];

  /**
   * Whether the original token is kept in the request forwarded upstream.
   *
   * @default false
   */
  readonly forwardOriginalToken?: boolean;

  /**
   * Claims whose values are space-delimited lists (such as `scope`) in addition to the
   * standard `scope` and `permission`, at most 64.
   *
   * @default - only the standard ones
   */
  readonly spaceDelimitedClaims?: string[];

  /**
   * How long to wait for the JWKS to be fetched (when Istiod does not fetch it).
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
}

/**
 * Properties of a RequestAuthentication.
 */
export interface RequestAuthenticationProps extends IstioResourceProps {
  /**
   * The JWT issuers accepted. Add more with `addJwtRule()`.
   *
   * @default - none
   */
  readonly jwtRules?: JwtRule[];

  /**
   * The workloads the policy applies to. Cannot be combined with `targetRefs`.
   *
   * @default - every workload in the namespace (the mesh, in the mesh root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Resources the policy attaches to, at most 16. Cannot be combined with `selector`.
   *
   * @default - none
   */
  readonly targetRefs?: PolicyTargetReference[];

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`).
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;
const MAX_JWT_RULES = 4096;
const MAX_SPACE_DELIMITED_CLAIMS = 64;
const MAX_JWKS_URI = 2048;

/**
 * End-user authentication with JSON Web Tokens: which issuers are accepted and where the
 * token is found. A request with an invalid token is rejected; one without a token is
 * accepted unauthenticated (pair it with an AuthorizationPolicy on `requestPrincipals`).
 *
 * @example
 * new RequestAuthentication(chart, 'Jwt', {
 *   metadata: { namespace: 'istio-system' },
 *   selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
 *   jwtRules: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json' }],
 * });
 */
export class RequestAuthentication extends IstioResource {
  protected readonly apiObject: ApiObject;
  public readonly resourceType = 'requestauthentications';

  /** The mesh root namespace. */
  public readonly meshRootNamespace: string;

  private readonly attachment: PolicyAttachment;
  private readonly jwtRules: JwtRule[] = [];

  public constructor(scope: Construct, id: string, props: RequestAuthenticationProps = {}) {
    super(scope, id, props);
    this.meshRootNamespace = props.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    this.apiObject = new RequestAuthenticationResource(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    this.attachment = new PolicyAttachment(this, props.selector, props.targetRefs);
    for (const rule of props.jwtRules ?? []) this.addJwtRule(rule);
  }

  /** The workloads the policy applies to, if it selects any. */
  public get selector(): WorkloadSelector | undefined {
    return this.attachment.selector;
  }

  /**
   * Accepts the tokens of one more issuer. Checked immediately.
   */
  public addJwtRule(rule: JwtRule): void {
    const field = `jwtRules[${this.jwtRules.length}]`;
    if (this.jwtRules.length >= MAX_JWT_RULES) fail(this, field, rule.issuer, `a policy takes at most ${MAX_JWT_RULES} JWT rules`);
    this.renderJwtRule(field, rule);
    this.jwtRules.push(rule);
  }

  /**
   * Attaches the policy to a resource (instead of a selector).
   */
  public addTargetRef(target: PolicyTargetReference): void {
    this.attachment.addTargetRef(target);
  }

  /**
   * @internal
   */
  public _toKube(): any {
    return {
      ...this.attachment.render(this.namespace, this.meshRootNamespace),
      ...(this.jwtRules.length > 0 ? { jwtRules: this.jwtRules.map((rule, i) => this.renderJwtRule(`jwtRules[${i}]`, rule)) } : {}),
    };
  }

  private renderJwtRule(field: string, rule: JwtRule): Record<string, unknown> {
    const issuer = rule.issuer;
    check(typeof issuer === 'string' && issuer.length > 0, this, `${field}.issuer`, issuer,
      'must be the non-empty issuer (iss claim) of the tokens, e.g. "https://accounts.example.com"');

    if (rule.jwksUri !== undefined && rule.jwks !== undefined) {
      fail(this, `${field}.jwks`, rule.jwks, 'set only one of jwksUri and jwks');
    }
    if (rule.jwksUri !== undefined) {
      const problem = typeof rule.jwksUri !== 'string' || rule.jwksUri.length === 0 || rule.jwksUri.length > MAX_JWKS_URI
        ? `must be 1 to ${MAX_JWKS_URI} characters` : jwksUriProblem(rule.jwksUri);
      if (problem !== undefined) {
        fail(this, `${field}.jwksUri`, rule.jwksUri, `must be an http:// or https:// URL such as "https://example.com/.well-known/jwks.json": it ${problem}`);
      }
    }
    if (rule.jwks !== undefined) validateJwks(this, `${field}.jwks`, rule.jwks);

    // Istio only requires non-empty strings here (duplicates are harmless).
    const strings = (values: string[] | undefined, name: string, what: string) => {
      values?.forEach((v, i) => check(typeof v === 'string' && v.length > 0, this, `${field}.${name}[${i}]`, v, what));
      return values && values.length > 0 ? [...values] : undefined;
    };
    const audiences = strings(rule.audiences, 'audiences', 'must be a non-empty audience');
    const fromParams = strings(rule.fromParams, 'fromParams', 'must be a non-empty query parameter name');
    const fromCookies = strings(rule.fromCookies, 'fromCookies', 'must be a non-empty cookie name');
    const spaceDelimitedClaims = strings(rule.spaceDelimitedClaims, 'spaceDelimitedClaims', 'must be a non-empty claim name');
    if ((spaceDelimitedClaims?.length ?? 0) > MAX_SPACE_DELIMITED_CLAIMS) {
      fail(this, `${field}.spaceDelimitedClaims`, spaceDelimitedClaims, `takes at most ${MAX_SPACE_DELIMITED_CLAIMS} claims`);
    }

    const fromHeaders = rule.fromHeaders?.map((h, i) => {
      check(typeof h.name === 'string' && h.name.length > 0, this, `${field}.fromHeaders[${i}].name`, h.name, 'must be a non-empty HTTP header name');
      return { name: h.name, ...(h.prefix !== undefined ? { prefix: h.prefix } : {}) };
    });

    if (rule.outputPayloadToHeader !== undefined) {
      check(HEADER_NAME.test(rule.outputPayloadToHeader), this, `${field}.outputPayloadToHeader`, rule.outputPayloadToHeader,
        'must be a header name of letters, digits, "-" and "_"');
    }
    const outputClaimToHeaders = rule.outputClaimToHeaders?.map((c, i) => {
      check(HEADER_NAME.test(c.header), this, `${field}.outputClaimToHeaders[${i}].header`, c.header, 'must be a header name of letters, digits, "-" and "_"');
      check(typeof c.claim === 'string' && /^\S+$/.test(c.claim), this, `${field}.outputClaimToHeaders[${i}].claim`, c.claim, 'must be a non-empty claim name');
      return { header: c.header, claim: c.claim };
    });

    validateDuration(this, `${field}.timeout`, rule.timeout);

    const out: Record<string, unknown> = {
      issuer,
      audiences,
      jwksUri: rule.jwksUri,
      jwks: rule.jwks,
      fromHeaders: fromHeaders && fromHeaders.length > 0 ? fromHeaders : undefined,
      fromParams,
      fromCookies,
      outputPayloadToHeader: rule.outputPayloadToHeader,
      outputClaimToHeaders: outputClaimToHeaders && outputClaimToHeaders.length > 0 ? outputClaimToHeaders : undefined,
      forwardOriginalToken: rule.forwardOriginalToken,
      spaceDelimitedClaims,
      timeout: renderDuration(rule.timeout, this, `${field}.timeout`),
    };
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    return out;
  }
}

/**
 * The generated L1 class renders `jwksUri` under its protobuf name `jwks_uri`; both are valid,
 * but Istio's documentation and tools use `jwksUri`, so it is renamed back.
 */
class RequestAuthenticationResource extends k.RequestAuthentication {
  public toJson(): any {
    const json = super.toJson();
    for (const rule of json.spec?.jwtRules ?? []) {
      if (rule.jwks_uri !== undefined) {
        rule.jwksUri = rule.jwks_uri;
        delete rule.jwks_uri;
      }
    }
    return json;
  }
}
