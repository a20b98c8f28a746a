import { Testing } from 'cdk8s';
import { GatewayApiCrdChannel } from '../src/install/gateway-api-crds';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

function sideBySide() {
  const chart = Testing.chart();
  const old = new IstioMesh(chart, 'Old', { profile: Profile.MINIMAL, revision: '1-29-0', tag: '1.29.0', gatewayApiCrds: GatewayApiCrdChannel.NONE });
  const next = new IstioMesh(chart, 'New', { profile: Profile.MINIMAL, revision: '1-30-3', gatewayApiCrds: GatewayApiCrdChannel.NONE });
  return { chart, old, next };
}

describe('revisions', () => {
  test('two control planes side by side: suffixed names, shared CRDs, namespace and reader account', () => {
    const { chart } = sideBySide();
    const manifests = Testing.synth(chart);
    const names = manifests.filter(m => m.kind !== 'CustomResourceDefinition')
      .map(m => `${m.kind} ${m.metadata.name}`);
    expect(names).toEqual([
      'Namespace istio-system',
      'ServiceAccount istio-reader-service-account',
      ...['1-29-0', '1-30-3'].flatMap(rev => [
        `ServiceAccount istiod-${rev}`,
        `ClusterRole istiod-clusterrole-${rev}-istio-system`,
        `ClusterRole istiod-gateway-controller-${rev}-istio-system`,
        `ClusterRole istio-reader-clusterrole-${rev}-istio-system`,
        `ClusterRoleBinding istiod-clusterrole-${rev}-istio-system`,
        `ClusterRoleBinding istiod-gateway-controller-${rev}-istio-system`,
        `ClusterRoleBinding istio-reader-clusterrole-${rev}-istio-system`,
        `Role istiod-${rev}`,
        `RoleBinding istiod-${rev}`,
        `ConfigMap values-${rev}`,
        `ConfigMap istio-${rev}`,
        `ConfigMap istio-sidecar-injector-${rev}`,
        `Service istiod-${rev}`,
        `Deployment istiod-${rev}`,
        `HorizontalPodAutoscaler istiod-${rev}`,
        `MutatingWebhookConfiguration istio-sidecar-injector-${rev}`,
        `ValidatingWebhookConfiguration istio-validator-${rev}-istio-system`,
      ]),
    ]);
    expect(manifests.filter(m => m.kind === 'CustomResourceDefinition')).toHaveLength(15);
  });

  test('a revision selects its pods by istio.io/rev and serves only istio.io/rev namespaces', () => {
    const { chart } = sideBySide();
    const manifests = Testing.synth(chart);
    const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
    const deployment = find('Deployment', 'istiod-1-30-3');
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-30-3' } });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'istio': 'istiod', 'istio.io/rev': '1-30-3' });
    expect(deployment.spec.template.spec.containers[0].env[0]).toEqual({ name: 'REVISION', value: '1-30-3' });
    expect(find('Deployment', 'istiod-1-29-0').spec.template.spec.containers[0].image).toEqual('docker.io/istio/pilot:1.29.0');
    expect(find('Service', 'istiod-1-30-3').spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': '1-30-3' });
    const mwc = find('MutatingWebhookConfiguration', 'istio-sidecar-injector-1-30-3');
    expect(mwc.webhooks.map((w: any) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(mwc.webhooks[0].clientConfig.service.name).toEqual('istiod-1-30-3');
    expect(mwc.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['1-30-3'] });
    expect(find('ValidatingWebhookConfiguration', 'istio-validator-1-30-3-istio-system').webhooks[0].objectSelector)
      .toEqual({ matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['1-30-3'] }] });
    const mesh = find('ConfigMap', 'istio-1-30-3').data.mesh;
    expect(mesh).toContain('discoveryAddress: istiod-1-30-3.istio-system.svc:15012');
  });

  test('revision tags point a stable name at a revision', () => {
    const { chart, old, next } = sideBySide();
    old.addRevisionTag('prod-stable');
    next.addRevisionTag('prod-canary');
    next.addRevisionTag('default');
    const manifests = Testing.synth(chart);
    const tag = (name: string) => manifests.find(m => m.kind === 'MutatingWebhookConfiguration' && m.metadata.name === `istio-revision-tag-${name}`);
    const stable = tag('prod-stable');
    expect(stable.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod-stable', 'istio.io/rev': '1-29-0' });
    expect(stable.webhooks.map((w: any) => [w.name, w.clientConfig.service.name])).toEqual([
      ['rev.namespace.sidecar-injector.istio.io', 'istiod-1-29-0'],
      ['rev.object.sidecar-injector.istio.io', 'istiod-1-29-0'],
    ]);
    expect(stable.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['prod-stable'] });
    expect(tag('prod-canary').webhooks[0].clientConfig.service.name).toEqual('istiod-1-30-3');
    // the "default" tag also serves istio-injection=enabled and sidecar.istio.io/inject=true
    expect(tag('default').webhooks.map((w: any) => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io',
    ]);
  });

  test('a tag can point at another revision of the app, and namespaces can select it', () => {
    const { chart, old, next } = sideBySide();
    next.addRevisionTag('prod-stable', '1-29-0');
    const ns = old.injectNamespace('bookinfo', { revisionTag: 'prod-stable' });
    const manifests = Testing.synth(chart);
    const mwc = manifests.find(m => m.metadata.name === 'istio-revision-tag-prod-stable');
    expect(mwc.webhooks[0].clientConfig.service.name).toEqual('istiod-1-29-0');
    expect(ns.toJson().metadata.labels).toEqual({ 'istio.io/rev': 'prod-stable' });
  });

  test('revisionTags prop', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, revision: 'canary', revisionTags: ['stable'] });
    const manifests = Testing.synth(chart);
    expect(manifests.some(m => m.metadata.name === 'istio-revision-tag-stable')).toBe(true);
    expect(JSON.parse(manifests.find(m => m.metadata.name === 'values-canary').data['merged-values']).revisionTags).toEqual(['stable']);
  });

  test('a control plane in another namespace names its cluster-scoped objects after it', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, namespace: 'mesh-system', gatewayApiCrds: GatewayApiCrdChannel.NONE });
    const manifests = Testing.synth(chart);
    const clusterScoped = manifests.filter(m => !m.metadata.namespace && m.kind !== 'CustomResourceDefinition').map(m => `${m.kind} ${m.metadata.name}`);
    expect(clusterScoped).toEqual([
      'Namespace mesh-system',
      'ClusterRole istiod-clusterrole-mesh-system',
      'ClusterRole istiod-gateway-controller-mesh-system',
      'ClusterRole istio-reader-clusterrole-mesh-system',
      'ClusterRoleBinding istiod-clusterrole-mesh-system',
      'ClusterRoleBinding istiod-gateway-controller-mesh-system',
      'ClusterRoleBinding istio-reader-clusterrole-mesh-system',
      'MutatingWebhookConfiguration istio-sidecar-injector-mesh-system',
      'ValidatingWebhookConfiguration istio-validator-mesh-system',
      'MutatingWebhookConfiguration istio-revision-tag-default-mesh-system',
      'ValidatingWebhookConfiguration istiod-default-validator-mesh-system',
    ]);
    const deployment = manifests.find(m => m.kind === 'Deployment');
    expect(deployment.metadata.namespace).toEqual('mesh-system');
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'CA_TRUSTED_NODE_ACCOUNTS', value: 'mesh-system/ztunnel' });
    const mesh = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === 'istio').data.mesh;
    expect(mesh).toContain('rootNamespace: mesh-system');
    expect(mesh).toContain('discoveryAddress: istiod.mesh-system.svc:15012');
  });

  test('fails for an invalid revision name', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { revision: '1.30.3' }))
      .toThrow(/test\/Istio: revision "1.30.3" is invalid: must be a lowercase RFC 1123 label/);
  });

  test('fails for the reserved revision name "default"', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { revision: 'default' }))
      .toThrow(/test\/Istio: revision "default" is invalid: "default" is reserved/);
  });

  test('fails for an invalid tag name', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL, revision: 'canary' });
    expect(() => mesh.addRevisionTag('Prod_Stable')).toThrow(/test\/Istio: revisionTags\[\] "Prod_Stable" is invalid/);
  });

  test('fails for a tag added twice', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL, revision: 'canary' });
    mesh.addRevisionTag('stable');
    expect(() => mesh.addRevisionTag('stable')).toThrow(/test\/Istio: revisionTags\[\] "stable" is invalid: must be unique/);
  });

  test('fails for a tag pointing at a revision that does not exist', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, revision: '1-30-3' });
    mesh.addRevisionTag('prod-stable', '1-28-0');
    expect(() => Testing.synth(chart))
      .toThrow(/test\/Istio.*revisionTags\["prod-stable"\]\.revision "1-28-0" is invalid: no control plane of this app in namespace "istio-system" has this revision; known revisions: "1-30-3"/);
  });

  test('fails for a namespace selecting a tag that does not exist', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, revision: '1-30-3' });
    mesh.injectNamespace('bookinfo', { revisionTag: 'prod' });
    expect(() => Testing.synth(chart)).toThrow(/test\/Istio: injectNamespace\("bookinfo"\)\.revisionTag "prod" is invalid: no revision tag with this name exists/);
  });
});
