/**
 * `dvpc check PATH...`: the same model as synth, from files written by anyone, and the same checks.
 */
import { modelOfPaths, type CheckOptions } from './resources.ts';
import { runChecks, type Report } from '../check/index.ts';

export type { CheckOptions };

export function checkPaths(paths: readonly string[], options: CheckOptions & { readonly onProgress?: (step: string) => void } = {}): Report {
  options.onProgress?.('reading the manifests');
  const { model, diagnostics } = modelOfPaths(paths, options);
  options.onProgress?.(`checking ${model.resources.length} objects`);
  return runChecks(model, options.allow, diagnostics);
}
