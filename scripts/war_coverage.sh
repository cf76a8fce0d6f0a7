#!/usr/bin/env bash
# The real-war-coverage run of issue 5: the full-text corpus and the RUWA index in
# ../shared/data, ingested, processed and linked whole into one store, each step timed
# with its peak memory (GNU time); then what was found around one place (Mariupol by
# default): its stories, contradictions and figure series. Writes a Markdown report.
#
#   scripts/war_coverage.sh [STORE] [REPORT]      (PLACE=Kharkiv DATA=... to change;
#                                                  RELINK=1 re-links a processed STORE,
#                                                  REPORT_ONLY=1 only reports on it)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/.venv/bin}
DATA=${DATA:-$ROOT/../shared/data}
STORE=${1:-$ROOT/war.db}
REPORT=${2:-$ROOT/war_coverage.md}
PLACE=${PLACE:-Mariupol}
SINCE=${SINCE:-2022-02-24}  # the siege of Mariupol
UNTIL=${UNTIL:-2022-05-31}
export CROSSCHECK_DB=$STORE

if [ "${RELINK:-0}" != 1 ] && [ "${REPORT_ONLY:-0}" != 1 ]; then  # RELINK=1: redo the links only
    rm -f "$STORE" "$STORE-wal" "$STORE-shm"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() {  # step NAME COMMAND... : run, keep stdout, record seconds and peak RSS
    local name=$1; shift
    local rc=0
    /usr/bin/time -f "%e %M" -o "$log" "$@" > "$log.out" 2> "$log.err" || rc=$?
    if [ "$rc" -gt 1 ]; then  # 1: some inputs were rejected (named on stderr), the rest stored
        echo "$name failed:" >&2; tail -5 "$log.err" >&2; exit 1
    fi
    grep -c '^rejected' "$log.err" | sed "s/^/    $name: rejected inputs: /" >> "$log.lines" || true
    read -r seconds kb < <(tail -1 "$log")
    printf '| %s | %s | %.0f |\n' "$name" "$seconds" "$((kb / 1024))" >> "$log.steps"
    tail -1 "$log.out" | sed "s/^/    $name: /" >> "$log.lines"
}

: > "$log.steps"; : > "$log.lines"
if [ "${REPORT_ONLY:-0}" = 1 ]; then  # REPORT_ONLY=1: only the report, from STORE as it is
    echo "| (report only: no step run) | | |" >> "$log.steps"
elif [ "${RELINK:-0}" = 1 ]; then
    step "link --all (re-link the processed store)" "$BIN/crosscheck" link --all
else
    step "ingest full text" "$BIN/crosscheck" ingest "$DATA/ukraine_war_media_fulltext_2022/articles.jsonl"
    step "ingest RUWA" "$BIN/crosscheck" ingest "$DATA/ruwa_ukraine_war_news_2022/articles.jsonl"
    step "process + link" "$BIN/crosscheck" process
    step "link (nothing left: a no-op check)" "$BIN/crosscheck" link
fi

top_stories() {
    "$BIN/crosscheck" stories --entity "$PLACE" --since "$SINCE" --until "$UNTIL" --largest \
        --limit 15 --format csv | tail -n +2 | cut -d, -f1
}

set +o pipefail  # `head` may close a listing early: that is not a failure
{
    echo "# crosscheck on real war coverage"
    echo
    echo "Store: \`$STORE\`; data: full-text corpus + RUWA index; $(date -u +%F)."
    echo
    echo "| step | seconds | peak RSS (MB) |"
    echo "|---|---|---|"
    cat "$log.steps"
    echo
    echo '```'
    cat "$log.lines"
    "$BIN/crosscheck" summary | head -20
    echo '```'
    echo
    echo "## The 15 largest stories about $PLACE, $SINCE to $UNTIL"
    echo '```'
    "$BIN/crosscheck" stories --entity "$PLACE" --since "$SINCE" --until "$UNTIL" --largest \
        --limit 15 --format csv
    echo '```'
    echo
    echo "## Contradictions in those stories (verdict, proposition, dates, asserted by, denied by, story, claim)"
    echo '```'
    for story in $(top_stories); do
        "$BIN/crosscheck" contradictions --story "$story" --format csv | tail -n +2
    done | head -40
    echo '```'
    echo
    echo "## Figure series in those stories (counted, place, points: date value (source), story, id)"
    echo '```'
    for story in $(top_stories); do
        "$BIN/crosscheck" series --story "$story" --format csv | tail -n +2
    done | head -40
    echo '```'
    echo
    echo "## Totals"
    echo '```'
    printf 'claims: %s, contradictions: %s, corroborations: %s, series: %s\n' \
        "$("$BIN/crosscheck" claims --format csv | tail -n +2 | wc -l)" \
        "$("$BIN/crosscheck" contradictions --format csv | tail -n +2 | wc -l)" \
        "$("$BIN/crosscheck" claims --verdict corroboration --format csv | tail -n +2 | wc -l)" \
        "$("$BIN/crosscheck" series --format csv | tail -n +2 | wc -l)"
    echo '```'
} > "$REPORT"
rm -f "$log.steps" "$log.lines" "$log.out" "$log.err"
echo "report: $REPORT"
