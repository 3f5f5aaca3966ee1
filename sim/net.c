/*
 * sim/net: what a real link does to a device's messages beyond SimGrid's
 * rates and latency: drawn jitter, losses with retransmission, outages,
 * in-order delivery, and a link trace played over time. See net.h.
 */
#include "sim/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/link.h>

#include "util/cleanup.h"

/* A draw of the link's jitter. */
static double draw_jitter(gsl_rng *rng, const struct mdl_link *l)
{
    if (!l->jitter_s.present || !(l->jitter_s.value > 0.0))
        return 0.0;
    if (l->jitter_dist == MDL_JITTER_EXPONENTIAL)
        return gsl_ran_exponential(rng, l->jitter_s.value);
    const double sigma = log(l->jitter_p99_s / l->jitter_s.value) / gsl_cdf_ugaussian_Pinv(0.99);
    return gsl_ran_lognormal(rng, log(l->jitter_s.value), sigma);
}

/* When a message that the network delivered at arrived_s reaches its receiver:
 * later by its jitter and by the timeouts of its losses (each sent again
 * an RTO after it was sent), held while its link is down (a message in
 * flight when an outage begins waits the outage out; one sent during it
 * leaves when the link returns), and never before the message ahead of
 * it on the link. Records the delays in st and the device's counters. */
double net_delivery(struct device *dev, struct link_state *ls, double sent_s, double arrived_s,
                    struct stage_time *st)
{
    const struct replay *rp = dev->rp;
    const struct mdl_link *l = rp->link;
    double t = arrived_s;
    if (rp->sched != NULL) // the RTT in force when it left, above the link's least
        t += mdl_link_at(rp->sched, rp->n_sched, rp->sched_period_s, sent_s)->rtt_s / 2.0 -
             rp->sched_min_lat_s;
    st->jitter_s = ls->rng != NULL ? draw_jitter(ls->rng, l) : 0.0;
    int lost = 0;
    while (ls->rng != NULL && l->loss.present && gsl_rng_uniform(ls->rng) < l->loss.value)
        lost++;
    st->retransmit_s = lost * rp->rto_s;
    dev->retransmissions += lost;
    dev->retransmit_s += st->retransmit_s;
    t += st->jitter_s + st->retransmit_s;
    st->outage_s = 0.0;
    for (int k = 0; k < l->n_outages; k++) {
        const struct mdl_outage *o = &l->outages[k];
        if (sent_s < o->start_s + o->duration_s && t > o->start_s) {
            const double held = sent_s < o->start_s ? o->duration_s
                                                    : o->start_s + o->duration_s - sent_s;
            st->outage_s += held;
            t += held;
        }
    }
    if (st->outage_s > 0.0) {
        dev->outage_messages++;
        dev->outage_s += st->outage_s;
    }
    t = fmax(t, ls->last_s); // in order, as over one connection
    ls->last_s = t;
    return t;
}

/* A daemon that sets every radio link's rates at each row of the link
 * trace, looping if it loops: a rate applies to the bytes still to send.
 * (The RTT is not set on the links: SimGrid 3.32 loses a communication
 * whose link's latency changes while it is in flight. The links carry the
 * trace's least one-way latency, and each message is delivered later by
 * the rest of the one-way latency in force when it was sent; see
 * net_delivery().) */
static void driver_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct net_driver *d = sg_actor_self_get_data();
    const struct replay *rp = d->rp;
    for (int64_t loop = 0;; loop++) {
        for (int64_t k = loop == 0 ? 1 : 0; k < rp->n_sched; k++) {
            const struct mdl_link_sample *x = &rp->sched[k];
            const double at = (double)loop * rp->sched_period_s + x->t_s;
            const double now = simgrid_get_clock();
            if (at > now)
                sg_actor_sleep_for(at - now);
            for (int64_t i = 0; i < d->n_dev; i++) {
                sg_link_set_bandwidth(d->up[i], x->uplink_Bps);
                sg_link_set_bandwidth(d->down[i], x->downlink_Bps);
            }
        }
        if (!(rp->sched_period_s > 0.0))
            return;
    }
}

void net_driver_start(struct net_driver *d)
{
    const struct replay *rp = d->rp;
    if (rp->sched == NULL || rp->n_sched < 2)
        return;
    d->up = sim_xcalloc((size_t)d->n_dev, sizeof *d->up);
    d->down = sim_xcalloc((size_t)d->n_dev, sizeof *d->down);
    for (int64_t i = 0; i < d->n_dev; i++) {
        char name[64];
        snprintf(name, sizeof name, "edge%lld_up", (long long)i);
        d->up[i] = sg_link_by_name(name);
        snprintf(name, sizeof name, "edge%lld_down", (long long)i);
        d->down[i] = sg_link_by_name(name);
    }
    sg_actor_t a = sg_actor_init("link-trace", sg_host_by_name("gpu0"));
    sg_actor_set_data(a, d);
    sg_actor_daemonize(a);
    sg_actor_start(a, driver_main, 0, NULL);
}

void net_driver_free(struct net_driver *d)
{
    free(d->up);
    free(d->down);
    d->up = d->down = NULL;
}
