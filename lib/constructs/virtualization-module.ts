/**
 * The `virtualization` ModuleConfig: DVCR storage, VM subnets, StorageClasses for images and
 * disks, and live migration. Takes the seed's vocabulary (allowed StorageClass names, bandwidth
 * and migrations per node) and renders what the module reads (README: "Seed vs module").
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, reportProblem } from './base.ts';
import { DvpcError } from '../core/errors.ts';
import { MODULE_NAME, type VirtualizationSettings } from '../schema/module-config.ts';
import { parseQuantity, formatBytes, toUnits } from '../core/quantity.ts';

export interface DvcrProps {
  /** Size of the DVCR volume, a quantity such as "50G". */
  readonly size: string;
  /**
   * StorageClass of the DVCR volume. Immutable once the volume exists.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Cron schedule of DVCR garbage collection.
   * @default the module's schedule
   */
  readonly gcSchedule?: string;
}

export interface StorageClassPolicyProps {
  /**
   * StorageClass used when an object names none.
   * @default the cluster's default StorageClass
   */
  readonly defaultStorageClassName?: string;
  /**
   * The only StorageClasses objects may name (rendered as `allowedStorageClassSelector.matchNames`).
   * @default every StorageClass is allowed
   */
  readonly allowedStorageClassNames?: readonly string[];
}

export interface LiveMigrationProps {
  /**
   * Bandwidth a node may spend on migrations, a quantity per second such as "64Mi". Rendered as
   * the annotation `virtualization.deckhouse.io/bandwidth-per-migration` = bandwidthPerNode / maxMigrationsPerNode.
   * @default the module's 640Mi per migration
   */
  readonly bandwidthPerNode?: string;
  /**
   * Migrations a node runs at once, in and out. Rendered as the annotations
   * `…/parallel-inbound-migrations-per-node` and `…/parallel-outbound-migrations-per-node`.
   * @default the module's 1
   */
  readonly maxMigrationsPerNode?: number;
  /**
   * A SystemNetwork (sdn module) that carries migration traffic.
   * @default the node network
   */
  readonly systemNetwork?: string;
}

export interface VirtualizationModuleProps {
  /**
   * Whether the module is enabled.
   * @default true
   */
  readonly enabled?: boolean;
  /** The DVCR image registry's volume. */
  readonly dvcr: DvcrProps;
  /**
   * Subnets VM addresses are allocated from. Once set, the list can never be cleared, and a
   * subnet with leased addresses can never be removed.
   * @default no subnets: no VirtualMachineIPAddress, VMs need explicit non-Main networks
   */
  readonly virtualMachineCIDRs?: readonly string[];
  /**
   * StorageClasses of VirtualImages on PVC.
   * @default no policy
   */
  readonly virtualImages?: StorageClassPolicyProps;
  /**
   * StorageClasses of VirtualDisks.
   * @default no policy
   */
  readonly virtualDisks?: StorageClassPolicyProps;
  /**
   * Live migration tuning.
   * @default the module's defaults
   */
  readonly liveMigration?: LiveMigrationProps;
  /**
   * Any other settings of the module (https, logLevel, featureGates, highAvailability, ...),
   * merged over what the props above render.
   * @default none
   */
  readonly settings?: Omit<VirtualizationSettings, 'dvcr' | 'virtualMachineCIDRs' | 'virtualImages' | 'virtualDisks'>;
}

export const MIGRATION_ANNOTATIONS = {
  bandwidth: 'virtualization.deckhouse.io/bandwidth-per-migration',
  inbound: 'virtualization.deckhouse.io/parallel-inbound-migrations-per-node',
  outbound: 'virtualization.deckhouse.io/parallel-outbound-migrations-per-node',
} as const;

function storagePolicy(p: StorageClassPolicyProps | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  return compact({
    defaultStorageClassName: p.defaultStorageClassName,
    allowedStorageClassSelector: p.allowedStorageClassNames ? { matchNames: [...p.allowedStorageClassNames] } : undefined,
  });
}

export class VirtualizationModule extends DvpObject {
  /** The settings as rendered, for other constructs to read (e.g. the default StorageClasses). */
  readonly settings: VirtualizationSettings;

  constructor(scope: Construct, id: string, props: VirtualizationModuleProps) {
    const { annotations, problems } = migrationAnnotations(props.liveMigration);
    const settings = compact({
      ...props.settings,
      dvcr: compact({
        storage: { type: 'PersistentVolumeClaim', persistentVolumeClaim: compact({ size: props.dvcr.size, storageClassName: props.dvcr.storageClassName }) },
        gc: props.dvcr.gcSchedule ? { schedule: props.dvcr.gcSchedule } : undefined,
      }),
      virtualMachineCIDRs: props.virtualMachineCIDRs ? [...props.virtualMachineCIDRs] : undefined,
      virtualImages: storagePolicy(props.virtualImages),
      virtualDisks: storagePolicy(props.virtualDisks),
      liveMigration: props.liveMigration?.systemNetwork
        ? { network: { type: 'SystemNetwork', systemNetwork: { name: props.liveMigration.systemNetwork } } }
        : props.settings?.liveMigration,
    }) as VirtualizationSettings;
    const spec = { enabled: props.enabled ?? true, version: 1, settings };
    super(scope, id, {
      apiVersion: 'deckhouse.io/v1alpha1',
      kind: 'ModuleConfig',
      name: MODULE_NAME,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      body: { spec },
    });
    this.settings = settings;
    for (const [field, detail, hint] of problems) reportProblem(this, new DvpcError('DVP002', detail, hint, this.node.path, field));
  }
}

/**
 * The seed's two migration knobs, rendered as the annotations the module's hook reads. A knob
 * that does not translate is left out of the annotations and returned as [field, problem, hint].
 */
function migrationAnnotations(lm: LiveMigrationProps | undefined): { annotations: Record<string, string>; problems: [string, string, string][] } {
  const annotations: Record<string, string> = {};
  const problems: [string, string, string][] = [];
  if (!lm) return { annotations, problems };
  const perNode = lm.maxMigrationsPerNode;
  const validPerNode = perNode !== undefined && Number.isInteger(perNode) && perNode >= 1;
  if (perNode !== undefined && !validPerNode) {
    problems.push(['liveMigration.maxMigrationsPerNode', `maxMigrationsPerNode ${perNode} is not a positive integer`, 'set a whole number of migrations, 1 or more']);
  } else if (perNode !== undefined) {
    annotations[MIGRATION_ANNOTATIONS.inbound] = String(perNode);
    annotations[MIGRATION_ANNOTATIONS.outbound] = String(perNode);
  }
  if (lm.bandwidthPerNode !== undefined) {
    const q = parseQuantity(lm.bandwidthPerNode);
    if (q === undefined || q.nanos <= 0n) {
      problems.push(['liveMigration.bandwidthPerNode', `bandwidthPerNode "${lm.bandwidthPerNode}" is not a positive quantity`, 'write it like "64Mi" (bytes per second)']);
    } else {
      // Each of the node's parallel migrations gets an equal share, so the node stays within its budget.
      const perMigration = toUnits(q) / BigInt(validPerNode ? perNode : 1);
      const text = formatBytes(perMigration);
      annotations[MIGRATION_ANNOTATIONS.bandwidth] = /^\d+(Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(text) ? text : String(perMigration);
    }
  }
  return { annotations, problems };
}
