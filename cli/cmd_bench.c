/*
 * cli/cmd_bench: `plsim bench`, the reference forward pass's decode speed
 * against this machine's memory bandwidth, measured side by side.
 *
 * Decode at batch 1 reads every weight once per token, so the honest
 * yardstick is the achieved weight-read bandwidth (weight bytes per token
 * from the accounting plan x tokens/s) as a fraction of a memory copy's
 * bandwidth measured in the same run with the same thread count. Copy
 * bandwidth counts read + write traffic (the STREAM "Copy" convention).
 */
#include <getopt.h>
#include <inttypes.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "models/llm.h"
#include "scenarios/scenario.h"
#include "sim/run.h"
#include "reference/kernels.h"
#include "reference/model.h"

static const char bench_help[] =
    "Usage: plsim bench [--model NAME] [--rank R] [--tokens N] [--out FILE]\n"
    "       plsim bench --sim [--out FILE]\n\n"
    "--sim measures the simulator instead: the wall time of `plsim paper` and\n"
    "the messages simulated per wall-clock second with 1, 100 and 1000\n"
    "devices sharing one cell (7B PrivateLoRA on the US 5G median).\n\n"
    "Measures reference decode tokens/s, merged and split (fp16 boundary),\n"
    "with 1 and 2 threads, on a random checkpoint of the model's shape\n"
    "(default stories-110m: dim 768, hidden 2048, 12 layers, vocab 32000),\n"
    "and the achieved weight-read bandwidth as a fraction of this machine's\n"
    "memory copy bandwidth measured in the same run. Writes the table as\n"
    "Markdown to FILE when given.\n\n"
    "Example:\n  plsim bench --out results/bench-reference.md\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best-of-5 copy bandwidth (read + write bytes per second) of a buffer
 * far larger than the caches, split across the current thread count. */
static double copy_bandwidth_Bps(char *dst, const char *src, size_t nbytes)
{
    double best = 0.0;
    for (int rep = 0; rep < 5; rep++) {
        const double t0 = now_s();
#pragma omp parallel
        {
            const size_t nt = (size_t)omp_get_num_threads();
            const size_t id = (size_t)omp_get_thread_num();
            const size_t chunk = nbytes / nt;
            const size_t len = id == nt - 1 ? nbytes - id * chunk : chunk;
            memcpy(dst + id * chunk, src + id * chunk, len);
        }
        const double bw = 2.0 * (double)nbytes / (now_s() - t0);
        best = bw > best ? bw : best;
    }
    return best;
}

/* Weight bytes one decode token reads, from the accounting plan. */
static double weight_bytes_per_token(const struct ref_config *cfg, enum ref_mode mode,
                                     int64_t rank)
{
    struct ref_plan_opts o;
    ref_plan_opts_default(&o);
    o.mode = mode;
    o.rank_c2d = o.rank_d2c = rank;
    o.weight_bits[REF_EDGE] = o.weight_bits[REF_CLOUD] = o.adapter_bits = 32.0;
    o.pos = 1;
    struct ref_plan *p = NULL;
    struct sim_err err;
    if (ref_plan_build(cfg, &o, &p, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    ref_plan_destroy(p);
    return t.weight_bytes[REF_EDGE] + t.weight_bytes[REF_CLOUD];
}

/* Best-of-3 decode tokens/s over n_tokens steps after a 1-token prefill. */
static double decode_tps(const struct ref_checkpoint *ck, const struct ref_lora *l,
                         enum ref_mode mode, int64_t n_tokens)
{
    const int64_t V = ck->cfg.vocab_size;
    float *logits = sim_xmalloc((size_t)V * sizeof(float));
    double best = 0.0;
    struct sim_err err;
    struct ref_session_opts so;
    ref_session_opts_default(&so);
    so.mode = mode;
    for (int rep = 0; rep < 3; rep++) {
        ref_session_t *s = NULL;
        if (ref_session_create(ck, l, &so, &s, &err) != SIM_OK)
            cli_die("%s", err.msg);
        int32_t tok = 1;
        enum sim_status st = ref_session_step(s, &tok, 1, 1, logits, &err);
        const double t0 = now_s();
        for (int64_t i = 0; i < n_tokens && st == SIM_OK; i++) {
            tok = (int32_t)ref_argmax(logits, V);
            st = ref_session_step(s, &tok, 1, 1, logits, &err);
        }
        if (st != SIM_OK)
            cli_die("%s", err.msg);
        const double tps = (double)n_tokens / (now_s() - t0);
        best = tps > best ? tps : best;
        ref_session_destroy(s);
    }
    free(logits);
    return best;
}

struct bench_row {
    const char *exec;
    int threads;
    double tps, weight_Bps, copy_Bps;
};

static void print_table(FILE *f, const char *model, int64_t rank, int64_t n_tokens,
                        const struct bench_row *rows, int n)
{
    fprintf(f, "# Reference forward pass: decode throughput vs memory bandwidth\n\n");
    fprintf(f, "Model shape `%s` (random fp32 weights), PrivateLoRA rank %" PRId64
            ", batch 1, %" PRId64 " decode steps, best of 3. Copy bandwidth counts read +"
            " write bytes (STREAM Copy convention), best of 5, same thread count.\n\n",
            model, rank, n_tokens);
    fprintf(f, "| execution | threads | tokens/s | weight read GB/s | copy GB/s | fraction |\n");
    fprintf(f, "|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "| %s | %d | %.2f | %.2f | %.2f | %.1f %% |\n", rows[i].exec,
                rows[i].threads, rows[i].tps, rows[i].weight_Bps / 1e9,
                rows[i].copy_Bps / 1e9, 100.0 * rows[i].weight_Bps / rows[i].copy_Bps);
}

// ---- the simulator's own speed ----

/* Wall seconds of `plsim paper -q -o DIR`, this binary run as a child. */
static double paper_wall_s(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/plsim-bench-paper-%ld", (long)getpid());
    const double t0 = cli_now_s();
    const pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "plsim", "paper", "-q", "-o", dir, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    const double wall = cli_now_s() - t0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        cli_die("bench: plsim paper failed (exit %d)", WEXITSTATUS(st));
    return wall;
}

static int bench_sim(const char *out)
{
    static const int64_t devices[] = {1, 100, 1000};
    const double paper_s = paper_wall_s();
    fprintf(stderr, "bench: plsim paper took %.2f s\n", paper_s);
    double msgs[3], wall[3];
    for (int i = 0; i < 3; i++) {
        char dev[64], path[4200], platform[96];
        snprintf(dev, sizeof dev, "workload.devices=%lld", (long long)devices[i]);
        const char *ov[] = {"link=ookla-us-2024h1", dev, "workload.new_tokens=16"};
        snprintf(path, sizeof path, "%s/paper-7b.json", scn_presets_dir());
        scn_scenario_t *s = NULL;
        struct sim_err err;
        if (scn_scenario_load_with(path, ov, 3, &s, &err) != SIM_OK)
            cli_die("%s", err.msg);
        struct sim_run_opts o;
        memset(&o, 0, sizeof o);
        snprintf(platform, sizeof platform, "/tmp/plsim-bench-%ld.xml", (long)getpid());
        o.platform_path = platform;
        struct sim_result r;
        const double t0 = cli_now_s();
        if (sim_run(scn_scenario_input(s), &o, &r, &err) != SIM_OK)
            cli_die("%s", err.msg);
        wall[i] = cli_now_s() - t0;
        msgs[i] = (double)r.summary.messages;
        remove(platform);
        sim_result_free(&r);
        scn_scenario_destroy(s);
        fprintf(stderr, "bench: %lld device(s): %.0f messages in %.2f s\n",
                (long long)devices[i], msgs[i], wall[i]);
    }
    char *md = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&md, &len);
    fprintf(f, "# Simulator speed\n\n`plsim paper` (all its simulations and the resource "
               "table): %.2f s wall (goal: under 10 s).\n\n7B PrivateLoRA on the US 5G median, 128-token"
               " prompt and 16 tokens per device, all devices sharing one cell uplink and "
               "downlink; wall time includes the simulation process's start.\n\n"
               "| devices | messages | wall s | messages per second |\n|---|---|---|---|\n",
            paper_s);
    for (int i = 0; i < 3; i++)
        fprintf(f, "| %lld | %.0f | %.2f | %.0f |\n", (long long)devices[i], msgs[i], wall[i],
                msgs[i] / wall[i]);
    fclose(f);
    fputs(md, stdout);
    struct sim_err err;
    if (out != NULL && sim_afile_write_text(out, md, &err) != SIM_OK)
        cli_die("%s", err.msg);
    free(md);
    return CLI_EXIT_OK;
}

int cli_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"rank", required_argument, 0, 'r'},
        {"tokens", required_argument, 0, 'n'}, {"out", required_argument, 0, 'o'},
        {"sim", no_argument, 0, 's'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *model = "stories-110m", *out = NULL;
    int64_t rank = 32, n_tokens = 32;
    int c, sim = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': sim = 1; break;
        case 'm': model = optarg; break;
        case 'r': rank = cli_parse_int("bench", "--rank", optarg, 1, 1 << 16); break;
        case 'n': n_tokens = cli_parse_int("bench", "--tokens", optarg, 1, 1 << 16); break;
        case 'o': out = optarg; break;
        case 'h': fputs(bench_help, stdout); return CLI_EXIT_OK;
        default: cli_usage_error("bench", "unknown option");
        }
    }
    if (sim)
        return bench_sim(out);
    struct ref_config cfg;
    struct sim_err err;
    if (mdl_llm_load(model, &cfg, &err) != SIM_OK)
        cli_usage_error("bench", "%s", err.msg);
    if (rank > cfg.dim || n_tokens + 1 > cfg.seq_len)
        cli_usage_error("bench", "--rank must be <= dim and --tokens < seq_len");
    struct ref_checkpoint *ck = ref_checkpoint_random(&cfg, 1);
    struct ref_lora *l = ref_lora_create(&cfg, rank, rank, NULL, 2, REF_M_RANDOM);
    const size_t copy_bytes = (size_t)1 << 29; // 512 MiB, far past any cache
    char *src = sim_xmalloc(copy_bytes), *dst = sim_xmalloc(copy_bytes);
    memset(src, 1, copy_bytes);
    memset(dst, 0, copy_bytes);
    struct bench_row rows[4];
    int n = 0;
    for (int threads = 1; threads <= 2; threads++) {
        omp_set_num_threads(threads);
        const double copy = copy_bandwidth_Bps(dst, src, copy_bytes);
        for (int e = 0; e < 2; e++) {
            // merged: the folded model on one side; split: PrivateLoRA
            const enum ref_mode mode = e == 0 ? REF_MODE_DEVICE_ONLY : REF_MODE_PRIVATELORA;
            const double tps = decode_tps(ck, l, mode, n_tokens);
            rows[n++] = (struct bench_row){
                .exec = e == 0 ? "merged" : "split (fp16)", .threads = threads, .tps = tps,
                .weight_Bps = tps * weight_bytes_per_token(&cfg, mode, rank), .copy_Bps = copy};
            fprintf(stderr, "bench: %s, %d thread(s): %.2f tokens/s\n", rows[n - 1].exec,
                    threads, tps);
        }
    }
    free(src);
    free(dst);
    ref_lora_destroy(l);
    ref_checkpoint_destroy(ck);
    print_table(stdout, model, rank, n_tokens, rows, n);
    if (out != NULL) {
        struct sim_afile f;
        if (sim_afile_open(&f, out, &err) != SIM_OK)
            cli_die("%s", err.msg);
        print_table(f.f, model, rank, n_tokens, rows, n);
        if (sim_afile_commit(&f, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    return CLI_EXIT_OK;
}
