/*
 * results/trace: a run's timeline as Chrome Trace Event JSON, which the
 * Perfetto UI and chrome://tracing open. One process per device, one
 * track per actor: edge, cloud, uplink, downlink; one slice per compute
 * stage and per message, with its bytes, layer, direction and step.
 */
#ifndef RESULTS_TRACE_H
#define RESULTS_TRACE_H

#include "sim/result.h"
#include "util/status.h"

/* Writes r's events to path (atomically). SIM_EINVAL if r has none. */
enum sim_status res_trace_write(const char *path, const struct sim_result *r,
                                struct sim_err *err);

#endif
