/**
 * Every VM spec of a desired state: each VirtualMachine's, and each VirtualMachinePool's VM
 * template (a VM spec its members are made from). Checks of a VM's own spec (sizing, class,
 * devices, networks) run on both, with the template's field paths.
 */
import type { FieldPath } from '../core/json.ts';
import type { Resource } from '../core/resource.ts';
import type { ClusterModel } from './cluster-model.ts';

/** What the checks read of a VM spec, valid by its schema. */
export interface VmSpecView {
  readonly virtualMachineClassName: string;
  readonly cpu: { readonly cores: number; readonly coreFraction?: string | undefined };
  /** A string in a VM; a pool's template may write an integer. */
  readonly memory: { readonly size: string | number };
  readonly blockDeviceRefs: readonly { readonly kind?: string | undefined; readonly name?: string | undefined; readonly bootOrder?: number | undefined }[];
  readonly runPolicy: string;
  readonly virtualMachineIPAddressName?: string | undefined;
  readonly networks?: readonly { readonly type: string; readonly virtualMachineMACAddressName?: string | undefined }[] | undefined;
}

export interface VmSpecSite {
  /** The VirtualMachine or VirtualMachinePool. */
  readonly resource: Resource;
  readonly spec: VmSpecView;
  /** Where the spec sits in the object: `spec`, or `spec.virtualMachineTemplate.spec`. */
  readonly at: FieldPath;
  /** Whether the spec is a pool's template (its VirtualDisk entries name disk templates). */
  readonly pool: boolean;
  /** How many VMs run this spec: 1, or the pool's replicas (unset is 0). */
  readonly replicas: number;
}

export const POOL_TEMPLATE_PATH: FieldPath = ['spec', 'virtualMachineTemplate', 'spec'];

/** The VMs' specs, then the pools' templates, each in dvpc's order; objects that fail their schema are left out. */
export function vmSpecs(model: ClusterModel): VmSpecSite[] {
  const out: VmSpecSite[] = [];
  for (const r of model.ofKind('VirtualMachine')) {
    const spec = model.valid<{ spec: VmSpecView }>(r)?.spec;
    if (spec) out.push({ resource: r, spec, at: ['spec'], pool: false, replicas: 1 });
  }
  for (const r of model.ofKind('VirtualMachinePool')) {
    const spec = model.valid<{ spec: { replicas?: number; virtualMachineTemplate: { spec?: VmSpecView } } }>(r)?.spec;
    const template = spec?.virtualMachineTemplate.spec;
    if (spec && template) out.push({ resource: r, spec: template, at: POOL_TEMPLATE_PATH, pool: true, replicas: spec.replicas ?? 0 });
  }
  return out;
}

/**
 * Whether a name is one a pool's member can have: the pool's name, '-', and the five characters
 * Kubernetes appends to a generateName. Attachments can name members only this way.
 */
export function poolOfMember(model: ClusterModel, namespace: string | undefined, vmName: string): Resource | undefined {
  const m = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(vmName);
  return m ? model.find('VirtualMachinePool', namespace, m[1] as string) : undefined;
}
