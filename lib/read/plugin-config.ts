/**
 * What kustomize's builtin plugins, configured under `generators`, `transformers` and
 * `validators` (in a file or inline), add to a build: a SecretGenerator is a secretGenerator, a
 * ConfigMapGenerator a configMapGenerator (whatever their apiVersion: the same content), the
 * patch transformers are patches, a ReplacementTransformer's replacements are `replacements`. Any other generator (Helm, an exec or function plugin) adds
 * content dvpc cannot check. Everything found is reported on the kustomization's entry, and the
 * paths a configuration names are relative to the kustomization's folder, as kustomize loads them.
 * Pure.
 */
import type { FieldPath, Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import { generatorEntry, readsAsResources, replacementEntries, type EntryBudget, type GeneratorEntry, type InlinePatch, type InlineReplacement, type Listed, type PatchFile, type PluginField } from './kustomize-config.ts';

export interface PluginContent {
  readonly generators: GeneratorEntry[];
  readonly inlinePatches: InlinePatch[];
  readonly patchFiles: PatchFile[];
  /** A ReplacementTransformer's replacements, as a kustomization's `replacements`. */
  readonly inlineReplacements: InlineReplacement[];
  readonly replacementFiles: Listed[];
  /** Generators dvpc does not model, by kind. */
  readonly unknown: { readonly path: FieldPath; readonly kind: string }[];
  /** Other configurations (labels, annotations...): scanned as objects for secrets. */
  readonly scan: { readonly path: FieldPath; readonly doc: JsonObject }[];
}

export function emptyPluginContent(): PluginContent {
  return { generators: [], inlinePatches: [], patchFiles: [], inlineReplacements: [], replacementFiles: [], unknown: [], scan: [] };
}

/** The objects of documents, Lists flattened as kustomize reads them (configurations and patches alike). */
export function flattenLists(values: readonly Json[]): JsonObject[] {
  const out: JsonObject[] = [];
  const stack = [...values].reverse();
  while (stack.length > 0) {
    const v = stack.pop() as Json;
    if (!isJsonObject(v)) continue;
    const items = v['items'];
    if (typeof v['kind'] === 'string' && v['kind'].endsWith('List') && Array.isArray(items)) stack.push(...[...items].reverse());
    else out.push(v);
  }
  return out;
}

/** A patch transformer's patches (PatchTransformer, PatchStrategicMergeTransformer, PatchJson6902Transformer). */
function transformerPatches(doc: JsonObject, at: FieldPath, budget: EntryBudget, into: PluginContent): boolean {
  const target = doc['target'];
  const inline = (text: Json | undefined) => {
    if (typeof text === 'string' && text !== '' && budget.take(at)) into.inlinePatches.push({ path: at, text, target });
  };
  const file = (ref: Json | undefined) => {
    if (typeof ref === 'string' && ref !== '' && budget.take(at)) into.patchFiles.push({ path: at, ref, target });
  };
  switch (doc['kind']) {
    case 'PatchTransformer':
      inline(doc['patch']);
      file(doc['path']);
      return true;
    case 'PatchJson6902Transformer':
      inline(doc['jsonOp']);
      file(doc['path']);
      return true;
    case 'PatchStrategicMergeTransformer': {
      inline(doc['patches']);
      const paths = doc['paths'];
      // The same legacy guess as patchesStrategicMerge: content when it reads as resources.
      if (Array.isArray(paths)) for (const p of paths) if (typeof p === 'string') (readsAsResources(p) ? inline : file)(p);
      return true;
    }
    default:
      return false;
  }
}

/** What the configurations of one `generators`/`transformers`/`validators` entry (at `at`) add. */
export function pluginContent(values: readonly Json[], field: PluginField, at: FieldPath, budget: EntryBudget, into: PluginContent = emptyPluginContent()): PluginContent {
  for (const doc of flattenLists(values)) {
    const kind = typeof doc['kind'] === 'string' ? doc['kind'] : '';
    if (field === 'generators') {
      if (kind === 'SecretGenerator' || kind === 'ConfigMapGenerator') into.generators.push(generatorEntry(kind === 'SecretGenerator' ? 'Secret' : 'ConfigMap', doc, [], budget, at));
      else into.unknown.push({ path: at, kind });
    } else if (!transformerPatches(doc, at, budget, into)) {
      if (kind === 'ReplacementTransformer') replacementEntries(doc['replacements'], [], budget, into.replacementFiles, into.inlineReplacements, at);
      into.scan.push({ path: at, doc });
    }
  }
  return into;
}
