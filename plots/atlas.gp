# Where each design beats the phone: decode tokens/s over the RTT (log
# axis), one row per model and design, with where each row equals the
# phone running the model alone.
load plotdir.'/common.gp'
load datadir.'/atlas-rows.gp'
g = datadir.'/atlas-grid.csv'
c = datadir.'/atlas-contour.csv'
set xrange [-1.1:2.1]
set yrange [rows - 0.5:-0.5]
set xtics ('0.1' -1, '0.3' log10(0.3), '1' 0, '3' log10(3), '10' 1, '47' log10(47), '100' 2)
set xlabel 'round-trip time (ms), log scale'
set grid noytics
set ytics font ',9'
set lmargin 24
set logscale cb
set cblabel 'decode tokens/s (log)'
set palette defined (0 '#30123b', 1 '#4686fb', 2 '#1ae4b6', 3 '#a2fc3c', 4 '#faba3a', 5 '#e4460a', 6 '#7a0403')
set title "Decode tokens/s by design and RTT; black: equal to the phone alone, faster to the left\n".subtitle
set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb 'white' front
set arrow from log10(47), graph 0 to log10(47), graph 1 nohead dt 2 lc rgb 'white' front
set label 'edge server' at 1, graph 1 offset 0.5, -1 tc rgb 'white' front
set label 'US median' at log10(47), graph 1 offset 0.5, -1 tc rgb 'white' front
PLOT = "plot g u 1:2:3 w image notitle, \
     c u 1:2 w lp pt 7 ps 0.9 lw 2 lc rgb 'black' t 'break-even with the phone (device-only, 4-bit)'"
set terminal pngcairo size 1100,900 font "DejaVu Sans,11"
set output outdir.'/atlas.png'
@PLOT
set terminal svg size 1100,900 dynamic font "DejaVu Sans,11"
set output outdir.'/atlas.svg'
@PLOT
