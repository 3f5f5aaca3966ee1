/*
 * analysis/breakeven: root finding over simulations. See breakeven.h.
 */
#include "analysis/breakeven.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stdlib.h>

#include <cJSON.h>

#include "analysis/text.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "scenarios/scenario.h"
#include "sim/run.h"

/* What the GSL callback needs; the first failure is kept in st/err. */
struct eval_ctx {
    struct mdl_input in[2]; /* [0] the input, [1] what it is compared against */
    enum ana_over over;
    int evaluations;
    double other_tps;   /* the other's speed once known, when the network cannot change it */
    enum sim_status st;
    struct sim_err err;
};

/* Keeps the first failure. */
static void fail(struct eval_ctx *c, enum sim_status st, const struct sim_err *err)
{
    if (c->st == SIM_OK) {
        c->st = st;
        c->err = *err;
    }
}

/* Decode tokens/s of the input (other = 0) or of the other at x. */
static double tps_at(struct eval_ctx *c, double x, int other)
{
    struct mdl_input *in = &c->in[other];
    // device-only crosses no link: its speed is one simulation, whatever x
    const int fixed = other && !mdl_input_uses_side(in, REF_CLOUD);
    if (fixed && !isnan(c->other_tps))
        return c->other_tps;
    struct sim_err err;
    enum sim_status st = c->over == ANA_OVER_RTT ? mdl_input_set_rtt_s(in, x, &err)
                                                 : mdl_input_set_uplink_Bps(in, x, &err);
    if (st != SIM_OK) {
        fail(c, st, &err);
        return NAN;
    }
    struct sim_run_opts o;
    memset(&o, 0, sizeof o); // the platform: a private temporary
    struct sim_result r;
    st = sim_run(in, &o, &r, &err);
    if (st != SIM_OK) {
        fail(c, st, &err);
        return NAN;
    }
    const double tps = r.summary.decode_tps;
    sim_result_free(&r);
    if (fixed)
        c->other_tps = tps;
    return tps;
}

/* The variable the solver moves: x itself, or log10 of a bandwidth. */
static double to_x(const struct eval_ctx *c, double u)
{
    return c->over == ANA_OVER_UPLINK ? pow(10.0, u) : u;
}

static double difference(double u, void *params)
{
    struct eval_ctx *c = params;
    c->evaluations++;
    const double x = to_x(c, u);
    return tps_at(c, x, 0) - tps_at(c, x, 1);
}

enum sim_status ana_breakeven_other(const struct mdl_input *in, const char *vs,
                                    struct mdl_input *other, struct sim_err *err)
{
    const int preset = strcmp(vs, "device-only") == 0 || strcmp(vs, "cloud-only") == 0;
    char ov[4][96];
    snprintf(ov[0], sizeof ov[0], "model=%s", in->model_name);
    snprintf(ov[1], sizeof ov[1], "edge=%s", in->edge.name);
    snprintf(ov[2], sizeof ov[2], "cloud=%s", in->cloud.name);
    snprintf(ov[3], sizeof ov[3], "cost.edge.method=roofline");
    const char *const set[4] = {ov[0], ov[1], ov[2], ov[3]};
    scn_scenario_t *s = NULL;
    struct sim_err why;
    enum sim_status st = scn_scenario_load_with(vs, set, preset ? 3 : 0, &s, &why);
    if (st != SIM_OK && !preset)
        return sim_err_set(err, SIM_EINVAL, "%s", why.msg);
    if (st != SIM_OK && strcmp(vs, "device-only") == 0) {
        // a phone that cannot hold the model has no speed to calibrate:
        // say that first (the roofline load only places the weights)
        scn_scenario_t *r = NULL;
        struct sim_err fit;
        const enum sim_status fs = scn_scenario_load_with(vs, set, 4, &r, &fit);
        scn_scenario_destroy(r);
        if (fs == SIM_ERANGE) {
            *err = fit;
            return SIM_ERANGE;
        }
    }
    if (st != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "the %s preset for %s on %s and %s: %s; compare "
                           "against a scenario file with --vs FILE", vs, in->model_name,
                           in->edge.name, in->cloud.name, why.msg);
    *other = *scn_scenario_input(s);
    scn_scenario_destroy(s);
    if (!preset)
        return SIM_OK;
    // the same cell and the same work: the two differ in design only
    other->link = in->link;
    other->downlink_counted = in->downlink_counted;
    other->workload = in->workload;
    other->cloud_gpus = in->cloud_gpus;
    other->seed = in->seed;
    return mdl_input_check(other, err);
}

enum sim_status ana_breakeven_find(const struct mdl_input *in, const struct mdl_input *other,
                                   enum ana_over over, double lo, double hi,
                                   struct ana_breakeven *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    if (!(lo < hi) || lo < 0 || (over == ANA_OVER_UPLINK && !(lo > 0)))
        return sim_err_set(err, SIM_EINVAL, "the search range must have 0 <= lo < hi (lo > 0 "
                           "for a bandwidth), found [%g, %g]", lo, hi);
    struct eval_ctx c = {.in = {*in, *other}, .over = over, .other_tps = NAN, .st = SIM_OK};
    out->lo = lo;
    out->hi = hi;
    for (int k = 0; k < 2; k++) {
        out->tps_lo[k] = tps_at(&c, lo, k);
        out->tps_hi[k] = tps_at(&c, hi, k);
    }
    if (c.st != SIM_OK) {
        *err = c.err;
        return c.st;
    }
    const double f_lo = out->tps_lo[0] - out->tps_lo[1], f_hi = out->tps_hi[0] - out->tps_hi[1];
    if (f_lo * f_hi > 0.0)
        return SIM_OK; // no crossing in the range
    gsl_function F = {.function = difference, .params = &c};
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    SIM_ASSERT(solver != NULL, "out of memory for the root finder");
    const double u_lo = over == ANA_OVER_UPLINK ? log10(lo) : lo;
    const double u_hi = over == ANA_OVER_UPLINK ? log10(hi) : hi;
    int status = gsl_root_fsolver_set(solver, &F, u_lo, u_hi);
    double u = 0.5 * (u_lo + u_hi);
    int converged = 0;
    for (int it = 0; status == GSL_SUCCESS && !converged && it < 100; it++) {
        status = gsl_root_fsolver_iterate(solver);
        u = gsl_root_fsolver_root(solver);
        // the bracket is within 1e-7 relative (and 1 ns for an RTT)
        const int t = gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                             gsl_root_fsolver_x_upper(solver),
                                             over == ANA_OVER_RTT ? 1e-9 : 0.0, 1e-7);
        converged = t == GSL_SUCCESS;
    }
    gsl_root_fsolver_free(solver);
    if (c.st != SIM_OK) {
        *err = c.err;
        return c.st;
    }
    if (!converged)
        return sim_err_set(err, SIM_ERANGE, "the root finder did not converge: %s",
                           status != GSL_SUCCESS ? gsl_strerror(status) : "100 iterations");
    out->found = 1;
    out->x = to_x(&c, u);
    out->tps_x = tps_at(&c, out->x, 0);
    out->evaluations = c.evaluations + 2;
    return SIM_OK;
}

char *ana_breakeven_json(const char *scenario, const char *vs, enum ana_over over,
                         const struct ana_breakeven *b)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", scenario);
    cJSON_AddStringToObject(o, "vs", vs);
    cJSON_AddStringToObject(o, "over", over == ANA_OVER_RTT ? "rtt" : "uplink");
    cJSON_AddStringToObject(o, "unit", over == ANA_OVER_RTT ? "s" : "B/s");
    cJSON_AddBoolToObject(o, "found", b->found);
    if (b->found) {
        cJSON_AddNumberToObject(o, "value", b->x);
        cJSON_AddNumberToObject(o, "decode_tps_at_value", b->tps_x);
    } else {
        cJSON_AddNullToObject(o, "value");
    }
    cJSON_AddNumberToObject(o, "range_lo", b->lo);
    cJSON_AddNumberToObject(o, "range_hi", b->hi);
    cJSON_AddNumberToObject(o, "decode_tps_lo", b->tps_lo[0]);
    cJSON_AddNumberToObject(o, "other_tps_lo", b->tps_lo[1]);
    cJSON_AddNumberToObject(o, "decode_tps_hi", b->tps_hi[0]);
    cJSON_AddNumberToObject(o, "other_tps_hi", b->tps_hi[1]);
    return ana_json_take(o);
}
