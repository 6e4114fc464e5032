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

# One pin: the version tools/go.mod (the Go module of tools/pulumi and tools/sdkgen) requires for pkg/v3
# (and sdk/v3), which must be the npm SDK this repository develops and tests with (devDependencies;
# consumers get a peer range).
mod="$(cd "$here/.." && pwd)"
version="$(sed -nE 's#^(require)?[[:space:]]*github.com/pulumi/pulumi/pkg/v3 (v[^ ]+).*#\2#p' "$mod/go.mod")"
sdk_version="v$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$repo/package.json")"
if [ "$version" != "$sdk_version" ]; then
  echo "tools/go.mod pins the CLI at $version but package.json pins @pulumi/pulumi at $sdk_version;" \
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

. "$mod/go.sh"
use_go "$mod"
mkdir -p "$bin"
start=$(date +%s)
echo "==> building the Pulumi CLI $version from the Go module proxy into $bin (first build: many minutes on 2 cores)"
(cd "$mod" && "$GO" build -trimpath -buildvcs=false \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$bin/pulumi.new" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
mv "$bin/pulumi.new" "$bin/pulumi"
install_launcher
# The Node.js language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is
# not built: the module proxy answers 403 for it (see README, "The real Pulumi engine"). Programs run
# through the Automation API's inline programs, which serve the language runtime in-process.
echo "$version" > "$out/version"
echo "==> built $("$bin/pulumi" version) in $(( $(date +%s) - start )) s: $(du -sh "$bin/pulumi" | cut -f1) binary"
