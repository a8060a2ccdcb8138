#!/usr/bin/env bash
# Runs on a GPU machine that has CUDA and PyTorch but no Java, from the repository root, with .devicepack/
# staged by ../shared/tools/device-pack on the development machine and carried along:
#   1. every gpu-tagged test (kernel parity with the CPU twins, all golden fixtures on the GPU);
#   2. ./gradlab bench --device cuda on the four anchor models (GradLab's side), with and without CUDA graphs;
#   3. app/src/test/python/torch_cuda_bench.py (PyTorch eager fp32 on the same GPU, same shapes).
# Output goes to stdout and, when $OUT is set (the device tool), to files under $OUT.
set -uo pipefail
[[ -f .devicepack/run ]] || { echo "gpu-checks: no .devicepack/ (run ../shared/tools/device-pack first)" >&2; exit 2; }
out=${OUT:-/tmp/gradlab-gpu}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | tee "$out/nvidia-smi.txt"
bash .devicepack/run tests --include-tag gpu 2>&1 | tee "$out/gpu-tests.txt" | tail -60
for graphs in true false; do
    bash .devicepack/run main -Dgradlab.cudaGraphs=$graphs --add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000 -XX:PerBytecodeRecompilationCutoff=100000 \
        -XX:CompileCommand=quiet "-XX:CompileCommand=dontinline,org.gradlab.engine.VectorActivations::*" org.gradlab.Launcher bench \
        --device cuda --steps "${STEPS:-100}" --warmup "${WARMUP:-20}" 2>&1 | tee "$out/gradlab-bench-graphs-$graphs.txt"
done
python3 app/src/test/python/torch_cuda_bench.py "${STEPS:-100}" "${WARMUP:-20}" 2>&1 | tee "$out/torch-bench.txt"
