import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { configFile, find, kinds } from './addons-helpers';
import { expectValidIstio } from './support/istio-validate';
import { KialiAuth } from '../src/addons/kiali';
import { ObservabilityAddons } from '../src/addons/observability';
import { ExtensionProvider } from '../src/install/extension-provider';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

function meshConfig(manifests: any[]): any {
  return parse(find(manifests, 'ConfigMap', 'istio').data.mesh);
}

describe('ObservabilityAddons', () => {
  test('installs the chosen addons and wires tracing into the mesh', () => {
    // GIVEN
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio');

    // WHEN
    const addons = new ObservabilityAddons(chart, 'Addons', {
      mesh,
      prometheus: {},
      grafana: {},
      jaeger: { samplingPercentage: 10 },
      kiali: { auth: KialiAuth.anonymous() },
      accessLogs: true,
    });
    const manifests = Testing.synth(chart);

    // THEN: the mesh config has the Jaeger provider and uses it by default
    const mesh_ = meshConfig(manifests);
    expect(mesh_.extensionProviders).toEqual([
      { name: 'jaeger', opentelemetry: { service: 'jaeger-collector.istio-system.svc.cluster.local', port: 4317 } },
    ]);
    expect(mesh_.defaultProviders).toEqual({ metrics: ['prometheus'], tracing: ['jaeger'] });

    // THEN: a mesh-wide Telemetry in the root namespace samples 10% and turns access logs on
    const telemetry = find(manifests, 'Telemetry', 'mesh-default');
    expect(telemetry).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 10 }],
        accessLogging: [{ providers: [{ name: 'envoy' }] }],
      },
    });
    expectValidIstio([telemetry]);

    // THEN: the addons find each other
    expect(configFile(manifests, 'kiali', 'config.yaml').external_services).toMatchObject({
      prometheus: { url: 'http://prometheus.istio-system:9090' },
      grafana: { enabled: true, internal_url: 'http://grafana.istio-system:3000' },
      tracing: { enabled: true, internal_url: 'http://tracing.istio-system:16685/jaeger' },
    });
    expect(configFile(manifests, 'grafana', 'datasources.yaml').datasources.map((d: any) => d.url))
      .toEqual(['http://prometheus.istio-system:9090', 'http://tracing.istio-system/jaeger']);
    expect(addons.tracingProviderName).toEqual('jaeger');
    expect([addons.prometheus?.url, addons.grafana?.url, addons.jaeger?.url, addons.kiali?.url]).toEqual([
      'http://prometheus.istio-system:9090',
      'http://grafana.istio-system:3000',
      'http://tracing.istio-system/jaeger',
      'http://kiali.istio-system:20001/kiali',
    ]);
    expect(addons.loki).toBeUndefined();
  });

  test('every in-cluster address one addon or the mesh uses resolves to an emitted Service port backed by a container port', () => {
    // GIVEN: everything, in a namespace of its own
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio');
    new ObservabilityAddons(chart, 'Addons', {
      mesh, namespace: 'observability', prometheus: {}, grafana: {}, jaeger: {}, kiali: {}, loki: {},
    });
    const manifests = Testing.synth(chart);

    // WHEN: collecting every address the configs contain
    const kiali = configFile(manifests, 'kiali', 'config.yaml').external_services;
    const addresses: string[] = [
      kiali.prometheus.url, kiali.grafana.internal_url, kiali.tracing.internal_url,
      ...configFile(manifests, 'grafana', 'datasources.yaml').datasources.map((d: any) => d.url),
      ...meshConfig(manifests).extensionProviders.map((p: any) => `grpc://${p.opentelemetry.service}:${p.opentelemetry.port}`),
    ];
    expect(addresses).toHaveLength(7);

    // THEN: each names a Service, a port of it, and a container port of the pods it selects
    for (const address of addresses) {
      const url = new URL(address);
      const [name, namespace] = url.hostname.split('.');
      const port = Number(url.port || 80);
      const service = manifests.find(m => m.kind === 'Service' && m.metadata.name === name && m.metadata.namespace === namespace);
      expect({ address, service: service?.metadata.name }).toEqual({ address, service: name });
      const servicePort = service.spec.ports.find((p: any) => p.port === port);
      expect({ address, port: servicePort?.port }).toEqual({ address, port });
      const workload = manifests.find(m => ['Deployment', 'StatefulSet'].includes(m.kind) && m.metadata.namespace === namespace
        && Object.entries(service.spec.selector).every(([k, v]) => m.spec.template.metadata.labels[k] === v));
      const containerPorts = workload.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
      const target = servicePort.targetPort ?? servicePort.port;
      const backed = containerPorts.some((c: any) => c.containerPort === target || c.name === target);
      expect({ address, backed }).toEqual({ address, backed: true });
    }
  });

  test('Prometheus scrape jobs match what the mesh installs: istiod\'s monitoring port and the annotated gateways', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });
    new ObservabilityAddons(chart, 'Addons', { mesh, prometheus: {} });
    const manifests = Testing.synth(chart);
    const jobs = configFile(manifests, 'prometheus', 'prometheus.yml').scrape_configs;

    // istiod: the keep rule matches the istiod Service's monitoring port
    const istiodKeep = new RegExp(`^${jobs.find((j: any) => j.job_name === 'istiod').relabel_configs[0].regex}$`);
    const istiod = find(manifests, 'Service', 'istiod');
    const monitoring = istiod.spec.ports.find((p: any) => p.port === 15014);
    expect(istiodKeep.test(`${istiod.metadata.name};${monitoring.name}`)).toBe(true);

    // gateways: their pods opt in with the annotations the kubernetes-pods job keeps
    const pods = jobs.find((j: any) => j.job_name === 'kubernetes-pods');
    expect(pods.relabel_configs[0]).toEqual({ action: 'keep', source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true' });
    for (const gateway of ['istio-ingressgateway', 'istio-egressgateway']) {
      const template = find(manifests, 'Deployment', gateway).spec.template;
      expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus' });
      expect(template.metadata.labels.app).not.toEqual('istiod');
    }
  });

  test('the demo addons: Prometheus, Grafana, Jaeger tracing everything, Kiali, access logs', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });

    const addons = ObservabilityAddons.demo(chart, 'Addons', mesh);
    const manifests = Testing.synth(chart);

    expect([addons.prometheus, addons.grafana, addons.jaeger, addons.kiali].every(a => a !== undefined)).toBe(true);
    expect(kinds(manifests)).toEqual(expect.arrayContaining([
      'Service/prometheus', 'Service/grafana', 'Service/tracing', 'Service/zipkin', 'Service/jaeger-collector', 'Service/kiali',
    ]));
    // the demo profile already defines the `jaeger` provider for this collector: reused, not duplicated
    const mesh_ = meshConfig(manifests);
    expect(mesh_.extensionProviders.filter((p: any) => p.name === 'jaeger')).toEqual([
      { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
    ]);
    expect(mesh_.defaultProviders.tracing).toEqual(['jaeger']);
    expect(find(manifests, 'Telemetry', 'mesh-default').spec.tracing[0].randomSamplingPercentage).toEqual(100);
    expect(configFile(manifests, 'kiali', 'config.yaml').auth).toEqual({ strategy: 'anonymous' });
  });

  test('Loki becomes a Grafana data source', () => {
    const chart = Testing.chart();
    new ObservabilityAddons(chart, 'Addons', { prometheus: {}, grafana: {}, loki: {} });
    const manifests = Testing.synth(chart);

    expect(configFile(manifests, 'grafana', 'datasources.yaml').datasources.map((d: any) => [d.name, d.url])).toEqual([
      ['Prometheus', 'http://prometheus.istio-system:9090'],
      ['Loki', 'http://loki.istio-system:3100'],
    ]);
    expect(manifests.filter(m => m.kind === 'Telemetry')).toEqual([]);
  });

  test('without a mesh, only the Telemetry names the provider; addons go to the namespace given, the Telemetry to the mesh root namespace', () => {
    const chart = Testing.chart();
    new ObservabilityAddons(chart, 'Addons', { namespace: 'observability', prometheus: {}, kiali: {}, jaeger: {}, telemetryName: 'tracing' });
    const manifests = Testing.synth(chart);

    expect(manifests.filter(m => m.kind === 'ConfigMap' && m.metadata.name === 'istio')).toEqual([]);
    expect(find(manifests, 'Service', 'jaeger-collector').metadata.namespace).toEqual('observability');
    // a Telemetry in the addon namespace would only apply to that namespace, not the mesh
    expect(find(manifests, 'Telemetry', 'tracing')).toMatchObject({
      metadata: { namespace: 'istio-system' },
      spec: { tracing: [{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 1 }] },
    });
    // istiod stays in Istio's namespace: Prometheus scrapes it and Kiali reads it there
    expect(configFile(manifests, 'prometheus', 'prometheus.yml').scrape_configs[1].kubernetes_sd_configs[0].namespaces.names).toEqual(['istio-system']);
    const kiali = configFile(manifests, 'kiali', 'config.yaml');
    expect(kiali.istio_namespace).toEqual('istio-system');
    expect(kiali.external_services.istio).toEqual({ root_namespace: 'istio-system' });
    expect(kiali.external_services.prometheus).toEqual({ url: 'http://prometheus.observability:9090' });
    expectValidIstio(manifests);
  });

  test('without a mesh, the mesh root namespace and istiod namespace can be given', () => {
    const chart = Testing.chart();
    new ObservabilityAddons(chart, 'Addons', {
      namespace: 'observability', meshRootNamespace: 'istio-config', istioNamespace: 'istio-cp', prometheus: {}, accessLogs: true,
    });
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'Telemetry', 'mesh-default').metadata.namespace).toEqual('istio-config');
    expect(configFile(manifests, 'prometheus', 'prometheus.yml').scrape_configs[1].kubernetes_sd_configs[0].namespaces.names).toEqual(['istio-cp']);
  });

  test('fails meshRootNamespace or a different istioNamespace together with a mesh', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio');
    expect(() => new ObservabilityAddons(chart, 'A', { mesh, meshRootNamespace: 'x', accessLogs: true }))
      .toThrow(/test\/A: meshRootNamespace "x" is invalid: is taken from the mesh config of `mesh`/);
    expect(() => new ObservabilityAddons(chart, 'B', { mesh, istioNamespace: 'other', accessLogs: true }))
      .toThrow(/test\/B: istioNamespace "other" is invalid: istiod of the mesh test\/Istio runs in istio-system/);
  });

  test('a custom provider name and a mesh in another namespace', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { namespace: 'istio-cp' });
    new ObservabilityAddons(chart, 'Addons', { mesh, prometheus: {}, jaeger: { providerName: 'traces' } });
    const manifests = Testing.synth(chart);

    expect(meshConfig(manifests).extensionProviders).toEqual([
      { name: 'traces', opentelemetry: { service: 'jaeger-collector.istio-cp.svc.cluster.local', port: 4317 } },
    ]);
    expect(find(manifests, 'Telemetry', 'mesh-default').metadata.namespace).toEqual('istio-cp');
    expect(configFile(manifests, 'prometheus', 'prometheus.yml').scrape_configs[1].kubernetes_sd_configs[0].namespaces.names).toEqual(['istio-cp']);
  });

  test('the Telemetry goes to the mesh config root namespace', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { meshConfig: { rootNamespace: 'istio-config' } });
    new ObservabilityAddons(chart, 'Addons', { mesh, accessLogs: true });
    const manifests = Testing.synth(chart);

    expect(find(manifests, 'Telemetry', 'mesh-default')).toMatchObject({
      metadata: { namespace: 'istio-config' },
      spec: { accessLogging: [{ providers: [{ name: 'envoy' }] }] },
    });
    expect(find(manifests, 'Telemetry', 'mesh-default').spec.tracing).toBeUndefined();
  });

  test('fails with Kiali but no Prometheus', () => {
    const chart = Testing.chart();
    expect(() => new ObservabilityAddons(chart, 'Addons', { kiali: {} }))
      .toThrow(/test\/Addons: kiali \{\} is invalid: Kiali reads the mesh metrics from Prometheus; add prometheus: \{\}/);
  });

  test('fails with Grafana but no Prometheus', () => {
    const chart = Testing.chart();
    expect(() => new ObservabilityAddons(chart, 'Addons', { grafana: {}, loki: {} }))
      .toThrow(/test\/Addons: grafana \{\} is invalid: Grafana's dashboards read from Prometheus/);
  });

  test('fails on a sampling percentage above 100 or below 0', () => {
    const chart = Testing.chart();
    expect(() => new ObservabilityAddons(chart, 'A', { jaeger: { samplingPercentage: 150 } }))
      .toThrow(/test\/A: jaeger.samplingPercentage 150 is invalid: must be a percentage from 0 to 100/);
    expect(() => new ObservabilityAddons(chart, 'B', { jaeger: { samplingPercentage: -1 } }))
      .toThrow(/test\/B: jaeger.samplingPercentage -1 is invalid: must be a percentage from 0 to 100/);
  });

  test('fails when the mesh already has a different provider with that name', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio');
    mesh.addExtensionProvider(ExtensionProvider.zipkin('jaeger', { service: 'zipkin.tracing.svc.cluster.local', port: 9411 }));
    expect(() => new ObservabilityAddons(chart, 'Addons', { mesh, jaeger: {} }))
      .toThrow(/test\/Addons: jaeger.providerName "jaeger" is invalid: the mesh test\/Istio already has an extension provider with this name/);
  });

  test('fails when the mesh already has a default tracing provider', () => {
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { meshConfig: { defaultProviders: { tracing: ['zipkin'] } } });
    expect(() => new ObservabilityAddons(chart, 'Addons', { mesh, jaeger: {} }))
      .toThrow(/defaultProviders.tracing is already set to \["zipkin"\]/);
  });

  test('fails when the mesh belongs to another app', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio');
    expect(() => new ObservabilityAddons(Testing.chart(), 'Addons', { mesh, prometheus: {} }))
      .toThrow(/test\/Addons: mesh "test\/Istio" is invalid: the mesh is not part of this app/);
  });
});

describe('ObservabilityAddons on the demo profile', () => {
  test('installs Prometheus, Grafana, Jaeger and Kiali when no addon is chosen', () => {
    // GIVEN
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });

    // WHEN
    const addons = new ObservabilityAddons(chart, 'Addons', { mesh });
    const manifests = Testing.synth(chart);

    // THEN
    expect([addons.prometheus, addons.grafana, addons.jaeger, addons.kiali].every(a => a !== undefined)).toBe(true);
    expect(addons.loki).toBeUndefined();
    for (const name of ['prometheus', 'grafana', 'tracing', 'zipkin', 'jaeger-collector', 'kiali']) {
      expect(find(manifests, 'Service', name).metadata.namespace).toBe('istio-system');
    }
    const telemetry = find(manifests, 'Telemetry', 'mesh-default');
    expect(telemetry.spec.tracing).toEqual([{ providers: [{ name: 'jaeger' }], randomSamplingPercentage: 100 }]);
    expect(telemetry.spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }] }]);
  });

  test('installs only what is chosen when an addon is given', () => {
    // GIVEN
    const chart = Testing.chart();
    const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.DEMO });

    // WHEN
    const addons = new ObservabilityAddons(chart, 'Addons', { mesh, prometheus: {} });

    // THEN
    expect(addons.prometheus).toBeDefined();
    expect([addons.grafana, addons.jaeger, addons.kiali, addons.loki]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('installs nothing by default on other profiles', () => {
    const chart = Testing.chart();
    const addons = new ObservabilityAddons(chart, 'Addons', { mesh: new IstioMesh(chart, 'Istio') });
    expect([addons.prometheus, addons.grafana, addons.jaeger, addons.kiali, addons.loki].filter(a => a !== undefined)).toEqual([]);
  });
});
