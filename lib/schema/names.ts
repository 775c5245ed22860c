/**
 * Name rules (DVP003): DNS-1123 for every object, plus the module's own limits on top.
 * Pure functions, shared by the constructs (eager errors) and the checker.
 */
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from './common.ts';
import { excerpt } from '../core/excerpt.ts';

/** The module rejects these on VirtualDisk, VirtualImage and ClusterVirtualImage names. */
const NO_DOT_KINDS = new Set(['VirtualDisk', 'VirtualImage', 'ClusterVirtualImage']);

/** The pool webhook's limit, so that member names `<pool>-xxxxx` stay within a VM name's 63. */
export const MAX_POOL_NAME = 57;

/** Problems with an object's name, as sentences; empty when the name is fine. */
export function nameProblems(kind: string, name: string, isGenerateName = false): string[] {
  const problems: string[] = [];
  const checked = isGenerateName ? `${name}x` : name;
  if (name.length === 0) return ['metadata.name is empty'];
  if (name.length > 253) problems.push(`${excerpt(name)} is ${name.length} characters long; names are at most 253`);
  if (kind === 'Namespace') {
    if (name.length > 63 || !DNS1123_LABEL.test(checked)) {
      problems.push(`${excerpt(name)} is not a DNS-1123 label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit)`);
    }
    return problems;
  }
  if (!DNS1123_SUBDOMAIN.test(checked)) {
    problems.push(`${excerpt(name)} is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)`);
  }
  if (kind === 'VirtualMachine' && name.length > 63) {
    problems.push(`the VirtualMachine name ${excerpt(name)} is ${name.length} characters long; the module allows at most 63`);
  }
  if (kind === 'VirtualMachinePool' && name.length > MAX_POOL_NAME) {
    problems.push(`the VirtualMachinePool name "${name}" is ${name.length} characters long; the module allows at most ${MAX_POOL_NAME} (its members are named <pool>-<5 characters>)`);
  }
  if (NO_DOT_KINDS.has(kind) && name.includes('.')) {
    problems.push(`the ${kind} name ${excerpt(name)} contains '.', which the module forbids (allowed: [0-9a-z-])`);
  }
  return problems;
}

/** A DNS-safe form of any text: lower-case, runs of other characters as '-', trimmed. */
export function dnsSafe(text: string, maxLength = 63): string {
  const s = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return s.slice(0, maxLength).replace(/-$/g, '');
}
