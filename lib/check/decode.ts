/**
 * The encodings a secret hides behind before it reaches a guest (base64, gzip, UTF-16), decoded
 * the way cloud-init and Windows Setup decode them, within bounds: user data is untrusted, so a
 * decompression bomb, a deep nest of encodings or a flood of parts stops at a limit instead of
 * eating the checker's memory or time.
 */
import { gunzipSync } from 'node:zlib';

/** What one scan of a piece of user data may spend, shared by every layer it decodes. */
export interface Budget {
  /** Bytes of decoded output still allowed. */
  bytes: number;
  /** Parts (MIME parts, archive items, written files) still allowed. */
  parts: number;
  /** What the whole run may still spend on parsing YAML (shared by every scan of a run). */
  readonly run: RunBudget;
}

export interface RunBudget {
  /** Characters of cloud-config YAML still to be parsed; past it, cloud-configs are read line by line. */
  yaml: number;
  /**
   * Bytes gzip may still inflate to: a bomb costs about a kilobyte per megabyte it inflates to, so a
   * budget per scan alone would let one file of many small bombs buy minutes of inflating.
   */
  inflate: number;
}

/** Decoded output per scan: far above any real user data (the module caps inline userData at 2 KiB). */
export const DECODED_BYTES = 8 * 1024 * 1024;
/** Parts per scan. */
export const MAX_PARTS = 256;
/** Layers of encoding inside one another (gzip in base64 in a MIME part in an archive...). */
export const MAX_DEPTH = 8;
/**
 * The largest cloud-config parsed as YAML (a Secret holds at most 1 MiB; the parser reads about
 * 1 MB a second), and what a run parses in all: hostile input cannot buy minutes of parsing.
 */
export const MAX_YAML_TEXT = 256 * 1024;
export const RUN_YAML = 16 * 1024 * 1024;
/** What a run inflates in all: far above a fleet's gzipped user data, a fraction of a second. */
export const RUN_INFLATE = 256 * 1024 * 1024;

export function newRunBudget(): RunBudget {
  return { yaml: RUN_YAML, inflate: RUN_INFLATE };
}

export function newBudget(run: RunBudget = newRunBudget()): Budget {
  return { bytes: DECODED_BYTES, parts: MAX_PARTS, run };
}

/** Whether the run can still afford to parse this text as YAML; charges it when so. */
export function affordYaml(text: string, budget: Budget): boolean {
  if (text.length > MAX_YAML_TEXT || text.length > budget.run.yaml) return false;
  budget.run.yaml -= text.length;
  return true;
}

/** Whether bytes start a gzip stream. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A gzip stream inflated to at most what the budget allows, or undefined (broken, or a bomb). */
export function gunzipBounded(bytes: Uint8Array, budget: Budget): Buffer | undefined {
  const allowed = Math.min(budget.bytes, budget.run.inflate);
  if (allowed <= 0) return undefined;
  try {
    const out = gunzipSync(bytes, { maxOutputLength: allowed });
    budget.bytes -= out.length;
    budget.run.inflate -= out.length;
    return out;
  } catch {
    // RangeError past maxOutputLength, or a corrupt stream: nothing a guest would read either.
    return undefined;
  }
}

// One character class each, anchored: linear on any input (no backtracking between classes).
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
const BASE64URL = /^[A-Za-z0-9_\-=\s]*$/;

/** Whether text could be base64 (standard or URL-safe alphabet, whitespace allowed). */
export function looksBase64(text: string): boolean {
  return text.trim().length >= 8 && (BASE64.test(text) || BASE64URL.test(text));
}

/**
 * The fewest base64 characters decoded from inside other text: a line as tools wrap base64 (64 or
 * 76), more than the base64 of any key marker (48 at most), far less than any key file.
 */
export const MIN_BASE64_RUN = 64;
/** A stretch of base64 long enough to be a line of wrapped base64 (64 or 76 characters as tools wrap it). */
const MIN_LINE = 32;
/** Escapes of a line break or a slash, as base64 is written inside JSON text (an annotation). */
const ESCAPES = /\\([nrt\/])/g;

/** A-Z, a-z, 0-9, + and / (by code: a regular expression would overflow its stack on megabytes of them). */
function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * The base64 written inside a text, stretch by stretch (each at least MIN_BASE64_RUN characters):
 * a value of its own, or one inside JSON or a command line, wrapped over lines or not. Lines of at
 * least MIN_LINE characters join when only whitespace (or `\n` written as an escape) lies between
 * them and the first has no padding; a stretch starts after a character no base64 holds, so it is
 * decoded from its start. One pass over the text.
 */
export function base64Runs(text: string): string[] {
  const t = text.includes('\\') ? text.replace(ESCAPES, (_, c: string) => (c === '/' ? '/' : '\n')) : text;
  const runs: string[] = [];
  let parts: string[] = [];
  let length = 0;
  // Whether the next line would continue the current stretch: only whitespace since its last line.
  let joinable = false;
  const flush = () => {
    if (length >= MIN_BASE64_RUN) runs.push(parts.join(''));
    parts = [];
    length = 0;
  };
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (!isBase64Char(c)) {
      if (!isSpace(c)) joinable = false;
      i++;
      continue;
    }
    const start = i;
    while (i < t.length && isBase64Char(t.charCodeAt(i))) i++;
    let end = i;
    while (end < t.length && end - i < 2 && t.charCodeAt(end) === 61) end++; // '=' padding
    if (i - start < MIN_LINE) {
      joinable = false;
    } else {
      if (!joinable) flush();
      parts.push(t.slice(start, end));
      length += end - start;
      joinable = end === i; // padding ends the base64
    }
    i = end;
  }
  flush();
  return runs;
}

/** base64 as Kubernetes and cloud-init decode it (whitespace ignored), charged to the budget. */
export function base64Bytes(text: string, budget: Budget): Buffer | undefined {
  const estimate = Math.ceil((text.length * 3) / 4);
  if (estimate > budget.bytes) return undefined;
  const out = Buffer.from(text.replace(/\s+/g, ''), BASE64.test(text) ? 'base64' : 'base64url');
  budget.bytes -= out.length;
  return out;
}

/**
 * Bytes as text: UTF-16 when a byte order mark says so or when every other byte is zero (a
 * Sysprep answer file saved by Windows tools), else UTF-8 (invalid sequences replaced, as a
 * scanner must still see the rest).
 */
export function bytesToText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return swap16(b.subarray(2)).toString('utf16le');
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  const zeros = utf16Zeros(b);
  if (zeros === 'le') return b.toString('utf16le');
  if (zeros === 'be') return swap16(b).toString('utf16le');
  return b.toString('utf8');
}

/** Which half of each 16-bit unit is zero in most of the first bytes, if one is. */
function utf16Zeros(b: Buffer): 'le' | 'be' | undefined {
  const n = Math.min(b.length - (b.length % 2), 512);
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const units = n / 2;
  if (odd >= units * 0.6 && even < units * 0.1) return 'le';
  if (even >= units * 0.6 && odd < units * 0.1) return 'be';
  return undefined;
}

function swap16(b: Buffer): Buffer {
  const copy = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
  return copy.swap16();
}

/**
 * `text` with every span from `open` to the next `close` replaced: linear, where a lazy regex
 * would rescan to the end for every unclosed `open`. An unclosed span runs to the end.
 */
export function replaceSpans(text: string, open: string, close: string, replacement: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf(open, from);
    if (start < 0) return out + text.slice(from);
    const end = text.indexOf(close, start + open.length);
    out += text.slice(from, start) + replacement;
    if (end < 0) return out;
    from = end + close.length;
  }
}
