import { Construct } from 'constructs';
import { HttpRouteFilter } from './http-filter';
import { validateCount } from './validation';
import { check, fail } from '../core/validation';

/** The filter types HTTPRoute accepts. Internal. */
export const HTTP_FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'];

/** Validates and renders a list of filters (of a rule or a backend) with the CRD's list rules. Internal. */
export function renderFilterList(owner: Construct, field: string, filters: readonly HttpRouteFilter[],
  kind: string, ns: string | undefined, allowed: readonly string[]): Array<Record<string, unknown>> {
  validateCount(owner, field, filters, 16);
  const rendered = filters.map((f, i) => {
    check(f instanceof HttpRouteFilter, owner, `${field}[${i}]`, f, 'must be an HttpRouteFilter (HttpRouteFilter.requestHeaderModifier(), ...)');
    return f._render(owner, `${field}[${i}]`, kind, ns, allowed);
  });
  const types = filters.map(f => f._type);
  for (const once of ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite']) {
    const idx = types.map((t, i) => (t === once ? i : -1)).filter(i => i >= 0);
    if (idx.length > 1) fail(owner, `${field}[${idx[1]}].type`, once, `${field}[${idx[0]}] is already a ${once} filter; it cannot be repeated`);
  }
  if (types.includes('RequestRedirect') && types.includes('URLRewrite')) {
    fail(owner, field, types, 'a RequestRedirect and a URLRewrite filter cannot be combined');
  }
  return rendered;
}
