/**
 * Every object of the GitOps hand-off, for every combination of the GitOps construct's options,
 * against the real CRDs of Argo CD and Flux (test/fixtures/gitops-crds/, their openAPIV3Schema),
 * with unknown fields refused: the API server would drop them silently. The Applications that the
 * ApplicationSet generates are rendered from its template and checked too.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import { gitopsDocuments, gitopsFiles, gitOpsProblems, type GitOpsProps } from '../lib/render/gitops.ts';

type Doc = Record<string, unknown>;
const CRDS = join(import.meta.dirname, 'fixtures', 'gitops-crds');

/** Every object schema that lists its fields refuses others, unless it says it keeps them. */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const s: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) s[k] = k === 'default' || k === 'example' ? v : closeObjects(v);
  if (s['properties'] !== undefined && s['additionalProperties'] === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) s['additionalProperties'] = false;
  return s;
}

interface Crd {
  readonly group: string;
  readonly kind: string;
  readonly versions: Map<string, ValidateFunction>;
  readonly celRules: string[];
}

const ajv = new Ajv({ allErrors: true, strict: true, validateFormats: false });
for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations', 'x-kubernetes-embedded-resource']) ajv.addKeyword({ keyword });

function celRules(schema: unknown, out: string[] = []): string[] {
  if (schema === null || typeof schema !== 'object') return out;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'x-kubernetes-validations' && Array.isArray(v)) for (const r of v) out.push(String((r as { rule?: unknown }).rule));
    else celRules(v, out);
  }
  return out;
}

type Schema = { properties?: Record<string, Schema>; items?: Schema };

/**
 * Leaves out what no object in git has (`status`) and the ApplicationSet generators dvpc does not
 * render (all but `list`): with unknown fields refused, a field left out of the schema is refused,
 * so this only makes the check stricter, and compiling the rest takes a second, not twenty.
 */
function withoutUnused(schema: Schema): Schema {
  const props = { ...schema.properties };
  delete props['status'];
  const spec = props['spec'];
  const generators = spec?.properties?.['generators'];
  if (spec && generators?.items?.properties) {
    props['spec'] = { ...spec, properties: { ...spec.properties, generators: { ...generators, items: { ...generators.items, properties: { list: generators.items.properties['list'] as Schema } } } } };
  }
  return { ...schema, properties: props };
}

function loadCrd(file: string): Crd {
  const crd = parse(readFileSync(join(CRDS, file), 'utf8')) as { spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] } };
  const versions = new Map<string, ValidateFunction>();
  const rules: string[] = [];
  for (const v of crd.spec.versions.filter((x) => x.served)) {
    versions.set(v.name, ajv.compile(closeObjects(withoutUnused(v.schema.openAPIV3Schema)) as object));
    rules.push(...celRules(v.schema.openAPIV3Schema));
  }
  return { group: crd.spec.group, kind: crd.spec.names.kind, versions, celRules: rules };
}

const crds = ['argocd-application.yaml', 'argocd-applicationset.yaml', 'flux-gitrepository.yaml', 'flux-kustomization.yaml'].map(loadCrd);

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function keyProblems(key: string): string[] {
  const [prefix, name] = key.includes('/') ? key.split('/') : [undefined, key];
  const out: string[] = [];
  if (prefix !== undefined && (!SUBDOMAIN.test(prefix) || prefix.length > 253)) out.push(`key prefix ${prefix}`);
  if (name === undefined || name.length > 63 || !LABEL_VALUE.test(name) || name === '') out.push(`key name ${key}`);
  return out;
}

/** What the API server checks of metadata, plus Argo CD's and Flux's use of the name as a label value. */
function metadataProblems(doc: Doc): string[] {
  const meta = (doc['metadata'] ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const out: string[] = [];
  const name = meta.name ?? '';
  if (!SUBDOMAIN.test(name) || name.length > 63) out.push(`name "${name}"`);
  if (meta.namespace === undefined || !LABEL.test(meta.namespace) || meta.namespace.length > 63) out.push(`namespace "${meta.namespace}"`);
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    out.push(...keyProblems(k));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) out.push(`label value ${k}=${v}`);
  }
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    out.push(...keyProblems(k));
    if (typeof v !== 'string') out.push(`annotation ${k} is not a string`);
  }
  return out;
}

/** Problems of one object: its CRD's schema (or, for the Secret, the core type's shape) and its metadata. */
function objectProblems(doc: Doc): string[] {
  const [group, version] = String(doc['apiVersion']).includes('/') ? String(doc['apiVersion']).split('/') : ['', String(doc['apiVersion'])];
  const out = metadataProblems(doc);
  if (group === '' && version === 'v1' && doc['kind'] === 'Secret') {
    for (const [k, v] of Object.entries((doc['stringData'] ?? {}) as Record<string, unknown>)) if (typeof v !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(k)) out.push(`stringData ${k}`);
    const extra = Object.keys(doc).filter((k) => !['apiVersion', 'kind', 'metadata', 'type', 'stringData', 'data', 'immutable'].includes(k));
    if (extra.length > 0) out.push(`Secret fields ${extra.join(',')}`);
    return out;
  }
  const crd = crds.find((c) => c.group === group && c.kind === doc['kind']);
  const validate = crd?.versions.get(version as string);
  if (!validate) return [...out, `no CRD serves ${doc['apiVersion']} ${doc['kind']}`];
  if (!validate(doc)) out.push(...(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  return out;
}

/** What the ApplicationSet controller does with a goTemplate template: `{{ .a.b }}` replaced by the element's value. */
function generate(set: Doc): Doc[] {
  const spec = set['spec'] as { generators: { list: { elements: Doc[] } }[]; template: Doc; goTemplate?: boolean };
  expect(spec.goTemplate).toBe(true);
  const lookup = (element: Doc, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], element);
  const fill = (node: unknown, element: Doc): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\{\{\s*\.([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
        const v = lookup(element, path);
        if (typeof v !== 'string') throw new Error(`missingkey: ${path}`);
        return v;
      });
    }
    if (Array.isArray(node)) return node.map((n) => fill(n, element));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, element)]));
    return node;
  };
  const ns = (set['metadata'] as { namespace: string }).namespace;
  return spec.generators.flatMap((g) => g.list.elements.map((e) => {
    const t = fill(spec.template, e) as { metadata: Doc; spec: Doc & { destination: Record<string, string> } };
    // Argo CD reads an empty destination field as unset (its Go struct omits empty strings).
    const destination = Object.fromEntries(Object.entries(t.spec.destination).filter(([, v]) => v !== ''));
    return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { ...t.metadata, namespace: ns }, spec: { ...t.spec, destination } };
  }));
}

/** Two clusters: a small one, and one with a sharded project `a` beside a project `a-common`. */
const CLUSTERS = new Map<string, string[]>([
  ['lab', ['cluster', 'namespaces/demo']],
  ['prod', ['cluster', 'namespaces/a/common', 'namespaces/a/shard-0', 'namespaces/a/shard-1', 'namespaces/a/shard-2', 'namespaces/a/shard-3', 'namespaces/a-common', 'namespaces/web']],
]);

const OPTIONS = {
  repoURL: ['https://git.example.com/platform/fleet.git', 'http://git.internal/fleet.git', 'ssh://git@git.example.com:2222/platform/fleet.git', 'git@github.com:platform/fleet.git'],
  revision: [undefined, 'main', { branch: 'release/2026' }, 'v1.4.0', { tag: 'fleet-7' }, '>=1.4.0 <2.0.0', { semver: '~1.4' }, '0123456789abcdef0123456789abcdef01234567', { commit: '0123456789abcdef0123456789abcdef01234567', branch: 'main' }],
  path: [undefined, 'deploy/dist'],
  credentials: [undefined, { secretName: 'fleet-repo' }],
  argocd: [undefined, { namespace: 'gitops', project: 'platform' }, { destinations: { lab: { server: 'https://lab.example.com:6443' }, prod: { name: 'prod-east' } } }, { progressiveSync: true }],
  flux: [undefined, { namespace: 'flux', sourceName: 'fleet', interval: '1h30m' }],
} as const;

function* combinations(): Generator<GitOpsProps> {
  for (const repoURL of OPTIONS.repoURL) for (const revision of OPTIONS.revision) for (const path of OPTIONS.path) for (const credentials of OPTIONS.credentials) for (const argocd of OPTIONS.argocd) for (const flux of OPTIONS.flux) {
    yield { repoURL, revision, path, credentials, argocd, flux } as GitOpsProps;
  }
}

describe('the hand-off against the real Argo CD and Flux CRDs', () => {
  it('has the CRDs it validates against, and knows every CEL rule in them', () => {
    expect(crds.map((c) => `${c.group}/${c.kind} ${[...c.versions.keys()].join(',')}`)).toEqual([
      'argoproj.io/Application v1alpha1', 'argoproj.io/ApplicationSet v1alpha1', 'source.toolkit.fluxcd.io/GitRepository v1', 'kustomize.toolkit.fluxcd.io/Kustomization v1',
    ]);
    // CEL rules are not run here: the ones these CRDs have are about fields dvpc never renders.
    expect(crds.flatMap((c) => c.celRules)).toEqual([
      "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
      'has(self.configMapRef) || has(self.secretRef)',
      '!has(self.configMapRef) || !has(self.secretRef)',
    ]);
  });

  it('refuses what the CRDs refuse (the validator is not blind)', () => {
    const files = gitopsFiles({ repoURL: 'https://git.example.com/fleet.git' }, CLUSTERS);
    const [repo] = parseAllDocuments(files.get('gitops/flux/lab/kustomizations.yaml') ?? '').map((d) => d.toJS() as Doc);
    expect(objectProblems(repo as Doc)).toEqual([]);
    // An scp-style URL, as the hand-off used to render it, breaks the GitRepository's URL pattern.
    expect(objectProblems({ ...repo, spec: { ...(repo?.['spec'] as Doc), url: 'git@github.com:platform/fleet.git' } }).join('\n')).toMatch(/\/spec\/url must match pattern/);
    expect(objectProblems({ ...repo, spec: { ...(repo?.['spec'] as Doc), ref: { branch: 'main', tags: 'v1' } } }).join('\n')).toMatch(/\/spec\/ref must NOT have additional properties/);
    const [app] = parseAllDocuments(files.get('gitops/argocd/applications/lab.yaml') ?? '').map((d) => d.toJS() as Doc);
    expect(objectProblems(app as Doc)).toEqual([]);
    expect(objectProblems({ ...app, spec: { ...(app?.['spec'] as Doc), destination: 'lab' } }).join('\n')).toMatch(/\/spec\/destination must be object/);
    expect(objectProblems({ ...app, metadata: { name: 'a_b', namespace: 'argocd' } })).toEqual(['name "a_b"']);
  });

  it('renders objects every CRD accepts, for every combination of the GitOps options', () => {
    let combos = 0;
    let objects = 0;
    const kinds = new Set<string>();
    const valid = new Set<string>();
    for (const props of combinations()) {
      combos++;
      expect(gitOpsProblems(props), JSON.stringify(props)).toEqual([]);
      const rendered = gitopsDocuments(props, CLUSTERS);
      // What is written reads back as the same objects (checked on a sample: the writer has its own tests).
      if (combos % 41 === 1) {
        const files = gitopsFiles(props, CLUSTERS);
        for (const [file, docs] of rendered) expect(parseAllDocuments(files.get(file) ?? '').map((d) => d.toJS()), file).toEqual(docs);
      }
      for (const [file, docs] of rendered) {
        for (const doc of docs as Doc[]) {
          const generated = doc['kind'] === 'ApplicationSet' ? generate(doc) : [];
          for (const o of [doc, ...generated]) {
            objects++;
            kinds.add(String(o['kind']));
            const key = JSON.stringify(o);
            if (valid.has(key)) continue;
            const problems = objectProblems(o);
            if (problems.length > 0) expect.fail(`${file} ${String(o['kind'])}/${String((o['metadata'] as Doc)['name'])} with ${JSON.stringify(props)}:\n${problems.join('\n')}`);
            valid.add(key);
          }
        }
      }
    }
    expect(combos).toBe(4 * 9 * 2 * 2 * 4 * 2);
    expect([...kinds].sort()).toEqual(['Application', 'ApplicationSet', 'GitRepository', 'Kustomization', 'Secret']);
    expect(objects).toBeGreaterThan(combos * 30);
  });
});
