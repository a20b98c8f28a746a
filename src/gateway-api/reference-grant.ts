import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GATEWAY_API_GROUP, GatewayApiResource, GatewayApiResourceProps } from './resource';
import { validateCount, validateGroup, validateKind, validateNamespace, validateObjectName } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check } from '../core/validation';

/** Who may refer to the targets of a ReferenceGrant: every resource of a kind in a namespace. */
export interface ReferenceGrantFrom {
  /** The API group of the referring kind: `gateway.networking.k8s.io` for routes and Gateways. */
  readonly group: string;
  /** The referring kind, e.g. `HTTPRoute` or `Gateway`. */
  readonly kind: string;
  /** The namespace of the referring resources. */
  readonly namespace: string;
}

/** What may be referred to: resources of a kind in the grant's namespace, or one of them. */
export interface ReferenceGrantTo {
  /** The API group of the target: `""` (core) for Services and Secrets. */
  readonly group: string;
  /** The target kind, e.g. `Service` or `Secret`. */
  readonly kind: string;
  /**
   * One resource by name.
   * @default - every resource of the kind in the namespace
   */
  readonly name?: string;
}

/** Properties of a ReferenceGrant. */
export interface ReferenceGrantProps extends GatewayApiResourceProps {
  /** The referrers allowed (1 to 16). More with `addFrom()`. @default - none yet; add at least one */
  readonly from?: ReferenceGrantFrom[];
  /** The targets that may be referred to (1 to 16). More with `addTo()`. @default - none yet; add at least one */
  readonly to?: ReferenceGrantTo[];
}

/**
 * A Gateway API ReferenceGrant: lets resources in other namespaces refer to resources in this
 * one (an HTTPRoute to a Service, a Gateway to a Secret). Routes and Gateways of this library
 * create one automatically for each cross-namespace reference they make; create one yourself
 * for references this app does not make.
 *
 * @example
 * new ReferenceGrant(this, 'AllowRoutes', {
 *   metadata: { namespace: 'backends' },
 *   from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'frontend' }],
 *   to: [{ group: '', kind: 'Service' }],
 * });
 */
export class ReferenceGrant extends GatewayApiResource {
  /** @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/ */
  public readonly resourceType = 'referencegrants';
  protected readonly apiObject: ApiObject;
  private readonly fromEntries: ReferenceGrantFrom[] = [];
  private readonly toEntries: ReferenceGrantTo[] = [];

  public constructor(scope: Construct, id: string, props: ReferenceGrantProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.ReferenceGrant(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const f of props.from ?? []) this.addFrom(f);
    for (const t of props.to ?? []) this.addTo(t);
    this.node.addValidation({
      validate: () => [
        ...(this.fromEntries.length === 0 ? [`${this.node.path}: from [] is invalid: a ReferenceGrant needs at least one entry (addFrom())`] : []),
        ...(this.toEntries.length === 0 ? [`${this.node.path}: to [] is invalid: a ReferenceGrant needs at least one entry (addTo())`] : []),
      ],
    });
  }

  /** Allows one more kind of referrer. Adding the same entry twice has no effect. */
  public addFrom(from: ReferenceGrantFrom): void {
    const field = `from[${this.fromEntries.length}]`;
    validateGroup(this, `${field}.group`, from.group);
    check(typeof from.group === 'string', this, `${field}.group`, from.group, 'is required: "" for the core group or e.g. "gateway.networking.k8s.io"');
    validateKind(this, `${field}.kind`, from.kind);
    check(typeof from.namespace === 'string', this, `${field}.namespace`, from.namespace, 'is required');
    validateNamespace(this, `${field}.namespace`, from.namespace);
    if (this.fromEntries.some(f => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace)) return;
    validateCount(this, 'from', [...this.fromEntries, from], 16, 1);
    this.fromEntries.push({ group: from.group, kind: from.kind, namespace: from.namespace });
  }

  /** Allows one more target. Adding the same entry twice has no effect. */
  public addTo(to: ReferenceGrantTo): void {
    const field = `to[${this.toEntries.length}]`;
    check(typeof to.group === 'string', this, `${field}.group`, to.group, 'is required: "" for the core group or e.g. "gateway.networking.k8s.io"');
    validateGroup(this, `${field}.group`, to.group);
    validateKind(this, `${field}.kind`, to.kind);
    if (to.name !== undefined) validateObjectName(this, `${field}.name`, to.name);
    if (this.toEntries.some(t => t.group === to.group && t.kind === to.kind && t.name === to.name)) return;
    validateCount(this, 'to', [...this.toEntries, to], 16, 1);
    this.toEntries.push({ group: to.group, kind: to.kind, name: to.name });
  }

  /** @internal */
  public _toKube(): k.ReferenceGrantSpec {
    return {
      from: this.fromEntries.map(f => ({ group: f.group, kind: f.kind, namespace: f.namespace })),
      to: this.toEntries.map(t => (t.name === undefined ? { group: t.group, kind: t.kind } : { group: t.group, kind: t.kind, name: t.name })),
    };
  }
}

/** A reference from a resource of this app to one in another namespace. Internal. */
export interface CrossNamespaceReference {
  readonly fromKind: string;
  readonly fromNamespace?: string;
  readonly toGroup: string;
  readonly toKind: string;
  readonly toName: string;
  readonly toNamespace?: string;
}

/**
 * Creates (once per target namespace) the ReferenceGrant a cross-namespace reference needs,
 * as a child of `owner`. Nothing when either namespace is unknown or they are the same.
 * Internal.
 */
export function grantReference(owner: Construct, ref: CrossNamespaceReference): ReferenceGrant | undefined {
  if (ref.fromNamespace === undefined || ref.toNamespace === undefined || ref.fromNamespace === ref.toNamespace) return undefined;
  const id = `ReferenceGrant-${ref.toNamespace}`;
  let grant = owner.node.tryFindChild(id) as ReferenceGrant | undefined;
  if (!grant) {
    grant = new ReferenceGrant(owner, id, { metadata: { namespace: ref.toNamespace } });
    grant.addFrom({ group: GATEWAY_API_GROUP, kind: ref.fromKind, namespace: ref.fromNamespace });
  }
  grant.addTo({ group: ref.toGroup, kind: ref.toKind, name: ref.toName });
  return grant;
}
