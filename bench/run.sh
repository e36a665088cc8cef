#!/usr/bin/env bash
# bench/run.sh — time taizhang against what a clerk would use instead, on one
# synthetic town, and print the table that goes into docs/benchmarks.md.
#
#   bench/run.sh small|forty|medium|large [WORKDIR]
#   bench/run.sh linear [WORKDIR]
#
# linear times taizhang build --no-cache on medium and large in turns —
# medium, large, medium, RUNS rounds (default 3) — and gives each round's
# large ÷ the mean of the two mediums around it, then the median round: the
# machine's drift between two separate runs of this script is as large as
# the margin the target leaves (issue 16: large ≤ 10.5× medium).
#
# small = 9 villages × 40 tasks, forty = 40 × 100, medium = 200 × 100,
# large = 2000 × 100.
# Each command runs RUNS times (default 3; 1 for large) under
# /usr/bin/time -v; the table gives the median wall time and the median peak
# RSS. Commands timed, all on the same generated town:
#   build     taizhang build --no-cache DIR: 汇总台账.xlsx, 通报.pdf, every 台账/<村>.pdf,
#             JSON, from nothing (no ledger kept from an earlier build is used)
#   rebuild   taizhang build DIR after one village's workbook changed: the other
#             villages' typeset ledgers come from the out folder's cache (each run
#             swaps the first village's file between two versions, so every run
#             has a change to rebuild)
#   workbook  bench/tzbench -part workbook: intake + check + consolidate + 汇总台账.xlsx only
#   pandas    bench/peers/merge.py with Debian's /usr/bin/python3 (pandas + openpyxl)
#   soffice   LibreOffice headless converting village workbooks to PDF; beyond
#             LO_FILES (default 10) files, a fixed subset (the first LO_FILES)
#             is converted and the time scaled by files/LO_FILES — said so in the output
set -euo pipefail

size=${1:?usage: bench/run.sh small|forty|medium|large|linear [WORKDIR]}
if [ "$size" = linear ]; then
	work=${2:-${TMPDIR:-/tmp}/taizhang-bench}
	repo=$(cd "$(dirname "$0")/.." && pwd)
	bin=$work/bin
	mkdir -p "$bin" "$work/logs"
	echo "building binaries…" >&2
	(cd "$repo" && go build -o "$bin/taizhang" ./cmd/taizhang && go build -o "$bin/gentown" ./bench/gentown)
	[ -f "$work/medium/taizhang.yaml" ] || "$bin/gentown" -villages 200 -tasks 100 -out "$work/medium" >&2
	[ -f "$work/large/taizhang.yaml" ] || "$bin/gentown" -villages 2000 -tasks 100 -out "$work/large" >&2
	rounds=${RUNS:-3}
	# timed SIZE: "wall cpu rss_kib" of one build --no-cache of that town.
	timed() {
		local log=$work/logs/linear-$1.txt
		/usr/bin/time -v "$bin/taizhang" build -q --no-cache "$work/$1" >/dev/null 2>"$log" || { echo "build of $1 failed, see $log" >&2; exit 1; }
		awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); w=0; for(i=1;i<=n;i++) w=w*60+p[i]}
			/User time|System time/{c+=$2} /Maximum resident set size/{r=$2} END{print w, c, r}' "$log"
	}
	: >"$work/logs/linear.rounds"
	for i in $(seq "$rounds"); do
		echo "round $i of $rounds: medium, large, medium…" >&2
		read -r mw1 mc1 _ < <(timed medium)
		read -r lw lc lr < <(timed large)
		read -r mw2 mc2 _ < <(timed medium)
		echo "$i $mw1 $mw2 $lw $mc1 $mc2 $lc $lr" >>"$work/logs/linear.rounds"
	done
	awk -v rounds="$rounds" -v cores="$(nproc)" -v gov="$(go version | awk '{print $3}')" '
		function median(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
			return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
		}
		{
			mw = ($2 + $3) / 2; mc = ($5 + $6) / 2
			rw[NR] = $4 / mw; rc[NR] = $7 / mc; rss[NR] = $8
			line[NR] = sprintf("| %d | %.2f, %.2f | %.2f | %.1f× | %.1f, %.1f | %.1f | %.1f× | %.0f |", $1, $2, $3, $4, rw[NR], $5, $6, $7, rc[NR], $8 / 1024)
		}
		END {
			printf "\n## linear: medium (200 × 100) and large (2000 × 100) in turns, %d round(s); %d cores, %s\n\n", rounds, cores, gov
			print "| round | medium wall (s) | large wall (s) | large ÷ medium | medium CPU (s) | large CPU (s) | large ÷ medium | large peak (MiB) |"
			print "|---:|---:|---:|---:|---:|---:|---:|---:|"
			for (i = 1; i <= NR; i++) print line[i]
			printf "\n- large ÷ medium, median round: **%.1f×** wall, %.1f× CPU (target ≤ 10.5×)\n", median(rw, NR), median(rc, NR)
			printf "- large peak RSS, median round: %.0f MiB (target ≤ 800)\n", median(rss, NR) / 1024
		}' "$work/logs/linear.rounds"
	exit 0
fi
case $size in
small) villages=9 tasks=40 ;;
forty) villages=40 tasks=100 ;;
medium) villages=200 tasks=100 ;;
large) villages=2000 tasks=100 ;;
*) echo "unknown size $size" >&2; exit 2 ;;
esac
runs=${RUNS:-3}
[ "$size" = large ] && runs=${RUNS:-1}
lofiles=${LO_FILES:-10}
work=${2:-${TMPDIR:-/tmp}/taizhang-bench}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$work/bin
town=$work/$size
mkdir -p "$bin" "$work/logs"

echo "building binaries…" >&2
(cd "$repo" && go build -o "$bin/taizhang" ./cmd/taizhang && go build -o "$bin/tzbench" ./bench/tzbench && go build -o "$bin/gentown" ./bench/gentown)
if [ ! -f "$town/taizhang.yaml" ]; then
	"$bin/gentown" -villages "$villages" -tasks "$tasks" -out "$town" >&2
fi
# The other version of the first village's workbook, for the rebuilds.
if [ ! -f "$work/$size-alt/taizhang.yaml" ]; then
	# Village names do not depend on the count: one village is enough.
	"$bin/gentown" -villages 1 -tasks "$tasks" -seed 2 -out "$work/$size-alt" >&2
fi

files=("$town"/*.xlsx)
nfiles=${#files[@]}
lo_set=("${files[@]}")
scale=1
if [ "$nfiles" -gt "$lofiles" ]; then
	lo_set=("${files[@]:0:$lofiles}")
	scale=$(awk -v a="$nfiles" -v b="$lofiles" 'BEGIN{print a/b}')
fi

# once NAME I CMD...: the I-th timed run of NAME, under /usr/bin/time -v;
# its wall seconds, CPU seconds (user + system) and peak RSS (KiB) are
# appended to $work/logs/NAME.{wall,cpu,rss}.
once() {
	local name=$1 i=$2
	shift 2
	local log=$work/logs/$size-$name-$i.txt
	/usr/bin/time -v "$@" >"$log.out" 2>"$log" || { echo "$name failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
	awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log" >>"$work/logs/$size-$name.wall"
	awk -F': ' '/User time|System time/{s+=$2} END{print s}' "$log" >>"$work/logs/$size-$name.cpu"
	awk -F': ' '/Maximum resident set size/{print $2}' "$log" >>"$work/logs/$size-$name.rss"
}

# median NAME: "wall_seconds rss_kib cpu_seconds", the medians of NAME's runs.
median() {
	local w r c
	w=$(sort -g "$work/logs/$size-$1.wall" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	r=$(sort -g "$work/logs/$size-$1.rss" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	c=$(sort -g "$work/logs/$size-$1.cpu" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	echo "$w $r $c"
}

first=$(basename "${files[0]}")
cp "$town/$first" "$work/$size-orig.xlsx"
cat >"$work/rebuild.sh" <<SWAP
#!/usr/bin/env bash
# Swap $first between its two versions, then build with the cache.
set -e
if cmp -s "$town/$first" "$work/$size-orig.xlsx"; then
	cp "$work/$size-alt/$first" "$town/$first"
else
	cp "$work/$size-orig.xlsx" "$town/$first"
fi
exec "$bin/taizhang" build -q "$town"
SWAP
chmod +x "$work/rebuild.sh"
rm -f "$work/logs/$size-"*.wall "$work/logs/$size-"*.cpu "$work/logs/$size-"*.rss
rm -rf "$work/lo-out"
# A first conversion creates the LibreOffice profile; keep it out of the timing.
soffice -env:UserInstallation="file://$work/lo-profile" --headless --convert-to pdf --outdir "$work/lo-warm" "${files[0]}" >/dev/null 2>&1 || true

# The machine's speed drifts: every round times each command once, so the
# ratios compare runs made under the same load.
for i in $(seq "$runs"); do
	echo "round $i of $runs: taizhang build (from nothing)…" >&2
	once build "$i" "$bin/taizhang" build -q --no-cache "$town"
	echo "round $i: taizhang build after one village's workbook changed…" >&2
	"$bin/taizhang" build -q "$town" >/dev/null # the cache as a build leaves it
	once rebuild "$i" "$work/rebuild.sh"
	echo "round $i: intake+workbook…" >&2
	once workbook "$i" "$bin/tzbench" -part workbook "$town"
	echo "round $i: pandas…" >&2
	once pandas "$i" /usr/bin/python3 "$repo/bench/peers/merge.py" "$town" "$work/$size-pandas.xlsx"
	echo "round $i: LibreOffice on ${#lo_set[@]} of $nfiles workbooks…" >&2
	once soffice "$i" soffice -env:UserInstallation="file://$work/lo-profile" --headless --convert-to pdf --outdir "$work/lo-out" "${lo_set[@]}"
done
cp "$work/$size-orig.xlsx" "$town/$first"
"$bin/taizhang" build -q --no-cache "$town" >/dev/null
pages=$(pdfinfo "$town/out/通报.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
read -r build_w build_r build_c < <(median build)
read -r re_w re_r re_c < <(median rebuild)
read -r wb_w wb_r wb_c < <(median workbook)
read -r pd_w pd_r pd_c < <(median pandas)
read -r lo_w lo_r lo_c < <(median soffice)
lo_all=$(awk -v w="$lo_w" -v s="$scale" 'BEGIN{printf "%.2f", w*s}')

mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f×", a/b}'; }
pdf_w=$(awk -v a="$build_w" -v b="$wb_w" 'BEGIN{d=a-b; if (d<0.01) d=0.01; printf "%.2f", d}')

cat <<TABLE

## $size: $nfiles villages × $tasks tasks = $((nfiles * tasks)) tasks; 通报.pdf ${pages:-?} pages; median of $runs run(s)
machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | awk '{print $3}')

| command | wall (s) | CPU (s) | peak RSS (MiB) |
|---|---:|---:|---:|
| taizhang build --no-cache (workbook + $((nfiles + 1)) PDFs + JSON) | $build_w | $build_c | $(mib "$build_r") |
| taizhang build after one village's workbook changed (cache) | $re_w | $re_c | $(mib "$re_r") |
| taizhang intake + check + consolidate + workbook | $wb_w | $wb_c | $(mib "$wb_r") |
| pandas + openpyxl merge.py | $pd_w | $pd_c | $(mib "$pd_r") |
| LibreOffice → PDF, ${#lo_set[@]} of $nfiles workbooks | $lo_w | $lo_c | $(mib "$lo_r") |
| LibreOffice → PDF, all $nfiles workbooks$([ "$scale" != 1 ] && echo " (extrapolated ×$scale)") | $lo_all | | |

- whole build vs pandas merge.py: $(ratio "$pd_w" "$build_w") faster (target ≥ 3×); in CPU time $(ratio "$pd_c" "$build_c")
- whole build vs LibreOffice: $(ratio "$lo_all" "$build_w") faster (target ≥ 25× at forty)
- rebuild after one village changed: $(awk -v a="$re_w" -v b="$build_w" 'BEGIN{printf "%.0f%%", 100*a/b}') of a full build (target ≤ 20 % at medium); in CPU time $(awk -v a="$re_c" -v b="$build_c" 'BEGIN{printf "%.0f%%", 100*a/b}')
- intake + workbook vs pandas: $(ratio "$pd_w" "$wb_w") faster
- PDFs (build − workbook part = $pdf_w s, $((nfiles + 1)) PDFs incl. the town notice) vs LibreOffice's $nfiles village PDFs: $(ratio "$lo_all" "$pdf_w") faster
TABLE
