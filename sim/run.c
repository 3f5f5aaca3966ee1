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

#include "models/cost.h"
#include "sim/platform.h"
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

/* One step: its plan (borrowed from struct replay) and stage durations. */
struct step_spec {
    const struct ref_plan *plan;
    double *dur_s;        /* cost-model seconds per stage; 0 for messages */
    enum ref_phase phase;
    int64_t pos;          /* tokens cached before the step */
    int64_t n_tokens;     /* new tokens per sequence through the model */
    int64_t produced;     /* tokens the step yields per sequence (a speculative
                             pass: the accepted draft tokens and one more) */
};

/* Everything the actors replay; identical for every device. */
struct replay {
    int progress;            /* 1: report steps on stderr (device 0) */
    double wall0_s;          /* monotonic time the simulation began */
    struct ref_plan *prefill;
    struct ref_plan *decode; /* template: every decode step has its stages */
    struct step_spec *steps; /* n_steps: prefill, then decodes */
    int n_steps;
    int max_stages;
    int64_t batch;
    double lat_s;            /* one-way latency */
    double bw_up_Bps, bw_down_Bps;
    int downlink_counted;    /* 0: downlink messages carry no transfer time */
};

static void replay_free(struct replay *r)
{
    for (int k = 0; k < r->n_steps; k++)
        free(r->steps[k].dur_s);
    free(r->steps);
    ref_plan_destroy(r->prefill);
    ref_plan_destroy(r->decode);
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

static enum sim_status replay_build(const struct mdl_input *in, struct replay *r,
                                    struct sim_err *err)
{
    memset(r, 0, sizeof *r);
    const struct mdl_workload *w = &in->workload;
    struct ref_plan_opts base = in->plan;
    r->batch = w->batch;
    enum sim_status st = build_plan(in, &base, REF_PHASE_PREFILL, w->prompt_tokens, 0,
                                    &r->prefill, err);
    if (st == SIM_OK)
        st = build_plan(in, &base, REF_PHASE_DECODE, 1, w->prompt_tokens, &r->decode, err);
    if (st != SIM_OK)
        return st;
    // the prefill yields the first token; each later step one, or a
    // speculative pass 1 + the draft tokens accepted (i.i.d. with the
    // acceptance chance, seeded: the same passes for every device)
    const int64_t tokens = mdl_input_steps(in);
    r->steps = sim_xcalloc((size_t)tokens, sizeof *r->steps);
    r->steps[0] = (struct step_spec){r->prefill, durations(in, r->prefill), REF_PHASE_PREFILL,
                                     0, w->prompt_tokens, 1};
    r->n_steps = 1;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(rng != NULL, "out of memory for the RNG");
    gsl_rng_set(rng, (unsigned long)in->seed);
    for (int64_t made = 1; made < tokens && st == SIM_OK; r->n_steps++) {
        // decode plans differ only in costs that grow with the context
        struct ref_plan *p = NULL;
        const int64_t pos = w->prompt_tokens + made - 1;
        st = build_plan(in, &base, REF_PHASE_DECODE, 1, pos, &p, err);
        if (st != SIM_OK)
            break;
        SIM_ASSERT(p->n_stages == r->decode->n_stages, "decode plans changed shape");
        int64_t yield = 1;
        while (yield <= base.spec_k && gsl_rng_uniform(rng) < in->spec_acceptance)
            yield++;
        yield = yield < tokens - made ? yield : tokens - made;
        r->steps[r->n_steps] = (struct step_spec){r->decode, durations(in, p),
                                                  REF_PHASE_DECODE, pos, p->opts.n_tokens,
                                                  yield};
        made += yield;
        ref_plan_destroy(p);
    }
    gsl_rng_free(rng);
    r->max_stages = r->prefill->n_stages > r->decode->n_stages ? r->prefill->n_stages
                                                                : r->decode->n_stages;
    const struct mdl_link *l = &in->link;
    r->lat_s = l->rtt_s.value / 2.0;
    r->bw_up_Bps = l->uplink_Bps.value;
    r->bw_down_Bps = l->downlink_Bps.value;
    r->downlink_counted = in->downlink_counted;
    return st;
}

// ---- actors ----

struct stage_time {
    double start; /* compute: began; message: sender posted it */
    double end;   /* compute: ended; message: receiver had it */
};

/* Shared by the two actors of one device. */
struct device {
    int index;               /* 0-based, for the log */
    int finished;            /* actors of this device that walked every step */
    const struct replay *rp;
    sg_mailbox_t up, down;   /* edge -> cloud, cloud -> edge */
    struct stage_time *t;    /* n_steps x max_stages */
};

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
    const struct ref_plan *p;
    struct stage_time *t;
    sg_comm_t *recv;  /* per stage: posted receive */
    void **data;      /* per stage: received payload */
    uint8_t *pending; /* per stage: receive posted, not yet waited */
};

static void finish_recv(struct walk *w, int j)
{
    sg_comm_wait(w->recv[j]); // adopts and releases the comm's reference
    w->t[j].end = simgrid_get_clock();
    w->pending[j] = 0;
    const struct ref_stage *s = &w->p->stages[j];
    SIM_ASSERT(w->data[j] == s, "message %s matched the wrong stage", ref_op_name(s->op));
    XBT_DEBUG("device %d step %d %-11s %-5s layer %3lld %9lld B  %.9f -> %.9f", w->device,
              w->step, ref_op_name(s->op), ref_place_name(s->place), (long long)s->layer,
              (long long)s->msg_bytes, w->t[j].start, w->t[j].end);
}

static void wait_deps(struct walk *w, int i)
{
    const struct ref_stage *s = &w->p->stages[i];
    for (int k = 0; k < s->n_deps; k++)
        if (w->pending[s->deps[k]])
            finish_recv(w, s->deps[k]);
}

/* Walks one step's plan for one side. */
static void walk_step(struct device *dev, enum ref_place side, int k, struct walk *w)
{
    const struct step_spec *sp = &dev->rp->steps[k];
    w->step = k;
    w->p = sp->plan;
    w->t = dev->t + (size_t)k * (size_t)dev->rp->max_stages;
    memset(w->pending, 0, (size_t)w->p->n_stages);
    for (int i = 0; i < w->p->n_stages; i++) {
        const struct ref_stage *s = &w->p->stages[i];
        if (s->kind == REF_STAGE_COMPUTE) {
            if (s->place != side)
                continue;
            wait_deps(w, i);
            w->t[i].start = simgrid_get_clock();
            if (sp->dur_s[i] > 0.0)
                sg_actor_execute(sp->dur_s[i] * SIM_HOST_SPEED);
            w->t[i].end = simgrid_get_clock();
            XBT_DEBUG("device %d step %d %-11s %-5s layer %3lld %14s %.9f -> %.9f", w->device,
                      k, ref_op_name(s->op), ref_place_name(s->place), (long long)s->layer, "",
                      w->t[i].start, w->t[i].end);
            continue;
        }
        const enum ref_place sender = s->place == REF_LINK_UP ? REF_EDGE : REF_CLOUD;
        const sg_mailbox_t mb = s->place == REF_LINK_UP ? dev->up : dev->down;
        if (sender == side) {
            wait_deps(w, i);
            w->t[i].start = simgrid_get_clock();
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
    for (int i = 0; i < w->p->n_stages; i++)
        if (w->pending[i])
            finish_recv(w, i);
}


/* Device 0's edge reports its steps: done/total, elapsed, ETA. */
static void report_progress(const struct replay *rp, int done)
{
    const double el = sim_now_s() - rp->wall0_s;
    if (el < 1.0)
        return;
    fprintf(stderr, "\rrun: step %d/%d done, %.1f s elapsed, ETA %.1f s   ", done, rp->n_steps,
            el, el / done * (rp->n_steps - done));
    if (done == rp->n_steps)
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
    sg_mailbox_set_receiver(sg_mailbox_get_name(a->side == REF_EDGE ? a->dev->down : a->dev->up));
    struct walk w = {
        .device = a->dev->index,
        .recv = sim_xcalloc((size_t)n, sizeof(sg_comm_t)),
        .data = sim_xcalloc((size_t)n, sizeof(void *)),
        .pending = sim_xcalloc((size_t)n, 1),
    };
    const int reporter = a->dev->rp->progress && a->side == REF_EDGE && a->dev == a->dev0;
    for (int k = 0; k < a->dev->rp->n_steps; k++) {
        walk_step(a->dev, a->side, k, &w);
        if (reporter)
            report_progress(a->dev->rp, k + 1);
    }
    free(w.recv);
    free(w.data);
    free(w.pending);
    a->dev->finished++;
}

// ---- the breakdown ----

/* Causes of time, in priority order: an instant when several activities
 * of a device overlap counts for the first of them. So latency that
 * overlaps compute (a pipelined cloud-only decode, an overlapped base
 * projection) is never blamed; the parts add up to the step's time. */
enum cause { C_CLOUD, C_EDGE, C_UP, C_DOWN, C_LAT, C_WAIT, C_COUNT };

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

/* Scratch for the breakdown of one step. */
struct sweep {
    struct edge_ev *ev;
    int n, cap;
};

/* Adds the activity [a, b] clipped to [lo, hi]. */
static void add_span(struct sweep *w, int cause, double a, double b, double lo, double hi)
{
    a = fmax(a, lo);
    b = fmin(b, hi);
    if (!(b > a))
        return;
    SIM_ASSERT(w->n + 2 <= w->cap, "breakdown scratch too small");
    w->ev[w->n++] = (struct edge_ev){a, cause, +1};
    w->ev[w->n++] = (struct edge_ev){b, cause, -1};
}

/* The activities of one step's stages: a compute stage is compute for
 * its nominal duration, waiting (contention) after; a message is latency,
 * then transfer (bytes / bandwidth), then waiting (a shared link). */
static void add_step(struct sweep *w, const struct replay *rp, int k, const struct stage_time *t,
                     double lo, double hi)
{
    const struct step_spec *sp = &rp->steps[k];
    for (int i = 0; i < sp->plan->n_stages; i++) {
        const struct ref_stage *s = &sp->plan->stages[i];
        const double a = t[i].start, b = t[i].end;
        if (b <= lo || a >= hi)
            continue;
        if (s->kind == REF_STAGE_COMPUTE) {
            add_span(w, s->place == REF_EDGE ? C_EDGE : C_CLOUD, a, fmin(b, a + sp->dur_s[i]), lo,
                     hi);
            add_span(w, C_WAIT, a + sp->dur_s[i], b, lo, hi);
            continue;
        }
        const int up = s->place == REF_LINK_UP;
        const double tx = !up && !rp->downlink_counted
                              ? 0.0 : (double)s->msg_bytes / (up ? rp->bw_up_Bps : rp->bw_down_Bps);
        add_span(w, C_LAT, a, fmin(b, a + rp->lat_s), lo, hi);
        add_span(w, up ? C_UP : C_DOWN, a + rp->lat_s, fmin(b, a + rp->lat_s + tx), lo, hi);
        add_span(w, C_WAIT, a + rp->lat_s + tx, b, lo, hi);
    }
}

/* Splits [lo, hi], a step of a device, by cause over the activities of
 * that step and its neighbours (pipelined steps overlap). */
static void breakdown_step(struct sweep *w, const struct replay *rp, const struct device *dev,
                           int k, double lo, double hi, struct sim_breakdown *b)
{
    memset(b, 0, sizeof *b);
    w->n = 0;
    for (int j = k - 1; j <= k + 1; j++)
        if (j >= 0 && j < rp->n_steps)
            add_step(w, rp, j, dev->t + (size_t)j * (size_t)rp->max_stages, lo, hi);
    qsort(w->ev, (size_t)w->n, sizeof *w->ev, ev_cmp);
    int active[C_COUNT] = {0};
    double *by[C_COUNT] = {&b->cloud_compute_s, &b->edge_compute_s, &b->uplink_s,
                           &b->downlink_s, &b->latency_s, &b->waiting_s};
    double t = lo;
    for (int e = 0; e <= w->n; e++) {
        const double next = e < w->n ? w->ev[e].t : hi;
        if (next > t) {
            int c = 0;
            while (c < C_COUNT && active[c] == 0)
                c++;
            *by[c < C_COUNT ? c : C_WAIT] += next - t; // nothing active: idle, a wait
            t = next;
        }
        if (e < w->n)
            active[w->ev[e].cause] += w->ev[e].delta;
    }
}

/* The end of step k of a device: its last stage's end. */
static double step_end(const struct replay *rp, const struct device *dev, int k)
{
    const struct stage_time *t = dev->t + (size_t)k * (size_t)rp->max_stages;
    double end = 0.0;
    for (int i = 0; i < rp->steps[k].plan->n_stages; i++)
        end = fmax(end, t[i].end);
    return end;
}

// ---- the run, in the child ----

static void fill_bytes(const struct ref_plan *p, struct sim_step_record *r)
{
    struct ref_plan_totals tot;
    ref_plan_sum(p, &tot);
    r->bytes_up = tot.bytes_up;
    r->bytes_down = tot.bytes_down;
    r->messages = tot.n_msgs_up + tot.n_msgs_down;
}

/* Every stage of every step and device, for traces. */
static void collect_events(const struct replay *rp, const struct device *devs, int64_t n_dev,
                           struct sim_result *out)
{
    int64_t n = 0;
    for (int k = 0; k < rp->n_steps; k++)
        n += rp->steps[k].plan->n_stages;
    out->n_events = n * n_dev;
    out->events = sim_xcalloc((size_t)out->n_events, sizeof *out->events);
    struct sim_event *e = out->events;
    for (int64_t d = 0; d < n_dev; d++)
        for (int k = 0; k < rp->n_steps; k++) {
            const struct ref_plan *p = rp->steps[k].plan;
            const struct stage_time *t = devs[d].t + (size_t)k * (size_t)rp->max_stages;
            for (int i = 0; i < p->n_stages; i++, e++) {
                const struct ref_stage *s = &p->stages[i];
                *e = (struct sim_event){.device = (int32_t)d, .step = k, .place = s->place,
                                        .layer = s->layer, .start_s = t[i].start,
                                        .end_s = t[i].end, .bytes = s->msg_bytes};
                snprintf(e->name, sizeof e->name, "%s", ref_op_name(s->op));
            }
        }
}

/* Step records and summary from the recorded stage times. */
static void analyse(const struct replay *rp, struct device *devs, int64_t n_dev,
                    enum ref_mode mode, struct sim_result *out)
{
    struct sim_summary *sm = &out->summary;
    memset(sm, 0, sizeof *sm);
    out->n_steps = n_dev * rp->n_steps;
    out->steps = sim_xcalloc((size_t)out->n_steps, sizeof *out->steps);
    double decode_first = INFINITY, decode_last = 0.0;
    struct sweep w = {.cap = 3 * 3 * 2 * rp->max_stages};
    w.ev = sim_xcalloc((size_t)w.cap, sizeof *w.ev);
    for (int64_t d = 0; d < n_dev; d++) {
        double prev_end = 0.0;
        for (int k = 0; k < rp->n_steps; k++) {
            struct sim_step_record *r = &out->steps[d * rp->n_steps + k];
            const struct step_spec *sp = &rp->steps[k];
            *r = (struct sim_step_record){.device = (int32_t)d, .step = k, .phase = sp->phase,
                                         .pos = sp->pos,
                                         .tokens = k == 0 ? sp->n_tokens : sp->produced,
                                         .start_s = prev_end};
            r->end_s = step_end(rp, &devs[d], k);
            breakdown_step(&w, rp, &devs[d], k, prev_end, r->end_s, &r->b);
            fill_bytes(sp->plan, r);
            sm->messages += r->messages;
            if (k == 1)
                decode_first = fmin(decode_first, prev_end);
            if (k > 0)
                decode_last = fmax(decode_last, r->end_s);
            prev_end = r->end_s;
        }
        sm->makespan_s = fmax(sm->makespan_s, prev_end);
    }
    free(w.ev);
    const double B = (double)rp->batch, n = (double)n_dev, steps = rp->n_steps - 1;
    double tokens = 0.0, up = 0.0, down = 0.0; // decode tokens and bytes of one device
    for (int k = 1; k < rp->n_steps; k++) {
        tokens += (double)rp->steps[k].produced;
        up += (double)out->steps[k].bytes_up;
        down += (double)out->steps[k].bytes_down;
    }
    sm->mode = mode;
    sm->devices = n_dev;
    sm->batch = rp->batch;
    for (int64_t d = 0; d < n_dev; d++) {
        const struct sim_step_record *first = &out->steps[d * rp->n_steps];
        const struct sim_step_record *last = &out->steps[(d + 1) * rp->n_steps - 1];
        sm->ttft_s += first->end_s / n;
        sim_breakdown_add(&sm->prefill, &first->b, 1.0 / n);
        for (int k = 1; k < rp->n_steps; k++)
            sim_breakdown_add(&sm->decode_per_token, &first[k].b, 1.0 / (n * steps));
        if (steps > 0)
            sm->decode_step_s += (last->end_s - first->end_s) / (steps * n);
    }
    const struct sim_step_record *s0 = &out->steps[0];
    sm->prefill_tps = B * (double)rp->steps[0].n_tokens / sm->ttft_s;
    sm->prefill_bytes_up_per_token = (double)s0->bytes_up / (B * (double)s0->tokens);
    sm->prefill_bytes_down_per_token = (double)s0->bytes_down / (B * (double)s0->tokens);
    sm->tokens_per_step = NAN;
    if (steps > 0) {
        sm->tokens_per_step = tokens / steps;
        sm->decode_tps = B * sm->tokens_per_step / sm->decode_step_s;
        sm->aggregate_decode_tps = B * tokens * n / (decode_last - decode_first);
        sm->bytes_up_per_token = up / (B * tokens);
        sm->bytes_down_per_token = down / (B * tokens);
    } else {
        sm->decode_tps = sm->aggregate_decode_tps = sm->decode_step_s = NAN;
        sm->bytes_up_per_token = sm->bytes_down_per_token = NAN;
    }
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
             user_sets(o, "network/TCP-gamma") ? "" : ", TCP-gamma 0 (no window limit)");
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
        "--cfg=network/crosstraffic:0", "--cfg=network/TCP-gamma:0",
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

static enum sim_status simulate(const struct mdl_input *in, const struct sim_run_opts *o,
                                int temporary, struct sim_result *out, struct sim_err *err)
{
    struct replay rp;
    enum sim_status st = replay_build(in, &rp, err);
    const struct mdl_workload *w = &in->workload;
    const int64_t n_dev = w->devices, n_gpu = in->cloud_gpus;
    const struct sim_platform_spec ps = {n_dev, n_gpu, rp.bw_up_Bps, rp.bw_down_Bps, rp.lat_s};
    const char *platform = o->platform_path;
    if (st == SIM_OK)
        st = sim_platform_write(&ps, platform, err);
    if (st != SIM_OK) {
        replay_free(&rp);
        return st;
    }
    rp.progress = o->progress;
    rp.wall0_s = sim_now_s();
    engine_init(o);
    simgrid_load_platform(platform);
    if (temporary) // the parent named it for this run alone
        remove(platform);
    struct device *devs = sim_xcalloc((size_t)n_dev, sizeof *devs);
    struct actor_arg *args = sim_xcalloc((size_t)(2 * n_dev), sizeof *args);
    for (int64_t d = 0; d < n_dev; d++) {
        char name[64];
        devs[d].index = (int)d;
        devs[d].rp = &rp;
        devs[d].t = sim_xcalloc((size_t)rp.n_steps * (size_t)rp.max_stages,
                                sizeof(struct stage_time));
        snprintf(name, sizeof name, "up%lld", (long long)d);
        devs[d].up = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "down%lld", (long long)d);
        devs[d].down = sg_mailbox_by_name(name);
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
    simgrid_run();
    for (int64_t d = 0; d < n_dev && st == SIM_OK; d++)
        if (devs[d].finished != 2) // SimGrid reports a deadlock and returns
            st = sim_err_set(err, SIM_EIO, "%s: the engine stopped before device %lld finished "
                             "its steps (a deadlock)", in->origin, (long long)d);
    if (st == SIM_OK) {
        analyse(&rp, devs, n_dev, in->plan.mode, out);
        if (o->trace)
            collect_events(&rp, devs, n_dev, out);
        out->summary.wall_s = sim_now_s() - rp.wall0_s; // a wall clock, not CPU time
    }
    for (int64_t d = 0; d < n_dev; d++)
        free(devs[d].t);
    free(devs);
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
                            int temporary, int fd)
{
    struct sim_result r;
    memset(&r, 0, sizeof r);
    struct sim_err err = {""};
    const int32_t st = (int32_t)simulate(in, o, temporary, &r, &err);
    int bad = write_all(fd, &st, sizeof st) || write_all(fd, &err, sizeof err);
    if (st == SIM_OK)
        bad = bad || write_all(fd, &r.summary, sizeof r.summary) ||
              write_all(fd, &r.n_steps, sizeof r.n_steps) ||
              write_all(fd, r.steps, (size_t)r.n_steps * sizeof *r.steps) ||
              write_all(fd, &r.n_events, sizeof r.n_events) ||
              (r.n_events > 0 &&
               write_all(fd, r.events, (size_t)r.n_events * sizeof *r.events));
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
    // no platform path asked for: a file in the parent's private folder,
    // named for this run alone and removed by the child once loaded
    struct sim_run_opts co = *o;
    char own[400];
    if (o->platform_path == NULL) {
        static unsigned serial;
        const char *tmp = sim_tmpdir();
        snprintf(own, sizeof own, "%s/platform-%ld-%u.xml", tmp != NULL ? tmp : "/tmp",
                 (long)getpid(), serial++);
        co.platform_path = own;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return sim_err_set(err, SIM_EIO, "pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return sim_err_set(err, SIM_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        sim_cleanup_child(); // dies with its parent, leaves the parent's files alone
        close(fds[0]);
        child(in, &co, o->platform_path == NULL, fds[1]);
    }
    close(fds[1]);
    job->pid = (int)pid;
    job->fd = fds[0];
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
                  read_all(job->fd, &out->n_events, sizeof out->n_events);
        }
        if (!bad && out->n_events > 0) {
            out->events = sim_xcalloc((size_t)out->n_events, sizeof *out->events);
            bad = read_all(job->fd, out->events, (size_t)out->n_events * sizeof *out->events);
        }
    }
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

// ---- results ----

double sim_breakdown_total(const struct sim_breakdown *b)
{
    return b->edge_compute_s + b->cloud_compute_s + b->uplink_s + b->downlink_s +
           b->latency_s + b->waiting_s;
}

void sim_breakdown_add(struct sim_breakdown *a, const struct sim_breakdown *b, double scale)
{
    a->edge_compute_s += scale * b->edge_compute_s;
    a->cloud_compute_s += scale * b->cloud_compute_s;
    a->uplink_s += scale * b->uplink_s;
    a->downlink_s += scale * b->downlink_s;
    a->latency_s += scale * b->latency_s;
    a->waiting_s += scale * b->waiting_s;
}

void sim_result_free(struct sim_result *r)
{
    if (r == NULL)
        return;
    free(r->steps);
    free(r->events);
    r->steps = NULL;
    r->events = NULL;
    r->n_steps = 0;
    r->n_events = 0;
}
