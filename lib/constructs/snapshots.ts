/**
 * VirtualMachineSnapshot and VirtualDiskSnapshot: a point-in-time copy of a VM (its disks and
 * configuration) or of one disk. Specs are immutable: a snapshot is taken once, when the object
 * is created. Rendered with prune protection, so removing one from git never deletes the backup.
 * A disk or image can be made from a VirtualDiskSnapshot (`DataSource.from(snapshot)`).
 */
import type { Construct } from 'constructs';
import { DvpObject, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import type { SourceObject } from './image-source.ts';
import type { VirtualMachine } from './virtual-machine.ts';
import type { VirtualDisk } from './virtual-disk.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export interface VirtualMachineSnapshotProps extends NamespacedProps {
  /** The VM: a construct, or the name of a VM in the snapshot's namespace. */
  readonly virtualMachine: VirtualMachine | string;
  /**
   * Whether a VM restored from the snapshot keeps the VM's IP address (`Always`) or gets a new one (`Never`).
   * @default "Always"
   */
  readonly keepIPAddress?: 'Always' | 'Never';
  /**
   * Whether the snapshot must be consistent: the guest's filesystems are frozen (needs the guest agent) or the VM is stopped.
   * @default true
   */
  readonly requiredConsistency?: boolean;
}

/** Records a target of another namespace: the rendered object names it without a namespace. */
function checkNamespace(owner: DvpObject, target: { kind: string; objectName: string; objectNamespace: string | undefined }, namespace: string, field: string): void {
  if (target.objectNamespace !== undefined && target.objectNamespace !== namespace) {
    reportProblem(owner, new DvpcError('DVP403', `${target.kind} "${target.objectName}" is in namespace "${target.objectNamespace}", the ${owner.kind} in "${namespace}"`, `create the ${owner.kind} in the namespace of its ${target.kind}`, owner.node.path, field));
  }
}

export class VirtualMachineSnapshot extends DvpObject {
  constructor(scope: Construct, id: string, props: VirtualMachineSnapshotProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const vm = props.virtualMachine;
    const spec = {
      virtualMachineName: typeof vm === 'string' ? vm : vm.objectName,
      keepIPAddress: props.keepIPAddress ?? 'Always',
      requiredConsistency: props.requiredConsistency ?? true,
    };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachineSnapshot', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    if (typeof vm !== 'string') checkNamespace(this, vm, namespace, 'spec.virtualMachineName');
  }
}

export interface VirtualDiskSnapshotProps extends NamespacedProps {
  /** The disk: a construct, or the name of a disk in the snapshot's namespace. */
  readonly virtualDisk: VirtualDisk | string;
  /**
   * Whether the snapshot must be consistent: the disk's VM is frozen (needs the guest agent) or stopped.
   * @default true
   */
  readonly requiredConsistency?: boolean;
}

export class VirtualDiskSnapshot extends DvpObject implements SourceObject {
  override readonly kind = 'VirtualDiskSnapshot' as const;

  constructor(scope: Construct, id: string, props: VirtualDiskSnapshotProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const disk = props.virtualDisk;
    const spec = {
      virtualDiskName: typeof disk === 'string' ? disk : disk.objectName,
      requiredConsistency: props.requiredConsistency ?? true,
    };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualDiskSnapshot', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    if (typeof disk !== 'string') checkNamespace(this, disk, namespace, 'spec.virtualDiskName');
  }
}
