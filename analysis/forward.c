/*
 * analysis/forward: greedy generation with the boundary counted. See
 * forward.h.
 */
#include "analysis/forward.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "analysis/text.h"

/* Adds the messages logged since from to phase's byte counts. */
static void count_crossed(const struct ref_boundary *b, int from, int phase,
                          struct ana_forward *f)
{
    for (int i = from; i < b->n_log; i++) {
        f->bytes[phase][b->log[i].dir == REF_LINK_UP ? 0 : 1] += b->log[i].bytes;
        f->messages++;
    }
}

enum sim_status ana_forward_run(const struct ref_checkpoint *ck, const struct ref_lora *lora,
                                const struct ref_session_opts *so, const int32_t *prompt,
                                int64_t n, int64_t steps, FILE *logits, struct ana_forward *out,
                                struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    out->prompt = n;
    out->ids = sim_xcalloc((size_t)steps + 1, sizeof *out->ids);
    const int64_t V = ck->cfg.vocab_size;
    ref_session_t *s = NULL;
    enum sim_status st = ref_session_create(ck, lora, so, &s, err);
    if (st != SIM_OK)
        return st;
    float *row = sim_xmalloc((size_t)V * sizeof(float));
    const struct ref_boundary *b = ref_session_boundary(s);
    st = ref_session_step(s, prompt, 1, n, row, err);
    count_crossed(b, 0, 0, out);
    for (int64_t i = 0; st == SIM_OK; i++) {
        if (logits != NULL && fwrite(row, sizeof(float), (size_t)V, logits) != (size_t)V) {
            st = sim_err_set(err, SIM_EIO, "writing the logits failed");
            break;
        }
        if (i == steps)
            break;
        out->ids[i] = (int32_t)ref_argmax(row, V); // greedy
        const int from = b->n_log;
        st = ref_session_step(s, &out->ids[i], 1, 1, row, err);
        count_crossed(b, from, 1, out);
        out->steps = i + 1;
    }
    free(row);
    ref_session_destroy(s);
    return st;
}

void ana_forward_free(struct ana_forward *f)
{
    free(f->ids);
    free(f->accepted);
    f->ids = NULL;
    f->accepted = NULL;
}

/* Feeds hist[from..to) to a session one token at a time (greedy draft
 * steps and catch-up alike), the last step's logits into row. */
static enum sim_status feed(ref_session_t *s, const int32_t *hist, int64_t from, int64_t to,
                            float *row, struct sim_err *err)
{
    enum sim_status st = SIM_OK;
    for (int64_t i = from; i < to && st == SIM_OK; i++)
        st = ref_session_step(s, &hist[i], 1, 1, row, err);
    return st;
}

enum sim_status ana_forward_speculative(const struct ref_checkpoint *ck,
                                        const struct ref_lora *lora,
                                        const struct ref_session_opts *so,
                                        const struct ref_checkpoint *draft, int64_t k,
                                        const int32_t *prompt, int64_t n, int64_t steps,
                                        struct ana_forward *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    const int64_t V = ck->cfg.vocab_size;
    if (draft->cfg.vocab_size != V)
        return sim_err_set(err, SIM_EINVAL, "the draft's vocabulary (%lld) is not the target's "
                           "(%lld)", (long long)draft->cfg.vocab_size, (long long)V);
    if (k < 1 || n + steps + k > ck->cfg.seq_len || n + steps + k > draft->cfg.seq_len)
        return sim_err_set(err, SIM_EINVAL, "k must be >= 1 and prompt + steps + k fit both "
                           "contexts");
    struct ref_session_opts to = *so, dopt;
    to.all_logits = 1;
    to.max_tokens = n > k + 1 ? n : k + 1;
    ref_session_opts_default(&dopt);
    dopt.max_tokens = n;
    ref_session_t *t = NULL, *d = NULL;
    enum sim_status st = ref_session_create(ck, lora, &to, &t, err);
    if (st == SIM_OK)
        st = ref_session_create(draft, NULL, &dopt, &d, err);
    int32_t *hist = sim_xcalloc((size_t)(n + steps + k + 1), sizeof *hist);
    float *rows = sim_xmalloc((size_t)((to.max_tokens) * V) * sizeof(float));
    float *row = sim_xmalloc((size_t)V * sizeof(float));
    out->ids = sim_xcalloc((size_t)steps + 1, sizeof *out->ids);
    out->accepted = sim_xcalloc((size_t)steps + 1, sizeof *out->accepted);
    out->prompt = n;
    memcpy(hist, prompt, (size_t)n * sizeof *hist);
    const struct ref_boundary *b = st == SIM_OK ? ref_session_boundary(t) : NULL;
    // the prompt: the target's prefill gives the first token
    if (st == SIM_OK)
        st = ref_session_step(t, hist, 1, n, rows, err);
    if (st == SIM_OK)
        count_crossed(b, 0, 0, out);
    int64_t len = n;
    if (st == SIM_OK && steps > 0)
        hist[len++] = (int32_t)ref_argmax(rows + (n - 1) * V, V);
    // invariant: the target's cache holds hist[0 .. len-1), the draft's a prefix of it
    while (st == SIM_OK && len - n < steps) {
        const int64_t dpos = ref_session_pos(d);
        st = feed(d, hist, dpos, len, row, err); // catch up, the last token included
        int32_t props[64];
        const int64_t kk = k < 64 ? k : 64;
        for (int64_t i = 0; i < kk && st == SIM_OK; i++) {
            props[i] = (int32_t)ref_argmax(row, V);
            if (i + 1 < kk)
                st = ref_session_step(d, &props[i], 1, 1, row, err);
        }
        // verify: the last token and the k proposals in one target pass
        int32_t verify[65];
        verify[0] = hist[len - 1];
        memcpy(verify + 1, props, (size_t)kk * sizeof *props);
        const int from = b->n_log;
        if (st == SIM_OK)
            st = ref_session_step(t, verify, 1, kk + 1, rows, err);
        if (st != SIM_OK)
            break;
        count_crossed(b, from, 1, out);
        int64_t j = 0;
        while (j < kk && (int32_t)ref_argmax(rows + j * V, V) == props[j])
            j++;
        out->accepted[out->passes++] = (int32_t)j;
        for (int64_t i = 0; i < j && len - n < steps; i++)
            hist[len++] = props[i];
        if (len - n < steps)
            hist[len++] = (int32_t)ref_argmax(rows + j * V, V); // the target's own token
        // the target's cache: hist[.. len-1); the draft's: what it saw that was accepted
        st = ref_session_rewind(t, len - 1, err);
        const int64_t dvalid = dpos + (len - 1 - dpos < ref_session_pos(d) - dpos
                                           ? len - 1 - dpos : ref_session_pos(d) - dpos);
        if (st == SIM_OK)
            st = ref_session_rewind(d, dvalid, err);
    }
    for (int64_t i = 0; i < len - n; i++)
        out->ids[i] = hist[n + i];
    out->steps = len - n;
    free(hist);
    free(rows);
    free(row);
    ref_session_destroy(t);
    ref_session_destroy(d);
    return st;
}

double ana_forward_bytes_per_token(const struct ana_forward *f, int phase, int dir)
{
    const int64_t n = phase == 0 ? f->prompt : f->steps;
    return n > 0 ? (double)f->bytes[phase][dir] / (double)n : NAN;
}

enum sim_status ana_forward_check(const struct ref_config *c, const char *name,
                                  const int32_t *prompt, int64_t n, int64_t steps,
                                  int64_t max_rank, const int64_t *layers, int64_t n_layers,
                                  struct sim_err *err)
{
    if (max_rank > c->dim)
        return sim_err_set(err, SIM_EINVAL, "%s: rank %" PRId64 " is larger than the width %"
                           PRId64, name, max_rank, c->dim);
    for (int64_t i = 0; i < n_layers; i++)
        if (layers[i] >= c->n_layers)
            return sim_err_set(err, SIM_EINVAL, "%s: --layers: layer %" PRId64 " does not "
                               "exist; the model has layers 0..%" PRId64, name, layers[i],
                               c->n_layers - 1);
    // every decode step runs its token through the model for its logits
    if (n + steps > c->seq_len)
        return sim_err_set(err, SIM_EINVAL, "%s: %" PRId64 " prompt tokens and %" PRId64
                           " decode steps need a context of %" PRId64 "; seq_len is %" PRId64,
                           name, n, steps, n + steps, c->seq_len);
    for (int64_t i = 0; i < n; i++)
        if (prompt[i] < 0 || prompt[i] >= c->vocab_size)
            return sim_err_set(err, SIM_EINVAL, "%s: --tokens: token %d is outside the "
                               "vocabulary [0, %" PRId64 ")", name, (int)prompt[i],
                               c->vocab_size);
    return SIM_OK;
}

char *ana_forward_json(const char *checkpoint, const struct ref_session_opts *so,
                       int64_t rank_c2d, int64_t rank_d2c, const struct ana_forward *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "checkpoint", checkpoint);
    cJSON_AddStringToObject(root, "mode", ref_mode_name(so->mode));
    cJSON_AddStringToObject(root, "transfer", ref_dtype_name(so->transfer));
    cJSON_AddNumberToObject(root, "rank_c2d", (double)rank_c2d);
    cJSON_AddNumberToObject(root, "rank_d2c", (double)rank_d2c);
    cJSON_AddNumberToObject(root, "first_k", (double)so->first_k);
    cJSON_AddStringToObject(root, "naive_up", so->naive_up_qkv ? "qkv" : "d");
    cJSON_AddNumberToObject(root, "prompt_tokens", (double)f->prompt);
    cJSON_AddNumberToObject(root, "decode_steps", (double)f->steps);
    cJSON *arr = cJSON_AddArrayToObject(root, "ids");
    for (int64_t i = 0; i < f->steps; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(f->ids[i]));
    cJSON_AddNumberToObject(root, "messages", (double)f->messages);
    static const char *const keys[2][2] = {
        {"prefill_bytes_up_per_token", "prefill_bytes_down_per_token"},
        {"decode_bytes_up_per_token", "decode_bytes_down_per_token"}};
    for (int ph = 0; ph < 2; ph++)
        for (int dir = 0; dir < 2; dir++) {
            const double v = ana_forward_bytes_per_token(f, ph, dir);
            if (isfinite(v))
                cJSON_AddNumberToObject(root, keys[ph][dir], v);
            else
                cJSON_AddNullToObject(root, keys[ph][dir]);
        }
    return ana_json_take(root);
}
