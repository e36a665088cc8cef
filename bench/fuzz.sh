#!/usr/bin/env bash
# bench/fuzz.sh — run every `go test -fuzz` target in the repository, one
# after the other, for FUZZTIME each (default 3m). Not part of CI.
#
#   bench/fuzz.sh            # every target, 3 minutes each
#   FUZZTIME=20s bench/fuzz.sh
#   bench/fuzz.sh ./internal/intake   # only the targets under these packages
#
# A crasher is written by the go tool to PKG/testdata/fuzz/FuzzX/<hash>;
# fix the bug and commit that file, so the normal `go test ./...` replays it
# forever. The script exits non-zero when any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3m}
pkgs=("${@:-./...}")
# Two cores are shared: one fuzzing worker unless told otherwise.
parallel=${FUZZ_PARALLEL:-1}
# The go tool's minimizer can stall a run for minutes on one new input (seen
# on FuzzOpen): bound it; a crasher is still written, unminimized.
minimize=${FUZZ_MINIMIZE:-10s}
# Fuzz on Go 1.27 (fetched from the module proxy): 1.26's coordinator can
# fail a clean run with "context deadline exceeded" (go.dev/issue/75804).
export GOTOOLCHAIN=${FUZZ_GO:-go1.27.3}

failed=()
while read -r dir; do
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | sed 's/^func //' | sort -u); do
		echo "== $dir $target ($fuzztime)"
		if ! go test "$dir" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" -parallel "$parallel"; then
			failed+=("$dir $target")
		fi
	done
done < <(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' "${pkgs[@]}" | while read -r d; do
	grep -lq '^func Fuzz' "$d"/*_test.go 2>/dev/null && realpath --relative-to=. "$d" | sed 's|^|./|'
done)

if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed[@]}"
	echo "crashers are in the packages' testdata/fuzz folders: fix, then commit them"
	exit 1
fi
echo "all fuzz targets passed"
