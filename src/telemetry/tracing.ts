import { IConstruct } from 'constructs';
import { WorkloadMode } from './workload-mode';
import { fail } from '../core/validation';

/**
 * The value of a custom tag added to trace spans.
 *
 * @example
 * CustomTag.literal('bookinfo');
 * CustomTag.environment('POD_NAME', 'unknown');
 * CustomTag.header('x-user-id');
 * CustomTag.formatter('%REQ(:AUTHORITY)%');
 */
export class CustomTag {
  /** A fixed value. */
  public static literal(value: string): CustomTag {
    return new CustomTag('literal', { value });
  }

  /** The value of an environment variable of the proxy, with a fallback. */
  public static environment(name: string, defaultValue?: string): CustomTag {
    return new CustomTag('environment', { name, defaultValue });
  }

  /** The value of a request header, with a fallback. */
  public static header(name: string, defaultValue?: string): CustomTag {
    return new CustomTag('header', { name, defaultValue });
  }

  /** An Envoy access-log format string, such as `%REQ(:AUTHORITY)%`. */
  public static formatter(value: string): CustomTag {
    return new CustomTag('formatter', { value });
  }

  private constructor(private readonly type: string, private readonly fields: Record<string, string | undefined>) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): Record<string, Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.fields)) {
      if (value === undefined) continue;
      if (key !== 'defaultValue' && (typeof value !== 'string' || value.length === 0)) {
        fail(scope, `${field}.${this.type}.${key}`, value, 'must not be empty');
      }
      out[key] = value;
    }
    return { [this.type]: out };
  }
}

/**
 * Tracing settings of a Telemetry resource.
 */
export interface TracingOptions {
  /**
   * The tracing provider, by its name in `meshConfig.extensionProviders` (Istio supports one
   * provider per tracing entry).
   *
   * @default - the mesh's default tracing provider
   */
  readonly providers?: string[];

  /**
   * The percentage of requests sampled, from 0 to 100 (fractions allowed).
   *
   * @default - the provider's setting (Istio defaults to 1%)
   */
  readonly randomSamplingPercentage?: number;

  /**
   * Extra tags added to spans, by tag name.
   *
   * @default - none
   */
  readonly customTags?: { [name: string]: CustomTag };

  /**
   * Whether to stop reporting spans (context still propagates).
   *
   * @default false
   */
  readonly disableSpanReporting?: boolean;

  /**
   * Whether to stop propagating trace context headers.
   *
   * @default false
   */
  readonly disableContextPropagation?: boolean;

  /**
   * Whether the sampling decision follows `x-request-id`.
   *
   * @default true
   */
  readonly useRequestIdForTraceSampling?: boolean;

  /**
   * Whether Istio's own tags (such as `istio.canonical_service`) are added to spans.
   *
   * @default true
   */
  readonly enableIstioTags?: boolean;

  /**
   * Which traffic the setting applies to.
   *
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly match?: WorkloadMode;
}
