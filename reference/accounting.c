/*
 * reference/accounting: builds the plan of one step and the resource
 * breakdown. See accounting.h for the conventions; every FLOP and byte
 * formula of the project lives in this file or in kernels.c.
 */
#include "reference/accounting.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference/kernels.h"

// ---- names ----

const char *const ref_mode_names[REF_MODE_COUNT + 1] = {
    "device-only", "cloud-only", "naive-split", "privatelora",
    "privatelora-first-k", NULL,
};
const char *const ref_phase_names[3] = {"prefill", "decode", NULL};
const char *const ref_transfer_names[REF_DTYPE_INT8 + 2] = {"fp32", "fp16", "bf16", "int8",
                                                            NULL};
const char *const ref_timing_names[3] = {"additive", "overlap", NULL};
const char *const ref_naive_up_names[3] = {"d", "qkv", NULL};
#define mode_names ref_mode_names

static const char *const dtype_names[REF_DTYPE_COUNT] = {
    "fp32", "fp16", "bf16", "int8", "i32",
};

const char *ref_mode_name(enum ref_mode m)
{
    return (m >= 0 && m < REF_MODE_COUNT) ? mode_names[m] : "?";
}

const char *ref_phase_name(enum ref_phase p)
{
    return ref_phase_names[p == REF_PHASE_PREFILL ? 0 : 1];
}

const char *ref_dtype_name(enum ref_dtype t)
{
    return (t >= 0 && t < REF_DTYPE_COUNT) ? dtype_names[t] : "?";
}

const char *ref_op_name(enum ref_op op)
{
    static const char *const names[REF_OP_COUNT] = {
        "embed",     "attn_norm",  "qkv_base", "lora_A",      "lora_M",     "lora_B",
        "attn",      "attn_out",   "mlp",      "final_norm",  "lm_head",    "draft",
        "tokens_up", "embed_up",   "hidden_up", "act_down",   "act_up",     "hidden_down",
        "token_down",
    };
    return (op >= 0 && op < REF_OP_COUNT) ? names[op] : "?";
}

const char *ref_place_name(enum ref_place p)
{
    switch (p) {
    case REF_EDGE: return "edge";
    case REF_CLOUD: return "cloud";
    case REF_LINK_UP: return "up";
    case REF_LINK_DOWN: return "down";
    }
    return "?";
}

enum sim_status ref_mode_parse(const char *s, enum ref_mode *out)
{
    for (int i = 0; i < REF_MODE_COUNT; i++)
        if (strcmp(s, mode_names[i]) == 0) {
            *out = (enum ref_mode)i;
            return SIM_OK;
        }
    return SIM_EINVAL;
}

enum sim_status ref_phase_parse(const char *s, enum ref_phase *out)
{
    if (strcmp(s, "prefill") == 0)
        *out = REF_PHASE_PREFILL;
    else if (strcmp(s, "decode") == 0)
        *out = REF_PHASE_DECODE;
    else
        return SIM_EINVAL;
    return SIM_OK;
}

enum sim_status ref_dtype_parse(const char *s, enum ref_dtype *out)
{
    for (int i = 0; i < REF_DTYPE_COUNT; i++)
        if (strcmp(s, dtype_names[i]) == 0) {
            *out = (enum ref_dtype)i;
            return SIM_OK;
        }
    return SIM_EINVAL;
}

int64_t ref_dtype_tensor_bytes(enum ref_dtype t, int64_t n_rows,
                               int64_t row_len)
{
    const int64_t n = n_rows * row_len;
    switch (t) {
    case REF_DTYPE_FP32: return 4 * n;
    case REF_DTYPE_FP16: return 2 * n;
    case REF_DTYPE_BF16: return 2 * n;
    case REF_DTYPE_INT8: return n + 4 * n_rows; /* + fp32 scale per row */
    case REF_DTYPE_I32: return 4 * n;
    case REF_DTYPE_COUNT: break;
    }
    SIM_ASSERT(0, "unknown dtype %d", (int)t);
}

// ---- options ----

void ref_plan_opts_default(struct ref_plan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mode = REF_MODE_PRIVATELORA;
    o->phase = REF_PHASE_DECODE;
    o->n_tokens = 1;
    o->batch = 1;
    o->adapt_all = 1;
    o->transfer = REF_DTYPE_FP16;
    o->weight_bits[REF_EDGE] = 16.0;
    o->weight_bits[REF_CLOUD] = 16.0;
    o->adapter_bits = 16.0;
    o->kv_bits = 16.0;
}

int ref_plan_opts_is_adapted(const struct ref_plan_opts *o, int64_t l)
{
    if (o->rank_c2d <= 0 || o->rank_d2c <= 0)
        return 0;
    if (l < 0 || l >= REF_MAX_LAYERS)
        return 0;
    return o->adapt_all ? 1 : o->adapted[l] != 0;
}

static enum sim_status opts_check(const struct ref_config *c,
                                  const struct ref_plan_opts *o,
                                  struct sim_err *err)
{
    if (o->mode < 0 || o->mode >= REF_MODE_COUNT)
        return sim_err_set(err, SIM_EINVAL, "unknown mode %d", (int)o->mode);
    if (o->n_tokens < 1 || o->batch < 1 || o->pos < 0)
        return sim_err_set(err, SIM_EINVAL,
                           "tokens and batch must be >= 1 and pos >= 0");
    if (o->phase == REF_PHASE_DECODE && o->n_tokens != 1)
        return sim_err_set(err, SIM_EINVAL,
                           "a decode step has 1 new token, found %" PRId64,
                           o->n_tokens);
    if (o->pos + o->n_tokens > c->seq_len)
        return sim_err_set(err, SIM_EINVAL,
                           "context %" PRId64 " exceeds seq_len %" PRId64,
                           o->pos + o->n_tokens, c->seq_len);
    if (o->rank_c2d < 0 || o->rank_d2c < 0 ||
        (o->rank_c2d == 0) != (o->rank_d2c == 0))
        return sim_err_set(err, SIM_EINVAL,
                           "ranks must be both 0 (no adapter) or both "
                           "positive, found r_c2d=%" PRId64 " r_d2c=%" PRId64,
                           o->rank_c2d, o->rank_d2c);
    if (o->rank_c2d > c->dim || o->rank_d2c > c->dim)
        return sim_err_set(err, SIM_EINVAL,
                           "rank %" PRId64 " is larger than the model width %"
                           PRId64, o->rank_c2d > o->rank_d2c ? o->rank_c2d
                                                             : o->rank_d2c,
                           c->dim);
    if (o->mode == REF_MODE_PL_FIRST_K &&
        (o->first_k < 0 || o->first_k > c->n_layers))
        return sim_err_set(err, SIM_EINVAL,
                           "first_k must be in [0, %" PRId64 "], found %" PRId64,
                           c->n_layers, o->first_k);
    if (o->transfer == REF_DTYPE_I32 || o->transfer < 0 ||
        o->transfer >= REF_DTYPE_COUNT)
        return sim_err_set(err, SIM_EINVAL,
                           "transfer type must be fp32, fp16, bf16 or int8");
    if (o->spec_k < 0 || o->spec_k > 64)
        return sim_err_set(err, SIM_EINVAL, "speculative k must be in [0, 64], found %" PRId64,
                           o->spec_k);
    if (o->spec_k > 0) {
        if (o->mode == REF_MODE_DEVICE_ONLY || o->mode == REF_MODE_CLOUD_ONLY)
            return sim_err_set(err, SIM_EINVAL, "speculative verification needs a split mode, "
                               "found %s", ref_mode_name(o->mode));
        if (o->n_tokens != o->spec_k + 1 || !o->all_logits)
            return sim_err_set(err, SIM_EINVAL, "a speculative pass verifies k + 1 = %" PRId64
                               " tokens with every position's logits", o->spec_k + 1);
        if (!o->spec_lookup && ref_config_check(&o->spec_draft, err) != SIM_OK)
            return SIM_EINVAL;
        if (!o->spec_lookup && o->spec_draft.vocab_size != c->vocab_size)
            return sim_err_set(err, SIM_EINVAL, "the draft's vocabulary (%" PRId64 ") is not "
                               "the model's (%" PRId64 ")", o->spec_draft.vocab_size,
                               c->vocab_size);
        if (!o->spec_lookup && o->pos + o->spec_k > o->spec_draft.seq_len)
            return sim_err_set(err, SIM_EINVAL, "the draft's context of %" PRId64 " tokens is "
                               "too short", o->spec_draft.seq_len);
    }
    if (!(o->weight_bits[REF_EDGE] > 0.0) || !(o->weight_bits[REF_CLOUD] > 0.0) ||
        !(o->adapter_bits > 0.0) ||
        !(o->kv_bits > 0.0))
        return sim_err_set(err, SIM_EINVAL,
                           "weight, adapter and KV bits must be positive");
    return SIM_OK;
}

// ---- plan building ----

/* Appends a stage and returns its index. Grows the array as needed. */
static int push(struct ref_plan *p, const struct ref_stage *s)
{
    if (p->n_stages == p->cap) {
        const int cap = p->cap ? 2 * p->cap : 64;
        struct ref_stage *grown = realloc(p->stages, (size_t)cap * sizeof *grown);
        SIM_ASSERT(grown != NULL, "out of memory growing a plan");
        p->stages = grown;
        p->cap = cap;
    }
    p->stages[p->n_stages] = *s;
    return p->n_stages++;
}

/* Dependencies of a new stage; -1 entries are dropped. */
static void set_deps(struct ref_stage *s, int a, int b)
{
    s->n_deps = 0;
    if (a >= 0)
        s->deps[s->n_deps++] = a;
    if (b >= 0 && b != a)
        s->deps[s->n_deps++] = b;
}

/* A compute stage of cost c: its FLOPs and weight elements are sums of
 * the kernels' cost functions (kernels.h); the weights are base weights
 * at the side's bits, or adapter weights (is_adapter) at the adapter
 * bits. */
static int compute(struct ref_plan *p, enum ref_place side, int64_t layer, enum ref_op op,
                   struct ref_cost c, int is_adapter, int dep_a, int dep_b)
{
    struct ref_stage s;
    memset(&s, 0, sizeof s);
    s.kind = REF_STAGE_COMPUTE;
    s.place = side;
    s.layer = layer;
    s.op = op;
    s.flop = c.flop;
    s.kernel_calls = c.calls;
    s.weight_params = c.params;
    const double bits = is_adapter ? p->opts.adapter_bits : p->opts.weight_bits[side];
    s.weight_bytes = c.params * bits / 8.0;
    set_deps(&s, dep_a, dep_b);
    return push(p, &s);
}

/* A message of rows x row_len elements, shaped (lead, rows, row_len)
 * when lead > 1, (rows, row_len) for activations, (rows,) for ids. */
static int message(struct ref_plan *p, enum ref_place dir, int64_t layer, enum ref_op op,
                   enum ref_dtype t, int64_t lead, int64_t rows, int64_t row_len, int dep)
{
    struct ref_stage s;
    memset(&s, 0, sizeof s);
    s.kind = REF_STAGE_MESSAGE;
    s.place = dir;
    s.layer = layer;
    s.op = op;
    s.dtype = t;
    if (lead > 1) {
        s.ndim = 3;
        s.shape[0] = lead;
        s.shape[1] = rows;
        s.shape[2] = row_len;
    } else if (row_len > 1 || t != REF_DTYPE_I32) {
        s.ndim = 2;
        s.shape[0] = rows;
        s.shape[1] = row_len;
    } else {
        s.ndim = 1;
        s.shape[0] = rows;
    }
    s.msg_bytes = ref_dtype_tensor_bytes(t, lead * rows, row_len);
    set_deps(&s, dep, -1);
    return push(p, &s);
}

/* Shared quantities of one step. */
struct step {
    int64_t N;  /* activation rows: batch * n_tokens */
    int64_t d, kv, h;
    int64_t qkv_out; /* d + 2 kv */
};

// ---- stage costs: sums of the kernels each op calls ----

/* One (N, n) x (out_q + 2 out_kv, n)^T product done as three matmuls. */
static struct ref_cost qkv_cost(int64_t N, int64_t n, int64_t out_q, int64_t out_kv)
{
    struct ref_cost c = ref_matmul_cost(N, n, out_q);
    ref_cost_add(&c, ref_matmul_cost(N, n, out_kv));
    ref_cost_add(&c, ref_matmul_cost(N, n, out_kv));
    return c;
}

/* Three (N, n) x (m, n)^T products, one per projection. */
static struct ref_cost three_cost(int64_t N, int64_t n, int64_t m)
{
    return qkv_cost(N, n, m, m);
}

static struct ref_cost mlp_cost(const struct step *st)
{
    struct ref_cost c = ref_rmsnorm_cost(st->N, st->d);
    ref_cost_add(&c, ref_matmul_cost(st->N, st->d, st->h)); // w1
    ref_cost_add(&c, ref_matmul_cost(st->N, st->d, st->h)); // w3
    ref_cost_add(&c, ref_matmul_cost(st->N, st->h, st->d)); // w2
    return c;
}

/* The attention stage: cost summed over the batch's sequences. */
static int attention(struct ref_plan *p, const struct ref_plan_opts *o,
                     enum ref_place side, int64_t l, int dep_a, int dep_b)
{
    const struct ref_config *c = &p->cfg;
    const struct ref_cost one = ref_attention_cost(
        o->n_tokens, o->pos, c->n_heads, c->n_kv_heads, ref_config_head_size(c));
    struct ref_cost all = {0};
    for (int64_t b = 0; b < o->batch; b++)
        ref_cost_add(&all, one);
    const double kv_row_bytes = 2.0 * (double)ref_config_kv_dim(c) * o->kv_bits / 8.0;
    const int i = compute(p, side, l, REF_OP_ATTN, all, 0, dep_a, dep_b);
    p->stages[i].kv_read_bytes =
        (double)o->batch * (double)(o->pos + o->n_tokens) * kv_row_bytes;
    p->stages[i].kv_write_bytes =
        (double)o->batch * (double)o->n_tokens * kv_row_bytes;
    return i;
}

/* What follows q, k, v in every layer: attention, wo, the MLP block. */
static int layer_tail(struct ref_plan *p, const struct ref_plan_opts *o,
                      const struct step *st, enum ref_place side, int64_t l,
                      int dep_a, int dep_b)
{
    int prev = attention(p, o, side, l, dep_a, dep_b);
    prev = compute(p, side, l, REF_OP_ATTN_OUT, ref_matmul_cost(st->N, st->d, st->d), 0,
                   prev, -1);
    return compute(p, side, l, REF_OP_MLP, mlp_cost(st), 0, prev, -1);
}

/* A whole layer on one side with no boundary crossing. */
static int layer_local(struct ref_plan *p, const struct ref_plan_opts *o,
                       const struct step *st, enum ref_place side, int64_t l,
                       int prev)
{
    prev = compute(p, side, l, REF_OP_ATTN_NORM, ref_rmsnorm_cost(st->N, st->d), 0, prev, -1);
    prev = compute(p, side, l, REF_OP_QKV_BASE, qkv_cost(st->N, st->d, st->d, st->kv), 0,
                   prev, -1);
    return layer_tail(p, o, st, side, l, prev, -1);
}

/* A cloud layer with a PrivateLoRA round trip: A in the cloud, M on the
 * edge, B in the cloud; q, k, v stacked in one message each way. */
static int layer_privatelora(struct ref_plan *p, const struct ref_plan_opts *o,
                             const struct step *st, int64_t l, int prev)
{
    const int64_t rc = o->rank_c2d, rd = o->rank_d2c, N = st->N;
    const int norm = compute(p, REF_CLOUD, l, REF_OP_ATTN_NORM, ref_rmsnorm_cost(N, st->d), 0,
                             prev, -1);
    // x A^T for q, k, v: (3, N, r_c2d)
    const int a = compute(p, REF_CLOUD, l, REF_OP_LORA_A, three_cost(N, st->d, rc), 1, norm,
                          -1);
    const int down = message(p, REF_LINK_DOWN, l, REF_OP_ACT_DOWN, o->transfer, 3, N, rc, a);
    // (x A^T) M^T: (3, N, r_d2c)
    const int m = compute(p, REF_EDGE, l, REF_OP_LORA_M, three_cost(N, rc, rd), 1, down, -1);
    const int up = message(p, REF_LINK_UP, l, REF_OP_ACT_UP, o->transfer, 3, N, rd, m);
    // overlap: the base projection runs while the round trip is in flight
    const int base = compute(p, REF_CLOUD, l, REF_OP_QKV_BASE,
                             qkv_cost(N, st->d, st->d, st->kv), 0, o->overlap ? a : up, -1);
    const int b = compute(p, REF_CLOUD, l, REF_OP_LORA_B, qkv_cost(N, rd, st->d, st->kv), 1,
                          up, base);
    return layer_tail(p, o, st, REF_CLOUD, l, b, -1);
}

/* A cloud layer whose plain LoRA runs on the edge: x goes down d wide,
 * the edge applies A and B, the delta comes back up. */
static int layer_naive(struct ref_plan *p, const struct ref_plan_opts *o,
                       const struct step *st, int64_t l, int prev)
{
    const int64_t r = o->rank_c2d, N = st->N;
    const int64_t up_w = o->naive_up_qkv ? st->qkv_out : st->d;
    const int norm = compute(p, REF_CLOUD, l, REF_OP_ATTN_NORM, ref_rmsnorm_cost(N, st->d), 0,
                             prev, -1);
    const int down = message(p, REF_LINK_DOWN, l, REF_OP_ACT_DOWN, o->transfer, 1, N, st->d,
                             norm);
    const int a = compute(p, REF_EDGE, l, REF_OP_LORA_A, three_cost(N, st->d, r), 1, down, -1);
    const int b = compute(p, REF_EDGE, l, REF_OP_LORA_B, qkv_cost(N, r, st->d, st->kv), 1, a,
                          -1);
    const int up = message(p, REF_LINK_UP, l, REF_OP_ACT_UP, o->transfer, 1, N, up_w, b);
    const int base = compute(p, REF_CLOUD, l, REF_OP_QKV_BASE,
                             qkv_cost(N, st->d, st->d, st->kv), 0, o->overlap ? norm : up, -1);
    return layer_tail(p, o, st, REF_CLOUD, l, base, up);
}

/* Final norm and LM head on the last position of each sequence, or on
 * every new position of a verification pass (all_logits). */
static int head(struct ref_plan *p, const struct ref_plan_opts *o,
                const struct step *st, enum ref_place norm_side,
                enum ref_place head_side, int prev)
{
    const int64_t B = o->all_logits ? st->N : o->batch, V = p->cfg.vocab_size;
    prev = compute(p, norm_side, -1, REF_OP_FINAL_NORM, ref_rmsnorm_cost(B, st->d), 0, prev,
                   -1);
    if (head_side != norm_side)
        prev = message(p, REF_LINK_DOWN, -1, REF_OP_HIDDEN_DOWN, o->transfer, 1, B, st->d,
                       prev);
    return compute(p, head_side, -1, REF_OP_LM_HEAD, ref_matmul_cost(B, st->d, V), 0, prev,
                   -1);
}

/* The draft's k greedy steps on the edge, one stage: k times the cost of
 * the draft model's device-only decode step at the pass's context (the
 * draft reads its weights k times). A prompt lookup costs nothing. */
static int draft_stage(struct ref_plan *p)
{
    const struct ref_plan_opts *o = &p->opts;
    struct ref_cost c = {0};
    double kv_read = 0.0, kv_write = 0.0;
    if (!o->spec_lookup) {
        struct ref_plan_opts d;
        ref_plan_opts_default(&d);
        d.mode = REF_MODE_DEVICE_ONLY;
        d.batch = o->batch;
        d.weight_bits[REF_EDGE] = o->weight_bits[REF_EDGE];
        d.kv_bits = o->kv_bits;
        struct ref_plan *dp = NULL;
        struct sim_err err;
        for (int64_t i = 0; i < o->spec_k; i++) {
            d.pos = o->pos + i;
            SIM_ASSERT(ref_plan_build(&o->spec_draft, &d, &dp, &err) == SIM_OK, "%s", err.msg);
            for (int s = 0; s < dp->n_stages; s++) {
                c.flop += dp->stages[s].flop;
                c.params += dp->stages[s].weight_params;
                kv_read += dp->stages[s].kv_read_bytes;
                kv_write += dp->stages[s].kv_write_bytes;
            }
            ref_plan_destroy(dp);
        }
    }
    const int i = compute(p, REF_EDGE, -1, REF_OP_DRAFT, c, 0, -1, -1);
    p->stages[i].kv_read_bytes = kv_read;
    p->stages[i].kv_write_bytes = kv_write;
    return i;
}

static void build_stages(struct ref_plan *p)
{
    const struct ref_plan_opts *o = &p->opts;
    const struct ref_config *c = &p->cfg;
    const int64_t kv = ref_config_kv_dim(c);
    const struct step st = {
        .N = o->batch * o->n_tokens,
        .d = c->dim,
        .kv = kv,
        .h = c->hidden_dim,
        .qkv_out = c->dim + 2 * kv,
    };
    const int64_t N = st.N;
    int prev = -1;

    if (o->mode == REF_MODE_CLOUD_ONLY) {
        // a decode step's token is already in the cloud: it sent it down
        if (o->phase == REF_PHASE_PREFILL)
            prev = message(p, REF_LINK_UP, -1, REF_OP_TOKENS_UP, REF_DTYPE_I32, 1, N, 1, prev);
        prev = compute(p, REF_CLOUD, -1, REF_OP_EMBED, ref_embed_cost(N, st.d), 0, prev, -1);
        for (int64_t l = 0; l < c->n_layers; l++)
            prev = layer_local(p, o, &st, REF_CLOUD, l, prev);
        prev = head(p, o, &st, REF_CLOUD, REF_CLOUD, prev);
        message(p, REF_LINK_DOWN, -1, REF_OP_TOKEN_DOWN, REF_DTYPE_I32, 1, o->batch, 1, prev);
        return;
    }

    // every other mode embeds on the edge and runs the LM head there; a
    // speculative pass first lets the draft propose its k tokens
    if (o->spec_k > 0)
        prev = draft_stage(p);
    prev = compute(p, REF_EDGE, -1, REF_OP_EMBED, ref_embed_cost(N, st.d), 0, prev, -1);
    if (o->mode == REF_MODE_DEVICE_ONLY) {
        for (int64_t l = 0; l < c->n_layers; l++)
            prev = layer_local(p, o, &st, REF_EDGE, l, prev);
        head(p, o, &st, REF_EDGE, REF_EDGE, prev);
        return;
    }

    const int64_t k = o->mode == REF_MODE_PL_FIRST_K ? o->first_k : 0;
    for (int64_t l = 0; l < k; l++)
        prev = layer_local(p, o, &st, REF_EDGE, l, prev);
    // what enters the cloud's first layer: embeddings, or layer k's input
    prev = message(p, REF_LINK_UP, -1, k > 0 ? REF_OP_HIDDEN_UP : REF_OP_EMBED_UP,
                   o->transfer, 1, N, c->dim, prev);
    for (int64_t l = k; l < c->n_layers; l++) {
        if (!ref_plan_opts_is_adapted(o, l))
            prev = layer_local(p, o, &st, REF_CLOUD, l, prev);
        else if (o->mode == REF_MODE_NAIVE_SPLIT)
            prev = layer_naive(p, o, &st, l, prev);
        else
            prev = layer_privatelora(p, o, &st, l, prev);
    }
    head(p, o, &st, REF_CLOUD, REF_EDGE, prev);
}

enum sim_status ref_plan_build(const struct ref_config *cfg,
                               const struct ref_plan_opts *opts,
                               struct ref_plan **out, struct sim_err *err)
{
    *out = NULL;
    enum sim_status st = ref_config_check(cfg, err);
    if (st != SIM_OK)
        return st;
    st = opts_check(cfg, opts, err);
    if (st != SIM_OK)
        return st;
    struct ref_plan *p = sim_xcalloc(1, sizeof *p);
    p->cfg = *cfg;
    p->opts = *opts;
    build_stages(p);
    *out = p;
    return SIM_OK;
}

void ref_plan_destroy(struct ref_plan *p)
{
    if (p == NULL)
        return;
    free(p->stages);
    free(p);
}

void ref_plan_sum(const struct ref_plan *p, struct ref_plan_totals *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *s = &p->stages[i];
        if (s->kind == REF_STAGE_COMPUTE) {
            const int side = s->place == REF_EDGE ? REF_EDGE : REF_CLOUD;
            t->flop[side] += s->flop;
            t->weight_bytes[side] += s->weight_bytes;
            t->kv_read_bytes[side] += s->kv_read_bytes;
            t->kv_write_bytes[side] += s->kv_write_bytes;
        } else if (s->place == REF_LINK_UP) {
            t->bytes_up += s->msg_bytes;
            t->n_msgs_up++;
        } else {
            t->bytes_down += s->msg_bytes;
            t->n_msgs_down++;
        }
    }
}

// ---- communication reduction ----

enum sim_status ref_comm_reduction(const struct ref_config *cfg, int64_t rank,
                                   enum ref_dtype transfer, enum ref_phase phase,
                                   int64_t n_tokens, struct ref_reduction *out,
                                   struct sim_err *err)
{
    struct ref_plan_totals t[2];
    for (int k = 0; k < 2; k++) {
        struct ref_plan_opts o;
        ref_plan_opts_default(&o);
        o.mode = k == 0 ? REF_MODE_PRIVATELORA : REF_MODE_NAIVE_SPLIT;
        o.rank_c2d = o.rank_d2c = rank;
        o.transfer = transfer;
        o.phase = phase;
        o.n_tokens = phase == REF_PHASE_PREFILL ? n_tokens : 1;
        o.pos = phase == REF_PHASE_PREFILL ? 0 : n_tokens;
        struct ref_plan *p = NULL;
        const enum sim_status st = ref_plan_build(cfg, &o, &p, err);
        if (st != SIM_OK)
            return st;
        ref_plan_sum(p, &t[k]);
        ref_plan_destroy(p);
    }
    out->up = 1.0 - (double)t[0].bytes_up / (double)t[1].bytes_up;
    out->down = 1.0 - (double)t[0].bytes_down / (double)t[1].bytes_down;
    out->total = 1.0 - (double)(t[0].bytes_up + t[0].bytes_down) /
                           (double)(t[1].bytes_up + t[1].bytes_down);
    return SIM_OK;
}

// ---- resources ----

const char *ref_component_name(enum ref_component c)
{
    static const char *const names[REF_C_COUNT] = {
        "embedding", "attention", "mlp", "norms",
        "lm_head", "lora_A", "lora_B", "lora_M",
    };
    return (c >= 0 && c < REF_C_COUNT) ? names[c] : "?";
}

/* Adds n parameters of component c on side, with FLOPs per token when
 * the weights are multiplied by one token's activations. */
static void put(struct ref_resources *r, int side, enum ref_component c,
                int64_t n, double bits, int is_matmul)
{
    r->params[side][c] += n;
    r->memory_bytes[side][c] += (double)n * bits / 8.0;
    if (is_matmul)
        r->flop_per_token[side][c] += 2.0 * (double)n;
}

enum sim_status ref_resources_compute(const struct ref_config *cfg,
                                      const struct ref_plan_opts *o,
                                      struct ref_resources *r,
                                      struct sim_err *err)
{
    memset(r, 0, sizeof *r);
    enum sim_status st = ref_config_check(cfg, err);
    if (st == SIM_OK)
        st = opts_check(cfg, o, err);
    if (st != SIM_OK)
        return st;
    const int64_t d = cfg->dim, V = cfg->vocab_size, kv = ref_config_kv_dim(cfg);
    const int64_t attn = 2 * d * d + 2 * kv * d, mlp = 3 * d * cfg->hidden_dim;
    const int64_t rc = o->rank_c2d, rd = o->rank_d2c;
    const double ab = o->adapter_bits;
    const double *wb = o->weight_bits; /* indexed by side */
    const int folded = o->mode == REF_MODE_DEVICE_ONLY || o->mode == REF_MODE_CLOUD_ONLY;
    // where the embedding and LM head live: the cloud only in cloud-only
    const int io_side = o->mode == REF_MODE_CLOUD_ONLY ? REF_CLOUD : REF_EDGE;
    const int64_t k = o->mode == REF_MODE_PL_FIRST_K ? o->first_k : 0;

    put(r, io_side, REF_C_EMBEDDING, V * d, wb[io_side], 0);
    // a shared head stores nothing more but still costs 2*V*d per token
    put(r, io_side, REF_C_LM_HEAD, cfg->shared_classifier ? 0 : V * d, wb[io_side], 0);
    r->flop_per_token[io_side][REF_C_LM_HEAD] += 2.0 * (double)(V * d);
    for (int64_t l = 0; l < cfg->n_layers; l++) {
        const int side = o->mode == REF_MODE_DEVICE_ONLY || l < k ? REF_EDGE : REF_CLOUD;
        put(r, side, REF_C_ATTN, attn, wb[side], 1);
        put(r, side, REF_C_MLP, mlp, wb[side], 1);
        put(r, side, REF_C_NORMS, 2 * d, wb[side], 0);
        if (folded || l < k || !ref_plan_opts_is_adapted(o, l))
            continue; // adapter folded into W, or absent
        if (o->mode == REF_MODE_NAIVE_SPLIT) {
            put(r, REF_EDGE, REF_C_LORA_A, 3 * rc * d, ab, 1);
            put(r, REF_EDGE, REF_C_LORA_B, (d + 2 * kv) * rc, ab, 1);
        } else {
            put(r, REF_CLOUD, REF_C_LORA_A, 3 * rc * d, ab, 1);
            put(r, REF_CLOUD, REF_C_LORA_B, (d + 2 * kv) * rd, ab, 1);
            put(r, REF_EDGE, REF_C_LORA_M, 3 * rd * rc, ab, 1);
        }
    }
    const int final_side = o->mode == REF_MODE_DEVICE_ONLY ? REF_EDGE : REF_CLOUD;
    put(r, final_side, REF_C_NORMS, d, wb[final_side], 0);
    return SIM_OK;
}

enum sim_status ref_paper_counting(const struct ref_config *cfg, int64_t rank,
                                   double full_bits, struct ref_paper_counting *out,
                                   struct sim_err *err)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = REF_MODE_PRIVATELORA;
    o.rank_c2d = o.rank_d2c = rank;
    struct ref_resources pl, full;
    enum sim_status st = ref_resources_compute(cfg, &o, &pl, err);
    o.mode = REF_MODE_DEVICE_ONLY;
    o.weight_bits[REF_EDGE] = o.weight_bits[REF_CLOUD] = full_bits;
    if (st == SIM_OK)
        st = ref_resources_compute(cfg, &o, &full, err);
    if (st != SIM_OK)
        return st;
    const double head = (double)(cfg->vocab_size * cfg->dim); // one V x d matrix
    const double m = (double)pl.params[REF_EDGE][REF_C_LORA_M];
    const double body = (double)(full.params[REF_EDGE][REF_C_ATTN] +
                                 full.params[REF_EDGE][REF_C_MLP]);
    out->pl_edge_bytes = (head + m) * 16.0 / 8.0;
    out->pl_edge_flop = 2.0 * (head + m);
    out->full_bytes = (body + head) * full_bits / 8.0;
    out->full_flop = 2.0 * (body + head);
    return SIM_OK;
}
