#!/usr/bin/env bash
# Kept for habit: the local-directory-store benchmarks are now the `local` part of bench.sh
# (fs store vs git-lfs, no-op / forced retrieve of 10,000 pitems, git-annex no-op get).
exec "$(dirname "$0")/bench.sh" --only local "$@"
