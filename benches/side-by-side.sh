#!/bin/bash
# exosh beside dsync and mbsync in one window (these machines are noisy: compare within a
# run): the initial copy with 1 and 4 mailboxes at a time (../shared/bench/run-anchor.sh and
# run-exosh.sh --verify), then a no-change incremental pass (run-anchor.sh --repeat-incremental,
# benches/exosh-incremental.sh through the real binary, engine_bench for the engine alone).
# Usage: benches/side-by-side.sh [SRC]   SRC: an imap-lab source with a corpus, default
#   /tmp/bench/src (imap-lab/gen-corpus --dir /tmp/bench/src --users 20 --messages 2000 --seed 1)
# Needs: cargo build --release --bin exosh --example engine_bench; dsync (dovecot-core) and
# mbsync (isync) for the anchors.
HERE=$(cd "$(dirname "$0")" && pwd); B=${EXOSH_SHARED:-$HERE/../../shared}/bench; L=$B/../imap-lab; S=${1:-/tmp/bench/src}; X=$HERE/../target/release/exosh
$L/dovecot.sh start $S 15143 15993 >/dev/null
echo "== initial copy"
for p in 1 4; do
  $B/run-anchor.sh dsync --src $S --parallel $p 2>&1 | grep -E "msgs/s" | sed 's/ | logs.*//'
  rm -rf /tmp/bench/run.* 2>/dev/null
  $B/run-anchor.sh mbsync-maildir --src $S --parallel $p 2>&1 | grep -E "msgs/s" | sed 's/ | logs.*//'
  rm -rf /tmp/bench/run.* 2>/dev/null
  $B/run-exosh.sh --src $S --parallel $p --verify --exosh $X 2>&1 | grep -E "msgs/s|verify|warning"
done
echo "== no-change incremental"
$B/run-anchor.sh mbsync-maildir --src $S --parallel 4 --repeat-incremental 2>&1 | grep -E "msgs/s" | sed 's/ | logs.*//'
rm -rf /tmp/bench/run.* 2>/dev/null
$B/run-anchor.sh dsync --src $S --parallel 4 --repeat-incremental 2>&1 | grep -E "msgs/s" | sed 's/ | logs.*//'
rm -rf /tmp/bench/run.* 2>/dev/null
$HERE/exosh-incremental.sh --src $S --parallel 4 --passes 3 --exosh $X 2>&1
rm -rf /tmp/engine-bench; $HERE/../target/release/examples/engine_bench --port 15143 --users 20 --parallel 4 --dest /tmp/engine-bench/dst --repeat-incremental --passes 3 2>&1 | tail -8; rm -rf /tmp/engine-bench
$L/dovecot.sh stop $S >/dev/null
echo BENCH-DONE
