# The phone's energy per token (SoC and radio) against the round-trip time.
load plotdir.'/common.gp'
f = datadir.'/energy.csv'
b = datadir.'/energy_breakeven.csv'
set logscale xy
set autoscale xfix
set xtics (0.1, 0.3, 1, 3, 10, 47, 100)
set xlabel 'round-trip time (ms), log scale'
set ylabel "phone's joules per token (SoC + radio)"
set title "LLaMA 2-7B on the US 5G median: the phone's energy per token (assumed 5 W SoC)"
set key top left
PLOT = "plot f u 1:2 w lp ls 1 t 'PrivateLoRA', f u 1:3 w lp ls 3 t 'speculative verification (k = 4)', \
     f u 1:4 w l ls 4 t 'device-only (4-bit)', \
     b u 2:3 w p pt 6 ps 2 lc rgb 'black' t 'break-even with device-only'"
eval png('energy_vs_rtt'); @PLOT
eval svg('energy_vs_rtt'); @PLOT
