/**
 * Real input: the seed's own examples and the upstream documentation's examples. dvpc must find
 * their real mistakes, with the right codes and lines, and invent nothing else.
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { checkPaths } from '../lib/front/check-paths.ts';

function summary(paths: string[], inventory?: string): string[] {
  const report = checkPaths(paths, { inventory });
  return report.diagnostics.map((d) => `${basename(d.file ?? '')}:${d.line} ${d.code} ${d.severity}`).sort();
}

describe("the seed's examples", () => {
  it('pass where they follow the module, and raise DVP003 for cpuX and cpuY', () => {
    const dir = 'test/fixtures/seed';
    expect(summary([`${dir}/moduleconfig.yaml`, `${dir}/images.yaml`, `${dir}/classes.yaml`, `${dir}/vm.yaml`])).toEqual([
      'classes.yaml:15 DVP003 error',
      'classes.yaml:29 DVP003 error',
    ]);
  });

  it("raise DVP005 for the documentation-only keys (and DVP101 for the guide's unaligned 10.77.20.0/16)", () => {
    expect(summary(['test/fixtures/seed/moduleconfig-storage-and-migration.yaml'])).toEqual([
      'moduleconfig-storage-and-migration.yaml:20 DVP101 error',
      'moduleconfig-storage-and-migration.yaml:22 DVP005 error',
      'moduleconfig-storage-and-migration.yaml:27 DVP005 error',
      'moduleconfig-storage-and-migration.yaml:32 DVP005 error',
      'moduleconfig-storage-and-migration.yaml:33 DVP005 error',
    ]);
  });
});

describe('the upstream documentation examples, checked as one desired state', () => {
  it('find the real mistakes and nothing else', () => {
    expect(summary(['test/fixtures/upstream-examples'], 'test/fixtures/inventory-upstream')).toEqual([
      '01-moduleconfig-virtualization-basic.yaml:14 DVP302 error', // DVCR on rv-thin-r1, which the cluster lacks
      '02-moduleconfig-virtualization-install.yaml:4 DVP004 error', // a second ModuleConfig/virtualization
      '05-virtualimage-pvc-http.yaml:9 DVP302 error', // rv-thin-r2 missing
      '06-virtualdisk-from-virtualimage.yaml:11 DVP302 error',
      '06-virtualdisk-from-virtualimage.yaml:17 DVP403 error', // a disk from VirtualImage ubuntu-24-04, which does not exist
      '07-virtualdisk-blank.yaml:9 DVP302 error',
      '08-virtualmachine-linux-cloudinit.yaml:12 DVP704 warning', // a password hash in cloud-init
      '09-virtualmachineclass-standard-sizingpolicy.FRAGMENT.yaml:5 DVP002 error', // no spec.cpu
      '10-virtualmachineclass-discovery-x3.FRAGMENT.yaml:10 DVP002 error', // "{ ... }" is a mapping
      '10-virtualmachineclass-discovery-x3.FRAGMENT.yaml:15 DVP003 error', // cpuX
      '10-virtualmachineclass-discovery-x3.FRAGMENT.yaml:25 DVP002 error',
      '10-virtualmachineclass-discovery-x3.FRAGMENT.yaml:30 DVP003 error', // cpuY
      '10-virtualmachineclass-discovery-x3.FRAGMENT.yaml:40 DVP002 error',
      '12-virtualmachineipaddress-static.yaml:6 DVP104 error', // 10.66.20.77 is outside 10.66.10.0/24
      '13-virtualmachinepool-runners.yaml:10 DVP002 error', // the template omits liveMigrationPolicy, which the pool CRD requires
      '14-vmop-restart.yaml:2 DVP406 warning', // one-shot operations in a GitOps path
      '15-vmop-migrate-nodeselector.yaml:2 DVP406 warning',
      '15-vmop-migrate-nodeselector.yaml:8 DVP403 error', // there is no VM linux-vm in project-1
      '17-windows-virtualdisk-blank.yaml:9 DVP302 error', // local-path missing
      '18-windows-clustervirtualimage-iso.yaml:9 DVP702 warning', // http:// without a checksum
      '19-windows-virtualmachine.yaml:25 DVP401 error', // a VM on a missing ISO (win-virtio-iso)
      '20-vmop-clone-DOC-MISMATCHES-CRD.yaml:10 DVP002 error', // nameReplacements: the CRD says nameReplacement
      '20-vmop-clone-DOC-MISMATCHES-CRD.yaml:2 DVP406 warning',
      '20-vmop-clone-DOC-MISMATCHES-CRD.yaml:8 DVP002 error', // so no name is replaced: the CEL rule on clone fails
    ]);
  });
});
