/*
 * analysis/sweep: axes, points and the CSV. See sweep.h.
 */
#include "analysis/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/report.h"
#include "scenarios/scenario.h"

enum sim_status ana_sweep_add_axis(struct ana_sweep *s, const char *spec, struct sim_err *err)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0')
        return sim_err_set(err, SIM_EINVAL, "--vary: expected KEY=V1,V2,..., found '%s'", spec);
    if (s->n_axes == ANA_SWEEP_MAX_AXES)
        return sim_err_set(err, SIM_EINVAL, "--vary: at most %d keys", ANA_SWEEP_MAX_AXES);
    struct ana_sweep_axis *a = &s->axis[s->n_axes];
    memset(a, 0, sizeof *a);
    snprintf(a->key, sizeof a->key, "%.*s", (int)(eq - spec), spec);
    char *list = strdup(eq + 1), *save = NULL;
    SIM_ASSERT(list != NULL, "out of memory");
    enum sim_status st = SIM_OK;
    for (char *t = strtok_r(list, ",", &save); t != NULL && st == SIM_OK;
         t = strtok_r(NULL, ",", &save)) {
        if (a->n == ANA_SWEEP_MAX_VALUES)
            st = sim_err_set(err, SIM_EINVAL, "--vary %s: at most %d values", a->key,
                             ANA_SWEEP_MAX_VALUES);
        else
            a->values[a->n++] = strdup(t);
    }
    free(list);
    s->n_axes++; // owned values are freed by ana_sweep_free whatever happens
    if (st == SIM_OK && a->n == 0)
        st = sim_err_set(err, SIM_EINVAL, "--vary %s: no values", a->key);
    if (st == SIM_OK && ana_sweep_points(s) > ANA_SWEEP_MAX_POINTS)
        st = sim_err_set(err, SIM_EINVAL, "--vary: %lld points exceed the bound of %d; split "
                         "the sweep", (long long)ana_sweep_points(s), ANA_SWEEP_MAX_POINTS);
    return st;
}

int64_t ana_sweep_points(const struct ana_sweep *s)
{
    int64_t n = 1;
    for (int k = 0; k < s->n_axes; k++)
        n *= s->axis[k].n;
    return n;
}

/* The value index of each axis at point p (the last axis varies fastest). */
static void point_index(const struct ana_sweep *s, int64_t p, int *idx)
{
    for (int k = s->n_axes - 1; k >= 0; k--) {
        idx[k] = (int)(p % s->axis[k].n);
        p /= s->axis[k].n;
    }
}

int ana_sweep_point_overrides(const struct ana_sweep *s, int64_t p, char bufs[][256],
                              const char **ov)
{
    int idx[ANA_SWEEP_MAX_AXES];
    point_index(s, p, idx);
    for (int k = 0; k < s->n_axes; k++) {
        snprintf(bufs[k], 256, "%s=%s", s->axis[k].key, s->axis[k].values[idx[k]]);
        ov[k] = bufs[k];
    }
    return s->n_axes;
}

enum sim_status ana_sweep_inputs(const struct ana_sweep *s, const char *file,
                                 const char *const *set, int n_set, struct mdl_input *in,
                                 struct sim_err *err)
{
    const int64_t n_points = ana_sweep_points(s);
    const char **ov = sim_xcalloc((size_t)n_set + ANA_SWEEP_MAX_AXES, sizeof *ov);
    enum sim_status st = SIM_OK;
    for (int64_t p = 0; p < n_points && st == SIM_OK; p++) {
        char bufs[ANA_SWEEP_MAX_AXES][256];
        for (int i = 0; i < n_set; i++) // the fixed overrides first: the point's values win
            ov[i] = set[i];
        const int n = n_set + ana_sweep_point_overrides(s, p, bufs, ov + n_set);
        scn_scenario_t *sc = NULL;
        st = scn_scenario_load_with(file, ov, n, &sc, err);
        if (st == SIM_OK)
            in[p] = *scn_scenario_input(sc);
        scn_scenario_destroy(sc);
    }
    free(ov);
    return st;
}

void ana_sweep_write_header(FILE *f, const struct ana_sweep *s)
{
    for (int k = 0; k < s->n_axes; k++)
        fprintf(f, "%s,", s->axis[k].key);
    struct sim_summary dummy;
    memset(&dummy, 0, sizeof dummy);
    const char *names[32];
    double values[32];
    const int n = res_summary_fields(&dummy, names, values, 32);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", names[i], i + 1 < n ? "," : "\n");
}

void ana_sweep_write_row(FILE *f, const struct ana_sweep *s, int64_t p,
                         const struct sim_summary *sum)
{
    int idx[ANA_SWEEP_MAX_AXES];
    point_index(s, p, idx);
    for (int k = 0; k < s->n_axes; k++)
        fprintf(f, "\"%s\",", s->axis[k].values[idx[k]]);
    const char *names[32];
    double values[32];
    const int n = res_summary_fields(sum, names, values, 32);
    for (int i = 0; i < n; i++) {
        if (isfinite(values[i]))
            fprintf(f, "%.17g", values[i]);
        fputs(i + 1 < n ? "," : "\n", f);
    }
}

void ana_sweep_free(struct ana_sweep *s)
{
    for (int k = 0; k < s->n_axes; k++)
        for (int i = 0; i < s->axis[k].n; i++)
            free(s->axis[k].values[i]);
    s->n_axes = 0;
}
