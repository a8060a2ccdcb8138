#!/usr/bin/env bash
# Runs the README's commands as a new user would, so none can rot: every fenced block that follows a line
# "<!-- runnable -->" runs, in order, in one scratch directory that looks like a fresh checkout (the
# repository's files linked in, ./gradlab the real launcher). A block that fails fails the script. Blocks
# marked "<!-- not run: REASON -->" are skipped with their reason printed; ReadmeTest checks that every
# bash block carries one of the two marks.
#   bash scripts/readme-commands.sh [README]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
readme="${1:-$repo/README.md}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for f in app kernels pom.xml sample-runs scripts; do ln -s "$repo/$f" "$scratch/$f"; done
printf '#!/bin/sh\nexec "%s/gradlab" "$@"\n' "$repo" > "$scratch/gradlab"
chmod +x "$scratch/gradlab"
# the README's `python3` is one with PyTorch: where the first python3 on PATH lacks it (a pyenv shim, say) and
# Debian's has it, the blocks get Debian's
if ! python3 -c 'import torch' 2>/dev/null && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    mkdir -p "$scratch/.bin" && ln -s /usr/bin/python3 "$scratch/.bin/python3" && export PATH="$scratch/.bin:$PATH"
fi

# split the marked blocks into numbered files
awk -v dir="$scratch" '
    /^<!-- runnable -->/ { want = 1; next }
    /^```/ { if (inblock) { inblock = 0; close(file); next } if (want) { n++; file = sprintf("%s/block-%02d.sh", dir, n); inblock = 1; want = 0; next } }
    inblock { print > file }
    /[^ ]/ && !/^```/ { if (!inblock) want = want && /^<!--/ }
' "$readme"

cd "$scratch"
count=0
for b in block-*.sh; do
    [ -e "$b" ] || continue
    count=$((count + 1))
    echo "== README block $count =="
    sed 's/^/   $ /' "$b"
    start=$(date +%s)
    if ! bash -euo pipefail "$b" > "$b.log" 2>&1; then
        tail -30 "$b.log"
        echo "README block $count FAILED" >&2
        exit 1
    fi
    echo "   ok ($(( $(date +%s) - start )) s)"
done
echo "$count README blocks ran"
[ "$count" -gt 0 ]
