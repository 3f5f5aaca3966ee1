/*
 * analysis/capacity: phones within an SLO. See capacity.h.
 */
#include "analysis/capacity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "sim/run.h"

/* Runs in with n phones into the next evaluation; *ok: the target met. */
static enum sim_status evaluate(const struct mdl_input *in, int64_t n, struct ana_capacity *c,
                                FILE *log, int *ok, struct sim_err *err)
{
    if (c->n_evals == ANA_CAPACITY_MAX_EVALS)
        return sim_err_set(err, SIM_EIO, "capacity: no answer after %d simulations",
                           ANA_CAPACITY_MAX_EVALS);
    struct mdl_input x = *in;
    enum sim_status st = mdl_input_set_devices(&x, n, err);
    if (st != SIM_OK)
        return st;
    struct sim_run_opts o;
    memset(&o, 0, sizeof o);
    struct sim_result r;
    st = sim_run(&x, &o, &r, err);
    if (st != SIM_OK)
        return st;
    struct ana_capacity_eval *e = &c->evals[c->n_evals++];
    *e = (struct ana_capacity_eval){n, r.summary.slo_attainment, r.summary.ttft_p99_s,
                                    r.summary.tpot_p99_s, r.summary.aggregate_decode_tps};
    sim_result_free(&r);
    *ok = e->attainment >= c->target;
    if (log != NULL)
        fprintf(log, "capacity: %lld phone(s): %.1f %% of requests within the SLO (p99 TTFT "
                "%.3f s, p99 TPOT %.3f s), %.1f tokens/s in all: %s\n", (long long)n,
                100.0 * e->attainment, e->ttft_p99_s, e->tpot_p99_s, e->aggregate_decode_tps,
                *ok ? "met" : "missed");
    return SIM_OK;
}

enum sim_status ana_capacity_find(const struct mdl_input *in, double target,
                                  int64_t max_devices, double tolerance, FILE *log,
                                  struct ana_capacity *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    out->target = target;
    if (!(in->slo.ttft_s > 0.0) && !(in->slo.tpot_s > 0.0))
        return sim_err_set(err, SIM_EINVAL, "%s: $.slo: capacity needs an SLO (slo.ttft, "
                           "slo.tpot or both)", in->origin);
    if (!(target > 0.0 && target <= 1.0))
        return sim_err_set(err, SIM_EINVAL, "capacity: the attainment must be in (0, 1], found "
                           "%g", target);
    if (max_devices < 1 || !(tolerance >= 0.0))
        return sim_err_set(err, SIM_EINVAL, "capacity: the phones' bound must be >= 1 and the "
                           "tolerance >= 0");
    int ok = 0;
    // double until a run misses (or the bound is reached) ...
    for (int64_t n = 1;; n = n * 2 < max_devices ? n * 2 : max_devices) {
        const enum sim_status st = evaluate(in, n, out, log, &ok, err);
        if (st != SIM_OK)
            return st;
        if (!ok) {
            out->missed = n;
            break;
        }
        out->met = n;
        if (n == max_devices)
            return SIM_OK;
    }
    // ... then bisect between the last met and the first missed
    while (out->met > 0 &&
           (double)(out->missed - out->met) > fmax(1.0, tolerance * (double)out->met)) {
        const int64_t mid = out->met + (out->missed - out->met) / 2;
        const enum sim_status st = evaluate(in, mid, out, log, &ok, err);
        if (st != SIM_OK)
            return st;
        if (ok)
            out->met = mid;
        else
            out->missed = mid;
    }
    return SIM_OK;
}

char *ana_capacity_json(const char *scenario, const struct mdl_input *in,
                        const struct ana_capacity *c)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "scenario", scenario);
    cJSON *slo = cJSON_AddObjectToObject(root, "slo");
    if (in->slo.ttft_s > 0.0)
        cJSON_AddNumberToObject(slo, "ttft_s", in->slo.ttft_s);
    if (in->slo.tpot_s > 0.0)
        cJSON_AddNumberToObject(slo, "tpot_s", in->slo.tpot_s);
    cJSON_AddNumberToObject(root, "attainment_target", c->target);
    cJSON_AddNumberToObject(root, "devices_met", (double)c->met);
    if (c->missed > 0)
        cJSON_AddNumberToObject(root, "devices_missed", (double)c->missed);
    else
        cJSON_AddNullToObject(root, "devices_missed");
    cJSON *ev = cJSON_AddArrayToObject(root, "evaluations");
    for (int i = 0; i < c->n_evals; i++) {
        const struct ana_capacity_eval *e = &c->evals[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "devices", (double)e->devices);
        cJSON_AddNumberToObject(x, "slo_attainment", e->attainment);
        cJSON_AddNumberToObject(x, "ttft_p99_s", e->ttft_p99_s);
        cJSON_AddNumberToObject(x, "tpot_p99_s", e->tpot_p99_s);
        cJSON_AddNumberToObject(x, "aggregate_decode_tps", e->aggregate_decode_tps);
        cJSON_AddItemToArray(ev, x);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}
