# Per-token decode time split by cause, for each mode, under the paper's
# link and under realistic US 5G (7B, r = 64). Line 0 of the CSV is its
# header, so the two links are lines 1-5 and 6-10.
load plotdir.'/common.gp'
f = datadir.'/breakdown.csv'
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by -25
set ylabel 'ms per decoded token'
PLOT = "set multiplot layout 1,2 title 'Where the time goes, LLaMA 2-7B decode'; \
set title 'paper''s 5G (60/100 Mbps, no latency)'; \
plot f every ::1::5 u 3:xtic(1) t 'cloud compute', '' every ::1::5 u 4 t 'edge compute', \
     '' every ::1::5 u 5 t 'uplink', '' every ::1::5 u 6 t 'downlink', '' every ::1::5 u 7 t 'latency', \
     '' every ::1::5 u 8 t 'waiting'; \
set title 'US 5G median (14.6/266 Mbps, 47 ms)'; \
plot f every ::6::10 u 3:xtic(1) t 'cloud compute', '' every ::6::10 u 4 t 'edge compute', \
     '' every ::6::10 u 5 t 'uplink', '' every ::6::10 u 6 t 'downlink', '' every ::6::10 u 7 t 'latency', \
     '' every ::6::10 u 8 t 'waiting'; unset multiplot"
eval png('breakdown'); @PLOT
eval svg('breakdown'); @PLOT
