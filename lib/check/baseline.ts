/**
 * Against the baseline (DVP601–DVP604): what a change does that the cluster refuses (immutable
 * fields, shrinking volumes) or that loses data or moves running VMs. Pure functions of the
 * desired model and the baseline's, matched by identity. The inventory is the live cluster, so
 * its objects are a previous state too (SPEC §3): an immutable field that differs from the same
 * object there is DVP602 even without a baseline.
 */
import { append } from '../core/append.ts';
import { ClusterModel } from '../model/cluster-model.ts';
import type { Resource } from '../core/resource.ts';
import { jsonEqual } from '../model/json-diff.ts';
import { formatBytes, quantityBytes } from '../core/quantity.ts';
import { holdsData } from '../core/kinds.ts';
import { diagnose, type Diagnostic } from '../core/diagnostic.ts';

type Obj = Record<string, unknown>;

function get(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
  return cur;
}

function show(v: unknown): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

/** The pairs of objects present in both states, by identity. */
function pairs(model: ClusterModel, base: ClusterModel): { before: Resource; after: Resource }[] {
  const out: { before: Resource; after: Resource }[] = [];
  for (const b of base.resources) {
    const a = model.firstDefinition(b);
    if (a) out.push({ before: b, after: a });
  }
  return out;
}

function checkRemovals(model: ClusterModel, base: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const usedIps = new Set(base.ofKind('VirtualMachine').map((vm) => `${vm.namespace}/${String(get(vm.body, 'spec', 'virtualMachineIPAddressName'))}`));
  for (const b of base.resources) {
    if (model.firstDefinition(b)) continue;
    if ((b.kind === 'VirtualDisk' || b.kind === 'VirtualImage') && b.apiVersion.startsWith('virtualization.deckhouse.io/') && holdsData(b.kind, b.body)) {
      out.push(diagnose('DVP601', b, [], `${b.kind} ${b.namespace}/${b.name} is removed: its data would be lost (prune protection keeps it only if the GitOps tool honours the annotations)`, `keep it in the desired state, or approve the loss with --allow DVP601`));
    }
    if (b.kind === 'VirtualMachineIPAddress' && usedIps.has(`${b.namespace}/${b.name}`)) {
      out.push(diagnose('DVP604', b, [], `VirtualMachineIPAddress ${b.namespace}/${b.name} is removed while a VM used it: the VM gets another address`, 'keep the claim if the address must stay', 'warning'));
    }
  }
  return out;
}

/** Which previous state a finding compares with: the baseline, or the live objects of the inventory. */
type Against = 'baseline' | 'inventory';

function checkChanges(model: ClusterModel, base: ClusterModel, against: Against = 'baseline'): Diagnostic[] {
  const out: Diagnostic[] = [];
  const vmsByClass = new Map<string, number>();
  for (const vm of model.ofKind('VirtualMachine')) {
    const c = String(get(vm.body, 'spec', 'virtualMachineClassName'));
    vmsByClass.set(c, (vmsByClass.get(c) ?? 0) + 1);
  }
  for (const { before, after } of pairs(model, base)) {
    // The same body on both sides (an unchanged file, read once): nothing changed.
    if (before.body === after.body) continue;
    const b = base.valid<Obj>(before);
    const a = model.valid<Obj>(after);
    if (!a || !b) continue;
    const immutable = (path: string[], what: string) => {
      const x = get(b, ...path);
      const y = get(a, ...path);
      if (jsonEqual(x, y)) return;
      if (against === 'baseline') out.push(diagnose('DVP602', after, path, `${what} is immutable and changed from ${show(x)} to ${show(y)}`, `recreate the object under a new name instead, or approve with --allow DVP602 if it was never provisioned`));
      else out.push(diagnose('DVP602', after, path, `${what} is immutable and differs from the live object in the inventory: ${show(x)} there, ${show(y)} here; the cluster refuses the change and the sync fails`, `keep the live value, or create the object under a new name and move what uses it`));
    };
    switch (after.kind) {
      case 'ClusterVirtualImage':
        immutable(['spec'], 'the spec of a ClusterVirtualImage (frozen once Ready)');
        break;
      case 'VirtualMachineClass':
        immutable(['spec', 'cpu'], 'spec.cpu of a VirtualMachineClass');
        if (!jsonEqual(get(b, 'spec', 'nodeSelector'), get(a, 'spec', 'nodeSelector')) && (vmsByClass.get(after.name) ?? 0) > 0) {
          out.push(diagnose('DVP604', after, ['spec', 'nodeSelector'], `the nodeSelector of class ${after.name} changes while ${vmsByClass.get(after.name)} VM(s) use it: they will migrate (EE) or restart (CE)`, 'plan the move, or approve it', 'warning'));
        }
        break;
      case 'VirtualDisk': {
        immutable(['spec', 'dataSource'], 'the data source of a VirtualDisk');
        const x = get(b, 'spec', 'persistentVolumeClaim', 'size');
        const y = get(a, 'spec', 'persistentVolumeClaim', 'size');
        const xb = typeof x === 'string' || typeof x === 'number' ? quantityBytes(x) : undefined;
        const yb = typeof y === 'string' || typeof y === 'number' ? quantityBytes(y) : undefined;
        if (xb !== undefined && (yb === undefined || yb < xb)) {
          out.push(diagnose('DVP603', after, ['spec', 'persistentVolumeClaim', 'size'], yb === undefined ? `the size ${String(x)} is removed; it can never be omitted once set` : `the disk shrinks from ${String(x)} to ${String(y)}${formatBytes(xb) === String(x) && formatBytes(yb) === String(y) ? '' : ` (${formatBytes(xb)} → ${formatBytes(yb)})`}; volumes only grow`, 'keep the size or grow it'));
        }
        break;
      }
      case 'VirtualImage':
        immutable(['spec', 'dataSource'], 'the data source of a VirtualImage');
        immutable(['spec', 'persistentVolumeClaim', 'storageClassName'], 'the storage class of a VirtualImage');
        break;
      case 'ModuleConfig': {
        if (after.name !== 'virtualization') break;
        const pvc = ['spec', 'settings', 'dvcr', 'storage', 'persistentVolumeClaim'];
        immutable([...pvc, 'storageClassName'], 'the DVCR storage class');
        const x = get(b, ...pvc, 'size');
        const y = get(a, ...pvc, 'size');
        const xb = typeof x === 'string' ? quantityBytes(x) : undefined;
        const yb = typeof y === 'string' ? quantityBytes(y) : undefined;
        if (xb !== undefined && yb !== undefined && yb < xb) {
          out.push(diagnose('DVP603', after, [...pvc, 'size'], `the DVCR volume shrinks from ${String(x)} to ${String(y)}; the module rejects it`, 'keep the size or grow it'));
        }
        break;
      }
      case 'VirtualMachine': {
        const x = get(b, 'spec', 'virtualMachineIPAddressName');
        const y = get(a, 'spec', 'virtualMachineIPAddressName');
        if (x !== undefined && !jsonEqual(x, y)) {
          out.push(diagnose('DVP604', after, ['spec', 'virtualMachineIPAddressName'], `the VM's address claim changes from ${show(x)} to ${show(y)}: it gets another address`, 'keep the claim if the address must stay', 'warning'));
        }
        break;
      }
      case 'VirtualMachineIPAddress': {
        const x = get(b, 'spec', 'staticIP');
        const y = get(a, 'spec', 'staticIP');
        if (x !== undefined && !jsonEqual(x, y)) {
          out.push(diagnose('DVP604', after, ['spec', 'staticIP'], `the static address moves from ${show(x)} to ${show(y)}; the module refuses to change a bound claim's address`, 'create a new claim for the new address and move the VM to it', 'warning'));
        }
        break;
      }
    }
  }
  return out;
}

/** The inventory's objects that a desired object can be the same as (classes, the ModuleConfig), as a model. */
function liveModel(model: ClusterModel): ClusterModel | undefined {
  const inv = model.inventory;
  if (!inv || (inv.classes.length === 0 && !inv.moduleConfig)) return undefined;
  return new ClusterModel([...inv.classes, ...(inv.moduleConfig ? [inv.moduleConfig] : [])]);
}

export function checkBaseline(model: ClusterModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = model.baselineModel();
  if (base) append(out, append(checkRemovals(model, base), checkChanges(model, base)));
  const live = liveModel(model);
  if (live) {
    // Only the immutable fields (SPEC §3); a field the baseline already reports is not repeated.
    const seen = new Set(out.filter((d) => d.code === 'DVP602').map((d) => `${d.resource}|${d.path}`));
    for (const d of checkChanges(model, live, 'inventory')) if (d.code === 'DVP602' && !seen.has(`${d.resource}|${d.path}`)) out.push(d);
  }
  return out;
}
