/**
 * VirtualMachineBlockDeviceAttachment: a disk or image hot-plugged into a running VM, kept apart
 * from the VM's own `blockDeviceRefs` (a device listed in both fails to attach). The spec is
 * immutable: to move a disk, remove the attachment and create another.
 */
import type { Construct } from 'constructs';
import { DvpObject, namespaceOf, reportProblem, type NamespacedProps } from './base.ts';
import type { VirtualMachine } from './virtual-machine.ts';
import type { VirtualDisk } from './virtual-disk.ts';
import type { Image } from './images.ts';
import { DvpcError } from '../core/errors.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export interface VirtualMachineBlockDeviceAttachmentProps extends NamespacedProps {
  /** The VM: a construct, or the name of a VM in the attachment's namespace. */
  readonly virtualMachine: VirtualMachine | string;
  /** The disk or image to attach; a disk and a VirtualImage must be in the attachment's namespace. */
  readonly blockDevice: VirtualDisk | Image;
}

export class VirtualMachineBlockDeviceAttachment extends DvpObject {
  constructor(scope: Construct, id: string, props: VirtualMachineBlockDeviceAttachmentProps) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const vm = props.virtualMachine;
    const device = props.blockDevice;
    const spec = {
      virtualMachineName: typeof vm === 'string' ? vm : vm.objectName,
      blockDeviceRef: { kind: device.kind, name: device.objectName },
    };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachineBlockDeviceAttachment', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    // The spec names both without a namespace: objects of another namespace would be missing.
    const targets: [{ kind: string; objectName: string; objectNamespace: string | undefined }, string][] = [[device, 'spec.blockDeviceRef.name']];
    if (typeof vm !== 'string') targets.push([vm, 'spec.virtualMachineName']);
    for (const [t, field] of targets) {
      if (t.objectNamespace !== undefined && t.objectNamespace !== namespace) {
        reportProblem(this, new DvpcError('DVP403', `${t.kind} "${t.objectName}" is in namespace "${t.objectNamespace}", the attachment in "${namespace}"`, 'create the attachment in the namespace of its VM and device', this.node.path, field));
      }
    }
  }
}
