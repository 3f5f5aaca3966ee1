/*
 * reference/accounting: the PLAN of one inference step, the single source
 * of truth for what each side computes and what crosses the link.
 *
 * A plan is a list of stages in execution order. Each stage is either a
 * compute stage on one side (edge or cloud) with its FLOPs and the weight
 * and KV-cache bytes it touches, or a message on one link direction with
 * its tensor shape, element type and bytes. Dependencies say which
 * stages must finish first. The reference split forward pass sizes its
 * boundary buffers from a plan and its message log must equal the plan's
 * messages; the simulator replays the same plan; reports sum it.
 *
 * Accounting conventions (stated once, used everywhere):
 *  - FLOPs are dense, 2 per multiply-add. RMSNorm counts 4 per element.
 *    Attention counts QK^T and AV only (ref_attention_cost).
 *  - Weights are read once per step whatever the batch.
 *  - Only the last position of each sequence goes through the final norm
 *    and the LM head: generation needs only the next token's logits.
 *  - device-only and cloud-only fold the adapter into the base weights
 *    offline (W + B*M*A), so they have no adapter stages.
 *  - The naive split runs a plain LoRA (A then B, rank rank_c2d) on the
 *    edge. Its up message is d wide by default, the paper's counting
 *    basis ("4096 x 2 x 32 x 16"); naive_up_qkv=1 counts what q, k and v
 *    deltas really need, d + 2*kv wide.
 *
 * This module knows nothing of SimGrid, files or JSON.
 */
#ifndef REFERENCE_ACCOUNTING_H
#define REFERENCE_ACCOUNTING_H

#include <stddef.h>
#include <stdint.h>

#include "reference/config.h"
#include "util/status.h"

// ---- enumerations ----

enum ref_mode {
    REF_MODE_DEVICE_ONLY,
    REF_MODE_CLOUD_ONLY,
    REF_MODE_NAIVE_SPLIT, /* LoRA on the edge, d-wide activations cross */
    REF_MODE_PRIVATELORA, /* A, B in the cloud, M on the edge, r-wide */
    REF_MODE_PL_FIRST_K,  /* PrivateLoRA with the first k layers on edge */
    REF_MODE_COUNT
};

enum ref_phase { REF_PHASE_PREFILL, REF_PHASE_DECODE };

/* Element type of a boundary tensor. INT8 carries one fp32 scale per
 * row (last dimension); I32 is used for token ids. */
enum ref_dtype {
    REF_DTYPE_FP32,
    REF_DTYPE_FP16,
    REF_DTYPE_BF16,
    REF_DTYPE_INT8,
    REF_DTYPE_I32,
    REF_DTYPE_COUNT
};

/* Where a stage runs: a side for compute, a direction for messages.
 * UP is edge -> cloud (device-to-cloud, D2C), DOWN is cloud -> edge. */
enum ref_place { REF_EDGE, REF_CLOUD, REF_LINK_UP, REF_LINK_DOWN };

enum ref_stage_kind { REF_STAGE_COMPUTE, REF_STAGE_MESSAGE };

/* What a stage does: the instruction set of a plan. The reference's
 * interpreter (reference/model) executes each one for real; the
 * simulator times it; reports group by it. A layer's PrivateLoRA round
 * trip is LORA_A (cloud), ACT_DOWN, LORA_M (edge), ACT_UP, LORA_B
 * (cloud); the naive split's is ACT_DOWN, LORA_A, LORA_B (edge), ACT_UP,
 * the delta being added by QKV_BASE. */
enum ref_op {
    /* compute */
    REF_OP_EMBED,       /* x = embedding rows of the step's tokens */
    REF_OP_ATTN_NORM,   /* xb = RMSNorm(x) * rms_att[l] */
    REF_OP_QKV_BASE,    /* q, k, v = xb W^T (+ the naive split's delta) */
    REF_OP_LORA_A,      /* down = xb A^T, (3, N, r_c2d) */
    REF_OP_LORA_M,      /* up = down M^T, (3, N, r_d2c) */
    REF_OP_LORA_B,      /* PL: q, k, v += up B^T; naive: delta = down (BM)^T */
    REF_OP_ATTN,        /* rotary, KV-cache write, causal attention */
    REF_OP_ATTN_OUT,    /* x += att Wo^T */
    REF_OP_MLP,         /* x += W2 (silu(W1 xb) * W3 xb), xb = RMSNorm(x) */
    REF_OP_FINAL_NORM,  /* hidden = RMSNorm(last position of each sequence) */
    REF_OP_LM_HEAD,     /* logits = hidden Wcls^T; the next token is argmax */
    REF_OP_DRAFT,       /* speculative: the draft model's k greedy steps on the edge */
    /* messages */
    REF_OP_TOKENS_UP,   /* the prompt's token ids, edge -> cloud */
    REF_OP_EMBED_UP,    /* embeddings into the cloud's first layer */
    REF_OP_HIDDEN_UP,   /* the input of the first cloud layer (first-k) */
    REF_OP_ACT_DOWN,    /* PL: x A^T; naive: the normed x */
    REF_OP_ACT_UP,      /* PL: (x A^T) M^T; naive: the q, k, v deltas */
    REF_OP_HIDDEN_DOWN, /* final hidden state of each sequence */
    REF_OP_TOKEN_DOWN,  /* the next token id of each sequence */
    REF_OP_COUNT
};

/* "qkv_base", "act_down", ...; "?" out of range. */
const char *ref_op_name(enum ref_op op);

/* Name tables, NULL-terminated, indexed by the enum (or the flag): the
 * one spelling of each name, which the scenario schema uses too. */
extern const char *const ref_mode_names[REF_MODE_COUNT + 1];
extern const char *const ref_phase_names[3];     /* prefill, decode */
extern const char *const ref_transfer_names[REF_DTYPE_INT8 + 2]; /* wire types */
extern const char *const ref_timing_names[3];    /* additive, overlap (opts.overlap) */
extern const char *const ref_naive_up_names[3];  /* d, qkv (opts.naive_up_qkv) */

const char *ref_mode_name(enum ref_mode m);   /* "privatelora", ... */
const char *ref_phase_name(enum ref_phase p); /* "prefill", "decode" */
const char *ref_dtype_name(enum ref_dtype t); /* "fp16", ... */
const char *ref_place_name(enum ref_place p); /* "edge", "up", ... */

/* Parse the names above; SIM_EINVAL for an unknown name. */
enum sim_status ref_mode_parse(const char *s, enum ref_mode *out);
enum sim_status ref_phase_parse(const char *s, enum ref_phase *out);
enum sim_status ref_dtype_parse(const char *s, enum ref_dtype *out);

/* Bytes of a tensor of n_rows rows of row_len elements of type t,
 * including the per-row fp32 scale of INT8. */
int64_t ref_dtype_tensor_bytes(enum ref_dtype t, int64_t n_rows,
                               int64_t row_len);

// ---- plan options ----

/* Everything that shapes one step, besides the architecture. */
struct ref_plan_opts {
    enum ref_mode mode;
    enum ref_phase phase;
    int64_t n_tokens;  /* new tokens per sequence this step (1 in decode) */
    int64_t batch;     /* sequences stepped together */
    int64_t pos;       /* tokens already in each sequence's KV cache */
    int64_t rank_c2d;  /* r_C2D: width of A's output, cloud -> device */
    int64_t rank_d2c;  /* r_D2C: width of M's output, device -> cloud */
    int adapt_all;     /* 1: every layer adapted; 0: see adapted[] */
    uint8_t adapted[REF_MAX_LAYERS]; /* per-layer flag when !adapt_all */
    int64_t first_k;   /* layers run on the edge (REF_MODE_PL_FIRST_K) */
    enum ref_dtype transfer; /* element type of boundary activations */
    double weight_bits[2];   /* bits per base weight, [REF_EDGE], [REF_CLOUD] */
    double adapter_bits;     /* bits per adapter (A, B, M) weight */
    double kv_bits;          /* bits per KV-cache element */
    int overlap;      /* 1: qkv_base does not wait for the round trip */
    int naive_up_qkv; /* naive split: 1 = up message d + 2*kv wide */
    int all_logits;   /* 1: final norm and LM head on every new position (a
                         speculative verification pass), not only the last */
    int64_t spec_k;   /* speculative: k draft tokens verified per pass (0: none);
                         the step is then a pass of k + 1 tokens, all_logits */
    int spec_lookup;  /* speculative: the draft is a prompt lookup (no compute) */
    struct ref_config spec_draft; /* speculative: the draft model, unless lookup */
};

/* Defaults: PrivateLoRA, decode of 1 token, batch 1, pos 0, rank 0 (no
 * adapter), every layer adapted, fp16 transfer, 16-bit weights, adapters
 * and KV, additive timing, the paper's naive-split basis. */
void ref_plan_opts_default(struct ref_plan_opts *o);

/* 1 when layer l carries an adapter under o (rank > 0 and selected). */
int ref_plan_opts_is_adapted(const struct ref_plan_opts *o, int64_t l);

// ---- the plan ----

#define REF_STAGE_MAX_DEPS 3

/* One stage of a step. Plain data; fields for the other kind are 0. */
struct ref_stage {
    enum ref_stage_kind kind;
    enum ref_place place;
    int64_t layer;       /* decoder layer, or -1 */
    enum ref_op op;      /* what the stage does; ref_op_name for text */
    /* compute */
    double flop;           /* dense floating-point operations of this stage, whole batch */
    double weight_params;  /* weight elements read (base or adapter) */
    double weight_bytes;   /* their bytes at the side's or adapter bits */
    double kv_read_bytes;  /* KV-cache bytes read */
    double kv_write_bytes; /* KV-cache bytes written */
    double kernel_calls;   /* calls of parallel kernels the reference makes for it */
    /* message */
    int ndim;             /* dimensions used in shape, 1..3 */
    int64_t shape[3];     /* tensor shape, outermost first */
    enum ref_dtype dtype; /* element type on the wire */
    int64_t msg_bytes;    /* bytes on the wire */
    /* dependencies: indices of earlier stages that must finish first */
    int n_deps;
    int deps[REF_STAGE_MAX_DEPS];
};

/* A built plan: stages in an order that respects every dependency. */
struct ref_plan {
    struct ref_config cfg;     /* copy of the architecture */
    struct ref_plan_opts opts; /* copy of the options */
    struct ref_stage *stages;  /* n_stages entries, owned */
    int n_stages;
    int cap;                   /* allocated entries */
};

/* Builds the plan of one step. On SIM_OK *out is a new plan the caller
 * frees with ref_plan_destroy. On error *out is NULL and err says why
 * (invalid config, rank larger than the width, first_k out of range,
 * context overflow, ...). */
enum sim_status ref_plan_build(const struct ref_config *cfg,
                               const struct ref_plan_opts *opts,
                               struct ref_plan **out, struct sim_err *err);

/* Frees a plan; NULL is a no-op. */
void ref_plan_destroy(struct ref_plan *p);

/* Sums over a plan. Index sides with REF_EDGE / REF_CLOUD. */
struct ref_plan_totals {
    double flop[2];           /* dense floating-point operations per side */
    double weight_bytes[2];   /* per side */
    double kv_read_bytes[2];  /* per side */
    double kv_write_bytes[2]; /* per side */
    int64_t bytes_up;         /* all UP messages */
    int64_t bytes_down;       /* all DOWN messages */
    int n_msgs_up;
    int n_msgs_down;
};

void ref_plan_sum(const struct ref_plan *p, struct ref_plan_totals *t);

// ---- communication reduction ----

/* Reduction of PrivateLoRA's bytes against the naive split for one step
 * (prefill of n_tokens, or a decode step after n_tokens), batch 1, both
 * ranks r, every layer adapted: 1 - PL/naive per direction and in total,
 * embeddings and the final hidden state included. */
struct ref_reduction {
    double up;
    double down;
    double total;
};

enum sim_status ref_comm_reduction(const struct ref_config *cfg, int64_t rank,
                                   enum ref_dtype transfer, enum ref_phase phase,
                                   int64_t n_tokens, struct ref_reduction *out,
                                   struct sim_err *err);

// ---- resources (memory and per-token FLOPs by component) ----

enum ref_component {
    REF_C_EMBEDDING, /* token embedding table (V, d): a lookup */
    REF_C_ATTN,      /* wq, wk, wv, wo of the layers on that side */
    REF_C_MLP,       /* w1, w2, w3 */
    REF_C_NORMS,     /* every RMSNorm weight, final one included */
    REF_C_LM_HEAD,   /* classifier (V, d); 0 params when shared */
    REF_C_LORA_A,    /* (3, r_c2d, d) per adapted layer */
    REF_C_LORA_B,    /* q: (d, r_d2c), k and v: (kv, r_d2c) */
    REF_C_LORA_M,    /* (3, r_d2c, r_c2d) per adapted layer */
    REF_C_COUNT
};

const char *ref_component_name(enum ref_component c);

/* Parameters, memory and per-token FLOPs of each component on each side.
 * FLOPs per token are 2 per weight used by one token (the paper's 2P):
 * the embedding lookup costs none, attention over the context is not
 * included, a shared LM head still costs 2*V*d. */
struct ref_resources {
    int64_t params[2][REF_C_COUNT];         /* [side][component] */
    double memory_bytes[2][REF_C_COUNT];    /* at weight/adapter bits */
    double flop_per_token[2][REF_C_COUNT]; /* dense */
};

/* Places the components for opts->mode (and first_k) and fills r.
 * Uses opts->rank_*, adapted layers, weight_bits[side], adapter_bits. */
enum sim_status ref_resources_compute(const struct ref_config *cfg,
                                      const struct ref_plan_opts *opts,
                                      struct ref_resources *r,
                                      struct sim_err *err);

/* The counting that reproduces the paper's resource table:
 *  - PL edge: one V x d matrix (the LM head; the embedding table, a lookup,
 *    is not counted, shared classifier or not) plus M, all at 16 bits,
 *    rank r both ways, every layer adapted;
 *  - full model: attention and MLP weights plus one V x d matrix at
 *    full_bits, no norms.
 * FLOPs are 2 per counted weight. */
struct ref_paper_counting {
    double pl_edge_bytes;
    double pl_edge_flop;
    double full_bytes;
    double full_flop;
};

enum sim_status ref_paper_counting(const struct ref_config *cfg, int64_t rank,
                                   double full_bits, struct ref_paper_counting *out,
                                   struct sim_err *err);

#endif
