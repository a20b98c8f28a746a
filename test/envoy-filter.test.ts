import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { expectValidIstio } from './support/istio-validate';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { WorkloadSelector } from '../src/core/workload-selector';
import { DestinationRule } from '../src/networking/destination-rule';
import { EnvoyConfigPatchOptions, EnvoyFilter, EnvoyFilterApplyTo, FilterClass, PatchOperation } from '../src/networking/envoy-filter';
import { EnvoyFilterName, EnvoyObjectMatch, PatchContext, RouteActionMatch } from '../src/networking/envoy-filter-match';
import { Gateway } from '../src/networking/gateway';
import { PortProtocol } from '../src/networking/protocol';
import { ServiceEntry, ServiceEntryResolution } from '../src/networking/service-entry';
import { PolicyTargetReference } from '../src/security/policy-target-reference';

const SEED = 1630;
const LUA_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua';
const luaFilter = { name: 'envoy.lua', typed_config: { '@type': LUA_TYPE, 'defaultSourceCode': { inlineString: 'function envoy_on_request(h) end' } } };

function synthValid(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.filter(m => m.kind === 'EnvoyFilter');
}

describe('EnvoyFilter', () => {
  test('renders upstream\'s Lua sample: an HTTP filter inserted before the router of inbound listeners', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new EnvoyFilter(chart, 'Lua', {
      metadata: { name: 'reviews-lua', namespace: 'bookinfo' },
      workloadSelector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      configPatches: [{
        applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
        match: EnvoyObjectMatch.listener({
          context: PatchContext.SIDECAR_INBOUND,
          portNumber: 9080,
          filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: EnvoyFilterName.ROUTER } },
        }),
        operation: PatchOperation.INSERT_BEFORE,
        value: luaFilter,
      }],
    });

    // THEN
    expect(synthValid(chart)).toEqual([{
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'reviews-lua', namespace: 'bookinfo' },
      spec: {
        workloadSelector: { labels: { app: 'reviews' } },
        configPatches: [{
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'SIDECAR_INBOUND',
            listener: {
              portNumber: 9080,
              filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } },
            },
          },
          patch: { operation: 'INSERT_BEFORE', value: luaFilter },
        }],
      },
    }]);
  });

  test('renders every listener, filter chain, proxy and patch field', () => {
    const chart = Testing.chart();
    const filter = new EnvoyFilter(chart, 'Filter', { metadata: { name: 'all', namespace: 'istio-system' }, priority: -10 });
    filter.addPatch({
      applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
      match: EnvoyObjectMatch.listener({
        context: PatchContext.GATEWAY,
        proxy: { proxyVersion: '^1\\.30.*', metadata: { ISTIO_VERSION: '1.30.3' } },
        portNumber: 8443,
        portName: 'https',
        name: '0.0.0.0_8443',
        listenerFilter: EnvoyFilterName.TLS_INSPECTOR,
        filterChain: {
          name: 'chain',
          sni: 'bookinfo.example.com',
          transportProtocol: 'tls',
          applicationProtocols: 'h2,http/1.1',
          destinationPort: 8443,
          filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: EnvoyFilterName.ROUTER },
        },
      }),
      operation: PatchOperation.INSERT_FIRST,
      value: luaFilter,
      filterClass: FilterClass.AUTHZ,
    });
    expect(synthValid(chart)[0].spec).toEqual({
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'GATEWAY',
          proxy: { proxyVersion: '^1\\.30.*', metadata: { ISTIO_VERSION: '1.30.3' } },
          listener: {
            portNumber: 8443,
            portName: 'https',
            name: '0.0.0.0_8443',
            listenerFilter: 'envoy.filters.listener.tls_inspector',
            filterChain: {
              name: 'chain',
              sni: 'bookinfo.example.com',
              transportProtocol: 'tls',
              applicationProtocols: 'h2,http/1.1',
              destinationPort: 8443,
              filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } },
            },
          },
        },
        patch: { operation: 'INSERT_FIRST', value: luaFilter, filterClass: 'AUTHZ' },
      }],
      priority: -10,
    });
  });

  test('renders route configuration and virtual host matches, with a Gateway object', () => {
    const chart = Testing.chart();
    const gateway = Gateway.fromGatewayName('istio-system/ingressgateway');
    new EnvoyFilter(chart, 'Routes', {
      metadata: { name: 'routes', namespace: 'istio-system' },
      workloadSelector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
      configPatches: [{
        applyTo: EnvoyFilterApplyTo.HTTP_ROUTE,
        match: EnvoyObjectMatch.routeConfiguration({
          context: PatchContext.GATEWAY,
          portNumber: 443,
          portName: 'https',
          gateway,
          name: 'https.443.https.ingressgateway.istio-system',
          vhost: { name: 'bookinfo.example.com:443', domainName: 'bookinfo.example.com', route: { name: 'default', action: RouteActionMatch.ROUTE } },
        }),
        operation: PatchOperation.MERGE,
        value: { route: { idle_timeout: '15s' } },
      }, {
        applyTo: EnvoyFilterApplyTo.VIRTUAL_HOST,
        match: EnvoyObjectMatch.routeConfiguration({ context: PatchContext.SIDECAR_OUTBOUND, gateway: Gateway.fromGatewayName('bookinfo-gateway') }),
        operation: PatchOperation.MERGE,
        value: { include_request_attempt_count: true },
      }],
    });
    const patches = synthValid(chart)[0].spec.configPatches;
    expect(patches[0].match.routeConfiguration).toEqual({
      portNumber: 443,
      portName: 'https',
      gateway: 'istio-system/ingressgateway',
      name: 'https.443.https.ingressgateway.istio-system',
      vhost: { name: 'bookinfo.example.com:443', domainName: 'bookinfo.example.com', route: { name: 'default', action: 'ROUTE' } },
    });
    expect(patches[1].match.routeConfiguration).toEqual({ gateway: 'istio-system/bookinfo-gateway' });
  });

  test('renders cluster matches from a Service, a ServiceEntry and a subset object', () => {
    const chart = Testing.chart();
    const reviews = new kplus.Service(chart, 'Reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    const googleapis = new ServiceEntry(chart, 'Google', {
      metadata: { name: 'googleapis', namespace: 'bookinfo' },
      hosts: ['www.googleapis.com', 'storage.googleapis.com'],
      ports: [{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }],
      resolution: ServiceEntryResolution.DNS,
    });
    const rule = new DestinationRule(chart, 'ReviewsRule', { metadata: { name: 'reviews', namespace: 'bookinfo' }, host: 'reviews' });
    const v2 = rule.addSubset('v2', { labels: { version: 'v2' } });
    const filter = new EnvoyFilter(chart, 'Clusters', { metadata: { name: 'clusters', namespace: 'bookinfo' } });
    const merge = { operation: PatchOperation.MERGE, value: { connect_timeout: '2s' }, applyTo: EnvoyFilterApplyTo.CLUSTER };
    filter.addPatch({ ...merge, match: EnvoyObjectMatch.clusterForService(reviews, { context: PatchContext.SIDECAR_OUTBOUND, portNumber: 9080 }) });
    filter.addPatch({ ...merge, match: EnvoyObjectMatch.clusterForServiceEntry(googleapis, { host: 'storage.googleapis.com' }) });
    filter.addPatch({ ...merge, match: EnvoyObjectMatch.clusterForSubset(v2) });
    filter.addPatch({ ...merge, match: EnvoyObjectMatch.cluster({ name: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local', service: 'reviews.bookinfo.svc.cluster.local', subset: 'v1', portNumber: 9080 }) });
    filter.addPatch({
      applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.REMOVE, match: EnvoyObjectMatch.clusterForServiceEntry(googleapis),
    });
    const patches = synthValid(chart)[0].spec.configPatches;
    expect(patches.map((p: any) => p.match)).toEqual([
      { context: 'SIDECAR_OUTBOUND', cluster: { portNumber: 9080, service: 'reviews.bookinfo.svc.cluster.local' } },
      { cluster: { service: 'storage.googleapis.com' } },
      { cluster: { service: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' } },
      { cluster: { name: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local', service: 'reviews.bookinfo.svc.cluster.local', subset: 'v1', portNumber: 9080 } },
      { cluster: { service: 'www.googleapis.com' } },
    ]);
    expect(patches[4].patch).toEqual({ operation: 'REMOVE' });
  });

  test('renders a local rate limit, a waypoint match, targetRefs and the other applyTo kinds', () => {
    const chart = Testing.chart();
    const filter = new EnvoyFilter(chart, 'RateLimit', {
      metadata: { name: 'ratelimit', namespace: 'bookinfo' },
      targetRefs: [PolicyTargetReference.fromGateway('bookinfo-gateway')],
    });
    filter.addTargetRef(PolicyTargetReference.fromServiceName('productpage'));
    filter.addPatch({
      applyTo: EnvoyFilterApplyTo.HTTP_FILTER,
      match: EnvoyObjectMatch.waypoint({ portNumber: 9080, filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: EnvoyFilterName.ROUTER }, routeName: 'default', proxy: { proxyVersion: '^1\\.30' } }),
      operation: PatchOperation.INSERT_BEFORE,
      value: {
        name: EnvoyFilterName.LOCAL_RATE_LIMIT,
        typed_config: {
          '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
          'type_url': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
          'value': { stat_prefix: 'http_local_rate_limiter', token_bucket: { max_tokens: 10, tokens_per_fill: 10, fill_interval: '60s' } },
        },
      },
    });
    for (const applyTo of [EnvoyFilterApplyTo.LISTENER, EnvoyFilterApplyTo.FILTER_CHAIN, EnvoyFilterApplyTo.NETWORK_FILTER,
      EnvoyFilterApplyTo.ROUTE_CONFIGURATION, EnvoyFilterApplyTo.EXTENSION_CONFIG, EnvoyFilterApplyTo.BOOTSTRAP,
      EnvoyFilterApplyTo.LISTENER_FILTER]) {
      filter.addPatch({ applyTo, match: EnvoyObjectMatch.any({ context: PatchContext.ANY }), operation: PatchOperation.MERGE, value: {} });
    }
    const spec = synthValid(chart)[0].spec;
    expect(spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' },
      { group: '', kind: 'Service', name: 'productpage' },
    ]);
    expect(spec.configPatches[0].match).toEqual({
      context: 'WAYPOINT',
      proxy: { proxyVersion: '^1\\.30' },
      waypoint: { portNumber: 9080, filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } }, route: { name: 'default' } },
    });
    expect(spec.configPatches.slice(1).map((p: any) => p.applyTo)).toEqual(
      ['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'ROUTE_CONFIGURATION', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER']);
  });

  test('copies the patch value, so later changes to the object do not leak', () => {
    const chart = Testing.chart();
    const value: any = { name: 'x' };
    new EnvoyFilter(chart, 'F', { configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.MERGE, value }] });
    value.name = 'y';
    expect(synthValid(chart)[0].spec.configPatches[0].patch.value).toEqual({ name: 'x' });
  });

  const listenerMatch = EnvoyObjectMatch.listener({ filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER } } });
  test.each<[string, Partial<EnvoyConfigPatchOptions>, RegExp]>([
    ['missing applyTo', { applyTo: undefined }, /configPatches\[0\].applyTo undefined is invalid: is required/],
    ['unknown applyTo', { applyTo: 'INVALID' as any }, /configPatches\[0\].applyTo "INVALID" is invalid: must be one of/],
    ['missing operation', { operation: undefined }, /configPatches\[0\].patch.operation undefined is invalid: is required/],
    ['missing value', { value: undefined }, /configPatches\[0\].patch.value undefined is invalid: is required for the MERGE operation/],
    ['array value', { value: [] as any }, /patch.value "an array" is invalid: must be a JSON object/],
    ['non-JSON value', { value: { n: NaN } }, /patch.value.n "NaN" is invalid: JSON numbers must be finite/],
    ['v2 type', { value: { typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.http.lua.v2.Lua' } } }, /patch.value.typed_config.@type .* is invalid: names an Envoy v2 type/],
    ['cluster match with listener applyTo', { applyTo: EnvoyFilterApplyTo.HTTP_FILTER, match: EnvoyObjectMatch.cluster() }, /configPatches\[0\].match "cluster" is invalid: applyTo HTTP_FILTER needs a listener match/],
    ['listener match with route applyTo', { applyTo: EnvoyFilterApplyTo.HTTP_ROUTE, match: listenerMatch }, /match "listener" is invalid: applyTo HTTP_ROUTE needs a route configuration match/],
    ['route match with cluster applyTo', { applyTo: EnvoyFilterApplyTo.CLUSTER, match: EnvoyObjectMatch.routeConfiguration() }, /match "routeConfiguration" is invalid: applyTo CLUSTER needs a cluster match/],
    ['filter without name', { applyTo: EnvoyFilterApplyTo.NETWORK_FILTER, match: EnvoyObjectMatch.listener({ filterChain: { filter: { name: '' } } }) }, /match.listener.filterChain.filter.name "" is invalid: is required/],
    ['subFilter outside HTTP_FILTER', { applyTo: EnvoyFilterApplyTo.NETWORK_FILTER, match: EnvoyObjectMatch.listener({ filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: 'x' } } }) }, /filter.subFilter "x" is invalid: a subFilter match only works with applyTo HTTP_FILTER/],
    ['subFilter outside the connection manager', { applyTo: EnvoyFilterApplyTo.HTTP_FILTER, match: EnvoyObjectMatch.listener({ filterChain: { filter: { name: EnvoyFilterName.TCP_PROXY, subFilter: 'x' } } }) }, /filterChain.filter.name "envoy.filters.network.tcp_proxy" is invalid: a subFilter match needs the filter "envoy.filters.network.http_connection_manager"/],
    ['empty subFilter', { applyTo: EnvoyFilterApplyTo.HTTP_FILTER, match: EnvoyObjectMatch.listener({ filterChain: { filter: { name: EnvoyFilterName.HTTP_CONNECTION_MANAGER, subFilter: '' } } }) }, /subFilter.name "" is invalid/],
    ['proxy version regex', { match: EnvoyObjectMatch.any({ proxy: { proxyVersion: '^1.(30' } }) }, /match.proxy.proxyVersion "\^1.\(30" is invalid: must be a valid RE2 regular expression/],
    ['WAYPOINT context outside a waypoint match', { match: EnvoyObjectMatch.cluster({ context: PatchContext.WAYPOINT }) }, /match.context "WAYPOINT" is invalid: the WAYPOINT context needs a waypoint match/],
    ['waypoint port', { match: EnvoyObjectMatch.waypoint({ portNumber: 70000 }) }, /match.waypoint.portNumber 70000 is invalid/],
    ['cluster port', { match: EnvoyObjectMatch.cluster({ portNumber: -1 }) }, /match.cluster.portNumber -1 is invalid: must be an integer from 0 to 4294967295/],
    ['route action', { applyTo: EnvoyFilterApplyTo.HTTP_ROUTE, match: EnvoyObjectMatch.routeConfiguration({ vhost: { route: { action: 'FORWARD' as any } } }) }, /vhost.route.action "FORWARD" is invalid: must be one of ANY, ROUTE, REDIRECT, DIRECT_RESPONSE/],
    ['filter class', { filterClass: 'EARLY' as any }, /patch.filterClass "EARLY" is invalid: must be one of AUTHN, AUTHZ, STATS/],
  ])('fails on %s', (_name, override, message) => {
    const chart = Testing.chart();
    const patch = { applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.MERGE, value: { a: 1 }, ...override } as EnvoyConfigPatchOptions;
    expect(() => new EnvoyFilter(chart, 'F', { configPatches: [patch] })).toThrow(message);
  });

  test('accepts a filter match without name where Istio does not check it (applyTo LISTENER_FILTER)', () => {
    const chart = Testing.chart();
    new EnvoyFilter(chart, 'F', { configPatches: [{ applyTo: EnvoyFilterApplyTo.LISTENER_FILTER, operation: PatchOperation.REMOVE, match: EnvoyObjectMatch.listener({ listenerFilter: EnvoyFilterName.TLS_INSPECTOR }) }] });
    expect(synthValid(chart)[0].spec.configPatches[0].match).toEqual({ listener: { listenerFilter: 'envoy.filters.listener.tls_inspector' } });
  });

  test('fails on a ServiceEntry host the entry does not have', () => {
    const chart = Testing.chart();
    const entry = new ServiceEntry(chart, 'E', { hosts: ['a.example.com'], resolution: ServiceEntryResolution.DNS, ports: [{ number: 443, name: 'https', protocol: PortProtocol.HTTPS }] });
    expect(() => new EnvoyFilter(chart, 'F', { configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.REMOVE, match: EnvoyObjectMatch.clusterForServiceEntry(entry, { host: 'b.example.com' }) }] }))
      .toThrow(/match.cluster.service "b.example.com" is invalid: is not a host of test\/E/);
  });

  test('fails on a cluster match for a Service whose namespace is unknown', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'S', { ports: [{ port: 80 }] });
    expect(() => new EnvoyFilter(chart, 'F', { configPatches: [{ applyTo: EnvoyFilterApplyTo.CLUSTER, operation: PatchOperation.REMOVE, match: EnvoyObjectMatch.clusterForService(svc) }] }))
      .toThrow(/match.cluster.service .* is invalid: cluster matches need the fully qualified service name/);
  });

  test('fails with both a workloadSelector and targetRefs', () => {
    const chart = Testing.chart();
    expect(() => new EnvoyFilter(chart, 'F', { workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), targetRefs: [PolicyTargetReference.fromGateway('gw')] }))
      .toThrow(/targetRefs\[0\] "Gateway\/gw" is invalid: a policy takes either a selector or targetRefs/);
  });

  test('fails on a non-int32 priority', () => {
    expect(() => new EnvoyFilter(Testing.chart(), 'F', { priority: 1.5 })).toThrow(/priority 1.5 is invalid: must be a 32-bit integer/);
  });
});

describe('EnvoyFilter properties', () => {
  const applyTos = Object.values(EnvoyFilterApplyTo);
  const operations = Object.values(PatchOperation);
  const name = fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/);
  const uint = fc.integer({ min: 0, max: 4294967295 });
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const matchArb = fc.oneof(
    fc.constant(undefined),
    fc.record({ context: fc.constantFrom(PatchContext.ANY, PatchContext.GATEWAY, PatchContext.SIDECAR_INBOUND, PatchContext.SIDECAR_OUTBOUND) })
      .map(o => EnvoyObjectMatch.any(o)),
    fc.record({ portNumber: opt(uint), name: opt(name), filter: opt(name) })
      .map(o => EnvoyObjectMatch.listener({
        portNumber: o.portNumber, name: o.name, filterChain: o.filter ? { filter: { name: o.filter } } : undefined,
      })),
    fc.record({ portNumber: opt(uint), name: opt(name) }).map(o => EnvoyObjectMatch.routeConfiguration(o)),
    fc.record({ portNumber: opt(uint), service: opt(name), subset: opt(name) }).map(o => EnvoyObjectMatch.cluster(o)),
    fc.record({ portNumber: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }) }).map(o => EnvoyObjectMatch.waypoint(o)),
  );
  const patchArb = fc.record({
    applyTo: fc.constantFrom(...applyTos),
    operation: fc.constantFrom(...operations),
    match: matchArb,
    value: fc.option(fc.dictionary(name, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), { nil: undefined }),
    filterClass: fc.option(fc.constantFrom(...Object.values(FilterClass)), { nil: undefined }),
  });

  test('every patch is either accepted, and then valid for the API server, or rejected with the field named', () => {
    const chart = Testing.chart();
    // what the webhook accepts but istioctl analyze flags (IST0151-IST0155) is the analysis's
    // business, tested there: this property is about validation
    MeshAnalysis.disable(chart);
    let accepted = 0;
    let rejected = 0;
    fc.assert(fc.property(fc.array(patchArb, { minLength: 1, maxLength: 3 }), opt(fc.integer({ min: -1000, max: 1000 })), (patches, priority) => {
      const id = `F${accepted + rejected}`;
      try {
        new EnvoyFilter(chart, id, { configPatches: patches as EnvoyConfigPatchOptions[], priority, metadata: { name: id.toLowerCase(), namespace: 'bookinfo' } });
        accepted++;
      } catch (e) {
        rejected++;
        expect(e).not.toBeInstanceOf(TypeError);
        expect((e as Error).message).toMatch(/^test\/F\d+: configPatches\[\d\]\.[a-zA-Z.[\]]+ .* is invalid: /);
        // A rejected construct leaves a half-built child; remove it from the chart.
        chart.node.tryRemoveChild(id);
      }
    }), { seed: SEED, numRuns: 150 });
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
    expectValidIstio(Testing.synth(chart));
  });

  test('fails on every patch without a value, unless the operation is REMOVE', () => {
    const nonRemove = fc.constantFrom(...operations.filter(o => o !== PatchOperation.REMOVE));
    fc.assert(fc.property(fc.constantFrom(...applyTos), nonRemove, (applyTo, operation) => {
      expect(() => new EnvoyFilter(Testing.chart(), 'F', { configPatches: [{ applyTo, operation }] }))
        .toThrow(new RegExp(`configPatches\\[0\\].patch.value undefined is invalid: is required for the ${operation} operation`));
    }), { seed: SEED, numRuns: 30 });
  });
});

describe('EnvoyFilter with a Gateway object', () => {
  test('qualifies a Gateway of this app with its namespace', () => {
    const chart = Testing.chart();
    const gw = Gateway.fromGatewayName('bookinfo-gateway');
    new EnvoyFilter(chart, 'F', {
      metadata: { namespace: 'bookinfo', name: 'f' },
      configPatches: [{
        applyTo: EnvoyFilterApplyTo.VIRTUAL_HOST,
        operation: PatchOperation.MERGE,
        value: {},
        match: EnvoyObjectMatch.routeConfiguration({ gateway: gw }),
      }],
    });
    expect(synthValid(chart)[0].spec.configPatches[0].match.routeConfiguration.gateway).toBe('bookinfo/bookinfo-gateway');
  });
});
