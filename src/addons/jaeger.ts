import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AddonOptions, AddonStorage, ObservabilityAddon } from './addon';
import {
  NO_SIDECAR, addonLabels, httpProbe, imageTag, kubeObject, renderGoDuration, renderResources, restrictedContainer, serviceUrl, toYaml,
  validateExternalUrl, validateImage,
} from './common';
import { check } from '../core/validation';

const JAEGER_IMAGE = 'docker.io/jaegertracing/jaeger:2.14.0';

const NAME = 'jaeger';
const JAEGER_UID = 10001;
const BASE_PATH = '/jaeger';

/** The ports Jaeger listens on. */
const PORTS = {
  queryHttp: 16686,
  queryGrpc: 16685,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  jaegerGrpc: 14250,
  jaegerThriftHttp: 14268,
  zipkin: 9411,
  health: 13133,
  metrics: 8888,
};

/**
 * Options of the Jaeger addon.
 */
export interface JaegerOptions extends AddonOptions {
  /**
   * Where spans are stored (Badger, on local disk).
   *
   * @default AddonStorage.ephemeral()
   */
  readonly storage?: AddonStorage;

  /**
   * How long spans are kept.
   *
   * @default Duration.hours(72)
   */
  readonly spanRetention?: Duration;

  /**
   * The URL browsers reach the Jaeger UI at (used for links from Kiali).
   *
   * @default - the in-cluster URL
   */
  readonly externalUrl?: string;
}

/**
 * Properties of the Jaeger addon.
 */
export interface JaegerProps extends JaegerOptions {
  /**
   * The namespace to run in.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Jaeger all-in-one: collector, Badger storage and the query UI in one pod.
 *
 * It receives spans over OTLP (gRPC 4317, HTTP 4318), Zipkin (9411) and the Jaeger protocols
 * (gRPC 14250, Thrift HTTP 14268). Services, as the Istio samples name them:
 * `tracing` (UI on port 80 under `/jaeger`, query gRPC on 16685), `zipkin` (9411) and
 * `jaeger-collector` (all receivers).
 *
 * Default resources: requests 10m CPU and 128Mi memory, limit 1Gi memory.
 */
export class Jaeger extends ObservabilityAddon {
  /** Jaeger image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_IMAGE: string = JAEGER_IMAGE;

  /** The UI Service. */
  public readonly serviceName: string = 'tracing';
  /** The UI port of the `tracing` Service. */
  public readonly port: number = 80;
  /** The Service that receives spans in every protocol. */
  public readonly collectorServiceName: string = 'jaeger-collector';
  /** The Zipkin-compatible Service. */
  public readonly zipkinServiceName: string = 'zipkin';
  /** OTLP over gRPC, on `jaeger-collector`. */
  public readonly otlpGrpcPort: number = PORTS.otlpGrpc;
  /** OTLP over HTTP, on `jaeger-collector`. */
  public readonly otlpHttpPort: number = PORTS.otlpHttp;
  /** Zipkin, on `zipkin` and `jaeger-collector`. */
  public readonly zipkinPort: number = PORTS.zipkin;
  /** The query API over gRPC, on `tracing`. */
  public readonly queryGrpcPort: number = PORTS.queryGrpc;

  /** The Jaeger image. */
  public readonly image: string;
  /** The URL browsers reach the UI at, if given. */
  public readonly externalUrl?: string;
  /** The Deployment, for escape hatches. */
  public readonly deployment: ApiObject;

  public constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    super(scope, id, props.namespace);
    this.image = props.image ?? JAEGER_IMAGE;
    validateImage(this, 'image', props.image);
    validateExternalUrl(this, 'externalUrl', props.externalUrl);
    this.externalUrl = props.externalUrl;
    props.storage?._validate(this, 'storage');
    const retention = props.spanRetention ?? Duration.hours(72);
    check(retention.toMilliseconds() >= 60_000, this, 'spanRetention', retention, 'must be at least one minute');

    const labels = addonLabels(NAME, imageTag(this.image));
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels });

    kubeObject(this, 'ConfigMap', 'v1', 'ConfigMap', metadata(NAME), {
      data: { 'config.yaml': toYaml(jaegerConfig(renderGoDuration(retention))) },
    });

    const storage = props.storage ?? AddonStorage.ephemeral();
    if (storage.isPersistent) {
      kubeObject(this, 'Storage', 'v1', 'PersistentVolumeClaim', metadata(NAME), { spec: storage._claimSpec() });
    }

    this.deployment = kubeObject(this, 'Deployment', 'apps/v1', 'Deployment', metadata(NAME), {
      spec: {
        replicas: 1,
        // Badger allows one process per directory.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: {
            labels: { ...labels, ...NO_SIDECAR },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORTS.metrics) },
          },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: JAEGER_UID, runAsGroup: JAEGER_UID, fsGroup: JAEGER_UID },
            containers: [{
              name: NAME,
              image: this.image,
              args: ['--config', '/etc/jaeger/config.yaml'],
              ports: [
                { name: 'http-query', containerPort: PORTS.queryHttp, protocol: 'TCP' },
                { name: 'grpc-query', containerPort: PORTS.queryGrpc, protocol: 'TCP' },
                { name: 'grpc-otlp', containerPort: PORTS.otlpGrpc, protocol: 'TCP' },
                { name: 'http-otlp', containerPort: PORTS.otlpHttp, protocol: 'TCP' },
                { name: 'grpc-jaeger', containerPort: PORTS.jaegerGrpc, protocol: 'TCP' },
                { name: 'http-thrift', containerPort: PORTS.jaegerThriftHttp, protocol: 'TCP' },
                { name: 'http-zipkin', containerPort: PORTS.zipkin, protocol: 'TCP' },
                { name: 'http-health', containerPort: PORTS.health, protocol: 'TCP' },
                { name: 'http-metrics', containerPort: PORTS.metrics, protocol: 'TCP' },
              ],
              readinessProbe: httpProbe('/status', PORTS.health),
              livenessProbe: httpProbe('/status', PORTS.health, { initialDelaySeconds: 10 }),
              resources: renderResources(props.resources) ?? { requests: { cpu: '10m', memory: '128Mi' }, limits: { memory: '1Gi' } },
              securityContext: restrictedContainer(JAEGER_UID, true),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/jaeger', readOnly: true },
                { name: 'data', mountPath: '/badger' },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              storage._podVolume('data', NAME),
            ],
          },
        },
      },
    });

    const service = (childId: string, name: string, ports: any[]) => kubeObject(this, childId, 'v1', 'Service', metadata(name), {
      spec: { type: 'ClusterIP', selector: { app: NAME }, ports },
    });
    service('TracingService', this.serviceName, [
      { name: 'http-query', port: this.port, targetPort: PORTS.queryHttp, protocol: 'TCP' },
      { name: 'grpc-query', port: PORTS.queryGrpc, targetPort: PORTS.queryGrpc, protocol: 'TCP' },
    ]);
    service('ZipkinService', this.zipkinServiceName, [
      { name: 'http-zipkin', port: PORTS.zipkin, targetPort: PORTS.zipkin, protocol: 'TCP' },
    ]);
    service('CollectorService', this.collectorServiceName, [
      { name: 'http-jaeger-thrift', port: PORTS.jaegerThriftHttp, targetPort: PORTS.jaegerThriftHttp, protocol: 'TCP' },
      { name: 'grpc-jaeger', port: PORTS.jaegerGrpc, targetPort: PORTS.jaegerGrpc, protocol: 'TCP' },
      { name: 'http-zipkin', port: PORTS.zipkin, targetPort: PORTS.zipkin, protocol: 'TCP' },
      { name: 'grpc-otlp', port: PORTS.otlpGrpc, targetPort: PORTS.otlpGrpc, protocol: 'TCP' },
      { name: 'http-otlp', port: PORTS.otlpHttp, targetPort: PORTS.otlpHttp, protocol: 'TCP' },
    ]);
  }

  /** The in-cluster URL of the UI: `http://tracing.istio-system/jaeger`. */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespace, this.port, BASE_PATH);
  }

  /** The in-cluster URL of the gRPC query API (what Kiali reads traces from). */
  public get queryGrpcUrl(): string {
    return serviceUrl(this.serviceName, this.namespace, this.queryGrpcPort, BASE_PATH);
  }

  /** The fully qualified host name of the collector Service (OTLP, Zipkin, Jaeger receivers). */
  public get collectorHost(): string {
    return `${this.collectorServiceName}.${this.namespace}.svc.cluster.local`;
  }
}

/** The Jaeger v2 (OpenTelemetry collector based) configuration file. */
function jaegerConfig(spanTtl: string): any {
  const listen = (port: number) => `0.0.0.0:${port}`;
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp', 'jaeger', 'zipkin'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': NAME },
        metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: PORTS.metrics } } } }] },
        logs: { level: 'info' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: listen(PORTS.health) } },
      jaeger_query: {
        base_path: BASE_PATH,
        storage: { traces: 'local' },
        http: { endpoint: listen(PORTS.queryHttp) },
        grpc: { endpoint: listen(PORTS.queryGrpc) },
      },
      jaeger_storage: {
        backends: {
          local: {
            badger: {
              directories: { keys: '/badger/keys', values: '/badger/values' },
              ephemeral: false,
              ttl: { spans: spanTtl },
            },
          },
        },
      },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: listen(PORTS.otlpGrpc) }, http: { endpoint: listen(PORTS.otlpHttp) } } },
      jaeger: { protocols: { grpc: { endpoint: listen(PORTS.jaegerGrpc) }, thrift_http: { endpoint: listen(PORTS.jaegerThriftHttp) } } },
      zipkin: { endpoint: listen(PORTS.zipkin) },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'local' } },
  };
}
