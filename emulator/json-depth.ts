// How deep a request body may nest: far deeper than any request of the API, shallow enough that
// everything the emulator does with a body (compare, copy, serialize; all of it recursive) is
// safe. A deeper body is refused with a 400 before any handler sees it.
export const MAX_BODY_DEPTH = 128;

/** Whether `value` nests lists and maps more than `limit` levels deep (walked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
