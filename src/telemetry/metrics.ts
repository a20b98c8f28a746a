import { Duration } from 'cdk8s';
import { WorkloadMode } from './workload-mode';

/**
 * Istio's standard metrics.
 */
export enum IstioMetric {
  /** Every standard metric. */
  ALL_METRICS = 'ALL_METRICS',
  /** `istio_requests_total`. */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** `istio_request_duration_milliseconds`. */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** `istio_request_bytes`. */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** `istio_response_bytes`. */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** `istio_tcp_connections_opened_total`. */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** `istio_tcp_connections_closed_total`. */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** `istio_tcp_sent_bytes_total`. */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** `istio_tcp_received_bytes_total`. */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** `istio_request_messages_total` (gRPC). */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** `istio_response_messages_total` (gRPC). */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/**
 * A change to one tag (label) of a metric.
 *
 * @example
 * TagOverride.upsert('request.host');
 * TagOverride.remove();
 */
export class TagOverride {
  /** Sets or adds the tag to the value of a CEL expression, e.g. `request.host`. */
  public static upsert(value: string): TagOverride {
    return new TagOverride('UPSERT', value);
  }

  /** Removes the tag. */
  public static remove(): TagOverride {
    return new TagOverride('REMOVE', undefined);
  }

  private constructor(
    /** `UPSERT` or `REMOVE`. */
    public readonly operation: string,
    /** The CEL expression of an upsert. */
    public readonly value: string | undefined,
  ) {}
}

/**
 * Customises one metric (or all of them).
 */
export interface MetricsOverride {
  /**
   * The standard metric to change. At most one of `metric` and `customMetric`.
   *
   * @default IstioMetric.ALL_METRICS (when `customMetric` is unset too)
   */
  readonly metric?: IstioMetric;

  /**
   * A custom metric, by name. At most one of `metric` and `customMetric`.
   *
   * @default - a standard metric
   */
  readonly customMetric?: string;

  /**
   * Which traffic the override applies to.
   *
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: WorkloadMode;

  /**
   * Whether the metric is not generated at all.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * Tag changes, by tag name.
   *
   * @default - none
   */
  readonly tagOverrides?: { [tag: string]: TagOverride };
}

/**
 * Metrics settings of a Telemetry resource.
 */
export interface MetricsOptions {
  /**
   * Metrics providers, by name in `meshConfig.extensionProviders` (e.g. `prometheus`).
   *
   * @default - the mesh's default metrics providers
   */
  readonly providers?: string[];

  /**
   * Changes to the metrics generated.
   *
   * @default - none
   */
  readonly overrides?: MetricsOverride[];

  /**
   * How often TCP metrics are reported for long-lived connections.
   *
   * @default - the proxy default (15s)
   */
  readonly reportingInterval?: Duration;
}
