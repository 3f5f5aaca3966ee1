/*
 * sim/record: stage times into step records, request records, the
 * critical-path breakdown and the summary, as the run goes. See
 * replay.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/energy.h"
#include "sim/replay.h"
#include "util/cleanup.h"

// ---- the ring of steps in flight ----

void rec_reserve(struct device *dev, int64_t K)
{
    // kept: the step before the oldest not yet recorded (its neighbour)
    // up to K; a side that leads the other (a pipelined decode) widens it
    const int64_t oldest = dev->recorded > 0 ? dev->recorded - 1 : 0;
    if (K - oldest < dev->ring_steps)
        return;
    int64_t cap = dev->ring_steps;
    while (K - oldest >= cap)
        cap *= 2;
    const size_t ms = (size_t)dev->rp->max_stages;
    struct stage_time *ring = sim_xcalloc((size_t)cap * ms, sizeof *ring);
    // K is the newest step any side has begun (the other side's newest
    // fitted the old ring), so [oldest, K) is all there is to keep
    for (int64_t j = oldest; j < K; j++)
        memcpy(ring + (size_t)(j & (cap - 1)) * ms, rec_times(dev, j), ms * sizeof *ring);
    free(dev->ring);
    dev->ring = ring;
    dev->ring_steps = cap;
}

// ---- the breakdown of one step ----

/* Causes of time, in priority order: an instant when several activities
 * of a device overlap counts for the first of them. So latency that
 * overlaps compute (a pipelined cloud-only decode, an overlapped base
 * projection) is never blamed; the parts add up to the step's time. */
enum cause { C_CLOUD, C_EDGE, C_OVER, C_UP, C_DOWN, C_LAT, C_RTX, C_OUT, C_WAIT, C_COUNT };

struct edge_ev {
    double t;
    int cause;
    int delta; /* +1 an activity starts, -1 it ends */
};

static int ev_cmp(const void *a, const void *b)
{
    const struct edge_ev *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* Adds the activity [a, b] clipped to [lo, hi]. */
static void add_span(struct recorder *rc, int *n, int cause, double a, double b, double lo,
                     double hi)
{
    a = fmax(a, lo);
    b = fmin(b, hi);
    if (!(b > a))
        return;
    SIM_ASSERT(*n + 2 <= rc->ev_cap, "breakdown scratch too small");
    rc->ev[(*n)++] = (struct edge_ev){a, cause, +1};
    rc->ev[(*n)++] = (struct edge_ev){b, cause, -1};
}

/* A message's phases as the breakdown reads them: it leaves the sender at
 * *net (after the sender's overhead), then takes *lat of latency and *tx
 * of transfer on the link as it was when it left; then come its drawn
 * delays (jitter, retransmissions, outages), waiting, and the receiver's
 * overhead. */
void rec_message_phases(const struct replay *rp, const struct ref_stage *s,
                           const struct stage_time *t, double *net, double *lat, double *tx)
{
    const int up = s->place == REF_LINK_UP;
    *net = t->start + rp->overhead_s[up ? REF_EDGE : REF_CLOUD];
    *lat = rp->lat_s;
    double bw = up ? rp->bw_up_Bps : rp->bw_down_Bps;
    if (rp->sched != NULL) { // a trace: the link as it was when the message left
        const struct mdl_link_sample *x =
            mdl_link_at(rp->sched, rp->n_sched, rp->sched_period_s, *net);
        *lat = x->rtt_s / 2.0 + rp->backhaul_lat_s;
        bw = up ? x->uplink_Bps : x->downlink_Bps;
    }
    *tx = !up && !rp->downlink_counted ? 0.0 : (double)s->msg_bytes / bw;
}

/* The activities of one step's stages: a compute stage is compute from
 * its start to its end (on the GPU, the whole batch it ran in; the wait
 * for the GPU before it is an idle gap); a message is the sender's
 * software overhead, latency, transfer (bytes / bandwidth), waiting (a
 * shared link, a receiver busy elsewhere), then the receiver's overhead. */
static void add_step(struct recorder *rc, int *n, const struct step_spec *sp,
                     const struct stage_time *t, double lo, double hi)
{
    const struct replay *rp = rc->rp;
    for (int i = 0; i < sp->plan->n_stages; i++) {
        const struct ref_stage *s = &sp->plan->stages[i];
        const double a = t[i].start, b = t[i].end;
        if (b <= lo || a >= hi)
            continue;
        if (s->kind == REF_STAGE_COMPUTE) {
            add_span(rc, n, s->place == REF_EDGE ? C_EDGE : C_CLOUD, a, b, lo, hi);
            if (s->place == REF_EDGE) // the step given up before a fallback, if any
                add_span(rc, n, C_OUT, a - t[i].outage_s, a, lo, hi);
            continue;
        }
        const int up = s->place == REF_LINK_UP;
        const double orc = rp->overhead_s[up ? REF_CLOUD : REF_EDGE];
        double net, lat, tx;
        rec_message_phases(rp, s, &t[i], &net, &lat, &tx);
        add_span(rc, n, C_OVER, a, fmin(b, net), lo, hi);
        add_span(rc, n, C_LAT, net, fmin(b, net + lat), lo, hi);
        add_span(rc, n, up ? C_UP : C_DOWN, net + lat, fmin(b, net + lat + tx), lo, hi);
        // then the drawn delays: jitter (latency), retransmissions, outages
        double t0 = net + lat + tx;
        add_span(rc, n, C_LAT, t0, fmin(b, t0 + t[i].jitter_s), lo, hi);
        t0 += t[i].jitter_s;
        add_span(rc, n, C_RTX, t0, fmin(b, t0 + t[i].retransmit_s), lo, hi);
        t0 += t[i].retransmit_s;
        add_span(rc, n, C_OUT, t0, fmin(b, t0 + t[i].outage_s), lo, hi);
        t0 += t[i].outage_s;
        add_span(rc, n, C_WAIT, t0, b - orc, lo, hi);
        add_span(rc, n, C_OVER, fmax(net, b - orc), b, lo, hi);
    }
}

/* Splits [lo, hi], step K of a device, by cause over the activities of
 * that step and its neighbours (pipelined steps overlap). */
static void breakdown_step(struct recorder *rc, const struct device *dev, int64_t K, double lo,
                           double hi, struct sim_breakdown *b)
{
    memset(b, 0, sizeof *b);
    int n = 0;
    for (int64_t j = K - 1; j <= K + 1; j++)
        if (j >= 0 && j < dev->n_steps)
            add_step(rc, &n, dev->steps[j].spec, rec_times(dev, j), lo, hi);
    qsort(rc->ev, (size_t)n, sizeof *rc->ev, ev_cmp);
    int active[C_COUNT] = {0};
    double *by[C_COUNT] = {&b->cloud_compute_s, &b->edge_compute_s, &b->overhead_s,
                           &b->uplink_s, &b->downlink_s, &b->latency_s, &b->retransmit_s,
                           &b->outage_s, &b->waiting_s};
    double t = lo;
    for (int e = 0; e <= n; e++) {
        const double next = e < n ? rc->ev[e].t : hi;
        if (next > t) {
            int c = 0;
            while (c < C_COUNT && active[c] == 0)
                c++;
            *by[c < C_COUNT ? c : C_WAIT] += next - t; // nothing active: idle, a wait
            t = next;
        }
        if (e < n)
            active[rc->ev[e].cause] += rc->ev[e].delta;
    }
}

// ---- a step into its record ----

static void fill_bytes(const struct ref_plan *p, struct sim_step_record *r)
{
    struct ref_plan_totals tot;
    ref_plan_sum(p, &tot);
    r->bytes_up = tot.bytes_up;
    r->bytes_down = tot.bytes_down;
    r->messages = tot.n_msgs_up + tot.n_msgs_down;
}

/* Step K (its request's step k) of a traced device into the spool. */
static void spool_step(struct recorder *rc, const struct device *dev, int64_t K, int64_t k)
{
    const struct ref_plan *p = dev->steps[K].spec->plan;
    const struct stage_time *t = rec_times(dev, K);
    for (int i = 0; i < p->n_stages && !rc->spool_failed; i++) {
        const struct ref_stage *s = &p->stages[i];
        struct sim_event e = {.device = dev->index, .step = (int32_t)k, .place = s->place,
                              .layer = s->layer, .start_s = t[i].start, .end_s = t[i].end,
                              .bytes = s->msg_bytes};
        snprintf(e.name, sizeof e.name, "%s", ref_op_name(s->op));
        rc->spool_failed = fwrite(&e, sizeof e, 1, rc->spool) != 1;
        rc->out->n_events++;
        if (s->kind == REF_STAGE_COMPUTE || !(t[i].retransmit_s > 0.0 || t[i].outage_s > 0.0))
            continue;
        // a message's retransmissions and outage hold: slices of their own
        double net, lat, tx;
        rec_message_phases(rc->rp, s, &t[i], &net, &lat, &tx);
        const double t0 = net + lat + tx + t[i].jitter_s;
        const double span[2][2] = {{t0, t0 + t[i].retransmit_s},
                                   {t0 + t[i].retransmit_s,
                                    t0 + t[i].retransmit_s + t[i].outage_s}};
        static const char *const what[2] = {"retransmit", "outage"};
        for (int j = 0; j < 2 && !rc->spool_failed; j++) {
            if (!(span[j][1] > span[j][0]))
                continue;
            struct sim_event x = e;
            x.start_s = span[j][0];
            x.end_s = span[j][1];
            x.bytes = 0;
            snprintf(x.name, sizeof x.name, "%s", what[j]);
            rc->spool_failed = fwrite(&x, sizeof x, 1, rc->spool) != 1;
            rc->out->n_events++;
        }
    }
}

/* Step K of dev, complete with its neighbours, into its record; its
 * request's record when it is the first or the last of the request. */
static void record_step(struct recorder *rc, struct device *dev, int64_t K)
{
    while (K >= dev->req_step0[dev->rec_req + 1])
        dev->rec_req++;
    const int64_t r = dev->rec_req, k = K - dev->req_step0[r];
    const int64_t last = dev->req_step0[r + 1] - 1 - dev->req_step0[r];
    struct sim_step_record *rec = &rc->out->steps[dev->step0 + K];
    const struct step_ref *sr = &dev->steps[K];
    const struct step_spec *sp = sr->spec;
    *rec = (struct sim_step_record){.device = dev->index, .request = (int32_t)r,
                                    .step = (int32_t)k, .phase = sp->phase, .pos = sp->pos,
                                    .tokens = k == 0 ? sp->n_tokens : sr->produced,
                                    .alone = sp->alone,
                                    .start_s = k == 0 ? dev->arrival_s[r] : rec[-1].end_s};
    const struct stage_time *t = rec_times(dev, K);
    for (int i = 0; i < sp->plan->n_stages; i++)
        rec->end_s = fmax(rec->end_s, t[i].end);
    breakdown_step(rc, dev, K, rec->start_s, rec->end_s, &rec->b);
    fill_bytes(sp->plan, rec);
    struct sim_request_record *q = &rc->out->requests[dev->req0 + r];
    const struct mdl_request *mr = &dev->req[r];
    if (k == 0) {
        *q = (struct sim_request_record){.device = dev->index, .request = (int32_t)r,
                                         .arrival_s = dev->arrival_s[r],
                                         .first_token_s = rec->end_s,
                                         .prompt_tokens = mr->prompt_tokens,
                                         .new_tokens = mr->new_tokens};
        q->ttft_s = q->first_token_s - q->arrival_s;
    }
    if (k == last) {
        q->done_s = rec->end_s;
        q->e2e_s = q->done_s - q->arrival_s;
        q->tpot_s = mr->new_tokens > 1
                        ? (q->done_s - q->first_token_s) / (double)(mr->new_tokens - 1) : NAN;
    }
    energy_step(rc, dev, K, r, k, k == last, q);
    if (sp->alone)
        rc->alone_tokens += k == 0 ? 1 : sr->produced;
    if (rc->spool != NULL && dev->index >= rc->trace_first && dev->index < rc->trace_end)
        spool_step(rc, dev, K, k);
}

void rec_walked(struct device *dev, int side, int64_t K)
{
    dev->walked[side] = K + 1;
    const int64_t total = dev->n_steps;
    const int64_t both = dev->walked[0] < dev->walked[1] ? dev->walked[0] : dev->walked[1];
    // a step's breakdown looks at the next step too: wait for it, but for
    // the last step
    while (dev->recorded < total && (dev->recorded + 2 <= both || both == total))
        record_step(dev->rec, dev, dev->recorded++);
}

// ---- the run's records and summary ----

enum sim_status rec_init(struct recorder *rc, const struct replay *rp, int64_t n_dev,
                         int64_t n_steps, int64_t trace_first, int64_t trace_end,
                         const char *spool_path, struct sim_result *out, struct sim_err *err)
{
    memset(rc, 0, sizeof *rc);
    rc->rp = rp;
    rc->out = out;
    rc->n_dev = n_dev;
    rc->trace_first = trace_first;
    rc->trace_end = trace_end;
    rc->ev_cap = 3 * 8 * 2 * rp->max_stages; // three steps, eight spans a stage
    rc->ev = sim_xcalloc((size_t)rc->ev_cap, sizeof *rc->ev);
    rc->iv = sim_xcalloc((size_t)rp->max_stages, sizeof *rc->iv);
    rc->n_steps = n_steps;
    out->n_steps = n_steps;
    out->steps = sim_xcalloc((size_t)out->n_steps, sizeof *out->steps);
    out->n_requests = rp->reqs.n;
    out->requests = sim_xcalloc((size_t)out->n_requests, sizeof *out->requests);
    if (spool_path != NULL) {
        rc->spool = fopen(spool_path, "wb");
        if (rc->spool == NULL)
            return sim_err_set(err, SIM_EIO, "%s: cannot write the trace's events (%s)",
                               spool_path, strerror(errno));
    }
    return SIM_OK;
}

/* The q-quantile of n values (sorted in place); NaN when none. */
static double quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    gsl_sort(v, 1, n);
    return gsl_stats_quantile_from_sorted_data(v, 1, n, q);
}

/* Per-request times, their percentiles and the SLO attainment. */
static void summarise_requests(const struct replay *rp, struct sim_result *out)
{
    struct sim_summary *sm = &out->summary;
    const size_t n = (size_t)out->n_requests;
    double *v = sim_xcalloc(n, sizeof *v);
    size_t m = 0, met = 0;
    for (size_t i = 0; i < n; i++)
        v[i] = out->requests[i].ttft_s;
    sm->ttft_p50_s = quantile(v, n, 0.50);
    sm->ttft_p90_s = quantile(v, n, 0.90);
    sm->ttft_p99_s = quantile(v, n, 0.99);
    for (size_t i = 0; i < n; i++)
        if (isfinite(out->requests[i].tpot_s))
            v[m++] = out->requests[i].tpot_s;
    sm->tpot_p50_s = quantile(v, m, 0.50);
    sm->tpot_p90_s = quantile(v, m, 0.90);
    sm->tpot_p99_s = quantile(v, m, 0.99);
    for (size_t i = 0; i < n; i++)
        v[i] = out->requests[i].e2e_s;
    sm->e2e_p50_s = quantile(v, n, 0.50);
    sm->e2e_p99_s = quantile(v, n, 0.99);
    free(v);
    sm->slo_attainment = NAN;
    if (rp->slo.ttft_s > 0.0 || rp->slo.tpot_s > 0.0) {
        for (size_t i = 0; i < n; i++) {
            const struct sim_request_record *q = &out->requests[i];
            met += (rp->slo.ttft_s == 0.0 || q->ttft_s <= rp->slo.ttft_s) &&
                   (rp->slo.tpot_s == 0.0 || !isfinite(q->tpot_s) || q->tpot_s <= rp->slo.tpot_s);
        }
        sm->slo_attainment = (double)met / (double)n;
    }
}

enum sim_status rec_finish(struct recorder *rc, enum ref_mode mode, struct sim_err *err)
{
    const struct replay *rp = rc->rp;
    struct sim_result *out = rc->out;
    if (rc->spool != NULL) {
        const int bad = fclose(rc->spool) != 0 || rc->spool_failed;
        rc->spool = NULL;
        if (bad)
            return sim_err_set(err, SIM_EIO, "writing the trace's events failed (disk full?)");
    }
    struct sim_summary *sm = &out->summary;
    memset(sm, 0, sizeof *sm);
    sm->fallback_tokens = rc->alone_tokens;
    // totals over every request: prompt tokens, decode steps, the tokens
    // they yield and their bytes (every step of a kind sends the same)
    double prompt = 0.0, n_decode = 0.0, tokens = 0.0, up = 0.0, down = 0.0;
    double pre_up = 0.0, pre_down = 0.0;
    int64_t decoding = 0; // requests with decode steps
    for (int64_t i = 0; i < out->n_steps; i++) {
        const struct sim_step_record *rec = &out->steps[i];
        sm->messages += rec->messages;
        if (rec->b.outage_s > 0.0) // the token(s) this step makes waited for the link
            sm->outage_stalled_tokens += rec->step == 0 ? 1 : rec->tokens;
        if (rec->step == 0) {
            prompt += (double)rec->tokens;
            pre_up += (double)rec->bytes_up;
            pre_down += (double)rec->bytes_down;
        } else {
            n_decode += 1.0;
            tokens += (double)rec->tokens;
            up += (double)rec->bytes_up;
            down += (double)rec->bytes_down;
        }
    }
    const double n_req = (double)out->n_requests;
    for (int64_t i = 0; i < out->n_steps; i++) {
        const struct sim_step_record *rec = &out->steps[i];
        if (rec->step == 0)
            sim_breakdown_add(&sm->prefill, &rec->b, 1.0 / n_req);
        else
            sim_breakdown_add(&sm->decode_per_token, &rec->b, 1.0 / n_decode);
    }
    double decode_first = INFINITY, decode_last = 0.0;
    for (int64_t i = 0; i < out->n_requests; i++)
        decoding += out->requests[i].new_tokens > 1;
    for (int64_t i = 0, j = 0; i < out->n_requests; i++) {
        const struct sim_request_record *q = &out->requests[i];
        int64_t steps = 0; // its decode steps: its records after the prefill
        for (j++; j < out->n_steps && out->steps[j].step != 0; j++)
            steps++;
        sm->makespan_s = fmax(sm->makespan_s, q->done_s);
        sm->ttft_s += q->ttft_s / n_req;
        if (steps > 0) {
            sm->decode_step_s += (q->done_s - q->first_token_s) /
                                 ((double)steps * (double)decoding);
            decode_first = fmin(decode_first, q->first_token_s);
            decode_last = fmax(decode_last, q->done_s);
        }
    }
    const double B = (double)rp->batch;
    sm->mode = mode;
    sm->devices = rc->n_dev;
    sm->batch = rp->batch;
    sm->requests = out->n_requests;
    sm->prefill_tps = B * (prompt / n_req) / sm->ttft_s;
    sm->prefill_bytes_up_per_token = pre_up / (B * prompt);
    sm->prefill_bytes_down_per_token = pre_down / (B * prompt);
    sm->tokens_per_step = NAN;
    if (n_decode > 0) {
        sm->tokens_per_step = tokens / n_decode;
        sm->decode_tps = B * sm->tokens_per_step / sm->decode_step_s;
        sm->aggregate_decode_tps = B * tokens / (decode_last - decode_first);
        sm->bytes_up_per_token = up / (B * tokens);
        sm->bytes_down_per_token = down / (B * tokens);
    } else {
        sm->decode_tps = sm->aggregate_decode_tps = sm->decode_step_s = NAN;
        sm->bytes_up_per_token = sm->bytes_down_per_token = NAN;
    }
    summarise_requests(rp, out);
    return SIM_OK;
}

void rec_free(struct recorder *rc)
{
    if (rc->spool != NULL)
        fclose(rc->spool);
    rc->spool = NULL;
    free(rc->ev);
    rc->ev = NULL;
    free(rc->iv);
    rc->iv = NULL;
}

// the estimate models/input makes before a run holds for these records
_Static_assert(sizeof(struct sim_step_record) + sizeof(struct step_ref) <=
                   MDL_RECORD_BYTES_PER_STEP,
               "a step's record and reference outgrew MDL_RECORD_BYTES_PER_STEP");
_Static_assert(sizeof(struct sim_request_record) <= MDL_RECORD_BYTES_PER_REQUEST,
               "a request record outgrew MDL_RECORD_BYTES_PER_REQUEST");
_Static_assert(sizeof(struct stage_time) == MDL_RECORD_BYTES_PER_STAGE,
               "a stage's times are not MDL_RECORD_BYTES_PER_STAGE");
