/**
 * Which side of a connection a telemetry setting applies to, relative to the proxied
 * workload.
 */
export enum WorkloadMode {
  /** Both outbound (client) and inbound (server) traffic. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
  /** Outbound traffic only: the workload is the client. */
  CLIENT = 'CLIENT',
  /** Inbound traffic only: the workload is the server. */
  SERVER = 'SERVER',
}
