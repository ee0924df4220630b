// The Node.js this package needs, checked before anything else of it loads: on an older Node a
// dependency fails at load with a message that names nothing (`Cannot read properties of
// undefined (reading 'bind')`, from undici), and the user cannot tell which `node` the Pulumi
// engine ran.
export const MIN_NODE_MAJOR = 22;

/** What is wrong with the running Node.js, if anything. */
export function nodeVersionProblem(versions: NodeJS.ProcessVersions = process.versions, execPath = process.execPath): string | undefined {
  const major = Number(versions.node.split(".")[0]);
  if (Number.isFinite(major) && major >= MIN_NODE_MAJOR) return undefined;
  return (
    `pulumi-anthropic-managed-agents needs Node.js ${MIN_NODE_MAJOR} or newer (found v${versions.node} at ${execPath}): ` +
    "put a newer `node` first on the PATH the Pulumi CLI runs with (its provider processes run the first `node` on that PATH)"
  );
}

const problem = nodeVersionProblem();
if (problem !== undefined) throw new Error(problem);
