/**
 * `dvpc check PATH...`: the same model as synth, from files written by anyone, and the same checks.
 */
import { modelOfPaths, type CheckOptions } from './resources.ts';
import { runChecks, type Report } from '../check/index.ts';

export type { CheckOptions };

export function checkPaths(paths: readonly string[], options: CheckOptions = {}): Report {
  const { model, diagnostics } = modelOfPaths(paths, options);
  return runChecks(model, options.allow, diagnostics);
}
