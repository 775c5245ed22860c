/**
 * Random YAML texts for the readers' differential tests: one JSON-like value written in a random
 * mix of the styles people and tools use (block and flow collections, compact and indentless
 * sequences, plain, quoted and block scalars, escapes, comments, odd indentation widths), with
 * scalars chosen to hit YAML 1.1's traps. The text need not be valid: the readers must agree on it.
 */
import fc from 'fast-check';
import type { Json } from '../lib/core/json.ts';
// The bench's seeded generator (mulberry32): a failing case reproduces from its seed.
import { random } from '../bench/fleet.ts';

/** Strings YAML 1.1, go-yaml or the indicators treat specially, as keys and values. */
export const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'true', 'False', 'TRUE', 'null', 'Null', '~', '', '0', '-0', '0777', '0o17', '0x1F', '0b101', '-0b11',
  '+12', '1_000', '1__0', '_1', '1e3', '1E-3', '08', '.5', '-.5', '+.5', '1.', '.', '1:30', '2001-12-14', '2001-12-14T21:59:43.10Z', '.inf', '-.Inf', '.nan',
  '1e400', '9223372036854775807', '9223372036854775808', '18446744073709551616', '0x', '+', '-', 'a b', 'a:b', 'a: b', 'a #b', 'a#b', '#a', '-a',
  '- a', '?a', ':a', 'a:', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'multi\nline', 'two\n\nparas\n', 'trail ', ' lead', 'ünïcödé', '😀 smile',
  '[x]', '{x}', 'x,y', '*a', '&a', '!a', '|', '>', '%a', '@a', '`a', '<<', '---', '...', 'http://x:80/a#b', 'key: value', '10Gi', '100%', 'vm-00001',
];

export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json; scalar: Json; key: string }>((tie) => ({
  key: fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[a-z][a-zA-Z0-9._/-]{0,12}$/)),
  scalar: fc.oneof(
    fc.constantFrom(...TRICKY),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('scalar'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tie('key'), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function doubleQuoted(s: string, r: () => number): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += r() < 0.5 ? '\t' : '\\t';
    else if (c < 0x20) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c > 0x7e && r() < 0.3) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else if (ch === '/' && r() < 0.2) out += '\\/';
    else out += ch;
  }
  return `${out}"`;
}

function scalarText(v: Json, r: () => number): string {
  if (typeof v !== 'string') {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && r() < 0.3) return r() < 0.5 ? `0x${v.toString(16)}` : `0o${v.toString(8)}`;
    return String(v);
  }
  const roll = r();
  if (roll < 0.45 && !s_hasBreak(v)) return v;
  if (roll < 0.7) return `'${v.replace(/'/g, "''")}'`;
  return doubleQuoted(v, r);
}

function s_hasBreak(s: string): boolean {
  return /[\n\r]/.test(s);
}

function comment(r: () => number): string {
  return r() < 0.15 ? ` # ${r() < 0.5 ? 'note' : 'a: b'}` : '';
}

function blankOrComment(indent: string, r: () => number): string {
  const x = r();
  if (x < 0.06) return '\n';
  if (x < 0.12) return `${r() < 0.5 ? indent : ''}# comment\n`;
  return '';
}

/** A block scalar for a string (literal or folded), content at `indent`. */
function blockScalar(s: string, indent: string, r: () => number): string {
  const folded = r() < 0.3;
  const chomp = s.endsWith('\n\n') ? '+' : s.endsWith('\n') ? '' : '-';
  const body = s.replace(/\n+$/, '');
  const lines = body.split('\n').map((l) => (l.length === 0 ? '' : indent + l));
  const trailing = chomp === '+' ? '\n'.repeat((/\n+$/.exec(s)?.[0].length ?? 1) - 1) : '';
  return `${folded ? '>' : '|'}${chomp}\n${lines.join('\n')}\n${trailing}`;
}

function isFlowable(v: Json, depth = 0): boolean {
  if (depth > 3) return false;
  if (Array.isArray(v)) return v.every((x) => isFlowable(x, depth + 1));
  if (v !== null && typeof v === 'object') return Object.values(v).every((x) => isFlowable(x, depth + 1));
  return typeof v !== 'string' || !s_hasBreak(v);
}

function flow(v: Json, r: () => number): string {
  if (Array.isArray(v)) return `[${v.map((x) => flow(x, r)).join(r() < 0.5 ? ', ' : ',')}${r() < 0.1 && v.length > 0 ? ',' : ''}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${scalarText(k, r)}: ${flow(x, r)}`).join(', ')}}`;
  return scalarText(v, r);
}

/** The value after `key:` or `- `, then its newline; `indent` is the enclosing block's. */
function afterIndicator(v: Json, indent: string, w: string, r: () => number, inMap: boolean): string {
  if (v !== null && typeof v === 'object') {
    const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
    if (empty || (isFlowable(v) && r() < 0.2)) return ` ${flow(v, r)}${comment(r)}\n`;
    if (Array.isArray(v)) {
      // Under a key, a sequence may sit at the key's own indentation (as kubectl writes it).
      const at = inMap && r() < 0.5 ? indent : indent + w;
      return `${comment(r)}\n${blockSeq(v, at, w, r)}`;
    }
    return `${comment(r)}\n${blockMap(v, indent + w, w, r)}`;
  }
  if (typeof v === 'string' && (s_hasBreak(v) || r() < 0.08) && !/^[ \n]/.test(v)) return ` ${blockScalar(v, indent + w, r)}`;
  return ` ${scalarText(v, r)}${comment(r)}\n`;
}

function blockMap(obj: { [k: string]: Json }, indent: string, w: string, r: () => number, firstInline = false): string {
  let out = '';
  Object.entries(obj).forEach(([k, v], i) => {
    if (!(firstInline && i === 0)) out += blankOrComment(indent, r) + indent;
    out += `${scalarText(k, r)}:${afterIndicator(v, indent, w, r, true)}`;
  });
  return out;
}

function blockSeq(arr: Json[], indent: string, w: string, r: () => number): string {
  let out = '';
  for (const item of arr) {
    out += `${blankOrComment(indent, r)}${indent}-`;
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0 && r() < 0.7) {
      // A compact mapping: the first key on the dash line, the rest under it.
      out += ` ${blockMap(item, `${indent}  `, w, r, true)}`;
    } else {
      out += afterIndicator(item, indent, w, r, false);
    }
  }
  return out;
}

/** One document's text for a value, in styles picked by `seed`. */
export function yamlText(v: Json, seed: number): string {
  const r = random(seed);
  const w = ' '.repeat(1 + Math.floor(r() * 4));
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) return blockMap(v, '', w, r);
  if (Array.isArray(v) && v.length > 0) return blockSeq(v, '', w, r);
  return `${v !== null && typeof v === 'object' ? flow(v, r) : scalarText(v, r)}\n`;
}
