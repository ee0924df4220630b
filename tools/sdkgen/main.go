// sdkgen: the Python and Go SDKs of the native plugin, generated from schema.json by Pulumi's own
// code generators (github.com/pulumi/pulumi/pkg/v3/codegen), never by hand. `pulumi package
// gen-sdk` would do the same through the language plugins, which this machine cannot install.
//
// Usage: go run . <schema.json> <sdk dir>
// It binds (validates) the schema, then writes <sdk dir>/python and <sdk dir>/go, replacing what
// was there.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-anthropic-managed-agents (tools/sdkgen)"

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sdkgen: "+format+"\n", args...)
	os.Exit(1)
}

// noPackages is the loader of a schema that refers to no other package: every lookup fails.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the anthropic schema refers to no other package (asked for %q)", pkg)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the anthropic schema refers to no other package (asked for %q)", d.Name)
}

func (noPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the anthropic schema refers to no other package (asked for %q)", pkg)
}

func (noPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the anthropic schema refers to no other package (asked for %q)", d.Name)
}

func bind(path string) *schema.Package {
	text, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail("%s: %v", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		fail("%s: %v", path, err)
	}
	for _, d := range diags {
		fmt.Fprintf(os.Stderr, "%s: %v\n", path, d)
	}
	if diags.HasErrors() {
		fail("%s does not bind", path)
	}
	return pkg
}

// write replaces dir with exactly the generated files.
func write(dir string, files map[string][]byte) {
	if err := os.RemoveAll(dir); err != nil {
		fail("%v", err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		at := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
			fail("%v", err)
		}
		if err := os.WriteFile(at, files[name], 0o644); err != nil {
			fail("%v", err)
		}
	}
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: sdkgen <schema.json> <sdk dir>")
	}
	pkg := bind(os.Args[1])
	out := os.Args[2]

	py, err := python.GeneratePackage(tool, pkg, nil, noPackages{})
	if err != nil {
		fail("python: %v", err)
	}
	// The distribution's README (pyproject names it): what the package is, from the schema.
	py["README.md"] = []byte(fmt.Sprintf("# %s\n\n%s\n\nThe Python SDK of the `%s` Pulumi package (%s), generated from its schema by Pulumi's own code generator. It needs the `pulumi-resource-%s` plugin.\n", pkg.DisplayName, pkg.Description, pkg.Name, pkg.Repository, pkg.Name))
	write(filepath.Join(out, "python"), py)

	// The generators record what they learn about the package in it: bind it afresh for each.
	pkg = bind(os.Args[1])
	golang, err := gogen.GeneratePackage(tool, pkg, nil)
	if err != nil {
		fail("go: %v", err)
	}
	// A Go module of its own, whose path is the import base path's parent (…/sdk/go for
	// …/sdk/go/anthropic), requiring the Pulumi SDK the generated code was written for.
	goDir := filepath.Join(out, "go")
	golang["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n", goModulePath(pkg), pulumiSDKVersion))
	write(goDir, golang)
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = goDir
	tidy.Stderr = os.Stderr
	tidy.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if err := tidy.Run(); err != nil {
		fail("go mod tidy in %s: %v", goDir, err)
	}
}

// The Pulumi Go SDK the generated module requires: the one these generators come with.
const pulumiSDKVersion = "v3.259.0"

func goModulePath(pkg *schema.Package) string {
	var info struct {
		ImportBasePath string `json:"importBasePath"`
	}
	if raw, ok := pkg.Language["go"].(json.RawMessage); ok {
		_ = json.Unmarshal(raw, &info)
	} else if gi, ok := pkg.Language["go"].(gogen.GoPackageInfo); ok {
		info.ImportBasePath = gi.ImportBasePath
	}
	if info.ImportBasePath == "" || !strings.Contains(info.ImportBasePath, "/") {
		fail("the schema's language.go.importBasePath is not set")
	}
	return path.Dir(info.ImportBasePath)
}
