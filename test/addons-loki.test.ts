import { Duration, Testing } from 'cdk8s';
import { configFile, container, find, kinds, podSpec } from './addons-helpers';
import { AddonStorage } from '../src/addons/addon';
import { Loki } from '../src/addons/loki';

describe('Loki', () => {
  test('runs a single-binary StatefulSet with a 10Gi local volume and the loki Service on 3100', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const loki = new Loki(chart, 'Loki');
    const manifests = Testing.synth(chart);

    // THEN
    expect(kinds(manifests)).toEqual(['ServiceAccount/loki', 'ConfigMap/loki', 'StatefulSet/loki', 'Service/loki', 'Service/loki-headless']);
    const sts = find(manifests, 'StatefulSet', 'loki');
    expect(sts.spec.replicas).toEqual(1);
    expect(sts.spec.serviceName).toEqual('loki-headless');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'storage' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(container(manifests, 'StatefulSet', 'loki', 'loki')).toMatchObject({
      image: 'docker.io/grafana/loki:3.6.5',
      args: ['-config.file=/etc/loki/config.yaml', '-target=all'],
    });
    expect(find(manifests, 'Service', 'loki').spec.ports).toEqual([
      { name: 'http-metrics', port: 3100, targetPort: 'http-metrics', protocol: 'TCP' },
      { name: 'grpc', port: 9095, targetPort: 'grpc', protocol: 'TCP' },
    ]);
    expect(find(manifests, 'Service', 'loki-headless').spec.clusterIP).toEqual('None');
    expect(loki.url).toEqual('http://loki.istio-system:3100');
  });

  test('stores chunks and a TSDB index on the filesystem, and deletes old logs with a retention', () => {
    const chart = Testing.chart();
    new Loki(chart, 'Loki', { retention: Duration.days(7) });
    const config = configFile(Testing.synth(chart), 'loki', 'config.yaml');

    expect(config.auth_enabled).toBe(false);
    expect(config.common).toMatchObject({
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: '/var/loki/chunks', rules_directory: '/var/loki/rules' } },
    });
    expect(config.schema_config.configs).toEqual([
      { from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } },
    ]);
    expect(config.limits_config.retention_period).toEqual('168h');
    expect(config.compactor).toEqual({ working_directory: '/var/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' });
    // everything Loki writes is under the data volume (the root filesystem is read-only)
    expect(config.ruler).toEqual({ storage: { type: 'local', local: { directory: '/var/loki/rules' } }, wal: { dir: '/var/loki/ruler-wal' } });
  });

  test('uses an emptyDir with ephemeral storage', () => {
    const chart = Testing.chart();
    new Loki(chart, 'Loki', { storage: AddonStorage.ephemeral() });
    const manifests = Testing.synth(chart);

    expect(find(manifests, 'StatefulSet', 'loki').spec.volumeClaimTemplates).toBeUndefined();
    expect(podSpec(manifests, 'StatefulSet', 'loki').volumes).toContainEqual({ name: 'storage', emptyDir: {} });
  });

  test('fails on a retention shorter than the index period', () => {
    const chart = Testing.chart();
    expect(() => new Loki(chart, 'Loki', { retention: Duration.hours(12) }))
      .toThrow(/test\/Loki: retention 12 hours is invalid: must be a whole number of hours, at least 24 hours/);
  });
});
