#!/usr/bin/env bash
# Builds the Pulumi CLI from its Go modules into a cache outside the repository, because the
# official installer downloads from the internet. Reuses the cached binary when it is there.
# Usage: tools/pulumi/install.sh   -> prints the directory holding bin/pulumi (and
# bin/pulumi-language-yaml)
set -euo pipefail
PULUMI_VERSION="v3.259.0"
# The YAML language host, so that `pulumi up` runs `runtime: yaml` project directories (the other
# language hosts are not served by the module proxy here; their programs run inline instead).
YAML_VERSION="v1.25.0"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${PULUMI_CLI_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/anthropic-pulumi/pulumi-$PULUMI_VERSION}"
bin="$root/bin/pulumi"

# A real Pulumi install ships the dynamic-provider plugin next to the CLI; the engine looks there
# first (and warns when it has to take one from $PATH). Like the script in the @pulumi/pulumi
# package, it runs the dynamic provider of the @pulumi/pulumi that the program's directory resolves,
# with the `node` first on PATH.
write_nodejs_plugin() {
  local plugin="$root/bin/pulumi-resource-pulumi-nodejs"
  cat > "$plugin.tmp" <<'SCRIPT'
#!/bin/sh
script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
SCRIPT
  chmod +x "$plugin.tmp"
  mv "$plugin.tmp" "$plugin"
}

# Built with the build list of its own release (go install of a version ignores any go.mod here).
install_yaml_host() {
  local stamp="$root/bin/.pulumi-language-yaml-$YAML_VERSION"
  [ -x "$root/bin/pulumi-language-yaml" ] && [ -f "$stamp" ] && return 0
  command -v go >/dev/null || { echo "install.sh: Go is needed to build the YAML language host" >&2; exit 1; }
  mkdir -p "$root/bin"
  GOFLAGS="-buildvcs=false" GOBIN="$root/bin" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
    "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$YAML_VERSION" >&2
  touch "$stamp"
}

if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
  write_nodejs_plugin
  install_yaml_host
  echo "$root"
  exit 0
fi
command -v go >/dev/null || { echo "install.sh: Go is needed to build the Pulumi CLI" >&2; exit 1; }
# go.mod/go.sum pin the whole build list; work on a copy so that a Go toolchain that rewrites
# them never dirties the repository.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/go.mod" "$work/go.mod"
[ -f "$here/go.sum" ] && cp "$here/go.sum" "$work/go.sum"
cd "$work"
export GOFLAGS="-mod=mod -buildvcs=false"
mkdir -p "$root/bin"
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
  -o "$bin.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$bin.tmp" "$bin"
write_nodejs_plugin
(cd / && install_yaml_host)
"$bin" version >&2
echo "$root"
