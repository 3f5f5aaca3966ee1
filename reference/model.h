/*
 * reference/model: a Llama-family forward pass in two halves.
 *
 * The CLOUD half holds the decoder stack (every layer's weights and
 * norms, the final norm), the KV cache, and PrivateLoRA's A and B.
 * The EDGE half holds the token embedding, the LM head and M.
 * Neither half sees the other's weights; a split step moves tensors
 * between them only through reference/boundary.
 *
 * A step processes `batch` sequences of `n_tokens` new tokens each, all
 * starting at position `pos` (a prefill when n_tokens > 1, a decode step
 * when n_tokens == 1). Activations are (N, d) with N = batch * n_tokens,
 * sequence-major. Only the last position of each sequence reaches the
 * final norm and the LM head.
 *
 * The session runs steps either MERGED (adapters folded into wq, wk, wv:
 * W' = W + B M A, one process, no boundary) or SPLIT (base projections
 * plus a low-rank round trip per adapted layer, every crossing encoded
 * at the transfer precision and logged).
 */
#ifndef REFERENCE_MODEL_H
#define REFERENCE_MODEL_H

#include <stdint.h>

#include "reference/boundary.h"
#include "reference/checkpoint.h"
#include "reference/lora.h"

typedef struct ref_cloud ref_cloud_t;
typedef struct ref_edge ref_edge_t;
typedef struct ref_session ref_session_t;

// ---- cloud half ----

/* wqkv: NULL to use w->wq/wk/wv, or a folded (L, d + 2kv, d) buffer from
 * ref_lora_fold_qkv. lora: NULL for none; only A and B are read.
 * Borrows w, wqkv and lora; they must outlive the cloud. */
ref_cloud_t *ref_cloud_create(const struct ref_config *cfg,
                              const struct ref_weights *w, const float *wqkv,
                              const struct ref_lora *lora, int64_t max_batch,
                              int64_t max_tokens);
void ref_cloud_destroy(ref_cloud_t *c);

/* Starts a step from the first layer's input x (N, d). */
void ref_cloud_begin(ref_cloud_t *c, const float *x, int64_t batch,
                     int64_t n_tokens, int64_t pos);

/* attn_norm, and for an adapted layer x A^T for q, k, v into
 * down (3, N, r_c2d). Returns 1 if layer l is adapted (down written). */
int ref_cloud_layer_front(ref_cloud_t *c, int64_t l, float *down);

/* qkv_base, + B . up when up (3, N, r_d2c) is not NULL, rotary, KV-cache
 * write, attention, wo and the MLP block, both residuals. */
void ref_cloud_layer_back(ref_cloud_t *c, int64_t l, const float *up);

/* Final norm of each sequence's last position into hidden (batch, d). */
void ref_cloud_end(ref_cloud_t *c, float *hidden);

// ---- edge half ----

/* Borrows the embedding and classifier of w and the M of lora (NULL for
 * none); they must outlive the edge. */
ref_edge_t *ref_edge_create(const struct ref_config *cfg,
                            const struct ref_weights *w,
                            const struct ref_lora *lora);
void ref_edge_destroy(ref_edge_t *e);

/* Embedding rows of tokens (N,) into x (N, d). Token ids are checked. */
void ref_edge_embed(const ref_edge_t *e, const int32_t *tokens, int64_t N,
                    float *x);

/* up[p] = down[p] M_p^T for p in q, k, v: (3, N, r_c2d) -> (3, N, r_d2c). */
void ref_edge_lora_M(const ref_edge_t *e, int64_t l, const float *down,
                     int64_t N, float *up);

/* LM head: hidden (batch, d) -> logits (batch, V). */
void ref_edge_logits(const ref_edge_t *e, const float *hidden, int64_t batch,
                     float *logits);

// ---- session: merged or split steps ----

enum ref_exec { REF_EXEC_MERGED, REF_EXEC_SPLIT };

/* A model ready to run steps. ck is borrowed; lora (may be NULL) is
 * borrowed. transfer is the boundary type of a split session. */
ref_session_t *ref_session_create(const struct ref_checkpoint *ck,
                                  const struct ref_lora *lora,
                                  enum ref_exec exec, enum ref_dtype transfer,
                                  int64_t max_batch, int64_t max_tokens);
void ref_session_destroy(ref_session_t *s);

/* Runs one step of tokens (batch, n_tokens) at the session's current
 * position and writes logits (batch, V) of each sequence's last token.
 * Returns SIM_EINVAL (err says why) if the step would overflow seq_len
 * or exceeds the session's batch/tokens; nothing runs then. */
enum sim_status ref_session_step(ref_session_t *s, const int32_t *tokens,
                                 int64_t batch, int64_t n_tokens,
                                 float *logits, struct sim_err *err);

/* The boundary of a split session (its log holds every message since
 * creation), or NULL for a merged one. Borrowed. */
const struct ref_boundary *ref_session_boundary(const ref_session_t *s);

/* Tokens already in the KV cache. */
int64_t ref_session_pos(const ref_session_t *s);

#endif
