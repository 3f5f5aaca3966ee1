/*
 * models/input: checks and typed setters of the resolved input. See
 * input.h.
 */
#include "models/input.h"

#include "models/requests.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const mdl_downlink_names[3] = {"ignored", "counted", NULL};
const char *const mdl_arrival_names[4] = {"at-start", "poisson", "trace", NULL};
const char *const mdl_length_dist_names[4] = {"fixed", "uniform", "lognormal", NULL};
const char *const mdl_scheduler_names[3] = {"continuous", "fcfs", NULL};

/* A plan of the input's mode for one step must build. */
static enum sim_status plan_builds(const struct mdl_input *in, enum ref_phase ph, int64_t n,
                                   int64_t pos, struct sim_err *err)
{
    struct ref_plan_opts o = in->plan;
    o.phase = ph;
    o.n_tokens = n;
    o.pos = pos;
    const int pass = o.spec_k > 0 && n == o.spec_k + 1 && pos > 0;
    o.all_logits = pass;
    if (!pass)
        o.spec_k = 0; // the prefill is a plain step
    o.batch = in->workload.batch;
    struct ref_plan *p = NULL;
    struct sim_err why;
    enum sim_status st = ref_plan_build(&in->model, &o, &p, &why);
    if (st != SIM_OK)
        return sim_err_set(err, st, "%s: %s", in->origin, why.msg);
    // every stage must take a time the engine can run: a cost model with an
    // absurdly small peak or bandwidth would stall it for ever
    const double year_s = 3.15576e7;
    for (int i = 0; i < p->n_stages && st == SIM_OK; i++) {
        const struct ref_stage *g = &p->stages[i];
        if (g->kind != REF_STAGE_COMPUTE)
            continue;
        const double t = mdl_cost_stage_s(&in->cost[g->place], g);
        if (!(t >= 0.0) || !(t < year_s))
            st = sim_err_set(err, SIM_EINVAL, "%s: $.%s: stage %s (layer %lld) would take %g s; "
                             "check the peak FLOPS and memory bandwidth", in->origin,
                             ref_place_name(g->place), ref_op_name(g->op), (long long)g->layer,
                             t);
    }
    ref_plan_destroy(p);
    return st;
}

int mdl_input_peak_only(const struct mdl_input *in, int side)
{
    const struct mdl_cost *c = &in->cost[side];
    return mdl_input_uses_side(in, side) && c->method == MDL_COST_ROOFLINE &&
           c->memory_efficiency == 1.0 && c->compute_efficiency == 1.0 &&
           c->stage_overhead_s == 0.0;
}

int64_t mdl_input_steps(const struct mdl_input *in)
{
    return in->workload.phase == REF_PHASE_PREFILL ? 1 : in->workload.new_tokens;
}

static enum sim_status check_workload(const struct mdl_input *in, struct sim_err *err)
{
    const struct mdl_workload *w = &in->workload;
    if (w->prompt_tokens < 1 || w->new_tokens < 1 || w->batch < 1 || w->devices < 1 ||
        in->cloud_gpus < 1)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload: prompt_tokens, new_tokens, batch, "
                           "devices and cloud GPUs must be >= 1", in->origin);
    const enum sim_status lengths = mdl_input_check_lengths(in, err);
    if (lengths != SIM_OK)
        return lengths;
    // the prefill makes the first token; each later one is a decode step
    // at the next position, and the last token needs no position; a
    // speculative pass may look k tokens past the last
    const int64_t context = mdl_input_max_prompt_tokens(in) + mdl_input_max_new_tokens(in) - 1 +
                            in->plan.spec_k;
    if (context > in->model.seq_len)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload: prompt_tokens + new_tokens - 1 = %"
                           PRId64 " (the longest request) exceeds the %" PRId64 "-token context "
                           "of %s", in->origin, context, in->model.seq_len, in->model_name);
    if (w->requests < 1)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.requests: expected >= 1, found %"
                           PRId64, in->origin, w->requests);
    if (w->arrival == MDL_ARRIVAL_POISSON && !(w->rate_per_s > 0.0 && isfinite(w->rate_per_s)))
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.rate: a Poisson arrival needs a "
                           "rate > 0 in requests per second", in->origin);
    if (w->arrival != MDL_ARRIVAL_POISSON && w->rate_per_s > 0.0)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.rate: only a Poisson arrival has "
                           "a rate; set \"arrival\": \"poisson\"", in->origin);
    if (!(w->think_s >= 0.0) || !isfinite(w->think_s))
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.think: expected a finite duration "
                           ">= 0", in->origin);
    if (w->arrival == MDL_ARRIVAL_POISSON && w->think_s > 0.0)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.think: a Poisson arrival is an "
                           "open loop and has no think time", in->origin);
    const struct mdl_serving *sv = &in->serving;
    if (sv->max_batch < 0 || (sv->max_batch > 0 && sv->max_batch < w->batch))
        return sim_err_set(err, SIM_EINVAL, "%s: $.serving.max_batch: %" PRId64 " cannot hold "
                           "one device's batch of %" PRId64 " sequences", in->origin,
                           sv->max_batch, w->batch);
    if (!(in->slo.ttft_s >= 0.0) || !(in->slo.tpot_s >= 0.0))
        return sim_err_set(err, SIM_EINVAL, "%s: $.slo: expected durations >= 0", in->origin);
    return SIM_OK;
}

/* The sums and the stage count of in's plan under options o. */
static enum sim_status plan_totals(const struct mdl_input *in, const struct ref_plan_opts *o,
                                   struct ref_plan_totals *t, int *n_stages,
                                   struct sim_err *err)
{
    struct ref_plan *p = NULL;
    const enum sim_status st = ref_plan_build(&in->model, o, &p, err);
    if (st != SIM_OK)
        return st;
    ref_plan_sum(p, t);
    *n_stages = p->n_stages;
    ref_plan_destroy(p);
    return SIM_OK;
}

enum sim_status mdl_input_kv_bytes_per_token(const struct mdl_input *in, int side,
                                             double *bytes, struct sim_err *err)
{
    struct ref_plan_opts o = in->plan;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    o.batch = 1;
    o.pos = 0;
    o.spec_k = 0;
    o.all_logits = 0;
    *bytes = 0.0;
    struct ref_plan_totals t;
    int n_stages = 0;
    const enum sim_status st = plan_totals(in, &o, &t, &n_stages, err);
    if (st != SIM_OK)
        return st;
    *bytes = t.kv_write_bytes[side];
    const struct ref_config *dr = &in->plan.spec_draft;
    if (in->plan.spec_k > 0 && !in->plan.spec_lookup && side == REF_EDGE)
        *bytes += 2.0 * (double)(dr->n_layers * ref_config_kv_dim(dr)) * in->plan.kv_bits / 8.0;
    return SIM_OK;
}

enum sim_status mdl_input_request_kv_bytes(const struct mdl_input *in, int side, double *bytes,
                                           struct sim_err *err)
{
    const int64_t context = mdl_input_max_prompt_tokens(in) + mdl_input_max_new_tokens(in) -
                            1 + in->plan.spec_k;
    return mdl_input_kv_bytes_for(in, side, context, bytes, err);
}

enum sim_status mdl_input_kv_bytes_for(const struct mdl_input *in, int side, int64_t context,
                                       double *bytes, struct sim_err *err)
{
    const enum sim_status st = mdl_input_kv_bytes_per_token(in, side, bytes, err);
    *bytes *= (double)in->workload.batch * (double)context;
    return st;
}

enum sim_status mdl_input_estimate(const struct mdl_input *in, struct mdl_estimate *e,
                                   struct sim_err *err)
{
    memset(e, 0, sizeof *e);
    const struct mdl_workload *w = &in->workload;
    struct ref_plan_opts o = in->plan;
    o.batch = w->batch;
    o.spec_k = 0;
    o.all_logits = 0;
    double step_msgs[2] = {0.0, 0.0}, step_stages[2] = {0.0, 0.0}, max_stages = 0.0;
    const int kinds = mdl_input_max_new_tokens(in) > 1 ? 2 : 1; // decode steps, if any
    for (int k = 0; k < kinds; k++) {
        o.phase = k == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
        o.n_tokens = k == 0 ? w->prompt_tokens : 1;
        o.pos = k == 0 ? 0 : w->prompt_tokens;
        struct ref_plan_totals t;
        int n_stages = 0;
        const enum sim_status st = plan_totals(in, &o, &t, &n_stages, err);
        if (st != SIM_OK)
            return st;
        step_msgs[k] = (double)(t.n_msgs_up + t.n_msgs_down);
        step_stages[k] = (double)n_stages;
        max_stages = fmax(max_stages, (double)n_stages);
    }
    // the steps of all requests: a prefill each, and at most new_tokens - 1
    // decode steps (a speculative pass yields >= 1 token); exact for fixed
    // lengths and a trace, an upper bound (the max) for drawn lengths
    const double requests = (double)mdl_input_n_requests(in);
    double decodes = 0.0;
    if (kinds == 2) {
        if (w->arrival == MDL_ARRIVAL_TRACE && w->trace != NULL)
            for (int64_t j = 0; j < w->trace->n; j++)
                decodes += (double)(w->trace->rows[j].new_tokens - 1);
        else
            decodes = requests * (double)(mdl_input_max_new_tokens(in) - 1);
    }
    e->messages = requests * step_msgs[0] + decodes * step_msgs[1];
    e->stages = requests * step_stages[0] + decodes * step_stages[1];
    // the plans the simulator caches: a prefill per prompt length and a
    // decode step per position (fixed lengths: one prompt, new_tokens - 1
    // positions; else at most every length and position up to the longest)
    const int fixed = w->arrival != MDL_ARRIVAL_TRACE && w->prompt_dist.dist == MDL_LEN_FIXED &&
                      w->new_dist.dist == MDL_LEN_FIXED;
    const double max_prompt = (double)mdl_input_max_prompt_tokens(in);
    const double plans = fixed ? 1.0 + (double)(mdl_input_max_new_tokens(in) - 1)
                               : fmin(requests, max_prompt) + max_prompt +
                                     (double)mdl_input_max_new_tokens(in);
    e->record_bytes = (double)w->devices * MDL_RECORD_RING_STEPS * max_stages *
                          MDL_RECORD_BYTES_PER_STAGE +
                      (requests + decodes) * MDL_RECORD_BYTES_PER_STEP +
                      requests * MDL_RECORD_BYTES_PER_REQUEST +
                      plans * max_stages * (double)(sizeof(struct ref_stage) + sizeof(double));
    return SIM_OK;
}
/* The simulation's records fit the bound: refused before any work. */
static enum sim_status check_work(const struct mdl_input *in, struct sim_err *err)
{
    struct mdl_estimate e;
    struct sim_err why;
    if (mdl_input_estimate(in, &e, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: %s", in->origin, why.msg);
    if (e.record_bytes > MDL_MAX_RECORD_BYTES)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload: %lld devices x %lld requests make "
                           "%.3g stages to time, about %.1f GB of records, above plsim's %.0f GB "
                           "bound; use fewer devices, requests or tokens", in->origin,
                           (long long)in->workload.devices, (long long)in->workload.requests,
                           e.stages, e.record_bytes / 1e9, MDL_MAX_RECORD_BYTES / 1e9);
    return SIM_OK;
}

/* Each side used holds its weights and one request's KV cache. */
static enum sim_status check_memory(const struct mdl_input *in, struct sim_err *err)
{
    static const char *const key[2] = {"edge", "cloud"};
    for (int s = 0; s < 2; s++) {
        const struct mdl_device *d = s == REF_EDGE ? &in->edge : &in->cloud;
        if (!mdl_input_uses_side(in, s) || !d->mem_capacity_bytes.present)
            continue;
        double w = 0.0, kv = 0.0;
        struct sim_err why;
        enum sim_status st = mdl_input_weight_bytes(in, s, &w, &why);
        if (st == SIM_OK)
            st = mdl_input_request_kv_bytes(in, s, &kv, &why);
        if (st != SIM_OK)
            return sim_err_set(err, st, "%s: %s", in->origin, why.msg);
        const double have = d->mem_capacity_bytes.value;
        if (w + kv > have)
            return sim_err_set(err, SIM_ERANGE, "%s: $.%s: %s cannot hold its part of %s: it "
                               "needs %.3f GB (weights %.3f GB at %g bits, KV cache of one "
                               "request %.3f GB) and has %.3f GB (%s)", in->origin, key[s],
                               d->name, in->model_name, (w + kv) / 1e9, w / 1e9,
                               in->plan.weight_bits[s], kv / 1e9, have / 1e9,
                               d->mem_capacity_bytes.source);
    }
    return SIM_OK;
}

static enum sim_status check_link(const struct mdl_input *in, struct sim_err *err)
{
    const struct mdl_link *l = &in->link;
    if (!(l->uplink_Bps.value > 0.0) || !(l->downlink_Bps.value > 0.0) ||
        !isfinite(l->uplink_Bps.value) || !isfinite(l->downlink_Bps.value))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link: uplink and downlink must be positive "
                           "and finite, found %g and %g B/s", in->origin, l->uplink_Bps.value,
                           l->downlink_Bps.value);
    if (!(l->rtt_s.value >= 0.0) || !isfinite(l->rtt_s.value))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.rtt: expected a finite duration >= 0, "
                           "found %g s", in->origin, l->rtt_s.value);
    // what the engine cannot honour is refused, by validate and run alike
    if (l->jitter_s.present && (!(l->jitter_s.value >= 0.0) || !isfinite(l->jitter_s.value)))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.jitter: expected a finite duration >= 0",
                           in->origin);
    if (l->loss.present && !(l->loss.value >= 0.0 && l->loss.value < 1.0))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.loss: expected a chance in [0, 1)",
                           in->origin);
    if (l->rto_s.present && !(l->rto_s.value > 0.0 && isfinite(l->rto_s.value)))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.rto: expected a finite duration > 0",
                           in->origin);
    if (l->trace[0] != '\0' && (l->trace_rows == NULL || l->trace_rows->n < 1))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.trace: %s was not read", in->origin,
                           l->trace);
    const struct mdl_cell *c = &in->cell;
    if (c->present && (!(c->uplink_Bps.value > 0.0) || !(c->downlink_Bps.value > 0.0) ||
                       !isfinite(c->uplink_Bps.value) || !isfinite(c->downlink_Bps.value)))
        return sim_err_set(err, SIM_EINVAL, "%s: $.cell: uplink and downlink must be positive "
                           "and finite, found %g and %g B/s", in->origin, c->uplink_Bps.value,
                           c->downlink_Bps.value);
    if (c->present && c->count < 1) // more cells than devices: some stay empty
        return sim_err_set(err, SIM_EINVAL, "%s: $.cell.count: expected >= 1, found %lld",
                           in->origin, (long long)c->count);
    const struct mdl_backhaul *b = &in->backhaul;
    if (!(b->bandwidth_Bps >= 0.0) || !isfinite(b->bandwidth_Bps) || !(b->latency_s >= 0.0) ||
        !isfinite(b->latency_s))
        return sim_err_set(err, SIM_EINVAL, "%s: $.backhaul: bandwidth and latency must be >= 0 "
                           "and finite", in->origin);
    return SIM_OK;
}

int mdl_input_uses_side(const struct mdl_input *in, int side)
{
    if (in->plan.mode == REF_MODE_DEVICE_ONLY)
        return side == REF_EDGE;
    if (in->plan.mode == REF_MODE_CLOUD_ONLY)
        return side == REF_CLOUD;
    return 1;
}

static enum sim_status check_costs(const struct mdl_input *in, struct sim_err *err)
{
    static const char *const side[2] = {"edge", "cloud"};
    for (int s = 0; s < 2; s++) {
        const struct mdl_cost *c = &in->cost[s];
        if (!mdl_input_uses_side(in, s))
            continue;
        if (c->method == MDL_COST_CALIBRATED && isnan(c->scale))
            return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s.method: calibrated, but the "
                               "catalog has no measurement to calibrate it for %s at %g-bit "
                               "weights", in->origin, side[s], in->model_name,
                               in->plan.weight_bits[s]);
        if (!(c->peak_flop_per_s > 0.0) || !(c->mem_bw_Bps > 0.0) || !isfinite(c->peak_flop_per_s) ||
            !isfinite(c->mem_bw_Bps))
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s: peak FLOPS and memory bandwidth must "
                               "be positive and finite", in->origin, side[s]);
        if (!(c->scale > 0.0) || !isfinite(c->scale) || !(c->stage_overhead_s >= 0.0) ||
            !isfinite(c->stage_overhead_s))
            return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s: the cost model's scale must be "
                               "positive and its stage overhead >= 0, both finite", in->origin,
                               side[s]);
    }
    return SIM_OK;
}

/* A device-only fallback needs a timeout, a mode with a link to lose and
 * a phone that holds the whole model and one request's KV cache. */
static enum sim_status check_fallback(const struct mdl_input *in, struct sim_err *err)
{
    const struct mdl_link *l = &in->link;
    if (!l->fallback_device_only) {
        if (l->fallback_timeout_s.present)
            return sim_err_set(err, SIM_EINVAL, "%s: $.link.fallback_timeout: given without "
                               "link.fallback", in->origin);
        return SIM_OK;
    }
    if (!l->fallback_timeout_s.present)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.fallback_timeout: missing: a fallback "
                           "needs the silence the phone waits out before it goes on alone",
                           in->origin);
    if (in->plan.mode == REF_MODE_DEVICE_ONLY) // no link to fall back from: nothing to do
        return SIM_OK;
    if (in->plan.spec_k > 0)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.fallback: not modelled for speculative "
                           "passes", in->origin);
    const struct mdl_device *e = &in->edge;
    if (!e->mem_capacity_bytes.present)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.fallback: the phone's memory capacity "
                           "is unknown (give edge.memory_capacity)", in->origin);
    struct mdl_input *alone = malloc(sizeof *alone); // large: not on the stack
    if (alone == NULL)
        return sim_err_set(err, SIM_EIO, "out of memory");
    *alone = *in;
    alone->plan.mode = REF_MODE_DEVICE_ONLY;
    double w = 0.0, kv = 0.0;
    struct sim_err why;
    enum sim_status st = mdl_input_weight_bytes(alone, REF_EDGE, &w, &why);
    if (st == SIM_OK)
        st = mdl_input_request_kv_bytes(alone, REF_EDGE, &kv, &why);
    free(alone);
    if (st != SIM_OK)
        return sim_err_set(err, st, "%s: %s", in->origin, why.msg);
    if (w + kv > e->mem_capacity_bytes.value)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.fallback: %s cannot hold %s alone: it "
                           "needs %.3f GB (weights %.3f GB at %g bits, KV cache of one request "
                           "%.3f GB) and has %.3f GB (fewer edge_weight_bits make it smaller)", in->origin, e->name, in->model_name,
                           (w + kv) / 1e9, w / 1e9, in->plan.weight_bits[REF_EDGE], kv / 1e9,
                           e->mem_capacity_bytes.value / 1e9);
    return SIM_OK;
}

enum sim_status mdl_input_check(const struct mdl_input *in, struct sim_err *err)
{
    enum sim_status st = check_workload(in, err);
    if (st == SIM_OK)
        st = check_link(in, err);
    if (st == SIM_OK)
        st = check_costs(in, err);
    if (st == SIM_OK)
        st = check_fallback(in, err);
    const struct mdl_workload *w = &in->workload;
    if (st == SIM_OK)
        st = plan_builds(in, REF_PHASE_PREFILL, w->prompt_tokens, 0, err);
    const int64_t steps = mdl_input_steps(in);
    if (st == SIM_OK && steps > 1 && in->plan.spec_k == 0)
        st = plan_builds(in, REF_PHASE_DECODE, 1, w->prompt_tokens + steps - 2, err);
    else if (st == SIM_OK && steps > 1) // a verification pass of k + 1 tokens at the last place
        st = plan_builds(in, REF_PHASE_PREFILL, in->plan.spec_k + 1,
                         w->prompt_tokens + steps - 2, err);
    if (st == SIM_OK && in->plan.spec_k > 0 &&
        !(in->spec_acceptance >= 0.0 && in->spec_acceptance <= 1.0))
        st = sim_err_set(err, SIM_EINVAL, "%s: $.speculative.acceptance: expected a value in "
                         "[0, 1], found %g", in->origin, in->spec_acceptance);
    if (st == SIM_OK)
        st = check_work(in, err);
    if (st == SIM_OK) // last: SIM_ERANGE means the input is valid but does not fit
        st = check_memory(in, err);
    return st;
}

enum sim_status mdl_input_weight_bytes(const struct mdl_input *in, int side, double *bytes,
                                       struct sim_err *err)
{
    struct ref_resources r;
    *bytes = 0.0;
    struct ref_plan_opts o = in->plan;
    o.spec_k = 0; // the target's weights; a draft model's are added below
    o.all_logits = 0;
    enum sim_status st = ref_resources_compute(&in->model, &o, &r, err);
    if (st != SIM_OK)
        return st;
    for (int c = 0; c < REF_C_COUNT; c++)
        *bytes += r.memory_bytes[side][c];
    if (in->plan.spec_k > 0 && !in->plan.spec_lookup && side == REF_EDGE) {
        // the phone runs the draft model whole, at its weight bits
        o.mode = REF_MODE_DEVICE_ONLY;
        st = ref_resources_compute(&in->plan.spec_draft, &o, &r, err);
        for (int c = 0; c < REF_C_COUNT && st == SIM_OK; c++)
            *bytes += r.memory_bytes[REF_EDGE][c];
    }
    return st;
}

// ---- setters ----

/* Marks a fact as set by a setter (a sweep or a search). */
static void set_fact(struct mdl_fact *f, double v)
{
    f->value = v;
    f->kind = MDL_KIND_OVERRIDE;
    f->present = 1;
    snprintf(f->source, sizeof f->source, "varied by the run");
}

enum sim_status mdl_input_set_rtt_s(struct mdl_input *in, double rtt_s, struct sim_err *err)
{
    if (in->link.trace_rows != NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.rtt: the link follows the trace %s; "
                           "remove link.trace to vary its RTT", in->origin, in->link.trace);
    if (!(rtt_s >= 0.0) || !isfinite(rtt_s))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.rtt: expected a finite duration >= 0, "
                           "found %g s", in->origin, rtt_s);
    set_fact(&in->link.rtt_s, rtt_s);
    return SIM_OK;
}

enum sim_status mdl_input_set_devices(struct mdl_input *in, int64_t devices,
                                      struct sim_err *err)
{
    if (devices < 1 || devices > 10000000)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.devices: expected 1 to 1e7, found "
                           "%lld", in->origin, (long long)devices);
    in->workload.devices = devices;
    return SIM_OK;
}

static enum sim_status set_rate(struct mdl_input *in, struct mdl_fact *f, const char *key,
                                double Bps, struct sim_err *err)
{
    if (in->link.trace_rows != NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.%s: the link follows the trace %s; "
                           "remove link.trace to vary its rates", in->origin, key,
                           in->link.trace);
    if (!(Bps > 0.0) || !isfinite(Bps))
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.%s: expected a finite rate > 0, found "
                           "%g B/s", in->origin, key, Bps);
    set_fact(f, Bps);
    return SIM_OK;
}

enum sim_status mdl_input_set_spec_acceptance(struct mdl_input *in, double a,
                                              struct sim_err *err)
{
    if (in->plan.spec_k <= 0)
        return sim_err_set(err, SIM_EINVAL, "%s: $.speculative.acceptance: the input does not "
                           "verify speculatively (no $.speculative.k)", in->origin);
    if (!(a >= 0.0 && a <= 1.0))
        return sim_err_set(err, SIM_EINVAL, "%s: $.speculative.acceptance: expected a value in "
                           "[0, 1], found %g", in->origin, a);
    in->spec_acceptance = a;
    return SIM_OK;
}

enum sim_status mdl_input_set_uplink_Bps(struct mdl_input *in, double Bps, struct sim_err *err)
{
    return set_rate(in, &in->link.uplink_Bps, "uplink", Bps, err);
}

enum sim_status mdl_input_set_downlink_Bps(struct mdl_input *in, double Bps,
                                           struct sim_err *err)
{
    return set_rate(in, &in->link.downlink_Bps, "downlink", Bps, err);
}

enum sim_status mdl_input_set_mode(struct mdl_input *in, enum ref_mode mode,
                                   struct sim_err *err)
{
    if (mode < 0 || mode >= REF_MODE_COUNT)
        return sim_err_set(err, SIM_EINVAL, "%s: $.mode: unknown mode %d", in->origin,
                           (int)mode);
    const enum ref_mode old = in->plan.mode;
    const int64_t old_k = in->plan.spec_k;
    in->plan.mode = mode;
    if (mode == REF_MODE_DEVICE_ONLY || mode == REF_MODE_CLOUD_ONLY)
        in->plan.spec_k = 0; // no verification pass without a split
    const enum sim_status st = mdl_input_check(in, err);
    if (st != SIM_OK && st != SIM_ERANGE) { // unfit is valid: kept, and said
        in->plan.mode = old;
        in->plan.spec_k = old_k;
    }
    return st;
}
