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
    f->ids = NULL;
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
