import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ensureAnalysisOfValidated } from '../analysis/mesh-analysis';
import { validateDnsLabel, validateLabels, validateResourceName } from '../core/validation';

/**
 * Properties every Gateway API resource accepts.
 */
export interface GatewayApiResourceProps {
  /**
   * Metadata of the resource: name, namespace, labels and annotations.
   *
   * @default - a name generated from the construct path, in the namespace `kubectl` applies to
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * Base class of the Gateway API resources: a cdk8s-plus `Resource`, so `metadata`, `name`
 * and RBAC grants behave as they do for core Kubernetes objects.
 */
export abstract class GatewayApiResource extends kplus.Resource {
  protected constructor(scope: Construct, id: string, props: GatewayApiResourceProps = {}) {
    super(scope, id);
    const metadata = props.metadata ?? {};
    validateResourceName(this, 'metadata.name', metadata.name);
    validateDnsLabel(this, 'metadata.namespace', metadata.namespace);
    validateLabels(this, 'metadata.labels', metadata.labels);
    ensureAnalysisOfValidated(this);
  }

  /**
   * The namespace of the resource.
   *
   * @default - undefined: the namespace `kubectl` applies to
   */
  public get namespace(): string | undefined {
    return this.metadata.namespace;
  }
}
