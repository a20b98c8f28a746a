import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DEFAULT_MAX_NODES, MeshGraphSplit } from './split';
import { appRunOf, chartGraphs, graphSettings } from './synth-hook';
import { MeshAnalysis } from '../analysis/mesh-analysis';

/** Settings of the mesh graph written at synthesis. */
export interface MeshGraphOptions {
  /**
   * Write a Markdown file with the mesh graph (Mermaid) next to each chart's YAML when the
   * app is synthesized (`03-bookinfo.k8s.yaml` gets `03-bookinfo.mesh.md`). The environment
   * variable `CDK8S_ISTIO_GRAPH=off` turns it off too.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How a big mesh is cut into diagrams.
   *
   * @default MeshGraphSplit.AUTO
   */
  readonly split?: MeshGraphSplit;
  /**
   * The most nodes one diagram shows before `MeshGraphSplit.AUTO` cuts it per namespace.
   *
   * @default 40
   */
  readonly maxNodes?: number;
}

/**
 * A picture of the mesh for every pull request: when an app that uses this library is
 * synthesized, each chart's YAML gets a Markdown file beside it with a Mermaid flowchart of
 * what the chart does to traffic: ingress Gateways and their hosts and ports, VirtualService
 * routes (match, weight, fault, mirror, timeout, retries, rewrite, redirect) to Services,
 * subsets and the workloads they select, each workload's effective mutual TLS mode,
 * AuthorizationPolicy edges, default-deny namespaces, and the mesh analysis findings on the
 * node or edge they concern. GitHub and GitLab draw it in a pull request.
 *
 * `npx cdk8s-istio graph DIR` draws the same picture from any YAML.
 *
 * @example
 * MeshGraph.configure(app, { split: MeshGraphSplit.INGRESS_HOST });
 * MeshGraph.disable(app);
 */
export class MeshGraph {
  /** Settings for the app `scope` belongs to. Later calls override earlier ones field by field. */
  public static configure(scope: IConstruct, options: MeshGraphOptions): void {
    if (options.maxNodes !== undefined && (!Number.isInteger(options.maxNodes) || options.maxNodes < 1)) {
      throw new Error(`MeshGraph.configure: maxNodes ${options.maxNodes} is invalid: must be a positive integer (default ${DEFAULT_MAX_NODES})`);
    }
    const root = scope.node.root;
    graphSettings.set(root, { ...graphSettings.get(root), ...options });
    // the analysis hooks the graph onto the app
    MeshAnalysis.configure(root, {});
  }

  /** Writes no mesh graph for the app `scope` belongs to. */
  public static disable(scope: IConstruct): void {
    MeshGraph.configure(scope, { enabled: false });
  }

  /**
   * The Markdown that synthesis writes for each chart of the app `scope` belongs to, by
   * file name, analyzing the app now. Written whether or not the graph is enabled.
   */
  public static render(scope: IConstruct): { [file: string]: string } {
    const root = scope.node.root;
    if (!(root instanceof App)) throw new Error('MeshGraph.render: the scope must belong to a cdk8s App');
    MeshAnalysis.analyze(root);
    return Object.fromEntries(chartGraphs(root, appRunOf(root)));
  }

  private constructor() {}
}
