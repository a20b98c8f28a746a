import { Testing } from 'cdk8s';
import { injectWorkload } from './support/inject';
import { restrictedViolations } from './support/pod-security';
import { BookinfoApp } from '../examples/bookinfo/bookinfo-app';
import { IstioMesh, IstioMeshProps } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

/** A mesh and bookinfo in one chart; returns the manifests and bookinfo's Deployments. */
function meshWithBookinfo(props: IstioMeshProps) {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', props);
  mesh.injectNamespace('bookinfo', { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
  new BookinfoApp(chart, 'bookinfo', { namespace: 'bookinfo' });
  const manifests = Testing.synth(chart);
  const deployments = manifests.filter(m => m.kind === 'Deployment' && m.metadata.namespace === 'bookinfo');
  return { manifests, deployments };
}

describe('istio-cni with sidecars', () => {
  test('any profile can install istio-cni; without ambient it has no ambient role, socket or ztunnel', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO, cni: { enabled: true } });
    const manifests = Testing.synth(chart);
    const names = manifests.filter(m => m.metadata.name.startsWith('istio-cni') || m.metadata.name === 'ztunnel').map(m => `${m.kind} ${m.metadata.name}`);
    expect(names).toEqual([
      'ServiceAccount istio-cni',
      'ConfigMap istio-cni-config',
      'ClusterRole istio-cni',
      'ClusterRole istio-cni-repair-role',
      'ClusterRoleBinding istio-cni',
      'ClusterRoleBinding istio-cni-repair-rolebinding',
      'DaemonSet istio-cni-node',
    ]);
    expect(mesh.ambient).toBe(false);
    expect(mesh.cniDaemonSet).toBeDefined();
    expect(mesh.ztunnelDaemonSet).toBeUndefined();
    const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
    expect(find('ConfigMap', 'istio-cni-config').data.AMBIENT_ENABLED).toEqual('false');
    const ds = find('DaemonSet', 'istio-cni-node').spec.template.spec;
    expect(ds.containers[0].image).toEqual('docker.io/istio/install-cni:1.30.3');
    expect(ds.volumes.map((v: any) => v.name)).not.toContain('cni-ztunnel-sock-dir');
    expect(ds.containers[0].volumeMounts.map((v: any) => v.name)).not.toContain('cni-ztunnel-sock-dir');
    const injector = JSON.parse(find('ConfigMap', 'istio-sidecar-injector').data.values);
    expect(injector.pilot.cni).toEqual({ enabled: true, provider: 'default' });
    expect(injector.global.variant).toEqual('');
    const istiod = find('Deployment', 'istiod').spec.template.spec.containers[0];
    expect(istiod.env.map((e: any) => e.name)).not.toContain('PILOT_ENABLE_AMBIENT');
    expect(JSON.parse(find('ConfigMap', 'values').data['merged-values']).cni).toEqual({ enabled: true, provider: 'default' });
  });

  test('without istio-cni, the injected istio-init container breaks Pod Security restricted', () => {
    const { manifests, deployments } = meshWithBookinfo({ profile: Profile.DEMO });
    const pod = injectWorkload(manifests, deployments[0]);
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init']);
    expect(restrictedViolations(pod)).toEqual([
      'initContainers[istio-init]: capability NET_ADMIN is not allowed (baseline)',
      'initContainers[istio-init]: capability NET_RAW is not allowed (baseline)',
      'initContainers[istio-init]: runAsNonRoot must be true (container or pod)',
      'initContainers[istio-init]: runAsUser must not be 0',
    ]);
  });

  describe.each([
    ['demo profile with istio-cni', { profile: Profile.DEMO, cni: { enabled: true } }],
    ['default profile with istio-cni', { profile: Profile.DEFAULT, cni: { enabled: true } }],
    ['ambient profile (sidecars still injected where asked)', { profile: Profile.AMBIENT }],
  ])('%s', (_name, props) => {
    const { manifests, deployments } = meshWithBookinfo(props);

    test('every injected bookinfo pod meets Pod Security restricted', () => {
      expect(deployments.map(d => d.metadata.name)).toEqual(['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1']);
      for (const deployment of deployments) {
        const pod = injectWorkload(manifests, deployment);
        expect({ name: deployment.metadata.name, violations: restrictedViolations(pod) }).toEqual({ name: deployment.metadata.name, violations: [] });
      }
    });

    test('pods get the unprivileged istio-validation init container, and record the redirection for the CNI plugin', () => {
      const pod = injectWorkload(manifests, deployments[0]);
      expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-validation']);
      expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['details', 'istio-proxy']);
      const init = pod.spec.initContainers[0];
      expect(init.args).toEqual(expect.arrayContaining(['istio-iptables', '--run-validation', '--skip-rule-apply']));
      expect(init.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: 1337,
        runAsUser: 1337,
        runAsNonRoot: true,
      });
      expect(pod.metadata.annotations).toMatchObject({
        'sidecar.istio.io/interceptionMode': 'REDIRECT',
        'traffic.sidecar.istio.io/includeInboundPorts': '*',
        'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
        'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      });
    });
  });

  test('the ambient profile injects the distroless proxy, and sidecars speak HBONE', () => {
    const { manifests, deployments } = meshWithBookinfo({ profile: Profile.AMBIENT });
    const pod = injectWorkload(manifests, deployments[0]);
    expect(pod.spec.containers[1].image).toEqual('docker.io/istio/proxyv2:1.30.3-distroless');
    expect(pod.metadata.labels['networking.istio.io/tunnel']).toEqual('http');
  });
});
