import { IConstruct } from 'constructs';
import { ComputeResources } from './compute-resources';
import { SidecarInjectorOptions } from './injection/injection-config';
import { renderInjectionConfig, renderInjectionValues } from './injection/render';
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
  return {
    ...user,
    ...owned,
    proxyResources: user.proxyResources ?? input.proxyResources,
    clusterDomain: user.clusterDomain ?? input.clusterDomain,
    clusterName: user.clusterName ?? (input.clusterId === 'Kubernetes' ? undefined : input.clusterId),
    trustDomain: user.trustDomain ?? input.trustDomain,
    holdApplicationUntilProxyStarts: user.holdApplicationUntilProxyStarts ?? input.holdApplicationUntilProxyStarts,
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
