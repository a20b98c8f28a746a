import { Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { ExtensionProvider, TraceContextOption } from '../src/install/extension-provider';
import { IstioMesh, IstioMeshProps } from '../src/install/istio-mesh';
import { AccessLogEncoding, IngressControllerMode, OutboundTrafficPolicyMode } from '../src/install/mesh-config';
import { Profile } from '../src/install/profile';

function meshOf(chartMesh: (mesh: IstioMesh) => void = () => {}, props: IstioMeshProps = {}) {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, ...props });
  chartMesh(mesh);
  const manifests = Testing.synth(chart);
  const cm = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name.match(/^istio(-[a-z0-9-]+)?$/) && !m.metadata.name.includes('injector'));
  return { cm, mesh: parse(cm.data.mesh) };
}

describe('mesh config', () => {
  test('default profile: the keys istioctl renders', () => {
    const { cm, mesh } = meshOf();
    expect(mesh).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      rootNamespace: 'istio-system',
      trustDomain: 'cluster.local',
    });
    expect(cm.data.meshNetworks).toEqual('networks: {}');
    expect(cm.metadata.labels).toMatchObject({ 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot' });
  });

  test('demo profile: access log to stdout and four extension providers', () => {
    const { mesh } = meshOf(undefined, { profile: Profile.DEMO });
    expect(mesh.accessLogFile).toEqual('/dev/stdout');
    expect(mesh.extensionProviders).toEqual([
      { name: 'otel', envoyOtelAls: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' } },
      { name: 'skywalking', skywalking: { port: 11800, service: 'tracing.istio-system.svc.cluster.local' } },
      { name: 'otel-tracing', opentelemetry: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' } },
      { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
    ]);
  });

  test('typed options render their mesh-config fields', () => {
    const { mesh } = meshOf(undefined, {
      meshConfig: {
        accessLogFile: '/dev/stdout',
        accessLogEncoding: AccessLogEncoding.JSON,
        outboundTrafficPolicy: OutboundTrafficPolicyMode.REGISTRY_ONLY,
        trustDomain: 'example.com',
        trustDomainAliases: ['old.example.com'],
        rootNamespace: 'mesh-root',
        enablePrometheusMerge: false,
        enableTracing: true,
        ingressControllerMode: IngressControllerMode.STRICT,
        ingressClass: 'istio',
        protocolDetectionTimeout: Duration.millis(100),
        connectTimeout: Duration.seconds(5),
        defaultServiceExportTo: ['.'],
        discoverySelectors: [{ 'istio-discovery': 'enabled' }],
        defaultConfig: {
          holdApplicationUntilProxyStarts: true,
          concurrency: 2,
          proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
          terminationDrainDuration: Duration.seconds(30),
          numTrustedProxies: 1,
          proxyStatsMatcher: { inclusionPrefixes: ['cluster.outbound'] },
        },
      },
    });
    expect(mesh).toEqual({
      accessLogEncoding: 'JSON',
      accessLogFile: '/dev/stdout',
      connectTimeout: '5s',
      defaultConfig: {
        concurrency: 2,
        discoveryAddress: 'istiod.istio-system.svc:15012',
        gatewayTopology: { numTrustedProxies: 1 },
        holdApplicationUntilProxyStarts: true,
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
        proxyStatsMatcher: { inclusionPrefixes: ['cluster.outbound'] },
        terminationDrainDuration: '30s',
      },
      defaultProviders: { metrics: ['prometheus'] },
      defaultServiceExportTo: ['.'],
      discoverySelectors: [{ matchLabels: { 'istio-discovery': 'enabled' } }],
      enablePrometheusMerge: false,
      enableTracing: true,
      ingressClass: 'istio',
      ingressControllerMode: 'STRICT',
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      protocolDetectionTimeout: '100ms',
      rootNamespace: 'mesh-root',
      trustDomain: 'example.com',
      trustDomainAliases: ['old.example.com'],
    });
  });

  test('extension providers and default providers', () => {
    const { mesh } = meshOf(m => {
      m.addExtensionProvider(ExtensionProvider.zipkin('zipkin', {
        service: 'zipkin.istio-system.svc.cluster.local',
        port: 9411,
        maxTagLength: 56,
        traceContextOption: TraceContextOption.USE_B3_WITH_W3C_PROPAGATION,
      }));
      m.addExtensionProvider(ExtensionProvider.openTelemetry('otel', {
        service: 'otel.observability.svc.cluster.local',
        port: 4318,
        httpPath: '/v1/traces',
        timeout: Duration.seconds(2),
        headers: { 'x-tenant': 'mesh' },
      }));
      m.addExtensionProvider(ExtensionProvider.envoyFileAccessLog('json-log', { labels: { path: '%REQ(:PATH)%' } }));
      m.addExtensionProvider(ExtensionProvider.envoyExtAuthzHttp('oauth2-proxy', {
        service: 'oauth2-proxy.auth.svc.cluster.local',
        port: 4180,
        includeRequestHeadersInCheck: ['authorization', 'cookie'],
        headersToUpstreamOnAllow: ['x-auth-request-user'],
        timeout: Duration.millis(500),
        statusOnError: 503,
      }));
      m.addExtensionProvider(ExtensionProvider.envoyExtAuthzGrpc('opa', { service: 'opa.auth.svc.cluster.local', port: 9191, failOpen: true }));
      m.addExtensionProvider(ExtensionProvider.prometheus('prom'));
      m.addExtensionProvider(ExtensionProvider.datadog('dd', { service: 'datadog-agent.dd.svc.cluster.local', port: 8126 }));
      m.useDefaultProviders({ tracing: ['zipkin'], accessLogging: ['envoy', 'json-log'] });
    });
    expect(mesh.extensionProviders).toEqual([
      { name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411, maxTagLength: 56, traceContextOption: 'USE_B3_WITH_W3C_PROPAGATION' } },
      {
        name: 'otel',
        opentelemetry: {
          service: 'otel.observability.svc.cluster.local',
          port: 4318,
          http: { path: '/v1/traces', timeout: '2s', headers: [{ name: 'x-tenant', value: 'mesh' }] },
        },
      },
      { name: 'json-log', envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: { path: '%REQ(:PATH)%' } } } },
      {
        name: 'oauth2-proxy',
        envoyExtAuthzHttp: {
          service: 'oauth2-proxy.auth.svc.cluster.local',
          port: 4180,
          timeout: '500ms',
          statusOnError: '503',
          includeRequestHeadersInCheck: ['authorization', 'cookie'],
          headersToUpstreamOnAllow: ['x-auth-request-user'],
        },
      },
      { name: 'opa', envoyExtAuthzGrpc: { service: 'opa.auth.svc.cluster.local', port: 9191, failOpen: true } },
      { name: 'prom', prometheus: {} },
      { name: 'dd', datadog: { service: 'datadog-agent.dd.svc.cluster.local', port: 8126 } },
    ]);
    expect(mesh.defaultProviders).toEqual({ accessLogging: ['envoy', 'json-log'], metrics: ['prometheus'], tracing: ['zipkin'] });
  });

  test('access-log and tracing providers', () => {
    const { mesh } = meshOf(m => {
      m.addExtensionProvider(ExtensionProvider.envoyOtelAls('otel-als', {
        service: 'otel.observability.svc.cluster.local', port: 4317, logName: 'mesh', text: '%REQ(:METHOD)% %RESPONSE_CODE%\n',
      }));
      m.addExtensionProvider(ExtensionProvider.envoyHttpAls('http-als', { service: 'als.logging.svc.cluster.local', port: 9001 }));
      m.addExtensionProvider(ExtensionProvider.envoyTcpAls('tcp-als', {
        service: 'als.logging.svc.cluster.local', port: 9001, filterStateObjectsToLog: ['wasm.upstream_peer'],
      }));
      m.addExtensionProvider(ExtensionProvider.skyWalking('sw', { service: 'tracing.istio-system.svc.cluster.local', port: 11800, accessToken: 't' }));
      m.addExtensionProvider(ExtensionProvider.openTelemetry('otel-grpc', {
        service: 'otel.observability.svc.cluster.local', port: 4317, timeout: Duration.seconds(1), headers: { 'x-a': 'b' },
      }));
    });
    expect(mesh.extensionProviders).toEqual([
      { name: 'otel-als', envoyOtelAls: { service: 'otel.observability.svc.cluster.local', port: 4317, logName: 'mesh', logFormat: { text: '%REQ(:METHOD)% %RESPONSE_CODE%\n' } } },
      { name: 'http-als', envoyHttpAls: { service: 'als.logging.svc.cluster.local', port: 9001 } },
      { name: 'tcp-als', envoyTcpAls: { service: 'als.logging.svc.cluster.local', port: 9001, filterStateObjectsToLog: ['wasm.upstream_peer'] } },
      { name: 'sw', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800, accessToken: 't' } },
      { name: 'otel-grpc', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317, grpc: { timeout: '1s', initialMetadata: [{ name: 'x-a', value: 'b' }] } } },
    ]);
  });

  test('fails for an empty provider service', () => {
    expect(() => meshOf(m => m.addExtensionProvider(ExtensionProvider.datadog('dd', { service: '', port: 8126 }))))
      .toThrow(/test\/Istio\/MeshConfig: extensionProviders\[dd\]\.datadog\.service "" is invalid/);
  });

  test('fails for a duration finer than a millisecond, naming the path and field', () => {
    expect(() => meshOf(undefined, { meshConfig: { connectTimeout: Duration.millis(1.5) } }))
      .toThrow(/test\/Istio\/MeshConfig: connectTimeout .* is invalid: must be a non-negative whole number of milliseconds/);
    expect(() => meshOf(m => m.addExtensionProvider(ExtensionProvider.zipkin('zk', { service: 'zipkin.tracing', port: 9411, timeout: Duration.millis(2.5) }))))
      .toThrow(/test\/Istio\/MeshConfig: extensionProviders\[zk\]\.zipkin\.timeout .* is invalid: must be a non-negative whole number of milliseconds/);
  });

  test('fails for an invalid ext-authz status', () => {
    expect(() => meshOf(m => m.addExtensionProvider(ExtensionProvider.envoyExtAuthzGrpc('opa', { service: 'opa.auth', port: 9191, statusOnError: 42 }))))
      .toThrow(/extensionProviders\[opa\]\.envoyExtAuthzGrpc\.statusOnError 42 is invalid: must be an integer from 100 to 599/);
  });

  test('addOverride sets fields that are not modelled', () => {
    const { mesh } = meshOf(m => {
      m.meshConfig.addOverride('meshMTLS.minProtocolVersion', 'TLSV1_3');
      m.meshConfig.addOverride('defaultConfig.tracing.sampling', 10);
    });
    expect(mesh.meshMTLS).toEqual({ minProtocolVersion: 'TLSV1_3' });
    expect(mesh.defaultConfig).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012', tracing: { sampling: 10 } });
  });

  test('changes made after construction land in the ConfigMap', () => {
    const { mesh } = meshOf(m => m.useDefaultProviders({ metrics: ['prometheus', 'stackdriver'] }));
    expect(mesh.defaultProviders.metrics).toEqual(['prometheus', 'stackdriver']);
  });

  test('fails for two extension providers with the same name', () => {
    expect(() => meshOf(m => {
      m.addExtensionProvider(ExtensionProvider.prometheus('metrics'));
      m.addExtensionProvider(ExtensionProvider.prometheus('metrics'));
    })).toThrow(/test\/Istio\/MeshConfig: extensionProviders\[\]\.name "metrics" is invalid: must be unique/);
  });

  test('fails for a demo provider name reused', () => {
    expect(() => meshOf(undefined, {
      profile: Profile.DEMO,
      meshConfig: { extensionProviders: [ExtensionProvider.prometheus('jaeger')] },
    })).toThrow(/extensionProviders\[\]\.name "jaeger" is invalid: must be unique/);
  });

  test('fails for an invalid provider port', () => {
    expect(() => meshOf(m => m.addExtensionProvider(ExtensionProvider.zipkin('zipkin', { service: 'zipkin.istio-system', port: 0 }))))
      .toThrow(/test\/Istio\/MeshConfig: extensionProviders\[zipkin\]\.zipkin\.port 0 is invalid: must be an integer port number/);
  });

  test('fails for a log format with text and labels', () => {
    expect(() => meshOf(m => m.addExtensionProvider(ExtensionProvider.envoyFileAccessLog('log', { text: '%START_TIME%', labels: { a: 'b' } }))))
      .toThrow(/extensionProviders\[log\]\.envoyFileAccessLog\.logFormat .* is invalid: set either "text" or "labels", not both/);
  });

  test('fails for default providers set twice', () => {
    expect(() => meshOf(m => {
      m.useDefaultProviders({ tracing: ['zipkin'] });
      m.useDefaultProviders({ tracing: ['otel'] });
    })).toThrow(/test\/Istio\/MeshConfig: defaultProviders\.tracing is already set to \["zipkin"\]/);
  });

  test('fails for a default provider that does not exist', () => {
    expect(() => meshOf(m => m.useDefaultProviders({ tracing: ['zipkin'] })))
      .toThrow(/test\/Istio\/MeshConfig.*defaultProviders\.tracing "zipkin" is invalid: no extension provider has this name/);
  });

  test('fails for an invalid export target', () => {
    expect(() => meshOf(undefined, { meshConfig: { defaultServiceExportTo: ['*', '.'] } }))
      .toThrow(/test\/Istio\/MeshConfig: defaultServiceExportTo .* is invalid/);
  });

  test('fails for a duration under 1ms', () => {
    expect(() => meshOf(undefined, { meshConfig: { connectTimeout: Duration.millis(0) } }))
      .toThrow(/test\/Istio\/MeshConfig: connectTimeout .* is invalid: must be at least 1ms/);
  });
});
