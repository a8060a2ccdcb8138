#!/usr/bin/env bash
# Regenerates the character-LM corpus shipped with GradLab: Genesis through Deuteronomy of the King James
# Version (1611; public domain), printed by Debian's `bible-kjv` package, verse references stripped.
#   apt-get install -y bible-kjv && bash scripts/make-kjv-corpus.sh
set -euo pipefail
out=app/src/main/resources/org/gradlab/task/kjv-pentateuch.txt
bible -f "Genesis 1:1-Deuteronomy 34:12" | sed -E 's/^[0-9A-Za-z]+[0-9]+:[0-9]+ //' | fold -s -w 100 | sed 's/ *$//' > "$out"
wc -c "$out"
