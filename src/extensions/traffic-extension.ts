import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ExtensionPlacement, ExtensionPlacementOptions } from './extension-attachment';
import { TrafficSelector, WasmModuleOptions, copyWasmModule, renderWasmModule, validateWasmModule } from './wasm-module';
import * as k from '../../imports/extensions.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check } from '../core/validation';
import { PolicyTargetReference } from '../security/policy-target-reference';

/**
 * The filter a TrafficExtension runs: a WebAssembly module or inline Lua code.
 *
 * @example
 * ExtensionFilter.lua('function envoy_on_request(h) h:headers():add("x-lua", "1") end');
 * ExtensionFilter.wasm({ url: 'oci://ghcr.io/acme/auth-filter:1.0', pluginName: 'auth' });
 */
export class ExtensionFilter {
  /**
   * A WebAssembly module.
   */
  public static wasm(options: WasmModuleOptions): ExtensionFilter {
    return new ExtensionFilter(copyWasmModule(options), undefined);
  }

  /**
   * A Lua filter; `inlineCode` defines `envoy_on_request` and/or `envoy_on_response`
   * (1 to 65536 characters).
   */
  public static lua(inlineCode: string): ExtensionFilter {
    return new ExtensionFilter(undefined, inlineCode);
  }

  private constructor(private readonly wasmModule: WasmModuleOptions | undefined, private readonly luaCode: string | undefined) {}

  /** @internal */
  public _validate(scope: Construct): void {
    if (this.wasmModule) {
      validateWasmModule(scope, 'wasm.', this.wasmModule);
    } else {
      const code = this.luaCode;
      check(typeof code === 'string' && code.length >= 1 && code.length <= 65536, scope, 'lua.inlineCode',
        typeof code === 'string' && code.length > 80 ? `${code.slice(0, 77)}...` : code, 'must be 1 to 65536 characters of Lua code');
    }
  }

  /** @internal */
  public _render(): { wasm?: Record<string, unknown>; lua?: { inlineCode: string } } {
    return this.wasmModule ? { wasm: renderWasmModule(this.wasmModule) } : { lua: { inlineCode: this.luaCode! } };
  }
}

/**
 * Properties of a TrafficExtension.
 */
export interface TrafficExtensionProps extends IstioResourceProps, ExtensionPlacementOptions {
  /** The filter to run: `ExtensionFilter.wasm(...)` or `ExtensionFilter.lua(...)`. */
  readonly filter: ExtensionFilter;
}

/**
 * An Istio TrafficExtension (new in Istio 1.30, superseding WasmPlugin): extends the proxies
 * of the selected workloads (or of a gateway) with a WebAssembly or Lua filter.
 *
 * @example
 * new TrafficExtension(this, 'add-header', {
 *   selector: WorkloadSelector.fromLabels({ app: 'productpage' }),
 *   filter: ExtensionFilter.lua('function envoy_on_response(h) h:headers():add("x-powered-by", "lua") end'),
 *   phase: ExtensionPhase.STATS,
 * });
 */
export class TrafficExtension extends IstioResource {
  /** The underlying `extensions.istio.io/v1alpha1` TrafficExtension object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'trafficextensions';

  /** The filter the extension runs. */
  public readonly filter: ExtensionFilter;

  private readonly placement: ExtensionPlacement;

  public constructor(scope: Construct, id: string, props: TrafficExtensionProps) {
    super(scope, id, props);
    check(props.filter instanceof ExtensionFilter, this, 'filter', props.filter, 'is required: ExtensionFilter.wasm(...) or ExtensionFilter.lua(...)');
    props.filter._validate(this);
    this.filter = props.filter;
    this.placement = new ExtensionPlacement(this, props);
    this.apiObject = new k.TrafficExtension(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /** Attaches the extension to one more Gateway, Service or ServiceEntry. */
  public addTargetRef(ref: PolicyTargetReference): void {
    this.placement.addTargetRef(ref);
  }

  /** Adds a traffic selector (`match`). */
  public addMatch(selector: TrafficSelector): void {
    this.placement.addMatch(selector);
  }

  /** @internal */
  public _toKube(): k.TrafficExtensionSpec {
    return {
      ...this.placement.render(this.namespace),
      ...this.filter._render(),
    } as unknown as k.TrafficExtensionSpec;
  }
}
