/**
 * How a message shows a value it got from its input. Inputs are untrusted (a pull request from
 * anyone, a file that turned out to hold the CI's environment), and reports travel far (CI logs,
 * code-scanning annotations): a message names the offending value, but never more than a short
 * excerpt of it, on one line, without control characters, and with long opaque runs (tokens,
 * keys, base64) cut to their first characters.
 */

/** Characters of the value a message shows at most. */
export const EXCERPT_LENGTH = 64;

/** A run this long of token-like characters is treated as a possible secret and cut. */
const TOKEN_RUN = /[A-Za-z0-9+/=_]{20,}/g;

/**
 * The value as a message quotes it: JSON-quoted (so control characters show escaped), at most
 * `max` characters of it, with the total length said when it was cut.
 */
export function excerpt(value: unknown, max = EXCERPT_LENGTH): string {
  const text = asText(value);
  // Slice before quoting: a huge value is never serialized whole.
  return quote(text.slice(0, max), text.length, text.length > max);
}

/**
 * An excerpt of text that may hold secrets (a file's content, a document that is not an
 * object): like `excerpt`, with every long token-like run cut to its first three characters.
 */
export function redactedExcerpt(value: unknown, max = EXCERPT_LENGTH): string {
  const text = asText(value);
  const window = text.slice(0, max * 4);
  const redacted = window.replace(TOKEN_RUN, (run) => `${run.slice(0, 3)}…`);
  const shown = redacted.slice(0, max);
  return quote(shown, text.length, shown.length < redacted.length || window.length < text.length || redacted !== window);
}

function quote(shown: string, total: number, cut: boolean): string {
  const quoted = JSON.stringify(shown).replace(/[\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return cut ? `${quoted.slice(0, shown.endsWith('…') ? -2 : -1)}…" (${total.toLocaleString('en-US')} characters)` : quoted;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
