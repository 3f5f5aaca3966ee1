/*
 * cli/cmd_paper: `plsim paper`, the paper's tables reproduced from its
 * stated assumptions (the paper presets), each row with the paper's
 * value, the simulated value, the relative error, its tolerance and the
 * accounting choice that produced it; the same rows under realistic 5G
 * beside. Exits 1 when a checked row falls outside its tolerance.
 *
 * One accounting reading is used for every speed row, never a factor per
 * row: the paper's additive estimate, in which the communication term t
 * is "the time for forwarding one token", i.e. the uplink only
 * (accounting.downlink = ignored), and the A100 measurements stand for
 * the decoder stack (TPS_C^Decoder, the catalog's scope). Rows whose
 * paper value cannot be reached under it say why.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "cli/cli.h"
#include "analysis/batch.h"
#include "util/afile.h"
#include "models/llm.h"
#include "reference/accounting.h"
#include "scenarios/scenario.h"
#include "sim/result.h"

static const char paper_help[] =
    "Usage: plsim paper [-o DIR] [-j N] [--no-plots] [-q]\n\n"
    "Reproduces the paper's throughput tables (Table 3, the blog's r = 64\n"
    "speeds), its abstract's claims and its resource table from the paper\n"
    "presets only, and the same speeds under realistic US 5G. Writes\n"
    "DIR/tables.md and DIR/tables.json (default DIR: results/paper) and\n"
    "prints the Markdown, and renders the figures of `plsim plots` into\n"
    "DIR/plots. Every row states its tolerance and the accounting choice\n"
    "behind it; exits 1 if a checked row is outside.\n\n"
    "Example:\n  plsim paper -o results/paper\n";

// ---- the simulations the rows need ----

#define MAX_OV 6

struct sim_spec {
    const char *preset;           /* file under the presets directory */
    const char *ov[MAX_OV];       /* overrides, NULL-terminated */
};

/* The paper's reading for every speed row. */
#define PAPER_READING "accounting.downlink=ignored"
#define US5G "link=ookla-us-2024h1"

enum {
    PL7, PL13, PL30,              /* PL, r = 64, paper reading */
    PLF7, PLF13, PLF30,           /* PL, r = 64, downlink counted */
    CL7, CL13, CL30,              /* cloud-only */
    DEV7,                         /* device-only, 4-bit phone */
    LS7, LS13, LS30,              /* LoRA^S */
    LP7, LP13, LP30,              /* LoRA^P */
    PL30R32,                      /* PL 30B at r = 32 */
    US_PL7, US_PL13, US_PL30,     /* the same under realistic 5G */
    US_CL7, US_CL13, US_CL30,
    US_LS7, US_LP7,
    N_SIMS
};

static const struct sim_spec sims[N_SIMS] = {
    [PL7] = {"paper-7b.json", {PAPER_READING}},
    [PL13] = {"paper-13b.json", {PAPER_READING}},
    [PL30] = {"paper-30b.json", {PAPER_READING}},
    [PLF7] = {"paper-7b.json", {NULL}},
    [PLF13] = {"paper-13b.json", {NULL}},
    [PLF30] = {"paper-30b.json", {NULL}},
    [CL7] = {"cloud-only.json", {PAPER_READING, "cost.cloud.calibration_scope=model"}},
    [CL13] = {"cloud-only.json", {PAPER_READING, "cost.cloud.calibration_scope=model",
                                  "model=llama2-13b"}},
    [CL30] = {"cloud-only.json", {PAPER_READING, "cost.cloud.calibration_scope=model",
                                  "model=llama-30b"}},
    [DEV7] = {"device-only.json", {PAPER_READING}},
    [LS7] = {"lora-two-layers.json", {PAPER_READING}},
    [LS13] = {"lora-two-layers.json", {PAPER_READING, "model=llama2-13b",
                                       "adapted_layers=[19,39]"}},
    [LS30] = {"lora-two-layers.json", {PAPER_READING, "model=llama-30b",
                                       "adapted_layers=[29,59]"}},
    [LP7] = {"lora-all-layers.json", {PAPER_READING}},
    [LP13] = {"lora-all-layers.json", {PAPER_READING, "model=llama2-13b"}},
    [LP30] = {"lora-all-layers.json", {PAPER_READING, "model=llama-30b"}},
    [PL30R32] = {"paper-30b.json", {PAPER_READING, "rank=32"}},
    [US_PL7] = {"paper-7b.json", {US5G}},
    [US_PL13] = {"paper-13b.json", {US5G}},
    [US_PL30] = {"paper-30b.json", {US5G}},
    [US_CL7] = {"cloud-only.json", {US5G, "cost.cloud.calibration_scope=model"}},
    [US_CL13] = {"cloud-only.json", {US5G, "cost.cloud.calibration_scope=model",
                                     "model=llama2-13b"}},
    [US_CL30] = {"cloud-only.json", {US5G, "cost.cloud.calibration_scope=model",
                                     "model=llama-30b"}},
    [US_LS7] = {"lora-two-layers.json", {US5G}},
    [US_LP7] = {"lora-all-layers.json", {US5G}},
};

// ---- rows ----

enum row_kind {
    ROW_TPS,     /* decode tokens/s of sim a */
    ROW_PERCENT, /* 100 x tps(a) / tps(b) */
    ROW_AT_LEAST, /* a claim: 100 x tps(a) / tps(b) must reach paper */
    ROW_COMM,    /* a claim: per-layer reduction of PL vs naive, % */
    ROW_MEM_PL, ROW_FLOPS_PL, ROW_MEM_FULL, ROW_FLOPS_FULL, /* resource table */
};

struct row {
    const char *group;
    const char *label;
    enum row_kind kind;
    int a, b;          /* simulations; for resource rows a is the bit width */
    const char *model; /* resource and comm rows */
    double paper;      /* the paper's value */
    const char *unit;
    double tol;        /* relative tolerance; NAN: reported, not checked; for
                          resource GFLOPs rows an absolute tolerance */
    int alt;           /* alternative simulation shown beside, or -1 */
    const char *choice;
    const char *note;
};

static const char CH_PL[] = "additive; t = uplink only (downlink not timed); A100 speed = decoder";
static const char CH_CAL[] = "calibration input: the catalog's measured speed through the plan";

static const struct row rows[] = {
    // Table 3, decode TPS
    {"Table 3", "LLaMA 2-7B, Cloud", ROW_TPS, CL7, -1, NULL, 37.2, "tokens/s", 0.01, -1, CH_CAL,
     "not an independent check; Table 3 prints 37.2 where the blog says 37.1"},
    {"Table 3", "LLaMA 2-13B, Cloud", ROW_TPS, CL13, -1, NULL, 27.8, "tokens/s", 0.01, -1, CH_CAL,
     "not an independent check"},
    {"Table 3", "LLaMA-30B, Cloud", ROW_TPS, CL30, -1, NULL, 16.7, "tokens/s", 0.01, -1, CH_CAL,
     "not an independent check"},
    {"Table 3", "LLaMA 2-7B, Device (4-bit)", ROW_TPS, DEV7, -1, NULL, 8.1, "tokens/s", 0.01, -1,
     CH_CAL, "not an independent check; the blog text says 5.7 tokens/s for the same phone"},
    {"Table 3", "LLaMA 2-7B, PL", ROW_TPS, PL7, -1, NULL, 27.1, "tokens/s", 0.04, PLF7, CH_PL,
     "Table 3 states no rank; its PL speeds sit 2-3 % below the blog's r = 64 speeds for the "
     "same models, so no single rank gives both; simulated at the blog's r = 64"},
    {"Table 3", "LLaMA 2-13B, PL", ROW_TPS, PL13, -1, NULL, 20.5, "tokens/s", 0.04, PLF13, CH_PL,
     "as for 7B"},
    {"Table 3", "LLaMA-30B, PL", ROW_TPS, PL30, -1, NULL, 12.9, "tokens/s", 0.04, PLF30, CH_PL,
     "as for 7B"},
    {"Table 3", "LLaMA 2-7B, LoRA^S", ROW_TPS, LS7, -1, NULL, 25.6, "tokens/s", 0.15, -1, CH_PL,
     "unexplained baseline: the paper does not say how it estimated LoRA^S; d-wide activations "
     "at layers 15 and 31, same reading as PL"},
    {"Table 3", "LLaMA 2-13B, LoRA^S", ROW_TPS, LS13, -1, NULL, 19.5, "tokens/s", 0.15, -1, CH_PL,
     "unexplained baseline (layers 19 and 39)"},
    {"Table 3", "LLaMA-30B, LoRA^S", ROW_TPS, LS30, -1, NULL, 11.7, "tokens/s", 0.15, -1, CH_PL,
     "unexplained baseline (layers 29 and 59)"},
    {"Table 3", "LLaMA 2-7B, LoRA^P", ROW_TPS, LP7, -1, NULL, 2.0, "tokens/s", NAN, -1, CH_PL,
     "not reproduced: d-wide activations at every layer over 60 Mbps cost ~36 ms per token, "
     "not the ~500 ms that 2.0 tokens/s implies; reported, not checked"},
    {"Table 3", "LLaMA 2-13B, LoRA^P", ROW_TPS, LP13, -1, NULL, 1.3, "tokens/s", NAN, -1, CH_PL,
     "not reproduced, as for 7B"},
    {"Table 3", "LLaMA-30B, LoRA^P", ROW_TPS, LP30, -1, NULL, 0.7, "tokens/s", NAN, -1, CH_PL,
     "not reproduced, as for 7B"},
    // the blog's r = 64 numbers
    {"Blog, r = 64", "LLaMA 2-7B, PL", ROW_TPS, PL7, -1, NULL, 27.8, "tokens/s", 0.01, PLF7, CH_PL,
     NULL},
    {"Blog, r = 64", "LLaMA 2-13B, PL", ROW_TPS, PL13, -1, NULL, 21.1, "tokens/s", 0.01, PLF13,
     CH_PL, NULL},
    {"Blog, r = 64", "LLaMA-30B, PL", ROW_TPS, PL30, -1, NULL, 13.2, "tokens/s", 0.015, PLF30,
     CH_PL, "1.5 %: under this reading the paper's 7B and 13B speeds agree with the simulation "
     "to 0.1 ms per token, its 30B speed carries ~0.8 ms more (its LM-head term was measured on "
     "the phone, a measurement plsim does not have)"},
    {"Blog, r = 64", "LLaMA 2-7B, PL / A100", ROW_PERCENT, PL7, CL7, NULL, 74.9, "%", 0.01, -1,
     CH_PL, "the A100 speed is the calibrated cloud-only run (37.1)"},
    {"Blog, r = 64", "LLaMA 2-13B, PL / A100", ROW_PERCENT, PL13, CL13, NULL, 75.9, "%", 0.01, -1,
     CH_PL, NULL},
    {"Blog, r = 64", "LLaMA-30B, PL / A100", ROW_PERCENT, PL30, CL30, NULL, 79.0, "%", 0.015, -1,
     CH_PL, "1.5 %, as the 30B speed row"},
    // the abstract's claims
    {"Abstract", "over 95 % less communication (r = 64, 16-bit)", ROW_COMM, 64, -1, "llama2-7b",
     95.0, "%", 0.0, -1, "per-layer activations, q,k,v stacked, vs the naive split (d each way)",
     "a claim: the simulated value must reach the paper's"},
    {"Abstract", "over 300 % of device-only, 7B", ROW_AT_LEAST, PL7, DEV7, NULL, 300.0, "%", 0.0,
     -1, CH_PL, "against Table 3's 8.1 tokens/s device speed; against the blog's 5.7 it is ~486 %"},
    {"Abstract", "over 80 % of an A100, 33B", ROW_AT_LEAST, PL30R32, CL30, NULL, 80.0, "%", 0.0,
     -1, "as PL rows, at r = 32",
     "holds at r = 32; at the blog's r = 64 the simulation gives 79.7 % and Table 3 77.2 %, so "
     "the claim matches no quoted r = 64 number"},
    // the resource table (MB = 1e6 bytes)
    {"Resources", "7B, 16 (PL) edge memory", ROW_MEM_PL, 16, -1, "llama2-7b", 265.3, "MB", 0.005,
     -1, "LM head + M at 16 bits, r = 128 (embedding table not counted)", NULL},
    {"Resources", "13B, 16 (PL) edge memory", ROW_MEM_PL, 16, -1, "llama2-13b", 331.6, "MB", 0.005,
     -1, "as 7B", NULL},
    {"Resources", "30B, 16 (PL) edge memory", ROW_MEM_PL, 16, -1, "llama-30b", 431.9, "MB", 0.005,
     -1, "as 7B", NULL},
    {"Resources", "7B, 16 (PL) edge GFLOPs", ROW_FLOPS_PL, 16, -1, "llama2-7b", 0.27, "GFLOPs",
     0.005, -1, "2 per LM head and M weight", "printed to two decimals: +-0.005 absolute"},
    {"Resources", "13B, 16 (PL) edge GFLOPs", ROW_FLOPS_PL, 16, -1, "llama2-13b", 0.33, "GFLOPs",
     0.005, -1, "as 7B", "+-0.005 absolute"},
    {"Resources", "30B, 16 (PL) edge GFLOPs", ROW_FLOPS_PL, 16, -1, "llama-30b", 0.43, "GFLOPs",
     0.005, -1, "as 7B", "+-0.005 absolute"},
    {"Resources", "7B, 4-bit memory", ROW_MEM_FULL, 4, -1, "llama2-7b", 3303.5, "MB", 0.005, -1,
     "attention + MLP + LM head, no norms, no embedding table", NULL},
    {"Resources", "13B, 4-bit memory", ROW_MEM_FULL, 4, -1, "llama2-13b", 6425.8, "MB", 0.005, -1,
     "as 7B", NULL},
    {"Resources", "30B, 4-bit memory", ROW_MEM_FULL, 4, -1, "llama-30b", 16157.7, "MB", 0.005, -1,
     "as 7B", NULL},
    {"Resources", "7B, 3-bit memory", ROW_MEM_FULL, 3, -1, "llama2-7b", 2477.7, "MB", 0.005, -1,
     "as 4-bit", NULL},
    {"Resources", "13B, 3-bit memory", ROW_MEM_FULL, 3, -1, "llama2-13b", 4819.4, "MB", 0.005, -1,
     "as 4-bit", NULL},
    {"Resources", "30B, 3-bit memory", ROW_MEM_FULL, 3, -1, "llama-30b", 12118.2, "MB", 0.005, -1,
     "as 4-bit", NULL},
    {"Resources", "7B, GFLOPs per token", ROW_FLOPS_FULL, 4, -1, "llama2-7b", 13.2, "GFLOPs", 0.005,
     -1, "2 per counted weight", NULL},
    {"Resources", "13B, GFLOPs per token", ROW_FLOPS_FULL, 4, -1, "llama2-13b", 25.7, "GFLOPs",
     0.005, -1, "as 7B", NULL},
    {"Resources", "30B, GFLOPs per token", ROW_FLOPS_FULL, 4, -1, "llama-30b", 64.6, "GFLOPs",
     0.005, -1, "as 7B", NULL},
};

#define N_ROWS ((int)(sizeof rows / sizeof rows[0]))

/* The realistic-5G table: model, then PL / cloud / LoRA^S / LoRA^P sims. */
static const struct {
    const char *model;
    int pl, paper_pl, cloud, lora_s, lora_p;
} us_rows[] = {
    {"LLaMA 2-7B", US_PL7, PLF7, US_CL7, US_LS7, US_LP7},
    {"LLaMA 2-13B", US_PL13, PLF13, US_CL13, -1, -1},
    {"LLaMA-30B", US_PL30, PLF30, US_CL30, -1, -1},
};

// ---- evaluation ----

struct outcome {
    double sim;   /* simulated value */
    double alt;   /* alternative simulation, or NaN */
    double err;   /* relative error (sim - paper) / paper */
    int checked;
    int pass;
};

static double resource_value(const struct row *r)
{
    struct ref_config c;
    struct sim_err err;
    SIM_ASSERT(mdl_llm_load(r->model, &c, &err) == SIM_OK, "%s", err.msg);
    struct ref_paper_counting pc; // rank 128, as the table; r->a holds the bits
    SIM_ASSERT(ref_paper_counting(&c, 128, (double)r->a, &pc, &err) == SIM_OK, "%s", err.msg);
    switch (r->kind) {
    case ROW_MEM_PL: return pc.pl_edge_bytes / 1e6;
    case ROW_FLOPS_PL: return pc.pl_edge_flops / 1e9;
    case ROW_MEM_FULL: return pc.full_bytes / 1e6;
    case ROW_FLOPS_FULL: return pc.full_flops / 1e9;
    case ROW_TPS: case ROW_PERCENT: case ROW_AT_LEAST: case ROW_COMM: break;
    }
    return NAN;
}

/* Per-layer communication reduction of PrivateLoRA vs the naive split, %. */
static double comm_reduction_value(const struct row *r)
{
    struct ref_config c;
    struct sim_err err;
    SIM_ASSERT(mdl_llm_load(r->model, &c, &err) == SIM_OK, "%s", err.msg);
    double layer[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        struct ref_plan_opts o;
        ref_plan_opts_default(&o);
        o.mode = k == 0 ? REF_MODE_PRIVATELORA : REF_MODE_NAIVE_SPLIT;
        o.rank_c2d = o.rank_d2c = r->a;
        struct ref_plan *p = NULL;
        SIM_ASSERT(ref_plan_build(&c, &o, &p, &err) == SIM_OK, "%s", err.msg);
        for (int i = 0; i < p->n_stages; i++)
            if (p->stages[i].kind == REF_STAGE_MESSAGE && p->stages[i].layer >= 0)
                layer[k] += (double)p->stages[i].msg_bytes;
        ref_plan_destroy(p);
    }
    return 100.0 * (1.0 - layer[0] / layer[1]);
}

static void evaluate(const struct row *r, const struct sim_summary *res, struct outcome *o)
{
    o->alt = r->alt >= 0 ? res[r->alt].decode_tps : NAN;
    switch (r->kind) {
    case ROW_TPS: o->sim = res[r->a].decode_tps; break;
    case ROW_PERCENT:
    case ROW_AT_LEAST: o->sim = 100.0 * res[r->a].decode_tps / res[r->b].decode_tps; break;
    case ROW_COMM: o->sim = comm_reduction_value(r); break;
    case ROW_MEM_PL: case ROW_FLOPS_PL: case ROW_MEM_FULL: case ROW_FLOPS_FULL:
        o->sim = resource_value(r);
        break;
    }
    o->err = (o->sim - r->paper) / r->paper;
    o->checked = !isnan(r->tol);
    if (r->kind == ROW_AT_LEAST || r->kind == ROW_COMM)
        o->pass = o->sim >= r->paper;
    else if (r->kind == ROW_FLOPS_PL)
        o->pass = fabs(o->sim - r->paper) <= r->tol + 1e-12;
    else
        o->pass = !o->checked || fabs(o->err) <= r->tol;
}

// ---- output ----

/* A value with as many digits as its size deserves. */
static const char *fmt(double v, char *buf, size_t cap)
{
    const double a = fabs(v);
    snprintf(buf, cap, a >= 1000 ? "%.1f" : a >= 10 ? "%.2f" : a >= 1 ? "%.3f" : "%.4f", v);
    return buf;
}

static const char *status(const struct outcome *o)
{
    return !o->checked ? "reported" : o->pass ? "ok" : "OUTSIDE";
}

static void tol_text(const struct row *r, char *buf, size_t cap)
{
    if (isnan(r->tol))
        snprintf(buf, cap, "not checked");
    else if (r->kind == ROW_AT_LEAST || r->kind == ROW_COMM)
        snprintf(buf, cap, ">= %g %s", r->paper, r->unit);
    else if (r->kind == ROW_FLOPS_PL)
        snprintf(buf, cap, "+-%g", r->tol);
    else
        snprintf(buf, cap, "%g %%", 100.0 * r->tol);
}

static void write_markdown(FILE *f, const struct outcome *out, const struct sim_summary *res,
                           int n_bad)
{
    fprintf(f, "# PrivateLoRA reproduced by plsim\n\n"
               "Generated by `plsim paper` from the paper presets only (`scenarios/paper-*.json`,"
               " `device-only.json`, `cloud-only.json`, `lora-*.json`). Speeds are decode "
               "tokens/s at batch 1 with a 128-token prompt. Every speed row uses one reading "
               "of the paper's estimate: additive timing, the communication term t counting the "
               "uplink only (the paper's \"time for forwarding one token\"), and the A100's "
               "measured speed standing for the decoder stack. The last column but one gives "
               "the value with downlink transfers timed too. No factor is fitted per row.\n\n"
               "Status: %s.\n",
            n_bad == 0 ? "every checked row is within its tolerance"
                       : "SOME ROWS ARE OUTSIDE THEIR TOLERANCE");
    const char *group = "";
    for (int i = 0; i < N_ROWS; i++) {
        const struct row *r = &rows[i];
        if (strcmp(group, r->group) != 0) {
            group = r->group;
            fprintf(f, "\n## %s\n\n| row | paper | simulated | error | tolerance | status | "
                       "downlink timed | accounting choice | note |\n"
                       "|---|---|---|---|---|---|---|---|---|\n", group);
        }
        char tol[64], alt[32] = "", v[32];
        tol_text(r, tol, sizeof tol);
        if (!isnan(out[i].alt))
            fmt(out[i].alt, alt, sizeof alt);
        fprintf(f, "| %s | %g %s | %s | %+.2f %% | %s | %s | %s | %s | %s |\n", r->label,
                r->paper, r->unit, fmt(out[i].sim, v, sizeof v), 100.0 * out[i].err, tol,
                status(&out[i]), alt, r->choice, r->note ? r->note : "");
    }
    fprintf(f, "\n## The same under realistic 5G\n\nUS 5G median (Ookla 1H 2024): 14.56 Mbps up, "
               "265.8 Mbps down, 47 ms RTT; every transfer and latency timed. PrivateLoRA makes "
               "one round trip per decoder layer.\n\n"
               "| model | PL, paper's 5G | PL, realistic 5G | cloud-only, realistic | LoRA^S, "
               "realistic | LoRA^P, realistic |\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < sizeof us_rows / sizeof us_rows[0]; i++) {
        char ls[32] = "-", lp[32] = "-";
        if (us_rows[i].lora_s >= 0)
            snprintf(ls, sizeof ls, "%.3f", res[us_rows[i].lora_s].decode_tps);
        if (us_rows[i].lora_p >= 0)
            snprintf(lp, sizeof lp, "%.3f", res[us_rows[i].lora_p].decode_tps);
        fprintf(f, "| %s | %.2f | %.3f | %.2f | %s | %s |\n", us_rows[i].model,
                res[us_rows[i].paper_pl].decode_tps, res[us_rows[i].pl].decode_tps,
                res[us_rows[i].cloud].decode_tps, ls, lp);
    }
    fprintf(f, "\nThe device-only speed does not depend on the link: %.2f tokens/s for 7B.\n",
            res[DEV7].decode_tps);
}

static char *json_text(const struct outcome *out, const struct sim_summary *res, int n_bad)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "all_within_tolerance", n_bad == 0);
    cJSON *arr = cJSON_AddArrayToObject(root, "rows");
    for (int i = 0; i < N_ROWS; i++) {
        const struct row *r = &rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "group", r->group);
        cJSON_AddStringToObject(o, "row", r->label);
        cJSON_AddStringToObject(o, "unit", r->unit);
        cJSON_AddNumberToObject(o, "paper", r->paper);
        cJSON_AddNumberToObject(o, "simulated", out[i].sim);
        cJSON_AddNumberToObject(o, "relative_error", out[i].err);
        if (isnan(r->tol))
            cJSON_AddNullToObject(o, "tolerance");
        else
            cJSON_AddNumberToObject(o, "tolerance", r->tol);
        cJSON_AddStringToObject(o, "status", status(&out[i]));
        if (!isnan(out[i].alt))
            cJSON_AddNumberToObject(o, "simulated_downlink_timed", out[i].alt);
        cJSON_AddStringToObject(o, "accounting_choice", r->choice);
        if (r->note)
            cJSON_AddStringToObject(o, "note", r->note);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *us = cJSON_AddArrayToObject(root, "realistic_5g");
    for (size_t i = 0; i < sizeof us_rows / sizeof us_rows[0]; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "model", us_rows[i].model);
        cJSON_AddNumberToObject(o, "pl_paper_5g_tps", res[us_rows[i].paper_pl].decode_tps);
        cJSON_AddNumberToObject(o, "pl_realistic_tps", res[us_rows[i].pl].decode_tps);
        cJSON_AddNumberToObject(o, "cloud_only_realistic_tps", res[us_rows[i].cloud].decode_tps);
        if (us_rows[i].lora_s >= 0)
            cJSON_AddNumberToObject(o, "lora_s_realistic_tps", res[us_rows[i].lora_s].decode_tps);
        if (us_rows[i].lora_p >= 0)
            cJSON_AddNumberToObject(o, "lora_p_realistic_tps", res[us_rows[i].lora_p].decode_tps);
        cJSON_AddItemToArray(us, o);
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    return s;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    struct sim_err err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (sim_afile_write_text(path, text, &err) != SIM_OK)
        cli_die("%s", err.msg);
}

int cli_cmd_paper(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"no-plots", no_argument, 0, 'n'},
                                         {0, 0, 0, 0}};
    const char *dir = "results/paper";
    int jobs = ana_default_jobs(), quiet = 0, plots = 1, c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': plots = 0; break;
        case 'o': dir = optarg; break;
        case 'j': jobs = (int)cli_parse_int("paper", "-j", optarg, 1, 256); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(paper_help, stdout); return CLI_EXIT_OK;
        default: cli_usage_error("paper", "unknown option");
        }
    }
    if (optind != argc)
        cli_usage_error("paper", "unexpected argument '%s'", argv[optind]);
    static struct mdl_input in[N_SIMS];
    struct sim_err err;
    for (int i = 0; i < N_SIMS; i++) {
        char path[4200];
        int n = 0;
        while (n < MAX_OV && sims[i].ov[n] != NULL)
            n++;
        snprintf(path, sizeof path, "%s/%s", scn_presets_dir(), sims[i].preset);
        scn_scenario_t *s = NULL;
        if (scn_scenario_load_with(path, sims[i].ov, n, &s, &err) != SIM_OK)
            cli_die("%s", err.msg);
        in[i] = *scn_scenario_input(s);
        scn_scenario_destroy(s);
    }
    struct sim_summary res[N_SIMS];
    int64_t failed = -1;
    if (cli_simulate_all(in, N_SIMS, jobs, "paper", quiet, res, &failed, &err) != SIM_OK)
        cli_die("%s (%s)", err.msg, sims[failed].preset);
    struct outcome out[N_ROWS];
    int n_bad = 0;
    for (int i = 0; i < N_ROWS; i++) {
        evaluate(&rows[i], res, &out[i]);
        n_bad += out[i].checked && !out[i].pass;
    }
    if (mkdir(dir, 0777) != 0 && access(dir, W_OK) != 0)
        cli_die("%s: cannot create the output directory", dir);
    char *md = NULL;
    size_t md_len = 0;
    FILE *mf = open_memstream(&md, &md_len);
    write_markdown(mf, out, res, n_bad);
    fclose(mf);
    char *js = json_text(out, res, n_bad);
    write_file(dir, "tables.md", md);
    write_file(dir, "tables.json", js);
    if (!quiet)
        fputs(md, stdout);
    free(md);
    cJSON_free(js);
    if (plots) {
        char pdir[4200];
        snprintf(pdir, sizeof pdir, "%s/plots", dir);
        if (cli_plots_make(pdir, jobs, quiet, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    if (n_bad > 0)
        fprintf(stderr, "plsim paper: %d row(s) outside their tolerance\n", n_bad);
    return n_bad > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
