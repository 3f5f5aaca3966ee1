/*
 * reference/model: the plan interpreter. See model.h; shapes use the
 * legend of kernels.h. Each operation's comment quotes the computation
 * it performs.
 */
#include "reference/model.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

// ---- one side ----

/* The activations and KV cache of one side (edge or cloud). Both sides
 * borrow the session's weights, but an operation runs only on the side
 * its plan stage names, and tensors move between sides only through
 * the boundary. */
struct side {
    /* activations, R = max_batch * max_tokens rows */
    float *x;         /* residual stream (R, d) */
    float *xb;        /* normed input of the current block (R, d) */
    float *q, *k, *v; /* (R, d), (R, kv), (R, kv) */
    float *att_out;   /* (R, d) */
    float *hb, *hb2;  /* (R, h) */
    float *tmp;       /* (R, d) */
    float *lb;        /* (R, max(d, kv)): one projection's low-rank product */
    float *delta;     /* (R, d + 2kv): the naive split's q, k, v deltas */
    float *down;      /* (3, R, r_c2d) */
    float *up;        /* (3, R, r_d2c) */
    float *att;       /* (max_tokens * n_heads * seq_len) scores */
    float *hidden;    /* (max_batch, d) */
    float *logits;    /* (max_batch, V) */
    int32_t *tokens;  /* (R,) this step's token ids */
    int32_t *next;    /* (max_batch,) argmax of each sequence's logits */
    int64_t *pos_of_row; /* (R,) absolute position of each row */
    float **key_cache;   /* [L] (max_batch, seq_len, kv), allocated on first use */
    float **value_cache;
    int64_t delta_layer; /* layer whose naive delta sits in delta, or -1 */
};

struct ref_session {
    struct ref_config cfg;
    struct ref_weights w;        /* views into the borrowed checkpoint */
    const struct ref_lora *lora; /* borrowed; NULL for none */
    struct ref_session_opts o;
    float *folded_qkv;  /* (L, d + 2kv, d) W + B M A, when lora */
    float *bm;          /* naive split: (L, d + 2kv, r_c2d) B M, when lora */
    struct side side[2]; /* [REF_EDGE], [REF_CLOUD] */
    struct ref_boundary *bnd;
    int64_t pos;
    /* the current step */
    int64_t batch, n_tokens, N;
    uint8_t round_trip[REF_MAX_LAYERS]; /* 1: layer l has adapter stages */
    struct ref_plan *plan;  /* last step's plan, owned */
    struct ref_cost *costs; /* its stages' executed kernel costs, owned */
};

static float *fbuf(int64_t n)
{
    return sim_xcalloc((size_t)n, sizeof(float));
}

static void side_alloc(struct side *sd, const struct ref_config *c, int64_t rc, int64_t rd,
                       int64_t max_batch, int64_t max_tokens, int all_logits)
{
    const int64_t heads = all_logits ? max_batch * max_tokens : max_batch; // LM head rows
    const int64_t d = c->dim, kv = ref_config_kv_dim(c), h = c->hidden_dim;
    const int64_t R = max_batch * max_tokens;
    sd->x = fbuf(R * d);
    sd->xb = fbuf(R * d);
    sd->q = fbuf(R * d);
    sd->k = fbuf(R * kv);
    sd->v = fbuf(R * kv);
    sd->att_out = fbuf(R * d);
    sd->hb = fbuf(R * h);
    sd->hb2 = fbuf(R * h);
    sd->tmp = fbuf(R * d);
    sd->lb = fbuf(R * (d > kv ? d : kv));
    sd->delta = fbuf(R * (d + 2 * kv));
    sd->down = fbuf(3 * R * rc);
    sd->up = fbuf(3 * R * rd);
    sd->att = fbuf(max_tokens * c->n_heads * c->seq_len);
    sd->hidden = fbuf(heads * d);
    sd->logits = fbuf(heads * c->vocab_size);
    sd->tokens = sim_xcalloc((size_t)R, sizeof(int32_t));
    sd->next = sim_xcalloc((size_t)heads, sizeof(int32_t));
    sd->pos_of_row = sim_xcalloc((size_t)R, sizeof(int64_t));
    sd->key_cache = sim_xcalloc((size_t)c->n_layers, sizeof(float *));
    sd->value_cache = sim_xcalloc((size_t)c->n_layers, sizeof(float *));
    sd->delta_layer = -1;
}

static void side_free(struct side *sd, int64_t n_layers)
{
    float *bufs[] = {sd->x,  sd->xb,    sd->q,    sd->k,    sd->v,   sd->att_out,
                     sd->hb, sd->hb2,   sd->tmp,  sd->lb,   sd->delta, sd->down,
                     sd->up, sd->att,   sd->hidden, sd->logits};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
    for (int64_t l = 0; sd->key_cache != NULL && l < n_layers; l++) {
        free(sd->key_cache[l]);
        free(sd->value_cache[l]);
    }
    free(sd->key_cache);
    free(sd->value_cache);
    free(sd->tokens);
    free(sd->next);
    free(sd->pos_of_row);
}

// ---- kernels that count their cost ----

/* Every kernel call of a stage goes through these, which add the
 * kernel's cost function to the stage's executed cost. */
static void mm(struct ref_cost *acc, float *out, const float *x, const float *w, int64_t N,
               int64_t n, int64_t dout)
{
    ref_matmul(out, x, w, N, n, dout);
    ref_cost_add(acc, ref_matmul_cost(N, n, dout));
}

static void norm(struct ref_cost *acc, const struct ref_config *c, float *out, const float *x,
                 const float *weight, int64_t N)
{
    ref_rmsnorm(out, x, weight, N, c->dim, c->norm_eps);
    ref_cost_add(acc, ref_rmsnorm_cost(N, c->dim));
}

// ---- compute operations ----

/* wq, wk, wv of layer l: folded (W + B M A) for a layer run locally,
 * the base weights for one with a round trip. */
static void qkv_weights(const ref_session_t *s, int64_t l, const float **wq, const float **wk,
                        const float **wv)
{
    const int64_t d = s->cfg.dim, kv = ref_config_kv_dim(&s->cfg);
    if (s->folded_qkv != NULL && !s->round_trip[l]) {
        const float *f = s->folded_qkv + l * (d + 2 * kv) * d;
        *wq = f;
        *wk = f + d * d;
        *wv = f + (d + kv) * d;
        return;
    }
    *wq = s->w.wq + l * d * d;
    *wk = s->w.wk + l * kv * d;
    *wv = s->w.wv + l * kv * d;
}

/* q, k, v = xb W^T, plus the naive split's delta when it arrived. */
static void op_qkv_base(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const int64_t d = s->cfg.dim, kv = ref_config_kv_dim(&s->cfg), N = s->N;
    const float *wq, *wk, *wv;
    qkv_weights(s, l, &wq, &wk, &wv);
    mm(acc, sd->q, sd->xb, wq, N, d, d);
    mm(acc, sd->k, sd->xb, wk, N, d, kv);
    mm(acc, sd->v, sd->xb, wv, N, d, kv);
    if (sd->delta_layer != l)
        return;
    // q += delta[:, :d], k += delta[:, d:d+kv], v += delta[:, d+kv:]
    const int64_t w = d + 2 * kv;
    for (int64_t i = 0; i < N; i++) {
        const float *dr = sd->delta + i * w;
        ref_add(sd->q + i * d, dr, d);
        ref_add(sd->k + i * kv, dr + d, kv);
        ref_add(sd->v + i * kv, dr + d + kv, kv);
    }
    sd->delta_layer = -1;
}

/* down[p] = xb A_p^T for p in (q, k, v): (3, N, r_c2d). */
static void op_lora_a(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const int64_t d = s->cfg.dim, rc = s->lora->r_c2d, N = s->N;
    const float *A = ref_lora_A(s->lora, l);
    for (int p = 0; p < 3; p++)
        mm(acc, sd->down + p * N * rc, sd->xb, A + p * rc * d, N, d, rc);
}

/* up[p] = down[p] M_p^T: (3, N, r_c2d) -> (3, N, r_d2c). */
static void op_lora_m(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const int64_t rc = s->lora->r_c2d, rd = s->lora->r_d2c, N = s->N;
    const float *M = ref_lora_M(s->lora, l);
    for (int p = 0; p < 3; p++)
        mm(acc, sd->up + p * N * rd, sd->down + p * N * rc, M + p * rd * rc, N, rc, rd);
}

/* PrivateLoRA, in the cloud: q += up_q B_q^T, and likewise k and v.
 * Naive split, on the edge: delta = [down_q (BM)_q^T | down_k (BM)_k^T |
 * down_v (BM)_v^T], the full LoRA product of each projection. */
static void op_lora_b(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const int64_t d = s->cfg.dim, kv = ref_config_kv_dim(&s->cfg), N = s->N;
    const int64_t out[3] = {d, kv, kv}, col[3] = {0, d, d + kv};
    float *dst[3] = {sd->q, sd->k, sd->v};
    if (s->o.mode == REF_MODE_NAIVE_SPLIT) {
        const int64_t rc = s->lora->r_c2d, w = d + 2 * kv;
        const float *BM = s->bm + l * w * rc;
        for (int p = 0; p < 3; p++) {
            mm(acc, sd->lb, sd->down + p * N * rc, BM + col[p] * rc, N, rc, out[p]);
            for (int64_t i = 0; i < N; i++)
                memcpy(sd->delta + i * w + col[p], sd->lb + i * out[p],
                       (size_t)out[p] * sizeof(float));
        }
        return;
    }
    const int64_t rd = s->lora->r_d2c;
    const float *B = ref_lora_B(s->lora, l);
    for (int p = 0; p < 3; p++) {
        mm(acc, sd->lb, sd->up + p * N * rd, B + col[p] * rd, N, rd, out[p]);
        ref_add(dst[p], sd->lb, N * out[p]);
    }
}

/* Rotary on q and k, this step's k, v rows into the cache, then
 * softmax(q k^T / sqrt(hs)) v over positions 0..pos+t, causal. */
static void op_attn(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const struct ref_config *c = &s->cfg;
    const int64_t d = c->dim, kv = ref_config_kv_dim(c), T = c->seq_len;
    const int64_t n = s->n_tokens, hs = ref_config_head_size(c);
    ref_rope(sd->q, sd->pos_of_row, s->N, c->n_heads, hs, c->rope_base);
    ref_rope(sd->k, sd->pos_of_row, s->N, c->n_kv_heads, hs, c->rope_base);
    if (sd->key_cache[l] == NULL) {
        sd->key_cache[l] = fbuf(s->o.max_batch * T * kv);
        sd->value_cache[l] = fbuf(s->o.max_batch * T * kv);
    }
    for (int64_t b = 0; b < s->batch; b++) {
        float *kc = sd->key_cache[l] + b * T * kv, *vc = sd->value_cache[l] + b * T * kv;
        memcpy(kc + s->pos * kv, sd->k + b * n * kv, (size_t)(n * kv) * sizeof(float));
        memcpy(vc + s->pos * kv, sd->v + b * n * kv, (size_t)(n * kv) * sizeof(float));
        ref_attention(sd->att_out + b * n * d, sd->att, sd->q + b * n * d, kc, vc, n, s->pos,
                      c->n_heads, c->n_kv_heads, hs);
        ref_cost_add(acc, ref_attention_cost(n, s->pos, c->n_heads, c->n_kv_heads, hs));
    }
}

/* x = x + W2 (silu(W1 xb) * W3 xb), xb = RMSNorm(x) * rms_ffn[l]. */
static void op_mlp(ref_session_t *s, struct side *sd, int64_t l, struct ref_cost *acc)
{
    const int64_t d = s->cfg.dim, h = s->cfg.hidden_dim, N = s->N;
    norm(acc, &s->cfg, sd->xb, sd->x, s->w.rms_ffn + l * d, N);
    mm(acc, sd->hb, sd->xb, s->w.w1 + l * h * d, N, d, h);
    mm(acc, sd->hb2, sd->xb, s->w.w3 + l * h * d, N, d, h);
    ref_swiglu(sd->hb, sd->hb, sd->hb2, N * h);
    mm(acc, sd->tmp, sd->hb, s->w.w2 + l * d * h, N, h, d);
    ref_add(sd->x, sd->tmp, N * d);
}

/* Rows through the LM head: each sequence's last, or every new one. */
static int64_t head_rows(const ref_session_t *s)
{
    return s->o.all_logits ? s->N : s->batch;
}

/* hidden = RMSNorm(x of each sequence's last position, or of every new
 * position) * rms_final. */
static void op_final_norm(ref_session_t *s, struct side *sd, struct ref_cost *acc)
{
    const int64_t d = s->cfg.dim, n = s->n_tokens;
    if (s->o.all_logits)
        memcpy(sd->hidden, sd->x, (size_t)(s->N * d) * sizeof(float));
    else
        for (int64_t b = 0; b < s->batch; b++)
            memcpy(sd->hidden + b * d, sd->x + (b * n + n - 1) * d, (size_t)d * sizeof(float));
    norm(acc, &s->cfg, sd->hidden, sd->hidden, s->w.rms_final, head_rows(s));
}

/* logits = hidden Wcls^T, and each row's greedy next token. */
static void op_lm_head(ref_session_t *s, struct side *sd, struct ref_cost *acc)
{
    const int64_t V = s->cfg.vocab_size, rows = head_rows(s);
    mm(acc, sd->logits, sd->hidden, s->w.wcls, rows, s->cfg.dim, V);
    for (int64_t r = 0; r < rows; r++)
        sd->next[r] = (int32_t)ref_argmax(sd->logits + r * V, V);
}

static void run_compute(ref_session_t *s, const struct ref_stage *st, struct ref_cost *acc)
{
    struct side *sd = &s->side[st->place == REF_EDGE ? REF_EDGE : REF_CLOUD];
    const int64_t l = st->layer, d = s->cfg.dim, N = s->N;
    switch (st->op) {
    case REF_OP_EMBED:
        ref_embed(sd->x, s->w.token_embedding, sd->tokens, N, d);
        ref_cost_add(acc, ref_embed_cost(N, d));
        break;
    case REF_OP_ATTN_NORM: norm(acc, &s->cfg, sd->xb, sd->x, s->w.rms_att + l * d, N); break;
    case REF_OP_QKV_BASE: op_qkv_base(s, sd, l, acc); break;
    case REF_OP_LORA_A: op_lora_a(s, sd, l, acc); break;
    case REF_OP_LORA_M: op_lora_m(s, sd, l, acc); break;
    case REF_OP_LORA_B: op_lora_b(s, sd, l, acc); break;
    case REF_OP_ATTN: op_attn(s, sd, l, acc); break;
    case REF_OP_ATTN_OUT:
        // x = x + att_out Wo^T
        mm(acc, sd->tmp, sd->att_out, s->w.wo + l * d * d, N, d, d);
        ref_add(sd->x, sd->tmp, N * d);
        break;
    case REF_OP_MLP: op_mlp(s, sd, l, acc); break;
    case REF_OP_FINAL_NORM: op_final_norm(s, sd, acc); break;
    case REF_OP_LM_HEAD: op_lm_head(s, sd, acc); break;
    case REF_OP_DRAFT: break; // the draft runs in its own session (analysis/forward)
    case REF_OP_TOKENS_UP:
    case REF_OP_EMBED_UP:
    case REF_OP_HIDDEN_UP:
    case REF_OP_ACT_DOWN:
    case REF_OP_ACT_UP:
    case REF_OP_HIDDEN_DOWN:
    case REF_OP_TOKEN_DOWN:
    case REF_OP_COUNT: SIM_ASSERT(0, "%s is not a compute operation", ref_op_name(st->op));
    }
}

// ---- messages ----

/* Moves the tensor of message stage st from the sending side's buffer
 * to the receiving side's, through the boundary. Shapes come from the
 * buffers' own dimensions, not from the plan, so that the log checks
 * the plan rather than repeating it. */
static void run_message(ref_session_t *s, const struct ref_stage *st)
{
    const int up = st->place == REF_LINK_UP;
    struct side *from = &s->side[up ? REF_EDGE : REF_CLOUD];
    struct side *to = &s->side[up ? REF_CLOUD : REF_EDGE];
    const int64_t d = s->cfg.dim, kv = ref_config_kv_dim(&s->cfg), N = s->N;
    const int naive = s->o.mode == REF_MODE_NAIVE_SPLIT;
    struct ref_boundary *b = s->bnd;
    switch (st->op) {
    case REF_OP_TOKENS_UP: ref_boundary_transfer_ids(b, st->place, st->op, N, from->tokens, to->tokens); return;
    case REF_OP_TOKEN_DOWN: ref_boundary_transfer_ids(b, st->place, st->op, s->batch, from->next, to->next); return;
    case REF_OP_EMBED_UP:
    case REF_OP_HIDDEN_UP: {
        const int64_t shape[2] = {N, d};
        ref_boundary_transfer(b, st->place, st->op, -1, 2, shape, from->x, to->x);
        return;
    }
    case REF_OP_HIDDEN_DOWN: {
        const int64_t shape[2] = {head_rows(s), d};
        ref_boundary_transfer(b, st->place, st->op, -1, 2, shape, from->hidden, to->hidden);
        return;
    }
    case REF_OP_ACT_DOWN: {
        const int64_t pl[3] = {3, N, s->lora->r_c2d}, nv[2] = {N, d};
        ref_boundary_transfer(b, st->place, st->op, st->layer, naive ? 2 : 3, naive ? nv : pl,
                              naive ? from->xb : from->down, naive ? to->xb : to->down);
        return;
    }
    case REF_OP_ACT_UP: {
        const int64_t pl[3] = {3, N, s->lora->r_d2c}, nv[2] = {N, d + 2 * kv};
        ref_boundary_transfer(b, st->place, st->op, st->layer, naive ? 2 : 3, naive ? nv : pl,
                              naive ? from->delta : from->up, naive ? to->delta : to->up);
        if (naive)
            to->delta_layer = st->layer;
        return;
    }
    case REF_OP_EMBED:
    case REF_OP_ATTN_NORM:
    case REF_OP_QKV_BASE:
    case REF_OP_LORA_A:
    case REF_OP_LORA_M:
    case REF_OP_LORA_B:
    case REF_OP_ATTN:
    case REF_OP_ATTN_OUT:
    case REF_OP_MLP:
    case REF_OP_FINAL_NORM:
    case REF_OP_LM_HEAD:
    case REF_OP_DRAFT:
    case REF_OP_COUNT: break;
    }
    SIM_ASSERT(0, "%s is not a message", ref_op_name(st->op));
}

// ---- session ----

void ref_session_opts_default(struct ref_session_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mode = REF_MODE_DEVICE_ONLY;
    o->transfer = REF_DTYPE_FP16;
    o->first_k = 1;
    o->naive_up_qkv = 1;
    o->max_batch = 1;
    o->max_tokens = 1;
}

/* The plan options of a step of the session. */
static void step_opts(const ref_session_t *s, int64_t batch, int64_t n, struct ref_plan_opts *o)
{
    ref_plan_opts_default(o);
    o->mode = s->o.mode;
    o->phase = (n > 1 || s->pos == 0) ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
    o->n_tokens = n;
    o->batch = batch;
    o->pos = s->pos;
    o->transfer = s->o.transfer;
    o->first_k = s->o.first_k;
    o->naive_up_qkv = s->o.naive_up_qkv;
    o->all_logits = s->o.all_logits;
    if (s->lora != NULL) {
        o->rank_c2d = s->lora->r_c2d;
        o->rank_d2c = s->lora->r_d2c;
        o->adapt_all = 0;
        memcpy(o->adapted, s->lora->adapted, sizeof o->adapted);
    }
}

/* (B M)_p for every layer and projection: the naive split's LoRA "up"
 * matrix, (L, d + 2kv, r_c2d), computed once as folding is. */
static float *lora_bm(const struct ref_lora *lo)
{
    const int64_t w = lo->dim + 2 * lo->kv_dim, rc = lo->r_c2d, rd = lo->r_d2c;
    const int64_t col[4] = {0, lo->dim, lo->dim + lo->kv_dim, w};
    float *bm = fbuf(lo->n_layers * w * rc);
    for (int64_t l = 0; l < lo->n_layers; l++) {
        const float *B = ref_lora_B(lo, l), *M = ref_lora_M(lo, l);
        for (int p = 0; p < 3; p++)
            for (int64_t i = col[p]; i < col[p + 1]; i++)
                for (int64_t j = 0; j < rc; j++) {
                    double acc = 0.0; // (B_p M_p)[i][j] = sum_k B[i][k] M_p[k][j]
                    for (int64_t k = 0; k < rd; k++)
                        acc += (double)B[i * rd + k] * M[p * rd * rc + k * rc + j];
                    bm[(l * w + i) * rc + j] = (float)acc;
                }
    }
    return bm;
}

static enum sim_status opts_check(const struct ref_config *c, const struct ref_lora *lora,
                                  const struct ref_session_opts *o, struct sim_err *err)
{
    if (o->max_batch < 1 || o->max_tokens < 1 || o->max_tokens > c->seq_len)
        return sim_err_set(err, SIM_EINVAL, "a session needs a batch >= 1 and 1 to seq_len %"
                           PRId64 " tokens per step, found %" PRId64 " x %" PRId64,
                           c->seq_len, o->max_batch, o->max_tokens);
    if (o->mode == REF_MODE_NAIVE_SPLIT && !o->naive_up_qkv)
        return sim_err_set(err, SIM_EINVAL, "the naive split's d-wide up message is the paper's "
                           "counting basis, not an executable split: the q, k, v deltas are "
                           "d + 2kv wide (naive_up qkv)");
    if (o->transfer == REF_DTYPE_I32 || o->transfer < 0 || o->transfer >= REF_DTYPE_COUNT)
        return sim_err_set(err, SIM_EINVAL, "transfer type must be fp32, fp16, bf16 or int8");
    if (o->all_logits && o->mode == REF_MODE_CLOUD_ONLY)
        return sim_err_set(err, SIM_EINVAL, "every position's logits belong to the phone's LM "
                           "head: cloud-only sends tokens, not logits");
    if (lora != NULL && (lora->dim != c->dim || lora->n_layers != c->n_layers ||
                         lora->kv_dim != ref_config_kv_dim(c)))
        return sim_err_set(err, SIM_EINVAL, "the adapter was made for another model shape");
    // the rest (first_k, ranks) is the plan's to check: build one
    struct ref_plan_opts po;
    ref_plan_opts_default(&po);
    po.mode = o->mode;
    po.first_k = o->first_k;
    po.naive_up_qkv = o->naive_up_qkv;
    po.transfer = o->transfer;
    if (lora != NULL)
        po.rank_c2d = lora->r_c2d, po.rank_d2c = lora->r_d2c;
    struct ref_plan *p = NULL;
    const enum sim_status st = ref_plan_build(c, &po, &p, err);
    ref_plan_destroy(p);
    return st;
}

enum sim_status ref_session_create(const struct ref_checkpoint *ck,
                                   const struct ref_lora *lora,
                                   const struct ref_session_opts *opts,
                                   ref_session_t **out, struct sim_err *err)
{
    *out = NULL;
    const enum sim_status st = opts_check(&ck->cfg, lora, opts, err);
    if (st != SIM_OK)
        return st;
    struct ref_session *s = sim_xcalloc(1, sizeof *s);
    s->cfg = ck->cfg;
    s->lora = lora;
    s->o = *opts;
    ref_checkpoint_weights(ck, &s->w);
    if (lora != NULL) {
        s->folded_qkv = ref_lora_fold_qkv(lora, &s->w);
        if (opts->mode == REF_MODE_NAIVE_SPLIT)
            s->bm = lora_bm(lora);
    }
    const int64_t rc = lora ? lora->r_c2d : 0, rd = lora ? lora->r_d2c : 0;
    for (int i = 0; i < 2; i++)
        side_alloc(&s->side[i], &s->cfg, rc, rd, opts->max_batch, opts->max_tokens,
                   opts->all_logits);
    s->bnd = ref_boundary_create(opts->transfer, 0);
    *out = s;
    return SIM_OK;
}

void ref_session_destroy(ref_session_t *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < 2; i++)
        side_free(&s->side[i], s->cfg.n_layers);
    ref_boundary_destroy(s->bnd);
    ref_plan_destroy(s->plan);
    free(s->costs);
    free(s->folded_qkv);
    free(s->bm);
    free(s);
}

/* Starts a step: sizes, positions, which layers make a round trip, the
 * plan and its message buffer, and where the tokens are. */
static enum sim_status step_begin(ref_session_t *s, const int32_t *tokens, int64_t batch,
                                  int64_t n, struct sim_err *err)
{
    struct ref_plan_opts o;
    step_opts(s, batch, n, &o);
    struct ref_plan *p = NULL;
    const enum sim_status st = ref_plan_build(&s->cfg, &o, &p, err);
    if (st != SIM_OK)
        return st;
    ref_plan_destroy(s->plan);
    free(s->costs);
    s->plan = p;
    s->costs = sim_xcalloc((size_t)p->n_stages, sizeof *s->costs);
    s->batch = batch;
    s->n_tokens = n;
    s->N = batch * n;
    memset(s->round_trip, 0, sizeof s->round_trip);
    int64_t max_msg = 0;
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *g = &p->stages[i];
        if (g->op == REF_OP_LORA_A)
            s->round_trip[g->layer] = 1;
        if (g->kind == REF_STAGE_MESSAGE && g->msg_bytes > max_msg)
            max_msg = g->msg_bytes;
    }
    ref_boundary_reserve(s->bnd, max_msg);
    for (int i = 0; i < 2; i++) {
        struct side *sd = &s->side[i];
        sd->delta_layer = -1;
        for (int64_t b = 0; b < batch; b++)
            for (int64_t t = 0; t < n; t++)
                sd->pos_of_row[b * n + t] = s->pos + t;
    }
    // the step's tokens are where the plan's first stage reads them: on
    // the edge, or in the cloud for a cloud-only decode step
    const int in_cloud = o.mode == REF_MODE_CLOUD_ONLY && o.phase == REF_PHASE_DECODE;
    memcpy(s->side[in_cloud ? REF_CLOUD : REF_EDGE].tokens, tokens,
           (size_t)s->N * sizeof(int32_t));
    return SIM_OK;
}

enum sim_status ref_session_step(ref_session_t *s, const int32_t *tokens,
                                 int64_t batch, int64_t n_tokens,
                                 float *logits, struct sim_err *err)
{
    if (batch < 1 || n_tokens < 1 || batch > s->o.max_batch || n_tokens > s->o.max_tokens)
        return sim_err_set(err, SIM_EINVAL,
                           "step of %" PRId64 "x%" PRId64
                           " tokens exceeds the session's %" PRId64 "x%" PRId64,
                           batch, n_tokens, s->o.max_batch, s->o.max_tokens);
    if (s->pos + n_tokens > s->cfg.seq_len)
        return sim_err_set(err, SIM_EINVAL,
                           "context of %" PRId64 " tokens exceeds seq_len %" PRId64,
                           s->pos + n_tokens, s->cfg.seq_len);
    for (int64_t i = 0; i < batch * n_tokens; i++)
        if (tokens[i] < 0 || tokens[i] >= s->cfg.vocab_size)
            return sim_err_set(err, SIM_EINVAL,
                               "token %d is outside the vocabulary [0, %" PRId64 ")",
                               (int)tokens[i], s->cfg.vocab_size);
    const enum sim_status st = step_begin(s, tokens, batch, n_tokens, err);
    if (st != SIM_OK)
        return st;
    const struct ref_plan *p = s->plan;
    enum ref_place head = REF_EDGE;
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *g = &p->stages[i];
        if (g->kind == REF_STAGE_MESSAGE) {
            run_message(s, g);
            continue;
        }
        run_compute(s, g, &s->costs[i]);
        if (g->op == REF_OP_LM_HEAD)
            head = g->place;
    }
    memcpy(logits, s->side[head == REF_EDGE ? REF_EDGE : REF_CLOUD].logits,
           (size_t)(head_rows(s) * s->cfg.vocab_size) * sizeof(float));
    s->pos += n_tokens;
    return SIM_OK;
}

const struct ref_boundary *ref_session_boundary(const ref_session_t *s)
{
    return s->bnd;
}

int64_t ref_session_pos(const ref_session_t *s)
{
    return s->pos;
}

enum sim_status ref_session_rewind(ref_session_t *s, int64_t pos, struct sim_err *err)
{
    if (pos < 0 || pos > s->pos)
        return sim_err_set(err, SIM_EINVAL, "cannot rewind to position %" PRId64 " from %"
                           PRId64, pos, s->pos);
    s->pos = pos; // the cache rows past pos are simply overwritten by later steps
    return SIM_OK;
}

const struct ref_plan *ref_session_last_plan(const ref_session_t *s)
{
    return s->plan;
}

const struct ref_cost *ref_session_last_costs(const ref_session_t *s)
{
    return s->costs;
}
