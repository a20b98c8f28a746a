import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { ExtensionFilter, TrafficExtension } from '../src/extensions/traffic-extension';
import {
  ExtensionPhase, WasmEnvSource, WasmFailStrategy, WasmImagePullPolicy, WasmModuleOptions, WasmPluginType,
} from '../src/extensions/wasm-module';
import { WasmPlugin, WasmPluginProps } from '../src/extensions/wasm-plugin';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { WorkloadMode } from '../src/telemetry/workload-mode';

const SEED = 1630;
const SHA = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

function synthValid(chart: Chart, kind: string): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.filter(m => m.kind === kind);
}

describe('WasmPlugin', () => {
  test('renders every field', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const plugin = new WasmPlugin(chart, 'BasicAuth', {
      metadata: { name: 'basic-auth', namespace: 'istio-system' },
      selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
      url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
      sha256: SHA,
      imagePullPolicy: WasmImagePullPolicy.ALWAYS,
      imagePullSecret: 'registry-credentials',
      pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test'] }] },
      pluginName: 'basic_auth',
      phase: ExtensionPhase.AUTHN,
      priority: 10,
      failStrategy: WasmFailStrategy.FAIL_OPEN,
      type: WasmPluginType.HTTP,
      verificationKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----',
      env: [{ name: 'POD_NAME', valueFrom: WasmEnvSource.HOST }, { name: 'MODE', value: 'strict' }],
      match: [{ mode: WorkloadMode.SERVER, ports: [8080] }],
    });
    plugin.addMatch({ mode: WorkloadMode.CLIENT });

    // THEN
    expect(synthValid(chart, 'WasmPlugin')).toEqual([{
      apiVersion: 'extensions.istio.io/v1alpha1',
      kind: 'WasmPlugin',
      metadata: { name: 'basic-auth', namespace: 'istio-system' },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        match: [{ mode: 'SERVER', ports: [{ number: 8080 }] }, { mode: 'CLIENT' }],
        phase: 'AUTHN',
        priority: 10,
        url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
        sha256: SHA,
        imagePullPolicy: 'Always',
        imagePullSecret: 'registry-credentials',
        pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test'] }] },
        pluginName: 'basic_auth',
        failStrategy: 'FAIL_OPEN',
        type: 'HTTP',
        verificationKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----',
        vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST' }, { name: 'MODE', value: 'strict' }] },
      },
    }]);
  });

  test('attaches to a Gateway API gateway with targetRefs (upstream sample)', () => {
    const chart = Testing.chart();
    const plugin = new WasmPlugin(chart, 'Plugin', {
      metadata: { name: 'openid-connect', namespace: 'bookinfo' },
      url: 'file:///opt/filters/openid.wasm',
      targetRefs: [PolicyTargetReference.fromGateway('bookinfo-gateway')],
      phase: ExtensionPhase.AUTHN,
      type: WasmPluginType.NETWORK,
    });
    plugin.addTargetRef(PolicyTargetReference.fromServiceName('productpage'));
    expect(synthValid(chart, 'WasmPlugin')[0].spec).toEqual({
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' },
        { group: '', kind: 'Service', name: 'productpage' },
      ],
      phase: 'AUTHN',
      url: 'file:///opt/filters/openid.wasm',
      type: 'NETWORK',
    });
  });

  test('renders the deprecated single targetRef', () => {
    const chart = Testing.chart();
    new WasmPlugin(chart, 'Plugin', { metadata: { namespace: 'bookinfo' }, url: 'oci://ghcr.io/acme/f:1', targetRef: PolicyTargetReference.fromGateway('bookinfo-gateway') });
    expect(synthValid(chart, 'WasmPlugin')[0].spec).toEqual({
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' },
      url: 'oci://ghcr.io/acme/f:1',
    });
  });

  test('fails on targetRef with targetRefs or a selector', () => {
    const gw = PolicyTargetReference.fromGateway('gw');
    expect(() => new WasmPlugin(Testing.chart(), 'P', { url: 'oci://x/y', targetRef: gw, targetRefs: [gw] }))
      .toThrow(/P: targetRef "Gateway\/gw" is invalid: a WasmPlugin takes only one of selector, targetRef and targetRefs/);
    expect(() => new WasmPlugin(Testing.chart(), 'P', { url: 'oci://x/y', targetRef: gw, selector: WorkloadSelector.fromLabels({ app: 'a' }) }))
      .toThrow(/targetRef "Gateway\/gw" is invalid/);
    const plugin = new WasmPlugin(Testing.chart(), 'P', { url: 'oci://x/y', targetRef: gw });
    expect(() => plugin.addTargetRef(gw)).toThrow(/targetRefs "Gateway\/gw" is invalid: a WasmPlugin takes only one of/);
  });

  test('copies pluginConfig, so later changes to the object do not leak', () => {
    const chart = Testing.chart();
    const config: any = { rules: ['a'] };
    new WasmPlugin(chart, 'Plugin', { url: 'ghcr.io/acme/filter:1.0', pluginConfig: config });
    config.rules.push('b');
    expect(synthValid(chart, 'WasmPlugin')[0].spec.pluginConfig).toEqual({ rules: ['a'] });
  });

  test.each([
    ['url', { url: 'docker://ghcr.io/acme/f:1' }, /url "docker:\/\/ghcr.io\/acme\/f:1" is invalid: has the unsupported scheme "docker"/],
    ['url', { url: 'localhost:5000/acme/f:1' }, /url .* is invalid: has the unsupported scheme "localhost"/],
    ['url', { url: '' }, /url "" is invalid: is required/],
    ['sha256', { sha256: 'ABC' }, /sha256 "ABC" is invalid: must be 64 lowercase hexadecimal digits/],
    ['imagePullSecret', { imagePullSecret: 'x'.repeat(254) }, /imagePullSecret .* is invalid: must be a Secret name of 1 to 253 characters/],
    ['pluginName', { pluginName: '' }, /pluginName "" is invalid: must be 1 to 256 characters/],
    ['env value with HOST', { env: [{ name: 'A', value: 'x', valueFrom: WasmEnvSource.HOST }] }, /vmConfig.env\[0\].value "x" is invalid: may only be set when valueFrom is INLINE/],
    ['env duplicate', { env: [{ name: 'A' }, { name: 'A' }] }, /vmConfig.env "A" is invalid: must be unique/],
    ['match port', { match: [{ ports: [0] }] }, /match\[0\].ports\[0\] 0 is invalid: must be an integer port number from 1 to 65535/],
    ['priority', { priority: 2 ** 31 }, /priority 2147483648 is invalid: must be a 32-bit integer/],
    ['pluginConfig', { pluginConfig: { f: () => 1 } as any }, /pluginConfig.f "a function" is invalid: must be JSON/],
    ['phase', { phase: 'EARLY' as any }, /phase "EARLY" is invalid: must be one of AUTHN, AUTHZ, STATS/],
    ['selector and targetRefs', { selector: WorkloadSelector.fromLabels({ app: 'a' }), targetRefs: [PolicyTargetReference.fromGateway('gw')] }, /targetRefs\[0\] .* is invalid: a policy takes either a selector or targetRefs/],
  ])('fails on an invalid %s', (_name, override, message) => {
    const chart = Testing.chart();
    expect(() => new WasmPlugin(chart, 'Plugin', { url: 'oci://ghcr.io/acme/f:1', ...override } as WasmPluginProps)).toThrow(message);
  });

  test('fails with the construct path in the message', () => {
    const chart = Testing.chart();
    expect(() => new WasmPlugin(chart, 'Plugin', { url: 'ftp://x/y' })).toThrow(/^test\/Plugin: url "ftp:\/\/x\/y" is invalid/);
  });
});

describe('TrafficExtension', () => {
  test('renders a Lua filter with every placement field', () => {
    const chart = Testing.chart();
    const ext = new TrafficExtension(chart, 'Lua', {
      metadata: { name: 'add-header', namespace: 'bookinfo' },
      selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
      filter: ExtensionFilter.lua('function envoy_on_response(h) h:headers():add("x-powered-by", "lua") end'),
      phase: ExtensionPhase.STATS,
      priority: -5,
      match: [{ mode: WorkloadMode.CLIENT_AND_SERVER, ports: [9080, 9443] }],
    });
    expect(ext.filter).toBeDefined();
    expect(synthValid(chart, 'TrafficExtension')).toEqual([{
      apiVersion: 'extensions.istio.io/v1alpha1',
      kind: 'TrafficExtension',
      metadata: { name: 'add-header', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'productpage' } },
        match: [{ mode: 'CLIENT_AND_SERVER', ports: [{ number: 9080 }, { number: 9443 }] }],
        phase: 'STATS',
        priority: -5,
        lua: { inlineCode: 'function envoy_on_response(h) h:headers():add("x-powered-by", "lua") end' },
      },
    }]);
  });

  test('renders a Wasm filter with every module field, attached by targetRefs', () => {
    const chart = Testing.chart();
    const ext = new TrafficExtension(chart, 'Wasm', {
      metadata: { name: 'auth', namespace: 'bookinfo' },
      filter: ExtensionFilter.wasm({
        url: 'https://storage.example.com/filters/auth.wasm',
        sha256: SHA,
        imagePullPolicy: WasmImagePullPolicy.IF_NOT_PRESENT,
        imagePullSecret: 'pull',
        pluginConfig: { audience: 'bookinfo' },
        pluginName: 'auth',
        failStrategy: WasmFailStrategy.FAIL_RELOAD,
        type: WasmPluginType.HTTP,
        verificationKey: 'key',
        env: [{ name: 'TOKEN', value: 'x', valueFrom: WasmEnvSource.INLINE }],
      }),
      phase: ExtensionPhase.AUTHZ,
    });
    ext.addTargetRef(PolicyTargetReference.fromServiceEntryName('external-auth'));
    ext.addMatch({ ports: [80] });
    expect(synthValid(chart, 'TrafficExtension')[0].spec).toEqual({
      targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'external-auth' }],
      match: [{ ports: [{ number: 80 }] }],
      phase: 'AUTHZ',
      wasm: {
        url: 'https://storage.example.com/filters/auth.wasm',
        sha256: SHA,
        imagePullPolicy: 'IfNotPresent',
        imagePullSecret: 'pull',
        pluginConfig: { audience: 'bookinfo' },
        pluginName: 'auth',
        failStrategy: 'FAIL_RELOAD',
        type: 'HTTP',
        verificationKey: 'key',
        vmConfig: { env: [{ name: 'TOKEN', value: 'x', valueFrom: 'INLINE' }] },
      },
    });
  });

  test.each([
    ['empty Lua code', ExtensionFilter.lua(''), /lua.inlineCode "" is invalid: must be 1 to 65536 characters/],
    ['too long Lua code', ExtensionFilter.lua('x'.repeat(65537)), /lua.inlineCode "x{77}..." is invalid/],
    ['Wasm url', ExtensionFilter.wasm({ url: 'gs://bucket/f.wasm' }), /wasm.url "gs:\/\/bucket\/f.wasm" is invalid: has the unsupported scheme "gs"/],
    ['Wasm sha256', ExtensionFilter.wasm({ url: 'oci://x/y', sha256: '0' }), /wasm.sha256 "0" is invalid/],
  ])('fails on %s', (_name, filter, message) => {
    const chart = Testing.chart();
    expect(() => new TrafficExtension(chart, 'Ext', { filter })).toThrow(message);
  });

  test('fails without a filter', () => {
    const chart = Testing.chart();
    expect(() => new TrafficExtension(chart, 'Ext', {} as any)).toThrow(/filter undefined is invalid: is required/);
  });
});

// ---------------------------------------------------------------------------------------
// Property-based tests: valid inputs synthesize into objects the independent validators
// accept; each kind of invalid input throws an error naming the field.
// ---------------------------------------------------------------------------------------

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const label = fc.array(lower, { minLength: 1, maxLength: 10 }).map(cs => `a${cs.join('')}`);
const validUrl = fc.oneof(
  fc.tuple(label, label).map(([a, b]) => `oci://ghcr.io/${a}/${b}:1.0`),
  fc.tuple(label, label).map(([a, b]) => `${a}.example.com/${b}:latest`),
  fc.tuple(label, label).map(([a, b]) => `https://${a}.example.com/${b}.wasm`),
  label.map(a => `file:///opt/${a}.wasm`),
);
const port = fc.integer({ min: 1, max: 65535 });
const moduleArb: fc.Arbitrary<WasmModuleOptions> = fc.record({
  url: validUrl,
  sha256: fc.option(fc.array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 }).map(a => a.join('')), { nil: undefined }),
  imagePullPolicy: fc.option(fc.constantFrom(...Object.values(WasmImagePullPolicy)), { nil: undefined }),
  imagePullSecret: fc.option(label, { nil: undefined }),
  pluginName: fc.option(fc.string({ minLength: 1, maxLength: 256 }), { nil: undefined }),
  failStrategy: fc.option(fc.constantFrom(...Object.values(WasmFailStrategy)), { nil: undefined }),
  type: fc.option(fc.constantFrom(...Object.values(WasmPluginType)), { nil: undefined }),
  pluginConfig: fc.option(fc.dictionary(label, fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
  env: fc.option(fc.uniqueArray(fc.record({
    name: fc.string({ minLength: 1, maxLength: 30 }),
    value: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  }), { selector: e => e.name, maxLength: 4 }), { nil: undefined }),
}) as fc.Arbitrary<WasmModuleOptions>;
const placementArb = fc.record({
  phase: fc.option(fc.constantFrom(...Object.values(ExtensionPhase)), { nil: undefined }),
  priority: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: undefined }),
  match: fc.option(fc.array(fc.record({
    mode: fc.option(fc.constantFrom(...Object.values(WorkloadMode)), { nil: undefined }),
    ports: fc.option(fc.array(port, { maxLength: 3 }), { nil: undefined }),
  }), { maxLength: 2 }), { nil: undefined }),
});

describe('WasmPlugin and TrafficExtension properties', () => {
  test('valid modules and placements always synthesize into valid objects', () => {
    const chart = Testing.chart();
    let n = 0;
    fc.assert(fc.property(moduleArb, placementArb, fc.boolean(), (module, placement, lua) => {
      n++;
      new WasmPlugin(chart, `Plugin${n}`, { ...module, ...placement });
      new TrafficExtension(chart, `Ext${n}`, { ...placement, filter: lua ? ExtensionFilter.lua(module.url) : ExtensionFilter.wasm(module) });
    }), { seed: SEED, numRuns: 60 });
    const manifests = Testing.synth(chart);
    expect(manifests).toHaveLength(2 * n);
    expectValidIstio(manifests);
  });

  const mutations: Array<[string, fc.Arbitrary<Partial<WasmPluginProps>>, RegExp]> = [
    ['url', fc.constantFrom('ftp://a/b', 'gs://b/c', 'localhost:5000/x', 'a b', ':x').map(url => ({ url })), /: url .* is invalid/],
    ['sha256', fc.string({ minLength: 1, maxLength: 70 }).filter(s => !/^[a-f0-9]{64}$/.test(s)).map(sha256 => ({ sha256 })), /: sha256 .* is invalid/],
    ['match port', fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 100, noInteger: true })).map(p => ({ match: [{ ports: [p] }] })), /: match\[0\].ports\[0\] .* is invalid/],
    ['priority', fc.oneof(fc.integer({ min: 2 ** 31, max: 2 ** 40 }), fc.double({ min: 0.1, max: 10, noInteger: true })).map(priority => ({ priority })), /: priority .* is invalid/],
    ['env', fc.string({ minLength: 1, maxLength: 20 }).map(name => ({ env: [{ name }, { name }] })), /: vmConfig.env .* is invalid: must be unique/],
    ['pluginName', fc.string({ minLength: 257, maxLength: 300 }).map(pluginName => ({ pluginName })), /: pluginName .* is invalid/],
  ];
  test.each(mutations)('fails on every invalid %s', (_field, arb, message) => {
    fc.assert(fc.property(moduleArb, arb, (module, mutation) => {
      const chart = Testing.chart();
      expect(() => new WasmPlugin(chart, 'Plugin', { ...module, ...mutation })).toThrow(message);
    }), { seed: SEED, numRuns: 40 });
  });
});
