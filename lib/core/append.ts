/**
 * Appends items one by one. `target.push(...items)` passes every item as an argument and throws
 * "Maximum call stack size exceeded" past about 100,000 of them; fleets and hostile inputs reach that.
 */
export function append<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) target.push(item);
  return target;
}
