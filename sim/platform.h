/*
 * sim/platform: the SimGrid platform of a scenario, as an XML file.
 *
 * Hosts: edge0..edge{N-1} (one per device) and gpu0..gpu{G-1}, all at
 * SIM_HOST_SPEED: a compute stage of d seconds is an execution of
 * d x SIM_HOST_SPEED flops, so the cost model, not SimGrid's speed,
 * decides durations while SimGrid arbitrates sharing.
 *
 * Network, in zones whose routing grows with the hosts, not with
 * devices x GPUs (a Full zone's table would):
 *  - each cell is a Cluster zone without a backbone: a device's host has
 *    its own radio links (host_link up and down, each with a one-way
 *    latency of RTT / 2) to the cell's gateway router;
 *  - the GPUs are hosts of a Vivaldi zone (a star; every coordinate 0,
 *    so no latency) without links;
 *  - the world zone joins each cell to the cloud through the cell's
 *    shared links (SHARED: the cell's capacity, split among its devices'
 *    flows) and the backhaul, shared by every cell.
 * A link not modelled (no cell, or no backhaul) is a FATPIPE at
 * SIM_UNLIMITED_BPS: present in the route, never a bottleneck.
 *
 * With neither a cell nor a backhaul the platform is flat: one Cluster
 * zone of the devices' hosts with their radio links and the GPUs'
 * hosts without links, so a route is the device's radio link alone. The
 * FATPIPE placeholders would give the same times, but SimGrid's sharing
 * solver walks every flow through a shared constraint, FATPIPE or not,
 * at each flow's start and end: with them, every device's flow couples
 * to every other's and a message costs time in proportion to the crowd.
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#include <stdint.h>

#include "util/status.h"

#define SIM_HOST_SPEED 1e9      /* flop/s of every simulated host */
#define SIM_UNLIMITED_BPS 1e15  /* bytes/s of a link that must never bind */

struct sim_platform_spec {
    int64_t n_edges;     /* devices, dealt to the cells in turn */
    int64_t n_gpus;      /* cloud GPUs */
    double uplink_Bps;   /* each device's radio, edge -> cloud, bytes/s */
    double downlink_Bps; /* each device's radio, cloud -> edge, bytes/s */
    double latency_s;    /* one-way latency of a device's radio: RTT / 2 */
    int64_t n_cells;     /* >= 1 */
    double cell_up_Bps, cell_down_Bps; /* a cell's shared capacity; 0: unlimited */
    double backhaul_Bps;               /* each direction; 0: unlimited */
    double backhaul_latency_s;         /* one way */
    int power;                         /* 1: hosts carry their power (SimGrid's host energy
                                          plugin), 0: none */
    double gpu_idle_W, gpu_active_W;   /* a GPU's */
    double edge_idle_W, edge_active_W; /* a phone SoC's (0 if unknown) */
};

/* 1 when nothing is shared (no cell, no backhaul): the flat platform. */
int sim_platform_is_flat(const struct sim_platform_spec *p);

/* Writes the platform to path (atomically). */
enum sim_status sim_platform_write(const struct sim_platform_spec *p, const char *path,
                                   struct sim_err *err);

#endif
