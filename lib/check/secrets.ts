/**
 * Secrets and supply (DVP701–DVP704): what must never sit in a Git repository in clear, images
 * fetched without integrity, and user data the guest's cloud-init will not understand.
 *
 * Every string of every object is looked at, whatever its kind and whether or not it fits its
 * schema (a schema error allowed with --allow must not let a key through): user data (inline
 * `provisioning.userData`, a Secret's `data` and `stringData`) is decoded the way the guest
 * decodes it (user-data.ts, cloud-config.ts) and scanned part by part; a ConfigMap's binaryData
 * is decoded; anything else is scanned as written for private keys. Fleets repeat the same user
 * data on thousands of VMs, so each distinct text is scanned once per run.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import type { FieldPath } from '../core/json.ts';
import { excerpt } from '../core/excerpt.ts';
import { base64Bytes, bytesToText, gunzipBounded, isGzip, newBudget, newRunBudget, type RunBudget } from './decode.ts';
import { explodeUserData, userDataProblem } from './user-data.ts';
import { cloudConfigFindings } from './cloud-config.ts';
import { privateKey, scriptPasswords, sysprepPlainText, type Finding } from './secret-patterns.ts';

const CREDENTIAL_TYPES = new Set(['kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg', 'kubernetes.io/tls', 'bootstrap.kubernetes.io/token']);

/**
 * Whether a string can hold a private-key marker at all: long enough, and with "key" in one of
 * the spellings key files use, or PuTTY's or OpenSSH's mark. Most strings of a fleet are names
 * and quantities: this keeps the full pattern off them.
 */
function mayHoldKey(s: string): boolean {
  return KEY_HINTS.test(s);
}
const KEY_HINTS = /KEY|Key|key|PuTTY|Private-Lines|b3BlbnNzaC1rZXktdjE/;
/**
 * The shortest key marker ("Private-Lines: 1"): shorter strings elsewhere than in user data are
 * skipped. User data (a Secret's values, inline userData) is always scanned, whatever its size.
 */
const MIN_MARKER = 16;

const NOTHING: readonly Finding[] = Object.freeze([]);

/** Everything a piece of user data (text, or bytes decoded from a Secret) reveals. */
function scanUserData(input: string | Uint8Array, run: RunBudget): readonly Finding[] {
  const budget = newBudget(run);
  const out: Finding[] = [];
  let key = false;
  const payloads = explodeUserData(input, budget);
  for (const p of payloads) {
    const k = privateKey(p.text, p.where);
    if (k) {
      out.push(k);
      key = true;
    }
    const sysprep = sysprepPlainText(p.text, p.where);
    if (sysprep) out.push(sysprep);
    if (p.type === 'cloud-config') append(out, cloudConfigFindings(p.text, p.where, budget));
    if (p.type === 'script') append(out, scriptPasswords(p.text, p.where));
  }
  // A key in what no decoding reached (a part cut off by the budget) still counts.
  const whole = payloads.length === 1 && payloads[0]?.text === input;
  if (!key && !whole) {
    const k = privateKey(typeof input === 'string' ? input : bytesToText(input), '');
    if (k) out.push(k);
  }
  return out.length === 0 ? NOTHING : out.length === 1 ? out : dedupe(out);
}

/** A blob (a ConfigMap's binaryData): base64, perhaps gzip, scanned for keys. */
function scanBlob(b64: string): readonly Finding[] {
  const budget = newBudget();
  let bytes: Uint8Array | undefined = base64Bytes(b64, budget);
  if (bytes && isGzip(bytes)) bytes = gunzipBounded(bytes, budget);
  const k = bytes ? privateKey(bytesToText(bytes), '') : undefined;
  return k ? [k] : NOTHING;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.code}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Deeper than this, the walk goes on without recursion (hostile nesting cannot overflow the stack). */
const RECURSION_DEPTH = 200;

interface Where {
  readonly secret: boolean;
  readonly configMap: boolean;
  readonly dvp: boolean;
}

/** One run of the check: the memo of scans by content, and the diagnostics. */
export class SecretScan {
  private readonly memo = { b64: new Map<string, readonly Finding[]>(), text: new Map<string, readonly Finding[]>(), blob: new Map<string, readonly Finding[]>() };
  private readonly problems = new Map<string, string | undefined>();
  private readonly run = newRunBudget();
  /** Distinct texts scanned (the rest came from the memo). */
  scans = 0;
  readonly out: Diagnostic[] = [];

  private cached(kind: keyof SecretScan['memo'], text: string, scan: () => readonly Finding[]): readonly Finding[] {
    const memo = this.memo[kind];
    let found = memo.get(text);
    if (!found) {
      this.scans++;
      found = scan();
      memo.set(text, found);
    }
    return found;
  }

  private report(r: Resource, path: FieldPath, findings: readonly Finding[]): void {
    for (const f of findings) this.out.push(diagnose(f.code, r, path, f.message, f.hint));
  }

  object(r: Resource): void {
    const secret = r.kind === 'Secret' && r.apiVersion === 'v1';
    if (secret && this.credentialSecret(r)) return;
    const where: Where = { secret, configMap: r.kind === 'ConfigMap' && r.apiVersion === 'v1', dvp: r.apiVersion.startsWith('virtualization.deckhouse.io/') };
    this.walk(r, where, r.body, []);
  }

  /** Every string under `value`, with its path (one array, pushed and popped: no garbage per value). */
  private walk(r: Resource, where: Where, value: unknown, path: (string | number)[]): void {
    if (typeof value === 'string') {
      if (value.length >= MIN_MARKER || where.secret || where.configMap || path[path.length - 1] === 'userData') this.string(r, value, path, where);
    } else if (path.length > RECURSION_DEPTH) {
      this.walkDeep(r, where, value, path);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        this.walk(r, where, value[i], path);
        path.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (const k in obj) {
        if (!Object.hasOwn(obj, k)) continue;
        path.push(k);
        this.walk(r, where, obj[k], path);
        path.pop();
      }
    }
  }

  /** The same walk with an explicit stack, for what lies deeper than any real object. */
  private walkDeep(r: Resource, where: Where, root: unknown, base: readonly (string | number)[]): void {
    const stack: [unknown, (string | number)[]][] = [[root, [...base]]];
    while (stack.length > 0) {
      const [value, path] = stack.pop() as [unknown, (string | number)[]];
      if (typeof value === 'string') this.string(r, value, path, where);
      else if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
      else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) stack.push([v, [...path, k]]);
    }
  }

  private string(r: Resource, value: string, path: readonly (string | number)[], at: Where): void {
    const top = path.length === 2 ? path[0] : undefined;
    if (at.secret && top === 'data') {
      this.report(r, [...path], this.cached('b64', value, () => {
        const bytes = base64Bytes(value, newBudget(this.run));
        return bytes ? scanUserData(bytes, this.run) : NOTHING;
      }));
    } else if (at.secret && top === 'stringData') {
      this.report(r, [...path], this.cached('text', value, () => scanUserData(value, this.run)));
    } else if (at.configMap && top === 'binaryData') {
      this.report(r, [...path], this.cached('blob', value, () => scanBlob(value)));
    } else if (at.dvp && path[path.length - 1] === 'userData' && path[path.length - 2] === 'provisioning') {
      this.report(r, [...path], this.cached('text', value, () => scanUserData(value, this.run)));
      let problem = this.problems.get(value);
      if (!this.problems.has(value)) this.problems.set(value, (problem = userDataProblem(value)));
      if (problem) this.out.push(diagnose('DVP703', r, [...path], problem, 'start the user data with a header cloud-init reads (#cloud-config followed by a YAML mapping, a #! script, ## template: jinja spelled exactly so, or MIME)'));
    } else if (mayHoldKey(value)) {
      const k = privateKey(value, '');
      if (k) this.report(r, [...path], [k]);
    }
  }

  /** DVP701 for a Secret of a credential type that carries its data; true when reported. */
  private credentialSecret(r: Resource): boolean {
    const type = r.body['type'];
    if (typeof type !== 'string' || !CREDENTIAL_TYPES.has(type)) return false;
    const count = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : 0);
    if (count(r.body['data']) + count(r.body['stringData']) === 0) return false;
    this.out.push(diagnose('DVP701', r, ['type'], `a Secret of type ${type} with its credentials in clear in the GitOps path`, 'manage credentials outside git (sealed or external secrets), and keep only references in the repository'));
    return true;
  }
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
      // A URL can carry credentials (http://user:password@host/): never shown.
      const shown = excerpt(http.url.replace(/^(\w+:\/\/)[^/@]*@/, '$1…@'), 160);
      out.push(diagnose('DVP702', r, ['spec', 'dataSource', 'http', 'url'], `${shown} is fetched over plain http:// with no checksum: anyone on the path can swap the image`, 'use https://, or add dataSource.http.checksum (sha256)'));
    }
  }
  return out;
}

export function checkSecrets(model: ClusterModel): Diagnostic[] {
  const scan = new SecretScan();
  for (const r of model.resources) scan.object(r);
  return append(scan.out, checkDownloads(model));
}
