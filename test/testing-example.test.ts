/**
 * The README's example of a team's own tests with `Testing` (the README quotes this file's body
 * from `import` to the end, and test/readme.test.ts holds it to that).
 */
import { describe, expect, it } from 'vitest';
import { Cluster, Testing, VirtualMachine } from 'dvpc';
import fleet from '../stacks/main.ts';

describe('our fleet', () => {
  const out = Testing.synth(fleet());

  it('renders without errors', () => {
    expect(out.errors).toEqual([]);
  });

  it('puts db-1 on the newer CPUs, always on', () => {
    const vm = out.find('VirtualMachine', 'db-1', 'lab-demo');
    expect(vm?.['spec']).toMatchObject({ virtualMachineClassName: 'cpu-y', runPolicy: 'AlwaysOn' });
    expect(out.files.get('lab/namespaces/lab-demo/virtual-machines.yaml')).toContainEqual(vm);
  });

  it('refuses a core fraction the class does not allow', () => {
    const app = Testing.app();
    const lab = new Cluster(app, 'lab');
    new VirtualMachine(lab, 'vm', { vmClass: 'generic', cores: 1, coreFraction: '7%', memory: '1Gi', disks: [{ name: 'root', size: '10Gi' }] });
    expect(Testing.synth(app).errors).toMatchObject([{ code: 'DVP204', resource: 'VirtualMachine/default/vm', path: 'spec.cpu.coreFraction' }]);
  });
});
