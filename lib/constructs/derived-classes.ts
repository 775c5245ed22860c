/**
 * Discovery classes derived from the cluster's inventory (SPEC §5), as constructs: one per group
 * of VM nodes and one universal class, with the sizing policies the caller chooses.
 */
import type { Construct } from 'constructs';
import { Cluster } from './cluster.ts';
import { VirtualMachineClass, type SizingPolicy } from './vm-class.ts';
import { reportProblem } from './base.ts';
import { deriveClasses, type DeriveOptions, type Derivation } from '../classes/derive.ts';
import { loadInventory } from '../inventory/load.ts';
import { DvpcError } from '../core/errors.ts';

export interface DerivedClassesProps extends DeriveOptions {
  /**
   * Sizing policies of every derived class.
   * @default no policy
   */
  readonly sizingPolicies?: readonly SizingPolicy[];
  /**
   * Sizing policies per class name, over `sizingPolicies`.
   * @default none
   */
  readonly sizingPoliciesByClass?: Readonly<Record<string, readonly SizingPolicy[]>>;
}

/** The derived classes of a cluster, by name. */
export class DerivedClasses {
  /** Creates the classes in `scope` from the inventory of its Cluster. */
  static addTo(scope: Construct, props: DerivedClassesProps = {}): DerivedClasses {
    const cluster = Cluster.find(scope);
    if (!cluster.inventoryDir) {
      throw new DvpcError('DVP002', 'deriving classes needs the cluster\'s inventory', 'give the Cluster an inventory folder', scope.node.path);
    }
    const inventory = loadInventory(cluster.inventoryDir);
    const derivation = deriveClasses(inventory, props);
    const unclassed = derivation.problems.filter((p) => p.code !== 'DVP602');
    if (unclassed.length > 0) {
      throw new DvpcError(unclassed[0]?.code ?? 'DVP206', unclassed.map((p) => p.message).join('; '), unclassed[0]?.hint ?? '', scope.node.path);
    }
    const classes = new Map<string, VirtualMachineClass>();
    for (const c of derivation.classes) {
      // A live class is rendered as it is (spec.cpu is immutable); a selection that must change is
      // reported on the class, with the hint to create one under a new name.
      const cls = new VirtualMachineClass(scope, c.name, {
        cpu: c.spec.cpu,
        nodeSelector: c.spec.nodeSelector,
        sizingPolicies: props.sizingPoliciesByClass?.[c.name] ?? props.sizingPolicies,
      });
      classes.set(c.name, cls);
      for (const p of derivation.problems) {
        if (p.className === c.name) reportProblem(cls, new DvpcError(p.code, p.message, p.hint, cls.node.path, 'spec.cpu'));
      }
    }
    return new DerivedClasses(derivation, classes);
  }

  private constructor(
    /** What was derived: selectors, nodes, features. */
    readonly derivation: Derivation,
    private readonly classes: ReadonlyMap<string, VirtualMachineClass>,
  ) {}

  /** A derived class by name; throws when there is none, so a typo fails at once. */
  get(name: string): VirtualMachineClass {
    const c = this.classes.get(name);
    if (!c) throw new DvpcError('DVP201', `no derived class is named "${name}" (derived: ${[...this.classes.keys()].join(', ')})`, 'use one of the derived names, or set `names`', undefined);
    return c;
  }

  get names(): string[] {
    return [...this.classes.keys()];
  }
}
