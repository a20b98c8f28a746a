import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { apiObject, InstallContext, pilotLabels, revisioned, SyncWave } from './install-context';
import { istiodSelector, istiodServicePorts } from './istiod';
import { createDefaultValidatorConfiguration, createRevisionTagWebhookConfiguration } from './webhooks';
import { check } from '../core/validation';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Longest revision or tag name: istiod's objects are named `istiod-<revision>`, and the
 * revision is a label value (at most 63 characters).
 */
const MAX_LENGTH = 56;

/** Throws unless `revision` can name a control-plane revision (`1-30-3`, `canary`). */
export function validateRevision(scope: IConstruct, field: string, revision: string | undefined): void {
  if (revision === undefined) return;
  check(typeof revision === 'string' && revision.length <= MAX_LENGTH && DNS1123_LABEL.test(revision), scope, field, revision,
    `must be a lowercase RFC 1123 label of at most ${MAX_LENGTH} characters (a-z, 0-9 and "-"), e.g. "1-30-3" or "canary"; dots are not allowed`);
  check(revision !== 'default', scope, field, revision,
    '"default" is reserved for the default revision: omit `revision`, or use a revision tag named "default"');
}

/** Longest tag name: its Service `istiod-revision-tag-<tag>` is a DNS label (at most 63 characters). */
const MAX_TAG_LENGTH = 63 - 'istiod-revision-tag-'.length;

/** Throws unless `tag` can name a revision tag (`stable`, `canary`, `default`). */
export function validateRevisionTag(scope: IConstruct, field: string, tag: string): void {
  check(typeof tag === 'string' && tag.length <= MAX_TAG_LENGTH && DNS1123_LABEL.test(tag), scope, field, tag,
    `must be a lowercase RFC 1123 label of at most ${MAX_TAG_LENGTH} characters (a-z, 0-9 and "-"), e.g. "stable" or "canary"; `
    + 'it names the Service istiod-revision-tag-<tag>');
}

/**
 * A revision tag: a stable name (`prod-stable`) that namespaces select with
 * `istio.io/rev=<tag>` and that points at one control-plane revision. Moving the tag moves
 * every tagged namespace to another revision at its next pod restart. Internal: created by
 * `IstioMesh.addRevisionTag()`, and for the `default` tag by a mesh without revision.
 *
 * It writes what `istioctl tag set` does: the MutatingWebhookConfiguration
 * `istio-revision-tag-<tag>` and the Service `istiod-revision-tag-<tag>` in front of the
 * revision's istiod; the `default` tag also the ValidatingWebhookConfiguration
 * `istiod-default-validator`.
 */
export class RevisionTag extends Construct {
  /** The tag name. */
  public readonly tag: string;
  /** The revision the tag points at; undefined for the default revision. */
  public readonly revision?: string;
  /** The MutatingWebhookConfiguration `istio-revision-tag-<tag>`. */
  public readonly webhookConfiguration: ApiObject;
  /** The Service `istiod-revision-tag-<tag>`. */
  public readonly service: ApiObject;
  /** The ValidatingWebhookConfiguration `istiod-default-validator`, for the `default` tag. */
  public readonly defaultValidator?: ApiObject;

  public constructor(scope: Construct, id: string, ctx: InstallContext, tag: string) {
    super(scope, id);
    this.tag = tag;
    this.revision = ctx.revision;
    const istiod = revisioned(ctx, 'istiod');
    this.service = apiObject(this, 'Service', ctx, SyncWave.CONTROL_PLANE, {
      apiVersion: 'v1',
      kind: 'Service',
      name: `istiod-revision-tag-${tag}`,
      namespaced: true,
      labels: pilotLabels(ctx, { 'istio.io/tag': tag, 'app': 'istiod', 'istio': 'pilot' }),
      body: { spec: { ports: istiodServicePorts(), selector: istiodSelector(ctx) } },
    });
    this.webhookConfiguration = createRevisionTagWebhookConfiguration(this, 'MutatingWebhookConfiguration', ctx, tag, {
      serviceName: istiod,
      reinvocationPolicy: 'Never',
    });
    if (tag === 'default') {
      this.defaultValidator = createDefaultValidatorConfiguration(this, 'DefaultValidator', ctx, istiod);
    }
  }
}
