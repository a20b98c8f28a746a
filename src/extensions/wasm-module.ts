import { IConstruct } from 'constructs';
import { cloneJson, copyJsonLike, validateJsonObject } from '../core/json';
import { assertUnique, check, compact, validatePort } from '../core/validation';
import { WorkloadMode } from '../telemetry/workload-mode';

/**
 * Where in the proxy's filter chain an extension is inserted.
 */
export enum ExtensionPhase {
  /** Before Istio's authentication filters. */
  AUTHN = 'AUTHN',
  /** Before Istio's authorization filters, after authentication. */
  AUTHZ = 'AUTHZ',
  /** Before Istio's stats filter, after authorization. */
  STATS = 'STATS',
}

/**
 * What the proxy does when a Wasm plugin fails fatally (or cannot be fetched).
 */
export enum WasmFailStrategy {
  /** Requests through the plugin fail (HTTP 503 or a reset connection). */
  FAIL_CLOSE = 'FAIL_CLOSE',
  /** The plugin is skipped; traffic passes. */
  FAIL_OPEN = 'FAIL_OPEN',
  /** A new VM is started for the plugin; the request fails while it restarts. */
  FAIL_RELOAD = 'FAIL_RELOAD',
}

/**
 * When the proxy pulls the Wasm module of an OCI image or an `http(s)` URL.
 */
export enum WasmImagePullPolicy {
  /** Use the cached module; the default unless the image tag is `latest`. */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Pull the module every time the plugin configuration changes. */
  ALWAYS = 'Always',
}

/**
 * The kind of Envoy filter a Wasm module implements.
 */
export enum WasmPluginType {
  /** An HTTP filter. */
  HTTP = 'HTTP',
  /** A network (L4) filter. */
  NETWORK = 'NETWORK',
}

/**
 * Where the value of a Wasm VM environment variable comes from.
 */
export enum WasmEnvSource {
  /** The value given in the configuration. */
  INLINE = 'INLINE',
  /** The proxy's own environment variable of the same name. */
  HOST = 'HOST',
}

/**
 * An environment variable of the Wasm VM.
 */
export interface WasmEnvVar {
  /** The variable's name, 1 to 256 characters, unique within the VM. */
  readonly name: string;

  /**
   * The value, at most 2048 characters. Only with `valueFrom: INLINE`.
   *
   * @default - empty
   */
  readonly value?: string;

  /**
   * Where the value comes from.
   *
   * @default WasmEnvSource.INLINE
   */
  readonly valueFrom?: WasmEnvSource;
}

/**
 * Which traffic an extension sees.
 */
export interface TrafficSelector {
  /**
   * The direction of the traffic, relative to the workload.
   *
   * @default WorkloadMode.CLIENT_AND_SERVER
   */
  readonly mode?: WorkloadMode;

  /**
   * Destination ports of the traffic.
   *
   * @default - every port
   */
  readonly ports?: number[];
}

/**
 * A WebAssembly module and how the proxy runs it.
 */
export interface WasmModuleOptions {
  /**
   * Where the module is: an OCI image (`oci://ghcr.io/acme/auth:1.0`, or without scheme),
   * an `https://` / `http://` URL, or a `file://` path on the proxy.
   */
  readonly url: string;

  /**
   * The SHA-256 checksum of the module or image, 64 lowercase hex digits.
   *
   * @default - not verified
   */
  readonly sha256?: string;

  /**
   * When the module is pulled.
   *
   * @default - IfNotPresent, or Always for an image tagged `latest`
   */
  readonly imagePullPolicy?: WasmImagePullPolicy;

  /**
   * Name of the Secret (in the resource's namespace) holding the registry credentials.
   *
   * @default - anonymous pull
   */
  readonly imagePullSecret?: string;

  /**
   * The configuration passed to the plugin, a JSON object.
   *
   * @default - none
   */
  readonly pluginConfig?: { [key: string]: any };

  /**
   * The plugin's name in the Envoy configuration (its root ID), 1 to 256 characters.
   *
   * @default - the module's default root ID
   */
  readonly pluginName?: string;

  /**
   * What happens when the plugin fails.
   *
   * @default WasmFailStrategy.FAIL_CLOSE
   */
  readonly failStrategy?: WasmFailStrategy;

  /**
   * The kind of filter the module implements.
   *
   * @default WasmPluginType.HTTP
   */
  readonly type?: WasmPluginType;

  /**
   * The public key used to verify the signature of the module or image.
   *
   * @default - not verified
   */
  readonly verificationKey?: string;

  /**
   * Environment variables of the Wasm VM (`vmConfig.env`), at most 256.
   *
   * @default - none
   */
  readonly env?: WasmEnvVar[];
}

const URL_SCHEMES = ['', 'file', 'http', 'https', 'oci'];
const SHA256 = /^[a-f0-9]{64}$/;

/**
 * The scheme of a URL as Go's url.Parse reads it: letters, digits, `+`, `-` and `.` up to the
 * first `:`, starting with a letter; `''` when there is none.
 */
function urlScheme(url: string): string | undefined {
  const m = /^([^:/?#]*):/.exec(url);
  if (!m) return '';
  const candidate = m[1];
  if (candidate === '') return undefined; // Go: "missing protocol scheme"
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(candidate)) return '';
  return candidate.toLowerCase();
}

/** Validates a Wasm module URL as Istio's webhook and the CRD's CEL rule do. */
export function validateWasmUrl(scope: IConstruct, field: string, url: string): void {
  check(typeof url === 'string' && url.length > 0, scope, field, url, 'is required: an oci://, https://, http:// or file:// URL of the Wasm module');
  check(!/[\s\x00-\x1f\x7f]/.test(url), scope, field, url, 'must not contain spaces or control characters');
  const scheme = urlScheme(url);
  check(scheme !== undefined, scope, field, url, 'is missing the scheme before ":"; use oci://, https://, http:// or file://');
  check(URL_SCHEMES.includes(scheme!), scope, field, url,
    `has the unsupported scheme "${scheme}"; use oci://, https://, http:// or file:// (or an OCI image reference without scheme)`);
  if (scheme === '' && !url.startsWith('/')) {
    // Istio parses a reference without scheme as http://<url>: it needs a host.
    let ok = true;
    try {
      ok = new URL(`http://${url}`).host !== '';
    } catch {
      ok = false;
    }
    check(ok, scope, field, url, 'is neither a URL nor an OCI image reference such as "ghcr.io/acme/auth-filter:1.0"');
  }
}

/** Validates the module options; `field` is the prefix (`''` for WasmPlugin, `wasm.` for TrafficExtension). */
export function validateWasmModule(scope: IConstruct, field: string, options: WasmModuleOptions): void {
  validateWasmUrl(scope, `${field}url`, options.url);
  if (options.sha256 !== undefined && options.sha256 !== '') {
    check(SHA256.test(options.sha256), scope, `${field}sha256`, options.sha256, 'must be 64 lowercase hexadecimal digits ([a-f0-9]{64})');
  }
  if (options.imagePullSecret !== undefined) {
    check(options.imagePullSecret.length >= 1 && options.imagePullSecret.length <= 253, scope, `${field}imagePullSecret`,
      options.imagePullSecret, 'must be a Secret name of 1 to 253 characters');
  }
  if (options.pluginName !== undefined) {
    check(options.pluginName.length >= 1 && options.pluginName.length <= 256, scope, `${field}pluginName`, options.pluginName,
      'must be 1 to 256 characters');
  }
  checkEnum(scope, `${field}imagePullPolicy`, options.imagePullPolicy, WasmImagePullPolicy);
  checkEnum(scope, `${field}failStrategy`, options.failStrategy, WasmFailStrategy);
  checkEnum(scope, `${field}type`, options.type, WasmPluginType);
  if (options.pluginConfig !== undefined) validateJsonObject(scope, `${field}pluginConfig`, options.pluginConfig);
  const env = options.env ?? [];
  check(env.length <= 256, scope, `${field}vmConfig.env`, env.length, 'may hold at most 256 variables');
  env.forEach((e, i) => {
    const f = `${field}vmConfig.env[${i}]`;
    check(typeof e.name === 'string' && e.name.length >= 1 && e.name.length <= 256, scope, `${f}.name`, e.name, 'must be 1 to 256 characters');
    checkEnum(scope, `${f}.valueFrom`, e.valueFrom, WasmEnvSource);
    if (e.value !== undefined) {
      check(e.value.length <= 2048, scope, `${f}.value`, e.value, 'must be at most 2048 characters');
      check((e.valueFrom ?? WasmEnvSource.INLINE) === WasmEnvSource.INLINE, scope, `${f}.value`, e.value,
        'may only be set when valueFrom is INLINE; with HOST the value is the proxy\'s own environment variable');
    }
  });
  assertUnique(scope, `${field}vmConfig.env`, env, e => e.name);
}

/** A copy of the options, so later changes to the caller's objects do not leak into the output. */
export function copyWasmModule(options: WasmModuleOptions): WasmModuleOptions {
  return {
    ...options,
    pluginConfig: copyJsonLike(options.pluginConfig),
    env: options.env ? options.env.map(e => ({ ...e })) : undefined,
  };
}

/** Renders the module options (the fields WasmPlugin and TrafficExtension.wasm share). */
export function renderWasmModule(options: WasmModuleOptions): Record<string, unknown> {
  return compact({
    url: options.url,
    sha256: options.sha256,
    imagePullPolicy: options.imagePullPolicy,
    imagePullSecret: options.imagePullSecret,
    pluginConfig: options.pluginConfig !== undefined ? cloneJson(options.pluginConfig) : undefined,
    pluginName: options.pluginName,
    failStrategy: options.failStrategy,
    type: options.type,
    verificationKey: options.verificationKey,
    vmConfig: options.env && options.env.length > 0
      ? { env: options.env.map(e => compact({ name: e.name, value: e.value, valueFrom: e.valueFrom })) }
      : undefined,
  });
}

/** Validates traffic selectors (`match`). */
export function validateTrafficSelectors(scope: IConstruct, selectors: readonly TrafficSelector[]): void {
  selectors.forEach((s, i) => {
    checkEnum(scope, `match[${i}].mode`, s.mode, WorkloadMode);
    (s.ports ?? []).forEach((p, j) => {
      check(p !== undefined, scope, `match[${i}].ports[${j}]`, p, 'is required');
      validatePort(scope, `match[${i}].ports[${j}]`, p);
    });
  });
}

/** Renders traffic selectors. */
export function renderTrafficSelectors(selectors: readonly TrafficSelector[]): Array<Record<string, unknown>> | undefined {
  if (selectors.length === 0) return undefined;
  return selectors.map(s => compact({
    mode: s.mode,
    ports: s.ports && s.ports.length > 0 ? s.ports.map(number => ({ number })) : undefined,
  }));
}

/** An int32 priority. */
export function validatePriority(scope: IConstruct, field: string, priority: number | undefined): void {
  if (priority === undefined) return;
  check(Number.isInteger(priority) && priority >= -(2 ** 31) && priority <= 2 ** 31 - 1, scope, field, priority,
    'must be a 32-bit integer (-2147483648 to 2147483647)');
}

/** A value of a string enum. */
export function checkEnum(scope: IConstruct, field: string, value: string | undefined, values: Record<string, string>): void {
  if (value === undefined) return;
  const valid = Object.values(values);
  check(valid.includes(value), scope, field, value, `must be one of ${valid.join(', ')}`);
}
