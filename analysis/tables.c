/*
 * analysis/tables: comm, reduction and resource tables. See tables.h.
 */
#include "analysis/tables.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "analysis/text.h"
#include "scenarios/catalog.h"

/* Loads the model and checks the ranks and first_k against it. */
static enum sim_status load_model(const struct ana_acct_opts *a, struct ref_config *cfg,
                                  struct sim_err *err)
{
    const enum sim_status st = scn_llm_load(a->model, cfg, err);
    if (st != SIM_OK)
        return st;
    if (a->rank > cfg->dim || a->rank_d2c > cfg->dim)
        return sim_err_set(err, SIM_EINVAL, "rank %" PRId64 " is larger than %s's width %"
                           PRId64, a->rank > a->rank_d2c ? a->rank : a->rank_d2c, a->model,
                           cfg->dim);
    if (a->first_k > cfg->n_layers)
        return sim_err_set(err, SIM_EINVAL, "first_k %" PRId64 " exceeds %s's %" PRId64
                           " layers", a->first_k, a->model, cfg->n_layers);
    return SIM_OK;
}

// ---- comm ----

static enum sim_status comm_row_fill(const struct ref_config *cfg, const struct ana_acct_opts *a,
                                     enum ref_mode mode, enum ref_phase phase,
                                     struct ana_comm_row *row, struct sim_err *err)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = mode;
    o.phase = phase;
    o.n_tokens = phase == REF_PHASE_PREFILL ? a->prompt_tokens : 1;
    o.pos = phase == REF_PHASE_PREFILL ? 0 : a->prompt_tokens;
    o.rank_c2d = a->rank;
    o.rank_d2c = a->rank_d2c;
    o.first_k = a->first_k;
    o.naive_up_qkv = a->naive_up_qkv;
    o.transfer = a->bits == 32 ? REF_DTYPE_FP32 : a->bits == 8 ? REF_DTYPE_INT8 : REF_DTYPE_FP16;
    struct ref_plan *p = NULL;
    const enum sim_status st = ref_plan_build(cfg, &o, &p, err);
    if (st != SIM_OK)
        return st;
    memset(row, 0, sizeof *row);
    row->mode = mode;
    row->phase = phase;
    const double n = (double)o.n_tokens;
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *s = &p->stages[i];
        if (s->kind != REF_STAGE_MESSAGE)
            continue;
        const double b = (double)s->msg_bytes / n;
        const int up = s->place == REF_LINK_UP;
        *(up ? &row->up : &row->down) += b;
        if (s->layer >= 0)
            *(up ? &row->layer_up : &row->layer_down) += b;
    }
    ref_plan_destroy(p);
    return SIM_OK;
}

enum sim_status ana_comm_rows(const struct ana_acct_opts *a, struct ana_comm_row *rows,
                              struct sim_err *err)
{
    struct ref_config cfg;
    enum sim_status st = load_model(a, &cfg, err);
    if (st == SIM_OK && a->prompt_tokens >= cfg.seq_len)
        st = sim_err_set(err, SIM_EINVAL, "the prompt must be shorter than seq_len %" PRId64,
                         cfg.seq_len);
    for (int ph = 0; ph < 2 && st == SIM_OK; ph++)
        for (int m = 0; m < REF_MODE_COUNT && st == SIM_OK; m++)
            st = comm_row_fill(&cfg, a, (enum ref_mode)m,
                               ph == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE,
                               &rows[ph * REF_MODE_COUNT + m], err);
    return st;
}

static double reduction(double x, double naive)
{
    return naive > 0.0 ? 1.0 - x / naive : NAN;
}

char *ana_comm_text(const struct ana_acct_opts *a, struct sim_err *err)
{
    struct ref_config cfg_v;
    const struct ref_config *cfg = &cfg_v;
    struct ana_comm_row rows[ANA_COMM_ROWS];
    if (load_model(a, &cfg_v, err) != SIM_OK || ana_comm_rows(a, rows, err) != SIM_OK)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    SIM_ASSERT(f != NULL, "out of memory for a table");
    fprintf(f, "%s: d=%" PRId64 " L=%" PRId64 " kv=%" PRId64 ", ranks r_c2d=%" PRId64
           " r_d2c=%" PRId64 ", %" PRId64 "-bit transfer, prompt %" PRId64
           " tokens, first-k %" PRId64 "\n\n",
           a->model, cfg->dim, cfg->n_layers, ref_config_kv_dim(cfg), a->rank, a->rank_d2c,
           a->bits,
           a->prompt_tokens, a->first_k);
    fprintf(f, "%-8s %-20s %12s %12s %12s %12s %12s %12s\n", "phase", "mode",
           "up B/tok", "down B/tok", "total B/tok", "layer B/tok", "vs naive", "layer vs");
    for (int i = 0; i < ANA_COMM_ROWS; i++) {
        const struct ana_comm_row *r = &rows[i];
        const struct ana_comm_row *nv = &rows[(i / REF_MODE_COUNT) * REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
        fprintf(f, "%-8s %-20s %12.1f %12.1f %12.1f %12.1f %11.2f%% %11.2f%%\n",
               ref_phase_name(r->phase), ref_mode_name(r->mode), r->up, r->down,
               r->up + r->down, r->layer_up + r->layer_down,
               100.0 * reduction(r->up + r->down, nv->up + nv->down),
               100.0 * reduction(r->layer_up + r->layer_down, nv->layer_up + nv->layer_down));
    }
    const struct ana_comm_row *dn = &rows[REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
    const struct ana_comm_row *dp = &rows[REF_MODE_COUNT + REF_MODE_PRIVATELORA];
    const double pl_bits = 8.0 * (dp->layer_up + dp->layer_down);
    fprintf(f, "\nDecode, per token, per-layer activations only, in bits:\n");
    fprintf(f, "  naive split, d x 2 x L x %" PRId64 " (the paper's baseline): %.0f bits\n",
           a->bits, 8.0 * (dn->layer_up + dn->layer_down));
    fprintf(f, "  PrivateLoRA, q,k,v stacked, 3 x r x 2 x L x %" PRId64 ":       %.0f bits\n",
           a->bits, pl_bits);
    fprintf(f, "  PrivateLoRA, one projection, r x 2 x L x %" PRId64
           " (the paper's '32.8 Kb' basis): %.0f bits\n", a->bits, pl_bits / 3.0);
    fprintf(f, "Columns 'vs naive': reduction of PrivateLoRA-style traffic against the naive "
           "split of the same phase.\n");
    fclose(f);
    return text;
}

char *ana_comm_json(const struct ana_acct_opts *a, struct sim_err *err)
{
    struct ref_config cfg_v;
    const struct ref_config *cfg = &cfg_v;
    struct ana_comm_row rows[ANA_COMM_ROWS];
    if (load_model(a, &cfg_v, err) != SIM_OK || ana_comm_rows(a, rows, err) != SIM_OK)
        return NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", a->model);
    cJSON_AddNumberToObject(root, "dim", (double)cfg->dim);
    cJSON_AddNumberToObject(root, "n_layers", (double)cfg->n_layers);
    cJSON_AddNumberToObject(root, "rank_c2d", (double)a->rank);
    cJSON_AddNumberToObject(root, "rank_d2c", (double)a->rank_d2c);
    cJSON_AddNumberToObject(root, "transfer_bits", (double)a->bits);
    cJSON_AddNumberToObject(root, "prompt_tokens", (double)a->prompt_tokens);
    cJSON_AddNumberToObject(root, "first_k", (double)a->first_k);
    cJSON_AddStringToObject(root, "naive_up", a->naive_up_qkv ? "qkv" : "d");
    cJSON *arr = cJSON_AddArrayToObject(root, "rows");
    for (int i = 0; i < ANA_COMM_ROWS; i++) {
        const struct ana_comm_row *r = &rows[i];
        const struct ana_comm_row *nv = &rows[(i / REF_MODE_COUNT) * REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "phase", ref_phase_name(r->phase));
        cJSON_AddStringToObject(o, "mode", ref_mode_name(r->mode));
        cJSON_AddNumberToObject(o, "bytes_up_per_token", r->up);
        cJSON_AddNumberToObject(o, "bytes_down_per_token", r->down);
        cJSON_AddNumberToObject(o, "layer_bytes_up_per_token", r->layer_up);
        cJSON_AddNumberToObject(o, "layer_bytes_down_per_token", r->layer_down);
        cJSON_AddNumberToObject(o, "reduction_vs_naive_up", reduction(r->up, nv->up));
        cJSON_AddNumberToObject(o, "reduction_vs_naive_down", reduction(r->down, nv->down));
        cJSON_AddNumberToObject(o, "reduction_vs_naive_total",
                                reduction(r->up + r->down, nv->up + nv->down));
        cJSON_AddItemToArray(arr, o);
    }
    return ana_json_take(root);
}

// ---- the reduction baseline ----

/* The CI baseline: communication-reduction ratios over models, ranks,
 * transfer widths and phases. */
char *ana_reduction_table_json(int64_t prompt_tokens, struct sim_err *err)
{
    static const char *const models[] = {"llama2-7b", "llama2-13b", "llama-30b", "llama2-70b"};
    static const int64_t ranks[] = {16, 32, 64, 128, 256, 512};
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "description",
                            "1 - PrivateLoRA bytes / naive-split bytes per step, batch 1, all "
                            "layers adapted, embeddings and final hidden state included; "
                            "16-bit = fp16, 8-bit = int8 with an fp32 scale per row");
    cJSON_AddNumberToObject(root, "prompt_tokens", (double)prompt_tokens);
    cJSON *arr = cJSON_AddArrayToObject(root, "entries");
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        struct ref_config cfg;
        if (scn_llm_load(models[m], &cfg, err) != SIM_OK) {
            cJSON_Delete(root);
            return NULL;
        }
        for (size_t r = 0; r < sizeof ranks / sizeof ranks[0]; r++)
            for (int bits = 16; bits >= 8; bits -= 8)
                for (int ph = 0; ph < 2; ph++) {
                    struct ref_reduction red;
                    const enum ref_phase phase = ph == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
                    if (ref_comm_reduction(&cfg, ranks[r], bits == 16 ? REF_DTYPE_FP16
                                                                      : REF_DTYPE_INT8,
                                           phase, prompt_tokens, &red, err) != SIM_OK) {
                        cJSON_Delete(root);
                        return NULL;
                    }
                    cJSON *e = cJSON_CreateObject();
                    cJSON_AddStringToObject(e, "model", models[m]);
                    cJSON_AddNumberToObject(e, "rank", (double)ranks[r]);
                    cJSON_AddNumberToObject(e, "transfer_bits", bits);
                    cJSON_AddStringToObject(e, "phase", ref_phase_name(phase));
                    cJSON_AddNumberToObject(e, "reduction_up", red.up);
                    cJSON_AddNumberToObject(e, "reduction_down", red.down);
                    cJSON_AddNumberToObject(e, "reduction_total", red.total);
                    cJSON_AddItemToArray(arr, e);
                }
    }
    return ana_json_take(root);
}

// ---- resources ----

static double side_sum(const double *v)
{
    double s = 0.0;
    for (int c = 0; c < REF_C_COUNT; c++)
        s += v[c];
    return s;
}

/* Everything the resource tables show. */
struct resources {
    struct ref_resources mode[REF_MODE_COUNT];
    struct ref_paper_counting paper;
};

static enum sim_status resources_all(const struct ana_acct_opts *a, struct resources *out,
                                     struct sim_err *err)
{
    struct ref_config cfg;
    enum sim_status st = load_model(a, &cfg, err);
    for (int m = 0; m < REF_MODE_COUNT && st == SIM_OK; m++) {
        struct ref_plan_opts o;
        ref_plan_opts_default(&o);
        o.mode = (enum ref_mode)m;
        o.rank_c2d = a->rank;
        o.rank_d2c = a->rank_d2c;
        o.first_k = a->first_k;
        o.weight_bits[REF_EDGE] = o.weight_bits[REF_CLOUD] = (double)a->bits;
        o.adapter_bits = (double)a->adapter_bits;
        st = ref_resources_compute(&cfg, &o, &out->mode[m], err);
    }
    if (st == SIM_OK)
        st = ref_paper_counting(&cfg, a->rank, (double)a->bits, &out->paper, err);
    return st;
}

char *ana_resources_text(const struct ana_acct_opts *a, struct sim_err *err)
{
    struct resources *all = sim_xcalloc(1, sizeof *all);
    if (resources_all(a, all, err) != SIM_OK) {
        free(all);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    SIM_ASSERT(f != NULL, "out of memory for a table");
    fprintf(f, "%s: %" PRId64 "-bit base weights, %" PRId64 "-bit adapters, rank %" PRId64
            ", first-k %" PRId64 "\n\n", a->model, a->bits, a->adapter_bits, a->rank, a->first_k);
    fprintf(f, "%-20s %14s %14s %16s %16s\n", "mode", "edge MB", "cloud MB", "edge GFLOP/tok",
            "cloud GFLOP/tok");
    for (int m = 0; m < REF_MODE_COUNT; m++) {
        const struct ref_resources *r = &all->mode[m];
        fprintf(f, "%-20s %14.1f %14.1f %16.4f %16.4f\n", ref_mode_name((enum ref_mode)m),
                side_sum(r->memory_bytes[REF_EDGE]) / 1e6,
                side_sum(r->memory_bytes[REF_CLOUD]) / 1e6,
                side_sum(r->flop_per_token[REF_EDGE]) / 1e9,
                side_sum(r->flop_per_token[REF_CLOUD]) / 1e9);
    }
    fprintf(f, "\nComponents under privatelora (params, MB, GFLOP per token):\n");
    fprintf(f, "%-10s %6s %16s %12s %12s\n", "component", "side", "params", "MB", "GFLOP/tok");
    const struct ref_resources *pl = &all->mode[REF_MODE_PRIVATELORA];
    for (int side = 0; side < 2; side++)
        for (int c = 0; c < REF_C_COUNT; c++)
            if (pl->params[side][c] > 0 || pl->flop_per_token[side][c] > 0)
                fprintf(f, "%-10s %6s %16" PRId64 " %12.3f %12.5f\n",
                        ref_component_name((enum ref_component)c),
                        side == REF_EDGE ? "edge" : "cloud", pl->params[side][c],
                        pl->memory_bytes[side][c] / 1e6, pl->flop_per_token[side][c] / 1e9);
    const struct ref_paper_counting *pc = &all->paper;
    fprintf(f, "\nThe paper's countings (resource table, MB = 1e6 bytes):\n");
    fprintf(f, "  PL edge, LM head + M at 16 bits:                 %10.1f MB %8.3f GFLOP/tok\n",
            pc->pl_edge_bytes / 1e6, pc->pl_edge_flop / 1e9);
    fprintf(f, "  full model, attn + MLP + LM head at %2" PRId64
            " bits:     %10.1f MB %8.3f GFLOP/tok\n", a->bits, pc->full_bytes / 1e6,
            pc->full_flop / 1e9);
    fclose(f);
    free(all);
    return text;
}

char *ana_resources_json(const struct ana_acct_opts *a, struct sim_err *err)
{
    struct resources *all = sim_xcalloc(1, sizeof *all);
    if (resources_all(a, all, err) != SIM_OK) {
        free(all);
        return NULL;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", a->model);
    cJSON_AddNumberToObject(root, "rank", (double)a->rank);
    cJSON_AddNumberToObject(root, "weight_bits", (double)a->bits);
    cJSON_AddNumberToObject(root, "adapter_bits", (double)a->adapter_bits);
    cJSON *modes = cJSON_AddArrayToObject(root, "modes");
    for (int m = 0; m < REF_MODE_COUNT; m++) {
        const struct ref_resources *r = &all->mode[m];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "mode", ref_mode_name((enum ref_mode)m));
        for (int side = 0; side < 2; side++) {
            cJSON *s = cJSON_AddObjectToObject(o, side == REF_EDGE ? "edge" : "cloud");
            cJSON_AddNumberToObject(s, "memory_bytes", side_sum(r->memory_bytes[side]));
            cJSON_AddNumberToObject(s, "flops_per_token", side_sum(r->flop_per_token[side]));
            cJSON *comp = cJSON_AddObjectToObject(s, "components");
            for (int c = 0; c < REF_C_COUNT; c++) {
                cJSON *e = cJSON_AddObjectToObject(comp, ref_component_name((enum ref_component)c));
                cJSON_AddNumberToObject(e, "params", (double)r->params[side][c]);
                cJSON_AddNumberToObject(e, "memory_bytes", r->memory_bytes[side][c]);
                cJSON_AddNumberToObject(e, "flops_per_token", r->flop_per_token[side][c]);
            }
        }
        cJSON_AddItemToArray(modes, o);
    }
    const struct ref_paper_counting *pc = &all->paper;
    cJSON *p = cJSON_AddObjectToObject(root, "paper_counting");
    cJSON_AddNumberToObject(p, "pl_edge_memory_bytes", pc->pl_edge_bytes);
    cJSON_AddNumberToObject(p, "pl_edge_flops_per_token", pc->pl_edge_flop);
    cJSON_AddNumberToObject(p, "full_model_memory_bytes", pc->full_bytes);
    cJSON_AddNumberToObject(p, "full_model_flops_per_token", pc->full_flop);
    free(all);
    return ana_json_take(root);
}
