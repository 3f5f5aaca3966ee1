/*
 * analysis/breakeven: the RTT or uplink bandwidth at which a scenario's
 * simulated decode throughput equals that of another design, found with a
 * GSL root finder (Brent) on f(x) = tps(input, x) - tps(other, x).
 * Every evaluation is a full simulation of a copy of a resolved input
 * with x set through its typed setter; nothing is re-read or re-parsed
 * while the root finder runs.
 * This module drives the engine; it is not part of it.
 */
#ifndef ANALYSIS_BREAKEVEN_H
#define ANALYSIS_BREAKEVEN_H

#include "models/input.h"
#include "util/status.h"

enum ana_over { ANA_OVER_RTT, ANA_OVER_UPLINK };

struct ana_breakeven {
    int found;          /* 1: a crossing lies in [lo, hi] */
    double x;           /* the crossing: seconds (rtt) or bytes/s (uplink) */
    double lo, hi;      /* the searched range, same unit */
    double tps_lo[2];   /* decode tokens/s at lo: [0] scenario, [1] other */
    double tps_hi[2];   /* the same at hi */
    double tps_x;       /* decode tokens/s at the crossing */
    int evaluations;    /* simulations run per side */
};

/* Resolves what in is compared against into *other.
 *   "device-only", "cloud-only": the preset of that name for in's model,
 *     phone and GPU (the preset's precisions and cost models: device-only
 *     is the 4-bit model calibrated on the phone's measured speed), with
 *     in's link and workload, so that the two differ in design only;
 *   anything else: a scenario file or preset name, compared as it is.
 * SIM_ERANGE when the phone cannot hold the device-only model's weights
 * (it has no speed to compare with: every design beats it); SIM_EINVAL
 * with the loader's message (file, JSON path) when it does not resolve,
 * e.g. when the catalog has no measurement to calibrate the phone. */
enum sim_status ana_breakeven_other(const struct mdl_input *in, const char *vs,
                                    struct mdl_input *other, struct sim_err *err);

/* Searches [lo, hi] (SI units; uplink searched in log space) for in
 * against other, both with the varied value set. found = 0 when f does
 * not change sign over the range. SIM_EINVAL for a bad range or an input
 * a setter refuses, SIM_ERANGE when the root finder does not converge,
 * SIM_EIO when a simulation fails. */
enum sim_status ana_breakeven_find(const struct mdl_input *in, const struct mdl_input *other,
                                   enum ana_over over, double lo, double hi,
                                   struct ana_breakeven *out, struct sim_err *err);

/* The result as JSON text (caller frees with free()): the scenario's
 * name, what it was compared against (vs as given), the variable and its
 * SI unit, the crossing or null, and the speeds at both ends. */
char *ana_breakeven_json(const char *scenario, const char *vs, enum ana_over over,
                         const struct ana_breakeven *b);

#endif
