/**
 * The one-shot operations: VirtualMachineOperation and VirtualMachineSnapshotOperation (DVP406
 * warns when one sits in a GitOps path), still checked, as the API server would reject a
 * malformed one. Both specs are immutable (CEL `self == oldSelf`, a rule on updates only).
 */
import { z } from 'zod';
import { resource } from './common.ts';
import { V1ALPHA2 } from '../core/kinds.ts';

const mode = z.enum(['DryRun', 'Strict', 'BestEffort']);
const nameAffix = (what: string) => z.string().superRefine((s, ctx) => {
  if (s.length < 1 || s.length > 59) ctx.addIssue({ code: 'custom', message: `${what} length must be between 1 and 59 characters if set` });
});

/** How a clone is named: the same shape and rules in a VM operation's `clone` and a snapshot operation's `createVirtualMachine`. */
function cloneSpec() {
  return z.strictObject({
    mode,
    customization: z.strictObject({ namePrefix: nameAffix('namePrefix').optional(), nameSuffix: nameAffix('nameSuffix').optional() }).optional(),
    nameReplacement: z.array(z.strictObject({
      from: z.strictObject({ kind: z.string().min(1).optional(), name: z.string().min(1) }),
      to: z.string().min(1),
    })).superRefine((list, ctx) => {
      // The CRDs bound `to` with a CEL rule on the list, not on the field.
      if (list.some((nr) => nr.to.length < 1 || nr.to.length > 59)) {
        ctx.addIssue({ code: 'custom', message: 'Each nameReplacement.to must be between 1 and 59 characters' });
      }
    }).optional(),
  }).superRefine((clone, ctx) => {
    const c = clone.customization;
    if (!(c?.namePrefix || c?.nameSuffix || (clone.nameReplacement?.length ?? 0) > 0)) {
      ctx.addIssue({ code: 'custom', message: 'At least one of customization.namePrefix, customization.nameSuffix, or nameReplacement must be set' });
    }
  });
}

export const operationSpec = z.strictObject({
  type: z.enum(['Restart', 'Start', 'Stop', 'Migrate', 'Evict', 'Restore', 'Clone']),
  virtualMachineName: z.string().min(1),
  force: z.boolean().optional(),
  migrate: z.strictObject({ nodeSelector: z.record(z.string(), z.string()).optional() }).optional(),
  restore: z.strictObject({ mode, virtualMachineSnapshotName: z.string().min(1) }).optional(),
  clone: cloneSpec().optional(),
}).superRefine((spec, ctx) => {
  // The CEL rules on spec, with the CRD's messages.
  if (spec.type === 'Start' && spec.force) ctx.addIssue({ code: 'custom', path: ['force'], message: 'The `Start` operation cannot be performed forcibly.' });
  if (spec.type === 'Restore' && !spec.restore) ctx.addIssue({ code: 'custom', path: ['type'], message: 'Restore requires restore field.' });
  if (spec.type === 'Clone' && !spec.clone) ctx.addIssue({ code: 'custom', path: ['type'], message: 'Clone requires clone field.' });
  if (spec.migrate && spec.type !== 'Migrate') ctx.addIssue({ code: 'custom', path: ['migrate'], message: "spec.migrate can only be set when spec.type is 'Migrate'" });
});

export const virtualMachineOperation = resource([V1ALPHA2], 'VirtualMachineOperation', operationSpec);

/**
 * The CRD's CEL rule on spec tests `type == 'CreateVirtualMachineName'`, a value outside the type's
 * enum, so it never fires: `createVirtualMachine` is not enforced by the API server (the
 * controller fails such an operation at reconcile time), and dvpc does not invent the rule.
 */
export const snapshotOperationSpec = z.strictObject({
  type: z.enum(['CreateVirtualMachine']),
  virtualMachineSnapshotName: z.string().min(1),
  createVirtualMachine: cloneSpec().optional(),
});

export const virtualMachineSnapshotOperation = resource([V1ALPHA2], 'VirtualMachineSnapshotOperation', snapshotOperationSpec);

export type OperationSpec = z.input<typeof operationSpec>;
export type SnapshotOperationSpec = z.input<typeof snapshotOperationSpec>;
