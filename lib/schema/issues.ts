/**
 * Turns zod issues into sentences that name the value and the rule. The zod messages are generic
 * ("Invalid input"); a diagnostic must say what was written and what is allowed.
 */
import type { z } from 'zod';
import type { FieldPath } from '../core/json.ts';
import { redactedExcerpt } from '../core/excerpt.ts';

export interface SchemaProblem {
  /** Path of the offending field from the object's root. */
  readonly path: FieldPath;
  /** The sentence. */
  readonly message: string;
  /** An unknown field: its name, so callers can tell a seed-only key (DVP005) from a typo. */
  readonly unknownKey?: string;
}

/** A value as a message shows it: the user's strings as a short redacted excerpt (they are untrusted). */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return redactedExcerpt(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One of the schema's own allowed values, shown whole. */
function allowed(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `the ${typeof v} ${show(v)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** The problems of a failed parse, one per issue (unknown keys split one per key). */
export function schemaProblems(error: z.ZodError, input: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const k of issue.keys) out.push({ path: [...path, k], message: `unknown field "${k}"`, unknownKey: k });
        break;
      case 'invalid_type':
        out.push({
          path,
          message: value === undefined
            ? `required field "${String(path[path.length - 1] ?? 'object')}" is missing`
            : `expected ${issue.expected === 'int' ? 'an integer' : issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${typeName(value)}`,
        });
        break;
      case 'invalid_value':
        out.push({
          path,
          message: value === undefined
            ? `required field "${String(path[path.length - 1] ?? 'object')}" is missing; expected one of ${issue.values.map((v) => allowed(v)).join(', ')}`
            : `${show(value)} is not allowed; expected one of ${issue.values.map((v) => allowed(v)).join(', ')}`,
        });
        break;
      case 'invalid_format':
        out.push({ path, message: `${show(value)} ${issue.message.startsWith('must') ? issue.message : `does not match ${'pattern' in issue ? String(issue.pattern) : issue.format}`}` });
        break;
      case 'too_small':
        out.push({ path, message: issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s), has ${Array.isArray(value) ? value.length : 0}` : issue.origin === 'string' ? `${show(value)} is shorter than ${String(issue.minimum)} character(s)` : `${show(value)} is below the minimum ${String(issue.minimum)}` });
        break;
      case 'too_big':
        out.push({ path, message: issue.origin === 'array' ? `has ${Array.isArray(value) ? value.length : '?'} items; at most ${String(issue.maximum)} allowed` : issue.origin === 'string' ? `${show(value)} is longer than ${String(issue.maximum)} character(s)` : `${show(value)} is above the maximum ${String(issue.maximum)}` });
        break;
      case 'invalid_union':
        out.push({ path, message: `${show(value)} has the wrong type (${typeName(value)})` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

