/*
 * analysis/capacity: how many phones a deployment serves within its SLO.
 *
 * The scenario's SLO (slo.ttft, slo.tpot) and its workload per phone are
 * kept; only the number of phones varies. attainment(N) is the fraction
 * of requests meeting every SLO set when N phones run the scenario. The
 * search assumes that more phones never help (attainment does not rise
 * with N): it doubles N from 1 until a run misses the target attainment,
 * then bisects between the last run that met it and the first that did
 * not, until they are within the tolerance. Every evaluation is a full
 * simulation of a copy of the resolved input with workload.devices set.
 */
#ifndef ANALYSIS_CAPACITY_H
#define ANALYSIS_CAPACITY_H

#include <stdint.h>
#include <stdio.h>

#include "models/input.h"
#include "util/status.h"

#define ANA_CAPACITY_MAX_EVALS 64

struct ana_capacity_eval {
    int64_t devices;
    double attainment;       /* fraction of requests within the SLO */
    double ttft_p99_s, tpot_p99_s;
    double aggregate_decode_tps;
};

struct ana_capacity {
    double target;           /* the attainment asked for, in (0, 1] */
    int64_t met;             /* the most phones seen to meet it; 0: one phone misses */
    int64_t missed;          /* the fewest seen to miss it; 0: none up to max_devices */
    struct ana_capacity_eval evals[ANA_CAPACITY_MAX_EVALS]; /* in the order run */
    int n_evals;
};

/* Searches 1 .. max_devices phones for in (which must set an SLO) until
 * missed - met <= max(1, tolerance x met). log (NULL: quiet) gets a line
 * per evaluation. SIM_EINVAL for an input without an SLO or bad bounds,
 * SIM_EIO when a simulation fails. */
enum sim_status ana_capacity_find(const struct mdl_input *in, double target,
                                  int64_t max_devices, double tolerance, FILE *log,
                                  struct ana_capacity *out, struct sim_err *err);

/* The result as JSON text (caller frees with free()). */
char *ana_capacity_json(const char *scenario, const struct mdl_input *in,
                        const struct ana_capacity *c);

#endif
