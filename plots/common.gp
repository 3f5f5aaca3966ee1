# Shared look of plsim's figures. Loaded by every plot script; `outdir`,
# `datadir` and `plotdir` are set on the gnuplot command line by plsim.
set datafile separator ','
set key outside below center horizontal maxrows 2 box opaque
set bmargin 7
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set style line 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.8
set style line 2 lc rgb '#ff7f0e' lw 2 pt 5 ps 0.8
set style line 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.8
set style line 4 lc rgb '#d62728' lw 2 dt 2
set style line 5 lc rgb '#9467bd' lw 2 dt 3
set style line 6 lc rgb '#8c564b' lw 2 pt 11 ps 0.8
# render(name): draw the current plot (the macro PLOT) as PNG and SVG
png(name) = sprintf('set terminal pngcairo size 1100,650 font "DejaVu Sans,11"; set output "%s/%s.png"', outdir, name)
svg(name) = sprintf('set terminal svg size 1100,650 dynamic font "DejaVu Sans,11"; set output "%s/%s.svg"', outdir, name)
