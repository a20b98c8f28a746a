import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, compact, fail, nonEmpty, renderDuration, validateDuration, validateInteger, validatePort } from '../core/validation';

/** Where an extension provider's backend listens. */
export interface ProviderServiceOptions {
  /** Fully qualified host of the backend Service, e.g. `zipkin.istio-system.svc.cluster.local`, or `ns/host`. */
  readonly service: string;
  /** Port of the backend Service. */
  readonly port: number;
}

/** A tracing backend. */
export interface TracingProviderOptions extends ProviderServiceOptions {
  /** Longest tag value kept; longer values are truncated. @default 256 */
  readonly maxTagLength?: number;
}

/** How Zipkin spans propagate trace context. */
export enum TraceContextOption {
  /** B3 headers only. */
  USE_B3 = 'USE_B3',
  /** B3 and W3C `traceparent` headers. */
  USE_B3_WITH_W3C_PROPAGATION = 'USE_B3_WITH_W3C_PROPAGATION',
}

/** A Zipkin tracing backend. */
export interface ZipkinProviderOptions extends TracingProviderOptions {
  /** Use 64-bit trace ids instead of 128-bit ones. @default false */
  readonly enable64bitTraceId?: boolean;
  /** Path of the collector's span endpoint. @default "/api/v2/spans" */
  readonly path?: string;
  /** Trace-context headers to propagate. @default TraceContextOption.USE_B3 */
  readonly traceContextOption?: TraceContextOption;
  /** Timeout of a span export request. @default - Envoy's default */
  readonly timeout?: Duration;
  /** Extra headers sent with every export request. @default - none */
  readonly headers?: Record<string, string>;
}

/** An OpenTelemetry tracing backend. */
export interface OpenTelemetryProviderOptions extends TracingProviderOptions {
  /** Export over OTLP/HTTP to this path instead of OTLP/gRPC, e.g. `/v1/traces`. @default - OTLP/gRPC */
  readonly httpPath?: string;
  /** Timeout of an export request. @default - Envoy's default */
  readonly timeout?: Duration;
  /** Headers sent with every export request (HTTP) or as initial metadata (gRPC). @default - none */
  readonly headers?: Record<string, string>;
}

/** A SkyWalking tracing backend. */
export interface SkyWalkingProviderOptions extends ProviderServiceOptions {
  /** Token the backend requires. @default - none */
  readonly accessToken?: string;
}

/** How an access-log entry is formatted: a text template or JSON labels, not both. */
export interface AccessLogFormatOptions {
  /** Envoy text format, e.g. `[%START_TIME%] %REQ(:METHOD)%\n`. @default - Envoy's default text format */
  readonly text?: string;
  /** JSON log entries with these keys and Envoy command operators as values. @default - text format */
  readonly labels?: Record<string, string>;
}

/** Envoy access logs written to a file. */
export interface EnvoyFileAccessLogProviderOptions extends AccessLogFormatOptions {
  /** File to write, e.g. `/dev/stdout`. @default "/dev/stdout" */
  readonly path?: string;
}

/** Envoy access logs sent to an OpenTelemetry collector. */
export interface EnvoyOtelAlsProviderOptions extends ProviderServiceOptions, AccessLogFormatOptions {
  /** Log name the collector sees. @default - Envoy's default */
  readonly logName?: string;
}

/** Envoy access logs sent to a gRPC access-log service (HTTP or TCP). */
export interface EnvoyGrpcAlsProviderOptions extends ProviderServiceOptions {
  /** Log name the service sees. @default - Envoy's default */
  readonly logName?: string;
  /** Filter-state objects to log. @default - none */
  readonly filterStateObjectsToLog?: string[];
}

/** Parts of the request body sent to an external authorizer. */
export interface ExtAuthzRequestBodyOptions {
  /** Most bytes of the body buffered and sent. */
  readonly maxRequestBytes: number;
  /** Send a partial body when it exceeds `maxRequestBytes` instead of rejecting it. @default false */
  readonly allowPartialMessage?: boolean;
  /** Send the body as raw bytes instead of UTF-8 text. @default false */
  readonly packAsBytes?: boolean;
}

/** What every external authorizer accepts. */
export interface ExtAuthzProviderOptions extends ProviderServiceOptions {
  /** How long to wait for the authorizer. @default 600s */
  readonly timeout?: Duration;
  /** Allow the request when the authorizer cannot be reached. @default false */
  readonly failOpen?: boolean;
  /** Clear the route cache so the authorizer's header changes affect routing. @default false */
  readonly clearRouteCache?: boolean;
  /** HTTP status returned when the authorizer fails and `failOpen` is false. @default 403 */
  readonly statusOnError?: number;
  /** Send (part of) the request body. @default - the body is not sent */
  readonly includeRequestBodyInCheck?: ExtAuthzRequestBodyOptions;
}

/** An HTTP external authorizer. */
export interface ExtAuthzHttpProviderOptions extends ExtAuthzProviderOptions {
  /** Prefix added to the path of the check request. @default - none */
  readonly pathPrefix?: string;
  /** Request headers sent to the authorizer. @default - only Envoy's defaults */
  readonly includeRequestHeadersInCheck?: string[];
  /** Extra headers (name to value) added to the check request. @default - none */
  readonly includeAdditionalHeadersInCheck?: Record<string, string>;
  /** Authorizer response headers forwarded upstream on allow. @default - none */
  readonly headersToUpstreamOnAllow?: string[];
  /** Authorizer response headers returned downstream on deny. @default - all */
  readonly headersToDownstreamOnDeny?: string[];
  /** Authorizer response headers returned downstream on allow. @default - none */
  readonly headersToDownstreamOnAllow?: string[];
}

/**
 * A backend that telemetry or CUSTOM authorization refers to by name: an entry of the mesh
 * config's `extensionProviders`. Create one with a static factory, add it with
 * `IstioMesh.addExtensionProvider()`, and refer to it by `name` from Telemetry resources,
 * `useDefaultProviders()` or a CUSTOM AuthorizationPolicy.
 */
export class ExtensionProvider {
  /** A Zipkin tracing backend. */
  public static zipkin(name: string, options: ZipkinProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'zipkin', options, () => compact({
      ...tracing(options),
      enable64bitTraceId: options.enable64bitTraceId,
      path: options.path,
      traceContextOption: options.traceContextOption,
      timeout: renderDuration(options.timeout),
      headers: headerList(options.headers),
    }), scope => validateTimeout(scope, `extensionProviders[${name}].zipkin.timeout`, options.timeout));
  }

  /** An OpenTelemetry tracing backend (OTLP over gRPC, or HTTP with `httpPath`). */
  public static openTelemetry(name: string, options: OpenTelemetryProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'opentelemetry', options, () => {
      const http = options.httpPath !== undefined
        ? compact({ path: options.httpPath, timeout: renderDuration(options.timeout), headers: headerList(options.headers) })
        : undefined;
      const grpc = options.httpPath === undefined && (options.timeout || options.headers)
        ? compact({ timeout: renderDuration(options.timeout), initialMetadata: headerList(options.headers) })
        : undefined;
      return compact({ ...tracing(options), http, grpc });
    }, scope => validateTimeout(scope, `extensionProviders[${name}].opentelemetry.timeout`, options.timeout));
  }

  /** A Datadog tracing agent. */
  public static datadog(name: string, options: TracingProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'datadog', options, () => compact(tracing(options)));
  }

  /** A SkyWalking tracing backend. */
  public static skyWalking(name: string, options: SkyWalkingProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'skywalking', options, () => compact({
      service: options.service, port: options.port, accessToken: options.accessToken,
    }));
  }

  /** Prometheus metrics (the proxies' stats, scraped by Prometheus). */
  public static prometheus(name: string): ExtensionProvider {
    return new ExtensionProvider(name, 'prometheus', undefined, () => ({}));
  }

  /** Envoy access logs written to a file, by default `/dev/stdout`. */
  public static envoyFileAccessLog(name: string, options: EnvoyFileAccessLogProviderOptions = {}): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyFileAccessLog', undefined, () => compact({
      path: options.path ?? '/dev/stdout',
      logFormat: logFormat(options),
    }), scope => validateLogFormat(scope, `extensionProviders[${name}].envoyFileAccessLog.logFormat`, options));
  }

  /** Envoy access logs sent to an OpenTelemetry collector over OTLP/gRPC. */
  public static envoyOtelAls(name: string, options: EnvoyOtelAlsProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyOtelAls', options, () => compact({
      service: options.service, port: options.port, logName: options.logName, logFormat: logFormat(options),
    }), scope => validateLogFormat(scope, `extensionProviders[${name}].envoyOtelAls.logFormat`, options));
  }

  /** Envoy HTTP access logs sent to a gRPC access-log service. */
  public static envoyHttpAls(name: string, options: EnvoyGrpcAlsProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyHttpAls', options, () => compact({
      service: options.service,
      port: options.port,
      logName: options.logName,
      filterStateObjectsToLog: nonEmpty(options.filterStateObjectsToLog),
    }));
  }

  /** Envoy TCP access logs sent to a gRPC access-log service. */
  public static envoyTcpAls(name: string, options: EnvoyGrpcAlsProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyTcpAls', options, () => compact({
      service: options.service,
      port: options.port,
      logName: options.logName,
      filterStateObjectsToLog: nonEmpty(options.filterStateObjectsToLog),
    }));
  }

  /** An HTTP external authorizer for CUSTOM AuthorizationPolicies. */
  public static envoyExtAuthzHttp(name: string, options: ExtAuthzHttpProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyExtAuthzHttp', options, () => compact({
      ...extAuthz(options),
      pathPrefix: options.pathPrefix,
      includeRequestHeadersInCheck: nonEmpty(options.includeRequestHeadersInCheck),
      includeAdditionalHeadersInCheck: options.includeAdditionalHeadersInCheck,
      headersToUpstreamOnAllow: nonEmpty(options.headersToUpstreamOnAllow),
      headersToDownstreamOnDeny: nonEmpty(options.headersToDownstreamOnDeny),
      headersToDownstreamOnAllow: nonEmpty(options.headersToDownstreamOnAllow),
    }), scope => validateExtAuthz(scope, `extensionProviders[${name}].envoyExtAuthzHttp`, options));
  }

  /** A gRPC external authorizer for CUSTOM AuthorizationPolicies. */
  public static envoyExtAuthzGrpc(name: string, options: ExtAuthzProviderOptions): ExtensionProvider {
    return new ExtensionProvider(name, 'envoyExtAuthzGrpc', options, () => compact(extAuthz(options)),
      scope => validateExtAuthz(scope, `extensionProviders[${name}].envoyExtAuthzGrpc`, options));
  }

  /** The name Telemetry resources, default providers and CUSTOM policies refer to. */
  public readonly name: string;

  /** The provider type, as its mesh-config key (`zipkin`, `envoyFileAccessLog`, ...). */
  public readonly providerType: string;

  private constructor(
    name: string,
    providerType: string,
    private readonly service: ProviderServiceOptions | undefined,
    private readonly body: () => Record<string, unknown>,
    private readonly validateMore?: (scope: IConstruct) => void,
  ) {
    this.name = name;
    this.providerType = providerType;
  }

  /**
   * Validates the provider for the mesh config `scope` and renders its mesh-config entry.
   * @internal
   */
  public _toMeshConfig(scope: IConstruct): Record<string, unknown> {
    check(typeof this.name === 'string' && this.name.length > 0, scope, 'extensionProviders[].name', this.name, 'must be a non-empty name');
    if (this.service) {
      const field = `extensionProviders[${this.name}].${this.providerType}`;
      check(typeof this.service.service === 'string' && this.service.service.length > 0, scope, `${field}.service`, this.service.service,
        'must be the host of the backend Service, e.g. "zipkin.istio-system.svc.cluster.local"');
      validatePort(scope, `${field}.port`, this.service.port);
      if (this.service.port === undefined) fail(scope, `${field}.port`, undefined, 'must be set');
      validateInteger(scope, `${field}.maxTagLength`, (this.service as TracingProviderOptions).maxTagLength);
    }
    this.validateMore?.(scope);
    return { name: this.name, [this.providerType]: this.body() };
  }
}

function tracing(options: TracingProviderOptions): Record<string, unknown> {
  return { service: options.service, port: options.port, maxTagLength: options.maxTagLength };
}

function headerList(headers: Record<string, string> | undefined): Array<Record<string, string>> | undefined {
  if (!headers) return undefined;
  return nonEmpty(Object.keys(headers).sort().map(name => ({ name, value: headers[name] })));
}

function logFormat(options: AccessLogFormatOptions): Record<string, unknown> | undefined {
  if (options.text !== undefined) return { text: options.text };
  if (options.labels !== undefined) return { labels: options.labels };
  return undefined;
}

function validateLogFormat(scope: IConstruct, field: string, options: AccessLogFormatOptions): void {
  if (options.text !== undefined && options.labels !== undefined) {
    fail(scope, field, { text: options.text, labels: options.labels }, 'set either "text" or "labels", not both');
  }
}

function extAuthz(options: ExtAuthzProviderOptions): Record<string, unknown> {
  const body = options.includeRequestBodyInCheck;
  return {
    service: options.service,
    port: options.port,
    timeout: renderDuration(options.timeout),
    failOpen: options.failOpen,
    clearRouteCache: options.clearRouteCache,
    statusOnError: options.statusOnError !== undefined ? String(options.statusOnError) : undefined,
    includeRequestBodyInCheck: body ? compact({
      maxRequestBytes: body.maxRequestBytes, allowPartialMessage: body.allowPartialMessage, packAsBytes: body.packAsBytes,
    }) : undefined,
  };
}

function validateExtAuthz(scope: IConstruct, field: string, options: ExtAuthzProviderOptions): void {
  validateTimeout(scope, `${field}.timeout`, options.timeout);
  if (options.statusOnError !== undefined) {
    validateInteger(scope, `${field}.statusOnError`, options.statusOnError, 100, 599);
  }
  if (options.includeRequestBodyInCheck) {
    validateInteger(scope, `${field}.includeRequestBodyInCheck.maxRequestBytes`, options.includeRequestBodyInCheck.maxRequestBytes, 1);
  }
}

/** A provider timeout: at least 1ms, in whole milliseconds (the precision Istio supports). */
function validateTimeout(scope: IConstruct, field: string, timeout: Duration | undefined): void {
  validateDuration(scope, field, timeout);
  renderDuration(timeout, scope, field);
}
