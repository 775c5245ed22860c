/**
 * The props of a VM's spec, shared by a VirtualMachine and a VirtualMachinePool's VM template,
 * and how they render. A VM given its class as an object (or by the name of a class in the same
 * cluster, or `generic`) renders the class's default coreFraction explicitly: the mutating
 * webhook rejects a VM without one while its class is not yet applied, which is exactly what
 * happens in a GitOps sync.
 */
import { EXTERNAL_SECRET_ANNOTATION } from '../core/annotations.ts';
import type { IConstruct } from 'constructs';
import type * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { DvpObject, compact, reportProblem } from './base.ts';
import { Cluster } from './cluster.ts';
import { VirtualMachineClass } from './vm-class.ts';
import { VirtualMachineMACAddress } from './mac-address.ts';
import type { Affinity, LiveMigrationPolicy, RunPolicy, TopologySpreadConstraint } from '../schema/virtual-machine.ts';
import type { Toleration } from '../schema/common.ts';
import { defaultCoreFraction, normalizePolicies, type Policy } from '../model/sizing.ts';
import { GENERIC_CLASS_NAME, GENERIC_CLASS_SPEC } from '../model/builtin.ts';
import { DvpcError } from '../core/errors.ts';

/** How the VM gets its first-boot configuration. Build one with the static methods. */
export class Provisioning {
  /** Inline cloud-init user data (at most 2048 characters; it lands in git as written). */
  static userData(userData: string): Provisioning {
    return new Provisioning({ type: 'UserData', userData });
  }

  /** Cloud-init from a Secret of type `provisioning.virtualization.deckhouse.io/cloud-init` (key `userData`). */
  static userDataSecret(secret: kplus.ISecret | string): Provisioning {
    return new Provisioning({ type: 'UserDataRef', userDataRef: { kind: 'Secret', name: typeof secret === 'string' ? secret : secret.name } });
  }

  /** Cloud-init rendered into a Secret `<vm>-cloud-init` beside the VM (no 2048-character limit). */
  static cloudInitSecret(userData: string): Provisioning {
    return new Provisioning({ type: 'UserDataRef' }, userData);
  }

  /** A Windows answer file from a Secret of type `provisioning.virtualization.deckhouse.io/sysprep`. */
  static sysprepSecret(secret: kplus.ISecret | string): Provisioning {
    return new Provisioning({ type: 'SysprepRef', sysprepRef: { kind: 'Secret', name: typeof secret === 'string' ? secret : secret.name } });
  }

  /**
   * A provisioning Secret that is not in git: External Secrets, Vault or another operator creates
   * it in the VM's namespace. The object is annotated `dvpc/external-secret: <name>`, so neither
   * front door reports the Secret as missing (DVP405).
   */
  static externalSecret(name: string, options: ExternalSecretOptions = {}): Provisioning {
    const ref = { kind: 'Secret', name };
    const spec = options.sysprep ? { type: 'SysprepRef', sysprepRef: ref } : { type: 'UserDataRef', userDataRef: ref };
    return new Provisioning(spec, undefined, name);
  }

  private constructor(
    readonly spec: Record<string, unknown>,
    /** User data to render into a Secret of the VM's own. */
    readonly secretUserData?: string,
    /** The name of a Secret managed outside git. */
    readonly externalSecretName?: string,
  ) {}
}

/** Options of `Provisioning.externalSecret`. */
export interface ExternalSecretOptions {
  /**
   * The Secret holds a Windows answer file (`sysprepRef`) rather than cloud-init (`userDataRef`).
   * @default false
   */
  readonly sysprep?: boolean;
}

/** The object's annotations with `dvpc/external-secret` added when its provisioning Secret is managed outside git. */
export function withExternalSecret(annotations: Record<string, string> | undefined, provisioning: Provisioning | undefined): Record<string, string> | undefined {
  const external = provisioning?.externalSecretName;
  return external === undefined ? annotations : { ...annotations, [EXTERNAL_SECRET_ANNOTATION]: external };
}

/** One network interface of a VM. */
export interface NetworkInterface {
  /** `Main` (the cluster's VM network, addressed by IPAM), or an additional `Network` or `ClusterNetwork` (SDN). */
  readonly type: 'Main' | 'Network' | 'ClusterNetwork';
  /**
   * The Network or ClusterNetwork; `Main` has none.
   * @default none
   */
  readonly name?: string;
  /**
   * The interface id, 1..16383; `Main` is 1.
   * @default assigned by the module: Main 1, the others the next free id from 2
   */
  readonly id?: number;
  /**
   * The MAC address claim of this interface (not for `Main`): a construct, or the name of one in the VM's namespace.
   * @default a claim the module creates with a random address
   */
  readonly macAddress?: VirtualMachineMACAddress | string;
  /**
   * A VirtualMachineIPAddress for this interface.
   * @default none
   */
  readonly ipAddressName?: string;
}

/** Keep the VM away from others that carry these labels: a VirtualMachineAndPodAntiAffinity term, in short. */
export interface VirtualMachineAntiAffinity {
  /** Labels of the VMs (and pods) to keep away from, e.g. `{ app: 'db' }`. */
  readonly matchLabels: Record<string, string>;
  /**
   * The node label whose values are the domains to spread over.
   * @default "kubernetes.io/hostname" (one per node)
   */
  readonly topologyKey?: string;
  /**
   * `Required`: never share a domain; `Preferred`: avoid it when possible.
   * @default "Required"
   */
  readonly mode?: 'Required' | 'Preferred';
  /**
   * Weight of a `Preferred` term, 1..100.
   * @default 100
   */
  readonly weight?: number;
}

/** Everything about a VM's spec except its disks and address: shared by VirtualMachine and VirtualMachinePool. */
export interface VirtualMachineSpecProps {
  /** The class: a VirtualMachineClass construct, or the name of a class (e.g. one of the inventory's). */
  readonly vmClass: VirtualMachineClass | string;
  /** Number of vCPU cores. */
  readonly cores: number;
  /**
   * Guaranteed share of each core, "5%".."100%" or "Auto".
   * @default the class's default for this core count, rendered explicitly when the class is known
   */
  readonly coreFraction?: string;
  /** Memory, a quantity such as "4Gi". */
  readonly memory: string;
  /**
   * First-boot configuration (cloud-init or Sysprep).
   * @default none
   */
  readonly provisioning?: Provisioning;
  /**
   * Whether the VM should run.
   * @default "AlwaysOnUnlessStoppedManually"
   */
  readonly runPolicy?: RunPolicy;
  /**
   * Firmware.
   * @default "BIOS"
   */
  readonly bootloader?: 'BIOS' | 'EFI' | 'EFIWithSecureBoot';
  /**
   * Guest OS family.
   * @default "Generic"
   */
  readonly osType?: 'Windows' | 'Generic' | 'Legacy';
  /**
   * Extra node labels the VM requires (added to the class's nodeSelector).
   * @default none
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Extra taints the VM tolerates (added to the class's tolerations).
   * @default none
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Node affinity and affinity or anti-affinity to other VMs and pods, as the CRD writes it.
   * @default none
   */
  readonly affinity?: Affinity;
  /**
   * Keep the VM away from VMs with given labels (added to `affinity`'s anti-affinity).
   * @default none
   */
  readonly virtualMachineAntiAffinity?: VirtualMachineAntiAffinity;
  /**
   * How VMs spread over topology domains (zones, nodes).
   * @default none
   */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  /**
   * The PriorityClass of the VM's pod.
   * @default none (the cluster's default priority)
   */
  readonly priorityClassName?: string;
  /**
   * Seconds the guest gets to shut down before it is stopped.
   * @default 60
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Paravirtualized (virtio) devices.
   * @default true
   */
  readonly enableParavirtualization?: boolean;
  /**
   * Live migration policy.
   * @default "PreferSafe"
   */
  readonly liveMigrationPolicy?: LiveMigrationPolicy;
  /**
   * Whether restarts to apply changes happen without approval.
   * @default "Manual"
   */
  readonly restartApprovalMode?: 'Manual' | 'Automatic';
  /**
   * Network interfaces, `Main` first.
   * @default only the Main network
   */
  readonly networks?: readonly NetworkInterface[];
  /**
   * USBDevices of the VM's namespace to pass through (EE; at most 8).
   * @default none
   */
  readonly usbDevices?: readonly string[];
  /**
   * GPUClasses of the GPUs to pass through (at most 16).
   * @default none
   */
  readonly gpus?: readonly string[];
}

/**
 * The classes of a cluster by name, collected once at synthesis (when every construct exists),
 * so that resolving thousands of VMs never walks the tree again.
 */
const classIndex = new WeakMap<Cluster, Map<string, VirtualMachineClass>>();
function classesOf(cluster: Cluster): Map<string, VirtualMachineClass> {
  let index = classIndex.get(cluster);
  if (!index) {
    index = new Map();
    for (const c of cluster.node.findAll()) if (c instanceof VirtualMachineClass) index.set((c as VirtualMachineClass).objectName, c as VirtualMachineClass);
    classIndex.set(cluster, index);
  }
  return index;
}

function classPolicies(owner: IConstruct, vmClass: VirtualMachineClass | string): readonly Policy[] | undefined {
  if (typeof vmClass !== 'string') return vmClass.policies;
  const found = classesOf(Cluster.find(owner)).get(vmClass);
  if (found) return found.policies;
  if (vmClass === GENERIC_CLASS_NAME) return normalizePolicies(GENERIC_CLASS_SPEC.sizingPolicies);
  return undefined;
}

/**
 * The class's default coreFraction for this core count, resolved at synthesis so that a class
 * named by string can be declared anywhere in the cluster. Undefined when the class is unknown
 * here or gives no default (the checker then reports DVP201 or DVP204).
 */
export function defaultFraction(owner: IConstruct, vmClass: VirtualMachineClass | string, cores: number): string | undefined {
  const policies = classPolicies(owner, vmClass);
  if (policies === undefined) return undefined;
  const d = defaultCoreFraction(policies, cores);
  return d.kind === 'value' ? d.value : undefined;
}

/** The VM class name the props give. */
export function classNameOf(props: Pick<VirtualMachineSpecProps, 'vmClass'>): string {
  return typeof props.vmClass === 'string' ? props.vmClass : props.vmClass.objectName;
}

/** The Secret types the module reads provisioning data from. */
export const CLOUD_INIT_SECRET_TYPE = 'provisioning.virtualization.deckhouse.io/cloud-init';
export const SYSPREP_SECRET_TYPE = 'provisioning.virtualization.deckhouse.io/sysprep';

/** The name of the Secret a `Provisioning.cloudInitSecret` renders, beside the VM (or pool) `owner`. */
export function cloudInitSecretName(owner: string): string {
  return `${owner}-cloud-init`;
}

/**
 * The Secret a VM or pool renders its cloud-init into: a dvpc object, rendered directly like the
 * VM itself, with the manifest cdk8s-plus's Secret writes (`immutable: false` included).
 */
class ProvisioningSecret extends DvpObject {
  constructor(scope: Construct, id: string, init: { name: string; namespace: string; type: string; userData: string }) {
    super(scope, id, { apiVersion: 'v1', kind: 'Secret', name: init.name, namespace: init.namespace, body: { immutable: false, stringData: { userData: init.userData }, type: init.type } });
  }
}

/** The Secret of a `Provisioning.cloudInitSecret`, as a child of the VM or pool construct. */
export function addCloudInitSecret(owner: Construct, name: string, namespace: string, provisioning: Provisioning | undefined): void {
  if (provisioning?.secretUserData === undefined) return;
  new ProvisioningSecret(owner, 'cloud-init', { name: cloudInitSecretName(name), namespace, type: CLOUD_INIT_SECRET_TYPE, userData: provisioning.secretUserData });
}

/**
 * A spec's `cpu` with the class's default coreFraction filled in when the props give none (the
 * mutating webhook rejects a VM without one while its class is not yet applied, which is what
 * happens in a GitOps sync). Resolved when the object renders, once every class exists.
 */
export function withDefaultFraction(owner: IConstruct, props: Pick<VirtualMachineSpecProps, 'vmClass' | 'coreFraction'>, spec: Record<string, unknown>): Record<string, unknown> {
  if (props.coreFraction !== undefined) return spec;
  const cpu = spec['cpu'] as { cores: number };
  const fraction = defaultFraction(owner, props.vmClass, cpu.cores);
  return fraction === undefined ? spec : { ...spec, cpu: { ...cpu, coreFraction: fraction } };
}

function antiAffinityTerm(a: VirtualMachineAntiAffinity): { required?: Record<string, unknown>; preferred?: Record<string, unknown> } {
  const term = { labelSelector: { matchLabels: { ...a.matchLabels } }, topologyKey: a.topologyKey ?? 'kubernetes.io/hostname' };
  return (a.mode ?? 'Required') === 'Required' ? { required: term } : { preferred: { weight: a.weight ?? 100, virtualMachineAndPodAffinityTerm: term } };
}

/** `affinity` with the short anti-affinity added to it. */
function renderAffinity(props: VirtualMachineSpecProps): Record<string, unknown> | undefined {
  if (!props.virtualMachineAntiAffinity) return props.affinity as Record<string, unknown> | undefined;
  const base = (props.affinity ?? {}) as Record<string, unknown>;
  const anti = { ...(base['virtualMachineAndPodAntiAffinity'] as Record<string, unknown[] | undefined> | undefined) };
  const { required, preferred } = antiAffinityTerm(props.virtualMachineAntiAffinity);
  if (required) anti['requiredDuringSchedulingIgnoredDuringExecution'] = [...(anti['requiredDuringSchedulingIgnoredDuringExecution'] ?? []), required];
  if (preferred) anti['preferredDuringSchedulingIgnoredDuringExecution'] = [...(anti['preferredDuringSchedulingIgnoredDuringExecution'] ?? []), preferred];
  return { ...base, virtualMachineAndPodAntiAffinity: anti };
}

/**
 * Problems the rendered spec can no longer show, recorded on the VM or pool construct `owner`:
 * a MAC address claim of another namespace (a network names its claim without a namespace).
 * `at` is where the spec sits in the object.
 */
export function reportVmSpecProblems(owner: IConstruct, namespace: string, props: VirtualMachineSpecProps, at: string): void {
  props.networks?.forEach((n, i) => {
    const mac = n.macAddress;
    if (mac instanceof VirtualMachineMACAddress && mac.objectNamespace !== namespace) {
      reportProblem(owner, new DvpcError('DVP404', `VirtualMachineMACAddress "${mac.objectName}" is in namespace "${mac.objectNamespace}", the VM in "${namespace}"`, "use a MAC address claim of the VM's own namespace", owner.node.path, `${at}.networks[${i}].virtualMachineMACAddressName`));
    }
  });
}

/**
 * The rendered spec, with `blockDeviceRefs` and the address claim the caller gives; `name` is the
 * object's name (it names the cloud-init Secret). The class's default coreFraction is added when
 * the object renders (`withDefaultFraction`).
 */
export function renderVmSpec(name: string, props: VirtualMachineSpecProps, devices: { readonly blockDeviceRefs: readonly Record<string, unknown>[]; readonly virtualMachineIPAddressName?: string | undefined; readonly liveMigrationPolicy?: string | undefined }): Record<string, unknown> {
  const provisioning = props.provisioning?.secretUserData !== undefined
    ? { type: 'UserDataRef', userDataRef: { kind: 'Secret', name: cloudInitSecretName(name) } }
    : props.provisioning?.spec;
  const networks = props.networks?.map((n) => compact({
    type: n.type,
    name: n.name,
    id: n.id,
    virtualMachineMACAddressName: n.macAddress === undefined ? undefined : typeof n.macAddress === 'string' ? n.macAddress : n.macAddress.objectName,
    ipAddressName: n.ipAddressName,
  }));
  return compact({
    virtualMachineClassName: classNameOf(props),
    cpu: compact({ cores: props.cores, coreFraction: props.coreFraction }),
    memory: { size: props.memory },
    blockDeviceRefs: devices.blockDeviceRefs,
    virtualMachineIPAddressName: devices.virtualMachineIPAddressName,
    provisioning,
    runPolicy: props.runPolicy,
    bootloader: props.bootloader,
    osType: props.osType,
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations ? [...props.tolerations] : undefined,
    affinity: renderAffinity(props),
    topologySpreadConstraints: props.topologySpreadConstraints ? [...props.topologySpreadConstraints] : undefined,
    priorityClassName: props.priorityClassName,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
    enableParavirtualization: props.enableParavirtualization,
    liveMigrationPolicy: devices.liveMigrationPolicy ?? props.liveMigrationPolicy,
    disruptions: props.restartApprovalMode ? { restartApprovalMode: props.restartApprovalMode } : undefined,
    networks,
    usbDevices: props.usbDevices?.map((d) => ({ name: d })),
    gpus: props.gpus?.map((g) => ({ gpuClassName: g })),
  });
}
