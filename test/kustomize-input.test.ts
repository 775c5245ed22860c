/**
 * What kustomize would apply is what `dvpc check` checks, or dvpc says it cannot check it: Flux
 * runs `kubectl kustomize` on the folders a pull request changes, so a kustomization that lists
 * `evil.txt`, fetches a remote base or generates a Secret from files in the repository must not
 * pass as "0 objects".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { cleanup, hasKubectl, tempDir } from './helpers.ts';
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

/** Only what a check says about the kustomization files (not about the objects they list). */
const onKustomization = (r: JsonReport) => r.diagnostics.filter((d) => d.file?.endsWith('kustomization.yaml'));
const brief = (ds: readonly JsonDiagnostic[]) => ds.map((d) => [d.code, d.path]);
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
/** A Secret of a credential type with no data of its own: only a patch would give it some. */
const BASIC_AUTH = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/basic-auth\n';
const VM = `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata:
  name: vm
spec:
  virtualMachineClassName: generic
  cpu:
    cores: 1
  memory:
    size: 1Gi
  blockDeviceRefs:
  - kind: ClusterVirtualImage
    name: ubuntu
  provisioning:
    type: UserData
    userData: |
      #cloud-config
      ssh_pwauth: false
`;

describe('what kustomize patches in, generates and renders', () => {
  const PATCHES = `resources:
- s.yaml
- vm.yaml
patches:
- patch: |-
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
    stringData:
      password: hunter2
- target:
    kind: VirtualMachine
    name: vm
  patch: |-
    - op: replace
      path: /spec/provisioning/userData
      value: "#cloud-config\\npassword: hunter3\\n"
patchesStrategicMerge:
- "{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {password: aHVudGVyNA==}}"
patchesJson6902:
- target:
    group: virtualization.deckhouse.io
    version: v1alpha2
    kind: VirtualMachine
    name: vm
  patch: '[{"op": "add", "path": "/spec/provisioning", "value": {"type": "UserData", "userData": "#cloud-config\\nchpasswd:\\n  list: root:hunter5\\n"}}]'
`;
  const patched = () => folder({ 'kustomization.yaml': PATCHES, 's.yaml': BASIC_AUTH, 'vm.yaml': VM });

  it.skipIf(!hasKubectl())('kubectl kustomize does write the patched credentials and user data', () => {
    const built = execFileSync('kubectl', ['kustomize', patched()], { encoding: 'utf8', stdio: 'pipe' });
    for (const secret of ['hunter2', 'aHVudGVyNA==', 'hunter5']) expect(built).toContain(secret);
  });

  it('inline patches are scanned as the objects they make: a strategic-merge or JSON 6902 patch adding credentials is DVP701', async () => {
    const { code, report, out } = await checkJson([patched()]);
    expect(code).toBe(1);
    expect(brief(onKustomization(report))).toEqual([
      ['DVP701', 'patches[0].patch'],
      ['DVP701', 'patches[1].patch'],
      ['DVP701', 'patchesStrategicMerge[0]'],
      ['DVP701', 'patchesJson6902[0].patch'],
    ]);
    expect(onKustomization(report)[0]).toMatchObject({ line: lineOf(PATCHES, 'patch: |-'), severity: 'error' });
    expect(onKustomization(report)[0]?.message).toMatch(/Secret\/s.*kubernetes\.io\/basic-auth/);
    expect(onKustomization(report)[1]?.message).toMatch(/VirtualMachine\/vm.*password in cloud-init/);
    for (const secret of ['hunter2', 'hunter3', 'aHVudGVyNA', 'hunter5']) expect(out).not.toContain(secret);
  });

  it('harmless patches (labels, cores, a public key, a password-free user data) add nothing', async () => {
    const k = `resources:
- s.yaml
- vm.yaml
patches:
- patch: |-
    apiVersion: v1
    kind: Secret
    metadata:
      name: s
      labels: {team: a}
- target: {kind: VirtualMachine, name: vm}
  patch: |-
    - op: replace
      path: /spec/cpu/cores
      value: 2
    - op: replace
      path: /spec/provisioning/userData
      value: "#cloud-config\\nssh_authorized_keys:\\n- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnly user@host\\n"
`;
    const { report } = await checkJson([folder({ 'kustomization.yaml': k, 's.yaml': BASIC_AUTH, 'vm.yaml': VM })]);
    expect(onKustomization(report)).toEqual([]);
  });

  it.skipIf(!hasKubectl())('kubectl kustomize runs a builtin SecretGenerator listed under generators', () => {
    const gen = 'apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: gen\nliterals:\n- password=hunter2\n';
    const built = execFileSync('kubectl', ['kustomize', folder({ 'kustomization.yaml': 'generators:\n- gen.yaml\n', 'gen.yaml': gen })], { encoding: 'utf8', stdio: 'pipe' });
    expect(built).toMatch(/kind: Secret/);
  });

  it('a SecretGenerator under generators (a file, inline, any apiVersion) is a secretGenerator; a ConfigMapGenerator a configMapGenerator; another generator DVP001', async () => {
    const k = `generators:
- gen.yaml
- |-
  apiVersion: example.com/v1
  kind: SecretGenerator
  metadata:
    name: inline
  literals:
  - password=hunter2
- cm-gen.yaml
- |-
  apiVersion: builtin
  kind: HelmChartInflationGenerator
  metadata:
    name: chart
  chartName: minecraft
`;
    const dir = folder({
      'kustomization.yaml': k,
      'gen.yaml': 'apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: gen\nfiles:\n- id_rsa\n',
      'cm-gen.yaml': `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: keys\nfiles:\n- key.pem\n---\napiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: plain\nliterals:\n- LOG=debug\n`,
      id_rsa: RSA_KEY,
      'key.pem': RSA_KEY,
    });
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(brief(report.diagnostics)).toEqual([
      ['DVP701', 'generators[0]'],
      ['DVP701', 'generators[1]'],
      ['DVP701', 'generators[2]'],
      ['DVP001', 'generators[3]'],
    ]);
    expect(report.diagnostics.map((d) => d.message.replace(/(Secret|ConfigMap|kind) ("[^"]*").*/, '$1 $2'))).toEqual([
      'kustomize generates the Secret "gen"',
      'kustomize generates the Secret "inline"',
      'the ConfigMap "keys"',
      'a generator plugin of kind "HelmChartInflationGenerator"',
    ]);
    // Plugin configurations are not objects of the cluster.
    expect(report.summary.resources).toBe(0);
    expect(out).not.toContain(KEY_BODY);
    expect(out).not.toContain('hunter2');
  });

  it('a patch transformer under transformers is a patch: credentials it adds are DVP701; an annotations transformer is fine', async () => {
    const t = 'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npatch: |-\n  apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n  stringData:\n    password: hunter2\n';
    const k = 'resources:\n- s.yaml\ntransformers:\n- t.yaml\n- |-\n  apiVersion: builtin\n  kind: AnnotationsTransformer\n  metadata:\n    name: a\n  annotations:\n    team: a\n  fieldSpecs:\n  - path: metadata/annotations\n    create: true\n';
    const dir = folder({ 'kustomization.yaml': k, 's.yaml': BASIC_AUTH, 't.yaml': t });
    if (hasKubectl()) expect(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' })).toContain('hunter2');
    const { report, out } = await checkJson([dir]);
    expect(brief(report.diagnostics)).toEqual([['DVP701', 'transformers[0]']]);
    expect(report.summary.resources).toBe(1);
    expect(out).not.toContain('hunter2');
  });

  it.skipIf(!hasKubectl())('kubectl kustomize reads "evil.txt " with its space, and a path with a newline', () => {
    const dir = folder({ 'kustomization.yaml': 'resources:\n- "evil.txt "\n- "evil\\ntxt"\n', 'evil.txt ': cm('spaced'), 'evil\ntxt': cm('newline'), 'evil.txt': cm('harmless') });
    const built = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
    expect(built).toContain('name: spaced');
    expect(built).toContain('name: newline');
    expect(built).not.toContain('name: harmless');
  });

  it('entries are taken exactly as kustomize takes them: never trimmed, a newline is part of a path', async () => {
    const k = 'resources:\n- "evil.txt "\n- "evil\\ntxt"\nsecretGenerator:\n- name: ssh\n  files:\n  - "ssh-privatekey=key\\nfile"\npatchesStrategicMerge:\n- "p.yaml "\n';
    const dir = folder({
      'kustomization.yaml': k,
      'evil.txt ': SECRET_WITH_KEY.replace('name: evil', 'name: spaced'),
      'evil\ntxt': SECRET_WITH_KEY.replace('name: evil', 'name: newline'),
      'evil.txt': cm('harmless'),
      'key\nfile': RSA_KEY,
      'p.yaml ': SECRET_WITH_KEY.replace('name: evil', 'name: patch'),
      'p.yaml': cm('harmless-patch'),
    });
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.resource ?? d.path])).toEqual([
      ['DVP701', 'Secret/default/newline'],
      ['DVP701', 'Secret/default/spaced'],
      ['DVP701', 'secretGenerator[0]'],
      ['DVP701', 'patchesStrategicMerge[0]'],
    ]);
    expect(out).not.toContain(KEY_BODY);
  });

  it('the same entries without the space or the newline read the harmless files', async () => {
    const k = 'resources:\n- evil.txt\npatchesStrategicMerge:\n- p.yaml\n';
    const { report } = await checkJson([folder({ 'kustomization.yaml': k, 'evil.txt': cm('harmless'), 'evil.txt ': SECRET_WITH_KEY, 'p.yaml': cm('harmless-patch') })]);
    // "evil.txt " is no manifest name and nothing lists it: it is not read.
    expect(report.diagnostics).toEqual([]);
  });

  it("generated content gets the main check's decoding: gzip+base64 of a key, base64 of a commented key", async () => {
    const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
    const k = 'configMapGenerator:\n- name: enc\n  files:\n  - gz.b64\n  - commented.b64\n  literals:\n  - k=' + b64(gzipSync(RSA_KEY)) + '\n';
    const dir = folder({ 'kustomization.yaml': k, 'gz.b64': b64(gzipSync(RSA_KEY)), 'commented.b64': b64(`# comment\n${RSA_KEY}`) });
    const { code, report, out } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(brief(report.diagnostics)).toEqual([
      ['DVP701', 'configMapGenerator[0].files[0]'],
      ['DVP701', 'configMapGenerator[0].files[1]'],
      ['DVP701', 'configMapGenerator[0].literals[0]'],
    ]);
    expect(report.diagnostics[0]?.message).toMatch(/ConfigMap "enc".*"gz\.b64".*private key/);
    expect(out).not.toContain(KEY_BODY);
  });

  it('harmless generated content (base64 of prose, binary bytes) adds nothing', async () => {
    const k = 'configMapGenerator:\n- name: ok\n  files:\n  - prose.b64\n  - logo.png\n  literals:\n  - LOG=debug\n';
    const dir = folder({ 'kustomization.yaml': k, 'prose.b64': Buffer.from('just some text, '.repeat(20)).toString('base64') });
    writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]));
    const { report } = await checkJson([dir]);
    expect(report.diagnostics).toEqual([]);
  });

  it('files listed as patches or generator inputs are not objects: a valid overlay passes, with their secrets still found', async () => {
    const k = 'resources:\n- vm.yaml\npatches:\n- path: vm-patch.yaml\n- path: memory.yaml\n  target:\n    kind: VirtualMachine\n    name: vm\nconfigMapGenerator:\n- name: app\n  files:\n  - application.yaml\n  - settings.json\n';
    const files = {
      'kustomization.yaml': k,
      'vm.yaml': VM,
      'vm-patch.yaml': 'apiVersion: virtualization.deckhouse.io/v1alpha2\nkind: VirtualMachine\nmetadata:\n  name: vm\nspec:\n  cpu:\n    cores: 2\n',
      'memory.yaml': '- op: replace\n  path: /spec/memory/size\n  value: 2Gi\n',
      'application.yaml': 'server:\n  port: 8080\n',
      'settings.json': '{"a": 1}\n',
    };
    const { report } = await checkJson([folder(files)]);
    expect(report.diagnostics.filter((d) => d.code !== 'DVP401')).toEqual([]);
    expect(report.summary.resources).toBe(1);
    // The same patch file with a key in it is still DVP701, on the entry that names it.
    const userData = `#cloud-config\nwrite_files:\n- path: /root/.ssh/id_rsa\n  content: |\n${indent(RSA_KEY, '    ')}\n`;
    const withKey = await checkJson([folder({ ...files, 'vm-patch.yaml': `${files['vm-patch.yaml']}  provisioning:\n    type: UserData\n    userData: |\n${indent(userData, '      ')}\n` })]);
    expect(brief(onKustomization(withKey.report))).toEqual([['DVP701', 'patches[0].path']]);
    expect(withKey.out).not.toContain(KEY_BODY);
  });

  it('a file listed as a patch by one kustomization and as a resource by another stays an object', async () => {
    const dir = folder({ 'a/kustomization.yaml': 'patches:\n- path: ../shared.yaml\n', 'b/kustomization.yaml': 'resources:\n- ../shared.yaml\n', 'shared.yaml': cm('shared') });
    const { report } = await checkJson([dir]);
    expect(report.summary.resources).toBe(1);
  });

  const ROOT = {
    'prod/cluster/namespaces.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
    'prod/namespaces/web/kustomization.yaml': 'resources:\n- cm.yaml\n- ../../../lab/namespaces/demo\n- ../../../gitops/flux/prod\n',
    'prod/namespaces/web/cm.yaml': cm('web'),
    'lab/cluster/namespaces.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'lab/namespaces/demo/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'lab/namespaces/demo/cm.yaml': cm('demo'),
    'lab/namespaces/demo/extra.txt': cm('extra'),
    'gitops/flux/prod/kustomization.yaml': 'resources: []\n',
  };

  it("an entry that leads into another cluster's folder or the hand-off is DVP001: kustomize would apply it in this build", async () => {
    const dir = folder(ROOT);
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.path, d.message.replace(/^.*leads into /, '').replace(/:.*/, '')])).toEqual([
      ['DVP001', 'resources[1]', 'cluster "lab"'],
      ['DVP001', 'resources[2]', 'the GitOps hand-off ("gitops/flux/prod")'],
    ]);
    // Each cluster is checked with its own objects only.
    const clean = await checkJson([join(dir, 'lab')]);
    expect(clean.report.diagnostics).toEqual([]);
  });

  it('which cluster a file belongs to depends on where it lies, never on the order of the PATHs', async () => {
    const dir = folder({
      'prod/cluster/namespaces.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n',
      'prod/cluster/kustomization.yaml': 'resources:\n- namespaces.yaml\n- ../../lab/cluster/extra.txt\n',
      'lab/cluster/namespaces.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
      'lab/cluster/extra.txt': cm('extra'),
    });
    const ab = await dvpcHere(['check', join(dir, 'prod'), join(dir, 'lab')]);
    const ba = await dvpcHere(['check', join(dir, 'lab'), join(dir, 'prod')]);
    expect(ab.out).toBe(ba.out);
    expect(ab.out).toMatch(/resources\[1\]: .*leads into cluster "lab"/);
    expect(ab.out).toMatch(/cluster lab: ok: .* 1 object\(s\) in 1 file\(s\)/);
    expect(ab.out).toMatch(/cluster prod: FAILED: .* 1 object\(s\) in 2 file\(s\)/);
    // Two flat folders are one cluster: an overlay listing its base is fine whatever the order.
    const flat = folder({ 'overlay/kustomization.yaml': 'resources:\n- ../base/cm.txt\n', 'base/cm.txt': cm('base') });
    for (const args of [['overlay', 'base'], ['base', 'overlay']]) {
      const r = await checkJson(args.map((a) => join(flat, a)));
      expect(r.report.diagnostics).toEqual([]);
      expect(r.report.summary.resources).toBe(1);
    }
  });

  it('a link the walk refuses (into another PATH) is not read through the kustomization either', async () => {
    const dir = folder({ 'prod/kustomization.yaml': 'resources:\n- link.yaml\n', 'lab/secret.yaml': SECRET_WITH_KEY });
    symlinkSync(join(dir, 'lab', 'secret.yaml'), join(dir, 'prod', 'link.yaml'));
    const { code, report } = await checkJson([join(dir, 'prod'), join(dir, 'lab')]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file?.replace(/.*\//, ''), d.path ?? d.resource])).toEqual([
      ['DVP701', 'secret.yaml', 'stringData.id_rsa'],
      ['DVP001', 'kustomization.yaml', 'resources[0]'],
      ['DVP001', 'link.yaml', undefined],
    ]);
    expect(report.diagnostics[1]?.message).toMatch(/outside the checked paths/);
    // Read once, as lab's: never as prod's through the link.
    expect(report.summary.resources).toBe(1);
  });

  it('a Helm chart is DVP001 on its entry, its repository shown without credentials; helmGlobals alone renders nothing', async () => {
    const k = 'helmCharts:\n- name: minecraft\n  repo: https://deploy:S3CR3T@charts.example.com/stable?token=T0KEN\n  version: 3.1.3\nhelmChartInflationGenerator:\n- chartName: redis\n  chartRepoUrl: https://charts.example.com\n';
    const { code, report, out } = await checkJson([folder({ 'kustomization.yaml': k })]);
    expect(code).toBe(1);
    expect(brief(report.diagnostics)).toEqual([
      ['DVP001', 'helmCharts[0]'],
      ['DVP001', 'helmChartInflationGenerator[0]'],
    ]);
    expect(report.diagnostics[0]?.message).toMatch(/Helm chart "minecraft" from "https:\/\/…@charts\.example\.com\/stable"/);
    for (const secret of ['S3CR3T', 'T0KEN', 'deploy']) expect(out).not.toContain(secret);
    const globals = await checkJson([folder({ 'kustomization.yaml': 'helmGlobals:\n  chartHome: charts\n' })]);
    expect(globals.report.diagnostics).toEqual([]);
  });

  it('credentials in remote references are never echoed; the version is', async () => {
    const k = [
      'resources:',
      '- git::https://deploy:SECRET1@github.com/org/repo//d?ref=v1',
      '- github.com/org/repo//d?ref=v2&token=SECRET2',
      '- deploy:SECRET3@github.com/org/repo',
      '- https://deploy:SEC@RET4@host.example.com/x.yaml',
      '- ssh://git@github.com/org/repo?version=v5#SECRET5',
      '',
    ].join('\n');
    const { report, out } = await checkJson([folder({ 'kustomization.yaml': k })]);
    expect(report.diagnostics.map((d) => d.message.replace(/ is remote.*/, ''))).toEqual([
      '"git::https://…@github.com/org/repo//d?ref=v1"',
      '"github.com/org/repo//d?ref=v2"',
      '"…@github.com/org/repo"',
      '"https://…@host.example.com/x.yaml"',
      '"ssh://…@github.com/org/repo?version=v5"',
    ]);
    for (const secret of ['SECRET', 'RET4', 'deploy']) expect(out).not.toContain(secret);
  });

  it('a configMapGenerator naming one 1 MiB file 60,000 times is read and scanned once, and followed to 10,000 entries', async () => {
    const k = `configMapGenerator:\n- name: c\n  files:\n${Array.from({ length: 60_000 }, (_, i) => `  - k${i}=big.txt\n`).join('')}`;
    const dir = folder({ 'kustomization.yaml': k, 'big.txt': `${'x'.repeat(1024 * 1024 - 1)}\n` });
    const { code, report } = await checkJson([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ code: 'DVP001', path: 'configMapGenerator[0].files[9999]', line: 10_003 });
    expect(report.diagnostics[0]?.message).toMatch(/more than 10,000 entries: the 50,001 from here on are not checked/);
    // The same file with a key in it is reported on every entry that names it.
    const keyed = await checkJson([folder({ 'kustomization.yaml': 'configMapGenerator:\n- name: c\n  files:\n  - a=key.pem\n  - b=key.pem\n  - c=key.pem\n', 'key.pem': RSA_KEY })]);
    expect(brief(keyed.report.diagnostics)).toEqual([0, 1, 2].map((i) => ['DVP701', `configMapGenerator[0].files[${i}]`]));
  });

  it('a 1,000,000-entry resources list is refused at once; 12,000 entries are followed to 10,000', async () => {
    const huge = `resources:\n${Array.from({ length: 1_000_000 }, (_, i) => `- missing-${i}.txt\n`).join('')}`;
    const refused = await checkJson([folder({ 'kustomization.yaml': huge })]);
    expect(refused.report.diagnostics.map((d) => [d.code, d.line, d.message.slice(0, 43)])).toEqual([['DVP001', undefined, 'a kustomization file larger than 4 MiB: dvp']]);
    const many = `resources:\n${Array.from({ length: 12_000 }, (_, i) => `- cm-${i}.yaml\n`).join('')}`;
    const { report } = await checkJson([folder({ 'kustomization.yaml': many })]);
    expect(report.diagnostics.at(-1)).toMatchObject({ code: 'DVP001', path: 'resources[10000]', line: 10_002 });
    expect(report.diagnostics.at(-1)?.message).toMatch(/the 2,000 from here on are not checked/);
  });

  it('findings of entries on one line come in entry order; a folder under generator files is one DVP001', async () => {
    const k = `resources: [${Array.from({ length: 12 }, (_, i) => `m${i}.txt`).join(', ')}]\nconfigMapGenerator:\n- name: c\n  files:\n  - conf\n`;
    const dir = folder({ 'kustomization.yaml': k, 'conf/a.ini': 'a=1\n', 'conf/b.ini': 'b=2\n', 'conf/big.bin': 'x'.repeat(2 * 1024 * 1024) });
    const { report } = await checkJson([dir]);
    expect(brief(report.diagnostics)).toEqual([...Array.from({ length: 12 }, (_, i) => ['DVP001', `resources[${i}]`]), ['DVP001', 'configMapGenerator[0].files[0]']]);
    expect(report.diagnostics.at(-1)?.message).toMatch(/"conf" is a folder where kustomize reads a file: kustomize would fail the build/);
  });
});

describe('replacements, patches of any kind, and files of kustomize configuration', () => {
  const built = (dir: string) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  const PW_CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pw\ndata:\n  pw: hunter2\n  type: kubernetes.io/basic-auth\n';
  const OPAQUE = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  labels:\n    app: x\ntype: Opaque\nstringData:\n  username: u\n  password: hunter3\n';
  /** (a) a value of a ConfigMap into an empty basic-auth Secret's stringData (created). */
  const INTO_DATA = `resources:
- s.yaml
- cm.yaml
replacements:
- source:
    kind: ConfigMap
    name: pw
    fieldPath: data.pw
  targets:
  - select:
      kind: Secret
      name: s
    fieldPaths:
    - stringData.password
    options:
      create: true
`;
  /** (b) a credential type copied into an Opaque Secret's type, from a file, its target without a kind. */
  const INTO_TYPE = 'source:\n  kind: ConfigMap\n  name: pw\n  fieldPath: data.type\ntargets:\n- select:\n    name: s\n  fieldPaths:\n  - type\n';
  const TRANSFORMER = `apiVersion: builtin\nkind: ReplacementTransformer\nmetadata:\n  name: r\nreplacements:\n- path: into-type.yaml\n`;

  it('a replacement into a Secret\'s data, stringData or type (inline, from a file, through a ReplacementTransformer) is DVP701 on its entry', async () => {
    const a = folder({ 'kustomization.yaml': INTO_DATA, 's.yaml': BASIC_AUTH, 'cm.yaml': PW_CM });
    const b = folder({ 'kustomization.yaml': 'resources:\n- s.yaml\n- cm.yaml\nreplacements:\n- path: into-type.yaml\n', 's.yaml': OPAQUE, 'cm.yaml': PW_CM, 'into-type.yaml': INTO_TYPE });
    const t = folder({ 'kustomization.yaml': 'resources:\n- s.yaml\n- cm.yaml\ntransformers:\n- t.yaml\n', 's.yaml': OPAQUE, 'cm.yaml': PW_CM, 'into-type.yaml': `- ${indent(INTO_TYPE, '  ').trimStart()}\n`, 't.yaml': TRANSFORMER });
    if (hasKubectl()) {
      for (const dir of [a, b, t]) expect(built(dir)).toMatch(/password: hunter[23]\n(.*\n)*type: kubernetes\.io\/basic-auth/);
    }
    const ra = await checkJson([a]);
    expect(ra.code).toBe(1);
    expect(brief(ra.report.diagnostics)).toEqual([['DVP701', 'replacements[0]']]);
    expect(ra.report.diagnostics[0]).toMatchObject({ line: lineOf(INTO_DATA, '- source:'), file: expect.stringMatching(/kustomization\.yaml$/) });
    expect(ra.report.diagnostics[0]?.message).toMatch(/"ConfigMap\/pw" into "stringData\.password" of a Secret/);
    const rb = await checkJson([b]);
    expect(rb.code).toBe(1);
    // The replacements file is configuration, not an object: no DVP002 for it.
    expect(brief(rb.report.diagnostics)).toEqual([['DVP701', 'replacements[0].path']]);
    expect(rb.report.diagnostics[0]?.message).toMatch(/replacements file "into-type\.yaml" copies "ConfigMap\/pw" into "type"/);
    const rt = await checkJson([t]);
    expect(brief(rt.report.diagnostics)).toEqual([['DVP701', 'transformers[0]']]);
    for (const r of [ra, rb, rt]) for (const secret of ['hunter2', 'hunter3']) expect(r.out).not.toContain(secret);
  });

  it('harmless replacements add nothing: from a Secret into a Secret, into a ConfigMap, into a Secret\'s labels', async () => {
    const k = `resources:
- s.yaml
- cm.yaml
- other.yaml
replacements:
- source: {kind: Secret, name: other, fieldPath: data.password}
  targets:
  - select: {kind: Secret, name: s}
    fieldPaths: [data.password]
    options: {create: true}
- source: {kind: ConfigMap, name: pw, fieldPath: data.type}
  targets:
  - select: {kind: ConfigMap, name: pw}
    fieldPaths: [data.copy]
    options: {create: true}
  - select: {name: s}
    fieldPaths: [metadata.labels.kind]
    options: {create: true}
`;
    const other = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: other\ndata:\n  password: aHVudGVyNA==\n';
    const dir = folder({ 'kustomization.yaml': k, 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n', 'cm.yaml': PW_CM.replace(/  pw: hunter2\n/, ''), 'other.yaml': other });
    if (hasKubectl()) expect(built(dir)).toMatch(/copy: kubernetes\.io\/basic-auth[\s\S]*password: aHVudGVyNA==\nkind: Secret\nmetadata:\n  labels:\n    kind: kubernetes\.io\/basic-auth\n  name: s/);
    const { code, report } = await checkJson([dir]);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  /** An empty basic-auth Secret labelled app=x: a patch selecting it by label only gives it a password. */
  const LABELLED = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  labels:\n    app: x\ntype: kubernetes.io/basic-auth\n';
  const BY_LABEL = (patch: string) => `resources:\n- s.yaml\n- vm.yaml\npatches:\n- target:\n    labelSelector: app=x\n  patch: |-\n${indent(patch, '    ')}\n`;

  it('a patch whose target names no kind (a labelSelector, a name) is scanned as a Secret of each type present and as a VirtualMachine', async () => {
    const json = '- op: add\n  path: /stringData\n  value: {password: hunter2}\n';
    const smp = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: any\nstringData:\n  password: hunter2\n';
    const userData = `resources:\n- s.yaml\n- vm.yaml\npatches:\n- target: {name: vm}\n  patch: |-\n    - op: replace\n      path: /spec/provisioning/userData\n      value: "#cloud-config\\npassword: hunter3\\n"\n`;
    const labelled = { 's.yaml': LABELLED, 'vm.yaml': VM };
    const dirs = [folder({ ...labelled, 'kustomization.yaml': BY_LABEL(json) }), folder({ ...labelled, 'kustomization.yaml': BY_LABEL(smp) }), folder({ ...labelled, 'kustomization.yaml': userData })];
    if (hasKubectl()) {
      expect(built(dirs[0] as string)).toMatch(/password: hunter2\ntype: kubernetes\.io\/basic-auth/);
      expect(built(dirs[1] as string)).toMatch(/password: hunter2\ntype: kubernetes\.io\/basic-auth/);
      expect(built(dirs[2] as string)).toContain('password: hunter3');
    }
    for (const dir of dirs) {
      const { code, report, out } = await checkJson([dir]);
      expect(code).toBe(1);
      expect(brief(onKustomization(report))).toEqual([['DVP701', 'patches[0].patch']]);
      expect(onKustomization(report)[0]?.message).toMatch(/of any object its target selects.*(basic-auth|password in cloud-init)/);
      expect(out).not.toMatch(/hunter[23]/);
    }
    // kind: Secret with a labelSelector and no name: any Secret of the cluster.
    const withKind = await checkJson([folder({ ...labelled, 'kustomization.yaml': BY_LABEL(json).replace('    labelSelector', '    kind: Secret\n    labelSelector') })]);
    expect(brief(onKustomization(withKind.report))).toEqual([['DVP701', 'patches[0].patch']]);
  });

  it('a patch whose target names no kind and adds labels, cores or a public key adds nothing', async () => {
    const patch = '- op: add\n  path: /metadata/labels/team\n  value: a\n- op: add\n  path: /spec/cpu/cores\n  value: 2\n- op: add\n  path: /stringData\n  value: {id_rsa.pub: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnly user@host"}\n';
    const dir = folder({ 's.yaml': LABELLED.replace('kubernetes.io/basic-auth', 'Opaque'), 'vm.yaml': VM, 'kustomization.yaml': BY_LABEL(patch) });
    const { report } = await checkJson([dir]);
    expect(onKustomization(report)).toEqual([]);
  });

  const CONFIGURED = {
    'kustomization.yaml': 'resources:\n- cm.yaml\n- other.yaml\nconfigurations:\n- kustomizeconfig.yaml\nreplacements:\n- path: repl.yaml\nopenapi:\n  path: schema.json\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  host: db.example\n',
    'other.yaml': cm('other'),
    'kustomizeconfig.yaml': 'nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - kind: VirtualMachine\n    path: spec/provisioning/userDataRef/name\n',
    'repl.yaml': '- source:\n    kind: ConfigMap\n    name: app\n    fieldPath: data.host\n  targets:\n  - select:\n      kind: ConfigMap\n      name: other\n    fieldPaths:\n    - metadata.annotations.host\n    options:\n      create: true\n',
    'schema.json': '{"definitions": {"v1.ConfigMap": {"type": "object", "x-kubernetes-group-version-kind": [{"group": "", "kind": "ConfigMap", "version": "v1"}]}}}\n',
  };

  it('files named by configurations, replacements and openapi are kustomize configuration, not objects: the folder passes', async () => {
    const dir = folder(CONFIGURED);
    if (hasKubectl()) expect(built(dir)).toContain('host: db.example');
    const { code, report } = await checkJson([dir]);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
    expect(report.summary.resources).toBe(2);
  });

  it('a key in a configuration file is still DVP701 on its entry; an openapi.path outside the checked paths is DVP001', async () => {
    const keyed = await checkJson([folder({ ...CONFIGURED, 'kustomizeconfig.yaml': `${CONFIGURED['kustomizeconfig.yaml']}comment: |\n${indent(RSA_KEY, '  ')}\n` })]);
    expect(brief(keyed.report.diagnostics)).toEqual([['DVP701', 'configurations[0]']]);
    expect(keyed.out).not.toContain(KEY_BODY);
    const inner = Object.fromEntries(Object.entries(CONFIGURED).filter(([name]) => name !== 'schema.json').map(([name, text]) => [`inner/${name}`, text.replace('path: schema.json', 'path: ../outside/schema.json')]));
    const dir = folder({ ...inner, 'outside/schema.json': CONFIGURED['schema.json'] });
    const { code, report } = await checkJson([join(dir, 'inner')]);
    expect(code).toBe(1);
    expect(brief(report.diagnostics)).toEqual([['DVP001', 'openapi.path']]);
    expect(report.diagnostics[0]?.message).toMatch(/"\.\.\/outside\/schema\.json" lies outside the checked paths/);
  });
});
