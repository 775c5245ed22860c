/**
 * VirtualMachineMACAddress: a MAC address claim for a VM's additional network interface (Network
 * or ClusterNetwork), named in the VM's `networks[].macAddress`.
 */
import type { Construct } from 'constructs';
import { DvpObject, namespaceOf, type NamespacedProps } from './base.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

export interface VirtualMachineMACAddressProps extends NamespacedProps {
  /**
   * The fixed address, six hexadecimal pairs (e.g. "02:00:5e:10:00:01"); unique in the cluster.
   * @default none: the module picks a random address within the cluster's OUI
   */
  readonly address?: string;
}

export class VirtualMachineMACAddress extends DvpObject {
  /** The fixed address, if any. */
  readonly address: string | undefined;

  constructor(scope: Construct, id: string, props: VirtualMachineMACAddressProps = {}) {
    const name = props.name ?? id;
    const namespace = namespaceOf(scope, props.namespace);
    const spec = props.address !== undefined ? { address: props.address } : {};
    super(scope, id, { apiVersion: V1ALPHA2, kind: 'VirtualMachineMACAddress', name, namespace, labels: props.labels, annotations: props.annotations, body: { spec } });
    this.address = props.address;
  }
}
