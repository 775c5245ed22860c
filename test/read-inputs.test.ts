/**
 * Inputs as kubectl takes them: standard input (`dvpc check -`), JSON read with JSON.parse
 * (duplicate keys refused, streams of objects, lines of fields), the document split at `---`
 * lines, characters go-yaml refuses, and Lists in JSON.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../lib/cli/main.ts';
import { parseManifestText, readingSession } from '../lib/read/yaml.ts';
import { readDocument } from '../lib/read/yaml-doc.ts';
import { readJsonStream } from '../lib/read/json.ts';
import { loadInventory } from '../lib/inventory/load.ts';
import { MAX_FILE_BYTES } from '../lib/read/files.ts';
import { jsonValue } from './yaml-styles.ts';
import { cleanup, tempDir } from './helpers.ts';
import type { Json } from '../lib/core/json.ts';

const ROOT = join(import.meta.dirname, '..');
const root = tempDir();
afterAll(() => cleanup(root));

interface JsonReport { diagnostics: { code: string; message: string; file?: string; line?: number; resource?: string; path?: string }[]; summary: { files: number; resources: number } }

async function check(args: string[], stdin?: () => AsyncIterable<Uint8Array | string>): Promise<{ code: number; report: JsonReport | undefined; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['check', ...args, '--format', 'json'], { out: (s) => void out.push(s), err: (s) => void err.push(s), colour: false, ...(stdin ? { stdin } : {}) });
  return { code, report: out.length > 0 ? (JSON.parse(out.join('')) as JsonReport) : undefined, err: err.join('') };
}

const BAD_NS = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_One\n';

describe('standard input (dvpc check -)', () => {
  it('reads manifests from standard input, named <stdin> with lines', async () => {
    const r = await check(['-'], () => Readable.from([Buffer.from(BAD_NS.slice(0, 20)), Buffer.from(BAD_NS.slice(20))]));
    expect(r.code).toBe(1);
    expect(r.report?.diagnostics).toEqual([expect.objectContaining({ code: 'DVP003', file: '<stdin>', line: 9, resource: 'Namespace/Bad_One', path: 'metadata.name' })]);
    expect(r.report?.summary).toMatchObject({ files: 1, resources: 2 });
  });

  it('reads standard input together with folders, and passes clean input', async () => {
    const dir = join(root, 'with-stdin');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-file\n');
    const r = await check([dir, '-'], () => Readable.from(['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n']));
    expect(r.code).toBe(0);
    expect(r.report?.summary).toMatchObject({ files: 2, resources: 2 });
  });

  it('stops reading past the size limit, and refuses what is not UTF-8', async () => {
    let yielded = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      const mib = Buffer.alloc(1024 * 1024, 0x20);
      for (;;) {
        yielded++;
        yield mib;
      }
    }
    const big = await check(['-'], endless);
    expect(big.code).toBe(1);
    expect(big.report?.diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', file: '<stdin>', message: expect.stringMatching(/larger than 64 MiB/) })]);
    expect(yielded).toBe(MAX_FILE_BYTES / 1024 / 1024 + 1);
    const latin1 = await check(['-'], () => Readable.from([Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a])]));
    expect(latin1.report?.diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', message: expect.stringMatching(/UTF-8/) })]);
  });

  it('takes - once, and only where standard input exists', async () => {
    const twice = await check(['-', '-'], () => Readable.from(['']));
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/given once/);
    const none = await check(['-']);
    expect(none.code).toBe(2);
  });

  it('works through the installed command: helm template ... | dvpc check -', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dvpc.js'), 'check', '-', '--format', 'json'], { input: BAD_NS, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as JsonReport).diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(['DVP003 <stdin>:9']);
  });
});

describe('JSON', () => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', labels: { x: 'y' } } }] }, null, 2);

  it('reads JSON (what kubectl get -o json prints) with lines for every field', () => {
    const { objects, diagnostics } = parseManifestText(list, 'list.json');
    expect(diagnostics).toEqual([]);
    expect(objects.map((o) => (o.body['metadata'] as { name: string }).name)).toEqual(['a', 'b']);
    const lines = list.split('\n');
    const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    expect(objects[1]?.origin.line(['metadata', 'labels', 'x'])).toBe(lineOf('"x"'));
    expect(objects[1]?.origin.line(['metadata', 'name'])).toBe(lineOf('"name": "b"'));
    expect(objects[0]?.origin.line([])).toBe(lineOf('{', 3));
  });

  it('refuses a key written twice (JSON.parse would keep the last silently), at its line', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {\n    "name": "a",\n    "name": "b"\n  }\n}\n';
    const { objects, diagnostics } = parseManifestText(text, 'dup.json');
    expect(objects).toEqual([]);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', line: 6, message: expect.stringMatching(/duplicate key "name"/) })]);
    // The same key in two objects is not a duplicate; an escaped key is compared unescaped.
    expect(parseManifestText('{"a": {"k": 1}, "b": {"k": 2}, "c": {"\\u006b": 1, "k\\"": 2}}', 'x.json').diagnostics).toEqual([]);
    expect(parseManifestText('{"a": {"k": 1, "\\u006b": 2}}', 'x.json').diagnostics).toEqual([expect.objectContaining({ code: 'DVP001' })]);
  });

  it('reads a stream of objects, and says where JSON breaks', () => {
    const stream = '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}';
    expect(parseManifestText(stream, 's.json').objects).toHaveLength(2);
    const broken = parseManifestText('{\n  "apiVersion": "v1",\n  "kind": Namespace\n}\n', 'bad.json');
    expect(broken.diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', line: 3 })]);
    // A file that starts with { is JSON to kubectl: a YAML flow mapping there is a JSON error.
    expect(parseManifestText('{apiVersion: v1, kind: Namespace}', 'flow.yaml').diagnostics).toEqual([expect.objectContaining({ code: 'DVP001' })]);
  });

  it('reads any JSON value as the document API reads the same text', () => {
    fc.assert(fc.property(jsonValue, fc.constantFrom(0, 1, 2, 4), (v, indent) => {
      const text = JSON.stringify(v, null, indent);
      const viaJson = readJsonStream(text);
      expect(viaJson.problem).toBeUndefined();
      expect(readDocument(`${text}\n`)).toEqual({ value: viaJson.docs[0] as Json });
    }), { numRuns: 500 });
  });

  it('reads a JSON inventory of 10,000 nodes', async () => {
    const inv = join(root, 'json-inventory');
    mkdirSync(inv);
    const items = Array.from({ length: 10_000 }, (_, i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels: { 'virtualization.deckhouse.io/kvm-enabled': 'true', [`host-model-cpu.node.virtualization.deckhouse.io/Model${i % 3}`]: 'true', 'cpu-feature.node.virtualization.deckhouse.io/sse4_2': 'true' } }, status: { allocatable: { cpu: '64', memory: '256Gi' } } }));
    writeFileSync(join(inv, 'nodes.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4));
    const loaded = loadInventory(inv);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.nodes).toHaveLength(10_000);
    const out: string[] = [];
    expect(await main(['classes', '--inventory', inv, '--format', 'text'], { out: (s) => void out.push(s), err: () => undefined, colour: false })).toBe(0);
    expect(out.join('')).toMatch(/^class model2 /m);
  });
});

describe('documents as kubectl cuts them', () => {
  const doc = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

  it('cuts at --- lines that hold only a comment; any other text after --- stops the file', () => {
    const ok = parseManifestText(`${doc('a')}--- # next\n${doc('b')}---\n---\n${doc('c')}`, 'x.yaml');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.objects.map((o) => o.origin.line(['metadata', 'name']))).toEqual([4, 9, 15]);
    const bad = parseManifestText(`${doc('a')}--- !tag\n${doc('b')}`, 'x.yaml');
    expect(bad.objects).toHaveLength(1);
    expect(bad.diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', line: 5, message: expect.stringMatching(/invalid document separator "---!tag"/) })]);
    expect(parseManifestText(`----\n${doc('a')}`, 'x.yaml').diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', line: 1 })]);
  });

  it('reads only the first document before a ... marker, as go-yaml does within one cut', () => {
    const r = parseManifestText(`${doc('a')}...\n${doc('b')}`, 'x.yaml');
    expect(r.objects.map((o) => (o.body['metadata'] as { name: string }).name)).toEqual(['a']);
  });

  it('refuses control characters as go-yaml does, at their line, and reads the other documents', () => {
    const r = parseManifestText(`${doc('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: "a\u0007b"\n`, 'x.yaml');
    expect(r.objects).toHaveLength(1);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'DVP001', line: 11, message: expect.stringMatching(/U\+0007/) })]);
    // Written as an escape, the same character is fine.
    expect(parseManifestText(`${doc('a')}data:\n  k: "a\\x07b"\n`, 'x.yaml').diagnostics).toEqual([]);
  });
});

describe('a reading session', () => {
  const two = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n';
  const changed = two.replace('name: b', 'name: c');

  it('parses a text once: files with the same text share bodies, each with its own origin', () => {
    const [x, y] = readingSession(() => [parseManifestText(two, 'state/ns.yaml'), parseManifestText(two, 'baseline/ns.yaml')]);
    expect(y?.objects[0]?.body).toBe(x?.objects[0]?.body);
    expect(y?.objects[1]?.origin.file).toBe('baseline/ns.yaml');
    expect(y?.objects[1]?.origin.line(['metadata', 'name'])).toBe(9);
    // Outside a session nothing is shared.
    expect(parseManifestText(two, 'a.yaml').objects[0]?.body).not.toBe(parseManifestText(two, 'a.yaml').objects[0]?.body);
  });

  it('with documents, shares an unchanged document of a changed file, and only that', () => {
    const [x, y] = readingSession(() => [parseManifestText(two, 'state/ns.yaml'), parseManifestText(changed, 'baseline/ns.yaml')], { documents: true });
    expect(y?.objects[0]?.body).toBe(x?.objects[0]?.body);
    expect(y?.objects[1]?.body).not.toBe(x?.objects[1]?.body);
    expect(y?.objects[1]?.body).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } });
    const [p, q] = readingSession(() => [parseManifestText(two, 'state/ns.yaml'), parseManifestText(changed, 'baseline/ns.yaml')]);
    expect(q?.objects[0]?.body).not.toBe(p?.objects[0]?.body);
  });
});
