#!/usr/bin/env bash
# Rebuilds kernels/ptx/*.ptx from kernels/src/cuda/*.cu with nvcc (CUDA 13 on the development machine).
# PTX targets compute_75 (the lowest CUDA 13 supports); the driver JIT-compiles it for the GPU it runs on
# (CUDA-13 PTX, ISA 9.0, needs driver >= 580). Each file starts with a line naming the SHA-256 of its
# sources, so the check (PtxMatchesSourcesTest) sees a .cu edited without rebuilding the PTX.
# Usage: kernels/scripts/build-ptx.sh [OUT_DIR]     (default: kernels/ptx)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/ptx}
mkdir -p "$out"
command -v nvcc >/dev/null || { echo "build-ptx: nvcc not found (install the CUDA toolkit)" >&2; exit 2; }
for cu in "$here"/src/cuda/*.cu; do
    name=$(basename "$cu" .cu)
    hash=$(cat "$cu" "$here"/src/cuda/*.cuh | sha256sum | cut -d' ' -f1)
    tmp=$(mktemp)
    nvcc -ptx -arch=compute_75 -O3 -std=c++17 -I"$here/src/cuda" "$cu" -o "$tmp"
    { echo "// gradlab-sources-sha256: $hash"; cat "$tmp"; } > "$out/$name.ptx"
    rm -f "$tmp"
done
echo "build-ptx: $(ls "$out"/*.ptx | wc -l) PTX files in $out" >&2
