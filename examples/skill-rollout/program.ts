// One folder, rolled out: skill -> agent -> session and deployment.
// - the Skill uploads skills/triage-rules; a changed file makes a new skill version;
// - the Agent references `skill.latestVersion`, so that new skill version makes a new agent version;
// - the Session is pinned to `agent.version`: it is replaced by a session on the new version;
// - the Deployment is pinned too, but moves to the new version in place (same deployment).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Agent, Deployment, Environment, Session, Skill } from "pulumi-anthropic-managed-agents";

export interface SkillRolloutOptions {
  /** The skill's folder (a SKILL.md and its files). */
  skillDirectory: string;
  paused?: boolean;
  schedule: { expression: string; timezone: string };
}

export const defaultOptions: SkillRolloutOptions = {
  skillDirectory: path.join(__dirname, "skills", "triage-rules"),
  schedule: { expression: "0 7 * * MON-FRI", timezone: "Europe/Paris" },
};

export function skillRollout(o: SkillRolloutOptions) {
  const skill = new Skill("triage-rules", { directory: o.skillDirectory, displayName: "Triage rules" });

  const agent = new Agent("triager", {
    name: "triager",
    model: "claude-sonnet-4-6",
    system: "You triage GitHub issues. Follow the triage-rules skill.",
    tools: [{ type: "agent_toolset_20260401" }],
    skills: [{ type: "custom", skillId: skill.id, version: skill.latestVersion }],
  });

  const environment = new Environment("triage-sandbox", { name: "triage-sandbox" });

  const session = new Session("triage", {
    agent: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    title: "triage on the latest rules",
  });

  const deployment = new Deployment("weekday-triage", {
    agent: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    name: "weekday triage",
    initialEvents: [{ type: "user.message", content: [{ type: "text", text: "Triage the issues opened since the last run." }] }],
    schedule: { type: "cron", ...o.schedule },
    ...(o.paused !== undefined ? { paused: o.paused } : {}),
  });

  return {
    skillId: skill.id,
    skillVersions: skill.versions,
    skillLatestVersion: skill.latestVersion,
    agentId: agent.id,
    agentVersion: agent.version,
    agentSkills: agent.skills,
    environmentId: environment.id,
    sessionId: session.id,
    sessionAgentVersion: session.agentVersion,
    deploymentId: deployment.id,
    deploymentAgentVersion: deployment.agentVersion,
    deploymentStatus: deployment.status,
  };
}

/** The options from stack config (`pulumi config set skill-rollout:paused true`). */
export function optionsFromConfig(): SkillRolloutOptions {
  const config = new pulumi.Config("skill-rollout");
  const paused = config.getBoolean("paused");
  return {
    ...defaultOptions,
    ...(paused !== undefined ? { paused } : {}),
    schedule: { expression: config.get("cronExpression") ?? defaultOptions.schedule.expression, timezone: config.get("timezone") ?? defaultOptions.schedule.timezone },
  };
}
