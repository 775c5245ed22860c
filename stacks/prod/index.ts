/**
 * `prod`: a production cluster of eight KVM workers behind three control-plane nodes. Four
 * projects, three VM subnets, two Ceph StorageClasses with an allowed list, 50 VMs, a pool of
 * three build runners, a hot-plugged WAL disk, a snapshot before an upgrade, and a golden image
 * published from a prepared disk.
 */
import type { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CLOUD_INIT_SECRET_TYPE, Cluster, ClusterVirtualImage, Cpu, DataSource, Project, Provisioning, VirtualDisk, VirtualImage,
  VirtualMachine, VirtualMachineBlockDeviceAttachment, VirtualMachineClass, VirtualMachinePool, VirtualMachineSnapshot,
  VirtualizationModule,
} from 'dvpc';
import { ADMIN_SSH_KEY, SEED_SIZING } from '../shared/sizing.ts';

const cloudConfig = (hostname: string, extra: string[] = []) => [
  '#cloud-config',
  `hostname: ${hostname}`,
  'users:',
  '  - name: ops',
  '    sudo: ALL=(ALL) NOPASSWD:ALL',
  '    ssh_authorized_keys:',
  `      - ${ADMIN_SSH_KEY}`,
  ...extra,
  '',
].join('\n');

const pad = (n: number) => String(n).padStart(2, '0');

export function prod(app: App): Cluster {
  const cluster = new Cluster(app, 'prod', { inventory: new URL('./inventory', import.meta.url) });

  new VirtualizationModule(cluster, 'virtualization', {
    dvcr: { size: '100Gi', storageClassName: 'ceph-rbd-ssd' },
    virtualMachineCIDRs: ['10.70.0.0/22', '10.70.4.0/22', '10.80.0.0/24'],
    virtualImages: { defaultStorageClassName: 'ceph-rbd-ssd', allowedStorageClassNames: ['ceph-rbd-ssd'] },
    virtualDisks: { defaultStorageClassName: 'ceph-rbd-ssd', allowedStorageClassNames: ['ceph-rbd-ssd', 'ceph-rbd-hdd'] },
    liveMigration: { bandwidthPerNode: '1Gi', maxMigrationsPerNode: 2 },
    settings: { highAvailability: true, logLevel: 'info' },
  });

  const workers = { matchExpressions: [{ key: 'node.deckhouse.io/group', operator: 'In' as const, values: ['worker'] }] };
  const standard = new VirtualMachineClass(cluster, 'standard', {
    cpu: Cpu.discovery(workers), nodeSelector: workers, sizingPolicies: SEED_SIZING, isDefault: true,
  });
  const compute = VirtualMachineClass.host(cluster, { name: 'compute', nodeSelector: workers, sizingPolicies: SEED_SIZING });

  const ubuntu = new ClusterVirtualImage(cluster, 'ubuntu-24-04', {
    source: DataSource.http('https://cloud-images.ubuntu.com/noble/20261101/noble-server-cloudimg-amd64.img', {
      checksum: { sha256: '5a3c2a1d9c6f0b7e8d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f21' },
    }),
  });
  const debian = new ClusterVirtualImage(cluster, 'debian-12', {
    source: DataSource.http('https://cdimage.debian.org/images/cloud/bookworm/20261020-1912/debian-12-genericcloud-amd64-20261020-1912.qcow2', {
      checksum: { sha512: 'a'.repeat(32) + 'b'.repeat(32) + 'c'.repeat(32) + 'd'.repeat(32) },
    }),
  });
  const alma = new ClusterVirtualImage(cluster, 'alma-9', {
    source: DataSource.containerImage('registry.prod.example/vm-images/almalinux:9.6'),
  });

  // web: 20 small front ends sharing one cloud-init Secret.
  const web = new Project(cluster, 'web', { labels: { team: 'frontend' } });
  const webInit = new kplus.Secret(web, 'cloud-init', {
    metadata: { name: 'web-cloud-init', namespace: web.namespaceName },
    type: CLOUD_INIT_SECRET_TYPE,
    stringData: { userData: cloudConfig('web', ['packages:', '  - nginx', 'runcmd:', '  - systemctl enable --now nginx']) },
  });
  for (let i = 1; i <= 20; i++) {
    new VirtualMachine(web, `web-${pad(i)}`, {
      vmClass: standard, cores: 2, coreFraction: '20%', memory: '4Gi',
      disks: [{ name: 'root', size: '20Gi', image: ubuntu }],
      provisioning: Provisioning.userDataSecret(webInit),
      labels: { app: 'web' },
    });
  }

  // A golden image: a disk prepared in the web project, published to every project.
  const golden = new VirtualDisk(web, 'web-golden', { size: '20Gi', source: DataSource.from(ubuntu) });
  new ClusterVirtualImage(cluster, 'web-golden', { source: DataSource.from(golden) });

  // db: six databases with fixed addresses, a data disk on HDD and their own cloud-init Secret.
  const db = new Project(cluster, 'db', { labels: { team: 'data' } });
  const pgBase = new VirtualImage(db, 'postgres-base', {
    source: DataSource.from(debian), storage: 'PersistentVolumeClaim', storageClassName: 'ceph-rbd-ssd',
  });
  const dbs: VirtualMachine[] = [];
  for (let i = 1; i <= 6; i++) {
    dbs[i] = new VirtualMachine(db, `db-${pad(i)}`, {
      vmClass: compute, cores: 8, coreFraction: '100%', memory: '16Gi',
      disks: [
        { name: 'root', size: '40Gi', image: pgBase },
        { name: 'data', size: '500Gi', storageClassName: 'ceph-rbd-hdd' },
      ],
      address: `10.70.4.${9 + i}`,
      provisioning: Provisioning.cloudInitSecret(cloudConfig(`db-${pad(i)}`, ['packages:', '  - postgresql-15'])),
      runPolicy: 'AlwaysOn',
      labels: { app: 'postgres' },
      virtualMachineAntiAffinity: { matchLabels: { app: 'postgres' } },
    });
  }
  // db-01 gets a write-ahead-log disk hot-plugged, and a snapshot before its upgrade.
  const db01 = dbs[1] as VirtualMachine;
  const wal = new VirtualDisk(db, 'db-01-wal', { size: '50Gi', storageClassName: 'ceph-rbd-ssd' });
  new VirtualMachineBlockDeviceAttachment(db, 'attach-db-01-wal', { virtualMachine: db01, blockDevice: wal });
  new VirtualMachineSnapshot(db, 'db-01-before-upgrade', { virtualMachine: db01, keepIPAddress: 'Always' });

  // ci: sixteen runners on AlmaLinux, half a core each.
  const ci = new Project(cluster, 'ci', { labels: { team: 'platform' } });
  for (let i = 1; i <= 16; i++) {
    new VirtualMachine(ci, `runner-${pad(i)}`, {
      vmClass: standard, cores: 4, coreFraction: '50%', memory: '8Gi',
      disks: [{ name: 'root', size: '60Gi', image: alma }],
      provisioning: Provisioning.cloudInitSecret(cloudConfig(`runner-${pad(i)}`)),
      labels: { app: 'ci-runner' },
    });
  }

  // ci: three build runners as a pool, each with its own root disk and a build cache kept across scale-downs.
  new VirtualMachinePool(ci, 'builders', {
    replicas: 3, vmClass: standard, cores: 4, coreFraction: '50%', memory: '8Gi',
    disks: [
      { name: 'root', size: '60Gi', image: alma, bootOrder: 1 },
      { name: 'cache', size: '100Gi', storageClassName: 'ceph-rbd-hdd', retain: { keep: 2, ttl: '24h' } },
    ],
    provisioning: Provisioning.cloudInitSecret(cloudConfig('builder')),
    memberLabels: { app: 'builder' },
    virtualMachineAntiAffinity: { matchLabels: { app: 'builder' }, mode: 'Preferred' },
  });

  // analytics: eight large workers on the host CPU, fixed addresses in their own subnet.
  const analytics = new Project(cluster, 'analytics', { labels: { team: 'data' } });
  for (let i = 1; i <= 8; i++) {
    new VirtualMachine(analytics, `worker-${pad(i)}`, {
      vmClass: compute, cores: 16, memory: '32Gi',
      disks: [
        { name: 'root', size: '40Gi', image: ubuntu },
        { name: 'scratch', size: '1Ti', storageClassName: 'ceph-rbd-hdd' },
      ],
      address: `10.80.0.${10 + i}`,
      provisioning: Provisioning.cloudInitSecret(cloudConfig(`worker-${pad(i)}`)),
      restartApprovalMode: 'Automatic',
      labels: { app: 'spark' },
    });
  }
  return cluster;
}
