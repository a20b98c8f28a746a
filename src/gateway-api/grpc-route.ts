import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { HttpRouteFilter } from './http-filter';
import { HttpHeaderMatch, renderFilterList } from './http-route';
import { BackendRef } from './references';
import { HostnameRouteProps, Route } from './route-base';
import { validateCount, validateLength, validateSectionName, validateUniqueKeys } from './validation';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, fail } from '../core/validation';

const SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/** A match on the gRPC service and method (`/package.Service/Method`). */
export class GrpcMethodMatch {
  /**
   * The service (`helloworld.Greeter`) and/or method (`SayHello`) exactly; at least one.
   * @param service the fully qualified service name; undefined: any service
   * @param method the method name; undefined: any method
   */
  public static exact(service?: string, method?: string): GrpcMethodMatch {
    return new GrpcMethodMatch('Exact', service, method);
  }

  /** Service and/or method names matching regular expressions; at least one. */
  public static regularExpression(service?: string, method?: string): GrpcMethodMatch {
    return new GrpcMethodMatch('RegularExpression', service, method);
  }

  private constructor(
    private readonly type: string,
    private readonly service?: string,
    private readonly method?: string,
  ) {}

  /** @internal */
  public _render(scope: Construct, field: string): Record<string, string> {
    check(this.service !== undefined || this.method !== undefined, scope, field, {}, 'set a service, a method, or both');
    validateLength(scope, `${field}.service`, this.service, 0, 1024);
    validateLength(scope, `${field}.method`, this.method, 0, 1024);
    if (this.type === 'Exact') {
      if (this.service !== undefined) {
        check(SERVICE.test(this.service), scope, `${field}.service`, this.service, 'must be a fully qualified gRPC service name such as "helloworld.Greeter"');
      }
      if (this.method !== undefined) {
        check(METHOD.test(this.method), scope, `${field}.method`, this.method, 'must be a gRPC method name such as "SayHello"');
      }
    }
    const out: Record<string, string> = {};
    if (this.type !== 'Exact') out.type = this.type;
    if (this.service !== undefined) out.service = this.service;
    if (this.method !== undefined) out.method = this.method;
    return out;
  }
}

/** Conditions a gRPC request must all meet to match. */
export interface GrpcRouteMatch {
  /** The service and method. @default - any */
  readonly method?: GrpcMethodMatch;
  /** Headers (metadata), up to 16, with distinct names. @default - any */
  readonly headers?: HttpHeaderMatch[];
}

/** A rule of a GRPCRoute. */
export interface GrpcRouteRuleOptions {
  /** The rule's name. @default - unnamed */
  readonly name?: string;
  /** Requests the rule applies to, up to 64. @default - every request */
  readonly matches?: GrpcRouteMatch[];
  /** Filters: header modifiers, `requestMirror`, `extensionRef`; up to 16. @default - none */
  readonly filters?: HttpRouteFilter[];
  /** Where matching requests go, up to 16, weighted. @default - none */
  readonly backendRefs?: BackendRef[];
}

/** Properties of a GRPCRoute. */
export interface GrpcRouteProps extends HostnameRouteProps {
  /** Rules, up to 16. More with `addRule()`. @default - none */
  readonly rules?: GrpcRouteRuleOptions[];
}

/** The filter types GRPCRoute accepts. */
const GRPC_FILTER_TYPES = ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'];

/**
 * A Gateway API GRPCRoute: routes gRPC calls by service, method and metadata.
 *
 * @example
 * new GrpcRoute(this, 'greeter', {
 *   parents: [gateway],
 *   rules: [{ matches: [{ method: GrpcMethodMatch.exact('helloworld.Greeter') }], backendRefs: [BackendRef.fromService(greeter)] }],
 * });
 */
export class GrpcRoute extends Route {
  /** @see https://gateway-api.sigs.k8s.io/api-types/grpcroute/ */
  public readonly resourceType = 'grpcroutes';
  protected readonly apiObject: ApiObject;
  private readonly rules: Array<Record<string, unknown>> = [];

  public constructor(scope: Construct, id: string, props: GrpcRouteProps = {}) {
    super(scope, id, props);
    this.apiObject = new k.GrpcRoute(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    for (const parent of props.parents ?? []) this.addParent(parent);
    for (const hostname of props.hostnames ?? []) this.addHostname(hostname);
    for (const rule of props.rules ?? []) this.addRule(rule);
  }

  /** Adds a rule. */
  public addRule(rule: GrpcRouteRuleOptions): void {
    const field = `rules[${this.rules.length}]`;
    check(this.rules.length < 16, this, 'rules', this.rules.length + 1, 'a GRPCRoute may have at most 16 rules');
    const ns = this.metadata.namespace;
    rule = rule ?? {};
    validateSectionName(this, `${field}.name`, rule.name);
    if (rule.matches) validateCount(this, `${field}.matches`, rule.matches, 64);
    const matches = rule.matches?.map((m, i) => {
      const f = `${field}.matches[${i}]`;
      const out: Record<string, unknown> = {};
      if (m?.method !== undefined) {
        check(m.method instanceof GrpcMethodMatch, this, `${f}.method`, m.method, 'must be a GrpcMethodMatch');
        out.method = m.method._render(this, `${f}.method`);
      }
      if (m?.headers !== undefined) {
        validateCount(this, `${f}.headers`, m.headers, 16);
        out.headers = m.headers.map((h, j) => h._render(this, `${f}.headers[${j}]`));
        validateUniqueKeys(this, `${f}.headers`, m.headers.map(h => h._name), 'header name');
      }
      return out;
    });
    const filters = rule.filters ? renderFilterList(this, `${field}.filters`, rule.filters, 'GRPCRoute', ns, GRPC_FILTER_TYPES) : undefined;
    if (rule.backendRefs) validateCount(this, `${field}.backendRefs`, rule.backendRefs, 16);
    const backendRefs = rule.backendRefs?.map((b, i) => {
      check(b instanceof BackendRef, this, `${field}.backendRefs[${i}]`, b, 'must be a BackendRef');
      return b._render(this, `${field}.backendRefs[${i}]`, 'GRPCRoute', ns, true,
        (fs, f) => renderFilterList(this, f, fs, 'GRPCRoute', ns, GRPC_FILTER_TYPES));
    });
    const total = this.rules.reduce((n, r) => n + (Array.isArray(r.matches) ? r.matches.length : 0), 0) + (matches?.length ?? 0);
    if (total > 128) fail(this, `${field}.matches`, total, 'the rules of a route may have at most 128 matches in total');
    const out: Record<string, unknown> = {};
    if (rule.name !== undefined) out.name = rule.name;
    if (matches && matches.length > 0) out.matches = matches;
    if (filters && filters.length > 0) out.filters = filters;
    if (backendRefs && backendRefs.length > 0) out.backendRefs = backendRefs;
    this.rules.push(out);
  }

  /** @internal */
  public _toKube(): k.GrpcRouteSpec {
    const out: Record<string, unknown> = this._renderCommon();
    if (this.rules.length > 0) out.rules = this.rules;
    return out as k.GrpcRouteSpec;
  }
}
