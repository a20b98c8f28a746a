import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { ReferenceGrant } from './reference-grant';
import type { IRouteParent, ParentOptions } from './references';
import {
  GATEWAY_API_GROUP, validateGroup, validateInt, validateKind, validateNamespace, validateObjectName, validateSectionName,
} from './validation';
import { check, fail } from '../core/validation';

/** A parent reference as the API renders it. Internal. */
export interface RenderedParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** Validates and renders one parentRef of a resource in `fromNamespace`. Internal. */
export function renderParentRef(scope: IConstruct, field: string,
  parent: IRouteParent, options: ParentOptions, fromNamespace: string | undefined): RenderedParentRef {
  check(parent !== undefined && parent !== null && typeof parent.parentName === 'string', scope, field, parent, 'must be a Gateway, a ListenerSet or a RouteParent');
  validateGroup(scope, `${field}.group`, parent.parentGroup);
  validateKind(scope, `${field}.kind`, parent.parentKind);
  validateObjectName(scope, `${field}.name`, parent.parentName);
  validateNamespace(scope, `${field}.namespace`, parent.parentNamespace);
  validateSectionName(scope, `${field}.sectionName`, options.sectionName);
  validateInt(scope, `${field}.port`, options.port, 1, 65535);
  const ns = parent.parentNamespace !== undefined && parent.parentNamespace !== fromNamespace ? parent.parentNamespace : undefined;
  const out = {} as RenderedParentRef;
  if (parent.parentGroup !== GATEWAY_API_GROUP) out.group = parent.parentGroup;
  if (parent.parentKind !== 'Gateway') out.kind = parent.parentKind;
  out.name = parent.parentName;
  if (ns !== undefined) out.namespace = ns;
  if (options.sectionName !== undefined) out.sectionName = options.sectionName;
  if (options.port !== undefined) out.port = options.port;
  return out;
}

/**
 * The CEL rules on `parentRefs`: several references to one parent each name a section (and,
 * where `portInKey`, or a port), and no two are the same. Internal.
 */
export function validateParentRefList(scope: IConstruct, refs: readonly RenderedParentRef[], portInKey: boolean): void {
  const parentKey = (r: RenderedParentRef) => JSON.stringify([r.group ?? GATEWAY_API_GROUP, r.kind ?? 'Gateway', r.name, r.namespace ?? '']);
  const sectionKey = (r: RenderedParentRef) => JSON.stringify([r.sectionName ?? '', portInKey ? r.port ?? 0 : 0]);
  const what = portInKey ? 'sectionName or port' : 'sectionName';
  const must = portInKey ? 'every reference must set the same of sectionName and port' : 'every reference must set sectionName';
  refs.forEach((ref, i) => {
    refs.slice(0, i).forEach((other, j) => {
      if (parentKey(other) !== parentKey(ref)) return;
      const hasSection = (r: RenderedParentRef) => r.sectionName !== undefined;
      const hasPort = (r: RenderedParentRef) => portInKey && r.port !== undefined;
      if (hasSection(ref) !== hasSection(other) || hasPort(ref) !== hasPort(other)) {
        fail(scope, `parentRefs[${i}]`, ref, `parentRefs[${j}] refers to the same parent; when a route refers to one parent more than once, ${must}`);
      }
      if (sectionKey(ref) === sectionKey(other)) {
        fail(scope, `parentRefs[${i}]`, ref, `parentRefs[${j}] already refers to this parent with the same ${what}; each must be unique`);
      }
    });
  });
}

/** A Secret reference (TLS certificates), from a resource in `fromNamespace`. Internal. */
export function renderSecretRef(owner: Construct, field: string,
  secret: kplus.ISecret, fromKind: string, fromNamespace: string | undefined): Record<string, string> {
  check(secret !== undefined && secret !== null && typeof secret.name === 'string', owner, field, secret, 'must be a cdk8s-plus Secret (or Secret.fromSecretName())');
  validateObjectName(owner, `${field}.name`, secret.name);
  const secretNamespace = (secret as Partial<kplus.Secret>).metadata?.namespace;
  const ns = secretNamespace !== undefined && secretNamespace !== fromNamespace ? secretNamespace : undefined;
  if (ns !== undefined) {
    grantReference(owner, { fromKind, fromNamespace, toGroup: '', toKind: 'Secret', toName: secret.name, toNamespace: ns });
  }
  return ns === undefined ? { name: secret.name } : { name: secret.name, namespace: ns };
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
