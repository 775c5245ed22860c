/**
 * What the kustomization files of the input make kustomize apply that no object of the input
 * shows (SPEC §6): content dvpc cannot check (DVP001: remote bases, files outside the checked
 * paths, entries that are not there) and secrets in clear that kustomize generates or patches in
 * (DVP701: every secretGenerator fed from the repository; a private key in a configMapGenerator's
 * literals or files, or anywhere else in the kustomization, such as an inline patch).
 *
 * Reported on the kustomization file at the entry's line. Messages name entries and generated
 * objects, never the content: a reference is shown as a short excerpt, credentials in a URL cut.
 */
import { severityOf } from '../core/codes.ts';
import type { Diagnostic } from '../core/diagnostic.ts';
import { redactedExcerpt } from '../core/excerpt.ts';
import { formatPath, type FieldPath, type Json } from '../core/json.ts';
import type { KustomizationInput, Unreachable } from '../read/kustomize-inputs.ts';
import { GENERATOR_FIELDS, type GeneratorEntry } from '../read/kustomize-config.ts';
import { privateKey } from './secret-patterns.ts';

const VENDOR_HINT = 'vendor the content into the repository under the checked path and list the local copy (pinned, reviewed), so that what Flux applies is what dvpc checks';
const SECRET_HINT = "keep secrets out of git: an ExternalSecret from a secret store, a SealedSecret or a SOPS-encrypted Secret (for VM user data, dvpc's Provisioning.externalSecret), and remove the generator";
const KEY_HINT = 'never commit private keys: keep them in a Secret managed outside git (an ExternalSecret, a SealedSecret or SOPS)';

/** Entries of one kustomization reported one by one; the rest are counted in one more finding. */
const MAX_UNREACHABLE = 100;

/** A reference as a message shows it: short, token-like runs cut, a URL's credentials removed. */
function shownRef(ref: string): string {
  return redactedExcerpt(ref.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1…@'));
}

function diagnostic(k: KustomizationInput, code: 'DVP001' | 'DVP701', path: FieldPath, message: string, hint: string): Diagnostic {
  return { code, severity: severityOf(code), message, hint, file: k.file, line: k.origin.line(path), path: formatPath(path) };
}

function generatorName(g: GeneratorEntry): string {
  return g.name === undefined ? 'without a name' : redactedExcerpt(g.name);
}

function unreachable(k: KustomizationInput, u: Unreachable): Diagnostic {
  const into = u.generator ? `kustomize would put content dvpc cannot check into the ${u.generator.kind} ${generatorName(u.generator)}` : 'kustomize would apply content dvpc cannot check';
  const ref = shownRef(u.ref);
  switch (u.why) {
    case 'remote':
      return diagnostic(k, 'DVP001', u.path, `${ref} is remote: ${into}`, VENDOR_HINT);
    case 'outside':
      return diagnostic(k, 'DVP001', u.path, `${ref} lies outside the checked paths: ${into}`, `${VENDOR_HINT} (or check the folder that holds it as well)`);
    case 'missing':
      // kustomize tries a resource it cannot find locally as a remote base; a generator's file it cannot.
      return diagnostic(k, 'DVP001', u.path, u.generator ? `${ref} does not exist: kustomize would fail the build` : `${ref} does not exist: kustomize would take it for a remote base or fail the build, and dvpc can check neither`, `fix the entry, or ${VENDOR_HINT}`);
    case 'unreadable':
      return diagnostic(k, 'DVP001', u.path, `${ref} is not read (${u.detail ?? 'unreadable'}): ${into}`, u.generator ? 'list regular files of the repository, at most 1 MiB each (the most a ConfigMap holds)' : 'list regular files of the repository that can be read');
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A Secret generated from the repository is a secret in clear, whatever it holds. */
function secretGenerator(k: KustomizationInput, g: GeneratorEntry): Diagnostic | undefined {
  const sources = [
    g.literals.length > 0 ? plural(g.literals.length, 'literal', 'literals') : '',
    g.files.length > 0 ? plural(g.files.length, 'file', 'files') : '',
    g.envs.length > 0 ? plural(g.envs.length, 'env file', 'env files') : '',
  ].filter((s) => s.length > 0);
  if (sources.length === 0) return undefined;
  return diagnostic(k, 'DVP701', g.path, `kustomize generates the Secret ${generatorName(g)} from ${sources.join(' and ')} in the repository: a secret in clear in the GitOps path`, SECRET_HINT);
}

/** The base64 of "-----BEGIN": a PEM key encoded once, as a Secret's data holds it. */
const B64_PEM = /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g;

/** What any key marker holds, as written or base64-encoded once: most strings are names and paths. */
const MAY_HOLD_KEY = /KEY|PuTTY|Private-Lines|b3BlbnNzaC1rZXktdjE|LS0tLS1CRUdJT/i;

/** Whether text holds a private key as written, or base64-encoded once. */
function holdsKey(text: string): boolean {
  if (!MAY_HOLD_KEY.test(text)) return false;
  if (privateKey(text, '')) return true;
  for (const m of text.matchAll(B64_PEM)) if (privateKey(Buffer.from(m[0], 'base64').toString('latin1'), '')) return true;
  return false;
}

/** A private key in a ConfigMap generator's literals or files: kustomize writes it out in clear. */
function configMapGenerator(k: KustomizationInput, g: GeneratorEntry): Diagnostic[] {
  const out: Diagnostic[] = [];
  const found = new Set<string>();
  const report = (path: FieldPath, what: string) => {
    const key = formatPath(path);
    if (found.has(key)) return;
    found.add(key);
    out.push(diagnostic(k, 'DVP701', path, `${what} holds a private key, which kustomize puts in clear into the ConfigMap ${generatorName(g)}`, KEY_HINT));
  };
  for (const l of g.literals) if (holdsKey(l.text)) report(l.path, 'a literal');
  for (const c of k.contents) if (c.generator === g && holdsKey(c.text)) report(c.path, `the file ${shownRef(c.ref)}`);
  return out;
}

/** A private key anywhere else in the kustomization (an inline patch): kustomize applies it. */
function inlineKeys(k: KustomizationInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  // An explicit stack: the document is untrusted and may nest deeply.
  const stack: { value: Json; path: FieldPath }[] = Object.entries(k.body)
    .filter(([field]) => !GENERATOR_FIELDS.includes(field))
    .map(([field, value]) => ({ value, path: [field] }));
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: Json; path: FieldPath };
    if (typeof value === 'string') {
      if (holdsKey(value)) out.push(diagnostic(k, 'DVP701', path, 'a private key in clear in the kustomization file: kustomize applies it', KEY_HINT));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) stack.push({ value: v, path: [...path, key] });
    }
  }
  return out.reverse();
}

/** Every finding of the input's kustomization files. */
export function checkKustomizations(inputs: readonly KustomizationInput[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const k of inputs) {
    for (const u of k.unreachable.slice(0, MAX_UNREACHABLE)) out.push(unreachable(k, u));
    const more = k.unreachable.length - MAX_UNREACHABLE;
    if (more > 0) {
      const first = k.unreachable[MAX_UNREACHABLE] as Unreachable;
      out.push(diagnostic(k, 'DVP001', first.path, `and ${more.toLocaleString('en-US')} more entries from here on whose content dvpc cannot check (remote, outside the checked paths, missing or unreadable)`, VENDOR_HINT));
    }
    for (const g of k.config.generators) {
      if (g.kind === 'Secret') {
        const d = secretGenerator(k, g);
        if (d) out.push(d);
      } else {
        for (const d of configMapGenerator(k, g)) out.push(d);
      }
    }
    for (const d of inlineKeys(k)) out.push(d);
  }
  return out;
}
