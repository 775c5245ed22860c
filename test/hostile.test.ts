/**
 * Hostile input: every case ends in a diagnostic (or a usage error) with exit code 1 or 2, in
 * bounded time, never a crash or a stack trace. "Bounded" is the test's deadline (vitest's
 * testTimeout): a hang fails it; how fast dvpc is, is measured by `npm run bench`, not here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { App, ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { main } from '../lib/cli/main.ts';
import { BASE, FIXTURE_INVENTORY, lineOf, withDocs } from './check-helpers.ts';
import { cleanup, readTree, tempDir } from './helpers.ts';
import { Cluster, Project } from '../lib/index.ts';
import { synthesize } from '../lib/synth.ts';
import { objectFile } from '../lib/render/layout.ts';
import { realFs, recoverInterruptedSwap, UnsafeOutputPathError, writeTreeAtomically, type WriterFs } from '../lib/render/write.ts';
import { checkPaths } from '../lib/front/check-paths.ts';
import { loadInventory } from '../lib/inventory/load.ts';

const root = tempDir();
afterAll(() => cleanup(root));
let n = 0;

async function run(files: Record<string, string | Buffer>, extra: string[] = []): Promise<{ code: number; json: { diagnostics: { code: string; message: string; file?: string }[] }; err: string }> {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['check', dir, '--format', 'json', ...extra], { out: (s) => void out.push(s), err: (s) => void err.push(s), colour: false });
  return { code, json: out.length ? JSON.parse(out.join('')) : { diagnostics: [] }, err: err.join('') };
}

const codes = (r: Awaited<ReturnType<typeof run>>) => r.json.diagnostics.map((d) => d.code);
const VM = (spec: string) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: vm\nspec:\n${spec}`;

describe('hostile input', () => {
  it('a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const r = await run({ 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  ${bomb.split('\n').join('\n  ')}\n` });
    expect(codes(r)).toEqual(['DVP001']);
    expect(r.code).toBe(1);
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

  it('a deeply nested JSON document is DVP001, as deep YAML is, in bounded time', async () => {
    const depth = 50_000;
    const r = await run({ 'deep.json': `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},\n"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}\n`, 'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep2\ndata:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n` });
    expect(r.code).toBe(1);
    expect(r.json.diagnostics.map((d) => `${d.code} ${d.file?.replace(/.*\//, '')}`).sort()).toEqual(['DVP001 deep.json', 'DVP001 deep.yaml']);
    const json = r.json.diagnostics.find((d) => d.file?.endsWith('deep.json'));
    expect(json?.message).toMatch(/nested too deeply \(more than 1000 levels\)/);
    // The YAML reader says the same thing, not the engine's words.
    expect(r.json.diagnostics.find((d) => d.file?.endsWith('deep.yaml'))?.message).toBe('not valid YAML: the document is nested too deeply');
    expect(json).toMatchObject({ line: 2 });
  });

  it('JSON nested as deep as the limit is read and checked (a key at the bottom is still found)', async () => {
    // The object, data and 998 lists: 1,000 levels.
    const nest = (inner: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"x":${'['.repeat(998)}${inner}${']'.repeat(998)}}}\n`;
    const clean = await run({ 'deep.json': nest('"no key here, only a string long enough to be read"') });
    expect(clean.json.diagnostics).toEqual([]);
    expect(clean.code).toBe(0);
    const key = await run({ 'deep.json': nest(JSON.stringify('-----BEGIN RSA PRIVATE KEY-----\nMIIExampleOnlyNotAKey\n-----END RSA PRIVATE KEY-----\n')) });
    expect(codes(key)).toEqual(['DVP701']);
    const tooDeep = await run({ 'deep.json': nest('[]') });
    expect(codes(tooDeep)).toEqual(['DVP001']);
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
    const r = await run({ 'state.yaml': BASE }, ['--inventory', inv]);
    expect(codes(r)).toEqual([]);
    const out: string[] = [];
    expect(await main(['classes', '--inventory', inv, '--format', 'text'], { out: (s) => void out.push(s), err: () => undefined, colour: false })).toBe(0);
    expect(out.join('')).toMatch(/^class model0 {2}\(host-model-cpu=Model0\)$/m);
  });

  it('a 1 MB mapping reads in linear time, duplicate keys found on both readers\' paths', async () => {
    // 60,000 keys: the parser's own duplicate search was quadratic (over a minute); dvpc's is one Set.
    const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: v${i}`).join('\n');
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${keys}\n`;
    expect(big.length).toBeGreaterThan(900_000);
    const plain = await run({ 'big.yaml': big });
    expect(codes(plain)).toEqual([]);
    // An anchor sends the document to the document API; a key written twice, at its line.
    const dup = await run({ 'dup.yaml': `${big.replace('  k0: v0', '  k0: &a v0')}  k59999: again\n` });
    expect(codes(dup)).toEqual(['DVP001']);
    expect(dup.json.diagnostics[0]?.message).toMatch(/duplicate key "k59999"/);
    expect((dup.json.diagnostics[0] as { line?: number }).line).toBe(60_006);
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

/** Runs `dvpc check` on a folder in every report format; returns the exit code and each output. */
async function allFormats(args: string[]): Promise<{ code: number; outputs: string[] }> {
  const outputs: string[] = [];
  let code = 0;
  for (const format of ['text', 'json', 'sarif']) {
    const out: string[] = [];
    code = await main(['check', ...args, '--format', format], { out: (s) => void out.push(s), err: (s) => void out.push(s), colour: false });
    outputs.push(out.join(''));
  }
  return { code, outputs };
}

describe('issue 9: nothing written outside the output folder, nothing lost', () => {
  const withInventory = (app: App, name = 'c') => new Cluster(app, name, { inventory: FIXTURE_INVENTORY });

  it('a cdk8s-plus ConfigMap whose namespace is a path is DVP003 naming the construct, and nothing is written', () => {
    const top = join(root, 'escape');
    const out = join(top, 'a', 'b', 'dist');
    const app = new App();
    const cluster = withInventory(app);
    new kplus.ConfigMap(cluster, 'evil', { metadata: { name: 'ci', namespace: '../../../../escaped' }, data: { x: 'y' } });
    new kplus.ConfigMap(cluster, 'unicode', { metadata: { name: 'u', namespace: 'Ünïcode' }, data: { x: 'y' } });
    const result = synthesize(app, { outdir: out });
    const found = result.clusters[0]?.report.diagnostics.filter((d) => d.code === 'DVP003') ?? [];
    expect(found).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', constructPath: 'c/evil/Resource', path: 'metadata.namespace', message: expect.stringMatching(/"\.\.\/\.\.\/\.\.\/\.\.\/escaped" is not a DNS-1123 label/) }),
      expect.objectContaining({ constructPath: 'c/unicode/Resource', path: 'metadata.namespace', message: expect.stringMatching(/"Ünïcode"/) }),
    ]));
    expect(result.written).toBe(false);
    expect(existsSync(top) ? readdirSync(top, { recursive: true }) : []).toEqual([]);
  });

  it('a raw ApiObject whose kind is a path is DVP003, and never becomes a file', () => {
    const app = new App();
    const cluster = withInventory(app);
    new ApiObject(cluster, 'raw', { apiVersion: 'example.com/v1', kind: '../../.github/workflows/ci', metadata: { name: 'x' } });
    new ApiObject(cluster, 'dots', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '..', namespace: 'ok' } });
    const result = synthesize(app, { dryRun: true });
    expect(result.clusters[0]?.report.diagnostics.filter((d) => d.code === 'DVP003')).toEqual([
      expect.objectContaining({ constructPath: 'c/raw', path: 'kind', message: expect.stringMatching(/is not an identifier/) }),
      expect.objectContaining({ constructPath: 'c/dots', path: 'metadata.name' }),
    ]);
    expect([...result.files.keys()].filter((f) => f.includes('..') || f.includes('.github'))).toEqual([]);
    // The nearest correct objects are placed.
    const ok = new App();
    const okCluster = withInventory(ok);
    new ApiObject(okCluster, 'raw', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x', namespace: 'apps' } });
    const okResult = synthesize(ok, { dryRun: true });
    expect(okResult.clusters[0]?.report.diagnostics.filter((d) => d.code === 'DVP003')).toEqual([]);
    expect(okResult.files.has('c/namespaces/apps/things.yaml')).toBe(true);
  });

  it('the writer refuses any path that resolves outside its staging folder (a second guard)', () => {
    const out = join(root, 'guard', 'dist');
    for (const bad of ['../escaped.yaml', 'a/../../escaped.yaml', '/etc/passwd', 'a//b.yaml', 'a/./b.yaml', 'a\\..\\b.yaml', '']) {
      expect(() => writeTreeAtomically(out, new Map([['ok/file.yaml', 'x: 1\n'], [bad, 'x: 1\n']]))).toThrow(UnsafeOutputPathError);
    }
    expect(existsSync(join(root, 'guard')) ? readdirSync(join(root, 'guard')) : []).toEqual([]);
  });

  it('a Flux Kustomization in a project keeps its own file, listed by the folder\'s kustomization', () => {
    const app = new App();
    const cluster = withInventory(app);
    const project = new Project(cluster, 'apps');
    new ApiObject(project, 'flux', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'apps' }, spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } } });
    const out = join(root, 'flux', 'dist');
    const result = synthesize(app, { outdir: out });
    expect(result.written).toBe(true);
    const folder = join(out, 'c', 'namespaces', 'apps');
    const own = readFileSync(join(folder, 'kustomization.yaml'), 'utf8');
    expect(own).toMatch(/^apiVersion: kustomize\.config\.k8s\.io\//);
    const holding = [...readTree(folder)].filter(([, text]) => text.includes('kustomize.toolkit.fluxcd.io')).map(([name]) => name);
    expect(holding).toHaveLength(1);
    expect(holding[0]).not.toMatch(/^kustomization(\.ya?ml)?$/i);
    expect(own).toContain(`- ${holding[0]}`);
    const built = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
    expect(built).toMatch(/apiVersion: kustomize\.toolkit\.fluxcd\.io\/v1\nkind: Kustomization/);
    expect(objectFile('Kustomization')).toBe(holding[0]);
    for (const kind of ['Kustomization', 'KUSTOMIZATION', 'kustomization']) expect(objectFile(kind)).not.toMatch(/^kustomization(\.ya?ml)?$/i);
    expect(objectFile('VirtualMachine')).toBe('virtual-machines.yaml');
  });
});

describe('issue 9: the swap recovers the right tree and cleans up', () => {
  /** A process id above any pid_max: the process of that leftover is gone. */
  const DEAD = 2 ** 30;
  /** An output folder's parent with the given trees (name → marker) and perhaps a journal. */
  function scene(trees: Record<string, string>, journal?: { old: string; staged: string }): { parent: string; out: string } {
    const parent = join(root, `swap-${n++}`);
    for (const [name, marker] of Object.entries(trees)) {
      mkdirSync(join(parent, name), { recursive: true });
      writeFileSync(join(parent, name, 'marker.yaml'), `${marker}\n`);
    }
    if (journal) writeFileSync(join(parent, '.dist-swap.json'), JSON.stringify(journal));
    return { parent, out: join(parent, 'dist') };
  }

  it('puts back the tree the journal names, not the one a string order puts last', () => {
    // String order ranks "t999..." after "t2000...": the older, partial tree would win by name.
    const { parent, out } = scene({ [`.dist-old-t999-p${DEAD}-0`]: 'partial', [`.dist-old-t2000-p${DEAD}-0`]: 'complete' }, { old: `.dist-old-t2000-p${DEAD}-0`, staged: `.dist-new-t1999-p${DEAD}-0` });
    expect(recoverInterruptedSwap(out)).toBe(`.dist-old-t2000-p${DEAD}-0`);
    expect(readFileSync(join(out, 'marker.yaml'), 'utf8')).toBe('complete\n');
    expect(existsSync(join(parent, '.dist-swap.json'))).toBe(false);
  });

  it('when the journal\'s old tree is gone, its staged tree (complete before the journal was written) is put in place', () => {
    const { out } = scene({ [`.dist-old-t999-p${DEAD}-0`]: 'ancient', [`.dist-new-t1999-p${DEAD}-0`]: 'staged' }, { old: `.dist-old-t2000-p${DEAD}-0`, staged: `.dist-new-t1999-p${DEAD}-0` });
    recoverInterruptedSwap(out);
    expect(readFileSync(join(out, 'marker.yaml'), 'utf8')).toBe('staged\n');
  });

  it('without a journal, the old tree completed last wins (by its recorded time, not by name)', () => {
    const { out } = scene({ [`.dist-old-t999-p${DEAD}-0`]: 'older', [`.dist-old-t2000-p${DEAD}-0`]: 'newer' });
    recoverInterruptedSwap(out);
    expect(readFileSync(join(out, 'marker.yaml'), 'utf8')).toBe('newer\n');
  });

  it('an interrupted swap is recovered by the next run, and every leftover is removed', () => {
    const { parent, out } = scene({ dist: 'previous' });
    // Die between the two renames: the second rename and the rollback both fail.
    let renames = 0;
    const dying: WriterFs = { ...realFs, renameSync: (a, b) => { renames++; if (renames >= 3) throw new Error('killed'); realFs.renameSync(a, b); } };
    expect(() => writeTreeAtomically(out, new Map([['c/new.yaml', 'x: 1\n']]), { fs: dying })).toThrow('killed');
    expect(existsSync(out)).toBe(false);
    // Leftovers of other interrupted runs, and one of a run still going on (a live process).
    mkdirSync(join(parent, `.dist-new-t1-p${DEAD}-0`));
    mkdirSync(join(parent, `.dist-old-t1-p${DEAD}-1`));
    mkdirSync(join(parent, `.dist-new-t1-p${process.ppid}-0`));
    writeFileSync(join(parent, `.dist-swap.json.${DEAD}`), '{');
    const result = writeTreeAtomically(out, new Map([['c/next.yaml', 'x: 2\n']]));
    expect(result.warnings).toEqual([]);
    expect([...readTree(out).keys()]).toEqual(['c/next.yaml']);
    expect(readdirSync(parent).sort()).toEqual([`.dist-new-t1-p${process.ppid}-0`, 'dist']);
  });

  it('a clean-up that fails after a successful swap is a warning: the synth succeeded', async () => {
    const out = join(root, `swap-${n++}`, 'dist');
    const app = () => {
      const a = new App();
      new Cluster(a, 'c', { inventory: FIXTURE_INVENTORY });
      return a;
    };
    expect(synthesize(app(), { outdir: out }).written).toBe(true);
    const immutable: WriterFs = { ...realFs, rmSync: (p, o) => { if (p.includes('-old-')) throw Object.assign(new Error('EPERM'), { code: 'EPERM' }); realFs.rmSync(p, o); } };
    const result = synthesize(app(), { outdir: out, writerFs: immutable });
    expect(result.written).toBe(true);
    expect(result.errors).toBe(0);
    expect(result.writeWarnings).toEqual([expect.stringMatching(/previous one could not be removed .*EPERM/)]);
    expect(readdirSync(join(out, '..')).filter((x) => x.includes('-old-'))).toHaveLength(1);
    // The next run removes what was left.
    expect(synthesize(app(), { outdir: out }).writeWarnings).toEqual([]);
    expect(readdirSync(join(out, '..')).filter((x) => x.startsWith('.dist-'))).toEqual([]);
  });
});

describe('issue 9: reading untrusted trees', () => {
  it('a link to /proc/self/environ (or any file outside the PATHs) is DVP001 and shows nothing of its target', async () => {
    const dir = join(root, 'environ');
    const outside = join(root, 'outside');
    mkdirSync(dir);
    mkdirSync(outside);
    process.env['DVPC_TEST_CANARY'] = 'canary-token-0f9e8d7c6b5a';
    writeFileSync(join(outside, 'secret.yaml'), 'token: canary-file-1a2b3c4d\n');
    mkdirSync(join(outside, 'sub'));
    writeFileSync(join(outside, 'sub', 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: canary-dir-9z8y\n');
    symlinkSync('/proc/self/environ', join(dir, 'env.yaml'));
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'secret.yaml'));
    symlinkSync(join(outside, 'sub'), join(dir, 'linked-dir'));
    writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n');
    symlinkSync('ns.yaml', join(dir, 'inside-link.yaml'));
    try {
      const { code, outputs } = await allFormats([dir]);
      expect(code).toBe(1);
      for (const out of outputs) {
        expect(out).not.toMatch(/canary|PATH=|HOME=/);
        expect(out).toMatch(/env\.yaml/);
      }
      const json = JSON.parse(outputs[1] as string) as { diagnostics: { code: string; file: string; message: string }[]; summary: { resources: number } };
      expect(json.diagnostics.map((d) => [d.code, d.file.replace(/.*\//, '')])).toEqual([['DVP001', 'env.yaml'], ['DVP001', 'linked-dir'], ['DVP001', 'secret.yaml']]);
      expect(json.diagnostics[0]?.message).toMatch(/outside the checked paths: it is not followed/);
      // The link that stays inside the PATH is followed (the same Namespace twice: DVP004 would say so).
      expect(json.summary.resources).toBe(1);
    } finally {
      delete process.env['DVPC_TEST_CANARY'];
    }
    // Given as a PATH of its own, the outside folder is read: the user chose it.
    expect(checkPaths([dir, join(outside, 'sub')]).summary.resources).toBe(2);
    // Never the kernel's files, even when a PATH itself leads there (a `dist` replaced by a link).
    symlinkSync('/proc/self', join(root, 'dist-link'));
    const kernel = checkPaths([join(root, 'dist-link', 'environ')]);
    expect(kernel.diagnostics.map((d) => d.message)).toEqual(['a file of the kernel (/proc, /sys): it is not read']);
  });

  it('a document that is not an object is quoted only as a short, redacted excerpt', async () => {
    const r = await run({ 'env.yaml': `PATH=/usr/bin GITHUB_TOKEN=ghp_${'x1Y2'.repeat(10)} ${'HOME=/root '.repeat(50)}\n` });
    expect(codes(r)).toEqual(['DVP001']);
    const message = r.json.diagnostics[0]?.message ?? '';
    expect(message.length).toBeLessThan(200);
    expect(message).not.toContain('x1Y2x1Y2');
  });

  it('a FIFO or a device among the inputs, or as --inventory or --baseline, is DVP001 "not a regular file", at once', async () => {
    const dir = join(root, 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n');
    const out: string[] = [];
    const code = await main(['check', dir, join(dir, 'pipe.yaml'), '--inventory', '/dev/zero', '--baseline', join(dir, 'pipe.yaml'), '--format', 'json'], { out: (s) => void out.push(s), err: () => undefined, colour: false });
    const report = JSON.parse(out.join('')) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(code).toBe(1);
    // In the folder, in the PATHs (once), as --inventory and as --baseline; the zero.yaml link leads out of the PATHs.
    expect(report.diagnostics.map((d) => `${d.code} ${d.file.replace(/.*\//, '')} ${d.message}`).sort()).toEqual([
      'DVP001 pipe.yaml a FIFO, not a regular file: it is not read',
      'DVP001 pipe.yaml a FIFO, not a regular file: it is not read',
      'DVP001 zero a device, not a regular file: it is not read',
      'DVP001 zero.yaml a symbolic link that points outside the checked paths: it is not followed',
    ]);
    // Given as a PATH itself, a device is refused as well.
    expect(checkPaths(['/dev/zero']).diagnostics.map((d) => d.message)).toEqual(['a device, not a regular file: it is not read']);
  });

  it('a dangling link that is not a manifest is ignored; one that is, is DVP001', async () => {
    const r = await run({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n' });
    const dir = join(root, `case-${n - 1}`);
    symlinkSync('nowhere', join(dir, 'README.md'));
    symlinkSync('nowhere', join(dir, 'docs'));
    const clean = checkPaths([dir]);
    expect(clean.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
    symlinkSync('nowhere.yaml', join(dir, 'broken.yaml'));
    expect(checkPaths([dir]).diagnostics.map((d) => [d.code, d.file?.replace(/.*\//, '')])).toEqual([['DVP001', 'broken.yaml']]);
  });

  it('a VirtualDisk of negative size is DVP305, like a zero size', () => {
    const disk = (size: string) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: d\n  namespace: apps\nspec:\n  persistentVolumeClaim:\n    size: ${size}\n`;
    const check = (size: string) => {
      const dir = join(root, `disk-${n++}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'd.yaml'), disk(size));
      return checkPaths([dir]).diagnostics.filter((d) => d.code === 'DVP305');
    };
    expect(check('-10Gi')).toEqual([expect.objectContaining({ severity: 'error', resource: 'VirtualDisk/apps/d', path: 'spec.persistentVolumeClaim.size', line: 8, message: expect.stringMatching(/"-10Gi" is negative/) })]);
    expect(check('0')).toHaveLength(1);
    expect(check('10Gi')).toEqual([]);
  });

  it('--baseline-ref keeps every file after one whose name holds a newline', () => {
    const repo = join(root, 'newline-repo');
    mkdirSync(join(repo, 'dist'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'dist', 'a\nb.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    writeFileSync(join(repo, 'dist', 'disk.yaml'), 'apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualDisk\nmetadata:\n  name: data\n  namespace: apps\nspec:\n  persistentVolumeClaim:\n    size: 10Gi\n');
    symlinkSync('/proc/self/environ', join(repo, 'dist', 'link.yaml'));
    git('add', '-A');
    git('commit', '-qm', 'base');
    rmSync(join(repo, 'dist', 'disk.yaml'));
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const report = checkPaths(['dist'], { baselineRef: 'main' });
      expect(report.diagnostics.find((d) => d.code === 'DVP601')).toMatchObject({ resource: 'VirtualDisk/apps/data', file: 'main:dist/disk.yaml' });
      expect(report.diagnostics.find((d) => d.file === 'main:dist/link.yaml')).toMatchObject({ code: 'DVP001', message: expect.stringMatching(/symbolic link/) });
    } finally {
      process.chdir(cwd);
    }
  });

  it('a missing --baseline-ref says what to do', async () => {
    const r = await run({ 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n' }, ['--baseline-ref', 'origin/no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--baseline-ref "origin\/no-such-branch" is not a commit .*git fetch origin <base-branch>.*fetch-depth: 0/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('issue 9: the inventory', () => {
  const FREE = 'apiVersion: virtualization.deckhouse.io/v1alpha3\nkind: VirtualMachineClass\nmetadata:\n  name: free\nspec:\n  cpu:\n    type: Host\n  nodeSelector:\n    matchLabels:\n      node.deckhouse.io/group: worker';
  const VM = (name: string, cores: number) => `apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  virtualMachineClassName: free\n  runPolicy: AlwaysOn\n  cpu:\n    cores: ${cores}\n    coreFraction: 100%\n  memory:\n    size: 8Gi\n  blockDeviceRefs:\n    - kind: ClusterVirtualImage\n      name: ubuntu\n`;
  const WORKER_1 = (readFileSync(join(FIXTURE_INVENTORY, 'nodes.yaml'), 'utf8').split('\n- ').find((n) => n.includes('name: worker-1')) ?? '').trimEnd();

  function inventory(extra: Record<string, string>): string {
    const dir = join(root, `inv-${n++}`);
    cpSync(FIXTURE_INVENTORY, dir, { recursive: true });
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('the same Node listed twice is DVP006 and counts once, so DVP501 is not hidden', () => {
    const dup = `apiVersion: v1\nkind: List\nitems:\n- ${WORKER_1}\n`;
    const inv = inventory({ 'zz-again.yaml': dup });
    const state = withDocs(FREE, VM('a', 16), VM('b', 16), VM('c', 8));
    const dir = join(root, `state-${n++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'state.yaml'), state);
    const report = checkPaths([dir], { inventory: inv });
    expect(report.diagnostics.find((d) => d.code === 'DVP006')).toMatchObject({ severity: 'error', file: expect.stringMatching(/zz-again\.yaml$/), line: lineOf(dup, 'name: worker-1'), resource: 'Node/worker-1', path: 'metadata.name', message: expect.stringMatching(/listed twice.*nodes\.yaml:\d+/) });
    expect(report.diagnostics.map((d) => d.code)).toContain('DVP501');
    expect(loadInventory(inv).nodes.filter((x) => x.name === 'worker-1')).toHaveLength(1);
    expect(loadInventory(FIXTURE_INVENTORY).diagnostics).toEqual([]);
  });

  it('allocatable values that are not quantities are DVP002 on the inventory file, with the line', () => {
    const bad = `apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-9\nstatus:\n  allocatable:\n    cpu: "-4"\n    memory: lots\n`;
    const inv = loadInventory(inventory({ 'worker-9.yaml': bad }));
    expect(inv.diagnostics).toEqual([
      expect.objectContaining({ code: 'DVP002', file: expect.stringMatching(/worker-9\.yaml$/), line: lineOf(bad, 'cpu: "-4"'), resource: 'Node/worker-9', path: 'status.allocatable.cpu' }),
      expect.objectContaining({ code: 'DVP002', line: lineOf(bad, 'memory: lots'), path: 'status.allocatable.memory', message: expect.stringMatching(/"lots" is not a quantity/) }),
    ]);
    expect(inv.nodes.find((x) => x.name === 'worker-9')).toMatchObject({ allocatableMilliCpu: undefined, allocatableMemory: undefined });
  });
});
