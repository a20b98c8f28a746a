import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { apiObject, commonLabels, InstallContext, pilotLabels, revisioned, revLabel, SyncWave } from './install-context';

/** A label selector requirement. */
interface Requirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: string[];
}

const inValues = (key: string, ...values: string[]): Requirement => ({ key, operator: 'In', values });
const notIn = (key: string, ...values: string[]): Requirement => ({ key, operator: 'NotIn', values });
const absent = (key: string): Requirement => ({ key, operator: 'DoesNotExist' });

const REV = 'istio.io/rev';
const INJECTION = 'istio-injection';
const INJECT = 'sidecar.istio.io/inject';

/** What Istio's validation webhooks validate: every Istio kind, on create and update. */
const VALIDATION_RULE = {
  operations: ['CREATE', 'UPDATE'],
  apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
  apiVersions: ['*'],
  resources: ['*'],
};

/** Options of the injection webhooks. Internal. */
export interface InjectionWebhookOptions {
  /** Name of the istiod Service the webhooks call. */
  readonly serviceName: string;
  /** `Never` or `IfNeeded`. */
  readonly reinvocationPolicy: string;
}

function injectionWebhook(ctx: InstallContext, options: InjectionWebhookOptions, prefix: string,
  namespaceSelector: Requirement[], objectSelector: Requirement[]): Record<string, unknown> {
  return {
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: { service: { name: options.serviceName, namespace: ctx.namespace, path: '/inject', port: 443 } },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    reinvocationPolicy: options.reinvocationPolicy,
    admissionReviewVersions: ['v1'],
    namespaceSelector: { matchExpressions: namespaceSelector },
    objectSelector: { matchExpressions: objectSelector },
  };
}

/**
 * The four injection webhooks, in the order istiod expects:
 * - `rev.namespace.`: namespace labelled `istio.io/rev=<rev>` (and not `istio-injection`);
 * - `rev.object.`: pod labelled `istio.io/rev=<rev>` in an unlabelled namespace;
 * - `namespace.` (default revision only): namespace labelled `istio-injection=enabled`;
 * - `object.` (default revision only): pod labelled `sidecar.istio.io/inject=true` in an unlabelled namespace.
 */
export function injectionWebhooks(ctx: InstallContext, options: InjectionWebhookOptions, revisionOrTag: string,
  includeDefault: boolean): Array<Record<string, unknown>> {
  const hooks = [
    injectionWebhook(ctx, options, 'rev.namespace.', [inValues(REV, revisionOrTag), absent(INJECTION)], [notIn(INJECT, 'false')]),
    injectionWebhook(ctx, options, 'rev.object.', [absent(REV), absent(INJECTION)], [notIn(INJECT, 'false'), inValues(REV, revisionOrTag)]),
  ];
  if (includeDefault) {
    hooks.push(
      injectionWebhook(ctx, options, 'namespace.', [inValues(INJECTION, 'enabled')], [notIn(INJECT, 'false')]),
      injectionWebhook(ctx, options, 'object.', [absent(INJECTION), absent(REV)], [inValues(INJECT, 'true'), absent(REV)]),
    );
  }
  return hooks;
}

/** The MutatingWebhookConfiguration `istio-sidecar-injector[-<rev>]`. Internal. */
export function createInjectionWebhookConfiguration(scope: Construct, ctx: InstallContext, options: InjectionWebhookOptions): ApiObject {
  return apiObject(scope, 'MutatingWebhookConfiguration', ctx, SyncWave.WEBHOOKS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    name: webhookName(ctx, revisioned(ctx, 'istio-sidecar-injector')),
    namespaced: false,
    labels: pilotLabels(ctx, { app: 'sidecar-injector' }),
    body: { webhooks: injectionWebhooks(ctx, options, revLabel(ctx), ctx.revision === undefined) },
  });
}

/** The selector `istioctl` gives a webhook it deactivates: it matches no namespace and no object. */
const NEVER_MATCH = { matchLabels: { 'istio.io/deactivated': 'never-match' } };

/**
 * Deactivates the injection webhooks of the default revision's `istio-sidecar-injector`, as
 * `istioctl install` does once the `default` revision tag takes over injection (Istio keeps the
 * webhook, so that the tag can later move, but makes it match nothing): without it, both
 * webhooks would select the same pods (`istioctl analyze` IST0139). Internal.
 */
export function deactivateInjectionWebhooks(webhookConfiguration: ApiObject): void {
  const webhooks = (webhookConfiguration.toJson() as { webhooks: unknown[] }).webhooks;
  webhooks.forEach((_, i) => {
    webhookConfiguration.addJsonPatch(
      JsonPatch.replace(`/webhooks/${i}/namespaceSelector`, NEVER_MATCH),
      JsonPatch.replace(`/webhooks/${i}/objectSelector`, NEVER_MATCH),
    );
  });
}

/** The ValidatingWebhookConfiguration `istio-validator[-<rev>]-<namespace>`. Internal. */
export function createValidatingWebhookConfiguration(scope: Construct, ctx: InstallContext, serviceName: string): ApiObject {
  return apiObject(scope, 'ValidatingWebhookConfiguration', ctx, SyncWave.WEBHOOKS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    name: `${revisioned(ctx, 'istio-validator')}-${ctx.namespace}`,
    namespaced: false,
    labels: { 'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': revLabel(ctx), ...commonLabels('istiod') },
    body: {
      webhooks: [{
        name: 'rev.validation.istio.io',
        clientConfig: { service: { name: serviceName, namespace: ctx.namespace, path: '/validate' } },
        rules: [VALIDATION_RULE],
        // istiod switches this to Fail and patches in the caBundle once its endpoint is ready.
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        objectSelector: { matchExpressions: [inValues(REV, revLabel(ctx))] },
      }],
    },
  });
}

/**
 * The ValidatingWebhookConfiguration `istiod-default-validator`, which `istioctl install` (or
 * `istioctl tag set default`) adds for the default revision: it validates Istio config that
 * carries no `istio.io/rev` label (`istio-validator-<namespace>` only selects
 * `istio.io/rev=<revision>`), with the istiod of the revision the `default` tag points at. Internal.
 */
export function createDefaultValidatorConfiguration(scope: Construct, id: string, ctx: InstallContext, serviceName: string): ApiObject {
  return apiObject(scope, id, ctx, SyncWave.WEBHOOKS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    name: webhookName(ctx, 'istiod-default-validator'),
    namespaced: false,
    labels: { 'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': revLabel(ctx), ...commonLabels('istiod') },
    body: {
      webhooks: [{
        name: 'validation.istio.io',
        clientConfig: { service: { name: serviceName, namespace: ctx.namespace, path: '/validate' } },
        rules: [VALIDATION_RULE],
        // as for istio-validator: istiod switches it to Fail with its caBundle once ready
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      }],
    },
  });
}

/**
 * The MutatingWebhookConfiguration `istio-revision-tag-<tag>`: namespaces and pods labelled
 * `istio.io/rev=<tag>` are injected by the revision the tag points to. The tag `default` also
 * serves `istio-injection=enabled` and `sidecar.istio.io/inject=true`. Internal.
 */
export function createRevisionTagWebhookConfiguration(scope: Construct, id: string, ctx: InstallContext, tag: string,
  options: InjectionWebhookOptions): ApiObject {
  return apiObject(scope, id, ctx, SyncWave.WEBHOOKS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    name: webhookName(ctx, `istio-revision-tag-${tag}`),
    namespaced: false,
    labels: pilotLabels(ctx, { 'istio.io/tag': tag, 'app': 'sidecar-injector' }),
    body: { webhooks: injectionWebhooks(ctx, options, tag, tag === 'default') },
  });
}

/** Cluster-scoped webhook names carry the namespace unless it is `istio-system`. */
function webhookName(ctx: InstallContext, name: string): string {
  return ctx.namespace === 'istio-system' ? name : `${name}-${ctx.namespace}`;
}
