export { Agent, type AgentArgs } from "./agent";
export { Environment, type EnvironmentArgs } from "./environment";
export { Session, type SessionArgs } from "./session";
export type { DeepInput } from "./input";
