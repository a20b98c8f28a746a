import { ApiObject, Testing, Yaml } from 'cdk8s';
import { CrdSource } from '../src/install/crds';
import { GatewayApiCrdChannel } from '../src/install/gateway-api-crds';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

const CRDS = [
  'trafficextensions.extensions.istio.io',
  'wasmplugins.extensions.istio.io',
  'destinationrules.networking.istio.io',
  'envoyfilters.networking.istio.io',
  'gateways.networking.istio.io',
  'proxyconfigs.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'virtualservices.networking.istio.io',
  'workloadentries.networking.istio.io',
  'workloadgroups.networking.istio.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
  'telemetries.telemetry.istio.io',
].map(name => `CustomResourceDefinition ${name}`).concat([
  // the Gateway API standard channel (IstioMesh `gatewayApiCrds`)
  ...['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'listenersets', 'referencegrants', 'tlsroutes']
    .map(plural => `CustomResourceDefinition ${plural}.gateway.networking.k8s.io`),
  'ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io',
  'ValidatingAdmissionPolicyBinding safe-upgrades.gateway.networking.k8s.io',
]);

/** What istioctl renders for istiod in every profile that has it (base + istiod), in apply order. */
const ISTIOD = [
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
];

const WEBHOOKS = [
  'MutatingWebhookConfiguration istio-sidecar-injector',
  'ValidatingWebhookConfiguration istio-validator-istio-system',
];

/** What `istioctl install` applies on top of the manifest for a mesh without revision: the default revision tag. */
const DEFAULT_TAG = [
  'Service istio-system/istiod-revision-tag-default',
  'MutatingWebhookConfiguration istio-revision-tag-default',
  'ValidatingWebhookConfiguration istiod-default-validator',
];

const gateway = (name: string, autoscaled: boolean) => [
  `ServiceAccount istio-system/${name}-service-account`,
  `Role istio-system/${name}-sds`,
  `RoleBinding istio-system/${name}-sds`,
  `Service istio-system/${name}`,
  `Deployment istio-system/${name}`,
  ...(autoscaled ? [`HorizontalPodAutoscaler istio-system/${name}`] : []),
];

function ids(manifests: any[]): string[] {
  return manifests.map(m => `${m.kind} ${m.metadata.namespace ? m.metadata.namespace + '/' : ''}${m.metadata.name}`);
}

function synth(profile?: Profile) {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', profile === undefined ? {} : { profile });
  return { chart, mesh, manifests: Testing.synth(chart) };
}

describe('profiles', () => {
  test('default: CRDs, namespace, istiod with an autoscaler, webhooks and an autoscaled ingress gateway', () => {
    const { manifests } = synth();
    expect(ids(manifests)).toEqual([
      ...CRDS,
      ...ISTIOD,
      'HorizontalPodAutoscaler istio-system/istiod',
      ...WEBHOOKS,
      ...DEFAULT_TAG,
      ...gateway('istio-ingressgateway', true),
    ]);
  });

  test('demo: fixed replicas, ingress and egress gateways', () => {
    const { manifests } = synth(Profile.DEMO);
    expect(ids(manifests)).toEqual([
      ...CRDS,
      ...ISTIOD,
      ...WEBHOOKS,
      ...DEFAULT_TAG,
      ...gateway('istio-ingressgateway', false),
      ...gateway('istio-egressgateway', false),
    ]);
  });

  test('minimal: istiod only', () => {
    const { manifests } = synth(Profile.MINIMAL);
    expect(ids(manifests)).toEqual([
      ...CRDS,
      ...ISTIOD,
      'HorizontalPodAutoscaler istio-system/istiod',
      ...WEBHOOKS,
      ...DEFAULT_TAG,
    ]);
  });

  test('empty: nothing, as upstream\'s empty profile', () => {
    const { manifests } = synth(Profile.EMPTY);
    expect(manifests).toEqual([]);
  });

  test('empty: a base to add to; CRDs and the namespace only when asked for', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.EMPTY, crds: CrdSource.builtIn(), gatewayApiCrds: GatewayApiCrdChannel.STANDARD, createNamespace: true });
    expect(ids(Testing.synth(chart))).toEqual([...CRDS, 'Namespace istio-system']);
  });

  test('demo: small istiod resources, no HPA, 100% trace sampling, replicas 1', () => {
    const { manifests } = synth(Profile.DEMO);
    const istiod = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === 'istiod');
    expect(istiod.spec.replicas).toEqual(1);
    const container = istiod.spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '100Mi' } });
    expect(container.env.find((e: any) => e.name === 'PILOT_TRACE_SAMPLING')).toEqual({ name: 'PILOT_TRACE_SAMPLING', value: '100' });
  });

  test('demo: ingress gateway Service ports and small gateway resources', () => {
    const { manifests } = synth(Profile.DEMO);
    const svc = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'istio-ingressgateway');
    expect(svc.spec.type).toEqual('LoadBalancer');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([
      ['status-port', 15021, 15021],
      ['http2', 80, 8080],
      ['https', 443, 8443],
      ['tcp', 31400, 31400],
      ['tls', 15443, 15443],
    ]);
    const egress = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'istio-egressgateway');
    expect(egress.spec.type).toEqual('ClusterIP');
    expect(egress.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([['http2', 80, 8080], ['https', 443, 8443]]);
    const deployment = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === 'istio-egressgateway');
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' },
    });
  });

  test('default: ingress gateway Service ports', () => {
    const { manifests } = synth();
    const svc = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'istio-ingressgateway');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([
      ['status-port', 15021, 15021],
      ['http2', 80, 8080],
      ['https', 443, 8443],
    ]);
    expect(svc.spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
  });

  test('a profile gateway can be turned off or customised', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', {
      profile: Profile.DEMO,
      egressGateway: { enabled: false },
      ingressGateway: { resources: { requests: { cpu: '1', memory: '1Gi' } } },
    });
    const manifests = Testing.synth(chart);
    expect(manifests.some(m => m.metadata.name === 'istio-egressgateway')).toBe(false);
    const deployment = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === 'istio-ingressgateway');
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1Gi' } });
  });

  test('fails for an unknown profile', () => {
    const chart = Testing.chart();
    expect(() => new IstioMesh(chart, 'Istio', { profile: 'sidecarless' as Profile }))
      .toThrow(/test\/Istio: profile "sidecarless" is invalid: must be one of "default", "demo", "minimal", "ambient", "empty"/);
  });
});

describe('images', () => {
  test('hub and tag set the istiod and gateway images', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { hub: 'registry.example.com:5000/istio', tag: '1.30.3-distroless' });
    const manifests = Testing.synth(chart);
    const image = (name: string) => manifests.find(m => m.kind === 'Deployment' && m.metadata.name === name).spec.template.spec.containers[0].image;
    expect(image('istiod')).toEqual('registry.example.com:5000/istio/pilot:1.30.3-distroless');
    expect(image('istio-ingressgateway')).toEqual('registry.example.com:5000/istio/proxyv2:1.30.3-distroless');
  });

  test('fails for an invalid tag', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { tag: '1.30.3:latest' }))
      .toThrow(/test\/Istio: tag "1.30.3:latest" is invalid: must be an image tag/);
  });

  test('fails for an invalid hub', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { hub: 'Docker.io/Istio/' }))
      .toThrow(/test\/Istio: hub "Docker.io\/Istio\/" is invalid: must be an image registry/);
  });
});

describe('gateways', () => {
  test('addIngressGateway adds a gateway connected to the mesh', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL });
    const gw = mesh.addIngressGateway('internal-ingressgateway');
    const manifests = Testing.synth(chart);
    expect(gw.serviceName).toEqual('internal-ingressgateway');
    expect(ids(manifests)).toEqual(expect.arrayContaining(['Deployment istio-system/internal-ingressgateway', 'Service istio-system/internal-ingressgateway']));
  });

  test('addEgressGateway adds an egress gateway', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL });
    mesh.addEgressGateway('istio-egressgateway');
    const svc = Testing.synth(chart).find(m => m.kind === 'Service' && m.metadata.name === 'istio-egressgateway');
    expect(svc.spec.type).toEqual('ClusterIP');
  });

  test('fails for two gateways with the same name', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio');
    expect(() => mesh.addIngressGateway('istio-ingressgateway'))
      .toThrow(/test\/Istio: ingressGateways\[\]\.name "istio-ingressgateway" is invalid: must be unique in namespace "istio-system"/);
  });

  test('fails for a Service port clash', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL });
    expect(() => mesh.addIngressGateway('edge', { ports: [{ name: 'http', port: 80 }, { name: 'http-alt', port: 80 }] }))
      .toThrow(/test\/Istio\/edge: ports\[1\] .* port 80\/TCP is already used by ports\[0\]/);
  });
});

describe('namespaces', () => {
  test('injectNamespace labels a namespace for the default revision', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL });
    mesh.injectNamespace('bookinfo', { labels: { team: 'books' } });
    const ns = Testing.synth(chart).find(m => m.kind === 'Namespace' && m.metadata.name === 'bookinfo');
    expect(ns).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', labels: { 'team': 'books', 'istio-injection': 'enabled' } } });
  });

  test('injectNamespace uses istio.io/rev for a revision', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, revision: '1-30-3' });
    const ns = mesh.injectNamespace('bookinfo');
    expect(ns.toJson().metadata.labels).toEqual({ 'istio.io/rev': '1-30-3' });
  });

  test('fails for an invalid namespace name', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL });
    expect(() => mesh.injectNamespace('Book_Info')).toThrow(/test\/Istio: injectNamespace\(name\) "Book_Info" is invalid/);
  });

  test('fails for a namespace defined twice', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.MINIMAL });
    mesh.injectNamespace('bookinfo');
    expect(() => mesh.injectNamespace('bookinfo')).toThrow(/test\/Istio: injectNamespace\(name\) "bookinfo" is invalid: a Namespace with this name is already defined/);
  });
});

describe('sidecar injector and cluster settings', () => {
  test('sidecarInjector options and the profile proxy resources reach ConfigMap istio-sidecar-injector', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', {
      profile: Profile.DEMO,
      sidecarInjector: { holdApplicationUntilProxyStarts: true, proxyLogLevel: 'debug' },
    });
    const cm = Testing.synth(chart).find(m => m.kind === 'ConfigMap' && m.metadata.name === 'istio-sidecar-injector');
    const values = JSON.parse(cm.data.values);
    expect(values.global.proxy).toMatchObject({
      holdApplicationUntilProxyStarts: true,
      logLevel: 'debug',
      resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
    });
    expect(values.global).toMatchObject({ hub: 'docker.io/istio', tag: '1.30.3', istioNamespace: 'istio-system' });
    expect(values.revision).toEqual('');
  });

  test('trust domain and cluster settings reach the gateways', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { meshConfig: { trustDomain: 'example.com' }, istiod: { clusterId: 'east' } });
    const gw = Testing.synth(chart).find(m => m.kind === 'Deployment' && m.metadata.name === 'istio-ingressgateway');
    const env = Object.fromEntries(gw.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ TRUST_DOMAIN: 'example.com', ISTIO_META_CLUSTER_ID: 'east' });
  });

  test('fails for a sidecarInjector field the mesh owns', () => {
    expect(() => new IstioMesh(Testing.chart(), 'Istio', { sidecarInjector: { hub: 'quay.io/istio' } }))
      .toThrow(/test\/Istio: sidecarInjector\.hub "quay.io\/istio" is invalid: the mesh sets it to "docker.io\/istio"/);
  });
});

describe('output', () => {
  test('is byte-identical on re-synth', () => {
    const render = () => {
      const chart = Testing.chart();
      const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO, syncWaves: true });
      mesh.injectNamespace('bookinfo');
      return Yaml.stringify(...Testing.synth(chart));
    };
    expect(render()).toEqual(render());
  });

  test('orders CRDs and namespaces first, then identities and config, then the control plane, webhooks and gateways', () => {
    const { manifests } = synth(Profile.DEMO);
    const rank: Record<string, number> = {
      CustomResourceDefinition: 0,
      Namespace: 1,
      ServiceAccount: 2,
      ClusterRole: 2,
      ClusterRoleBinding: 2,
      Role: 2,
      RoleBinding: 2,
      ConfigMap: 2,
      Service: 3,
      Deployment: 3,
      HorizontalPodAutoscaler: 3,
      PodDisruptionBudget: 3,
      MutatingWebhookConfiguration: 4,
      ValidatingWebhookConfiguration: 4,
    };
    const isTag = (m: any) => m.metadata.labels?.['istio.io/tag'] !== undefined || m.metadata.name === 'istiod-default-validator';
    const istiodPart = manifests.filter(m => (!String(m.metadata.name).includes('gateway') || m.kind.startsWith('ClusterRole')) && !isTag(m));
    const ranks = istiodPart.map(m => rank[m.kind]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // the default tag follows the control plane it points at, as istioctl applies it after the manifest
    const lastWebhook = manifests.findIndex(m => m.metadata.name === 'istio-validator-istio-system');
    const tags = manifests.map((m, i) => isTag(m) ? i : -1).filter(i => i >= 0);
    expect(tags).toEqual([lastWebhook + 1, lastWebhook + 2, lastWebhook + 3]);
    const firstGateway = manifests.findIndex(m => m.metadata.name === 'istio-ingressgateway-service-account');
    expect(firstGateway).toBeGreaterThan(lastWebhook + 3);
  });

  test('sync waves: CRDs -3, namespaces -2, config -1, control plane 0, webhooks 1, gateways 2, app namespaces 3', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { syncWaves: true });
    mesh.injectNamespace('bookinfo');
    const wave = (kind: string, name: string) => Testing.synth(chart)
      .find(m => m.kind === kind && m.metadata.name === name).metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave('CustomResourceDefinition', 'virtualservices.networking.istio.io')).toEqual('-3');
    expect(wave('Namespace', 'istio-system')).toEqual('-2');
    expect(wave('ClusterRole', 'istiod-clusterrole-istio-system')).toEqual('-1');
    expect(wave('ConfigMap', 'istio')).toEqual('-1');
    expect(wave('Deployment', 'istiod')).toEqual('0');
    expect(wave('MutatingWebhookConfiguration', 'istio-sidecar-injector')).toEqual('1');
    expect(wave('Deployment', 'istio-ingressgateway')).toEqual('2');
    expect(wave('Namespace', 'bookinfo')).toEqual('3');
  });

  test('no sync-wave annotations by default', () => {
    const { manifests } = synth();
    expect(manifests.filter(m => m.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)).toEqual([]);
  });

  test('CrdSource.none() leaves the CRDs out', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, crds: CrdSource.none(), gatewayApiCrds: GatewayApiCrdChannel.NONE });
    expect(Testing.synth(chart).filter(m => m.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  test('the istiod Deployment is exposed for JSON patches', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL });
    expect(mesh.istiodDeployment).toBeInstanceOf(ApiObject);
    expect(mesh.istiodServiceName).toEqual('istiod');
  });
});
