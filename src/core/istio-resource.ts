import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { defaultResourceName, nameClashes, registerNamedResource } from './naming';
import { validateDnsLabel, validateLabels, validateResourceName } from './validation';
import { ensureAnalysisOfValidated } from '../analysis/mesh-analysis';

/**
 * Properties every Istio resource accepts.
 */
export interface IstioResourceProps {
  /**
   * Metadata of the resource: name, namespace, labels and annotations.
   *
   * @default - the name is the construct path below the chart in kebab case (`ReviewsRule` →
   * `reviews-rule`, `Shop/ReviewsRule` → `shop-reviews-rule`), in the namespace `kubectl`
   * applies to. Names must be unique per kind and namespace; synthesis fails on a clash.
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * Base class of the Istio custom resources: a cdk8s-plus `Resource`, so `metadata`, `name`
 * and RBAC references behave as they do for core Kubernetes objects.
 */
export abstract class IstioResource extends kplus.Resource {
  protected constructor(scope: Construct, id: string, props: IstioResourceProps = {}) {
    super(scope, id);
    const metadata = props.metadata ?? {};
    validateResourceName(this, 'metadata.name', metadata.name);
    validateDnsLabel(this, 'metadata.namespace', metadata.namespace);
    validateLabels(this, 'metadata.labels', metadata.labels);
    ensureAnalysisOfValidated(this);
    registerNamedResource(this, () => this.apiObject);
    this.node.addValidation({ validate: () => nameClashes(this) });
  }

  /**
   * The metadata to give the resource's API object: `metadata` with the library's default
   * name (see `IstioResourceProps.metadata`) when it sets none.
   */
  protected metadataWithDefaultName(metadata: ApiObjectMetadata | undefined): ApiObjectMetadata {
    return { ...metadata, name: metadata?.name ?? defaultResourceName(this) };
  }

  /**
   * The namespace this resource is created in.
   *
   * @default - undefined: the namespace `kubectl` applies to
   */
  public get namespace(): string | undefined {
    return this.metadata.namespace;
  }
}
