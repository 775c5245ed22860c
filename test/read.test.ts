/**
 * The manifest reader: scalars resolve as go-yaml v2 resolves them for kubectl, the fast reader and
 * the document API agree on every fixture, on rendered output and on random documents in many
 * styles (the fast reader may only decline, never differ), dvpc's own output always takes the
 * fast path and reads back as written, and every field's line is found.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FALLBACK, readFast } from '../lib/read/fast-yaml.ts';
import { readDocument } from '../lib/read/yaml-doc.ts';
import { splitDocuments } from '../lib/read/split.ts';
import { formatFloat32, plainKey, plainValue } from '../lib/read/resolve.ts';
import { parseManifestText } from '../lib/read/yaml.ts';
import { emitDocuments, lineMaps } from '../lib/render/yaml-emit.ts';
import { pathKey, type FieldPath, type Json } from '../lib/core/json.ts';
import { jsonValue, TRICKY, yamlText } from './yaml-styles.ts';

const ROOT = join(import.meta.dirname, '..');

/** Both readers on every document of a text: [fast (or FALLBACK), document API]. */
function bothWays(text: string): { fast: Json | typeof FALLBACK; doc: ReturnType<typeof readDocument> }[] {
  return splitDocuments(text).chunks.map((c) => {
    const raw = text.slice(c.start, c.end);
    return { fast: readFast(text, c.start, c.end), doc: readDocument(raw.endsWith('\n') ? raw : `${raw}\n`) };
  });
}

/** The value of `v` in a one-key document, read both ways; the fast reader must not disagree. */
function valueOf(text: string): Json | string {
  const [r] = bothWays(`v: ${text}\n`);
  if (!r) throw new Error('no document');
  if ('problem' in r.doc) {
    expect(r.fast, `fast reader accepted what the document API rejects: ${text}`).toBe(FALLBACK);
    return `ERROR: ${r.doc.problem.message}`;
  }
  if (r.fast !== FALLBACK) expect(r.fast).toEqual(r.doc.value);
  return (r.doc.value as { v: Json }).v;
}

function keyOf(text: string): string {
  const [r] = bothWays(`${text}: x\n`);
  if (!r) throw new Error('no document');
  if ('problem' in r.doc) return `ERROR: ${r.doc.problem.message}`;
  return Object.keys(r.doc.value as object)[0] as string;
}

describe('scalars resolve as go-yaml v2 resolves them (kubectl)', () => {
  // go-yaml v2 resolve.go: the map of YAML 1.1 booleans and nulls, Go's ParseInt with base 0 once
  // underscores are dropped, ParseUint, then floats of its yamlStyleFloat form; no sexagesimals,
  // and timestamps stay strings for an untyped target.
  const cases: [string, Json][] = [
    ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true], ['on', true], ['ON', true], ['true', true], ['True', true],
    ['no', false], ['n', false], ['N', false], ['off', false], ['Off', false], ['false', false], ['FALSE', false],
    ['null', null], ['Null', null], ['NULL', null], ['~', null], ['', null], ['yEs', 'yEs'], ['nULL', 'nULL'],
    ['0', 0], ['-0', 0], ['+12', 12], ['0777', 511], ['-0777', -511], ['0o17', 15], ['0x1F', 31], ['-0x1F', -31], ['0b101', 5], ['-0b11', -3],
    ['1_000', 1000], ['1__0', 10], ['_1', '_1'], ['0x', '0x'], ['+', '+'], ['08', 8], ['09.5', 9.5],
    ['1e3', 1000], ['1E-3', 0.001], ['1.', 1], ['.5', 0.5], ['-.5', -0.5], ['+.5', 0.5], ['.5_0', 0.5], ['._5', '._5'], ['0.0', 0], ['-0.0', 0],
    ['.', '.'], ['1e400', '1e400'], ['9223372036854775807', 9223372036854775807], ['18446744073709551615', 18446744073709551615],
    ['18446744073709551616', 18446744073709551616], ['1:30', '1:30'], ['190:20:30', '190:20:30'], ['2001-12-14', '2001-12-14'],
    ['2001-12-14T21:59:43.10Z', '2001-12-14T21:59:43.10Z'], ['0.1.2', '0.1.2'], ['1e', '1e'], ['10Gi', '10Gi'], ['100%', '100%'],
    ['"yes"', 'yes'], ["'0777'", '0777'], ['!!str yes', 'yes'], ['!!int "12"', 12], ['!!float 1', 1], ['!!bool yes', true], ['!!null ~', null],
    ['!custom yes', 'yes'], ['! 12', '12'], ['!!timestamp 2001-12-14', '2001-12-14'],
  ];
  it.each(cases)('%s', (text, want) => {
    expect(valueOf(text)).toEqual(want);
  });

  it('refuses what kubectl cannot convert to JSON, and tags that do not fit', () => {
    for (const text of ['.inf', '-.Inf', '.NaN', '+.INF', '!!int abc', '!!bool 1', '!!float yes', '!!timestamp soon']) expect(valueOf(text)).toMatch(/^ERROR: /);
  });

  it('turns keys into the strings sigs.k8s.io/yaml makes of them', () => {
    expect(keyOf('yes')).toBe('true');
    expect(keyOf('on')).toBe('true');
    expect(keyOf('0777')).toBe('511');
    expect(keyOf('0x10')).toBe('16');
    expect(keyOf('-1')).toBe('-1');
    expect(keyOf('1.5')).toBe('1.5');
    expect(keyOf('1e3')).toBe('1000');
    expect(keyOf('1e6')).toBe('1e+06');
    expect(keyOf('0.1')).toBe('0.1');
    expect(keyOf('0.00001')).toBe('1e-05');
    expect(keyOf('12345678.9')).toBe('1.2345679e+07');
    expect(keyOf('"yes"')).toBe('yes');
    expect(keyOf('1:30')).toBe('1:30');
    for (const k of ['~', 'null', '""x', '[a]', '{a: 1}', '18446744073709551615']) expect(keyOf(k)).toMatch(/^ERROR: /);
    expect(formatFloat32(100000)).toBe('100000');
    expect(formatFloat32(-2.5e-7)).toBe('-2.5e-07');
    expect(plainKey('name')).toBe('name');
    expect(plainValue('name')).toBe('name');
  });

  it('merges (<<) in document order as go-yaml v2 does, and expands aliases', () => {
    const text = 'base: &b {a: 1, b: 2}\nm1:\n  <<: *b\n  b: 3\nm2:\n  b: 3\n  <<: *b\nm3:\n  <<: [*b, {a: 9, c: 3}]\nlist: &l [1, 2]\ncopy: *l\n';
    const [r] = bothWays(text);
    expect(r?.fast).toBe(FALLBACK);
    expect(r?.doc).toEqual({ value: { base: { a: 1, b: 2 }, m1: { a: 1, b: 3 }, m2: { a: 1, b: 2 }, m3: { a: 1, b: 2, c: 3 }, list: [1, 2], copy: [1, 2] } });
  });

  it('refuses an anchor that contains itself, an unknown alias, and a key written twice', () => {
    for (const text of ['a: &x [1, *x]\n', 'a: *nowhere\n', 'a: 1\nb: 2\na: 3\n', 'm:\n  "k": 1\n  k: 2\n', 'm: {yes: 1, true: 2}\n']) {
      const [r] = bothWays(text);
      expect(r?.fast).toBe(FALLBACK);
      expect(r?.doc, text).toHaveProperty('problem');
    }
  });
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

describe('the fast reader and the document API agree', () => {
  it('on every fixture and every rendered file, and the fast reader reads nearly all of them', () => {
    let fast = 0;
    let total = 0;
    for (const f of [...yamlFiles(join(ROOT, 'test', 'fixtures')), ...yamlFiles(join(ROOT, 'dist'))]) {
      const text = readFileSync(f, 'utf8').replace(/\r\n/g, '\n');
      for (const { fast: a, doc } of bothWays(text)) {
        total++;
        if (a === FALLBACK) continue;
        fast++;
        expect(doc, f).toEqual({ value: a });
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(fast / total).toBeGreaterThan(0.95);
  });

  it('on random documents in many styles: the fast reader declines or agrees, never differs', () => {
    let fast = 0;
    let runs = 0;
    fc.assert(fc.property(jsonValue, fc.integer(), (v, seed) => {
      const text = yamlText(v, seed);
      runs++;
      for (const { fast: a, doc } of bothWays(text)) {
        if (a === FALLBACK) continue;
        fast++;
        expect(doc, text).toEqual({ value: a });
      }
    }), { numRuns: 3000 });
    // The property is not vacuous: the fast reader takes most documents.
    expect(fast / runs).toBeGreaterThan(0.5);
  });

  it('on random damage to such documents (characters inserted, removed, indentation shifted)', () => {
    const damage = fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'indent', 'dedent'), fc.constantFrom(' ', '\t', ':', '-', '#', '"', "'", '\n', '[', '{', '}', '&', '*', '|', '%', '\\', 'x')), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(jsonValue, fc.integer(), damage, (v, seed, edits) => {
      let text = yamlText(v, seed);
      for (const [at, op, ch] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        const lineStart = text.lastIndexOf('\n', i - 1) + 1;
        if (op === 'insert') text = text.slice(0, i) + ch + text.slice(i);
        else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
        else if (op === 'indent') text = `${text.slice(0, lineStart)} ${text.slice(lineStart)}`;
        else if (text[lineStart] === ' ') text = text.slice(0, lineStart) + text.slice(lineStart + 1);
      }
      for (const { fast: a, doc } of bothWays(text)) if (a !== FALLBACK) expect(doc, JSON.stringify(text)).toEqual({ value: a });
    }), { numRuns: 3000 });
  });

  it("reads dvpc's own output on the fast path, exactly as it was written", () => {
    const doc = fc.dictionary(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ minLength: 1, maxLength: 8 })), jsonValue, { minKeys: 1, maxKeys: 6 });
    fc.assert(fc.property(doc, (obj) => {
      const expected = JSON.parse(JSON.stringify(obj)) as { [k: string]: Json };
      const text = emitDocuments([expected]);
      const [r] = bothWays(text);
      expect(r?.fast, text).toEqual(expected);
    }), { numRuns: 1000 });
  });
});

/** Every path to a value, objects and lists included. */
function paths(v: Json, prefix: (string | number)[] = []): FieldPath[] {
  const out: FieldPath[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

describe('lines', () => {
  it('finds the line of every field, as the writer laid it out', () => {
    const obj = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('ConfigMap'), metadata: fc.record({ name: fc.constant('x') }), data: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), jsonValue, { maxKeys: 4 }) });
    fc.assert(fc.property(fc.array(obj, { minLength: 1, maxLength: 3 }), (docs) => {
      const clean = JSON.parse(JSON.stringify(docs)) as { [k: string]: Json }[];
      const text = emitDocuments(clean);
      const lines = lineMaps(clean);
      const { objects } = parseManifestText(text, 'x.yaml');
      expect(objects).toHaveLength(clean.length);
      objects.forEach((o, i) => {
        for (const p of paths(o.body)) expect(o.origin.line(p), pathKey(p)).toBe(lines[i]?.get(pathKey(p)));
      });
    }), { numRuns: 200 });
  });

  it('finds lines in documents that took the document API, and after CRLF and a BOM', () => {
    const text = '\uFEFF# head\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: &n cm\r\ndata:\r\n  a: *n\r\n  b: |\r\n    two\r\n    lines\r\n  c: x\r\n';
    const { objects, diagnostics } = parseManifestText(text, 'crlf.yaml');
    expect(diagnostics).toEqual([]);
    expect(objects[0]?.body).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'cm', b: 'two\nlines\n', c: 'x' } });
    expect(objects[0]?.origin.line(['data', 'c'])).toBe(12);
    expect(objects[0]?.origin.line(['data', 'a'])).toBe(8);
    expect(objects[0]?.origin.line(['data', 'missing'])).toBe(7);
  });
});
