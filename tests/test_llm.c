/*
 * tests/test_llm: the architecture catalog under models/llm.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/catalog.h"

struct arch_case {
    char name[32];
    int64_t dim, hidden, layers, heads, kv_heads, vocab;
    double params; /* published total, embedding and head included */
};

static struct arch_case arch_cases[] = {
    {"llama2-7b", 4096, 11008, 32, 32, 32, 32000, 6738415616.0},
    {"llama2-13b", 5120, 13824, 40, 40, 40, 32000, 13015864320.0},
    {"llama-30b", 6656, 17920, 60, 52, 52, 32000, 32528943616.0},
    {"llama2-70b", 8192, 28672, 80, 64, 8, 32000, 68976648192.0},
};

ParameterizedTestParameters(mdl_llm, catalog_entry_has_published_shape_and_size)
{
    return cr_make_param_array(struct arch_case, arch_cases,
                               sizeof arch_cases / sizeof arch_cases[0]);
}

ParameterizedTest(struct arch_case *a, mdl_llm, catalog_entry_has_published_shape_and_size)
{
    struct ref_config c;
    struct sim_err err;
    cr_assert_eq(scn_llm_load(a->name, &c, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(c.dim, a->dim);
    cr_expect_eq(c.hidden_dim, a->hidden);
    cr_expect_eq(c.n_layers, a->layers);
    cr_expect_eq(c.n_heads, a->heads);
    cr_expect_eq(c.n_kv_heads, a->kv_heads);
    cr_expect_eq(c.vocab_size, a->vocab);
    struct ref_sizes s;
    ref_sizes_fill(&s, &c);
    const double no_rope = (double)(s.total_elems - s.n_elems[REF_T_FREQ_REAL] -
                                    s.n_elems[REF_T_FREQ_IMAG]);
    cr_expect_eq(no_rope, a->params, "%s: %.0f parameters", a->name, no_rope);
}

Test(mdl_llm, unknown_model_lists_known_names)
{
    struct ref_config c;
    struct sim_err err;
    cr_expect_eq(scn_llm_load("llama9-1t", &c, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "unknown model 'llama9-1t'") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, "llama2-7b") != NULL, "%s", err.msg);
    cr_expect_eq(scn_llm_load("../etc/passwd", &c, &err), SIM_EINVAL);
}

static enum sim_status load_text(const char *text, struct sim_err *err)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/plsim-llm-%ld.json", (long)getpid());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    struct ref_config c;
    const enum sim_status st = scn_llm_load_file(path, &c, err);
    remove(path);
    return st;
}

Test(mdl_llm, bad_files_name_the_key)
{
    struct sim_err err;
    cr_expect_eq(load_text("{\"dim\": 64, \"widht\": 3}", &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.widht: unknown key") != NULL, "%s", err.msg);
    cr_expect_eq(load_text("{\"dim\": 6.5}", &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.dim: expected an integer, found 6.5") != NULL, "%s", err.msg);
    cr_expect_eq(load_text("{\"dim\": 0}", &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.dim: expected an integer >= 1") != NULL, "%s", err.msg);
    cr_expect_eq(load_text("[1]", &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "expected an object") != NULL, "%s", err.msg);
    cr_expect_eq(load_text("{", &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "invalid JSON") != NULL, "%s", err.msg);
    cr_expect_eq(load_text("{\"dim\": 64}", &err), SIM_EINVAL); // others missing
    cr_expect(strstr(err.msg, "$.hidden_dim: missing") != NULL, "%s", err.msg);
}
