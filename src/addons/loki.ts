import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { AddonOptions, AddonStorage, ObservabilityAddon } from './addon';
import {
  NO_SIDECAR, addonLabels, httpProbe, imageTag, kubeObject, renderGoDuration, renderResources, restrictedContainer, toYaml, validateImage,
} from './common';
import { check } from '../core/validation';

const LOKI_IMAGE = 'docker.io/grafana/loki:3.6.5';

const NAME = 'loki';
const HTTP_PORT = 3100;
const GRPC_PORT = 9095;
const LOKI_UID = 10001;
const DATA = '/var/loki';

/**
 * Options of the Loki addon.
 */
export interface LokiOptions extends AddonOptions {
  /**
   * Where chunks and the index live (the local filesystem of the pod).
   *
   * @default AddonStorage.persistent(Size.gibibytes(10))
   */
  readonly storage?: AddonStorage;

  /**
   * How long log lines are kept; the compactor deletes older ones. At least 24 hours (the
   * index period).
   *
   * @default - logs are kept until the volume fills up
   */
  readonly retention?: Duration;
}

/**
 * Properties of the Loki addon.
 */
export interface LokiProps extends LokiOptions {
  /**
   * The namespace to run in.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Loki in single-binary mode with filesystem storage: a one-replica StatefulSet and the `loki`
 * Service (HTTP 3100, gRPC 9095). Grafana reads from it when both are installed.
 *
 * Default resources: requests 50m CPU and 256Mi memory, limit 1Gi memory.
 */
export class Loki extends ObservabilityAddon {
  /** Loki image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_IMAGE: string = LOKI_IMAGE;

  public readonly serviceName: string = NAME;
  public readonly port: number = HTTP_PORT;

  /** The Loki image. */
  public readonly image: string;
  /** The StatefulSet, for escape hatches. */
  public readonly statefulSet: ApiObject;

  public constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id, props.namespace);
    this.image = props.image ?? LOKI_IMAGE;
    validateImage(this, 'image', props.image);
    props.storage?._validate(this, 'storage');
    if (props.retention !== undefined) {
      check(props.retention.toMilliseconds() >= 86_400_000 && props.retention.toMilliseconds() % 3_600_000 === 0, this, 'retention', props.retention,
        'must be a whole number of hours, at least 24 hours');
    }

    const labels = addonLabels(NAME, imageTag(this.image));
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels });
    const storage = props.storage ?? AddonStorage.persistent(Size.gibibytes(10));

    kubeObject(this, 'ServiceAccount', 'v1', 'ServiceAccount', metadata(NAME), { automountServiceAccountToken: false });
    kubeObject(this, 'ConfigMap', 'v1', 'ConfigMap', metadata(NAME), {
      data: { 'config.yaml': toYaml(lokiConfig(props.retention)) },
    });

    this.statefulSet = kubeObject(this, 'StatefulSet', 'apps/v1', 'StatefulSet', metadata(NAME), {
      spec: {
        replicas: 1,
        serviceName: `${NAME}-headless`,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: {
            labels: { ...labels, ...NO_SIDECAR },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(HTTP_PORT) },
          },
          spec: {
            serviceAccountName: NAME,
            securityContext: { runAsNonRoot: true, runAsUser: LOKI_UID, runAsGroup: LOKI_UID, fsGroup: LOKI_UID, fsGroupChangePolicy: 'OnRootMismatch' },
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: NAME,
              image: this.image,
              args: ['-config.file=/etc/loki/config.yaml', '-target=all'],
              ports: [
                { name: 'http-metrics', containerPort: HTTP_PORT, protocol: 'TCP' },
                { name: 'grpc', containerPort: GRPC_PORT, protocol: 'TCP' },
              ],
              readinessProbe: httpProbe('/ready', 'http-metrics', { initialDelaySeconds: 15, periodSeconds: 10 }),
              resources: renderResources(props.resources) ?? { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: restrictedContainer(LOKI_UID, true),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/loki', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'storage', mountPath: DATA },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              { name: 'tmp', emptyDir: {} },
              ...(storage.isPersistent ? [] : [storage._podVolume('storage', NAME)]),
            ],
          },
        },
        volumeClaimTemplates: storage.isPersistent
          ? [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'storage' }, spec: storage._claimSpec() }]
          : undefined,
        persistentVolumeClaimRetentionPolicy: storage.isPersistent ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
      },
    });

    kubeObject(this, 'Service', 'v1', 'Service', metadata(NAME), {
      spec: {
        type: 'ClusterIP',
        selector: { app: NAME },
        ports: [
          { name: 'http-metrics', port: HTTP_PORT, targetPort: 'http-metrics', protocol: 'TCP' },
          { name: 'grpc', port: GRPC_PORT, targetPort: 'grpc', protocol: 'TCP' },
        ],
      },
    });
    kubeObject(this, 'HeadlessService', 'v1', 'Service', metadata(`${NAME}-headless`), {
      spec: {
        clusterIP: 'None',
        selector: { app: NAME },
        ports: [{ name: 'http-metrics', port: HTTP_PORT, targetPort: 'http-metrics', protocol: 'TCP' }],
      },
    });
  }
}

/** Loki's configuration: one process, in-memory ring, TSDB index and chunks on the local disk. */
function lokiConfig(retention: Duration | undefined): any {
  return {
    auth_enabled: false,
    server: { http_listen_port: HTTP_PORT, grpc_listen_port: GRPC_PORT },
    common: {
      path_prefix: DATA,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
    },
    schema_config: {
      configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: {
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      volume_enabled: true,
      retention_period: retention ? renderGoDuration(retention) : undefined,
    },
    compactor: retention
      ? { working_directory: `${DATA}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' }
      : undefined,
    // The ruler's WAL defaults to a path relative to the working directory, which is read-only.
    ruler: { storage: { type: 'local', local: { directory: `${DATA}/rules` } }, wal: { dir: `${DATA}/ruler-wal` } },
    analytics: { reporting_enabled: false },
  };
}
