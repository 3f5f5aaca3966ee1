# A crowd on one GPU: aggregate decode tokens/s and p99 time per output
# token against the number of phones, PrivateLoRA and cloud-only, from
# `plsim sweep scenarios/serving-crowd.json ... --plot serving` (serving.csv).
load plotdir.'/common.gp'
f = datadir.'/serving.csv'
set datafile columnheaders
set logscale x 10
set logscale y 10
set logscale y2 10
set xlabel 'phones, all asking at once (one request of 128 prompt and 32 new tokens each)'
set ylabel 'aggregate decode tokens/s, all phones'
set y2label 'p99 time per output token (s)'
set ytics nomirror
set y2tics
set title "LLaMA 2-7B on one A100 serving a crowd of phones in 5G cells (US median radio, 47 ms RTT)"
is(m) = strcol(1) eq m
xv(d) = real(strcol(2))
PLOT = "plot f u (is('privatelora') ? xv(0) : NaN):'aggregate_decode_tps' w lp ls 1 t 'PrivateLoRA: tokens/s', \
     f u (is('cloud-only') ? xv(0) : NaN):'aggregate_decode_tps' w lp ls 2 t 'cloud-only: tokens/s', \
     f u (is('privatelora') ? xv(0) : NaN):'tpot_p99_s' axes x1y2 w lp ls 4 t 'PrivateLoRA: p99 TPOT', \
     f u (is('cloud-only') ? xv(0) : NaN):'tpot_p99_s' axes x1y2 w lp ls 5 t 'cloud-only: p99 TPOT'"
eval png('serving'); @PLOT
eval svg('serving'); @PLOT
