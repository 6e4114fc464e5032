#!/usr/bin/env bash
# Builds acr-tokens-sdkgen (tools/sdkgen: the Pulumi Python code generator at the CLI's version) into
# <repo>/.sdkgen/bin. Used by tests/plugin/python.test.ts to generate the Python SDK from the plugin's
# schema, as `pulumi package gen-sdk --language python` would with the Python language host, which the
# Go module proxy does not serve. Idempotent: skips the build when the binary is newer than its sources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/.sdkgen/bin/acr-tokens-sdkgen"
if [ -x "$out" ] && [ "$out" -nt "$here/main.go" ] && [ "$out" -nt "$here/../go.mod" ]; then
  echo "acr-tokens-sdkgen already built: $out"
  exit 0
fi
. "$here/../go.sh"
use_go "$here/.."
mkdir -p "$(dirname "$out")"
cd "$here"
# -buildvcs=false: nothing to stamp (and no git needed).
"$GO" build -buildvcs=false -o "$out" .
echo "built $out"
