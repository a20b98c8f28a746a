import { IConstruct } from 'constructs';
import { ComputeResources } from './compute-resources';
import { SidecarInjectorOptions } from './injection/injection-config';
import { renderInjectionConfig, renderInjectionValues } from './injection/render';
import { CniProvider } from './istio-cni';
import { check } from '../core/validation';

/** What the mesh itself decides for the sidecar injector of one revision. Internal. */
export interface InjectorInput {
  readonly hub: string;
  readonly tag: string;
  readonly revision?: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly clusterId: string;
  readonly proxyResources: ComputeResources;
  readonly trustDomain?: string;
  readonly holdApplicationUntilProxyStarts?: boolean;
  /** Image variant of the injected proxies (`distroless`). */
  readonly variant?: string;
  /** How istio-cni attaches, when the mesh installs it. */
  readonly cniProvider?: CniProvider;
}

const MESH_OWNED = ['hub', 'tag', 'revision', 'istioNamespace'] as const;

/**
 * Combines the user's injector options with what the mesh decides. Fields the mesh owns
 * (images, revision, namespace) must not be set differently in `sidecarInjector`.
 */
export function injectorOptions(scope: IConstruct, user: SidecarInjectorOptions, input: InjectorInput): SidecarInjectorOptions {
  const owned: Record<(typeof MESH_OWNED)[number], string | undefined> = {
    hub: input.hub, tag: input.tag, revision: input.revision, istioNamespace: input.namespace,
  };
  for (const key of MESH_OWNED) {
    check(user[key] === undefined || user[key] === owned[key], scope, `sidecarInjector.${key}`, user[key],
      `the mesh sets it to ${JSON.stringify(owned[key])}; set it on the IstioMesh instead`);
  }
  // pods must only skip istio-init when istio-cni programs their redirection
  const cniEnabled = input.cniProvider !== undefined;
  check(user.cniEnabled === undefined || user.cniEnabled === cniEnabled, scope, 'sidecarInjector.cniEnabled', user.cniEnabled,
    `the mesh sets it to ${cniEnabled} from the cni option; set cni: { enabled: ${user.cniEnabled} } on the IstioMesh instead`);
  check(user.cniProvider === undefined || user.cniProvider === input.cniProvider, scope, 'sidecarInjector.cniProvider', user.cniProvider,
    `the mesh sets it to ${JSON.stringify(input.cniProvider)} from cni.platform; set the platform on the IstioMesh instead`);
  return {
    ...user,
    ...owned,
    proxyResources: user.proxyResources ?? input.proxyResources,
    clusterDomain: user.clusterDomain ?? input.clusterDomain,
    clusterName: user.clusterName ?? (input.clusterId === 'Kubernetes' ? undefined : input.clusterId),
    trustDomain: user.trustDomain ?? input.trustDomain,
    holdApplicationUntilProxyStarts: user.holdApplicationUntilProxyStarts ?? input.holdApplicationUntilProxyStarts,
    variant: user.variant ?? input.variant,
    cniEnabled,
    cniProvider: input.cniProvider,
  };
}

/** The `config` key of ConfigMap `istio-sidecar-injector`. */
export function renderInjectorConfig(scope: IConstruct, options: SidecarInjectorOptions): string {
  return renderInjectionConfig(options, scope);
}

/** The `values` key of ConfigMap `istio-sidecar-injector`. */
export function renderInjectorValues(scope: IConstruct, options: SidecarInjectorOptions): string {
  return renderInjectionValues(options, scope);
}
