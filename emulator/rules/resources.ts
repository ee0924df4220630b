// The resources a session mounts (SDK `BetaManagedAgents*ResourceParams`), checked alike where a
// session takes them and where a deployment keeps them for its runs: a GitHub repository (a
// commit checkout names a full 40-character sha), a file, or a memory store (instructions of at
// most 4,096 characters). Strings where strings are typed; the write-only token is never kept in
// what is answered.
import { invalid } from "../http";
import { isObject, stringFields, type Json } from "./values";

const STRING_FIELDS = ["url", "file_id", "memory_store_id", "mount_path", "authorization_token", "access", "instructions"];
const MAX_INSTRUCTIONS = 4096;

/** The resource at `resources[index]` checked, as the API may show it: without its authorization token. */
export function checkResource(r: unknown, index: number): Json {
  const where = `resources[${index}]`;
  if (!isObject(r)) throw invalid(`${where}: must be an object`);
  stringFields(r, STRING_FIELDS, `${where}.`);
  const checkout = r["checkout"];
  if (checkout !== undefined && checkout !== null && !(isObject(checkout) && ["branch", "commit"].includes(checkout["type"] as string))) {
    throw invalid(`${where}.checkout: must be {type: "branch", name} or {type: "commit", sha}`);
  }
  const { authorization_token: _secret, ...visible } = r;
  switch (r["type"]) {
    case "github_repository": {
      if (typeof r["url"] !== "string") throw invalid(`${where}.url: required`);
      if (isObject(checkout) && checkout["type"] === "commit" && !(typeof checkout["sha"] === "string" && /^[0-9a-f]{40}$/.test(checkout["sha"]))) {
        throw invalid(`${where}.checkout.sha: must be a full 40-character commit SHA`);
      }
      return visible;
    }
    case "file":
      if (typeof r["file_id"] !== "string") throw invalid(`${where}.file_id: required`);
      return visible;
    case "memory_store":
      if (typeof r["memory_store_id"] !== "string") throw invalid(`${where}.memory_store_id: required`);
      if (typeof r["instructions"] === "string" && r["instructions"].length > MAX_INSTRUCTIONS) throw invalid(`${where}.instructions: at most 4096 characters`);
      return visible;
    default:
      throw invalid(`${where}.type: unknown resource type ${JSON.stringify(r["type"])}`);
  }
}
