/**
 * Discovery classes derived from the cluster's inventory (SPEC §5), as constructs: one per group
 * of VM nodes and one universal class, with the sizing policies the caller chooses.
 */
import type { Construct } from 'constructs';
import { Cluster } from './cluster.ts';
import { Cpu, VirtualMachineClass, type SizingPolicy } from './vm-class.ts';
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
    if (derivation.problems.length > 0) {
      throw new DvpcError('DVP206', derivation.problems.join('; '), 'label the nodes so that each group can be selected, or group by another label', scope.node.path);
    }
    const classes = new Map<string, VirtualMachineClass>();
    for (const c of derivation.classes) {
      classes.set(c.name, new VirtualMachineClass(scope, c.name, {
        cpu: Cpu.discovery(c.selector),
        nodeSelector: c.selector,
        sizingPolicies: props.sizingPoliciesByClass?.[c.name] ?? props.sizingPolicies,
      }));
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
