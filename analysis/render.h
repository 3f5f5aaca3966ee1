/*
 * analysis/render: gnuplot figures that appear whole or not at all.
 * The figures and the atlas use it.
 */
#ifndef ANALYSIS_RENDER_H
#define ANALYSIS_RENDER_H

#include "util/status.h"

/* Renders plots/NAME.gp for each of names[0..n) with gnuplot, its data
 * read from dir (the script's datadir), into a private folder under dir,
 * then moves each NAME.png and NAME.svg into dir: an interrupted or
 * failed render leaves neither the folder nor half a figure. SIM_EIO
 * with a message when gnuplot is missing or fails. */
enum sim_status ana_render(const char *dir, const char *const *names, int n,
                           struct sim_err *err);

#endif
