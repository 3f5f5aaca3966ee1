/*
 * cli/cmd_accounting: `plsim comm` and `plsim resources`: options in,
 * the tables of analysis/tables out.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/tables.h"
#include "cli/cli.h"
#include "util/afile.h"

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

static struct ana_acct_opts acct_opts(const struct acct_args *a)
{
    return (struct ana_acct_opts){.model = a->model, .rank = a->rank, .rank_d2c = a->rank_d2c,
                                  .bits = a->bits, .adapter_bits = a->adapter_bits,
                                  .prompt_tokens = a->prompt_tokens, .first_k = a->first_k,
                                  .naive_up_qkv = a->naive_up_qkv};
}

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
        default: cli_bad_option(cmd, argv);
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

/* Prints text, or dies with err when it is NULL; frees it. */
static int print_or_die(const char *cmd, char *text, const struct sim_err *err)
{
    if (text == NULL)
        cli_usage_error(cmd, "%s", err->msg);
    fputs(text, stdout);
    if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
        fputc('\n', stdout);
    free(text);
    return CLI_EXIT_OK;
}

int cli_cmd_comm(int argc, char **argv)
{
    struct acct_args a = {.rank = -1, .rank_d2c = -1, .bits = 16, .prompt_tokens = 128,
                          .first_k = 1};
    acct_parse("comm", comm_help, argc, argv, &a);
    struct sim_err err;
    if (a.table) {
        char *text = ana_reduction_table_json(a.prompt_tokens, &err);
        if (text == NULL)
            cli_die("%s", err.msg);
        const size_t n = strlen(text);
        char *line = sim_xmalloc(n + 2); // the file ends with a newline
        memcpy(line, text, n);
        memcpy(line + n, "\n", 2);
        const enum sim_status st = a.out != NULL ? sim_afile_write_text(a.out, line, &err)
                                                 : (fputs(line, stdout), SIM_OK);
        free(line);
        free(text);
        if (st != SIM_OK)
            cli_die("%s", err.msg);
        return CLI_EXIT_OK;
    }
    const struct ana_acct_opts o = acct_opts(&a);
    return print_or_die("comm", a.json ? ana_comm_json(&o, &err) : ana_comm_text(&o, &err),
                        &err);
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

int cli_cmd_resources(int argc, char **argv)
{
    struct acct_args a = {.rank = -1, .rank_d2c = -1, .bits = 16, .adapter_bits = 16,
                          .first_k = 1};
    acct_parse("resources", resources_help, argc, argv, &a);
    const struct ana_acct_opts o = acct_opts(&a);
    struct sim_err err;
    return print_or_die("resources",
                        a.json ? ana_resources_json(&o, &err) : ana_resources_text(&o, &err),
                        &err);
}
