/*
 * analysis/figures: the figures. Simulates the points each figure needs
 * (in parallel), writes them as CSVs next to the figures, and renders the
 * plots/ scripts with gnuplot into PNG and SVG, each figure rendered in a
 * private folder and moved into place whole. `plsim plots` and `plsim
 * paper` use it.
 *
 * Figures use the presets as they are (every transfer timed, their own
 * workload), so a marked break-even is the one `plsim breakeven` finds
 * for the same preset.
 */
#include "analysis/figures.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp.h>

#include "scenarios/catalog.h"
#include "reference/accounting.h"
#include "scenarios/scenario.h"
#include "analysis/render.h"
#include "util/afile.h"
#include "util/paths.h"


// ---- the points ----

#define MAX_PTS 128
#define NOV 5

struct point {
    char preset[32];
    char ov[NOV][64];
    int n_ov;
};

struct points {
    struct point p[MAX_PTS];
    int n;
};

/* Adds a simulation point; returns its index. */
static int add(struct points *ps, const char *preset, const char *a, const char *b,
               const char *c)
{
    SIM_ASSERT(ps->n < MAX_PTS, "too many plot points");
    struct point *p = &ps->p[ps->n];
    memset(p, 0, sizeof *p);
    snprintf(p->preset, sizeof p->preset, "%s", preset);
    const char *x[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (x[i] != NULL)
            snprintf(p->ov[p->n_ov++], sizeof p->ov[0], "%s", x[i]);
    return ps->n++;
}

static const int ranks[] = {16, 32, 64, 128, 256, 512};
static const char *const models[3] = {"paper-7b.json", "paper-13b.json", "paper-30b.json"};
static const char *const model_names[3] = {"llama2-7b", "llama2-13b", "llama-30b"};
static const int batches[] = {1, 4, 16, 64};
/* RTTs on a log axis: the break-even points sit around 1-3 ms */
static const double rtts_ms[] = {0.1, 0.3, 1, 2, 3, 5, 10, 20, 47, 100};
static const double uplinks_mbps[] = {1, 2, 5, 10, 20, 60, 200};
#define N_OF(a) ((int)(sizeof a / sizeof a[0]))
#define CLOUD_SCOPE "cost.cloud.calibration_scope=model"

/* Indices of every figure's points. */
struct layout {
    int rank[3][N_OF(ranks)], cloud[3], device;
    int batch_pl[N_OF(batches)], batch_cloud[N_OF(batches)], batch_dev[N_OF(batches)];
    int rtt[N_OF(rtts_ms)][3], rtt_cloud[N_OF(rtts_ms)];
    int up_pl[N_OF(uplinks_mbps)], up_naive[N_OF(uplinks_mbps)], up_cloud[N_OF(uplinks_mbps)];
    int brk[2][5];
    int energy[N_OF(rtts_ms)][2]; /* the phone's energy: PrivateLoRA, speculative (US 5G) */
};

static void plan_points(struct points *ps, struct layout *L)
{
    char a[64], b[64];
    for (int m = 0; m < 3; m++) {
        for (int r = 0; r < N_OF(ranks); r++) {
            snprintf(a, sizeof a, "rank=%d", ranks[r]);
            L->rank[m][r] = add(ps, models[m], a, NULL, NULL);
        }
        snprintf(a, sizeof a, "model=%s", model_names[m]);
        L->cloud[m] = add(ps, "cloud-only.json", a, CLOUD_SCOPE, NULL);
    }
    L->device = add(ps, "device-only.json", NULL, NULL, NULL);
    for (int i = 0; i < N_OF(batches); i++) {
        snprintf(a, sizeof a, "workload.batch=%d", batches[i]);
        L->batch_pl[i] = add(ps, "paper-7b.json", a, NULL, NULL);
        L->batch_cloud[i] = add(ps, "cloud-only.json", a, CLOUD_SCOPE, NULL);
        L->batch_dev[i] = add(ps, "device-only.json", a, NULL, NULL);
    }
    for (int i = 0; i < N_OF(rtts_ms); i++) {
        snprintf(a, sizeof a, "link.rtt=%.17g", rtts_ms[i] / 1e3);
        L->rtt[i][0] = add(ps, "paper-7b.json", a, NULL, NULL);
        L->rtt[i][1] = add(ps, "paper-7b.json", a, "timing=overlap", NULL);
        L->rtt[i][2] = add(ps, "lora-all-layers.json", a, NULL, NULL);
        L->rtt_cloud[i] = add(ps, "cloud-only.json", a, CLOUD_SCOPE, NULL);
        L->energy[i][0] = add(ps, "realistic-5g-us.json", a, NULL, NULL);
        L->energy[i][1] = add(ps, "speculative-us.json", a, NULL, NULL);
    }
    for (int i = 0; i < N_OF(uplinks_mbps); i++) {
        snprintf(a, sizeof a, "link.uplink=%.17g", uplinks_mbps[i] * 1e6 / 8);
        L->up_pl[i] = add(ps, "paper-7b.json", a, NULL, NULL);
        L->up_naive[i] = add(ps, "lora-all-layers.json", a, NULL, NULL);
        L->up_cloud[i] = add(ps, "cloud-only.json", a, CLOUD_SCOPE, NULL);
    }
    static const char *const brk_presets[5] = {"paper-7b.json", "lora-all-layers.json",
                                               "paper-7b.json", "cloud-only.json",
                                               "device-only.json"};
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 5; m++) {
            snprintf(b, sizeof b, "%s", k == 0 ? "link=paper-5g" : "link=ookla-us-2024h1");
            L->brk[k][m] = add(ps, brk_presets[m], b,
                               m == 2 ? "mode=privatelora-first-k" : m == 3 ? CLOUD_SCOPE : NULL,
                               m == 2 ? "first_k=1" : NULL);
        }
}

// ---- CSVs ----

static enum sim_status write_rank(const char *dir, const struct layout *L,
                                      const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "rank.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "rank,pl7_decode,pl13_decode,pl30_decode,pl7_prefill,pl13_prefill,pl30_prefill,"
               "cloud7_decode,cloud13_decode,cloud30_decode,cloud7_prefill,cloud13_prefill,"
               "cloud30_prefill,device7_decode,device7_prefill\n");
    for (int i = 0; i < N_OF(ranks); i++) {
        fprintf(f, "%d", ranks[i]);
        for (int m = 0; m < 3; m++)
            fprintf(f, ",%.9g", r[L->rank[m][i]].decode_tps);
        for (int m = 0; m < 3; m++)
            fprintf(f, ",%.9g", r[L->rank[m][i]].prefill_tps);
        for (int m = 0; m < 3; m++)
            fprintf(f, ",%.9g", r[L->cloud[m]].decode_tps);
        for (int m = 0; m < 3; m++)
            fprintf(f, ",%.9g", r[L->cloud[m]].prefill_tps);
        fprintf(f, ",%.9g,%.9g\n", r[L->device].decode_tps, r[L->device].prefill_tps);
    }
    return sim_afile_commit(&a, err);
}

static enum sim_status write_batch(const char *dir, const struct layout *L,
                                       const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "batch.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "batch,privatelora_decode_tps,cloud_decode_tps,device_decode_tps\n");
    for (int i = 0; i < N_OF(batches); i++)
        fprintf(f, "%d,%.9g,%.9g,%.9g\n", batches[i], r[L->batch_pl[i]].decode_tps,
                r[L->batch_cloud[i]].decode_tps, r[L->batch_dev[i]].decode_tps);
    return sim_afile_commit(&a, err);
}

/* RTT (ms) where 1/tps of a curve meets 1/target, by linear GSL
 * interpolation of 1/tps (exactly linear in RTT for additive timing);
 * NaN when the curve does not cross. */
static double crossing_ms(const double *y_tps, double target_tps)
{
    const int n = N_OF(rtts_ms);
    double inv[N_OF(rtts_ms)];
    for (int i = 0; i < n; i++)
        inv[i] = 1.0 / y_tps[i];
    gsl_interp *it = gsl_interp_alloc(gsl_interp_linear, (size_t)n);
    gsl_interp_accel *acc = gsl_interp_accel_alloc();
    gsl_interp_init(it, rtts_ms, inv, (size_t)n);
    double x = NAN;
    for (int i = 0; i + 1 < n && isnan(x); i++) {
        const double lo = inv[i] - 1.0 / target_tps, hi = inv[i + 1] - 1.0 / target_tps;
        if (lo <= 0.0 && hi >= 0.0) {
            // linear on this segment: solve it, then check with the interpolant
            x = rtts_ms[i] + (rtts_ms[i + 1] - rtts_ms[i]) * (-lo) / (hi - lo);
            SIM_ASSERT(fabs(gsl_interp_eval(it, rtts_ms, inv, x, acc) - 1.0 / target_tps) <=
                           1e-9 / target_tps, "interpolation disagrees");
        }
    }
    gsl_interp_accel_free(acc);
    gsl_interp_free(it);
    return x;
}

static enum sim_status write_rtt(const char *dir, const struct layout *L,
                                     const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "rtt.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "rtt_ms,privatelora_additive,privatelora_overlap,naive_split,device_only,"
               "cloud_only\n");
    double curve[3][N_OF(rtts_ms)];
    for (int i = 0; i < N_OF(rtts_ms); i++) {
        fprintf(f, "%g", rtts_ms[i]);
        for (int k = 0; k < 3; k++) {
            curve[k][i] = r[L->rtt[i][k]].decode_tps;
            fprintf(f, ",%.9g", curve[k][i]);
        }
        fprintf(f, ",%.9g,%.9g\n", r[L->device].decode_tps, r[L->rtt_cloud[i]].decode_tps);
    }
    const enum sim_status st = sim_afile_commit(&a, err);
    if (st != SIM_OK)
        return st;
    // the points, and where their labels go: stacked above the device line
    f = sim_afile_open_in(&a, dir, "breakeven.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "label,rtt_ms,decode_tps,label_x_ms,label_y_tps\n");
    static const char *const names[3] = {"PL additive", "PL overlap", "naive split"};
    int shown = 0;
    for (int k = 0; k < 3; k++) {
        const double dev = r[L->device].decode_tps;
        const double x = crossing_ms(curve[k], dev);
        if (!isnan(x))
            fprintf(f, "\"%s = device-only at %.2f ms\",%.9g,%.9g,%.9g,%.9g\n", names[k], x, x,
                    dev, 4.0, dev * pow(1.35, ++shown));
    }
    return sim_afile_commit(&a, err);
}

static enum sim_status write_uplink(const char *dir, const struct layout *L,
                                        const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "uplink.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "uplink_mbps,privatelora,naive_split,cloud_only,device_only\n");
    for (int i = 0; i < N_OF(uplinks_mbps); i++)
        fprintf(f, "%g,%.9g,%.9g,%.9g,%.9g\n", uplinks_mbps[i], r[L->up_pl[i]].decode_tps,
                r[L->up_naive[i]].decode_tps, r[L->up_cloud[i]].decode_tps,
                r[L->device].decode_tps);
    return sim_afile_commit(&a, err);
}

/* Bytes per decoded token from the accounting plan, 7B, 16-bit. */
static enum sim_status write_bytes(const char *dir, struct sim_err *err)
{
    struct ref_config c;
    if (scn_llm_load("llama2-7b", &c, err) != SIM_OK)
        return SIM_EINVAL;
    static const struct {
        const char *label;
        enum ref_mode mode;
        int rank, qkv, k;
    } rows[] = {
        {"cloud-only", REF_MODE_CLOUD_ONLY, 0, 0, 0},
        {"naive split (d)", REF_MODE_NAIVE_SPLIT, 16, 0, 0},
        {"naive split (q,k,v)", REF_MODE_NAIVE_SPLIT, 16, 1, 0},
        {"PL r=16", REF_MODE_PRIVATELORA, 16, 0, 0},
        {"PL r=64", REF_MODE_PRIVATELORA, 64, 0, 0},
        {"PL r=256", REF_MODE_PRIVATELORA, 256, 0, 0},
        {"PL r=64, first 2 on device", REF_MODE_PL_FIRST_K, 64, 0, 2},
    };
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "bytes.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "mode,bytes_up_per_token,bytes_down_per_token\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct ref_plan_opts o;
        ref_plan_opts_default(&o);
        o.mode = rows[i].mode;
        o.rank_c2d = o.rank_d2c = rows[i].rank;
        o.naive_up_qkv = rows[i].qkv;
        o.first_k = rows[i].k;
        o.pos = 128;
        struct ref_plan *p = NULL;
        if (ref_plan_build(&c, &o, &p, err) != SIM_OK) {
            sim_afile_abort(&a);
            return SIM_EINVAL;
        }
        struct ref_plan_totals t;
        ref_plan_sum(p, &t);
        ref_plan_destroy(p);
        fprintf(f, "\"%s\",%lld,%lld\n", rows[i].label, (long long)t.bytes_up,
                (long long)t.bytes_down);
    }
    return sim_afile_commit(&a, err);
}

static enum sim_status write_breakdown(const char *dir, const struct layout *L,
                                           const struct sim_summary *r, struct sim_err *err)
{
    static const char *const labels[5] = {"PrivateLoRA", "naive split", "PL, first-k 1",
                                          "cloud-only", "device-only"};
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "breakdown.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "mode,link,cloud_compute_ms,edge_compute_ms,uplink_ms,downlink_ms,latency_ms,"
               "waiting_ms\n");
    for (int k = 0; k < 2; k++)
        for (int m = 0; m < 5; m++) {
            const struct sim_breakdown *b = &r[L->brk[k][m]].decode_per_token;
            fprintf(f, "\"%s\",%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", labels[m],
                    k == 0 ? "paper-5g" : "us-5g", 1e3 * b->cloud_compute_s,
                    1e3 * b->edge_compute_s, 1e3 * b->uplink_s, 1e3 * b->downlink_s,
                    1e3 * b->latency_s, 1e3 * b->waiting_s);
        }
    return sim_afile_commit(&a, err);
}

/* The phone's energy per token (SoC and radio) against RTT, and where
 * each split design crosses device-only (linear between points). */
static enum sim_status write_energy(const char *dir, const struct layout *L,
                                    const struct sim_summary *r, struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "energy.csv", err);
    if (f == NULL)
        return SIM_EIO;
    const struct sim_summary *dev = &r[L->device];
    const double dev_j = dev->edge_compute_j_per_token + dev->radio_j_per_token;
    fprintf(f, "rtt_ms,privatelora_j,speculative_j,device_only_j\n");
    double phone[2][N_OF(rtts_ms)];
    for (int i = 0; i < N_OF(rtts_ms); i++) {
        for (int k = 0; k < 2; k++) {
            const struct sim_summary *s = &r[L->energy[i][k]];
            phone[k][i] = s->edge_compute_j_per_token + s->radio_j_per_token;
        }
        fprintf(f, "%g,%.9g,%.9g,%.9g\n", rtts_ms[i], phone[0][i], phone[1][i], dev_j);
    }
    enum sim_status st = sim_afile_commit(&a, err);
    if (st != SIM_OK)
        return st;
    f = sim_afile_open_in(&a, dir, "energy_breakeven.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "label,rtt_ms,j_per_token\n");
    static const char *const names[2] = {"PrivateLoRA", "speculative"};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i + 1 < N_OF(rtts_ms); i++) {
            const double lo = phone[k][i] - dev_j, hi = phone[k][i + 1] - dev_j;
            if (!(lo <= 0.0 && hi > 0.0))
                continue;
            const double x = rtts_ms[i] + (rtts_ms[i + 1] - rtts_ms[i]) * (-lo) / (hi - lo);
            fprintf(f, "\"%s = device-only at %.2f ms\",%.9g,%.9g\n", names[k], x, x, dev_j);
            break;
        }
    return sim_afile_commit(&a, err);
}

// ---- rendering ----

static const char *const figures[] = {"tps_vs_rank",     "tps_vs_batch",
                                      "tps_vs_rtt",      "tps_vs_uplink",
                                      "bytes_per_token", "breakdown",
                                      "energy_vs_rtt"};

/* Writes every CSV, then renders every figure. */
static enum sim_status write_all(const char *dir, const struct layout *L,
                                 const struct sim_summary *r, struct sim_err *err)
{
    enum sim_status st = write_rank(dir, L, r, err);
    if (st == SIM_OK)
        st = write_batch(dir, L, r, err);
    if (st == SIM_OK)
        st = write_rtt(dir, L, r, err);
    if (st == SIM_OK)
        st = write_uplink(dir, L, r, err);
    if (st == SIM_OK)
        st = write_bytes(dir, err);
    if (st == SIM_OK)
        st = write_breakdown(dir, L, r, err);
    if (st == SIM_OK)
        st = write_energy(dir, L, r, err);
    if (st != SIM_OK)
        return st;
    return ana_render(dir, figures, (int)(sizeof figures / sizeof figures[0]), err);
}

int ana_figures_count(void)
{
    return (int)(sizeof figures / sizeof figures[0]);
}

enum sim_status ana_figures_make(const char *dir, const char *presets_dir, int jobs,
                                 ana_progress_fn progress, void *progress_ctx,
                                 struct sim_err *err)
{
    if (mkdir(dir, 0777) != 0 && access(dir, W_OK) != 0)
        return sim_err_set(err, SIM_EIO, "%s: cannot create the directory", dir);
    struct points *ps = sim_xcalloc(1, sizeof *ps);
    struct layout L;
    plan_points(ps, &L);
    struct mdl_input *in = sim_xcalloc((size_t)ps->n, sizeof *in);
    enum sim_status st = SIM_OK;
    for (int i = 0; i < ps->n && st == SIM_OK; i++) {
        char path[4200];
        const char *ov[NOV];
        for (int k = 0; k < ps->p[i].n_ov; k++)
            ov[k] = ps->p[i].ov[k];
        snprintf(path, sizeof path, "%s/%s", presets_dir, ps->p[i].preset);
        scn_scenario_t *s = NULL;
        int unfit = 0; // a phone that cannot hold a batch's KV cache: a gap in its line
        st = scn_scenario_load_study(path, ov, ps->p[i].n_ov, &s, &unfit, err);
        if (st == SIM_OK)
            in[i] = *scn_scenario_input(s);
        scn_scenario_destroy(s);
    }
    struct sim_summary *r = sim_xcalloc((size_t)ps->n, sizeof *r);
    int64_t failed = -1;
    if (st == SIM_OK)
        st = ana_simulate_all(in, ps->n, jobs, progress, progress_ctx, r, &failed, err);
    if (st == SIM_OK)
        st = write_all(dir, &L, r, err);
    free(in);
    free(r);
    free(ps);
    return st;
}

int ana_figures_points(void)
{
    struct points *ps = sim_xcalloc(1, sizeof *ps);
    struct layout L;
    plan_points(ps, &L);
    const int n = ps->n;
    free(ps);
    return n;
}
