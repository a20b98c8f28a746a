import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayApiResource, GatewayApiResourceProps } from './resource';
import { validateCount, validateHostname, validateLength, validateObjectName, validateSectionName, validateStringMap } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, fail, invalidMessage } from '../core/validation';

const URI = /^(([^:/?#]+):)(\/\/([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?/;
const WELL_KNOWN = /^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$/;

/** A subject alternative name the backend's certificate must have. */
export class SubjectAltName {
  /** A DNS name (`*.` wildcard allowed). */
  public static hostname(hostname: string): SubjectAltName {
    return new SubjectAltName('Hostname', hostname);
  }

  /** A URI, such as a SPIFFE ID (`spiffe://cluster.local/ns/shop/sa/payments`). */
  public static uri(uri: string): SubjectAltName {
    return new SubjectAltName('URI', uri);
  }

  private constructor(
    /** @internal */ public readonly _type: string,
    /** @internal */ public readonly _value: string,
  ) {}
}

/** The CA certificates trusted for a backend. */
export class BackendCaCertificates {
  /** CA bundles in ConfigMaps (key `ca.crt`) of the policy's namespace, 1 to 8. */
  public static fromConfigMaps(...configMaps: kplus.IConfigMap[]): BackendCaCertificates {
    return new BackendCaCertificates(configMaps, undefined);
  }

  /** The system's trusted CAs. */
  public static system(): BackendCaCertificates {
    return new BackendCaCertificates(undefined, 'System');
  }

  /** An implementation-specific set of well-known CAs (`example.com/my-cas`). */
  public static wellKnown(name: string): BackendCaCertificates {
    return new BackendCaCertificates(undefined, name);
  }

  private constructor(
    /** @internal */ public readonly _configMaps?: kplus.IConfigMap[],
    /** @internal */ public readonly _wellKnown?: string,
  ) {}
}

/** A Service (and optionally one of its ports, by name) a BackendTLSPolicy applies to. */
export interface BackendTlsPolicyTarget {
  /** The Service. */
  readonly service: kplus.Service;
  /** The Service port name. @default - every port */
  readonly sectionName?: string;
}

/** Properties of a BackendTLSPolicy. */
export interface BackendTlsPolicyProps extends GatewayApiResourceProps {
  /** The Services it applies to, 1 to 16. More with `addTarget()`. @default - none yet; add at least one */
  readonly targets?: BackendTlsPolicyTarget[];
  /** The host name (SNI) the Gateway connects with and verifies. */
  readonly hostname: string;
  /** The CAs that must have signed the backend's certificate. */
  readonly caCertificates: BackendCaCertificates;
  /** Names the certificate must have (instead of `hostname`), up to 5. @default - `hostname` */
  readonly subjectAltNames?: SubjectAltName[];
  /** Implementation-specific TLS options, up to 16. @default - none */
  readonly options?: Record<string, string>;
}

/**
 * A Gateway API BackendTLSPolicy: the Gateway connects to the target Services with TLS and
 * verifies their certificates.
 */
export class BackendTlsPolicy extends GatewayApiResource {
  /** @see https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/ */
  public readonly resourceType = 'backendtlspolicies';
  protected readonly apiObject: ApiObject;
  private readonly targets: Array<Record<string, string>> = [];
  private readonly validation: Record<string, unknown>;
  private readonly options?: Record<string, string>;

  public constructor(scope: Construct, id: string, props: BackendTlsPolicyProps) {
    super(scope, id, props);
    this.apiObject = new k.BackendTlsPolicy(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    check(typeof props.hostname === 'string', this, 'validation.hostname', props.hostname, 'is required');
    validateHostname(this, 'validation.hostname', props.hostname, false);
    const validation: Record<string, unknown> = {};
    const ca = props.caCertificates;
    check(ca instanceof BackendCaCertificates, this, 'validation.caCertificateRefs', ca, 'must be BackendCaCertificates.fromConfigMaps(), .system() or .wellKnown()');
    if (ca._configMaps !== undefined) {
      validateCount(this, 'validation.caCertificateRefs', ca._configMaps, 8, 1);
      validation.caCertificateRefs = ca._configMaps.map((cm, i) => {
        validateObjectName(this, `validation.caCertificateRefs[${i}].name`, cm?.name);
        return { group: '', kind: 'ConfigMap', name: cm.name };
      });
    } else {
      validateLength(this, 'validation.wellKnownCACertificates', ca._wellKnown, 1, 253);
      check(WELL_KNOWN.test(ca._wellKnown!), this, 'validation.wellKnownCACertificates', ca._wellKnown,
        'must be "System" or a domain-prefixed name such as "example.com/my-cas"');
      validation.wellKnownCaCertificates = ca._wellKnown; // the L1 binding's name for wellKnownCACertificates
    }
    validation.hostname = props.hostname;
    if (props.subjectAltNames !== undefined) {
      validateCount(this, 'validation.subjectAltNames', props.subjectAltNames, 5);
      validation.subjectAltNames = props.subjectAltNames.map((san, i) => {
        const field = `validation.subjectAltNames[${i}]`;
        check(san instanceof SubjectAltName, this, field, san, 'must be SubjectAltName.hostname() or SubjectAltName.uri()');
        if (san._type === 'Hostname') {
          validateHostname(this, `${field}.hostname`, san._value);
          return { type: 'Hostname', hostname: san._value };
        }
        validateLength(this, `${field}.uri`, san._value, 1, 253);
        check(URI.test(san._value), this, `${field}.uri`, san._value, 'must be an absolute URI such as "spiffe://cluster.local/ns/shop/sa/payments"');
        return { type: 'URI', uri: san._value };
      });
    }
    this.validation = validation;
    validateStringMap(this, 'options', props.options, 16, 4096);
    this.options = props.options && Object.keys(props.options).length > 0 ? { ...props.options } : undefined;
    for (const t of props.targets ?? []) this.addTarget(t);
    this.node.addValidation({
      validate: () => (this.targets.length === 0 ? [invalidMessage(this, 'targetRefs', [], 'a BackendTLSPolicy needs 1 to 16 targets (addTarget())')] : []),
    });
  }

  /** Applies the policy to one more Service (or Service port). */
  public addTarget(target: BackendTlsPolicyTarget): void {
    const field = `targetRefs[${this.targets.length}]`;
    check(target?.service !== undefined && typeof target.service.name === 'string', this, `${field}`, target, 'must name a cdk8s-plus Service');
    validateSectionName(this, `${field}.sectionName`, target.sectionName);
    const ns = target.service.metadata.namespace;
    check(ns === undefined || ns === this.metadata.namespace, this, `${field}.name`, target.service.name,
      `must be a Service in the policy's namespace (${this.metadata.namespace ?? 'default'}), not ${ns}`);
    const ref: Record<string, string> = { group: '', kind: 'Service', name: target.service.name };
    if (target.sectionName !== undefined) ref.sectionName = target.sectionName;
    validateCount(this, 'targetRefs', [...this.targets, ref], 16, 1);
    this.targets.forEach((other, j) => {
      if (other.name !== ref.name) return;
      if ((other.sectionName === undefined) !== (ref.sectionName === undefined)) {
        fail(this, `${field}.sectionName`, ref.sectionName, `targetRefs[${j}] targets the same Service; several targets of one Service must each set sectionName`);
      }
      if (other.sectionName === ref.sectionName) fail(this, field, ref, `targetRefs[${j}] is the same target; each must be unique`);
    });
    this.targets.push(ref);
  }

  /** @internal */
  public _toKube(): k.BackendTlsPolicySpec {
    const out: Record<string, unknown> = { targetRefs: this.targets, validation: this.validation };
    if (this.options) out.options = this.options;
    return out as unknown as k.BackendTlsPolicySpec;
  }
}
