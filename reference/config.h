/*
 * reference/config: the architecture of a Llama-family model and the
 * one table of tensor sizes derived from it (house style habit 7: every
 * size comes from ref_sizes_fill, as llm.c's fill_in_parameter_sizes).
 *
 * Plain data only; no allocation, no I/O.
 */
#ifndef REFERENCE_CONFIG_H
#define REFERENCE_CONFIG_H

#include <stdint.h>

#include "util/status.h"

#define REF_MAX_LAYERS 256

/* Architecture of one model, as in the llama2.c checkpoint header. */
struct ref_config {
    int64_t dim;           /* d: model width */
    int64_t hidden_dim;    /* h: SwiGLU MLP width */
    int64_t n_layers;      /* L: decoder layers */
    int64_t n_heads;       /* query heads; divides dim */
    int64_t n_kv_heads;    /* key/value heads; divides n_heads */
    int64_t vocab_size;    /* V: tokens */
    int64_t seq_len;       /* maximum context, tokens */
    int shared_classifier; /* 1: the LM head reuses the embedding table */
    float norm_eps;        /* RMSNorm epsilon, 1e-5 for Llama */
    float rope_base;       /* rotary base, 10000 for Llama */
};

/* Fills the Llama defaults for norm_eps and rope_base. */
void ref_config_defaults(struct ref_config *c);

/* SIM_OK when every dimension is positive, heads divide dim, kv heads
 * divide heads, the head size is even and L <= REF_MAX_LAYERS;
 * otherwise SIM_EINVAL with the first problem in err. */
enum sim_status ref_config_check(const struct ref_config *c,
                                 struct sim_err *err);

int64_t ref_config_head_size(const struct ref_config *c); /* d / n_heads */
int64_t ref_config_kv_dim(const struct ref_config *c);    /* kv = n_kv*hs */

/* The tensors of a checkpoint, in file order. */
enum ref_tensor {
    REF_T_TOKEN_EMBEDDING, /* (V, d) */
    REF_T_RMS_ATT,         /* (L, d) */
    REF_T_WQ,              /* (L, d, d) */
    REF_T_WK,              /* (L, kv, d) */
    REF_T_WV,              /* (L, kv, d) */
    REF_T_WO,              /* (L, d, d) */
    REF_T_RMS_FFN,         /* (L, d) */
    REF_T_W1,              /* (L, h, d) */
    REF_T_W2,              /* (L, d, h) */
    REF_T_W3,              /* (L, h, d) */
    REF_T_RMS_FINAL,       /* (d,) */
    REF_T_FREQ_REAL,       /* (seq_len, hs/2), unused legacy table */
    REF_T_FREQ_IMAG,       /* (seq_len, hs/2), unused legacy table */
    REF_T_WCLS,            /* (V, d), 0 elements when shared */
    REF_T_COUNT
};

/* Element counts of every tensor, in file order. */
struct ref_sizes {
    int64_t n_elems[REF_T_COUNT];
    int64_t total_elems; /* sum of n_elems */
};

void ref_sizes_fill(struct ref_sizes *s, const struct ref_config *c);

/* Name of a tensor for messages, e.g. "wq". */
const char *ref_tensor_name(enum ref_tensor t);

#endif
