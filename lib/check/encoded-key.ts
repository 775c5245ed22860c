/**
 * A private key in the base64 written inside a text, however it is written: wrapped over lines
 * of any width, cut into groups by spaces, after a word that runs into it (`echo`, a
 * here-document's `EOF`), of gzip, or of base64 again, up to MAX_NESTED layers. Work stays linear
 * in the text: each stretch is decoded in full at its own alignment, other alignments only when a
 * sample of them decodes to text or gzip, a layer is decoded again only when it reads as text or
 * inflates, and every decoded byte is charged to the scan's budget.
 */
import { base64Bytes, base64Runs, bytesToText, gunzipBounded, gzipStart, isMostlyText, MIN_BASE64_RUN, type Base64Run, type Budget } from './decode.ts';
import { privateKey, type Finding } from './secret-patterns.ts';

/** Layers of encoding (base64, gzip) decoded inside one another: base64 of base64 of gzip of a key. */
export const MAX_NESTED = 3;

/** Characters of a stretch decoded to tell whether another alignment of it is worth decoding. */
const SAMPLE = 512;

/** The first key in the base64 written inside `text` (decoded `depth - 1` layers deep already). */
export function encodedPrivateKey(text: string, where: string, budget: Budget, depth = 1): Finding | undefined {
  for (const run of base64Runs(text)) {
    const k = keyInRun(run, where, budget, depth);
    if (k) return k;
  }
  return undefined;
}

function keyInRun(run: Base64Run, where: string, budget: Budget, depth: number): Finding | undefined {
  for (let offset = 0; offset < 4; offset++) {
    if ((run.offsets & (1 << offset)) === 0) continue;
    if (offset > 0 && !promising(run.text, offset)) continue;
    const bytes = base64Bytes(offset === 0 ? run.text : run.text.slice(offset), budget);
    if (!bytes) return undefined;
    const found = keyInBytes(bytes, where, budget, depth);
    if (found.key) return found.key;
    // What decoded to text or gzip was the base64 at its true alignment: the others are garbage.
    if (found.meaningful) return undefined;
  }
  return undefined;
}

/** Whether the stretch decoded from `offset` starts a gzip stream or reads as text (a sample of its start and middle). */
function promising(run: string, offset: number): boolean {
  if (gzipStart(Buffer.from(run.slice(offset, offset + 96), 'base64')) >= 0) return true;
  const from = offset + Math.max(0, Math.floor((run.length - offset - SAMPLE) / 8) * 4);
  return readsAsText(bytesToText(Buffer.from(run.slice(from, from + SAMPLE), 'base64')));
}

/**
 * Whether decoded text reads as text in its middle: the words that ran into the base64 before
 * and after it (`EOF`, `chmod 600 /root/`) decode to a few bytes of garbage at either end.
 */
function readsAsText(text: string): boolean {
  const from = Math.floor(text.length / 4);
  return isMostlyText(text.slice(from, Math.max(from + 1, text.length - from)));
}

/** A key in decoded bytes: as text, inflated, or in the base64 the text holds in turn. */
function keyInBytes(bytes: Uint8Array, where: string, budget: Budget, depth: number): { key?: Finding; meaningful: boolean } {
  const gz = gzipStart(bytes);
  if (gz >= 0) {
    const inflated = gunzipBounded(gz === 0 ? bytes : bytes.subarray(gz), budget);
    if (inflated) return { key: keyInBytes(inflated, where, budget, depth + 1).key, meaningful: true };
  }
  const text = bytesToText(bytes);
  const key = privateKey(text, where);
  if (key) return { key, meaningful: true };
  if (!readsAsText(text)) return { meaningful: false };
  return { key: depth < MAX_NESTED && text.length >= MIN_BASE64_RUN ? encodedPrivateKey(text, where, budget, depth + 1) : undefined, meaningful: true };
}

/** A key in a blob that is base64 through and through (a ConfigMap's binaryData), decoded as a whole. */
export function keyInBase64(b64: string, where: string, budget: Budget): Finding | undefined {
  const bytes = base64Bytes(b64, budget);
  return bytes ? keyInBytes(bytes, where, budget, 1).key : undefined;
}
