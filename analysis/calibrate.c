/*
 * analysis/calibrate: the roofline fitted to this host's kernels. See
 * calibrate.h.
 */
#include "analysis/calibrate.h"
#include "analysis/text.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "models/cost.h"
#include "reference/accounting.h"
#include "reference/checkpoint.h"
#include "reference/kernels.h"
#include "reference/lora.h"
#include "reference/model.h"
#include "scenarios/catalog.h"
#include "util/afile.h"
#include "util/cleanup.h"
#include "util/paths.h"
#include "util/progress.h"
#include "util/version.h"

double ana_calib_predict(const struct ana_calib_fit *f, double flop, double bytes)
{
    return f->overhead_s + fmax(flop / f->flop_per_s, bytes / f->Bps);
}

// ---- timing the kernels ----

/* Weights are read from a pool far larger than the caches, a different
 * slice each call, so every call reads them from memory as a pass does. */
#define POOL_FLOATS ((size_t)96 << 20) /* 384 MiB */

struct pool {
    float *w;
    size_t next; /* where the next slice begins */
};

static const float *slice(struct pool *p, size_t n)
{
    if (p->next + n > POOL_FLOATS)
        p->next = 0;
    const float *s = p->w + p->next;
    p->next += n + 4096; // a gap: no two slices share a page's lines
    return s;
}

static double median(double *v, int n)
{
    gsl_sort(v, 1, (size_t)n);
    return gsl_stats_median_from_sorted_data(v, 1, (size_t)n);
}

/* Calls timed back to back, as a pass makes them (the threads never
 * idle long between two), each on its own weights. */
#define BURST 4

/* The median time of one matmul N x n x dout over reps bursts. */
static double time_matmul(struct pool *p, float *x, float *out, int64_t N, int64_t n,
                          int64_t dout, int reps)
{
    double t[16];
    for (int r = 0; r < reps; r++) {
        const float *w[BURST];
        for (int b = 0; b < BURST; b++)
            w[b] = slice(p, (size_t)(n * dout));
        const double t0 = sim_now_s();
        for (int b = 0; b < BURST; b++)
            ref_matmul(out, x, w[b], N, n, dout);
        t[r] = (sim_now_s() - t0) / BURST;
    }
    return median(t, reps);
}

static double time_attention(struct pool *p, float *q, float *out, float *att, int64_t T,
                             int64_t heads, int64_t kv_heads, int64_t hs, int reps)
{
    double t[16];
    for (int r = 0; r < reps; r++) {
        const float *k[BURST], *v[BURST];
        for (int b = 0; b < BURST; b++) {
            k[b] = slice(p, (size_t)(T * kv_heads * hs));
            v[b] = slice(p, (size_t)(T * kv_heads * hs));
        }
        const double t0 = sim_now_s();
        for (int b = 0; b < BURST; b++)
            ref_attention(out, att, q, k[b], v[b], 1, T - 1, heads, kv_heads, hs);
        t[r] = (sim_now_s() - t0) / BURST;
    }
    return median(t, reps);
}

enum sim_status ana_calib_measure(int quick, FILE *log, struct ana_calib_sample **samples_out,
                                  int *n_out, struct sim_err *err)
{
    (void)err;
    // the parallel kernels (the serial norms and elementwise ops cost little
    // and no fork): layers of models from 15M to 7B, but none of the 110M
    // model's (the check predicts it): square and MLP-shaped, thin adapter
    // products, in batches of 1 to 16 rows; attention
    static const int64_t mats[][2] = {{512, 512},     {1024, 1024},  {1024, 2816},
                                      {2048, 2048},   {4096, 4096},  {4096, 11008},
                                      {11008, 4096},  {2048, 5632},  {1024, 16},
                                      {16, 1024},     {4096, 64},    {64, 4096}};
    static const int64_t rows_full[] = {1, 2, 4, 8, 16}, rows_quick[] = {1, 4, 16};
    static const int64_t ctx[] = {256, 1024, 2048};
    const int n_mats = 12, n_rows = quick ? 3 : 5, n_ctx = quick ? 2 : 3;
    const int64_t *rows = quick ? rows_quick : rows_full;
    const int reps = quick ? 5 : 9;
    struct pool p = {sim_xmalloc(POOL_FLOATS * sizeof(float)), 0};
    for (size_t i = 0; i < POOL_FLOATS; i++)
        p.w[i] = (float)((i * 2654435761u) % 1000u) * 1e-6f;
    const size_t act = (size_t)16 * 11008;
    float *x = sim_xcalloc(act, sizeof *x), *out = sim_xcalloc(act, sizeof *out);
    float *att = sim_xcalloc((size_t)32 * 2048, sizeof *att);
    for (size_t i = 0; i < act; i++)
        x[i] = (float)(i % 7) * 0.1f;
    const int cap = n_mats * n_rows + n_ctx * 2;
    struct ana_calib_sample *s = sim_xcalloc((size_t)cap, sizeof *s);
    int n = 0;
    for (int m = 0; m < n_mats; m++)
        for (int r = 0; r < n_rows; r++) {
            const int64_t N = rows[r], in = mats[m][0], o = mats[m][1];
            const struct ref_cost c = ref_matmul_cost(N, in, o);
            snprintf(s[n].what, sizeof s[n].what, "matmul %lldx%lldx%lld", (long long)N,
                     (long long)in, (long long)o);
            s[n].flop = c.flop;
            s[n].bytes = c.bytes;
            s[n].t_s = time_matmul(&p, x, out, N, in, o, reps);
            n++;
        }
    for (int c = 0; c < n_ctx; c++)
        for (int k = 0; k < 2; k++) { // 7B's heads; a GQA layout
            const int64_t heads = 32, kv = k == 0 ? 32 : 8, hs = 128, T = ctx[c];
            const struct ref_cost cost = ref_attention_cost(1, T - 1, heads, kv, hs);
            snprintf(s[n].what, sizeof s[n].what, "attention T=%lld kv=%lld", (long long)T,
                     (long long)kv);
            s[n].flop = cost.flop;
            s[n].bytes = cost.bytes;
            s[n].t_s = time_attention(&p, x, out, att, T, heads, kv, hs, reps);
            n++;
        }
    if (log != NULL)
        for (int i = 0; i < n; i++)
            fprintf(log, "calibrate: %-28s %10.3f us  %8.3f MFLOP  %9.3f MB\n", s[i].what,
                    s[i].t_s * 1e6, s[i].flop / 1e6, s[i].bytes / 1e6);
    free(p.w);
    free(x);
    free(out);
    free(att);
    *samples_out = s;
    *n_out = n;
    return SIM_OK;
}

// ---- the fit ----

/* Least squares of t = o + a F [compute-bound] + b B [memory-bound] with
 * each sample's side given: (o, a, b) into c; weighted by 1 / t, so that
 * the relative errors count alike. */
static int fit_sides(const struct ana_calib_sample *s, int n, const int *compute, double c[3])
{
    gsl_matrix *X = gsl_matrix_alloc((size_t)n, 3);
    gsl_vector *y = gsl_vector_alloc((size_t)n), *w = gsl_vector_alloc((size_t)n);
    gsl_vector *coef = gsl_vector_alloc(3);
    gsl_matrix *cov = gsl_matrix_alloc(3, 3);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc((size_t)n, 3);
    SIM_ASSERT(X && y && w && coef && cov && ws, "out of memory for the fit");
    // columns scaled to their largest value, so that the intercept's
    // singular value is not lost beside FLOPs of 1e9
    double fs = 1.0, bs = 1.0, ts = 0.0;
    for (int i = 0; i < n; i++) {
        fs = fmax(fs, s[i].flop);
        bs = fmax(bs, s[i].bytes);
        ts = fmax(ts, s[i].t_s);
    }
    for (int i = 0; i < n; i++) {
        gsl_matrix_set(X, (size_t)i, 0, 1.0);
        gsl_matrix_set(X, (size_t)i, 1, compute[i] ? s[i].flop / fs : 0.0);
        gsl_matrix_set(X, (size_t)i, 2, compute[i] ? 0.0 : s[i].bytes / bs);
        gsl_vector_set(y, (size_t)i, s[i].t_s / ts);
        gsl_vector_set(w, (size_t)i, (ts * ts) / (s[i].t_s * s[i].t_s));
    }
    double chisq = 0.0;
    const int bad = gsl_multifit_wlinear(X, w, y, coef, cov, &chisq, ws) != 0;
    c[0] = gsl_vector_get(coef, 0) * ts;
    c[1] = gsl_vector_get(coef, 1) * ts / fs;
    c[2] = gsl_vector_get(coef, 2) * ts / bs;
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(cov);
    gsl_vector_free(coef);
    gsl_vector_free(w);
    gsl_vector_free(y);
    gsl_matrix_free(X);
    return bad ? -1 : 0;
}

enum sim_status ana_calib_fit(const struct ana_calib_sample *s, int n, struct ana_calib_fit *f,
                              struct sim_err *err)
{
    if (n < 4)
        return sim_err_set(err, SIM_EINVAL, "calibrate: %d samples are too few to fit", n);
    // a start: the slowest byte rate and FLOP rate seen bound each side
    double a = 0.0, b = 0.0;
    for (int i = 0; i < n; i++) {
        a = fmax(a, s[i].t_s / fmax(s[i].flop, 1.0));
        b = fmax(b, s[i].t_s / fmax(s[i].bytes, 1.0));
    }
    int *compute = sim_xcalloc((size_t)n, sizeof *compute);
    double c[3] = {0.0, a, b};
    for (int iter = 0; iter < 20; iter++) {
        int changed = 0;
        for (int i = 0; i < n; i++) {
            const int cb = c[1] * s[i].flop > c[2] * s[i].bytes;
            changed += cb != compute[i] || iter == 0;
            compute[i] = cb;
        }
        if (!changed)
            break;
        double next[3];
        if (fit_sides(s, n, compute, next) != 0) {
            free(compute);
            return sim_err_set(err, SIM_EINVAL, "calibrate: the least-squares fit failed");
        }
        // a side no sample binds keeps its bound; a time cannot go negative
        next[0] = fmax(next[0], 0.0);
        for (int k = 1; k < 3; k++)
            if (!(next[k] > 0.0))
                next[k] = c[k];
        memcpy(c, next, sizeof c);
    }
    free(compute);
    *f = (struct ana_calib_fit){.flop_per_s = 1.0 / c[1], .Bps = 1.0 / c[2],
                                .overhead_s = c[0], .n = n};
    double sq = 0.0;
    for (int i = 0; i < n; i++) {
        const double r = ana_calib_predict(f, s[i].flop, s[i].bytes) / s[i].t_s - 1.0;
        sq += r * r;
        f->max_rel = fmax(f->max_rel, fabs(r));
    }
    f->rms_rel = sqrt(sq / n);
    return SIM_OK;
}

// ---- the check: a split pass it did not see ----

enum sim_status ana_calib_check(const struct ana_calib_fit *f, const char *model, int64_t rank,
                                int64_t steps, double *measured_s, double *predicted_s,
                                struct sim_err *err)
{
    struct ref_config cfg;
    enum sim_status st = scn_llm_load(model, &cfg, err);
    if (st != SIM_OK)
        return st;
    if (steps < 1 || steps + 1 >= cfg.seq_len || rank > cfg.dim)
        return sim_err_set(err, SIM_EINVAL, "calibrate: %lld steps at rank %lld do not fit %s",
                           (long long)steps, (long long)rank, model);
    struct ref_checkpoint *ck = ref_checkpoint_random(&cfg, 1);
    struct ref_lora *l = ref_lora_create(&cfg, rank, rank, NULL, 2, REF_M_RANDOM);
    struct ref_session_opts so;
    ref_session_opts_default(&so);
    so.mode = REF_MODE_PRIVATELORA;
    ref_session_t *sess = NULL;
    float *logits = sim_xmalloc((size_t)cfg.vocab_size * sizeof *logits);
    double *t = sim_xcalloc((size_t)steps, sizeof *t);
    st = ref_session_create(ck, l, &so, &sess, err);
    int32_t tok = 1;
    if (st == SIM_OK)
        st = ref_session_step(sess, &tok, 1, 1, logits, err);
    for (int64_t i = 0; i < steps && st == SIM_OK; i++) {
        tok = (int32_t)ref_argmax(logits, cfg.vocab_size);
        const double t0 = sim_now_s();
        st = ref_session_step(sess, &tok, 1, 1, logits, err);
        t[i] = sim_now_s() - t0;
    }
    ref_session_destroy(sess);
    free(logits);
    ref_lora_destroy(l);
    ref_checkpoint_destroy(ck);
    if (st == SIM_OK)
        *measured_s = median(t, (int)steps);
    free(t);
    if (st != SIM_OK)
        return st;
    // the plan of a middle step, every compute stage (both sides run here)
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = REF_MODE_PRIVATELORA;
    o.rank_c2d = o.rank_d2c = rank;
    o.weight_bits[REF_EDGE] = o.weight_bits[REF_CLOUD] = o.adapter_bits = 32.0;
    o.kv_bits = 32.0; // the reference's caches are fp32 too
    o.phase = REF_PHASE_DECODE;
    o.pos = 1 + steps / 2;
    struct ref_plan *p = NULL;
    st = ref_plan_build(&cfg, &o, &p, err);
    if (st != SIM_OK)
        return st;
    // the simulator's own cost model with the fitted parameters
    const struct mdl_cost c = {.method = MDL_COST_ROOFLINE, .peak_flop_per_s = f->flop_per_s,
                               .mem_bw_Bps = f->Bps, .compute_efficiency = 1.0,
                               .memory_efficiency = 1.0, .stage_overhead_s = f->overhead_s,
                               .scale = 1.0};
    double pred = 0.0;
    for (int i = 0; i < p->n_stages; i++)
        pred += mdl_cost_stage_s(&c, &p->stages[i]);
    ref_plan_destroy(p);
    *predicted_s = pred;
    return SIM_OK;
}

// ---- the catalog entry ----

/* The CPU's model name from /proc/cpuinfo, or "unknown CPU". */
static void cpu_model(char *buf, size_t cap)
{
    snprintf(buf, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            const char *c = strchr(line, ':');
            if (c != NULL) {
                snprintf(buf, cap, "%s", c + 2);
                buf[strcspn(buf, "\n")] = '\0';
            }
            break;
        }
    fclose(f);
}

static cJSON *fact(const char *value, const char *kind, const char *source)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "value", value);
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddStringToObject(o, "source", source);
    return o;
}

enum sim_status ana_calib_write_entry(const char *path, const char *name,
                                      const struct ana_calib_fit *f, int threads,
                                      struct sim_err *err)
{
    char cpu[256], date[32], prov[1024], v[64];
    cpu_model(cpu, sizeof cpu);
    const time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
    snprintf(prov, sizeof prov, "plsim %s calibrate on %s, %d thread(s), %s: the roofline "
             "fitted by least squares to %d timed kernel calls of the reference (cold "
             "weights), residuals %.1f %% rms, %.1f %% at most", PLSIM_VERSION, cpu, threads,
             date, f->n, 100.0 * f->rms_rel, 100.0 * f->max_rel);
    cJSON *root = cJSON_CreateObject(), *e = cJSON_CreateObject();
    char desc[512];
    snprintf(desc, sizeof desc, "this host (%s, %d thread(s)) running plsim's reference "
             "kernels in fp32, measured %s", cpu, threads, date);
    cJSON_AddStringToObject(e, "description", desc);
    snprintf(v, sizeof v, "%.6g GB/s", f->Bps / 1e9);
    cJSON_AddItemToObject(e, "memory_bandwidth", fact(v, "measured", prov));
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    snprintf(v, sizeof v, "%.6g GB", (double)pages * (double)page / 1e9);
    cJSON_AddItemToObject(e, "memory_capacity",
                          fact(v, "spec", "sysconf(_SC_PHYS_PAGES) x page size on this host"));
    cJSON *peaks = cJSON_AddArrayToObject(e, "peak_flops");
    cJSON *pk = fact("", "measured", prov);
    snprintf(v, sizeof v, "%.6g GFLOPS", f->flop_per_s / 1e9);
    cJSON_ReplaceItemInObject(pk, "value", cJSON_CreateString(v));
    cJSON_AddStringToObject(pk, "precision", "fp32");
    cJSON_AddStringToObject(pk, "sparsity", "dense");
    cJSON_AddItemToArray(peaks, pk);
    snprintf(v, sizeof v, "%.6g us", f->overhead_s * 1e6);
    cJSON_AddItemToObject(e, "stage_overhead", fact(v, "measured", prov));
    cJSON_AddItemToObject(root, name, e);
    // its folder, made if missing (the default lives under the home)
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (sim_mkdirs(dir) != 0) {
            cJSON_Delete(root);
            return sim_err_set(err, SIM_EIO, "%s: cannot create the folder", dir);
        }
    }
    return ana_json_write(path, root, err);
}
