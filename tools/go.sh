# Sourced by tools/pulumi/build.sh and tools/sdkgen/build.sh: the one answer to "which go command builds
# these modules". use_go <module folder> sets GO to a go command that builds the module there (tools/go.mod).
# Go >= 1.21 fetches the release the module's go.mod names by itself: GOTOOLCHAIN=auto, exported so that
# it beats a go.env that says `local`. Older Go cannot (Debian 12's golang-go is 1.19, and it refuses a
# three-part `go` line), so that release is fetched once from the module proxy as the module
# golang.org/toolchain (what newer Go does) into <repo>/.pulumi-cli/go<version> (or $PULUMI_CLI_DIR).
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

use_go() {
  local mod="$1" repo wanted dir arch src
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  wanted="$(awk '$1 == "go" { print $2 }' "$mod/go.mod")"
  command -v go >/dev/null 2>&1 || {
    echo "Go is not installed; install Go (>= 1.21 fetches the go$wanted toolchain itself; e.g. apt-get install golang-go)." >&2
    return 1
  }
  GO=go
  # GOTOOLCHAIN=local: the version of the installed go itself, not of a release it would switch to.
  case "$(cd / && GOTOOLCHAIN=local go env GOVERSION)" in
    go1.2[1-9]* | go1.[3-9][0-9]* | go[2-9]*) return 0 ;;
  esac
  dir="${PULUMI_CLI_DIR:-$repo/.pulumi-cli}/go$wanted"
  if [ ! -x "$dir/bin/go" ]; then
    echo "==> $(go version) is older than 1.21: fetching the go$wanted toolchain module"
    arch="$(go env GOARCH)"
    src="$(cd / && GOFLAGS= go mod download -json "golang.org/toolchain@v0.0.1-go$wanted.linux-$arch" |
      awk -F'"' '$2 == "Dir" { print $4 }')"
    [ -n "$src" ] || { echo "could not download the go$wanted toolchain module" >&2; return 1; }
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && cp -r "$src" "$dir" && chmod -R u+w "$dir"
    chmod +x "$dir/bin/"* "$dir/pkg/tool/"*/*
  fi
  GO="$dir/bin/go"
}
