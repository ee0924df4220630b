// What this provider process made: the objects its creates made and the versions its updates made.
// An earlier run cannot have referred to any of them (their ids and versions did not exist), so a
// lookup of what an interrupted run made finds nothing among the objects that refer to them: a
// session of an agent this process created, or pinned to a version this process made.

const objects = new Set<string>();
const versions = new Set<string>();

/** An object a create of this process made (its POST, not a lookup, brought it into being). */
export function madeObject(id: string): void {
  objects.add(id);
}

export function madeByThisProcess(id: string): boolean {
  return objects.has(id);
}

/** A version an update of this process made (the API answered it with the version number). */
export function madeVersion(id: string, version: number): void {
  versions.add(`${id}@${version}`);
}

export function versionMadeByThisProcess(id: string, version: number): boolean {
  return objects.has(id) || versions.has(`${id}@${version}`);
}
