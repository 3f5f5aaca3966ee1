/*
 * reference/lora: PrivateLoRA adapters on q, k and v.
 *
 * For each adapted layer and projection p in (q, k, v):
 *   delta_p(x) = B_p . M_p . A_p . x
 * with A_p (r_c2d, d) and B_p (out_p, r_d2c) frozen and seeded-random in
 * the cloud, and M_p (r_d2c, r_c2d) the trainable, private matrix on the
 * edge (zero by default, as in the authors' code, so an untrained adapter
 * changes nothing). out_p is d for q and kv for k and v.
 *
 * Storage stacks q, k, v, as the authors' demo does "for parallel
 * execution": A (L, 3, r_c2d, d), B (L, d + 2kv, r_d2c) with q's rows
 * first, M (L, 3, r_d2c, r_c2d). Layers without an adapter keep zeros.
 */
#ifndef REFERENCE_LORA_H
#define REFERENCE_LORA_H

#include <stdint.h>

#include "reference/checkpoint.h"
#include "reference/config.h"

enum ref_m_init { REF_M_ZERO, REF_M_RANDOM };

struct ref_lora {
    int64_t n_layers; /* L */
    int64_t dim;      /* d */
    int64_t kv_dim;   /* kv */
    int64_t r_c2d;    /* rank of A's output, sent cloud -> device */
    int64_t r_d2c;    /* rank of M's output, sent device -> cloud */
    uint8_t adapted[REF_MAX_LAYERS]; /* 1 where layer l has an adapter */
    float *A; /* (L, 3, r_c2d, d), owned */
    float *B; /* (L, d + 2kv, r_d2c), owned */
    float *M; /* (L, 3, r_d2c, r_c2d), owned */
};

/* Adapters for cfg. adapted: n_layers flags, or NULL for every layer.
 * A is uniform in +-1/sqrt(d), B in +-1/sqrt(r_d2c) (nn.Linear's default
 * init), M zero or uniform in +-1/sqrt(r_c2d); all from seed. Ranks must
 * be in [1, d]. Caller frees with ref_lora_destroy. */
struct ref_lora *ref_lora_create(const struct ref_config *cfg, int64_t r_c2d,
                                 int64_t r_d2c, const uint8_t *adapted,
                                 uint64_t seed, enum ref_m_init m_init);

void ref_lora_destroy(struct ref_lora *l);

/* Views of layer l: A (3, r_c2d, d), B (d + 2kv, r_d2c), M (3, r_d2c, r_c2d). */
const float *ref_lora_A(const struct ref_lora *l, int64_t layer);
const float *ref_lora_B(const struct ref_lora *l, int64_t layer);
const float *ref_lora_M(const struct ref_lora *l, int64_t layer);

/* Folds the adapters into copies of wq, wk, wv: W' = W + B M A, so a
 * merged model runs with no adapter stages. Returns one owned buffer
 * (L, d + 2kv, d) with each layer's q rows, then k, then v; the caller
 * frees it with free(). */
float *ref_lora_fold_qkv(const struct ref_lora *l, const struct ref_weights *w);

#endif
