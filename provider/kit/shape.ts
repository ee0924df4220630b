// What any input value must be before the schema (or anything recursive) sees it: nested at most
// MAX_DEPTH levels, and without a `__proto__` key. Both are checked by one walk that recurses on
// nothing (an explicit stack), so that a value nested 100,000 levels deep is a failure naming its
// path rather than a stack overflow; a `__proto__` key would become an object's prototype as soon
// as it is copied (and Pulumi's own serialization drops it), so it is refused where it stands.
import { formatPath, isRecord } from "./values";

/** Levels of lists and maps a value may nest; no API field needs nearly as many. */
export const MAX_DEPTH = 64;

export interface ShapeProblem {
  /** The path of the offending value (for a value nested too deep, where the limit was passed). */
  path: PropertyKey[];
  reason: string;
}

/** The first problem of each field of `props` whose value is nested too deep or holds a `__proto__` key. */
export function shapeProblems(props: Record<string, unknown>): Map<string, ShapeProblem> {
  const problems = new Map<string, ShapeProblem>();
  for (const [field, value] of Object.entries(props)) {
    const problem = firstProblem(value, [field]);
    if (problem) problems.set(field, problem);
  }
  return problems;
}

function firstProblem(root: unknown, rootPath: PropertyKey[]): ShapeProblem | undefined {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: root, path: rootPath }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path } = top;
    const nested = Array.isArray(value) || isRecord(value);
    if (!nested) continue;
    // The field itself is level 0: a value inside MAX_DEPTH lists or maps is still fine.
    if (path.length - rootPath.length >= MAX_DEPTH) {
      return { path, reason: `nested more than ${MAX_DEPTH} levels deep (lists and maps): no API field takes a value this deep` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.includes("__proto__")) {
      return { path: [...path, "__proto__"], reason: '"__proto__" cannot be a key: JavaScript (and Pulumi\'s serialization with it) takes it for the object\'s prototype' };
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: value[keys[i]!], path: [...path, keys[i]!] });
  }
  return undefined;
}

/** How a shape problem reads as a `check` failure. */
export function shapeFailure(problem: ShapeProblem): { property: string; reason: string } {
  return { property: formatPath(problem.path), reason: problem.reason };
}
