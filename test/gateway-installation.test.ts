import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ExternalTrafficPolicy, GatewayInstallation, GatewayKind, GatewayPortProtocol, GatewayScaling, GatewayServiceType } from '../src/install/gateway-installation';

// Expectations below are facts read from `istioctl manifest generate` of Istio 1.30.3
// (profiles default and demo, components istio-ingressgateway and istio-egressgateway).

function synth(build: (chart: ReturnType<typeof Testing.chart>) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}

const find = (manifests: any[], kind: string) => manifests.find(m => m.kind === kind);
const proxyOf = (manifests: any[]) => find(manifests, 'Deployment').spec.template.spec.containers[0];

describe('GatewayInstallation, default profile ingress', () => {
  // GIVEN / WHEN
  const manifests = synth(chart => new GatewayInstallation(chart, 'Ingress'));

  test('creates the objects istioctl creates', () => {
    // THEN
    expect(manifests.map(m => `${m.apiVersion}/${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'v1/ServiceAccount/istio-system/istio-ingressgateway-service-account',
      'rbac.authorization.k8s.io/v1/Role/istio-system/istio-ingressgateway-sds',
      'rbac.authorization.k8s.io/v1/RoleBinding/istio-system/istio-ingressgateway-sds',
      'v1/Service/istio-system/istio-ingressgateway',
      'apps/v1/Deployment/istio-system/istio-ingressgateway',
      'autoscaling/v2/HorizontalPodAutoscaler/istio-system/istio-ingressgateway',
    ]);
  });

  test('exposes status, HTTP and HTTPS ports through a load balancer', () => {
    const service = find(manifests, 'Service');
    expect(service.spec).toEqual({
      type: 'LoadBalancer',
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
    });
    expect(service.metadata.labels).toMatchObject({ 'app': 'istio-ingressgateway', 'istio': 'ingressgateway', 'istio.io/rev': 'default' });
  });

  test('grants the gateway read access to TLS secrets', () => {
    expect(find(manifests, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    const binding = find(manifests, 'RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istio-ingressgateway-sds' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-ingressgateway-service-account', namespace: 'istio-system' }]);
  });

  test('runs an unprivileged router proxy that is never injected', () => {
    const deployment = find(manifests, 'Deployment');
    expect(deployment.metadata.labels['istio.io/dataplane-mode']).toEqual('none');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } });
    expect(deployment.spec.strategy).toEqual({ rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } });
    const template = deployment.spec.template;
    expect(template.metadata.labels).toMatchObject({
      'app': 'istio-ingressgateway',
      'istio': 'ingressgateway',
      'service.istio.io/canonical-name': 'istio-ingressgateway',
      'service.istio.io/canonical-revision': 'latest',
      'istio.io/rev': 'default',
      'sidecar.istio.io/inject': 'false',
      'istio.io/dataplane-mode': 'none',
    });
    expect(template.metadata.annotations).toEqual({
      'istio.io/rev': 'default',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/stats/prometheus',
      'sidecar.istio.io/inject': 'false',
    });
    expect(template.spec.securityContext).toEqual({ runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true });
    expect(template.spec.serviceAccountName).toEqual('istio-ingressgateway-service-account');

    const proxy = template.spec.containers[0];
    expect(proxy.name).toEqual('istio-proxy');
    expect(proxy.image).toEqual('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.args).toEqual([
      'proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ]);
    expect(proxy.ports).toEqual([
      { containerPort: 15021, protocol: 'TCP' },
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 8443, protocol: 'TCP' },
      { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
    ]);
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
    });
    expect(proxy.readinessProbe).toEqual({
      failureThreshold: 30,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      successThreshold: 1,
      timeoutSeconds: 1,
    });
    expect(proxy.resources).toEqual({ limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  });

  test('sets the environment pilot-agent reads', () => {
    const env = proxyOf(manifests).env;
    expect(env.map((e: any) => e.name)).toEqual([
      'PILOT_CERT_PROVIDER', 'CA_ADDR', 'NODE_NAME', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'HOST_IP', 'ISTIO_CPU_LIMIT',
      'SERVICE_ACCOUNT', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
      'ISTIO_META_UNPRIVILEGED_POD', 'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME',
    ]);
    const byName = Object.fromEntries(env.map((e: any) => [e.name, e]));
    expect(byName.PILOT_CERT_PROVIDER.value).toEqual('istiod');
    expect(byName.CA_ADDR.value).toEqual('istiod.istio-system.svc:15012');
    expect(byName.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } });
    expect(byName.ISTIO_CPU_LIMIT.valueFrom).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    expect(byName.ISTIO_META_OWNER.value).toEqual('kubernetes://apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway');
    expect(byName.ISTIO_META_MESH_ID.value).toEqual('cluster.local');
    expect(byName.TRUST_DOMAIN.value).toEqual('cluster.local');
    expect(byName.ISTIO_META_CLUSTER_ID.value).toEqual('Kubernetes');
    expect(byName.ISTIO_META_UNPRIVILEGED_POD.value).toEqual('true');
  });

  test('mounts the proxy volumes', () => {
    const proxy = proxyOf(manifests);
    expect(proxy.volumeMounts).toEqual([
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'config-volume', mountPath: '/etc/istio/config' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'podinfo', mountPath: '/etc/istio/pod' },
      { name: 'ingressgateway-certs', mountPath: '/etc/istio/ingressgateway-certs', readOnly: true },
      { name: 'ingressgateway-ca-certs', mountPath: '/etc/istio/ingressgateway-ca-certs', readOnly: true },
    ]);
    const volumes = find(manifests, 'Deployment').spec.template.spec.volumes;
    expect(volumes).toEqual([
      { name: 'workload-socket', emptyDir: {} },
      { name: 'credential-socket', emptyDir: {} },
      { name: 'workload-certs', emptyDir: {} },
      { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
      {
        name: 'podinfo',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
          ],
        },
      },
      { name: 'istio-envoy', emptyDir: {} },
      { name: 'istio-data', emptyDir: {} },
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
      { name: 'config-volume', configMap: { name: 'istio', optional: true } },
      { name: 'ingressgateway-certs', secret: { secretName: 'istio-ingressgateway-certs', optional: true } },
      { name: 'ingressgateway-ca-certs', secret: { secretName: 'istio-ingressgateway-ca-certs', optional: true } },
    ]);
  });

  test('autoscales from 1 to 5 pods at 80% CPU, without a disruption budget', () => {
    expect(find(manifests, 'HorizontalPodAutoscaler').spec).toEqual({
      maxReplicas: 5,
      minReplicas: 1,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istio-ingressgateway' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(find(manifests, 'PodDisruptionBudget')).toBeUndefined();
  });

  test('is deterministic', () => {
    expect(synth(chart => new GatewayInstallation(chart, 'Ingress'))).toEqual(manifests);
  });
});

describe('GatewayInstallation, demo profile', () => {
  const demoResources = { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } };

  test('ingress adds the TCP and TLS passthrough ports and runs without an autoscaler', () => {
    // GIVEN
    const manifests = synth(chart => {
      const ingress = new GatewayInstallation(chart, 'Ingress', { scaling: GatewayScaling.fixed(), resources: demoResources });
      // WHEN
      ingress.addPort({ name: 'tcp', port: 31400 });
      ingress.addPort({ name: 'tls', port: 15443 });
    });

    // THEN
    expect(manifests.map(m => m.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Service', 'Deployment']);
    expect(find(manifests, 'Service').spec.ports).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      { name: 'tcp', port: 31400, protocol: 'TCP', targetPort: 31400 },
      { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443 },
    ]);
    const proxy = proxyOf(manifests);
    expect(proxy.ports.map((p: any) => p.containerPort)).toEqual([15021, 8080, 8443, 31400, 15443, 15090]);
    expect(proxy.resources).toEqual({ limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '10m', memory: '40Mi' } });
    expect(find(manifests, 'Deployment').spec.replicas).toBeUndefined();
  });

  test('egress is a ClusterIP service without a status port', () => {
    // GIVEN / WHEN
    let egress!: GatewayInstallation;
    const manifests = synth(chart => {
      egress = new GatewayInstallation(chart, 'Egress', { kind: GatewayKind.EGRESS, scaling: GatewayScaling.fixed(), resources: demoResources });
    });

    // THEN
    expect(manifests.map(m => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ServiceAccount/istio-egressgateway-service-account',
      'Role/istio-egressgateway-sds',
      'RoleBinding/istio-egressgateway-sds',
      'Service/istio-egressgateway',
      'Deployment/istio-egressgateway',
    ]);
    expect(find(manifests, 'Service').spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'istio-egressgateway', istio: 'egressgateway' },
      ports: [
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
    });
    const proxy = proxyOf(manifests);
    expect(proxy.ports.map((p: any) => p.containerPort)).toEqual([8080, 8443, 15090]);
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/healthz/ready', port: 15021, scheme: 'HTTP' });
    expect(proxy.env.find((e: any) => e.name === 'ISTIO_META_OWNER').value)
      .toEqual('kubernetes://apis/apps/v1/namespaces/istio-system/deployments/istio-egressgateway');
    expect(proxy.volumeMounts.slice(-2).map((m: any) => m.mountPath)).toEqual(['/etc/istio/egressgateway-certs', '/etc/istio/egressgateway-ca-certs']);
    expect(find(manifests, 'Deployment').spec.template.metadata.labels['operator.istio.io/component']).toEqual('EgressGateways');
    expect(egress.selectorLabels).toEqual({ app: 'istio-egressgateway', istio: 'egressgateway' });
    expect(egress.serviceName).toEqual('istio-egressgateway');
    expect(egress.namespace).toEqual('istio-system');
  });
});

describe('GatewayInstallation options', () => {
  test('a revisioned gateway talks to the revision\'s istiod', () => {
    const manifests = synth(chart => new GatewayInstallation(chart, 'Ingress', { revision: 'canary', istioNamespace: 'istio-control' }));
    const proxy = proxyOf(manifests);
    expect(proxy.env.find((e: any) => e.name === 'CA_ADDR').value).toEqual('istiod-canary.istio-control.svc:15012');
    expect(find(manifests, 'Deployment').spec.template.metadata.annotations['istio.io/rev']).toEqual('canary');
  });

  test('custom name, namespace, selector, service and scheduling', () => {
    // GIVEN
    let gateway!: GatewayInstallation;
    const manifests = synth(chart => {
      gateway = new GatewayInstallation(chart, 'Internal', {
        name: 'internal-gateway',
        namespace: 'gateways',
        selectorLabels: { gateway: 'internal' },
        hub: 'registry.example.com/istio',
        tag: '1.30.3-distroless',
        serviceType: GatewayServiceType.NODE_PORT,
        externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
        serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
        ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 30443 }, { name: 'dns', port: 5353, protocol: GatewayPortProtocol.UDP }],
        scaling: GatewayScaling.autoscale({ minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 60 }),
        nodeSelector: { 'node-role': 'edge' },
        tolerations: [kplus.NodeTaintQuery.is('dedicated', 'edge', { effect: kplus.TaintEffect.NO_SCHEDULE })],
        network: 'network1',
        labels: { team: 'edge' },
        env: { ISTIO_META_ROUTER_MODE: 'sni-dnat' },
      });
    });

    // THEN
    expect(gateway.selectorLabels).toEqual({ gateway: 'internal' });
    expect(find(manifests, 'Deployment').spec.template.metadata.labels).toMatchObject({ gateway: 'internal', team: 'edge' });
    expect(find(manifests, 'Service').metadata.labels).toMatchObject({ gateway: 'internal', team: 'edge' });
    const service = find(manifests, 'Service');
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
    expect(service.spec).toEqual({
      type: 'NodePort',
      selector: { gateway: 'internal' },
      externalTrafficPolicy: 'Local',
      ports: [
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 },
        { name: 'dns', port: 5353, protocol: 'UDP', targetPort: 5353 },
      ],
    });
    const pod = find(manifests, 'Deployment').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-role': 'edge' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' }]);
    expect(pod.containers[0].image).toEqual('registry.example.com/istio/proxyv2:1.30.3-distroless');
    expect(pod.containers[0].env.slice(-2)).toEqual([
      { name: 'ISTIO_META_NETWORK', value: 'network1' },
      { name: 'ISTIO_META_ROUTER_MODE', value: 'sni-dnat' },
    ]);
    expect(find(manifests, 'RoleBinding').subjects[0]).toEqual({ kind: 'ServiceAccount', name: 'internal-gateway-service-account', namespace: 'gateways' });
    expect(find(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(find(manifests, 'PodDisruptionBudget')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: expect.objectContaining({ name: 'internal-gateway', namespace: 'gateways' }),
      spec: { minAvailable: 1, selector: { matchLabels: { gateway: 'internal' } } },
    });
  });

  test('fixed replicas set the Deployment replicas and skip the autoscaler', () => {
    const manifests = synth(chart => new GatewayInstallation(chart, 'Ingress', { scaling: GatewayScaling.fixed(3), podDisruptionBudget: false }));
    expect(find(manifests, 'Deployment').spec.replicas).toEqual(3);
    expect(find(manifests, 'HorizontalPodAutoscaler')).toBeUndefined();
    expect(find(manifests, 'PodDisruptionBudget')).toBeUndefined();
  });
});

describe('GatewayInstallation validation', () => {
  test('fails when two ports share a number', () => {
    const chart = Testing.chart();
    const gateway = new GatewayInstallation(chart, 'Ingress');
    expect(() => gateway.addPort({ name: 'web', port: 80 }))
      .toThrow(/Ingress: ports\[3\] "web 80\/TCP" is invalid: port 80\/TCP is already used by ports\[1\] \(http2\)/);
  });

  test('fails when two ports share a name', () => {
    const chart = Testing.chart();
    expect(() => new GatewayInstallation(chart, 'Ingress', { ports: [{ name: 'web', port: 80 }, { name: 'web', port: 8080 }] }))
      .toThrow(/Ingress: ports\[1\] "web 8080\/TCP" is invalid: the name "web" is already used by ports\[0\]/);
  });

  test('fails when a port targets a port of the proxy itself', () => {
    const chart = Testing.chart();
    expect(() => new GatewayInstallation(chart, 'Ingress', { ports: [{ name: 'metrics', port: 9090, targetPort: 15090 }] }))
      .toThrow(/Ingress: ports\[0\]\.targetPort 15090 is invalid: the proxy itself listens on 15090/);
  });

  test('fails on an invalid port name or number', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { ports: [{ name: 'HTTP', port: 80 }] }))
      .toThrow(/Ingress: ports\[0\]\.name "HTTP" is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { ports: [{ name: 'http', port: 70000 }] }))
      .toThrow(/Ingress: ports\[0\]\.port 70000 is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { ports: [] }))
      .toThrow(/Ingress: ports \[\] is invalid: a gateway Service needs at least one port/);
  });

  test('fails on a node port of a ClusterIP service', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Egress', { kind: GatewayKind.EGRESS, ports: [{ name: 'http', port: 80, nodePort: 30080 }] }))
      .toThrow(/Egress: ports\[0\]\.nodePort 30080 is invalid: a ClusterIP Service has no node ports/);
  });

  test('fails on quantities Kubernetes cannot parse', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { resources: { requests: { cpu: '100 m' } } }))
      .toThrow(/Ingress: resources\.requests\.cpu "100 m" is invalid: must be a Kubernetes quantity/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { resources: { limits: { memory: '1GB' } } }))
      .toThrow(/Ingress: resources\.limits\.memory "1GB" is invalid/);
  });

  test('fails when a request exceeds its limit', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { resources: { requests: { memory: '2Gi' }, limits: { memory: '1024Mi' } } }))
      .toThrow(/Ingress: resources\.requests\.memory "2Gi" is invalid: must not exceed the limit "1024Mi"/);
  });

  test('fails on invalid names and labels', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { name: 'Ingress_GW' })).toThrow(/Ingress: name "Ingress_GW" is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { name: '1gateway' })).toThrow(/Ingress: name "1gateway" is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { namespace: 'Istio System' })).toThrow(/Ingress: namespace "Istio System" is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { selectorLabels: {} })).toThrow(/Ingress: selectorLabels \{\} is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { selectorLabels: { app: 'bad value' } }))
      .toThrow(/Ingress: selectorLabels\["app"\] "bad value" is invalid/);
  });

  test('fails when extra labels would change the selector or revision labels', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { labels: { app: 'other' } }))
      .toThrow(/Ingress: labels "app" is invalid: the installation sets this label itself/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { labels: { 'istio.io/rev': 'canary' } }))
      .toThrow(/Ingress: labels "istio.io\/rev" is invalid/);
  });

  test('fails on inconsistent autoscaling', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { scaling: GatewayScaling.autoscale({ minReplicas: 3, maxReplicas: 2 }) }))
      .toThrow(/Ingress: scaling\.maxReplicas 2 is invalid: must be at least minReplicas \(3\)/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { scaling: GatewayScaling.autoscale({ targetCpuUtilization: 0 }) }))
      .toThrow(/Ingress: scaling\.targetCpuUtilization 0 is invalid/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { scaling: GatewayScaling.fixed(-1) }))
      .toThrow(/Ingress: scaling\.replicas -1 is invalid/);
  });

  test('fails when extra env overrides a variable the installation sets', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { env: { CA_ADDR: 'elsewhere:15012' } }))
      .toThrow(/Ingress: env "CA_ADDR" is invalid: is set by the installation itself/);
  });
});
