import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ExtensionPlacement, ExtensionPlacementOptions } from './extension-attachment';
import { TrafficSelector, WasmModuleOptions, copyWasmModule, renderWasmModule, validateWasmModule } from './wasm-module';
import * as k from '../../imports/extensions.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check, validateResourceName } from '../core/validation';
import { PolicyTargetReference } from '../security/policy-target-reference';

/**
 * Properties of a WasmPlugin.
 */
export interface WasmPluginProps extends IstioResourceProps, WasmModuleOptions, ExtensionPlacementOptions {
  /**
   * A single resource the plugin attaches to (Istio's deprecated `targetRef`; prefer
   * `targetRefs`). Cannot be combined with `selector` or `targetRefs`.
   *
   * @default - none
   */
  readonly targetRef?: PolicyTargetReference;
}

/**
 * An Istio WasmPlugin: extends the proxies of the selected workloads (or of a gateway) with
 * an HTTP or network filter written in WebAssembly.
 *
 * Istio 1.30 also offers `TrafficExtension`, which supersedes WasmPlugin and adds Lua.
 *
 * @example
 * new WasmPlugin(this, 'basic-auth', {
 *   selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
 *   url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
 *   phase: ExtensionPhase.AUTHN,
 *   pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET'], credentials: ['ok:test'] }] },
 * });
 */
export class WasmPlugin extends IstioResource {
  /** The underlying `extensions.istio.io/v1alpha1` WasmPlugin object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'wasmplugins';

  /** The URL of the Wasm module. */
  public readonly url: string;

  private readonly module: WasmModuleOptions;
  private readonly placement: ExtensionPlacement;
  private readonly targetRef?: PolicyTargetReference;

  public constructor(scope: Construct, id: string, props: WasmPluginProps) {
    super(scope, id, props);
    validateWasmModule(this, '', props);
    this.module = copyWasmModule(props);
    this.url = props.url;
    this.placement = new ExtensionPlacement(this, props);
    if (props.targetRef !== undefined) {
      const ref = props.targetRef;
      check(props.selector === undefined && (props.targetRefs ?? []).length === 0, this, 'targetRef', `${ref.kind}/${ref.name}`,
        'a WasmPlugin takes only one of selector, targetRef and targetRefs');
      this.targetRef = ref;
    }
    this.apiObject = new k.WasmPlugin(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /** Attaches the plugin to one more Gateway, Service or ServiceEntry. */
  public addTargetRef(ref: PolicyTargetReference): void {
    check(this.targetRef === undefined, this, 'targetRefs', `${ref.kind}/${ref.name}`, 'a WasmPlugin takes only one of selector, targetRef and targetRefs');
    this.placement.addTargetRef(ref);
  }

  /** Adds a traffic selector (`match`). */
  public addMatch(selector: TrafficSelector): void {
    this.placement.addMatch(selector);
  }

  private renderTargetRef(ref: PolicyTargetReference): { group: string; kind: string; name: string } {
    validateResourceName(this, 'targetRef.name', ref.name);
    const ns = ref.namespace;
    check(ns === undefined || ns === this.namespace, this, 'targetRef.namespace', ns,
      `Istio does not support cross-namespace targets; the ${ref.kind} "${ref.name}" must be in the plugin's namespace`);
    return { group: ref.group, kind: ref.kind, name: ref.name };
  }

  /** @internal */
  public _toKube(): k.WasmPluginSpec {
    return {
      ...this.placement.render(this.namespace),
      ...(this.targetRef ? { targetRef: this.renderTargetRef(this.targetRef) } : {}),
      ...renderWasmModule(this.module),
    } as unknown as k.WasmPluginSpec;
  }
}
