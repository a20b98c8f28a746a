/**
 * Sidecar injection as istiod performs it, for tests: the library's injector ConfigMap
 * (`istio-sidecar-injector`: templates and values) and mesh config (`istio`) are read from the
 * synthesized manifests, the pod's template is rendered with them, and the result is merged into
 * the pod (containers by name, init containers first, volumes appended).
 */
import { parse } from 'yaml';
import { renderGoTemplate } from './go-template';

const mergeByName = (base: any[] = [], patch: any[] = []) => {
  const out = base.map(c => ({ ...c }));
  for (const p of patch) {
    const i = out.findIndex(c => c.name === p.name);
    if (i >= 0) out[i] = { ...out[i], ...p };
    else out.push(p);
  }
  return out;
};

/** The pod template of `workload` (a Deployment) after injection by the mesh in `manifests`. */
export function injectWorkload(manifests: any[], workload: any, injectorName = 'istio-sidecar-injector'): { metadata: any; spec: any } {
  const injector = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === injectorName);
  const meshName = injectorName.replace('istio-sidecar-injector', 'istio');
  const meshCm = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === meshName);
  if (!injector || !meshCm) throw new Error(`no ConfigMaps ${injectorName} and ${meshName} in the manifests`);
  const config = parse(injector.data.config);
  const values = JSON.parse(injector.data.values);
  const mesh = parse(meshCm.data.mesh);
  const pod = workload.spec.template;
  const annotations = pod.metadata?.annotations ?? {};
  const requested: string[] = annotations['inject.istio.io/templates']?.split(',') ?? config.defaultTemplates;
  const tag = values.global.variant ? `${values.global.tag}-${values.global.variant}` : values.global.tag;
  const data = {
    ObjectMeta: { Name: '', Namespace: workload.metadata.namespace, Annotations: annotations, Labels: pod.metadata?.labels ?? {} },
    Spec: pod.spec,
    DeploymentMeta: { Name: workload.metadata.name, Namespace: workload.metadata.namespace },
    TypeMeta: { APIVersion: workload.apiVersion, Kind: workload.kind },
    Values: values,
    MeshConfig: mesh,
    ProxyConfig: { interceptionMode: 'REDIRECT', ...mesh.defaultConfig, proxyMetadata: mesh.defaultConfig?.proxyMetadata ?? {} },
    ProxyImage: `${values.global.hub}/${values.global.proxy.image}:${tag}`,
    Revision: values.revision,
    NativeSidecars: false,
    InboundTrafficPolicyMode: '',
    CompliancePolicy: '',
  };
  let result = { metadata: { ...pod.metadata }, spec: { ...pod.spec } };
  for (const name of requested) {
    const rendered = parse(renderGoTemplate(config.templates[name], data));
    if (/<no value>/.test(JSON.stringify(rendered))) throw new Error(`template ${name} read a value that does not exist`);
    const spec = rendered.spec ?? {};
    result = {
      metadata: {
        ...result.metadata,
        labels: { ...result.metadata.labels, ...rendered.metadata?.labels },
        annotations: { ...result.metadata.annotations, ...rendered.metadata?.annotations },
      },
      spec: {
        ...result.spec,
        ...Object.fromEntries(Object.entries(spec).filter(([k]) => !['initContainers', 'containers', 'volumes', 'securityContext'].includes(k))),
        securityContext: { ...result.spec.securityContext, ...spec.securityContext },
        initContainers: mergeByName(spec.initContainers, result.spec.initContainers),
        containers: mergeByName(result.spec.containers, spec.containers),
        volumes: [...(result.spec.volumes ?? []), ...(spec.volumes ?? [])],
      },
    };
  }
  return result;
}
