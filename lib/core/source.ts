/**
 * Where in the user's own code something was made: the TypeScript file and line of the
 * `new VirtualMachine(...)` that a diagnostic is about. It comes from a JavaScript stack: the first
 * frame that is neither dvpc's own code, nor a package in node_modules, nor Node's internals.
 * tsx (which runs the user's app) maps frames to the TypeScript source, so the line is the one
 * the user wrote.
 */
import { fileURLToPath } from 'node:url';
import { isAbsolute, relative, sep } from 'node:path';

/** A place in the user's source. */
export interface SourceLocation {
  /** The file, relative to the working directory when it lies inside it. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column?: number | undefined;
}

/** dvpc's own folders (sources under lib/, the build under build/): frames there are not the user's. */
const OWN = ['lib', 'build'].map((d) => fileURLToPath(new URL(`../../${d}/`, import.meta.url)));

/** The frames a stack needs to reach the user's code through dvpc's and the constructs' own frames. */
const DEPTH = 64;

/** A stack of the current call, deep enough to reach the user's code. Costs a few microseconds. */
export function captureStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = DEPTH;
  try {
    return new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** `file:line:column` of each frame of a V8 stack, in order (frames without a file are skipped). */
export function stackFrames(stack: string): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    // "at fn (file:line:col)" or "at file:line:col"; a path may hold spaces and parentheses of
    // its own, a function name does not hold " (". Eval frames ("<anonymous>:1:1") have no file.
    const open = line.indexOf(' (');
    const where = line.endsWith(')') && open >= 0 ? line.slice(open + 2, -1) : line.slice(3);
    const m = /^(.+):(\d+):(\d+)$/.exec(where);
    if (!m) continue;
    let file = m[1] as string;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    out.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

/** Whether a file is dvpc's own code. */
export function isOwnFile(file: string): boolean {
  return OWN.some((dir) => file.startsWith(dir));
}

/** Whether a frame's file is the user's: not dvpc, not a dependency, not Node itself. */
function isUserFile(file: string): boolean {
  return isAbsolute(file) && !isOwnFile(file) && !file.includes(`${sep}node_modules${sep}`) && !file.includes('/node_modules/');
}

/** The file relative to the working directory when inside it, else as it is. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The user's frame of a stack: where their code called into dvpc (or threw). */
export function userLocation(stack: string | undefined): SourceLocation | undefined {
  if (!stack) return undefined;
  const frame = stackFrames(stack).find((f) => isUserFile(f.file));
  return frame ? { ...frame, file: shown(frame.file) } : undefined;
}

/** "stacks/main.ts:12:5" */
export function formatSource(s: SourceLocation): string {
  return `${s.file}:${s.line}${s.column !== undefined ? `:${s.column}` : ''}`;
}
