// `pulumi up` entry point: see program.ts. Then edit skills/triage-rules/SKILL.md and run
// `pulumi preview`: the skill, the agent and the deployment update, the pinned session is replaced.
//   pulumi config set skill-rollout:paused true     (the deployment is paused, in place)
import { optionsFromConfig, skillRollout } from "./program";

export = skillRollout(optionsFromConfig());
