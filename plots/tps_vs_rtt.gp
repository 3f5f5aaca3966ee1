# Decode tokens/s against the round-trip time, 7B, with break-even points.
load plotdir.'/common.gp'
f = datadir.'/rtt.csv'
b = datadir.'/breakeven.csv'
set logscale xy
set autoscale xfix
set xtics (0.1, 0.3, 1, 3, 10, 47, 100)
set xlabel 'round-trip time (ms), log scale'
set ylabel 'decode tokens/s'
set title 'LLaMA 2-7B against RTT (60/100 Mbps): one round trip per layer'
# overlap first and dashed, additive over it: the two part at small RTT only
PLOT = "plot f u 1:3 w lp ls 3 dt 2 t 'PrivateLoRA, overlap', f u 1:2 w lp ls 1 t 'PrivateLoRA, additive', \
     f u 1:4 w lp ls 6 t 'naive split (LoRA^P)', f u 1:5 w l ls 4 t 'device-only (4-bit)', \
     f u 1:6 w l ls 2 t 'cloud-only', \
     b u 2:3 w p pt 6 ps 2 lc rgb 'black' t 'break-even with device-only', \
     b u 4:5:1 w labels left notitle"
eval png('tps_vs_rtt'); @PLOT
eval svg('tps_vs_rtt'); @PLOT
