#!/usr/bin/env bash
# Builds the Pulumi CLI from the Go module proxy into <repo>/.pulumi-cli/bin (or $PULUMI_CLI_DIR/bin),
# laid out like the CLI's release archive: `pulumi` and the dynamic-provider plugin
# `pulumi-resource-pulumi-nodejs` side by side, so putting that folder first on PATH is all a user
# needs (the Automation API takes the parent folder: PulumiCommand.get({ root })).
# Idempotent: does nothing when the folder already holds this version (its `version` stamp file).
#
#   tools/pulumi/build.sh            # build if missing or another version
#   tools/pulumi/build.sh --force    # rebuild (cheap when Go's build cache is warm)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${PULUMI_CLI_DIR:-$repo/.pulumi-cli}"
bin="$out/bin"

# One pin: the version go.mod requires for pkg/v3 (and sdk/v3), which must be the npm SDK this repository
# develops and tests with (devDependencies; consumers get a peer range).
version="$(sed -nE 's#^(require)?[[:space:]]*github.com/pulumi/pulumi/pkg/v3 (v[^ ]+).*#\2#p' "$here/go.mod")"
sdk_version="v$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$repo/package.json")"
if [ "$version" != "$sdk_version" ]; then
  echo "tools/pulumi/go.mod pins the CLI at $version but package.json pins @pulumi/pulumi at $sdk_version;" \
    "change both to the same version." >&2
  exit 1
fi

install_launcher() {
  install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
}

if [ "${1:-}" != "--force" ] && [ -x "$bin/pulumi" ] && [ "$(cat "$out/version" 2>/dev/null)" = "$version" ]; then
  install_launcher
  echo "Pulumi CLI $version already built in $bin"
  exit 0
fi

go_wanted="$(awk '$1 == "go" { print $2 }' "$here/go.mod")"
command -v go >/dev/null 2>&1 || {
  echo "Go is not installed; install Go (>= 1.21 fetches the $go_wanted toolchain itself; e.g. apt-get install golang-go)." >&2
  exit 1
}
GO=go
# Go older than 1.21 cannot switch toolchains itself: fetch the release go.mod asks for as the
# module golang.org/toolchain (what newer Go does), from the module proxy, into $out/go.
if ! go version | grep -qE 'go1\.(2[1-9]|[3-9][0-9])|go[2-9]'; then
  if [ ! -x "$out/go/bin/go" ]; then
    echo "==> $(go version) is older than 1.21: fetching the go$go_wanted toolchain module"
    arch="$(go env GOARCH)"
    dir="$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "golang.org/toolchain@v0.0.1-go$go_wanted.linux-$arch" | awk -F'"' '$2 == "Dir" { print $4 }')"
    rm -rf "$out/go" && mkdir -p "$out" && cp -r "$dir" "$out/go" && chmod -R u+w "$out/go"
    chmod +x "$out/go/bin/"* "$out/go/pkg/tool/"*/*
  fi
  GO="$out/go/bin/go"
fi
mkdir -p "$bin"
start=$(date +%s)
echo "==> building the Pulumi CLI $version from the Go module proxy into $bin (first build: many minutes on 2 cores)"
# -mod=mod lets go.sum grow if a new Go wants more sums; GOTOOLCHAIN=auto fetches the Go release
# go.mod asks for (from the module proxy) when the installed Go is older.
(cd "$here" && GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" "$GO" build -trimpath -buildvcs=false \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$bin/pulumi.new" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
mv "$bin/pulumi.new" "$bin/pulumi"
install_launcher
# The Node.js language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is
# not built: the module proxy answers 403 for it (see README, "The real Pulumi engine"). Programs run
# through the Automation API's inline programs, which serve the language runtime in-process.
echo "$version" > "$out/version"
echo "==> built $("$bin/pulumi" version) in $(( $(date +%s) - start )) s: $(du -sh "$bin/pulumi" | cut -f1) binary"
