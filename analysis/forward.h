/*
 * analysis/forward: a greedy generation through the reference's plan
 * interpreter, with what crossed the boundary counted per phase and
 * direction: the measurement behind `plsim forward`.
 */
#ifndef ANALYSIS_FORWARD_H
#define ANALYSIS_FORWARD_H

#include <stdint.h>
#include <stdio.h>

#include "reference/model.h"

/* What a generation produced. */
struct ana_forward {
    int32_t *ids;        /* steps greedy ids, owned (free with ana_forward_free) */
    int64_t steps;       /* decode steps run */
    int64_t prompt;      /* prompt tokens */
    int64_t bytes[2][2]; /* [prefill, decode][up, down] bytes that crossed */
    int64_t messages;    /* messages that crossed */
    int64_t passes;      /* speculative: verification passes */
    int32_t *accepted;   /* speculative: draft tokens accepted in each pass, owned */
};

/* Prefills prompt[0..n), then runs steps greedy decode steps, each on
 * the previous step's argmax. When logits is not NULL, writes (1 +
 * steps) x V float32 rows to it: after the prefill and after each step.
 * On failure err says why; SIM_EIO for a failed write. */
enum sim_status ana_forward_run(const struct ref_checkpoint *ck, const struct ref_lora *lora,
                                const struct ref_session_opts *so, const int32_t *prompt,
                                int64_t n, int64_t steps, FILE *logits, struct ana_forward *out,
                                struct sim_err *err);

/* Speculative greedy generation: a draft model (a plain session on the
 * phone, draft_so) proposes k tokens by greedy steps; the target (so, its
 * all_logits forced on) verifies them and the last accepted one's
 * successor in one pass of k + 1 positions; the longest prefix of draft
 * tokens equal to the target's argmax is accepted, and the target's own
 * token follows it. The ids equal plain greedy decoding's. passes and
 * accepted (per pass, owned by out: free with ana_forward_free) say how
 * it went; bytes count every crossing of the target's boundary. */
enum sim_status ana_forward_speculative(const struct ref_checkpoint *ck,
                                        const struct ref_lora *lora,
                                        const struct ref_session_opts *so,
                                        const struct ref_checkpoint *draft, int64_t k,
                                        const int32_t *prompt, int64_t n, int64_t steps,
                                        struct ana_forward *out, struct sim_err *err);

void ana_forward_free(struct ana_forward *f);

/* Bytes per token of a phase (0 prefill, 1 decode) and direction (0 up,
 * 1 down); NaN for a phase with no tokens. */
double ana_forward_bytes_per_token(const struct ana_forward *f, int phase, int dir);

/* Checks a generation's arguments against the checkpoint's shape before
 * any work: the largest rank against the width, the adapted layers, the
 * context the prompt and steps need, the prompt's token ids. name is the
 * checkpoint's path, for messages. */
enum sim_status ana_forward_check(const struct ref_config *c, const char *name,
                                  const int32_t *prompt, int64_t n, int64_t steps,
                                  int64_t max_rank, const int64_t *layers, int64_t n_layers,
                                  struct sim_err *err);

/* The ids, per-token bytes by phase and direction, and the settings, as
 * JSON text (caller frees with free()). */
char *ana_forward_json(const char *checkpoint, const struct ref_session_opts *so,
                       int64_t rank_c2d, int64_t rank_d2c, const struct ana_forward *f);

#endif
