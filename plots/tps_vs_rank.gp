# Decode and prefill tokens/s against the adapter rank, under the paper's
# assumptions, for 7B, 13B and 30B, with the device-only and cloud-only lines.
load plotdir.'/common.gp'
f = datadir.'/rank.csv'
set logscale x 2
set xrange [12:700]
set bmargin 10
set xlabel 'rank r (r_{C2D} = r_{D2C})'
set xtics (16, 32, 64, 128, 256, 512)
PLOT = "set multiplot layout 1,2 title 'PrivateLoRA under the paper''s assumptions (60/100 Mbps, no latency)'; \
set title 'decode'; set ylabel 'tokens/s per sequence'; \
plot f u 1:2 w lp ls 1 t 'PL 7B', f u 1:3 w lp ls 2 t 'PL 13B', f u 1:4 w lp ls 3 t 'PL 30B', \
     f u 1:8 w l ls 1 dt 2 t 'cloud 7B', f u 1:9 w l ls 2 dt 2 t 'cloud 13B', f u 1:10 w l ls 3 dt 2 t 'cloud 30B', \
     f u 1:14 w l ls 4 t 'device 7B (4-bit)'; \
set title 'prefill (128-token prompt)'; set logscale y; \
plot f u 1:5 w lp ls 1 t 'PL 7B', f u 1:6 w lp ls 2 t 'PL 13B', f u 1:7 w lp ls 3 t 'PL 30B', \
     f u 1:11 w l ls 1 dt 2 t 'cloud 7B', f u 1:12 w l ls 2 dt 2 t 'cloud 13B', f u 1:13 w l ls 3 dt 2 t 'cloud 30B', \
     f u 1:15 w l ls 4 t 'device 7B (4-bit)'; unset multiplot"
eval png('tps_vs_rank'); @PLOT
eval svg('tps_vs_rank'); @PLOT
