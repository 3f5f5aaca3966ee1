/*
 * reference/checkpoint: see checkpoint.h for the format.
 */
#include "reference/checkpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_rng.h>

#include "util/afile.h"

/* Files larger than this are refused before any allocation (1 TiB). */
#define MAX_CHECKPOINT_BYTES ((int64_t)1 << 40)

static void set_pointers(struct ref_checkpoint *ck)
{
    float *p = ck->data;
    for (int t = 0; t < REF_T_COUNT; t++) {
        ck->tensor[t] = p;
        p += ck->sizes.n_elems[t];
    }
    if (ck->cfg.shared_classifier)
        ck->tensor[REF_T_WCLS] = ck->tensor[REF_T_TOKEN_EMBEDDING];
}

static struct ref_checkpoint *alloc_checkpoint(const struct ref_config *cfg)
{
    struct ref_checkpoint *ck = sim_xcalloc(1, sizeof *ck);
    ck->cfg = *cfg;
    ref_sizes_fill(&ck->sizes, cfg);
    ck->data = sim_xmalloc((size_t)ck->sizes.total_elems * sizeof(float));
    set_pointers(ck);
    return ck;
}

void ref_checkpoint_destroy(struct ref_checkpoint *ck)
{
    if (ck == NULL)
        return;
    free(ck->data);
    free(ck);
}

void ref_checkpoint_weights(const struct ref_checkpoint *ck,
                            struct ref_weights *w)
{
    float *const *t = ck->tensor;
    *w = (struct ref_weights){
        .token_embedding = t[REF_T_TOKEN_EMBEDDING],
        .rms_att = t[REF_T_RMS_ATT],
        .wq = t[REF_T_WQ],
        .wk = t[REF_T_WK],
        .wv = t[REF_T_WV],
        .wo = t[REF_T_WO],
        .rms_ffn = t[REF_T_RMS_FFN],
        .w1 = t[REF_T_W1],
        .w2 = t[REF_T_W2],
        .w3 = t[REF_T_W3],
        .rms_final = t[REF_T_RMS_FINAL],
        .wcls = t[REF_T_WCLS],
    };
}

// ---- loading ----

/* Decodes the header into cfg; checks the dimensions. */
static enum sim_status parse_header(const char *path, const int32_t h[7],
                                    struct ref_config *cfg,
                                    struct sim_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    ref_config_defaults(cfg);
    cfg->dim = h[0];
    cfg->hidden_dim = h[1];
    cfg->n_layers = h[2];
    cfg->n_heads = h[3];
    cfg->n_kv_heads = h[4];
    cfg->shared_classifier = h[5] > 0;
    cfg->vocab_size = h[5] < 0 ? -(int64_t)h[5] : h[5];
    cfg->seq_len = h[6];
    struct sim_err why;
    if (ref_config_check(cfg, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: bad checkpoint header: %s",
                           path, why.msg);
    return SIM_OK;
}

/* Size the header implies, computed in double first so absurd headers
 * cannot overflow int64. */
static enum sim_status expected_size(const char *path,
                                     const struct ref_config *cfg,
                                     int64_t *bytes, struct sim_err *err)
{
    const double d = (double)cfg->dim, L = (double)cfg->n_layers;
    const double V = (double)cfg->vocab_size, h = (double)cfg->hidden_dim;
    const double approx = 4.0 * (V * d * 2.0 + L * d * (4.0 * d + 3.0 * h) +
                                 (double)cfg->seq_len * d);
    if (approx > (double)MAX_CHECKPOINT_BYTES)
        return sim_err_set(err, SIM_EINVAL,
                           "%s: header implies an absurd size (~%.3g bytes)",
                           path, approx);
    struct ref_sizes s;
    ref_sizes_fill(&s, cfg);
    *bytes = REF_CHECKPOINT_HEADER_BYTES + 4 * s.total_elems;
    return SIM_OK;
}

enum sim_status ref_checkpoint_load(const char *path,
                                    struct ref_checkpoint **out,
                                    struct sim_err *err)
{
    *out = NULL;
    enum sim_status st = SIM_OK;
    FILE *f = sim_fopen_regular(path, err);
    if (f == NULL)
        return SIM_EIO;
    struct stat sb;
    int32_t h[7];
    struct ref_config cfg;
    int64_t want = 0;
    struct ref_checkpoint *ck = NULL;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = sim_err_set(err, SIM_EIO, "%s: not a regular file", path);
        goto out_close;
    }
    if (sb.st_size < REF_CHECKPOINT_HEADER_BYTES) {
        st = sim_err_set(err, SIM_EINVAL,
                         "%s: truncated: the header needs %d bytes, the file "
                         "has %lld", path, REF_CHECKPOINT_HEADER_BYTES,
                         (long long)sb.st_size);
        goto out_close;
    }
    if (fread(h, sizeof h, 1, f) != 1) {
        st = sim_err_set(err, SIM_EIO, "%s: cannot read the header", path);
        goto out_close;
    }
    st = parse_header(path, h, &cfg, err);
    if (st == SIM_OK)
        st = expected_size(path, &cfg, &want, err);
    if (st != SIM_OK)
        goto out_close;
    if ((int64_t)sb.st_size != want) {
        st = sim_err_set(err, SIM_EINVAL,
                         "%s: %s: the header implies %" PRId64
                         " bytes, the file has %lld", path,
                         (int64_t)sb.st_size < want ? "truncated"
                                                    : "size inconsistent with header",
                         want, (long long)sb.st_size);
        goto out_close;
    }
    ck = alloc_checkpoint(&cfg);
    if (fread(ck->data, sizeof(float), (size_t)ck->sizes.total_elems, f) !=
        (size_t)ck->sizes.total_elems) {
        st = sim_err_set(err, SIM_EIO, "%s: short read", path);
        goto out_free;
    }
    *out = ck;
    fclose(f);
    return SIM_OK;

out_free:
    ref_checkpoint_destroy(ck);
out_close:
    fclose(f);
    return st;
}

// ---- saving ----

enum sim_status ref_checkpoint_save(const char *path,
                                    const struct ref_checkpoint *ck,
                                    struct sim_err *err)
{
    const struct ref_config *c = &ck->cfg;
    struct sim_afile af;
    const enum sim_status st = sim_afile_open(&af, path, err);
    if (st != SIM_OK)
        return st;
    const int32_t h[7] = {
        (int32_t)c->dim, (int32_t)c->hidden_dim, (int32_t)c->n_layers,
        (int32_t)c->n_heads, (int32_t)c->n_kv_heads,
        (int32_t)(c->shared_classifier ? c->vocab_size : -c->vocab_size),
        (int32_t)c->seq_len,
    };
    fwrite(h, sizeof h, 1, af.f);
    // the shared classifier has 0 elements, so one contiguous write works;
    // a short write shows in ferror and the commit refuses to rename
    fwrite(ck->data, sizeof(float), (size_t)ck->sizes.total_elems, af.f);
    return sim_afile_commit(&af, err);
}

// ---- random generation ----

static void fill_uniform(float *x, int64_t n, double half_width, gsl_rng *r)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * half_width);
}

static void fill_const(float *x, int64_t n, float v)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = v;
}

/* The legacy freq_cis tables: cos and sin of pos * base^(-2i/hs). */
static void fill_rope_tables(struct ref_checkpoint *ck)
{
    const struct ref_config *c = &ck->cfg;
    const int64_t hs = ref_config_head_size(c), half = hs / 2;
    for (int64_t p = 0; p < c->seq_len; p++)
        for (int64_t i = 0; i < half; i++) {
            const double ang = (double)p * pow(c->rope_base, -2.0 * i / (double)hs);
            ck->tensor[REF_T_FREQ_REAL][p * half + i] = (float)cos(ang);
            ck->tensor[REF_T_FREQ_IMAG][p * half + i] = (float)sin(ang);
        }
}

struct ref_checkpoint *ref_checkpoint_random(const struct ref_config *cfg,
                                             uint64_t seed)
{
    SIM_ASSERT(ref_config_check(cfg, NULL) == SIM_OK, "invalid config");
    struct ref_checkpoint *ck = alloc_checkpoint(cfg);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(r != NULL, "out of memory for the RNG");
    gsl_rng_set(r, (unsigned long)seed);
    const double d = (double)cfg->dim, h = (double)cfg->hidden_dim;
    const int64_t *n = ck->sizes.n_elems;
    float *const *t = ck->tensor;
    // the embedding at the scale of the other weights: at +-1 it dwarfed what
    // the layers add, and with a shared classifier greedy decoding only
    // repeated the last token
    fill_uniform(t[REF_T_TOKEN_EMBEDDING], n[REF_T_TOKEN_EMBEDDING], 1.0 / sqrt(d), r);
    fill_const(t[REF_T_RMS_ATT], n[REF_T_RMS_ATT], 1.0f);
    fill_uniform(t[REF_T_WQ], n[REF_T_WQ], 1.0 / sqrt(d), r);
    fill_uniform(t[REF_T_WK], n[REF_T_WK], 1.0 / sqrt(d), r);
    fill_uniform(t[REF_T_WV], n[REF_T_WV], 1.0 / sqrt(d), r);
    fill_uniform(t[REF_T_WO], n[REF_T_WO], 1.0 / sqrt(d), r);
    fill_const(t[REF_T_RMS_FFN], n[REF_T_RMS_FFN], 1.0f);
    fill_uniform(t[REF_T_W1], n[REF_T_W1], 1.0 / sqrt(d), r);
    fill_uniform(t[REF_T_W2], n[REF_T_W2], 1.0 / sqrt(h), r);
    fill_uniform(t[REF_T_W3], n[REF_T_W3], 1.0 / sqrt(d), r);
    fill_const(t[REF_T_RMS_FINAL], n[REF_T_RMS_FINAL], 1.0f);
    fill_rope_tables(ck);
    if (!cfg->shared_classifier)
        fill_uniform(t[REF_T_WCLS], n[REF_T_WCLS], 1.0 / sqrt(d), r);
    gsl_rng_free(r);
    return ck;
}
