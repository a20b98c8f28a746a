import { Duration } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { tokenize } from './support/go-template';
import { UPSTREAM_INJECTOR_VALUES } from '../imports/install/injector-values';
import {
  InjectionImagePullPolicy, InjectionPolicy, InjectionSelectorOperator, SidecarInjectorTemplates,
} from '../src/install/injection/injection-config';
import { assertTemplate, balancedActions, renderInjectionConfig, renderInjectionValues } from '../src/install/injection/render';

// Expectations below are facts read from the injector ConfigMap `istioctl manifest generate`
// renders for Istio 1.30.3 (container names, args, env names, ports, probes, volumes).

// ---------------------------------------------------------------------------------------------
// A small evaluator for the Go template subset the templates use: it checks that every
// if/with/range has its end, and renders one branch per condition (chosen by a scenario) with
// placeholder values, so the result can be parsed as YAML and inspected.
// ---------------------------------------------------------------------------------------------

type Node = string | { kind: 'value'; body: string } | { kind: 'block'; keyword: string; cond: string; then: Node[]; otherwise: Node[] };

function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Extract<Node, { kind: 'block' }>; inElse: boolean; implicitEnds: number }> = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inElse ? top.node.otherwise : top.node.then) : root;
  };
  for (const token of tokenize(template)) {
    if (token.kind === 'text') {
      if (token.text) target().push(token.text);
      continue;
    }
    const [keyword] = token.body.split(/\s+/);
    if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
      const node = { kind: 'block' as const, keyword, cond: token.body.slice(keyword.length).trim(), then: [], otherwise: [] };
      target().push(node);
      stack.push({ node, inElse: false, implicitEnds: 0 });
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) throw new Error(`unexpected {{ ${token.body} }}`);
      top.inElse = true;
      const elseIf = token.body.match(/^else if (.*)$/s);
      if (elseIf) {
        const node = { kind: 'block' as const, keyword: 'if', cond: elseIf[1].trim(), then: [], otherwise: [] };
        top.node.otherwise.push(node);
        stack.push({ node, inElse: false, implicitEnds: top.implicitEnds + 1 });
        top.implicitEnds = 0;
      }
    } else if (keyword === 'end') {
      const top = stack.pop();
      if (!top) throw new Error('{{ end }} without a block');
      for (let i = 0; i < top.implicitEnds; i++) stack.pop();
    } else if (/^(define|template|block)$/.test(keyword)) {
      throw new Error(`unsupported action ${token.body}`);
    } else {
      target().push({ kind: 'value', body: token.body });
    }
  }
  if (stack.length > 0) throw new Error(`${stack.length} block(s) without {{ end }}: ${stack.map(s => s.node.cond).join('; ')}`);
  return root;
}

/** A scenario: which conditions hold. `not X` is the negation of X; unknown conditions are false. */
function render(template: string, truths: string[]): string {
  const holds = (cond: string): boolean => {
    const c = cond.replace(/^\((.*)\)$/s, '$1');
    if (c.startsWith('not ')) return !holds(c.slice(4));
    return truths.some(t => c === t || c.startsWith(t + ' ') || c.includes(t));
  };
  const walk = (nodes: Node[]): string => nodes.map(node => {
    if (typeof node === 'string') return node;
    if (node.kind === 'value') {
      if (/:?=/.test(node.body) && node.body.startsWith('$')) return '';
      const nindent = node.body.match(/nindent (\d+)$/);
      if (nindent) return `\n${' '.repeat(Number(nindent[1]))}fromValues: v`;
      return node.body === '.ProxyImage' ? 'proxy-image' : 'v';
    }
    return holds(node.cond) ? walk(node.then) : walk(node.otherwise);
  }).join('');
  return walk(parseTemplate(template));
}

const config = parse(SidecarInjectorTemplates.renderConfig());
const sidecar: string = config.templates.sidecar;
const gateway: string = config.templates.gateway;
const kubeGateway: string = config.templates['kube-gateway'];
const grpcAgent: string = config.templates['grpc-agent'];
const grpcSimple: string = config.templates['grpc-simple'];
const waypoint: string = config.templates.waypoint;
const agentgateway: string = config.templates.agentgateway;

const DEFAULT = [
  '.Values.global.proxy.startupProbe.enabled', 'ne (printf "%v" $mode) "NONE"', 'eq .Values.global.pilotCertProvider "istiod"',
  'ne (printf "%v" $statusPort) "0"', 'ge (len $appContainers) 1', 'and .TypeMeta.APIVersion .DeploymentMeta.Name',
  '.Values.global.proxy.resources', '(index .ObjectMeta.Labels `service.istio.io/workload-name`)', 'valueOrDefault .MeshConfig.TrustDomain',
  '.DeploymentMeta.Name',
];
const CNI = [...DEFAULT, '.Values.pilot.cni.enabled'];
const NATIVE = [...DEFAULT, '$nativeSidecar'];

const names = (items: Array<{ name: string }>) => items.map(i => i.name);

describe('injector config', () => {
  test('holds the policy, selectors and the library\'s templates', () => {
    expect(config.policy).toEqual('enabled');
    expect(config.defaultTemplates).toEqual(['sidecar']);
    expect(config.alwaysInjectSelector).toEqual([]);
    expect(config.neverInjectSelector).toEqual([]);
    expect(config.injectedAnnotations).toEqual({});
    expect(Object.keys(config.templates)).toEqual(['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway', 'agentgateway']);
  });

  test('renders the options', () => {
    const custom = parse(renderInjectionConfig({
      policy: InjectionPolicy.DISABLED,
      defaultTemplates: ['sidecar', 'spire'],
      neverInjectSelector: [{ matchExpressions: [{ key: 'openshift.io/build.name', operator: InjectionSelectorOperator.EXISTS }] }],
      alwaysInjectSelector: [{ matchLabels: { inject: 'always' } }],
      injectedAnnotations: { 'example.com/injected': 'yes' },
      aliases: { mesh: ['sidecar', 'spire'] },
      customTemplates: { spire: 'spec:\n  volumes:\n  - name: spire\n    emptyDir: {}\n' },
    }));
    expect(custom.policy).toEqual('disabled');
    expect(custom.defaultTemplates).toEqual(['sidecar', 'spire']);
    expect(custom.neverInjectSelector).toEqual([{ matchExpressions: [{ key: 'openshift.io/build.name', operator: 'Exists' }] }]);
    expect(custom.alwaysInjectSelector).toEqual([{ matchLabels: { inject: 'always' } }]);
    expect(custom.injectedAnnotations).toEqual({ 'example.com/injected': 'yes' });
    expect(custom.aliases).toEqual({ mesh: ['sidecar', 'spire'] });
    expect(custom.templates.spire).toEqual('spec:\n  volumes:\n  - name: spire\n    emptyDir: {}\n');
    const indented = parse(renderInjectionConfig({ customTemplates: { a: '  {{- $x := 1 }}\nspec: {}', b: 'x: 1\n\n\ny: 2\n' } }));
    expect(indented.templates.a).toEqual('  {{- $x := 1 }}\nspec: {}');
    expect(indented.templates.b).toEqual('x: 1\n\n\ny: 2\n');
  });

  test('is deterministic', () => {
    expect(SidecarInjectorTemplates.renderConfig()).toEqual(SidecarInjectorTemplates.renderConfig());
  });

  test.each(Object.keys(config.templates))('the %s template has balanced delimiters and blocks', name => {
    const template: string = config.templates[name];
    expect(template.length).toBeGreaterThan(100);
    expect(balancedActions(template)).toBe(true);
    expect(() => parseTemplate(template)).not.toThrow();
  });

  test('the checker notices unbalanced templates', () => {
    expect(() => parseTemplate('{{- if .A }}\nx: 1\n')).toThrow(/without \{\{ end \}\}/);
    expect(() => parseTemplate('x: 1\n{{- end }}')).toThrow(/without a block/);
    expect(balancedActions('{{ .A }')).toBe(false);
  });

  test('every value the templates read exists in the rendered values, or is an optional key', () => {
    const values = JSON.parse(SidecarInjectorTemplates.renderValues());
    const optional = new Set([
      'global.proxy.capNetBindService', 'global.proxy.holdApplicationUntilProxyStarts', 'global.proxy.lifecycle',
      'global.trustDomain', 'global.trustBundleName', 'pilot.crlConfigMapName', 'global.platform',
    ]);
    const all = Object.values<string>(config.templates).join('\n');
    const referenced = new Set([...all.matchAll(/\.Values\.([A-Za-z_.]+[A-Za-z_])/g)].map(m => m[1]));
    const missing = [...referenced].filter(path => !optional.has(path)
      && path.split('.').reduce<any>((node, key) => (node === undefined ? undefined : node[key]), values) === undefined);
    expect(missing).toEqual([]);
    expect(referenced.size).toBeGreaterThan(30);
  });
});

describe('sidecar template', () => {
  test('reads the annotations that control injection', () => {
    for (const annotation of [
      'sidecar.istio.io/interceptionMode', 'sidecar.istio.io/proxyImage', 'sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyMemory',
      'sidecar.istio.io/proxyCPULimit', 'sidecar.istio.io/proxyMemoryLimit', 'sidecar.istio.io/nativeSidecar', 'sidecar.istio.io/logLevel',
      'sidecar.istio.io/componentLogLevel', 'sidecar.istio.io/agentLogLevel', 'sidecar.istio.io/bootstrapOverride',
      'sidecar.istio.io/userVolume', 'sidecar.istio.io/userVolumeMount', 'status.sidecar.istio.io/port',
      'readiness.status.sidecar.istio.io/initialDelaySeconds', 'readiness.status.sidecar.istio.io/periodSeconds',
      'readiness.status.sidecar.istio.io/failureThreshold', 'traffic.sidecar.istio.io/includeOutboundIPRanges',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges', 'traffic.sidecar.istio.io/includeInboundPorts',
      'traffic.sidecar.istio.io/excludeInboundPorts', 'traffic.sidecar.istio.io/includeOutboundPorts',
      'traffic.sidecar.istio.io/excludeOutboundPorts', 'traffic.sidecar.istio.io/excludeInterfaces',
      'traffic.sidecar.istio.io/kubevirtInterfaces', 'istio.io/reroute-virtual-interfaces',
    ]) {
      expect(sidecar).toContain(`\`${annotation}\``);
    }
    expect(sidecar).toContain('.ProxyConfig.ProxyMetadata');
    expect(sidecar).toContain('.ProxyImage');
  });

  describe('default scenario (iptables init container, regular sidecar)', () => {
    const pod = parse(render(sidecar, DEFAULT));

    test('labels and annotates the pod', () => {
      expect(Object.keys(pod.metadata.labels)).toEqual([
        'security.istio.io/tlsMode', 'service.istio.io/canonical-name', 'service.istio.io/canonical-revision',
      ]);
      expect(Object.keys(pod.metadata.annotations)).toEqual([
        'istio.io/rev', 'kubectl.kubernetes.io/default-logs-container', 'kubectl.kubernetes.io/default-container',
      ]);
    });

    test('adds istio-init, which programs iptables as root', () => {
      expect(names(pod.spec.initContainers)).toEqual(['istio-init']);
      const init = pod.spec.initContainers[0];
      expect(init.image).toEqual('proxy-image');
      expect(init.args.filter((a: string) => a.startsWith('-') || a === 'istio-iptables')).toEqual([
        'istio-iptables', '-p', '-z', '-u', '-m', '-i', '-x', '-b', '-d', '--log_output_level=v',
      ]);
      expect(init.args[init.args.indexOf('-d') + 1]).toEqual('15090,15021');
      expect(init.securityContext).toEqual({
        allowPrivilegeEscalation: 'v',
        privileged: 'v',
        capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        readOnlyRootFilesystem: false,
        runAsGroup: 0,
        runAsNonRoot: false,
        runAsUser: 0,
      });
      expect(init.resources).toEqual({ fromValues: 'v' });
    });

    test('adds the istio-proxy container with its port, args and probes', () => {
      expect(names(pod.spec.containers)).toEqual(['istio-proxy']);
      const proxy = pod.spec.containers[0];
      expect(proxy.image).toEqual('proxy-image');
      expect(proxy.restartPolicy).toBeUndefined();
      expect(proxy.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
      expect(proxy.args.slice(0, 4)).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.v']);
      expect(proxy.args.slice(4).map((a: string) => a.split('=')[0])).toEqual(['--proxyLogLevel', '--proxyComponentLogLevel', '--log_output_level']);
      expect(proxy.startupProbe).toEqual({
        httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 'v',
      });
      expect(proxy.readinessProbe).toEqual({
        httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 'v', periodSeconds: 'v', timeoutSeconds: 3, failureThreshold: 'v',
      });
      expect(proxy.securityContext).toEqual({
        allowPrivilegeEscalation: 'v',
        capabilities: { drop: ['ALL'] },
        privileged: 'v',
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 'v',
        runAsGroup: 'v',
      });
      expect(proxy.lifecycle).toBeUndefined();
    });

    test('sets the environment pilot-agent reads', () => {
      const env = pod.spec.containers[0].env;
      expect(names(env)).toEqual([
        'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT',
        'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'GOMAXPROCS', 'ISTIO_META_CLUSTER_ID',
        'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID',
        'TRUST_DOMAIN',
      ]);
      const byName = Object.fromEntries(env.map((e: any) => [e.name, e]));
      expect(byName.CA_ADDR.value).toEqual('istiod.v.svc:15012');
      const revisioned = parse(render(sidecar, [...DEFAULT, 'ne .Values.revision ""']));
      expect(revisioned.spec.containers[0].env.find((e: any) => e.name === 'CA_ADDR').value).toEqual('istiod-v.v.svc:15012');
      expect(byName.POD_NAMESPACE.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
      expect(byName.GOMEMLIMIT.valueFrom).toEqual({ resourceFieldRef: { resource: 'limits.memory', divisor: '1' } });
      expect(byName.ISTIO_META_OWNER.value).toEqual('kubernetes://apis/v/namespaces/v/vs/v');
    });

    test('mounts the proxy volumes', () => {
      const proxy = pod.spec.containers[0];
      expect(proxy.volumeMounts).toEqual([
        { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
        { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
        { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
        { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
        { name: 'istio-ca-crl', mountPath: '/var/run/secrets/istio/crl' },
        { name: 'istio-data', mountPath: '/var/lib/istio/data' },
        { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
        { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
        { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
      ]);
      expect(names(pod.spec.volumes)).toEqual([
        'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token',
        'istiod-ca-cert', 'istio-ca-crl',
      ]);
      const byName = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]));
      expect(byName['istio-envoy']).toEqual({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
      expect(byName['istio-token'].projected.sources[0].serviceAccountToken).toEqual({ path: 'istio-token', expirationSeconds: 43200, audience: 'v' });
      expect(byName['istio-podinfo'].downwardAPI.items.map((i: any) => i.fieldRef.fieldPath)).toEqual(['metadata.labels', 'metadata.annotations']);
      expect(byName['istiod-ca-cert'].configMap).toEqual({ name: 'v' });
      expect(byName['istio-ca-crl'].configMap).toEqual({ name: 'v', optional: true });
    });
  });

  test('with the CNI plugin, the init container only validates and the pod records the redirection', () => {
    const pod = parse(render(sidecar, CNI));
    const init = pod.spec.initContainers[0];
    expect(init.name).toEqual('istio-validation');
    expect(init.args).toContain('--run-validation');
    expect(init.args).toContain('--skip-rule-apply');
    expect(init.securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.metadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'v',
      'traffic.sidecar.istio.io/includeInboundPorts': 'v',
      'traffic.sidecar.istio.io/excludeInboundPorts': 'v',
    });
  });

  test('a native sidecar is an init container that drains on shutdown', () => {
    const pod = parse(render(sidecar, NATIVE));
    expect(pod.spec.containers).toBeUndefined();
    expect(names(pod.spec.initContainers)).toEqual(['istio-init', 'istio-proxy']);
    const proxy = pod.spec.initContainers[1];
    expect(proxy.restartPolicy).toEqual('Always');
    expect(proxy.lifecycle).toEqual({ preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=v', 'POST', 'drain'] } } });
  });

  test('holding the application until the proxy starts adds a postStart hook', () => {
    const pod = parse(render(sidecar, [...DEFAULT, '$holdProxy']));
    expect(pod.spec.containers[0].lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
  });

  test('interception mode NONE leaves no init container', () => {
    const pod = parse(render(sidecar, [...DEFAULT.filter(c => !c.includes('NONE')), '$noInitContainer']));
    expect(pod.spec.initContainers).toEqual([]);
    expect(names(pod.spec.containers)).toEqual(['istio-proxy']);
  });

  test('TPROXY runs the proxy as root with NET_ADMIN', () => {
    const pod = parse(render(sidecar, [...DEFAULT, '$tproxy']));
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, runAsNonRoot: false, runAsUser: 0, runAsGroup: 1337,
    });
  });

  test('per-pod resource annotations replace the installation\'s proxy resources', () => {
    const pod = parse(render(sidecar, [...DEFAULT, 'isset .ObjectMeta.Annotations `sidecar.istio.io/proxy']));
    expect(pod.spec.containers[0].resources).toEqual({ requests: { cpu: 'v', memory: 'v' }, limits: { cpu: 'v', memory: 'v' } });
  });
});

describe('gateway template', () => {
  const pod = parse(render(gateway, DEFAULT));

  test('runs the proxy as a router that may bind low ports', () => {
    expect(pod.spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    expect(pod.spec.initContainers).toBeUndefined();
    expect(names(pod.spec.containers)).toEqual(['istio-proxy']);
    const proxy = pod.spec.containers[0];
    expect(proxy.args.slice(0, 3)).toEqual(['proxy', 'router', '--domain']);
    expect(proxy.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
    expect(proxy.readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 'v', periodSeconds: 'v', timeoutSeconds: 3, failureThreshold: 'v',
    });
    expect(proxy.startupProbe).toBeUndefined();
    expect(proxy.securityContext).toEqual({ runAsUser: 'v', runAsGroup: 'v' });
    expect(proxy.resources).toBeUndefined();
    expect(names(proxy.env)).toEqual([
      'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT',
      'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'GOMEMLIMIT', 'GOMAXPROCS', 'ISTIO_META_APP_CONTAINERS', 'ISTIO_META_CLUSTER_ID',
      'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID',
      'TRUST_DOMAIN',
    ]);
    expect(names(proxy.volumeMounts)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istiod-ca-cert', 'istio-data', 'istio-envoy', 'istio-token', 'istio-podinfo',
    ]);
    expect(names(pod.spec.volumes)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert',
    ]);
  });

  test('an installation pod security context replaces the sysctl', () => {
    const custom = parse(render(gateway, [...DEFAULT, '.Values.gateways.securityContext']));
    expect(custom.spec.securityContext).toEqual({ fromValues: 'v' });
  });
});

describe('kube-gateway template', () => {
  const documents = parseAllDocuments(render(kubeGateway, [...DEFAULT, 'ge .KubeVersion 128', '$port := .Ports'])).map(d => d.toJS());
  const byKind = Object.fromEntries(documents.map(d => [d.kind, d]));

  test('creates the objects of a Gateway API gateway, owned by the Gateway', () => {
    expect(documents.map(d => `${d.apiVersion}/${d.kind}`)).toEqual([
      'v1/ServiceAccount', 'apps/v1/Deployment', 'v1/Service', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
    ]);
    for (const d of documents) {
      expect(d.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'v', uid: 'v' }]);
    }
    const withoutOwner = parseAllDocuments(render(kubeGateway, DEFAULT)).map(d => d.toJS());
    expect(withoutOwner[0].metadata.ownerReferences).toBeUndefined();
  });

  test('runs an unprivileged router with metrics, status and Envoy ports', () => {
    const pod = byKind.Deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    const proxy = pod.containers[0];
    expect(proxy.name).toEqual('istio-proxy');
    expect(proxy.ports).toEqual([
      { containerPort: 15020, protocol: 'TCP', name: 'metrics' },
      { containerPort: 15021, protocol: 'TCP', name: 'status-port' },
      { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
    ]);
    expect(proxy.args.slice(0, 5)).toEqual(['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.v', '--proxyLogLevel']);
    expect(proxy.securityContext).toEqual({
      capabilities: { drop: ['ALL'] },
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsUser: 'v',
      runAsGroup: 'v',
      runAsNonRoot: true,
    });
    expect(proxy.startupProbe).toEqual({
      failureThreshold: 30,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      initialDelaySeconds: 1,
      periodSeconds: 1,
      successThreshold: 1,
      timeoutSeconds: 1,
    });
    expect(proxy.readinessProbe).toMatchObject({ failureThreshold: 4, initialDelaySeconds: 0, periodSeconds: 15 });
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e]));
    expect(env.ISTIO_META_POD_PORTS.value).toEqual('[]');
    expect(env.ISTIO_META_APP_CONTAINERS.value).toEqual('');
    expect(env.ISTIO_META_OWNER.value).toEqual('kubernetes://apis/apps/v1/namespaces/v/deployments/v');
    expect(names(proxy.volumeMounts)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istiod-ca-cert', 'istio-data', 'istio-envoy', 'istio-token', 'istio-podinfo',
    ]);
  });

  test('exposes the listener ports on a dual-stack Service', () => {
    expect(byKind.Service.spec).toEqual({
      ipFamilyPolicy: 'PreferDualStack',
      ports: [{ name: 'v', port: 'v', protocol: 'TCP', appProtocol: 'v' }],
      selector: { fromValues: 'v' },
      type: 'v',
    });
    expect(byKind.HorizontalPodAutoscaler.spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'v' }, maxReplicas: 1 });
  });
});

describe('grpc-agent template', () => {
  const APP = '$index, $container := .Spec.Containers';
  const GRPC_AGENT = [...DEFAULT, APP, 'ne $container.Name "istio-proxy"'];
  const pod = parse(render(grpcAgent, GRPC_AGENT));
  const proxy = pod.spec.containers[0];

  test('can be requested by pods, alone or in an alias', () => {
    expect(() => assertTemplate(undefined, 'inject.istio.io/templates', 'grpc-agent')).not.toThrow();
    expect(() => assertTemplate(undefined, 'inject.istio.io/templates', 'grpc-simple')).not.toThrow();
    const custom = parse(renderInjectionConfig({ aliases: { proxyless: ['grpc-agent'] }, defaultTemplates: ['sidecar'] }));
    expect(custom.aliases).toEqual({ proxyless: ['grpc-agent'] });
    expect(custom.templates['grpc-agent']).toEqual(grpcAgent);
  });

  test('keeps the application\'s probes and leaves the mTLS label to the user', () => {
    expect(pod.metadata.labels).toEqual({ 'service.istio.io/canonical-name': 'v', 'service.istio.io/canonical-revision': 'v' });
    expect(pod.metadata.annotations).toEqual({
      'istio.io/rev': 'v',
      'kubectl.kubernetes.io/default-logs-container': 'v',
      'kubectl.kubernetes.io/default-container': 'v',
      'sidecar.istio.io/rewriteAppHTTPProbers': 'false',
    });
    expect(pod.spec.initContainers).toBeUndefined();
  });

  test('runs pilot-agent without Envoy, ready on its status port before the application starts', () => {
    expect(names(pod.spec.containers)).toEqual(['istio-proxy', 'v']);
    expect(proxy.image).toEqual('proxy-image');
    expect(proxy.ports).toEqual([{ containerPort: 15020, protocol: 'TCP', name: 'mesh-metrics' }]);
    expect(proxy.args.slice(0, 4)).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.v']);
    expect(proxy.lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait', '--url=http://localhost:15020/healthz/ready'] } } });
    expect(proxy.readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15020 }, initialDelaySeconds: 'v', periodSeconds: 'v', timeoutSeconds: 3, failureThreshold: 'v',
    });
    expect(proxy.startupProbe).toBeUndefined();
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 'v',
      runAsGroup: 'v',
    });
    expect(proxy.resources).toEqual({ fromValues: 'v' });
  });

  test('sets the gRPC generator and turns Envoy and DNS capture off after the proxy metadata', () => {
    expect(names(proxy.env)).toEqual([
      'ISTIO_META_GENERATOR', 'OUTPUT_CERTS', 'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT',
      'HOST_IP', 'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'GOMAXPROCS',
      'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
      'ISTIO_META_DNS_CAPTURE', 'DISABLE_ENVOY',
    ]);
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      ISTIO_META_GENERATOR: 'grpc', OUTPUT_CERTS: '/var/lib/istio/data', ISTIO_META_DNS_CAPTURE: 'false', DISABLE_ENVOY: 'true', CA_ADDR: 'istiod.v.svc:15012',
    });
    expect(proxy.env.find((e: any) => e.name === 'ISTIO_BOOTSTRAP_OVERRIDE')).toBeUndefined();
    const withMetadata = parse(render(grpcAgent, [...GRPC_AGENT, '$key, $value := .ProxyConfig.ProxyMetadata'])).spec.containers[0];
    expect(names(withMetadata.env).slice(-3)).toEqual(['v', 'ISTIO_META_DNS_CAPTURE', 'DISABLE_ENVOY']);
  });

  test('shares certificates and the xDS bootstrap with the application containers', () => {
    expect(proxy.volumeMounts).toEqual([
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-xds', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ]);
    expect(pod.spec.containers[1]).toEqual({
      name: 'v',
      env: [
        { name: 'GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT', value: 'true' },
        { name: 'GRPC_XDS_BOOTSTRAP', value: '/etc/istio/proxy/grpc-bootstrap.json' },
      ],
      volumeMounts: [
        { name: 'istio-data', mountPath: '/var/lib/istio/data' },
        { name: 'istio-xds', mountPath: '/etc/istio/proxy' },
        { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      ],
    });
    expect(names(pod.spec.volumes)).toEqual(['workload-socket', 'workload-certs', 'istio-xds', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert']);
    const byName = Object.fromEntries(pod.spec.volumes.map((v: any) => [v.name, v]));
    expect(byName['istio-xds']).toEqual({ name: 'istio-xds', emptyDir: { medium: 'Memory' } });
    expect(byName['istiod-ca-cert'].configMap).toEqual({ name: 'v' });
  });

  test('the application containers are patched by name, never the proxy', () => {
    expect(grpcAgent).toContain('{{- range $index, $container := .Spec.Containers }}\n  {{- if ne $container.Name "istio-proxy" }}\n  - name: {{ $container.Name | quote }}');
    const proxyOnly = parse(render(grpcAgent, DEFAULT));
    expect(names(proxyOnly.spec.containers)).toEqual(['istio-proxy']);
  });

  test('with GKE workload certificates, the proxy and the application mount the CSI volume', () => {
    const gke = parse(render(grpcAgent, [...GRPC_AGENT, '.Values.global.caName "GkeWorkloadCertificate"']));
    expect(gke.spec.containers[0].volumeMounts[1]).toEqual({ name: 'gke-workload-certificate', mountPath: '/var/run/secrets/workload-spiffe-credentials', readOnly: true });
    expect(gke.spec.containers[1].volumeMounts[2]).toEqual({ name: 'gke-workload-certificate', mountPath: '/var/run/secrets/workload-spiffe-credentials', readOnly: true });
    expect(gke.spec.volumes[1]).toEqual({ name: 'gke-workload-certificate', csi: { driver: 'workloadcertificates.security.cloud.google.com' } });
  });

  test('status port 0 drops only the readiness probe', () => {
    const noStatus = parse(render(grpcAgent, GRPC_AGENT.filter(c => !c.includes('$statusPort')))).spec.containers[0];
    expect(noStatus.readinessProbe).toBeUndefined();
    expect(names(noStatus.volumeMounts)).toEqual(names(proxy.volumeMounts));
    expect(noStatus.resources).toEqual({ fromValues: 'v' });
  });

  test('per-pod user volumes and mTLS certificates', () => {
    const custom = parse(render(grpcAgent, [...GRPC_AGENT, '.Values.global.mountMtlsCerts', 'isset .ObjectMeta.Annotations `sidecar.istio.io/user', ':= fromJSON']));
    expect(names(custom.spec.containers[0].volumeMounts)).toEqual([
      'workload-socket', 'workload-certs', 'istiod-ca-cert', 'istio-data', 'istio-xds', 'istio-token', 'istio-certs', 'istio-podinfo', 'v',
    ]);
    expect(names(custom.spec.volumes).slice(-2)).toEqual(['istio-certs', 'v']);
  });
});

describe('grpc-simple template', () => {
  const GRPC_SIMPLE = [...DEFAULT, '$index, $container := .Spec.Containers', 'ne $container.Name "istio-proxy"'];
  const pod = parse(render(grpcSimple, GRPC_SIMPLE));
  const init = pod.spec.initContainers[0];

  /** The bootstrap the init container's script writes, with the shell variables set. */
  function bootstrap(script: string): any {
    const vars: Record<string, string> = { INSTANCE_IP: '10.0.0.7', POD_NAME: 'client-0', POD_NAMESPACE: 'apps', ISTIO_NAMESPACE: 'istio-system' };
    const lines = script.split('\n');
    expect(lines[0]).toEqual('cat > /var/lib/grpc/data/bootstrap.json <<EOF');
    expect(lines[lines.length - 1]).toEqual('EOF');
    return JSON.parse(lines.slice(1, -1).join('\n').replace(/\$\{(\w+)\}/g, (_m, name: string) => vars[name]));
  }

  test('writes an xDS bootstrap pointing gRPC at istiod\'s plaintext port', () => {
    expect(pod.metadata.annotations).toEqual({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' });
    expect(names(pod.spec.initContainers)).toEqual(['grpc-bootstrap-init']);
    expect(init.image).toEqual('busybox:1.28');
    expect(init.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(init.args).toBeUndefined();
    expect(bootstrap(init.command[2])).toEqual({
      xds_servers: [{ server_uri: 'dns:///istiod.istio-system.svc:15010', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: 'sidecar~10.0.0.7~client-0.apps~apps.svc.v', metadata: { GENERATOR: 'grpc' } },
    });
    const revisioned = parse(render(grpcSimple, [...GRPC_SIMPLE, 'ne .Values.revision ""'])).spec.initContainers[0];
    expect(bootstrap(revisioned.command[2]).xds_servers[0].server_uri).toEqual('dns:///istiod-v.istio-system.svc:15010');
  });

  test('the init container reads its identity from the downward API and runs unprivileged', () => {
    expect(init.env).toEqual([
      { name: 'INSTANCE_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'ISTIO_NAMESPACE', value: 'v' },
    ]);
    expect(init.volumeMounts).toEqual([{ name: 'grpc-io-proxyless-bootstrap', mountPath: '/var/lib/grpc/data/' }]);
    expect(init.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
  });

  test('points the application containers at the bootstrap', () => {
    expect(pod.spec.containers).toEqual([{
      name: 'v',
      env: [
        { name: 'GRPC_XDS_BOOTSTRAP', value: '/var/lib/grpc/data/bootstrap.json' },
        { name: 'GRPC_GO_LOG_VERBOSITY_LEVEL', value: '99' },
        { name: 'GRPC_GO_LOG_SEVERITY_LEVEL', value: 'info' },
      ],
      volumeMounts: [{ name: 'grpc-io-proxyless-bootstrap', mountPath: '/var/lib/grpc/data/' }],
    }]);
    expect(pod.spec.volumes).toEqual([{ name: 'grpc-io-proxyless-bootstrap', emptyDir: {} }]);
  });
});

describe('agentgateway template', () => {
  const AGENT = [
    'eq .Values.global.pilotCertProvider "istiod"', '.Values.global.proxy.resources', 'valueOrDefault .MeshConfig.TrustDomain',
    'index .InfrastructureLabels "topology.istio.io/network"', '.ProxyConfig.ProxyMetadata',
  ];
  const documents = parseAllDocuments(render(agentgateway, AGENT)).map(d => d.toJS());

  test('creates the objects of an agentgateway Gateway, owned by it and managed by its controller', () => {
    expect(documents.map(d => d.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    for (const d of documents) expect(d.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'v', uid: 'v' }]);
    expect(agentgateway).toContain('"gateway.istio.io/managed" "istio.io-agentgateway-controller"');
    expect(agentgateway).toContain('"service.istio.io/canonical-revision" "latest"');
  });

  test('runs the agentgateway container unprivileged with its xDS and CA addresses', () => {
    const pod = documents[1].spec.template.spec;
    expect(pod.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    const [c] = pod.containers;
    expect(c.name).toEqual('agentgateway');
    expect(c.args).toEqual(['--config', '{}']);
    expect(c.ports).toEqual([
      { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
      { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
    ]);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(c.env.map((e: any) => e.name)).toEqual([
      'POD_NAME', 'POD_NAMESPACE', 'NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'CPU_LIMIT', 'GATEWAY', 'RUST_BACKTRACE', 'CLUSTER_ID',
      'NETWORK', 'TRUST_DOMAIN', 'v', 'XDS_ADDRESS', 'CA_ADDRESS',
    ]);
    expect(c.env.find((e: any) => e.name === 'CA_ADDRESS').value).toEqual('istiod-v.v.svc:15012');
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, failureThreshold: 4 });
    expect(c.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}`)).toEqual([
      'istiod-ca-cert:/var/run/secrets/xds', 'xds-token:/var/run/secrets/xds-tokens', 'tmp:/tmp',
      'istiod-ca-cert:/var/run/secrets/istio', 'istio-token:/var/run/secrets/tokens',
    ]);
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp', 'xds-token', 'istio-token', 'istiod-ca-cert']);
    expect(pod.volumes[3]).toEqual({ name: 'istiod-ca-cert', configMap: { name: 'v' } });
  });

  test('takes a full image reference from the Gateway annotation, otherwise the controller\'s image', () => {
    expect(agentgateway).toContain('{{- if contains "/" (annotation .ObjectMeta `gateway.istio.io/agentgatewayImage` .Values.global.agentgateway.image) }}');
    expect(agentgateway).toContain('image: "{{ .AgentgatewayImage }}"');
    const withoutIstiodCa = parseAllDocuments(render(agentgateway, AGENT.filter(c => !c.includes('pilotCertProvider'))))[1].toJS();
    expect(withoutIstiodCa.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'xds-token', 'istio-token']);
  });
});

describe('waypoint template', () => {
  const WAYPOINT = [...DEFAULT, 'ge .KubeVersion 128', '$port := .Ports', 'ne .Values.global.platform "openshift"'];
  const documents = parseAllDocuments(render(waypoint, WAYPOINT)).map(d => d.toJS());
  const byKind = Object.fromEntries(documents.map(d => [d.kind, d]));
  const pod = byKind.Deployment.spec.template.spec;
  const proxy = pod.containers[0];

  test('creates the objects of a waypoint, owned by the Gateway', () => {
    expect(documents.map(d => `${d.apiVersion}/${d.kind}`)).toEqual([
      'v1/ServiceAccount', 'apps/v1/Deployment', 'v1/Service', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
    ]);
    for (const d of documents) {
      expect(d.metadata.ownerReferences).toEqual([{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'v', uid: 'v' }]);
    }
    expect(byKind.Deployment.spec.template.metadata).toEqual({ annotations: { fromValues: 'v' }, labels: { fromValues: 'v' } });
    expect(pod.serviceAccountName).toEqual('v');
  });

  test('keeps waypoint pods out of the data plane and labels them with the managing controller', () => {
    expect(waypoint).toContain('(strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" ');
    expect(waypoint).toContain('"gateway.istio.io/managed" .ControllerLabel');
    expect(waypoint).toContain('"prometheus.io/port" "15020"');
    expect(waypoint).toContain('toJsonMap (strdict "networking.istio.io/traffic-distribution" "PreferClose") (omit .InfrastructureAnnotations');
  });

  test('runs proxy waypoint unprivileged with metrics, status and Envoy ports', () => {
    expect(pod.securityContext).toBeUndefined();
    expect(proxy.name).toEqual('istio-proxy');
    expect(proxy.image).toEqual('proxy-image');
    expect(proxy.ports).toEqual([
      { containerPort: 15020, protocol: 'TCP', name: 'metrics' },
      { containerPort: 15021, protocol: 'TCP', name: 'status-port' },
      { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
    ]);
    expect(proxy.args).toEqual([
      'proxy', 'waypoint', '--domain', '$(POD_NAMESPACE).svc.v', '--serviceCluster', 'v.$(POD_NAMESPACE)',
      '--proxyLogLevel', 'v', '--proxyComponentLogLevel', 'v', '--log_output_level', 'v',
    ]);
    expect(proxy.securityContext).toEqual({
      privileged: false,
      runAsGroup: 1337,
      runAsUser: 1337,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(proxy.startupProbe).toMatchObject({ failureThreshold: 30, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 1 });
    expect(proxy.readinessProbe).toMatchObject({ failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15 });
    expect(proxy.resources).toBeUndefined();
  });

  test('sets the environment of a waypoint', () => {
    expect(names(proxy.env)).toEqual([
      'ISTIO_META_SERVICE_ACCOUNT', 'ISTIO_META_NODE_NAME', 'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP',
      'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'GOMEMLIMIT', 'GOMAXPROCS', 'ISTIO_META_CLUSTER_ID',
      'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
    ]);
    const env = Object.fromEntries(proxy.env.map((e: any) => [e.name, e]));
    expect(env.ISTIO_META_SERVICE_ACCOUNT.valueFrom).toEqual({ fieldRef: { fieldPath: 'spec.serviceAccountName' } });
    expect(env.ISTIO_META_INTERCEPTION_MODE.value).toEqual('REDIRECT');
    expect(env.ISTIO_META_OWNER.value).toEqual('kubernetes://apis/apps/v1/namespaces/v/deployments/v');
    const networked = (truths: string[]) => {
      const deployment = parseAllDocuments(render(waypoint, [...WAYPOINT, ...truths]))[1].toJS();
      return names(deployment.spec.template.spec.containers[0].env);
    };
    expect(networked(['$network'])).toContain('ISTIO_META_NETWORK');
    expect(networked(['$network'])).not.toContain('ISTIO_META_REQUESTED_NETWORK_VIEW');
    expect(networked(['$network', 'eq .ControllerLabel "istio.io-eastwest-controller"'])).toContain('ISTIO_META_REQUESTED_NETWORK_VIEW');
  });

  test('mounts the proxy volumes, with the mesh root certificate always', () => {
    expect(proxy.volumeMounts).toEqual([
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ]);
    expect(names(pod.volumes)).toEqual([
      'workload-socket', 'istio-envoy', 'go-proxy-envoy', 'istio-data', 'go-proxy-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert',
    ]);
    const withoutIstiodCerts = parseAllDocuments(render(waypoint, WAYPOINT.filter(c => !c.includes('pilotCertProvider'))))[1].toJS();
    expect(names(withoutIstiodCerts.spec.template.spec.volumes)).toContain('istiod-ca-cert');
  });

  test('on OpenShift the platform assigns the user', () => {
    const openshift = parseAllDocuments(render(waypoint, WAYPOINT.filter(c => !c.includes('platform'))))[1].toJS();
    const securityContext = openshift.spec.template.spec.containers[0].securityContext;
    expect(securityContext.runAsUser).toBeUndefined();
    expect(securityContext.runAsNonRoot).toBe(true);
  });

  test('takes resources, scheduling and seccomp from the installation values', () => {
    const scheduled = parseAllDocuments(render(waypoint, [
      ...WAYPOINT, '.Values.global.waypoint.', '.Values.gateways.seccompProfile',
    ]))[1].toJS().spec.template.spec;
    expect(Object.keys(scheduled).slice(0, 4)).toEqual(['affinity', 'topologySpreadConstraints', 'nodeSelector', 'tolerations']);
    expect(scheduled.tolerations).toEqual({ fromValues: 'v' });
    expect(scheduled.containers[0].resources).toEqual({ fromValues: 'v' });
    expect(scheduled.containers[0].securityContext.seccompProfile).toEqual({ fromValues: 'v' });
  });

  test('exposes the listener ports on a dual-stack Service', () => {
    expect(byKind.Service.metadata.annotations).toEqual({ fromValues: 'v' });
    expect(byKind.Service.spec).toEqual({
      ipFamilyPolicy: 'PreferDualStack',
      ports: [{ name: 'v', port: 'v', protocol: 'TCP', appProtocol: 'v' }],
      selector: { fromValues: 'v' },
      type: 'v',
    });
  });
});

describe('injector values', () => {
  test('default values', () => {
    const values = JSON.parse(SidecarInjectorTemplates.renderValues());
    expect(values.global).toMatchObject({
      hub: 'docker.io/istio',
      tag: '1.30.3',
      istioNamespace: 'istio-system',
      pilotCertProvider: 'istiod',
      logging: { level: 'default:info' },
      sds: { token: { aud: 'istio-ca' } },
      proxy_init: { image: 'proxyv2', forceApplyIptables: false },
    });
    expect(values.global.proxy).toMatchObject({
      image: 'proxyv2',
      clusterDomain: 'cluster.local',
      logLevel: 'warning',
      componentLogLevel: 'misc:error',
      includeIPRanges: '*',
      includeInboundPorts: '*',
      statusPort: 15020,
      readinessFailureThreshold: 4,
      readinessInitialDelaySeconds: 0,
      readinessPeriodSeconds: 15,
      startupProbe: { enabled: true, failureThreshold: 600 },
      resources: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
      privileged: false,
      tracer: 'none',
    });
    expect(values.global.proxy.holdApplicationUntilProxyStarts).toBeUndefined();
    expect(values.pilot).toEqual({ cni: { enabled: false, provider: 'default' }, env: {} });
    expect(values.revision).toEqual('');
    expect(values.sidecarInjectorWebhook).toEqual({
      alwaysInjectSelector: [],
      defaultTemplates: [],
      enableNamespacesByDefault: false,
      injectedAnnotations: {},
      neverInjectSelector: [],
      reinvocationPolicy: 'Never',
      rewriteAppHTTPProbe: true,
      templates: {},
    });
    expect(values.global.waypoint).toEqual({
      affinity: {},
      nodeSelector: {},
      resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
      tolerations: [],
      topologySpreadConstraints: [],
    });
  });

  test('writes every value upstream writes, so templates written for upstream find them', () => {
    const values = JSON.parse(renderInjectionValues({ hub: 'registry.example.com/istio', proxyResources: { requests: { cpu: '5m' } } }));
    const paths = (value: unknown, prefix = ''): string[] => value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value as object).flatMap(([k, v]) => [`${prefix}${k}`, ...(k === 'resources' ? [] : paths(v, `${prefix}${k}.`))])
      : [];
    const rendered = new Set(paths(values));
    expect(paths(UPSTREAM_INJECTOR_VALUES).filter(p => !rendered.has(p))).toEqual([]);
    // values upstream writes that the library's own templates do not read
    expect(values.global).toMatchObject({
      configCluster: false,
      configValidation: true,
      defaultPodDisruptionBudget: { enabled: true },
      externalIstiod: false,
      istiod: { enableAnalysis: false },
      networkPolicy: { enabled: false },
      priorityClassName: '',
      remotePilotAddress: '',
      resourceScope: 'all',
    });
    // the installation's own values replace upstream's
    expect(values.global.hub).toEqual('registry.example.com/istio');
    expect(values.global.proxy.resources).toEqual({ requests: { cpu: '5m' } });
  });

  test('waypoint resources', () => {
    const values = JSON.parse(renderInjectionValues({ waypointResources: { requests: { cpu: '50m', memory: '64Mi' } } }));
    expect(values.global.waypoint.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' } });
  });

  test('fails on waypoint resources Kubernetes cannot parse', () => {
    expect(() => renderInjectionValues({ waypointResources: { limits: { cpu: 'two' } } }))
      .toThrow(/waypointResources\.limits\.cpu "two" is invalid: must be a Kubernetes quantity/);
  });

  test('options', () => {
    const values = JSON.parse(renderInjectionValues({
      hub: 'registry.example.com/istio',
      tag: '1.30.3-distroless',
      revision: 'canary',
      proxyResources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
      holdApplicationUntilProxyStarts: true,
      cniEnabled: true,
      imagePullPolicy: InjectionImagePullPolicy.IF_NOT_PRESENT,
      imagePullSecrets: ['registry'],
      meshId: 'mesh1',
      network: 'network1',
      clusterName: 'cluster1',
      trustDomain: 'example.org',
      excludeOutboundIpRanges: '10.0.0.0/8,169.254.169.254/32',
      excludeInboundPorts: '9090',
      readinessPeriod: Duration.seconds(5),
      startupProbeFailureThreshold: 0,
    }));
    expect(values.global).toMatchObject({
      hub: 'registry.example.com/istio',
      tag: '1.30.3-distroless',
      imagePullPolicy: 'IfNotPresent',
      imagePullSecrets: ['registry'],
      meshID: 'mesh1',
      network: 'network1',
      multiCluster: { clusterName: 'cluster1' },
      trustDomain: 'example.org',
    });
    expect(values.global.proxy).toMatchObject({
      holdApplicationUntilProxyStarts: true,
      excludeIPRanges: '10.0.0.0/8,169.254.169.254/32',
      excludeInboundPorts: '9090',
      readinessPeriodSeconds: 5,
      startupProbe: { enabled: false },
      resources: { requests: { cpu: '10m', memory: '40Mi' } },
    });
    expect(values.pilot.cni.enabled).toBe(true);
    expect(values.revision).toEqual('canary');
  });

  test('fails on quantities Kubernetes cannot parse', () => {
    expect(() => renderInjectionValues({ proxyResources: { requests: { memory: '128MB' } } }))
      .toThrow(/proxyResources\.requests\.memory "128MB" is invalid: must be a Kubernetes quantity/);
  });

  test('fails on bad ranges and ports', () => {
    expect(() => renderInjectionValues({ excludeOutboundIpRanges: '10.0.0.0/33' })).toThrow(/excludeOutboundIpRanges "10.0.0.0\/33" is invalid/);
    expect(() => renderInjectionValues({ excludeInboundPorts: '80,http' })).toThrow(/excludeInboundPorts "80,http" is invalid/);
    expect(() => renderInjectionValues({ readinessPeriod: Duration.millis(1500) })).toThrow(/readinessPeriod 1 second 500 millis is invalid: must be a whole number of seconds/);
  });

  test('fails on unknown templates and bad selectors', () => {
    expect(() => renderInjectionConfig({ defaultTemplates: ['sidecars'] })).toThrow(/defaultTemplates\[0\] "sidecars" is invalid: must be one of the templates "sidecar", "gateway"/);
    expect(() => renderInjectionConfig({ customTemplates: { sidecar: 'x' } })).toThrow(/customTemplates key "sidecar" is invalid: the library writes this template itself/);
    for (const name of ['grpc-agent', 'grpc-simple', 'waypoint']) {
      expect(() => renderInjectionConfig({ customTemplates: { [name]: 'x' } })).toThrow(new RegExp(`customTemplates key "${name}" is invalid: the library writes`));
    }
    expect(() => renderInjectionConfig({ customTemplates: { broken: '{{ if .A }' } })).toThrow(/customTemplates\["broken"\] "broken" is invalid: has unbalanced/);
    expect(() => renderInjectionConfig({ aliases: { mesh: ['nope'] } })).toThrow(/aliases\["mesh"\]\[0\] "nope" is invalid/);
    expect(() => renderInjectionConfig({ neverInjectSelector: [{}] })).toThrow(/neverInjectSelector\[0\] \{\} is invalid: an empty selector matches every pod/);
    expect(() => renderInjectionConfig({ alwaysInjectSelector: [{ matchExpressions: [{ key: 'a', operator: InjectionSelectorOperator.IN }] }] }))
      .toThrow(/alwaysInjectSelector\[0\]\.matchExpressions\[0\]\.values undefined is invalid: operator In needs at least one value/);
  });
});
