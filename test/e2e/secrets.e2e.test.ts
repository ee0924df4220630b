// Secrets under the real engine: a session's GitHub token never reaches the state in plain text,
// and a check failure inside `resources` never prints it.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../emulator/server";

jest.setTimeout(5 * 60_000);

const TOKEN = "ghp_canaryToken0123456789";
let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let badUrl = false;

beforeAll(async () => {
  emulator = await startEmulator();
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(
    env,
    async () => {
      const agent = new Agent("coder", { name: "coder", model: "claude-sonnet-4-6" });
      const environment = new Environment("sandbox", { name: "sandbox" });
      const session = new Session("repo-session", {
        agent: agent.id,
        environmentId: environment.id,
        resources: [
          {
            type: "github_repository",
            url: badUrl ? "http://github.com/acme/app" : "https://github.com/acme/app",
            authorizationToken: TOKEN,
            checkout: { type: "branch", name: "main" },
          },
        ],
      });
      return { sessionId: session.id };
    },
    "secrets",
  );
});

afterAll(async () => {
  await stack?.destroy();
  await emulator?.stop();
});

it("keeps the GitHub token out of the state and the output, while the API receives it", async () => {
  const lines: string[] = [];
  await stack.up({ onOutput: (s) => void lines.push(s), diff: true });
  expect(lines.join("")).not.toContain(TOKEN);
  const exported = runCli(env, ["stack", "export", "--stack", "secrets"]);
  expect(exported).not.toContain(TOKEN);
  expect(exported).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature
  const create = emulator.requests.find((r) => r.method === "POST" && r.path === "/v1/sessions")!;
  expect((create.body as { resources: Array<{ authorization_token: string }> }).resources[0]!.authorization_token).toBe(TOKEN);
});

it("a bad resource fails preview without printing the token", async () => {
  badUrl = true;
  const lines: string[] = [];
  await expect(stack.preview({ onOutput: (s) => void lines.push(s) })).rejects.toThrow();
  const text = lines.join("");
  expect(text).toContain("property resources[0].url value {<nil>} has a problem: Invalid URL");
  expect(text).not.toContain(TOKEN);
  badUrl = false;
});
