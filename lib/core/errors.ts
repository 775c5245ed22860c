/**
 * The error a construct throws for what is knowable at once (a bad quantity, a class that breaks a
 * CEL rule, an invalid name). It carries the diagnostic code and where the mistake is, so the
 * command line prints it like any other diagnostic, without a stack trace.
 */
export class DvpcError extends Error {
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

/** A command-line mistake (unknown flag, missing path): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
