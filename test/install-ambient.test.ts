import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { expectValidManifests, manifestProblems } from './support/istio-validate';
import { CniPlatform } from '../src/install/istio-cni';
import { IstioMesh, IstioMeshProps } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

// Facts below are read from what `istioctl manifest generate --set profile=ambient` renders for
// Istio 1.30.3 (object kinds and names, images, env, capabilities, volumes, RBAC rules,
// ConfigMap keys), written into the test as the demo profile's are in install-mesh.test.ts.

function synth(props: IstioMeshProps = {}) {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT, ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
  return { chart, mesh, manifests, find };
}

const ids = (manifests: any[]) => manifests
  .filter(m => m.kind !== 'CustomResourceDefinition' && !m.kind.startsWith('ValidatingAdmissionPolicy'))
  .map(m => `${m.kind} ${m.metadata.namespace ? m.metadata.namespace + '/' : ''}${m.metadata.name}`);

describe('ambient profile', () => {
  const { manifests, find, mesh } = synth();

  test('the objects of istioctl\'s ambient render: istiod, istio-cni and ztunnel, no ingress gateway', () => {
    expect(ids(manifests)).toEqual([
      'Namespace istio-system',
      'ServiceAccount istio-system/istio-reader-service-account',
      'ServiceAccount istio-system/istiod',
      'ClusterRole istiod-clusterrole-istio-system',
      'ClusterRole istiod-gateway-controller-istio-system',
      'ClusterRole istio-reader-clusterrole-istio-system',
      'ClusterRoleBinding istiod-clusterrole-istio-system',
      'ClusterRoleBinding istiod-gateway-controller-istio-system',
      'ClusterRoleBinding istio-reader-clusterrole-istio-system',
      'Role istio-system/istiod',
      'RoleBinding istio-system/istiod',
      'ConfigMap istio-system/values',
      'ConfigMap istio-system/istio',
      'ConfigMap istio-system/istio-sidecar-injector',
      'Service istio-system/istiod',
      'Deployment istio-system/istiod',
      'HorizontalPodAutoscaler istio-system/istiod',
      'MutatingWebhookConfiguration istio-sidecar-injector',
      'ValidatingWebhookConfiguration istio-validator-istio-system',
      'Service istio-system/istiod-revision-tag-default',
      'MutatingWebhookConfiguration istio-revision-tag-default',
      'ValidatingWebhookConfiguration istiod-default-validator',
      // 11-istio-cni
      'ServiceAccount istio-system/istio-cni',
      'ConfigMap istio-system/istio-cni-config',
      'ClusterRole istio-cni',
      'ClusterRole istio-cni-repair-role',
      'ClusterRole istio-cni-ambient',
      'ClusterRoleBinding istio-cni',
      'ClusterRoleBinding istio-cni-repair-rolebinding',
      'ClusterRoleBinding istio-cni-ambient',
      'DaemonSet istio-system/istio-cni-node',
      // 12-ztunnel
      'ServiceAccount istio-system/ztunnel',
      'DaemonSet istio-system/ztunnel',
    ]);
    expect(mesh.ambient).toBe(true);
    expect(mesh.ingressGateway).toBeUndefined();
  });

  test('every object passes the Kubernetes schemas', () => {
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
  });

  test('istiod: distroless image, PILOT_ENABLE_AMBIENT after CA_TRUSTED_NODE_ACCOUNTS, autoscaled', () => {
    const c = find('Deployment', 'istiod').spec.template.spec.containers[0];
    expect(c.image).toEqual('docker.io/istio/pilot:1.30.3-distroless');
    const names = c.env.map((e: any) => e.name);
    expect(names.slice(5, 9)).toEqual(['KUBECONFIG', 'CA_TRUSTED_NODE_ACCOUNTS', 'PILOT_ENABLE_AMBIENT', 'PILOT_TRACE_SAMPLING']);
    expect(c.env.find((e: any) => e.name === 'PILOT_ENABLE_AMBIENT')).toEqual({ name: 'PILOT_ENABLE_AMBIENT', value: 'true' });
    expect(c.env.find((e: any) => e.name === 'CA_TRUSTED_NODE_ACCOUNTS')).toEqual({ name: 'CA_TRUSTED_NODE_ACCOUNTS', value: 'istio-system/ztunnel' });
    expect(find('HorizontalPodAutoscaler', 'istiod').spec).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
  });

  test('mesh config: distroless image type, HBONE for sidecars, global service scope', () => {
    expect(parse(find('ConfigMap', 'istio').data.mesh)).toEqual({
      defaultConfig: {
        discoveryAddress: 'istiod.istio-system.svc:15012',
        image: { imageType: 'distroless' },
        proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' },
      },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      rootNamespace: 'istio-system',
      serviceScopeConfigs: [{
        scope: 'GLOBAL',
        servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] },
      }],
      trustDomain: 'cluster.local',
    });
  });

  test('injector and values: distroless variant, CNI on (pods get istio-validation), ambient', () => {
    const injector = JSON.parse(find('ConfigMap', 'istio-sidecar-injector').data.values);
    expect(injector.global.variant).toEqual('distroless');
    expect(injector.pilot.cni).toEqual({ enabled: true, provider: 'default' });
    const original = JSON.parse(find('ConfigMap', 'values').data['original-values']);
    expect(original).toMatchObject({ profile: 'ambient', pilot: { enabled: true, cni: { enabled: true } } });
    const merged = JSON.parse(find('ConfigMap', 'values').data['merged-values']);
    expect(merged.cni).toEqual({ ambient: { enabled: true }, enabled: true, provider: 'default' });
    expect(merged.env).toEqual({ PILOT_ENABLE_AMBIENT: 'true' });
    expect(merged.global.variant).toEqual('distroless');
  });

  test('istio-cni: ConfigMap istio-cni-config', () => {
    const cm = find('ConfigMap', 'istio-cni-config');
    expect(cm.metadata.namespace).toEqual('istio-system');
    expect(cm.metadata.labels).toMatchObject({ 'app': 'istio-cni', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Cni' });
    expect(cm.data).toEqual({
      CURRENT_AGENT_VERSION: '1.30.3',
      AMBIENT_ENABLED: 'true',
      AMBIENT_ENABLEMENT_SELECTOR: '- podSelector:\n    matchLabels:\n      istio.io/dataplane-mode: ambient\n- namespaceSelector:\n    matchLabels:\n'
        + '      istio.io/dataplane-mode: ambient\n  podSelector:\n    matchExpressions:\n    - key: istio.io/dataplane-mode\n      operator: NotIn\n'
        + '      values:\n      - none',
      AMBIENT_DNS_CAPTURE: 'true',
      AMBIENT_IPV6: 'true',
      AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
      ENABLE_AMBIENT_DETECTION_RETRY: 'false',
      ISTIO_OWNED_CNI_CONFIG: 'false',
      CHAINED_CNI_PLUGIN: 'true',
      EXCLUDE_NAMESPACES: 'kube-system',
      REPAIR_ENABLED: 'true',
      REPAIR_LABEL_PODS: 'false',
      REPAIR_DELETE_PODS: 'false',
      REPAIR_REPAIR_PODS: 'true',
      REPAIR_INIT_CONTAINER_NAME: 'istio-validation',
      REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
      REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
      NATIVE_NFTABLES: 'false',
    });
  });

  test('istio-cni: ClusterRoles and bindings to ServiceAccount istio-system/istio-cni', () => {
    expect(find('ClusterRole', 'istio-cni').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find('ClusterRole', 'istio-cni-repair-role').rules).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
    ]);
    expect(find('ClusterRole', 'istio-cni-ambient').rules).toEqual([
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: ['istio-cni-node'], verbs: ['get'] },
    ]);
    for (const [binding, role] of [['istio-cni', 'istio-cni'], ['istio-cni-repair-rolebinding', 'istio-cni-repair-role'], ['istio-cni-ambient', 'istio-cni-ambient']]) {
      const b = find('ClusterRoleBinding', binding);
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-cni', namespace: 'istio-system' }]);
    }
  });

  test('istio-cni: DaemonSet istio-cni-node', () => {
    const ds = find('DaemonSet', 'istio-cni-node');
    expect(ds.spec.selector).toEqual({ matchLabels: { 'k8s-app': 'istio-cni-node' } });
    expect(ds.spec.updateStrategy).toEqual({ rollingUpdate: { maxUnavailable: 1 }, type: 'RollingUpdate' });
    const pod = ds.spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'k8s-app': 'istio-cni-node', 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none' });
    expect(pod.metadata.annotations).toEqual({
      'sidecar.istio.io/inject': 'false',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '15014',
      'prometheus.io/path': '/metrics',
      'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
    });
    expect(pod.spec).toMatchObject({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }],
      priorityClassName: 'system-node-critical',
      serviceAccountName: 'istio-cni',
      terminationGracePeriodSeconds: 30,
    });
    const c = pod.spec.containers[0];
    expect(c.name).toEqual('install-cni');
    expect(c.image).toEqual('docker.io/istio/install-cni:1.30.3-distroless');
    expect(c.command).toEqual(['install-cni']);
    expect(c.args).toEqual(['--log_output_level=info']);
    expect(c.ports).toEqual([{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8000 } });
    expect(c.securityContext).toEqual({
      privileged: false,
      runAsGroup: 0,
      runAsUser: 0,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
    });
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'istio-cni-config' } }]);
    expect(c.env.map((e: any) => e.name)).toEqual([
      'REPAIR_NODE_NAME', 'REPAIR_RUN_AS_DAEMON', 'REPAIR_SIDECAR_ANNOTATION', 'ALLOW_SWITCH_TO_HOST_NS', 'NODE_NAME', 'GOMEMLIMIT', 'GOMAXPROCS',
      'POD_NAME', 'POD_NAMESPACE',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' } });
    expect(c.volumeMounts).toEqual([
      { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
      { mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true },
      { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
      { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
      { mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' },
      { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } },
      { name: 'cni-host-procfs', hostPath: { path: '/proc', type: 'Directory' } },
      { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
      { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } },
      { name: 'cni-socket-dir', hostPath: { path: '/var/run/istio-cni' } },
      { name: 'cni-netns-dir', hostPath: { path: '/var/run/netns', type: 'DirectoryOrCreate' } },
    ]);
  });

  test('ztunnel: DaemonSet and ServiceAccount', () => {
    expect(find('ServiceAccount', 'ztunnel').metadata.namespace).toEqual('istio-system');
    const ds = find('DaemonSet', 'ztunnel');
    expect(ds.spec.updateStrategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' });
    expect(ds.spec.selector).toEqual({ matchLabels: { app: 'ztunnel' } });
    const pod = ds.spec.template;
    expect(pod.metadata.labels).toMatchObject({ 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', 'app': 'ztunnel' });
    expect(pod.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false', 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true' });
    expect(pod.spec).toMatchObject({
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      serviceAccountName: 'ztunnel',
      priorityClassName: 'system-node-critical',
      terminationGracePeriodSeconds: 30,
    });
    const c = pod.spec.containers[0];
    expect(c.name).toEqual('istio-proxy');
    expect(c.image).toEqual('docker.io/istio/ztunnel:1.30.3-distroless');
    expect(c.args).toEqual(['proxy', 'ztunnel']);
    expect(c.ports).toEqual([{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }]);
    expect(c.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' } });
    expect(c.readinessProbe).toEqual({ httpGet: { port: 15021, path: '/healthz/ready' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: true,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: false,
      runAsUser: 0,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
    });
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      CA_ADDRESS: 'istiod.istio-system.svc:15012',
      XDS_ADDRESS: 'istiod.istio-system.svc:15012',
      RUST_LOG: 'info',
      RUST_BACKTRACE: '1',
      ISTIO_META_CLUSTER_ID: 'Kubernetes',
      INPOD_ENABLED: 'true',
      TERMINATION_GRACE_PERIOD_SECONDS: '30',
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      NODE_NAME: { fieldRef: { fieldPath: 'spec.nodeName' } },
      INSTANCE_IP: { fieldRef: { fieldPath: 'status.podIP' } },
      SERVICE_ACCOUNT: { fieldRef: { fieldPath: 'spec.serviceAccountName' } },
      ISTIO_META_ENABLE_HBONE: 'true',
      ZTUNNEL_CPU_LIMIT: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } },
    });
    expect(c.volumeMounts.map((v: any) => [v.name, v.mountPath])).toEqual([
      ['istiod-ca-cert', '/var/run/secrets/istio'], ['istio-token', '/var/run/secrets/tokens'],
      ['cni-ztunnel-sock-dir', '/var/run/ztunnel'], ['tmp', '/tmp'],
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
      { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
      { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
      { name: 'tmp', emptyDir: {} },
    ]);
  });
});

describe('ambient options', () => {
  test('cni and ztunnel scheduling, resources, log levels and excluded namespaces', () => {
    const { find } = synth({
      cni: {
        excludeNamespaces: ['kube-system', 'monitoring'],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        tolerations: [kplus.NodeTaintQuery.exists('dedicated')],
        nodeSelector: { 'node-pool': 'mesh' },
        priorityClassName: 'mesh-critical',
        logLevel: 'cni:debug,ambient:info',
      },
      ztunnel: {
        resources: { requests: { cpu: '500m', memory: '1Gi' } },
        tolerations: [kplus.NodeTaintQuery.is('gpu', 'true', { effect: kplus.TaintEffect.NO_SCHEDULE })],
        nodeSelector: { 'node-pool': 'mesh' },
        priorityClassName: 'mesh-critical',
        logLevel: 'info,access=debug',
      },
    });
    expect(find('ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system,monitoring');
    const cni = find('DaemonSet', 'istio-cni-node').spec.template.spec;
    expect(cni).toMatchObject({
      nodeSelector: { 'node-pool': 'mesh' }, priorityClassName: 'mesh-critical', tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    });
    expect(cni.containers[0].args).toEqual(['--log_output_level=cni:debug,ambient:info']);
    expect(cni.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    const zt = find('DaemonSet', 'ztunnel').spec.template.spec;
    expect(zt).toMatchObject({
      nodeSelector: { 'node-pool': 'mesh' },
      priorityClassName: 'mesh-critical',
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
    expect(zt.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' } });
    expect(zt.containers[0].env.find((e: any) => e.name === 'RUST_LOG').value).toEqual('info,access=debug');
  });

  test.each([
    ['GKE', CniPlatform.GKE, '/home/kubernetes/bin', '/etc/cni/net.d'],
    ['k3s', CniPlatform.K3S, '/var/lib/rancher/k3s/data/current/bin/', '/var/lib/rancher/k3s/agent/etc/cni/net.d'],
    ['OpenShift', CniPlatform.OPENSHIFT, '/var/lib/cni/bin', '/etc/cni/multus/net.d'],
    ['a custom platform', CniPlatform.custom('/usr/libexec/cni', '/etc/kubernetes/cni/net.d'), '/usr/libexec/cni', '/etc/kubernetes/cni/net.d'],
  ])('CNI directories on %s', (_name, platform, binDir, confDir) => {
    const { find } = synth({ cni: { platform } });
    const volumes = find('DaemonSet', 'istio-cni-node').spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'cni-bin-dir').hostPath).toEqual({ path: binDir });
    expect(volumes.find((v: any) => v.name === 'cni-net-dir').hostPath).toEqual({ path: confDir });
  });

  test('GKE: a ResourceQuota admits node-critical pods in istio-system', () => {
    const { find, manifests } = synth({ cni: { platform: CniPlatform.GKE } });
    expect(find('ResourceQuota', 'istio-cni-resource-quota').spec).toEqual({
      hard: { pods: '5000' },
      scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] }] },
    });
    expect(manifestProblems(manifests.filter(m => m.kind === 'ResourceQuota'))).toEqual([]);
  });

  test('OpenShift: Multus, not chained, istio-cni.conf, and injected pods request the istio-cni network', () => {
    const { find } = synth({ cni: { platform: CniPlatform.OPENSHIFT } });
    expect(find('ConfigMap', 'istio-cni-config').data).toMatchObject({ CHAINED_CNI_PLUGIN: 'false', CNI_CONF_NAME: 'istio-cni.conf' });
    expect(JSON.parse(find('ConfigMap', 'istio-sidecar-injector').data.values).pilot.cni).toEqual({ enabled: true, provider: 'multus' });
    expect(find('DaemonSet', 'istio-cni-node').spec.template.spec.containers[0].securityContext.seLinuxOptions).toEqual({ type: 'spc_t' });
  });

  test('distroless can be turned off', () => {
    const { find } = synth({ distroless: false });
    expect(find('DaemonSet', 'ztunnel').spec.template.spec.containers[0].image).toEqual('docker.io/istio/ztunnel:1.30.3');
    expect(find('Deployment', 'istiod').spec.template.spec.containers[0].image).toEqual('docker.io/istio/pilot:1.30.3');
    expect(parse(find('ConfigMap', 'istio').data.mesh).defaultConfig.image).toBeUndefined();
  });

  test('a gateway added to an ambient mesh runs the distroless proxy', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT });
    mesh.addIngressGateway('istio-ingressgateway');
    const gw = Testing.synth(chart).find(m => m.kind === 'Deployment' && m.metadata.name === 'istio-ingressgateway');
    expect(gw.spec.template.spec.containers[0].image).toEqual('docker.io/istio/proxyv2:1.30.3-distroless');
  });

  test('ztunnel follows a revisioned istiod and the cluster id', () => {
    const { find } = synth({ revision: '1-30-3', istiod: { clusterId: 'east' } });
    const env = Object.fromEntries(find('DaemonSet', 'ztunnel').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ CA_ADDRESS: 'istiod-1-30-3.istio-system.svc:15012', ISTIO_META_CLUSTER_ID: 'east' });
  });

  test('sync waves: node agent identities -1, DaemonSets 0', () => {
    const { find } = synth({ syncWaves: true });
    const wave = (kind: string, name: string) => find(kind, name).metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave('ClusterRole', 'istio-cni')).toEqual('-1');
    expect(wave('ConfigMap', 'istio-cni-config')).toEqual('-1');
    expect(wave('DaemonSet', 'istio-cni-node')).toEqual('0');
    expect(wave('ServiceAccount', 'ztunnel')).toEqual('-1');
    expect(wave('DaemonSet', 'ztunnel')).toEqual('0');
  });

  test('fails for ambient mode without istio-cni', () => {
    expect(() => synth({ cni: { enabled: false } })).toThrow(/test\/Istio: cni\.enabled false is invalid: ambient mode \(ztunnel\) needs istio-cni/);
  });

  test('fails for ztunnel without istiod', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.EMPTY, cni: { enabled: true }, ztunnel: { enabled: true } }))
      .toThrow(/test\/Istio: ztunnel\.enabled true is invalid: ztunnel needs istiod/);
  });

  test('fails for istio-cni installed by two meshes', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT });
    expect(() => new IstioMesh(chart, 'Canary', { profile: Profile.AMBIENT, revision: 'canary', defaultRevisionTag: false }))
      .toThrow(/test\/Canary: cni\.enabled true is invalid: istio-cni is a cluster-wide node agent, already installed by test\/Istio/);
  });

  test('fails for bad directories, namespaces, log levels and priority classes', () => {
    expect(() => synth({ cni: { platform: CniPlatform.custom('opt/cni/bin', '/etc/cni/net.d') } }))
      .toThrow(/test\/Istio: cni\.platform\.binDir "opt\/cni\/bin" is invalid: must be an absolute path/);
    expect(() => synth({ cni: { excludeNamespaces: ['Kube_System'] } })).toThrow(/test\/Istio: cni\.excludeNamespaces\[0\] "Kube_System" is invalid/);
    expect(() => synth({ cni: { logLevel: 'verbose' } })).toThrow(/test\/Istio: cni\.logLevel "verbose" is invalid: must be a level/);
    expect(() => synth({ ztunnel: { logLevel: 'loud' } })).toThrow(/test\/Istio: ztunnel\.logLevel "loud" is invalid: must be a level/);
    expect(() => synth({ ztunnel: { priorityClassName: 'Not Valid' } })).toThrow(/test\/Istio: ztunnel\.priorityClassName "Not Valid" is invalid/);
    expect(() => synth({ cni: { resources: { requests: { cpu: 'lots' } } } })).toThrow(/test\/Istio: cni\.resources/);
  });

  test('fails when sidecarInjector.cniEnabled disagrees with the mesh', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { sidecarInjector: { cniEnabled: true } }))
      .toThrow(/test\/Istio: sidecarInjector\.cniEnabled true is invalid: the mesh sets it to false from the cni option/);
  });
});

describe('ambient option properties (fast-check, seed 20261130)', () => {
  test('random cni and ztunnel options synthesize valid objects or throw with the construct path', () => {
    // mostly plausible values, some arbitrary strings
    const mostly = (...plausible: string[]) => fc.oneof(
      { arbitrary: fc.constantFrom(...plausible), weight: 12 },
      { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
    );
    const level = mostly('debug', 'info', 'warn', 'error', 'none', 'cni:debug', 'trace', 'info,access=debug');
    const name = mostly('kube-system', 'monitoring', 'system-node-critical');
    const quantity = mostly('100m', '1', '512Mi', '2Gi');
    const dir = mostly('/opt/cni/bin', '/etc/cni/net.d', '/var/lib/cni/bin');
    const options = fc.record({
      cni: fc.record({
        excludeNamespaces: fc.option(fc.array(name, { maxLength: 3 }), { nil: undefined }),
        logLevel: fc.option(level, { nil: undefined }),
        priorityClassName: fc.option(name, { nil: undefined }),
        nodeSelector: fc.option(fc.dictionary(mostly('node-pool', 'kubernetes.io/os'), name, { maxKeys: 2 }), { nil: undefined }),
        resources: fc.option(fc.record({ requests: fc.record({ cpu: quantity, memory: quantity }) }), { nil: undefined }),
        platform: fc.option(fc.tuple(dir, dir).map(([b, c]) => CniPlatform.custom(b, c)), { nil: undefined }),
      }),
      ztunnel: fc.record({
        logLevel: fc.option(level, { nil: undefined }),
        priorityClassName: fc.option(name, { nil: undefined }),
        resources: fc.option(fc.record({ requests: fc.record({ cpu: quantity, memory: quantity }) }), { nil: undefined }),
      }),
    });
    const emitted: any[] = [];
    let rejected = 0;
    fc.assert(fc.property(options, o => {
      const chart = Testing.chart();
      try {
        new IstioMesh(chart, 'x', { profile: Profile.AMBIENT, crds: undefined, ...o });
        emitted.push(...Testing.synth(chart).filter(m => m.kind === 'DaemonSet' || m.kind === 'ConfigMap'));
      } catch (e) {
        if (!(e instanceof Error) || e instanceof TypeError || !/test\/x\b/.test(e.message)) throw e;
        rejected++;
      }
    }), { seed: 20261130, numRuns: 60 });
    expect(emitted.length).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
    expect(manifestProblems(emitted)).toEqual([]);
  });
});
