#!/usr/bin/env bash
# Bounded smoke run of every cargo-fuzz target (see docs/fuzzing.md). Optional, for CI:
#   fuzz/smoke.sh            # each target for SMOKE_SECONDS (default 10) seconds
# Idempotent: installs cargo-fuzz only if missing, reuses fuzz/target and fuzz/corpus.
# Works on stable Rust through RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags).
# Exits non-zero on the first target that crashes; the input is kept in fuzz/artifacts/.
set -euo pipefail

cd "$(dirname "$0")"
SECONDS_PER_TARGET="${SMOKE_SECONDS:-10}"
SANITIZER="${FUZZ_SANITIZER:-address}"   # address | none
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "smoke.sh: installing cargo-fuzz (takes minutes on a fresh machine)" >&2
    cargo install cargo-fuzz --locked
fi

targets=$(cargo fuzz list)
for t in $targets; do
    echo "== $t (${SECONDS_PER_TARGET}s, sanitizer ${SANITIZER})"
    mkdir -p "corpus/$t"
    log="smoke-$t.log"
    status=0
    nice -n 19 cargo fuzz run --sanitizer "$SANITIZER" "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==|SUMMARY)|panicked|Test unit written' "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$log" >&2
        echo "smoke.sh: target $t FAILED (exit $status); input kept in fuzz/artifacts/$t/" >&2
        exit 1
    fi
    rm -f "$log"
done
echo "smoke.sh: all targets ran ${SECONDS_PER_TARGET}s without a crash"
