#!/usr/bin/env bash
# Makes the legacy model files ModelFileTaskTest reads: written by simdnn at commit 9d62a13 (before
# model files had a typed task field; a regression model said so only in its training metadata).
# Usage: make-legacy-fixtures.sh /path/to/a/checkout/of/9d62a13/built/with/mvn-package
set -euo pipefail
old="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp=$(mktemp -d)
# y = 2·a - b + 0.5, 40 rows, exact (no noise): a small regression set
python3 - "$tmp/reg.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("a,b,y\n")
    for i in range(40):
        a, b = (i % 7) / 7.0, (i % 5) / 5.0
        f.write(f"{a:.6f},{b:.6f},{2 * a - b + 0.5:.6f}\n")
PY
"$old/simdnn" train --data "$tmp/reg.csv" --task regression --layers 4 --epochs 3 --seed 1 \
    --out "$here/legacy-regression.simdnn" > /dev/null
"$old/simdnn" train --data iris --layers 4 --epochs 3 --seed 1 --out "$here/legacy-iris.simdnn" > /dev/null
cp "$tmp/reg.csv" "$here/legacy-regression.csv"
rm -rf "$tmp"
