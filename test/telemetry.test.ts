import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { IstioMetric, TagOverride } from '../src/telemetry/metrics';
import { Telemetry } from '../src/telemetry/telemetry';
import { CustomTag } from '../src/telemetry/tracing';
import { WorkloadMode } from '../src/telemetry/workload-mode';

describe('Telemetry', () => {
  test('renders tracing, access logging and metrics with every field', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const telemetry = new Telemetry(chart, 'MeshDefault', {
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      tracing: [{
        providers: ['zipkin'],
        randomSamplingPercentage: 12.5,
        customTags: {
          cluster: CustomTag.literal('east'),
          pod: CustomTag.environment('POD_NAME', 'unknown'),
          user: CustomTag.header('x-user-id', 'anonymous'),
          authority: CustomTag.formatter('%REQ(:AUTHORITY)%'),
        },
        disableSpanReporting: false,
        disableContextPropagation: false,
        useRequestIdForTraceSampling: true,
        enableIstioTags: true,
        match: WorkloadMode.CLIENT_AND_SERVER,
      }],
    });
    telemetry.addAccessLogging({ providers: ['envoy', 'otel'], filter: 'response.code >= 400 || request.headers["x-debug"] == "1"', match: WorkloadMode.SERVER });
    telemetry.addAccessLogging({ disabled: true, match: WorkloadMode.CLIENT });
    telemetry.addMetrics({
      providers: ['prometheus'],
      reportingInterval: Duration.seconds(30),
      overrides: [
        { metric: IstioMetric.REQUEST_COUNT, mode: WorkloadMode.CLIENT, tagOverrides: { request_host: TagOverride.upsert('request.host'), destination_canonical_service: TagOverride.remove() } },
        { customMetric: 'my_requests', disabled: true },
        { disabled: true },
      ],
    });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests[0].apiVersion).toBe('telemetry.istio.io/v1');
    expect(manifests[0].spec).toEqual({
      tracing: [{
        providers: [{ name: 'zipkin' }],
        randomSamplingPercentage: 12.5,
        customTags: {
          authority: { formatter: { value: '%REQ(:AUTHORITY)%' } },
          cluster: { literal: { value: 'east' } },
          pod: { environment: { name: 'POD_NAME', defaultValue: 'unknown' } },
          user: { header: { name: 'x-user-id', defaultValue: 'anonymous' } },
        },
        disableSpanReporting: false,
        disableContextPropagation: false,
        useRequestIdForTraceSampling: true,
        enableIstioTags: true,
        match: { mode: 'CLIENT_AND_SERVER' },
      }],
      accessLogging: [
        { providers: [{ name: 'envoy' }, { name: 'otel' }], filter: { expression: 'response.code >= 400 || request.headers["x-debug"] == "1"' }, match: { mode: 'SERVER' } },
        { disabled: true, match: { mode: 'CLIENT' } },
      ],
      metrics: [{
        providers: [{ name: 'prometheus' }],
        overrides: [
          {
            match: { metric: 'REQUEST_COUNT', mode: 'CLIENT' },
            tagOverrides: { destination_canonical_service: { operation: 'REMOVE' }, request_host: { operation: 'UPSERT', value: 'request.host' } },
          },
          { match: { customMetric: 'my_requests' }, disabled: true },
          { disabled: true },
        ],
        reportingInterval: '30s',
      }],
    });
    expectValidIstio(manifests);
  });

  test('selects a workload', () => {
    const chart = Testing.chart();
    const reviews = new kplus.Deployment(chart, 'Reviews', { containers: [{ image: 'reviews', portNumber: 9080 }] });
    new Telemetry(chart, 'Sampling', {
      selector: WorkloadSelector.fromWorkload(reviews),
      tracing: [{ randomSamplingPercentage: 100 }],
    });
    const manifests = Testing.synth(chart);
    expect(manifests.find(m => m.kind === 'Telemetry').spec).toEqual({
      selector: { matchLabels: reviews.matchLabels },
      tracing: [{ randomSamplingPercentage: 100 }],
    });
    expectValidIstio(manifests);
  });

  test('attaches to a Gateway through targetRefs', () => {
    const chart = Testing.chart();
    const telemetry = new Telemetry(chart, 'GwLogs', { accessLogging: [{ providers: ['envoy'] }] });
    telemetry.addTargetRef(PolicyTargetReference.fromGateway('bookinfo-gateway'));
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }]);
    expectValidIstio(manifests);
  });

  test('fails selector together with targetRefs', () => {
    const chart = Testing.chart();
    expect(() => new Telemetry(chart, 'T', {
      selector: WorkloadSelector.fromLabels({ app: 'x' }),
      targetRefs: [PolicyTargetReference.fromGateway('gw')],
    })).toThrow(/test\/T: targetRefs\[0\] "Gateway\/gw" is invalid: a policy takes either a selector or targetRefs, not both/);
  });

  test('fails a sampling percentage over 100', () => {
    const chart = Testing.chart();
    expect(() => new Telemetry(chart, 'T', { tracing: [{ randomSamplingPercentage: 101 }] }))
      .toThrow(/test\/T: tracing\[0\]\.randomSamplingPercentage 101 is invalid: must be a percentage from 0 to 100/);
  });

  test('several tracing entries, several providers and repeated providers synthesize (Istio only warns)', () => {
    const chart = Testing.chart();
    const telemetry = new Telemetry(chart, 'T', { tracing: [{ providers: ['zipkin'] }] });
    telemetry.addTracing({ providers: ['jaeger', 'zipkin'] });
    telemetry.addAccessLogging({ providers: ['envoy', 'envoy'] });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.tracing).toEqual([{ providers: [{ name: 'zipkin' }] }, { providers: [{ name: 'jaeger' }, { name: 'zipkin' }] }]);
    expectValidIstio(manifests);
  });

  test('fails a duration that is not a whole number of milliseconds, naming the path and field', () => {
    const telemetry = new Telemetry(Testing.chart(), 'T');
    expect(() => telemetry.addMetrics({ reportingInterval: Duration.millis(1.5) }))
      .toThrow(/test\/T: metrics\[0\]\.reportingInterval .* is invalid: must be a non-negative whole number of milliseconds/);
  });

  test('access-log filters are parsed as CEL', () => {
    const chart = Testing.chart();
    const filters = ['response.code >= 400', "request.headers['x-debug'] == 'true' || connection.mtls", 'has(request.headers.x) && [1, 2].exists(c, c > 1)'];
    const telemetry = new Telemetry(chart, 'T');
    for (const filter of filters) telemetry.addAccessLogging({ filter });
    expect(Testing.synth(chart)[0].spec.accessLogging.map((a: any) => a.filter.expression)).toEqual(filters);
    for (const bad of ['response.code >=', 'a.', '"open', 'while', 'f(']) {
      expect(() => telemetry.addAccessLogging({ filter: bad })).toThrow(/test\/T: accessLogging\[3\]\.filter\.expression .* is invalid: must be a valid CEL expression/);
    }
  });

  test('fails empty custom tag values and provider names', () => {
    const chart = Testing.chart();
    const telemetry = new Telemetry(chart, 'T');
    expect(() => telemetry.addTracing({ customTags: { env: CustomTag.environment('') } })).toThrow(/test\/T: tracing\[0\]\.customTags\["env"\]\.environment\.name "" is invalid: must not be empty/);
    expect(() => telemetry.addAccessLogging({ providers: [''] })).toThrow(/test\/T: accessLogging\[0\]\.providers\[0\]\.name "" is invalid/);
  });

  test('fails a malformed access-log filter', () => {
    const chart = Testing.chart();
    const telemetry = new Telemetry(chart, 'T');
    expect(() => telemetry.addAccessLogging({ filter: 'response.code >= (400' })).toThrow(/test\/T: accessLogging\[0\]\.filter\.expression "response\.code >= \(400" is invalid: must be a valid CEL expression/);
    expect(() => telemetry.addAccessLogging({ filter: ' ' })).toThrow(/test\/T: accessLogging\[0\]\.filter\.expression " " is invalid/);
  });

  test('fails metric overrides that are ambiguous or change nothing', () => {
    const chart = Testing.chart();
    const telemetry = new Telemetry(chart, 'T');
    expect(() => telemetry.addMetrics({ overrides: [{ metric: IstioMetric.REQUEST_SIZE, customMetric: 'x', disabled: true }] }))
      .toThrow(/test\/T: metrics\[0\]\.overrides\[0\]\.match\.customMetric "x" is invalid: set only one of metric \(REQUEST_SIZE\) and customMetric/);
    expect(() => telemetry.addMetrics({ overrides: [{ metric: IstioMetric.TCP_SENT_BYTES }] }))
      .toThrow(/test\/T: metrics\[0\]\.overrides\[0\] .* is invalid: an override must set disabled or tagOverrides/);
    expect(() => telemetry.addMetrics({ overrides: [{ tagOverrides: { 'bad-tag': TagOverride.remove() } }] }))
      .toThrow(/test\/T: metrics\[0\]\.overrides\[0\]\.tagOverrides "bad-tag" is invalid/);
    expect(() => telemetry.addMetrics({ overrides: [{ tagOverrides: { tag: TagOverride.upsert('') } }] }))
      .toThrow(/test\/T: metrics\[0\]\.overrides\[0\]\.tagOverrides\["tag"\]\.value "" is invalid: is required for an UPSERT/);
    expect(() => telemetry.addMetrics({ overrides: [{ customMetric: '1bad', disabled: true }] }))
      .toThrow(/test\/T: metrics\[0\]\.overrides\[0\]\.match\.customMetric "1bad" is invalid/);
  });

  test('fails a reporting interval under 1ms', () => {
    const chart = Testing.chart();
    expect(() => new Telemetry(chart, 'T', { metrics: [{ reportingInterval: Duration.millis(0.5) }] }))
      .toThrow(/test\/T: metrics\[0\]\.reportingInterval .* is invalid: must be at least 1ms/);
  });

  test('fails an empty Telemetry at synth', () => {
    const chart = Testing.chart();
    new Telemetry(chart, 'T', { metadata: { namespace: 'bookinfo' } });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/T\] spec \{\} is invalid: a Telemetry without tracing, accessLogging or metrics changes nothing/);
  });
});
