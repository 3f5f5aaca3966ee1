/*
 * analysis/paper: the paper's tables reproduced from its stated
 * assumptions (the paper presets). Each row has the paper's value, the
 * simulated value, the relative error, its tolerance and the accounting
 * choice that produced it; the same speeds under realistic 5G beside.
 *
 * One accounting reading serves every speed row, never a factor per row:
 * the paper's additive estimate, in which the communication term t is
 * "the time for forwarding one token", i.e. the uplink only
 * (accounting.downlink = ignored), and the A100 measurements stand for
 * the decoder stack (TPS_C^Decoder, the catalog's scope). Rows whose
 * paper value cannot be reached under it say why. Prose numbers come
 * from the resolved inputs and the results, never typed in.
 *
 * Use: ana_paper_inputs resolves the simulations; run them (analysis/
 * batch); ana_paper_evaluate checks every row; ana_paper_markdown and
 * ana_paper_json write the report.
 */
#ifndef ANALYSIS_PAPER_H
#define ANALYSIS_PAPER_H

#include "models/input.h"
#include "sim/result.h"
#include "util/status.h"

/* The simulations the rows need. */
enum ana_paper_sim {
    ANA_PL7, ANA_PL13, ANA_PL30,         /* PL, r = 64, paper reading */
    ANA_PLF7, ANA_PLF13, ANA_PLF30,      /* PL, r = 64, downlink counted */
    ANA_CL7, ANA_CL13, ANA_CL30,         /* cloud-only */
    ANA_DEV7,                            /* device-only, 4-bit phone */
    ANA_LS7, ANA_LS13, ANA_LS30,         /* LoRA^S */
    ANA_LP7, ANA_LP13, ANA_LP30,         /* LoRA^P */
    ANA_PL30R32,                         /* PL 30B at r = 32 */
    ANA_US_PL7, ANA_US_PL13, ANA_US_PL30, /* the same under realistic 5G */
    ANA_US_CL7, ANA_US_CL13, ANA_US_CL30,
    ANA_US_LS7, ANA_US_LP7,
    ANA_PAPER_N_SIMS
};

enum ana_row_kind {
    ANA_ROW_TPS,      /* decode tokens/s of sim a */
    ANA_ROW_PERCENT,  /* 100 x tps(a) / tps(b) */
    ANA_ROW_AT_LEAST, /* a claim: 100 x tps(a) / tps(b) must reach paper */
    ANA_ROW_COMM,     /* a claim: per-layer reduction of PL vs naive, % */
    ANA_ROW_MEM_PL, ANA_ROW_FLOPS_PL, ANA_ROW_MEM_FULL, ANA_ROW_FLOPS_FULL, /* resources */
};

/* One row of the report. */
struct ana_paper_row {
    const char *group;
    const char *label;
    enum ana_row_kind kind;
    int a, b;          /* simulations; for resource rows a is the bit width, comm the rank */
    const char *model; /* resource and comm rows */
    double paper;      /* the paper's value */
    const char *unit;
    double tol;        /* relative tolerance; NAN: reported, not checked; for
                          resource GFLOPs rows an absolute tolerance */
    int alt;           /* alternative simulation shown beside, or -1 */
    const char *choice;
    const char *note;
};

/* How a row came out. */
struct ana_outcome {
    double sim;   /* simulated value */
    double alt;   /* alternative simulation, or NaN */
    double err;   /* relative error (sim - paper) / paper */
    int checked;  /* 0: reported only */
    int pass;
};

/* The rows, and their count. */
const struct ana_paper_row *ana_paper_rows(int *n);

/* Resolves the simulations' inputs from the presets in presets_dir into
 * in[ANA_PAPER_N_SIMS]; SIM_EINVAL (err names the preset) if one fails. */
enum sim_status ana_paper_inputs(const char *presets_dir, struct mdl_input *in,
                                 struct sim_err *err);

/* Evaluates one row against the summaries res[ANA_PAPER_N_SIMS]. */
enum sim_status ana_paper_evaluate_row(const struct ana_paper_row *r,
                                       const struct sim_summary *res, struct ana_outcome *o,
                                       struct sim_err *err);

/* Evaluates every row into out (ana_paper_rows' count); *n_bad gets the
 * checked rows outside their tolerance. */
enum sim_status ana_paper_evaluate(const struct sim_summary *res, struct ana_outcome *out,
                                   int *n_bad, struct sim_err *err);

/* The report as Markdown and as JSON; the caller frees with free(). in
 * and res are the simulations' inputs and summaries. */
char *ana_paper_markdown(const struct mdl_input *in, const struct sim_summary *res,
                         const struct ana_outcome *out, int n_bad);
char *ana_paper_json(const struct mdl_input *in, const struct sim_summary *res,
                     const struct ana_outcome *out, int n_bad);

#endif
