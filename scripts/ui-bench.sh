#!/usr/bin/env bash
# UI benchmark: a synthetic 1,000,000-step, 8-layer run through the real view-model and dashboard renderers,
# then 1,000 steps/s pushed live; prints fps and FX-thread busy time. Headless (Monocle), no display needed.
#   bash scripts/ui-bench.sh [PRE_STEPS] [SECONDS]
# Replay: a synthetic recorded run of STEPS steps written once into DIR, then opened three times through the app's
# path (every record read), with the first full frame and 100 scrubbing moves timed:
#   bash scripts/ui-bench.sh replay STEPS DIR
set -euo pipefail
cd "$(dirname "$0")/.."
main=org.gradlab.ui.UiBenchmark
if [ "${1:-}" = replay ]; then main=org.gradlab.ui.ReplayOpenBenchmark; shift; fi
cpfile=$(mktemp)
# compiled in the same reactor, so the kernels module resolves from it (it is not installed); app comes last, so the
# file holds its classpath
mvn -q -B -DskipTests -pl app -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >/dev/null
cp=$(cat "$cpfile")
rm -f "$cpfile"
java --add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000 -XX:PerBytecodeRecompilationCutoff=100000 -XX:CompileCommand=quiet \
    "-XX:CompileCommand=dontinline,org.gradlab.engine.VectorActivations::*" -Xmx2g -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw \
    -Dheadless.geometry=1600x1000-32 -cp "app/target/classes:app/target/test-classes:kernels/target/classes:$cp" "$main" "$@" \
    2> >(grep -v -e 'incubator' -e 'Unsupported JavaFX' -e 'PlatformImpl startup' >&2)
