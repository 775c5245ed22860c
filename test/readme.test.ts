/**
 * Every command in the README runs as written in a fresh clone.
 *
 * The convention (README, Development):
 * - each line of a ```sh block is run with bash, in order, in a fresh copy of the repository (the
 *   files git tracks, or would: the working tree without what .gitignore leaves out), and must
 *   exit 0; npm runs offline (npm_config_offline), from the cache `npm ci` filled;
 * - a line starting with `$ ` in any other fenced block is an example with its output: the
 *   command must run, exiting 0 or 1 (examples show reports with errors), never 2 or 3;
 * - `<!-- readme-test: skip: REASON -->` on the line before a block leaves it out; REASON names
 *   what it needs or the test that proves it instead, and a test it names must exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cleanup, readTree, tempDir } from './helpers.ts';
import { REPO } from './run-cli.ts';

interface Block {
  readonly lang: string;
  readonly line: number;
  readonly lines: string[];
  readonly skip: string | undefined;
}

/** The fenced blocks of a Markdown text, each with the skip marker on the line before it. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    let before = start - 1;
    while (before >= 0 && (lines[before] as string).trim() === '') before--;
    const marker = before >= 0 ? /^<!-- readme-test: skip: (.+) -->$/.exec((lines[before] as string).trim()) : null;
    blocks.push({ lang: open[1] ?? '', line: start + 1, lines: body, skip: marker?.[1] });
  }
  return blocks;
}

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const blocks = fencedBlocks(README);
const SHELL = new Set(['sh', 'bash', 'shell']);
const commands = blocks.filter((b) => SHELL.has(b.lang) && !b.skip).flatMap((b) => b.lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => ({ at: b.line, command: l })));
const examples = blocks.filter((b) => !SHELL.has(b.lang) && !b.skip).flatMap((b) => b.lines.filter((l) => l.startsWith('$ ')).map((l) => ({ at: b.line, command: l.slice(2) })));

const clone = join(tempDir('dvpc-readme-'), 'repo');
const ENV = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

function bash(command: string): { status: number | null; output: string } {
  const r = spawnSync('bash', ['-c', command], { cwd: clone, env: ENV, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  // A fresh clone: what git holds (committed or not yet), nothing it ignores.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  for (const f of files) {
    if (!existsSync(join(REPO, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(REPO, f), join(clone, f));
  }
}, 120_000);
afterAll(() => cleanup(dirname(clone)), 120_000);

describe('the README', () => {
  it('has commands to run, and a reason for every block it leaves out', () => {
    expect(commands.map((c) => c.command)).toContain('npm ci && npm run synth     # builds dvpc into build/, renders stacks/ into dist/ (lab and prod)');
    for (const b of blocks.filter((x) => x.skip !== undefined)) {
      for (const file of (b.skip as string).match(/test\/[\w./-]+\.ts/g) ?? []) expect(existsSync(join(REPO, file)), `README line ${b.line} names ${file}`).toBe(true);
      expect(b.skip, `README line ${b.line}`).toMatch(/test\/[\w./-]+\.ts|cluster|registry|test suite itself/);
    }
    expect(README).not.toMatch(/\.\.\/shared\//);
  });

  it('runs every sh command as written in a fresh clone, each exiting 0', () => {
    for (const { at, command } of commands) {
      const r = bash(command);
      expect(r.status, `README line ${at}: ${command}\n${r.output.slice(-3000)}`).toBe(0);
    }
    expect(existsSync(join(clone, 'dist', 'lab', 'cluster', 'kustomization.yaml'))).toBe(true);
  }, 600_000);

  it('runs every example command ($ lines), each exiting 0 or 1, never as a usage or internal error', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const { at, command } of examples) {
      const r = bash(command);
      expect([0, 1], `README line ${at}: ${command}\n${r.output.slice(-3000)}`).toContain(r.status);
    }
  }, 300_000);

  it("renders through cdk8s.yaml's app command what npm run synth renders, as cdk8s synth would run it", () => {
    const config = parseYaml(readFileSync(join(clone, 'cdk8s.yaml'), 'utf8')) as { app: string; output: string };
    // cdk8s synth sets CDK8S_OUTDIR to the configured output folder and runs the app command.
    const before = readTree(join(clone, config.output));
    const r = spawnSync('bash', ['-c', config.app], { cwd: clone, env: { ...ENV, CDK8S_OUTDIR: config.output }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readTree(join(clone, config.output))).toEqual(before);
  }, 300_000);

  it('quotes test/testing-example.test.ts as its Testing example, word for word', () => {
    const file = readFileSync(join(REPO, 'test', 'testing-example.test.ts'), 'utf8');
    const quoted = blocks.find((b) => b.lang === 'ts' && b.lines.some((l) => l.includes('Testing.synth(')));
    expect(quoted).toBeDefined();
    expect(`${quoted?.lines.join('\n')}\n`).toBe(file.slice(file.indexOf('import ')));
  });
});
