/**
 * `lab`: the seed's cluster. A control-plane node and four workers: two `group=blue` with an
 * older CPU (IvyBridge), two `group=green` with a newer one (Cascade Lake).
 */
import type { App } from 'cdk8s';
import {
  Cluster, ClusterVirtualImage, Cpu, DataSource, DerivedClasses, Project, Provisioning, VirtualMachine,
  VirtualMachineClass, VirtualizationModule,
} from 'dvpc';
import { ADMIN_SSH_KEY, SEED_SIZING } from '../shared/sizing.ts';

export function lab(app: App): Cluster {
  const cluster = new Cluster(app, 'lab', { inventory: new URL('./inventory', import.meta.url) });

  // The seed's module settings, with its live-migration knobs rendered as the module reads them.
  new VirtualizationModule(cluster, 'virtualization', {
    dvcr: { size: '50G', storageClassName: 'sds-replicated-thin-r1' },
    virtualMachineCIDRs: ['10.66.10.0/24'],
    liveMigration: { bandwidthPerNode: '64Mi', maxMigrationsPerNode: 2 },
  });

  // The seed's three images: HTTP, container image, upload.
  const ubuntu = new ClusterVirtualImage(cluster, 'ubuntu-22-04', {
    source: DataSource.http('https://cloud-images.ubuntu.com/minimal/releases/jammy/release/ubuntu-22.04-minimal-cloudimg-amd64.img'),
  });
  new ClusterVirtualImage(cluster, 'ubuntu-2204', {
    source: DataSource.containerImage('registry.lab.example/images/ubuntu2204:latest'),
  });
  new ClusterVirtualImage(cluster, 'some-image', { source: DataSource.upload() });

  // The seed's classes, derived from the inventory: `universal` over every VM node, and one per
  // CPU group (`group=blue`, `group=green`), named as the seed names them (cpuX/cpuY are not valid
  // object names, hence cpu-x/cpu-y). Plus the seed's `discovery` class with its four policies.
  const derived = DerivedClasses.addTo(cluster, { groupBy: 'group', names: { blue: 'cpu-x', green: 'cpu-y' }, sizingPolicies: SEED_SIZING });
  const universal = derived.get('universal');
  const cpuX = derived.get('cpu-x');
  const cpuY = derived.get('cpu-y');
  const workers = { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' as const }] };
  new VirtualMachineClass(cluster, 'discovery', {
    cpu: Cpu.discovery(workers),
    nodeSelector: { matchExpressions: [{ key: 'node.deckhouse.io/group', operator: 'In', values: ['worker'] }] },
    sizingPolicies: SEED_SIZING,
  });

  const demo = new Project(cluster, 'lab-demo');
  // The seed's linux-vm: a tenth of a core, cloud-init inline, the address the seed shows.
  new VirtualMachine(demo, 'linux-vm', {
    vmClass: universal,
    cores: 1,
    coreFraction: '10%',
    memory: '1Gi',
    disks: [{ name: 'root', size: '10Gi', image: ubuntu }],
    address: '10.66.10.14',
    provisioning: Provisioning.userData([
      '#cloud-config',
      'package_update: true',
      'packages:',
      '  - qemu-guest-agent',
      'runcmd:',
      '  - systemctl enable --now qemu-guest-agent.service',
      'users:',
      '  - name: cloud',
      '    shell: /bin/bash',
      '    sudo: ALL=(ALL) NOPASSWD:ALL',
      '    ssh_authorized_keys:',
      `      - ${ADMIN_SSH_KEY}`,
      '',
    ].join('\n')),
  });
  // Pinned to the older CPUs; the class's default core fraction (100%) is rendered explicitly.
  new VirtualMachine(demo, 'build-1', {
    vmClass: cpuX,
    cores: 6,
    coreFraction: '50%',
    memory: '12Gi',
    disks: [{ name: 'root', size: '40Gi', image: ubuntu }, { name: 'cache', size: '100Gi' }],
  });
  new VirtualMachine(demo, 'db-1', {
    vmClass: cpuY,
    cores: 4,
    memory: '8Gi',
    disks: [{ name: 'root', size: '20Gi', image: ubuntu }, { name: 'data', size: '200Gi', storageClassName: 'sds-replicated-thin-r2' }],
    runPolicy: 'AlwaysOn',
  });
  return cluster;
}
