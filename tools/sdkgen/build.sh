#!/usr/bin/env bash
# Builds acr-tokens-sdkgen (tools/sdkgen: the Pulumi Python code generator at the CLI's version) into
# <repo>/.sdkgen/bin. Used by tests/plugin/python.test.ts to generate the Python SDK from the plugin's
# schema, as `pulumi package gen-sdk --language python` would with the Python language host, which the
# Go module proxy does not serve. Idempotent: skips the build when the binary is newer than its sources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/.sdkgen/bin/acr-tokens-sdkgen"
if [ -x "$out" ] && [ "$out" -nt "$here/main.go" ] && [ "$out" -nt "$here/go.mod" ]; then
  echo "acr-tokens-sdkgen already built: $out"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "Go is not installed (needed to build tools/sdkgen)." >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cd "$here"
go build -o "$out" .
echo "built $out"
