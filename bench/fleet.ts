/**
 * Synthetic fleets for the benchmark: one plain description, rendered three ways (dvpc
 * constructs, bare cdk8s ApiObjects with the same manifests, and YAML on disk), plus an
 * inventory that holds it. Deterministic: the same N gives the same fleet.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import {
  CLOUD_INIT_SECRET_TYPE, Cluster, ClusterVirtualImage, Cpu, DataSource, Project, Provisioning,
  VirtualMachine, VirtualMachineClass, VirtualizationModule, type SizingPolicy,
} from '../lib/index.ts';
import { emitDocuments } from '../lib/render/yaml-emit.ts';
import type { Json } from '../lib/core/json.ts';

export interface VmSpec {
  name: string;
  cls: 'std' | 'compute' | 'generic';
  cores: number;
  coreFraction: string;
  memory: string;
  image: string;
  dataDisk: string | undefined;
  ip: string | undefined;
  cloudInit: string | undefined;
}

export interface FleetSpec {
  clusters: { name: string; cidr: string; projects: { name: string; vms: VmSpec[] }[] }[];
}

const SIZES = [0.3, 0.2, 0.15, 0.1, 0.08, 0.07, 0.05, 0.05];
const IMAGES = ['ubuntu-24-04', 'debian-12', 'alma-9'];
/** VMs per cluster of a multi-cluster fleet (`fleetSpec(n)`); `fleetSpec(n, n)` puts all in one cluster. */
export const VMS_PER_CLUSTER = 10_000;

const POLICIES: SizingPolicy[] = [
  { cores: { min: 1, max: 4 }, memory: { min: '1Gi', max: '16Gi', step: '512Mi' }, coreFractions: [10, 20, 50, 100] },
  { cores: { min: 5, max: 16 }, memory: { perCore: { min: '1Gi', max: '8Gi' } }, coreFractions: [50, 100] },
];

/** A small deterministic generator (mulberry32), so fleets are the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n VMs in clusters of at most `perCluster` (one cluster when perCluster >= n). Projects take
 * 30%, 20%, 15%, ... of their cluster, so a 50,000-VM cluster has a 15,000-VM project, which the
 * layout shards into folders of about 1,000 VMs.
 */
export function fleetSpec(n: number, perCluster = VMS_PER_CLUSTER): FleetSpec {
  const rnd = random(n);
  const clusters: FleetSpec['clusters'] = [];
  for (let c = 0; c * perCluster < n; c++) {
    const count = Math.min(perCluster, n - c * perCluster);
    let host = 10;
    const projects = SIZES.map((f, p) => {
      const size = p === SIZES.length - 1 ? count - SIZES.slice(0, -1).reduce((s, x) => s + Math.floor(x * count), 0) : Math.floor(f * count);
      const vms: VmSpec[] = [];
      for (let i = 0; i < size; i++) {
        const roll = rnd();
        const cls = roll < 0.6 ? 'std' : roll < 0.85 ? 'compute' : 'generic';
        const cores = cls === 'generic' ? [1, 2, 4][Math.floor(rnd() * 3)] as number : [1, 2, 4, 8][Math.floor(rnd() * 4)] as number;
        const coreFraction = cls === 'generic' ? '50%' : cores > 4 ? '100%' : ['10%', '20%', '50%', '100%'][Math.floor(rnd() * 4)] as string;
        const memory = `${cores * 2}Gi`;
        const ip = rnd() < 0.2 ? `10.${100 + c}.${Math.floor(host / 250)}.${(host++ % 250) + 2}` : undefined;
        vms.push({
          name: `vm-${String(i).padStart(5, '0')}`,
          cls, cores, coreFraction, memory,
          image: IMAGES[i % 3] as string,
          dataDisk: rnd() < 0.3 ? `${10 * (1 + Math.floor(rnd() * 10))}Gi` : undefined,
          ip,
          cloudInit: rnd() < 0.3 ? `#cloud-config\nhostname: vm-${i}\nusers:\n  - name: ops\n    ssh_authorized_keys:\n      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench${i} ops@bench\n` : undefined,
        });
      }
      return { name: `project-${p}`, vms };
    });
    clusters.push({ name: `bench-${c}`, cidr: `10.${100 + c}.0.0/16`, projects });
  }
  return { clusters };
}

/**
 * The inventory every bench cluster runs on: large KVM workers (100 per 10,000 VMs of the largest
 * cluster, so capacity checks pass) and a default StorageClass.
 */
export function writeInventory(dir: string, largestCluster = VMS_PER_CLUSTER): void {
  mkdirSync(dir, { recursive: true });
  const nodes = 100 * Math.max(1, Math.ceil(largestCluster / 10_000));
  const items = Array.from({ length: nodes }, (_, i) => ({
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: `node-${i}`, labels: {
      'node.deckhouse.io/group': 'worker', 'virtualization.deckhouse.io/kvm-enabled': 'true',
      'cpu-model.node.virtualization.deckhouse.io/Nehalem': 'true', 'cpu-feature.node.virtualization.deckhouse.io/aes': 'true',
      'cpu-feature.node.virtualization.deckhouse.io/avx': 'true', 'host-model-cpu.node.virtualization.deckhouse.io/Icelake-Server': 'true',
    } },
    status: { addresses: [{ type: 'InternalIP', address: `192.168.${Math.floor(i / 200)}.${(i % 200) + 10}` }], allocatable: { cpu: '512', memory: '2Ti' } },
  }));
  writeFileSync(join(dir, 'nodes.yaml'), emitDocuments([{ apiVersion: 'v1', kind: 'List', items } as { [k: string]: Json }]));
  // Ceph RBD gives ReadWriteMany block volumes, as a production cluster's VM storage does: the VMs
  // can live-migrate, so DVP504 has nothing to say (an unknown provisioner would flag every VM).
  writeFileSync(join(dir, 'storage.yaml'), emitDocuments([{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rbd.csi.ceph.com' }]));
  writeFileSync(join(dir, 'nodegroups.yaml'), emitDocuments([{ apiVersion: 'deckhouse.io/v1', kind: 'NodeGroup', metadata: { name: 'worker' }, spec: { fencing: { mode: 'Watchdog' } } }]));
}

/** The fleet through dvpc's constructs. */
export function dvpcApp(spec: FleetSpec, inventory: string): App {
  const app = new App();
  for (const c of spec.clusters) {
    const cluster = new Cluster(app, c.name, { inventory });
    new VirtualizationModule(cluster, 'virtualization', { dvcr: { size: '100Gi' }, virtualMachineCIDRs: [c.cidr] });
    const workers = { matchLabels: { 'node.deckhouse.io/group': 'worker' } };
    const classes = {
      std: new VirtualMachineClass(cluster, 'std', { cpu: Cpu.discovery(workers), nodeSelector: workers, sizingPolicies: POLICIES }),
      compute: VirtualMachineClass.host(cluster, { name: 'compute', sizingPolicies: POLICIES }),
      generic: 'generic',
    } as const;
    const images = Object.fromEntries(IMAGES.map((i) => [i, new ClusterVirtualImage(cluster, i, { source: DataSource.http(`https://images.example.com/${i}.qcow2`) })]));
    for (const p of c.projects) {
      const project = new Project(cluster, p.name);
      for (const vm of p.vms) {
        new VirtualMachine(project, vm.name, {
          vmClass: classes[vm.cls], cores: vm.cores, coreFraction: vm.coreFraction, memory: vm.memory,
          disks: [{ name: 'root', size: '20Gi', image: images[vm.image] as ClusterVirtualImage }, ...(vm.dataDisk ? [{ name: 'data', size: vm.dataDisk }] : [])],
          address: vm.ip,
          provisioning: vm.cloudInit ? Provisioning.cloudInitSecret(vm.cloudInit) : undefined,
        });
      }
    }
  }
  return app;
}

const G = 'virtualization.deckhouse.io/v1alpha2';

/** The same manifests as bare cdk8s ApiObjects, in charts of about 1,000 VMs: what every cdk8s user pays. */
export function plainCdk8sApp(spec: FleetSpec, outdir: string): App {
  const app = new App({ outdir });
  for (const c of spec.clusters) {
    const base = new Chart(app, `${c.name}-cluster`, { disableResourceNameHashes: true });
    new ApiObject(base, 'mc', { apiVersion: 'deckhouse.io/v1alpha1', kind: 'ModuleConfig', metadata: { name: 'virtualization' }, spec: { enabled: true, version: 1, settings: { dvcr: { storage: { type: 'PersistentVolumeClaim', persistentVolumeClaim: { size: '100Gi' } } }, virtualMachineCIDRs: [c.cidr] } } });
    for (const i of IMAGES) new ApiObject(base, i, { apiVersion: G, kind: 'ClusterVirtualImage', metadata: { name: i }, spec: { dataSource: { type: 'HTTP', http: { url: `https://images.example.com/${i}.qcow2` } } } });
    for (const p of c.projects) {
      new ApiObject(base, `ns-${p.name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: p.name } });
      for (let start = 0; start < p.vms.length; start += 1000) {
        const chart = new Chart(app, `${c.name}-${p.name}-${start}`, { disableResourceNameHashes: true, namespace: p.name });
        for (const vm of p.vms.slice(start, start + 1000)) {
          const refs = [{ kind: 'VirtualDisk', name: `${vm.name}-root` }];
          new ApiObject(chart, `${vm.name}-root`, { apiVersion: G, kind: 'VirtualDisk', metadata: { name: `${vm.name}-root` }, spec: { persistentVolumeClaim: { size: '20Gi' }, dataSource: { type: 'ObjectRef', objectRef: { kind: 'ClusterVirtualImage', name: vm.image } } } });
          if (vm.dataDisk) {
            refs.push({ kind: 'VirtualDisk', name: `${vm.name}-data` });
            new ApiObject(chart, `${vm.name}-data`, { apiVersion: G, kind: 'VirtualDisk', metadata: { name: `${vm.name}-data` }, spec: { persistentVolumeClaim: { size: vm.dataDisk } } });
          }
          if (vm.ip) new ApiObject(chart, `${vm.name}-ip`, { apiVersion: G, kind: 'VirtualMachineIPAddress', metadata: { name: vm.name }, spec: { type: 'Static', staticIP: vm.ip } });
          if (vm.cloudInit) new ApiObject(chart, `${vm.name}-ci`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${vm.name}-cloud-init` }, type: CLOUD_INIT_SECRET_TYPE, stringData: { userData: vm.cloudInit } });
          new ApiObject(chart, vm.name, {
            apiVersion: G, kind: 'VirtualMachine', metadata: { name: vm.name },
            spec: {
              virtualMachineClassName: vm.cls, cpu: { cores: vm.cores, coreFraction: vm.coreFraction }, memory: { size: vm.memory }, blockDeviceRefs: refs,
              ...(vm.ip ? { virtualMachineIPAddressName: vm.name } : {}),
              ...(vm.cloudInit ? { provisioning: { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: `${vm.name}-cloud-init` } } } : {}),
            },
          });
        }
      }
    }
  }
  return app;
}
