/**
 * The README's examples, as written there (plus the few objects they assume), so that the
 * README cannot drift from the API: each one must compile, synthesize and validate.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AnalysisLevel, AuthorizationPolicy, ClientTls, CniPlatform, CrdSource, CustomTag, Destination, DestinationRule, DisruptionBudget, Fault,
  Gateway, GatewayApiCrdChannel, GatewaySelector, GatewayServiceType, IpFamilyPolicy, IstioMesh, IstioOperatorSource, KialiAuth,
  LoadBalancer, MeshAnalysis, MtlsMode, ObservabilityAddons, OutboundTrafficPolicyMode, PeerAuthentication, PolicyTargetReference,
  PortProtocol, Principal, Profile, RequestAuthentication, SeccompProfileType, ServerTlsMode, ServiceEntry, ServiceEntryLocation,
  ServiceEntryResolution, Sidecar, SidecarOutboundTrafficPolicy, SimpleLoadBalancer, StringMatch, Telemetry, UnsatisfiableSpread,
  VirtualService, WorkloadSelector, gatewayApi,
} from '../src';
import { expectValidIstio } from './support/istio-validate';

function deployment(chart: Chart, app: string, version: string): kplus.Deployment {
  return new kplus.Deployment(chart, `${app}-${version}`, {
    podMetadata: { labels: { app, version } },
    containers: [{ image: `example/${app}:${version}`, portNumber: 9080 }],
  });
}

test('install a mesh (demo profile with addons)', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'istio');
  const mesh = new IstioMesh(chart, 'mesh', { profile: Profile.DEMO });
  mesh.injectNamespace('bookinfo');
  ObservabilityAddons.demo(chart, 'addons', mesh);

  const objects = Testing.synth(chart);
  expect(objects.find(o => o.kind === 'Namespace' && o.metadata.name === 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name))
    .toEqual(expect.arrayContaining(['istiod', 'istio-ingressgateway', 'istio-egressgateway', 'prometheus', 'grafana', 'tracing', 'kiali']));
});

test('Kubernetes settings of istiod and the gateways', () => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'mesh', {
    components: {
      imagePullSecrets: ['registry-creds'],
      priorityClassName: 'system-cluster-critical',
      topologySpreadConstraints: [{ topology: kplus.Topology.ZONE, whenUnsatisfiable: UnsatisfiableSpread.DO_NOT_SCHEDULE }],
      podSecurityContext: { seccompProfile: SeccompProfileType.RUNTIME_DEFAULT },
    },
    istiod: {
      autoscaling: { minReplicas: 2, targetCpuUtilization: 150 }, // above 100%: relative to the request
      autoscalingMetrics: [
        kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(150)),
        kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(80)),
      ],
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'istiod@my-project.iam.gserviceaccount.com' },
    },
    ingressGateway: {
      affinity: { preferredPodAntiAffinity: [{ weight: 100, topology: kplus.Topology.HOSTNAME }] },
      service: { loadBalancerClass: 'service.k8s.aws/nlb', ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK },
      rollingUpdate: { maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) },
    },
    networkPolicy: true, // NetworkPolicies for istiod and the gateways (global.networkPolicy.enabled)
  });
  // the last resort, for a field no option covers: a JSON patch on any object the mesh writes
  mesh.addOverlay({ kind: 'Deployment', name: 'istiod', patches: [JsonPatch.add('/spec/template/spec/hostNetwork', true)] });

  const objects = Testing.synth(chart);
  const istiod = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'istiod');
  expect(istiod.spec.template.spec.hostNetwork).toBe(true);
  expect(istiod.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
  expect(objects.filter(o => o.kind === 'NetworkPolicy')).toHaveLength(2);
});

test('Kubernetes settings of istio-cni and ztunnel', () => {
  const chart = Testing.chart();
  new IstioMesh(chart, 'mesh', {
    profile: Profile.AMBIENT,
    cni: { podAnnotations: { 'example.com/team': 'mesh' }, rollingUpdate: { maxUnavailable: kplus.PercentOrAbsolute.percent(10) } },
    ztunnel: { imagePullSecrets: ['registry-creds'], serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/ztunnel' } },
  });
  const objects = Testing.synth(chart);
  const find = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);
  expect(find('DaemonSet', 'istio-cni-node').spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: '10%' });
  expect(find('DaemonSet', 'ztunnel').spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
  expect(find('ServiceAccount', 'ztunnel').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/ztunnel' });
  expect(() => new IstioMesh(Testing.chart(), 'mesh', { profile: Profile.AMBIENT, cni: { disruptionBudget: DisruptionBudget.minAvailable(1) } as any }))
    .toThrow(/cni\.disruptionBudget .* istio-cni-node is a DaemonSet: it runs one pod per node and has no PodDisruptionBudget/);
});

test('migrating from istioctl install -f my-operator.yaml', () => {
  const chart = Testing.chart();
  const file = join(mkdtempSync(join(tmpdir(), 'readme-')), 'my-operator.yaml');
  writeFileSync(file, 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: demo\n  meshConfig:\n    accessLogFile: /dev/stdout\n');
  const mesh = IstioMesh.fromIstioOperator(chart, 'mesh', IstioOperatorSource.fromFile(file));
  mesh.injectNamespace('bookinfo');
  const objects = Testing.synth(chart);
  expect(objects.find(o => o.kind === 'Namespace' && o.metadata.name === 'bookinfo')).toBeDefined();
  expect(() => IstioMesh.fromIstioOperator(Testing.chart(), 'mesh', IstioOperatorSource.fromObject({
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { meshConfig: { extensionProviders: [] } },
  }))).toThrow(/mesh \(IstioOperator\): IstioOperator field spec\.meshConfig\.extensionProviders is not supported;\s+add each with mesh\.addExtensionProvider/);
});

test('a typed mesh configuration, more gateways and escape hatches', () => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'mesh', {
    profile: Profile.DEFAULT,
    hub: 'registry.example.com/istio',
    tag: '1.30.3',
    meshConfig: {
      accessLogFile: '/dev/stdout',
      outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
      trustDomain: 'example.com',
    },
    istiod: { autoscalingEnabled: false, replicas: 2 },
    crds: CrdSource.none(),
    gatewayApiCrds: GatewayApiCrdChannel.NONE,
    syncWaves: true,
  });
  mesh.addIngressGateway('internal-ingressgateway', { serviceType: GatewayServiceType.CLUSTER_IP });
  mesh.meshConfig.addOverride('defaultConfig.proxyStatsMatcher.inclusionPrefixes', ['upstream_cx']);

  const objects = Testing.synth(chart);
  const istiod = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'istiod');
  expect(istiod.spec.template.spec.containers[0].image).toBe('registry.example.com/istio/pilot:1.30.3');
  const meshConfig = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'istio').data.mesh;
  expect(meshConfig).toMatch(/outboundTrafficPolicy:\n\s+mode: REGISTRY_ONLY/);
  expect(meshConfig).toMatch(/inclusionPrefixes:\n\s+- upstream_cx/);
  expect(objects.find(o => o.kind === 'Service' && o.metadata.name === 'internal-ingressgateway').spec.type).toBe('ClusterIP');
  expect(objects.some(o => o.kind === 'CustomResourceDefinition')).toBe(false);
});

test('ambient mode and istio-cni', () => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'mesh', {
    profile: Profile.AMBIENT,
    cni: { platform: CniPlatform.GKE, excludeNamespaces: ['kube-system', 'monitoring'] },
    ztunnel: { resources: { requests: { cpu: '200m', memory: '512Mi' } }, logLevel: 'info,access=debug' },
  });
  const ns = mesh.enrollNamespace('shop', { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
  const waypoint = new gatewayApi.Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'shop' } });
  waypoint.useForNamespace(ns);
  new AuthorizationPolicy(chart, 'get-only', {
    metadata: { name: 'get-only', namespace: 'shop' },
    targetRefs: [PolicyTargetReference.fromWaypoint(waypoint)],
    rules: [{ to: [{ methods: ['GET'] }] }],
  });

  const objects = Testing.synth(chart);
  expect(objects.find(o => o.kind === 'Namespace' && o.metadata.name === 'shop').metadata.labels).toEqual({
    'pod-security.kubernetes.io/enforce': 'restricted', 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint',
  });
  expect(objects.find(o => o.kind === 'DaemonSet' && o.metadata.name === 'istio-cni-node').spec.template.spec.volumes[0])
    .toEqual({ name: 'cni-bin-dir', hostPath: { path: '/home/kubernetes/bin' } });
  expect(objects.find(o => o.kind === 'AuthorizationPolicy').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
  expectValidIstio(objects);
});

test('canary upgrade with two revisions and a revision tag', () => {
  const chart = Testing.chart();
  new IstioMesh(chart, 'stable', { revision: '1-29-0', tag: '1.29.0' });
  const canary = new IstioMesh(chart, 'canary', { revision: '1-30-3', ingressGateway: { enabled: false } });
  canary.addRevisionTag('prod-stable');
  canary.injectNamespace('bookinfo', { revisionTag: 'prod-stable' });

  const objects = Testing.synth(chart);
  expect(objects.filter(o => o.kind === 'Deployment').map(o => o.metadata.name)).toEqual(expect.arrayContaining(['istiod-1-29-0', 'istiod-1-30-3']));
  expect(objects.find(o => o.kind === 'Namespace' && o.metadata.name === 'bookinfo').metadata.labels).toEqual({ 'istio.io/rev': 'prod-stable' });
});

test('observability addons', () => {
  const app = new App();
  const chart = new Chart(app, 'istio');
  const mesh = new IstioMesh(chart, 'mesh');
  const addons = new ObservabilityAddons(chart, 'addons', {
    mesh,
    prometheus: { retention: Duration.days(7) },
    grafana: {},
    jaeger: { samplingPercentage: 10 },
    kiali: { auth: KialiAuth.anonymous() },
    loki: {},
    accessLogs: true,
  });
  expect(addons.prometheus!.url).toBe('http://prometheus.istio-system:9090');
  expectValidIstio(Testing.synth(chart));
});

test('traffic management', () => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'mesh', { crds: CrdSource.none() });
  const productpageService = new kplus.Service(chart, 'productpage', { ports: [{ port: 9080, name: 'http' }] });
  const reviewsV1 = deployment(chart, 'reviews', 'v1');
  const reviewsV2 = deployment(chart, 'reviews', 'v2');
  deployment(chart, 'reviews', 'v3');
  deployment(chart, 'ratings', 'v1');
  for (const app of ['reviews', 'ratings']) new kplus.Service(chart, `${app}-svc`, { metadata: { name: app }, ports: [{ port: 9080, name: 'http' }] }).selectLabel('app', app);
  const ratings = new DestinationRule(chart, 'ratings-rule', { host: 'ratings' });
  ratings.addSubset('v1', { labels: { version: 'v1' } });

  // --- README: Gateway and VirtualService
  const gateway = new Gateway(chart, 'bookinfo-gateway', {
    selector: GatewaySelector.fromGatewayWorkload(mesh.ingressGateway!), // istio: ingressgateway
    servers: [{ port: { number: 8080, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] }],
  });
  gateway.addServer({
    port: { number: 8443, name: 'https', protocol: PortProtocol.HTTPS }, // Service port 443
    hosts: ['bookinfo.example.com'],
    tls: { mode: ServerTlsMode.SIMPLE, credentialName: 'bookinfo-cert' },
  });

  new VirtualService(chart, 'bookinfo', {
    hosts: ['*'],
    gateways: [gateway], // renders namespace/name when the namespaces differ
    http: [{
      match: [
        { uri: StringMatch.exact('/productpage') },
        { uri: StringMatch.prefix('/static') },
        { uri: StringMatch.exact('/login') },
        { uri: StringMatch.exact('/logout') },
        { uri: StringMatch.prefix('/api/v1/products') },
      ],
      route: [{ destination: Destination.fromService(productpageService, { port: 9080 }) }],
    }],
  });

  // --- README: DestinationRule and weighted routes
  const reviews = new DestinationRule(chart, 'reviews-rule', {
    host: 'reviews',
    trafficPolicy: {
      loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.RANDOM),
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      tls: ClientTls.istioMutual(),
    },
  });
  reviews.addSubsetFromWorkload(reviewsV1); // subset v1 from the Deployment's `version` label
  reviews.addSubsetFromWorkload(reviewsV2);
  reviews.addSubset('v3', { labels: { version: 'v3' }, trafficPolicy: { loadBalancer: LoadBalancer.simple(SimpleLoadBalancer.ROUND_ROBIN) } });

  const routes = new VirtualService(chart, 'reviews', { hosts: ['reviews'] });
  routes.addHttpRoute({
    match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
    route: [{ destination: Destination.fromSubset(reviews.subset('v2')) }],
  });
  routes.addHttpRoute({
    route: [
      { destination: Destination.fromSubset(reviews.subset('v1')), weight: 75 },
      { destination: Destination.fromSubset(reviews.subset('v3')), weight: 25 },
    ],
    timeout: Duration.seconds(10),
    retries: { attempts: 3, perTryTimeout: Duration.seconds(2) },
  });

  new VirtualService(chart, 'ratings', {
    hosts: ['ratings'],
    http: [
      {
        match: [{ headers: { 'end-user': StringMatch.exact('jason') } }],
        fault: Fault.delay(Duration.seconds(7), 100), // or Fault.abort(500, 100)
        route: [{ destination: Destination.fromSubset(ratings.subset('v1')) }],
      },
      { route: [{ destination: Destination.fromSubset(ratings.subset('v1')) }] },
    ],
  });

  // --- README: ServiceEntry and Sidecar
  new ServiceEntry(chart, 'httpbin', {
    hosts: ['httpbin.org'],
    ports: [{ number: 443, name: 'https', protocol: PortProtocol.TLS }],
    location: ServiceEntryLocation.MESH_EXTERNAL,
    resolution: ServiceEntryResolution.DNS,
  });

  new Sidecar(chart, 'default-sidecar', {
    metadata: { namespace: 'bookinfo' },
    egress: [{ hosts: ['./*', 'istio-system/*'] }],
    outboundTrafficPolicy: SidecarOutboundTrafficPolicy.registryOnly(),
  });

  const objects = Testing.synth(chart);
  const reviewsRoutes = objects.find(o => o.kind === 'VirtualService' && o.metadata.name === routes.name).spec.http;
  expect(reviewsRoutes[1].route).toEqual([
    { destination: { host: 'reviews', subset: 'v1' }, weight: 75 },
    { destination: { host: 'reviews', subset: 'v3' }, weight: 25 },
  ]);
  expectValidIstio(objects);
});

test('security and telemetry', () => {
  const chart = Testing.chart();
  const database = deployment(chart, 'database', 'v1');
  const reviewsV1 = deployment(chart, 'reviews', 'v1');
  const productpageServiceAccount = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'bookinfo-productpage', namespace: 'bookinfo' } });

  // --- README: Security
  PeerAuthentication.strictMeshWide(chart, 'mesh-mtls');
  PeerAuthentication.strictNamespace(chart, 'bookinfo-mtls', 'bookinfo');
  new PeerAuthentication(chart, 'db', {
    selector: WorkloadSelector.fromWorkload(database),
    mtls: MtlsMode.STRICT,
    portLevelMtls: [{ port: 9104, mode: MtlsMode.PERMISSIVE }],
  });

  AuthorizationPolicy.denyAll(chart, 'deny-all', { metadata: { namespace: 'bookinfo' } });
  AuthorizationPolicy.allowTraffic(chart, 'productpage-to-reviews', {
    metadata: { namespace: 'bookinfo' },
    from: [Principal.fromServiceAccount(productpageServiceAccount)],
    to: WorkloadSelector.fromWorkload(reviewsV1),
    methods: ['GET'],
    paths: ['/reviews/*'],
  });

  new RequestAuthentication(chart, 'jwt', {
    selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
    jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json', forwardOriginalToken: true }],
  });

  // --- README: Telemetry
  new Telemetry(chart, 'mesh-default', {
    tracing: [{ providers: ['jaeger'], randomSamplingPercentage: 10, customTags: { team: CustomTag.literal('shop') } }],
    accessLogging: [{ providers: ['envoy'], filter: 'response.code >= 400' }],
  });

  const objects = Testing.synth(chart);
  const allow = objects.find(o => o.kind === 'AuthorizationPolicy' && o.metadata.name !== undefined && o.spec.action === 'ALLOW');
  expect(allow.spec.rules[0].from).toEqual([{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }]);
  expectValidIstio(objects);
});

test('mesh analysis', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'bookinfo');
  const legacyChart = new Chart(app, 'legacy');
  new kplus.Service(chart, 'web', { metadata: { name: 'web' }, ports: [{ port: 80, name: 'web' }] });
  new DestinationRule(chart, 'web-rule', { host: 'web' });

  // --- README: Mesh analysis
  MeshAnalysis.configure(app, { showInfo: true }); // print Info too
  MeshAnalysis.setLevel(app, 'IST0118', AnalysisLevel.IGNORE); // any code, for any scope
  MeshAnalysis.setLevel(legacyChart, 'IST0173', AnalysisLevel.WARNING); // the nearest scope wins
  MeshAnalysis.setFailureThreshold(app, AnalysisLevel.WARNING); // make warnings fail CI
  const messages = MeshAnalysis.analyze(app); // every message, for tooling
  MeshAnalysis.disable(app); // or CDK8S_ISTIO_ANALYSIS=off

  expect(messages).toEqual([]);
  expect(() => Testing.synth(chart)).not.toThrow();
});
