import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { expectValidManifests } from './support/istio-validate';
import { IstioMesh } from '../src/install/istio-mesh';
import { IstioOperatorSource } from '../src/install/istio-operator';
import { Profile } from '../src/install/profile';

const named = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
const fromYaml = (yaml: string) => {
  const chart = Testing.chart();
  const mesh = IstioMesh.fromIstioOperator(chart, 'Istio', IstioOperatorSource.fromYaml(yaml, 'my-operator.yaml'));
  return { mesh, manifests: Testing.synth(chart) };
};
const operator = (spec: string) => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: installed-state
  namespace: istio-system
spec:
${spec.replace(/^/gm, '  ')}`;
const fails = (spec: string) => () => fromYaml(operator(spec));

describe('IstioMesh.fromIstioOperator', () => {
  const yaml = operator(`profile: demo
hub: mirror.example.com/istio
tag: 1.30.3-distroless
revision: canary
meshConfig:
  accessLogFile: /dev/stdout
  accessLogEncoding: JSON
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
  trustDomain: example.org
  enableTracing: true
  protocolDetectionTimeout: 1m30s
  discoverySelectors:
  - matchLabels:
      istio-discovery: enabled
  defaultProviders:
    metrics: [prometheus]
  defaultConfig:
    holdApplicationUntilProxyStarts: true
    proxyMetadata:
      ISTIO_META_DNS_CAPTURE: "true"
    terminationDrainDuration: 10s
components:
  base:
    enabled: true
  pilot:
    k8s:
      env:
      - name: PILOT_ENABLE_STATUS
        value: "true"
      - name: CLOUD_TOKEN
        valueFrom:
          secretKeyRef:
            name: cloud-creds
            key: token
      - name: MY_NODE
        valueFrom:
          fieldRef:
            fieldPath: spec.nodeName
      hpaSpec:
        minReplicas: 2
        maxReplicas: 7
        metrics:
        - type: Resource
          resource:
            name: cpu
            target:
              type: Utilization
              averageUtilization: 140
        - type: Resource
          resource:
            name: memory
            target:
              type: Utilization
              averageUtilization: 70
        behavior:
          scaleDown:
            stabilizationWindowSeconds: 300
            selectPolicy: Min
            policies:
            - type: Pods
              value: 1
              periodSeconds: 60
      resources:
        requests:
          cpu: 200m
          memory: 512Mi
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: kubernetes.io/arch
                operator: In
                values: [amd64]
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector:
                matchLabels:
                  app: istiod
              topologyKey: topology.kubernetes.io/zone
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: istiod
      tolerations:
      - key: dedicated
        operator: Equal
        value: mesh
        effect: NoSchedule
      nodeSelector:
        pool: system
      podAnnotations:
        cluster-autoscaler.kubernetes.io/safe-to-evict: "true"
      priorityClassName: system-cluster-critical
      podDisruptionBudget:
        maxUnavailable: 1
      readinessProbe:
        periodSeconds: 5
        failureThreshold: 6
      securityContext:
        fsGroup: 1337
        sysctls:
        - name: net.core.somaxconn
          value: "1024"
      serviceAnnotations:
        example.com/owner: platform
      strategy:
        rollingUpdate:
          maxSurge: 1
          maxUnavailable: 0
      imagePullPolicy: Always
      volumes:
      - name: extra-ca
        configMap:
          name: extra-ca
      volumeMounts:
      - name: extra-ca
        mountPath: /etc/extra-ca
        readOnly: true
      overlays:
      - kind: Deployment
        name: istiod-canary
        patches:
        - path: spec.template.spec.containers.[name:discovery].args[-1]
          value: --profiling=false
        - path: spec.template.spec.containers.[name:discovery].ports.[containerPort:8080]
  ingressGateways:
  - name: istio-ingressgateway
    enabled: true
    label:
      istio: ingressgateway
      app: istio-ingressgateway
    k8s:
      service:
        type: LoadBalancer
        loadBalancerIP: 203.0.113.7
        loadBalancerClass: service.k8s.aws/nlb
        externalTrafficPolicy: Local
        sessionAffinity: ClientIP
        sessionAffinityConfig:
          clientIP:
            timeoutSeconds: 600
        ipFamilies: [IPv4, IPv6]
        ipFamilyPolicy: PreferDualStack
        ports:
        - name: status-port
          port: 15021
          targetPort: 15021
        - name: http2
          port: 80
          targetPort: 8080
      serviceAnnotations:
        service.beta.kubernetes.io/aws-load-balancer-type: external
      hpaSpec:
        minReplicas: 3
        maxReplicas: 10
      podDisruptionBudget:
        minAvailable: 50%
  - name: internal-ingressgateway
    enabled: true
    hub: internal.example.com/istio
    tag: 1.30.3
    label:
      istio: internal-ingressgateway
    k8s:
      replicaCount: 2
      service:
        type: ClusterIP
        ports:
        - name: http2
          port: 80
          targetPort: 8080
  - name: disabled-gateway
    enabled: false
  egressGateways:
  - name: istio-egressgateway
    enabled: false
values:
  global:
    imagePullSecrets: [registry-creds]
    priorityClassName: high
    networkPolicy:
      enabled: true
    logging:
      level: default:debug
    multiCluster:
      clusterName: east
    network: network1
    meshID: mesh1
    proxy:
      resources:
        requests:
          cpu: 50m
          memory: 64Mi
      holdApplicationUntilProxyStarts: true
      logLevel: info
  pilot:
    traceSampling: 5
    env:
      PILOT_ENABLE_AMBIENT: "false"
  sidecarInjectorWebhook:
    rewriteAppHTTPProbe: false
    injectedAnnotations:
      example.com/injected: "yes"`);
  const { mesh, manifests } = fromYaml(yaml);
  const istiod = named(manifests, 'Deployment', 'istiod-canary');
  const discovery = istiod.spec.template.spec.containers[0];
  const ingress = named(manifests, 'Deployment', 'istio-ingressgateway');

  test('returns the IstioMesh, and every object passes the schemas', () => {
    expect(mesh).toBeInstanceOf(IstioMesh);
    expect(mesh.profile).toEqual(Profile.DEMO);
    expect(mesh.revision).toEqual('canary');
    expectValidManifests(manifests);
  });

  test('profile, hub, tag, revision', () => {
    expect(discovery.image).toEqual('mirror.example.com/istio/pilot:1.30.3-distroless');
    expect(ingress.spec.template.spec.containers[0].image).toEqual('mirror.example.com/istio/proxyv2:1.30.3-distroless');
    // demo profile: egress gateway, but components turned it off
    expect(named(manifests, 'Deployment', 'istio-egressgateway')).toBeUndefined();
  });

  test('meshConfig', () => {
    const meshYaml: string = named(manifests, 'ConfigMap', 'istio-canary').data.mesh;
    for (const line of ['accessLogFile: /dev/stdout', 'accessLogEncoding: JSON', 'mode: REGISTRY_ONLY', 'trustDomain: example.org',
      'enableTracing: true', 'protocolDetectionTimeout: 90s', 'istio-discovery: enabled', 'holdApplicationUntilProxyStarts: true',
      'ISTIO_META_DNS_CAPTURE: "true"', 'terminationDrainDuration: 10s']) {
      expect(meshYaml).toContain(line);
    }
  });

  test('components.pilot.k8s: env, hpaSpec, resources, scheduling, probe, security, strategy, pull policy, volumes', () => {
    expect(discovery.env).toContainEqual({ name: 'PILOT_ENABLE_STATUS', value: 'true' });
    expect(discovery.env).toContainEqual({ name: 'PILOT_ENABLE_AMBIENT', value: 'false' });
    expect(discovery.env).toContainEqual({ name: 'CLOUD_TOKEN', valueFrom: { secretKeyRef: { name: 'cloud-creds', key: 'token' } } });
    expect(discovery.env).toContainEqual({ name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    const hpa = named(manifests, 'HorizontalPodAutoscaler', 'istiod-canary');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 7 });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 140], ['memory', 70]]);
    expect(hpa.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
    expect(discovery.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' } });
    const pod = istiod.spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution)
      .toEqual([{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'istiod' } }, topologyKey: 'topology.kubernetes.io/zone' } }]);
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'istiod' } } },
    ]);
    expect(pod.tolerations).toContainEqual({ key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoSchedule' });
    expect(pod.nodeSelector).toEqual({ pool: 'system' });
    expect(istiod.spec.template.metadata.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict']).toEqual('true');
    expect(pod.priorityClassName).toEqual('system-cluster-critical');
    expect(named(manifests, 'PodDisruptionBudget', 'istiod-canary').spec.maxUnavailable).toEqual(1);
    expect(discovery.readinessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 6 });
    expect(pod.securityContext).toEqual({ fsGroup: 1337, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] });
    expect(named(manifests, 'Service', 'istiod-canary').metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
    expect(istiod.spec.strategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(discovery.imagePullPolicy).toEqual('Always');
    expect(pod.volumes).toContainEqual({ name: 'extra-ca', configMap: { name: 'extra-ca' } });
    expect(discovery.volumeMounts).toContainEqual({ name: 'extra-ca', mountPath: '/etc/extra-ca', readOnly: true });
  });

  test('components.pilot.k8s.overlays: list items selected by a field, appended and removed', () => {
    expect(discovery.args.at(-1)).toEqual('--profiling=false');
    expect(discovery.ports.map((p: any) => p.containerPort)).not.toContain(8080);
  });

  test('ingress gateways: the profile\'s with service settings, and extra ones', () => {
    const service = named(manifests, 'Service', 'istio-ingressgateway');
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' });
    expect(service.spec).toMatchObject({
      type: 'LoadBalancer',
      loadBalancerIP: '203.0.113.7',
      loadBalancerClass: 'service.k8s.aws/nlb',
      externalTrafficPolicy: 'Local',
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'PreferDualStack',
    });
    expect(service.spec.ports.map((p: any) => p.name)).toEqual(['status-port', 'http2']);
    expect(service.spec.selector).toEqual({ istio: 'ingressgateway', app: 'istio-ingressgateway' });
    expect(named(manifests, 'HorizontalPodAutoscaler', 'istio-ingressgateway').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(named(manifests, 'PodDisruptionBudget', 'istio-ingressgateway').spec.minAvailable).toEqual('50%');
    const internal = named(manifests, 'Deployment', 'internal-ingressgateway');
    expect(internal.spec.replicas).toEqual(2);
    // a component's own hub and tag
    expect(internal.spec.template.spec.containers[0].image).toEqual('internal.example.com/istio/proxyv2:1.30.3');
    expect(internal.spec.selector.matchLabels).toEqual({ istio: 'internal-ingressgateway' });
    expect(named(manifests, 'Service', 'internal-ingressgateway').spec.type).toEqual('ClusterIP');
    expect(named(manifests, 'Deployment', 'disabled-gateway')).toBeUndefined();
  });

  test('values: global and pilot settings', () => {
    for (const d of [istiod, ingress]) {
      expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
    }
    expect(ingress.spec.template.spec.priorityClassName).toEqual('high');
    expect(manifests.filter(m => m.kind === 'NetworkPolicy').map(m => m.metadata.name))
      .toEqual(['istiod-canary', 'istio-ingressgateway', 'internal-ingressgateway']);
    expect(discovery.args).toContain('--log_output_level=default:debug');
    expect(discovery.env).toContainEqual({ name: 'CLUSTER_ID', value: 'east' });
    expect(discovery.env).toContainEqual({ name: 'PILOT_TRACE_SAMPLING', value: '5' });
    const values = JSON.parse(named(manifests, 'ConfigMap', 'istio-sidecar-injector-canary').data.values);
    expect(values.global).toMatchObject({
      imagePullSecrets: ['registry-creds'],
      network: 'network1',
      meshID: 'mesh1',
      logging: { level: 'default:debug' },
      proxy: { resources: { requests: { cpu: '50m', memory: '64Mi' } }, holdApplicationUntilProxyStarts: true, logLevel: 'info' },
    });
    expect(values.sidecarInjectorWebhook.rewriteAppHTTPProbe).toBe(false);
    expect(named(manifests, 'ConfigMap', 'istio-sidecar-injector-canary').data.config).toContain('"example.com/injected":"yes"');
  });

  test('the same from a file and from an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iop-'));
    const file = join(dir, 'my-operator.yaml');
    writeFileSync(file, operator('profile: minimal\nrevision: blue'));
    const chart = Testing.chart();
    expect(IstioMesh.fromIstioOperator(chart, 'A', IstioOperatorSource.fromFile(file)).revision).toEqual('blue');
    const fromObject = IstioMesh.fromIstioOperator(chart, 'B', IstioOperatorSource.fromObject({
      apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { profile: 'minimal', revision: 'green', components: { base: { enabled: false }, pilot: { hub: 'mirror.example.com/istio', tag: '1.30.3-debug' } } },
    }));
    expect(fromObject.revision).toEqual('green');
    const green = named(Testing.synth(chart), 'Deployment', 'istiod-green');
    expect(green.spec.template.spec.containers[0].image).toEqual('mirror.example.com/istio/pilot:1.30.3-debug');
  });

  test('an empty spec is the default profile', () => {
    const { mesh: m, manifests: out } = fromYaml(operator('{}'));
    expect(m.profile).toEqual(Profile.DEFAULT);
    expect(named(out, 'Deployment', 'istio-ingressgateway')).toBeDefined();
  });
});

describe('IstioMesh.fromIstioOperator, what it refuses', () => {
  test('fails on a profile it does not model', () => {
    expect(fails('profile: openshift-ambient')).toThrow(/Istio \(my-operator\.yaml\): IstioOperator field spec\.profile "openshift-ambient" is not supported; use one of "default", "demo", "minimal", "empty", "ambient"/);
  });

  test('fails on unknown fields, naming the path and what to use instead', () => {
    expect(fails('values:\n  global:\n    foo: 1')).toThrow(/field spec\.values\.global\.foo is not supported; set the matching IstioMesh option in code/);
    expect(fails('values:\n  pilot:\n    seccompProfile: {}')).toThrow(/spec\.values\.pilot\.seccompProfile is not supported; set it on istiod \(IstiodOptions\)/);
    expect(fails('meshConfig:\n  extensionProviders: []')).toThrow(/spec\.meshConfig\.extensionProviders is not supported; add each with mesh\.addExtensionProvider/);
    expect(fails('components:\n  pilot:\n    k8s:\n      hostNetwork: true')).toThrow(/spec\.components\.pilot\.k8s\.hostNetwork is not supported; set it on the istiod options in code, or patch/);
    expect(fails('values:\n  gateways:\n    istio-ingressgateway: {}')).toThrow(/spec\.values\.gateways is not supported; set the gateway's settings in spec\.components\.ingressGateways\[\]\.k8s/);
    expect(fails('unknownField: 1')).toThrow(/spec\.unknownField is not supported/);
    expect(fails('components:\n  pilot:\n    k8s:\n      readinessProbe:\n        httpGet: {path: /x}')).toThrow(/readinessProbe\.httpGet is not supported; the check itself stays the component's/);
  });

  test('fails on components outside the mesh namespace and on turning off istiod outside the empty profile', () => {
    expect(fails('components:\n  ingressGateways:\n  - name: gw\n    namespace: edge\n    enabled: true'))
      .toThrow(/spec\.components\.ingressGateways\[0\]\.namespace "edge" is not supported; every component runs in the mesh namespace "istio-system"/);
    expect(fails('components:\n  pilot:\n    enabled: false')).toThrow(/spec\.components\.pilot\.enabled false is not supported; use profile "empty"/);
  });

  test('fails on values of the wrong type or shape', () => {
    expect(fails('components:\n  pilot:\n    k8s:\n      hpaSpec:\n        metrics:\n        - type: Pods')).toThrow(/hpaSpec\.metrics\[0\]\.type "Pods" is not supported; use autoscalingMetrics/);
    expect(fails('components:\n  pilot:\n    k8s:\n      volumes:\n      - name: data\n        hostPath: {path: /data}')).toThrow(/k8s\.volumes\[0\] is not supported; volumes are secret, configMap or emptyDir/);
    expect(fails('components:\n  pilot:\n    k8s:\n      volumeMounts:\n      - name: ghost\n        mountPath: /x')).toThrow(/volumeMounts "ghost" is invalid: mounts a volume that is not in k8s\.volumes/);
    expect(fails('values:\n  global:\n    networkPolicy:\n      enabled: maybe')).toThrow(/spec\.values\.global\.networkPolicy\.enabled "maybe" is invalid: must be true or false/);
    expect(fails('meshConfig:\n  connectTimeout: soon')).toThrow(/spec\.meshConfig\.connectTimeout "soon" is invalid: must be a duration/);
    expect(fails('components:\n  pilot:\n    k8s:\n      overlays:\n      - kind: Deployment\n        name: istiod\n        patches:\n        - path: spec.template.spec.containers.[name:nope].args\n          value: []'))
      .toThrow(/overlays\[0\]\.patches\[0\]\.path "spec\.template\.spec\.containers\.\[name:nope\]\.args" is invalid: no item of the list has name: nope/);
    expect(fails('components:\n  pilot:\n    k8s:\n      overlays:\n      - kind: Deployment\n        name: ghost\n        patches: []'))
      .toThrow(/overlays\[0\]\.name "ghost" is invalid: no Deployment of this name is written by the installation/);
    expect(() => IstioMesh.fromIstioOperator(Testing.chart(), 'Istio', IstioOperatorSource.fromYaml('kind: Deployment')))
      .toThrow(/must hold exactly one IstioOperator, found 0/);
    expect(() => IstioMesh.fromIstioOperator(Testing.chart(), 'Istio', IstioOperatorSource.fromObject({ apiVersion: 'v1', kind: 'IstioOperator' })))
      .toThrow(/IstioOperator field apiVersion "v1" is invalid: must be "install\.istio\.io\/v1alpha1"/);
  });

  test('values the library validates still fail with the mesh path', () => {
    expect(fails('components:\n  pilot:\n    k8s:\n      affinity:\n        nodeAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 500\n            preference:\n              matchExpressions:\n              - {key: a, operator: Exists}'))
      .toThrow(/Istio: istiod\.affinity\.preferredNodeTerms\[0\]\.weight 500 is invalid/);
  });
});

describe('IstioMesh.fromIstioOperator: ambient, istio-cni and ztunnel', () => {
  test('profile ambient installs istio-cni and ztunnel', () => {
    const { mesh, manifests } = fromYaml(operator('profile: ambient'));
    expect(mesh.profile).toEqual(Profile.AMBIENT);
    expect(mesh.ambient).toBe(true);
    expect(named(manifests, 'DaemonSet', 'istio-cni-node')).toBeDefined();
    expect(named(manifests, 'DaemonSet', 'ztunnel')).toBeDefined();
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
  });

  test('components.cni and components.ztunnel: enabled, namespace, hub, tag and the k8s block', () => {
    const { mesh, manifests } = fromYaml(operator(`profile: default
components:
  cni:
    enabled: true
    namespace: istio-system
    hub: mirror.example.com/istio
    tag: 1.30.3-distroless
    k8s:
      nodeSelector:
        node-pool: mesh
      tolerations:
      - key: dedicated
        operator: Exists
      priorityClassName: mesh-critical
      podAnnotations:
        example.com/team: mesh
      resources:
        requests:
          cpu: 50m
          memory: 64Mi
      env:
      - name: HTTPS_PROXY
        value: http://proxy:3128
      strategy:
        rollingUpdate:
          maxUnavailable: 10%
      overlays:
      - kind: DaemonSet
        name: istio-cni-node
        patches:
        - path: spec.template.spec.terminationGracePeriodSeconds
          value: 5
  ztunnel:
    enabled: true
    k8s:
      resources:
        requests:
          cpu: 500m
          memory: 1Gi
      strategy:
        rollingUpdate:
          maxSurge: 2`));
    expect(mesh.ambient).toBe(true);
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
    const cni = named(manifests, 'DaemonSet', 'istio-cni-node');
    const pod = cni.spec.template.spec;
    expect(pod.containers[0].image).toEqual('mirror.example.com/istio/install-cni:1.30.3-distroless');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node-pool': 'mesh' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
    expect(pod.priorityClassName).toEqual('mesh-critical');
    expect(cni.spec.template.metadata.annotations['example.com/team']).toEqual('mesh');
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' } });
    expect(pod.containers[0].env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
    expect(cni.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } });
    expect(pod.terminationGracePeriodSeconds).toEqual(5);
    const zt = named(manifests, 'DaemonSet', 'ztunnel');
    expect(zt.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' } });
    expect(zt.spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: 2, maxUnavailable: 0 });
  });

  test('values.cni and values.ztunnel keys with typed options, values.global.platform and values.pilot.cni.enabled', () => {
    const { manifests } = fromYaml(operator(`profile: ambient
values:
  global:
    platform: gke
  pilot:
    cni:
      enabled: true
  cni:
    excludeNamespaces: [kube-system, monitoring]
    logLevel: debug
    resources:
      requests:
        cpu: 20m
    pullPolicy: Always
    podLabels:
      team: mesh
    rollingMaxUnavailable: 2
  ztunnel:
    logLevel: info,access=debug
    podAnnotations:
      example.com/team: mesh
    imagePullSecrets: [mirror-pull]
    tag: 1.30.3-debug`));
    expect(named(manifests, 'ConfigMap', 'istio-cni-config').data.EXCLUDE_NAMESPACES).toEqual('kube-system,monitoring');
    const cni = named(manifests, 'DaemonSet', 'istio-cni-node');
    const c = cni.spec.template.spec.containers[0];
    expect(c.args).toEqual(['--log_output_level=debug']);
    expect(c.resources).toEqual({ requests: { cpu: '20m' } });
    expect(c.imagePullPolicy).toEqual('Always');
    expect(cni.spec.template.metadata.labels.team).toEqual('mesh');
    expect(cni.spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 2 });
    // GKE: the plugin directory and the ResourceQuota for node-critical pods
    expect(cni.spec.template.spec.volumes.find((v: any) => v.name === 'cni-bin-dir').hostPath.path).toEqual('/home/kubernetes/bin');
    expect(named(manifests, 'ResourceQuota', 'istio-cni-resource-quota')).toBeDefined();
    const zt = named(manifests, 'DaemonSet', 'ztunnel');
    expect(zt.spec.template.spec.containers[0].env.find((e: any) => e.name === 'RUST_LOG').value).toEqual('info,access=debug');
    expect(zt.spec.template.spec.containers[0].image).toEqual('docker.io/istio/ztunnel:1.30.3-debug');
    expect(zt.spec.template.metadata.annotations['example.com/team']).toEqual('mesh');
    expect(zt.spec.template.spec.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
  });

  test('values.cni.cniBinDir and cniConfDir set a custom platform; values.cni.enabled installs istio-cni with sidecars', () => {
    const { mesh, manifests } = fromYaml(operator(`values:
  cni:
    enabled: true
    cniBinDir: /usr/libexec/cni
    cniConfDir: /etc/kubernetes/cni/net.d
    logging:
      level: warn`));
    expect(mesh.ambient).toBe(false);
    const ds = named(manifests, 'DaemonSet', 'istio-cni-node');
    const paths = Object.fromEntries(ds.spec.template.spec.volumes.filter((v: any) => v.hostPath).map((v: any) => [v.name, v.hostPath.path]));
    expect(paths['cni-bin-dir']).toEqual('/usr/libexec/cni');
    expect(paths['cni-net-dir']).toEqual('/etc/kubernetes/cni/net.d');
    expect(ds.spec.template.spec.containers[0].args).toEqual(['--log_output_level=warn']);
  });

  test('fails on the k8s settings a DaemonSet has no object for', () => {
    expect(fails('profile: ambient\ncomponents:\n  cni:\n    k8s:\n      hpaSpec:\n        maxReplicas: 3'))
      .toThrow(/spec\.components\.cni\.k8s\.hpaSpec is not supported; istio-cni-node is a DaemonSet: it does not autoscale/);
    expect(fails('profile: ambient\ncomponents:\n  ztunnel:\n    k8s:\n      replicaCount: 3'))
      .toThrow(/spec\.components\.ztunnel\.k8s\.replicaCount is not supported; ztunnel is a DaemonSet: it runs one pod per node/);
    expect(fails('profile: ambient\ncomponents:\n  ztunnel:\n    k8s:\n      podDisruptionBudget:\n        minAvailable: 1'))
      .toThrow(/spec\.components\.ztunnel\.k8s\.podDisruptionBudget is not supported; ztunnel is a DaemonSet: it has no PodDisruptionBudget/);
    expect(fails('profile: ambient\ncomponents:\n  cni:\n    k8s:\n      service:\n        type: ClusterIP'))
      .toThrow(/spec\.components\.cni\.k8s\.service is not supported; istio-cni-node is a DaemonSet: it has no Service/);
    expect(fails('profile: ambient\ncomponents:\n  cni:\n    k8s:\n      hostNetwork: true'))
      .toThrow(/spec\.components\.cni\.k8s\.hostNetwork is not supported; set it on the cni options in code, or patch/);
    expect(fails('profile: ambient\ncomponents:\n  ztunnel:\n    k8s:\n      strategy:\n        rollingUpdate:\n          maxSurge: 1\n          maxUnavailable: 1'))
      .toThrow(/Istio: ztunnel\.rollingUpdate "maxSurge 1, maxUnavailable 1" is invalid: a DaemonSet rolls out with exactly one/);
  });

  test('fails on istio-cni or ztunnel settings it cannot honour, naming the field and what to use instead', () => {
    expect(fails('components:\n  cni:\n    enabled: true\n    namespace: kube-system'))
      .toThrow(/spec\.components\.cni\.namespace "kube-system" is not supported; every component runs in the mesh namespace "istio-system"/);
    expect(fails('values:\n  pilot:\n    cni:\n      enabled: true'))
      .toThrow(/spec\.values\.pilot\.cni\.enabled true is not supported; the library installs istio-cni itself .*enable spec\.components\.cni/);
    expect(fails('profile: ambient\nvalues:\n  pilot:\n    cni:\n      enabled: false'))
      .toThrow(/spec\.values\.pilot\.cni\.enabled false is not supported; the mesh sets it from the istio-cni component/);
    expect(fails('values:\n  global:\n    platform: openshift')).toThrow(/spec\.values\.global\.platform "openshift" is not supported; .*this file installs no istio-cni/);
    expect(fails('profile: ambient\nvalues:\n  global:\n    platform: eks'))
      .toThrow(/spec\.values\.global\.platform "eks" is not supported; use one of "gke", "k3s", "openshift", or set values\.cni\.cniBinDir/);
    expect(fails('profile: ambient\nvalues:\n  global:\n    platform: gke\n  cni:\n    cniBinDir: /opt/bin'))
      .toThrow(/spec\.values\.cni\.cniBinDir is not supported; values\.global\.platform already sets the CNI directories/);
    expect(fails('profile: ambient\nvalues:\n  cni:\n    chained: false')).toThrow(/spec\.values\.cni\.chained false is not supported; istio-cni is chained except on OpenShift/);
    expect(fails('profile: ambient\nvalues:\n  cni:\n    ambient:\n      dnsCapture: false')).toThrow(/spec\.values\.cni\.ambient\.dnsCapture is not supported; ambient settings of istio-cni follow the mesh/);
    expect(fails('profile: ambient\nvalues:\n  cni:\n    repair:\n      enabled: false')).toThrow(/spec\.values\.cni\.repair is not supported; the repair controller runs with upstream's defaults/);
    expect(fails('profile: ambient\nvalues:\n  cni:\n    seccompProfile: {}')).toThrow(/spec\.values\.cni\.seccompProfile is not supported; set it on cni \(IstioCniOptions\)/);
    expect(fails('profile: ambient\nvalues:\n  ztunnel:\n    terminationGracePeriodSeconds: 60'))
      .toThrow(/spec\.values\.ztunnel\.terminationGracePeriodSeconds is not supported; set it on ztunnel \(ZtunnelOptions\)/);
    expect(fails('profile: ambient\nvalues:\n  cni:\n    rollingMaxUnavailable: lots')).toThrow(/spec\.values\.cni\.rollingMaxUnavailable "lots" is invalid: must be a node count or a percentage/);
    expect(fails('values:\n  cni:\n    enabled: false\ncomponents:\n  cni:\n    enabled: true')).toThrow(/spec\.components\.cni\.enabled true is invalid: spec\.values\.cni\.enabled says false/);
    expect(fails('components:\n  ztunnel:\n    enabled: true\n  cni:\n    enabled: false')).toThrow(/cni\.enabled false is invalid: ambient mode \(ztunnel\) needs istio-cni/);
    expect(fails('components:\n  cni:\n    enabled: false')).not.toThrow();
  });
});
