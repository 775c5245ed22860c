/** A finding: code, severity, what is wrong with which value, how to fix it, and where. */
import { resourceId, type Resource } from './resource.ts';
import { severityOf, type Severity } from './codes.ts';
import type { DvpcError } from './errors.ts';
import type { FieldPath } from './json.ts';
import type { SourceLocation } from './source.ts';
import { formatPath } from './json.ts';

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  /** `Kind/name` or `Kind/namespace/name`. */
  readonly resource?: string | undefined;
  /** The field, e.g. `spec.settings.virtualMachineCIDRs[1]`. */
  readonly path?: string | undefined;
  /** For objects of the typed API: the construct path. */
  readonly constructPath?: string | undefined;
  /** For the typed API: the line of the user's TypeScript that made the construct. */
  readonly source?: SourceLocation | undefined;
}

/** A diagnostic about a field of an object (or the whole object when path is empty). */
export function diagnose(code: string, r: Resource, path: FieldPath, message: string, hint: string, severity: Severity = severityOf(code)): Diagnostic {
  return {
    code,
    severity,
    message,
    hint,
    file: r.origin.file,
    line: r.origin.line(path),
    resource: resourceId(r),
    path: path.length > 0 ? formatPath(path) : undefined,
    constructPath: r.origin.constructPath,
  };
}

/** A problem a construct's constructor recorded (typed API): where it is, is the construct path. */
export function constructDiagnostic(e: DvpcError): Diagnostic {
  return { code: e.code, severity: severityOf(e.code), message: e.detail, hint: e.hint, path: e.field, constructPath: e.constructPath, source: e.source };
}

/** A diagnostic about a whole file (DVP001), or about no particular object. */
export function fileDiagnostic(code: string, file: string | undefined, line: number | undefined, message: string, hint: string): Diagnostic {
  return { code, severity: severityOf(code), message, hint, file, line };
}
