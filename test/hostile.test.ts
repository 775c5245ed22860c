/**
 * Hostile input: every case ends in a diagnostic (or a usage error) with exit code 1 or 2, in
 * bounded time, never a crash or a stack trace.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../lib/cli/main.ts';
import { BASE, FIXTURE_INVENTORY } from './check-helpers.ts';
import { cleanup, tempDir } from './helpers.ts';

const root = tempDir();
afterAll(() => cleanup(root));
let n = 0;

async function run(files: Record<string, string | Buffer>, extra: string[] = []): Promise<{ code: number; json: { diagnostics: { code: string; message: string; file?: string }[] }; err: string; ms: number }> {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const out: string[] = [];
  const err: string[] = [];
  const t = performance.now();
  const code = await main(['check', dir, '--format', 'json', ...extra], { out: (s) => void out.push(s), err: (s) => void err.push(s), colour: false });
  const ms = performance.now() - t;
  return { code, json: out.length ? JSON.parse(out.join('')) : { diagnostics: [] }, err: err.join(''), ms };
}

const codes = (r: Awaited<ReturnType<typeof run>>) => r.json.diagnostics.map((d) => d.code);
const VM = (spec: string) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: vm\nspec:\n${spec}`;

describe('hostile input', () => {
  it('a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const r = await run({ 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  ${bomb.split('\n').join('\n  ')}\n` });
    expect(codes(r)).toEqual(['DVP001']);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a 10 MB string', async () => {
    const r = await run({ 'big.yaml': VM(`  virtualMachineClassName: generic\n  cpu:\n    cores: 1\n  memory:\n    size: 1Gi\n  blockDeviceRefs:\n    - kind: ClusterVirtualImage\n      name: x\n  provisioning:\n    type: UserData\n    userData: "#cloud-config\\nx: ${'a'.repeat(10 * 1024 * 1024)}"\n`) });
    expect(codes(r)).toContain('DVP002');
    expect(r.json.diagnostics.find((d) => d.code === 'DVP002')?.message).toMatch(/2048/);
    expect(r.code).toBe(1);
  });

  it('a deeply nested document', async () => {
    const depth = 20_000;
    const r = await run({ 'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n` });
    expect(r.code).toBe(1);
    expect(codes(r)).toContain('DVP001');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('__proto__ and constructor keys change no prototype and are unknown fields', async () => {
    const r = await run({ 'proto.yaml': VM(`  virtualMachineClassName: generic\n  __proto__:\n    polluted: true\n  constructor:\n    prototype:\n      polluted: true\n  cpu:\n    cores: 1\n  memory:\n    size: 1Gi\n  blockDeviceRefs:\n    - kind: ClusterVirtualImage\n      name: x\n`) });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(r.json.diagnostics.filter((d) => d.code === 'DVP002').map((d) => d.message)).toEqual(expect.arrayContaining(['unknown field "__proto__"', 'unknown field "constructor"']));
  });

  it('YAML 1.1 scalars where strings or numbers belong (yes, on, 0777, 1e3), read as kubectl reads them', async () => {
    const r = await run({ 'yaml11.yaml': `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: yes\nspec:\n  virtualMachineClassName: on\n  enableParavirtualization: "true"\n  cpu:\n    cores: 1e3\n  memory:\n    size: 0777\n  blockDeviceRefs:\n    - kind: ClusterVirtualImage\n      name: x\n` });
    const messages = r.json.diagnostics.filter((d) => d.code === 'DVP002').map((d) => d.message).join('\n');
    expect(messages).toMatch(/expected a string, got the boolean true/); // name: yes, virtualMachineClassName: on
    expect(messages).toMatch(/expected a boolean/);
    expect(messages).not.toMatch(/cores/); // 1e3 is the number 1000 to kubectl too (go-yaml), so cores is a number
    expect(messages).toMatch(/expected a string, got the number 511/); // 0777 is octal
    expect(r.code).toBe(1);
  });

  it('duplicate keys and tabs', async () => {
    expect(codes(await run({ 'dup.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n' }))).toEqual(['DVP001']);
    expect(codes(await run({ 'tabs.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n' }))).toEqual(['DVP001']);
  });

  it('a BOM and CRLF line ends are read as kubectl reads them', async () => {
    const state = BASE.replace('virtualMachineClassName: std', 'virtualMachineClassName: nonesuch');
    const r = await run({ 'bom-crlf.yaml': `\uFEFF${state.replace(/\n/g, '\r\n')}` }, ['--inventory', FIXTURE_INVENTORY]);
    expect(codes(r)).toEqual(['DVP201']);
  });

  it('bytes that are not UTF-8', async () => {
    const r = await run({ 'latin1.yaml': Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0xff, 0x0a]) });
    expect(codes(r)).toEqual(['DVP001']);
    expect(r.json.diagnostics[0]?.message).toMatch(/UTF-8/);
  });

  it('a symlink loop and a dangling link in the input folder', async () => {
    const dir = join(root, 'links');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n');
    symlinkSync('..', join(dir, 'sub', 'loop'));
    symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml'));
    const out: string[] = [];
    const code = await main(['check', dir, '--format', 'json'], { out: (s) => void out.push(s), err: () => undefined, colour: false });
    const report = JSON.parse(out.join('')) as { diagnostics: { code: string; file: string }[]; summary: { resources: number } };
    expect(report.diagnostics.map((d) => d.code)).toEqual(['DVP001']);
    expect(report.diagnostics[0]?.file).toMatch(/dangling\.yaml$/);
    expect(report.summary.resources).toBe(1);
    expect(code).toBe(1);
  });

  it('an unreadable file', async () => {
    const dir = join(root, 'unreadable');
    mkdirSync(dir);
    writeFileSync(join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n');
    chmodSync(join(dir, 'secret.yaml'), 0);
    let readable = true;
    try {
      readFileSync(join(dir, 'secret.yaml'));
    } catch {
      readable = false;
    }
    const out: string[] = [];
    const code = await main(['check', dir, '--format', 'json'], { out: (s) => void out.push(s), err: () => undefined, colour: false });
    const report = JSON.parse(out.join('')) as { diagnostics: { code: string }[] };
    // Root reads any file; everyone else gets a diagnostic, never a crash.
    expect(report.diagnostics.map((d) => d.code)).toEqual(readable ? [] : ['DVP001']);
    expect(code).toBe(readable ? 0 : 1);
  });

  it('an inventory of 10,000 nodes', async () => {
    const inv = join(root, 'inv-10k');
    mkdirSync(inv);
    const nodes = Array.from({ length: 10_000 }, (_, i) => `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: node-${i}\n    labels:\n      node.deckhouse.io/group: worker\n      virtualization.deckhouse.io/kvm-enabled: "true"\n      cpu-model.node.virtualization.deckhouse.io/Nehalem: "true"\n      cpu-feature.node.virtualization.deckhouse.io/aes: "true"\n      host-model-cpu.node.virtualization.deckhouse.io/Model${i % 7}: "true"\n  status:\n    addresses:\n    - type: InternalIP\n      address: 172.16.${Math.floor(i / 250)}.${(i % 250) + 1}\n    allocatable:\n      cpu: "64"\n      memory: 256Gi\n`).join('');
    writeFileSync(join(inv, 'nodes.yaml'), `apiVersion: v1\nkind: List\nitems:\n${nodes}`);
    writeFileSync(join(inv, 'storage.yaml'), readFileSync(join(FIXTURE_INVENTORY, 'storage.yaml')));
    const t = performance.now();
    const r = await run({ 'state.yaml': BASE }, ['--inventory', inv]);
    expect(codes(r)).toEqual([]);
    const out: string[] = [];
    expect(await main(['classes', '--inventory', inv, '--format', 'text'], { out: (s) => void out.push(s), err: () => undefined, colour: false })).toBe(0);
    expect(out.join('')).toMatch(/^class model0 {2}\(host-model-cpu=Model0\)$/m);
    expect(performance.now() - t).toBeLessThan(30_000);
  });

  it('a 1 MB mapping reads in linear time, duplicate keys found on both readers\' paths', async () => {
    // 60,000 keys: the parser's own duplicate search was quadratic (over a minute); dvpc's is one Set.
    const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: v${i}`).join('\n');
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${keys}\n`;
    expect(big.length).toBeGreaterThan(900_000);
    const plain = await run({ 'big.yaml': big });
    expect(codes(plain)).toEqual([]);
    expect(plain.ms).toBeLessThan(30_000);
    // An anchor sends the document to the document API; a key written twice, at its line.
    const dup = await run({ 'dup.yaml': `${big.replace('  k0: v0', '  k0: &a v0')}  k59999: again\n` });
    expect(codes(dup)).toEqual(['DVP001']);
    expect(dup.json.diagnostics[0]?.message).toMatch(/duplicate key "k59999"/);
    expect((dup.json.diagnostics[0] as { line?: number }).line).toBe(60_006);
    expect(dup.ms).toBeLessThan(30_000);
  });

  it('a List inside a List: the inner objects are checked like any other', async () => {
    const r = await run({ 'lists.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: Not_A_Name\n' });
    expect(codes(r)).toEqual(['DVP003']);
    expect(r.json.diagnostics[0]).toMatchObject({ file: expect.stringMatching(/lists\.yaml$/), line: 10, resource: 'Namespace/Not_A_Name', path: 'metadata.name' });
  });

  it('a List whose items are not a list of objects is reported, not skipped', async () => {
    const r = await run({
      'scalar-items.yaml': 'apiVersion: v1\nkind: List\nitems: oops\n',
      'mixed-items.yaml': 'apiVersion: v1\nkind: List\nitems:\n- 42\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ok\n- [a, b]\n',
      'no-items.yaml': 'apiVersion: v1\nkind: ServiceList\n',
    });
    const found = r.json.diagnostics.map((d) => `${d.code} ${(d.file ?? '').replace(/.*\//, '')}:${(d as { line?: number }).line} ${(d as { path?: string }).path}`);
    expect(found).toEqual([
      'DVP002 mixed-items.yaml:4 items[0]',
      'DVP002 mixed-items.yaml:9 items[2]',
      'DVP002 no-items.yaml:2 kind',
      'DVP002 scalar-items.yaml:3 items',
    ]);
    expect(r.code).toBe(1);
  });

  it('a %YAML 1.2 directive does not change how yes is read: kubectl refuses the file, and so does dvpc', async () => {
    // kubectl cuts the stream at `---` before go-yaml parses it, so the directive stands alone, and
    // go-yaml v2 accepts only %YAML 1.1 ("found incompatible YAML document").
    const r = await run({ 'v12.yaml': '%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: yes\n' });
    expect(codes(r)).toEqual(['DVP001', 'DVP002']);
    expect(r.json.diagnostics[0]?.message).toMatch(/%YAML/);
    // The document after it is still read as kubectl reads YAML (1.1): `yes` is the boolean true.
    expect(r.json.diagnostics[1]?.message).toMatch(/boolean true/);
    expect(r.code).toBe(1);
  });

  it('a usage error is exit 2 with one line, not a stack trace', async () => {
    const r = await run({}, ['--inventory', join(root, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^dvpc: inventory .* does not exist/);
  });
});
