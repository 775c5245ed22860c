/**
 * Which edition of the module the cluster runs, as far as migration cares (UPSTREAM-MIGRATION
 * §2.7): CE refuses to migrate VMs with ReadWriteOnce disks, every other edition (written EE)
 * copies them. No object states the edition, so: what the user says (Cluster `edition`,
 * `--edition`), else what the inventory shows, else CE, which is the cautious answer and said so.
 */
import type { Edition } from '../inventory/types.ts';
import type { ClusterModel } from './cluster-model.ts';

export type { Edition };

export interface EditionInfo {
  readonly edition: Edition;
  /** given: by the user; inventory: shown by its objects; assumed: nothing tells. */
  readonly source: 'given' | 'inventory' | 'assumed';
  /** Why, in a few words fit for a message. */
  readonly evidence: string;
}

export function editionOf(model: ClusterModel): EditionInfo {
  if (model.edition) return { edition: model.edition, source: 'given', evidence: 'given by the Cluster edition or --edition' };
  const signals = model.inventory?.editionSignals ?? [];
  const editions = new Set(signals.map((s) => s.edition));
  const first = signals[0];
  if (editions.size === 1 && first) return { edition: first.edition, source: 'inventory', evidence: `inferred: ${first.evidence}` };
  if (editions.size > 1) {
    const ce = signals.find((s) => s.edition === 'CE');
    const ee = signals.find((s) => s.edition === 'EE');
    return { edition: 'CE', source: 'assumed', evidence: `assumed: the inventory disagrees with itself (${ce?.evidence}; ${ee?.evidence}); pass --edition` };
  }
  return { edition: 'CE', source: 'assumed', evidence: 'assumed: no Cluster edition, --edition or inventory object says which' };
}

/** "the Community Edition (assumed: ...)" or "an edition other than CE (as given ...)". */
export function editionPhrase(info: EditionInfo): string {
  return `${info.edition === 'CE' ? 'the Community Edition' : 'an edition other than CE'} (${info.evidence})`;
}
