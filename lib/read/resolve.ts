/**
 * What a YAML scalar means to kubectl. kubectl reads YAML with sigs.k8s.io/yaml, which decodes
 * with go-yaml v2 (YAML 1.1 resolution, `resolve.go`) and then converts the result to JSON. Both
 * of dvpc's readers (the fast one and the document API) resolve every scalar here, so they cannot
 * disagree on a value, and the rules below are checked against go-yaml's own in test/read.test.ts.
 *
 * go-yaml v2 resolves an untagged plain scalar by its first character:
 * - `y Y yes Yes YES true True TRUE on On ON` are true, `n N no No NO false False FALSE off Off OFF`
 *   false, `"" ~ null Null NULL` null; `.inf`, `-.inf`, `.nan` (and their spellings) are floats
 *   that JSON cannot hold, so kubectl fails on them;
 * - a leading digit or sign: underscores are dropped, then Go's ParseInt with base 0 (`0x1F`,
 *   `0o17`, `0b101`, `0777` octal, `-12`), ParseUint, then a float of the form
 *   `[-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?` (`1e3` is 1000, `08` is 8); timestamps stay strings;
 * - a leading `.`: Go's ParseFloat (`.5`);
 * - anything else, and every quoted or block scalar, is a string. Sexagesimal `1:30` is a string.
 */
import { excerpt } from '../core/excerpt.ts';
import type { Json } from '../core/json.ts';

/** A scalar JSON cannot hold (`.inf`, `.nan`): kubectl's JSON conversion fails on it. */
export const NOT_JSON: unique symbol = Symbol('not representable in JSON');
export type Resolved = Json | typeof NOT_JSON;

const BOOL_NULL = new Map<string, boolean | null>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOL_NULL.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOL_NULL.set(s, false);
for (const s of ['', '~', 'null', 'Null', 'NULL']) BOOL_NULL.set(s, null);
const NON_FINITE = new Set(['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']);

/**
 * go-yaml's hint table by first character code: 1 a map lookup only (booleans, null), 2 a number
 * (digit or sign), 3 a float (`.`). 0: always a string, which is most keys and values.
 */
const HINT = new Uint8Array(128);
for (const c of 'yYnNtTfFoO~') HINT[c.charCodeAt(0)] = 1;
for (const c of '0123456789+-') HINT[c.charCodeAt(0)] = 2;
HINT['.'.charCodeAt(0)] = 3;

/** Go's ParseInt(s, 0, 64) grammar once underscores are gone: sign, then a base prefix or digits. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|0([0-7]*)|([1-9][0-9]*))$/;
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Go's ParseFloat for a string that starts with `.`: digits, underscores only between digits. */
const DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** What go-yaml makes of a plain scalar, before the JSON conversion. */
export type GoScalar =
  | { readonly tag: 'str'; readonly value: string }
  | { readonly tag: 'bool'; readonly value: boolean }
  | { readonly tag: 'null' }
  | { readonly tag: 'int'; readonly value: bigint; readonly unsigned: boolean }
  | { readonly tag: 'float'; readonly value: number };

function goInt(plain: string): { value: bigint; unsigned: boolean } | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const [, sign, hex, bin, oct, oldOct, dec] = m;
  const magnitude = hex !== undefined ? BigInt(`0x${hex}`) : bin !== undefined ? BigInt(`0b${bin}`) : oct !== undefined ? BigInt(`0o${oct}`) : oldOct !== undefined ? (oldOct === '' ? 0n : BigInt(`0o${oldOct}`)) : BigInt(dec as string);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return { value, unsigned: false };
  // ParseUint takes no sign.
  if (sign === '' && value <= UINT64_MAX) return { value, unsigned: true };
  return undefined;
}

/** go-yaml v2's `resolve("", s)` for an untagged plain scalar. */
export function resolveGo(s: string): GoScalar {
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  const hint = s.length === 0 ? 1 : c < 128 ? (HINT[c] as number) : 0;
  if (hint === 0) return { tag: 'str', value: s };
  const known = BOOL_NULL.get(s);
  if (known !== undefined) return known === null ? { tag: 'null' } : { tag: 'bool', value: known };
  if (NON_FINITE.has(s)) return { tag: 'float', value: s.includes('nan') || s.includes('NaN') || s.includes('NAN') ? Number.NaN : s.startsWith('-') ? -Infinity : Infinity };
  if (hint === 3) {
    if (DOT_FLOAT.test(s)) {
      const f = Number(s.replace(/_/g, ''));
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
    return { tag: 'str', value: s };
  }
  if (hint === 2) {
    const plain = s.includes('_') ? s.replace(/_/g, '') : s;
    const int = goInt(plain);
    if (int) return { tag: 'int', value: int.value, unsigned: int.unsigned };
    if (YAML_STYLE_FLOAT.test(plain)) {
      // ParseFloat reports overflow (1e400) as an error: the scalar stays a string.
      const f = Number(plain);
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
  }
  return { tag: 'str', value: s };
}

/** The JSON value kubectl sends for an untagged plain scalar. */
export function plainValue(s: string): Resolved {
  // The common case first: no hint, a string (names, kinds, images, quantities like 10Gi).
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  if (s.length > 0 && (c >= 128 || HINT[c] === 0)) return s;
  return goValue(resolveGo(s));
}

/** A resolved scalar as JSON: integers and floats become numbers, -0 becomes 0 as JSON has it. */
export function goValue(r: GoScalar): Resolved {
  switch (r.tag) {
    case 'str':
    case 'bool':
      return r.value;
    case 'null':
      return null;
    case 'int': {
      const n = Number(r.value);
      return n === 0 ? 0 : n;
    }
    case 'float':
      return Number.isFinite(r.value) ? (r.value === 0 ? 0 : r.value) : NOT_JSON;
  }
}

/** Why a mapping key cannot become a JSON key, as sigs.k8s.io/yaml refuses it. */
export class KeyError {
  constructor(readonly reason: string) {}
}

/** The JSON key kubectl makes of a plain key: `yes` is "true", `0777` is "511", `1.5` "1.5". */
export function plainKey(s: string): string | KeyError {
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  if (s.length > 0 && (c >= 128 || HINT[c] === 0)) return s;
  return goKey(resolveGo(s));
}

/** sigs.k8s.io/yaml's conversion of a decoded key to a string (convertToJSONableObject). */
export function goKey(r: GoScalar): string | KeyError {
  switch (r.tag) {
    case 'str':
      return r.value;
    case 'bool':
      return r.value ? 'true' : 'false';
    case 'null':
      return new KeyError('a null key');
    case 'int':
      return r.unsigned ? new KeyError('an unsigned 64-bit integer key') : r.value.toString();
    case 'float':
      return formatFloat32(r.value);
  }
}

/**
 * Go's strconv.FormatFloat(f, 'g', -1, 32) as sigs.k8s.io/yaml formats float keys: the shortest
 * digits that read back as the same float32, in %e form when the exponent is below -4 or at
 * least 6 (two exponent digits at least), else in %f form.
 */
export function formatFloat32(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const f = Math.fround(x);
  if (f === Infinity || f === -Infinity) return f > 0 ? '.inf' : '-.inf';
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  if (a === 0) return neg ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const e = a.toExponential(p - 1);
    if (Math.fround(Number(e)) === a) {
      const [mant, ex] = e.split('e') as [string, string];
      digits = mant.replace('.', '');
      exp = Number(ex);
      break;
    }
  }
  let out: string;
  if (exp < -4 || exp >= 6) {
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    out = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${es}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    out = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  }
  return neg ? `-${out}` : out;
}

/** go-yaml v2's timestamp check: `YYYY-` then one of four layouts (a tagged !!timestamp must pass it). */
export function isGoTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| )[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/.test(s);
}

/**
 * An explicitly tagged scalar (`!!int "12"`, `!!str yes`), as go-yaml v2 decodes it: the core tags
 * resolve the text and fail when it is not of that type; any other tag leaves the text a string.
 * Returns the value or an error message.
 */
export function taggedValue(tag: string, text: string): Resolved | { error: string } {
  const short = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
  switch (short) {
    case '!!str':
      return text;
    case '!!binary': {
      // go-yaml decodes base64 into bytes; the JSON encoder replaces invalid UTF-8.
      const clean = text.replace(/[\r\n]/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return { error: '!!binary value contains invalid base64 data' };
      return Buffer.from(clean, 'base64').toString('utf8');
    }
    case '!!bool':
    case '!!int':
    case '!!float':
    case '!!null':
    case '!!timestamp': {
      if (short === '!!timestamp') return isGoTimestamp(text) ? text : { error: `cannot decode ${excerpt(text)} as a !!timestamp` };
      const r = resolveGo(text);
      const want = short.slice(2);
      const ok = r.tag === want || (want === 'float' && r.tag === 'int');
      if (!ok) return { error: `cannot decode !!${r.tag} ${excerpt(text)} as a ${short}` };
      return goValue(r);
    }
    default:
      return text;
  }
}

