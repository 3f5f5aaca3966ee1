/*
 * cli/cmd_reference: `plsim checkpoint` and `plsim forward`, the
 * front doors of the reference forward pass.
 */
#include <getopt.h>
#include <inttypes.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

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
        default: cli_usage_error(cmd, "unknown option");
        }
    }
    if (optind < argc)
        cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (out == NULL || seed < 0)
        cli_usage_error(cmd, "-o FILE and --seed N are required");
    struct sim_err err;
    if (ref_config_check(&cfg, &err) != SIM_OK)
        cli_usage_error(cmd, "%s", err.msg);
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
    "                     [--merged | --split] [--rank R] [--rank-c2d R]\n"
    "                     [--rank-d2c R] [--layers L1,L2,...] [--lora-seed N]\n"
    "                     [--m-init zero|random] [--transfer fp32|fp16|bf16|int8]\n"
    "                     [--logits OUT] [--threads N]\n\n"
    "Runs the tokens as one prefill, then N greedy decode steps, and prints\n"
    "the generated token ids. Without --rank there is no adapter; --rank sets\n"
    "both ranks, --rank-c2d and --rank-d2c set them apart, and --layers\n"
    "adapts only the listed layers (default: all). --split\n"
    "runs the cloud and edge halves through the boundary at the --transfer\n"
    "precision (default fp16) and reports the messages that crossed;\n"
    "--merged (the default) folds the adapter into the weights.\n"
    "--logits OUT writes (1+N) x vocab little-endian float32 values: the\n"
    "last position's logits after the prefill and after each decode step.\n\n"
    "Example:\n"
    "  plsim forward --checkpoint tiny.bin --tokens 1,2,3 --steps 4 --split --rank 8\n";

struct forward_args {
    const char *checkpoint;
    int32_t *tokens;
    int64_t n_tokens;
    int64_t steps;
    enum ref_exec exec;
    int64_t rank_c2d;
    int64_t rank_d2c;
    int64_t *layers;  /* adapted layers, or NULL for all */
    int64_t n_layers;
    int64_t lora_seed;
    enum ref_m_init m_init;
    enum ref_dtype transfer;
    const char *logits;
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
        {"layers", required_argument, 0, 'y'},
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
        case 'm': a->exec = REF_EXEC_MERGED; break;
        case 's': a->exec = REF_EXEC_SPLIT; break;
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
        case 'T': {
            // the OpenMP runtime read OMP_NUM_THREADS before main; set it here
            omp_set_num_threads((int)cli_parse_int(cmd, "--threads", optarg, 1, 1024));
            break;
        }
        case 'h': fputs(forward_help, stdout); free(a->tokens); exit(CLI_EXIT_OK);
        default: cli_usage_error(cmd, "unknown option");
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
}

/* Prints the split run's message totals on stderr. */
static void report_boundary(const struct ref_boundary *b)
{
    int64_t up = 0, down = 0;
    for (int i = 0; i < b->n_log; i++)
        *(b->log[i].dir == REF_LINK_UP ? &up : &down) += b->log[i].bytes;
    fprintf(stderr,
            "boundary (%s): %d messages, %" PRId64 " bytes up, %" PRId64 " bytes down\n",
            ref_dtype_name(b->dtype), b->n_log, up, down);
}

/* Runs prefill + decode; writes logits rows to f when not NULL. */
static enum sim_status forward_run(const struct forward_args *a,
                                   const struct ref_checkpoint *ck,
                                   const struct ref_lora *lora, FILE *f,
                                   struct sim_err *err)
{
    const int64_t V = ck->cfg.vocab_size;
    ref_session_t *s = ref_session_create(ck, lora, a->exec, a->transfer, 1, a->n_tokens);
    float *logits = sim_xmalloc((size_t)V * sizeof(float));
    int32_t tok = 0;
    enum sim_status st = ref_session_step(s, a->tokens, 1, a->n_tokens, logits, err);
    for (int64_t i = 0; st == SIM_OK; i++) {
        if (f != NULL && fwrite(logits, sizeof(float), (size_t)V, f) != (size_t)V) {
            st = sim_err_set(err, SIM_EIO, "%s: write failed", a->logits);
            break;
        }
        if (i == a->steps)
            break;
        tok = (int32_t)ref_argmax(logits, V); // greedy
        printf("%s%d", i ? " " : "", tok);
        st = ref_session_step(s, &tok, 1, 1, logits, err);
    }
    if (a->steps > 0)
        printf("\n");
    if (st == SIM_OK && ref_session_boundary(s) != NULL)
        report_boundary(ref_session_boundary(s));
    free(logits);
    ref_session_destroy(s);
    return st;
}

int cli_cmd_forward(int argc, char **argv)
{
    struct forward_args a = {
        .exec = REF_EXEC_MERGED, .lora_seed = 1234, .transfer = REF_DTYPE_FP16,
        .m_init = REF_M_ZERO,
    };
    forward_parse(argc, argv, &a);
    struct sim_err err;
    struct ref_checkpoint *ck = NULL;
    if (ref_checkpoint_load(a.checkpoint, &ck, &err) != SIM_OK) {
        free(a.tokens);
        cli_die("%s", err.msg);
    }
    uint8_t adapted[REF_MAX_LAYERS] = {0};
    int bad_layer = 0;
    for (int64_t i = 0; i < a.n_layers; i++) {
        bad_layer |= a.layers[i] >= ck->cfg.n_layers;
        adapted[a.layers[i] % REF_MAX_LAYERS] = 1;
    }
    if (a.rank_c2d > ck->cfg.dim || a.rank_d2c > ck->cfg.dim ||
        a.n_tokens > ck->cfg.seq_len || bad_layer) {
        free(a.tokens);
        free(a.layers);
        ref_checkpoint_destroy(ck);
        cli_die("%s: ranks must be <= dim, --tokens at most seq_len, --layers below n_layers",
                a.checkpoint);
    }
    struct ref_lora *lora =
        a.rank_c2d > 0 ? ref_lora_create(&ck->cfg, a.rank_c2d, a.rank_d2c,
                                         a.layers ? adapted : NULL, (uint64_t)a.lora_seed,
                                         a.m_init)
                       : NULL;
    struct sim_afile out = {.f = NULL};
    enum sim_status st = SIM_OK;
    if (a.logits != NULL)
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
