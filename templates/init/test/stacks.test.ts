/** The fleet as dvpc renders it: no errors, and the objects the stacks mean. */
import { describe, expect, it } from 'vitest';
import { Testing } from 'dvpc';
import fleet from '../stacks/main.js';

describe('the fleet', () => {
  const out = Testing.synth(fleet());

  it('renders without errors', () => {
    expect(out.errors).toEqual([]);
  });

  it('runs linux-vm on the universal class', () => {
    expect(out.find('VirtualMachine', 'linux-vm', 'demo')?.['spec']).toMatchObject({ virtualMachineClassName: 'universal' });
  });
});
