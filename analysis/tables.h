/*
 * analysis/tables: the accounting plan summed into tables: bytes per
 * token crossing the link for every mode (`plsim comm`), the
 * communication-reduction baseline (results/comm_reduction.json), and
 * memory and FLOPs per component and side (`plsim resources`), as text
 * or JSON. Everything here is arithmetic on plans; nothing is simulated.
 */
#ifndef ANALYSIS_TABLES_H
#define ANALYSIS_TABLES_H

#include <stdint.h>

#include "reference/accounting.h"
#include "util/status.h"

/* What the tables are computed for. */
struct ana_acct_opts {
    const char *model;     /* LLM catalog name */
    int64_t rank;          /* r_c2d */
    int64_t rank_d2c;      /* r_d2c */
    int64_t bits;          /* transfer bits (comm: 8, 16, 32) or weight bits (resources) */
    int64_t adapter_bits;  /* resources: bits per adapter weight */
    int64_t prompt_tokens; /* comm: the prefill's length */
    int64_t first_k;       /* layers on the device for privatelora-first-k */
    int naive_up_qkv;      /* comm: 1 = the naive split's d + 2kv wide up message */
};

/* One mode and phase, per token. */
struct ana_comm_row {
    enum ref_mode mode;
    enum ref_phase phase;
    double up, down;             /* bytes per token */
    double layer_up, layer_down; /* per-layer activation bytes per token */
};

#define ANA_COMM_ROWS (2 * REF_MODE_COUNT) /* prefill rows, then decode rows */

/* The bytes per token of every mode, prefill of prompt_tokens and one
 * decode step after it. SIM_EINVAL (err says why) for options no plan
 * can take. */
enum sim_status ana_comm_rows(const struct ana_acct_opts *o, struct ana_comm_row *rows,
                              struct sim_err *err);

/* The comm table as text or JSON (caller frees with free()); NULL and
 * err on bad options. */
char *ana_comm_text(const struct ana_acct_opts *o, struct sim_err *err);
char *ana_comm_json(const struct ana_acct_opts *o, struct sim_err *err);

/* The CI baseline of communication-reduction ratios over models, ranks,
 * transfer widths and phases, as JSON (caller frees with free()). */
char *ana_reduction_table_json(int64_t prompt_tokens, struct sim_err *err);

/* Memory and per-token FLOPs of every mode by side and component, and
 * the paper's resource countings, as text or JSON (caller frees). */
char *ana_resources_text(const struct ana_acct_opts *o, struct sim_err *err);
char *ana_resources_json(const struct ana_acct_opts *o, struct sim_err *err);

#endif
