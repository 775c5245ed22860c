/**
 * The maintenance parts of `dvpc classes --format text` (SPEC §7): for each class, the nodes its
 * VMs can live-migrate among; for each StorageClass, the access and volume modes the module will
 * give disks on it.
 */
import type { Inventory } from '../inventory/types.ts';
import type { DerivedClass } from './derive.ts';
import { isVmNode } from '../model/placement.ts';
import { describeDomain, migrationDomain } from '../model/migration.ts';
import { predictModes, shortModes } from '../model/storage-modes.ts';

/** "  migration domain: ..." for a derived class (Discovery: anywhere among its available VM nodes). */
export function migrationDomainLine(c: DerivedClass): string {
  const nodes = c.available.filter((n) => isVmNode(n, []));
  const domain = migrationDomain({ cpu: { type: 'Discovery' } }, nodes);
  return `  migration domain: ${nodes.length < 2 ? `none: ${nodes.length} VM node, VMs of the class cannot live-migrate` : describeDomain(domain, 12)}`;
}

/** One line per StorageClass of the inventory: the disk modes the module will choose, and from what. */
export function storageModesText(inv: Inventory): string[] {
  const lines: string[] = [];
  for (const sc of [...inv.storageClasses.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const m = predictModes(inv, sc, {});
    const from = m.accessFrom === m.volumeFrom ? m.accessFrom : `access from ${m.accessFrom}, volume mode from ${m.volumeFrom}`;
    lines.push(`storage class ${sc.name}  (${sc.provisioner ?? 'no provisioner'}): disks ${shortModes(m)} (${from})${m.accessMode === 'ReadWriteMany' ? '' : '; VMs with such disks cannot live-migrate in CE'}`);
    if (m.docsDiffer) lines.push('  note: the admin guide says RWO + FileSystem for storage it does not know; the module\'s code picks RWO + Block, and dvpc follows the code');
  }
  return lines;
}
