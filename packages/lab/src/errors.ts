/** A condition the lab cannot run under, with a stable code and what to do about it. */
export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
    /** Extra lines to show, e.g. a pod's last log lines. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'LabError';
  }
}

export type LabErrorCode =
  | 'NOT_ROOT'
  | 'MISSING_TOOL'
  | 'DAPR_BUILD_FAILED'
  | 'LAB_BUSY'
  | 'COMMAND_FAILED'
  | 'POD_NOT_READY'
  | 'UNREADABLE_CHECKOUT'
  | 'INTERRUPTED'
  | 'USAGE'
  | 'LAB_NOT_UP';

/** Exit codes: 1 a finding differs from the matrix, 2 bad usage, 3 the lab could not run. */
export const EXIT = { ok: 0, mismatch: 1, usage: 2, cannotRun: 3, interrupted: 130 } as const;
