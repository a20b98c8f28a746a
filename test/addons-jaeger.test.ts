import { Duration, Size, Testing } from 'cdk8s';
import { configFile, container, find, kinds, podSpec } from './addons-helpers';
import { AddonStorage } from '../src/addons/addon';
import { Jaeger } from '../src/addons/jaeger';

describe('Jaeger', () => {
  test('creates the all-in-one deployment and the tracing, zipkin and jaeger-collector Services', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const jaeger = new Jaeger(chart, 'Jaeger');
    const manifests = Testing.synth(chart);

    // THEN
    expect(kinds(manifests)).toEqual([
      'ConfigMap/jaeger',
      'Deployment/jaeger',
      'Service/tracing',
      'Service/zipkin',
      'Service/jaeger-collector',
    ]);
    expect(find(manifests, 'Service', 'tracing').spec.ports).toEqual([
      { name: 'http-query', port: 80, targetPort: 16686, protocol: 'TCP' },
      { name: 'grpc-query', port: 16685, targetPort: 16685, protocol: 'TCP' },
    ]);
    expect(find(manifests, 'Service', 'zipkin').spec.ports).toEqual([{ name: 'http-zipkin', port: 9411, targetPort: 9411, protocol: 'TCP' }]);
    expect(find(manifests, 'Service', 'jaeger-collector').spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['http-jaeger-thrift', 14268], ['grpc-jaeger', 14250], ['http-zipkin', 9411], ['grpc-otlp', 4317], ['http-otlp', 4318],
    ]);
    for (const name of ['tracing', 'zipkin', 'jaeger-collector']) {
      expect(find(manifests, 'Service', name).spec.selector).toEqual({ app: 'jaeger' });
    }
    expect(container(manifests, 'Deployment', 'jaeger', 'jaeger').image).toEqual('docker.io/jaegertracing/jaeger:2.14.0');
    expect(jaeger.url).toEqual('http://tracing.istio-system/jaeger');
    expect(jaeger.queryGrpcUrl).toEqual('http://tracing.istio-system:16685/jaeger');
    expect(jaeger.collectorHost).toEqual('jaeger-collector.istio-system.svc.cluster.local');
  });

  test('receives OTLP gRPC/HTTP, Zipkin and Jaeger spans into Badger', () => {
    const chart = Testing.chart();
    new Jaeger(chart, 'Jaeger', { spanRetention: Duration.hours(24) });
    const config = configFile(Testing.synth(chart), 'jaeger', 'config.yaml');

    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp', 'jaeger', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] });
    expect(config.receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      jaeger: { protocols: { grpc: { endpoint: '0.0.0.0:14250' }, thrift_http: { endpoint: '0.0.0.0:14268' } } },
      zipkin: { endpoint: '0.0.0.0:9411' },
    });
    expect(config.extensions.jaeger_query.base_path).toEqual('/jaeger');
    expect(config.extensions.jaeger_storage.backends.local.badger.ttl).toEqual({ spans: '24h' });
    expect(config.exporters).toEqual({ jaeger_storage_exporter: { trace_storage: 'local' } });
  });

  test('keeps spans on a persistent volume when asked', () => {
    const chart = Testing.chart();
    new Jaeger(chart, 'Jaeger', { namespace: 'tracing', storage: AddonStorage.persistent(Size.gibibytes(5)) });
    const manifests = Testing.synth(chart);

    expect(find(manifests, 'PersistentVolumeClaim', 'jaeger').spec.resources).toEqual({ requests: { storage: '5Gi' } });
    expect(podSpec(manifests, 'Deployment', 'jaeger').volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'jaeger' } });
    expect(find(manifests, 'Service', 'tracing').metadata.namespace).toEqual('tracing');
  });

  test('fails on a span retention under a minute', () => {
    const chart = Testing.chart();
    expect(() => new Jaeger(chart, 'Jaeger', { spanRetention: Duration.seconds(10) }))
      .toThrow(/test\/Jaeger: spanRetention 10 seconds is invalid: must be at least one minute/);
  });

  test('fails on an empty persistent volume', () => {
    const chart = Testing.chart();
    expect(() => new Jaeger(chart, 'Jaeger', { storage: AddonStorage.persistent(Size.kibibytes(10)) }))
      .toThrow(/test\/Jaeger: storage.size "10Ki" is invalid: must be at least 1Mi/);
  });
});
