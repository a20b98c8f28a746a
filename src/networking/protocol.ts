/**
 * The application protocol of a port, as Istio names it on Gateway servers, ServiceEntry
 * ports and Sidecar listeners.
 */
export enum PortProtocol {
  /** HTTP/1.1 (and HTTP/2 with prior knowledge on sidecars). */
  HTTP = 'HTTP',
  /** HTTP over TLS. On a Gateway server it requires TLS settings. */
  HTTPS = 'HTTPS',
  /** HTTP/2. */
  HTTP2 = 'HTTP2',
  /** gRPC (HTTP/2). */
  GRPC = 'GRPC',
  /** gRPC-Web. */
  GRPC_WEB = 'GRPC-WEB',
  /** Opaque TCP. */
  TCP = 'TCP',
  /** TLS with SNI, not terminated unless the server's TLS mode says so. */
  TLS = 'TLS',
  /** MongoDB wire protocol. */
  MONGO = 'MONGO',
  /** Redis. */
  REDIS = 'REDIS',
  /** MySQL. */
  MYSQL = 'MYSQL',
  /** An HTTP proxy listener (`CONNECT`); Sidecar egress listeners only. */
  HTTP_PROXY = 'HTTP_PROXY',
}
