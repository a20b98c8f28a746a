import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IstioMesh, IstioMeshProps } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

function synth(props: IstioMeshProps = {}) {
  const chart = Testing.chart();
  new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
  return { manifests, find };
}

const istiodLabels = {
  'app.kubernetes.io/instance': 'istio',
  'app.kubernetes.io/managed-by': 'cdk8s-istio',
  'app.kubernetes.io/name': 'istiod',
  'app.kubernetes.io/part-of': 'istio',
  'app.kubernetes.io/version': '1.30.3',
  'release': 'istio',
};

describe('istiod Deployment', () => {
  test('renders the discovery container as istioctl does', () => {
    const { find } = synth();
    const deployment = find('Deployment', 'istiod');
    expect(deployment.metadata.labels).toEqual({
      ...istiodLabels, 'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot',
    });
    expect(deployment.spec.selector).toEqual({ matchLabels: { istio: 'pilot' } });
    expect(deployment.spec.strategy).toEqual({ rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } });
    expect(deployment.spec.replicas).toBeUndefined();
    const pod = deployment.spec.template;
    expect(pod.metadata.labels).toEqual({
      ...istiodLabels,
      'app': 'istiod',
      'istio': 'pilot',
      'istio.io/dataplane-mode': 'none',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      'sidecar.istio.io/inject': 'false',
    });
    expect(pod.metadata.annotations).toEqual({
      'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false',
    });
    expect(pod.spec.serviceAccountName).toEqual('istiod');
    expect(pod.spec.tolerations).toEqual([{ key: 'cni.istio.io/not-ready', operator: 'Exists' }]);
    expect(pod.spec.containers).toHaveLength(1);
    const c = pod.spec.containers[0];
    expect(c.name).toEqual('discovery');
    expect(c.image).toEqual('docker.io/istio/pilot:1.30.3');
    expect(c.args).toEqual([
      'discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local',
      '--keepaliveMaxServerConnectionAge', '30m',
    ]);
    expect(c.ports).toEqual([
      { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
      { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
      { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
      { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
      { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
    ]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 });
    expect(c.env).toEqual([
      { name: 'REVISION', value: 'default' },
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
      { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
      { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
      { name: 'CA_TRUSTED_NODE_ACCOUNTS', value: 'istio-system/ztunnel' },
      { name: 'PILOT_TRACE_SAMPLING', value: '1' },
      { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
      { name: 'CLUSTER_ID', value: 'Kubernetes' },
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
      { name: 'PLATFORM', value: '' },
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '2048Mi' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts).toEqual([
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
      { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
      { name: 'istio-kubeconfig', mountPath: '/var/run/secrets/remote', readOnly: true },
      { name: 'istio-csr-dns-cert', mountPath: '/var/run/secrets/istiod/tls', readOnly: true },
      { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca', readOnly: true },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'local-certs', emptyDir: { medium: 'Memory' } },
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
      { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
      { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
      { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
      { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
    ]);
  });

  test('options: fixed replicas, resources, node selector, tolerations, env, trace sampling', () => {
    const { find, manifests } = synth({
      istiod: {
        autoscalingEnabled: false,
        replicas: 3,
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '8Gi' } },
        nodeSelector: { 'node-role.kubernetes.io/infra': '' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'infra', { effect: kplus.TaintEffect.NO_SCHEDULE })],
        env: { PILOT_ENABLE_STATUS: 'true', PILOT_ENABLE_ANALYSIS: 'true' },
        traceSampling: 10,
        logLevel: 'default:info,ads:debug',
      },
    });
    const spec = find('Deployment', 'istiod').spec;
    expect(spec.replicas).toEqual(3);
    expect(manifests.some(m => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
    const pod = spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/infra': '' });
    expect(pod.tolerations).toEqual([
      { key: 'cni.istio.io/not-ready', operator: 'Exists' },
      { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' },
    ]);
    const c = pod.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '8Gi' } });
    expect(c.args).toContain('--log_output_level=default:info,ads:debug');
    const env = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ PILOT_ENABLE_STATUS: 'true', PILOT_ENABLE_ANALYSIS: 'true', PILOT_TRACE_SAMPLING: '10' });
    expect(c.env.filter((e: any) => e.name === 'PILOT_ENABLE_ANALYSIS')).toHaveLength(1);
    // three replicas: a PodDisruptionBudget keeps one available
    expect(find('PodDisruptionBudget', 'istiod').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'istiod', istio: 'pilot' } } });
  });

  test('pod labels, annotations and priority class', () => {
    const pod = synth({
      istiod: { podLabels: { team: 'mesh' }, podAnnotations: { 'example.com/owner': 'mesh' }, priorityClassName: 'system-cluster-critical' },
    }).find('Deployment', 'istiod').spec.template;
    expect(pod.metadata.labels.team).toEqual('mesh');
    expect(pod.metadata.annotations['example.com/owner']).toEqual('mesh');
    expect(pod.spec.priorityClassName).toEqual('system-cluster-critical');
  });

  test('autoscaling: HPA on CPU, PDB only when the minimum is above one', () => {
    const single = synth();
    expect(single.find('HorizontalPodAutoscaler', 'istiod').spec).toEqual({
      maxReplicas: 5,
      minReplicas: 1,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(single.find('PodDisruptionBudget', 'istiod')).toBeUndefined();

    const ha = synth({ istiod: { autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 60 } } });
    expect(ha.find('HorizontalPodAutoscaler', 'istiod').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(ha.find('HorizontalPodAutoscaler', 'istiod').spec.metrics[0].resource.target.averageUtilization).toEqual(60);
    expect(ha.find('PodDisruptionBudget', 'istiod')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: 'istiod',
        namespace: 'istio-system',
        labels: { 'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', ...istiodLabels },
      },
      // the same pods the Deployment and Service select
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'istiod', istio: 'pilot' } } },
    });
    expect(ha.find('Deployment', 'istiod').spec.selector.matchLabels).toEqual({ istio: 'pilot' });
    expect(ha.find('Service', 'istiod').spec.selector).toEqual({ app: 'istiod', istio: 'pilot' });

    const canary = synth({ revision: 'canary', istiod: { autoscaling: { minReplicas: 2 } } });
    expect(canary.find('PodDisruptionBudget', 'istiod-canary').spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(canary.find('Deployment', 'istiod-canary').spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(canary.find('Service', 'istiod-canary').spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(canary.find('HorizontalPodAutoscaler', 'istiod-canary').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod-canary' });

    const noPdb = synth({ istiod: { autoscaling: { minReplicas: 2 }, podDisruptionBudget: false } });
    expect(noPdb.find('PodDisruptionBudget', 'istiod')).toBeUndefined();
  });

  test('fails for resource quantities that do not parse', () => {
    expect(() => synth({ istiod: { resources: { requests: { memory: '2 GB' } } } }))
      .toThrow(/test\/Istio: istiod\.resources\.requests\.memory "2 GB" is invalid: must be a Kubernetes quantity/);
  });

  test('fails for a request above its limit', () => {
    expect(() => synth({ istiod: { resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } } }))
      .toThrow(/test\/Istio: istiod\.resources\.requests\.cpu "2" is invalid: must not exceed the limit "500m"/);
  });

  test('fails for replicas while autoscaling', () => {
    expect(() => synth({ istiod: { replicas: 2 } })).toThrow(/test\/Istio: istiod\.replicas 2 is invalid: istiod autoscales/);
  });

  test('fails for maxReplicas below minReplicas', () => {
    expect(() => synth({ istiod: { autoscaling: { minReplicas: 3, maxReplicas: 2 } } }))
      .toThrow(/test\/Istio: istiod\.autoscaling\.maxReplicas 2 is invalid: must be at least minReplicas \(3\)/);
  });

  test('fails for an invalid env name', () => {
    expect(() => synth({ istiod: { env: { '1BAD': 'x' } } })).toThrow(/test\/Istio: istiod\.env "1BAD" is invalid/);
  });
});

describe('istiod Service', () => {
  test('exposes xDS, the webhook and monitoring', () => {
    const svc = synth().find('Service', 'istiod');
    expect(svc.metadata.labels).toMatchObject({ 'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'default' });
    expect(svc.spec).toEqual({
      ports: [
        { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
        { port: 15012, name: 'https-dns', protocol: 'TCP' },
        { port: 443, name: 'https-webhook', targetPort: 15017, protocol: 'TCP' },
        { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
      ],
      selector: { app: 'istiod', istio: 'pilot' },
    });
  });
});

describe('webhooks', () => {
  const service = { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 };
  const common = {
    clientConfig: { service },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
  };

  test('the four injection webhooks and their selectors', () => {
    // as `manifest generate` renders them: the default revision tag (on by default) deactivates them
    const mwc = synth({ defaultRevisionTag: false }).find('MutatingWebhookConfiguration', 'istio-sidecar-injector');
    expect(mwc.metadata.labels).toMatchObject({ 'app': 'sidecar-injector', 'istio.io/rev': 'default' });
    expect(mwc.webhooks).toEqual([
      {
        ...common,
        name: 'rev.namespace.sidecar-injector.istio.io',
        namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
      },
      {
        ...common,
        name: 'rev.object.sidecar-injector.istio.io',
        namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        objectSelector: {
          matchExpressions: [
            { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] },
            { key: 'istio.io/rev', operator: 'In', values: ['default'] },
          ],
        },
      },
      {
        ...common,
        name: 'namespace.sidecar-injector.istio.io',
        namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
        objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
      },
      {
        ...common,
        name: 'object.sidecar-injector.istio.io',
        namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
        objectSelector: {
          matchExpressions: [
            { key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
      },
    ]);
  });

  test('the validating webhook fails open until istiod patches it', () => {
    const vwc = synth().find('ValidatingWebhookConfiguration', 'istio-validator-istio-system');
    expect(vwc.webhooks).toEqual([{
      name: 'rev.validation.istio.io',
      clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } },
      rules: [{
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        apiVersions: ['*'],
        resources: ['*'],
      }],
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }] },
    }]);
  });
});

describe('RBAC', () => {
  const MANAGE = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];

  test('istiod cluster role covers webhooks, Istio config, discovery, Gateway API and MCS', () => {
    const { find } = synth();
    const READ = ['get', 'list', 'watch'];
    const READ_WATCH = ['get', 'watch', 'list'];
    const STATUS = ['update', 'patch'];
    const gatewayApiStatus = ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants',
      'tcproutes', 'tlsroutes', 'udproutes', 'listenersets'].map(r => `${r}/status`);
    // the exact rules of istioctl's render of 1.30.3: one missing verb breaks a controller of istiod
    expect(find('ClusterRole', 'istiod-clusterrole-istio-system').rules).toEqual([
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update'] },
      {
        apiGroups: ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        resources: ['*'],
        verbs: READ_WATCH,
      },
      { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: MANAGE },
      { apiGroups: ['networking.istio.io'], resources: ['workloadentries/status', 'serviceentries/status'], verbs: MANAGE },
      { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies/status'], verbs: MANAGE },
      { apiGroups: [''], resources: ['services/status'], verbs: MANAGE },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
      { apiGroups: [''], resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['*'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'watch', 'update'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], resources: ['*'], verbs: READ_WATCH },
      { apiGroups: ['gateway.networking.x-k8s.io'], resources: ['xbackendtrafficpolicies/status'], verbs: STATUS },
      { apiGroups: ['gateway.networking.k8s.io'], resources: gatewayApiStatus, verbs: STATUS },
      { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses'], verbs: ['create', 'update', 'patch', 'delete'] },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: READ_WATCH },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools/status'], verbs: STATUS },
      { apiGroups: [''], resources: ['secrets'], verbs: READ_WATCH },
      { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: ['get', 'watch', 'list', 'create', 'delete'] },
      { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: READ_WATCH },
    ]);
    expect(find('ClusterRoleBinding', 'istiod-clusterrole-istio-system')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istiod-clusterrole-istio-system' },
      subjects: [{ kind: 'ServiceAccount', name: 'istiod', namespace: 'istio-system' }],
    });
  });

  test('gateway controller cluster role', () => {
    expect(synth().find('ClusterRole', 'istiod-gateway-controller-istio-system').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: MANAGE },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: MANAGE },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: MANAGE },
      { apiGroups: [''], resources: ['services'], verbs: MANAGE },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: MANAGE },
    ]);
  });

  test('reader cluster role is bound to the reader ServiceAccount', () => {
    const { find } = synth();
    const READ = ['get', 'list', 'watch'];
    expect(find('ClusterRole', 'istio-reader-clusterrole-istio-system').rules).toEqual([
      {
        apiGroups: ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        resources: ['*'],
        verbs: READ,
      },
      { apiGroups: [''], resources: ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], verbs: READ },
      { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: ['get', 'watch', 'list'] },
      { apiGroups: ['networking.x-k8s.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'watch', 'list'] },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
      { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: READ },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
    expect(find('ClusterRoleBinding', 'istio-reader-clusterrole-istio-system').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }]);
  });

  test('namespace role: CA secret, status ConfigMaps, leases', () => {
    const { find } = synth();
    expect(find('Role', 'istiod').rules).toEqual([
      { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update', 'patch', 'create'] },
    ]);
    expect(find('RoleBinding', 'istiod')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istiod' },
      subjects: [{ kind: 'ServiceAccount', name: 'istiod', namespace: 'istio-system' }],
    });
  });
});

describe('ConfigMaps', () => {
  test('istio-sidecar-injector has config and values', () => {
    const cm = synth().find('ConfigMap', 'istio-sidecar-injector');
    expect(Object.keys(cm.data).sort()).toEqual(['config', 'values']);
    expect(typeof cm.data.config).toEqual('string');
    expect(JSON.parse(cm.data.values)).toMatchObject({ global: { hub: 'docker.io/istio', tag: '1.30.3' } });
  });

  test('values records the installation settings as JSON', () => {
    const cm = synth({ profile: Profile.DEMO }).find('ConfigMap', 'values');
    const merged = JSON.parse(cm.data['merged-values']);
    expect(merged).toMatchObject({
      profile: 'demo',
      autoscaleEnabled: false,
      global: { hub: 'docker.io/istio', tag: '1.30.3', istioNamespace: 'istio-system' },
      resources: { requests: { cpu: '10m', memory: '100Mi' } },
      traceSampling: 100,
    });
    expect(JSON.parse(cm.data['original-values'])).toMatchObject({ profile: 'demo', global: { hub: 'docker.io/istio' } });
  });
});
