/**
 * Secrets and supply (DVP701–DVP704): what must never sit in a Git repository in clear, images
 * fetched without integrity, and user data the guest's cloud-init will not understand.
 */
import { append } from '../core/append.ts';
import { parse as parseYaml } from 'yaml';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import type { FieldPath } from '../core/json.ts';

const PRIVATE_KEY = /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;
const CREDENTIAL_TYPES = new Set(['kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'kubernetes.io/tls']);
/** First lines cloud-init recognises (pkg/common/cloudinit). */
const CLOUD_INIT_HEADERS = ['#cloud-config', '#!', '#include', '#include-once', '#cloud-boothook', '#part-handler', '#cloud-config-archive', '#cloud-config-jsonp', '## template: jinja', 'Content-Type: multipart/'];
/** A crypt(3) hash: $id$...$ or $id$rounds=...$. */
const HASH = /^\$(1|2[abxy]?|5|6|y|gy|7)\$/;

interface Finding {
  readonly code: 'DVP701' | 'DVP704';
  readonly message: string;
  readonly hint: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Passwords in a parsed #cloud-config: clear ones are DVP701, hashes DVP704. */
function cloudConfigPasswords(cfg: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const clear = (where: string) => out.push({ code: 'DVP701', message: `a clear-text password in cloud-init (${where})`, hint: 'use SSH keys (ssh_authorized_keys), or move the user data into a Secret managed outside git (sealed or external secrets)' });
  const hashed = (where: string) => out.push({ code: 'DVP704', message: `a password hash in cloud-init (${where}); anyone who reads the repository can crack it offline`, hint: 'use SSH keys and lock_passwd: true, or keep the user data in a Secret managed outside git' });
  if (typeof cfg['password'] === 'string') clear('password');
  const users = Array.isArray(cfg['users']) ? cfg['users'] : [];
  users.forEach((u, i) => {
    if (!isRecord(u)) return;
    if (typeof u['plain_text_passwd'] === 'string') clear(`users[${i}].plain_text_passwd`);
    // cloud-init's `passwd` is always a hash; a clear password there would not even work.
    if (typeof u['passwd'] === 'string') hashed(`users[${i}].passwd`);
    if (typeof u['hashed_passwd'] === 'string') hashed(`users[${i}].hashed_passwd`);
  });
  const chpasswd = cfg['chpasswd'];
  if (isRecord(chpasswd)) {
    const list = chpasswd['list'];
    const entries = typeof list === 'string' ? list.split('\n') : Array.isArray(list) ? list.map(String) : [];
    for (const line of entries) {
      const pass = line.slice(line.indexOf(':') + 1).trim();
      if (line.includes(':') && pass !== 'RANDOM' && pass.length > 0) (HASH.test(pass) ? hashed : clear)('chpasswd.list');
    }
    for (const u of Array.isArray(chpasswd['users']) ? chpasswd['users'] : []) {
      if (!isRecord(u) || typeof u['password'] !== 'string' || u['type'] === 'RANDOM') continue;
      (u['type'] === 'hash' || HASH.test(u['password']) ? hashed : clear)('chpasswd.users');
    }
  }
  return out;
}

/** Everything wrong with a piece of user data (cloud-init or a Sysprep answer file). */
function scanText(text: string): Finding[] {
  const out: Finding[] = [];
  if (PRIVATE_KEY.test(text)) {
    out.push({ code: 'DVP701', message: 'a private key in clear text', hint: 'never commit private keys: keep them in a Secret managed outside git (sealed or external secrets)' });
  }
  if (/<PlainText>\s*true\s*<\/PlainText>/i.test(text)) {
    out.push({ code: 'DVP701', message: 'a clear-text password in a Sysprep answer file (<PlainText>true</PlainText>)', hint: 'keep the answer file in a Secret managed outside git' });
  }
  // Parse only cloud-config that mentions a password at all: most user data does not.
  if (text.trimStart().startsWith('#cloud-config') && /passw|chpasswd/.test(text)) {
    try {
      const cfg: unknown = parseYaml(text, { version: '1.1', maxAliasCount: 1000 });
      if (isRecord(cfg)) out.push(...cloudConfigPasswords(cfg));
    } catch {
      // Not YAML: DVP703 reports it for inline user data.
    }
  }
  return out;
}

/** DVP703: the guest's cloud-init would ignore or misread this user data. */
function cloudInitProblem(text: string): string | undefined {
  if (text.trim().length === 0) return 'userData is empty';
  const first = text.split('\n', 1)[0]?.trim() ?? '';
  if (!CLOUD_INIT_HEADERS.some((h) => first.startsWith(h))) return `the first line "${first.slice(0, 40)}" is not a cloud-init header (#cloud-config, #!, #include, ...)`;
  if (first.startsWith('#cloud-config') && !first.startsWith('#cloud-config-')) {
    try {
      const cfg: unknown = parseYaml(text, { version: '1.1', maxAliasCount: 1000 });
      if (cfg !== null && !isRecord(cfg)) return '#cloud-config is not a YAML mapping';
    } catch (e) {
      return `#cloud-config is not valid YAML: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return undefined;
}

function report(r: Resource, path: FieldPath, findings: Finding[]): Diagnostic[] {
  return findings.map((f) => diagnose(f.code, r, path, f.message, f.hint));
}

function checkVms(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.ofKind('VirtualMachine')) {
    const userData = model.valid<{ spec: { provisioning?: { userData?: string } } }>(r)?.spec.provisioning?.userData;
    if (userData === undefined) continue;
    const path = ['spec', 'provisioning', 'userData'];
    out.push(...report(r, path, scanText(userData)));
    const problem = cloudInitProblem(userData);
    if (problem) out.push(diagnose('DVP703', r, path, problem, 'start the user data with #cloud-config followed by a YAML mapping (or a #! script)'));
  }
  return out;
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

function checkSecretObjects(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of model.ofKind('Secret')) {
    if (r.apiVersion !== 'v1') continue;
    const s = model.valid<{ type?: string; data?: Record<string, string>; stringData?: Record<string, string> }>(r);
    if (!s) continue;
    const hasData = Object.keys(s.data ?? {}).length + Object.keys(s.stringData ?? {}).length > 0;
    if (s.type && CREDENTIAL_TYPES.has(s.type) && hasData) {
      out.push(diagnose('DVP701', r, ['type'], `a Secret of type ${s.type} with its credentials in clear in the GitOps path`, 'manage credentials outside git (sealed or external secrets), and keep only references in the repository'));
      continue;
    }
    for (const [field, values, decoder] of [['data', s.data, decode], ['stringData', s.stringData, (x: string) => x]] as const) {
      for (const [key, value] of Object.entries(values ?? {})) {
        out.push(...report(r, [field, key], scanText(decoder(value))));
      }
    }
  }
  return out;
}

interface Http { url: string; checksum?: Record<string, string> }

/** DVP702: plain http without a checksum can be tampered with on the way. */
function checkDownloads(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const kind of ['ClusterVirtualImage', 'VirtualImage', 'VirtualDisk']) {
    for (const r of model.ofKind(kind)) {
      const http = model.valid<{ spec: { dataSource?: { http?: Http } } }>(r)?.spec.dataSource?.http;
      if (!http || !http.url.toLowerCase().startsWith('http://')) continue;
      if (http.checksum && Object.keys(http.checksum).length > 0) continue;
      out.push(diagnose('DVP702', r, ['spec', 'dataSource', 'http', 'url'], `${http.url} is fetched over plain http:// with no checksum: anyone on the path can swap the image`, 'use https://, or add dataSource.http.checksum (sha256)'));
    }
  }
  return out;
}

export function checkSecrets(model: ClusterModel): Diagnostic[] {
  return append(append(checkVms(model), checkSecretObjects(model)), checkDownloads(model));
}
