/*
 * sim/baseline: a minimal plain SimGrid program with the message pattern
 * of a plsim run, for `make bench` to measure plsim's speed against.
 *
 * On the same platform (sim/platform), each device has two actors that
 * exchange round_trips round trips: the GPU's actor sends down_bytes, the
 * phone's answers with up_bytes, with blocking puts and gets; no plan, no
 * server, no records. What plsim costs beyond it is its own work.
 */
#ifndef SIM_BASELINE_H
#define SIM_BASELINE_H

#include <stdint.h>

#include "sim/platform.h"
#include "util/status.h"

struct sim_baseline_result {
    double messages;     /* communications simulated */
    double wall_s;       /* wall time of the simulation in its process */
    double simulated_s;  /* simulated time at the end */
    double peak_rss_bytes; /* the simulation process's peak resident memory */
};

/* Runs the baseline in a child process on platform p (written to path). */
enum sim_status sim_baseline_run(const struct sim_platform_spec *p, const char *path,
                                 int64_t round_trips, double down_bytes, double up_bytes,
                                 struct sim_baseline_result *out, struct sim_err *err);

#endif
