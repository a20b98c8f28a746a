import { AnalysisLevel } from './level';

/**
 * One finding of the mesh analysis, shaped like istioctl's: code, level, resource and text.
 */
export class AnalysisMessage {
  /** @internal */
  public static _create(props: {
    code: string; level: AnalysisLevel; resource: string; message: string; constructPath?: string; file?: string;
  }): AnalysisMessage {
    return new AnalysisMessage(props.code, props.level, props.resource, props.message, props.constructPath, props.file);
  }

  private constructor(
    /** istioctl's code, such as `IST0101`; `CDK...` for this library's own findings. */
    public readonly code: string,
    /** The level after per-scope overrides. */
    public readonly level: AnalysisLevel,
    /** The object, as istioctl names it: `Kind namespace/name` (`Kind name` when cluster-scoped). */
    public readonly resource: string,
    /** What is wrong, and the fix where it is obvious. */
    public readonly message: string,
    /**
     * The construct path of the object's construct, when it came from a construct.
     *
     * @default - none: the object was read from YAML
     */
    public readonly constructPath?: string,
    /**
     * The file the object was read from.
     *
     * @default - none: the object came from a construct
     */
    public readonly file?: string,
  ) {}

  /** istioctl's log form: `Error [IST0101] (VirtualService default/reviews) Referenced host not found: "ratings"`. */
  public toString(): string {
    return `${this.level} [${this.code}] (${this.resource}) ${this.message}`;
  }
}
