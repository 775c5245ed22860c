/**
 * SOPS (Mozilla SOPS, decrypted in the cluster by Flux's kustomize-controller): a file whose
 * values are `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]` and that carries SOPS's metadata
 * (`sops:` with its `mac` in YAML and JSON, `sops_mac=` in dotenv, a `[sops]` section in INI) is
 * encrypted at rest: its encrypted values are no secret in clear. A value SOPS left in clear
 * (`unencrypted_suffix`, `encrypted_regex`) is in clear all the same: only ENC[...] values count.
 */
import { parse } from 'yaml';

/** One value as SOPS encrypts it (AES-GCM; the type of the clear value it stands for). */
const ENCRYPTED = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:(?:str|int|float|bool|bytes|comment)\]$/;

/** Whether a value is one SOPS encrypted. */
export function isSopsValue(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('ENC[') && ENCRYPTED.test(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether an object (a Secret's body) carries SOPS's metadata: a `sops` mapping with its `mac` and `lastmodified`. */
export function hasSopsMetadata(body: Readonly<Record<string, unknown>>): boolean {
  const sops = body['sops'];
  return isRecord(sops) && typeof sops['mac'] === 'string' && sops['lastmodified'] !== undefined;
}

/** The largest file read as YAML or JSON to tell whether SOPS encrypted it (a Secret holds at most 1 MiB). */
const MAX_TEXT = 1024 * 1024;
const DOTENV_KEY = /^[A-Za-z_][\w.-]*$/;

/**
 * Whether a file's text (dotenv, INI, YAML or JSON, as a kustomization's secretGenerator reads
 * it) is encrypted by SOPS through and through: it carries SOPS's metadata with its MAC, and
 * every value outside the metadata is ENC[...] (empty values hold nothing). A file with any value
 * left in clear is not: what is in clear must still be scanned.
 */
export function isSopsEncryptedText(text: string): boolean {
  if (!text.includes('ENC[')) return false;
  return dotenvEncrypted(text) ?? iniEncrypted(text) ?? structuredEncrypted(text);
}

/** dotenv as SOPS writes it: `KEY=ENC[...]` lines and `sops_...=` metadata lines; undefined when not dotenv. */
function dotenvEncrypted(text: string): boolean | undefined {
  const lines = text.split(/\r?\n/);
  if (!lines.some((l) => l.startsWith('sops_mac=ENC['))) return undefined;
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    if (eq <= 0 || !DOTENV_KEY.test(key)) return false;
    if (key.startsWith('sops_')) continue;
    const value = line.slice(eq + 1);
    if (value !== '' && !isSopsValue(value)) return false;
  }
  return true;
}

/** INI as SOPS writes it: sections of `key = ENC[...]` and a `[sops]` section with `mac`; undefined when not INI. */
function iniEncrypted(text: string): boolean | undefined {
  const lines = text.split(/\r?\n/);
  if (!lines.some((l) => l.trim() === '[sops]')) return undefined;
  let inSops = false;
  let mac = false;
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#')) continue;
    if (t.startsWith('[') && t.endsWith(']')) {
      inSops = t === '[sops]';
      continue;
    }
    const eq = t.indexOf('=');
    if (eq <= 0) return false;
    const value = t.slice(eq + 1).trim();
    if (inSops) {
      if (t.slice(0, eq).trim() === 'mac' && isSopsValue(value)) mac = true;
      continue;
    }
    if (value !== '' && !isSopsValue(value)) return false;
  }
  return mac;
}

/** YAML or JSON: a top-level `sops` mapping with its MAC, and every other leaf ENC[...]. */
function structuredEncrypted(text: string): boolean {
  if (text.length > MAX_TEXT || !text.includes('sops')) return false;
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'failsafe', uniqueKeys: false, maxAliasCount: 100 });
  } catch {
    return false;
  }
  if (!isRecord(doc) || !hasSopsMetadata(doc) || !isSopsValue((doc['sops'] as Record<string, unknown>)['mac'])) return false;
  const stack: unknown[] = Object.entries(doc).filter(([k]) => k !== 'sops').map(([, v]) => v);
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v !== '' && !isSopsValue(v)) return false;
    } else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (isRecord(v)) for (const x of Object.values(v)) stack.push(x);
    else if (v !== null && v !== undefined) return false;
  }
  return true;
}
