import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InstallContext } from './install-context';
import { createRevisionTagWebhookConfiguration } from './webhooks';
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

/** Throws unless `tag` can name a revision tag (`stable`, `canary`, `default`). */
export function validateRevisionTag(scope: IConstruct, field: string, tag: string): void {
  check(typeof tag === 'string' && tag.length <= MAX_LENGTH && DNS1123_LABEL.test(tag), scope, field, tag,
    `must be a lowercase RFC 1123 label of at most ${MAX_LENGTH} characters (a-z, 0-9 and "-"), e.g. "stable" or "canary"`);
}

/**
 * A revision tag: a stable name (`prod-stable`) that namespaces select with
 * `istio.io/rev=<tag>` and that points at one control-plane revision. Moving the tag moves
 * every tagged namespace to another revision at its next pod restart. Internal: created by
 * `IstioMesh.addRevisionTag()`.
 */
export class RevisionTag extends Construct {
  /** The tag name. */
  public readonly tag: string;
  /** The revision the tag points at; undefined for the default revision. */
  public readonly revision?: string;
  /** The MutatingWebhookConfiguration `istio-revision-tag-<tag>`. */
  public readonly webhookConfiguration: ApiObject;

  public constructor(scope: Construct, id: string, ctx: InstallContext, tag: string) {
    super(scope, id);
    this.tag = tag;
    this.revision = ctx.revision;
    this.webhookConfiguration = createRevisionTagWebhookConfiguration(this, 'MutatingWebhookConfiguration', ctx, tag, {
      serviceName: ctx.revision ? `istiod-${ctx.revision}` : 'istiod',
      reinvocationPolicy: 'Never',
    });
  }
}
