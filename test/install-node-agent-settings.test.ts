import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { expectValidManifests, manifestProblems } from './support/istio-validate';
import { DisruptionBudget, SeccompProfileType } from '../src/install/component-kubernetes';
import { IstioMesh, IstioMeshProps } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

function synth(props: IstioMeshProps = {}) {
  const chart = Testing.chart();
  new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT, ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
  return { manifests, find };
}

const AGENT_TOLERATIONS = [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }];

describe('istio-cni and ztunnel take the workload Kubernetes options', () => {
  test('every pod, image, identity and rollout option lands on the DaemonSets and ServiceAccounts', () => {
    const chart = Testing.chart();
    const certs = kplus.Volume.fromSecret(chart, 'Certs', kplus.Secret.fromSecretName(chart, 'CertSecret', 'extra-certs'));
    const common = {
      hub: 'registry.example.com/istio',
      tag: '1.30.3-distroless',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      imagePullSecrets: ['pull-secret'],
      affinity: { requiredNodeTerms: [{ labels: [kplus.NodeLabelQuery.in('kubernetes.io/arch', ['amd64', 'arm64'])] }] },
      podAnnotations: { 'team.example.com/owner': 'mesh' },
      podLabels: { team: 'mesh' },
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'mesh@project.iam.gserviceaccount.com' },
      readinessProbe: { periodSeconds: Duration.seconds(5), failureThreshold: 5 },
      envValues: { HTTPS_PROXY: kplus.EnvValue.fromValue('http://proxy:3128') },
      volumes: [{ volume: certs, mountPath: '/etc/extra-certs', readOnly: true }],
    };
    new IstioMesh(chart, 'Istio', {
      profile: Profile.AMBIENT,
      cni: { ...common, rollingUpdate: { maxUnavailable: kplus.PercentOrAbsolute.percent(10) } },
      ztunnel: {
        ...common,
        podSecurityContext: { seccompProfile: SeccompProfileType.RUNTIME_DEFAULT },
        rollingUpdate: { maxSurge: kplus.PercentOrAbsolute.absolute(2) },
      },
    });
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
    const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
    for (const [name, container, sa] of [['istio-cni-node', 'install-cni', 'istio-cni'], ['ztunnel', 'istio-proxy', 'ztunnel']]) {
      const ds = find('DaemonSet', name);
      const pod = ds.spec.template;
      const c = pod.spec.containers.find((x: any) => x.name === container);
      const image = name === 'ztunnel' ? 'ztunnel' : 'install-cni';
      expect(c.image).toEqual(`registry.example.com/istio/${image}:1.30.3-distroless`);
      expect(c.imagePullPolicy).toEqual('IfNotPresent');
      expect(pod.spec.imagePullSecrets).toEqual([{ name: 'pull-secret' }]);
      expect(pod.spec.affinity).toEqual({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }] } },
      });
      expect(pod.metadata.annotations['team.example.com/owner']).toEqual('mesh');
      expect(pod.metadata.labels.team).toEqual('mesh');
      expect(c.readinessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 5 });
      expect(c.env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
      expect(c.volumeMounts).toContainEqual({ name: pod.spec.volumes.at(-1).name, mountPath: '/etc/extra-certs', readOnly: true });
      expect(pod.spec.volumes.at(-1).secret.secretName).toEqual('extra-certs');
      // the agent's own defaults stay
      expect(pod.spec.tolerations).toEqual(AGENT_TOLERATIONS);
      expect(pod.spec.priorityClassName).toEqual('system-node-critical');
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(find('ServiceAccount', sa).metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'mesh@project.iam.gserviceaccount.com' });
    }
    expect(find('DaemonSet', 'istio-cni-node').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } });
    expect(find('DaemonSet', 'ztunnel').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } });
    expect(find('DaemonSet', 'ztunnel').spec.template.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('without options the DaemonSets keep their upstream rollout: cni one node down, ztunnel the new pod first', () => {
    const { find } = synth();
    expect(find('DaemonSet', 'istio-cni-node').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(find('DaemonSet', 'ztunnel').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(find('ServiceAccount', 'ztunnel').metadata.annotations).toBeUndefined();
  });

  test('the mesh components defaults apply; the Deployment-only ones and priorityClassName are for istiod and gateways', () => {
    const { manifests, find } = synth({
      components: {
        podAnnotations: { 'cost-center': 'platform' },
        imagePullSecrets: ['mesh-pull'],
        nodeSelector: { 'node-pool': 'system' },
        tolerations: [kplus.NodeTaintQuery.exists('dedicated')],
        priorityClassName: 'control-plane',
        disruptionBudget: DisruptionBudget.minAvailable(2),
        autoscalingMetrics: [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(70))],
        service: { annotations: { 'lb.example.com/internal': 'true' } },
        rollingUpdate: { maxUnavailable: kplus.PercentOrAbsolute.absolute(3) },
      },
      ztunnel: { podAnnotations: { 'cost-center': 'dataplane' }, tolerations: [kplus.NodeTaintQuery.exists('gpu')] },
    });
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
    const cni = find('DaemonSet', 'istio-cni-node');
    expect(cni.spec.template.metadata.annotations['cost-center']).toEqual('platform');
    expect(cni.spec.template.spec.imagePullSecrets).toEqual([{ name: 'mesh-pull' }]);
    expect(cni.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node-pool': 'system' });
    // the mesh's tolerations add to the agent's; its priority class is the control plane's
    expect(cni.spec.template.spec.tolerations).toEqual([...AGENT_TOLERATIONS, { key: 'dedicated', operator: 'Exists' }]);
    expect(cni.spec.template.spec.priorityClassName).toEqual('system-node-critical');
    expect(cni.spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 3 });
    const zt = find('DaemonSet', 'ztunnel');
    expect(zt.spec.template.metadata.annotations['cost-center']).toEqual('dataplane');
    // the agent's own tolerations replace its defaults
    expect(zt.spec.template.spec.tolerations).toEqual([{ key: 'gpu', operator: 'Exists' }]);
    expect(find('Deployment', 'istiod').spec.template.spec.priorityClassName).toEqual('control-plane');
  });

  test.each([
    ['cni', 'disruptionBudget', DisruptionBudget.minAvailable(1), /cni\.disruptionBudget .* istio-cni-node is a DaemonSet: it runs one pod per node and has no PodDisruptionBudget/],
    ['ztunnel', 'autoscalingMetrics', [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(80))], /ztunnel\.autoscalingMetrics .* ztunnel is a DaemonSet: it runs one pod per node and does not autoscale/],
    ['ztunnel', 'autoscalingScaleUp', { stabilizationWindow: Duration.minutes(1) }, /ztunnel\.autoscalingScaleUp .* does not autoscale/],
    ['cni', 'autoscalingScaleDown', { stabilizationWindow: Duration.minutes(1) }, /cni\.autoscalingScaleDown .* does not autoscale/],
    ['cni', 'service', { annotations: { a: 'b' } }, /cni\.service .* istio-cni-node is a DaemonSet: it has no Service/],
  ])('fails when %s is given the Deployment-only %s', (component, field, value, message) => {
    expect(() => synth({ [component]: { [field]: value } } as IstioMeshProps)).toThrow(message);
  });

  test('fails when a DaemonSet rolling update sets both or neither of maxSurge and maxUnavailable', () => {
    const both = { maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(1) };
    expect(() => synth({ ztunnel: { rollingUpdate: both } }))
      .toThrow(/test\/Istio: ztunnel\.rollingUpdate "maxSurge 1, maxUnavailable 1" is invalid: a DaemonSet rolls out with exactly one of maxSurge/);
    expect(() => synth({ components: { rollingUpdate: both } })).toThrow(/components\.rollingUpdate "maxSurge 1, maxUnavailable 1" is invalid/);
    expect(() => synth({ cni: { rollingUpdate: { maxUnavailable: kplus.PercentOrAbsolute.percent(150) } } }))
      .toThrow(/cni\.rollingUpdate\.maxUnavailable "150%" is invalid: a DaemonSet takes at most 100%/);
  });

  test('fails when an option clashes with the agent: selector label, env name, bad names', () => {
    expect(() => synth({ cni: { podLabels: { 'k8s-app': 'other' } } })).toThrow(/test\/Istio: cni\.podLabels "k8s-app=other" is invalid: the pods are selected by k8s-app=istio-cni-node/);
    expect(() => synth({ ztunnel: { envValues: { RUST_LOG: kplus.EnvValue.fromValue('debug') } } })).toThrow(/test\/Istio: ztunnel\.envValues "RUST_LOG" is invalid: is set by the installation itself/);
    expect(() => synth({ cni: { priorityClassName: 'Not Valid' } })).toThrow(/cni\.priorityClassName "Not Valid" is invalid/);
    expect(() => synth({ ztunnel: { imagePullSecrets: ['Bad_Name'] } })).toThrow(/ztunnel\.imagePullSecrets\[0\] "Bad_Name" is invalid/);
  });
});

describe('node agent rollout property (fast-check, seed 15)', () => {
  test('a DaemonSet rolling update renders exactly when one of maxSurge and maxUnavailable is above zero and both are at most 100%', () => {
    const amount = fc.option(fc.oneof(
      fc.integer({ min: 0, max: 3 }).map(n => kplus.PercentOrAbsolute.absolute(n)),
      fc.integer({ min: 0, max: 150 }).map(n => kplus.PercentOrAbsolute.percent(n)),
    ), { nil: undefined });
    const emitted: any[] = [];
    fc.assert(fc.property(fc.constantFrom('cni', 'ztunnel'), amount, amount, (component, maxSurge, maxUnavailable) => {
      const values = [maxSurge, maxUnavailable].filter(v => v !== undefined).map(v => v!.value);
      const zero = (v: kplus.PercentOrAbsolute | undefined) => v === undefined || v.isZero();
      const over = values.some(v => typeof v === 'string' && Number(v.slice(0, -1)) > 100);
      const neither = maxSurge === undefined && maxUnavailable === undefined;
      const valid = neither || (!over && zero(maxSurge) !== zero(maxUnavailable));
      const build = () => synth({ [component]: { rollingUpdate: { maxSurge, maxUnavailable } } });
      if (valid) {
        const { find } = build();
        const ds = find('DaemonSet', component === 'cni' ? 'istio-cni-node' : 'ztunnel');
        emitted.push(ds);
        const expected = { maxSurge: maxSurge?.value ?? 0, maxUnavailable: maxUnavailable?.value ?? 0 };
        if (!neither) expect(ds.spec.updateStrategy.rollingUpdate).toEqual(expected);
      } else {
        expect(build).toThrow(new RegExp(`test/Istio: ${component}\\.rollingUpdate`));
      }
    }), { seed: 15, numRuns: 60 });
    expect(manifestProblems(emitted)).toEqual([]);
  });
});
