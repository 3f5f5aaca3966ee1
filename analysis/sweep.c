/*
 * analysis/sweep: axes, points and the CSV. See sweep.h.
 */
#include "analysis/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/report.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"

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

/* Keys a sweep varies on the resolved input itself, through its typed
 * setters: the scenario is then read once, not once per point. */
struct typed_key {
    const char *key;
    enum scn_quantity q;
    enum sim_status (*set)(struct mdl_input *in, double si, struct sim_err *err);
};

static enum sim_status set_mode(struct mdl_input *in, double mode, struct sim_err *err)
{
    return mdl_input_set_mode(in, (enum ref_mode)mode, err);
}

static const struct typed_key typed_keys[] = {
    {"link.rtt", SCN_Q_TIME, mdl_input_set_rtt_s},
    {"link.uplink", SCN_Q_BANDWIDTH, mdl_input_set_uplink_Bps},
    {"link.downlink", SCN_Q_BANDWIDTH, mdl_input_set_downlink_Bps},
    {"mode", SCN_Q_COUNT, set_mode},
};

static const struct typed_key *typed_of(const char *key)
{
    for (size_t i = 0; i < sizeof typed_keys / sizeof typed_keys[0]; i++)
        if (strcmp(typed_keys[i].key, key) == 0)
            return &typed_keys[i];
    return NULL;
}

/* A value's SI number (a plain number is SI, as on the command line) or
 * mode index. */
static enum sim_status typed_value(const struct typed_key *t, const char *text, double *out,
                                   struct sim_err *err)
{
    struct sim_err why;
    if (t->q == SCN_Q_COUNT) { // the mode, by name
        enum ref_mode m;
        if (ref_mode_parse(text, &m) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "(command line): $.%s: unknown mode '%s'",
                               t->key, text);
        *out = (double)m;
        return SIM_OK;
    }
    char *end = NULL;
    *out = strtod(text, &end);
    if (end != text && *end == '\0')
        return SIM_OK;
    if (scn_units_parse(text, t->q, out, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "(command line): $.%s: %s", t->key, why.msg);
    return SIM_OK;
}

/* Point p of a sweep whose axes are all typed, from the resolved base. */
static enum sim_status typed_point(const struct ana_sweep *s, const struct mdl_input *base,
                                   int64_t p, struct mdl_input *in, struct sim_err *err)
{
    int idx[ANA_SWEEP_MAX_AXES];
    point_index(s, p, idx);
    *in = *base;
    enum sim_status st = SIM_OK;
    for (int k = 0; k < s->n_axes && st == SIM_OK; k++) {
        const struct typed_key *t = typed_of(s->axis[k].key);
        double v = 0.0;
        st = typed_value(t, s->axis[k].values[idx[k]], &v, err);
        if (st == SIM_OK)
            st = t->set(in, v, err);
        if (st == SIM_ERANGE) // set, but unfit: checked below
            st = SIM_OK;
    }
    if (st == SIM_OK)
        st = mdl_input_check(in, err);
    return st == SIM_ERANGE ? SIM_OK : st; // a point that does not fit has no speed (batch.h)
}

static int all_typed(const struct ana_sweep *s)
{
    int typed = 1;
    for (int k = 0; k < s->n_axes; k++)
        typed = typed && typed_of(s->axis[k].key) != NULL;
    return typed;
}

/* Point p of any sweep, each resolved from the files with its values as
 * overrides (after the fixed ones, so that its values win). */
static enum sim_status loaded_point(const struct ana_sweep *s, const char *file,
                                    const char *const *set, int n_set, int64_t p,
                                    struct mdl_input *in, struct sim_err *err)
{
    const char **ov = sim_xcalloc((size_t)n_set + ANA_SWEEP_MAX_AXES, sizeof *ov);
    char bufs[ANA_SWEEP_MAX_AXES][256];
    for (int i = 0; i < n_set; i++)
        ov[i] = set[i];
    const int n = n_set + ana_sweep_point_overrides(s, p, bufs, ov + n_set);
    scn_scenario_t *sc = NULL;
    int unfit = 0; // simulated as unfit: no speed (see batch.h)
    const enum sim_status st = scn_scenario_load_study(file, ov, n, &sc, &unfit, err);
    if (st == SIM_OK)
        *in = *scn_scenario_input(sc);
    scn_scenario_destroy(sc);
    free(ov);
    return st;
}

enum sim_status ana_sweep_inputs(const struct ana_sweep *s, const char *file,
                                 const char *const *set, int n_set, struct mdl_input *in,
                                 struct sim_err *err)
{
    const int64_t n_points = ana_sweep_points(s);
    enum sim_status st = SIM_OK;
    if (all_typed(s)) { // the scenario read once, each point set on it
        scn_scenario_t *sc = NULL;
        int unfit = 0; // the points are checked one by one
        st = scn_scenario_load_study(file, set, n_set, &sc, &unfit, err);
        for (int64_t p = 0; p < n_points && st == SIM_OK; p++)
            st = typed_point(s, scn_scenario_input(sc), p, &in[p], err);
        scn_scenario_destroy(sc);
        return st;
    }
    // a key that reshapes the scenario (model, rank, device, ...)
    for (int64_t p = 0; p < n_points && st == SIM_OK; p++)
        st = loaded_point(s, file, set, n_set, p, &in[p], err);
    return st;
}

enum sim_status ana_sweep_input_at(const struct ana_sweep *s, const char *file,
                                   const char *const *set, int n_set, int64_t p,
                                   struct mdl_input *in, struct sim_err *err)
{
    if (!all_typed(s))
        return loaded_point(s, file, set, n_set, p, in, err);
    scn_scenario_t *sc = NULL;
    int unfit = 0;
    enum sim_status st = scn_scenario_load_study(file, set, n_set, &sc, &unfit, err);
    if (st == SIM_OK)
        st = typed_point(s, scn_scenario_input(sc), p, in, err);
    scn_scenario_destroy(sc);
    return st;
}

void ana_sweep_write_header(FILE *f, const struct ana_sweep *s)
{
    for (int k = 0; k < s->n_axes; k++)
        fprintf(f, "%s,", s->axis[k].key);
    struct sim_summary dummy;
    memset(&dummy, 0, sizeof dummy);
    const char *names[RES_SUMMARY_FIELDS];
    double values[RES_SUMMARY_FIELDS];
    const int n = res_summary_fields(&dummy, names, values, RES_SUMMARY_FIELDS);
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
    const char *names[RES_SUMMARY_FIELDS];
    double values[RES_SUMMARY_FIELDS];
    const int n = res_summary_fields(sum, names, values, RES_SUMMARY_FIELDS);
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
