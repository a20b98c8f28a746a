import { Code } from './codes';
import { MeshModel } from './model';
import { Resource } from './resource';

/** A finding before suppression and level overrides. Internal. */
export interface Finding {
  readonly code: Code;
  readonly resource: Resource;
  readonly message: string;
}

/** What an analyzer sees: the model, and where it reports. Internal. */
export class AnalysisContext {
  public readonly findings: Finding[] = [];

  public constructor(public readonly model: MeshModel) {}

  public report(resource: Resource, code: Code, message: string): void {
    if (this.model.assumed.has(resource)) return;
    this.findings.push({ code, resource, message });
  }
}

/** An analyzer: reads the model, reports findings. Internal. */
export type Analyzer = (ctx: AnalysisContext) => void;
