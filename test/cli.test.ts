/**
 * The command line's own manners: every command's --help, `classes --format json`, and progress on
 * standard error that shows on a terminal and never on a pipe.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { BIN, dvpc, dvpcHere as cli, REPO } from './run-cli.ts';
import { cleanup, tempDir } from './helpers.ts';


/** The commands `dvpc --help` lists. */
async function commands(): Promise<string[]> {
  const help = (await cli(['--help'])).out;
  const section = help.slice(help.indexOf('Commands:\n') + 'Commands:\n'.length);
  return [...section.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1] as string);
}

describe('dvpc COMMAND --help', () => {
  it('lists every command, the new ones among them', async () => {
    expect(await commands()).toEqual(expect.arrayContaining(['synth', 'check', 'classes', 'diff', 'inventory', 'init']));
  });

  it("prints each command's own usage on stdout and exits 0, as `dvpc help COMMAND` does", async () => {
    for (const name of await commands()) {
      for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
        const r = await cli(args);
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.err, args.join(' ')).toBe('');
        expect(r.out, args.join(' ')).toMatch(new RegExp(`^Usage: dvpc ${name}\\b[^\\n]*\\n[\\s\\S]*\\nExit codes: `));
      }
    }
  });

  it('answers the two-word command and its subcommand alike', async () => {
    expect((await cli(['inventory', 'capture', '--help'])).out).toMatch(/^Usage: dvpc inventory capture --out DIR/);
  });
});

describe('dvpc classes --format json', () => {
  it('prints the same classes as the YAML, as a kubectl List', async () => {
    const args = ['classes', '--inventory', 'stacks/lab/inventory', '--group-by', 'group'];
    const json = await cli([...args, '--format', 'json']);
    const yaml = await cli(args);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.out) as { kind: string; items: { kind: string; metadata: { name: string } }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((c) => c.metadata.name)).toEqual(['universal', 'blue', 'green']);
    expect(list.items).toEqual(parseAllDocuments(yaml.out).map((d) => d.toJS()));
  });
});

describe('progress of a long run', () => {
  // `script` gives the command a terminal; util-linux ships it on every Linux CI image.
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)('shows the current step on a terminal and clears it before the summary', () => {
    const out = tempDir();
    try {
      const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} synth --no-typecheck --outdir ${join(out, 'dist')}`, '/dev/null'], {
        cwd: REPO, encoding: 'utf8', env: { ...process.env, DVPC_PROGRESS_AFTER_MS: '0' },
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/\r\x1b\[Kdvpc: (building the app|rendering and checking (lab|prod)|writing [^\r]*)… \d+s/);
      expect(r.stdout).toMatch(/\r\x1b\[Ksynthesized lab, prod: /);
      expect(existsSync(join(out, 'dist', 'lab'))).toBe(true);
    } finally {
      cleanup(out);
    }
  });

  it('prints nothing but the result on a pipe', () => {
    const out = tempDir();
    try {
      const r = dvpc(['synth', '--no-typecheck', '--outdir', join(out, 'dist')], { env: { ...process.env, DVPC_PROGRESS_AFTER_MS: '0' } });
      expect(r.status).toBe(0);
      // The summary, and what each cluster could not check: nothing of the progress line.
      expect(r.stderr).toMatch(/^synthesized lab, prod: \d+ files, \d+ objects\n( {2}[a-z]+: skipped [^\n]*\n)*$/);
    } finally {
      cleanup(out);
    }
  });
});

describe('the built command line (commands bundled as the package ships them)', () => {
  it('answers every command\'s --help, and prints SARIF for check, from the build', async () => {
    for (const name of await commands()) {
      const r = dvpc([name, '--help']);
      expect(r.status, `${name} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: dvpc ${name}\\b`));
    }
    // The SARIF tool block reads the package's version: a bundled command finds package.json too.
    const sarif = dvpc(['check', join('dist', 'lab'), '--format', 'sarif']);
    expect(sarif.stderr).toBe('');
    expect(sarif.status).toBe(0);
    const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { version: string } } }[] };
    expect(log.runs[0]?.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('ends quietly when the reader closes the pipe early (dvpc ... | head)', () => {
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(BIN)} check dist --format sarif | head -c 20 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: REPO, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.stderr).toMatch(/^status [01]\n$/);
  });
});
