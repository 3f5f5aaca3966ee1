/*
 * analysis/figures: simulate, tabulate and render the figures (rank,
 * batch, RTT, uplink, bytes per token, time breakdown) as CSV, PNG and
 * SVG. Needs gnuplot.
 */
#ifndef ANALYSIS_FIGURES_H
#define ANALYSIS_FIGURES_H

#include "analysis/batch.h"
#include "util/status.h"

/* Simulates the figures' points from the presets in presets_dir (in up
 * to jobs processes; progress may be NULL) and writes the CSVs and the
 * rendered figures into dir, which is created if needed. Each figure's
 * PNG and SVG appear whole or not at all. */
enum sim_status ana_figures_make(const char *dir, const char *presets_dir, int jobs,
                                 ana_progress_fn progress, void *progress_ctx,
                                 struct sim_err *err);

/* How many figures, and how many simulations they need. */
int ana_figures_count(void);
int ana_figures_points(void);

#endif
