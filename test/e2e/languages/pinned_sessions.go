// The pinned-sessions story through the generated Go SDK, as a Go user runs it: an inline program
// under the Automation API (which needs no language host), against the emulator.
//
//	go build -o story . && ./story <preview|up|up-debug|destroy>
//
// Settings come from the environment the driving test sets: WORK_DIR, BACKEND_URL, PULUMI_HOME,
// CLI_ROOT, API_KEY, BASE_URL, SYSTEM_PROMPT, WITH_LINEAR, WITH_TUNNEL. Prints one line of JSON: for
// `preview`, the step the engine plans per resource; for `up`, the stack's outputs; for `up-debug`
// (`up --debug`), the outputs and everything the run printed or streamed as events.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	anthropic "github.com/anthropic-pulumi/pulumi-anthropic-managed-agents/sdk/go/anthropic"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/debug"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func program(ctx *pulumi.Context) error {
	environment, err := anthropic.NewEnvironment(ctx, "sandbox", &anthropic.EnvironmentArgs{
		Name: pulumi.String("sandbox"),
		Config: &anthropic.EnvironmentConfigArgs{
			Type: anthropic.EnvironmentConfigTypeCloud,
			Networking: &anthropic.EnvironmentConfigNetworkingArgs{
				Type:         anthropic.NetworkingTypeLimited,
				AllowedHosts: pulumi.StringArray{pulumi.String("api.github.com")},
			},
		},
	})
	if err != nil {
		return err
	}
	agent, err := anthropic.NewAgent(ctx, "coder", &anthropic.AgentArgs{
		Name:   pulumi.String("coder"),
		Model:  pulumi.String("claude-sonnet-4-6"),
		System: pulumi.String(os.Getenv("SYSTEM_PROMPT")),
		Tools:  anthropic.ToolArray{&anthropic.ToolArgs{Type: anthropic.ToolTypeAgentToolset20260401}},
	})
	if err != nil {
		return err
	}
	// Pinned to the agent's version: a change to the agent replaces this session.
	follows, err := anthropic.NewSession(ctx, "follows-agent", &anthropic.SessionArgs{
		Agent:         agent.ID().ToStringOutput(),
		AgentVersion:  agent.Version,
		EnvironmentId: environment.ID().ToStringOutput(),
		Title:         pulumi.String("follows the agent"),
	})
	if err != nil {
		return err
	}
	// Not pinned: keeps the version it started on.
	stays, err := anthropic.NewSession(ctx, "stays-put", &anthropic.SessionArgs{
		Agent:         agent.ID().ToStringOutput(),
		EnvironmentId: environment.ID().ToStringOutput(),
		Title:         pulumi.String("stays"),
		OnDestroy:     anthropic.OnDestroyDelete,
	})
	if err != nil {
		return err
	}
	// Session-local tools: changing them updates this session in place, never the agent.
	local := &anthropic.SessionArgs{
		Agent:         agent.ID().ToStringOutput(),
		EnvironmentId: environment.ID().ToStringOutput(),
		Title:         pulumi.String("local"),
	}
	if os.Getenv("WITH_LINEAR") == "1" {
		local.Tools = anthropic.ToolArray{
			&anthropic.ToolArgs{Type: anthropic.ToolTypeAgentToolset20260401},
			&anthropic.ToolArgs{Type: anthropic.ToolTypeMcpToolset, McpServerName: pulumi.String("linear")},
		}
		local.McpServers = anthropic.McpServerArray{
			&anthropic.McpServerArgs{Type: pulumi.String("url"), Name: pulumi.String("linear"), Url: pulumi.String("https://mcp.linear.app/sse")},
		}
	}
	localTools, err := anthropic.NewSession(ctx, "local-tools", local)
	if err != nil {
		return err
	}
	ctx.Export("agentVersion", agent.Version)
	ctx.Export("followsAgentId", follows.ID())
	ctx.Export("followsAgentVersion", follows.AgentVersion)
	ctx.Export("staysPutId", stays.ID())
	ctx.Export("staysPutVersion", stays.AgentVersion)
	ctx.Export("localToolsId", localTools.ID())
	if os.Getenv("WITH_TUNNEL") == "1" {
		// A secret output exported as is: it must stay out of `--debug` and the event stream too.
		tunnel, err := anthropic.NewTunnel(ctx, "connector", &anthropic.TunnelArgs{DisplayName: pulumi.String("wiki")})
		if err != nil {
			return err
		}
		ctx.Export("tunnelId", tunnel.ID())
		ctx.Export("tunnelToken", tunnel.Token)
		ctx.Log.Debug("story: the tunnel is declared", nil)
	}
	return nil
}

func stack(ctx context.Context) (auto.Stack, error) {
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: os.Getenv("CLI_ROOT"), SkipVersionCheck: true})
	if err != nil {
		return auto.Stack{}, err
	}
	project := workspace.Project{
		Name:    "go-sessions",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: os.Getenv("BACKEND_URL")},
	}
	s, err := auto.UpsertStackInlineSource(ctx, "dev", "go-sessions", program,
		auto.WorkDir(os.Getenv("WORK_DIR")),
		auto.PulumiHome(os.Getenv("PULUMI_HOME")),
		auto.Project(project),
		auto.Pulumi(cmd),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "languages",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}),
	)
	if err != nil {
		return auto.Stack{}, err
	}
	if err := s.SetConfig(ctx, "anthropic:apiKey", auto.ConfigValue{Value: os.Getenv("API_KEY"), Secret: true}); err != nil {
		return auto.Stack{}, err
	}
	if err := s.SetConfig(ctx, "anthropic:baseUrl", auto.ConfigValue{Value: os.Getenv("BASE_URL")}); err != nil {
		return auto.Stack{}, err
	}
	return s, nil
}

// watch hands each event of a run to each; wait returns once the run has closed the stream.
func watch(each func(events.EngineEvent)) (stream chan events.EngineEvent, wait func()) {
	stream = make(chan events.EngineEvent)
	done := make(chan struct{})
	go func() {
		for e := range stream {
			each(e)
		}
		close(done)
	}()
	return stream, func() { <-done }
}

// lockedText collects text from several goroutines.
type lockedText struct {
	mu   sync.Mutex
	text strings.Builder
}

func (t *lockedText) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.text.Write(p)
}

func (t *lockedText) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.text.String()
}

// plain is a stack's outputs as plain values (secrets unwrapped).
func plain(outputs auto.OutputMap) map[string]any {
	values := map[string]any{}
	for k, v := range outputs {
		values[k] = v.Value
	}
	return values
}

func run(action string) (any, error) {
	ctx := context.Background()
	s, err := stack(ctx)
	if err != nil {
		return nil, err
	}
	switch action {
	case "preview":
		ops := map[string]map[string]bool{}
		stream, wait := watch(func(e events.EngineEvent) {
			pre := e.ResourcePreEvent
			if pre == nil || strings.HasPrefix(pre.Metadata.Type, "pulumi:pulumi:Stack") || strings.HasPrefix(pre.Metadata.Type, "pulumi:providers:") {
				return
			}
			parts := strings.Split(pre.Metadata.URN, "::")
			name := parts[len(parts)-1]
			if ops[name] == nil {
				ops[name] = map[string]bool{}
			}
			ops[name][string(pre.Metadata.Op)] = true
		})
		if _, err := s.Preview(ctx, optpreview.EventStreams(stream)); err != nil {
			return nil, err
		}
		wait()
		// A replacement shows as several steps (create-replacement, replace, delete-replaced).
		steps := map[string]string{}
		for name, seen := range ops {
			if seen["replace"] {
				steps[name] = "replace"
				continue
			}
			var list []string
			for op := range seen {
				list = append(list, op)
			}
			sort.Strings(list)
			steps[name] = strings.Join(list, "+")
		}
		return steps, nil
	case "up":
		result, err := s.Up(ctx)
		if err != nil {
			return nil, err
		}
		return plain(result.Outputs), nil
	case "up-debug":
		// Written by the run's stdout and stderr readers and by the event watcher at once.
		seen := &lockedText{}
		stream, wait := watch(func(e events.EngineEvent) {
			text, _ := json.Marshal(e)
			_, _ = seen.Write(append(text, '\n'))
		})
		result, err := s.Up(ctx, optup.DebugLogging(debug.LoggingOptions{Debug: true}), optup.ProgressStreams(seen), optup.ErrorProgressStreams(seen), optup.EventStreams(stream))
		if err != nil {
			return nil, err
		}
		wait()
		return map[string]any{"outputs": plain(result.Outputs), "log": seen.String()}, nil
	case "destroy":
		if _, err := s.Destroy(ctx); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("unknown action %q", action)
}

func main() {
	result, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	text, _ := json.Marshal(result)
	fmt.Println(string(text))
}
