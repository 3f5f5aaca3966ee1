/*
 * models/cost: roofline and calibrated stage times. See cost.h.
 */
#include "models/cost.h"

#include <math.h>
#include <stdlib.h>

#include "util/status.h"

const char *const mdl_cost_method_names[3] = {"roofline", "calibrated", NULL};
const char *const mdl_calibration_scope_names[4] = {"catalog", "model", "decoder", NULL};

const char *mdl_cost_method_name(enum mdl_cost_method m)
{
    return mdl_cost_method_names[m == MDL_COST_CALIBRATED ? 1 : 0];
}

/* The roofline alone, without overhead or calibration. */
static double roofline_s(const struct mdl_cost *c, const struct ref_stage *s)
{
    const double bytes = s->weight_bytes + s->kv_read_bytes + s->kv_write_bytes;
    const double t_compute = s->flop / (c->peak_flop_per_s * c->compute_efficiency);
    const double t_memory = bytes / (c->mem_bw_Bps * c->memory_efficiency);
    return fmax(t_compute, t_memory);
}

double mdl_cost_stage_s(const struct mdl_cost *c, const struct ref_stage *s)
{
    if (s->kind != REF_STAGE_COMPUTE)
        return 0.0;
    return roofline_s(c, s) * c->scale + c->stage_overhead_s * s->kernel_calls;
}

/* Orders stages by layer, then operation: one kernel's stages adjacent. */
static int kernel_cmp(const void *a, const void *b)
{
    const struct ref_stage *x = *(const struct ref_stage *const *)a;
    const struct ref_stage *y = *(const struct ref_stage *const *)b;
    if (x->layer != y->layer)
        return (x->layer > y->layer) - (x->layer < y->layer);
    return ((int)x->op > (int)y->op) - ((int)x->op < (int)y->op);
}

double mdl_cost_batch_s(const struct mdl_cost *c, const struct ref_stage *const *stages, int n)
{
    if (n == 1)
        return mdl_cost_stage_s(c, stages[0]);
    const struct ref_stage **v = sim_xcalloc((size_t)n, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = stages[i];
    qsort(v, (size_t)n, sizeof *v, kernel_cmp);
    double t = 0.0;
    for (int i = 0; i < n;) {
        struct ref_stage k = *v[i]; // the kernel: weights once, the rest summed
        int j = i + 1;
        for (; j < n && kernel_cmp(&v[i], &v[j]) == 0; j++) {
            k.flop += v[j]->flop;
            k.weight_bytes = fmax(k.weight_bytes, v[j]->weight_bytes);
            k.kv_read_bytes += v[j]->kv_read_bytes;
            k.kv_write_bytes += v[j]->kv_write_bytes;
        }
        t += mdl_cost_stage_s(c, &k);
        i = j;
    }
    free(v);
    return t;
}

double mdl_cost_side_s(const struct mdl_cost *c, const struct ref_plan *p,
                       enum ref_place side)
{
    double t = 0.0;
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].kind == REF_STAGE_COMPUTE && p->stages[i].place == side)
            t += mdl_cost_stage_s(c, &p->stages[i]);
    return t;
}

enum sim_status mdl_cost_calibrate(struct mdl_cost *c, const struct ref_plan *p,
                                   enum ref_place side, int decoder_only,
                                   double tokens_per_s, struct sim_err *err)
{
    double roof = 0.0, calls = 0.0;
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].kind == REF_STAGE_COMPUTE && p->stages[i].place == side &&
            (!decoder_only || p->stages[i].layer >= 0)) {
            roof += roofline_s(c, &p->stages[i]);
            calls += p->stages[i].kernel_calls;
        }
    if (!(tokens_per_s > 0.0) || !(roof > 0.0))
        return sim_err_set(err, SIM_EINVAL,
                           "cannot calibrate: measured rate %g tokens/s, roofline time %g s",
                           tokens_per_s, roof);
    // the measured time per step covers the stages and their overheads
    const double tokens = (double)(p->opts.n_tokens * p->opts.batch);
    const double measured_s = tokens / tokens_per_s - calls * c->stage_overhead_s;
    if (!(measured_s > 0.0))
        return sim_err_set(err, SIM_EINVAL,
                           "cannot calibrate: stage overheads alone exceed the measured time");
    c->method = MDL_COST_CALIBRATED;
    c->scale = measured_s / roof;
    return SIM_OK;
}
