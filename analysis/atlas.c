/*
 * analysis/atlas: simulations over designs and RTTs, break-even searches
 * and the acceptance each draft length needs. See atlas.h.
 *
 * Every simulation is a resolved input: each model and design is loaded
 * once, and the RTT is varied through the typed setter. The grid, the
 * speeds at the marked RTTs and the speculative pass times run in one
 * parallel batch; the break-even searches run after it.
 */
#include "analysis/atlas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "analysis/breakeven.h"
#include "analysis/render.h"
#include "scenarios/scenario.h"
#include "util/afile.h"
#include "util/paths.h"

// ---- what the atlas covers ----

#define DRAFT "speculative.draft=stories-110m"
#define N_DESIGNS ANA_ATLAS_DESIGNS
#define N_GRID 16          /* RTTs 10^(-1 + 0.2 i) ms: 0.1 .. 100 ms */
#define N_MARKS 2          /* the RTTs the tables report */
#define N_TAKE 8           /* draft lengths of "what it takes" */
#define MAX_OV (ANA_ATLAS_MAX_SET + 3)

struct design {
    const char *label;
    const char *ov[3];
    int n_ov;
};

static const struct design designs[N_DESIGNS] = {
    {"PrivateLoRA", {NULL}, 0},
    {"PL overlap", {"timing=overlap"}, 1},
    {"PL first-k 1", {"mode=privatelora-first-k", "first_k=1"}, 2},
    {"spec k=2 a=0.6", {"speculative.k=2", "speculative.acceptance=0.6", DRAFT}, 3},
    {"spec k=2 a=0.8", {"speculative.k=2", "speculative.acceptance=0.8", DRAFT}, 3},
    {"spec k=4 a=0.6", {"speculative.k=4", "speculative.acceptance=0.6", DRAFT}, 3},
    {"spec k=4 a=0.8", {"speculative.k=4", "speculative.acceptance=0.8", DRAFT}, 3},
    {"spec k=8 a=0.6", {"speculative.k=8", "speculative.acceptance=0.6", DRAFT}, 3},
    {"spec k=8 a=0.8", {"speculative.k=8", "speculative.acceptance=0.8", DRAFT}, 3},
};

static const double mark_rtt_s[N_MARKS] = {0.010, 0.047}; // an edge server; the US median
static const int take_k[N_TAKE] = {1, 2, 3, 4, 6, 8, 12, 16};

static double grid_rtt_s(int i)
{
    return 1e-3 * pow(10.0, -1.0 + 0.2 * i);
}

/* One model: its designs, its phone. */
struct model {
    char name[64];                     /* LLM catalog name */
    char preset[256];                  /* as given */
    int sel[N_DESIGNS], n_sel;         /* the designs asked for, in table order */
    struct mdl_input in[N_DESIGNS];
    int has_phone;                     /* 0: the phone cannot hold the model */
    char phone_note[400];              /* why not */
    struct mdl_input phone;
    /* results */
    int i_grid[N_DESIGNS], i_link[N_DESIGNS], i_mark[N_DESIGNS], i_phone;
    int i_take[N_MARKS][N_TAKE], i_check[N_MARKS][N_TAKE];
    double phone_tps;
    struct ana_breakeven be_rtt[N_DESIGNS], be_up[N_DESIGNS];
    double alpha[N_MARKS][N_TAKE];     /* acceptance needed; NAN: none suffices */
    double need[N_MARKS][N_TAKE];      /* tokens per pass needed */
};

/* A growing list of inputs for one batch. */
struct batch {
    struct mdl_input *in;
    int n, cap;
};

static int push(struct batch *b, const struct mdl_input *in)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->in = realloc(b->in, (size_t)b->cap * sizeof *b->in);
        SIM_ASSERT(b->in != NULL, "out of memory for the atlas");
    }
    b->in[b->n] = *in;
    return b->n++;
}

int64_t ana_atlas_work(const struct ana_atlas_opts *o)
{
    // per model: the grid, the link and the marks per design, the phone,
    // the pass times and their checks, and two searches per design of at
    // most 100 root-finder steps
    const int64_t nd = o->n_designs > 0 ? o->n_designs : N_DESIGNS;
    const int64_t per_model = nd * (N_GRID + 1 + N_MARKS) + 1 + 2 * N_MARKS * N_TAKE +
                              2 * nd * 102;
    return per_model * o->n_models;
}

// ---- loading ----

/* The designs o asks for (all when none), in table order. */
static enum sim_status select_designs(const struct ana_atlas_opts *o, int *sel, int *n,
                                      struct sim_err *err)
{
    *n = 0;
    for (int i = 0; i < o->n_designs; i++) {
        int found = -1;
        for (int d = 0; d < N_DESIGNS; d++)
            if (strcmp(o->designs[i], designs[d].label) == 0)
                found = d;
        if (found < 0) {
            char list[512] = "";
            for (int d = 0; d < N_DESIGNS; d++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'",
                         d ? ", " : "", designs[d].label);
            return sim_err_set(err, SIM_EINVAL, "--design: no design '%s'; the designs are %s",
                               o->designs[i], list);
        }
    }
    for (int d = 0; d < N_DESIGNS; d++) {
        int asked = o->n_designs == 0;
        for (int i = 0; i < o->n_designs; i++)
            asked |= strcmp(o->designs[i], designs[d].label) == 0;
        if (asked)
            sel[(*n)++] = d;
    }
    return SIM_OK;
}

static enum sim_status load(const struct ana_atlas_opts *o, const char *preset,
                            const struct design *d, const char *extra, struct mdl_input *out,
                            struct sim_err *err)
{
    const char *ov[MAX_OV + 1];
    int n = 0;
    for (int i = 0; i < o->n_set; i++)
        ov[n++] = o->set[i];
    for (int i = 0; i < d->n_ov; i++)
        ov[n++] = d->ov[i];
    if (extra != NULL)
        ov[n++] = extra;
    scn_scenario_t *s = NULL;
    const enum sim_status st = scn_scenario_load_with(preset, ov, n, &s, err);
    if (st == SIM_OK)
        *out = *scn_scenario_input(s);
    scn_scenario_destroy(s);
    return st;
}

/* Loads a model's designs and its phone, and queues its simulations. */
static enum sim_status plan_model(const struct ana_atlas_opts *o, struct model *m,
                                  struct batch *b, struct sim_err *err)
{
    for (int j = 0; j < m->n_sel; j++) {
        const int d = m->sel[j];
        enum sim_status st = load(o, m->preset, &designs[d], NULL, &m->in[d], err);
        if (st != SIM_OK)
            return st;
        if (j == 0)
            memcpy(m->name, m->in[d].model_name, sizeof m->name); // both 64 bytes
        else if (strcmp(m->in[d].model_name, m->name) != 0)
            return sim_err_set(err, SIM_EINVAL, "%s: a design changed the model", m->preset);
        struct mdl_input x = m->in[d];
        m->i_link[d] = push(b, &x);
        for (int i = 0; i < N_GRID + N_MARKS; i++) {
            const double rtt = i < N_GRID ? grid_rtt_s(i) : mark_rtt_s[i - N_GRID];
            x = m->in[d];
            if ((st = mdl_input_set_rtt_s(&x, rtt, err)) != SIM_OK)
                return st;
            const int k = push(b, &x);
            if (i == 0)
                m->i_grid[d] = k;
            if (i == N_GRID)
                m->i_mark[d] = k;
        }
    }
    struct sim_err why;
    const enum sim_status ph = ana_breakeven_other(&m->in[m->sel[0]], "device-only", &m->phone,
                                                   &why);
    if (ph == SIM_ERANGE) { // every design beats a phone that cannot run the model
        m->has_phone = 0;
        snprintf(m->phone_note, sizeof m->phone_note, "%s", why.msg);
        return SIM_OK;
    }
    if (ph != SIM_OK) {
        *err = why;
        return ph;
    }
    m->has_phone = 1;
    m->i_phone = push(b, &m->phone);
    // the pass time of each draft length at each marked RTT (acceptance 0:
    // a pass takes the same time whatever it accepts)
    for (int r = 0; r < N_MARKS; r++)
        for (int t = 0; t < N_TAKE; t++) {
            char k[48];
            snprintf(k, sizeof k, "speculative.k=%d", take_k[t]);
            const struct design sd = {"", {k, "speculative.acceptance=0", DRAFT}, 3};
            struct mdl_input x;
            enum sim_status st = load(o, m->preset, &sd, NULL, &x, err);
            if (st == SIM_OK)
                st = mdl_input_set_rtt_s(&x, mark_rtt_s[r], err);
            if (st != SIM_OK)
                return st;
            m->i_take[r][t] = push(b, &x);
        }
    return SIM_OK;
}

// ---- what it takes ----

/* Expected tokens per pass at acceptance a with k drafts: sum a^i, i = 0..k. */
static double tokens_per_pass(double a, int k)
{
    double s = 0.0, p = 1.0;
    for (int i = 0; i <= k; i++, p *= a)
        s += p;
    return s;
}

struct need_ctx {
    int k;
    double need;
};

static double need_gap(double a, void *params)
{
    const struct need_ctx *c = params;
    return tokens_per_pass(a, c->k) - c->need;
}

/* The acceptance at which k drafts yield need tokens per pass: 0 when one
 * token is enough, NAN when even k + 1 is not. */
static double alpha_needed(int k, double need)
{
    if (need <= 1.0)
        return 0.0;
    if (need > k + 1.0)
        return NAN;
    struct need_ctx c = {k, need};
    gsl_function F = {.function = need_gap, .params = &c};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    SIM_ASSERT(s != NULL, "out of memory for the root finder");
    double a = NAN;
    if (gsl_root_fsolver_set(s, &F, 0.0, 1.0) == GSL_SUCCESS)
        for (int it = 0; it < 100; it++) {
            if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
                break;
            a = gsl_root_fsolver_root(s);
            if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                       1e-9, 0.0) == GSL_SUCCESS)
                break;
        }
    gsl_root_fsolver_free(s);
    return a;
}

// ---- the outputs ----

/* A break-even as text: the value, "always" (the phone cannot run the
 * model) or "never" (no crossing in the range). */
static const char *be_text(const struct model *m, const struct ana_breakeven *b, double scale,
                           int digits, char *buf, size_t n)
{
    if (!m->has_phone)
        snprintf(buf, n, "always");
    else if (!b->found)
        snprintf(buf, n, "never");
    else
        snprintf(buf, n, "%.*g", digits, b->x * scale);
    return buf;
}

static enum sim_status write_csvs(const char *dir, const struct model *ms, int n_models,
                                  const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "atlas.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "model,design,decode_tps_at_link,decode_tps_10ms,decode_tps_47ms,phone_tps,"
               "breakeven_rtt_ms,breakeven_uplink_mbps\n");
    for (int mi = 0; mi < n_models; mi++) {
        const struct model *m = &ms[mi];
        for (int j = 0; j < m->n_sel; j++) {
            const int d = m->sel[j];
            char x[32], y[32];
            fprintf(f, "%s,%s,%.9g,%.9g,%.9g,%.9g,%s,%s\n", m->name, designs[d].label,
                    r[m->i_link[d]].decode_tps, r[m->i_mark[d]].decode_tps,
                    r[m->i_mark[d] + 1].decode_tps, m->has_phone ? m->phone_tps : 0.0,
                    be_text(m, &m->be_rtt[d], 1e3, 9, x, sizeof x),
                    be_text(m, &m->be_up[d], 8e-6, 9, y, sizeof y));
        }
    }
    enum sim_status st = sim_afile_commit(&a, err);
    if (st != SIM_OK)
        return st;
    // the image: rows top to bottom, x = log10 of the RTT in ms
    f = sim_afile_open_in(&a, dir, "atlas-grid.csv", err);
    if (f == NULL)
        return SIM_EIO;
    for (int mi = 0, row = 0; mi < n_models; mi++)
        for (int j = 0; j < ms[mi].n_sel; j++, row++) {
            const int d = ms[mi].sel[j];
            for (int i = 0; i < N_GRID; i++)
                fprintf(f, "%.4f,%d,%.9g\n", log10(grid_rtt_s(i) * 1e3), row,
                        r[ms[mi].i_grid[d] + i].decode_tps);
            fputc('\n', f);
        }
    if ((st = sim_afile_commit(&a, err)) != SIM_OK)
        return st;
    // row names, and where each row equals the phone
    f = sim_afile_open_in(&a, dir, "atlas-rows.gp", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "rows = %d\nset ytics (", n_models * ms[0].n_sel);
    for (int mi = 0, row = 0; mi < n_models; mi++)
        for (int j = 0; j < ms[mi].n_sel; j++, row++)
            fprintf(f, "%s\"%s %s\" %d", row ? ", " : "", ms[mi].name,
                    designs[ms[mi].sel[j]].label, row);
    fprintf(f, ")\n");
    char none[256] = ""; // the models the phone cannot hold, for the title
    for (int mi = 0, row = 0; mi < n_models; mi++, row += ms[0].n_sel) {
        if (mi > 0) // a white rule between models
            fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead lw 3 "
                       "lc rgb 'white' front\n", row - 0.5, row - 0.5);
        if (!ms[mi].has_phone)
            snprintf(none + strlen(none), sizeof none - strlen(none), "%s%s",
                     none[0] ? ", " : "", ms[mi].name);
    }
    fprintf(f, "subtitle = '%s%s'\n", none, none[0] ? ": the phone cannot hold them, every "
            "design wins" : "");
    if ((st = sim_afile_commit(&a, err)) != SIM_OK)
        return st;
    f = sim_afile_open_in(&a, dir, "atlas-contour.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "log10_rtt_ms,row\n");
    for (int mi = 0, row = 0; mi < n_models; mi++) {
        for (int j = 0; j < ms[mi].n_sel; j++, row++) {
            const struct ana_breakeven *be = &ms[mi].be_rtt[ms[mi].sel[j]];
            if (ms[mi].has_phone && be->found && be->x > 0.0)
                fprintf(f, "%.6f,%d\n", log10(be->x * 1e3), row);
        }
        fputc('\n', f); // one line per model
    }
    if ((st = sim_afile_commit(&a, err)) != SIM_OK)
        return st;
    f = sim_afile_open_in(&a, dir, "atlas-take.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "model,rtt_ms,k,pass_ms,phone_tps,tokens_per_pass_needed,acceptance_needed,"
               "decode_tps_at_acceptance\n");
    for (int mi = 0; mi < n_models; mi++) {
        const struct model *m = &ms[mi];
        if (!m->has_phone)
            continue;
        for (int k = 0; k < N_MARKS; k++)
            for (int t = 0; t < N_TAKE; t++) {
                fprintf(f, "%s,%g,%d,%.9g,%.9g,%.9g,", m->name, mark_rtt_s[k] * 1e3, take_k[t],
                        r[m->i_take[k][t]].decode_step_s * 1e3, m->phone_tps, m->need[k][t]);
                if (isnan(m->alpha[k][t]))
                    fprintf(f, "none,\n");
                else
                    fprintf(f, "%.9g,%.9g\n", m->alpha[k][t], r[m->i_check[k][t]].decode_tps);
            }
    }
    return sim_afile_commit(&a, err);
}

/* The smallest draft length that can beat the phone at mark k, and the
 * one that needs the lowest acceptance; -1 when none can. */
static void best_k(const struct model *m, int k, int *smallest, int *easiest)
{
    *smallest = *easiest = -1;
    for (int t = 0; t < N_TAKE; t++) {
        if (isnan(m->alpha[k][t]))
            continue;
        if (*smallest < 0)
            *smallest = t;
        if (*easiest < 0 || m->alpha[k][t] < m->alpha[k][*easiest])
            *easiest = t;
    }
}

static enum sim_status write_md(const char *dir, const struct model *ms, int n_models,
                                const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "atlas.md", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "# Where each design beats the phone\n\n"
               "Written by `plsim atlas`. Decode tokens/s of each design at its preset's own "
               "link, at an RTT of 10 ms (an edge server) and 47 ms (the US 5G median), and "
               "where it equals the phone running the model alone: the device-only preset "
               "for the same model and phone (the 4-bit model at the phone's measured "
               "speed). Break-even RTT: the design is faster below it. Break-even uplink: "
               "faster above it, at the preset's own RTT. Speculative designs draft with "
               "stories-110m on the phone; their acceptance rate is an input.\n\n");
    for (int mi = 0; mi < n_models; mi++) {
        const struct model *m = &ms[mi];
        fprintf(f, "## %s (%s)\n\n", m->name, m->preset);
        if (m->has_phone)
            fprintf(f, "The phone alone: %.3g tokens/s.\n\n", m->phone_tps);
        else
            fprintf(f, "The phone cannot run it: %s. Every design beats it at any RTT.\n\n",
                    m->phone_note);
        fprintf(f, "| design | at the link | 10 ms | 47 ms | break-even RTT | "
                   "break-even uplink |\n|---|---:|---:|---:|---:|---:|\n");
        for (int j = 0; j < m->n_sel; j++) {
            const int d = m->sel[j];
            char x[32], y[32];
            be_text(m, &m->be_rtt[d], 1e3, 4, x, sizeof x);
            be_text(m, &m->be_up[d], 8e-6, 4, y, sizeof y);
            fprintf(f, "| %s | %.3g | %.3g | %.3g | %s%s | %s%s |\n", designs[d].label,
                    r[m->i_link[d]].decode_tps, r[m->i_mark[d]].decode_tps,
                    r[m->i_mark[d] + 1].decode_tps, x, m->has_phone && m->be_rtt[d].found ?
                    " ms" : "", y, m->has_phone && m->be_up[d].found ? " Mbps" : "");
        }
        if (!m->has_phone) {
            fputc('\n', f);
            continue;
        }
        fprintf(f, "\nWhat it takes to beat the phone with speculative verification: the "
                   "acceptance rate each draft length k needs (from the simulated time of "
                   "one pass and the expected tokens per pass (1 - a^(k+1)) / (1 - a)), and "
                   "the simulated speed at that rate (seeded draws over the preset's tokens: at "
                   "high acceptance only a dozen passes, so it scatters around the phone's "
                   "speed).\n\n"
                   "| RTT | k | pass (ms) | tokens/pass needed | acceptance needed | "
                   "simulated tokens/s |\n|---:|---:|---:|---:|---:|---:|\n");
        for (int k = 0; k < N_MARKS; k++)
            for (int t = 0; t < N_TAKE; t++) {
                fprintf(f, "| %g ms | %d | %.1f | %.2f | ", mark_rtt_s[k] * 1e3, take_k[t],
                        r[m->i_take[k][t]].decode_step_s * 1e3, m->need[k][t]);
                if (isnan(m->alpha[k][t]))
                    fprintf(f, "none (%d tokens at most) | |\n", take_k[t] + 1);
                else
                    fprintf(f, "%.3f | %.3g |\n", m->alpha[k][t],
                            r[m->i_check[k][t]].decode_tps);
            }
        fputc('\n', f);
        for (int k = 0; k < N_MARKS; k++) {
            int small, easy;
            best_k(m, k, &small, &easy);
            if (small < 0)
                fprintf(f, "- At %g ms no draft length up to %d beats the phone.\n",
                        mark_rtt_s[k] * 1e3, take_k[N_TAKE - 1]);
            else
                fprintf(f, "- At %g ms the smallest draft length that can beat the phone is "
                           "k = %d, at an acceptance of %.2f or more; k = %d needs the least, "
                           "%.2f.\n", mark_rtt_s[k] * 1e3, take_k[small], m->alpha[k][small],
                        take_k[easy], m->alpha[k][easy]);
        }
        fputc('\n', f);
    }
    return sim_afile_commit(&a, err);
}

// ---- the run ----

static enum sim_status search(struct model *m, const struct ana_atlas_opts *o, int64_t *done,
                              struct sim_err *err)
{
    for (int j = 0; j < m->n_sel && m->has_phone; j++) {
        const int d = m->sel[j];
        enum sim_status st = ana_breakeven_find(&m->in[d], &m->phone, ANA_OVER_RTT, 0.0, 1.0,
                                                &m->be_rtt[d], err);
        if (st == SIM_OK)
            st = ana_breakeven_find(&m->in[d], &m->phone, ANA_OVER_UPLINK, 125.0, 1.25e9,
                                    &m->be_up[d], err);
        if (st != SIM_OK)
            return st;
        *done += m->be_rtt[d].evaluations + m->be_up[d].evaluations;
        if (o->progress != NULL)
            o->progress(o->progress_ctx, *done);
    }
    return SIM_OK;
}

enum sim_status ana_atlas_make(const char *dir, const struct ana_atlas_opts *o,
                               struct sim_err *err)
{
    if (o->n_models < 1 || o->n_models > ANA_ATLAS_MAX_MODELS)
        return sim_err_set(err, SIM_EINVAL, "the atlas takes 1 to %d models, found %d",
                           ANA_ATLAS_MAX_MODELS, o->n_models);
    if (o->n_set > ANA_ATLAS_MAX_SET)
        return sim_err_set(err, SIM_EINVAL, "at most %d --set", ANA_ATLAS_MAX_SET);
    if (sim_mkdirs(dir) != 0)
        return sim_err_set(err, SIM_EIO, "%s: cannot create the directory", dir);
    struct model *ms = calloc((size_t)o->n_models, sizeof *ms);
    SIM_ASSERT(ms != NULL, "out of memory for the atlas");
    struct batch b = {NULL, 0, 0};
    enum sim_status st;
    int sel[N_DESIGNS], n_sel = 0;
    st = select_designs(o, sel, &n_sel, err);
    for (int i = 0; i < o->n_models && st == SIM_OK; i++) {
        snprintf(ms[i].preset, sizeof ms[i].preset, "%s", o->models[i]);
        memcpy(ms[i].sel, sel, sizeof sel);
        ms[i].n_sel = n_sel;
        st = plan_model(o, &ms[i], &b, err);
    }
    struct sim_summary *r = calloc((size_t)(b.n > 0 ? b.n : 1), sizeof *r);
    SIM_ASSERT(r != NULL, "out of memory for the atlas");
    int64_t failed = -1, done = b.n;
    if (st == SIM_OK)
        st = ana_simulate_all(b.in, b.n, o->jobs, o->progress, o->progress_ctx, r, &failed,
                              err);
    // the acceptance each draft length needs, then a seeded run at it
    const int first_check = b.n;
    for (int i = 0; i < o->n_models && st == SIM_OK; i++) {
        struct model *m = &ms[i];
        if (!m->has_phone)
            continue;
        m->phone_tps = r[m->i_phone].decode_tps;
        for (int k = 0; k < N_MARKS && st == SIM_OK; k++)
            for (int t = 0; t < N_TAKE && st == SIM_OK; t++) {
                m->need[k][t] = m->phone_tps * r[m->i_take[k][t]].decode_step_s;
                m->alpha[k][t] = alpha_needed(take_k[t], m->need[k][t]);
                if (isnan(m->alpha[k][t]))
                    continue;
                struct mdl_input x = b.in[m->i_take[k][t]];
                st = mdl_input_set_spec_acceptance(&x, m->alpha[k][t], err);
                if (st == SIM_OK)
                    m->i_check[k][t] = push(&b, &x);
            }
    }
    if (st == SIM_OK && b.n > first_check) {
        struct sim_summary *r2 = realloc(r, (size_t)b.n * sizeof *r);
        SIM_ASSERT(r2 != NULL, "out of memory for the atlas");
        r = r2;
        st = ana_simulate_all(b.in + first_check, b.n - first_check, o->jobs, NULL, NULL,
                              r + first_check, &failed, err);
    }
    for (int i = 0; i < o->n_models && st == SIM_OK; i++)
        st = search(&ms[i], o, &done, err);
    if (st == SIM_OK)
        st = write_csvs(dir, ms, o->n_models, r, err);
    if (st == SIM_OK)
        st = write_md(dir, ms, o->n_models, r, err);
    if (st == SIM_OK) {
        static const char *const names[1] = {"atlas"};
        st = ana_render(dir, names, 1, err);
    }
    free(b.in);
    free(r);
    free(ms);
    return st;
}
