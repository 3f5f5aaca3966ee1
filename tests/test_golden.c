/*
 * tests/test_golden: the committed baselines still hold. Changing them is
 * a deliberate `make golden`, never a side effect of a test.
 *  - results/comm_reduction.json: every ratio recomputed to 1e-12 relative;
 *  - results/paper/: `plsim paper` exits 0 (every checked row within its
 *    tolerance) and regenerates the committed tables byte for byte.
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
#include "models/llm.h"
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
        cr_assert_eq(mdl_llm_load(model, &cfg, &err), SIM_OK, "%s", err.msg);
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
