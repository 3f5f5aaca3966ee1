/*
 * models/requests: the requests of a run. See requests.h.
 */
#include "models/requests.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* Seeds apart from the speculative draws (the run's seed itself). */
#define ARRIVAL_SEED_MIX 0x9e3779b97f4a7c15ULL
#define LENGTH_SEED_MIX 0xc2b2ae3d27d4eb4fULL

static gsl_rng *rng_new(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(r != NULL, "out of memory for the RNG");
    gsl_rng_set(r, (unsigned long)seed);
    return r;
}

/* One length from d (fixed: the workload's value v). */
static int64_t draw_length(gsl_rng *rng, const struct mdl_lengths *d, int64_t v)
{
    switch (d->dist) {
    case MDL_LEN_FIXED:
        return v;
    case MDL_LEN_UNIFORM: {
        const unsigned long span = (unsigned long)(d->max - d->min) + 1UL;
        return (int64_t)d->min + (int64_t)gsl_rng_uniform_int(rng, span);
    }
    case MDL_LEN_LOGNORMAL: {
        const double sigma = log(d->p99 / d->median) / gsl_cdf_ugaussian_Pinv(0.99);
        const double x = round(gsl_ran_lognormal(rng, log(d->median), sigma));
        return (int64_t)fmin(fmax(x, 1.0), d->max);
    }
    }
    return v;
}

static int64_t max_length(const struct mdl_lengths *d, int64_t v)
{
    return d->dist == MDL_LEN_FIXED ? v : (int64_t)d->max;
}

/* The largest prompt (or output) among a trace's rows. */
static int64_t trace_max(const struct mdl_request_trace *t, int prompt)
{
    int64_t m = 1;
    for (int64_t j = 0; j < t->n; j++) {
        const int64_t v = prompt ? t->rows[j].prompt_tokens : t->rows[j].new_tokens;
        m = v > m ? v : m;
    }
    return m;
}

int64_t mdl_input_max_prompt_tokens(const struct mdl_input *in)
{
    const struct mdl_workload *w = &in->workload;
    if (w->arrival == MDL_ARRIVAL_TRACE && w->trace != NULL)
        return trace_max(w->trace, 1);
    return max_length(&w->prompt_dist, w->prompt_tokens);
}

int64_t mdl_input_max_new_tokens(const struct mdl_input *in)
{
    const struct mdl_workload *w = &in->workload;
    if (w->phase == REF_PHASE_PREFILL)
        return 1;
    if (w->arrival == MDL_ARRIVAL_TRACE && w->trace != NULL)
        return trace_max(w->trace, 0);
    return max_length(&w->new_dist, w->new_tokens);
}

int64_t mdl_input_n_requests(const struct mdl_input *in)
{
    const struct mdl_workload *w = &in->workload;
    if (w->arrival == MDL_ARRIVAL_TRACE)
        return w->trace != NULL ? w->trace->n : 0;
    return w->devices * w->requests;
}

void mdl_requests_build(const struct mdl_input *in, struct mdl_requests *out)
{
    const struct mdl_workload *w = &in->workload;
    const int64_t N = w->devices, n = mdl_input_n_requests(in);
    memset(out, 0, sizeof *out);
    out->n_dev = N;
    out->n = n;
    out->first = sim_xcalloc((size_t)N + 1, sizeof *out->first);
    out->req = sim_xcalloc((size_t)n, sizeof *out->req);
    // device d holds the requests j = d, d + N, ... of the global order
    for (int64_t d = 0; d < N; d++)
        out->first[d + 1] = out->first[d] + (n - d + N - 1) / N;
    const int prefill_only = w->phase == REF_PHASE_PREFILL;
    if (w->arrival == MDL_ARRIVAL_TRACE) {
        for (int64_t j = 0; j < n; j++) {
            const struct mdl_trace_row *row = &w->trace->rows[j];
            out->req[out->first[j % N] + j / N] = (struct mdl_request){
                row->arrival_s, row->prompt_tokens, prefill_only ? 1 : row->new_tokens};
        }
    } else {
        gsl_rng *len = rng_new(in->seed ^ LENGTH_SEED_MIX);
        for (int64_t i = 0; i < n; i++) { // device by device, request by request
            struct mdl_request *q = &out->req[i];
            q->prompt_tokens = draw_length(len, &w->prompt_dist, w->prompt_tokens);
            q->new_tokens = draw_length(len, &w->new_dist, w->new_tokens);
            if (prefill_only)
                q->new_tokens = 1;
            q->arrival_s = i == out->first[i / w->requests] ? 0.0 : NAN;
        }
        gsl_rng_free(len);
        if (w->arrival == MDL_ARRIVAL_POISSON) {
            gsl_rng *arr = rng_new(in->seed ^ ARRIVAL_SEED_MIX);
            double t = 0.0;
            for (int64_t j = 0; j < n; j++) {
                t += gsl_ran_exponential(arr, 1.0 / w->rate_per_s);
                out->req[out->first[j % N] + j / N].arrival_s = t;
            }
            gsl_rng_free(arr);
        }
    }
    for (int64_t i = 0; i < n; i++) {
        const struct mdl_request *q = &out->req[i];
        out->max_prompt_tokens = q->prompt_tokens > out->max_prompt_tokens
                                     ? q->prompt_tokens : out->max_prompt_tokens;
        out->max_new_tokens = q->new_tokens > out->max_new_tokens ? q->new_tokens
                                                                  : out->max_new_tokens;
    }
}

void mdl_requests_free(struct mdl_requests *r)
{
    free(r->first);
    free(r->req);
    memset(r, 0, sizeof *r);
}

static enum sim_status check_dist(const struct mdl_input *in, const char *key,
                                  const struct mdl_lengths *d, struct sim_err *err)
{
    switch (d->dist) {
    case MDL_LEN_FIXED:
        return SIM_OK;
    case MDL_LEN_UNIFORM:
        if (!(d->min >= 1.0) || !(d->max >= d->min) || d->min != floor(d->min) ||
            d->max != floor(d->max))
            return sim_err_set(err, SIM_EINVAL, "%s: $.workload.%s: a uniform length needs "
                               "whole numbers 1 <= min <= max, found min %g and max %g",
                               in->origin, key, d->min, d->max);
        return SIM_OK;
    case MDL_LEN_LOGNORMAL:
        if (!(d->median >= 1.0) || !(d->p99 > d->median) || !(d->max >= d->median) ||
            d->max != floor(d->max))
            return sim_err_set(err, SIM_EINVAL, "%s: $.workload.%s: a lognormal length needs "
                               "a median >= 1, a p99 above the median and a whole max >= the "
                               "median, found median %g, p99 %g and max %g", in->origin, key,
                               d->median, d->p99, d->max);
        return SIM_OK;
    }
    return SIM_OK;
}

enum sim_status mdl_input_check_lengths(const struct mdl_input *in, struct sim_err *err)
{
    const struct mdl_workload *w = &in->workload;
    enum sim_status st = check_dist(in, "prompt_dist", &w->prompt_dist, err);
    if (st == SIM_OK)
        st = check_dist(in, "new_dist", &w->new_dist, err);
    if (st == SIM_OK && w->arrival == MDL_ARRIVAL_TRACE &&
        (w->prompt_dist.dist != MDL_LEN_FIXED || w->new_dist.dist != MDL_LEN_FIXED))
        st = sim_err_set(err, SIM_EINVAL, "%s: $.workload: a trace gives every request's "
                         "lengths; remove prompt_dist and new_dist", in->origin);
    if (st == SIM_OK && w->arrival == MDL_ARRIVAL_TRACE && (w->trace == NULL || w->trace->n < 1))
        st = sim_err_set(err, SIM_EINVAL, "%s: $.workload.trace: an arrival trace needs a CSV "
                         "file of at least one request", in->origin);
    if (st == SIM_OK && w->arrival != MDL_ARRIVAL_TRACE && w->trace != NULL)
        st = sim_err_set(err, SIM_EINVAL, "%s: $.workload.trace: only a trace arrival reads "
                         "one; set \"arrival\": \"trace\"", in->origin);
    if (st == SIM_OK && w->arrival == MDL_ARRIVAL_TRACE && w->requests != 1)
        st = sim_err_set(err, SIM_EINVAL, "%s: $.workload.requests: a trace's rows are the "
                         "requests; remove requests", in->origin);
    return st;
}
