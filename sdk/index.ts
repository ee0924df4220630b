export { Agent, type AgentArgs, type ResolvedAgent } from "./agent";
export { Environment, type EnvironmentArgs, type ResolvedEnvironment } from "./environment";
export { Session, type SessionArgs } from "./session";
