// A spend limit (BetaManagedAgentsBudgetLimit) as sessions and deployments take it alike:
// `{type: "limit", max_list_cost: {amount, currency}}`, the amount an integer of minor units
// written as a decimal string, the currency USD (the only one the API prices in, filled in when
// omitted).
import { invalid } from "../http";
import { isObject, type Json } from "./values";

/** The budget as stored and answered, or null for none (absent or null). */
export function resolveBudget(budget: unknown): Json | null {
  if (budget === undefined || budget === null) return null;
  const cost = isObject(budget) ? budget["max_list_cost"] : undefined;
  if (!isObject(budget) || budget["type"] !== "limit" || !isObject(cost) || typeof cost["amount"] !== "string" || !/^(0|[1-9]\d*)$/.test(cost["amount"])) {
    throw invalid('budget: must be {type: "limit", max_list_cost: {amount: "<integer minor units>", currency?: "USD"}}');
  }
  if (cost["currency"] !== undefined && cost["currency"] !== "USD") throw invalid('budget.max_list_cost.currency: must be "USD"');
  return { ...budget, max_list_cost: { currency: "USD", ...cost } };
}
