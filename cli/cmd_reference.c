/*
 * cli/cmd_reference: `plsim checkpoint` and `plsim forward`, the
 * front doors of the reference forward pass.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/forward.h"
#include "cli/cli.h"
#include "util/afile.h"
#include "reference/checkpoint.h"
#include "reference/kernels.h"
#include "reference/model.h"

// ---- checkpoint ----

static const char checkpoint_help[] =
    "Usage: plsim checkpoint --dim D --hidden-dim H --layers L --heads NH\n"
    "                        --kv-heads NKV --vocab V --seq-len S\n"
    "                        [--shared-classifier] --seed N -o FILE\n\n"
    "Writes a llama2.c-format checkpoint with seeded random weights.\n\n"
    "Example:\n"
    "  plsim checkpoint --dim 64 --hidden-dim 172 --layers 4 --heads 4 \\\n"
    "    --kv-heads 2 --vocab 256 --seq-len 64 --seed 1 -o tiny.bin\n";

int cli_cmd_checkpoint(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dim", required_argument, 0, 'd'},      {"hidden-dim", required_argument, 0, 'H'},
        {"layers", required_argument, 0, 'L'},   {"heads", required_argument, 0, 'n'},
        {"kv-heads", required_argument, 0, 'k'}, {"vocab", required_argument, 0, 'V'},
        {"seq-len", required_argument, 0, 'S'},  {"shared-classifier", no_argument, 0, 'c'},
        {"seed", required_argument, 0, 's'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "checkpoint";
    struct ref_config cfg;
    memset(&cfg, 0, sizeof cfg);
    ref_config_defaults(&cfg);
    int64_t seed = -1;
    const char *out = NULL;
    const int64_t big = INT32_MAX;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': cfg.dim = cli_parse_int(cmd, "--dim", optarg, 1, big); break;
        case 'H': cfg.hidden_dim = cli_parse_int(cmd, "--hidden-dim", optarg, 1, big); break;
        case 'L': cfg.n_layers = cli_parse_int(cmd, "--layers", optarg, 1, big); break;
        case 'n': cfg.n_heads = cli_parse_int(cmd, "--heads", optarg, 1, big); break;
        case 'k': cfg.n_kv_heads = cli_parse_int(cmd, "--kv-heads", optarg, 1, big); break;
        case 'V': cfg.vocab_size = cli_parse_int(cmd, "--vocab", optarg, 1, big); break;
        case 'S': cfg.seq_len = cli_parse_int(cmd, "--seq-len", optarg, 1, big); break;
        case 'c': cfg.shared_classifier = 1; break;
        case 's': seed = cli_parse_int(cmd, "--seed", optarg, 0, INT64_MAX); break;
        case 'o': out = optarg; break;
        case 'h': fputs(checkpoint_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option(cmd, argv);
        }
    }
    if (optind < argc)
        cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (out == NULL || seed < 0)
        cli_usage_error(cmd, "-o FILE and --seed N are required");
    struct sim_err err;
    if (ref_config_check(&cfg, &err) != SIM_OK)
        cli_usage_error(cmd, "%s", err.msg);
    struct ref_sizes sizes;
    ref_sizes_fill(&sizes, &cfg);
    const double need = 4.0 * (double)sizes.total_elems;
    const double have = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (need > have) // refused before allocating, not by the allocator's abort
        cli_usage_error(cmd, "the checkpoint needs %.3g GB of fp32 weights in memory; this "
                        "machine has %.3g GB", need / 1e9, have / 1e9);
    struct ref_checkpoint *ck = ref_checkpoint_random(&cfg, (uint64_t)seed);
    const enum sim_status st = ref_checkpoint_save(out, ck, &err);
    const int64_t n = ck->sizes.total_elems;
    ref_checkpoint_destroy(ck);
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    printf("wrote %s: %" PRId64 " parameters (%.3f MB fp32)\n", out, n,
           (double)n * 4.0 / 1e6);
    return CLI_EXIT_OK;
}

// ---- forward ----

static const char forward_help[] =
    "Usage: plsim forward --checkpoint FILE --tokens 1,2,3 [--steps N]\n"
    "                     [--merged | --split | --mode MODE] [--first-k K]\n"
    "                     [--rank R] [--rank-c2d R] [--rank-d2c R] [--layers L1,L2,...]\n"
    "                     [--lora-seed N] [--m-init zero|random]\n"
    "                     [--transfer fp32|fp16|bf16|int8] [--logits OUT] [--json]\n"
    "                     [--threads N]\n\n"
    "Runs the tokens as one prefill, then N greedy decode steps, and prints\n"
    "the generated token ids. Every step executes the accounting plan of\n"
    "--mode: device-only (the default, also --merged: the adapter folded\n"
    "into the weights), cloud-only, naive-split, privatelora (also --split)\n"
    "or privatelora-first-k (--first-k K layers on the device, default 1).\n"
    "Tensors crossing between the device and the cloud are encoded at the\n"
    "--transfer precision (default fp16) and counted.\n"
    "Without --rank there is no adapter; --rank sets both ranks, --rank-c2d\n"
    "and --rank-d2c set them apart, and --layers adapts only the listed\n"
    "layers (default: all).\n"
    "--logits OUT writes (1+N) x vocab little-endian float32 values: the\n"
    "last position's logits after the prefill and after each decode step.\n"
    "--json prints the ids and the bytes that crossed per token, by phase\n"
    "and direction, measured from the messages sent.\n"
    "--speculative K --draft-checkpoint D: the phone's draft model D proposes\n"
    "K tokens greedily, the target verifies them in one pass of K+1\n"
    "positions through the boundary and keeps the longest agreeing prefix and\n"
    "its own next token: the ids equal plain greedy decoding's; the tokens\n"
    "accepted per pass are printed.\n\n"
    "Example:\n"
    "  plsim forward --checkpoint tiny.bin --tokens 1,2,3 --steps 4 --split --rank 8\n";

struct forward_args {
    const char *checkpoint;
    int32_t *tokens;
    int64_t n_tokens;
    int64_t steps;
    enum ref_mode mode;
    int64_t first_k;
    int64_t rank_c2d;
    int64_t rank_d2c;
    int64_t *layers;  /* adapted layers, or NULL for all */
    int64_t n_layers;
    int64_t lora_seed;
    enum ref_m_init m_init;
    enum ref_dtype transfer;
    const char *logits;
    int json;
    int64_t speculative;     /* k draft tokens per pass, 0: plain decoding */
    const char *draft;       /* the draft checkpoint */
};

static void forward_parse(int argc, char **argv, struct forward_args *a)
{
    static const struct option opts[] = {
        {"checkpoint", required_argument, 0, 'c'}, {"tokens", required_argument, 0, 't'},
        {"steps", required_argument, 0, 'n'},      {"merged", no_argument, 0, 'm'},
        {"split", no_argument, 0, 's'},            {"rank", required_argument, 0, 'r'},
        {"lora-seed", required_argument, 0, 'S'},  {"m-init", required_argument, 0, 'i'},
        {"transfer", required_argument, 0, 'x'},   {"logits", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 'T'},    {"help", no_argument, 0, 'h'},
        {"rank-c2d", required_argument, 0, 'C'},   {"rank-d2c", required_argument, 0, 'D'},
        {"layers", required_argument, 0, 'y'},     {"mode", required_argument, 0, 'M'},
        {"first-k", required_argument, 0, 'k'},    {"json", no_argument, 0, 'j'},
        {"speculative", required_argument, 0, 'K'}, {"draft-checkpoint", required_argument, 0, 'R'},
        {0, 0, 0, 0},
    };
    const char *cmd = "forward";
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->checkpoint = optarg; break;
        case 't': {
            free(a->tokens);
            int64_t *v = cli_parse_int_list(cmd, "--tokens", optarg, 0, INT32_MAX,
                                            &a->n_tokens);
            a->tokens = sim_xmalloc((size_t)a->n_tokens * sizeof *a->tokens);
            for (int64_t i = 0; i < a->n_tokens; i++)
                a->tokens[i] = (int32_t)v[i];
            free(v);
            break;
        }
        case 'n': a->steps = cli_parse_int(cmd, "--steps", optarg, 0, 1 << 20); break;
        case 'm': a->mode = REF_MODE_DEVICE_ONLY; break;
        case 's': a->mode = REF_MODE_PRIVATELORA; break;
        case 'M':
            if (ref_mode_parse(optarg, &a->mode) != SIM_OK)
                cli_usage_error(cmd, "--mode: unknown mode '%s'", optarg);
            break;
        case 'k': a->first_k = cli_parse_int(cmd, "--first-k", optarg, 0, REF_MAX_LAYERS); break;
        case 'r':
            a->rank_c2d = a->rank_d2c = cli_parse_int(cmd, "--rank", optarg, 1, INT32_MAX);
            break;
        case 'C': a->rank_c2d = cli_parse_int(cmd, "--rank-c2d", optarg, 1, INT32_MAX); break;
        case 'D': a->rank_d2c = cli_parse_int(cmd, "--rank-d2c", optarg, 1, INT32_MAX); break;
        case 'y':
            free(a->layers);
            a->layers = cli_parse_int_list(cmd, "--layers", optarg, 0, REF_MAX_LAYERS - 1,
                                           &a->n_layers);
            break;
        case 'S': a->lora_seed = cli_parse_int(cmd, "--lora-seed", optarg, 0, INT64_MAX); break;
        case 'i':
            if (strcmp(optarg, "zero") == 0)
                a->m_init = REF_M_ZERO;
            else if (strcmp(optarg, "random") == 0)
                a->m_init = REF_M_RANDOM;
            else
                cli_usage_error(cmd, "--m-init: expected zero or random, found '%s'", optarg);
            break;
        case 'x':
            if (ref_dtype_parse(optarg, &a->transfer) != SIM_OK || a->transfer == REF_DTYPE_I32)
                cli_usage_error(cmd, "--transfer: expected fp32, fp16, bf16 or int8, found '%s'",
                                optarg);
            break;
        case 'l': a->logits = optarg; break;
        case 'j': a->json = 1; break;
        case 'K': a->speculative = cli_parse_int(cmd, "--speculative", optarg, 1, 64); break;
        case 'R': a->draft = optarg; break;
        case 'T': {
            // the OpenMP runtime read OMP_NUM_THREADS before main; set it here
            omp_set_num_threads((int)cli_parse_int(cmd, "--threads", optarg, 1, 1024));
            break;
        }
        case 'h': fputs(forward_help, stdout); free(a->tokens); exit(CLI_EXIT_OK);
        default: cli_bad_option(cmd, argv);
        }
    }
    if (optind < argc)
        cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a->checkpoint == NULL || a->tokens == NULL)
        cli_usage_error(cmd, "--checkpoint FILE and --tokens LIST are required");
    if ((a->rank_c2d > 0) != (a->rank_d2c > 0))
        cli_usage_error(cmd, "give both ranks (--rank, or --rank-c2d with --rank-d2c)");
    if (a->layers != NULL && a->rank_c2d == 0)
        cli_usage_error(cmd, "--layers needs --rank");
    if ((a->speculative > 0) != (a->draft != NULL))
        cli_usage_error(cmd, "--speculative K and --draft-checkpoint FILE go together");
    if (a->speculative > 0 && a->logits != NULL)
        cli_usage_error(cmd, "--logits is not written for a speculative run");
}

/* Runs prefill + decode; writes logits rows to f when not NULL. */
static enum sim_status forward_run(const struct forward_args *a,
                                   const struct ref_checkpoint *ck,
                                   const struct ref_lora *lora, FILE *f,
                                   struct sim_err *err)
{
    struct ref_session_opts so;
    ref_session_opts_default(&so);
    so.mode = a->mode;
    so.transfer = a->transfer;
    so.first_k = a->first_k;
    so.max_tokens = a->n_tokens;
    struct ana_forward out;
    struct ref_checkpoint *draft = NULL;
    enum sim_status st = SIM_OK;
    if (a->speculative > 0) {
        st = ref_checkpoint_load(a->draft, &draft, err);
        if (st == SIM_OK)
            st = ana_forward_speculative(ck, lora, &so, draft, a->speculative, a->tokens,
                                         a->n_tokens, a->steps, &out, err);
        ref_checkpoint_destroy(draft);
    } else {
        st = ana_forward_run(ck, lora, &so, a->tokens, a->n_tokens, a->steps, f, &out, err);
    }
    if (st == SIM_OK && out.passes > 0 && !a->json) {
        int64_t acc = 0;
        fprintf(stderr, "speculative: %lld passes, accepted per pass:", (long long)out.passes);
        for (int64_t i = 0; i < out.passes; i++) {
            fprintf(stderr, " %d", out.accepted[i]);
            acc += out.accepted[i];
        }
        fprintf(stderr, " (%.3g tokens per pass)\n", (double)out.steps / (double)out.passes);
        (void)acc;
    }
    if (st == SIM_OK && a->json) {
        char *text = ana_forward_json(a->checkpoint, &so, a->rank_c2d, a->rank_d2c, &out);
        puts(text);
        free(text);
    } else if (st == SIM_OK) {
        for (int64_t i = 0; i < out.steps; i++)
            printf("%s%d", i ? " " : "", out.ids[i]);
        if (out.steps > 0)
            printf("\n");
        fprintf(stderr, "boundary (%s, %s): %" PRId64 " messages, %" PRId64 " bytes up, %"
                PRId64 " bytes down\n", ref_mode_name(a->mode), ref_dtype_name(a->transfer),
                out.messages, out.bytes[0][0] + out.bytes[1][0],
                out.bytes[0][1] + out.bytes[1][1]);
    }
    ana_forward_free(&out);
    return st;
}

int cli_cmd_forward(int argc, char **argv)
{
    struct forward_args a = {
        .mode = REF_MODE_DEVICE_ONLY, .first_k = 1, .lora_seed = 1234,
        .transfer = REF_DTYPE_FP16, .m_init = REF_M_ZERO,
    };
    forward_parse(argc, argv, &a);
    struct sim_err err;
    struct ref_checkpoint *ck = NULL;
    enum sim_status st = ref_checkpoint_load(a.checkpoint, &ck, &err);
    if (st == SIM_OK)
        st = ana_forward_check(&ck->cfg, a.checkpoint, a.tokens, a.n_tokens, a.steps,
                               a.rank_c2d > a.rank_d2c ? a.rank_c2d : a.rank_d2c, a.layers,
                               a.n_layers, &err);
    struct ref_lora *lora = NULL;
    if (st == SIM_OK && a.rank_c2d > 0) {
        uint8_t adapted[REF_MAX_LAYERS] = {0};
        for (int64_t i = 0; i < a.n_layers; i++)
            adapted[a.layers[i]] = 1;
        lora = ref_lora_create(&ck->cfg, a.rank_c2d, a.rank_d2c, a.layers ? adapted : NULL,
                               (uint64_t)a.lora_seed, a.m_init);
    }
    struct sim_afile out = {.f = NULL};
    if (st == SIM_OK && a.logits != NULL)
        st = sim_afile_open(&out, a.logits, &err);
    if (st == SIM_OK)
        st = forward_run(&a, ck, lora, out.f, &err);
    if (out.f != NULL && st == SIM_OK)
        st = sim_afile_commit(&out, &err);
    else if (out.f != NULL)
        sim_afile_abort(&out);
    ref_lora_destroy(lora);
    ref_checkpoint_destroy(ck);
    free(a.tokens);
    free(a.layers);
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    return CLI_EXIT_OK;
}
