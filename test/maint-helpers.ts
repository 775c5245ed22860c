/**
 * Small inventories for the maintenance tests, written as kubectl prints them, and the readers
 * the tests use to compute what they expect from those files without calling dvpc's code.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { dvpcHere } from './run-cli.ts';

export interface NodeSpec {
  name: string;
  /** host-model-cpu label value. */
  model?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  controlPlane?: boolean;
}

export function nodesYaml(nodes: readonly NodeSpec[]): string {
  const items = nodes.map((n) => {
    const labels: Record<string, string> = {
      'kubernetes.io/hostname': n.name,
      'node.deckhouse.io/group': n.controlPlane ? 'master' : 'worker',
      'virtualization.deckhouse.io/kvm-enabled': 'true',
      'cpu-feature.node.virtualization.deckhouse.io/aes': 'true',
      ...(n.model ? { [`host-model-cpu.node.virtualization.deckhouse.io/${n.model}`]: 'true' } : {}),
      ...(n.labels ?? {}),
    };
    if (n.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
    const taints = n.controlPlane ? '\n  spec:\n    taints:\n    - effect: NoSchedule\n      key: node-role.kubernetes.io/control-plane' : '';
    return `- apiVersion: v1
  kind: Node
  metadata:
    name: ${n.name}
    labels:
${Object.entries(labels).map(([k, v]) => `      ${k}: "${v}"`).join('\n')}${taints}
  status:
    allocatable:
      cpu: "${n.cpu ?? '16'}"
      memory: ${n.memory ?? '64Gi'}`;
  });
  return `apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`;
}

export function storageClassYaml(name: string, provisioner: string, annotations: Record<string, string> = {}): string {
  const ann = Object.entries(annotations).map(([k, v]) => `\n    ${k}: "${v}"`).join('');
  return `---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: ${name}${ann ? `\n  annotations:${ann}` : ''}\nprovisioner: ${provisioner}\n`;
}

export type Sets = { accessModes: string[]; volumeMode?: string }[];

export function storageProfileYaml(name: string, status: Sets | undefined, spec?: Sets): string {
  const sets = (s: Sets, indent: string) => s.map((x) => `${indent}- accessModes: [${x.accessModes.join(', ')}]${x.volumeMode ? `\n${indent}  volumeMode: ${x.volumeMode}` : ''}`).join('\n');
  return `---
apiVersion: storage.virtualization.deckhouse.io/v1alpha1
kind: StorageProfile
metadata:
  name: ${name}
spec:${spec ? `\n  claimPropertySets:\n${sets(spec, '  ')}` : ' {}'}
${status ? `status:\n  claimPropertySets:\n${sets(status, '  ')}\n` : ''}`;
}

export interface LiveVm {
  name: string;
  namespace: string;
  node: string | undefined;
  cls: string;
  cores?: number;
  coreFraction?: string;
  memory?: string;
  runPolicy?: string;
  phase?: string;
  migratable?: { status: string; reason: string; message?: string };
  disks?: string[];
}

/** `kubectl get vm -A -o yaml`: a List of VMs with their status. */
export function liveVmsYaml(vms: readonly LiveVm[]): string {
  const items = vms.map((v) => `- apiVersion: virtualization.deckhouse.io/v1alpha2
  kind: VirtualMachine
  metadata:
    name: ${v.name}
    namespace: ${v.namespace}
    uid: 00000000-0000-4000-a000-${String(v.name.length).padStart(12, '0')}
  spec:
    virtualMachineClassName: ${v.cls}
    runPolicy: ${v.runPolicy ?? 'AlwaysOn'}
    cpu:
      cores: ${v.cores ?? 2}
      coreFraction: ${v.coreFraction ?? '100%'}
    memory:
      size: ${v.memory ?? '4Gi'}
    blockDeviceRefs:
${(v.disks ?? [`${v.name}-root`]).map((d) => `    - kind: VirtualDisk\n      name: ${d}`).join('\n')}
  status:
    phase: ${v.phase ?? 'Running'}${v.node ? `\n    nodeName: ${v.node}` : ''}${v.migratable ? `
    conditions:
    - type: Migratable
      status: "${v.migratable.status}"
      reason: ${v.migratable.reason}
      message: "${v.migratable.message ?? ''}"
      lastTransitionTime: "2026-11-01T00:00:00Z"` : ''}`);
  return `apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n${items.join('\n')}\n`;
}

export function writeFiles(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Every object of every file in a folder, read with the yaml package (kind: List unpacked). */
export function objectsIn(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const o = doc.toJS() as Record<string, unknown> | null;
      if (!o) continue;
      if (String(o['kind']).endsWith('List') && Array.isArray(o['items'])) out.push(...(o['items'] as Record<string, unknown>[]));
      else out.push(o);
    }
  }
  return out;
}

/** Runs the command line, capturing what it prints. */
/** The command line in this process. */
export const cli = dvpcHere;
