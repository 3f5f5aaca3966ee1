/*
 * models/hw: names and look-ups for the hardware structs. See hw.h.
 */
#include "models/hw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "util/status.h"

const char *const mdl_kind_names[MDL_KIND_OVERRIDE + 2] = {"spec", "measured", "assumed",
                                                            "override", NULL};
const char *const mdl_catalog_kind_names[MDL_KIND_OVERRIDE + 1] = {"spec", "measured",
                                                                   "assumed", NULL};
const char *const mdl_precision_names[MDL_PREC_COUNT + 1] = {"fp32", "fp16", "bf16", "int8",
                                                             "int4", NULL};
const char *const mdl_sparsity_names[3] = {"dense", "sparse", NULL};
const char *const mdl_scope_names[3] = {"model", "decoder", NULL};

const char *mdl_kind_name(enum mdl_kind k)
{
    return (k >= 0 && k <= MDL_KIND_OVERRIDE) ? mdl_kind_names[k] : "?";
}

const char *mdl_precision_name(enum mdl_precision p)
{
    return (p >= 0 && p < MDL_PREC_COUNT) ? mdl_precision_names[p] : "?";
}

const struct mdl_measured *mdl_device_find_measured(const struct mdl_device *dev,
                                                    const char *model,
                                                    double weight_bits,
                                                    enum ref_phase phase)
{
    for (int i = 0; i < dev->n_measured; i++) {
        const struct mdl_measured *m = &dev->measured[i];
        if (strcmp(m->model, model) == 0 && m->weight_bits == weight_bits &&
            m->phase == phase && m->batch == 1)
            return m;
    }
    return NULL;
}

void mdl_link_schedule(const struct mdl_link *l, struct mdl_link_sample **out, int64_t *n,
                       double *period_s)
{
    const struct mdl_link_trace *tr = l->trace_rows;
    const int64_t m = tr->n;
    const double start = l->trace_start_s.present ? l->trace_start_s.value : 0.0;
    // the loop's period: the last row holds as long as the interval before it
    double period = 0.0;
    if (l->trace_loop && m >= 2)
        period = tr->rows[m - 1].t_s + (tr->rows[m - 1].t_s - tr->rows[m - 2].t_s);
    const double s0 = period > 0.0 ? fmod(start, period) : start;
    struct mdl_link_sample *v = sim_xcalloc((size_t)(2 * m + 1), sizeof *v);
    int64_t k = 0;
    // in force at s0: the last row at or before it (the first row before it starts)
    int64_t at = 0;
    for (int64_t j = 0; j < m; j++)
        if (tr->rows[j].t_s <= s0)
            at = j;
    v[k] = tr->rows[at];
    v[k++].t_s = 0.0;
    for (int64_t j = 0; j < m; j++) // the rows after s0
        if (tr->rows[j].t_s > s0 && (period == 0.0 || tr->rows[j].t_s < period)) {
            v[k] = tr->rows[j];
            v[k++].t_s = tr->rows[j].t_s - s0;
        }
    for (int64_t j = 0; j < m && period > 0.0 && s0 > 0.0; j++) // then around the loop
        if (tr->rows[j].t_s < s0) {
            v[k] = tr->rows[j];
            v[k++].t_s = tr->rows[j].t_s + period - s0;
        }
    *out = v;
    *n = k;
    *period_s = period;
}

const struct mdl_link_sample *mdl_link_at(const struct mdl_link_sample *s, int64_t n,
                                          double period_s, double t)
{
    if (period_s > 0.0)
        t = fmod(t, period_s);
    int64_t lo = 0, hi = n - 1; // the last sample at or before t
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (s[mid].t_s <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return &s[lo];
}

void mdl_link_markov(const struct mdl_link_state st[2], double duration_s, uint64_t seed,
                     struct mdl_link_sample **out, int64_t *n)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(rng != NULL, "out of memory for the RNG");
    gsl_rng_set(rng, (unsigned long)seed);
    int64_t cap = 64, k = 0;
    struct mdl_link_sample *v = sim_xcalloc((size_t)cap, sizeof *v);
    const double p_good = st[0].dwell_s / (st[0].dwell_s + st[1].dwell_s);
    int s = gsl_rng_uniform(rng) < p_good ? 0 : 1;
    for (double t = 0.0; t < duration_s; s = 1 - s) {
        if (k == cap) {
            cap *= 2;
            v = sim_xrealloc(v, (size_t)cap * sizeof *v);
        }
        v[k++] = (struct mdl_link_sample){t, st[s].uplink_Bps, st[s].downlink_Bps, st[s].rtt_s};
        t += gsl_ran_exponential(rng, st[s].dwell_s);
    }
    gsl_rng_free(rng);
    *out = v;
    *n = k;
}
