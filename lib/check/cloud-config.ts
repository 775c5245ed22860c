/**
 * Passwords and keys in a `#cloud-config`, read as cloud-init reads it: every scalar is text
 * (PyYAML's booleans and numbers are turned back into strings by cloud-init, so `password: y`
 * and `password: 12345678` are passwords), `users` as a list or a mapping, both `chpasswd`
 * forms, files written with `b64`, `gz` or `gz+b64` encoding decoded, and the commands of
 * `runcmd` and `bootcmd` read as shell.
 */
import { affordYaml, base64Bytes, bytesToText, gunzipBounded, isGzip, type Budget } from './decode.ts';
import { parseCloudYaml } from './user-data.ts';
import { encodedPrivateKey } from './encoded-key.ts';
import { clearPassword, HASH, passwordHash, privateKey, RANDOM, scriptPasswords, sysprepPlainText, type Finding } from './secret-patterns.ts';

type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A scalar that holds a value (PyYAML's nulls and the empty string hold none). */
function scalar(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s.length === 0 || s === '~' || /^(null|Null|NULL)$/.test(s) ? undefined : s;
}

/**
 * Every finding needs a password key (`password`, `plain_text_passwd`, `passwd`, `chpasswd`) or
 * an encoded file (`encoding:`): a cloud-config with neither is not parsed, and most are not.
 */
const WORTH_PARSING = /passw|encoding/i;

/** Every password, hash and written key in a cloud-config's text. */
export function cloudConfigFindings(text: string, where: string, budget: Budget): Finding[] {
  if (!WORTH_PARSING.test(text)) return [];
  if (!affordYaml(text, budget)) return lineFindings(text, where);
  const parsed = parseCloudYaml(text);
  if ('error' in parsed || !isRecord(parsed.value)) return [];
  const cfg = parsed.value;
  const out: Finding[] = [];
  const at = (field: string) => (where ? `${where}: ${field}` : field);

  // The default user's password; a hash there is set as a hash.
  const top = scalar(cfg['password']);
  if (top !== undefined && !RANDOM.has(top)) out.push(HASH.test(top) ? passwordHash(at('password')) : clearPassword(at('password')));

  const users = cfg['users'];
  if (Array.isArray(users)) users.forEach((u, i) => out.push(...userFindings(u, at(`users[${i}]`))));
  else if (isRecord(users)) for (const [name, u] of Object.entries(users)) out.push(...userFindings(u, at(`users.${name}`)));
  out.push(...userFindings(cfg['user'], at('user')));
  if (isRecord(cfg['system_info'])) out.push(...userFindings(cfg['system_info']['default_user'], at('system_info.default_user')));

  const chpasswd = cfg['chpasswd'];
  if (isRecord(chpasswd)) {
    const list = chpasswd['list'];
    const entries = typeof list === 'string' ? list.split('\n') : Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    for (const line of entries) {
      const colon = line.indexOf(':');
      const pass = colon >= 0 ? scalar(line.slice(colon + 1)) : undefined;
      if (pass !== undefined && !RANDOM.has(pass)) out.push(HASH.test(pass) ? passwordHash(at('chpasswd.list')) : clearPassword(at('chpasswd.list')));
    }
    const listed = Array.isArray(chpasswd['users']) ? chpasswd['users'] : [];
    listed.forEach((u, i) => {
      if (!isRecord(u)) return;
      const pass = scalar(u['password']);
      const type = scalar(u['type'])?.toLowerCase();
      if (pass === undefined || type === 'random' || RANDOM.has(pass)) return;
      const field = at(`chpasswd.users[${i}].password`);
      out.push(type === 'hash' || (type !== 'text' && HASH.test(pass)) ? passwordHash(field) : clearPassword(field));
    });
  }

  const files = Array.isArray(cfg['write_files']) ? cfg['write_files'] : [];
  files.forEach((f, i) => {
    if (!isRecord(f) || budget.parts-- <= 0) return;
    const content = writtenContent(f['content'], scalar(f['encoding']), budget);
    if (content === undefined) return;
    const field = at(`write_files[${i}]`);
    // A key as written, or in base64 again inside what the guest writes (base64 of base64 of a key).
    const key = privateKey(content, field) ?? encodedPrivateKey(content, `${field}, base64`, budget, 2);
    if (key) out.push(key);
    const sysprep = sysprepPlainText(content, field);
    if (sysprep) out.push(sysprep);
    out.push(...scriptPasswords(content, field));
  });

  for (const module of ['runcmd', 'bootcmd']) {
    const cmds = Array.isArray(cfg[module]) ? (cfg[module] as unknown[]) : [];
    cmds.forEach((c, i) => {
      const line = typeof c === 'string' ? c : Array.isArray(c) ? c.filter((x) => typeof x === 'string').join(' ') : undefined;
      if (line !== undefined) out.push(...scriptPasswords(line, at(`${module}[${i}]`)));
    });
  }
  return out;
}

/**
 * A cloud-config too large to parse (or past the run's parsing budget), read line by line: every
 * password key with a value counts, so padding a cloud-config does not smuggle a password past.
 */
function lineFindings(text: string, where: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(/^[ \t-]*(plain_text_passwd|password|passwd|hashed_passwd)[ \t]*:[ \t]*(\S[^\n]*)$/gm)) {
    const value = scalar((m[2] as string).replace(/^(['"])(.*)\1\s*$/, '$2'));
    if (value === undefined || RANDOM.has(value)) continue;
    const field = `${where ? `${where}: ` : ''}${m[1] as string} (read line by line: too large to parse)`;
    out.push(m[1] === 'plain_text_passwd' || (m[1] === 'password' && !HASH.test(value)) ? clearPassword(field) : passwordHash(field));
  }
  return out;
}

/** A user entry's passwords: `plain_text_passwd` is clear; `passwd` and `hashed_passwd` are hashes. */
function userFindings(u: unknown, where: string): Finding[] {
  if (!isRecord(u)) return [];
  const out: Finding[] = [];
  if (scalar(u['plain_text_passwd']) !== undefined) out.push(clearPassword(`${where}.plain_text_passwd`));
  for (const key of ['passwd', 'hashed_passwd']) if (scalar(u[key]) !== undefined) out.push(passwordHash(`${where}.${key}`));
  return out;
}

/** A written file's content as cloud-init writes it: b64, gz and gz+b64 (and their spellings) decoded. */
function writtenContent(content: unknown, encoding: string | undefined, budget: Budget): string | undefined {
  const enc = encoding?.toLowerCase();
  let bytes: Uint8Array | undefined;
  if (content instanceof Uint8Array) bytes = content;
  else if (typeof content !== 'string') return undefined;
  else if (enc === 'b64' || enc === 'base64' || enc === 'gz+b64' || enc === 'gz+base64' || enc === 'gzip+b64' || enc === 'gzip+base64') bytes = base64Bytes(content, budget);
  else if (enc === 'gz' || enc === 'gzip') bytes = base64Bytes(content, budget); // gz content comes as !!binary
  else return content;
  if (bytes === undefined) return undefined;
  if (isGzip(bytes)) bytes = gunzipBounded(bytes, budget);
  return bytes === undefined ? undefined : bytesToText(bytes);
}
