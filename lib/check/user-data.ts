/**
 * User data as the guest's cloud-init reads it: which format a payload is (by its first line,
 * matched as the module matches it: after a BOM and leading whitespace, case-insensitively, the
 * longest header first), and the payloads inside containers: gzip, MIME multipart (parts in
 * base64 or quoted-printable), `#cloud-config-archive`, `## template: jinja`. The secrets check
 * scans every payload this yields, so an encoded secret counts as written; DVP703 uses the same
 * header rules to say when cloud-init would ignore the data.
 */
import { isScalar, LineCounter, parseAllDocuments, Scalar, visit, type Document } from 'yaml';
import { affordYaml, base64Bytes, bytesToText, gunzipBounded, isGzip, isMostlyText, looksBase64, MAX_DEPTH, MAX_YAML_TEXT, newBudget, replaceSpans, type Budget } from './decode.ts';

export type PayloadType = 'cloud-config' | 'archive' | 'jsonp' | 'script' | 'include' | 'part-handler' | 'text';

/** One piece of user data a guest would act on, decoded. */
export interface Payload {
  readonly type: PayloadType;
  readonly text: string;
  /** Where it sits inside the user data ("MIME part 2 (text/x-shellscript, base64)"); '' at the top. */
  readonly where: string;
}

/** The headers cloud-init recognises, longest first so that none shadows a longer one. */
const HEADERS: readonly [string, PayloadType | 'jinja' | 'mime'][] = [
  ['## template: jinja', 'jinja'],
  ['#cloud-config-archive', 'archive'],
  ['#cloud-config-jsonp', 'jsonp'],
  ['#cloud-config', 'cloud-config'],
  ['#cloud-boothook', 'script'],
  ['#part-handler', 'part-handler'],
  ['#include-once', 'include'],
  ['#include', 'include'],
  ['#upstart-job', 'script'],
  ['mime-version:', 'mime'],
  ['content-type:', 'mime'],
  ['#!', 'script'],
];

/** Every header, as DVP703's message lists them. */
export const KNOWN_HEADERS = ['#cloud-config', '#cloud-config-archive', '#cloud-config-jsonp', '#!', '#include', '#include-once', '#cloud-boothook', '#part-handler', '#upstart-job', '## template: jinja', 'MIME-Version:', 'Content-Type:'];

/** cloud-init looks this far into the data for a MIME-Version header. */
const MIME_SEARCH = 4096;
const MIME_VERSION = /mime-version:/i;
/** A first line that means the jinja header but is not spelled the one way cloud-init reads. */
const MISSPELT_TEMPLATE = /^##[ \t]*template[ \t]*:[ \t]*[a-z0-9._-]+/i;

/** Leading BOM and whitespace, which cloud-init skips before the header. */
export function trimStart(text: string): string {
  return text.replace(/^[\ufeff \t\r\n]+/, '');
}

/** The format of user data by its start, as cloud-init decides it; undefined when it has no header. */
export function formatOf(text: string): PayloadType | 'jinja' | 'mime' | undefined {
  const t = trimStart(text);
  // Only the start is lower-cased: user data can be large, and this runs on every piece of it.
  const start = t.slice(0, 32).toLowerCase();
  const found = HEADERS.find(([h]) => start.startsWith(h))?.[1];
  if (found === 'mime' || MIME_VERSION.test(t.length > MIME_SEARCH ? t.slice(0, MIME_SEARCH) : t)) return 'mime';
  return found;
}

/**
 * A YAML document read the way cloud-init's PyYAML hands it over: every scalar as text, and `<<`
 * merge keys applied (safe_load reads YAML 1.1, where a plain `<<` merges a mapping, an alias of
 * one or a list of them into the mapping it stands in: keys written there win, then earlier
 * merged mappings). Without merges, `chpasswd: {<<: *c}` would hide the password the guest sets.
 * Only a `<<` PyYAML resolves to a merge merges: plain and untagged, or tagged `!!merge`; one
 * tagged otherwise (`!!str <<`) or quoted is a key like any other.
 */
export function parseCloudYaml(text: string): { value: unknown } | { error: string } {
  const lines = new LineCounter();
  try {
    // uniqueKeys off: PyYAML keeps the last of duplicate keys, and the check is quadratic.
    // A merge of anything but mappings throws (as PyYAML's constructor does): an error below.
    const docs = parseAllDocuments(text, { schema: 'failsafe', merge: true, uniqueKeys: false, prettyErrors: false, lineCounter: lines });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    if (!doc) return { value: null };
    const err = doc.errors[0];
    if (err) return { error: err.pos ? ` (YAML error at line ${lines.linePos(err.pos[0]).line})` : '' };
    if (text.includes('<<')) unmergeTaggedKeys(doc);
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch {
    // Too deep, or an alias bomb: cloud-init would not get through it either.
    return { error: '' };
  }
}

/**
 * Keys `<<` that the parser would merge although they carry a tag other than `!!merge` (`!!str <<`,
 * `! <<`): marked as written in quotes, which the parser never merges. An untagged or `!!merge`
 * key has become the merge symbol by now, so only the tagged ones are still the text "<<".
 */
function unmergeTaggedKeys(doc: Document.Parsed): void {
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<' && (pair.key.type === undefined || pair.key.type === Scalar.PLAIN)) pair.key.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

/**
 * DVP703: why cloud-init would ignore or refuse this inline user data, or undefined. The message
 * never quotes the data (it may be a secret): only the rule and, for YAML errors, the line.
 */
export function userDataProblem(text: string): string | undefined {
  const t = trimStart(text);
  if (t.length === 0) return 'userData is empty';
  const format = formatOf(t);
  // Inline userData over 2 KiB is already DVP002 (the CRD's limit); its YAML is not worth reading.
  if (t.length > MAX_YAML_TEXT && (format === 'cloud-config' || format === 'archive' || format === 'jsonp')) return undefined;
  if (format === 'cloud-config') {
    const parsed = parseCloudYaml(t);
    if ('error' in parsed) return `userData is not a valid cloud-config, so cloud-init will refuse it${parsed.error}`;
    if (parsed.value !== null && (typeof parsed.value !== 'object' || Array.isArray(parsed.value))) return 'userData starts with #cloud-config but is not a YAML mapping, so cloud-init will refuse it';
    return undefined;
  }
  if (format === 'archive' || format === 'jsonp') {
    const header = format === 'archive' ? '#cloud-config-archive' : '#cloud-config-jsonp';
    const parsed = parseCloudYaml(t);
    if ('error' in parsed) return `userData declares ${header} but is not a list of entries, so cloud-init will refuse it${parsed.error}`;
    if (parsed.value !== null && !Array.isArray(parsed.value)) return `userData declares ${header} but is not a list of entries, so cloud-init will refuse it`;
    return undefined;
  }
  if (format !== undefined) return undefined;
  if (MISSPELT_TEMPLATE.test(t)) return 'userData starts with a template header, and cloud-init reads one only when it is spelled exactly "## template: jinja", so it will ignore the data';
  return `userData does not start with a cloud-init header, so cloud-init will ignore it; expected one of: ${KNOWN_HEADERS.join(', ')}`;
}

/** MIME types cloud-init gives a meaning, and what each is. */
const MIME_TYPES: Record<string, PayloadType | 'jinja'> = {
  'text/cloud-config': 'cloud-config',
  'text/cloud-config-archive': 'archive',
  'text/cloud-config-jsonp': 'jsonp',
  'text/x-shellscript': 'script',
  'text/x-shellscript-per-boot': 'script',
  'text/x-shellscript-per-instance': 'script',
  'text/x-shellscript-per-once': 'script',
  'text/cloud-boothook': 'script',
  'text/upstart-job': 'script',
  'text/part-handler': 'part-handler',
  'text/x-include-url': 'include',
  'text/x-include-once-url': 'include',
  'text/jinja2': 'jinja',
};

interface Walk {
  readonly budget: Budget;
  readonly out: Payload[];
}

function join(where: string, step: string): string {
  return where ? `${where}, ${step}` : step;
}

/**
 * Every payload of a piece of user data (text, or bytes such as a Secret's decoded value), each
 * decoded from the containers and encodings around it, within the scan's budget.
 */
export function explodeUserData(input: string | Uint8Array, budget: Budget = newBudget()): Payload[] {
  const walk: Walk = { budget, out: [] };
  explode(walk, input, undefined, '', 0);
  return walk.out;
}

function explode(walk: Walk, input: string | Uint8Array, declared: string | undefined, where: string, depth: number): void {
  if (depth > MAX_DEPTH || walk.budget.parts <= 0) return;
  if (typeof input !== 'string') {
    if (isGzip(input)) {
      const inflated = gunzipBounded(input, walk.budget);
      if (inflated) explode(walk, inflated, declared, join(where, 'gzip'), depth + 1);
      return;
    }
    input = bytesToText(input);
  }
  const text = input.replace(/^\ufeff/, '');
  const mapped = declared === undefined ? undefined : MIME_TYPES[declared.toLowerCase()];
  const format = declared?.toLowerCase().startsWith('multipart/') ? 'mime' : (mapped ?? formatOf(text));
  switch (format) {
    case 'mime':
      explodeMime(walk, text, where, depth);
      return;
    case 'jinja': {
      // cloud-init renders the template, then reads the result by its own header.
      const start = trimStart(text);
      const body = start.toLowerCase().startsWith('## template: jinja') ? start.replace(/^[^\n]*\n?/, '') : start;
      explode(walk, neutraliseJinja(body), undefined, join(where, 'jinja template'), depth + 1);
      return;
    }
    case 'archive':
      explodeArchive(walk, text, where, depth);
      return;
    case undefined: {
      // A payload in base64 (an archive item of !!binary, a part without its header): decode it
      // when what comes out is something a guest reads.
      const decoded = looksBase64(text) ? base64Bytes(text, walk.budget) : undefined;
      if (decoded && (isGzip(decoded) || formatOf(bytesToText(decoded.subarray(0, MIME_SEARCH))) !== undefined)) {
        explode(walk, decoded, declared, join(where, 'base64'), depth + 1);
        return;
      }
      walk.out.push({ type: 'text', text, where });
      // Text in base64 is still text in clear (a key, an answer file): scan it decoded too, and
      // decode it again when it is base64 in turn (a key in base64 of base64).
      const decodedText = decoded ? bytesToText(decoded) : undefined;
      if (decodedText !== undefined && isMostlyText(decodedText)) explode(walk, decodedText, undefined, join(where, 'base64'), depth + 1);
      return;
    }
    default:
      walk.budget.parts--;
      walk.out.push({ type: format, text, where });
  }
}

/** Jinja markup replaced by plain words, so that the YAML around it can still be read. */
function neutraliseJinja(text: string): string {
  return replaceSpans(replaceSpans(replaceSpans(text, '{%', '%}', ''), '{#', '#}', ''), '{{', '}}', 'jinja');
}

function explodeArchive(walk: Walk, text: string, where: string, depth: number): void {
  if (!affordYaml(text, walk.budget)) {
    walk.out.push({ type: 'text', text, where });
    return;
  }
  const parsed = parseCloudYaml(text);
  if ('error' in parsed || !Array.isArray(parsed.value)) return;
  parsed.value.forEach((item: unknown, i) => {
    if (walk.budget.parts-- <= 0) return;
    const at = join(where, `#cloud-config-archive item ${i + 1}`);
    if (typeof item === 'string') return explode(walk, item, undefined, at, depth + 1);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
    const { content, type } = item as { content?: unknown; type?: unknown };
    const declared = typeof type === 'string' && type.length > 0 ? type : undefined;
    if (typeof content === 'string') explode(walk, content, declared, at, depth + 1);
    else if (content instanceof Uint8Array) explode(walk, content, declared, at, depth + 1);
  });
}

interface Entity {
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** One MIME entity: its headers (names lower-cased, folded lines unfolded) and its body. */
function parseEntity(text: string): Entity {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function contentType(value: string | undefined): { type: string | undefined; params: Map<string, string> } {
  const params = new Map<string, string>();
  if (value === undefined) return { type: undefined, params };
  const [type, ...rest] = value.split(';');
  for (const p of rest) {
    const m = /^\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|([^\s;]*))/.exec(p);
    if (m) params.set((m[1] as string).toLowerCase(), m[2] ?? m[3] ?? '');
  }
  return { type: type?.trim().toLowerCase() || undefined, params };
}

function explodeMime(walk: Walk, text: string, where: string, depth: number): void {
  const entity = parseEntity(trimStart(text));
  const { type, params } = contentType(entity.headers.get('content-type'));
  const boundary = params.get('boundary');
  if (type?.startsWith('multipart/') && boundary) {
    const parts = splitMultipart(entity.body, boundary);
    parts.forEach((part, i) => {
      if (walk.budget.parts-- <= 0) return;
      explodePart(walk, parseEntity(part), join(where, `MIME part ${i + 1}`), depth + 1);
    });
    return;
  }
  explodePart(walk, entity, where, depth + 1);
}

function explodePart(walk: Walk, entity: Entity, where: string, depth: number): void {
  const { type, params } = contentType(entity.headers.get('content-type'));
  if (type?.startsWith('multipart/')) {
    const boundary = params.get('boundary');
    if (boundary) splitMultipart(entity.body, boundary).forEach((p, i) => explodePart(walk, parseEntity(p), `${where}.${i + 1}`, depth + 1));
    return;
  }
  const encoding = entity.headers.get('content-transfer-encoding')?.trim().toLowerCase();
  const label = `${where} (${[type ?? 'no type', encoding === 'base64' || encoding === 'quoted-printable' ? encoding : undefined].filter(Boolean).join(', ')})`;
  let content: string | Uint8Array = entity.body;
  if (encoding === 'base64') {
    // Bytes: gzip and UTF-16 are recognised by what they start with.
    const bytes = base64Bytes(entity.body, walk.budget);
    if (!bytes) return;
    content = bytes;
  } else if (encoding === 'quoted-printable') {
    content = decodeQuotedPrintable(entity.body);
  }
  // text/plain and unknown types are read by their first line, as cloud-init does.
  const declared = type !== undefined && (MIME_TYPES[type] !== undefined || type.startsWith('multipart/')) ? type : undefined;
  explode(walk, content, declared, label, depth);
}

/** The parts between `--boundary` lines, up to `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) break;
    if (trimmed === delimiter) {
      if (current) parts.push(current.join('\n'));
      current = [];
      if (parts.length >= 1024) break;
      continue;
    }
    current?.push(line);
  }
  if (current && current.length > 0) parts.push(current.join('\n'));
  return parts;
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const src = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    const hex = c === '=' ? src.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}
