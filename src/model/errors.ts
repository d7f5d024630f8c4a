import { type Diagnostic, formatDiagnostic } from './diagnostics.js';

/** Exit codes of the CLI (docs/ci.md, "Exit codes"); when several apply, the highest wins. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unmeasured: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A known failure: printed as its message alone, without a stack, and mapped to an exit code. */
export class PerfsuiteError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: exit 2, nothing runs. */
export class UsageError extends PerfsuiteError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** One or more problems in suite files: exit 2, nothing runs. */
export class SuiteError extends PerfsuiteError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'), ExitCode.usage);
  }
}
