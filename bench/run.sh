#!/usr/bin/env bash
# bench/run.sh — time taizhang against what a clerk would use instead, on one
# synthetic town, and print the table that goes into docs/benchmarks.md.
#
#   bench/run.sh small|medium|large [WORKDIR]
#
# small = 9 villages × 40 tasks, medium = 200 × 100, large = 2000 × 100.
# Each command runs RUNS times (default 3; 1 for large) under
# /usr/bin/time -v; the table gives the median wall time and the median peak
# RSS. Commands timed, all on the same generated town:
#   build     taizhang build DIR: 汇总台账.xlsx, 通报.pdf, every 台账/<村>.pdf, JSON
#   workbook  bench/tzbench -part workbook: intake + check + consolidate + 汇总台账.xlsx only
#   pandas    bench/peers/merge.py with Debian's /usr/bin/python3 (pandas + openpyxl)
#   soffice   LibreOffice headless converting village workbooks to PDF; beyond
#             LO_FILES (default 10) files, a fixed subset (the first LO_FILES)
#             is converted and the time scaled by files/LO_FILES — said so in the output
set -euo pipefail

size=${1:?usage: bench/run.sh small|medium|large [WORKDIR]}
case $size in
small) villages=9 tasks=40 ;;
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

# measure NAME CMD...: RUNS timed runs; prints "wall_seconds rss_kib" medians.
measure() {
	local name=$1
	shift
	local walls=() rsss=()
	for i in $(seq "$runs"); do
		local log=$work/logs/$size-$name-$i.txt
		/usr/bin/time -v "$@" >"$log.out" 2>"$log" || { echo "$name failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
		walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log")")
		rsss+=("$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")")
	done
	local w r
	w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	r=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	echo "$w $r"
}

files=("$town"/*.xlsx)
nfiles=${#files[@]}
lo_set=("${files[@]}")
scale=1
if [ "$nfiles" -gt "$lofiles" ]; then
	lo_set=("${files[@]:0:$lofiles}")
	scale=$(awk -v a="$nfiles" -v b="$lofiles" 'BEGIN{print a/b}')
fi

echo "timing taizhang build…" >&2
read -r build_w build_r < <(measure build "$bin/taizhang" build "$town")
pages=$(pdfinfo "$town/out/通报.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
echo "timing intake+workbook…" >&2
read -r wb_w wb_r < <(measure workbook "$bin/tzbench" -part workbook "$town")
echo "timing pandas…" >&2
read -r pd_w pd_r < <(measure pandas /usr/bin/python3 "$repo/bench/peers/merge.py" "$town" "$work/$size-pandas.xlsx")
echo "timing LibreOffice on ${#lo_set[@]} of $nfiles workbooks…" >&2
rm -rf "$work/lo-out"
# A first conversion creates the LibreOffice profile; keep it out of the timing.
soffice -env:UserInstallation="file://$work/lo-profile" --headless --convert-to pdf --outdir "$work/lo-warm" "${files[0]}" >/dev/null 2>&1 || true
read -r lo_w lo_r < <(measure soffice soffice -env:UserInstallation="file://$work/lo-profile" --headless --convert-to pdf --outdir "$work/lo-out" "${lo_set[@]}")
lo_all=$(awk -v w="$lo_w" -v s="$scale" 'BEGIN{printf "%.2f", w*s}')

mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f×", a/b}'; }
pdf_w=$(awk -v a="$build_w" -v b="$wb_w" 'BEGIN{d=a-b; if (d<0.01) d=0.01; printf "%.2f", d}')

cat <<TABLE

## $size: $nfiles villages × $tasks tasks = $((nfiles * tasks)) tasks; 通报.pdf ${pages:-?} pages; median of $runs run(s)
machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | awk '{print $3}')

| command | wall (s) | peak RSS (MiB) |
|---|---:|---:|
| taizhang build (workbook + $((nfiles + 1)) PDFs + JSON) | $build_w | $(mib "$build_r") |
| taizhang intake + check + consolidate + workbook | $wb_w | $(mib "$wb_r") |
| pandas + openpyxl merge.py | $pd_w | $(mib "$pd_r") |
| LibreOffice → PDF, ${#lo_set[@]} of $nfiles workbooks | $lo_w | $(mib "$lo_r") |
| LibreOffice → PDF, all $nfiles workbooks$([ "$scale" != 1 ] && echo " (extrapolated ×$scale)") | $lo_all | |

- intake + workbook vs pandas: $(ratio "$pd_w" "$wb_w") faster
- PDFs (build − workbook part = $pdf_w s, $((nfiles + 1)) PDFs incl. the town notice) vs LibreOffice's $nfiles village PDFs: $(ratio "$lo_all" "$pdf_w") faster
- whole build vs LibreOffice alone: $(ratio "$lo_all" "$build_w") faster
TABLE
