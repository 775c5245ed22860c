/**
 * What the kustomization files of the input make kustomize apply that no object of the input
 * shows (SPEC §6): content dvpc cannot check (DVP001: remote bases, files outside the checked
 * paths or in another cluster's folder, entries that are not there, Helm charts, plugins dvpc does
 * not model, entries past what dvpc follows) and secrets in clear that kustomize generates or
 * patches in (DVP701/DVP704: every Secret generator fed from the repository, every replacement
 * that copies a value into a Secret; and, through the main check's own scan, the patches, the
 * generated ConfigMaps, the files of kustomize configuration and the kustomization's own fields).
 *
 * Reported on the kustomization file at the entry's line. Messages name entries and generated
 * objects, never the content: a reference is shown as a short excerpt without credentials.
 */
import { severityOf } from '../core/codes.ts';
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { excerpt, redactedExcerpt } from '../core/excerpt.ts';
import { formatPath, isJsonObject, type FieldPath, type Json, type JsonObject } from '../core/json.ts';
import type { Resource } from '../core/resource.ts';
import { MAX_KUSTOMIZATION_BYTES, type ConfigText, type GeneratedContent, type KustomizationInput, type PatchText, type ReplacementsAt, type Unreachable } from '../read/kustomize-inputs.ts';
import { flattenLists } from '../read/plugin-config.ts';
import { parseValues } from '../read/yaml.ts';
import { MAX_ENTRIES, type GeneratorEntry } from '../read/kustomize-config.ts';
import { shownRef } from './kustomize-refs.ts';
import { anyKind, patchObjects, replacementIntoSecret, secretIndex, type IntoSecret, type SecretIndex } from './kustomize-patches.ts';
import { KustomizeScan, onEntry } from './kustomize-scan.ts';
import type { ClusterModel } from '../model/cluster-model.ts';

const VENDOR_HINT = 'vendor the content into the repository under the checked path and list the local copy (pinned, reviewed), so that what Flux applies is what dvpc checks';
const SECRET_HINT = "keep secrets out of git: an ExternalSecret from a secret store, a SealedSecret or a SOPS-encrypted Secret (for VM user data, dvpc's Provisioning.externalSecret), and remove the generator";
const REPLACEMENT_HINT = "keep secrets out of git (an ExternalSecret from a secret store, a SealedSecret or a SOPS-encrypted Secret), and copy into a Secret's data, stringData or type only from another Secret";

/** Entries of one kustomization reported one by one; the rest are counted in one more finding. */
const MAX_UNREACHABLE = 100;

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
    case 'folder':
      return diagnostic(k, 'DVP001', u.path, `${ref} is a folder where kustomize reads a file: kustomize would fail the build`, 'list the files themselves');
    case 'refused':
      return diagnostic(k, 'DVP001', u.path, `${ref} is not a [key=]path kustomize accepts (one "=" at most, with a key and a path on either side): kustomize would fail the build`, 'write the entry as key=path, or as the path alone');
    case 'cluster':
      return diagnostic(k, 'DVP001', u.path, `${ref} leads into ${u.detail ?? 'another cluster'}: kustomize would apply those objects in this build too, while dvpc checks each cluster on its own`, "keep what a cluster's kustomizations list inside its own folder (copy shared manifests into each cluster, or render them there)");
  }
}

/** The first 100 unreachable entries, by line, and one finding that counts the rest. */
function unreachables(k: KustomizationInput): Diagnostic[] {
  const all = k.unreachable.map((u) => unreachable(k, u)).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const out = all.slice(0, MAX_UNREACHABLE);
  const first = all[MAX_UNREACHABLE];
  if (first) out.push({ ...first, message: `and ${(all.length - MAX_UNREACHABLE).toLocaleString('en-US')} more entries from here on whose content dvpc cannot check (remote, outside the checked paths or its cluster, missing or unreadable)`, hint: VENDOR_HINT });
  return out;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A Secret generated from the repository is a secret in clear, whatever it holds. */
function secretGenerator(k: KustomizationInput, g: GeneratorEntry): Diagnostic | undefined {
  const sources = [
    g.literals.length > 0 ? plural(g.literals.length, 'literal', 'literals') : '',
    g.files.length + g.refused.length > 0 ? plural(g.files.length + g.refused.length, 'file', 'files') : '',
    g.envs.length > 0 ? plural(g.envs.length, 'env file', 'env files') : '',
  ].filter((s) => s.length > 0);
  if (sources.length === 0) return undefined;
  return diagnostic(k, 'DVP701', g.path, `kustomize generates the Secret ${generatorName(g)} from ${sources.join(' and ')} in the repository: a secret in clear in the GitOps path`, SECRET_HINT);
}

/** The ConfigMap kustomize would generate from one literal or file: data for text, binaryData for bytes. */
function configMap(g: GeneratorEntry, key: string, text: string, binary: boolean): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name ?? 'generated' }, [binary ? 'binaryData' : 'data']: { [key]: text } };
}

/** What a ConfigMap generator writes, scanned as the ConfigMap it makes. */
function configMapGenerator(k: KustomizationInput, g: GeneratorEntry, scan: KustomizeScan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const made = `the ConfigMap ${generatorName(g)} that kustomize generates`;
  for (const l of g.literals) {
    for (const d of scan.findings(l.text, 'data', () => [configMap(g, 'literal', l.text, false)])) out.push(onEntry(d, k, l.path, `${made} from a literal`));
  }
  const contents = k.contents.filter((c: GeneratedContent) => c.generator === g);
  for (const c of contents) {
    for (const d of scan.findings(c.text, c.binary ? 'binaryData' : 'data', () => [configMap(g, c.key ?? 'env', c.text, c.binary)])) out.push(onEntry(d, k, c.path, `${made} from the file ${shownRef(c.ref)}`));
  }
  return out;
}

function objectName(o: JsonObject): string {
  const meta = o['metadata'];
  const name = isJsonObject(meta) ? meta['name'] : undefined;
  return `${typeof o['kind'] === 'string' ? o['kind'] : '(no kind)'}/${typeof name === 'string' ? name : '(no name)'}`;
}

/** A patch's objects, scanned as the objects they would make. */
function patch(k: KustomizationInput, p: PatchText, scan: KustomizeScan, secrets: SecretIndex): Diagnostic[] {
  const from = p.ref === undefined ? 'the patch' : `the patch file ${shownRef(p.ref)}`;
  const { found, info } = scan.findingsWith(p.text, `patch\0${JSON.stringify(p.target ?? null)}`, () => {
    const made = patchObjects(p.text, p.target, secrets);
    const targets = [...new Set(made.objects.map(objectName))].filter((n) => n !== 'Secret/value').slice(0, 3).join(', ');
    return { objects: made.objects, info: { ok: made.ok, targets } };
  });
  const of = anyKind(p.target) ? ' of any object its target selects' : info.targets === '' ? '' : ` of ${redactedExcerpt(info.targets)}`;
  const out = found.map((d) => onEntry(d, k, p.path, `${from}${of}`));
  if (!info.ok) out.push(diagnostic(k, 'DVP001', p.path, `${from} is not valid YAML or JSON: kustomize would fail the build`, 'fix the patch'));
  return out;
}

/** The replacements of one entry that copy into a Secret: the first, and how many; once per file's replacements. */
const intoSecrets = new WeakMap<readonly JsonObject[], { first: IntoSecret; count: number } | null>();

function replacements(k: KustomizationInput, r: ReplacementsAt): Diagnostic | undefined {
  let found = intoSecrets.get(r.bodies);
  if (found === undefined) {
    found = null;
    for (const body of r.bodies) {
      const into = replacementIntoSecret(body);
      if (into) found = found ? { first: found.first, count: found.count + 1 } : { first: into, count: 1 };
    }
    intoSecrets.set(r.bodies, found);
  }
  if (!found) return undefined;
  const from = r.ref === undefined ? 'the replacement' : `the replacements file ${shownRef(r.ref)}`;
  const more = found.count > 1 ? ` (and ${found.count - 1} more replacements into Secrets)` : '';
  return diagnostic(
    k,
    'DVP701',
    r.path,
    `${from} copies ${redactedExcerpt(found.first.source)} into ${redactedExcerpt(found.first.fieldPath)} of a Secret its target may select${more}: a Secret's content from the repository in clear, or a type that makes its data credentials`,
    REPLACEMENT_HINT,
  );
}

/** A file of kustomize configuration, scanned as the configuration it is (never an object). */
function configText(k: KustomizationInput, c: ConfigText, scan: KustomizeScan): Diagnostic[] {
  const { found, info: ok } = scan.findingsWith(c.text, 'config', () => {
    const values = parseValues(c.text);
    return { objects: flattenLists(values.values.flatMap((v) => (Array.isArray(v) ? v : [v]))), info: values.ok };
  });
  const out = found.map((d) => onEntry(d, k, c.path, `the kustomize configuration file ${shownRef(c.ref)}`));
  if (!ok) out.push(diagnostic(k, 'DVP001', c.path, `the kustomize configuration file ${shownRef(c.ref)} is not valid YAML or JSON: kustomize would fail the build`, 'fix the file'));
  return out;
}

/** The kustomization's fields without the content scanned as what it makes (patches, literals, inline plugins). */
function ownFields(body: JsonObject): JsonObject {
  const out: JsonObject = { ...body };
  const each = (field: string, f: (v: Json) => Json) => {
    const list = body[field];
    if (Array.isArray(list)) out[field] = list.map(f);
  };
  // Replaced, never removed: what remains keeps its index, so its line is found.
  for (const field of ['secretGenerator', 'configMapGenerator']) each(field, (g) => (isJsonObject(g) ? { ...g, literals: null } : g));
  for (const field of ['patches', 'patchesJson6902']) each(field, (p) => (isJsonObject(p) ? { ...p, patch: null } : p));
  for (const field of ['patchesStrategicMerge', 'generators', 'transformers', 'validators']) each(field, () => null);
  return out;
}

/** Every finding of one kustomization. */
function checkOne(k: KustomizationInput, scan: KustomizeScan, secrets: SecretIndex): Diagnostic[] {
  if (k.tooLarge) {
    return [fileDiagnostic('DVP001', k.file, undefined, `a kustomization file larger than ${MAX_KUSTOMIZATION_BYTES / 1024 / 1024} MiB: dvpc does not follow it, and kustomize would apply what it lists unchecked`, 'split it into kustomizations of their own folders')];
  }
  const out = unreachables(k);
  if (k.cut) out.push(diagnostic(k, 'DVP001', k.cut.path, `the kustomization lists more than ${MAX_ENTRIES.toLocaleString('en-US')} entries: the ${k.cut.rest.toLocaleString('en-US')} from here on are not checked`, 'split it into kustomizations of their own folders'));
  for (const c of k.config.charts) {
    const what = `the Helm chart ${c.name === undefined ? '(no name)' : redactedExcerpt(c.name)}${c.repo === undefined ? '' : ` from ${shownRef(c.repo)}`}`;
    out.push(diagnostic(k, 'DVP001', c.path, `kustomize (--enable-helm) and Argo CD render ${what}: dvpc cannot check what it renders`, 'render the chart into the repository (helm template) and list the rendered files'));
  }
  for (const u of k.plugins.unknown) out.push(diagnostic(k, 'DVP001', u.path, `a generator plugin of kind ${excerpt(u.kind)}: kustomize would apply what it generates, which dvpc cannot check`, 'generate the objects into the repository and list the files'));
  for (const g of [...k.config.generators, ...k.plugins.generators]) {
    if (g.kind === 'Secret') {
      const d = secretGenerator(k, g);
      if (d) out.push(d);
    } else {
      out.push(...configMapGenerator(k, g, scan));
    }
  }
  for (const p of k.patches) out.push(...patch(k, p, scan, secrets));
  for (const r of k.replacements) {
    const d = replacements(k, r);
    if (d) out.push(d);
  }
  for (const c of k.configTexts) out.push(...configText(k, c, scan));
  for (const s of k.plugins.scan) for (const d of scan.findings(JSON.stringify(s.doc), 'plugin', () => [s.doc])) out.push(onEntry(d, k, s.path, `the plugin configuration ${objectName(s.doc)}`));
  out.push(...scan.own(k, ownFields(k.body)));
  return out;
}

/** Every finding of the input's kustomization files; `resources` are the cluster's objects (a patch's targets). */
export function checkKustomizations(inputs: readonly KustomizationInput[], resources: readonly Resource[] = []): Diagnostic[] {
  if (inputs.length === 0) return [];
  const scan = new KustomizeScan();
  const secrets = secretIndex(resources);
  return inputs.flatMap((k) => checkOne(k, scan, secrets));
}

/** The check as the others are: a function of the model (the input's kustomizations and objects). */
export function checkKustomize(model: ClusterModel): Diagnostic[] {
  return checkKustomizations(model.kustomizations, model.resources);
}
