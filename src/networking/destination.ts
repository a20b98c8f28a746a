import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { qualifyHost } from './host';
import { findSubset } from './subset-registry';
import { check, validateHost, validateIstioLabel, validatePort } from '../core/validation';

/**
 * A named subset of a service's endpoints, defined by a DestinationRule.
 * Obtain one from `DestinationRule.addSubset()` or `DestinationRule.subset(name)`.
 */
export interface ISubset {
  /** The subset name (e.g. `v1`). */
  readonly subsetName: string;
  /** The host of the DestinationRule that defines the subset. */
  readonly host: string;
  /**
   * The namespace of the DestinationRule that defines the subset.
   * @default - the namespace `kubectl` applies to
   */
  readonly namespace?: string;
}

/**
 * Options common to every destination.
 */
export interface DestinationOptions {
  /**
   * The port on the destination host. Required by Istio only when the host exposes more
   * than one port.
   *
   * @default - the service's only port
   */
  readonly port?: number;
}

/**
 * Options for a destination given by host name.
 */
export interface HostDestinationOptions extends DestinationOptions {
  /**
   * A subset defined for this host by a DestinationRule of this app. Checked at synth time.
   *
   * @default - all endpoints of the host
   */
  readonly subset?: string;
}

/**
 * Where traffic goes: a service in the mesh (optionally a subset of it), or an external host.
 *
 * @example
 * Destination.fromSubset(reviewsRule.subset('v2'));
 * Destination.fromService(productpageService, { port: 9080 });
 * Destination.fromHost('httpbin.org');
 */
export class Destination {
  /**
   * A host the app does not own, by name (`reviews`, `reviews.bookinfo.svc.cluster.local`,
   * `httpbin.org`).
   */
  public static fromHost(host: string, options: HostDestinationOptions = {}): Destination {
    return new Destination(() => host, undefined, options.subset, options.port, options.subset !== undefined);
  }

  /**
   * A cdk8s-plus Service: rendered as its short name when it lives in the namespace of the
   * resource that routes to it, otherwise as `name.namespace.svc.cluster.local`.
   */
  public static fromService(service: kplus.Service, options: DestinationOptions = {}): Destination {
    return new Destination(() => service.name, () => service.metadata.namespace, undefined, options.port, false);
  }

  /**
   * A subset defined by a DestinationRule of this app; the host comes from the rule.
   */
  public static fromSubset(subset: ISubset, options: DestinationOptions = {}): Destination {
    return new Destination(() => subset.host, () => subset.namespace, subset.subsetName, options.port, false);
  }

  private constructor(
    private readonly hostOf: () => string,
    private readonly namespaceOf: (() => string | undefined) | undefined,
    /** The subset name, if any. */
    public readonly subset: string | undefined,
    /** The destination port, if any. */
    public readonly port: number | undefined,
    private readonly subsetNeedsCheck: boolean,
  ) {}

  /**
   * The host this destination names.
   */
  public get host(): string {
    return this.hostOf();
  }

  /**
   * Renders the Istio `Destination`, validating host, subset name and port.
   * `fromNamespace` is the namespace of the routing resource.
   * @internal
   */
  public _render(scope: IConstruct, field: string, fromNamespace: string | undefined): { host: string; subset?: string; port?: { number: number } } {
    const ownNamespace = this.namespaceOf?.();
    const rawHost = this.hostOf();
    const host = ownNamespace !== undefined && ownNamespace !== fromNamespace ? qualifyHost(rawHost, ownNamespace) : rawHost;
    check(host !== '*', scope, `${field}.host`, host, 'a destination host cannot be "*"; name a host, or a wildcard domain such as "*.example.com"');
    validateHost(scope, `${field}.host`, host);
    validateIstioLabel(scope, `${field}.subset`, this.subset);
    validatePort(scope, `${field}.port`, this.port);
    return {
      host,
      ...(this.subset !== undefined ? { subset: this.subset } : {}),
      ...(this.port !== undefined ? { port: { number: this.port } } : {}),
    };
  }

  /**
   * Synth-time check: a subset named by string must be defined by a DestinationRule of this
   * app for the host. Returns an error message, or undefined.
   * @internal
   */
  public _checkSubset(scope: IConstruct, field: string, fromNamespace: string | undefined): string | undefined {
    if (!this.subsetNeedsCheck || this.subset === undefined) return undefined;
    const host = this.hostOf();
    const { found, known } = findSubset(scope, host, fromNamespace, this.subset);
    if (found) return undefined;
    const valid = known.length > 0
      ? `the DestinationRules for "${host}" define ${known.map(k => JSON.stringify(k)).join(', ')}`
      : `no DestinationRule in this app defines subsets for "${host}"; add one with addSubset("${this.subset}", ...)`;
    return `${scope.node.path}: ${field}.subset "${this.subset}" is invalid: ${valid}`;
  }
}
