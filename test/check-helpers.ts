/** Runs `dvpc check` on YAML written in a test, with the fixture inventory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkPaths } from '../lib/front/check-paths.ts';
import type { Report } from '../lib/check/index.ts';
import type { Diagnostic } from '../lib/core/diagnostic.ts';
import { expect } from 'vitest';
import { cleanup, tempDir } from './helpers.ts';

export const FIXTURE_INVENTORY = 'test/fixtures/inventory';

export interface CheckRun {
  readonly report: Report;
  readonly diagnostics: readonly Diagnostic[];
  codes(): string[];
}

/** Checks files (name → text) as one desired state. */
export function checkFiles(files: Record<string, string>, options: { inventory?: string | null; baseline?: Record<string, string>; namespace?: string; allow?: string[] } = {}): CheckRun {
  const dir = tempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, 'in', name)), { recursive: true });
      writeFileSync(join(dir, 'in', name), text);
    }
    let baseline: string | undefined;
    if (options.baseline) {
      baseline = join(dir, 'baseline');
      for (const [name, text] of Object.entries(options.baseline)) {
        mkdirSync(dirname(join(baseline, name)), { recursive: true });
        writeFileSync(join(baseline, name), text);
      }
    }
    const report = checkPaths([join(dir, 'in')], {
      inventory: options.inventory === null ? undefined : (options.inventory ?? FIXTURE_INVENTORY),
      baseline,
      namespace: options.namespace,
      allow: new Set(options.allow ?? []),
    });
    return { report, diagnostics: report.diagnostics, codes: () => report.diagnostics.map((d) => d.code) };
  } finally {
    cleanup(dir);
  }
}

/** The 1-based line of the first line of `text` that contains `marker`. */
export function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in text`);
  return i + 1;
}

/** A valid desired state: one project with a VM, its disk, address and cloud-init Secret. */
export const BASE = `apiVersion: deckhouse.io/v1alpha1
kind: ModuleConfig
metadata:
  name: virtualization
spec:
  enabled: true
  version: 1
  settings:
    dvcr:
      storage:
        type: PersistentVolumeClaim
        persistentVolumeClaim:
          size: 50G
          storageClassName: fast
    virtualMachineCIDRs:
      - 10.66.10.0/24
      - 10.66.20.0/24
    virtualDisks:
      defaultStorageClassName: fast
      allowedStorageClassSelector:
        matchNames:
          - fast
          - slow
    virtualImages:
      defaultStorageClassName: fast
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineClass
metadata:
  name: std
spec:
  cpu:
    type: Discovery
    discovery:
      nodeSelector:
        matchLabels:
          node.deckhouse.io/group: worker
  nodeSelector:
    matchLabels:
      node.deckhouse.io/group: worker
  sizingPolicies:
    - cores:
        min: 1
        max: 4
      memory:
        min: 1Gi
        max: 8Gi
        step: 512Mi
      coreFractions: [10, 50, 100]
    - cores:
        min: 5
        max: 16
        step: 2
      memory:
        perCore:
          min: 1Gi
          max: 4Gi
      coreFractions: [50, 100]
      defaultCoreFraction: 50
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: ClusterVirtualImage
metadata:
  name: ubuntu
spec:
  dataSource:
    type: HTTP
    http:
      url: https://cloud-images.example.com/noble.img
---
apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: v1
kind: Secret
metadata:
  name: web-init
  namespace: apps
type: provisioning.virtualization.deckhouse.io/cloud-init
stringData:
  userData: |
    #cloud-config
    users:
      - name: ops
        ssh_authorized_keys:
          - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnly ops@example
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualDisk
metadata:
  name: web-root
  namespace: apps
spec:
  persistentVolumeClaim:
    size: 20Gi
    storageClassName: fast
  dataSource:
    type: ObjectRef
    objectRef:
      kind: ClusterVirtualImage
      name: ubuntu
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachineIPAddress
metadata:
  name: web-ip
  namespace: apps
spec:
  type: Static
  staticIP: 10.66.10.10
---
apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata:
  name: web
  namespace: apps
spec:
  virtualMachineClassName: std
  runPolicy: AlwaysOn
  cpu:
    cores: 2
    coreFraction: 50%
  memory:
    size: 4Gi
  blockDeviceRefs:
    - kind: VirtualDisk
      name: web-root
  virtualMachineIPAddressName: web-ip
  provisioning:
    type: UserDataRef
    userDataRef:
      kind: Secret
      name: web-init
`;

/** Appends documents to the base state. */
export function withDocs(...docs: string[]): string {
  return [BASE.trimEnd(), ...docs.map((d) => d.trim())].join('\n---\n') + '\n';
}

/** One row of a check table: a state that must raise a code at a line, and the nearest correct state. */
export interface CheckCase {
  readonly code: string;
  readonly name: string;
  /** The whole state that must raise the code. */
  readonly bad: string;
  /** The nearest correct state (default: the table's base state). */
  readonly good?: string;
  /** A text on the offending line (or `offset` lines above it). */
  readonly at: string;
  readonly offset?: number;
  readonly path?: string;
  readonly resource?: string;
  readonly severity?: 'error' | 'warning';
  /** A part of the message. */
  readonly says?: RegExp;
  /** The inventory folder; null for none (default: the fixture inventory). */
  readonly inventory?: string | null;
}

/** Asserts that `c.bad` raises `c.code` at its line, with its field and a hint, and that the good state does not. */
export function expectCase(c: CheckCase, base: string): void {
  const opts = c.inventory === undefined ? {} : { inventory: c.inventory };
  const run = checkFiles({ 'state.yaml': c.bad }, opts);
  const hits = run.diagnostics.filter((d) => d.code === c.code);
  expect(hits.length, `${c.code} in ${JSON.stringify(run.diagnostics, null, 1)}`).toBeGreaterThan(0);
  const expectedLine = lineOf(c.bad, c.at) + (c.offset ?? 0);
  const hit = hits.find((d) => d.line === expectedLine && (!c.says || c.says.test(d.message)));
  expect(hit, `${c.code} at line ${expectedLine}; got ${hits.map((d) => `${d.line} ${d.path} ${d.message}`).join(' | ')}`).toBeDefined();
  expect(hit?.severity).toBe(c.severity ?? 'error');
  expect(hit?.file).toMatch(/state\.yaml$/);
  if (c.path) expect(hit?.path).toBe(c.path);
  if (c.resource) expect(hit?.resource).toBe(c.resource);
  expect(hit?.message.length).toBeGreaterThan(10);
  expect(hit?.hint.length).toBeGreaterThan(5);
  const good = checkFiles({ 'state.yaml': c.good ?? base }, opts);
  expect(good.codes(), JSON.stringify(good.diagnostics, null, 1)).not.toContain(c.code);
}

/** A VirtualMachine of class std in namespace apps on the image ubuntu; `extra` adds spec lines. */
export const vmDoc = (name: string, extra = '') => `apiVersion: virtualization.deckhouse.io/v1alpha2
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: apps
spec:
  virtualMachineClassName: std
  cpu:
    cores: 1
    coreFraction: 10%
  memory:
    size: 1Gi
  blockDeviceRefs:
    - kind: ClusterVirtualImage
      name: ubuntu
${extra}`;
