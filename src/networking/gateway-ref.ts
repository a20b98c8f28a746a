/**
 * A Gateway a VirtualService can bind to: a `Gateway` construct of this app, one imported
 * with `Gateway.fromGatewayName()`, or `Gateway.MESH` (the sidecars of the mesh).
 */
export interface IGateway {
  /**
   * The Gateway's name, or `mesh` for the sidecars of the mesh.
   */
  readonly gatewayName: string;

  /**
   * The Gateway's namespace.
   *
   * @default - the namespace of the resource that refers to it
   */
  readonly gatewayNamespace?: string;
}

/** The reserved gateway name that stands for all sidecars in the mesh. */
export const MESH_GATEWAY_NAME = 'mesh';

/**
 * How a resource in `fromNamespace` refers to `gateway`: `name` in the same namespace (or
 * when either namespace is unknown), otherwise `namespace/name`. Internal.
 */
export function gatewayReference(gateway: IGateway, fromNamespace: string | undefined): string {
  if (gateway.gatewayName === MESH_GATEWAY_NAME) return MESH_GATEWAY_NAME;
  const ns = gateway.gatewayNamespace;
  return ns !== undefined && ns !== fromNamespace ? `${ns}/${gateway.gatewayName}` : gateway.gatewayName;
}
