/**
 * The checker as a cdk8s validation of a Cluster: `app.synth()`, `cdk8s synth` on a plain app,
 * `Testing.synth(chart)` and `chart.toJson()` run it before they render anything, and fail with
 * every error the checks find: the same diagnostics `dvpc synth` reports for the same stack
 * (only the layout of the output differs). Warnings do not fail a cdk8s synth; they are printed
 * on standard error.
 *
 * cdk8s validates the whole app once per synth and again for every chart it renders, so the
 * result is kept, and reused for as long as the cluster renders to the same objects.
 */
import { DvpcError } from '../core/errors.ts';
import { constructDiagnostic } from '../core/diagnostic.ts';
import { loadInventory } from '../inventory/load.ts';
import { jsonEqual } from '../model/json-diff.ts';
import type { CollectedObject } from '../render/cluster-files.ts';
import { problemsIn, validationLine } from './base.ts';
import type { Cluster } from './cluster.ts';
import { checkCollected, collectCluster } from './compile.ts';

interface Checked {
  readonly objects: readonly CollectedObject[];
  readonly problems: number;
  readonly errors: string[];
}

function sameObjects(a: readonly CollectedObject[], b: readonly CollectedObject[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as CollectedObject;
    const y = b[i] as CollectedObject;
    if (x.origin.constructPath !== y.origin.constructPath || !jsonEqual(x.body, y.body)) return false;
  }
  return true;
}

export class ClusterValidation {
  private last: Checked | undefined;

  constructor(private readonly cluster: Cluster) {}

  /** The errors of the cluster's checks, one line each (empty when it passes). */
  validate(): string[] {
    let objects: CollectedObject[];
    try {
      objects = collectCluster(this.cluster);
    } catch (e) {
      if (e instanceof DvpcError) return [validationLine(constructDiagnostic(e))];
      throw e;
    }
    const problems = problemsIn(this.cluster, this.cluster).length;
    if (this.last && this.last.problems === problems && sameObjects(this.last.objects, objects)) return this.last.errors;
    const inventory = this.cluster.inventoryDir !== undefined ? loadInventory(this.cluster.inventoryDir) : undefined;
    // Diagnostics name the files `dvpc synth` would write, relative to its output folder.
    const { report } = checkCollected(this.cluster, objects, { outdirShown: '', emit: false, inventory });
    const errors: string[] = [];
    for (const d of report.diagnostics) {
      if (d.severity === 'error') errors.push(validationLine(d));
      else process.stderr.write(`dvpc: warning: [${this.cluster.node.path}] ${validationLine(d)}\n`);
    }
    this.last = { objects, problems, errors };
    return errors;
  }
}
