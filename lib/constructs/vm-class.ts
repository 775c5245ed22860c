/**
 * VirtualMachineClass: the vCPU model, where VMs may run, and the sizing policies they must fit.
 * Presets: `generic` as the module installs it, `host` and `host-passthrough`.
 */
import type { Construct } from 'constructs';
import { DvpObject, compact, type ObjectProps } from './base.ts';
import type { LabelSelector, NodeLabelSelector, Toleration } from '../schema/common.ts';
import { DEFAULT_CLASS_ANNOTATION } from '../schema/vm-class.ts';
import type { ClassCpu } from '../schema/vm-class.ts';
import { normalizePolicies, type Policy } from '../model/sizing.ts';
import { GENERIC_CLASS_LABELS, GENERIC_CLASS_NAME, GENERIC_CLASS_SPEC } from '../model/builtin.ts';
import { GROUP } from '../core/kinds.ts';

/** The vCPU a class gives its VMs. Immutable once the class exists. */
export const Cpu = {
  /** The host's CPU model as QEMU names it (host-model): fast, migrates between alike CPUs. */
  host: (): ClassCpu => ({ type: 'Host' }),
  /** The physical CPU unchanged: migrates only between identical CPUs. */
  hostPassthrough: (): ClassCpu => ({ type: 'HostPassthrough' }),
  /** The features common to the nodes the selector picks (all virtualization nodes without one). */
  discovery: (nodeSelector?: LabelSelector): ClassCpu => ({ type: 'Discovery', discovery: nodeSelector ? { nodeSelector } : {} }),
  /** A named QEMU model such as IvyBridge; VMs run only on nodes that offer it. */
  model: (model: string): ClassCpu => ({ type: 'Model', model }),
  /** A baseline CPU with these features required; VMs run only on nodes that have them all. */
  features: (features: readonly string[]): ClassCpu => ({ type: 'Features', features: [...features] }),
} as const;

/** One sizing policy, written once for both API versions. */
export interface SizingPolicy {
  /** The core range this policy covers (inclusive), and the step between allowed counts. */
  readonly cores: { readonly min: number; readonly max: number; readonly step?: number };
  /**
   * Memory bounds as quantities ("1Gi"): total min/max/step, and per-core min/max.
   * @default no memory rule
   */
  readonly memory?: {
    readonly min?: string;
    readonly max?: string;
    readonly step?: string;
    readonly perCore?: { readonly min?: string; readonly max?: string };
  };
  /**
   * Allowed core fractions, in percent (5 means "5%").
   * @default any fraction
   */
  readonly coreFractions?: readonly number[];
  /**
   * The fraction a VM gets when it sets none, in percent, or "Auto".
   * @default 100 when coreFractions allow it
   */
  readonly defaultCoreFraction?: number | 'Auto';
  /**
   * Whether VMs may have dedicated cores (not read by the module today).
   * @default not set
   */
  readonly dedicatedCores?: readonly boolean[];
}

export interface VirtualMachineClassProps extends ObjectProps {
  /** The vCPU (see `Cpu`). */
  readonly cpu: ClassCpu;
  /**
   * Nodes the class's VMs may run on.
   * @default every virtualization node
   */
  readonly nodeSelector?: NodeLabelSelector;
  /**
   * Taints the class's VMs tolerate.
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Sizing policies (at most 16, core ranges disjoint).
   * @default no policy: any size
   */
  readonly sizingPolicies?: readonly SizingPolicy[];
  /**
   * Annotate the class as the cluster's default (at most one class may be).
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * The API version to render: v1alpha3 (current) or v1alpha2 (deprecated, the storage version).
   * @default "v1alpha3"
   */
  readonly apiVersion?: 'v1alpha2' | 'v1alpha3';
}

function renderPolicy(p: SizingPolicy, version: 'v1alpha2' | 'v1alpha3'): Record<string, unknown> {
  const frac = (n: number) => (version === 'v1alpha2' ? n : `${n}%`);
  return compact({
    cores: compact({ min: p.cores.min, max: p.cores.max, step: p.cores.step }),
    memory: p.memory ? compact({ ...p.memory, perCore: p.memory.perCore ? compact({ ...p.memory.perCore }) : undefined }) : undefined,
    coreFractions: p.coreFractions?.map(frac),
    defaultCoreFraction: p.defaultCoreFraction === undefined ? undefined : p.defaultCoreFraction === 'Auto' ? 'Auto' : frac(p.defaultCoreFraction),
    dedicatedCores: p.dedicatedCores ? [...p.dedicatedCores] : undefined,
  });
}

export class VirtualMachineClass extends DvpObject {
  /** `generic` as the module installs it: Model Nehalem, four sizing policies. */
  static generic(scope: Construct, props: Partial<VirtualMachineClassProps> = {}): VirtualMachineClass {
    return new VirtualMachineClass(scope, GENERIC_CLASS_NAME, {
      cpu: { ...GENERIC_CLASS_SPEC.cpu },
      sizingPolicies: GENERIC_CLASS_SPEC.sizingPolicies.map((p) => ({ cores: p.cores, coreFractions: [...p.coreFractions], dedicatedCores: [...p.dedicatedCores] })),
      labels: { ...GENERIC_CLASS_LABELS },
      apiVersion: 'v1alpha2',
      ...props,
    });
  }

  /** `host`: the host-model vCPU (the seed's preset; the module does not install it). */
  static host(scope: Construct, props: Partial<VirtualMachineClassProps> = {}): VirtualMachineClass {
    return new VirtualMachineClass(scope, 'host', { cpu: Cpu.host(), ...props });
  }

  /** `host-passthrough`: the physical CPU (the seed's preset; the module does not install it). */
  static hostPassthrough(scope: Construct, props: Partial<VirtualMachineClassProps> = {}): VirtualMachineClass {
    return new VirtualMachineClass(scope, 'host-passthrough', { cpu: Cpu.hostPassthrough(), ...props });
  }

  /** The sizing policies in the checker's shape (bytes, percentages). */
  readonly policies: readonly Policy[];

  constructor(scope: Construct, id: string, props: VirtualMachineClassProps) {
    const name = props.name ?? id;
    const version = props.apiVersion ?? 'v1alpha3';
    const apiVersion = `${GROUP}/${version}`;
    const annotations = { ...props.annotations, ...(props.isDefault ? { [DEFAULT_CLASS_ANNOTATION]: 'true' } : {}) };
    const spec = compact({
      cpu: props.cpu,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations ? [...props.tolerations] : undefined,
      sizingPolicies: props.sizingPolicies?.map((p) => renderPolicy(p, version)),
    });
    super(scope, id, {
      apiVersion,
      kind: 'VirtualMachineClass',
      name,
      labels: props.labels,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      body: { spec },
    });
    this.policies = normalizePolicies(props.sizingPolicies);
  }
}
