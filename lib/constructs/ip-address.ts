/**
 * VirtualMachineIPAddress: a VM address claim, Static (a fixed IP from virtualMachineCIDRs) or Auto.
 */
import type { Construct } from 'constructs';
import { DvpObject, namespaceOf, type NamespacedProps } from './base.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export interface VirtualMachineIPAddressProps extends NamespacedProps {
  /**
   * The fixed IPv4 address; it must lie in a virtualMachineCIDR and be neither its first nor last address.
   * @default none: the module allocates an address (type Auto)
   */
  readonly staticIP?: string;
}

export class VirtualMachineIPAddress extends DvpObject {
  /** The static address, if any. */
  readonly staticIP: string | undefined;

  constructor(scope: Construct, id: string, props: VirtualMachineIPAddressProps = {}) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const spec = props.staticIP !== undefined ? { type: 'Static', staticIP: props.staticIP } : { type: 'Auto' };
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachineIPAddress', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    this.staticIP = props.staticIP;
  }
}
