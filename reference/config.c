/*
 * reference/config: validation and the size table. See config.h.
 */
#include "reference/config.h"

#include <inttypes.h>

void ref_config_defaults(struct ref_config *c)
{
    c->norm_eps = 1e-5f;
    c->rope_base = 10000.0f;
}

enum sim_status ref_config_check(const struct ref_config *c,
                                 struct sim_err *err)
{
    const struct {
        const char *name;
        int64_t v;
    } dims[] = {
        {"dim", c->dim},           {"hidden_dim", c->hidden_dim},
        {"n_layers", c->n_layers}, {"n_heads", c->n_heads},
        {"n_kv_heads", c->n_kv_heads}, {"vocab_size", c->vocab_size},
        {"seq_len", c->seq_len},
    };
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        if (dims[i].v <= 0)
            return sim_err_set(err, SIM_EINVAL,
                               "%s must be positive, found %" PRId64,
                               dims[i].name, dims[i].v);
        if (dims[i].v > INT32_MAX) // llama2.c's header holds 32-bit integers
            return sim_err_set(err, SIM_EINVAL, "%s of %" PRId64 " exceeds %d",
                               dims[i].name, dims[i].v, INT32_MAX);
    }
    // every tensor size is a product of these: bound the total in double
    // before anything multiplies them in 64-bit integers
    const double d = (double)c->dim, h = (double)c->hidden_dim, L = (double)c->n_layers;
    const double total = L * (4.0 * d * d + 3.0 * d * h + 2.0 * d) + 2.0 * (double)c->vocab_size * d +
                         (double)c->seq_len * d;
    if (total > 9007199254740992.0) // 2^53
        return sim_err_set(err, SIM_EINVAL, "the model's %.3g parameters exceed 2^53", total);
    if (c->dim % c->n_heads != 0)
        return sim_err_set(err, SIM_EINVAL,
                           "n_heads (%" PRId64 ") must divide dim (%" PRId64 ")",
                           c->n_heads, c->dim);
    if (c->n_heads % c->n_kv_heads != 0)
        return sim_err_set(err, SIM_EINVAL,
                           "n_kv_heads (%" PRId64
                           ") must divide n_heads (%" PRId64 ")",
                           c->n_kv_heads, c->n_heads);
    if ((c->dim / c->n_heads) % 2 != 0)
        return sim_err_set(err, SIM_EINVAL,
                           "head size dim/n_heads (%" PRId64
                           ") must be even for rotary embedding",
                           c->dim / c->n_heads);
    if (c->n_layers > REF_MAX_LAYERS)
        return sim_err_set(err, SIM_EINVAL,
                           "n_layers (%" PRId64 ") exceeds the limit of %d",
                           c->n_layers, REF_MAX_LAYERS);
    if (!(c->norm_eps > 0.0f) || !(c->rope_base > 1.0f))
        return sim_err_set(err, SIM_EINVAL,
                           "norm_eps must be > 0 and rope_base > 1");
    return SIM_OK;
}

int64_t ref_config_head_size(const struct ref_config *c)
{
    return c->dim / c->n_heads;
}

int64_t ref_config_kv_dim(const struct ref_config *c)
{
    return c->n_kv_heads * ref_config_head_size(c);
}

void ref_sizes_fill(struct ref_sizes *s, const struct ref_config *c)
{
    const int64_t d = c->dim, h = c->hidden_dim, L = c->n_layers;
    const int64_t V = c->vocab_size, kv = ref_config_kv_dim(c);
    const int64_t hs = ref_config_head_size(c);
    int64_t *n = s->n_elems;
    n[REF_T_TOKEN_EMBEDDING] = V * d;
    n[REF_T_RMS_ATT] = L * d;
    n[REF_T_WQ] = L * d * d;
    n[REF_T_WK] = L * kv * d;
    n[REF_T_WV] = L * kv * d;
    n[REF_T_WO] = L * d * d;
    n[REF_T_RMS_FFN] = L * d;
    n[REF_T_W1] = L * h * d;
    n[REF_T_W2] = L * d * h;
    n[REF_T_W3] = L * h * d;
    n[REF_T_RMS_FINAL] = d;
    n[REF_T_FREQ_REAL] = c->seq_len * hs / 2;
    n[REF_T_FREQ_IMAG] = c->seq_len * hs / 2;
    n[REF_T_WCLS] = c->shared_classifier ? 0 : V * d;
    s->total_elems = 0;
    for (int i = 0; i < REF_T_COUNT; i++)
        s->total_elems += n[i];
}

const char *ref_tensor_name(enum ref_tensor t)
{
    static const char *const names[REF_T_COUNT] = {
        "token_embedding", "rms_att", "wq", "wk", "wv", "wo", "rms_ffn",
        "w1", "w2", "w3", "rms_final", "freq_cis_real", "freq_cis_imag",
        "wcls",
    };
    return (t >= 0 && t < REF_T_COUNT) ? names[t] : "?";
}
