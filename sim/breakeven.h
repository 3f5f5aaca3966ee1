/*
 * sim/breakeven: the RTT or uplink bandwidth at which a scenario's
 * simulated decode throughput equals that of another mode, found with a
 * GSL root finder (Brent) on f(x) = tps(scenario, x) - tps(other, x).
 * Every evaluation is a full simulation.
 */
#ifndef SIM_BREAKEVEN_H
#define SIM_BREAKEVEN_H

#include "reference/accounting.h"
#include "util/status.h"

enum sim_over { SIM_OVER_RTT, SIM_OVER_UPLINK };

struct sim_breakeven {
    int found;          /* 1: a crossing lies in [lo, hi] */
    double x;           /* the crossing: seconds (rtt) or bytes/s (uplink) */
    double lo, hi;      /* the searched range, same unit */
    double tps_lo[2];   /* decode tokens/s at lo: [0] scenario, [1] other */
    double tps_hi[2];   /* the same at hi */
    double tps_x;       /* decode tokens/s at the crossing */
    int evaluations;    /* simulations run per side */
};

/* Searches [lo, hi] (SI units; uplink searched in log space) for the
 * scenario file with overrides set[0..n_set) against mode vs. found = 0
 * when f does not change sign over the range. */
enum sim_status sim_breakeven_find(const char *path, const char *const *set, int n_set,
                                   enum ref_mode vs, enum sim_over over, double lo, double hi,
                                   struct sim_breakeven *out, struct sim_err *err);

#endif
