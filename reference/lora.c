/*
 * reference/lora: creation and folding of PrivateLoRA adapters.
 */
#include "reference/lora.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

static void fill_uniform(float *x, int64_t n, double half_width, gsl_rng *r)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * half_width);
}

struct ref_lora *ref_lora_create(const struct ref_config *cfg, int64_t r_c2d,
                                 int64_t r_d2c, const uint8_t *adapted,
                                 uint64_t seed, enum ref_m_init m_init)
{
    SIM_ASSERT(r_c2d >= 1 && r_c2d <= cfg->dim && r_d2c >= 1 && r_d2c <= cfg->dim,
               "ranks must be in [1, dim]");
    struct ref_lora *l = sim_xcalloc(1, sizeof *l);
    l->n_layers = cfg->n_layers;
    l->dim = cfg->dim;
    l->kv_dim = ref_config_kv_dim(cfg);
    l->r_c2d = r_c2d;
    l->r_d2c = r_d2c;
    const int64_t L = l->n_layers, d = l->dim, out = d + 2 * l->kv_dim;
    const int64_t nA = 3 * r_c2d * d, nB = out * r_d2c, nM = 3 * r_d2c * r_c2d;
    l->A = sim_xcalloc((size_t)(L * nA), sizeof(float));
    l->B = sim_xcalloc((size_t)(L * nB), sizeof(float));
    l->M = sim_xcalloc((size_t)(L * nM), sizeof(float));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(r != NULL, "out of memory for the RNG");
    gsl_rng_set(r, (unsigned long)seed);
    for (int64_t i = 0; i < L; i++) {
        l->adapted[i] = adapted == NULL ? 1 : (adapted[i] != 0);
        if (!l->adapted[i])
            continue;
        // draw in a fixed order per layer so the same seed gives the same
        // A and B whatever m_init is
        fill_uniform(l->A + i * nA, nA, 1.0 / sqrt((double)d), r);
        fill_uniform(l->B + i * nB, nB, 1.0 / sqrt((double)r_d2c), r);
        if (m_init == REF_M_RANDOM)
            fill_uniform(l->M + i * nM, nM, 1.0 / sqrt((double)r_c2d), r);
    }
    gsl_rng_free(r);
    return l;
}

void ref_lora_destroy(struct ref_lora *l)
{
    if (l == NULL)
        return;
    free(l->A);
    free(l->B);
    free(l->M);
    free(l);
}

const float *ref_lora_A(const struct ref_lora *l, int64_t layer)
{
    return l->A + layer * 3 * l->r_c2d * l->dim;
}

const float *ref_lora_B(const struct ref_lora *l, int64_t layer)
{
    return l->B + layer * (l->dim + 2 * l->kv_dim) * l->r_d2c;
}

const float *ref_lora_M(const struct ref_lora *l, int64_t layer)
{
    return l->M + layer * 3 * l->r_d2c * l->r_c2d;
}

/* out (rows, d) += B_p (rows, rd) @ M_p (rd, rc) @ A_p (rc, d). */
static void add_bma(float *out, const float *Bp, const float *Mp,
                    const float *Ap, int64_t rows, int64_t rd, int64_t rc,
                    int64_t d)
{
    float *bm = sim_xcalloc((size_t)(rows * rc), sizeof(float));
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < rd; j++)
            for (int64_t c = 0; c < rc; c++)
                bm[i * rc + c] += Bp[i * rd + j] * Mp[j * rc + c];
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < rows; i++)
        for (int64_t c = 0; c < rc; c++) {
            const float s = bm[i * rc + c];
            for (int64_t k = 0; k < d; k++)
                out[i * d + k] += s * Ap[c * d + k];
        }
    free(bm);
}

float *ref_lora_fold_qkv(const struct ref_lora *l, const struct ref_weights *w)
{
    const int64_t L = l->n_layers, d = l->dim, kv = l->kv_dim;
    const int64_t out = d + 2 * kv, rc = l->r_c2d, rd = l->r_d2c;
    float *qkv = sim_xmalloc((size_t)(L * out * d) * sizeof(float));
    for (int64_t i = 0; i < L; i++) {
        float *dst = qkv + i * out * d;
        memcpy(dst, w->wq + i * d * d, (size_t)(d * d) * sizeof(float));
        memcpy(dst + d * d, w->wk + i * kv * d, (size_t)(kv * d) * sizeof(float));
        memcpy(dst + (d + kv) * d, w->wv + i * kv * d,
               (size_t)(kv * d) * sizeof(float));
        if (!l->adapted[i])
            continue;
        const int64_t rows[3] = {d, kv, kv};
        int64_t row0 = 0;
        for (int p = 0; p < 3; p++) {
            add_bma(dst + row0 * d, ref_lora_B(l, i) + row0 * rd,
                    ref_lora_M(l, i) + p * rd * rc, ref_lora_A(l, i) + p * rc * d,
                    rows[p], rd, rc, d);
            row0 += rows[p];
        }
    }
    return qkv;
}
