import { isObject, Json, objects, strings } from '../analysis/resource';

/**
 * The words on a route edge: what a VirtualService route matches, and what it does to the
 * request (fault, timeout, retries, rewrite, mirror), as a reviewer would say it. Internal.
 */

/** `exact` as `=`, `prefix` as `^=`, `regex` as `~`: short and unambiguous. */
export function describeStringMatch(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.exact === 'string') return `= ${value.exact}`;
  if (typeof value.prefix === 'string') return `prefix ${value.prefix}`;
  if (typeof value.regex === 'string') return `~ ${value.regex}`;
  return undefined;
}

/** One `HTTPMatchRequest` as `uri prefix /static, header end-user = jason`. */
export function describeHttpMatch(match: Json): string {
  const parts: string[] = [];
  for (const field of ['uri', 'scheme', 'method', 'authority']) {
    const m = describeStringMatch(match[field]);
    if (m) parts.push(`${field} ${m}`);
  }
  for (const [kind, map] of [['header', match.headers], ['query', match.queryParams]] as const) {
    if (!isObject(map)) continue;
    for (const name of Object.keys(map).sort()) {
      const m = describeStringMatch(map[name]);
      parts.push(m ? `${kind} ${name} ${m}` : `${kind} ${name} present`);
    }
  }
  if (isObject(match.withoutHeaders)) {
    for (const name of Object.keys(match.withoutHeaders).sort()) parts.push(`without header ${name}`);
  }
  if (typeof match.port === 'number') parts.push(`port ${match.port}`);
  if (isObject(match.sourceLabels)) {
    const labels = Object.keys(match.sourceLabels).sort().map(k => `${k}=${match.sourceLabels[k]}`);
    if (labels.length > 0) parts.push(`from ${labels.join(',')}`);
  }
  if (typeof match.sourceNamespace === 'string') parts.push(`from namespace ${match.sourceNamespace}`);
  const gateways = strings(match.gateways);
  if (gateways.length > 0) parts.push(`via ${gateways.join(', ')}`);
  return parts.length > 0 ? parts.join(', ') : 'any request';
}

/** A TCP or TLS route's `match`: ports, SNI hosts, source labels. */
export function describeL4Match(match: Json): string {
  const parts: string[] = [];
  if (typeof match.port === 'number') parts.push(`port ${match.port}`);
  const sni = strings(match.sniHosts);
  if (sni.length > 0) parts.push(`sni ${sni.join(', ')}`);
  const cidrs = strings(match.destinationSubnets);
  if (cidrs.length > 0) parts.push(`to ${cidrs.join(', ')}`);
  if (isObject(match.sourceLabels)) {
    const labels = Object.keys(match.sourceLabels).sort().map(k => `${k}=${match.sourceLabels[k]}`);
    if (labels.length > 0) parts.push(`from ${labels.join(',')}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'any connection';
}

/**
 * The match lines of a rule: one line per alternative (`or`), `otherwise` for a catch-all
 * after other rules, nothing for the only rule.
 */
export function matchLines(rule: Json, index: number, count: number, l4 = false): string[] {
  const matches = objects(rule.match);
  if (matches.length === 0) return index > 0 || count > 1 ? ['otherwise'] : [];
  return matches.map((m, i) => `${i > 0 ? 'or ' : ''}${l4 ? describeL4Match(m) : describeHttpMatch(m)}`);
}

/** A weight as the share of its route: Istio weights are relative. */
export function shareOf(weight: number | undefined, all: Array<number | undefined>): string | undefined {
  if (all.length <= 1) return undefined;
  const total = all.reduce<number>((sum, w) => sum + (typeof w === 'number' && w > 0 ? w : 0), 0);
  if (total === 0) return undefined;
  const share = ((typeof weight === 'number' && weight > 0 ? weight : 0) * 100) / total;
  return `${Number.isInteger(share) ? share : share.toFixed(1)}%`;
}

function percentOf(value: unknown): string {
  if (isObject(value) && typeof value.value === 'number') return `${value.value}%`;
  return '100%';
}

/** What a rule does besides routing: fault, timeout, retries, rewrite, CORS, headers. */
export function behaviourLines(rule: Json): string[] {
  const lines: string[] = [];
  const fault = isObject(rule.fault) ? rule.fault : undefined;
  if (fault && isObject(fault.delay)) {
    lines.push(`fault: delay ${fault.delay.fixedDelay ?? '?'} for ${percentOf(fault.delay.percentage)}`);
  }
  if (fault && isObject(fault.abort)) {
    const what = typeof fault.abort.httpStatus === 'number' ? `HTTP ${fault.abort.httpStatus}`
      : typeof fault.abort.grpcStatus === 'string' ? `gRPC ${fault.abort.grpcStatus}` : 'abort';
    lines.push(`fault: abort ${what} for ${percentOf(fault.abort.percentage)}`);
  }
  if (typeof rule.timeout === 'string') lines.push(`timeout ${rule.timeout}`);
  if (isObject(rule.retries)) {
    const r = rule.retries;
    if (r.attempts === 0) {
      lines.push('no retries');
    } else {
      const parts = [`retries ${typeof r.attempts === 'number' ? r.attempts : 2}`];
      if (typeof r.perTryTimeout === 'string') parts.push(`× ${r.perTryTimeout}`);
      if (typeof r.retryOn === 'string') parts.push(`on ${r.retryOn}`);
      lines.push(parts.join(' '));
    }
  }
  if (isObject(rule.rewrite)) {
    const w = rule.rewrite;
    if (typeof w.uri === 'string') lines.push(`rewrite uri ${w.uri}`);
    if (isObject(w.uriRegexRewrite)) lines.push(`rewrite uri ~ ${w.uriRegexRewrite.match} → ${w.uriRegexRewrite.rewrite}`);
    if (typeof w.authority === 'string') lines.push(`rewrite authority ${w.authority}`);
  }
  if (isObject(rule.corsPolicy)) lines.push('CORS policy');
  return lines;
}

/** A redirect or a direct response, for the node it leads to. */
export function responseLines(rule: Json): string[] | undefined {
  if (isObject(rule.redirect)) {
    const r = rule.redirect;
    const target = [
      typeof r.scheme === 'string' ? `${r.scheme}://` : '',
      typeof r.authority === 'string' ? r.authority : '',
      typeof r.port === 'number' ? `:${r.port}` : '',
      typeof r.uri === 'string' ? r.uri : '',
    ].join('');
    return [`redirect ${typeof r.redirectCode === 'number' ? r.redirectCode : 301}`, ...(target ? [`to ${target}`] : [])];
  }
  if (isObject(rule.directResponse)) {
    return [`direct response ${rule.directResponse.status ?? ''}`.trim()];
  }
  return undefined;
}

/** The mirror lines of a rule: `mirror` (deprecated), and `mirrors`. */
export function mirrorsOf(rule: Json): Array<{ destination: Json; percent: string }> {
  const result: Array<{ destination: Json; percent: string }> = [];
  if (isObject(rule.mirror)) {
    const pct = isObject(rule.mirrorPercentage) && typeof rule.mirrorPercentage.value === 'number'
      ? `${rule.mirrorPercentage.value}%` : typeof rule.mirrorPercent === 'number' ? `${rule.mirrorPercent}%` : '100%';
    result.push({ destination: rule.mirror, percent: pct });
  }
  for (const m of objects(rule.mirrors)) {
    if (isObject(m.destination)) result.push({ destination: m.destination, percent: percentOf(m.percentage) });
  }
  return result;
}
