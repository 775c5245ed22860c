/**
 * Secrets and supply (DVP701–DVP704): what must never sit in a Git repository in clear, images
 * fetched without integrity, and user data the guest's cloud-init will not understand.
 *
 * Every string of every object is looked at, whatever its kind and whether or not it fits its
 * schema (a schema error allowed with --allow must not let a key through): user data (inline
 * `provisioning.userData`, a Secret's `data` and `stringData`) is decoded the way the guest
 * decodes it (user-data.ts, cloud-config.ts) and scanned part by part; a ConfigMap's binaryData
 * is decoded; anything else is scanned as written for private keys. Fleets repeat the same user
 * data on thousands of VMs, so each distinct text is scanned once per run. A key in base64 (or
 * gzip in base64, or base64 of base64, cut by spaces or wrapped in lines of any width: see
 * encoded-key.ts) counts as written wherever it sits: in a ConfigMap's value, in an annotation, in
 * a line of user data; strings are decoded only where they hold a long stretch of base64. A
 * Secret encrypted with SOPS (sops.ts) holds ciphertext in its ENC[...] values: those are neither
 * user data nor credentials in clear, and only its values left in clear count.
 */
import { append } from '../core/append.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import type { FieldPath } from '../core/json.ts';
import { excerpt } from '../core/excerpt.ts';
import { base64Bytes, bytesToText, looksBase64, MIN_BASE64_RUN, newBudget, newRunBudget, type Budget, type RunBudget } from './decode.ts';
import { encodedPrivateKey, keyInBase64 } from './encoded-key.ts';
import { hasSopsMetadata, isSopsValue } from './sops.ts';
import { explodeUserData, userDataProblem, type Payload } from './user-data.ts';
import { cloudConfigFindings } from './cloud-config.ts';
import { distinctFindings, isPrivateKey, privateKey, scriptPasswords, sysprepPlainText, type Finding } from './secret-patterns.ts';

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

/**
 * Whether a string may hold a key in base64: long enough to hold a stretch of it. (Base64 can be
 * cut into groups of any size by spaces, so no shorter pattern is a sign: base64Runs decides, in
 * one pass.) Names and quantities fail this at once.
 */
function mayHoldEncodedKey(s: string): boolean {
  return s.length >= MIN_BASE64_RUN;
}

const NOTHING: readonly Finding[] = Object.freeze([]);

/** Everything a piece of user data (text, or bytes decoded from a Secret) reveals. */
function scanUserData(input: string | Uint8Array, run: RunBudget): readonly Finding[] {
  const budget = newBudget(run);
  const out: Finding[] = [];
  const payloads = explodeUserData(input, budget);
  for (const p of payloads) {
    const k = privateKey(p.text, p.where);
    if (k) out.push(k);
    const sysprep = sysprepPlainText(p.text, p.where);
    if (sysprep) out.push(sysprep);
    if (p.type === 'cloud-config') append(out, cloudConfigFindings(p.text, p.where, budget));
    if (p.type === 'script') append(out, scriptPasswords(p.text, p.where));
  }
  if (!out.some(isPrivateKey)) {
    // A key in what no decoding reached (a part cut off by the budget) still counts; so does one
    // left in base64 inside a payload (a line of a script, a file written without `encoding:`).
    const whole = payloads.length === 1 && payloads[0]?.text === input;
    const k = (whole ? undefined : privateKey(typeof input === 'string' ? input : bytesToText(input), '')) ?? encodedKeyIn(payloads, budget);
    if (k) out.push(k);
  }
  return out.length === 0 ? NOTHING : out.length === 1 ? out : distinctFindings(out);
}

/** A blob (a ConfigMap's binaryData): base64, perhaps of gzip or of base64 again, scanned for keys. */
function scanBlob(b64: string, run: RunBudget): readonly Finding[] {
  return single(keyInBase64(b64, '', newBudget(run)));
}

/**
 * The first key left in base64 inside one of the payloads. A payload that is base64 through and
 * through was decoded whole already (explodeUserData): it is not decoded a second time.
 */
function encodedKeyIn(payloads: readonly Payload[], budget: Budget): Finding | undefined {
  for (const p of payloads) {
    const whole = p.type === 'text' && looksBase64(p.text);
    const k = !whole && mayHoldEncodedKey(p.text) ? encodedKey(p.text, p.where, budget) : undefined;
    if (k) return k;
  }
  return undefined;
}

/** A key in the base64 written inside a text (a ConfigMap's value, an annotation, a line of a script). */
function encodedKey(text: string, where: string, budget: Budget): Finding | undefined {
  return encodedPrivateKey(text, where ? `${where}, base64` : 'base64', budget);
}

function single(finding: Finding | undefined): readonly Finding[] {
  return finding ? [finding] : NOTHING;
}

/** Deeper than this, the walk goes on without recursion (hostile nesting cannot overflow the stack). */
const RECURSION_DEPTH = 200;

/** A value for the deep walk to enter (under `key`), or null: leave the last one entered. */
type DeepStep = { readonly value: unknown; readonly key?: string | number } | null;

interface Where {
  readonly secret: boolean;
  /** A Secret encrypted with SOPS (a `sops` mapping with its MAC): its ENC[...] values are ciphertext. */
  readonly sops: boolean;
  readonly configMap: boolean;
  readonly dvp: boolean;
}

/** One run of the check: the memo of scans by content, and the diagnostics. */
export class SecretScan {
  private readonly memo = { b64: new Map<string, readonly Finding[]>(), text: new Map<string, readonly Finding[]>(), blob: new Map<string, readonly Finding[]>(), encoded: new Map<string, readonly Finding[]>() };
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
    const sops = secret && hasSopsMetadata(r.body);
    if (secret && this.credentialSecret(r, sops)) return;
    const where: Where = { secret, sops, configMap: r.kind === 'ConfigMap' && r.apiVersion === 'v1', dvp: r.apiVersion.startsWith('virtualization.deckhouse.io/') };
    this.walk(r, where, r.body, []);
  }

  /** Every string under `value`, with its path (one array, pushed and popped: no garbage per value). */
  private walk(r: Resource, where: Where, value: unknown, path: (string | number)[]): void {
    if (typeof value === 'string') {
      this.visit(r, where, value, path);
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

  /**
   * The same walk with an explicit stack, for what lies deeper than any real object. It shares the
   * one path array with `walk` (a step is pushed on entering a value and popped by a marker after
   * its children): copying the path per value would make hostile nesting quadratic.
   */
  private walkDeep(r: Resource, where: Where, root: unknown, path: (string | number)[]): void {
    const base = path.length;
    const stack: DeepStep[] = [{ value: root }];
    while (stack.length > 0) {
      const step = stack.pop() as DeepStep;
      if (step === null) {
        path.pop();
        continue;
      }
      if (step.key !== undefined) {
        path.push(step.key);
        stack.push(null);
      }
      const value = step.value;
      if (typeof value === 'string') this.visit(r, where, value, path);
      // Children pushed last first, so that they are visited in the order `walk` visits them.
      else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i });
      else if (value !== null && typeof value === 'object') {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i] as string], key: keys[i] as string });
      }
    }
    path.length = base;
  }

  /** A string found by the walk: short ones are skipped except where user data or a Secret's value can hide. */
  private visit(r: Resource, where: Where, value: string, path: readonly (string | number)[]): void {
    if (value.length >= MIN_MARKER || where.secret || where.configMap || path[path.length - 1] === 'userData') this.string(r, value, path, where);
  }

  private string(r: Resource, value: string, path: readonly (string | number)[], at: Where): void {
    const top = path.length === 2 ? path[0] : undefined;
    // A value SOPS encrypted is ciphertext, not user data: only the scan of any other string looks
    // at it (so a key in base64 passed off as ENC[...] is still found).
    const userData = at.secret && !(at.sops && isSopsValue(value));
    if (userData && top === 'data') {
      this.report(r, [...path], this.cached('b64', value, () => {
        const bytes = base64Bytes(value, newBudget(this.run));
        return bytes ? scanUserData(bytes, this.run) : NOTHING;
      }));
    } else if (userData && top === 'stringData') {
      this.report(r, [...path], this.cached('text', value, () => scanUserData(value, this.run)));
    } else if (at.configMap && top === 'binaryData') {
      this.report(r, [...path], this.cached('blob', value, () => scanBlob(value, this.run)));
    } else if (at.dvp && path[path.length - 1] === 'userData' && path[path.length - 2] === 'provisioning') {
      this.report(r, [...path], this.cached('text', value, () => scanUserData(value, this.run)));
      let problem = this.problems.get(value);
      if (!this.problems.has(value)) this.problems.set(value, (problem = userDataProblem(value)));
      if (problem) this.out.push(diagnose('DVP703', r, [...path], problem, 'start the user data with a header cloud-init reads (#cloud-config followed by a YAML mapping, a #! script, ## template: jinja spelled exactly so, or MIME)'));
    } else {
      // Any other string: a key as written, else a key in the base64 it holds. (A Secret's data
      // and binaryData are decoded above, whole: they never come here to be decoded again, except
      // SOPS ciphertext.)
      const k = mayHoldKey(value) ? privateKey(value, '') : undefined;
      if (k) this.report(r, [...path], [k]);
      else if (mayHoldEncodedKey(value)) this.report(r, [...path], this.cached('encoded', value, () => single(encodedKey(value, '', newBudget(this.run)))));
    }
  }

  /**
   * DVP701 for a Secret of a credential type that carries its data in clear; true when reported.
   * In a SOPS Secret only values left unencrypted count.
   */
  private credentialSecret(r: Resource, sops: boolean): boolean {
    const type = r.body['type'];
    if (typeof type !== 'string' || !CREDENTIAL_TYPES.has(type)) return false;
    const count = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.values(v).filter((x) => !(sops && isSopsValue(x))).length : 0);
    if (count(r.body['data']) + count(r.body['stringData']) === 0) return false;
    this.out.push(diagnose('DVP701', r, ['type'], `a Secret of type ${type} with its credentials in clear in the GitOps path`, 'manage credentials outside git (sealed or external secrets) or encrypt them with SOPS, and keep only references in the repository'));
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

/**
 * DVP701/DVP704 for objects that are not the cluster's objects but would become part of them
 * (a kustomization's inline patches, its generated ConfigMaps): the same scan as every object.
 */
export function secretsIn(resources: readonly Resource[]): Diagnostic[] {
  const scan = new SecretScan();
  for (const r of resources) scan.object(r);
  return scan.out;
}

export function checkSecrets(model: ClusterModel): Diagnostic[] {
  const scan = new SecretScan();
  for (const r of model.resources) scan.object(r);
  return append(scan.out, checkDownloads(model));
}
