/*
 * sim/net: a device's link beyond SimGrid's rates and latency (internal
 * to sim/).
 *
 * Jitter, losses and outages act where the receiver takes a message: the
 * network delivered it, and net_delivery says when the receiver has it.
 * A link trace's rates are set on the radio links by a daemon actor over
 * simulated time; its RTT acts at delivery too.
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdint.h>

#include <simgrid/forward.h>

#include "sim/replay.h"

/* When a message that the network delivered at arrived_s reaches its
 * receiver on ls (the device's link in that direction), sent (it left the
 * sender) at sent_s; records its drawn delays in st and the device's
 * counters. */
double net_delivery(struct device *dev, struct link_state *ls, double sent_s, double arrived_s,
                    struct stage_time *st);

/* A link trace's driver: every device's radio links. */
struct net_driver {
    const struct replay *rp;
    sg_link_t *up, *down; /* n_dev each, once started */
    int64_t n_dev;
};

/* Starts the driver if rp follows a link trace that changes (a daemon on
 * gpu0); d lives until the engine stops. */
void net_driver_start(struct net_driver *d);

void net_driver_free(struct net_driver *d);

#endif
