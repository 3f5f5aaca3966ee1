/*
 * tests/test_analysis: the analysis layer with synthetic inputs: the
 * paper's evaluation rules on made-up summaries, sweep grids, and the
 * comm table's arithmetic. No simulation runs here.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/forward.h"
#include "analysis/paper.h"
#include "analysis/sweep.h"
#include "analysis/tables.h"

/* The first row of a kind, or NULL. */
static const struct ana_paper_row *first_row(enum ana_row_kind kind, int checked)
{
    int n;
    const struct ana_paper_row *rows = ana_paper_rows(&n);
    for (int i = 0; i < n; i++)
        if (rows[i].kind == kind && (checked ? !isnan(rows[i].tol) : isnan(rows[i].tol)))
            return &rows[i];
    return NULL;
}

Test(ana_paper, a_speed_row_passes_inside_its_tolerance_and_fails_outside)
{
    const struct ana_paper_row *r = first_row(ANA_ROW_TPS, 1);
    cr_assert_not_null(r);
    struct sim_summary res[ANA_PAPER_N_SIMS];
    memset(res, 0, sizeof res);
    struct ana_outcome o;
    struct sim_err err;
    res[r->a].decode_tps = r->paper * (1.0 + 0.99 * r->tol);
    cr_assert_eq(ana_paper_evaluate_row(r, res, &o, &err), SIM_OK);
    cr_expect(o.checked && o.pass, "%s: %g inside %g", r->label, o.sim, r->tol);
    res[r->a].decode_tps = r->paper * (1.0 - 1.01 * r->tol);
    ana_paper_evaluate_row(r, res, &o, &err);
    cr_expect(o.checked && !o.pass, "%s: %g outside %g", r->label, o.sim, r->tol);
    cr_expect_float_eq(o.err, -1.01 * r->tol, 1e-12);
    res[r->a].decode_tps = NAN; // a run that produced nothing never passes
    ana_paper_evaluate_row(r, res, &o, &err);
    cr_expect_not(o.pass);
}

Test(ana_paper, an_unchecked_row_is_reported_whatever_its_value)
{
    const struct ana_paper_row *r = first_row(ANA_ROW_TPS, 0);
    cr_assert_not_null(r, "the LoRA^P rows are reported, not checked");
    struct sim_summary res[ANA_PAPER_N_SIMS];
    memset(res, 0, sizeof res);
    res[r->a].decode_tps = 7.0 * r->paper;
    struct ana_outcome o;
    struct sim_err err;
    cr_assert_eq(ana_paper_evaluate_row(r, res, &o, &err), SIM_OK);
    cr_expect_not(o.checked);
    cr_expect(o.pass);
}

Test(ana_paper, a_claim_must_reach_its_value_from_below_only)
{
    const struct ana_paper_row *r = first_row(ANA_ROW_AT_LEAST, 1);
    cr_assert_not_null(r);
    struct sim_summary res[ANA_PAPER_N_SIMS];
    memset(res, 0, sizeof res);
    struct ana_outcome o;
    struct sim_err err;
    res[r->b].decode_tps = 10.0;
    res[r->a].decode_tps = 10.0 * r->paper / 100.0 * 1.5; // far above: still a pass
    ana_paper_evaluate_row(r, res, &o, &err);
    cr_expect(o.pass);
    res[r->a].decode_tps = 10.0 * r->paper / 100.0 * 0.999;
    ana_paper_evaluate_row(r, res, &o, &err);
    cr_expect_not(o.pass, "%s: %g below %g", r->label, o.sim, r->paper);
}

Test(ana_paper, resource_and_comm_rows_come_from_the_catalogs_not_the_summaries)
{
    struct sim_summary res[ANA_PAPER_N_SIMS];
    memset(res, 0, sizeof res); // no simulation at all
    const enum ana_row_kind kinds[] = {ANA_ROW_MEM_PL, ANA_ROW_MEM_FULL, ANA_ROW_FLOPS_FULL,
                                       ANA_ROW_COMM};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const struct ana_paper_row *r = first_row(kinds[k], 1);
        cr_assert_not_null(r);
        struct ana_outcome o;
        struct sim_err err;
        cr_assert_eq(ana_paper_evaluate_row(r, res, &o, &err), SIM_OK, "%s", err.msg);
        cr_expect(o.pass, "%s: %g vs the paper's %g", r->label, o.sim, r->paper);
    }
}

Test(ana_sweep, points_are_the_product_and_the_last_axis_varies_fastest)
{
    struct ana_sweep s;
    memset(&s, 0, sizeof s);
    struct sim_err err;
    cr_assert_eq(ana_sweep_add_axis(&s, "rank=16,64", &err), SIM_OK);
    cr_assert_eq(ana_sweep_add_axis(&s, "link.rtt=0ms,10ms,47ms", &err), SIM_OK);
    cr_expect_eq(ana_sweep_points(&s), 6);
    char bufs[ANA_SWEEP_MAX_AXES][256];
    const char *ov[ANA_SWEEP_MAX_AXES];
    cr_assert_eq(ana_sweep_point_overrides(&s, 4, bufs, ov), 2);
    cr_expect_str_eq(ov[0], "rank=64");
    cr_expect_str_eq(ov[1], "link.rtt=10ms");
    cr_expect_eq(ana_sweep_add_axis(&s, "workload.batch", &err), SIM_EINVAL);
    ana_sweep_free(&s);
}

Test(ana_sweep, a_product_over_the_bound_is_refused_before_any_work)
{
    struct ana_sweep s;
    memset(&s, 0, sizeof s);
    struct sim_err err;
    char spec[2048] = "rank=1";
    for (int i = 2; i <= 60; i++)
        snprintf(spec + strlen(spec), sizeof spec - strlen(spec), ",%d", i);
    enum sim_status st = SIM_OK;
    for (int k = 0; k < 4 && st == SIM_OK; k++) // 60^3 = 216000 > the bound
        st = ana_sweep_add_axis(&s, spec, &err);
    cr_expect_eq(st, SIM_EINVAL);
    cr_expect(strstr(err.msg, "exceed the bound") != NULL, "%s", err.msg);
    ana_sweep_free(&s);
}

Test(ana_tables, comm_rows_of_7b_match_the_papers_arithmetic)
{
    const struct ana_acct_opts o = {.model = "llama2-7b", .rank = 32, .rank_d2c = 32,
                                    .bits = 16, .prompt_tokens = 128, .first_k = 1};
    struct ana_comm_row rows[ANA_COMM_ROWS];
    struct sim_err err;
    cr_assert_eq(ana_comm_rows(&o, rows, &err), SIM_OK, "%s", err.msg);
    const struct ana_comm_row *naive = &rows[REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
    const struct ana_comm_row *pl = &rows[REF_MODE_COUNT + REF_MODE_PRIVATELORA];
    // bits per decoded token: d x 2 x L x 16 and 3 r x 2 x L x 16
    cr_expect_eq(8.0 * (naive->layer_up + naive->layer_down), 4096.0 * 2 * 32 * 16);
    cr_expect_eq(8.0 * (pl->layer_up + pl->layer_down), 3.0 * 32 * 2 * 32 * 16);
    const struct ana_acct_opts wide = {.model = "llama2-7b", .rank = 5000, .rank_d2c = 5000,
                                       .bits = 16, .prompt_tokens = 128, .first_k = 1};
    cr_expect_eq(ana_comm_rows(&wide, rows, &err), SIM_EINVAL);
    cr_expect_null(ana_comm_json(&wide, &err));
}

Test(ana_sweep, typed_keys_vary_the_resolved_input_as_the_files_would)
{
    // link.rtt and mode have setters: the scenario is read once and each
    // point set on a copy; adding an untyped axis (rank) falls back to
    // reading the files per point. Both must give the same inputs.
    struct ana_sweep typed, files;
    memset(&typed, 0, sizeof typed);
    memset(&files, 0, sizeof files);
    struct sim_err err;
    cr_assert_eq(ana_sweep_add_axis(&typed, "link.rtt=0ms,47ms,0.01", &err), SIM_OK);
    cr_assert_eq(ana_sweep_add_axis(&typed, "mode=privatelora,cloud-only", &err), SIM_OK);
    cr_assert_eq(ana_sweep_add_axis(&files, "link.rtt=0ms,47ms,0.01", &err), SIM_OK);
    cr_assert_eq(ana_sweep_add_axis(&files, "mode=privatelora,cloud-only", &err), SIM_OK);
    cr_assert_eq(ana_sweep_add_axis(&files, "rank=64", &err), SIM_OK);
    struct mdl_input a[6], b[6];
    const char *file = PLSIM_SOURCE_DIR "/scenarios/paper-7b.json";
    cr_assert_eq(ana_sweep_inputs(&typed, file, NULL, 0, a, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(ana_sweep_inputs(&files, file, NULL, 0, b, &err), SIM_OK, "%s", err.msg);
    const double rtt[3] = {0.0, 0.047, 0.01};
    for (int p = 0; p < 6; p++) {
        cr_expect_eq(a[p].link.rtt_s.value, rtt[p / 2]);
        cr_expect_eq(a[p].link.rtt_s.value, b[p].link.rtt_s.value);
        cr_expect_eq(a[p].plan.mode, b[p].plan.mode);
        cr_expect_eq(a[p].plan.mode, p % 2 ? REF_MODE_CLOUD_ONLY : REF_MODE_PRIVATELORA);
        cr_expect_eq(a[p].cost[REF_CLOUD].scale, b[p].cost[REF_CLOUD].scale);
        cr_expect_eq(a[p].plan.rank_c2d, b[p].plan.rank_c2d);
    }
    struct ana_sweep bad;
    memset(&bad, 0, sizeof bad);
    cr_assert_eq(ana_sweep_add_axis(&bad, "link.rtt=-5ms", &err), SIM_OK);
    cr_expect_eq(ana_sweep_inputs(&bad, file, NULL, 0, a, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.rtt") != NULL, "%s", err.msg);
    ana_sweep_free(&typed);
    ana_sweep_free(&files);
    ana_sweep_free(&bad);
}

// ---- speculative decoding, for real ----

static struct ref_checkpoint *model(int64_t dim, int64_t layers, uint64_t seed)
{
    struct ref_config c = {.dim = dim, .hidden_dim = 2 * dim + 44, .n_layers = layers,
                           .n_heads = 4, .n_kv_heads = 2, .vocab_size = 256, .seq_len = 64};
    ref_config_defaults(&c);
    return ref_checkpoint_random(&c, seed);
}

Test(ana_forward, speculative_ids_equal_plain_greedy_with_any_draft)
{
    struct ref_checkpoint *target = model(64, 4, 1), *draft = model(32, 2, 7);
    struct ref_lora *l = ref_lora_create(&target->cfg, 8, 8, NULL, 3, REF_M_RANDOM);
    const int32_t prompt[3] = {5, 77, 123};
    const enum ref_mode modes[3] = {REF_MODE_PRIVATELORA, REF_MODE_NAIVE_SPLIT,
                                    REF_MODE_PL_FIRST_K};
    struct sim_err err;
    for (int m = 0; m < 3; m++) {
        struct ref_session_opts so;
        ref_session_opts_default(&so);
        so.mode = modes[m];
        so.transfer = REF_DTYPE_FP32;
        so.max_tokens = 3;
        struct ana_forward plain;
        cr_assert_eq(ana_forward_run(target, l, &so, prompt, 3, 24, NULL, &plain, &err), SIM_OK,
                     "%s", err.msg);
        for (int64_t k = 1; k <= 5; k += 2) {
            struct ana_forward spec;
            cr_assert_eq(ana_forward_speculative(target, l, &so, draft, k, prompt, 3, 24, &spec,
                                                 &err), SIM_OK, "%s", err.msg);
            cr_assert_eq(spec.steps, 24);
            cr_expect_eq(memcmp(spec.ids, plain.ids, 24 * sizeof *spec.ids), 0,
                         "%s k=%lld: speculative ids differ from greedy",
                         ref_mode_name(modes[m]), (long long)k);
            cr_expect_lt(spec.passes, 25);
            ana_forward_free(&spec);
        }
        ana_forward_free(&plain);
    }
    ref_lora_destroy(l);
    ref_checkpoint_destroy(target);
    ref_checkpoint_destroy(draft);
}

Test(ana_forward, a_draft_equal_to_the_target_has_every_token_accepted)
{
    struct ref_checkpoint *target = model(64, 4, 2);
    const int32_t prompt[2] = {9, 200};
    struct ref_session_opts so;
    ref_session_opts_default(&so);
    so.mode = REF_MODE_PRIVATELORA;
    so.transfer = REF_DTYPE_FP32;
    so.max_tokens = 2;
    struct ana_forward spec;
    struct sim_err err;
    // 1 token from the prefill, then 4 passes of k = 5: 4 x (5 + 1) = 24 more
    cr_assert_eq(ana_forward_speculative(target, NULL, &so, target, 5, prompt, 2, 25, &spec,
                                         &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(spec.passes, 4);
    for (int64_t i = 0; i < spec.passes; i++)
        cr_expect_eq(spec.accepted[i], 5, "pass %lld accepted %d", (long long)i,
                     spec.accepted[i]);
    ana_forward_free(&spec);
    ref_checkpoint_destroy(target);
}
