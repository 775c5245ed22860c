/**
 * What kustomize would apply is what `dvpc check` checks, or dvpc says it cannot check it: Flux
 * runs `kubectl kustomize` on the folders a pull request changes, so a kustomization that lists
 * `evil.txt`, fetches a remote base or generates a Secret from files in the repository must not
 * pass as "0 objects".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cleanup, tempDir } from './helpers.ts';
import { dvpcHere } from './run-cli.ts';
import { lineOf } from './check-helpers.ts';
import { checkPaths } from '../lib/front/check-paths.ts';
import { loadManifests } from '../lib/read/files.ts';
import { schemaProblems, type SarifLog } from './sarif-helpers.ts';

/** An example key: the marker is what counts, the body is what must never be echoed. */
const KEY_BODY = 'MIIExampleOnlyNotAKeyZZZ';
const RSA_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----\n`;
const indent = (text: string, by: string) => text.trimEnd().split('\n').map((l) => `${by}${l}`).join('\n');
const SECRET_WITH_KEY = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: evil\nstringData:\n  id_rsa: |\n${indent(RSA_KEY, '    ')}\n`;

const root = tempDir('dvpc-kustomize-');
afterAll(() => cleanup(root));
let n = 0;

/** A fresh folder holding the files (paths may have folders). */
function folder(files: Record<string, string>): string {
  const dir = join(root, `case-${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly hint: string;
  readonly file?: string;
  readonly line?: number;
  readonly resource?: string;
  readonly path?: string;
}
interface JsonReport {
  readonly diagnostics: JsonDiagnostic[];
  readonly summary: { files: number; resources: number; errors: number; warnings: number };
}

async function checkJson(args: readonly string[]): Promise<{ code: number; report: JsonReport; out: string }> {
  const r = await dvpcHere(['check', ...args, '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.out) as JsonReport, out: r.out + r.err };
}

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- evil.txt
secretGenerator:
- name: ssh
  files:
  - id_rsa
  literals:
  - password=hunter2
`;
const attacker = () => folder({ 'kustomization.yaml': KUSTOMIZATION, 'evil.txt': SECRET_WITH_KEY, id_rsa: RSA_KEY });

describe('dvpc check on kustomization files', () => {
  it.skipIf(!hasKubectl())('the attacker folder: kubectl kustomize does apply both Secrets with the key in clear', () => {
    const built = execFileSync('kubectl', ['kustomize', attacker()], { encoding: 'utf8' });
    expect(built.match(/^kind: Secret$/gm)).toHaveLength(2);
    expect(built).toContain(KEY_BODY);
  });

  it('the attacker folder fails: DVP701 for the secretGenerator, DVP701 for the key in evil.txt read through resources', async () => {
    const dir = attacker();
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    const generator = report.diagnostics.find((d) => d.file?.endsWith('kustomization.yaml'));
    expect(generator).toMatchObject({ code: 'DVP701', severity: 'error', line: lineOf(KUSTOMIZATION, '- name: ssh'), path: 'secretGenerator[0]' });
    expect(generator?.message).toMatch(/Secret "ssh"/);
    expect(generator?.hint).toMatch(/SealedSecret|SOPS|externalSecret/);
    const inEvil = report.diagnostics.find((d) => d.file?.endsWith('evil.txt'));
    expect(inEvil).toMatchObject({ code: 'DVP701', resource: 'Secret/default/evil', path: 'stringData.id_rsa' });
    expect(report.summary).toMatchObject({ files: 2, resources: 1, errors: 2 });
    // Neither the key nor the literal's value is echoed.
    expect(out).not.toContain(KEY_BODY);
    expect(out).not.toContain('hunter2');
  });

  it('reports the same in text and SARIF, and --allow DVP701 makes them warnings (exit 0)', async () => {
    const dir = attacker();
    const text = await dvpcHere(['check', dir]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/kustomization\.yaml[\s\S]*DVP701[\s\S]*secretGenerator\[0\]/);
    const sarif = await dvpcHere(['check', dir, '--format', 'sarif']);
    const log = JSON.parse(sarif.out) as SarifLog;
    expect(schemaProblems(log)).toEqual([]);
    expect((log.runs[0]?.results ?? []).map((r) => r.ruleId)).toEqual(['DVP701', 'DVP701']);
    const allowed = await checkJson([dir, '--allow', 'DVP701']);
    expect(allowed.code).toBe(0);
    expect(allowed.report.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['DVP701 warning', 'DVP701 warning']);
  });

  it('a remote resource (github.com/..., a URL, git@) is DVP001 at its line: dvpc cannot check it', async () => {
    const k = 'resources:\n- cm.yaml\n- github.com/acme/base//prod?ref=v1\n- https://token@raw.example.com/x.yaml\n- git@github.com:acme/base.git\n';
    const dir = folder({ 'kustomization.yaml': k, 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n' });
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['DVP001', lineOf(k, 'github.com/acme'), 'resources[1]'],
      ['DVP001', lineOf(k, 'https://'), 'resources[2]'],
      ['DVP001', lineOf(k, 'git@'), 'resources[3]'],
    ]);
    expect(report.diagnostics[0]?.message).toMatch(/remote: kustomize would apply content dvpc cannot check/);
    expect(report.diagnostics[0]?.hint).toMatch(/vendor/);
    // Credentials in a URL are not repeated.
    expect(out).not.toContain('token@');
  });

  it('a resource outside the checked path (../, absolute, a link out) is DVP001, and nothing of it is read or shown', async () => {
    const outside = folder({ 'secret.txt': SECRET_WITH_KEY });
    const k = 'resources:\n- ../secret.txt\n- /etc/passwd\n- link.txt\n';
    const dir = folder({ 'app/kustomization.yaml': k });
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'app', 'link.txt'));
    writeFileSync(join(dir, 'secret.txt'), SECRET_WITH_KEY);
    const { code, report, out } = await checkJson([join(dir, 'app')]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['DVP001', 2, 'resources[0]'],
      ['DVP001', 3, 'resources[1]'],
      ['DVP001', 4, 'resources[2]'],
    ]);
    for (const d of report.diagnostics) expect(d.message).toMatch(/outside the checked paths: kustomize would apply content dvpc cannot check/);
    expect(report.summary.resources).toBe(0);
    expect(out).not.toContain(KEY_BODY);
    expect(out).not.toContain('root:');
    expect(out).not.toContain(outside);
    // Checking the folder that holds it as well checks it.
    const both = await checkJson([join(dir, 'app'), join(dir, 'secret.txt')]);
    expect(both.report.diagnostics.filter((d) => d.path === 'resources[0]')).toEqual([]);
  });

  it('a harmless kustomization (plain configMapGenerator literals, .yaml resources) adds no diagnostic and counts no object twice', async () => {
    const k = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- a.yaml\n- b.yml\n- sub\nconfigMapGenerator:\n- name: settings\n  literals:\n  - LOG=debug\n  - MODE=fast\n';
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    const dir = folder({ 'kustomization.yaml': k, 'a.yaml': cm('a'), 'b.yml': cm('b'), 'sub/kustomization.yaml': 'resources:\n- c.yaml\n', 'sub/c.yaml': cm('c') });
    const { code, report } = await checkJson([dir]);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ files: 5, resources: 3 });
  });

  it('reads what only a kustomization names (another extension, a hidden file, a Kustomization file) once, with the same rules', async () => {
    const dir = folder({
      Kustomization: 'kind: Kustomization\nresources:\n- evil.json5\n- .hidden/e.yaml\n- evil.json5\n',
      'evil.json5': SECRET_WITH_KEY,
      '.hidden/e.yaml': SECRET_WITH_KEY.replace('name: evil', 'name: hidden'),
      'other/kustomization.yaml': 'resources:\n- ../evil.json5\n- pipe.txt\n',
    });
    execFileSync('mkfifo', [join(dir, 'other', 'pipe.txt')]);
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.resource ?? d.message])).toEqual([
      ['DVP701', 'Secret/default/hidden'],
      ['DVP701', 'Secret/default/evil'],
      ['DVP001', 'a FIFO, not a regular file: it is not read'],
    ]);
    expect(report.summary.resources).toBe(2);
  });

  it('a private key in a configMapGenerator (a file, a literal) or an inline patch is DVP701; a missing generator file DVP001', async () => {
    const b64 = Buffer.from(RSA_KEY).toString('base64');
    const k = [
      'resources:\n- s.yaml',
      'configMapGenerator:\n- name: keys\n  files:\n  - id=key.pem\n  - nothere.txt\n- name: lit\n  literals:\n  - "k=-----BEGIN OPENSSH PRIVATE KEY-----"\n- name: plain\n  files:\n  - conf.ini',
      `patches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: s\n    data:\n      key: ${b64}\n`,
    ].join('\n');
    const dir = folder({ 'kustomization.yaml': k, 'key.pem': RSA_KEY, 'conf.ini': 'a=1\n', 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n' });
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['DVP701', lineOf(k, 'id=key.pem'), 'configMapGenerator[0].files[0]'],
      ['DVP001', lineOf(k, 'nothere.txt'), 'configMapGenerator[0].files[1]'],
      ['DVP701', lineOf(k, '"k=-----BEGIN'), 'configMapGenerator[1].literals[0]'],
      ['DVP701', lineOf(k, '- patch:'), 'patches[0].patch'],
    ]);
    expect(report.diagnostics[0]?.message).toMatch(/ConfigMap "keys"/);
    expect(out).not.toContain(KEY_BODY);
    expect(out).not.toContain(b64.slice(0, 20));
  });

  it('a kustomization listing thousands of missing entries stays cheap: 100 findings and one that counts the rest', async () => {
    const k = `resources:\n${Array.from({ length: 5000 }, (_, i) => `- missing-${i}.txt\n`).join('')}`;
    const { code, report } = await checkJson([folder({ 'kustomization.yaml': k })]);
    expect(code).toBe(1);
    expect(report.diagnostics).toHaveLength(101);
    expect(report.diagnostics[100]).toMatchObject({ code: 'DVP001', line: 102, path: 'resources[100]' });
    expect(report.diagnostics[100]?.message).toMatch(/^and 4,900 more entries/);
  });

  it.skipIf(!existsSync('dist'))("dvpc check dist: dvpc's own output stays clean, every file read once", () => {
    const report = checkPaths(['dist']);
    expect(report.diagnostics).toEqual([]);
    // The kustomization files list only what the walk reads already: no object twice.
    expect(report.summary.resources).toBe(loadManifests(['dist']).objects.length);
  });
});
