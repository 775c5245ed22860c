/** The YAML writer: any JSON value reads back identically, under YAML 1.2 and kubectl's YAML 1.1. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { emitDocument, lineMaps } from '../lib/render/yaml-emit.ts';
import type { Json } from '../lib/core/json.ts';

const tricky = fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'N', 'true', 'null', '~', '0777', '1e3', '0x1F', '1:20', '10.66.10.5', '2026-01-01', '-', '- a', ': x', 'a: b', '#c', 'a #b', ' lead', 'trail ', '', '@x', '`x', '"q"', "'q'", '[a]', '{a}', 'a\nb', 'a\n', 'a\n\n', '\n', '\ta', 'a\r\nb', '\u2028', '%x', '!tag', '&a', '*a', '|', '>', '?', '=', '<<', 'https://x.y/z', '50G', '10Gi', '100%');
const str = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
const scalar = fc.oneof(str, fc.integer(), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof({ maxDepth: 4 }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(str, tie('value'), { maxKeys: 4 })),
})).value;
const doc = fc.dictionary(str, json, { maxKeys: 6 });

describe('emitDocument', () => {
  it('round-trips any JSON object under YAML 1.2 and 1.1', () => {
    fc.assert(fc.property(doc, (d) => {
      const text = emitDocument(d);
      expect(parse(text, { version: '1.2' }) ?? {}).toEqual(d);
      expect(parse(text, { version: '1.1' }) ?? {}).toEqual(d);
    }), { numRuns: 400 });
  });

  it('writes keys in canonical order regardless of insertion order', () => {
    const a = emitDocument({ spec: { b: 1, a: 2 }, metadata: { namespace: 'ns', name: 'x', labels: { z: '1', a: '2' } }, kind: 'K', apiVersion: 'v1' });
    const b = emitDocument({ apiVersion: 'v1', kind: 'K', metadata: { labels: { a: '2', z: '1' }, name: 'x', namespace: 'ns' }, spec: { a: 2, b: 1 } });
    expect(a).toBe(b);
    expect(a.split('\n').slice(0, 5)).toEqual(['apiVersion: v1', 'kind: K', 'metadata:', '  name: x', '  namespace: ns']);
  });

  it('knows the line of every field', () => {
    const d = { apiVersion: 'v1', kind: 'K', metadata: { name: 'x' }, spec: { list: [{ a: 1, b: 'two\nlines\n' }, 'c'], z: true } };
    const text = `---\n${emitDocument(d)}`;
    const lines = text.split('\n');
    const map = lineMaps([d])[0]!;
    expect(lines[map.get('.spec.list[0].b')! - 1]).toMatch(/b: \|/);
    expect(lines[map.get('.spec.list[1]')! - 1]).toMatch(/- c/);
    expect(lines[map.get('.spec.z')! - 1]).toMatch(/z: true/);
  });
});
