/*
 * sim/run: the simulation itself: the steps every device replays, the
 * edge and cloud actors, the critical-path breakdown, and the fork that
 * keeps SimGrid's one-per-process engine out of the caller. See run.h.
 */
#include "sim/run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <xbt/config.h>
#include <xbt/log.h>

#include <gsl/gsl_rng.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/semaphore.h>

#include "models/cost.h"
#include "sim/energy.h"
#include "sim/platform.h"
#include "sim/net.h"
#include "sim/replay.h"
#include "sim/server.h"
#include "util/cleanup.h"
#include "util/progress.h"

XBT_LOG_NEW_DEFAULT_CATEGORY(plsim, "plsim's simulation: one debug line per plan stage");

/* Sanitizer builds use thread contexts: ASan cannot follow SimGrid's raw
 * context switches and may report false positives (simgrid-notes.md). */
#if defined(__SANITIZE_ADDRESS__)
static const char *const context_cfg = "--cfg=contexts/factory:thread";
#else
static const char *const context_cfg = NULL;
#endif

// ---- the steps every device replays ----

static void spec_free(struct step_spec *sp)
{
    if (sp == NULL)
        return;
    ref_plan_destroy(sp->plan);
    free(sp->dur_s);
    free(sp);
}

static void replay_free(struct replay *r)
{
    for (int64_t i = 0; i < r->n_prefill; i++)
        spec_free(r->prefill_by_prompt[i]);
    for (int64_t i = 0; i < r->n_decode; i++)
        spec_free(r->decode_by_pos[i]);
    for (int64_t i = 0; i < r->n_alone_prefill; i++)
        spec_free(r->alone_prefill_by_len[i]);
    for (int64_t i = 0; r->alone_decode_by_pos != NULL && i < r->n_decode; i++)
        spec_free(r->alone_decode_by_pos[i]);
    free(r->prefill_by_prompt);
    free(r->decode_by_pos);
    free(r->alone_prefill_by_len);
    free(r->alone_decode_by_pos);
    free(r->yield);
    free(r->sched);
    mdl_requests_free(&r->reqs);
}

/* Cost-model duration of every stage of p into a new array. */
static double *durations(const struct mdl_input *in, const struct ref_plan *p)
{
    double *d = sim_xcalloc((size_t)p->n_stages, sizeof *d);
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *st = &p->stages[i];
        if (st->kind == REF_STAGE_COMPUTE)
            d[i] = mdl_cost_stage_s(&in->cost[st->place], st);
    }
    return d;
}

static enum sim_status build_plan(const struct mdl_input *in, const struct ref_plan_opts *base,
                                  enum ref_phase ph, int64_t n, int64_t pos,
                                  struct ref_plan **out, struct sim_err *err)
{
    struct ref_plan_opts o = *base;
    o.phase = ph;
    o.n_tokens = n;
    o.pos = pos;
    o.all_logits = o.spec_k > 0 && ph == REF_PHASE_DECODE; // a verification pass
    if (o.spec_k > 0 && ph == REF_PHASE_DECODE) {
        o.phase = REF_PHASE_PREFILL; // k + 1 tokens through the model at once
        o.n_tokens = o.spec_k + 1;
    } else {
        o.spec_k = 0; // the prompt's prefill is a plain step
    }
    struct sim_err why;
    if (ref_plan_build(&in->model, &o, out, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: %s", in->origin, why.msg);
    return SIM_OK;
}

/* A new step of a phase at pos (a prefill: of n tokens) under the plan
 * options base; NULL with err set if its plan does not build. */
static struct step_spec *spec_new(const struct mdl_input *in, const struct ref_plan_opts *base,
                                  enum ref_phase ph, int64_t n, int64_t pos,
                                  struct sim_err *err)
{
    struct ref_plan *p = NULL;
    if (build_plan(in, base, ph, n, pos, &p, err) != SIM_OK)
        return NULL;
    struct step_spec *sp = sim_xcalloc(1, sizeof *sp);
    *sp = (struct step_spec){p, durations(in, p), ph, pos, p->opts.n_tokens,
                             base->mode != in->plan.mode};
    return sp;
}

/* The step of a phase at pos (a prefill: of n prompt tokens), from the
 * cache or built into it; NULL with err set if its plan does not build. */
static const struct step_spec *step_at(const struct mdl_input *in, struct replay *r,
                                       enum ref_phase ph, int64_t n, int64_t pos,
                                       struct sim_err *err)
{
    struct step_spec **slot = ph == REF_PHASE_PREFILL ? &r->prefill_by_prompt[n]
                                                      : &r->decode_by_pos[pos];
    if (*slot == NULL)
        *slot = spec_new(in, &in->plan, ph, n, pos, err);
    if (*slot != NULL)
        r->max_stages = (*slot)->plan->n_stages > r->max_stages ? (*slot)->plan->n_stages
                                                                 : r->max_stages;
    return *slot;
}

/* A step the phone makes alone after a fallback, device-only: a prefill
 * of its context's n tokens, or a decode step at pos; from the cache or
 * built into it as the run goes. */
static const struct step_spec *alone_step(const struct replay *rp, enum ref_phase ph, int64_t n,
                                          int64_t pos)
{
    struct step_spec **slot = ph == REF_PHASE_PREFILL ? &rp->alone_prefill_by_len[n]
                                                      : &rp->alone_decode_by_pos[pos];
    if (*slot == NULL) {
        struct ref_plan_opts o = rp->in->plan;
        o.mode = REF_MODE_DEVICE_ONLY;
        struct sim_err err = {""};
        *slot = spec_new(rp->in, &o, ph, n, pos, &err);
        SIM_ASSERT(*slot != NULL, "a fallback's plan does not build: %s", err.msg);
        SIM_ASSERT((*slot)->plan->n_stages <= rp->max_stages,
                   "a fallback's plan has more stages than the ring holds");
    }
    return *slot;
}

/* The steps of request q into steps[] (at most its new tokens of them);
 * returns how many: the prefill yields the first token, each later step
 * one, or a speculative pass 1 + the drafts accepted. */
static int64_t request_steps(const struct mdl_input *in, struct replay *r,
                             const struct mdl_request *q, struct step_ref *steps,
                             struct sim_err *err)
{
    const struct step_spec *sp = step_at(in, r, REF_PHASE_PREFILL, q->prompt_tokens, 0, err);
    if (sp == NULL)
        return -1;
    steps[0] = (struct step_ref){sp, 1};
    int64_t n = 1;
    for (int64_t made = 1; made < q->new_tokens; n++) {
        // decode plans differ only in costs that grow with the context
        sp = step_at(in, r, REF_PHASE_DECODE, 1, q->prompt_tokens + made - 1, err);
        if (sp == NULL)
            return -1;
        const int64_t y = r->yield[n - 1] < q->new_tokens - made ? r->yield[n - 1]
                                                                 : q->new_tokens - made;
        steps[n] = (struct step_ref){sp, y};
        made += y;
    }
    return n;
}

static enum sim_status replay_build(const struct mdl_input *in, struct replay *r,
                                    struct sim_err *err)
{
    memset(r, 0, sizeof *r);
    const struct mdl_workload *w = &in->workload;
    r->batch = w->batch;
    mdl_requests_build(in, &r->reqs);
    r->n_prefill = r->reqs.max_prompt_tokens + 1;
    r->n_decode = r->reqs.max_prompt_tokens + r->reqs.max_new_tokens;
    r->prefill_by_prompt = sim_xcalloc((size_t)r->n_prefill, sizeof *r->prefill_by_prompt);
    r->decode_by_pos = sim_xcalloc((size_t)r->n_decode, sizeof *r->decode_by_pos);
    // a speculative pass yields 1 + the draft tokens accepted (i.i.d. with
    // the acceptance chance, seeded): one sequence of passes, which every
    // request replays from its start until its tokens are made
    r->n_yield = r->reqs.max_new_tokens;
    r->yield = sim_xcalloc((size_t)r->n_yield, sizeof *r->yield);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(rng != NULL, "out of memory for the RNG");
    gsl_rng_set(rng, (unsigned long)in->seed);
    for (int64_t i = 0; i < r->n_yield; i++) {
        r->yield[i] = 1;
        while (r->yield[i] <= in->plan.spec_k && gsl_rng_uniform(rng) < in->spec_acceptance)
            r->yield[i]++;
    }
    gsl_rng_free(rng);
    const struct mdl_link *l = &in->link;
    r->lat_s = l->rtt_s.value / 2.0 + (in->backhaul.present ? in->backhaul.latency_s : 0.0);
    r->bw_up_Bps = l->uplink_Bps.value;
    r->bw_down_Bps = l->downlink_Bps.value;
    r->downlink_counted = in->downlink_counted;
    r->overhead_s[REF_EDGE] = in->edge.message_overhead_s.present
                                  ? in->edge.message_overhead_s.value : 0.0;
    r->overhead_s[REF_CLOUD] = in->cloud.message_overhead_s.present
                                   ? in->cloud.message_overhead_s.value : 0.0;
    r->link = &in->link;
    r->backhaul_lat_s = in->backhaul.present ? in->backhaul.latency_s : 0.0;
    if (l->trace_rows != NULL) {
        mdl_link_schedule(l, &r->sched, &r->n_sched, &r->sched_period_s);
        r->sched_min_lat_s = INFINITY;
        for (int64_t k = 0; k < r->n_sched; k++)
            r->sched_min_lat_s = fmin(r->sched_min_lat_s, r->sched[k].rtt_s / 2.0);
        for (int64_t k = 0; k < r->n_sched; k++)
            r->trace_rtt_varies |= r->sched[k].rtt_s / 2.0 != r->sched_min_lat_s;
    }
    r->rto_s = l->rto_s.present ? l->rto_s.value : MDL_DEFAULT_RTO_S;
    const int draws = (l->jitter_s.present && l->jitter_s.value > 0.0) ||
                      (l->loss.present && l->loss.value > 0.0);
    r->net_effects = draws || l->n_outages > 0 || r->trace_rtt_varies;
    r->net_draws = draws;
    r->arrival = w->arrival;
    r->think_s = w->think_s;
    r->slo = in->slo;
    r->spec_k = in->plan.spec_k;
    r->in = in;
    // power models: a side without one is NaN
    const struct mdl_device *e = &in->edge, *c = &in->cloud;
    const int soc = e->idle_power_W.present && e->active_power_W.present;
    r->soc_idle_W = soc ? e->idle_power_W.value : NAN;
    r->soc_active_W = soc ? e->active_power_W.value : NAN;
    r->gpu_active_W = c->active_power_W.present ? c->active_power_W.value : NAN;
    const struct mdl_radio *m = &l->radio;
    r->radio = m->base_W.present && m->up_J_per_B.present && m->down_J_per_B.present &&
                       m->tail_W.present && m->tail_s.present && m->idle_W.present
                   ? m : NULL;
    r->n_epochs = 1;
    r->fallback = l->fallback_device_only;
    if (r->fallback) {
        r->fallback_timeout_s = l->fallback_timeout_s.value;
        for (int k = 0; k < l->n_outages; k++)
            r->n_epochs += l->outages[k].duration_s > r->fallback_timeout_s;
        r->n_alone_prefill = r->n_decode;
        r->alone_prefill_by_len = sim_xcalloc((size_t)r->n_alone_prefill,
                                              sizeof *r->alone_prefill_by_len);
        r->alone_decode_by_pos = sim_xcalloc((size_t)r->n_decode, sizeof *r->alone_decode_by_pos);
        // the ring holds their stages (as many at every length and place)
        struct ref_plan_opts o = in->plan;
        o.mode = REF_MODE_DEVICE_ONLY;
        for (int ph = 0; ph < 2; ph++) {
            struct step_spec *sp = spec_new(in, &o, ph == 0 ? REF_PHASE_PREFILL
                                                            : REF_PHASE_DECODE, 1,
                                            ph == 0 ? 0 : r->reqs.max_prompt_tokens, err);
            if (sp == NULL)
                return SIM_EINVAL;
            r->max_stages = sp->plan->n_stages > r->max_stages ? sp->plan->n_stages
                                                               : r->max_stages;
            spec_free(sp);
        }
    }
    return mdl_input_kv_bytes_per_token(in, REF_CLOUD, &r->kv_token_bytes, err);
}

/* Device d's requests and steps, and where its records go. */
static enum sim_status device_build(const struct mdl_input *in, struct replay *r,
                                    struct device *dev, int64_t d, int64_t *step0,
                                    struct sim_err *err)
{
    const int64_t q0 = r->reqs.first[d], nq = r->reqs.first[d + 1] - q0;
    dev->index = (int)d;
    dev->rp = r;
    dev->req = r->reqs.req + q0;
    dev->n_req = nq;
    dev->req0 = q0;
    dev->req_step0 = sim_xcalloc((size_t)nq + 1, sizeof *dev->req_step0);
    int64_t cap = 0;
    for (int64_t i = 0; i < nq; i++)
        cap += dev->req[i].new_tokens;
    dev->steps = sim_xcalloc((size_t)(cap > 0 ? cap : 1), sizeof *dev->steps);
    for (int64_t i = 0; i < nq; i++) {
        const int64_t n = request_steps(in, r, &dev->req[i], dev->steps + dev->req_step0[i], err);
        if (n < 0)
            return SIM_EINVAL;
        dev->req_step0[i + 1] = dev->req_step0[i] + n;
    }
    dev->n_steps = dev->req_step0[nq];
    dev->step0 = *step0;
    *step0 += dev->n_steps;
    dev->arrival_s = sim_xcalloc((size_t)(nq > 0 ? nq : 1), sizeof *dev->arrival_s);
    if (r->fallback)
        dev->notice = sim_xcalloc((size_t)(nq > 0 ? nq : 1), sizeof *dev->notice);
    dev->cloud_j = sim_xcalloc((size_t)(nq > 0 ? nq : 1), sizeof *dev->cloud_j);
    dev->radio = (struct radio_state){0.0, -INFINITY, -1};
    for (int64_t i = 0; i < nq; i++)
        dev->arrival_s[i] = dev->req[i].arrival_s;
    for (int side = 0; side < 2 && r->net_draws; side++) {
        // a small generator per device and direction, seeded apart from the
        // run's other draws: the same messages get the same delays
        gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
        SIM_ASSERT(g != NULL, "out of memory for the RNG");
        gsl_rng_set(g, (unsigned long)(in->seed * 0x9e3779b97f4a7c15ULL + 2 * (uint64_t)d +
                                       (uint64_t)side + 1));
        dev->link[side].rng = g;
    }
    return SIM_OK;
}

static void devices_free(struct device *devs, int64_t n)
{
    for (int64_t d = 0; d < n; d++) {
        free(devs[d].ring);
        free(devs[d].steps);
        free(devs[d].req_step0);
        free(devs[d].arrival_s);
        free(devs[d].notice);
        free(devs[d].cloud_j);
        free(devs[d].box);
        for (int side = 0; side < 2; side++)
            if (devs[d].link[side].rng != NULL)
                gsl_rng_free(devs[d].link[side].rng);
    }
    free(devs);
}

/* KV-cache bytes request q of dev reserves on its GPU: its batch of
 * sequences at their full context. */
static double request_kv_bytes(const struct device *dev, const struct mdl_request *q)
{
    const struct replay *r = dev->rp;
    const int64_t context = q->prompt_tokens + q->new_tokens - 1 + r->spec_k;
    return r->kv_token_bytes * ((double)r->batch * (double)context);
}

// ---- actors ----

/* One actor's view: which device, which side. */
struct actor_arg {
    struct device *dev;
    const struct device *dev0; /* the first device, whose edge reports progress */
    enum ref_place side;
};

/* Scratch of one actor's walk over a step. */
struct walk {
    int device;       /* the device walked for, for the log */
    int step;         /* the step walked */
    int admitted;     /* cloud: the request holds its KV cache */
    double kv_bytes;  /* the KV cache the request walked reserves */
    const struct ref_plan *p;
    const struct step_spec *spec; /* the step's, when the walk began */
    struct device *dev;
    int64_t req;      /* the request walked, of the device */
    int64_t K;        /* the device's step walked, over its requests */
    enum ref_place side; /* the side walking */
    sg_comm_t *recv;  /* per stage: posted receive */
    void **data;      /* per stage: received payload */
    uint8_t *pending; /* per stage: receive posted, not yet waited */
    int abandoned;    /* the step was given up: the phone went on alone */
    double began_s;   /* edge: when it began the step */
    double stall_s;   /* edge: the time an abandoned step cost, to show on the next stage */
    struct stage_time scratch; /* where stage times of a step given up go */
};

/* Stage i's times in the walk's step (looked up anew after each yield:
 * the other side may have widened the ring meanwhile). Once the phone
 * has taken the step over alone, the cloud's late work on it is not the
 * step's: it goes to scratch. */
static struct stage_time *times(struct walk *w, int i)
{
    if (w->dev->steps[w->K].spec != w->spec)
        return &w->scratch;
    return &rec_times(w->dev, w->K)[i];
}

/* The mailbox a side uses for a message of stage s. */
static sg_mailbox_t box_of(const struct device *dev, enum ref_place side,
                           const struct ref_stage *s)
{
    return dev->box[dev->epoch[side]][s->place == REF_LINK_UP ? 0 : 1];
}

// ---- a fallback: the phone goes on alone ----

/* When a phone that waits for a message from now gives up on the link:
 * fallback_timeout_s into an outage long enough for it (nothing arrives
 * during an outage), or now if that moment has passed in the outage;
 * INFINITY if no outage comes. */
static double fallback_deadline(const struct replay *rp, double now)
{
    const struct mdl_link *l = rp->link;
    for (int k = 0; k < l->n_outages; k++) {
        const struct mdl_outage *o = &l->outages[k];
        if (o->duration_s > rp->fallback_timeout_s && now < o->start_s + o->duration_s)
            return fmax(now, o->start_s + rp->fallback_timeout_s);
    }
    return INFINITY;
}

/* Gives up the receives still posted: a message already there is
 * dropped, a receive not yet matched is withdrawn. */
static void drop_receives(struct walk *w)
{
    for (int i = 0; i < w->p->n_stages; i++)
        if (w->pending[i]) {
            sg_comm_wait_for(w->recv[i], 0.0); // adopts and releases the comm's reference
            w->pending[i] = 0;
        }
}

/* The phone makes steps [K, end) of request r alone, device-only: the
 * first a prefill of its whole context so far (its local model has no KV
 * cache of it), then decode steps; the cloud hears of it by a notice over
 * the link. With moved_on, the phone leaves the messages of an abandoned
 * step behind on mailboxes it will not read again. */
static void go_alone(struct device *dev, int64_t r, int64_t K, int moved_on)
{
    const struct replay *rp = dev->rp;
    const struct step_spec *sp = dev->steps[K].spec;
    dev->steps[K].spec = alone_step(rp, REF_PHASE_PREFILL, sp->pos + sp->n_tokens, 0);
    for (int64_t j = K + 1; j < dev->req_step0[r + 1]; j++)
        dev->steps[j].spec = alone_step(rp, REF_PHASE_DECODE, 1, dev->steps[j].spec->pos);
    memset(rec_times(dev, K), 0, (size_t)rp->max_stages * sizeof(struct stage_time));
    const int e = dev->epoch[REF_EDGE];
    SIM_ASSERT(!moved_on || e + 1 < rp->n_epochs, "device %d fell back more often than its "
               "outages allow", dev->index);
    dev->notice[r] = (struct fallback_notice){r, simgrid_get_clock(), e + moved_on};
    sg_comm_t c = sg_mailbox_put_init(dev->box[e][0], &dev->notice[r], 0);
    sg_comm_detach(c, NULL);
    dev->epoch[REF_EDGE] = e + moved_on;
    dev->fallbacks++;
}

/* The edge gives up the step it walks now: the silence has lasted the
 * timeout in an outage. */
static void fall_back(struct walk *w)
{
    struct device *dev = w->dev;
    drop_receives(w);
    const double now = simgrid_get_clock();
    for (int k = 0; k < dev->rp->link->n_outages; k++) { // it holds until this outage ends
        const struct mdl_outage *o = &dev->rp->link->outages[k];
        if (now >= o->start_s && now < o->start_s + o->duration_s)
            dev->alone_until_s = o->start_s + o->duration_s;
    }
    go_alone(dev, w->req, w->K, 1);
    w->stall_s = now - w->began_s;
    w->abandoned = 1;
}

/* The cloud has the phone's notice, in place of the message of stage j:
 * once the link brings it, the cloud moves to the phone's mailboxes and
 * gives up the request (the phone makes it alone). Returns 1 when the
 * notice is of a request the cloud had already finished: it waits on for
 * its stages on the new mailboxes. */
static int take_notice(struct walk *w, int j)
{
    struct device *dev = w->dev;
    const struct fallback_notice *nt = w->data[j];
    struct stage_time held = {0};
    // zero bytes: the network delivered it the links' latency after it left
    const struct replay *rp = dev->rp;
    const double lat_s = rp->sched != NULL ? rp->sched_min_lat_s + rp->backhaul_lat_s : rp->lat_s;
    const double t = net_delivery(dev, &dev->link[REF_CLOUD], nt->sent_s, nt->sent_s + lat_s,
                                  &held);
    const double now = simgrid_get_clock();
    if (t > now)
        sg_actor_sleep_for(t - now);
    dev->epoch[REF_CLOUD] = nt->epoch;
    w->pending[j] = 0;
    const int stale = nt->req != w->req;
    if (!stale) {
        drop_receives(w);
        w->abandoned = 1;
        return 0;
    }
    for (int i = 0; i < w->p->n_stages; i++) // posted on the old mailbox: again, in order
        if (w->pending[i] || i == j) {
            if (i != j)
                sg_comm_wait_for(w->recv[i], 0.0);
            w->recv[i] = sg_mailbox_get_async(box_of(dev, REF_CLOUD, &w->p->stages[i]),
                                              &w->data[i]);
            w->pending[i] = 1;
        }
    return 1;
}

/* A payload that is a phone's notice, not a stage. */
static int is_notice(const struct device *dev, const void *data)
{
    const uintptr_t p = (uintptr_t)data, first = (uintptr_t)dev->notice;
    return dev->notice != NULL && p >= first &&
           p < first + (uintptr_t)dev->n_req * sizeof *dev->notice;
}

/* Waits for the message of stage j. Returns 0 if it came; 1 if the walk
 * gave the step up meanwhile (a fallback). */
static int await(struct walk *w, int j)
{
    struct device *dev = w->dev;
    const struct replay *rp = dev->rp;
    for (;;) {
        const double now = simgrid_get_clock();
        const double deadline = rp->fallback && w->side == REF_EDGE ? fallback_deadline(rp, now)
                                                                    : INFINITY;
        if (!isfinite(deadline)) {
            sg_comm_wait(w->recv[j]); // adopts and releases the comm's reference
        } else if (sg_comm_wait_for(w->recv[j], deadline - now) != SG_OK) {
            w->pending[j] = 0;
            fall_back(w);
            return 1;
        }
        if (rp->fallback && w->side == REF_CLOUD && is_notice(dev, w->data[j])) {
            if (take_notice(w, j))
                continue;
            return 1;
        }
        return 0;
    }
}

static void finish_recv(struct walk *w, int j)
{
    if (await(w, j))
        return;
    struct device *dev = w->dev;
    if (dev->rp->net_effects) {
        struct stage_time *st = times(w, j);
        const enum ref_place sender = w->side == REF_EDGE ? REF_CLOUD : REF_EDGE;
        const double t = net_delivery(dev, &dev->link[w->side],
                                      st->start + dev->rp->overhead_s[sender],
                                      simgrid_get_clock(), st);
        const double deadline = dev->rp->fallback && w->side == REF_EDGE
                                    ? fallback_deadline(dev->rp, simgrid_get_clock())
                                    : INFINITY;
        const double wake = fmin(t, deadline);
        const double now = simgrid_get_clock();
        if (wake > now)
            sg_actor_sleep_for(wake - now);
        if (t > deadline) { // the link returns too late: the phone goes on alone
            w->pending[j] = 0;
            fall_back(w);
            return;
        }
    }
    const double overhead_s = w->dev->rp->overhead_s[w->side];
    if (overhead_s > 0.0) // the receiver's software handles it
        sg_actor_sleep_for(overhead_s);
    times(w, j)->end = simgrid_get_clock();
    w->pending[j] = 0;
    const struct ref_stage *s = &w->p->stages[j];
    SIM_ASSERT(w->data[j] == s, "message %s matched the wrong stage", ref_op_name(s->op));
    XBT_DEBUG("device %d step %d %-11s %-5s layer %3lld %9lld B  %.9f -> %.9f", w->device,
              w->step, ref_op_name(s->op), ref_place_name(s->place), (long long)s->layer,
              (long long)s->msg_bytes, times(w, j)->start, times(w, j)->end);
}

static void wait_deps(struct walk *w, int i)
{
    const struct ref_stage *s = &w->p->stages[i];
    for (int k = 0; k < s->n_deps && !w->abandoned; k++)
        if (w->pending[s->deps[k]])
            finish_recv(w, s->deps[k]);
}

/* A cloud compute stage: the device's GPU runs it in a batch; the
 * request reserves its KV cache before its first one. */
static void serve(struct device *dev, struct walk *w, int i, double dur_s)
{
    if (!w->admitted) {
        if (w->kv_bytes > 0.0)
            srv_admit(dev->srv, w->kv_bytes, dev->sem);
        w->admitted = 1;
    }
    if (!(dur_s > 0.0)) {
        times(w, i)->start = times(w, i)->end = simgrid_get_clock();
        return;
    }
    struct srv_job job = {.stage = &w->p->stages[i], .seqs = dev->rp->batch, .done = dev->sem};
    srv_run(dev->srv, &job);
    times(w, i)->start = job.start_s;
    times(w, i)->end = job.end_s;
    // the board's power over the batch, shared among its sequences
    dev->cloud_j[w->req] += dev->rp->gpu_active_W * (job.end_s - job.start_s) *
                            (double)job.seqs / (double)job.batch_seqs;
}

/* Walks one step's plan for one side: step K of the device over its
 * requests, step k of its request. */
static void walk_step(struct device *dev, enum ref_place side, int64_t K, int k, struct walk *w)
{
    const struct step_spec *sp = dev->steps[K].spec;
    w->step = k;
    w->p = sp->plan;
    w->spec = sp;
    w->K = K;
    w->began_s = simgrid_get_clock();
    rec_reserve(dev, K);
    memset(w->pending, 0, (size_t)w->p->n_stages);
    for (int i = 0; i < w->p->n_stages && !w->abandoned; i++) {
        const struct ref_stage *s = &w->p->stages[i];
        if (s->kind == REF_STAGE_COMPUTE) {
            if (s->place != side)
                continue;
            wait_deps(w, i);
            if (w->abandoned)
                break;
            if (side == REF_CLOUD) {
                serve(dev, w, i, sp->dur_s[i]);
            } else {
                times(w, i)->start = simgrid_get_clock();
                // the time the step given up for it cost shows here, as outage
                times(w, i)->outage_s = w->stall_s;
                w->stall_s = 0.0;
                if (sp->dur_s[i] > 0.0)
                    sg_actor_execute(sp->dur_s[i] * SIM_HOST_SPEED);
                times(w, i)->end = simgrid_get_clock();
            }
            XBT_DEBUG("device %d step %d %-11s %-5s layer %3lld %14s %.9f -> %.9f", w->device,
                      k, ref_op_name(s->op), ref_place_name(s->place), (long long)s->layer, "",
                      times(w, i)->start, times(w, i)->end);
            continue;
        }
        const enum ref_place sender = s->place == REF_LINK_UP ? REF_EDGE : REF_CLOUD;
        const sg_mailbox_t mb = box_of(dev, side, s);
        if (sender == side) {
            wait_deps(w, i);
            if (w->abandoned)
                break;
            times(w, i)->start = simgrid_get_clock();
            if (dev->rp->overhead_s[side] > 0.0) // the sender's software prepares it
                sg_actor_sleep_for(dev->rp->overhead_s[side]);
            // the payload is the stage itself, borrowed: nobody frees it; with
            // the downlink not counted, a downlink message costs latency only
            const long bytes = s->place == REF_LINK_DOWN && !dev->rp->downlink_counted
                                   ? 0 : (long)s->msg_bytes;
            sg_comm_t c = sg_mailbox_put_init(mb, (void *)(uintptr_t)s, bytes);
            sg_comm_detach(c, NULL); // starts it; nobody waits for a send
        } else {
            w->recv[i] = sg_mailbox_get_async(mb, &w->data[i]);
            w->pending[i] = 1;
        }
    }
    for (int i = 0; i < w->p->n_stages && !w->abandoned; i++)
        if (w->pending[i])
            finish_recv(w, i);
    if (!w->abandoned)
        rec_walked(dev, side, K);
}


/* Device 0's edge reports its steps: done/total, elapsed, ETA. */
static void report_progress(const struct device *dev, int64_t done)
{
    const double el = sim_now_s() - dev->rp->wall0_s;
    if (el < 1.0)
        return;
    const int64_t total = dev->n_steps;
    fprintf(stderr, "\rrun: step %lld/%lld done, %.1f s elapsed, ETA %.1f s   ",
            (long long)done, (long long)total, el, el / (double)done * (double)(total - done));
    if (done == total)
        fprintf(stderr, "\r%*s\r", 60, "");
}

static void actor_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct actor_arg *a = sg_actor_self_get_data();
    const int n = a->dev->rp->max_stages;
    // Permanent receiver of the inbound mailbox: a send starts at once, as
    // the network pushes bytes whether or not the peer already waits (a
    // plain mailbox is a rendezvous and would hold the transfer back).
    for (int e = 0; e < a->dev->rp->n_epochs; e++)
        sg_mailbox_set_receiver(sg_mailbox_get_name(a->dev->box[e][a->side == REF_EDGE]));
    struct walk w = {
        .device = a->dev->index,
        .dev = a->dev,
        .side = a->side,
        .recv = sim_xcalloc((size_t)n, sizeof(sg_comm_t)),
        .data = sim_xcalloc((size_t)n, sizeof(void *)),
        .pending = sim_xcalloc((size_t)n, 1),
    };
    const struct replay *rp = a->dev->rp;
    const int reporter = rp->progress && a->side == REF_EDGE && a->dev == a->dev0;
    struct device *dev = a->dev;
    for (int64_t r = 0; r < dev->n_req; r++) {
        if (a->side == REF_EDGE) {
            // the request arrives; a device busy with its previous one
            // starts it when that one ends (its wait is in its TTFT)
            const double now = simgrid_get_clock();
            double *arr = &dev->arrival_s[r];
            if (rp->arrival == MDL_ARRIVAL_AT_START)
                *arr = r == 0 ? 0.0 : now + rp->think_s;
            if (*arr > now)
                sg_actor_sleep_for(*arr - now);
        }
        w.kv_bytes = request_kv_bytes(dev, &dev->req[r]);
        w.req = r;
        // a phone that fell back in an outage not yet over makes the
        // request alone from its start
        if (a->side == REF_EDGE && simgrid_get_clock() < dev->alone_until_s)
            go_alone(dev, r, dev->req_step0[r], 0);
        for (int64_t K = dev->req_step0[r]; K < dev->req_step0[r + 1]; K++) {
            walk_step(dev, a->side, K, (int)(K - dev->req_step0[r]), &w);
            if (w.abandoned) { // the step again, as the phone makes it alone
                w.abandoned = 0;
                K--;
                continue;
            }
            if (reporter)
                report_progress(dev, K + 1);
        }
        if (a->side == REF_CLOUD && w.admitted) {
            if (w.kv_bytes > 0.0)
                srv_release(dev->srv, w.kv_bytes);
            w.admitted = 0;
        }
    }
    free(w.recv);
    free(w.data);
    free(w.pending);
    a->dev->finished++;
}

// ---- the run, in the child ----

/* The servers' statistics into the summary. */
static void summarise_servers(struct server *const *srv, int64_t n_gpu, struct sim_summary *sm)
{
    int64_t batches = 0, seqs = 0;
    double busy = 0.0, waits = 0.0;
    for (int64_t g = 0; g < n_gpu; g++) {
        const struct srv_stats *st = srv_stats(srv[g]);
        batches += st->batches;
        seqs += st->sequences;
        busy += st->busy_s;
        sm->max_batch_sequences = st->max_sequences > sm->max_batch_sequences
                                      ? st->max_sequences : sm->max_batch_sequences;
        sm->kv_peak_bytes = fmax(sm->kv_peak_bytes, st->peak_kv_bytes);
        sm->admission_waits += st->admission_waits;
        waits += st->admission_wait_s;
    }
    sm->gpu_utilization = sm->makespan_s > 0.0 ? busy / ((double)n_gpu * sm->makespan_s) : 0.0;
    sm->mean_batch_sequences = batches > 0 ? (double)seqs / (double)batches : 0.0;
    sm->admission_wait_s = sm->admission_waits > 0 ? waits / (double)sm->admission_waits : 0.0;
}

/* True when the user's --cfg arguments already set name. */
static int user_sets(const struct sim_run_opts *o, const char *name)
{
    char prefix[96];
    snprintf(prefix, sizeof prefix, "--cfg=%s:", name);
    for (int i = 0; i < o->n_cfg; i++)
        if (strncmp(o->cfg[i], prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

const char *sim_run_network_model(const struct sim_run_opts *o, char *buf, size_t cap)
{
    const char *model = "CM02";
    for (int i = 0; i < o->n_cfg; i++)
        if (strncmp(o->cfg[i], "--cfg=network/model:", 20) == 0)
            model = o->cfg[i] + 20;
    snprintf(buf, cap, "%s%s%s", model,
             user_sets(o, "network/crosstraffic") ? "" : ", cross-traffic off",
             user_sets(o, "network/TCP-gamma") ? "" : ", TCP-gamma 1e30 (no window limit)");
    return buf;
}

/* Initialises SimGrid: our pinned model first, the user's --cfg after
 * (later settings win), SimGrid's informational chatter off. */
static void engine_init(const struct sim_run_opts *o)
{
    static char args[8 + SIM_MAX_CFG][256]; // simgrid_init may keep argv
    char *argv[8 + SIM_MAX_CFG];
    const char *src[8 + SIM_MAX_CFG] = {
        "plsim", "--log=root.thresh:warning", "--cfg=network/model:CM02",
        "--cfg=network/crosstraffic:0", "--cfg=network/TCP-gamma:1e30",
    };
    int argc = 5;
    if (context_cfg != NULL)
        src[argc++] = context_cfg;
    for (int i = 0; i < o->n_cfg; i++)
        src[argc++] = o->cfg[i];
    for (int i = 0; i < argc; i++) {
        snprintf(args[i], sizeof args[i], "%s", src[i]);
        argv[i] = args[i];
    }
    argv[argc] = NULL;
    simgrid_init(&argc, argv);
}

/* The devices a trace holds: [*first, *end). */
static void traced_devices(const struct sim_run_opts *o, int64_t n_dev, int64_t *first,
                           int64_t *end)
{
    *first = o->trace_first < n_dev ? o->trace_first : n_dev;
    *end = o->trace_count > 0 && o->trace_count < n_dev - *first ? *first + o->trace_count
                                                                 : n_dev;
}

/* The ring every device starts with: the steps a device has in flight
 * when its two sides walk in step (rec_reserve widens it when one leads). */
#define RING_STEPS MDL_RECORD_RING_STEPS

static enum sim_status simulate(const struct mdl_input *in, const struct sim_run_opts *o,
                                int temporary, const char *spool, struct sim_result *out,
                                struct sim_err *err)
{
    struct replay rp;
    enum sim_status st = replay_build(in, &rp, err);
    const struct mdl_workload *w = &in->workload;
    const int64_t n_dev = w->devices, n_gpu = in->cloud_gpus;
    const struct mdl_cell *cell = &in->cell;
    // each GPU's and phone's whole-run energy comes from SimGrid's host
    // energy plugin (a host without a power model draws 0 there)
    const int gpu_power = in->cloud.idle_power_W.present && in->cloud.active_power_W.present &&
                          in->cloud.active_power_W.value > 0.0;
    const int soc_power = !isnan(rp.soc_idle_W);
    const struct sim_platform_spec ps = {
        .n_edges = n_dev,
        .n_gpus = n_gpu,
        .uplink_Bps = rp.bw_up_Bps,
        .downlink_Bps = rp.bw_down_Bps,
        .latency_s = rp.sched != NULL ? rp.sched_min_lat_s : in->link.rtt_s.value / 2.0,
        .n_cells = cell->present ? cell->count : 1,
        .cell_up_Bps = cell->present ? cell->uplink_Bps.value : 0.0,
        .cell_down_Bps = cell->present ? cell->downlink_Bps.value : 0.0,
        .backhaul_Bps = in->backhaul.present ? in->backhaul.bandwidth_Bps : 0.0,
        .backhaul_latency_s = in->backhaul.present ? in->backhaul.latency_s : 0.0,
        .power = gpu_power || soc_power,
        .gpu_idle_W = gpu_power ? in->cloud.idle_power_W.value : 0.0,
        .gpu_active_W = gpu_power ? in->cloud.active_power_W.value : 0.0,
        .edge_idle_W = isnan(rp.soc_idle_W) ? 0.0 : rp.soc_idle_W,
        .edge_active_W = isnan(rp.soc_active_W) ? 0.0 : rp.soc_active_W,
    };
    // every device's requests and steps, their plans built before the
    // engine starts
    struct device *devs = sim_xcalloc((size_t)n_dev, sizeof *devs);
    int64_t n_steps = 0;
    for (int64_t d = 0; d < n_dev && st == SIM_OK; d++)
        st = device_build(in, &rp, &devs[d], d, &n_steps, err);
    const char *platform = o->platform_path;
    if (st == SIM_OK)
        st = sim_platform_write(&ps, platform, err);
    if (st != SIM_OK) {
        devices_free(devs, n_dev);
        replay_free(&rp);
        return st;
    }
    rp.progress = o->progress;
    rp.wall0_s = sim_now_s();
    engine_init(o);
    if (gpu_power || soc_power)
        sg_host_energy_plugin_init();
    simgrid_load_platform(platform);
    if (temporary) // the parent named it for this run alone
        remove(platform);
    // each GPU holds the cloud's weights; what is left holds KV caches
    double kv_capacity_bytes = INFINITY, weights_bytes = 0.0;
    if (in->cloud.mem_capacity_bytes.present &&
        mdl_input_weight_bytes(in, REF_CLOUD, &weights_bytes, err) == SIM_OK)
        kv_capacity_bytes = in->cloud.mem_capacity_bytes.value - weights_bytes;
    struct server **srv = sim_xcalloc((size_t)n_gpu, sizeof *srv);
    for (int64_t g = 0; g < n_gpu; g++) {
        char host[64];
        snprintf(host, sizeof host, "gpu%lld", (long long)g);
        srv[g] = srv_start(sg_host_by_name(host), (int)g, &in->cost[REF_CLOUD], &in->serving,
                           kv_capacity_bytes);
        srv_set_clients(srv[g], n_dev / n_gpu + (g < n_dev % n_gpu)); // dealt in turn
    }
    struct recorder rec;
    int64_t first = 0, end = 0;
    traced_devices(o, n_dev, &first, &end);
    st = rec_init(&rec, &rp, n_dev, n_steps, first, end, o->trace ? spool : NULL, out, err);
    struct actor_arg *args = sim_xcalloc((size_t)(2 * n_dev), sizeof *args);
    for (int64_t d = 0; d < n_dev; d++) {
        char name[64];
        devs[d].rec = &rec;
        devs[d].srv = srv[d % n_gpu];
        devs[d].sem = sg_sem_init(0);
        devs[d].ring_steps = RING_STEPS;
        devs[d].ring = sim_xcalloc((size_t)RING_STEPS * (size_t)rp.max_stages,
                                   sizeof *devs[d].ring);
        devs[d].box = sim_xcalloc((size_t)rp.n_epochs, sizeof *devs[d].box);
        for (int e = 0; e < rp.n_epochs; e++)
            for (int dir = 0; dir < 2; dir++) {
                if (e == 0)
                    snprintf(name, sizeof name, "%s%lld", dir ? "down" : "up", (long long)d);
                else
                    snprintf(name, sizeof name, "%s%lld.%d", dir ? "down" : "up",
                             (long long)d, e);
                devs[d].box[e][dir] = sg_mailbox_by_name(name);
            }
        for (int side = 0; side < 2; side++) {
            char host[64];
            if (side == REF_EDGE)
                snprintf(host, sizeof host, "edge%lld", (long long)d);
            else
                snprintf(host, sizeof host, "gpu%lld", (long long)(d % n_gpu));
            args[2 * d + side] = (struct actor_arg){&devs[d], &devs[0], (enum ref_place)side};
            snprintf(name, sizeof name, "%s%lld", side == REF_EDGE ? "edge" : "cloud",
                     (long long)d);
            sg_actor_t a = sg_actor_init(name, sg_host_by_name(host));
            sg_actor_set_data(a, &args[2 * d + side]);
            sg_actor_start(a, actor_main, 0, NULL);
        }
    }
    struct net_driver drv = {.rp = &rp, .n_dev = n_dev};
    if (st == SIM_OK)
        net_driver_start(&drv);
    if (st == SIM_OK)
        simgrid_run();
    net_driver_free(&drv);
    for (int64_t d = 0; d < n_dev && st == SIM_OK; d++)
        if (devs[d].finished != 2) // SimGrid reports a deadlock and returns
            st = sim_err_set(err, SIM_EIO, "%s: the engine stopped before device %lld finished "
                             "its steps (a deadlock)", in->origin, (long long)d);
    if (st == SIM_OK)
        st = rec_finish(&rec, in->plan.mode, err);
    if (st == SIM_OK) {
        summarise_servers(srv, n_gpu, &out->summary);
        for (int64_t d = 0; d < n_dev; d++) {
            out->summary.retransmissions += devs[d].retransmissions;
            out->summary.retransmit_s += devs[d].retransmit_s;
            out->summary.outage_messages += devs[d].outage_messages;
            out->summary.outage_s += devs[d].outage_s;
            out->summary.fallbacks += devs[d].fallbacks;
        }
        // a mode that runs nothing in the cloud rents no GPU
        const int cloud_used = mdl_input_uses_side(in, REF_CLOUD);
        out->summary.cloud_energy_j = cloud_used ? NAN : 0.0;
        if (gpu_power && cloud_used) {
            out->summary.cloud_energy_j = 0.0;
            sg_host_energy_update_all();
            for (int64_t g = 0; g < n_gpu; g++) {
                char host[64];
                snprintf(host, sizeof host, "gpu%lld", (long long)g);
                out->summary.cloud_energy_j += sg_host_get_consumed_energy(sg_host_by_name(host));
            }
        }
        out->summary.edge_energy_j = NAN;
        if (soc_power) {
            sg_host_energy_update_all();
            out->summary.edge_energy_j = 0.0;
            for (int64_t d = 0; d < n_dev; d++) {
                char host[64];
                snprintf(host, sizeof host, "edge%lld", (long long)d);
                out->summary.edge_energy_j += sg_host_get_consumed_energy(sg_host_by_name(host));
            }
        }
        energy_summary(&rp, n_gpu, !cloud_used ? 0.0
                                   : in->cloud.price_usd_per_s.present
                                       ? in->cloud.price_usd_per_s.value : NAN,
                       in->edge.battery_J.present ? in->edge.battery_J.value : NAN, out);
        out->summary.wall_s = sim_now_s() - rp.wall0_s; // a wall clock, not CPU time
    }
    rec_free(&rec);
    for (int64_t d = 0; d < n_dev; d++)
        sg_sem_destroy(devs[d].sem);
    devices_free(devs, n_dev);
    for (int64_t g = 0; g < n_gpu; g++)
        srv_free(srv[g]);
    free(srv);
    free(args);
    replay_free(&rp);
    return st;
}

// ---- the fork ----

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n > 0) {
        const ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Child side: simulate, then send status, message and result. */
static _Noreturn void child(const struct mdl_input *in, const struct sim_run_opts *o,
                            int temporary, const char *spool, int fd)
{
    struct sim_result r;
    memset(&r, 0, sizeof r);
    struct sim_err err = {""};
    const int32_t st = (int32_t)simulate(in, o, temporary, spool, &r, &err);
    int bad = write_all(fd, &st, sizeof st) || write_all(fd, &err, sizeof err);
    if (st == SIM_OK)
        bad = bad || write_all(fd, &r.summary, sizeof r.summary) ||
              write_all(fd, &r.n_steps, sizeof r.n_steps) ||
              write_all(fd, r.steps, (size_t)r.n_steps * sizeof *r.steps) ||
              write_all(fd, &r.n_requests, sizeof r.n_requests) ||
              write_all(fd, r.requests, (size_t)r.n_requests * sizeof *r.requests) ||
              write_all(fd, &r.n_events, sizeof r.n_events);
    sim_result_free(&r);
    close(fd);
    _exit(bad ? 3 : 0);
}

/* SIM_EINVAL when SimGrid refuses the user's --cfg or --log arguments:
 * a probe process initialises the engine with them, quietly, so that a
 * bad name is one error line instead of the engine's stack trace. */
enum sim_status sim_run_check_opts(const struct sim_run_opts *o, struct sim_err *err)
{
    if (o->n_cfg == 0)
        return SIM_OK;
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0)
        return sim_err_set(err, SIM_EIO, "fork: %s", strerror(errno));
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        engine_init(o);
        _exit(0);
    }
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
        return SIM_OK;
    char list[1024] = "";
    for (int i = 0; i < o->n_cfg; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " " : "",
                 o->cfg[i]);
    return sim_err_set(err, SIM_EINVAL, "SimGrid refused the settings %s (an unknown name or a "
                       "bad value; `--cfg=help` lists them)", list);
}

enum sim_status sim_run_start(const struct mdl_input *in, const struct sim_run_opts *o,
                              struct sim_job *job, struct sim_err *err)
{
    const enum sim_status args = sim_run_check_opts(o, err);
    if (args != SIM_OK)
        return args;
    // what validate accepts is what runs: the same check
    const enum sim_status chk = mdl_input_check(in, err);
    if (chk != SIM_OK)
        return chk;
    // a trace streams its events to a spool file as the run goes, then
    // to JSON text: bounded on the JSON's size, at a quarter of the
    // records' bound
    if (o->trace && o->trace_first >= in->workload.devices)
        return sim_err_set(err, SIM_EINVAL, "--trace-devices: device %lld does not exist (the "
                           "scenario has %lld, from 0)", (long long)o->trace_first,
                           (long long)in->workload.devices);
    struct mdl_estimate e;
    int64_t first = 0, end = 0;
    traced_devices(o, in->workload.devices, &first, &end);
    const double share = (double)(end - first) / (double)in->workload.devices;
    if (o->trace && mdl_input_estimate(in, &e, err) == SIM_OK &&
        share * e.stages * SIM_TRACE_BYTES_PER_EVENT > MDL_MAX_RECORD_BYTES / 4)
        return sim_err_set(err, SIM_EINVAL, "%s: a trace of %.3g stages would write about %.1f GB "
                           "of JSON, above plsim's %.0f GB bound; trace fewer devices "
                           "(--trace-devices) or tokens", in->origin, share * e.stages,
                           share * e.stages * SIM_TRACE_BYTES_PER_EVENT / 1e9,
                           MDL_MAX_RECORD_BYTES / 4e9);
    // no platform path asked for: a file in the parent's private folder,
    // named for this run alone and removed by the child once loaded; the
    // same for the trace's spool, which the result owns
    static unsigned serial;
    const char *tmp = sim_tmpdir() != NULL ? sim_tmpdir() : "/tmp";
    struct sim_run_opts co = *o;
    char own[400];
    if (o->platform_path == NULL) {
        snprintf(own, sizeof own, "%s/platform-%ld-%u.xml", tmp, (long)getpid(), serial++);
        co.platform_path = own;
    }
    job->spool[0] = '\0';
    if (o->trace)
        snprintf(job->spool, sizeof job->spool, "%s/events-%ld-%u.bin", tmp, (long)getpid(),
                 serial++);
    int pid = 0, fd = -1;
    const enum sim_status forked = sim_fork_with_pipe(&pid, &fd, err);
    if (forked != SIM_OK)
        return forked;
    if (pid == 0)
        child(in, &co, o->platform_path == NULL, o->trace ? job->spool : NULL, fd);
    job->pid = pid;
    job->fd = fd;
    return SIM_OK;
}

enum sim_status sim_run_finish(struct sim_job *job, struct sim_result *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    int32_t st = SIM_EIO;
    struct sim_err cerr;
    int bad = read_all(job->fd, &st, sizeof st) || read_all(job->fd, &cerr, sizeof cerr);
    if (!bad && st == SIM_OK) {
        bad = read_all(job->fd, &out->summary, sizeof out->summary) ||
              read_all(job->fd, &out->n_steps, sizeof out->n_steps);
        if (!bad) {
            out->steps = sim_xcalloc((size_t)out->n_steps, sizeof *out->steps);
            bad = read_all(job->fd, out->steps, (size_t)out->n_steps * sizeof *out->steps) ||
                  read_all(job->fd, &out->n_requests, sizeof out->n_requests);
        }
        if (!bad) {
            out->requests = sim_xcalloc((size_t)out->n_requests, sizeof *out->requests);
            bad = read_all(job->fd, out->requests,
                           (size_t)out->n_requests * sizeof *out->requests) ||
                  read_all(job->fd, &out->n_events, sizeof out->n_events);
        }
    }
    // the spool is the result's (removed with it) if the run succeeded
    if (!bad && st == SIM_OK && out->n_events > 0)
        snprintf(out->events_path, sizeof out->events_path, "%s", job->spool);
    else if (job->spool[0] != '\0')
        remove(job->spool);
    close(job->fd);
    int wstatus = 0;
    waitpid((pid_t)job->pid, &wstatus, 0);
    if (bad || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        sim_result_free(out);
        return sim_err_set(err, SIM_EIO, "the simulation process failed (%s)",
                           WIFSIGNALED(wstatus) ? strsignal(WTERMSIG(wstatus)) : "no result");
    }
    if (st != SIM_OK) {
        *err = cerr;
        return (enum sim_status)st;
    }
    return SIM_OK;
}

enum sim_status sim_run(const struct mdl_input *in, const struct sim_run_opts *o,
                        struct sim_result *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    struct sim_job job;
    const enum sim_status st = sim_run_start(in, o, &job, err);
    return st != SIM_OK ? st : sim_run_finish(&job, out, err);
}

