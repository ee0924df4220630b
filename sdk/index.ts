export { Agent, type AgentArgs, type ResolvedAgent } from "./agent";
