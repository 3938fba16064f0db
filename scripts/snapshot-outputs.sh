#!/usr/bin/env bash
# Write every output the commands make on the bundled five protocols into one folder, so that two versions of
# the code can be compared byte for byte (a refactoring must leave them identical):
#
#   bash scripts/snapshot-outputs.sh /tmp/before          # on the old version
#   bash scripts/snapshot-outputs.sh /tmp/after           # on the new version
#   diff -r /tmp/before /tmp/after && echo identical
#
# Covers: the dataset (TriG, N-Quads), stats, validation (text in both languages, JSON, Turtle sorted into
# N-Triples-like lines so blank-node labels do not matter), every library query as CSV, compare (every table,
# the network files), the HTML report, and a small synthetic dataset.
set -euo pipefail
out="${1:?usage: snapshot-outputs.sh DIR}"
cd "$(dirname "$0")/.."
perr="${PERR:-.venv/bin/perr}"
py="${PYTHON:-.venv/bin/python}"
rm -rf "$out"
mkdir -p "$out/queries" "$out/validate" "$out/compare"

"$perr" build --quiet
cp -r dist "$out/dist"
rm -rf "$out/dist/report" "$out/dist/who-leads-what.csv"
"$perr" stats > "$out/stats.txt"
"$perr" stats --json > "$out/stats.json"
for lang in en fr; do
  "$perr" validate --quiet --lang "$lang" > "$out/validate/text-$lang.txt" || true
done
"$perr" validate --quiet --format json > "$out/validate/report.json" || true
"$perr" validate --quiet --format turtle --output "$out/validate/report.ttl" || true
"$py" - "$out/validate/report.ttl" > "$out/validate/report.canonical.nt" <<'EOF'
import sys
from rdflib import Graph
from rdflib.compare import to_canonical_graph
g = to_canonical_graph(Graph().parse(sys.argv[1], format="turtle"))
for line in sorted(g.serialize(format="nt").splitlines()):
    if line.strip():
        print(line)
EOF
rm "$out/validate/report.ttl"
for q in $("$perr" query --list | awk 'NR>2 && $1 ~ /^[0-9][0-9]$/ {print $1}'); do
  "$perr" query "$q" --format csv --max-rows 0 --output "$out/queries/$q.csv" 2>/dev/null || echo "query $q failed" >> "$out/queries/failures.txt"
done
for fmt in table csv json; do
  "$perr" compare --format "$fmt" --output "$out/compare/compare.$fmt" || true
done
"$perr" compare --network "$out/compare/network" --output /dev/null || true
"$perr" report --output "$out/report" 2>/dev/null || true
"$perr" synth --protocols 3 --seed 7 --quiet --jobs 1 --output "$out/synth.nq" --texts "$out/synth-texts"
echo "snapshot written to $out" >&2
