"""The pinned-sessions story through the generated Python SDK, as a Python user runs it: an inline
program under the Automation API (which needs no language host), against the emulator.

    python pinned_sessions.py <preview|up|up-debug|destroy>

Settings come from the environment the driving test sets: WORK_DIR, BACKEND_URL, PULUMI_HOME,
CLI_ROOT, API_KEY, BASE_URL, SYSTEM_PROMPT, WITH_LINEAR, WITH_TUNNEL. Prints one line of JSON: for
`preview`, the step the engine plans per resource; for `up`, the stack's outputs; for `up-debug`
(`up --debug`), the outputs and everything the run printed or streamed as events.
"""
import json
import os
import sys

import pulumi
from pulumi import automation as auto
import pulumi_anthropic_managed_agents as anthropic


def program() -> None:
    environment = anthropic.Environment(
        "sandbox",
        name="sandbox",
        config={"type": "cloud", "networking": {"type": "limited", "allowed_hosts": ["api.github.com"]}},
    )
    agent = anthropic.Agent(
        "coder",
        name="coder",
        model="claude-sonnet-4-6",
        system=os.environ["SYSTEM_PROMPT"],
        tools=[{"type": "agent_toolset_20260401"}],
    )
    # Pinned to the agent's version: a change to the agent replaces this session.
    follows = anthropic.Session(
        "follows-agent", agent=agent.id, agent_version=agent.version, environment_id=environment.id, title="follows the agent"
    )
    # Not pinned: keeps the version it started on.
    stays = anthropic.Session("stays-put", agent=agent.id, environment_id=environment.id, title="stays", on_destroy="delete")
    # Session-local tools: changing them updates this session in place, never the agent.
    local_tools = {}
    if os.environ.get("WITH_LINEAR") == "1":
        local_tools = {
            "tools": [{"type": "agent_toolset_20260401"}, {"type": "mcp_toolset", "mcp_server_name": "linear"}],
            "mcp_servers": [anthropic.McpServerArgs(type="url", name="linear", url="https://mcp.linear.app/sse")],
        }
    local = anthropic.Session("local-tools", agent=agent.id, environment_id=environment.id, title="local", **local_tools)
    pulumi.export("agentVersion", agent.version)
    pulumi.export("followsAgentId", follows.id)
    pulumi.export("followsAgentVersion", follows.agent_version)
    pulumi.export("staysPutId", stays.id)
    pulumi.export("staysPutVersion", stays.agent_version)
    pulumi.export("localToolsId", local.id)
    if os.environ.get("WITH_TUNNEL") == "1":
        # A secret output exported as is: it must stay out of `--debug` and the event stream too.
        tunnel = anthropic.Tunnel("connector", display_name="wiki")
        pulumi.export("tunnelId", tunnel.id)
        pulumi.export("tunnelToken", tunnel.token)
        pulumi.log.debug("story: the tunnel is declared")


def stack() -> auto.Stack:
    env = {
        "PULUMI_CONFIG_PASSPHRASE": "languages",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    opts = auto.LocalWorkspaceOptions(
        work_dir=os.environ["WORK_DIR"],
        pulumi_home=os.environ["PULUMI_HOME"],
        env_vars=env,
        pulumi_command=auto.PulumiCommand(root=os.environ["CLI_ROOT"], skip_version_check=True),
        project_settings=auto.ProjectSettings(name="py-sessions", runtime="python", backend=auto.ProjectBackend(url=os.environ["BACKEND_URL"])),
    )
    s = auto.create_or_select_stack(stack_name="dev", project_name="py-sessions", program=program, opts=opts)
    s.set_config("anthropic:apiKey", auto.ConfigValue(value=os.environ["API_KEY"], secret=True))
    s.set_config("anthropic:baseUrl", auto.ConfigValue(value=os.environ["BASE_URL"]))
    return s


def plain(outputs: auto.OutputMap) -> dict:
    """A stack's outputs as plain values (secrets unwrapped)."""
    return {k: v.value for k, v in outputs.items()}


def main() -> None:
    action = sys.argv[1]
    s = stack()
    if action == "preview":
        ops: dict[str, set[str]] = {}

        def on_event(event: auto.EngineEvent) -> None:
            pre = event.resource_pre_event
            if pre is None or pre.metadata.type.startswith(("pulumi:pulumi:Stack", "pulumi:providers:")):
                return
            ops.setdefault(pre.metadata.urn.split("::")[-1], set()).add(pre.metadata.op.value)

        s.preview(on_event=on_event)
        # A replacement shows as several steps (create-replacement, replace, delete-replaced).
        print(json.dumps({name: "replace" if "replace" in seen else "+".join(sorted(seen)) for name, seen in ops.items()}))
    elif action == "up":
        print(json.dumps(plain(s.up().outputs)))
    elif action == "up-debug":
        events: list[str] = []
        result = s.up(debug=True, on_event=lambda e: events.append(str(e)))
        print(json.dumps({"outputs": plain(result.outputs), "log": "\n".join([result.stdout, result.stderr, *events])}))
    elif action == "destroy":
        s.destroy()
        print(json.dumps({}))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
