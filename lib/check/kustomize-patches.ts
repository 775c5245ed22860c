/**
 * The objects a patch would write into the build, for the secret scan (SPEC §6 DVP701): a
 * strategic-merge patch's documents as written (Lists flattened); a JSON 6902 patch's values set
 * at their paths in an object of the target's kind (so `replace /spec/provisioning/userData` is
 * user data of a VirtualMachine), and each string value also read as user data on its own.
 *
 * A patch rarely says the type of the Secret it patches: `stringData: {password: ...}` is a
 * credential in clear only because its target is a `kubernetes.io/basic-auth` Secret. So a patch
 * of a Secret is also scanned with the type of each Secret of the cluster it may target, and a
 * patch that sets a credential type with the target's data.
 *
 * A target selects by kind only when it names one (kustomize matches it as a pattern): a target
 * without a kind (a name, a labelSelector, an annotationSelector only) may select an object of any
 * kind, and kustomize applies the patch to it whatever kind the patch document says. So such a
 * patch is made into an object of each kind the scan tells apart: a Secret (with each type of the
 * cluster's Secrets), a ConfigMap, a VirtualMachine (user data); any other kind is scanned as the
 * plain object every patch also makes. Pure.
 */
import type { Json, JsonObject } from '../core/json.ts';
import { isJsonObject, setKey } from '../core/json.ts';
import type { Resource } from '../core/resource.ts';
import { DVP_KINDS, GROUP } from '../core/kinds.ts';
import { parseValues } from '../read/yaml.ts';
import { flattenLists } from '../read/plugin-config.ts';

/** The Secrets of the cluster, by name: what a patch of a Secret may target. */
export interface SecretIndex {
  readonly byName: ReadonlyMap<string, readonly JsonObject[]>;
  readonly all: readonly JsonObject[];
}

export function secretIndex(resources: readonly Resource[]): SecretIndex {
  const byName = new Map<string, JsonObject[]>();
  const all: JsonObject[] = [];
  for (const r of resources) {
    if (r.kind !== 'Secret' || r.apiVersion !== 'v1') continue;
    all.push(r.body);
    const list = byName.get(r.name);
    if (list) list.push(r.body);
    else byName.set(r.name, [r.body]);
  }
  return { byName, all };
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

/** The apiVersion of a kind when a selector or a patch leaves it out. */
function apiVersionOf(kind: string | undefined, group: string | undefined, version: string | undefined): string {
  const g = group ?? (kind !== undefined && DVP_KINDS[kind] !== undefined ? GROUP : '');
  const v = version ?? (g === GROUP ? 'v1alpha2' : 'v1');
  return g === '' ? v : `${g}/${v}`;
}

/** A strategic-merge document with the identity its target selector gives where it gives none. */
function withIdentity(doc: JsonObject, target: JsonObject): JsonObject {
  const kind = str(doc['kind']) ?? str(target['kind']);
  if (doc['apiVersion'] !== undefined && doc['kind'] !== undefined) return doc;
  const out = { ...doc };
  if (kind !== undefined) out['kind'] = kind;
  if (out['apiVersion'] === undefined) out['apiVersion'] = apiVersionOf(kind, str(target['group']), str(target['version']));
  return out;
}

/** The object a JSON 6902 patch's values make, starting from the target's identity. */
function implied(ops: readonly Json[], target: JsonObject): { object: JsonObject; strings: string[] } {
  const kind = str(target['kind']);
  const object = newObject();
  setKey(object, 'apiVersion', apiVersionOf(kind, str(target['group']), str(target['version'])));
  if (kind !== undefined) setKey(object, 'kind', kind);
  const meta = newObject();
  setKey(meta, 'name', str(target['name']) ?? '(any name)');
  setKey(object, 'metadata', meta);
  const strings: string[] = [];
  for (const op of ops) {
    if (!isJsonObject(op) || !Object.hasOwn(op, 'value') || typeof op['path'] !== 'string') continue;
    // `test` compares, `remove`, `move` and `copy` bring no value of their own.
    if (op['op'] !== 'add' && op['op'] !== 'replace') continue;
    const value = op['value'] as Json;
    if (typeof value === 'string') strings.push(value);
    setAt(object, op['path'], value);
  }
  return { object, strings };
}

/** Pointer segments kept: the first and the last ones say what a value is (`.../provisioning/userData`). */
const MAX_SEGMENTS = 64;

function setAt(root: JsonObject, pointer: string, value: Json): void {
  if (pointer === '') {
    if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) setKey(root, k, v);
    return;
  }
  let segs = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segs.length > MAX_SEGMENTS) segs = [...segs.slice(0, MAX_SEGMENTS / 2), ...segs.slice(-MAX_SEGMENTS / 2)];
  let node = root;
  for (const s of segs.slice(0, -1)) {
    const next = Object.hasOwn(node, s) ? node[s] : undefined;
    if (isJsonObject(next)) node = next;
    else {
      const fresh = newObject();
      setKey(node, s, fresh);
      node = fresh;
    }
  }
  setKey(node, segs[segs.length - 1] as string, value);
}

function hasEntries(v: Json | undefined): boolean {
  return isJsonObject(v) && Object.keys(v).length > 0;
}

/** Regular-expression characters: a selector name that has them may match any Secret. */
const PATTERN = /[.*+?^${}()|[\]\\]/;

/** A patched Secret as it may end up: with each candidate target's type, or with a target's data. */
function asApplied(doc: JsonObject, target: JsonObject | undefined, secrets: SecretIndex): JsonObject[] {
  if (doc['kind'] !== 'Secret') return [doc];
  const meta = doc['metadata'];
  // With a target, the target alone selects: no name (a labelSelector only) may be any Secret.
  const name = target !== undefined ? str(target['name']) : isJsonObject(meta) ? str(meta['name']) : undefined;
  const candidates = name === undefined || (target !== undefined && PATTERN.test(name)) ? secrets.all : (secrets.byName.get(name) ?? []);
  const out = [doc];
  const hasData = hasEntries(doc['data']) || hasEntries(doc['stringData']);
  if (hasData && doc['type'] === undefined) {
    const types = new Set<string>();
    for (const c of candidates) if (typeof c['type'] === 'string') types.add(c['type']);
    for (const type of [...types].sort()) out.push({ ...doc, type });
  } else if (!hasData && typeof doc['type'] === 'string' && candidates.some((c) => hasEntries(c['data']) || hasEntries(c['stringData']))) {
    // The target's data, as a placeholder: a credential type with data is what counts, not its values (the target is scanned on its own).
    out.push({ ...doc, data: { '(the target data)': '' } });
  }
  return out;
}

/** The kinds the secret scan tells apart: what a target without a kind may be. */
const ANY_KIND: readonly string[] = ['Secret', 'ConfigMap', 'VirtualMachine'];

/** The kinds a target selects: its own, or (none, or a pattern) each kind of ANY_KIND; undefined without a target. */
export function targetKinds(target: JsonObject | undefined): readonly string[] | undefined {
  if (target === undefined) return undefined;
  const kind = str(target['kind']);
  return kind === undefined || kind === '' || PATTERN.test(kind) ? ANY_KIND : [kind];
}

/** Whether a target may select objects of any kind (it names none, or a pattern). */
export function anyKind(target: unknown): boolean {
  return isJsonObject(target as Json) && targetKinds(target as JsonObject) === ANY_KIND;
}

/** A target with one kind of those it may select (the kind the patch makes its object of). */
function withKind(target: JsonObject, kind: string): JsonObject {
  if (str(target['kind']) === kind) return target;
  const out: JsonObject = { ...target, kind };
  // A group or version written for a pattern of kinds is not this kind's.
  delete out['group'];
  delete out['version'];
  return out;
}

/** Everything a patch's text would write, as objects to scan; ok is false when the text does not parse. */
export function patchObjects(text: string, target: unknown, secrets: SecretIndex): { objects: JsonObject[]; ok: boolean } {
  const parsed = parseValues(text);
  const selector = isJsonObject(target as Json) ? (target as JsonObject) : undefined;
  const kinds = targetKinds(selector);
  const objects: JsonObject[] = [];
  for (const value of parsed.values) {
    if (Array.isArray(value)) {
      // A 6902 patch: the target's kind (each one it may be), and the plain object for any other.
      const each = selector === undefined ? [{}] : [selector, ...(kinds === ANY_KIND ? ANY_KIND.map((k) => withKind(selector, k)) : [])];
      let strings: string[] = [];
      for (const t of each) {
        const made = implied(value, t);
        strings = made.strings;
        objects.push(...asApplied(made.object, selector, secrets));
      }
      // A string is also user data on its own: whatever the path, cloud-init or a key is what it holds.
      for (const s of strings) objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'value' }, stringData: { value: s } });
    } else {
      for (const doc of flattenLists([value])) {
        const own = withIdentity(doc, selector ?? {});
        objects.push(...asApplied(own, selector, secrets));
        // With a target, kustomize applies the document to what the target selects, whatever kind it says.
        for (const kind of kinds ?? []) {
          if (own['kind'] === kind) continue;
          objects.push(...asApplied({ ...doc, kind, apiVersion: apiVersionOf(kind, undefined, undefined) }, selector, secrets));
        }
      }
    }
  }
  return { objects, ok: parsed.ok };
}

/** What a replacement copies into a Secret: where from, and the first field it reaches. */
export interface IntoSecret {
  readonly source: string;
  readonly fieldPath: string;
}

/** The fields of a Secret that hold its content or say what the content is. */
const SECRET_FIELDS = new Set(['data', 'stringData', 'type']);

/**
 * A replacement copies a value of one object of the build into fields of others. Copied into a
 * Secret's `data` or `stringData`, the value is written in clear in the repository (a ConfigMap, a
 * label, a literal `sourceValue`): a secret in clear that no object shows. Copied into its `type`,
 * it can make an Opaque Secret's data credentials (`kubernetes.io/basic-auth`). So (DVP701): a
 * replacement with a target that may select a Secret (`select.kind` Secret or no kind: kustomize
 * matches a replacement's select exactly) and a fieldPath that starts at `data`, `stringData` or
 * `type` is a finding, unless its source is itself a Secret (the scan of that Secret covers what
 * it holds). Deliberately simple: neither the value nor the target's type is looked at.
 */
export function replacementIntoSecret(r: JsonObject): IntoSecret | undefined {
  const source = r['source'];
  const fromSecret = isJsonObject(source) && source['kind'] === 'Secret' && (source['group'] === undefined || source['group'] === '') && r['sourceValue'] === undefined;
  if (fromSecret) return undefined;
  const targets = r['targets'];
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets) {
    if (!isJsonObject(t)) continue;
    const select = t['select'];
    const kind = isJsonObject(select) ? select['kind'] : undefined;
    if (kind !== undefined && kind !== null && kind !== '' && kind !== 'Secret') continue;
    const paths = t['fieldPaths'];
    if (!Array.isArray(paths)) continue;
    for (const p of paths) {
      if (typeof p === 'string' && SECRET_FIELDS.has(p.split('.')[0] as string)) {
        const what = isJsonObject(source) ? `${str(source['kind']) ?? '(no kind)'}/${str(source['name']) ?? '(no name)'}` : 'a literal value';
        return { source: what, fieldPath: p };
      }
    }
  }
  return undefined;
}
