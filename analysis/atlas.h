/*
 * analysis/atlas: where each design beats the phone. For each model
 * preset and each design (PrivateLoRA as the paper runs it, with overlap,
 * with first-k, and speculative verification at k = 2, 4, 8 and
 * acceptance 0.6, 0.8), the decode speed over a log grid of RTTs, at the
 * preset's own link, at 10 ms (an edge server) and at 47 ms (the US 5G
 * median); the break-even RTT and uplink against the phone a user means
 * (analysis/breakeven's device-only); and "what it takes": the
 * acceptance rate each draft length k needs to beat the phone at 10 and
 * 47 ms. Written as CSVs, a Markdown table and a figure.
 */
#ifndef ANALYSIS_ATLAS_H
#define ANALYSIS_ATLAS_H

#include <stdint.h>

#include "analysis/batch.h"
#include "util/status.h"

#define ANA_ATLAS_MAX_MODELS 4
#define ANA_ATLAS_MAX_SET 8
#define ANA_ATLAS_DESIGNS 9

struct ana_atlas_opts {
    const char *models[ANA_ATLAS_MAX_MODELS]; /* scenario files or preset names */
    int n_models;
    const char *set[ANA_ATLAS_MAX_SET]; /* "key=value" applied to every model */
    int n_set;
    const char *designs[ANA_ATLAS_DESIGNS]; /* labels to run, e.g. "PrivateLoRA" or
                                               "spec k=4 a=0.8"; none: all of them */
    int n_designs;
    int jobs;                  /* parallel simulations */
    ana_progress_fn progress;  /* may be NULL; hears of simulations done */
    void *progress_ctx;
};

/* An upper bound on the simulations ana_atlas_make runs for o (for
 * progress, and to refuse work too large before starting). */
int64_t ana_atlas_work(const struct ana_atlas_opts *o);

/* Runs the atlas and writes into dir (created if needed): atlas.csv (one
 * row per model and design), atlas-grid.csv (decode tokens/s over the RTT
 * grid), atlas-take.csv (what it takes), atlas.md (the tables and what
 * they say) and atlas.png/.svg (the figure). Every file appears whole or
 * not at all. Errors name the scenario and key at fault (SIM_EINVAL), or
 * the simulation or file that failed (SIM_EIO). */
enum sim_status ana_atlas_make(const char *dir, const struct ana_atlas_opts *o,
                               struct sim_err *err);

#endif
