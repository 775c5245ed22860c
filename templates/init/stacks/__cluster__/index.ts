/**
 * The cluster `{{cluster}}`: rendered into dist/{{cluster}}/.
 */
import { existsSync } from 'node:fs';
import type { App } from 'cdk8s';
import { Cluster, ClusterVirtualImage, Cpu, DataSource, Project, VirtualMachine, VirtualMachineClass, VirtualizationModule } from 'dvpc';

/** What the cluster already is, captured with `npx dvpc inventory capture --out inventory/{{cluster}}`. */
const INVENTORY = new URL('../../inventory/{{cluster}}/', import.meta.url);

export function {{clusterIdent}}(app: App): Cluster {
  // Until the inventory is captured, the checks that need it (nodes, StorageClasses, addresses
  // in use, capacity) are skipped, and the report says so.
  const cluster = new Cluster(app, '{{cluster}}', { inventory: existsSync(INVENTORY) ? INVENTORY : undefined });

  new VirtualizationModule(cluster, 'virtualization', {
    dvcr: { size: '50Gi' },
    virtualMachineCIDRs: ['10.66.10.0/24'],
  });

  const ubuntu = new ClusterVirtualImage(cluster, 'ubuntu-24-04', {
    source: DataSource.http('https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img'),
  });

  // Every VM node, with the CPU features they all share, so that VMs can migrate anywhere.
  const workers = { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' as const }] };
  const universal = new VirtualMachineClass(cluster, 'universal', {
    cpu: Cpu.discovery(workers),
    nodeSelector: workers,
    sizingPolicies: [{ cores: { min: 1, max: 4 }, memory: { min: '1Gi', max: '8Gi', step: '512Mi' }, coreFractions: [10, 50, 100] }],
  });

  new VirtualMachine(new Project(cluster, 'demo'), 'linux-vm', {
    vmClass: universal,
    cores: 1,
    memory: '2Gi',
    disks: [{ name: 'root', size: '10Gi', image: ubuntu }],
    address: '10.66.10.14',
  });
  return cluster;
}
