import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AccessLoggingOptions } from './access-logging';
import { MetricsOptions, MetricsOverride } from './metrics';
import { TracingOptions } from './tracing';
import * as k from '../../imports/telemetry.istio.io';
import { validateCelExpression } from '../core/cel';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check, fail, renderDuration, validateDuration, validatePercentage, validationMessage } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';
import { PolicyAttachment } from '../security/policy-attachment';
import { PolicyTargetReference } from '../security/policy-target-reference';
import { DEFAULT_ROOT_NAMESPACE, validateProviderName } from '../security/security-validation';

/**
 * Properties of a Telemetry resource.
 */
export interface TelemetryProps extends IstioResourceProps {
  /**
   * Tracing settings (Istio supports one entry). Or call `addTracing()`.
   *
   * @default - inherited from the namespace or mesh
   */
  readonly tracing?: TracingOptions[];

  /**
   * Access-logging settings. Or call `addAccessLogging()`.
   *
   * @default - inherited from the namespace or mesh
   */
  readonly accessLogging?: AccessLoggingOptions[];

  /**
   * Metrics settings. Or call `addMetrics()`.
   *
   * @default - inherited from the namespace or mesh
   */
  readonly metrics?: MetricsOptions[];

  /**
   * The workloads the settings apply to. Cannot be combined with `targetRefs`.
   *
   * @default - every workload in the namespace (the mesh, in the mesh root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * Resources the settings attach to, at most 16. Cannot be combined with `selector`.
   *
   * @default - none
   */
  readonly targetRefs?: PolicyTargetReference[];

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`); a Telemetry there without
   * selector sets the mesh-wide defaults.
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TAG_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Observability settings for workloads: distributed tracing (provider, sampling, custom
 * tags), access logging (providers, filter) and metrics (providers, overrides).
 *
 * @example
 * const telemetry = new Telemetry(chart, 'MeshDefault', { metadata: { name: 'mesh-default', namespace: 'istio-system' } });
 * telemetry.addTracing({ providers: ['zipkin'], randomSamplingPercentage: 10 });
 * telemetry.addAccessLogging({ providers: ['envoy'], filter: 'response.code >= 400' });
 */
export class Telemetry extends IstioResource {
  protected readonly apiObject: ApiObject;
  public readonly resourceType = 'telemetries';

  /** The mesh root namespace. */
  public readonly meshRootNamespace: string;

  private readonly attachment: PolicyAttachment;
  private readonly tracing: TracingOptions[] = [];
  private readonly accessLogging: AccessLoggingOptions[] = [];
  private readonly metrics: MetricsOptions[] = [];

  public constructor(scope: Construct, id: string, props: TelemetryProps = {}) {
    super(scope, id, props);
    this.meshRootNamespace = props.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    this.apiObject = new k.Telemetry(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    this.attachment = new PolicyAttachment(this, props.selector, props.targetRefs);
    for (const t of props.tracing ?? []) this.addTracing(t);
    for (const a of props.accessLogging ?? []) this.addAccessLogging(a);
    for (const m of props.metrics ?? []) this.addMetrics(m);
    this.node.addValidation({ validate: () => this.validateTelemetry() });
  }

  /** The workloads the settings apply to, if it selects any. */
  public get selector(): WorkloadSelector | undefined {
    return this.attachment.selector;
  }

  /**
   * Adds a tracing entry. Istio accepts several entries and several providers, but warns
   * that only one of each is supported today (`istioctl analyze` reports it).
   */
  public addTracing(options: TracingOptions): void {
    const field = `tracing[${this.tracing.length}]`;
    this.renderTracing(field, options);
    this.tracing.push(options);
  }

  /**
   * Adds an access-logging entry.
   */
  public addAccessLogging(options: AccessLoggingOptions): void {
    const field = `accessLogging[${this.accessLogging.length}]`;
    this.renderAccessLogging(field, options);
    this.accessLogging.push(options);
  }

  /**
   * Adds a metrics entry.
   */
  public addMetrics(options: MetricsOptions): void {
    const field = `metrics[${this.metrics.length}]`;
    this.renderMetrics(field, options);
    this.metrics.push(options);
  }

  /**
   * Attaches the settings to a resource (instead of a selector).
   */
  public addTargetRef(target: PolicyTargetReference): void {
    this.attachment.addTargetRef(target);
  }

  /**
   * @internal
   */
  public _toKube(): any {
    return {
      ...this.attachment.render(this.namespace, this.meshRootNamespace),
      ...(this.tracing.length > 0 ? { tracing: this.tracing.map((t, i) => this.renderTracing(`tracing[${i}]`, t)) } : {}),
      ...(this.accessLogging.length > 0 ? { accessLogging: this.accessLogging.map((a, i) => this.renderAccessLogging(`accessLogging[${i}]`, a)) } : {}),
      ...(this.metrics.length > 0 ? { metrics: this.metrics.map((m, i) => this.renderMetrics(`metrics[${i}]`, m)) } : {}),
    };
  }

  private validateTelemetry(): string[] {
    if (this.tracing.length + this.accessLogging.length + this.metrics.length === 0) {
      return [validationMessage('spec', {}, 'a Telemetry without tracing, accessLogging or metrics changes nothing; add one with addTracing(), addAccessLogging() or addMetrics()')];
    }
    return [];
  }

  private providers(field: string, providers: string[] | undefined): Array<{ name: string }> | undefined {
    if (providers === undefined) return undefined;
    providers.forEach((p, i) => validateProviderName(this, `${field}[${i}].name`, p));
    return providers.length > 0 ? providers.map(name => ({ name })) : undefined;
  }

  private renderTracing(field: string, options: TracingOptions): Record<string, unknown> {
    validatePercentage(this, `${field}.randomSamplingPercentage`, options.randomSamplingPercentage);
    let customTags: Record<string, unknown> | undefined;
    if (options.customTags !== undefined) {
      customTags = {};
      for (const name of Object.keys(options.customTags).sort()) {
        check(name.length > 0 && !/\s/.test(name), this, `${field}.customTags`, name, 'a tag name must be non-empty, without spaces');
        customTags[name] = options.customTags[name]._render(this, `${field}.customTags[${JSON.stringify(name)}]`);
      }
    }
    return strip({
      providers: this.providers(`${field}.providers`, options.providers),
      randomSamplingPercentage: options.randomSamplingPercentage,
      customTags: customTags && Object.keys(customTags).length > 0 ? customTags : undefined,
      disableSpanReporting: options.disableSpanReporting,
      disableContextPropagation: options.disableContextPropagation,
      useRequestIdForTraceSampling: options.useRequestIdForTraceSampling,
      enableIstioTags: options.enableIstioTags,
      match: options.match !== undefined ? { mode: options.match } : undefined,
    });
  }

  private renderAccessLogging(field: string, options: AccessLoggingOptions): Record<string, unknown> {
    if (options.filter !== undefined) validateCelExpression(this, `${field}.filter.expression`, options.filter);
    return strip({
      providers: this.providers(`${field}.providers`, options.providers),
      filter: options.filter !== undefined ? { expression: options.filter } : undefined,
      disabled: options.disabled,
      match: options.match !== undefined ? { mode: options.match } : undefined,
    });
  }

  private renderMetrics(field: string, options: MetricsOptions): Record<string, unknown> {
    validateDuration(this, `${field}.reportingInterval`, options.reportingInterval);
    return strip({
      providers: this.providers(`${field}.providers`, options.providers),
      overrides: options.overrides && options.overrides.length > 0
        ? options.overrides.map((o, i) => this.renderOverride(`${field}.overrides[${i}]`, o)) : undefined,
      reportingInterval: renderDuration(options.reportingInterval, this, `${field}.reportingInterval`),
    });
  }

  private renderOverride(field: string, override: MetricsOverride): Record<string, unknown> {
    if (override.metric !== undefined && override.customMetric !== undefined) {
      fail(this, `${field}.match.customMetric`, override.customMetric, `set only one of metric (${override.metric}) and customMetric`);
    }
    if (override.customMetric !== undefined) {
      check(METRIC_NAME.test(override.customMetric), this, `${field}.match.customMetric`, override.customMetric,
        'must be a metric name of letters, digits, "_" and ":", not starting with a digit');
    }
    let tagOverrides: Record<string, unknown> | undefined;
    if (override.tagOverrides !== undefined) {
      tagOverrides = {};
      for (const tag of Object.keys(override.tagOverrides).sort()) {
        check(TAG_NAME.test(tag), this, `${field}.tagOverrides`, tag, 'a tag name must be letters, digits and "_", not starting with a digit');
        const t = override.tagOverrides[tag];
        if (t.operation === 'UPSERT') {
          // Istio requires the value of an UPSERT but does not parse it at admission.
          check(typeof t.value === 'string' && t.value.trim() !== '', this, `${field}.tagOverrides[${JSON.stringify(tag)}].value`, t.value,
            'is required for an UPSERT: a CEL expression such as "request.host"');
        }
        tagOverrides[tag] = strip({ operation: t.operation, value: t.value });
      }
    }
    const match = strip({ metric: override.metric, customMetric: override.customMetric, mode: override.mode });
    if (override.disabled === undefined && (tagOverrides === undefined || Object.keys(tagOverrides).length === 0)) {
      fail(this, field, override, 'an override must set disabled or tagOverrides; otherwise it changes nothing');
    }
    return strip({
      match: Object.keys(match).length > 0 ? match : undefined,
      disabled: override.disabled,
      tagOverrides: tagOverrides && Object.keys(tagOverrides).length > 0 ? tagOverrides : undefined,
    });
  }
}

function strip(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== undefined) out[key] = value;
  return out;
}
