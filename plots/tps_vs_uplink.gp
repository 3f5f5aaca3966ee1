# Decode tokens/s against the uplink bandwidth, 7B, no latency.
load plotdir.'/common.gp'
f = datadir.'/uplink.csv'
set logscale xy
set autoscale xfix
set xlabel 'uplink (Mbps); downlink 100 Mbps, no latency'
set ylabel 'decode tokens/s'
set title 'LLaMA 2-7B against uplink bandwidth'
PLOT = "plot f u 1:2 w lp ls 1 t 'PrivateLoRA r = 64', f u 1:3 w lp ls 6 t 'naive split (LoRA^P)', \
     f u 1:4 w l ls 2 t 'cloud-only', f u 1:5 w l ls 4 t 'device-only (4-bit)'"
eval png('tps_vs_uplink'); @PLOT
eval svg('tps_vs_uplink'); @PLOT
