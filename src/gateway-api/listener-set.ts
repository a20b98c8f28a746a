import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ListenerOptions, renderListener } from './listener';
import { IRouteParent, renderParentRef } from './references';
import { GATEWAY_API_GROUP, GatewayApiResource, GatewayApiResourceProps } from './resource';
import * as k from '../../imports/gateway.networking.k8s.io';
import { check, invalidMessage } from '../core/validation';

/** Properties of a ListenerSet. */
export interface ListenerSetProps extends GatewayApiResourceProps {
  /**
   * The Gateway the listeners are added to: a `Gateway` of this app, or
   * `RouteParent.fromGatewayName()`. The Gateway must allow them (`allowedListeners`).
   */
  readonly gateway: IRouteParent;
  /** Listeners, 1 to 64. More with `addListener()`. @default - none yet; add at least one */
  readonly listeners?: ListenerOptions[];
}

/**
 * A Gateway API ListenerSet: listeners added to a shared Gateway from another resource (and
 * namespace), e.g. one team's HTTPS hosts on a platform team's Gateway. Routes attach to it
 * like to a Gateway.
 */
export class ListenerSet extends GatewayApiResource implements IRouteParent {
  /** @see https://gateway-api.sigs.k8s.io/api-types/listenerset/ */
  public readonly resourceType = 'listenersets';
  protected readonly apiObject: ApiObject;
  private readonly parentRef: Record<string, unknown>;
  private readonly listeners: Array<Record<string, any>> = [];

  public constructor(scope: Construct, id: string, props: ListenerSetProps) {
    super(scope, id, props);
    this.apiObject = new k.ListenerSet(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    check(props.gateway !== undefined && props.gateway.parentKind === 'Gateway' && props.gateway.parentGroup === GATEWAY_API_GROUP,
      this, 'parentRef', props.gateway?.parentKind, 'must be a Gateway');
    const ref = renderParentRef(this, 'parentRef', props.gateway, {}, this.metadata.namespace);
    this.parentRef = { ...ref };
    for (const l of props.listeners ?? []) this.addListener(l);
    this.node.addValidation({
      validate: () => (this.listeners.length === 0 ? [invalidMessage(this, 'listeners', [], 'a ListenerSet needs 1 to 64 listeners (addListener())')] : []),
    });
  }

  /** `gateway.networking.k8s.io`. */
  public get parentGroup(): string {
    return GATEWAY_API_GROUP;
  }

  /** `ListenerSet`. */
  public get parentKind(): string {
    return 'ListenerSet';
  }

  /** The ListenerSet's name. */
  public get parentName(): string {
    return this.name;
  }

  /** The ListenerSet's namespace. */
  public get parentNamespace(): string | undefined {
    return this.metadata.namespace;
  }

  /** Adds a listener. */
  public addListener(listener: ListenerOptions): void {
    const field = `listeners[${this.listeners.length}]`;
    check(this.listeners.length < 64, this, 'listeners', this.listeners.length + 1, 'a ListenerSet may have at most 64 listeners');
    this.listeners.push(renderListener(this, field, listener, this.listeners, 'ListenerSet', this.metadata.namespace));
  }

  /** @internal */
  public _toKube(): k.ListenerSetSpec {
    return { parentRef: this.parentRef, listeners: this.listeners } as unknown as k.ListenerSetSpec;
  }
}
