/*
 * tests/test_catalog: every catalog entry is sourced and typed, and an
 * entry that is not is refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/catalog.h"

Test(scn_catalog, every_shipped_entry_is_sourced_and_typed)
{
    const int expect_min[SCN_CAT_COUNT] = {7, 5, 6, 2};
    for (int c = 0; c < SCN_CAT_COUNT; c++) {
        char path[4096];
        int n = 0;
        struct sim_err err;
        scn_catalog_path((enum scn_catalog)c, path, sizeof path);
        cr_expect_eq(scn_catalog_check_file(path, (enum scn_catalog)c, &n, &err), SIM_OK, "%s",
                     err.msg);
        cr_expect_geq(n, expect_min[c], "%s has %d entries", path, n);
    }
}

Test(scn_catalog, paper_numbers_come_through_in_si)
{
    char path[4096];
    struct sim_err err;
    struct mdl_device d;
    cr_assert_eq(scn_catalog_device_load(scn_catalog_path(SCN_CAT_GPU, path, sizeof path),
                                         SCN_CAT_GPU, "a100-80g-pcie", &d, &err), SIM_OK, "%s",
                 err.msg);
    cr_expect_eq(d.mem_bw_Bps.value, 1.935e12);
    cr_expect_eq(d.peak_dense_flop_per_s[MDL_FP16].value, 3.12e14);
    cr_expect_eq(d.peak_sparse_flop_per_s[MDL_FP16].value, 6.24e14); // listed apart, never mixed
    const struct mdl_measured *m = mdl_device_find_measured(&d, "llama2-7b", 16, REF_PHASE_DECODE);
    cr_assert_not_null(m);
    cr_expect_eq(m->tokens_per_s.value, 37.1);
    cr_expect_eq(m->tokens_per_s.kind, MDL_KIND_MEASURED);
    struct mdl_link l;
    cr_assert_eq(scn_catalog_link_load(scn_catalog_path(SCN_CAT_LINK, path, sizeof path),
                                       "paper-5g", &l, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(l.uplink_Bps.value, 7.5e6);    // 60 Mbps
    cr_expect_eq(l.downlink_Bps.value, 1.25e7); // 100 Mbps
    cr_expect_eq(l.rtt_s.value, 0.0);
    cr_assert_eq(scn_catalog_link_load(path, "ookla-us-2024h1", &l, &err), SIM_OK);
    cr_expect_eq(l.rtt_s.value, 0.047);
    cr_expect_float_eq(l.uplink_Bps.value, 14.56e6 / 8, 1e-6);
}

Test(scn_catalog, unknown_name_suggests_the_closest)
{
    char path[4096];
    struct sim_err err;
    struct mdl_link l;
    cr_expect_eq(scn_catalog_link_load(scn_catalog_path(SCN_CAT_LINK, path, sizeof path),
                                       "paper_5g", &l, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "did you mean 'paper-5g'") != NULL, "%s", err.msg);
}

/* Writes text to a temporary catalog and checks it as kind c. */
static enum sim_status check_text(const char *text, enum scn_catalog c, struct sim_err *err)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/plsim-cat-%ld.json", (long)getpid());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    int n;
    const enum sim_status st = scn_catalog_check_file(path, c, &n, err);
    remove(path);
    return st;
}

Test(scn_catalog, entry_without_source_kind_or_sparsity_is_refused)
{
    struct sim_err err;
    const char *no_source =
        "{\"x\": {\"description\": \"d\", \"uplink\": {\"value\": \"1 Mbps\", \"kind\": \"spec\"},"
        " \"downlink\": {\"value\": \"1 Mbps\", \"kind\": \"spec\", \"source\": \"s\"},"
        " \"rtt\": {\"value\": \"1 ms\", \"kind\": \"spec\", \"source\": \"s\"}}}";
    cr_expect_eq(check_text(no_source, SCN_CAT_LINK, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.x.uplink.source: missing") != NULL, "%s", err.msg);
    const char *bad_kind =
        "{\"x\": {\"description\": \"d\", \"uplink\": {\"value\": \"1 Mbps\", \"kind\": \"guess\","
        " \"source\": \"s\"}}}";
    cr_expect_eq(check_text(bad_kind, SCN_CAT_LINK, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.x.uplink.kind: expected one of spec, measured, assumed") != NULL,
              "%s", err.msg);
    const char *no_sparsity =
        "{\"g\": {\"description\": \"d\", \"memory_bandwidth\": {\"value\": \"1 TB/s\", \"kind\":"
        " \"spec\", \"source\": \"s\"}, \"peak_flops\": [{\"precision\": \"fp16\", \"value\":"
        " \"1 TFLOPS\", \"kind\": \"spec\", \"source\": \"s\"}]}}";
    cr_expect_eq(check_text(no_sparsity, SCN_CAT_GPU, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.g.peak_flops[0].sparsity: missing") != NULL, "%s", err.msg);
    const char *only_sparse =
        "{\"g\": {\"description\": \"d\", \"memory_bandwidth\": {\"value\": \"1 TB/s\", \"kind\":"
        " \"spec\", \"source\": \"s\"}, \"peak_flops\": [{\"precision\": \"fp16\", \"sparsity\":"
        " \"sparse\", \"value\": \"1 TFLOPS\", \"kind\": \"spec\", \"source\": \"s\"}]}}";
    cr_expect_eq(check_text(only_sparse, SCN_CAT_GPU, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "needs at least one dense peak") != NULL, "%s", err.msg);
    const char *bits_as_bytes =
        "{\"x\": {\"description\": \"d\", \"uplink\": {\"value\": \"1 mbps\", \"kind\": \"spec\","
        " \"source\": \"s\"}}}";
    cr_expect_eq(check_text(bits_as_bytes, SCN_CAT_LINK, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "did you mean 'Mbps'") != NULL, "%s", err.msg);
}
