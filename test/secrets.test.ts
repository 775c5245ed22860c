/**
 * DVP701–DVP704 as SPEC §6 widened them: every encoded form of a secret that cloud-init or
 * Windows Setup decodes counts as written; every object's text is scanned for private keys,
 * whatever its kind and whether it fits its schema; public keys and certificates stay clean;
 * DVP703 follows the module's header rules. Each case names its file, line, object and field.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { checkFiles, lineOf } from './check-helpers.ts';
import { ClusterModel } from '../lib/model/cluster-model.ts';
import { checkSecrets, SecretScan } from '../lib/check/secrets.ts';
import { toResource } from '../lib/core/resource.ts';
import { explodeUserData, userDataProblem } from '../lib/check/user-data.ts';
import { newBudget } from '../lib/check/decode.ts';
import { isSopsEncryptedText } from '../lib/check/sops.ts';
import type { JsonObject } from '../lib/core/json.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const indent = (text: string, n: number) => text.split('\n').map((l) => (l.length > 0 ? ' '.repeat(n) + l : l)).join('\n');

/** Key material shaped like the real thing (not a key). */
const OPENSSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAExampleOnlyNotAKeyAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const RSA_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIExampleOnlyNotAKey\n-----END RSA PRIVATE KEY-----\n';
const PUTTY_KEY = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ops\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5\nAAAAIExample\nPrivate-Lines: 1\nAAAAIExampleOnly\nPrivate-MAC: 0123\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBExampleOnlyNotACertificateMIIBExampleOnlyNotACertificate\n-----END CERTIFICATE-----\n';
const PUBLIC_KEYS = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyExampleOnlyExampleOnly ops@example\n-----BEGIN PUBLIC KEY-----\nMFkwExampleOnly\n-----END PUBLIC KEY-----';
const PGP_PUBLIC = '-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBExampleOnly\n-----END PGP PUBLIC KEY BLOCK-----\n';
const SSH2_KEY = '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: "ops"\nP2/56wAAAExampleOnly\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n';

const secret = (body: string, type = 'Opaque', name = 'init') => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: apps\ntype: ${type}\n${body}`;
const stringData = (key: string, text: string) => `stringData:\n  ${key}: |\n${indent(text, 4)}`;
const data = (key: string, bytes: string | Buffer) => `data:\n  ${key}: ${b64(bytes)}\n`;
const vm = (userData: string, extra = '') => `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata:
  name: vm
  namespace: apps
spec:
  virtualMachineClassName: generic
  cpu:
    cores: 1
  memory:
    size: 1Gi
  blockDeviceRefs:
    - kind: ClusterVirtualImage
      name: ubuntu
${extra}  provisioning:
    type: UserData
    userData: ${JSON.stringify(userData)}
`;
/** base64 wrapped as tools wrap it (base64 -w, PEM bodies). */
const wrap = (text: string, width: number) => text.replace(new RegExp(`(.{${width}})`, 'g'), '$1\n').trimEnd();
/** A ConfigMap with kubectl's last-applied-configuration annotation holding `applied` (JSON, as kubectl writes it). */
const lastApplied = (applied: object) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\n  namespace: apps\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: ${JSON.stringify(`${JSON.stringify(applied)}\n`)}\n`;
const configMap = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\n  namespace: apps\n${body}`;
/** base64 cut into groups of `n` by spaces. */
const spaced = (text: string, n: number) => text.replace(new RegExp(`(.{${n}})`, 'g'), '$1 ').trimEnd();
/** An object of a kind dvpc does not know, with one annotation. */
const annotated = (key: string, value: string) => `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n  namespace: apps\n  annotations:\n    ${key}: ${JSON.stringify(value)}\n`;
/** A kubeconfig with no key in it: a CA in base64, a token. */
const KUBECONFIG = `apiVersion: v1\nkind: Config\nclusters:\n  - name: c\n    cluster:\n      server: https://10.0.0.1:6443\n      certificate-authority-data: ${b64(CERT)}\nusers:\n  - name: u\n    user:\n      token: eyJhbGciOiJSUzI1NiJ9.ExampleOnly.ExampleOnly\ncontexts:\n  - name: c\n    context: {cluster: c, user: u}\ncurrent-context: c\n`;

function secretFindings(doc: string, allow: string[] = []) {
  const run = checkFiles({ 'state.yaml': doc }, { inventory: null, allow });
  return { run, found: run.diagnostics.filter((d) => d.code.startsWith('DVP70')) };
}

const MIME = (parts: string[]) => `Content-Type: multipart/mixed; boundary="==BOUNDARY=="\nMIME-Version: 1.0\n\n${parts.map((p) => `--==BOUNDARY==\n${p}\n`).join('')}--==BOUNDARY==--\n`;

interface Case {
  readonly name: string;
  readonly doc: string;
  readonly at: string;
  readonly path: string;
  readonly resource: string;
  readonly code?: 'DVP701' | 'DVP704';
  readonly message?: RegExp;
}

const S = 'Secret/apps/init';
const cases: Case[] = [
  { name: 'a key in write_files with encoding b64', doc: secret(stringData('userData', `#cloud-config\nwrite_files:\n  - path: /root/.ssh/id_rsa\n    encoding: b64\n    content: ${b64(RSA_KEY)}\n`)), at: 'userData: |', path: 'stringData.userData', resource: S, message: /private key.*write_files\[0\]/ },
  { name: 'a key in write_files with encoding gz+b64', doc: secret(stringData('userData', `#cloud-config\nwrite_files:\n  - path: /root/.ssh/id_ed25519\n    encoding: gz+b64\n    content: ${b64(gzipSync(OPENSSH_KEY))}\n`)), at: 'userData: |', path: 'stringData.userData', resource: S, message: /private key/ },
  { name: 'Secret data: base64 of gzip of a cloud-config with a password', doc: secret(data('userData', gzipSync('#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n'))), at: 'userData:', path: 'data.userData', resource: S, message: /gzip.*chpasswd\.list|chpasswd\.list/ },
  { name: 'a key header written with a YAML escape', doc: secret(`stringData:\n  id: "-----BEGIN\\tRSA PRIVATE KEY-----\\nMIIExample\\n-----END RSA PRIVATE KEY-----\\n"\n`), at: 'id: "', path: 'stringData.id', resource: S, message: /private key/ },
  { name: 'a PuTTY private key', doc: secret(stringData('ops.ppk', PUTTY_KEY)), at: 'ops.ppk', path: 'stringData.ops.ppk', resource: S, message: /private key/ },
  { name: 'an SSH2 (RFC 4716) private key', doc: secret(data('ops', SSH2_KEY)), at: 'ops:', path: 'data.ops', resource: S, message: /private key/ },
  {
    name: 'MIME multipart: a cloud-config part with a password',
    doc: secret(stringData('userData', MIME(['Content-Type: text/x-shellscript\n\n#!/bin/sh\necho hi', 'Content-Type: text/cloud-config; charset="us-ascii"\nMIME-Version: 1.0\n\n#cloud-config\npassword: hunter2\nchpasswd: { expire: False }']))),
    at: 'userData: |', path: 'stringData.userData', resource: S, message: /MIME part 2 \(text\/cloud-config\).*: password/,
  },
  {
    name: 'MIME multipart: a base64 part with a key',
    doc: secret(data('userData', MIME(['Content-Type: text/cloud-config\n\n#cloud-config\nhostname: vm', `Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n${b64(`#!/bin/sh\ncat > /root/.ssh/id_rsa <<EOF\n${RSA_KEY}EOF\n`)}`]))),
    at: 'userData:', path: 'data.userData', resource: S, message: /private key.*MIME part 2 \(text\/x-shellscript, base64\)/,
  },
  { name: '#cloud-config-archive', doc: secret(stringData('userData', `#cloud-config-archive\n- type: text/cloud-config\n  content: |\n    #cloud-config\n    users:\n      - name: ops\n        plain_text_passwd: hunter2\n`)), at: 'userData: |', path: 'stringData.userData', resource: S, message: /archive item 1.*users\[0\]\.plain_text_passwd/ },
  { name: '## template: jinja before #cloud-config', doc: vm('## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\npassword: hunter2\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /jinja template.*password/ },
  { name: 'chpasswd.users with password: y (a boolean to YAML 1.1, a string to cloud-init)', doc: secret(stringData('userData', '#cloud-config\nchpasswd:\n  users:\n    - name: root\n      password: y\n      type: text\n')), at: 'userData: |', path: 'stringData.userData', resource: S, message: /chpasswd\.users\[0\]\.password/ },
  { name: 'a numeric password (password: 12345678)', doc: vm('#cloud-config\npassword: 12345678\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /\(password\)/ },
  { name: 'users given as a mapping', doc: secret(stringData('userData', '#cloud-config\nusers:\n  ops:\n    plain_text_passwd: hunter2\n')), at: 'userData: |', path: 'stringData.userData', resource: S, message: /users\.ops\.plain_text_passwd/ },
  { name: 'a user-data script piping a literal into chpasswd', doc: vm("#!/bin/bash\necho 'root:Sup3rSecret' | sudo chpasswd\n"), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /piped into chpasswd/ },
  { name: 'a boothook feeding chpasswd a here-document', doc: secret(stringData('userData', "#cloud-boothook\n#!/bin/sh\nsudo chpasswd <<'EOF'\nroot:Sup3rSecret\nEOF\n")), at: 'userData: |', path: 'stringData.userData', resource: S, message: /here-document/ },
  { name: 'a key in base64 in stringData', doc: secret(`stringData:\n  id_rsa.b64: ${b64(RSA_KEY)}\n`), at: 'id_rsa.b64:', path: 'stringData.id_rsa.b64', resource: S, message: /private key.*\(base64\)/ },
  { name: 'the shortest script that sets a password (17 characters)', doc: secret('stringData:\n  u: "#!\\nchpasswd<<<a:b"\n'), at: 'u: "', path: 'stringData.u', resource: S, message: /here-string/ },
  { name: 'runcmd feeding chpasswd a here-string', doc: secret(stringData('userData', "#cloud-config\nruncmd:\n  - chpasswd <<< 'root:Sup3rSecret'\n")), at: 'userData: |', path: 'stringData.userData', resource: S, message: /runcmd\[0\]/ },
  {
    name: 'a UTF-16 Sysprep answer file',
    doc: secret(data('unattend.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="utf-16"?>\n<unattend><UserAccounts><AdministratorPassword><Value>P@ss</Value><PlainText>true</PlainText></AdministratorPassword></UserAccounts></unattend>\n', 'utf16le')])), 'provisioning.virtualization.deckhouse.io/sysprep'),
    at: 'unattend.xml:', path: 'data.unattend.xml', resource: S, message: /Sysprep/,
  },
  { name: 'Sysprep XML with a namespace prefix', doc: secret(stringData('autounattend.xml', '<unattend xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">\n  <wcm:Password><wcm:Value>P@ss</wcm:Value><wcm:PlainText>true</wcm:PlainText></wcm:Password>\n</unattend>\n')), at: 'autounattend.xml', path: 'stringData.autounattend.xml', resource: S, message: /Sysprep/ },
  { name: 'Sysprep XML with a character reference (&#116;rue)', doc: secret(stringData('unattend.xml', '<unattend>\n  <Password><Value>P@ss</Value><PlainText>&#116;rue</PlainText></Password>\n</unattend>\n')), at: 'unattend.xml', path: 'stringData.unattend.xml', resource: S, message: /Sysprep/ },
  { name: 'Sysprep XML with an entity declared in its DTD', doc: secret(stringData('unattend.xml', '<!DOCTYPE unattend [<!ENTITY t "&#x74;rue">]>\n<unattend>\n  <Password><Value>P@ss</Value><PlainText>&t;</PlainText></Password>\n</unattend>\n')), at: 'unattend.xml', path: 'stringData.unattend.xml', resource: S, message: /Sysprep/ },
  { name: 'a bootstrap.kubernetes.io/token Secret with data', doc: secret('stringData:\n  token-id: abcdef\n  token-secret: 0123456789abcdef\n', 'bootstrap.kubernetes.io/token', 'bootstrap-token-abcdef'), at: 'type: bootstrap', path: 'type', resource: 'Secret/apps/bootstrap-token-abcdef', message: /bootstrap\.kubernetes\.io\/token/ },
  { name: 'a private key in a ConfigMap', doc: configMap(`data:\n  id_rsa: |\n${indent(RSA_KEY, 4)}`), at: 'id_rsa: |', path: 'data.id_rsa', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a private key in a ConfigMap\'s binaryData, gzipped', doc: configMap(`binaryData:\n  key.gz: ${b64(gzipSync(OPENSSH_KEY))}\n`), at: 'key.gz:', path: 'binaryData.key.gz', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a private key in an annotation of any kind', doc: `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n  namespace: apps\n  annotations:\n    key: ${JSON.stringify(RSA_KEY)}\n`, at: 'key: "', path: 'metadata.annotations.key', resource: 'Thing/apps/t', message: /private key/ },
  { name: 'a password in a VM that fails its schema', doc: vm('#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: hunter2\n', '  bogus: 1\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /users\[0\]\.plain_text_passwd/ },
  { name: 'a key in a Secret that fails its schema', doc: secret(`${stringData('id', RSA_KEY)}\nbogus: 1\n`), at: 'id: |', path: 'stringData.id', resource: S, message: /private key/ },
  { name: 'a password hash in the top-level password is DVP704', doc: vm('#cloud-config\npassword: $6$rounds=4096$salt$abcdefghijklmnopqrstuvwxyz\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', code: 'DVP704', message: /password hash.*\(password\)/ },
  // YAML merge keys: cloud-init's PyYAML safe_load applies them.
  { name: 'a password merged in at the top (<<: {password: ...})', doc: vm('#cloud-config\n<<: {password: hunter2}\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /\(password\)/ },
  { name: 'a password merged with an explicit !!merge tag', doc: vm('#cloud-config\nd: &d {password: hunter2}\n!!merge <<: *d\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /\(password\)/ },
  { name: 'a chpasswd list merged from an anchor (chpasswd: {<<: *c})', doc: vm('#cloud-config\nx: &c {list: "root:hunter2"}\nchpasswd: {<<: *c}\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /chpasswd\.list/ },
  { name: 'plain_text_passwd merged into a user from a list of mappings', doc: secret(stringData('userData', '#cloud-config\nusers: [{<<: [{name: ops}, {plain_text_passwd: hunter2}]}]\n')), at: 'userData: |', path: 'stringData.userData', resource: S, message: /users\[0\]\.plain_text_passwd/ },
  { name: 'a passwd hash merged into a user is DVP704', doc: vm('#cloud-config\nusers: [{<<: [{name: ops}, {passwd: "$6$rounds=4096$salt$abcdefghijklmnopqrstuvwxyz"}]}]\n'), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', code: 'DVP704', message: /users\[0\]\.passwd/ },
  // Sysprep reads <PlainText> case-insensitively.
  { name: 'Sysprep <PlainText>TRUE</PlainText>', doc: secret(stringData('unattend.xml', '<unattend>\n  <Password><Value>P@ss</Value><PlainText>TRUE</PlainText></Password>\n</unattend>\n')), at: 'unattend.xml', path: 'stringData.unattend.xml', resource: S, message: /Sysprep/ },
  { name: 'Sysprep <PlainText>True</PlainText>', doc: secret(data('unattend.xml', '<unattend>\n  <Password><Value>P@ss</Value><PlainText> True </PlainText></Password>\n</unattend>\n')), at: 'unattend.xml', path: 'data.unattend.xml', resource: S, message: /Sysprep/ },
  // A key in base64 wherever it sits.
  { name: 'a key in base64 in a ConfigMap\'s data', doc: configMap(`data:\n  id: ${b64(RSA_KEY)}\n`), at: 'id:', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key.*\(base64\)/ },
  { name: 'a key in base64 wrapped at 76 columns in a ConfigMap', doc: configMap(`data:\n  id: |\n${indent(wrap(b64(OPENSSH_KEY), 76), 4)}\n`), at: 'id: |', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 of gzip in an annotation of any kind', doc: `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n  namespace: apps\n  annotations:\n    blob: ${b64(gzipSync(RSA_KEY))}\n`, at: 'blob:', path: 'metadata.annotations.blob', resource: 'Thing/apps/t', message: /private key/ },
  { name: 'a key in base64 inside kubectl\'s last-applied-configuration', doc: lastApplied({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'apps' }, data: { id: b64(RSA_KEY) } }), at: 'kubectl.kubernetes.io/last-applied-configuration', path: 'metadata.annotations.kubectl.kubernetes.io/last-applied-configuration', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 wrapped with \\n inside last-applied-configuration', doc: lastApplied({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'apps' }, data: { id: wrap(b64(OPENSSH_KEY), 64) } }), at: 'kubectl.kubernetes.io/last-applied-configuration', path: 'metadata.annotations.kubectl.kubernetes.io/last-applied-configuration', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 in a runcmd of inline user data', doc: vm(`#cloud-config\nruncmd:\n  - echo ${b64(OPENSSH_KEY)} | base64 -d > /root/.ssh/id_ed25519\n`), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /private key.*base64/ },
  // base64 of base64 of a key, wherever it sits.
  { name: 'a key in base64 of base64 in a ConfigMap\'s data', doc: configMap(`data:\n  id: ${b64(b64(RSA_KEY))}\n`), at: 'id:', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 of base64 in an annotation', doc: annotated('blob', b64(b64(OPENSSH_KEY))), at: 'blob:', path: 'metadata.annotations.blob', resource: 'Thing/apps/t', message: /private key/ },
  { name: 'a key in base64 of base64 in a Secret\'s stringData', doc: secret(`stringData:\n  id: ${b64(b64(RSA_KEY))}\n`), at: 'id:', path: 'stringData.id', resource: S, message: /private key/ },
  { name: 'a key in base64 of base64 in write_files with encoding b64', doc: secret(stringData('userData', `#cloud-config\nwrite_files:\n  - path: /root/.ssh/id_rsa.b64\n    encoding: b64\n    content: ${b64(b64(RSA_KEY))}\n`)), at: 'userData: |', path: 'stringData.userData', resource: S, message: /private key.*write_files\[0\]/ },
  { name: 'a key in base64 of base64 of gzip in a ConfigMap\'s binaryData', doc: configMap(`binaryData:\n  key: ${b64(b64(gzipSync(OPENSSH_KEY)))}\n`), at: 'key:', path: 'binaryData.key', resource: 'ConfigMap/apps/keys', message: /private key/ },
  // base64 cut by spaces, or wrapped in short lines.
  { name: 'a key in base64 with a space every 4 characters in a ConfigMap', doc: configMap(`data:\n  id: ${spaced(b64(RSA_KEY), 4)}\n`), at: 'id:', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 with a space every 16 characters in a ConfigMap', doc: configMap(`data:\n  id: ${spaced(b64(OPENSSH_KEY), 16)}\n`), at: 'id:', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 wrapped at 20 columns in a ConfigMap', doc: configMap(`data:\n  id: |\n${indent(wrap(b64(OPENSSH_KEY), 20), 4)}\n`), at: 'id: |', path: 'data.id', resource: 'ConfigMap/apps/keys', message: /private key/ },
  { name: 'a key in base64 cut at random places in an annotation', doc: annotated('blob', b64(RSA_KEY).replace(/(.{7})(.{3})(.{11})/g, '$1 $2\n$3 ')), at: 'blob:', path: 'metadata.annotations.blob', resource: 'Thing/apps/t', message: /private key/ },
  { name: 'a key in spaced base64 in runcmd (echo ... | tr -d | base64 -d)', doc: vm(`#cloud-config\nruncmd:\n  - echo '${spaced(b64(OPENSSH_KEY), 4)}' | tr -d ' ' | base64 -d > /root/.ssh/id_ed25519\n`), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /private key.*base64/ },
  { name: 'a key in short-wrapped base64 in a here-document of a script', doc: secret(stringData('userData', `#!/bin/sh\nbase64 -d > /root/.ssh/id_rsa <<EOF\n${wrap(b64(RSA_KEY), 24)}\nEOF\nchmod 600 /root/.ssh/id_rsa\n`)), at: 'userData: |', path: 'stringData.userData', resource: S, message: /private key.*base64/ },
  { name: 'a key in short-wrapped base64 of gzip in a here-document after a path', doc: vm(`#!/bin/sh\nbase64 -d <<EOF | gunzip > /root/key\n${wrap(b64(gzipSync(OPENSSH_KEY)), 20)}\nEOF\n`), at: 'userData:', path: 'spec.provisioning.userData', resource: 'VirtualMachine/apps/vm', message: /private key/ },
];

describe('DVP701/DVP704: every encoded form of a secret counts as written', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { found } = secretFindings(c.doc);
      const code = c.code ?? 'DVP701';
      const d = found.find((x) => x.code === code);
      expect(d, JSON.stringify(found)).toMatchObject({ code, severity: code === 'DVP701' ? 'error' : 'warning', file: expect.stringMatching(/state\.yaml$/), line: lineOf(c.doc, c.at), resource: c.resource, path: c.path });
      if (c.message) expect(d?.message).toMatch(c.message);
      if (code === 'DVP704') expect(found.map((x) => x.code)).not.toContain('DVP701');
    });
  }

  it('a schema error allowed with --allow DVP002 lets no key through', () => {
    const { run } = secretFindings(cases.find((c) => c.name === 'a password in a VM that fails its schema')?.doc ?? '', ['DVP002']);
    expect(run.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DVP701']);
  });

  it('no message echoes the secret', () => {
    for (const c of cases) {
      for (const d of secretFindings(c.doc).found) expect(`${d.message} ${d.hint}`).not.toMatch(/hunter2|Sup3rSecret|P@ss|ExampleOnly|0123456789abcdef/);
    }
  });
});

describe('the nearest correct inputs stay clean', () => {
  const clean: [string, string][] = [
    ['public keys and certificates in a Secret, a ConfigMap and user data', [
      secret(stringData('userData', '#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnly ops@example\n  - ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQExample ops@example\n')),
      configMap(`data:\n  ca.crt: |\n${indent('-----BEGIN CERTIFICATE-----\nMIIBExample\n-----END CERTIFICATE-----', 4)}\n  pub.pem: |\n${indent('-----BEGIN PUBLIC KEY-----\nMFkwExample\n-----END PUBLIC KEY-----', 4)}\n  ssh2.pub: |\n${indent('---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2EExample\n---- END SSH2 PUBLIC KEY ----', 4)}\n  pgp.asc: |\n${indent('-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBExample\n-----END PGP PUBLIC KEY BLOCK-----', 4)}`),
      secret(data('tls.crt', '-----BEGIN CERTIFICATE-----\nMIIBExample\n-----END CERTIFICATE-----\n')),
    ].join('\n---\n')],
    ['random passwords and no passwords', secret(stringData('userData', '#cloud-config\npassword: RANDOM\nchpasswd:\n  list: |\n    root:RANDOM\n  users:\n    - name: ops\n      type: RANDOM\nusers:\n  - name: ops\n    lock_passwd: true\n'))],
    ['a password built from a variable is not a literal', vm('#!/bin/bash\necho "root:$ROOT_PASSWORD" | chpasswd\nchpasswd <<EOF\nops:$(cat /run/secret)\nEOF\n')],
    ['Sysprep with <PlainText>false</PlainText>', secret(stringData('unattend.xml', '<unattend>\n  <wcm:Password><Value>UABhAHMAcwA=</Value><wcm:PlainText>false</wcm:PlainText></wcm:Password>\n</unattend>\n'))],
    ['a credential type without data', secret('', 'kubernetes.io/tls')],
    ['public keys and certificates in base64: a ConfigMap\'s values (wrapped too), annotations, last-applied-configuration, user data', [
      configMap(`data:\n  ca.b64: ${b64(CERT)}\n  ca-wrapped.b64: |\n${indent(wrap(b64(CERT + CERT), 76), 4)}\n  pub.b64: ${b64(`${PUBLIC_KEYS}\n`)}\n  pgp.b64: ${b64(PGP_PUBLIC)}\n  ca.gz.b64: ${b64(gzipSync(CERT))}\n`),
      `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n  namespace: apps\n  annotations:\n    ca: ${b64(CERT)}\n    pub: ${b64(PUBLIC_KEYS)}\n`,
      lastApplied({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'apps' }, data: { ca: wrap(b64(CERT), 64), pub: b64(PUBLIC_KEYS) } }),
      vm(`#cloud-config\nruncmd:\n  - echo ${b64(CERT)} | base64 -d > /etc/ssl/ca.pem\n`),
    ].join('\n---\n')],
    ['long base64 and hex that hold no key: digests, random bytes, gzip of text', configMap(`data:\n  sha256: ${createHash('sha256').update('x').digest('hex')}${createHash('sha256').update('y').digest('hex')}\n  sha512.b64: ${createHash('sha512').update('x').digest('base64')}${createHash('sha512').update('y').digest('base64')}\n  text.gz.b64: ${b64(gzipSync('#cloud-config\nhostname: vm\n'.repeat(20)))}\n`)],
    ['a tagged merge key (!!str <<) is a plain key, as PyYAML reads it', vm('#cloud-config\nd: &d {password: hunter2}\n!!str <<: *d\n')],
    ['merge keys that merge no password', vm('#cloud-config\nbase: &b {shell: /bin/bash, lock_passwd: true}\n<<: {hostname: vm}\nusers: [{<<: *b, name: ops}]\nchpasswd: {<<: {expire: false}}\n')],
    ['a merged password of RANDOM', vm('#cloud-config\nr: &r {password: RANDOM}\n<<: *r\n')],
    ['Sysprep with <PlainText>FALSE</PlainText> and False', secret(stringData('unattend.xml', '<unattend>\n  <Password><Value>UABhAHMAcwA=</Value><PlainText>FALSE</PlainText></Password>\n  <Password><Value>UABhAHMAcwA=</Value><PlainText>False</PlainText></Password>\n</unattend>\n'))],
    ['public keys, certificates, a CA bundle and a kubeconfig without keys, nested in base64 and cut by whitespace', [
      configMap(`data:\n  ca.b64.b64: ${b64(b64(CERT + CERT))}\n  pub.b64.b64: ${b64(b64(PUBLIC_KEYS))}\n  ca.spaced4: ${spaced(b64(CERT), 4)}\n  pub.spaced16: ${spaced(b64(PUBLIC_KEYS), 16)}\n  ca.wrapped20: |\n${indent(wrap(b64(CERT), 20), 4)}\n  kubeconfig: |\n${indent(KUBECONFIG, 4)}\n  kubeconfig.b64.b64: ${b64(b64(KUBECONFIG))}\n  ca.gz.b64.b64: ${b64(b64(gzipSync(CERT)))}\n`),
      annotated('ca', b64(b64(CERT))),
      secret(`stringData:\n  ca: ${b64(b64(CERT))}\n  kubeconfig: ${b64(KUBECONFIG)}\n  kubeconfig.b64: ${b64(b64(KUBECONFIG))}\n${data('kubeconfig.b64.b64', b64(b64(KUBECONFIG)))}`),
      secret(stringData('userData', `#cloud-config\nwrite_files:\n  - path: /etc/ssl/ca.b64\n    encoding: b64\n    content: ${b64(b64(CERT))}\nruncmd:\n  - echo '${spaced(b64(CERT), 4)}' | tr -d ' ' | base64 -d > /etc/ssl/ca.pem\n`), 'Opaque', 'ca'),
      vm(`#!/bin/sh\nbase64 -d > /etc/ssl/ca.pem <<EOF\n${wrap(b64(CERT), 24)}\nEOF\n`),
    ].join('\n---\n')],
    ['hashes, digests and prose cut by whitespace, and in base64 of base64', configMap(`data:\n  sums: |\n${indent(['x', 'y', 'z'].map((v) => `${createHash('sha256').update(v).digest('hex')}  ${v}.img`).join('\n'), 4)}\n  digests: ${['x', 'y', 'z'].map((v) => createHash('sha512').update(v).digest('base64').replace(/=+$/, '')).join(' ')}\n  image: registry.example.com/ubuntu@sha256:${createHash('sha256').update('x').digest('hex')}\n  sums.b64.b64: ${b64(b64(createHash('sha512').update('x').digest('hex')))}\n  readme: |\n    This ConfigMap holds the settings of the frontend tier and nothing else at all\n    Ask the platform team before you change any of them in production or staging\n`)],
    ['a cloud-config in a MIME part, gzip and base64 without secrets', secret(data('userData', gzipSync(MIME([`Content-Type: text/cloud-config\nContent-Transfer-Encoding: base64\n\n${b64('#cloud-config\nhostname: vm\nusers:\n  - name: ops\n    ssh_authorized_keys: [ssh-ed25519 AAAAC3Nza ops]\n')}`]))))],
  ];
  for (const [name, doc] of clean) {
    it(name, () => {
      expect(secretFindings(doc).found.filter((d) => d.code === 'DVP701' || d.code === 'DVP704')).toEqual([]);
    });
  }
});

describe('decoding is bounded', () => {
  it('a gzip bomb stops at the budget, and a nest of encodings at the depth limit', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x41));
    const budget = newBudget();
    explodeUserData(bomb, budget);
    expect(budget.bytes).toBeGreaterThanOrEqual(0);
    let nested: Buffer = Buffer.from(`#cloud-config\npassword: deep\n`);
    for (let i = 0; i < 40; i++) nested = gzipSync(nested);
    expect(explodeUserData(nested)).toEqual([]);
    const { found } = secretFindings(secret(data('userData', bomb)));
    expect(found).toEqual([]);
  });

  it('thousands of MIME parts and archive items end at the parts limit', () => {
    const parts = Array.from({ length: 5000 }, () => 'Content-Type: text/cloud-config\n\n#cloud-config\nhostname: vm');
    expect(explodeUserData(MIME(parts)).length).toBeLessThanOrEqual(256);
  });

  it('inputs built to make a scanner backtrack or rescan end in bounded time', () => {
    const hostile = [
      `#!/bin/sh\n${'echo a '.repeat(200_000)}| chpasswd\n${'echo x | chpasswd\n'.repeat(50_000)}`,
      `<unattend>${'<!--'.repeat(500_000)}PlainText`,
      `<unattend>${'<wcm:PlainText '.repeat(200_000)}`,
      `## template: jinja\n${'{%'.repeat(500_000)}`,
      `${' '.repeat(2_000_000)}!`,
      `#cloud-config\n${'-----BEGIN '.repeat(200_000)}`,
    ];
    for (const text of hostile) expect(secretFindings(secret(stringData('userData', text))).found.filter((d) => d.code === 'DVP701')).toEqual([]);
  });

  it('strings built to make the base64 scan overflow, rescan or inflate end in bounded time', () => {
    const values = [
      'A'.repeat(8_000_000),
      `${'A'.repeat(31)} `.repeat(200_000),
      `${'A'.repeat(40)}\\n`.repeat(100_000),
      `${'A'.repeat(40)}=`.repeat(100_000),
    ];
    // Many small gzip bombs in base64, each in its own annotation: the run's inflation budget stops them.
    const bomb = b64(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x41)));
    const bombs = Array.from({ length: 64 }, (_, i) => `    b${i}: ${bomb}${'A'.repeat(i)}`).join('\n');
    const doc = [configMap(`data:\n${values.map((v, i) => `  v${i}: ${JSON.stringify(v)}`).join('\n')}\n`), `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n  namespace: apps\n  annotations:\n${bombs}\n`].join('---\n');
    expect(secretFindings(doc).found).toEqual([]);
  });

  it('a cloud-config too large to parse is still read line by line', () => {
    const big = `#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: hunter2\n${Array.from({ length: 30_000 }, (_, i) => `k${i}: ${'v'.repeat(8)}`).join('\n')}\n`;
    const { found } = secretFindings(secret(stringData('userData', big)));
    expect(found.map((d) => d.code)).toContain('DVP701');
    expect(found[0]?.message).toMatch(/line by line/);
  });
});

describe('nesting deeper than any real object', () => {
  const thing = (spec: unknown) => toResource({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', namespace: 'apps' }, spec } as JsonObject, { file: 'x.yaml', line: () => undefined }, 'default');
  const nest = (inner: unknown, depth: number) => {
    let v = inner;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  it('50,000 levels are walked in linear time, and a key at the bottom is found where it is', () => {
    const depth = 50_000;
    const scan = new SecretScan();
    scan.object(thing(nest(RSA_KEY, depth)));
    expect(scan.out.map((d) => d.code)).toEqual(['DVP701']);
    expect(scan.out[0]?.path).toBe(`spec${'[0]'.repeat(depth)}`);
  });

  it('past the recursion depth, siblings keep their paths and their order', () => {
    const scan = new SecretScan();
    scan.object(thing(nest({ a: ['short', RSA_KEY], b: { c: OPENSSH_KEY }, d: 'a string long enough to be looked at' }, 300)));
    expect(scan.out.map((d) => d.path)).toEqual([`spec${'[0]'.repeat(300)}.a[1]`, `spec${'[0]'.repeat(300)}.b.c`]);
  });

  it('a deep object with no key stays clean', () => {
    const scan = new SecretScan();
    scan.object(thing(nest({ a: 'no key in this string at all', b: [CERT] }, 5_000)));
    expect(scan.out).toEqual([]);
  });
});

describe('the same user data is scanned once per run (memoized by content)', () => {
  it('2,000 VMs with one cloud-init text: one scan', () => {
    const text = '#cloud-config\nusers:\n  - name: ops\n    plain_text_passwd: hunter2\n';
    const resources = Array.from({ length: 2000 }, (_, i) => toResource({ apiVersion: 'virtualization.deckhouse.io/v1alpha2', kind: 'VirtualMachine', metadata: { name: `vm-${i}`, namespace: 'apps' }, spec: { provisioning: { type: 'UserData', userData: text } } }, { file: 'x.yaml', line: () => undefined }, 'default'));
    const scan = new SecretScan();
    const model = new ClusterModel(resources);
    for (const r of model.resources) scan.object(r);
    expect(scan.scans).toBe(1);
    expect(scan.out.filter((d) => d.code === 'DVP701')).toHaveLength(2000);
    expect(checkSecrets(model).filter((d) => d.code === 'DVP701')).toHaveLength(2000);
  });
});

describe('DVP703 follows the module\'s header rules', () => {
  const fine: [string, string][] = [
    ['an upper-case #Cloud-Config', '#Cloud-Config\nhostname: vm\n'],
    ['#upstart-job', '#upstart-job\nstart on stopped rc\n'],
    ['a lower-case MIME header', 'content-type: multipart/mixed; boundary="b"\nmime-version: 1.0\n\n--b\ncontent-type: text/cloud-config\n\n#cloud-config\nhostname: vm\n--b--\n'],
    ['MIME-Version after other headers', 'From: nobody\nMIME-Version: 1.0\n'],
    ['leading blank lines and a BOM', '\ufeff\n\n  #cloud-config\nhostname: vm\n'],
    ['## Template: Jinja (case does not matter)', '## Template: Jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n'],
    ['#cloud-config-archive holding a list', '#cloud-config-archive\n- "#cloud-config\\nhostname: vm\\n"\n'],
    ['#include-once', '#include-once\nhttps://example.com/config\n'],
  ];
  for (const [name, text] of fine) {
    it(`no warning: ${name}`, () => {
      expect(userDataProblem(text)).toBeUndefined();
      expect(secretFindings(vm(text)).found.map((d) => d.code)).not.toContain('DVP703');
    });
  }

  const warned: [string, string, RegExp][] = [
    ['##template: jinja (no space)', '##template: jinja\n#cloud-config\nhostname: vm\n', /spelled exactly "## template: jinja"/],
    ['## template:jinja', '## template:jinja\n#cloud-config\n', /spelled exactly/],
    ['no header at all', 'secret-hostname: vm\n', /does not start with a cloud-init header.*#cloud-config, #cloud-config-archive/],
    ['a #cloud-config that is a list', '#cloud-config\n- one\n- two\n', /not a YAML mapping/],
    ['a #cloud-config with a syntax error', '#cloud-config\nhostname: "vm\n', /not a valid cloud-config.*\(YAML error at line \d\)/],
    ['an archive that is a mapping', '#cloud-config-archive\nhostname: vm\n', /declares #cloud-config-archive but is not a list/],
    ['empty user data', '  \n\t\n', /empty/],
  ];
  for (const [name, text, message] of warned) {
    it(`warns: ${name}`, () => {
      const doc = vm(text);
      const d = secretFindings(doc).found.find((x) => x.code === 'DVP703');
      expect(d).toMatchObject({ severity: 'warning', resource: 'VirtualMachine/apps/vm', path: 'spec.provisioning.userData', line: lineOf(doc, 'userData:') });
      expect(d?.message).toMatch(message);
      expect(d?.message).not.toMatch(/secret-hostname|"vm/);
    });
  }
});

describe('SOPS: values encrypted at rest are no secret in clear', () => {
  /** Bytes that look random (ciphertext, nonces), the same on every run. */
  const noise = (seed: string, n: number) => {
    let out = Buffer.alloc(0);
    for (let i = 0; out.length < n; i++) out = Buffer.concat([out, createHash('sha256').update(`${seed}${i}`).digest()]);
    return out.subarray(0, n);
  };
  const enc = (seed: string, n = 48, type = 'str') => `ENC[AES256_GCM,data:${noise(`${seed}d`, n).toString('base64')},iv:${noise(`${seed}i`, 32).toString('base64')},tag:${noise(`${seed}t`, 16).toString('base64')},type:${type}]`;
  const AGE = `-----BEGIN AGE ENCRYPTED FILE-----\n${wrap(b64(Buffer.concat([Buffer.from('age-encryption.org/v1\n-> X25519 '), Buffer.from(noise('age', 32).toString('base64')), Buffer.from('\n'), noise('body', 120)])), 64)}\n-----END AGE ENCRYPTED FILE-----\n`;
  const sopsMeta = `sops:\n  kms: []\n  age:\n    - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n      enc: |\n${indent(AGE, 8)}  lastmodified: "2024-05-01T10:00:00Z"\n  mac: ${enc('mac', 32)}\n  unencrypted_suffix: _unencrypted\n  version: 3.8.1\n`;
  const sopsSecret = (type: string, body: string) => secret(`${body}${sopsMeta}`, type, 'registry');

  it('a credential Secret whose values are ENC[...] with SOPS metadata: no DVP701, no DVP002 for sops', () => {
    const doc = [
      sopsSecret('kubernetes.io/dockerconfigjson', `data:\n  .dockerconfigjson: ${enc('docker', 120)}\n`),
      secret(`stringData:\n  userData: ${enc('ud', 300)}\n  token: ${enc('token')}\n${sopsMeta}`, 'Opaque', 'init'),
    ].join('---\n');
    const { run, found } = secretFindings(doc);
    expect(found).toEqual([]);
    expect(run.diagnostics.filter((d) => d.code === 'DVP002')).toEqual([]);
  });

  it('a value left in clear in a SOPS Secret is still DVP701 (a credential type, a key)', () => {
    const cred = sopsSecret('kubernetes.io/basic-auth', `stringData:\n  username_unencrypted: ops\n  password: ${enc('pw')}\n`);
    expect(secretFindings(cred).found).toMatchObject([{ code: 'DVP701', path: 'type', resource: 'Secret/apps/registry' }]);
    const key = sopsSecret('Opaque', `stringData:\n  id_rsa_unencrypted: |\n${indent(RSA_KEY, 4)}  token: ${enc('token')}\n`);
    expect(secretFindings(key).found).toMatchObject([{ code: 'DVP701', path: 'stringData.id_rsa_unencrypted', message: expect.stringMatching(/private key/) }]);
  });

  it('ENC[...] values without SOPS metadata, and a key in base64 passed off as ENC[...], are not encrypted', () => {
    const noMeta = secret(`stringData:\n  token: ${enc('token')}\n`, 'kubernetes.io/basic-auth', 'registry');
    expect(secretFindings(noMeta).found.map((d) => d.code)).toEqual(['DVP701']);
    const fake = `ENC[AES256_GCM,data:${b64(RSA_KEY)},iv:${noise('i', 32).toString('base64')},tag:${noise('t', 16).toString('base64')},type:str]`;
    expect(secretFindings(sopsSecret('Opaque', `stringData:\n  id: ${fake}\n`)).found).toMatchObject([{ code: 'DVP701', path: 'stringData.id' }]);
  });

  it('a top-level sops field is allowed on a Secret only, and only as a mapping', () => {
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n${sopsMeta}`;
    expect(secretFindings(ns).run.diagnostics.filter((d) => d.code === 'DVP002').map((d) => d.message).join('\n')).toMatch(/sops/);
    const scalar = secret(`stringData:\n  token: ${enc('token')}\nsops: yes\n`);
    expect(secretFindings(scalar).run.diagnostics.map((d) => d.code)).toContain('DVP002');
  });

  it('isSopsEncryptedText tells a file SOPS encrypted through and through (dotenv, INI, YAML, JSON)', () => {
    const dotenv = `DB_PASSWORD=${enc('db')}\n#ENC[AES256_GCM,data:abcd,iv:${noise('c', 32).toString('base64')},tag:${noise('ct', 16).toString('base64')},type:comment]\nAPI_TOKEN=${enc('api')}\nsops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nYWdl\\n-----END AGE ENCRYPTED FILE-----\\n\nsops_age__list_0__map_recipient=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\nsops_lastmodified=2024-05-01T10:00:00Z\nsops_mac=${enc('mac', 32)}\nsops_unencrypted_suffix=_unencrypted\nsops_version=3.8.1\n`;
    const yaml = `db_password: ${enc('db')}\nnested:\n  list:\n    - ${enc('a')}\n    - ${enc('b', 4, 'int')}\n${sopsMeta}`;
    const json = JSON.stringify({ db_password: enc('db'), port: enc('p', 2, 'int'), sops: { age: [{ recipient: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p', enc: AGE }], lastmodified: '2024-05-01T10:00:00Z', mac: enc('mac', 32), version: '3.8.1' } }, null, 2);
    const ini = `[database]\npassword = ${enc('db')}\n\n[sops]\nage__list_0__map_recipient = age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\nlastmodified = 2024-05-01T10:00:00Z\nmac = ${enc('mac', 32)}\nversion = 3.8.1\n`;
    for (const text of [dotenv, yaml, json, ini]) expect(isSopsEncryptedText(text), text.slice(0, 40)).toBe(true);
    const clear = [
      'DB_PASSWORD=hunter2\nAPI_TOKEN=abc\n',
      dotenv.replace(`API_TOKEN=${enc('api')}`, 'API_TOKEN=hunter2'),
      dotenv.replace(/^sops_mac=.*\n/m, ''),
      'db_password: hunter2\n',
      yaml.replace(`db_password: ${enc('db')}`, 'db_password: hunter2'),
      yaml.replace(/^ {2}mac: .*\n/m, ''),
      json.replace(`"port": "${enc('p', 2, 'int')}"`, '"port": 5432'),
      ini.replace(`password = ${enc('db')}`, 'password = hunter2'),
      `db_password: ${enc('db')}\n`,
    ];
    for (const text of clear) expect(isSopsEncryptedText(text), text.slice(0, 60)).toBe(false);
  });
});
