/*
 * reference/model: a Llama-family forward pass that executes plans.
 *
 * A session holds a checkpoint, an optional PrivateLoRA adapter, and two
 * sides, the EDGE (the phone) and the CLOUD, each with its own
 * activations and KV cache. Every step builds the accounting plan of
 * that step (reference/accounting) for the session's mode and runs it
 * stage by stage: a compute stage calls the kernels of its operation on
 * its side, a message stage moves a tensor from one side's buffers to
 * the other's through reference/boundary, encoded for real at the
 * transfer precision and logged. So every mode, device-only to
 * first-k, is one plan and one interpreter, and the log of what crossed
 * can be compared with the plan message by message.
 *
 * Device-only runs the whole model on the edge with the adapter folded
 * into wq, wk, wv (W' = W + B M A): the "merged" model. Cloud-only folds
 * it likewise in the cloud. Layers that a mode runs locally use folded
 * weights; layers with a round trip use the base weights plus the
 * adapter's low-rank path.
 *
 * A step processes `batch` sequences of `n_tokens` new tokens each, all
 * at the same position. A step at position 0, or of several tokens, is a
 * prefill; a one-token step after one is a decode step (in cloud-only
 * mode the cloud already holds a decode step's token: it produced it).
 * Activations are (N, d) with N = batch * n_tokens, sequence-major.
 * Shapes use the legend of kernels.h.
 */
#ifndef REFERENCE_MODEL_H
#define REFERENCE_MODEL_H

#include <stdint.h>

#include "reference/boundary.h"
#include "reference/checkpoint.h"
#include "reference/kernels.h"
#include "reference/lora.h"

typedef struct ref_session ref_session_t;

/* How a session runs. */
struct ref_session_opts {
    enum ref_mode mode;      /* the plan executed; device-only is the merged model */
    enum ref_dtype transfer; /* wire type of boundary activations */
    int64_t first_k;         /* privatelora-first-k: layers run on the edge */
    int naive_up_qkv;        /* naive-split: must be 1; the d-wide basis is a counting */
    int64_t max_batch;       /* largest batch of a step */
    int64_t max_tokens;      /* largest number of new tokens per sequence in a step */
    int all_logits;          /* 1: every step returns the logits of every new position
                                (speculative verification), not only the last */
};

/* Device-only (merged), fp16 transfer, first_k 1, the naive split's
 * real q, k, v deltas, one sequence of up to one token. */
void ref_session_opts_default(struct ref_session_opts *o);

/* A model ready to run steps. ck and lora (NULL for none) are borrowed
 * and must outlive the session. On SIM_OK *out is a new session the
 * caller frees with ref_session_destroy; SIM_EINVAL (err says why) for
 * options no plan can run: sizes below 1 or past seq_len, first_k out of
 * range, a naive split asked to send the paper's d-wide up message
 * (a counting convention: the real q, k, v deltas are d + 2kv wide). */
enum sim_status ref_session_create(const struct ref_checkpoint *ck,
                                   const struct ref_lora *lora,
                                   const struct ref_session_opts *opts,
                                   ref_session_t **out, struct sim_err *err);
void ref_session_destroy(ref_session_t *s);

/* Runs one step of tokens (batch, n_tokens) at the session's current
 * position and writes logits (batch, V) of each sequence's last token,
 * or with all_logits (batch * n_tokens, V), every new position's.
 * Returns SIM_EINVAL (err says why) if the step would overflow seq_len,
 * exceeds the session's batch/tokens or holds a token outside the
 * vocabulary; nothing runs then. */
enum sim_status ref_session_step(ref_session_t *s, const int32_t *tokens,
                                 int64_t batch, int64_t n_tokens,
                                 float *logits, struct sim_err *err);

/* The boundary; its log holds every message since creation (none for
 * device-only). Borrowed. */
const struct ref_boundary *ref_session_boundary(const ref_session_t *s);

/* Tokens already in the KV cache. */
int64_t ref_session_pos(const ref_session_t *s);

/* Forgets the cache past pos (0 <= pos <= the current position): the
 * next step writes from there. A speculative pass rewinds past the draft
 * tokens the target rejected. SIM_EINVAL for a pos out of range. */
enum sim_status ref_session_rewind(ref_session_t *s, int64_t pos, struct sim_err *err);

/* The plan of the last step, and per stage the summed cost of the
 * kernels the interpreter really called for it (n_stages entries; zero
 * for messages). NULL before the first step. Borrowed until the next
 * step. */
const struct ref_plan *ref_session_last_plan(const ref_session_t *s);
const struct ref_cost *ref_session_last_costs(const ref_session_t *s);

#endif
