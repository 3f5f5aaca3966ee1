/*
 * cli/cmd_accounting: `plsim comm` and `plsim resources`, the accounting
 * plan summed per token and per component, as tables or JSON.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "models/llm.h"
#include "reference/accounting.h"

/* Options common to both commands. */
struct acct_args {
    const char *model;
    int64_t rank;          /* r_c2d */
    int64_t rank_d2c;      /* r_d2c; equals rank unless --rank-d2c */
    int64_t bits;          /* transfer bits (comm) or weight bits (resources) */
    int64_t adapter_bits;  /* resources only */
    int64_t prompt_tokens; /* comm: prefill length */
    int64_t first_k;       /* layers on device for privatelora-first-k */
    int json;
    int table;             /* comm: --reduction-table */
    int naive_up_qkv;      /* comm: --naive-up qkv */
    const char *out;       /* comm: -o FILE for the table */
};

static void acct_parse(const char *cmd, const char *help, int argc, char **argv,
                       struct acct_args *a)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},        {"rank", required_argument, 0, 'r'},
        {"transfer-bits", required_argument, 0, 't'}, {"weight-bits", required_argument, 0, 'w'},
        {"adapter-bits", required_argument, 0, 'a'}, {"prompt-tokens", required_argument, 0, 'p'},
        {"first-k", required_argument, 0, 'k'},      {"json", no_argument, 0, 'j'},
        {"rank-d2c", required_argument, 0, 'D'},     {"help", no_argument, 0, 'h'},
        {"reduction-table", no_argument, 0, 'T'},   {"naive-up", required_argument, 0, 'N'},
        {0, 0, 0, 0},
    };
    const int is_comm = strcmp(cmd, "comm") == 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'T':
            if (!is_comm)
                cli_usage_error(cmd, "--reduction-table belongs to plsim comm");
            a->table = 1;
            break;
        case 'o': a->out = optarg; break;
        case 'N':
            if (!is_comm)
                cli_usage_error(cmd, "--naive-up belongs to plsim comm");
            if (strcmp(optarg, "qkv") != 0 && strcmp(optarg, "d") != 0)
                cli_usage_error(cmd, "--naive-up: expected d or qkv, found '%s'", optarg);
            a->naive_up_qkv = strcmp(optarg, "qkv") == 0;
            break;
        case 'm': a->model = optarg; break;
        case 'r': a->rank = cli_parse_int(cmd, "--rank", optarg, 0, INT32_MAX); break;
        case 'D': a->rank_d2c = cli_parse_int(cmd, "--rank-d2c", optarg, 1, INT32_MAX); break;
        case 't':
            if (!is_comm)
                cli_usage_error(cmd, "--transfer-bits belongs to plsim comm");
            a->bits = cli_parse_int(cmd, "--transfer-bits", optarg, 8, 32);
            if (a->bits != 8 && a->bits != 16 && a->bits != 32)
                cli_usage_error(cmd, "--transfer-bits: expected 8, 16 or 32");
            break;
        case 'w':
            if (is_comm)
                cli_usage_error(cmd, "--weight-bits belongs to plsim resources");
            a->bits = cli_parse_int(cmd, "--weight-bits", optarg, 1, 32);
            break;
        case 'a': a->adapter_bits = cli_parse_int(cmd, "--adapter-bits", optarg, 1, 32); break;
        case 'p': a->prompt_tokens = cli_parse_int(cmd, "--prompt-tokens", optarg, 1, INT32_MAX); break;
        case 'k': a->first_k = cli_parse_int(cmd, "--first-k", optarg, 0, REF_MAX_LAYERS); break;
        case 'j': a->json = 1; break;
        case 'h': fputs(help, stdout); exit(CLI_EXIT_OK);
        default: cli_usage_error(cmd, "unknown option");
        }
    }
    if (optind < argc)
        cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a->table)
        return;
    if (a->model == NULL || a->rank < 0)
        cli_usage_error(cmd, "--model NAME and --rank R are required");
    if (a->rank_d2c < 0)
        a->rank_d2c = a->rank;
    if ((a->rank == 0) != (a->rank_d2c == 0))
        cli_usage_error(cmd, "--rank 0 (no adapter) cannot take --rank-d2c");
}

static void load_model(const char *cmd, const struct acct_args *a,
                       struct ref_config *cfg)
{
    struct sim_err err;
    if (mdl_llm_load(a->model, cfg, &err) != SIM_OK)
        cli_usage_error(cmd, "%s", err.msg);
    if (a->rank > cfg->dim || a->rank_d2c > cfg->dim)
        cli_usage_error(cmd, "rank %" PRId64 " is larger than %s's width %" PRId64,
                        a->rank > a->rank_d2c ? a->rank : a->rank_d2c, a->model, cfg->dim);
    if (a->first_k > cfg->n_layers)
        cli_usage_error(cmd, "--first-k %" PRId64 " exceeds %s's %" PRId64 " layers",
                        a->first_k, a->model, cfg->n_layers);
}

// ---- comm ----

static const char comm_help[] =
    "Usage: plsim comm --model NAME --rank R [--rank-d2c R] [--transfer-bits 8|16|32]\n"
    "                  [--prompt-tokens N] [--first-k K] [--naive-up d|qkv] [--json]\n\n"
    "Bytes per token crossing the phone-cloud link for each mode, for a\n"
    "prefill of N prompt tokens (default 128) and one decode step after it,\n"
    "and PrivateLoRA's reduction against the naive split (LoRA on the\n"
    "device, d-wide activations crossing at every layer). 'layer' columns\n"
    "count only the per-layer activations, the basis of the paper's\n"
    "'4096 x 2 x 32 x 16' arithmetic; 'total' adds the embeddings going up\n"
    "and the final hidden state coming down. 16-bit is fp16, 8-bit is int8\n"
    "with one fp32 scale per row. The naive split's up message is d wide by\n"
    "default, the paper's counting basis; --naive-up qkv counts the d + 2kv\n"
    "wide q, k, v deltas a real split sends (what `plsim forward` measures).\n\n"
    "  --reduction-table [-o FILE]  every ratio of the CI baseline (models\n"
    "      llama2-7b, llama2-13b, llama-30b, llama2-70b; ranks 16..512; 16- and\n"
    "      8-bit; prefill of 128 tokens and decode), as JSON\n\n"
    "Example:\n  plsim comm --model llama2-7b --rank 64 --transfer-bits 16\n";

/* One mode and phase, per token. */
struct comm_row {
    enum ref_mode mode;
    enum ref_phase phase;
    double up, down;             /* bytes per token */
    double layer_up, layer_down; /* per-layer activation bytes per token */
};

static void comm_row_fill(const struct ref_config *cfg, const struct acct_args *a,
                          enum ref_mode mode, enum ref_phase phase,
                          struct comm_row *row)
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
    struct sim_err err;
    if (ref_plan_build(cfg, &o, &p, &err) != SIM_OK)
        cli_usage_error("comm", "%s", err.msg);
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
}

static double reduction(double x, double naive)
{
    return naive > 0.0 ? 1.0 - x / naive : NAN;
}

#define N_COMM_ROWS (2 * REF_MODE_COUNT)

static void comm_print_text(const struct ref_config *cfg, const struct acct_args *a,
                            const struct comm_row *rows)
{
    printf("%s: d=%" PRId64 " L=%" PRId64 " kv=%" PRId64 ", ranks r_c2d=%" PRId64
           " r_d2c=%" PRId64 ", %" PRId64 "-bit transfer, prompt %" PRId64
           " tokens, first-k %" PRId64 "\n\n",
           a->model, cfg->dim, cfg->n_layers, ref_config_kv_dim(cfg), a->rank, a->rank_d2c,
           a->bits,
           a->prompt_tokens, a->first_k);
    printf("%-8s %-20s %12s %12s %12s %12s %12s %12s\n", "phase", "mode",
           "up B/tok", "down B/tok", "total B/tok", "layer B/tok", "vs naive", "layer vs");
    for (int i = 0; i < N_COMM_ROWS; i++) {
        const struct comm_row *r = &rows[i];
        const struct comm_row *nv = &rows[(i / REF_MODE_COUNT) * REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
        printf("%-8s %-20s %12.1f %12.1f %12.1f %12.1f %11.2f%% %11.2f%%\n",
               ref_phase_name(r->phase), ref_mode_name(r->mode), r->up, r->down,
               r->up + r->down, r->layer_up + r->layer_down,
               100.0 * reduction(r->up + r->down, nv->up + nv->down),
               100.0 * reduction(r->layer_up + r->layer_down, nv->layer_up + nv->layer_down));
    }
    const struct comm_row *dn = &rows[REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
    const struct comm_row *dp = &rows[REF_MODE_COUNT + REF_MODE_PRIVATELORA];
    const double pl_bits = 8.0 * (dp->layer_up + dp->layer_down);
    printf("\nDecode, per token, per-layer activations only, in bits:\n");
    printf("  naive split, d x 2 x L x %" PRId64 " (the paper's baseline): %.0f bits\n",
           a->bits, 8.0 * (dn->layer_up + dn->layer_down));
    printf("  PrivateLoRA, q,k,v stacked, 3 x r x 2 x L x %" PRId64 ":       %.0f bits\n",
           a->bits, pl_bits);
    printf("  PrivateLoRA, one projection, r x 2 x L x %" PRId64
           " (the paper's '32.8 Kb' basis): %.0f bits\n", a->bits, pl_bits / 3.0);
    printf("Columns 'vs naive': reduction of PrivateLoRA-style traffic against the naive "
           "split of the same phase.\n");
}

static void comm_print_json(const struct ref_config *cfg, const struct acct_args *a,
                            const struct comm_row *rows)
{
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
    for (int i = 0; i < N_COMM_ROWS; i++) {
        const struct comm_row *r = &rows[i];
        const struct comm_row *nv = &rows[(i / REF_MODE_COUNT) * REF_MODE_COUNT + REF_MODE_NAIVE_SPLIT];
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
    char *s = cJSON_Print(root);
    puts(s);
    cJSON_free(s);
    cJSON_Delete(root);
}

/* The CI baseline: communication-reduction ratios over models, ranks,
 * transfer widths and phases. */
static int reduction_table(const struct acct_args *a)
{
    static const char *const models[] = {"llama2-7b", "llama2-13b", "llama-30b", "llama2-70b"};
    static const int64_t ranks[] = {16, 32, 64, 128, 256, 512};
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "description",
                            "1 - PrivateLoRA bytes / naive-split bytes per step, batch 1, all "
                            "layers adapted, embeddings and final hidden state included; "
                            "16-bit = fp16, 8-bit = int8 with an fp32 scale per row");
    cJSON_AddNumberToObject(root, "prompt_tokens", (double)a->prompt_tokens);
    cJSON *arr = cJSON_AddArrayToObject(root, "entries");
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        struct ref_config cfg;
        struct sim_err err;
        if (mdl_llm_load(models[m], &cfg, &err) != SIM_OK)
            cli_die("%s", err.msg);
        for (size_t r = 0; r < sizeof ranks / sizeof ranks[0]; r++)
            for (int bits = 16; bits >= 8; bits -= 8)
                for (int ph = 0; ph < 2; ph++) {
                    struct ref_reduction red;
                    const enum ref_phase phase = ph == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
                    if (ref_comm_reduction(&cfg, ranks[r], bits == 16 ? REF_DTYPE_FP16
                                                                      : REF_DTYPE_INT8,
                                           phase, a->prompt_tokens, &red, &err) != SIM_OK)
                        cli_die("%s", err.msg);
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
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (a->out == NULL) {
        puts(text);
    } else {
        struct sim_afile f;
        struct sim_err err;
        if (sim_afile_open(&f, a->out, &err) != SIM_OK)
            cli_die("%s", err.msg);
        fputs(text, f.f);
        fputc('\n', f.f);
        if (sim_afile_commit(&f, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    cJSON_free(text);
    return CLI_EXIT_OK;
}

int cli_cmd_comm(int argc, char **argv)
{
    struct acct_args a = {.rank = -1, .rank_d2c = -1, .bits = 16, .prompt_tokens = 128,
                          .first_k = 1};
    acct_parse("comm", comm_help, argc, argv, &a);
    if (a.table)
        return reduction_table(&a);
    struct ref_config cfg;
    load_model("comm", &a, &cfg);
    if (a.prompt_tokens >= cfg.seq_len)
        cli_usage_error("comm", "--prompt-tokens must be below seq_len %" PRId64, cfg.seq_len);
    struct comm_row rows[N_COMM_ROWS];
    for (int ph = 0; ph < 2; ph++)
        for (int m = 0; m < REF_MODE_COUNT; m++)
            comm_row_fill(&cfg, &a, (enum ref_mode)m,
                          ph == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE,
                          &rows[ph * REF_MODE_COUNT + m]);
    if (a.json)
        comm_print_json(&cfg, &a, rows);
    else
        comm_print_text(&cfg, &a, rows);
    return CLI_EXIT_OK;
}

// ---- resources ----

static const char resources_help[] =
    "Usage: plsim resources --model NAME --rank R [--rank-d2c R] [--weight-bits B]\n"
    "                       [--adapter-bits B] [--first-k K] [--json]\n\n"
    "Edge and cloud parameter memory (MB = 1e6 bytes) and per-token FLOPs\n"
    "(dense, 2 per weight, attention over the context excluded) for each\n"
    "mode, broken down by component, and the two countings that reproduce\n"
    "the paper's resource table:\n"
    "  PL edge   = LM head + M, at 16 bits (the embedding table not counted)\n"
    "  full model = attention + MLP weights + LM head (no norms, no embedding)\n"
    "Base weights use --weight-bits (default 16), adapters --adapter-bits (16).\n\n"
    "Example:\n  plsim resources --model llama2-7b --rank 128 --weight-bits 4\n";

static double side_sum(const double *v)
{
    double s = 0.0;
    for (int c = 0; c < REF_C_COUNT; c++)
        s += v[c];
    return s;
}

static void resources_for(const struct ref_config *cfg, const struct acct_args *a,
                          enum ref_mode mode, double weight_bits,
                          struct ref_resources *r)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = mode;
    o.rank_c2d = a->rank;
    o.rank_d2c = a->rank_d2c;
    o.first_k = a->first_k;
    o.weight_bits[REF_EDGE] = o.weight_bits[REF_CLOUD] = weight_bits;
    o.adapter_bits = (double)a->adapter_bits;
    struct sim_err err;
    if (ref_resources_compute(cfg, &o, r, &err) != SIM_OK)
        cli_usage_error("resources", "%s", err.msg);
}

/* The paper's counting for a's model and rank, at a's weight bits. */
static void paper_counting(const struct ref_config *cfg, const struct acct_args *a,
                           struct ref_paper_counting *pc)
{
    struct sim_err err;
    if (ref_paper_counting(cfg, a->rank, (double)a->bits, pc, &err) != SIM_OK)
        cli_usage_error("resources", "%s", err.msg);
}

static void resources_print_text(const struct ref_config *cfg, const struct acct_args *a)
{
    printf("%s: %" PRId64 "-bit base weights, %" PRId64 "-bit adapters, rank %" PRId64
           ", first-k %" PRId64 "\n\n", a->model, a->bits, a->adapter_bits, a->rank, a->first_k);
    printf("%-20s %14s %14s %16s %16s\n", "mode", "edge MB", "cloud MB", "edge GFLOP/tok",
           "cloud GFLOP/tok");
    struct ref_resources r[REF_MODE_COUNT];
    for (int m = 0; m < REF_MODE_COUNT; m++) {
        resources_for(cfg, a, (enum ref_mode)m, (double)a->bits, &r[m]);
        printf("%-20s %14.1f %14.1f %16.4f %16.4f\n", ref_mode_name((enum ref_mode)m),
               side_sum(r[m].memory_bytes[REF_EDGE]) / 1e6,
               side_sum(r[m].memory_bytes[REF_CLOUD]) / 1e6,
               side_sum(r[m].flops_per_token[REF_EDGE]) / 1e9,
               side_sum(r[m].flops_per_token[REF_CLOUD]) / 1e9);
    }
    printf("\nComponents under privatelora (params, MB, GFLOP per token):\n");
    printf("%-10s %6s %16s %12s %12s\n", "component", "side", "params", "MB", "GFLOP/tok");
    const struct ref_resources *pl = &r[REF_MODE_PRIVATELORA];
    for (int side = 0; side < 2; side++)
        for (int c = 0; c < REF_C_COUNT; c++)
            if (pl->params[side][c] > 0 || pl->flops_per_token[side][c] > 0)
                printf("%-10s %6s %16" PRId64 " %12.3f %12.5f\n",
                       ref_component_name((enum ref_component)c),
                       side == REF_EDGE ? "edge" : "cloud", pl->params[side][c],
                       pl->memory_bytes[side][c] / 1e6, pl->flops_per_token[side][c] / 1e9);
    struct ref_paper_counting pc;
    paper_counting(cfg, a, &pc);
    printf("\nThe paper's countings (resource table, MB = 1e6 bytes):\n");
    printf("  PL edge, LM head + M at 16 bits:                 %10.1f MB %8.3f GFLOP/tok\n",
           pc.pl_edge_bytes / 1e6, pc.pl_edge_flops / 1e9);
    printf("  full model, attn + MLP + LM head at %2" PRId64 " bits:     %10.1f MB %8.3f GFLOP/tok\n",
           a->bits, pc.full_bytes / 1e6, pc.full_flops / 1e9);
}

static void resources_print_json(const struct ref_config *cfg, const struct acct_args *a)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", a->model);
    cJSON_AddNumberToObject(root, "rank", (double)a->rank);
    cJSON_AddNumberToObject(root, "weight_bits", (double)a->bits);
    cJSON_AddNumberToObject(root, "adapter_bits", (double)a->adapter_bits);
    cJSON *modes = cJSON_AddArrayToObject(root, "modes");
    for (int m = 0; m < REF_MODE_COUNT; m++) {
        struct ref_resources r;
        resources_for(cfg, a, (enum ref_mode)m, (double)a->bits, &r);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "mode", ref_mode_name((enum ref_mode)m));
        for (int side = 0; side < 2; side++) {
            cJSON *s = cJSON_AddObjectToObject(o, side == REF_EDGE ? "edge" : "cloud");
            cJSON_AddNumberToObject(s, "memory_bytes", side_sum(r.memory_bytes[side]));
            cJSON_AddNumberToObject(s, "flops_per_token", side_sum(r.flops_per_token[side]));
            cJSON *comp = cJSON_AddObjectToObject(s, "components");
            for (int c = 0; c < REF_C_COUNT; c++) {
                cJSON *e = cJSON_AddObjectToObject(comp, ref_component_name((enum ref_component)c));
                cJSON_AddNumberToObject(e, "params", (double)r.params[side][c]);
                cJSON_AddNumberToObject(e, "memory_bytes", r.memory_bytes[side][c]);
                cJSON_AddNumberToObject(e, "flops_per_token", r.flops_per_token[side][c]);
            }
        }
        cJSON_AddItemToArray(modes, o);
    }
    struct ref_paper_counting pc;
    paper_counting(cfg, a, &pc);
    cJSON *p = cJSON_AddObjectToObject(root, "paper_counting");
    cJSON_AddNumberToObject(p, "pl_edge_memory_bytes", pc.pl_edge_bytes);
    cJSON_AddNumberToObject(p, "pl_edge_flops_per_token", pc.pl_edge_flops);
    cJSON_AddNumberToObject(p, "full_model_memory_bytes", pc.full_bytes);
    cJSON_AddNumberToObject(p, "full_model_flops_per_token", pc.full_flops);
    char *s = cJSON_Print(root);
    puts(s);
    cJSON_free(s);
    cJSON_Delete(root);
}

int cli_cmd_resources(int argc, char **argv)
{
    struct acct_args a = {.rank = -1, .rank_d2c = -1, .bits = 16, .adapter_bits = 16,
                          .first_k = 1};
    acct_parse("resources", resources_help, argc, argv, &a);
    struct ref_config cfg;
    load_model("resources", &a, &cfg);
    if (a.json)
        resources_print_json(&cfg, &a);
    else
        resources_print_text(&cfg, &a);
    return CLI_EXIT_OK;
}
