/**
 * How serious an analysis message is: istioctl's three levels, plus `IGNORE` to switch a code
 * off for a scope.
 */
export enum AnalysisLevel {
  /** Fails the synthesis (and the `analyze` command at the default threshold). */
  ERROR = 'Error',
  /** Printed, grouped, once per synthesis; the synthesis goes on. */
  WARNING = 'Warning',
  /** Shown only when asked for (`MeshAnalysis.showInfo()`, or the command's log output). */
  INFO = 'Info',
  /** Not reported at all. */
  IGNORE = 'Ignore',
}

const RANK: Record<AnalysisLevel, number> = {
  [AnalysisLevel.ERROR]: 3,
  [AnalysisLevel.WARNING]: 2,
  [AnalysisLevel.INFO]: 1,
  [AnalysisLevel.IGNORE]: 0,
};

/** Whether `level` is at least as serious as `threshold`. Internal. */
export function reaches(level: AnalysisLevel, threshold: AnalysisLevel): boolean {
  return RANK[level] >= RANK[threshold] && level !== AnalysisLevel.IGNORE;
}

/** Parses `Error`, `warning`, `INFO`... Internal. */
export function parseLevel(value: string): AnalysisLevel | undefined {
  const v = value.trim().toLowerCase();
  return Object.values(AnalysisLevel).find(l => l.toLowerCase() === v);
}
