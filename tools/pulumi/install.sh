#!/usr/bin/env bash
# Builds the Pulumi CLI from its Go modules into a cache outside the repository, because the
# official installer downloads from the internet. Reuses the cached binary when it is there.
# Usage: tools/pulumi/install.sh   -> prints the directory holding bin/pulumi
set -euo pipefail
PULUMI_VERSION="v3.259.0"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${PULUMI_CLI_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/anthropic-pulumi/pulumi-$PULUMI_VERSION}"
bin="$root/bin/pulumi"
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
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
"$bin" version >&2
echo "$root"
