/** The errors dvpc reports without a stack trace: diagnostics, setup and usage mistakes. */
import type { SourceLocation } from './source.ts';

/**
 * A mistake in the user's app, with its diagnostic code and where it is: what a constructor records
 * (`reportProblem`), or throws when it cannot go on. The command line prints it like any other
 * diagnostic, without a stack trace.
 */
export class DvpcError extends Error {
  /**
   * Where in the user's code the mistake was made (typed API): set when a constructor records it,
   * or when the app throws it.
   */
  source: SourceLocation | undefined;

  constructor(
    /** The diagnostic code (SPEC §6), e.g. DVP002. */
    readonly code: string,
    /** What is wrong, without the location. */
    readonly detail: string,
    /** What to change. */
    readonly hint: string,
    /** The construct path, e.g. `lab/web/vm-1`. */
    readonly constructPath?: string,
    /** The offending field, e.g. `spec.cpu.cores`. */
    readonly field?: string,
  ) {
    super(constructPath ? `${constructPath}: ${field ? `${field}: ` : ''}${detail}` : detail);
    this.name = 'DvpcError';
  }
}

/**
 * The installation does not fit (two copies of `constructs`, no TypeScript compiler for a
 * TypeScript app): neither the user's input nor a fault of dvpc. Exit code 2, like a usage error.
 */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** A command-line mistake (unknown flag, missing path): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
