/*
 * reference/model: the two halves of the forward pass and the session
 * that runs them merged or split. See model.h; shapes use the legend of
 * kernels.h. The per-layer comments quote the computation they perform.
 */
#include "reference/model.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reference/kernels.h"

// ---- cloud half ----

struct ref_cloud {
    struct ref_config cfg;
    struct ref_weights w;       /* borrowed; wcls/token_embedding unused */
    const float *wq, *wk, *wv;  /* layer 0 of each projection */
    int64_t wq_stride, wk_stride, wv_stride; /* floats between layers */
    const struct ref_lora *lora; /* borrowed, A and B only; may be NULL */
    int64_t max_rows;           /* max_batch * max_tokens */
    int64_t max_batch;
    /* step state */
    int64_t batch, n_tokens, pos, N;
    /* activations, all (max_rows, .) */
    float *x;     /* residual stream (N, d) */
    float *xb;    /* normed input of the current block (N, d) */
    float *q, *k, *v; /* compact (N, d), (N, kv), (N, kv) */
    float *att_out;   /* (N, d) */
    float *hb, *hb2;  /* (N, h) */
    float *tmp;       /* (N, d) */
    float *delta;     /* (N, max(d, kv)) adapter output of one projection */
    float *att;       /* (max_tokens * n_heads * seq_len) scores */
    int64_t *pos_of_row; /* (N,) absolute position of each row */
    float *key_cache;    /* (L, max_batch, seq_len, kv) */
    float *value_cache;  /* (L, max_batch, seq_len, kv) */
};

ref_cloud_t *ref_cloud_create(const struct ref_config *cfg,
                              const struct ref_weights *w, const float *wqkv,
                              const struct ref_lora *lora, int64_t max_batch,
                              int64_t max_tokens)
{
    SIM_ASSERT(max_batch >= 1 && max_tokens >= 1, "empty cloud");
    struct ref_cloud *c = sim_xcalloc(1, sizeof *c);
    const int64_t d = cfg->dim, kv = ref_config_kv_dim(cfg), h = cfg->hidden_dim;
    const int64_t R = max_batch * max_tokens;
    c->cfg = *cfg;
    c->w = *w;
    c->lora = lora;
    c->max_rows = R;
    c->max_batch = max_batch;
    if (wqkv != NULL) {
        const int64_t stride = (d + 2 * kv) * d;
        c->wq = wqkv;
        c->wk = wqkv + d * d;
        c->wv = wqkv + (d + kv) * d;
        c->wq_stride = c->wk_stride = c->wv_stride = stride;
    } else {
        c->wq = w->wq;
        c->wk = w->wk;
        c->wv = w->wv;
        c->wq_stride = d * d;
        c->wk_stride = c->wv_stride = kv * d;
    }
    const size_t f = sizeof(float);
    c->x = sim_xmalloc((size_t)(R * d) * f);
    c->xb = sim_xmalloc((size_t)(R * d) * f);
    c->q = sim_xmalloc((size_t)(R * d) * f);
    c->k = sim_xmalloc((size_t)(R * kv) * f);
    c->v = sim_xmalloc((size_t)(R * kv) * f);
    c->att_out = sim_xmalloc((size_t)(R * d) * f);
    c->hb = sim_xmalloc((size_t)(R * h) * f);
    c->hb2 = sim_xmalloc((size_t)(R * h) * f);
    c->tmp = sim_xmalloc((size_t)(R * d) * f);
    c->delta = sim_xmalloc((size_t)(R * (d > kv ? d : kv)) * f);
    c->att = sim_xmalloc((size_t)(max_tokens * cfg->n_heads * cfg->seq_len) * f);
    c->pos_of_row = sim_xmalloc((size_t)R * sizeof(int64_t));
    const size_t cache = (size_t)(cfg->n_layers * max_batch * cfg->seq_len * kv);
    c->key_cache = sim_xcalloc(cache, f);
    c->value_cache = sim_xcalloc(cache, f);
    return c;
}

void ref_cloud_destroy(ref_cloud_t *c)
{
    if (c == NULL)
        return;
    free(c->x);
    free(c->xb);
    free(c->q);
    free(c->k);
    free(c->v);
    free(c->att_out);
    free(c->hb);
    free(c->hb2);
    free(c->tmp);
    free(c->delta);
    free(c->att);
    free(c->pos_of_row);
    free(c->key_cache);
    free(c->value_cache);
    free(c);
}

void ref_cloud_begin(ref_cloud_t *c, const float *x, int64_t batch,
                     int64_t n_tokens, int64_t pos)
{
    SIM_ASSERT(batch * n_tokens <= c->max_rows && batch <= c->max_batch,
               "step larger than the cloud was sized for");
    SIM_ASSERT(pos + n_tokens <= c->cfg.seq_len, "context overflow");
    c->batch = batch;
    c->n_tokens = n_tokens;
    c->pos = pos;
    c->N = batch * n_tokens;
    memcpy(c->x, x, (size_t)(c->N * c->cfg.dim) * sizeof(float));
    for (int64_t b = 0; b < batch; b++)
        for (int64_t t = 0; t < n_tokens; t++)
            c->pos_of_row[b * n_tokens + t] = pos + t;
}

static int layer_adapted(const ref_cloud_t *c, int64_t l)
{
    return c->lora != NULL && c->lora->adapted[l];
}

int ref_cloud_layer_front(ref_cloud_t *c, int64_t l, float *down)
{
    const int64_t d = c->cfg.dim, N = c->N;
    // xb = RMSNorm(x) * rms_att[l]
    ref_rmsnorm(c->xb, c->x, c->w.rms_att + l * d, N, d, c->cfg.norm_eps);
    if (!layer_adapted(c, l))
        return 0;
    // down[p] = xb A_p^T, p in (q, k, v): (3, N, r_c2d)
    const int64_t rc = c->lora->r_c2d;
    const float *A = ref_lora_A(c->lora, l);
    for (int p = 0; p < 3; p++)
        ref_matmul(down + p * N * rc, c->xb, A + p * rc * d, N, d, rc);
    return 1;
}

/* out (N, rows) += up_p (N, rd) B_p^T. */
static void add_lora_B(ref_cloud_t *c, float *out, const float *up_p,
                       const float *Bp, int64_t rows)
{
    const int64_t N = c->N, rd = c->lora->r_d2c;
    ref_matmul(c->delta, up_p, Bp, N, rd, rows);
    ref_add(out, c->delta, N * rows);
}

/* Writes this step's k, v rows into the cache, then attends. */
static void attend(ref_cloud_t *c, int64_t l)
{
    const struct ref_config *cfg = &c->cfg;
    const int64_t d = cfg->dim, kv = ref_config_kv_dim(cfg), T = cfg->seq_len;
    const int64_t n = c->n_tokens, hs = ref_config_head_size(cfg);
    for (int64_t b = 0; b < c->batch; b++) {
        const size_t off = (size_t)(((l * c->max_batch) + b) * T) * (size_t)kv;
        float *kc = c->key_cache + off, *vc = c->value_cache + off;
        memcpy(kc + c->pos * kv, c->k + b * n * kv, (size_t)(n * kv) * sizeof(float));
        memcpy(vc + c->pos * kv, c->v + b * n * kv, (size_t)(n * kv) * sizeof(float));
        // softmax(q k^T / sqrt(hs)) v over positions 0..pos+t, causal
        ref_attention(c->att_out + b * n * d, c->att, c->q + b * n * d, kc, vc,
                      n, c->pos, cfg->n_heads, cfg->n_kv_heads, hs);
    }
}

void ref_cloud_layer_back(ref_cloud_t *c, int64_t l, const float *up)
{
    const struct ref_config *cfg = &c->cfg;
    const int64_t d = cfg->dim, kv = ref_config_kv_dim(cfg), h = cfg->hidden_dim;
    const int64_t N = c->N, hs = ref_config_head_size(cfg);
    // q = xb Wq^T, k = xb Wk^T, v = xb Wv^T
    ref_matmul(c->q, c->xb, c->wq + l * c->wq_stride, N, d, d);
    ref_matmul(c->k, c->xb, c->wk + l * c->wk_stride, N, d, kv);
    ref_matmul(c->v, c->xb, c->wv + l * c->wv_stride, N, d, kv);
    if (up != NULL) {
        // q += B_q (x A_q^T M_q^T), and likewise for k and v
        SIM_ASSERT(layer_adapted(c, l), "round trip for unadapted layer %lld",
                   (long long)l);
        const int64_t rd = c->lora->r_d2c;
        const float *B = ref_lora_B(c->lora, l);
        add_lora_B(c, c->q, up, B, d);
        add_lora_B(c, c->k, up + N * rd, B + d * rd, kv);
        add_lora_B(c, c->v, up + 2 * N * rd, B + (d + kv) * rd, kv);
    }
    // rotary embedding on q and k, adjacent pairs within each head
    ref_rope(c->q, c->pos_of_row, N, cfg->n_heads, hs, cfg->rope_base);
    ref_rope(c->k, c->pos_of_row, N, cfg->n_kv_heads, hs, cfg->rope_base);
    attend(c, l);
    // x = x + attn_out Wo^T
    ref_matmul(c->tmp, c->att_out, c->w.wo + l * d * d, N, d, d);
    ref_add(c->x, c->tmp, N * d);
    // x = x + W2 (silu(W1 xb) * W3 xb), xb = RMSNorm(x) * rms_ffn[l]
    ref_rmsnorm(c->xb, c->x, c->w.rms_ffn + l * d, N, d, cfg->norm_eps);
    ref_matmul(c->hb, c->xb, c->w.w1 + l * h * d, N, d, h);
    ref_matmul(c->hb2, c->xb, c->w.w3 + l * h * d, N, d, h);
    ref_swiglu(c->hb, c->hb, c->hb2, N * h);
    ref_matmul(c->tmp, c->hb, c->w.w2 + l * d * h, N, h, d);
    ref_add(c->x, c->tmp, N * d);
}

void ref_cloud_end(ref_cloud_t *c, float *hidden)
{
    const int64_t d = c->cfg.dim, n = c->n_tokens;
    // only the last position of each sequence: RMSNorm(x) * rms_final
    for (int64_t b = 0; b < c->batch; b++)
        ref_rmsnorm(hidden + b * d, c->x + (b * n + n - 1) * d, c->w.rms_final,
                    1, d, c->cfg.norm_eps);
}

// ---- edge half ----

struct ref_edge {
    int64_t dim, vocab_size;
    const float *token_embedding; /* (V, d), borrowed */
    const float *wcls;            /* (V, d), borrowed */
    const struct ref_lora *lora;  /* borrowed, M only; may be NULL */
};

ref_edge_t *ref_edge_create(const struct ref_config *cfg,
                            const struct ref_weights *w,
                            const struct ref_lora *lora)
{
    struct ref_edge *e = sim_xcalloc(1, sizeof *e);
    e->dim = cfg->dim;
    e->vocab_size = cfg->vocab_size;
    e->token_embedding = w->token_embedding;
    e->wcls = w->wcls;
    e->lora = lora;
    return e;
}

void ref_edge_destroy(ref_edge_t *e)
{
    free(e);
}

void ref_edge_embed(const ref_edge_t *e, const int32_t *tokens, int64_t N,
                    float *x)
{
    for (int64_t t = 0; t < N; t++) {
        SIM_ASSERT(tokens[t] >= 0 && tokens[t] < e->vocab_size,
                   "token %d outside the vocabulary", (int)tokens[t]);
        memcpy(x + t * e->dim, e->token_embedding + (int64_t)tokens[t] * e->dim,
               (size_t)e->dim * sizeof(float));
    }
}

void ref_edge_lora_M(const ref_edge_t *e, int64_t l, const float *down,
                     int64_t N, float *up)
{
    SIM_ASSERT(e->lora != NULL && e->lora->adapted[l], "no adapter at layer %lld",
               (long long)l);
    const int64_t rc = e->lora->r_c2d, rd = e->lora->r_d2c;
    const float *M = ref_lora_M(e->lora, l);
    // up[p] = down[p] M_p^T: (N, r_c2d) -> (N, r_d2c)
    for (int p = 0; p < 3; p++)
        ref_matmul(up + p * N * rd, down + p * N * rc, M + p * rd * rc, N, rc, rd);
}

void ref_edge_logits(const ref_edge_t *e, const float *hidden, int64_t batch,
                     float *logits)
{
    // logits = hidden Wcls^T
    ref_matmul(logits, hidden, e->wcls, batch, e->dim, e->vocab_size);
}

// ---- session ----

struct ref_session {
    enum ref_exec exec;
    struct ref_config cfg;
    struct ref_weights w;
    const struct ref_lora *lora;
    float *folded_qkv;        /* merged + adapter: owned W' = W + BMA */
    ref_cloud_t *cloud;
    ref_edge_t *edge;
    struct ref_boundary *bnd; /* split only */
    int64_t max_batch, max_tokens, pos;
    /* per-side buffers: a split step never lets one side read the other's */
    float *edge_x, *cloud_x;         /* (R, d) */
    float *cloud_down, *edge_down;   /* (3, R, r_c2d) */
    float *edge_up, *cloud_up;       /* (3, R, r_d2c) */
    float *cloud_hidden, *edge_hidden; /* (max_batch, d) */
};

/* Largest message of a prefill of the session's maximum size: the plan
 * sizes the boundary's wire buffer. */
static int64_t planned_max_message(const struct ref_config *cfg,
                                   const struct ref_lora *lora,
                                   enum ref_dtype transfer, int64_t batch,
                                   int64_t tokens)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = REF_MODE_PRIVATELORA;
    o.phase = tokens > 1 ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
    o.n_tokens = tokens;
    o.batch = batch;
    o.transfer = transfer;
    if (lora != NULL) {
        o.rank_c2d = lora->r_c2d;
        o.rank_d2c = lora->r_d2c;
        o.adapt_all = 0;
        memcpy(o.adapted, lora->adapted, sizeof o.adapted);
    }
    struct ref_plan *p = NULL;
    struct sim_err err;
    SIM_ASSERT(ref_plan_build(cfg, &o, &p, &err) == SIM_OK, "%s", err.msg);
    int64_t max = 0;
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].kind == REF_STAGE_MESSAGE && p->stages[i].msg_bytes > max)
            max = p->stages[i].msg_bytes;
    ref_plan_destroy(p);
    return max;
}

ref_session_t *ref_session_create(const struct ref_checkpoint *ck,
                                  const struct ref_lora *lora,
                                  enum ref_exec exec, enum ref_dtype transfer,
                                  int64_t max_batch, int64_t max_tokens)
{
    struct ref_session *s = sim_xcalloc(1, sizeof *s);
    const struct ref_config *cfg = &ck->cfg;
    const int64_t d = cfg->dim, R = max_batch * max_tokens;
    s->exec = exec;
    s->cfg = *cfg;
    s->lora = lora;
    s->max_batch = max_batch;
    s->max_tokens = max_tokens;
    ref_checkpoint_weights(ck, &s->w);
    if (exec == REF_EXEC_MERGED) {
        if (lora != NULL)
            s->folded_qkv = ref_lora_fold_qkv(lora, &s->w);
        s->cloud = ref_cloud_create(cfg, &s->w, s->folded_qkv, NULL, max_batch,
                                    max_tokens);
        s->edge = ref_edge_create(cfg, &s->w, NULL);
    } else {
        s->cloud = ref_cloud_create(cfg, &s->w, NULL, lora, max_batch, max_tokens);
        s->edge = ref_edge_create(cfg, &s->w, lora);
        s->bnd = ref_boundary_create(
            transfer, planned_max_message(cfg, lora, transfer, max_batch, max_tokens));
    }
    const int64_t rc = lora ? lora->r_c2d : 0, rd = lora ? lora->r_d2c : 0;
    s->edge_x = sim_xmalloc((size_t)(R * d) * sizeof(float));
    s->cloud_x = sim_xmalloc((size_t)(R * d) * sizeof(float));
    s->cloud_down = sim_xmalloc((size_t)(3 * R * rc) * sizeof(float));
    s->edge_down = sim_xmalloc((size_t)(3 * R * rc) * sizeof(float));
    s->edge_up = sim_xmalloc((size_t)(3 * R * rd) * sizeof(float));
    s->cloud_up = sim_xmalloc((size_t)(3 * R * rd) * sizeof(float));
    s->cloud_hidden = sim_xmalloc((size_t)(max_batch * d) * sizeof(float));
    s->edge_hidden = sim_xmalloc((size_t)(max_batch * d) * sizeof(float));
    return s;
}

void ref_session_destroy(ref_session_t *s)
{
    if (s == NULL)
        return;
    ref_cloud_destroy(s->cloud);
    ref_edge_destroy(s->edge);
    ref_boundary_destroy(s->bnd);
    free(s->folded_qkv);
    free(s->edge_x);
    free(s->cloud_x);
    free(s->cloud_down);
    free(s->edge_down);
    free(s->edge_up);
    free(s->cloud_up);
    free(s->cloud_hidden);
    free(s->edge_hidden);
    free(s);
}

/* One merged step: the same halves, no boundary, no adapter stages. */
static void step_merged(ref_session_t *s, const int32_t *tokens, int64_t batch,
                        int64_t n, float *logits)
{
    ref_edge_embed(s->edge, tokens, batch * n, s->edge_x);
    ref_cloud_begin(s->cloud, s->edge_x, batch, n, s->pos);
    for (int64_t l = 0; l < s->cfg.n_layers; l++) {
        ref_cloud_layer_front(s->cloud, l, NULL);
        ref_cloud_layer_back(s->cloud, l, NULL);
    }
    ref_cloud_end(s->cloud, s->cloud_hidden);
    ref_edge_logits(s->edge, s->cloud_hidden, batch, logits);
}

/* One split step: every crossing goes through the boundary, in the
 * order of the accounting plan. */
static void step_split(ref_session_t *s, const int32_t *tokens, int64_t batch,
                       int64_t n, float *logits)
{
    const int64_t N = batch * n, d = s->cfg.dim;
    struct ref_boundary *b = s->bnd;
    ref_edge_embed(s->edge, tokens, N, s->edge_x);
    const int64_t emb_shape[2] = {N, d};
    ref_boundary_transfer(b, REF_LINK_UP, "embed_up", -1, 2, emb_shape,
                          s->edge_x, s->cloud_x);
    ref_cloud_begin(s->cloud, s->cloud_x, batch, n, s->pos);
    for (int64_t l = 0; l < s->cfg.n_layers; l++) {
        if (!ref_cloud_layer_front(s->cloud, l, s->cloud_down)) {
            ref_cloud_layer_back(s->cloud, l, NULL);
            continue;
        }
        const int64_t down_shape[3] = {3, N, s->lora->r_c2d};
        const int64_t up_shape[3] = {3, N, s->lora->r_d2c};
        ref_boundary_transfer(b, REF_LINK_DOWN, "act_down", l, 3, down_shape,
                              s->cloud_down, s->edge_down);
        ref_edge_lora_M(s->edge, l, s->edge_down, N, s->edge_up);
        ref_boundary_transfer(b, REF_LINK_UP, "act_up", l, 3, up_shape,
                              s->edge_up, s->cloud_up);
        ref_cloud_layer_back(s->cloud, l, s->cloud_up);
    }
    ref_cloud_end(s->cloud, s->cloud_hidden);
    const int64_t hid_shape[2] = {batch, d};
    ref_boundary_transfer(b, REF_LINK_DOWN, "hidden_down", -1, 2, hid_shape,
                          s->cloud_hidden, s->edge_hidden);
    ref_edge_logits(s->edge, s->edge_hidden, batch, logits);
}

enum sim_status ref_session_step(ref_session_t *s, const int32_t *tokens,
                                 int64_t batch, int64_t n_tokens,
                                 float *logits, struct sim_err *err)
{
    if (batch < 1 || n_tokens < 1 || batch > s->max_batch ||
        n_tokens > s->max_tokens)
        return sim_err_set(err, SIM_EINVAL,
                           "step of %" PRId64 "x%" PRId64
                           " tokens exceeds the session's %" PRId64 "x%" PRId64,
                           batch, n_tokens, s->max_batch, s->max_tokens);
    if (s->pos + n_tokens > s->cfg.seq_len)
        return sim_err_set(err, SIM_EINVAL,
                           "context of %" PRId64 " tokens exceeds seq_len %" PRId64,
                           s->pos + n_tokens, s->cfg.seq_len);
    for (int64_t i = 0; i < batch * n_tokens; i++)
        if (tokens[i] < 0 || tokens[i] >= s->cfg.vocab_size)
            return sim_err_set(err, SIM_EINVAL,
                               "token %d is outside the vocabulary [0, %" PRId64 ")",
                               (int)tokens[i], s->cfg.vocab_size);
    if (s->exec == REF_EXEC_MERGED)
        step_merged(s, tokens, batch, n_tokens, logits);
    else
        step_split(s, tokens, batch, n_tokens, logits);
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
