import { IConstruct } from 'constructs';
import { ConnectionPoolOptions, HttpConnectionPoolOptions, TcpConnectionPoolOptions } from './connection-pool';
import { OutlierDetectionOptions } from './outlier-detection';
import { renderPolicyDuration, validateCount, validateUint32 } from './policy-validation';
import { PortTrafficPolicyOptions, RetryBudgetOptions, TrafficPolicyOptions, TunnelOptions } from './traffic-policy';
import * as k from '../../imports/networking.istio.io';
import {
  check, compact, fail, isIpAddress, nonEmpty, validateHost, validateInteger, validatePercentage, validatePort,
} from '../core/validation';

/**
 * Validation and rendering of DestinationRule traffic policies (connection pool, outlier
 * detection, port-level settings, tunnel, retry budget). Internal: not exported from the
 * package entry point.
 */

/**
 * Validates and renders an Istio `TrafficPolicy`. Internal.
 */
export function renderTrafficPolicy(
  scope: IConstruct, field: string, policy: TrafficPolicyOptions, namespace: string | undefined,
): k.DestinationRuleSpecTrafficPolicy {
  const base = renderPortPolicy(scope, field, policy, namespace);
  const ports = policy.portLevelSettings ?? [];
  check(ports.length <= 4096, scope, `${field}.portLevelSettings`, `${ports.length} entries`, 'must have at most 4096 entries');
  if (Object.keys(base).length === 0 && ports.length === 0 && !policy.tunnel && !policy.proxyProtocol && !policy.retryBudget) {
    fail(scope, field, policy, 'a traffic policy must set at least one policy');
  }
  if (policy.tunnel && policy.proxyProtocol) {
    fail(scope, `${field}.tunnel`, policy.tunnel, 'cannot be combined with proxyProtocol');
  }
  const seen = new Set<number>();
  const portLevelSettings = ports.map((p, i) => {
    const at = `${field}.portLevelSettings[${i}]`;
    validatePort(scope, `${at}.port.number`, p.port);
    if (seen.has(p.port)) fail(scope, `${at}.port.number`, p.port, 'has policies already; give each port one entry');
    seen.add(p.port);
    const rendered = renderPortPolicy(scope, at, p, namespace);
    if (Object.keys(rendered).length === 0) fail(scope, at, p, 'a port-level policy must set at least one of loadBalancer, connectionPool, outlierDetection, tls');
    return { port: { number: p.port }, ...rendered } as k.DestinationRuleSpecTrafficPolicyPortLevelSettings;
  });
  const rendered = compact({
    ...base,
    portLevelSettings: nonEmpty(portLevelSettings),
    tunnel: policy.tunnel ? renderTunnel(scope, `${field}.tunnel`, policy.tunnel) : undefined,
    proxyProtocol: policy.proxyProtocol
      ? { version: policy.proxyProtocol as string as k.DestinationRuleSpecTrafficPolicyProxyProtocolVersion }
      : undefined,
  });
  // An empty retry budget is meaningful (Envoy's default budget), so it is added after compact().
  return policy.retryBudget ? { ...rendered, retryBudget: renderRetryBudget(scope, `${field}.retryBudget`, policy.retryBudget) } : rendered;
}

function renderPortPolicy(
  scope: IConstruct, field: string, p: PortTrafficPolicyOptions, namespace: string | undefined,
): k.DestinationRuleSpecTrafficPolicy {
  return compact({
    loadBalancer: p.loadBalancer?._render(scope, `${field}.loadBalancer`),
    connectionPool: p.connectionPool ? renderConnectionPool(scope, `${field}.connectionPool`, p.connectionPool) : undefined,
    outlierDetection: p.outlierDetection ? renderOutlierDetection(scope, `${field}.outlierDetection`, p.outlierDetection) : undefined,
    tls: p.tls?._render(scope, `${field}.tls`, namespace),
  });
}

function renderTunnel(scope: IConstruct, field: string, t: TunnelOptions): k.DestinationRuleSpecTrafficPolicyTunnel {
  if (!isIpAddress(t.targetHost)) {
    validateHost(scope, `${field}.targetHost`, t.targetHost, { allowWildcard: false });
  }
  validatePort(scope, `${field}.targetPort`, t.targetPort);
  return compact({ protocol: t.protocol, targetHost: t.targetHost, targetPort: t.targetPort });
}

function renderRetryBudget(scope: IConstruct, field: string, r: RetryBudgetOptions): k.DestinationRuleSpecTrafficPolicyRetryBudget {
  validatePercentage(scope, `${field}.percent`, r.percent);
  validateUint32(scope, `${field}.minRetryConcurrency`, r.minRetryConcurrency);
  return compact({ percent: r.percent, minRetryConcurrency: r.minRetryConcurrency });
}

/** Every TLS mode a policy sets, top level first, then per port. Internal. */
export function tlsModesOf(policy: TrafficPolicyOptions | undefined, subset?: string): Array<{ port?: number; subset?: string; mode: string }> {
  if (!policy) return [];
  const out: Array<{ port?: number; subset?: string; mode: string }> = [];
  const sub = subset !== undefined ? { subset } : {};
  if (policy.tls) out.push({ ...sub, mode: policy.tls.mode });
  for (const p of policy.portLevelSettings ?? []) {
    if (p.tls) out.push({ port: p.port, ...sub, mode: p.tls.mode });
  }
  return out;
}

/**
 * Validates and renders Istio `ConnectionPoolSettings`. Internal.
 */
export function renderConnectionPool(
  scope: IConstruct, field: string, pool: ConnectionPoolOptions,
): k.DestinationRuleSpecTrafficPolicyConnectionPool {
  if (pool.tcp === undefined && pool.http === undefined) {
    fail(scope, field, pool, 'set tcp, http or both; an empty connection pool is rejected by Istio');
  }
  return compact({
    tcp: pool.tcp ? renderTcp(scope, `${field}.tcp`, pool.tcp) : undefined,
    http: pool.http ? renderHttp(scope, `${field}.http`, pool.http) : undefined,
  });
}

function renderTcp(scope: IConstruct, field: string, tcp: TcpConnectionPoolOptions): k.DestinationRuleSpecTrafficPolicyConnectionPoolTcp {
  validateCount(scope, `${field}.maxConnections`, tcp.maxConnections);
  const keepalive = tcp.tcpKeepalive;
  if (keepalive) validateUint32(scope, `${field}.tcpKeepalive.probes`, keepalive.probes);
  return compact({
    maxConnections: tcp.maxConnections,
    connectTimeout: renderPolicyDuration(scope, `${field}.connectTimeout`, tcp.connectTimeout),
    tcpKeepalive: keepalive ? compact({
      probes: keepalive.probes,
      time: renderPolicyDuration(scope, `${field}.tcpKeepalive.time`, keepalive.time),
      interval: renderPolicyDuration(scope, `${field}.tcpKeepalive.interval`, keepalive.interval),
    }) : undefined,
    maxConnectionDuration: renderPolicyDuration(scope, `${field}.maxConnectionDuration`, tcp.maxConnectionDuration),
    idleTimeout: renderPolicyDuration(scope, `${field}.idleTimeout`, tcp.idleTimeout),
  });
}

function renderHttp(scope: IConstruct, field: string, http: HttpConnectionPoolOptions): k.DestinationRuleSpecTrafficPolicyConnectionPoolHttp {
  validateCount(scope, `${field}.http1MaxPendingRequests`, http.http1MaxPendingRequests);
  validateCount(scope, `${field}.http2MaxRequests`, http.http2MaxRequests);
  validateCount(scope, `${field}.maxRequestsPerConnection`, http.maxRequestsPerConnection);
  validateCount(scope, `${field}.maxRetries`, http.maxRetries);
  validateCount(scope, `${field}.maxConcurrentStreams`, http.maxConcurrentStreams);
  if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) {
    fail(scope, `${field}.useClientProtocol`, true, 'cannot be true when h2UpgradePolicy is UPGRADE');
  }
  return compact({
    http1MaxPendingRequests: http.http1MaxPendingRequests,
    http2MaxRequests: http.http2MaxRequests,
    maxRequestsPerConnection: http.maxRequestsPerConnection,
    maxRetries: http.maxRetries,
    idleTimeout: renderPolicyDuration(scope, `${field}.idleTimeout`, http.idleTimeout),
    h2UpgradePolicy: http.h2UpgradePolicy as string | undefined as k.DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy | undefined,
    useClientProtocol: http.useClientProtocol,
    maxConcurrentStreams: http.maxConcurrentStreams,
  });
}

/**
 * Validates and renders Istio `OutlierDetection`. Internal.
 */
export function renderOutlierDetection(
  scope: IConstruct, field: string, o: OutlierDetectionOptions,
): k.DestinationRuleSpecTrafficPolicyOutlierDetection {
  validateUint32(scope, `${field}.consecutiveLocalOriginFailures`, o.consecutiveLocalOriginFailures);
  validateUint32(scope, `${field}.consecutiveGatewayErrors`, o.consecutiveGatewayErrors);
  validateUint32(scope, `${field}.consecutive5xxErrors`, o.consecutive5xxErrors);
  validateCount(scope, `${field}.consecutiveErrors`, o.consecutiveErrors);
  validateInteger(scope, `${field}.maxEjectionPercent`, o.maxEjectionPercent, 0, 100);
  validateInteger(scope, `${field}.minHealthPercent`, o.minHealthPercent, 0, 100);
  if ((o.consecutiveLocalOriginFailures ?? 0) > 0 && !o.splitExternalLocalOriginErrors) {
    fail(scope, `${field}.consecutiveLocalOriginFailures`, o.consecutiveLocalOriginFailures,
      'only takes effect with splitExternalLocalOriginErrors: true; set it');
  }
  return compact({
    splitExternalLocalOriginErrors: o.splitExternalLocalOriginErrors,
    consecutiveLocalOriginFailures: o.consecutiveLocalOriginFailures,
    consecutiveGatewayErrors: o.consecutiveGatewayErrors,
    consecutive5XxErrors: o.consecutive5xxErrors,
    consecutiveErrors: o.consecutiveErrors,
    interval: renderPolicyDuration(scope, `${field}.interval`, o.interval),
    baseEjectionTime: renderPolicyDuration(scope, `${field}.baseEjectionTime`, o.baseEjectionTime),
    maxEjectionPercent: o.maxEjectionPercent,
    minHealthPercent: o.minHealthPercent,
  });
}
