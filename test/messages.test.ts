/**
 * What the command line prints about untrusted input stays short and on its own lines, and odd
 * flag values are usage errors, not internal ones (found by an attacker's review of the CLI).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dvpcHere } from './run-cli.ts';
import { cleanup, tempDir } from './helpers.ts';
import { writeFiles } from './maint-helpers.ts';

const root = tempDir('dvpc-messages-');
afterAll(() => cleanup(root));

const TOKEN = 'AKIAIOSFODNN7EXAMPLE'.repeat(250); // 5,000 characters of a secret-looking run

function vm(fields: { memory?: string; runPolicy?: string; name?: string } = {}): string {
  return `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata: {name: ${JSON.stringify(fields.name ?? 'vm')}, namespace: apps}
spec:
  virtualMachineClassName: generic
  runPolicy: ${fields.runPolicy ?? 'AlwaysOn'}
  cpu: {cores: 1}
  memory: {size: ${fields.memory ?? '1Gi'}}
  blockDeviceRefs: [{kind: ClusterVirtualImage, name: ubuntu}]
`;
}

function folder(name: string, files: Record<string, string>): string {
  return writeFiles(join(root, name), files);
}

describe('values quoted in messages', () => {
  it('shows a long value as a short redacted excerpt with its length, in every format', async () => {
    const dir = folder('long', { 'vm.yaml': vm({ memory: TOKEN, runPolicy: TOKEN.slice(0, 52) }) });
    for (const format of ['text', 'json', 'sarif']) {
      const r = await dvpcHere(['check', dir, '--format', format]);
      expect(r.code).toBe(1);
      expect(r.out).not.toContain('AKIAIOSFODNN7EXAMPLEAKIA');
      expect(r.out).toContain('(5,000 characters)');
      expect(r.out).toContain('(52 characters)');
    }
  });

  it('still names the schema\'s own allowed values whole', async () => {
    const r = await dvpcHere(['check', folder('enum', { 'vm.yaml': vm({ runPolicy: 'Sometimes' }) })]);
    expect(r.out).toContain('"Sometimes" is not allowed; expected one of "AlwaysOn", "AlwaysOff", "Manual", "AlwaysOnUnlessStoppedManually"');
  });
});

describe('one diagnostic, one line', () => {
  it('escapes a newline in a file name and control characters in an object name in the text report', async () => {
    const dir = folder('newline', {
      'a\nok: 0 error(s), 0 warning(s).yaml': vm({ memory: 'lots' }),
      'b.yaml': vm({ name: 'x\u001b[2Jy', memory: 'lots' }),
      'c\u202egpj.yaml': vm({ memory: 'lots' }),
    });
    const r = await dvpcHere(['check', dir]);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/^ok: /m);
    expect(r.out).toContain('a\\nok: 0 error(s), 0 warning(s).yaml');
    expect(r.out).not.toContain('\u001b');
    expect(r.out).toContain('x\\u001b[2Jy');
    // A mark that reverses the text after it is shown, not obeyed.
    expect(r.out).not.toContain('\u202e');
    expect(r.out).toContain('c\\u202egpj.yaml');
  });
});

describe('flag values', () => {
  it('--namespace must be a namespace name (exit 2) in check, diff and drain', async () => {
    const dir = folder('ns', { 'vm.yaml': vm() });
    for (const args of [['check', dir], ['diff', '--baseline', dir, dir], ['drain', 'w1', '--inventory', dir, dir]]) {
      const r = await dvpcHere([...args, '--namespace', '../Etc x']);
      expect(r.code, args[0]).toBe(2);
      expect(r.err).toMatch(/--namespace "\.\.\/Etc x" is not a namespace name/);
    }
    expect((await dvpcHere(['check', dir, '--namespace', 'team-a'])).code).not.toBe(2);
  });

  it('--group-by names that are also properties of every JavaScript object are labels like any other', async () => {
    for (const label of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const r = await dvpcHere(['classes', '--inventory', 'stacks/lab/inventory', '--group-by', label]);
      expect(r.err, label).not.toMatch(/internal error/);
      expect(r.err, label).toMatch(new RegExp(`node lab-\\S+ has no ${label} and belongs to no group`));
      expect(r.code, label).toBe(1);
    }
  });
});

describe('an object without a usable apiVersion or kind', () => {
  it('says which field and what stands there, at its line', async () => {
    const dir = folder('envelope', { 'a.yaml': 'apiVersion: v1\nkind: [x]\nmetadata: {name: a}\n---\napiVersion: 5\nkind: ConfigMap\nmetadata: {name: b}\n---\nkind: ConfigMap\nmetadata: {name: c}\n' });
    const r = await dvpcHere(['check', dir, '--format', 'json']);
    const found = (JSON.parse(r.out) as { diagnostics: { line: number; resource: string; path?: string; message: string }[] }).diagnostics;
    expect(found.map((d) => [d.line, d.resource, d.path, d.message])).toEqual([
      [2, '(no kind)/default/a', 'kind', "the object's kind must be a string, not a list"],
      [5, 'ConfigMap/default/b', 'apiVersion', 'the object\'s apiVersion must be a string, not the number "5"'],
      [9, 'ConfigMap/default/c', undefined, "the object's apiVersion is missing"],
    ]);
  });
});

describe('Markdown for pull requests and tickets', () => {
  it('quotes names from the change so that they cannot open HTML, mention people or leave their code span', async () => {
    const name = 'a`<img src=x onerror=alert(1)>@octocat<details open>';
    const base = folder('md-base', { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n' });
    const want = folder('md-want', {
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n',
      'foo.yaml': `apiVersion: example.com/v1\nkind: "Foo<b>@team"\nmetadata: {name: ${JSON.stringify(name)}, namespace: apps}\n`,
    });
    const r = await dvpcHere(['diff', '--baseline', base, want, '--format', 'markdown']);
    // The name is code (its backtick inside a longer fence); the kind is text with its HTML and mention escaped.
    expect(r.out).toContain(`- ➕ added \`\` apps/${name} \`\``);
    expect(r.out).toContain('<details><summary>Foo&lt;b&gt;@&#8203;team: 1 added, 0 removed, 0 changed</summary>');
    expect(r.out).not.toContain('<b>');
  });
});

describe('dvpc diff shows changes, not secrets or control characters', () => {
  it('says a Secret value changed without its value, and shows a value with a line break escaped', async () => {
    const secret = (pw: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: apps}\nstringData: {password: ${pw}}\n`;
    const config = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: apps}\ndata: {note: ${JSON.stringify(v)}}\n`;
    const base = folder('diff-secret-base', { 's.yaml': secret('old-hunter2'), 'c.yaml': config('a') });
    const want = folder('diff-secret-want', { 's.yaml': secret('new-hunter3'), 'c.yaml': config('b\n::error::forged') });
    for (const format of ['text', 'json', 'markdown']) {
      const r = await dvpcHere(['diff', '--baseline', base, want, '--format', format]);
      expect(r.out, format).not.toMatch(/hunter/);
      expect(r.out, format).toContain('(a Secret value, not shown)');
      expect(r.out, format).not.toMatch(/^::error/m);
    }
    const text = (await dvpcHere(['diff', '--baseline', base, want])).out;
    expect(text).toContain('"b\\n::error::forged"');
    // An object's name with an escape sequence is shown, not obeyed.
    writeFileSync(join(want, 'e.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "x\\e[2Jy", namespace: apps}\n');
    const named = (await dvpcHere(['diff', '--baseline', base, want])).out;
    expect(named).not.toContain('\u001b');
    expect(named).toContain('x\\u001b[2Jy');
  });
});
