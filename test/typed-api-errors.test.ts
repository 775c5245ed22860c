/**
 * What `dvpc synth` says about a broken app: every mistake of one run together, each at the line
 * of the user's TypeScript that made it; type errors from the project's own compiler; a duplicate
 * construct id and an error the app throws as the app's mistakes (exit 1), not dvpc's (exit 3).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { Cluster } from '../lib/constructs/cluster.ts';
import { SetupError } from '../lib/core/errors.ts';
import { parseTscOutput } from '../lib/cli/typecheck.ts';
import { stackFrames, userLocation } from '../lib/core/source.ts';
import { appFolder, dvpcHere, REPO, type Ran } from './run-cli.ts';
import { cleanup } from './helpers.ts';

const apps = appFolder();
const scratch: string[] = [];
afterAll(() => {
  apps.remove();
  scratch.forEach(cleanup);
});

/** The command line, in this process (the build's command line is tested end to end in package.test.ts). */
async function dvpc(args: string[]): Promise<Ran> {
  const r = await dvpcHere(args);
  return { status: r.code, stdout: r.out, stderr: r.err };
}

const NAMES = ['Cluster', 'DataSource', 'Project', 'VirtualDisk', 'VirtualImage', 'VirtualMachine'];

/** An app whose lines are numbered as written here (line 1 is the first import). */
function app(name: string, body: string[]): { file: string; shown: string } {
  const used = NAMES.filter((n) => n === 'Cluster' || n === 'Project' || body.some((l) => l.includes(n)));
  const file = apps.write(name, [
    "import { App } from 'cdk8s';",
    `import { ${used.join(', ')} } from 'dvpc';`,
    'export default function main(): App {',
    '  const app = new App();',
    "  const c = new Cluster(app, 'c');",
    "  const p = new Project(c, 'p');",
    ...body,
    '  return app;',
    '}',
    '',
  ].join('\n'));
  return { file, shown: relative(REPO, file) };
}

type Json = { diagnostics: { code: string; message: string; file?: string; line?: number; constructPath?: string; source?: { file: string; line: number; column?: number } }[] };

/** `dvpc synth --format json` of an app: its exit code and diagnostics. */
async function synthJson(file: string, out: string): Promise<{ status: number | null; diagnostics: Json['diagnostics'] }> {
  const r = await dvpc(['synth', '--app', file, '--outdir', join(apps.dir, out), '--format', 'json']);
  return { status: r.status, diagnostics: (JSON.parse(r.stdout) as Json).diagnostics };
}

describe('a broken stack in one run', () => {
  // Line 7: a recorded constructor problem; line 8: a checker finding; line 9: a bad cluster name.
  const three = app('three.ts', [
    "  new VirtualImage(p, 'img', { source: DataSource.upload(), storage: 'ContainerRegistry', storageClassName: 'fast' });",
    "  new VirtualMachine(p, 'vm', { vmClass: 'generic', cores: 1, coreFraction: '7%', memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }] });",
    "  new Cluster(app, 'Bad_Name');",
  ]);

  it('reports all three mistakes, each at the TypeScript line that made it', async () => {
    const { status, diagnostics } = await synthJson(three.file, 'out');
    expect(status).toBe(1);
    const at = (code: string) => diagnostics.find((d) => d.code === code);
    expect(at('DVP002')).toMatchObject({ constructPath: 'c/p/img', source: { file: three.shown, line: 7, column: 3 } });
    expect(at('DVP204')).toMatchObject({ constructPath: 'c/p/vm', source: { file: three.shown, line: 8, column: 3 } });
    expect(at('DVP204')?.file).toMatch(/c\/namespaces\/p\/virtual-machines\.yaml$/); // the rendered file stays
    expect(at('DVP003')).toMatchObject({ constructPath: 'Bad_Name', source: { file: three.shown, line: 9 } });
    expect(diagnostics).toHaveLength(3);
  });

  it('shows the source file and line in the text report', async () => {
    const r = await dvpc(['synth', '--app', three.file, '--outdir', join(apps.dir, 'out')]);
    expect(r.status).toBe(1);
    // A constructor's problem is listed under the TypeScript file, at its line.
    expect(r.stdout).toContain(`${three.shown}\n      7  error   DVP002  spec.persistentVolumeClaim.storageClassName: storageClassName "fast" needs storage PersistentVolumeClaim`);
    // A checker finding keeps the rendered file and line, and names the source beside the construct.
    expect(r.stdout).toContain(`construct: c/p/vm at ${three.shown}:8:3`);
  });

  it('finds no source line when nothing is wrong, and writes the output', async () => {
    const ok = app('ok.ts', ["  new VirtualMachine(p, 'vm', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }] });"]);
    const out = join(apps.dir, 'ok-out');
    const r = await dvpc(['synth', '--app', ok.file, '--outdir', out]);
    expect(r.stderr).toMatch(/synthesized c: /);
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, 'c/namespaces/p/virtual-machines.yaml'), 'utf8')).toContain('name: vm');
  });
});

describe('type errors', () => {
  const typo = app('typo.ts', [
    "  new VirtualMachine(p, 'vm', { vmClass: 'generic', cores: 1, memory: '1Gi', disks: [{ name: 'root', size: '1Gi' }],",
    "    runPolcy: 'Manual' });",
  ]);

  it('reports a misspelt optional prop as DVP002 at its line, and writes nothing', async () => {
    const { status, diagnostics } = await synthJson(typo.file, 'typo-out');
    expect(status).toBe(1);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'DVP002', file: typo.shown, line: 8 });
    expect(diagnostics[0]?.message).toMatch(/^TS2561: .*'runPolcy' does not exist in type 'VirtualMachineProps'\. Did you mean to write 'runPolicy'\?/);
    expect(() => readFileSync(join(apps.dir, 'typo-out', 'c/namespaces/p/virtual-machines.yaml'))).toThrow();
  });

  it('renders the default with --no-typecheck, as the editor would have warned', async () => {
    const out = join(apps.dir, 'typo-unchecked');
    const r = await dvpc(['synth', '--app', typo.file, '--outdir', out, '--no-typecheck']);
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, 'c/namespaces/p/virtual-machines.yaml'), 'utf8')).not.toContain('runPolicy: Manual');
  });

  it('reads tsc output: one diagnostic per error, continuation lines left out', () => {
    const text = [
      "stacks/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      '  The expected type comes from property \'cores\'.',
      'error TS5083: Cannot read file \'/x/tsconfig.json\'.',
      '',
    ].join('\n');
    const [located, global, ...rest] = parseTscOutput(text);
    expect(located).toMatchObject({ code: 'DVP002', severity: 'error', file: 'stacks/a.ts', line: 3, message: "TS2322: Type 'string' is not assignable to type 'number'." });
    expect(global).toMatchObject({ code: 'DVP002', message: "TS5083: Cannot read file '/x/tsconfig.json'." });
    expect(global?.file).toBeUndefined();
    expect(rest).toEqual([]);
  });

  it('says so clearly when the project has no TypeScript compiler (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvpc-no-ts-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'tsconfig.json'), '{}\n');
    writeFileSync(join(dir, 'app.ts'), 'export default { synth() {} };\n');
    const r = await dvpc(['synth', '--app', join(dir, 'app.ts'), '--outdir', join(dir, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/setup error: dvpc synth type-checks the TypeScript app with the project's own TypeScript compiler, and none is installed .*npm install --save-dev typescript/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("the app's own errors", () => {
  it('reports a duplicate construct id as DVP004 with its path, with what was recorded before it', async () => {
    const dup = app('dup.ts', [
      "  new VirtualImage(p, 'img', { source: DataSource.upload(), storage: 'ContainerRegistry', storageClassName: 'fast' });",
      "  new Project(c, 'p');",
    ]);
    const { status, diagnostics } = await synthJson(dup.file, 'dup-out');
    expect(status).toBe(1);
    expect(diagnostics.map((d) => d.code)).toEqual(['DVP002', 'DVP004']);
    expect(diagnostics[1]).toMatchObject({ constructPath: 'c/p', message: 'the construct id "p" is used twice in "c"', source: { file: dup.shown, line: 8 } });
  });

  it("reports an error thrown by the app's code at its line (exit 1)", async () => {
    const thrower = app('throws.ts', ["  if (c.clusterName === 'c') throw new RangeError('no size for 3 cores');"]);
    const r = await dvpc(['synth', '--app', thrower.file, '--outdir', join(apps.dir, 'throw-out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dvpc: the app failed at ${thrower.shown}:7:36: RangeError: no size for 3 cores\n`);
  });

  it('keeps a crash inside dvpc an internal error (exit 3)', async () => {
    // Past the type check on purpose: a source that is not a DataSource.
    const crash = app('crash.ts', ["  new VirtualDisk(p, 'd', { source: {} as unknown as DataSource });"]);
    const r = await dvpc(['synth', '--app', crash.file, '--outdir', join(apps.dir, 'crash-out')]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^dvpc: internal error: /);
  });
});

describe('source locations', () => {
  it("takes the first frame outside dvpc, its dependencies and Node's internals", () => {
    const own = join(REPO, 'lib', 'constructs', 'vm.ts');
    const stack = [
      'Error',
      `    at new VirtualMachine (${own}:10:5)`,
      '    at Node.addChild (/x/node_modules/constructs/lib/construct.js:3:1)',
      '    at node:internal/modules/run_main:1:1',
      `    at main (${join(REPO, 'stacks', 'my app (v2).ts')}:42:7)`,
    ].join('\n');
    expect(stackFrames(stack)).toHaveLength(4);
    expect(userLocation(stack)).toEqual({ file: join('stacks', 'my app (v2).ts'), line: 42, column: 7 });
    expect(userLocation(`Error\n    at file://${join(REPO, 'stacks', 'main.ts')}:3:1`)).toEqual({ file: join('stacks', 'main.ts'), line: 3, column: 1 });
    expect(userLocation('Error\n    at eval (eval at <anonymous>, <anonymous>:1:1)')).toBeUndefined();
  });
});

describe('two copies of constructs', () => {
  it('names both copies and how to get one, instead of failing deep inside the library', () => {
    // A second, older copy of constructs, as a linked dvpc or --legacy-peer-deps leaves behind.
    const dir = mkdtempSync(join(tmpdir(), 'dvpc-two-copies-'));
    scratch.push(dir);
    const original = join(createRequire(import.meta.url).resolve('constructs'), '..', '..');
    const copy = join(dir, 'node_modules', 'constructs');
    mkdirSync(copy, { recursive: true });
    cpSync(original, copy, { recursive: true });
    const lib = join(copy, 'lib', 'construct.js');
    writeFileSync(lib, readFileSync(lib, 'utf8').replace(/version: "10\.[0-9.]+"/g, 'version: "10.0.5"'));
    const other = createRequire(join(dir, 'x.js'))('constructs') as typeof import('constructs');
    const root = new other.Construct(undefined as never, '');
    let error: unknown;
    try {
      new Cluster(root, 'lab');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SetupError);
    const message = (error as Error).message;
    expect(message).toMatch(/two copies of the "constructs" library are loaded: the app's scope is a Construct of one \(10\.0\.5\), dvpc's constructs use another \(10\.\d+\.\d+, .*node_modules\/constructs\)/);
    expect(message).toMatch(/constructs \^10\.\d+\.\d+/); // dvpc's peer range
    expect(message).toMatch(/npm dedupe/);
  });
});
