/**
 * What every command shares: argument parsing that turns mistakes into usage errors (exit 2),
 * the common flags' values, and where output goes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import { CODES } from '../core/codes.ts';
import { isDnsLabel } from '../core/dns.ts';

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** Where a command writes: its result on `out`, diagnostics about its inputs and progress on `err`. */
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Whether `out` is a terminal that shows colour. */
  readonly colour: boolean;
  /** Whether `err` is a terminal, where a long run shows its progress (never on a pipe). */
  readonly progress?: boolean;
  /** Standard input, for a PATH of `-`. */
  readonly stdin?: () => AsyncIterable<Uint8Array | string>;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
  progress: process.stderr.isTTY === true,
  stdin: () => process.stdin,
};

/** A command of the command line: its usage text and what it does. Returns the exit code. */
export interface Command {
  readonly usage: string;
  run(args: string[], io: Io): Promise<number>;
}

/** Parses flags strictly: an unknown flag or a missing value is a usage error. */
export function parse(args: string[], options: ParseArgsConfig['options']): { values: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Flags, positionals };
  } catch (e) {
    // node's messages quote the flag with an unbalanced quote ("Unknown option '--x'. To specify
    // a positional argument starting with a '-', place it at the end of the command after '--',
    // as in '-- \"--x\"") and mention details that do not apply; keep the first sentence.
    const first = (e as Error).message.split('. ')[0] ?? (e as Error).message;
    throw new UsageError(first.replace(/\.$/, ''));
  }
}

/** The value of a string flag, or undefined. */
export function stringFlag(values: Flags, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--format`: one of the allowed values, the first being the default. */
export function formatFlag<F extends string>(values: Flags, allowed: readonly [F, ...F[]]): F {
  const f = stringFlag(values, 'format') ?? allowed[0];
  if (!(allowed as readonly string[]).includes(f)) throw new UsageError(`--format must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, not "${f}"`);
  return f as F;
}

/** `--allow DVP601,DVP603`: known codes only. */
export function allowFlag(values: Flags): Set<string> {
  const v = stringFlag(values, 'allow');
  if (v === undefined) return new Set();
  const codes = v.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0);
  for (const c of codes) if (!(c in CODES)) throw new UsageError(`--allow: unknown code ${c}`);
  return new Set(codes);
}

/** A PATH or DIR that must exist: a usage error otherwise. */
export function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
}

export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no positional arguments (got ${positionals.join(' ')})`);
}

/** `--edition CE|EE`: the module's edition, when the user knows it better than the inventory. */
export function editionFlag(values: Flags): 'CE' | 'EE' | undefined {
  const v = stringFlag(values, 'edition');
  if (v === undefined) return undefined;
  const e = v.toUpperCase();
  if (e !== 'CE' && e !== 'EE') throw new UsageError(`--edition must be CE or EE, not "${v}" (every edition other than CE migrates like EE)`);
  return e;
}

/** `--baseline PATH` or `--baseline-ref REF` (one previous state, never both); a PATH must exist. */
export function baselineFlags(values: Flags): { baseline: string | undefined; baselineRef: string | undefined } {
  const baseline = stringFlag(values, 'baseline');
  const baselineRef = stringFlag(values, 'baseline-ref');
  if (baseline !== undefined && baselineRef !== undefined) throw new UsageError('give --baseline PATH or --baseline-ref REF, not both: there is one previous state');
  if (baseline !== undefined) mustExist(baseline, 'baseline');
  return { baseline, baselineRef };
}

/** PATHs that must exist, `-` (standard input) being one at most. */
export function inputPaths(paths: readonly string[], io: Io): void {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('- (standard input) can be given once');
  if (paths.includes('-') && !io.stdin) throw new UsageError('standard input is not available');
  for (const p of paths) if (p !== '-') mustExist(p, 'PATH');
}

/** `--namespace NS`: the namespace of namespaced objects that name none (default "default"). */
export function namespaceFlag(values: Flags): string {
  const ns = stringFlag(values, 'namespace') ?? 'default';
  if (!isDnsLabel(ns)) throw new UsageError(`--namespace ${JSON.stringify(ns.slice(0, 80))} is not a namespace name (a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters)`);
  return ns;
}
