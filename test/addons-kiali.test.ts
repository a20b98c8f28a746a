import { Testing } from 'cdk8s';
import { configFile, container, find, kinds, podSpec } from './addons-helpers';
import { Grafana } from '../src/addons/grafana';
import { Jaeger } from '../src/addons/jaeger';
import { Kiali, KialiAuth, KialiAuthStrategy } from '../src/addons/kiali';
import { Prometheus } from '../src/addons/prometheus';

describe('Kiali', () => {
  test('creates service account, RBAC, config, deployment and the kiali Service on 20001', () => {
    // GIVEN
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');

    // WHEN
    const kiali = new Kiali(chart, 'Kiali', { prometheus });
    const manifests = Testing.synth(chart).filter(m => m.metadata.name.startsWith('kiali'));

    // THEN
    expect(kinds(manifests)).toEqual([
      'ServiceAccount/kiali',
      'ClusterRole/kiali-istio-system',
      'ClusterRoleBinding/kiali-istio-system',
      'ConfigMap/kiali',
      'Deployment/kiali',
      'Service/kiali',
    ]);
    expect(find(manifests, 'Service', 'kiali').spec.ports).toEqual([
      { name: 'http', port: 20001, targetPort: 20001, protocol: 'TCP', appProtocol: 'http' },
      { name: 'http-metrics', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(container(manifests, 'Deployment', 'kiali', 'kiali')).toMatchObject({
      image: 'quay.io/kiali/kiali:v2.26',
      command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
      readinessProbe: { httpGet: { path: '/kiali/healthz', port: 'api-port' } },
    });
    expect(find(manifests, 'ClusterRoleBinding', 'kiali-istio-system').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kiali', namespace: 'istio-system' }]);
    expect(kiali.url).toEqual('http://kiali.istio-system:20001/kiali');
  });

  test('points at the Prometheus, Grafana and Jaeger of this install', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    const grafana = new Grafana(chart, 'Grafana', { prometheus, externalUrl: 'https://grafana.example.com' });
    const tracing = new Jaeger(chart, 'Jaeger');
    new Kiali(chart, 'Kiali', { prometheus, grafana, tracing });
    const config = configFile(Testing.synth(chart), 'kiali', 'config.yaml');

    expect(config.external_services.prometheus).toEqual({ url: 'http://prometheus.istio-system:9090' });
    expect(config.external_services.grafana).toEqual({
      enabled: true,
      internal_url: 'http://grafana.istio-system:3000',
      external_url: 'https://grafana.example.com',
      dashboards: [
        { name: 'Istio Mesh Dashboard' },
        { name: 'Istio Service Dashboard', variables: { namespace: 'var-namespace', service: 'var-service' } },
        { name: 'Istio Workload Dashboard', variables: { namespace: 'var-namespace', workload: 'var-workload' } },
        { name: 'Istio Control Plane Dashboard' },
      ],
    });
    expect(config.external_services.tracing).toEqual({
      enabled: true,
      provider: 'jaeger',
      internal_url: 'http://tracing.istio-system:16685/jaeger',
      use_grpc: true,
      external_url: 'http://tracing.istio-system/jaeger',
    });
    expect(config.external_services.istio).toEqual({ root_namespace: 'istio-system' });
    expect(config.server).toEqual({ port: 20001, web_root: '/kiali', observability: { metrics: { enabled: true, port: 9090 } } });
  });

  test('anonymous by default, as the seed, with Grafana and tracing off when not installed', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus') });
    const manifests = Testing.synth(chart);
    const config = configFile(manifests, 'kiali', 'config.yaml');

    expect(config.auth).toEqual({ strategy: 'anonymous' });
    expect(config.external_services.grafana).toEqual({ enabled: false });
    expect(config.external_services.tracing).toEqual({ enabled: false });
    expect(container(manifests, 'Deployment', 'kiali', 'kiali').env.map((e: any) => e.name)).toEqual(['ACTIVE_NAMESPACE', 'LOG_LEVEL']);
    expect(podSpec(manifests, 'Deployment', 'kiali').volumes.map((v: any) => v.name)).toEqual(['config', 'secret']);
  });

  test('token login signs sessions with the key from the kiali-signing-key Secret', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus'), auth: KialiAuth.token(), webRoot: '/mesh', namespace: 'kiali' });
    const manifests = Testing.synth(chart);

    expect(configFile(manifests, 'kiali', 'config.yaml').auth).toEqual({ strategy: 'token' });
    const kiali = container(manifests, 'Deployment', 'kiali', 'kiali');
    // Kiali 2 reads the key from /kiali-override-secrets/login-token-signing-key/value.txt (it ignores environment variables)
    expect(kiali.volumeMounts).toContainEqual({ name: 'signing-key', mountPath: '/kiali-override-secrets/login-token-signing-key', readOnly: true });
    expect(podSpec(manifests, 'Deployment', 'kiali').volumes).toContainEqual(
      { name: 'signing-key', secret: { secretName: 'kiali-signing-key', items: [{ key: 'key', path: 'value.txt' }] } });
    expect(kiali.env.map((e: any) => e.name)).not.toContain('LOGIN_TOKEN_SIGNING_KEY');
    expect(kiali.livenessProbe.httpGet.path).toEqual('/mesh/healthz');
    expect(configFile(manifests, 'kiali', 'config.yaml').deployment.namespace).toEqual('kiali');
  });

  test('OpenID Connect login', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', {
      prometheus: new Prometheus(chart, 'Prometheus'),
      auth: KialiAuth.openId({ issuerUri: 'https://login.example.com', clientId: 'kiali', usernameClaim: 'email' }),
    });
    expect(configFile(Testing.synth(chart), 'kiali', 'config.yaml').auth).toEqual({
      strategy: 'openid',
      openid: { issuer_uri: 'https://login.example.com', client_id: 'kiali', username_claim: 'email', scopes: ['openid', 'profile', 'email'], disable_rbac: false },
    });
  });

  test('links to the browser-facing URLs of Kiali, Grafana and Jaeger', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    const grafana = new Grafana(chart, 'Grafana', { prometheus, externalUrl: 'https://mesh.example.com/grafana' });
    const tracing = new Jaeger(chart, 'Jaeger', { externalUrl: 'https://mesh.example.com/jaeger' });
    new Kiali(chart, 'Kiali', { prometheus, grafana, tracing, externalUrl: 'https://mesh.example.com/kiali' });
    const manifests = Testing.synth(chart);
    const config = configFile(manifests, 'kiali', 'config.yaml');

    expect(config.server).toMatchObject({ web_fqdn: 'mesh.example.com', web_port: '443', web_schema: 'https' });
    expect(config.external_services.grafana.external_url).toEqual('https://mesh.example.com/grafana');
    expect(config.external_services.tracing.external_url).toEqual('https://mesh.example.com/jaeger');
    expect(find(manifests, 'ConfigMap', 'grafana').data['grafana.ini'])
      .toContain('[server]\nroot_url = https://mesh.example.com/grafana\nserve_from_sub_path = true\n');
  });

  test('fails on an external URL that is not http(s)', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Kiali(chart, 'Kiali', { prometheus, externalUrl: 'kiali.example.com' }))
      .toThrow(/test\/Kiali: externalUrl "kiali.example.com" is invalid: must be an http or https URL/);
  });

  test('with a login, has the RBAC rules of the upstream Kiali ClusterRole (without the OpenShift ones)', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus'), auth: KialiAuth.token() });
    const rules = find(Testing.synth(chart), 'ClusterRole', 'kiali-istio-system').rules;
    const rw = ['get', 'list', 'watch', 'patch'];
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['configmaps', 'endpoints', 'pods/log'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['namespaces', 'pods', 'replicationcontrollers', 'services'], verbs: rw },
      { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'post'] },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: rw },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: rw },
      {
        apiGroups: ['networking.istio.io', 'security.istio.io', 'extensions.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io', 'inference.networking.k8s.io'],
        resources: ['*'],
        verbs: ['get', 'list', 'watch', 'create', 'delete', 'patch'],
      },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('reaches a Grafana served from a sub path at that sub path', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    const grafana = new Grafana(chart, 'Grafana', { prometheus, externalUrl: 'https://mesh.example.com/grafana/' });
    new Kiali(chart, 'Kiali', { prometheus, grafana });
    const config = configFile(Testing.synth(chart), 'kiali', 'config.yaml');
    expect(config.external_services.grafana).toMatchObject({
      internal_url: 'http://grafana.istio-system:3000/grafana',
      external_url: 'https://mesh.example.com/grafana/',
    });
  });

  test('a strategy by name', () => {
    expect(KialiAuth.fromStrategyName('token').strategy).toEqual(KialiAuthStrategy.TOKEN);
  });

  test('view-only mode gets read-only RBAC', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus'), viewOnly: true });
    const manifests = Testing.synth(chart);

    const rules = find(manifests, 'ClusterRole', 'kiali-istio-system').rules;
    const verbs = new Set(rules
      .filter((r: any) => !r.resources.includes('tokenreviews') && !r.resources.includes('pods/portforward'))
      .flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    // Kiali reads istiod's registry and the proxies' config dumps through port-forwarding, even view-only
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'post'] });
    expect(configFile(manifests, 'kiali', 'config.yaml').deployment.view_only_mode).toBe(true);
  });

  test('anonymous login is view-only by default: anyone reaching Kiali acts with its service account', () => {
    const chart = Testing.chart();
    new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus') });
    const manifests = Testing.synth(chart);
    expect(configFile(manifests, 'kiali', 'config.yaml').auth).toEqual({ strategy: 'anonymous' });
    expect(configFile(manifests, 'kiali', 'config.yaml').deployment.view_only_mode).toBe(true);
    const rules = find(manifests, 'ClusterRole', 'kiali-istio-system').rules;
    const writes = rules.filter((r: any) => !r.resources.includes('tokenreviews') && !r.resources.includes('pods/portforward'))
      .flatMap((r: any) => r.verbs).filter((v: string) => !['get', 'list', 'watch'].includes(v));
    expect(writes).toEqual([]);
  });

  test('a login is not view-only by default; anonymous can opt out explicitly', () => {
    const viewOnly = (props: any) => {
      const chart = Testing.chart();
      new Kiali(chart, 'Kiali', { prometheus: new Prometheus(chart, 'Prometheus'), ...props });
      return configFile(Testing.synth(chart), 'kiali', 'config.yaml').deployment.view_only_mode;
    };
    expect(viewOnly({ auth: KialiAuth.token() })).toBe(false);
    expect(viewOnly({ auth: KialiAuth.anonymous(), viewOnly: false })).toBe(false);
    expect(viewOnly({ auth: KialiAuth.token(), viewOnly: true })).toBe(true);
  });

  test('fails on an unknown auth strategy', () => {
    expect(() => KialiAuth.fromStrategyName('ldap')).toThrow(/auth.strategy "ldap" is invalid: must be one of anonymous, token, openid, header/);
    expect(() => KialiAuth.fromStrategyName('openid')).toThrow(/auth.strategy "openid" is invalid: openid needs options/);
  });

  test('fails on an OpenID issuer that is not https', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Kiali(chart, 'Kiali', { prometheus, auth: KialiAuth.openId({ issuerUri: 'http://login', clientId: 'kiali' }) }))
      .toThrow(/test\/Kiali: auth.openid.issuerUri "http:\/\/login" is invalid: must be an https URL/);
  });

  test('fails on a web root with a trailing slash', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Kiali(chart, 'Kiali', { prometheus, webRoot: '/kiali/' })).toThrow(/test\/Kiali: webRoot "\/kiali\/" is invalid/);
  });

  test('fails when the Grafana is not part of the app', () => {
    const other = Testing.chart();
    const grafana = new Grafana(other, 'Grafana', { prometheus: new Prometheus(other, 'Prometheus') });
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Kiali(chart, 'Kiali', { prometheus, grafana }))
      .toThrow(/test\/Kiali: grafana "test\/Grafana" is invalid: the Grafana it refers to is not part of this app/);
  });

  test('fails when Grafana reads another Prometheus', () => {
    const chart = Testing.chart();
    const grafana = new Grafana(chart, 'Grafana', { prometheus: new Prometheus(chart, 'Metrics', { namespace: 'monitoring' }) });
    const prometheus = new Prometheus(chart, 'Prometheus');
    expect(() => new Kiali(chart, 'Kiali', { prometheus, grafana }))
      .toThrow(/test\/Kiali: grafana "test\/Grafana" is invalid: reads from the Prometheus at test\/Metrics, not Kiali's test\/Prometheus/);
  });

  test('fails without Prometheus', () => {
    const chart = Testing.chart();
    expect(() => new Kiali(chart, 'Kiali', {} as any)).toThrow(/test\/Kiali: prometheus undefined is invalid: Kiali needs the Prometheus addon/);
  });
});
