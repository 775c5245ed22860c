import { replaceSpans } from './decode.ts';

/**
 * What a secret looks like once decoded: private keys in every format tools write them (PEM and
 * OpenSSH, SSH2 per RFC 4716, PuTTY), password hashes, a Sysprep answer file that holds a clear
 * password however the XML spells it, and a shell script that feeds a literal to `chpasswd`.
 * Public keys and certificates match none of these.
 */

/** A finding of the secrets check, before it is placed on an object and field. */
export interface Finding {
  readonly code: 'DVP701' | 'DVP704';
  readonly message: string;
  readonly hint: string;
}

const KEY_HINT = 'never commit private keys: keep them in a Secret managed outside git (sealed or external secrets) or encrypted with SOPS';
const PASSWORD_HINT = 'use SSH keys (ssh_authorized_keys), or move the user data into a Secret managed outside git (sealed or external secrets) or encrypted with SOPS';
const HASH_HINT = 'use SSH keys and lock_passwd: true, or keep the user data in a Secret managed outside git';

/**
 * Private-key markers: a PEM or SSH2 "BEGIN ... PRIVATE KEY" line (any algorithm, PGP's "PRIVATE
 * KEY BLOCK", dashes as either format writes them), a PuTTY key file, and the magic of an OpenSSH
 * key body (base64 of "openssh-key-v1"), which gives a key away even with its lines removed.
 */
const PRIVATE_KEY = /-{4,5}\s*BEGIN\s+(?:[A-Z0-9]+\s+){0,4}PRIVATE\s+KEY(?:\s+BLOCK)?\s*-{4,5}|PuTTY-User-Key-File-\d+\s*:|^Private-Lines:\s*\d+/im;
const OPENSSH_KEY_BODY = /b3BlbnNzaC1rZXktdjE/;

/** A crypt(3) hash: $id$...$ (MD5, bcrypt, SHA-256/512, yescrypt, gost-yescrypt, scrypt). */
export const HASH = /^\$(1|2[abxy]?|5|6|7|y|gy|sha1|md5)\$/;

/** Values that ask cloud-init for a random password instead of holding one. */
export const RANDOM = new Set(['R', 'RANDOM']);

export function clearPassword(where: string): Finding {
  return { code: 'DVP701', message: `a clear-text password in cloud-init (${where})`, hint: PASSWORD_HINT };
}

export function passwordHash(where: string): Finding {
  return { code: 'DVP704', message: `a password hash in cloud-init (${where}); anyone who reads the repository can crack it offline`, hint: HASH_HINT };
}

/** A private key in decoded text. */
export function privateKey(text: string, where: string): Finding | undefined {
  if (!PRIVATE_KEY.test(text) && !OPENSSH_KEY_BODY.test(text)) return undefined;
  return { code: 'DVP701', message: `a private key in clear text${where ? ` (${where})` : ''}`, hint: KEY_HINT };
}

/** Whether a finding is a private key (one key is reported once, however many decodings show it). */
export function isPrivateKey(f: Finding): boolean {
  return f.hint === KEY_HINT;
}

/** `<PlainText>` elements looked at per text: an answer file has a handful. */
const MAX_ELEMENTS = 1000;
const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** A `<PlainText>` start tag, with any namespace prefix and attributes (bounded: linear on any input). */
const PLAIN_TEXT_OPEN = /<(?:[A-Za-z_][\w.-]{0,64}:)?PlainText(?:\s[^<>]{0,256})?>/gi;
/** What the element holds, up to its end tag. */
const PLAIN_TEXT_BODY = /^([\s\S]*?)<\/(?:[A-Za-z_][\w.-]{0,64}:)?PlainText\s*>/i;

/**
 * A Sysprep answer file with `<PlainText>true</PlainText>`: read as an XML parser reads it, so
 * namespace prefixes, comments, CDATA, character references (`&#116;rue`) and entities declared
 * in the document's DTD all count.
 */
export function sysprepPlainText(text: string, where: string): Finding | undefined {
  if (!/plaintext/i.test(text)) return undefined;
  const doc = replaceSpans(text, '<!--', '-->', '');
  const declared = new Map<string, string>();
  for (const m of doc.matchAll(/<!ENTITY\s+([\w.-]+)\s+(?:"([^"]{0,256})"|'([^']{0,256})')\s*>/g)) {
    if (declared.size >= 64) break;
    declared.set(m[1] as string, m[2] ?? m[3] ?? '');
  }
  let seen = 0;
  for (const m of doc.matchAll(PLAIN_TEXT_OPEN)) {
    if (++seen > MAX_ELEMENTS) break;
    const start = m.index + m[0].length;
    const body = PLAIN_TEXT_BODY.exec(doc.slice(start, start + 512));
    if (!body) continue;
    // Windows Setup reads the value case-insensitively: TRUE and True mean true as well.
    const value = xmlText(body[1] as string, declared).trim().toLowerCase();
    if (value === 'true' || value === '1') {
      return { code: 'DVP701', message: `a clear-text password in a Sysprep answer file (<PlainText>true</PlainText>)${where ? ` (${where})` : ''}`, hint: 'keep the answer file in a Secret managed outside git' };
    }
  }
  return undefined;
}

/** An element's text content: CDATA unwrapped, references resolved (declared entities once, no recursion). */
function xmlText(raw: string, declared: ReadonlyMap<string, string>): string {
  const refs = (s: string) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[\w.-]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[ref] ?? (declared.has(ref) ? refsOnly(declared.get(ref) as string) : whole);
  });
  const refsOnly = (s: string) => s.replace(/&(#x[0-9a-f]+|#[0-9]+);/gi, (whole, ref: string) => {
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return raw.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/).map((piece) => (piece.startsWith('<![CDATA[') ? piece.slice(9, -3) : refs(piece))).join('');
}

/** Lines a here-document fed to chpasswd may span. */
const MAX_HEREDOC = 1000;
const SUDO = String.raw`(?:sudo\s+(?:-\S+\s+)*)?`;
const FLAGS = String.raw`((?:\s+-{1,2}[\w-]+)*)`;
const CHPASSWD = new RegExp(String.raw`^\s*${SUDO}(?:chpasswd${FLAGS}|passwd\s+--stdin\b)`);
const ECHO = /^\s*(echo|printf)((?:\s+-[a-zA-Z]+)*)\s+(.*)$/s;
const HERE_STRING = new RegExp(String.raw`^\s*${SUDO}chpasswd${FLAGS}\s*<<<\s*('[^']*'|"[^"]*"|[^\s]+)`);
const HERE_DOC = new RegExp(String.raw`^\s*${SUDO}chpasswd${FLAGS}\s*<<-?\s*(['"]?)(\w+)\2`);
const ENCRYPTED = /(^|\s)(-e|--encrypted)\b/;

/** A command of a shell line and the operator after it ('|', or ';', '&&', '||', '&', or the end). */
interface Command {
  readonly text: string;
  readonly pipe: boolean;
}

/** Splits one line of shell into commands at operators outside quotes: one pass, linear. */
function commands(line: string): Command[] {
  const out: Command[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === ';' || c === '&' || c === '|') {
      const double = line[i + 1] === c;
      out.push({ text: line.slice(start, i), pipe: c === '|' && !double });
      if (double) i++;
      start = i + 1;
    }
  }
  out.push({ text: line.slice(start), pipe: false });
  return out;
}

/**
 * Passwords a shell script hands to `chpasswd` (or `passwd --stdin`) as literals: `echo 'u:p' |
 * chpasswd`, `printf`, a here-string or a here-document. Text built from variables or command
 * output is not a literal in the script and is not reported. Each line is split into commands
 * once, so the work stays linear in the script's size whatever it holds.
 */
export function scriptPasswords(script: string, where: string): Finding[] {
  if (!/chpasswd|passwd\s+--stdin/.test(script)) return [];
  const out: Finding[] = [];
  const found = (payload: string, hashed: boolean, how: string) => {
    for (const line of payload.split('\n')) {
      const colon = line.indexOf(':');
      const pass = colon >= 0 ? line.slice(colon + 1).trim() : how === 'passwd --stdin' ? line.trim() : '';
      if (pass.length === 0 || RANDOM.has(pass)) continue;
      const at = `${where ? `${where}: ` : ''}${how}`;
      out.push(hashed || HASH.test(pass) ? passwordHash(at) : clearPassword(at));
      return;
    }
  };
  const lines = script.replace(/\\\r?\n/g, ' ').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.includes('passwd')) continue;
    const cmds = commands(line);
    cmds.forEach((cmd, k) => {
      // echo/printf LITERAL | [sudo] chpasswd [-e] ; echo LITERAL | passwd --stdin USER
      const next = cmds[k + 1];
      const sink = cmd.pipe && next ? CHPASSWD.exec(next.text) : null;
      const echo = sink ? ECHO.exec(cmd.text) : null;
      if (sink && echo) {
        const literal = shellLiteral((echo[3] as string).trim(), echo[1] === 'printf' || /e/.test(echo[2] ?? ''));
        const chpasswd = sink[0].includes('chpasswd');
        if (literal !== undefined) found(literal, chpasswd && ENCRYPTED.test(sink[1] ?? ''), chpasswd ? 'a literal piped into chpasswd' : 'passwd --stdin');
      }
      // chpasswd <<< LITERAL
      const here = HERE_STRING.exec(cmd.text);
      if (here) {
        const literal = shellLiteral(here[2] as string, false);
        if (literal !== undefined) found(literal, ENCRYPTED.test(here[1] ?? ''), 'a here-string fed to chpasswd');
      }
      // chpasswd <<EOF ... EOF: the lines up to the delimiter (expanded unless it is quoted)
      const doc = HERE_DOC.exec(cmd.text);
      if (!doc) return;
      const body: string[] = [];
      for (let j = i + 1; j < lines.length && j <= i + MAX_HEREDOC; j++) {
        if ((lines[j] as string).trim() === doc[3]) break;
        body.push(lines[j] as string);
      }
      const text = body.join('\n');
      if (doc[2] === '' && /\$[({\w]|`/.test(text)) return;
      found(text, ENCRYPTED.test(doc[1] ?? ''), 'a here-document fed to chpasswd');
    });
  }
  return out;
}

/** The text shell words stand for, when it is literal (no expansion); escapes of echo -e/printf applied. */
function shellLiteral(words: string, escapes: boolean): string | undefined {
  const parts: string[] = [];
  for (const m of words.matchAll(/'([^']*)'|"([^"]*)"|([^\s'"]+)/g)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else {
      const s = (m[2] ?? m[3]) as string;
      if (/\$[({\w]|`/.test(s)) return undefined;
      parts.push(s);
    }
  }
  const joined = parts.join(' ');
  return escapes ? joined.replace(/\\n/g, '\n').replace(/\\t/g, '\t') : joined;
}

/** Findings (or diagnostics) without repeats: one per code and message, in their first order. */
export function distinctFindings<T extends { readonly code: string; readonly message: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.code}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
