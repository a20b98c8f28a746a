import { AnalysisContext } from '../context';
import { crdSchemaProblems, hasCrdSchema } from '../crd-schema';
import { Resource, isObject, objects, stringMap, strings } from '../resource';

/**
 * serviceentry (IST0134), envoyfilter (IST0151–IST0155), webhook (IST0139),
 * externalcontrolplane (IST0163, IST0164), authn (IST0175), deprecation (IST0002).
 * Internal.
 */

/** IST0134: a ServiceEntry with TCP (or unnamed-protocol) ports and no addresses. */
export function serviceEntryAddresses(ctx: AnalysisContext): void {
  const mesh = ctx.model.meshConfig;
  const metadata = isObject(mesh.defaultConfig) ? stringMap(mesh.defaultConfig.proxyMetadata) : {};
  const autoAllocate = metadata.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' && metadata.ISTIO_META_DNS_CAPTURE === 'true';
  for (const se of ctx.model.istio('ServiceEntry')) {
    if (autoAllocate || strings(se.spec.addresses).length > 0 || se.labels['networking.istio.io/enable-autoallocate-ip'] === 'true') continue;
    const tcp = objects(se.spec.ports).find(p => p.protocol === undefined || p.protocol === '' || p.protocol === 'TCP');
    if (tcp) {
      ctx.report(se, 'IST0134', `ServiceEntry addresses are required for this protocol: port ${tcp.number} is TCP; add spec.addresses, or enable DNS auto-allocation.`);
    }
  }
}

const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER', 'REPLACE']);
const FILTERS = new Set(['HTTP_FILTER', 'NETWORK_FILTER']);
const ROUTES = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);

/** IST0151–IST0155: EnvoyFilter patch operations that are ignored or order-dependent. */
export function envoyFilterPatches(ctx: AnalysisContext): void {
  for (const ef of ctx.model.istio('EnvoyFilter')) {
    const priority = typeof ef.spec.priority === 'number' ? ef.spec.priority : 0;
    objects(ef.spec.configPatches).forEach((patch, i) => {
      const op = isObject(patch.patch) ? patch.patch.operation : undefined;
      const applyTo = patch.applyTo;
      const where = `configPatches[${i}] (applyTo ${applyTo ?? 'INVALID'}, operation ${op})`;
      if (op === 'REPLACE' && !FILTERS.has(applyTo)) {
        ctx.report(ef, 'IST0152', `The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER: ${where}.`);
      }
      if (op === 'ADD' && ROUTES.has(applyTo)) {
        ctx.report(ef, 'IST0153', `The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE: ${where}.`);
      }
      if (op === 'REMOVE' && ROUTES.has(applyTo)) {
        ctx.report(ef, 'IST0154', `The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE: ${where}.`);
      }
      if (RELATIVE.has(op) && priority === 0) {
        const proxy = isObject(patch.match) && isObject(patch.match.proxy) ? patch.match.proxy : {};
        if (typeof proxy.proxyVersion === 'string' && proxy.proxyVersion !== '') {
          ctx.report(ef, 'IST0155', `This EnvoyFilter does not have a priority and has a relative patch operation and proxyVersion set, which can cause it not to be applied during an upgrade: ${where}. `
            + 'Use INSERT_FIRST or ADD, or set spec.priority.');
        } else {
          ctx.report(ef, 'IST0151', `This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied: ${where}. `
            + 'Use INSERT_FIRST or ADD, or set spec.priority.');
        }
      }
    });
  }
}

function isIstioWebhook(r: Resource): boolean {
  return r.name.startsWith('istio-') || r.labels['istio.io/rev'] !== undefined || r.labels.app === 'sidecar-injector';
}

/** IST0139: an Istio webhook calling a Service (or port) that does not exist, or two revisions' injectors selecting the same objects. */
export function webhooks(ctx: AnalysisContext): void {
  const model = ctx.model;
  const injectors: Array<{ r: Resource; key: string }> = [];
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    for (const r of model.kube(kind)) {
      if (!isIstioWebhook(r)) continue;
      for (const hook of objects(r.json.webhooks)) {
        const svc = isObject(hook.clientConfig) && isObject(hook.clientConfig.service) ? hook.clientConfig.service : undefined;
        if (svc) {
          const ns = String(svc.namespace ?? 'default');
          const name = String(svc.name ?? '');
          const service = model.service(ns, name);
          if (!service) {
            if (model.expects('Service', ns)) ctx.report(r, 'IST0139', `Webhook ${hook.name} of ${r.ref} references Service ${ns}/${name}, which does not exist.`);
          } else if (svc.port !== undefined && !service.ports.some(p => p.number === Number(svc.port))) {
            ctx.report(r, 'IST0139', `Webhook ${hook.name} of ${r.ref} references port ${svc.port} of Service ${ns}/${name}, which exposes ${service.ports.map(p => p.number).join(', ')}.`);
          }
        }
        if (kind === 'MutatingWebhookConfiguration') {
          injectors.push({ r, key: JSON.stringify([hook.namespaceSelector ?? {}, hook.objectSelector ?? {}]) });
        }
      }
    }
  }
  for (const a of injectors) {
    const clash = injectors.find(b => b.r !== a.r && b.key === a.key);
    if (clash) ctx.report(a.r, 'IST0139', `Webhook ${a.r.name} selects the same namespaces and objects as ${clash.r.name}: pods would be injected twice, by either revision.`);
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** IST0163, IST0164: injection and validation webhooks that reach an external control plane by URL. */
export function externalControlPlane(ctx: AnalysisContext): void {
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    for (const r of ctx.model.kube(kind)) {
      if (!/^istio-(sidecar-injector|validator)/.test(r.name)) continue;
      for (const hook of objects(r.json.webhooks)) {
        const url = isObject(hook.clientConfig) && typeof hook.clientConfig.url === 'string' ? hook.clientConfig.url : undefined;
        if (url === undefined) continue;
        let hostname = '';
        try {
          hostname = new URL(url).hostname;
        } catch {
          hostname = '';
        }
        if (hostname === '') {
          ctx.report(r, 'IST0163', `The hostname (${url}) that was provided for the webhook (${hook.name}) to reach the ingress gateway on the external control plane cluster is not a valid URL. Traffic may not flow properly.`);
        } else if (IPV4.test(hostname) || hostname.startsWith('[')) {
          ctx.report(r, 'IST0164', `The address (${hostname}) that was provided for the webhook (${hook.name}) to reach the ingress gateway on the external control plane cluster is an IP address. This is not recommended for a production environment.`);
        }
      }
    }
  }
}

/** IST0175: RequestAuthentications while istiod fetches JWKS from any address. */
export function blockedCidrs(ctx: AnalysisContext): void {
  const authns = ctx.model.istio('RequestAuthentication');
  if (authns.length === 0) return;
  for (const d of ctx.model.kube('Deployment')) {
    if (d.labels.app !== 'istiod') continue;
    const containers = objects(isObject(d.spec.template) && isObject(d.spec.template.spec) ? d.spec.template.spec.containers : undefined);
    const set = containers.some(c => objects(c.env).some(e => e.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && typeof e.value === 'string' && e.value !== ''));
    if (set) continue;
    const names = authns.map(a => a.fullName);
    const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
    ctx.report(d, 'IST0175', `istiod fetches the JWKS of ${names.length} RequestAuthentication(s) (${shown}) from any address: set BLOCKED_CIDRS_IN_JWKS_URIS on istiod to keep jwksUri away from internal networks.`);
  }
}

/** IST0002: deprecated fields. */
export function deprecatedFields(ctx: AnalysisContext): void {
  for (const vs of ctx.model.istio('VirtualService')) {
    objects(vs.spec.http).forEach((rule, i) => {
      if (rule.mirrorPercent !== undefined) {
        ctx.report(vs, 'IST0002', `Deprecated: http[${i}].mirrorPercent is deprecated; use mirrorPercentage.`);
      }
      const delay = isObject(rule.fault) && isObject(rule.fault.delay) ? rule.fault.delay : undefined;
      if (delay?.percent !== undefined) {
        ctx.report(vs, 'IST0002', `Deprecated: http[${i}].fault.delay.percent is deprecated; use percentage.`);
      }
    });
  }
  for (const sc of ctx.model.istio('Sidecar')) {
    if (isObject(sc.spec.outboundTrafficPolicy) && sc.spec.outboundTrafficPolicy.egressProxy !== undefined) {
      ctx.report(sc, 'IST0002', 'Deprecated: outboundTrafficPolicy.egressProxy is not supported and is ignored; route to an egress gateway with a VirtualService instead.');
    }
  }
}

/**
 * IST0106: what the API server or Istio's webhook would reject, for objects that did not come
 * through this library's validation (YAML read by the command, raw ApiObjects, Includes): the
 * CRD schema with its CEL rules (see crd-schema.ts), and the required settings the webhook
 * adds to it.
 */
export function schemaErrors(ctx: AnalysisContext): void {
  const webhookRequired: Array<[string, string, (spec: Record<string, any>) => boolean]> = [
    ['Gateway', 'spec.servers: must have at least one server', spec => objects(spec.servers).length > 0],
    ['ServiceEntry', 'spec.hosts: must have at least one host', spec => strings(spec.hosts).length > 0],
  ];
  for (const r of ctx.model.resources) {
    if (r.origin.validated || !hasCrdSchema(r.apiVersion, r.kind)) continue;
    const problems = crdSchemaProblems(r.json).map(p => `${p.field || '(object)'}: ${p.message}`);
    if (problems.length === 0 && r.group === 'networking.istio.io') {
      for (const [kind, problem, ok] of webhookRequired) if (r.kind === kind && !ok(r.spec)) problems.push(problem);
    }
    for (const problem of [...new Set(problems)]) ctx.report(r, 'IST0106', `Schema validation error: ${problem}`);
  }
}

/**
 * IST0133: what Istio's webhook accepts with a warning (`kubectl apply` prints it), for every
 * object: the validation's warnings, not only its errors.
 * - VirtualService `http[].mirrorPercent` is deprecated for `mirrorPercentage`;
 * - a DestinationRule locality failover (`failover`, `failoverPriority`) needs outlier detection
 *   at the same level to ever fail over;
 * - a Sidecar `workloadSelector` without labels applies to every workload of the namespace;
 * - an EnvoyFilter filter match has no effect on a LISTENER or FILTER_CHAIN patch.
 */
export function schemaWarnings(ctx: AnalysisContext): void {
  const model = ctx.model;
  for (const vs of model.istio('VirtualService')) {
    objects(vs.spec.http).forEach((route, i) => {
      if (route.mirrorPercent !== undefined) {
        ctx.report(vs, 'IST0133', `Schema validation warning: http[${i}] uses the deprecated setting "mirrorPercent"; use "mirrorPercentage" instead.`);
      }
    });
  }
  for (const dr of model.istio('DestinationRule')) {
    const policies: Array<[string, Record<string, any>]> = [];
    const add = (at: string, policy: unknown) => {
      if (isObject(policy)) {
        policies.push([at, policy]);
        objects(policy.portLevelSettings).forEach((p, i) => policies.push([`${at}.portLevelSettings[${i}]`, p]));
      }
    };
    add('trafficPolicy', dr.spec.trafficPolicy);
    objects(dr.spec.subsets).forEach((s, i) => add(`subsets[${i}].trafficPolicy`, s.trafficPolicy));
    for (const [at, policy] of policies) {
      const locality = isObject(policy.loadBalancer) ? policy.loadBalancer.localityLbSetting : undefined;
      const failover = isObject(locality) && (objects(locality.failover).length > 0 || strings(locality.failoverPriority).length > 0);
      if (failover && policy.outlierDetection === undefined) {
        ctx.report(dr, 'IST0133', `Schema validation warning: ${at}.loadBalancer.localityLbSetting fails over, but ${at} has no outlierDetection: `
          + 'outlier detection policy must be provided for failover.');
      }
    }
  }
  for (const sc of model.istio('Sidecar')) {
    const selector = sc.spec.workloadSelector;
    if (isObject(selector) && Object.keys(stringMap(selector.labels)).length === 0) {
      ctx.report(sc, 'IST0133', 'Schema validation warning: workloadSelector has no labels, so the Sidecar applies to every workload in the namespace.');
    }
  }
  for (const ef of model.istio('EnvoyFilter')) {
    objects(ef.spec.configPatches).forEach((patch, i) => {
      const listener = isObject(patch.match) && isObject(patch.match.listener) ? patch.match.listener : undefined;
      const chain = listener && isObject(listener.filterChain) ? listener.filterChain : undefined;
      if (chain?.filter !== undefined && (patch.applyTo === 'LISTENER' || patch.applyTo === 'FILTER_CHAIN')) {
        ctx.report(ef, 'IST0133', `Schema validation warning: configPatches[${i}]: a filter match has no effect when used with ${patch.applyTo}.`);
      }
    });
  }
}
