/*
 * sim/platform: the SimGrid platform of a scenario, as an XML file.
 *
 * Hosts: edge0..edge{N-1} (one per device) and gpu0..gpu{G-1}, all at
 * SIM_HOST_SPEED: a compute stage of d seconds is an execution of
 * d x SIM_HOST_SPEED flops, so the cost model, not SimGrid's speed,
 * decides durations while SimGrid arbitrates sharing. Links: one cell
 * uplink and one cell downlink, SHARED (written explicitly), each with
 * latency RTT/2; every edge reaches every GPU through them.
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#include <stdint.h>

#include "util/status.h"

#define SIM_HOST_SPEED 1e9 /* flop/s of every simulated host */

struct sim_platform_spec {
    int64_t n_edges;     /* devices */
    int64_t n_gpus;      /* cloud GPUs */
    double uplink_Bps;   /* cell uplink, bytes/s */
    double downlink_Bps; /* cell downlink, bytes/s */
    double latency_s;    /* one-way latency of each link: RTT / 2 */
};

/* Writes the platform to path (atomically). */
enum sim_status sim_platform_write(const struct sim_platform_spec *p, const char *path,
                                   struct sim_err *err);

#endif
