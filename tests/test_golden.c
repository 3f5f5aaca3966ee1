/*
 * tests/test_golden: the committed baselines still hold. Changing them is
 * a deliberate `make golden`, never a side effect of a test.
 *  - results/comm_reduction.json: every ratio recomputed to 1e-12 relative;
 *  - results/paper/: `plsim paper` exits 0 (every checked row within its
 *    tolerance) and regenerates the committed tables byte for byte;
 *  - tests/golden/: the logits llama2.c's own run.c produced for two
 *    checkpoints, matched by `plsim forward` merged, and split at fp32
 *    with an adapter whose M is zero (see tests/golden/README.md).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "tests/helpers.h"
#include "scenarios/catalog.h"
#include "reference/accounting.h"

#define SRC PLSIM_SOURCE_DIR


Test(golden, comm_reduction_ratios_are_unchanged)
{
    size_t n;
    char *text = th_slurp(SRC "/results/comm_reduction.json", &n);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root);
    const cJSON *entries = cJSON_GetObjectItem(root, "entries");
    const int64_t prompt = (int64_t)cJSON_GetObjectItem(root, "prompt_tokens")->valuedouble;
    cr_expect_eq(cJSON_GetArraySize(entries), 4 * 6 * 2 * 2);
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, entries)
    {
        struct ref_config cfg;
        struct sim_err err;
        const char *model = cJSON_GetObjectItem(e, "model")->valuestring;
        cr_assert_eq(scn_llm_load(model, &cfg, &err), SIM_OK, "%s", err.msg);
        const int64_t rank = (int64_t)cJSON_GetObjectItem(e, "rank")->valuedouble;
        const int bits = (int)cJSON_GetObjectItem(e, "transfer_bits")->valuedouble;
        enum ref_phase ph;
        cr_assert_eq(ref_phase_parse(cJSON_GetObjectItem(e, "phase")->valuestring, &ph), SIM_OK);
        struct ref_reduction r;
        cr_assert_eq(ref_comm_reduction(&cfg, rank, bits == 16 ? REF_DTYPE_FP16 : REF_DTYPE_INT8,
                                        ph, prompt, &r, &err), SIM_OK);
        const double got[3] = {r.up, r.down, r.total};
        const char *keys[3] = {"reduction_up", "reduction_down", "reduction_total"};
        for (int k = 0; k < 3; k++) {
            const double want = cJSON_GetObjectItem(e, keys[k])->valuedouble;
            cr_expect(fabs(got[k] - want) <= 1e-12 * fabs(want), "%s r=%lld %d-bit %s %s: "
                      "%.17g, baseline %.17g", model, (long long)rank, bits,
                      ref_phase_name(ph), keys[k], got[k], want);
        }
    }
    cJSON_Delete(root);
    free(text);
}

Test(golden, paper_reproduction_passes_and_matches_the_committed_tables)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char dir[128], cmd[512];
    snprintf(dir, sizeof dir, "/tmp/plsim-paper-%ld", (long)getpid());
    snprintf(cmd, sizeof cmd, "%s paper -q -o %s", bin, dir);
    const int st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "plsim paper exited %d", WEXITSTATUS(st));
    const char *files[] = {"tables.md", "tables.json"};
    for (int i = 0; i < 2; i++) {
        char a[300], b[300];
        size_t na, nb;
        snprintf(a, sizeof a, "%s/%s", dir, files[i]);
        snprintf(b, sizeof b, SRC "/results/paper/%s", files[i]);
        char *x = th_slurp(a, &na), *y = th_slurp(b, &nb);
        cr_expect(na == nb && memcmp(x, y, na) == 0,
                  "%s differs from results/paper/%s; run `make golden` if the change is meant",
                  a, files[i]);
        free(x);
        free(y);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

// ---- logits of an independent implementation ----

struct golden_case {
    const char *name;   /* tests/golden/NAME.bin and NAME.logits.f32 */
    const char *tokens; /* the prompt */
    int steps;          /* greedy decode steps */
    const char *ids;    /* the greedy ids run.c produced */
};

static const struct golden_case golden[] = {
    {"gqa-unshared", "1,17,42,5,300,7", 10, "222 222 222 222 222 222 222 136 136 170"},
    {"mha-shared", "3,1,4,1,5,9,2,6", 8, "57 57 57 57 57 57 57 57"},
};

/* Runs plsim forward on a golden checkpoint with extra options, checks
 * the greedy ids and every logits row against run.c's to 1e-5 relative
 * (the largest difference against the row's largest magnitude). */
static void check_golden(const struct golden_case *g, const char *extra)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char out[128], ids[128], cmd[1024];
    snprintf(out, sizeof out, "/tmp/plsim-golden-%ld.f32", (long)getpid());
    snprintf(ids, sizeof ids, "/tmp/plsim-golden-%ld.ids", (long)getpid());
    snprintf(cmd, sizeof cmd, "%s forward --checkpoint %s/tests/golden/%s.bin --tokens %s "
             "--steps %d %s --logits %s > %s 2>/dev/null", bin, SRC, g->name, g->tokens,
             g->steps, extra, out, ids);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    size_t n_got, n_want, n_ids;
    char *got = th_slurp(out, &n_got), *text = th_slurp(ids, &n_ids);
    char want_path[300];
    snprintf(want_path, sizeof want_path, "%s/tests/golden/%s.logits.f32", SRC, g->name);
    char *want = th_slurp(want_path, &n_want);
    cr_assert_eq(n_got, n_want, "%s: %zu logits bytes, golden %zu", g->name, n_got, n_want);
    text[strcspn(text, "\n")] = '\0';
    cr_expect_str_eq(text, g->ids, "%s %s: greedy ids", g->name, extra);
    const int rows = g->steps + 1;
    const size_t V = n_want / sizeof(float) / (size_t)rows;
    for (int r = 0; r < rows; r++) {
        const float *a = (const float *)got + (size_t)r * V, *b = (const float *)want + (size_t)r * V;
        double diff = 0, mag = 0;
        size_t worst = 0;
        for (size_t i = 0; i < V; i++) {
            if (fabs((double)a[i] - b[i]) > diff)
                diff = fabs((double)a[i] - b[i]), worst = i;
            mag = fmax(mag, fabs((double)b[i]));
        }
        cr_expect_leq(diff, 1e-5 * mag, "%s %s row %d: max diff %.3g at %zu (%.9g vs %.9g), "
                      "scale %.3g", g->name, extra, r, diff, worst, a[worst], b[worst], mag);
    }
    free(got);
    free(want);
    free(text);
    remove(out);
    remove(ids);
}

Test(golden, merged_forward_matches_llama2c_run_c)
{
    for (size_t i = 0; i < sizeof golden / sizeof golden[0]; i++)
        check_golden(&golden[i], "--merged");
}

Test(golden, split_fp32_with_zero_m_matches_llama2c_run_c)
{
    for (size_t i = 0; i < sizeof golden / sizeof golden[0]; i++)
        check_golden(&golden[i], "--split --rank 8 --m-init zero --transfer fp32");
}
