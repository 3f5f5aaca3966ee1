# Bytes per decoded token crossing the link, by mode (7B, 16-bit), log scale.
load plotdir.'/common.gp'
f = datadir.'/bytes.csv'
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -25
set ylabel 'bytes per decoded token'
set title 'What crosses the link per token, LLaMA 2-7B, 16-bit (device-only: nothing)'
PLOT = "plot f every ::1 u 2:xtic(1) t 'uplink' lc rgb '#1f77b4', '' every ::1 u 3 t 'downlink' lc rgb '#ff7f0e'"
eval png('bytes_per_token'); @PLOT
eval svg('bytes_per_token'); @PLOT
