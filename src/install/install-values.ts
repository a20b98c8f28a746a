import { renderComputeResources } from './compute-resources';
import { InstallContext, sortKeys } from './install-context';
import { IstiodSettings } from './istiod';
import { ProfileSettings } from './profile-settings';

/** What the `values` ConfigMap records. Internal. */
export interface InstallValuesInput {
  readonly ctx: InstallContext;
  readonly profile: ProfileSettings;
  readonly istiod: IstiodSettings;
  readonly revisionTags: string[];
  readonly meshConfig: Record<string, unknown>;
  readonly gateways: string[];
  /** istio-cni, when installed: whether it serves ambient mode, and how it attaches. */
  readonly cni?: { readonly ambient: boolean; readonly provider: string };
}

const json = (value: unknown) => JSON.stringify(sortKeys(value), undefined, 2);

/**
 * The `original-values` key: what this installation chose (profile, images, revision),
 * in the shape of the istiod chart's values, so tools reading it (`istioctl`, dashboards)
 * find the familiar keys.
 */
export function originalValues(input: InstallValuesInput): string {
  const { ctx, profile } = input;
  return json({
    ...(profile.profile !== 'default' ? { profile: profile.profile } : {}),
    revision: ctx.revision ?? '',
    global: { hub: ctx.hub, tag: ctx.tag, istioNamespace: ctx.namespace, configValidation: true },
    pilot: { enabled: profile.istiod, cni: { enabled: input.cni !== undefined } },
  });
}

/** The `merged-values` key: the effective settings of istiod and the proxies it injects. */
export function mergedValues(input: InstallValuesInput): string {
  const { ctx, profile, istiod } = input;
  return json({
    ...(profile.profile !== 'default' ? { profile: profile.profile } : {}),
    autoscaleEnabled: istiod.autoscale,
    autoscaleMax: istiod.maxReplicas,
    autoscaleMin: istiod.minReplicas,
    ...(input.cni ? { cni: { ...(input.cni.ambient ? { ambient: { enabled: true } } : {}), enabled: true, provider: input.cni.provider } } : {}),
    cpu: { targetAverageUtilization: istiod.targetCpu },
    enabled: profile.istiod,
    env: istiod.env,
    gateways: Object.fromEntries(input.gateways.map(name => [name, {}])),
    global: {
      configValidation: true,
      defaultPodDisruptionBudget: { enabled: istiod.pdb },
      hub: ctx.hub,
      istioNamespace: ctx.namespace,
      logging: { level: istiod.logLevel },
      multiCluster: { clusterName: istiod.clusterId === 'Kubernetes' ? '' : istiod.clusterId },
      networkPolicy: { enabled: istiod.networkPolicy },
      pilotCertProvider: 'istiod',
      proxy: {
        autoInject: 'enabled',
        clusterDomain: istiod.clusterDomain,
        image: 'proxyv2',
        resources: renderComputeResources(profile.proxyResources),
      },
      proxy_init: { image: 'proxyv2' },
      sds: { token: { aud: 'istio-ca' } },
      tag: ctx.tag,
      ...(ctx.variant ? { variant: ctx.variant } : {}),
    },
    image: 'pilot',
    keepaliveMaxServerConnectionAge: '30m',
    meshConfig: input.meshConfig,
    nodeSelector: istiod.nodeSelector ?? {},
    pdb: { minAvailable: 1 },
    replicaCount: istiod.replicas,
    resources: renderComputeResources(istiod.resources) ?? {},
    revision: ctx.revision ?? '',
    revisionTags: input.revisionTags,
    rollingMaxSurge: '100%',
    rollingMaxUnavailable: '25%',
    traceSampling: istiod.traceSampling,
  });
}
