import { IConstruct } from 'constructs';
import { IGateway, MESH_GATEWAY_NAME, gatewayReference } from './gateway-ref';
import { assertUnique, fail, validateDnsLabel } from '../core/validation';

/**
 * Renders the gateway names a VirtualService (or one of its matches) binds to, as seen from
 * `fromNamespace`: `name`, `namespace/name` or `mesh`. Validates each and rejects duplicates.
 * Internal.
 */
export function renderGatewayNames(
  scope: IConstruct, field: string, gateways: readonly IGateway[] | undefined, fromNamespace: string | undefined,
): string[] | undefined {
  if (gateways === undefined || gateways.length === 0) return undefined;
  const names = gateways.map((gateway, i) => {
    const ref = gatewayReference(gateway, fromNamespace);
    if (ref === MESH_GATEWAY_NAME) return ref;
    validateDnsLabel(scope, `${field}[${i}] namespace`, gateway.gatewayNamespace);
    validateDnsLabel(scope, `${field}[${i}] name`, gateway.gatewayName);
    return ref;
  });
  assertUnique(scope, field, names, name => name);
  return names;
}

/** Whether routes bound to `gateways` apply to the sidecars of the mesh. Internal. */
export function bindsToMesh(gateways: readonly IGateway[] | undefined): boolean {
  return gateways === undefined || gateways.length === 0 || gateways.some(g => g.gatewayName === MESH_GATEWAY_NAME);
}


/**
 * `sourceLabels` select calling sidecars, so they only apply where the match applies to the
 * mesh: the match's own gateways if it has any, else the VirtualService's. Internal.
 */
export function validateSourceLabelsApply(
  ctx: { readonly scope: IConstruct; readonly meshBound: boolean },
  field: string,
  match: { readonly sourceLabels?: { [key: string]: string }; readonly gateways?: IGateway[] },
): void {
  if (match.sourceLabels === undefined || Object.keys(match.sourceLabels).length === 0) return;
  const meshBound = match.gateways !== undefined && match.gateways.length > 0 ? bindsToMesh(match.gateways) : ctx.meshBound;
  if (!meshBound) {
    fail(ctx.scope, `${field}.sourceLabels`, match.sourceLabels,
      'sourceLabels select calling sidecars and have no effect on gateway traffic; add Gateway.MESH to the gateways');
  }
}
