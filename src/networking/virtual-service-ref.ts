/**
 * A VirtualService that HTTP routes can delegate to: a `VirtualService` construct of this app
 * (created without hosts), or one imported with `VirtualService.fromVirtualServiceName()`.
 */
export interface IVirtualService {
  /**
   * The VirtualService's name.
   */
  readonly virtualServiceName: string;

  /**
   * The VirtualService's namespace.
   *
   * @default - the namespace of the resource that refers to it
   */
  readonly virtualServiceNamespace?: string;
}
