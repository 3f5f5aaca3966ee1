/*
 * reference/checkpoint: the llama2.c checkpoint format, read, written and
 * generated from a seed.
 *
 * Layout: seven little-endian int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len); a negative vocab_size means the
 * classifier is stored separately. Then float32 tensors in the order of
 * enum ref_tensor (config.h), row-major, output dimension first.
 *
 * Loading checks the header and that the file size is exactly what the
 * header implies, so a truncated or padded file is an error, not a crash.
 */
#ifndef REFERENCE_CHECKPOINT_H
#define REFERENCE_CHECKPOINT_H

#include <stdint.h>

#include "reference/config.h"
#include "util/status.h"

/* Borrowed views of a model's weights (shapes in config.h). */
struct ref_weights {
    const float *token_embedding; /* (V, d) */
    const float *rms_att;         /* (L, d) */
    const float *wq;              /* (L, d, d) */
    const float *wk;              /* (L, kv, d) */
    const float *wv;              /* (L, kv, d) */
    const float *wo;              /* (L, d, d) */
    const float *rms_ffn;         /* (L, d) */
    const float *w1;              /* (L, h, d) */
    const float *w2;              /* (L, d, h) */
    const float *w3;              /* (L, h, d) */
    const float *rms_final;       /* (d,) */
    const float *wcls;            /* (V, d); == token_embedding if shared */
};

/* A model in memory: its config and one buffer holding every tensor. */
struct ref_checkpoint {
    struct ref_config cfg;
    struct ref_sizes sizes;
    float *data;                /* owned; sizes.total_elems floats */
    float *tensor[REF_T_COUNT]; /* pointers into data, file order */
};

/* Header size in bytes: seven int32. */
#define REF_CHECKPOINT_HEADER_BYTES 28

/* Reads path. On SIM_OK *out is a new checkpoint (free with
 * ref_checkpoint_destroy); otherwise *out is NULL and err names the file
 * and the problem (SIM_EIO unreadable, SIM_EINVAL malformed). */
enum sim_status ref_checkpoint_load(const char *path,
                                    struct ref_checkpoint **out,
                                    struct sim_err *err);

/* Writes ck to path via a temporary file renamed into place, so a failed
 * write never leaves a partial checkpoint behind. */
enum sim_status ref_checkpoint_save(const char *path,
                                    const struct ref_checkpoint *ck,
                                    struct sim_err *err);

/* A checkpoint with seeded random weights: matrices uniform in
 * +-1/sqrt(fan_in) (PyTorch nn.Linear's default), the embedding uniform
 * in +-1, norms 1, and the legacy rotary tables filled with cos/sin.
 * cfg must pass ref_config_check. Caller frees with ref_checkpoint_destroy. */
struct ref_checkpoint *ref_checkpoint_random(const struct ref_config *cfg,
                                             uint64_t seed);

void ref_checkpoint_destroy(struct ref_checkpoint *ck);

/* Fills w with views into ck (borrowed; valid while ck lives). */
void ref_checkpoint_weights(const struct ref_checkpoint *ck,
                            struct ref_weights *w);

#endif
