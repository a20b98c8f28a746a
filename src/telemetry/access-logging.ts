import { WorkloadMode } from './workload-mode';

/**
 * Access-logging settings of a Telemetry resource.
 */
export interface AccessLoggingOptions {
  /**
   * Access-log providers, by name in `meshConfig.extensionProviders` (e.g. `envoy`,
   * `otel`).
   *
   * @default - the mesh's default access-log providers
   */
  readonly providers?: string[];

  /**
   * A CEL expression selecting which requests are logged, e.g.
   * `response.code >= 400`.
   *
   * @default - every request
   */
  readonly filter?: string;

  /**
   * Whether to turn access logging off for the selected providers.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * Which traffic the setting applies to.
   *
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly match?: WorkloadMode;
}
