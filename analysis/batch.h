/*
 * analysis/batch: many simulations in parallel child processes, results
 * in input order. Sweeps, the paper reproduction and the figures use it.
 */
#ifndef ANALYSIS_BATCH_H
#define ANALYSIS_BATCH_H

#include <stdint.h>

#include "models/input.h"
#include "sim/result.h"
#include "util/status.h"

/* Called after each finished simulation with the count done so far. */
typedef void (*ana_progress_fn)(void *ctx, int64_t done);

/* Processors online, at least 1. */
int ana_default_jobs(void);

/* Simulates in[0..n) in up to jobs parallel processes, summaries into
 * out in input order; progress (may be NULL) hears of each one done. An
 * input whose side cannot hold its part of the model (mdl_input_check's
 * SIM_ERANGE) is not simulated: its summary is unfit, rates NaN. On
 * failure *failed is the index of the first failing input and err says
 * why; the others still running are waited for. */
enum sim_status ana_simulate_all(const struct mdl_input *in, int64_t n, int jobs,
                                 ana_progress_fn progress, void *progress_ctx,
                                 struct sim_summary *out, int64_t *failed, struct sim_err *err);

#endif
