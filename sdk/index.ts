export { Agent, type AgentArgs, type AgentInputs } from "./agent";
export { Environment, type EnvironmentArgs, type EnvironmentInputs } from "./environment";
export { Session, type SessionArgs, type SessionInputs } from "./session";
export type { McpServer, Tool } from "./types";
export type { DeepInput, DeepInputs } from "./input";
export { Skill, type SkillArgs, type SkillInputs } from "./skill";
export { Deployment, type DeploymentArgs, type DeploymentInputs } from "./deployment";
export { runDeployment, type DeploymentRun, type RunDeploymentOptions } from "./run-deployment";
