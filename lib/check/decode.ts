/**
 * The encodings a secret hides behind before it reaches a guest (base64, gzip, UTF-16), decoded
 * the way cloud-init and Windows Setup decode them, within bounds: user data is untrusted, so a
 * decompression bomb, a deep nest of encodings or a flood of parts stops at a limit instead of
 * eating the checker's memory or time.
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';

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
  let out: Buffer | undefined;
  try {
    out = gunzipSync(bytes, { maxOutputLength: allowed });
  } catch {
    // Bytes after the stream (base64 run into the word after it) make gunzip fail: the deflate
    // body alone is inflated then, as a guest's `base64 -d | gunzip` would still print it.
    out = inflateBody(bytes, allowed);
  }
  if (out === undefined) {
    // RangeError past maxOutputLength, or a corrupt stream: nothing a guest would read either.
    // Inflating it still cost time: charged at what deflate can expand to, at most what was allowed.
    budget.run.inflate -= Math.min(allowed, bytes.length * MAX_DEFLATE_RATIO);
    return undefined;
  }
  budget.bytes -= out.length;
  budget.run.inflate -= out.length;
  return out;
}

/** The most deflate expands its input (RFC 1951: a 258-byte match per 2 bits, about 1032:1). */
const MAX_DEFLATE_RATIO = 1032;

/** The deflate body of a gzip member (RFC 1952 header skipped) inflated, anything after it ignored. */
function inflateBody(bytes: Uint8Array, allowed: number): Buffer | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 10 || b[2] !== 8) return undefined;
  const flags = b[3] as number;
  let at = 10;
  if (flags & 4) at += 2 + b.readUInt16LE(Math.min(at, b.length - 2)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    const zero = b.indexOf(0, at);
    if (zero < 0) return undefined;
    at = zero + 1;
  }
  if (flags & 2) at += 2; // FHCRC
  if (at >= b.length) return undefined;
  try {
    return inflateRawSync(b.subarray(at), { maxOutputLength: allowed });
  } catch {
    return undefined;
  }
}

/**
 * Where a gzip stream starts within the first bytes, or -1: decoded base64 can start with a few
 * bytes of a word that ran into it ("echo" before the argument), and the stream follows them.
 */
export function gzipStart(bytes: Uint8Array): number {
  const last = Math.min(GZIP_SEARCH, bytes.length - 3);
  for (let i = 0; i <= last; i++) if (bytes[i] === 0x1f && bytes[i + 1] === 0x8b && bytes[i + 2] === 0x08) return i;
  return -1;
}
const GZIP_SEARCH = 48;

/** Whether decoded bytes read as text (few control characters), not binary data. */
export function isMostlyText(text: string): boolean {
  const sample = text.slice(0, 1024);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control <= sample.length * 0.05;
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
/** Escapes of a line break or a slash, as base64 is written inside JSON text (an annotation). */
const ESCAPES = /\\([nrt\/])/g;

const WHITESPACE = /[ \t\r\n]+/g;

/** A-Z, a-z, 0-9, + and / (by code: a regular expression would overflow its stack on megabytes of them). */
function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** A stretch of base64 found inside a text, its whitespace removed. */
export interface Base64Run {
  readonly text: string;
  /**
   * Where its groups start, modulo 4 (bit r: some group starts r characters after a multiple of
   * 4): the alignments the base64 may really start at when a word ran into it ("EOF" before the
   * lines of a here-document, "cat" before the argument of a command).
   */
  readonly offsets: number;
}

/**
 * The base64 written inside a text, stretch by stretch (each at least MIN_BASE64_RUN base64
 * characters): a value of its own, or one inside JSON or a command line, wrapped over lines of
 * any width or cut into groups by spaces. Groups of any length join when only whitespace (or
 * `\n` written as an escape) lies between them and the first has no padding; a stretch starts
 * after a character no base64 holds. One pass over the text.
 */
export function base64Runs(text: string): Base64Run[] {
  const t = text.includes('\\') ? text.replace(ESCAPES, (_, c: string) => (c === '/' ? '/' : '\n')) : text;
  const runs: Base64Run[] = [];
  // The current stretch: where it starts and ends in `t`, and its base64 characters.
  let from = 0;
  let to = 0;
  let length = 0;
  let offsets = 0;
  // Whether the next group would continue the current stretch: only whitespace since its last group.
  let joinable = false;
  const flush = () => {
    // Only whitespace lies between the groups of a stretch: one slice, its whitespace removed.
    if (length >= MIN_BASE64_RUN) runs.push({ text: length === to - from ? t.slice(from, to) : t.slice(from, to).replace(WHITESPACE, ''), offsets });
    length = 0;
    offsets = 0;
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
    if (!joinable) {
      flush();
      from = start;
    }
    offsets |= 1 << (length % 4);
    to = end;
    length += end - start;
    joinable = end === i; // padding ends the base64
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
