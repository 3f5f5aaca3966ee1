# Decode tokens/s (all sequences of one device) against the batch size, 7B.
load plotdir.'/common.gp'
f = datadir.'/batch.csv'
set logscale xy 2
set xlabel 'batch (sequences stepped together)'
set ylabel 'decode tokens/s, whole batch'
set title 'LLaMA 2-7B decode throughput against batch size (paper''s 5G, r = 64)'
PLOT = "plot f u 1:2 w lp ls 1 t 'PrivateLoRA', f u 1:3 w lp ls 2 t 'cloud-only', f u 1:4 w lp ls 4 t 'device-only (4-bit)'"
eval png('tps_vs_batch'); @PLOT
eval svg('tps_vs_batch'); @PLOT
