/**
 * DVP106 for MAC addresses: two VirtualMachineMACAddress claims of one address. The module would
 * bind the address to the first claim to lease it, and leave the other's VM without its network;
 * as with IP addresses, the conflict is reported on the later claim in dvpc's order.
 */
import type { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';
import { normalizeMac } from '../schema/addresses.ts';

export function checkMacAddresses(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const claimed = new Map<string, Resource>();
  for (const r of model.ofKind('VirtualMachineMACAddress')) {
    const address = model.valid<{ spec?: { address?: string } }>(r)?.spec?.address;
    if (address === undefined) continue;
    const key = normalizeMac(address);
    const earlier = claimed.get(key);
    if (earlier) {
      out.push(diagnose('DVP106', r, ['spec', 'address'], `MAC address ${address} is already claimed by VirtualMachineMACAddress ${earlier.namespace}/${earlier.name}`, 'give each claim its own address, or leave spec.address out to get one from the module'));
    } else {
      claimed.set(key, r);
    }
  }
  return out;
}
