/**
 * dvpc as a platform team gets it: the packed tarball, installed offline into a repository that
 * `dvpc init` created, with the current cdk8s. Its strict NodeNext (and Bundler) compiler checks
 * a stack against the package's declarations, plain node imports it, `npm run synth` renders,
 * `dvpc check` passes on the output, and `npm test` runs the repository's own tests.
 *
 * The tarball is packed from a staging folder built here from lib/ by `npm run build` (not from
 * build/, which other tests use meanwhile), holding exactly the files `files` in package.json names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cleanup, tempDir } from './helpers.ts';
import { REPO } from './run-cli.ts';
import { writeConsumerLock } from './consumer-lock.ts';

const work = tempDir('dvpc-package-');
const stage = join(work, 'stage');
const fleet = join(work, 'fleet');
let tarball = '';
let packed: string[] = [];

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The new repository's own TypeScript compiler and dvpc, as `npx` would find them. */
const tsc = () => join(fleet, 'node_modules', 'typescript', 'bin', 'tsc');
const dvpcBin = () => join(fleet, 'node_modules', 'dvpc', 'bin', 'dvpc.js');

function ok(command: string, args: string[], cwd: string): string {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  // The package as npm would pack it: package.json's `files`, with build/ compiled afresh.
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[]; version: string };
  mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'lib', 'tools', ...pkg.files.filter((f) => !f.startsWith('build'))]) cpSync(join(REPO, f), join(stage, f), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'dir');
  ok('npm', ['run', '-s', 'build'], stage);
  const [info] = JSON.parse(ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage)) as { filename: string; files: { path: string }[] }[];
  tarball = (info as { filename: string }).filename;
  packed = (info as { files: { path: string }[] }).files.map((f) => f.path).sort();

  // A new repository from the staged package's own `dvpc init`; dvpc from the tarball.
  ok(process.execPath, [join(stage, 'bin', 'dvpc.js'), 'init', fleet, '--cluster', 'lab'], work);
  const manifest = JSON.parse(readFileSync(join(fleet, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  expect(manifest.devDependencies['dvpc']).toBe(`^${pkg.version}`);
  manifest.devDependencies['dvpc'] = `file:../${tarball}`;
  writeFileSync(join(fleet, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeConsumerLock(REPO, fleet, `../${tarball}`);
  ok('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], fleet);
}, 300_000);

afterAll(() => cleanup(work), 120_000);

describe('the packed package', () => {
  it('ships only what a user needs', () => {
    const top = [...new Set(packed.map((p) => (p.startsWith('.github/') ? p : p.split('/')[0])))].sort();
    expect(top).toEqual(['.github/workflows/dvpc.yml', 'README.md', 'bin', 'build', 'package.json', 'templates']);
    expect(packed).toContain('build/index.js');
    expect(packed).toContain('build/index.d.ts');
    expect(packed).toContain('templates/init/stacks/__cluster__/index.ts');
    expect(packed.filter((p) => p.endsWith('.d.ts.map') || p.startsWith('lib/') || p.startsWith('test/') || p.startsWith('stacks/'))).toEqual([]);
  });

  it('type-checks the stacks and tests under the strict NodeNext tsconfig dvpc init writes, with no lib check skipped', () => {
    const tsconfig = JSON.parse(readFileSync(join(fleet, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext', moduleResolution: 'NodeNext' });
    expect(tsconfig.compilerOptions['skipLibCheck']).toBeUndefined();
    expect(run(process.execPath, [tsc(), '-p', '.'], fleet)).toMatchObject({ status: 0, stdout: '' });
  });

  it('type-checks under moduleResolution Bundler', () => {
    writeFileSync(join(fleet, 'tsconfig.bundler.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, include: ['stacks'] }));
    expect(run(process.execPath, [tsc(), '-p', 'tsconfig.bundler.json'], fleet)).toMatchObject({ status: 0, stdout: '' });
  });

  it('is imported by plain node, without TypeScript', () => {
    const r = run(process.execPath, ['--input-type=module', '-e', "const m = await import('dvpc'); console.log(typeof m.Cluster, typeof m.Testing.synth, typeof m.synthesize)"], fleet);
    expect(r.stdout).toBe('function function function\n');
  });

  it('renders the new repository with npm run synth, and dvpc check passes on the output', () => {
    const synth = run('npm', ['run', '-s', 'synth'], fleet);
    expect(synth.stderr).toMatch(/synthesized lab: /);
    expect(synth.status).toBe(0);
    expect(readFileSync(join(fleet, 'dist', 'lab', 'namespaces', 'demo', 'virtual-machines.yaml'), 'utf8')).toContain('virtualMachineClassName: universal');
    const check = run(process.execPath, [dvpcBin(), 'check', 'dist', '--format', 'json'], fleet);
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ summary: { errors: 0 } });
  });

  it('captures the inventory (here from a fake kubectl) and checks the stacks against it', () => {
    const fake = join(REPO, 'test', 'fixtures', 'capture');
    const capture = run(process.execPath, [dvpcBin(), 'inventory', 'capture', '--out', 'inventory/lab'], fleet, {
      PATH: `${join(fake, 'bin')}${delimiter}${process.env['PATH'] ?? ''}`, FAKE_KUBECTL_CLUSTER: join(fake, 'cluster'),
    });
    expect(capture.status).toBe(0);
    const synth = run('npm', ['run', '-s', 'synth', '--', '--format', 'json'], fleet);
    const report = JSON.parse(synth.stdout) as { diagnostics: { code: string; source?: { file: string; line: number } }[]; summary: { errors: number; skipped: string[] } };
    expect(synth.status).toBe(0);
    expect(report.summary.errors).toBe(0);
    // The fixture cluster has one worker: no headroom for the VM that must run (at the class's
    // line), and nowhere to migrate it to (at the VM's line).
    const lines = readFileSync(join(fleet, 'stacks', 'lab', 'index.ts'), 'utf8').split('\n');
    const cls = lines.findIndex((l) => l.includes("new VirtualMachineClass(cluster, 'universal'")) + 1;
    const vm = lines.findIndex((l) => l.includes("'linux-vm'")) + 1;
    expect(report.diagnostics).toMatchObject([
      { code: 'DVP502', source: { file: 'stacks/lab/index.ts', line: cls } },
      { code: 'DVP504', source: { file: 'stacks/lab/index.ts', line: vm } },
    ]);
    // With the inventory (the live objects are a previous state for DVP602), only the baseline's checks are left out.
    expect(report.summary.skipped).toEqual(['DVP601', 'DVP603', 'DVP604']);
    const check = run(process.execPath, [dvpcBin(), 'check', 'dist/lab', '--inventory', 'inventory/lab'], fleet);
    expect(check.stdout).toMatch(/^ok: 0 error\(s\)/m);
    expect(check.status).toBe(0);
  });

  it("reports a misspelt prop with the consumer's own TypeScript, at its line", () => {
    const stack = join(fleet, 'stacks', 'lab', 'index.ts');
    const text = readFileSync(stack, 'utf8');
    writeFileSync(stack, text.replace("address: '10.66.10.14',", "address: '10.66.10.14', runPolcy: 'Manual',"));
    try {
      const r = run(process.execPath, [dvpcBin(), 'synth', '--format', 'json'], fleet);
      expect(r.status).toBe(1);
      const line = text.split('\n').findIndex((l) => l.includes("address: '10.66.10.14',")) + 1;
      expect((JSON.parse(r.stdout) as { diagnostics: { severity: string }[] }).diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ code: 'DVP002', file: 'stacks/lab/index.ts', line, message: expect.stringMatching(/^TS2561: .*'runPolcy'/) }]);
    } finally {
      writeFileSync(stack, text);
    }
  });

  it("runs the new repository's npm test (tsc and its Testing-based test)", () => {
    const r = run('npm', ['test'], fleet);
    expect(`${r.stdout}${r.stderr}`).toMatch(/2 passed/);
    expect(r.status).toBe(0);
  });

  it('names both copies when a second constructs sits under dvpc (a linked or --legacy-peer-deps install)', () => {
    const nested = join(fleet, 'node_modules', 'dvpc', 'node_modules', 'constructs');
    cpSync(join(fleet, 'node_modules', 'constructs'), nested, { recursive: true });
    try {
      const r = run(process.execPath, [dvpcBin(), 'synth', '--no-typecheck'], fleet);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^dvpc: setup error: two copies of the "constructs" library are loaded: .*node_modules\/constructs\).*dvpc's constructs use another \(10\.[0-9.]+, .*node_modules\/dvpc\/node_modules\/constructs\)/);
      expect(r.stderr).toMatch(/npm dedupe/);
    } finally {
      rmSync(join(fleet, 'node_modules', 'dvpc', 'node_modules'), { recursive: true, force: true });
    }
  });

  it('keeps its command line free of TypeScript compilation: the bin runs the build, the commands bundled but synth', () => {
    expect(existsSync(join(fleet, 'node_modules', 'dvpc', 'build', 'cli', 'main.js'))).toBe(true);
    const commands = join(fleet, 'node_modules', 'dvpc', 'build', 'cli', 'commands');
    expect(readFileSync(join(commands, 'check.js'), 'utf8')).not.toMatch(/from ["']zod["']/);
    expect(readFileSync(join(commands, 'synth.js'), 'utf8')).toMatch(/import\(["']\.\.\/\.\.\/synth\.js["']\)/);
    expect(execFileSync(process.execPath, [dvpcBin(), '--version'], { encoding: 'utf8' })).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
