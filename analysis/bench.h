/*
 * analysis/bench: benchmarks (make bench), never asserted in tests.
 */
#ifndef ANALYSIS_BENCH_H
#define ANALYSIS_BENCH_H

#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

/* Reference decode tokens/s, merged and split (fp16 boundary), with 1
 * and 2 threads, on a random checkpoint of model's shape, beside this
 * machine's copy bandwidth; a Markdown table into *md (caller frees).
 * Progress lines go to log when not NULL. */
enum sim_status ana_bench_reference(const char *model, int64_t rank, int64_t n_tokens,
                                    FILE *log, char **md, struct sim_err *err);

/* The simulator's speed: the wall time of `SELF paper` (self: the plsim
 * binary) and messages simulated per second with 1, 100 and 1000
 * devices on one cell; a Markdown table into *md (caller frees). */
enum sim_status ana_bench_sim(const char *self, const char *presets_dir, FILE *log,
                              char **md, struct sim_err *err);

#endif
