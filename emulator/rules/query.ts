// Query parameters as the API reads them on list routes.
import { invalid } from "../http";

/** A list query's repeated parameter, as `types[]=a&types[]=b` (the SDK) or `types=a`. */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = [...query.getAll(`${name}[]`), ...query.getAll(name)].flatMap((v) => v.split(",")).filter((v) => v !== "");
  return values.length > 0 ? values : undefined;
}

/** `include_archived=true`: archived objects are listed too. */
export const includeArchived = (query: URLSearchParams): boolean => query.get("include_archived") === "true";

/** `order`: "asc" or "desc", `fallback` when absent. */
export function orderParam(query: URLSearchParams, fallback: "asc" | "desc"): "asc" | "desc" {
  const order = query.get("order") ?? fallback;
  if (order !== "asc" && order !== "desc") throw invalid('order must be "asc" or "desc"');
  return order;
}
