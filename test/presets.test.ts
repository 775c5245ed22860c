/**
 * Shared presets as a team writes them, with the types the package exports (this file imports
 * `dvpc` by name, so `tsc -p .` checks it against the build's declarations, as a consumer's
 * compiler would): selectors, tolerations, run policies, CPUs, checksums and props.
 */
import { describe, expect, it } from 'vitest';
import {
  Cluster, ClusterVirtualImage, Cpu, DataSource, Project, Testing, VirtualMachine, VirtualMachineClass,
  type Checksum, type ClassCpu, type CpuType, type ImageStorage, type LabelSelector, type NodeLabelSelector, type RunPolicy,
  type SizingPolicy, type Toleration, type VirtualMachineProps, type NewDisk, type Diagnostic, type SourceLocation,
} from 'dvpc';

const workers: NodeLabelSelector = { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] };
const discoveryPool: LabelSelector = { matchLabels: { 'virtualization.deckhouse.io/kvm-enabled': 'true' } };
const gpuTaint: Toleration[] = [{ key: 'dedicated', operator: 'Equal', value: 'vms', effect: 'NoSchedule' }];
const alwaysOn: RunPolicy = 'AlwaysOn';
const cpu: ClassCpu = Cpu.discovery(discoveryPool);
const cpuType: CpuType = cpu.type;
const small: SizingPolicy[] = [{ cores: { min: 1, max: 4 }, memory: { min: '1Gi', max: '8Gi' }, coreFractions: [25, 50, 100] }];
const ubuntuSum: Checksum = { sha256: 'a'.repeat(64) };
const pvc: ImageStorage = 'PersistentVolumeClaim';
const root = (size: string): NewDisk => ({ name: 'root', size });
/** The props every service VM of the team shares. */
const service: Omit<VirtualMachineProps, 'vmClass' | 'disks'> = { cores: 2, coreFraction: '50%', memory: '4Gi', runPolicy: alwaysOn, tolerations: gpuTaint };

describe('presets written with the exported types', () => {
  it('render as the objects they describe', () => {
    const app = Testing.app();
    const lab = new Cluster(app, 'lab');
    const cls = new VirtualMachineClass(lab, 'standard', { cpu, nodeSelector: workers, sizingPolicies: small, tolerations: gpuTaint });
    const image = new ClusterVirtualImage(lab, 'ubuntu', { source: DataSource.http('https://example.com/u.img', { checksum: ubuntuSum }) });
    new VirtualMachine(new Project(lab, 'svc'), 'api', { ...service, vmClass: cls, disks: [{ ...root('10Gi'), image }] });
    const out = Testing.synth(app);
    const problems: readonly Diagnostic[] = out.errors;
    expect(problems).toEqual([]);
    expect(cpuType).toBe('Discovery');
    expect(pvc).toBe('PersistentVolumeClaim');
    expect(out.find('VirtualMachine', 'api')?.['spec']).toMatchObject({ runPolicy: 'AlwaysOn', tolerations: gpuTaint, cpu: { cores: 2, coreFraction: '50%' } });
    expect(out.find('ClusterVirtualImage', 'ubuntu')?.['spec']).toMatchObject({ dataSource: { http: { checksum: ubuntuSum } } });
    const where: SourceLocation | undefined = problems[0]?.source;
    expect(where).toBeUndefined();
  });
});
