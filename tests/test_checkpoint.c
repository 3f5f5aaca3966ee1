/*
 * tests/test_checkpoint: the llama2.c format, round trip and a battery of
 * corrupt files, each refused with SIM_EINVAL/SIM_EIO and a message that
 * names the file and the problem.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reference/checkpoint.h"
#include "reference/kernels.h"
#include "reference/model.h"

static struct ref_config small(int shared)
{
    struct ref_config c = {.dim = 16, .hidden_dim = 24, .n_layers = 2, .n_heads = 4,
                           .n_kv_heads = 2, .vocab_size = 32, .seq_len = 8,
                           .shared_classifier = shared};
    ref_config_defaults(&c);
    return c;
}

static void temp_path(char *buf, size_t cap, const char *tag)
{
    snprintf(buf, cap, "/tmp/plsim-test-%ld-%s.bin", (long)getpid(), tag);
}

Test(ref_checkpoint, save_then_load_round_trips_both_classifier_kinds)
{
    for (int shared = 0; shared < 2; shared++) {
        const struct ref_config c = small(shared);
        struct ref_checkpoint *ck = ref_checkpoint_random(&c, 42);
        char path[256];
        temp_path(path, sizeof path, "rt");
        struct sim_err err;
        cr_assert_eq(ref_checkpoint_save(path, ck, &err), SIM_OK, "%s", err.msg);
        struct ref_checkpoint *back = NULL;
        cr_assert_eq(ref_checkpoint_load(path, &back, &err), SIM_OK, "%s", err.msg);
        cr_expect_eq(back->cfg.dim, 16);
        cr_expect_eq(back->cfg.n_kv_heads, 2);
        cr_expect_eq(back->cfg.shared_classifier, shared);
        cr_expect_eq(back->sizes.total_elems, ck->sizes.total_elems);
        cr_expect_eq(memcmp(back->data, ck->data,
                            (size_t)ck->sizes.total_elems * sizeof(float)), 0);
        if (shared)
            cr_expect_eq(back->tensor[REF_T_WCLS], back->tensor[REF_T_TOKEN_EMBEDDING]);
        remove(path);
        ref_checkpoint_destroy(ck);
        ref_checkpoint_destroy(back);
    }
}

Test(ref_checkpoint, file_size_is_header_plus_every_tensor)
{
    const struct ref_config c = small(0);
    struct ref_checkpoint *ck = ref_checkpoint_random(&c, 1);
    char path[256];
    temp_path(path, sizeof path, "size");
    struct sim_err err;
    cr_assert_eq(ref_checkpoint_save(path, ck, &err), SIM_OK);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fclose(f);
    // by hand: emb 512, rms 32, wq 512, wk 256, wv 256, wo 512, rms 32,
    // w1 768, w2 768, w3 768, final 16, freq 2 x 16, wcls 512 = 4976 floats
    cr_expect_eq(n, 28 + 4 * 4976);
    remove(path);
    ref_checkpoint_destroy(ck);
}

Test(ref_checkpoint, same_seed_same_weights_other_seed_other_weights)
{
    const struct ref_config c = small(1);
    struct ref_checkpoint *a = ref_checkpoint_random(&c, 7), *b = ref_checkpoint_random(&c, 7);
    struct ref_checkpoint *d = ref_checkpoint_random(&c, 8);
    const size_t n = (size_t)a->sizes.total_elems * sizeof(float);
    cr_expect_eq(memcmp(a->data, b->data, n), 0);
    cr_expect_neq(memcmp(a->data, d->data, n), 0);
    ref_checkpoint_destroy(a);
    ref_checkpoint_destroy(b);
    ref_checkpoint_destroy(d);
}

// ---- the corrupt battery ----

struct corrupt_case {
    char tag[32];
    int32_t header[7];
    long payload_floats; /* floats after the header; -1: exact, -2: exact-1 */
    long header_bytes;   /* bytes of header written (28 normally) */
    char expect[64];      /* substring of the message */
};

static struct corrupt_case corrupt_cases[] = {
    {"empty", {0}, 0, 0, "truncated: the header needs 28 bytes"},
    {"half-header", {16, 24, 2, 4, 2, -32, 8}, 0, 12, "truncated: the header"},
    {"header-only", {16, 24, 2, 4, 2, -32, 8}, 0, 28, "truncated"},
    {"short-by-one", {16, 24, 2, 4, 2, -32, 8}, -2, 28, "truncated"},
    {"trailing-bytes", {16, 24, 2, 4, 2, -32, 8}, 5000, 28, "size inconsistent with header"},
    {"zero-dim", {0, 24, 2, 4, 2, -32, 8}, 100, 28, "dim must be positive"},
    {"negative-layers", {16, 24, -2, 4, 2, -32, 8}, 100, 28, "n_layers must be positive"},
    {"zero-vocab", {16, 24, 2, 4, 2, 0, 8}, 100, 28, "vocab_size must be positive"},
    {"zero-seq", {16, 24, 2, 4, 2, -32, 0}, 100, 28, "seq_len must be positive"},
    {"heads-not-dividing-dim", {16, 24, 2, 3, 3, -32, 8}, 100, 28, "must divide dim"},
    {"kv-not-dividing-heads", {16, 24, 2, 4, 3, -32, 8}, 100, 28, "must divide n_heads"},
    {"odd-head-size", {12, 24, 2, 4, 2, -32, 8}, 100, 28, "must be even"},
    {"absurd-size", {1 << 30, 1 << 30, 200, 1, 1, 1 << 30, 8}, 0, 28, "exceed 2^53"},
};

ParameterizedTestParameters(ref_checkpoint, corrupt_file_is_refused_with_its_problem)
{
    return cr_make_param_array(struct corrupt_case, corrupt_cases,
                               sizeof corrupt_cases / sizeof corrupt_cases[0]);
}

ParameterizedTest(struct corrupt_case *cc, ref_checkpoint, corrupt_file_is_refused_with_its_problem)
{
    char path[256];
    temp_path(path, sizeof path, cc->tag);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(cc->header, 1, (size_t)cc->header_bytes, f);
    long n = cc->payload_floats;
    if (n < 0) // exact size for the small config, minus one float
        n = 4976 + (n == -2 ? -1 : 0);
    for (long i = 0; i < n; i++) {
        const float z = 0.5f;
        fwrite(&z, sizeof z, 1, f);
    }
    fclose(f);
    struct ref_checkpoint *ck = (struct ref_checkpoint *)1;
    struct sim_err err;
    const enum sim_status st = ref_checkpoint_load(path, &ck, &err);
    remove(path);
    cr_expect_eq(st, SIM_EINVAL, "%s: %s", cc->tag, err.msg);
    cr_expect_null(ck);
    cr_expect(strstr(err.msg, path) != NULL, "message must name the file: %s", err.msg);
    cr_expect(strstr(err.msg, cc->expect) != NULL, "%s: '%s' lacks '%s'", cc->tag, err.msg,
              cc->expect);
}

Test(ref_checkpoint, missing_file_is_an_io_error)
{
    struct ref_checkpoint *ck = NULL;
    struct sim_err err;
    cr_expect_eq(ref_checkpoint_load("/nonexistent/plsim.bin", &ck, &err), SIM_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/plsim.bin: cannot read") != NULL, "%s", err.msg);
}

Test(ref_checkpoint, directory_is_not_a_checkpoint)
{
    struct ref_checkpoint *ck = NULL;
    struct sim_err err;
    cr_expect_eq(ref_checkpoint_load("/tmp", &ck, &err), SIM_EIO);
    cr_expect(strstr(err.msg, "not a regular file") != NULL, "%s", err.msg);
}

Test(ref_checkpoint, save_to_unwritable_place_leaves_nothing)
{
    const struct ref_config c = small(0);
    struct ref_checkpoint *ck = ref_checkpoint_random(&c, 1);
    struct sim_err err;
    cr_expect_eq(ref_checkpoint_save("/nonexistent/dir/x.bin", ck, &err), SIM_EIO);
    ref_checkpoint_destroy(ck);
    ref_checkpoint_destroy(NULL);
}

Test(ref_checkpoint, random_models_do_not_merely_echo_the_prompt)
{
    // with the embedding at +-1 and a shared classifier, greedy decoding
    // repeated the last prompt token for ever: a test of greedy agreement
    // on such a model would prove little
    for (int shared = 0; shared < 2; shared++) {
        struct ref_config c = {.dim = 64, .hidden_dim = 172, .n_layers = 4, .n_heads = 4,
                               .n_kv_heads = 2, .vocab_size = 256, .seq_len = 64,
                               .shared_classifier = shared};
        ref_config_defaults(&c);
        struct ref_checkpoint *ck = ref_checkpoint_random(&c, 1);
        struct ref_session_opts o;
        ref_session_opts_default(&o);
        o.max_tokens = 3;
        ref_session_t *s = NULL;
        struct sim_err err;
        cr_assert_eq(ref_session_create(ck, NULL, &o, &s, &err), SIM_OK, "%s", err.msg);
        const int32_t prompt[3] = {5, 77, 123};
        float logits[256];
        cr_assert_eq(ref_session_step(s, prompt, 1, 3, logits, &err), SIM_OK);
        int distinct = 0, echoes = 0;
        int32_t seen[12];
        for (int i = 0; i < 12; i++) {
            int32_t tok = (int32_t)ref_argmax(logits, 256);
            echoes += tok == prompt[2];
            int fresh = 1;
            for (int j = 0; j < i; j++)
                fresh &= seen[j] != tok;
            distinct += fresh;
            seen[i] = tok;
            cr_assert_eq(ref_session_step(s, &tok, 1, 1, logits, &err), SIM_OK);
        }
        cr_expect_geq(distinct, 2, "shared=%d: greedy output is constant", shared);
        cr_expect_lt(echoes, 12, "shared=%d: greedy output echoes the last prompt token", shared);
        ref_session_destroy(s);
        ref_checkpoint_destroy(ck);
    }
}
