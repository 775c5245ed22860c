/**
 * The inventory's maintenance kinds (SPEC §3): StorageProfiles, the VMs as they run, and the few
 * objects that show the module's edition (UPSTREAM-MIGRATION §1.2, §2.1, §2.7). Each reader takes
 * one object as kubectl prints it and never throws on a malformed one.
 */
import { toResource, type JsonObject } from '../core/resource.ts';
import type { Origin } from '../core/resource.ts';
import type { ClaimPropertySet, EditionSignal, InventoryStorageProfile, InventoryVirtualMachine } from './types.ts';

export const STORAGE_PROFILE_GROUP = 'storage.virtualization.deckhouse.io/';
/** The module's admission webhooks; outside CE they include the VirtualMachinePool ones. */
export const ADMISSION_WEBHOOK_CONFIG = 'virtualization-controller-admission-webhook';
const POOL_WEBHOOK = 'vmpool.virtualization-controller.validate.d8-virtualization';

function obj(v: unknown): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function claimSets(v: unknown): ClaimPropertySet[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((s) => ({
    accessModes: list(obj(s)['accessModes']).filter((m): m is string => typeof m === 'string'),
    volumeMode: str(obj(s)['volumeMode']),
  }));
}

/** A StorageProfile, or undefined when the object is of another group. */
export function readStorageProfile(body: JsonObject): InventoryStorageProfile | undefined {
  if (!(str(body['apiVersion']) ?? '').startsWith(STORAGE_PROFILE_GROUP)) return undefined;
  const status = obj(body['status']);
  return {
    name: str(obj(body['metadata'])['name']) ?? '',
    provisioner: str(status['provisioner']),
    spec: claimSets(obj(body['spec'])['claimPropertySets']),
    status: body['status'] === undefined ? undefined : (claimSets(status['claimPropertySets']) ?? []),
  };
}

/** A live VirtualMachine of the module's group, or undefined for another group's kind of that name. */
export function readLiveVm(body: JsonObject, origin: Origin): InventoryVirtualMachine | undefined {
  if (!(str(body['apiVersion']) ?? '').startsWith('virtualization.deckhouse.io/')) return undefined;
  const resource = toResource(body, origin, 'default');
  const status = obj(body['status']);
  const cond = list(status['conditions']).map(obj).find((c) => c['type'] === 'Migratable');
  return {
    resource,
    name: resource.name,
    namespace: resource.namespace ?? 'default',
    nodeName: str(status['nodeName']) || undefined,
    phase: str(status['phase']),
    migratable: cond ? { status: str(cond['status']) ?? 'Unknown', reason: str(cond['reason']) ?? '', message: str(cond['message']) ?? '' } : undefined,
  };
}

/**
 * What a live VM's `Migratable` reason shows: the module reports non-RWX disks as
 * `VirtualMachineDisksShouldBeMigrating` only where the VolumeMigration gate is on (not CE), and
 * as `VirtualMachineDisksNotMigratable` in CE (UPSTREAM-MIGRATION §2.1).
 */
export function editionOfVm(vm: InventoryVirtualMachine): EditionSignal | undefined {
  const reason = vm.migratable?.reason;
  const who = `VirtualMachine/${vm.namespace}/${vm.name}`;
  if (reason === 'VirtualMachineDisksShouldBeMigrating') return { edition: 'EE', evidence: `${who} is Migratable with reason ${reason}, which only editions other than CE report` };
  if (reason === 'VirtualMachineDisksNotMigratable') return { edition: 'CE', evidence: `${who} is not Migratable with reason ${reason}, which only CE reports` };
  return undefined;
}

/** The module's ValidatingWebhookConfiguration: the VirtualMachinePool webhooks exist only outside CE. */
export function editionOfWebhooks(body: JsonObject): EditionSignal | undefined {
  const name = str(obj(body['metadata'])['name']);
  if (name !== ADMISSION_WEBHOOK_CONFIG) return undefined;
  const hooks = list(body['webhooks']).map((w) => str(obj(w)['name']) ?? '');
  const who = `ValidatingWebhookConfiguration/${name}`;
  return hooks.some((h) => h === POOL_WEBHOOK)
    ? { edition: 'EE', evidence: `${who} has the VirtualMachinePool webhook, which is rendered only outside CE` }
    : { edition: 'CE', evidence: `${who} has no VirtualMachinePool webhook, which is rendered outside CE` };
}

/**
 * One of the module's user-authz ClusterRoles (named or labelled `user-authz`) granting
 * virtualmachinepools: the module lists that resource only outside CE. Roles an administrator
 * wrote prove nothing, so only user-authz roles count, and only as a sign of EE.
 */
export function editionOfClusterRole(body: JsonObject): EditionSignal | undefined {
  const meta = obj(body['metadata']);
  const userAuthz = (str(meta['name']) ?? '').includes('user-authz') || Object.keys(obj(meta['labels'])).some((k) => k.startsWith('user-authz.deckhouse.io/'));
  if (!userAuthz) return undefined;
  const grants = list(body['rules']).map(obj).some((r) =>
    list(r['apiGroups']).includes('virtualization.deckhouse.io') && list(r['resources']).includes('virtualmachinepools'));
  const name = str(obj(body['metadata'])['name']) ?? '';
  return grants ? { edition: 'EE', evidence: `ClusterRole/${name} grants virtualmachinepools, which the module's roles list only outside CE` } : undefined;
}
