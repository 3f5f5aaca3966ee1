/*
 * analysis/breakeven: the RTT or uplink bandwidth at which a scenario's
 * simulated decode throughput equals that of another mode, found with a
 * GSL root finder (Brent) on f(x) = tps(input, x) - tps(other, x).
 * Every evaluation is a full simulation of a copy of the resolved input
 * with x set through its typed setter; nothing is re-read or re-parsed.
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

/* Searches [lo, hi] (SI units; uplink searched in log space) for in
 * against the same input run in mode vs. found = 0 when f does not
 * change sign over the range. SIM_EINVAL for a bad range or an input a
 * setter refuses, SIM_ERANGE when the root finder does not converge,
 * SIM_EIO when a simulation fails. */
enum sim_status ana_breakeven_find(const struct mdl_input *in, enum ref_mode vs,
                                   enum ana_over over, double lo, double hi,
                                   struct ana_breakeven *out, struct sim_err *err);

/* The result as JSON text (caller frees with free()): the scenario's
 * name, the other mode, the variable and its SI unit, the crossing or
 * null, and the speeds at both ends of the range. */
char *ana_breakeven_json(const char *scenario, enum ref_mode vs, enum ana_over over,
                         const struct ana_breakeven *b);

#endif
