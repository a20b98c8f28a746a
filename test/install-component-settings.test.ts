import { Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { expectValidManifests } from './support/istio-validate';
import {
  applyToPodTemplate, ComponentKubernetesOptions, DisruptionBudget, IpFamily, IpFamilyPolicy, renderDaemonSetUpdateStrategy, SeccompProfileType,
  SessionAffinity, UnsatisfiableSpread,
} from '../src/install/component-kubernetes';
import { GatewayInstallation, GatewayKind, GatewayScaling } from '../src/install/gateway-installation';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

const synthMesh = (props: ConstructorParameters<typeof IstioMesh>[2] = {}) => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', props);
  return { mesh, manifests: Testing.synth(chart) };
};
const named = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);

describe('rendering defects', () => {
  test('a gateway with a version label reports it as its canonical revision', () => {
    const chart = Testing.chart();
    new GatewayInstallation(chart, 'Versioned', { name: 'versioned', labels: { version: 'v2' } });
    new GatewayInstallation(chart, 'Recommended', { name: 'recommended', labels: { 'version': 'v2', 'app.kubernetes.io/version': '3.1' } });
    new GatewayInstallation(chart, 'Plain', { name: 'plain' });
    const manifests = Testing.synth(chart);
    const revision = (name: string) => named(manifests, 'Deployment', name).spec.template.metadata.labels['service.istio.io/canonical-revision'];
    expect(revision('versioned')).toEqual('v2');
    expect(revision('recommended')).toEqual('3.1');
    expect(revision('plain')).toEqual('latest');
    expectValidManifests(manifests);
  });

  test('istio-reader-service-account belongs to the base component, in the mesh namespace', () => {
    const withBase = synthMesh({ profile: Profile.MINIMAL, namespace: 'mesh-system' }).manifests;
    expect(withBase.filter(m => m.metadata.name === 'istio-reader-service-account').map(m => `${m.kind} ${m.metadata.namespace}`))
      .toEqual(['ServiceAccount mesh-system']);
    const withoutBase = synthMesh({ profile: Profile.MINIMAL, base: false }).manifests;
    expect(withoutBase.some(m => m.metadata.name === 'istio-reader-service-account')).toBe(false);
    // without base, no CRDs either, unless asked for
    expect(withoutBase.some(m => m.kind === 'CustomResourceDefinition' && m.spec.group.endsWith('istio.io'))).toBe(false);
    // istiod off, base on: the account is still written
    const baseOnly = synthMesh({ profile: Profile.EMPTY, base: true }).manifests;
    expect(baseOnly.filter(m => m.kind === 'ServiceAccount').map(m => m.metadata.name)).toEqual(['istio-reader-service-account']);
  });

  test('fails naming the property behind a gateway variable, or none when there is none', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { env: { PILOT_CERT_PROVIDER: 'kubernetes' } }))
      .toThrow(/Ingress: env "PILOT_CERT_PROVIDER" is invalid: is set by the installation itself and cannot be overridden on a gateway/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { env: { ISTIO_META_MESH_ID: 'm1' } }))
      .toThrow(/env "ISTIO_META_MESH_ID" is invalid: is set by the installation itself; set meshId instead/);
  });
});

describe('component Kubernetes settings', () => {
  // GIVEN every setting, once on the mesh (defaults) and overridden on istiod and the ingress gateway
  const chart = Testing.chart();
  const secret = kplus.Secret.fromSecretName(chart, 'Creds', 'cloud-creds');
  const configMap = kplus.ConfigMap.fromConfigMapName(chart, 'Tuning', 'istiod-tuning');
  const k8s: ComponentKubernetesOptions = {
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    imagePullSecrets: ['registry-creds'],
    affinity: {
      requiredNodeTerms: [{ labels: [kplus.NodeLabelQuery.in('kubernetes.io/arch', ['amd64', 'arm64'])] }],
      preferredNodeTerms: [{ weight: 10, labels: [kplus.NodeLabelQuery.is('node-role', 'infra')] }],
      preferredPodAntiAffinity: [{ weight: 100, topology: kplus.Topology.ZONE }],
      requiredPodAffinity: [{ topology: kplus.Topology.HOSTNAME, labels: { app: 'cache' }, namespaces: ['cache'] }],
    },
    topologySpreadConstraints: [{ topology: kplus.Topology.ZONE, maxSkew: 2, whenUnsatisfiable: UnsatisfiableSpread.DO_NOT_SCHEDULE, minDomains: 2 }],
    priorityClassName: 'system-cluster-critical',
    podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
    podLabels: { team: 'platform' },
    podSecurityContext: {
      fsGroup: 1337,
      supplementalGroups: [2000],
      seccompProfile: SeccompProfileType.RUNTIME_DEFAULT,
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    },
    envValues: {
      CLOUD_TOKEN: kplus.EnvValue.fromSecretValue({ secret, key: 'token' }),
      NODE_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_IP),
    },
    envFrom: [kplus.Env.fromConfigMap(configMap, 'TUNING_')],
    volumes: [{ volume: kplus.Volume.fromSecret(chart, 'ExtraCerts', secret, { name: 'extra-certs' }), mountPath: '/etc/extra', readOnly: true }],
    readinessProbe: { periodSeconds: Duration.seconds(5), failureThreshold: 10, timeoutSeconds: Duration.seconds(2) },
    rollingUpdate: { maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.percent(0) },
    disruptionBudget: DisruptionBudget.maxUnavailablePercent(50),
    autoscalingMetrics: [
      kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(150)),
      kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(75)),
    ],
    autoscalingScaleDown: {
      stabilizationWindow: Duration.minutes(5),
      strategy: kplus.ScalingStrategy.MIN_CHANGE,
      policies: [{ replicas: kplus.Replicas.absolute(1), duration: Duration.minutes(1) }],
    },
    autoscalingScaleUp: { policies: [{ replicas: kplus.Replicas.percent(100), duration: Duration.seconds(30) }] },
    serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/istio' },
  };
  new IstioMesh(chart, 'Istio', {
    components: { ...k8s, hub: 'mirror.example.com/istio', podLabels: { ...k8s.podLabels, tier: 'mesh' }, nodeSelector: { pool: 'system' } },
    istiod: {
      tag: '1.30.3-distroless',
      autoscaling: { minReplicas: 2, targetCpuUtilization: 150 },
      service: { annotations: { 'example.com/owner': 'platform' }, sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.minutes(10) },
    },
    ingressGateway: {
      scaling: GatewayScaling.autoscale({ minReplicas: 2, targetCpuUtilization: 200 }),
      service: {
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' },
        loadBalancerIp: '203.0.113.10',
        loadBalancerClass: 'service.k8s.aws/nlb',
        ipFamilies: [IpFamily.IPV4, IpFamily.IPV6],
        ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK,
      },
      podLabels: { tier: 'edge' },
    },
  });
  const manifests = Testing.synth(chart);
  const istiod = named(manifests, 'Deployment', 'istiod');
  const gateway = named(manifests, 'Deployment', 'istio-ingressgateway');

  test('the objects pass the Kubernetes schemas', () => {
    expectValidManifests(manifests);
  });

  test('images: per-component hub and tag, pull policy and pull secrets', () => {
    expect(istiod.spec.template.spec.containers[0].image).toEqual('mirror.example.com/istio/pilot:1.30.3-distroless');
    expect(gateway.spec.template.spec.containers[0].image).toEqual('mirror.example.com/istio/proxyv2:1.30.3');
    for (const d of [istiod, gateway]) {
      expect(d.spec.template.spec.containers[0].imagePullPolicy).toEqual('IfNotPresent');
      expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    }
  });

  test('scheduling: affinity, topology spread, priority class, node selector', () => {
    for (const d of [istiod, gateway]) {
      const spec = d.spec.template.spec;
      // istiod's pods are also selected by its Service (app: istiod)
      const selector = d === istiod ? { app: 'istiod', istio: 'pilot' } : d.spec.selector.matchLabels;
      expect(spec.affinity).toEqual({
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'node-role', operator: 'In', values: ['infra'] }] } },
          ],
        },
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: 'cache' } }, namespaces: ['cache'], topologyKey: 'kubernetes.io/hostname' },
          ],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'topology.kubernetes.io/zone' } },
          ],
        },
      });
      expect(spec.topologySpreadConstraints).toEqual([{
        maxSkew: 2, minDomains: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector },
      }]);
      expect(spec.priorityClassName).toEqual('system-cluster-critical');
      expect(spec.nodeSelector).toEqual({ pool: 'system' });
    }
  });

  test('pod metadata: annotations, labels (the component\'s override the mesh\'s)', () => {
    expect(istiod.spec.template.metadata.labels).toMatchObject({ tier: 'mesh', team: 'platform', app: 'istiod' });
    expect(gateway.spec.template.metadata.labels).toMatchObject({ tier: 'edge', team: 'platform', app: 'istio-ingressgateway' });
    for (const d of [istiod, gateway]) {
      expect(d.spec.template.metadata.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict']).toEqual('true');
      expect(d.spec.template.metadata.annotations['sidecar.istio.io/inject']).toEqual('false');
    }
  });

  test('pod securityContext with sysctls, laid over the component\'s own', () => {
    expect(gateway.spec.template.spec.securityContext).toEqual({
      runAsUser: 1337,
      runAsGroup: 1337,
      runAsNonRoot: true,
      fsGroup: 1337,
      supplementalGroups: [2000],
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(istiod.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  test('env from Secrets, pod fields and whole ConfigMaps; extra volumes and mounts', () => {
    for (const d of [istiod, gateway]) {
      const c = d.spec.template.spec.containers[0];
      expect(c.env).toContainEqual({ name: 'CLOUD_TOKEN', valueFrom: { secretKeyRef: { name: 'cloud-creds', key: 'token' } } });
      expect(c.env).toContainEqual({ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'istiod-tuning' }, prefix: 'TUNING_' }]);
      expect(d.spec.template.spec.volumes).toContainEqual({ name: 'extra-certs', secret: { secretName: 'cloud-creds' } });
      expect(c.volumeMounts).toContainEqual({ name: 'extra-certs', mountPath: '/etc/extra', readOnly: true });
    }
  });

  test('readiness probe tuning keeps the component\'s check', () => {
    expect(istiod.spec.template.spec.containers[0].readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 10,
    });
    expect(gateway.spec.template.spec.containers[0].readinessProbe).toMatchObject({
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 10,
    });
  });

  test('rollout strategy', () => {
    for (const d of [istiod, gateway]) expect(d.spec.strategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } });
  });

  test('autoscaler: CPU above 100%, memory, behavior', () => {
    for (const name of ['istiod', 'istio-ingressgateway']) {
      const hpa = named(manifests, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 150 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      ]);
      expect(hpa.spec.behavior).toEqual({
        scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      });
    }
  });

  test('disruption budget: maxUnavailable', () => {
    for (const name of ['istiod', 'istio-ingressgateway']) {
      expect(named(manifests, 'PodDisruptionBudget', name).spec).toMatchObject({ maxUnavailable: '50%' });
      expect(named(manifests, 'PodDisruptionBudget', name).spec.minAvailable).toBeUndefined();
    }
  });

  test('ServiceAccount annotations for cloud identities', () => {
    for (const name of ['istiod', 'istio-ingressgateway-service-account']) {
      expect(named(manifests, 'ServiceAccount', name).metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/istio' });
    }
  });

  test('Service: annotations, load balancer IP and class, session affinity, IP families', () => {
    const istiodService = named(manifests, 'Service', 'istiod');
    expect(istiodService.metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
    expect(istiodService.spec).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
    const gatewayService = named(manifests, 'Service', 'istio-ingressgateway');
    expect(gatewayService.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' });
    expect(gatewayService.spec).toMatchObject({
      type: 'LoadBalancer',
      loadBalancerIP: '203.0.113.10',
      loadBalancerClass: 'service.k8s.aws/nlb',
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'PreferDualStack',
    });
  });

  test('a bare GatewayInstallation takes the same options', () => {
    const c = Testing.chart();
    new GatewayInstallation(c, 'Egress', {
      kind: GatewayKind.EGRESS,
      priorityClassName: 'high',
      podAnnotations: { a: 'b' },
      disruptionBudget: DisruptionBudget.minAvailable(2),
      scaling: GatewayScaling.autoscale({ minReplicas: 3 }),
    });
    const out = Testing.synth(c);
    expect(named(out, 'Deployment', 'istio-egressgateway').spec.template.spec.priorityClassName).toEqual('high');
    expect(named(out, 'Deployment', 'istio-egressgateway').spec.template.metadata.annotations.a).toEqual('b');
    expect(named(out, 'PodDisruptionBudget', 'istio-egressgateway').spec.minAvailable).toEqual(2);
    expectValidManifests(out);
  });
});

describe('component Kubernetes settings: validation', () => {
  const mesh = (props: ConstructorParameters<typeof IstioMesh>[2]) => () => new IstioMesh(Testing.chart(), 'Istio', props);

  test('fails on an affinity weight outside 1–100', () => {
    expect(mesh({ istiod: { affinity: { preferredNodeTerms: [{ weight: 0, labels: [kplus.NodeLabelQuery.exists('a')] }] } } }))
      .toThrow(/Istio: istiod\.affinity\.preferredNodeTerms\[0\]\.weight 0 is invalid/);
  });

  test('fails on a pod label that would change the selector', () => {
    expect(mesh({ istiod: { podLabels: { app: 'other' } } })).toThrow(/istiod\.podLabels "app=other" is invalid: the pods are selected by app=istiod/);
  });

  test('fails on an env value the installation sets', () => {
    expect(mesh({ istiod: { envValues: { POD_NAME: kplus.EnvValue.fromValue('x') } } }))
      .toThrow(/istiod\.envValues "POD_NAME" is invalid: is set by the installation itself/);
  });

  test('fails on a volume whose name the component uses', () => {
    const chart = Testing.chart();
    const volume = kplus.Volume.fromEmptyDir(chart, 'V', 'local-certs');
    expect(() => new IstioMesh(chart, 'Istio', { istiod: { volumes: [{ volume, mountPath: '/x' }] } }))
      .toThrow(/istiod\.volumes\[0\]\.volume "local-certs" is invalid: a volume with this name is already in the pod/);
  });

  test('fails on a relative mount path', () => {
    const chart = Testing.chart();
    const volume = kplus.Volume.fromEmptyDir(chart, 'V', 'scratch');
    expect(() => new IstioMesh(chart, 'Istio', { components: { volumes: [{ volume, mountPath: 'tmp' }] } }))
      .toThrow(/Istio: components\.volumes\[0\]\.mountPath "tmp" is invalid: must be an absolute path/);
  });

  test('fails on load-balancer settings of a ClusterIP Service', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Egress', { kind: GatewayKind.EGRESS, service: { loadBalancerIp: '10.0.0.1' } }))
      .toThrow(/Egress: service\.loadBalancerIp "10\.0\.0\.1" is invalid: needs a LoadBalancer Service/);
  });

  test('fails on two IP families with a single-stack policy', () => {
    expect(mesh({ istiod: { service: { ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] } } }))
      .toThrow(/istiod\.service\.ipFamilyPolicy undefined is invalid: two ipFamilies need PREFER_DUAL_STACK/);
  });

  test('fails on a session affinity timeout without ClientIP affinity', () => {
    expect(mesh({ istiod: { service: { sessionAffinityTimeout: Duration.minutes(1) } } }))
      .toThrow(/istiod\.service\.sessionAffinityTimeout "1 minute" is invalid: needs sessionAffinity: SessionAffinity\.CLIENT_IP/);
  });

  test('fails on a rollout that can never progress', () => {
    expect(mesh({ istiod: { rollingUpdate: { maxSurge: kplus.PercentOrAbsolute.absolute(0), maxUnavailable: kplus.PercentOrAbsolute.percent(0) } } }))
      .toThrow(/istiod\.rollingUpdate .* is invalid: maxSurge and maxUnavailable cannot both be zero/);
  });

  test('fails on a disruption budget percentage above 100', () => {
    expect(mesh({ istiod: { disruptionBudget: DisruptionBudget.minAvailablePercent(120) } }))
      .toThrow(/istiod\.disruptionBudget\.minAvailable "120%" is invalid: must be a whole percentage from 0 to 100/);
  });

  test('fails on minDomains without DO_NOT_SCHEDULE', () => {
    expect(mesh({ istiod: { topologySpreadConstraints: [{ topology: kplus.Topology.ZONE, minDomains: 2 }] } }))
      .toThrow(/istiod\.topologySpreadConstraints\[0\]\.minDomains 2 is invalid: minDomains needs whenUnsatisfiable/);
  });

  test('fails on a Localhost seccomp profile without its file', () => {
    expect(mesh({ istiod: { podSecurityContext: { seccompProfile: SeccompProfileType.LOCALHOST } } }))
      .toThrow(/istiod\.podSecurityContext\.seccompLocalhostProfile undefined is invalid: is required with SeccompProfileType\.LOCALHOST/);
  });

  test('fails on probe durations that are not whole seconds', () => {
    expect(mesh({ istiod: { readinessProbe: { periodSeconds: Duration.millis(1500) } } }))
      .toThrow(/istiod\.readinessProbe\.periodSeconds "1 second 500 millis" is invalid: must be a whole number of seconds/);
  });

  test('property: any affinity weight outside 1–100 fails, any inside renders', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), weight => {
      const affinity = { preferredPodAntiAffinity: [{ weight, topology: kplus.Topology.HOSTNAME }] };
      const build = mesh({ profile: Profile.MINIMAL, istiod: { affinity } });
      if (weight >= 1 && weight <= 100) expect(build).not.toThrow();
      else expect(build).toThrow(/weight .* is invalid/);
    }), { seed: 15, numRuns: 40 });
  });

  test('property: any whole CPU target from 1 up is accepted, anything else fails', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -50, max: 500 }), fc.double({ min: 0, max: 300, noNaN: true })), target => {
      const build = () => new GatewayInstallation(Testing.chart(), 'Gw', { scaling: GatewayScaling.autoscale({ targetCpuUtilization: target }) });
      if (Number.isInteger(target) && target >= 1) expect(build).not.toThrow();
      else expect(build).toThrow(/targetCpuUtilization .* is invalid/);
    }), { seed: 15, numRuns: 60 });
  });
});

describe('overlays', () => {
  test('patch any object the installation writes, last', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', {
      overlays: [{ kind: 'Deployment', name: 'istiod', patches: [JsonPatch.add('/spec/template/spec/containers/0/args/-', '--profiling=false')] }],
    });
    mesh.addOverlay({ kind: 'Service', name: 'istio-ingressgateway', namespace: 'istio-system', patches: [JsonPatch.add('/spec/allocateLoadBalancerNodePorts', false)] });
    mesh.addOverlay({ kind: 'ConfigMap', name: 'istio', patches: [JsonPatch.add('/metadata/annotations', { owner: 'platform' })] });
    const manifests = Testing.synth(chart);
    expect(named(manifests, 'Deployment', 'istiod').spec.template.spec.containers[0].args.at(-1)).toEqual('--profiling=false');
    expect(named(manifests, 'Service', 'istio-ingressgateway').spec.allocateLoadBalancerNodePorts).toBe(false);
    expect(named(manifests, 'ConfigMap', 'istio').metadata.annotations).toEqual({ owner: 'platform' });
    // the overlaid ConfigMap still holds the mesh config, resolved at synthesis
    expect(named(manifests, 'ConfigMap', 'istio').data.mesh).toContain('rootNamespace: istio-system');
    expectValidManifests(manifests);
  });

  test('fails naming the objects of the kind when none matches', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL });
    expect(() => mesh.addOverlay({ kind: 'Deployment', name: 'istio-ingressgateway', patches: [JsonPatch.remove('/spec/replicas')] }))
      .toThrow(/Istio: addOverlay\(\)\.name "istio-ingressgateway" is invalid: no Deployment of this name is written by the installation; its Deployment objects: istio-system\/istiod/);
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { overlays: [{ kind: 'deployment', name: 'istiod', patches: [JsonPatch.remove('/x')] }] }))
      .toThrow(/overlays\[0\]\.kind "deployment" is invalid: must be a Kubernetes kind/);
    expect(() => mesh.addOverlay({ kind: 'Deployment', name: 'istiod', patches: [] }))
      .toThrow(/addOverlay\(\)\.patches \[\] is invalid: must hold at least one JsonPatch/);
  });
});

describe('control-plane NetworkPolicies', () => {
  test('istiod and each gateway accept their own ports and may connect anywhere', () => {
    const { manifests } = synthMesh({ networkPolicy: true, revision: 'canary' });
    const policies = manifests.filter(m => m.kind === 'NetworkPolicy');
    expect(policies.map(p => p.metadata.name)).toEqual(['istiod-canary', 'istio-ingressgateway']);
    expect(policies[0].spec).toEqual({
      podSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'canary' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { ports: [{ port: 15017, protocol: 'TCP' }] },
        { ports: [{ port: 15010, protocol: 'TCP' }, { port: 15012, protocol: 'TCP' }] },
        { ports: [{ port: 15014, protocol: 'TCP' }] },
      ],
      egress: [{}],
    });
    expect(policies[1].spec).toEqual({
      podSelector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [15021, 8080, 8443, 15090].map(port => ({ port, protocol: 'TCP' })) }],
      egress: [{}],
    });
    expect(JSON.parse(named(manifests, 'ConfigMap', 'values-canary').data['merged-values']).global.networkPolicy).toEqual({ enabled: true });
    expectValidManifests(manifests);
  });

  test('none by default', () => {
    expect(synthMesh().manifests.some(m => m.kind === 'NetworkPolicy')).toBe(false);
  });
});

describe('applying the options to another component', () => {
  test('a DaemonSet pod template and update strategy take the same options', () => {
    const template = {
      metadata: { labels: { 'k8s-app': 'istio-cni-node' } },
      spec: { containers: [{ name: 'install-cni', image: 'docker.io/istio/install-cni:1.30.3' }] },
    };
    applyToPodTemplate(undefined, 'cni', template, 'install-cni', { 'k8s-app': 'istio-cni-node' }, {
      tag: '1.30.3-distroless', priorityClassName: 'system-node-critical', podAnnotations: { a: 'b' },
    });
    expect(template).toEqual({
      metadata: { labels: { 'k8s-app': 'istio-cni-node' }, annotations: { a: 'b' } },
      spec: { containers: [{ name: 'install-cni', image: 'docker.io/istio/install-cni:1.30.3-distroless' }], priorityClassName: 'system-node-critical' },
    });
    expect(renderDaemonSetUpdateStrategy(Testing.chart(), 'cni.rollingUpdate', { rollingUpdate: { maxUnavailable: kplus.PercentOrAbsolute.percent(10) } },
      { maxSurge: 1, maxUnavailable: 0 }))
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } });
  });
});

describe('component Kubernetes settings: properties', () => {
  test('property: a disruption budget renders exactly when its amount is valid', () => {
    fc.assert(fc.property(fc.integer({ min: -20, max: 150 }), fc.boolean(), fc.boolean(), (amount, percent, min) => {
      const budget = percent
        ? (min ? DisruptionBudget.minAvailablePercent(amount) : DisruptionBudget.maxUnavailablePercent(amount))
        : (min ? DisruptionBudget.minAvailable(amount) : DisruptionBudget.maxUnavailable(amount));
      const build = () => new GatewayInstallation(Testing.chart(), 'Gw', { disruptionBudget: budget, scaling: GatewayScaling.fixed(3) });
      const valid = amount >= 0 && (!percent || amount <= 100);
      if (!valid) {
        expect(build).toThrow(/disruptionBudget\.(minAvailable|maxUnavailable) .* is invalid/);
        return;
      }
      const chart = Testing.chart();
      new GatewayInstallation(chart, 'Gw', { disruptionBudget: budget, scaling: GatewayScaling.fixed(3) });
      const spec = Testing.synth(chart).find(m => m.kind === 'PodDisruptionBudget').spec;
      expect(spec[min ? 'minAvailable' : 'maxUnavailable']).toEqual(percent ? `${amount}%` : amount);
    }), { seed: 15, numRuns: 40 });
  });

  test('property: the Service IP families are accepted exactly as Kubernetes accepts them', () => {
    const families = fc.array(fc.constantFrom(IpFamily.IPV4, IpFamily.IPV6), { maxLength: 3 });
    const policy = fc.constantFrom(IpFamilyPolicy.SINGLE_STACK, IpFamilyPolicy.PREFER_DUAL_STACK, IpFamilyPolicy.REQUIRE_DUAL_STACK);
    const policies = fc.option(policy, { nil: undefined });
    fc.assert(fc.property(families, policies, (ipFamilies, ipFamilyPolicy) => {
      const build = () => new GatewayInstallation(Testing.chart(), 'Gw', { service: { ipFamilies, ipFamilyPolicy } });
      const valid = ipFamilies.length >= 1 && ipFamilies.length <= 2 && new Set(ipFamilies).size === ipFamilies.length
        && (ipFamilies.length === 1 || (ipFamilyPolicy !== undefined && ipFamilyPolicy !== IpFamilyPolicy.SINGLE_STACK));
      if (valid) expect(build).not.toThrow();
      else expect(build).toThrow(/service\.ip(Families|FamilyPolicy) .* is invalid/);
    }), { seed: 15, numRuns: 60 });
  });
});
