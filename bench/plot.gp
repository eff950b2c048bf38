# ns/call against the number of limited fds, one panel per operation.
# gnuplot -e "summary='bench/results/summary.tsv'; output='docs/benchmarks.png'" bench/plot.gp
# Points are medians over rounds, bars the interquartile range; K = 0 is bare Linux,
# drawn at x = 0.5 ("bare").  Both axes are logarithmic.
if (!exists("summary")) summary = 'bench/results/summary.tsv'
if (!exists("output")) output = 'docs/benchmarks.png'

set terminal pngcairo size 1500,900 font ",11"
set output output
set datafile separator "\t"
set multiplot layout 2,3 title "capsicum: cost of rights filters (median ns/call, bars = IQR over rounds; K = 0 is bare Linux)" font ",13"
set key top left Left reverse samplen 2 font ",9"
set grid ytics xtics lc rgb "#dddddd"
set xlabel "limited fds in the process (K)"
set ylabel "ns per call (log scale)"
set logscale xy
set xrange [0.4:130]
set yrange [80:6000]
set xtics ("bare" 0.5, "1" 1, "3" 3, "10" 10, "30" 30, "100" 100)
set ytics (100, 200, 300, 500, 1000, 2000, 3000, 5000)
kx(k) = k == 0 ? 0.5 : k

# Rows of one series (variant v, fd kind f, op o) plus the bare row, sorted by K.
sel(v, f, o) = sprintf("< awk -F'\\t' 'NR > 1 && $4 == \"%s\" && $5 == \"%s\" && ($1 == \"%s\" || $1 == \"bare\")' '%s' | sort -t'\t' -k2,2n", o, f, v, summary)

ops = "read1 read4k write1 fstat lseek pread1"
titles = "'read, 1 B' 'read, 4 KiB' 'write, 1 B' 'fstat' 'lseek' 'pread, 1 B'"
do for [i = 1:6] {
	o = word(ops, i)
	set title word(titles, i)
	stats sel("same", "limited", o) every ::0::0 using 8 nooutput
	bare = STATS_min
	pct = o eq "read4k" ? bare * 1.05 : NaN
	plot \
	  bare + 30 with lines lw 1.5 dt 3 lc rgb "#000000" title "target: bare + 30 ns", \
	  pct with lines lw 1.5 dt 2 lc rgb "#7f7f7f" title (o eq "read4k" ? "target: bare + 5 %" : ""), \
	  sel("narrow", "limited", o) using (kx($2)):8:9:10 with yerrorlines lw 2 pt 7 lc rgb "#c0392b" title "narrow, limited fd", \
	  sel("narrow", "unrestricted", o) using (kx($2)):8:9:10 with yerrorlines lw 1 dt 2 pt 6 lc rgb "#e67e22" title "narrow, unrestricted fd", \
	  sel("same", "limited", o) using (kx($2)):8:9:10 with yerrorlines lw 2 pt 5 lc rgb "#2471a3" title "same, limited fd", \
	  sel("same", "unrestricted", o) using (kx($2)):8:9:10 with yerrorlines lw 1 dt 2 pt 4 lc rgb "#17a589" title "same, unrestricted fd"
}
unset multiplot
