/*
 * tests/test_accounting: the plan and the resource breakdown against
 * hand arithmetic from paper/privatelora.md, and the plan's invariants.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>

#include "scenarios/catalog.h"
#include "reference/accounting.h"

static struct ref_config model(const char *name)
{
    struct ref_config c;
    struct sim_err err;
    cr_assert_eq(scn_llm_load(name, &c, &err), SIM_OK, "%s", err.msg);
    return c;
}

static struct ref_plan *plan(const struct ref_config *c, const struct ref_plan_opts *o)
{
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_assert_eq(ref_plan_build(c, o, &p, &err), SIM_OK, "%s", err.msg);
    return p;
}

/* Bits per token of the per-layer activation messages. */
static double layer_bits(const struct ref_plan *p)
{
    double bytes = 0;
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].kind == REF_STAGE_MESSAGE && p->stages[i].layer >= 0)
            bytes += (double)p->stages[i].msg_bytes;
    return 8.0 * bytes / (double)(p->opts.n_tokens * p->opts.batch);
}

static struct ref_plan_opts decode_opts(enum ref_mode mode, int64_t rank)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = mode;
    o.rank_c2d = o.rank_d2c = rank;
    return o;
}

// ---- hand arithmetic, paper/privatelora.md section 2.1 ----

Test(ref_accounting, naive_split_7b_16bit_is_4194304_bits_per_token)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_NAIVE_SPLIT, 32);
    struct ref_plan *p = plan(&c, &o);
    cr_expect_eq(layer_bits(p), 4096.0 * 2 * 32 * 16); // 4,194,304
    ref_plan_destroy(p);
}

Test(ref_accounting, privatelora_7b_rank32_qkv_is_98304_bits_per_token)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 32);
    struct ref_plan *p = plan(&c, &o);
    cr_expect_eq(layer_bits(p), 3.0 * 32 * 2 * 32 * 16); // 98,304
    // the paper's "32.8 Kb" counts a single projection
    cr_expect_eq(layer_bits(p) / 3.0, 32768.0);
    ref_plan_destroy(p);
}

Test(ref_accounting, privatelora_adds_embedding_up_and_hidden_down_once)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 64);
    struct ref_plan *p = plan(&c, &o);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    cr_expect_eq(t.bytes_up, 4096 * 2 + 32 * 3 * 64 * 2);
    cr_expect_eq(t.bytes_down, 4096 * 2 + 32 * 3 * 64 * 2);
    cr_expect_eq(t.n_msgs_up, 33);
    cr_expect_eq(t.n_msgs_down, 33);
    ref_plan_destroy(p);
}

Test(ref_accounting, naive_up_can_count_the_qkv_deltas)
{
    const struct ref_config c = model("llama2-70b"); // GQA: kv = 1024
    struct ref_plan_opts o = decode_opts(REF_MODE_NAIVE_SPLIT, 16);
    o.naive_up_qkv = 1;
    struct ref_plan *p = plan(&c, &o);
    cr_expect_eq(layer_bits(p), (8192.0 + (8192 + 2 * 1024)) * 80 * 16);
    ref_plan_destroy(p);
}

Test(ref_accounting, transfer_type_scales_bytes)
{
    const struct ref_config c = model("llama2-13b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 64);
    const enum ref_dtype types[3] = {REF_DTYPE_FP32, REF_DTYPE_BF16, REF_DTYPE_INT8};
    struct ref_plan_totals t[3];
    for (int i = 0; i < 3; i++) {
        o.transfer = types[i];
        struct ref_plan *p = plan(&c, &o);
        ref_plan_sum(p, &t[i]);
        ref_plan_destroy(p);
    }
    cr_expect_eq(t[0].bytes_up, 2 * t[1].bytes_up);
    // int8: one byte per element plus a 4-byte scale per row; up has one
    // embedding row and 3 rows per layer
    const int64_t elems = 5120 + 40 * 3 * 64, rows = 1 + 40 * 3;
    cr_expect_eq(t[2].bytes_up, elems + 4 * rows);
}

Test(ref_accounting, prefill_sends_every_token_up_but_one_hidden_state_down)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 16);
    o.phase = REF_PHASE_PREFILL;
    o.n_tokens = 100;
    o.batch = 2;
    struct ref_plan *p = plan(&c, &o);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    cr_expect_eq(t.bytes_up, 200 * 4096 * 2 + 32 * 3 * 200 * 16 * 2);
    cr_expect_eq(t.bytes_down, 2 * 4096 * 2 + 32 * 3 * 200 * 16 * 2);
    ref_plan_destroy(p);
}

Test(ref_accounting, device_only_has_no_messages_and_cloud_only_sends_tokens)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_DEVICE_ONLY, 64);
    struct ref_plan *p = plan(&c, &o);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    cr_expect_eq(t.bytes_up + t.bytes_down, 0);
    cr_expect_eq(t.flop[REF_CLOUD], 0.0);
    ref_plan_destroy(p);
    o.mode = REF_MODE_CLOUD_ONLY;
    o.phase = REF_PHASE_PREFILL;
    o.n_tokens = 10;
    p = plan(&c, &o);
    ref_plan_sum(p, &t);
    cr_expect_eq(t.bytes_up, 40);  // 10 int32 token ids
    cr_expect_eq(t.bytes_down, 4); // the next token
    cr_expect_eq(t.flop[REF_EDGE], 0.0);
    ref_plan_destroy(p);
}

Test(ref_accounting, first_k_moves_layers_and_their_traffic_to_the_edge)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PL_FIRST_K, 64);
    o.first_k = 2;
    struct ref_plan *p = plan(&c, &o);
    cr_expect_eq(layer_bits(p), 30.0 * 3 * 64 * 2 * 16);
    cr_expect_eq(p->stages[0].op, REF_OP_EMBED);
    int saw_hidden_up = 0;
    for (int i = 0; i < p->n_stages; i++)
        saw_hidden_up |= p->stages[i].op == REF_OP_HIDDEN_UP;
    cr_expect(saw_hidden_up);
    ref_plan_destroy(p);
}

Test(ref_accounting, adapted_subset_limits_round_trips)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_NAIVE_SPLIT, 16);
    o.adapt_all = 0;
    o.adapted[15] = o.adapted[31] = 1; // the paper's LoRA^S for 7B
    struct ref_plan *p = plan(&c, &o);
    cr_expect_eq(layer_bits(p), 2.0 * 4096 * 2 * 16);
    ref_plan_destroy(p);
}

// ---- invariants ----

Test(ref_accounting, additive_plan_is_a_chain_and_overlap_frees_qkv_base)
{
    const struct ref_config c = model("tiny");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 8);
    struct ref_plan *p = plan(&c, &o);
    for (int i = 1; i < p->n_stages; i++) {
        cr_assert_geq(p->stages[i].n_deps, 1);
        for (int j = 0; j < p->stages[i].n_deps; j++)
            cr_assert_lt(p->stages[i].deps[j], i); // topological order
    }
    ref_plan_destroy(p);
    o.overlap = 1;
    p = plan(&c, &o);
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *s = &p->stages[i];
        if (s->op == REF_OP_QKV_BASE)
            cr_expect_eq(p->stages[s->deps[0]].op, REF_OP_LORA_A);
        if (s->op == REF_OP_LORA_B)
            cr_expect_eq(s->n_deps, 2);
    }
    ref_plan_destroy(p);
}

Test(ref_accounting, plan_flops_equal_sum_over_layers_plus_ends)
{
    const struct ref_config c = model("llama2-13b");
    struct ref_plan_opts o = decode_opts(REF_MODE_DEVICE_ONLY, 0);
    struct ref_plan *p = plan(&c, &o);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    double per_layer = 0, ends = 0;
    for (int i = 0; i < p->n_stages; i++) {
        if (p->stages[i].layer == 0)
            per_layer += p->stages[i].flop;
        else if (p->stages[i].layer < 0)
            ends += p->stages[i].flop;
    }
    cr_expect_float_eq(t.flop[REF_EDGE], 40 * per_layer + ends, 1e-6 * t.flop[REF_EDGE]);
    ref_plan_destroy(p);
}

Test(ref_accounting, decode_weight_bytes_are_every_parameter_once)
{
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_DEVICE_ONLY, 0);
    o.weight_bits[REF_EDGE] = 4;
    struct ref_plan *p = plan(&c, &o);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    // all weights except the embedding table, of which one row is read
    const double params = 6738415616.0 - 32000.0 * 4096 + 4096;
    cr_expect_float_eq(t.weight_bytes[REF_EDGE], params / 2, 1.0);
    ref_plan_destroy(p);
}

// ---- errors ----

Test(ref_accounting, rank_larger_than_width_is_refused)
{
    const struct ref_config c = model("tiny");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 65);
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_expect_eq(ref_plan_build(&c, &o, &p, &err), SIM_EINVAL);
    cr_expect_null(p);
    cr_expect(strstr(err.msg, "larger than the model width") != NULL, "%s", err.msg);
}

Test(ref_accounting, decode_of_more_than_one_token_is_refused)
{
    const struct ref_config c = model("tiny");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 8);
    o.n_tokens = 2;
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_expect_eq(ref_plan_build(&c, &o, &p, &err), SIM_EINVAL);
}

Test(ref_accounting, context_overflow_and_bad_first_k_are_refused)
{
    const struct ref_config c = model("tiny");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 8);
    o.pos = 64;
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_expect_eq(ref_plan_build(&c, &o, &p, &err), SIM_EINVAL);
    o.pos = 0;
    o.mode = REF_MODE_PL_FIRST_K;
    o.first_k = 5;
    cr_expect_eq(ref_plan_build(&c, &o, &p, &err), SIM_EINVAL);
    o.first_k = 1;
    o.rank_d2c = 0;
    cr_expect_eq(ref_plan_build(&c, &o, &p, &err), SIM_EINVAL);
}

Test(ref_accounting, names_parse_back)
{
    for (int m = 0; m < REF_MODE_COUNT; m++) {
        enum ref_mode got;
        cr_expect_eq(ref_mode_parse(ref_mode_name((enum ref_mode)m), &got), SIM_OK);
        cr_expect_eq(got, (enum ref_mode)m);
    }
    enum ref_dtype t;
    cr_expect_eq(ref_dtype_parse("fp8", &t), SIM_EINVAL);
    enum ref_phase ph;
    cr_expect_eq(ref_phase_parse("prefill", &ph), SIM_OK);
    cr_expect_eq(ph, REF_PHASE_PREFILL);
}

// ---- the paper's resource table, section 3.4, MB = 1e6 bytes ----

struct res_case {
    char model[32];
    double pl_edge_mb;     /* 16 (PL) row, r = 128 */
    double pl_edge_gflops;
    double full4_mb;       /* 4-bit row */
    double full_gflops;
};

static struct res_case res_cases[] = {
    {"llama2-7b", 265.3, 0.27, 3303.5, 13.2},
    {"llama2-13b", 331.6, 0.33, 6425.8, 25.7},
    {"llama-30b", 431.9, 0.43, 16157.7, 64.6},
};

ParameterizedTestParameters(ref_accounting, resource_table_reproduces_with_stated_counting)
{
    return cr_make_param_array(struct res_case, res_cases,
                               sizeof res_cases / sizeof res_cases[0]);
}

/* Counting that reproduces the table (README, "Accounting choices"):
 * PL edge = LM head + M at 16 bits (the embedding table is not counted);
 * full model = attention + MLP weights + LM head, no norms, no embedding.
 * FLOPs are 2 per counted weight, and the embedding lookup costs none. */
ParameterizedTest(struct res_case *rc, ref_accounting,
                  resource_table_reproduces_with_stated_counting)
{
    const struct ref_config c = model(rc->model);
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 128);
    struct ref_resources pl, dev;
    struct sim_err err;
    cr_assert_eq(ref_resources_compute(&c, &o, &pl, &err), SIM_OK);
    const double head = pl.memory_bytes[REF_EDGE][REF_C_LM_HEAD];
    const double m = pl.memory_bytes[REF_EDGE][REF_C_LORA_M];
    const double edge_flop = pl.flop_per_token[REF_EDGE][REF_C_LM_HEAD] +
                              pl.flop_per_token[REF_EDGE][REF_C_LORA_M];
    cr_expect_leq(fabs((head + m) / 1e6 / rc->pl_edge_mb - 1), 0.005, "%s PL edge %.2f MB",
                  rc->model, (head + m) / 1e6);
    // the table prints two significant digits: 0.27 covers 0.265..0.275
    cr_expect_leq(fabs(edge_flop / 1e9 - rc->pl_edge_gflops), 0.005 + 1e-12,
                  "%s PL edge %.4f GFLOPs", rc->model, edge_flop / 1e9);
    o.mode = REF_MODE_DEVICE_ONLY;
    o.weight_bits[REF_EDGE] = 4;
    cr_assert_eq(ref_resources_compute(&c, &o, &dev, &err), SIM_OK);
    const double full = dev.memory_bytes[REF_EDGE][REF_C_ATTN] +
                        dev.memory_bytes[REF_EDGE][REF_C_MLP] +
                        dev.memory_bytes[REF_EDGE][REF_C_LM_HEAD];
    cr_expect_leq(fabs(full / 1e6 / rc->full4_mb - 1), 0.01, "%s full %.1f MB", rc->model,
                  full / 1e6);
    const double ff = dev.flop_per_token[REF_EDGE][REF_C_ATTN] +
                      dev.flop_per_token[REF_EDGE][REF_C_MLP] +
                      dev.flop_per_token[REF_EDGE][REF_C_LM_HEAD];
    cr_expect_leq(fabs(ff / 1e9 / rc->full_gflops - 1), 0.01, "%s %.2f GFLOPs", rc->model,
                  ff / 1e9);
    // the library's counting, which the CLI and plsim paper use, is this one
    struct ref_paper_counting pc;
    cr_assert_eq(ref_paper_counting(&c, 128, 4, &pc, &err), SIM_OK);
    cr_expect_float_eq(pc.pl_edge_bytes, head + m, 1e-6);
    cr_expect_float_eq(pc.pl_edge_flop, edge_flop, 1e-3);
    cr_expect_float_eq(pc.full_bytes, full, 1e-3);
    cr_expect_float_eq(pc.full_flop, ff, 1e-3);
}

Test(ref_accounting, paper_counting_counts_one_vocab_matrix_even_when_shared)
{
    struct ref_config c = model("stories-110m"); // shared classifier
    struct ref_paper_counting pc;
    struct sim_err err;
    cr_assert_eq(ref_paper_counting(&c, 16, 4, &pc, &err), SIM_OK, "%s", err.msg);
    const double head = 32000.0 * 768, m = 12.0 * 3 * 16 * 16;
    cr_expect_float_eq(pc.pl_edge_bytes, (head + m) * 2, 1e-6);
    cr_expect_float_eq(pc.pl_edge_flop, 2 * (head + m), 1e-6);
}

Test(ref_accounting, counting_both_embedding_and_head_misses_the_paper)
{
    // the alternative counting (embedding + LM head + M) is ~2x off for 7B,
    // which is why the table must count one V x d matrix
    const struct ref_config c = model("llama2-7b");
    struct ref_plan_opts o = decode_opts(REF_MODE_PRIVATELORA, 128);
    struct ref_resources r;
    struct sim_err err;
    cr_assert_eq(ref_resources_compute(&c, &o, &r, &err), SIM_OK);
    double all = 0;
    for (int k = 0; k < REF_C_COUNT; k++)
        all += r.memory_bytes[REF_EDGE][k];
    cr_expect_gt(fabs(all / 1e6 / 265.3 - 1), 0.9);
}

Test(ref_accounting, every_op_has_its_own_name)
{
    for (int a = 0; a < REF_OP_COUNT; a++) {
        const char *na = ref_op_name((enum ref_op)a);
        cr_assert_not_null(na, "op %d has no name", a);
        cr_expect_str_neq(na, "?");
        for (int b = 0; b < a; b++)
            cr_expect_str_neq(na, ref_op_name((enum ref_op)b), "ops %d and %d share a name", a, b);
    }
    cr_expect_str_eq(ref_op_name(REF_OP_DRAFT), "draft");
    cr_expect_str_eq(ref_op_name(REF_OP_TOKEN_DOWN), "token_down");
}
