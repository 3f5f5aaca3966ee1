/*
 * analysis/bench: benchmarks, never tests. The reference forward pass's
 * decode speed against this machine's memory bandwidth, measured side by
 * side, and the simulator's own speed.
 *
 * Decode at batch 1 reads every weight once per token, so the honest
 * yardstick is the achieved weight-read bandwidth (weight bytes per token
 * from the accounting plan x tokens/s) as a fraction of a memory copy's
 * bandwidth measured in the same run with the same thread count. Copy
 * bandwidth counts read + write traffic (the STREAM "Copy" convention).
 */
#include "analysis/bench.h"

#include <inttypes.h>
#include <math.h>
#include <sys/resource.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "reference/kernels.h"
#include "reference/model.h"
#include "scenarios/catalog.h"
#include "analysis/calibrate.h"
#include "scenarios/scenario.h"
#include "sim/baseline.h"
#include "sim/run.h"
#include "util/cleanup.h"
#include "util/progress.h"


/* Best-of-5 copy bandwidth (read + write bytes per second) of a buffer
 * far larger than the caches, split across the current thread count. */
static double copy_bandwidth_Bps(char *dst, const char *src, size_t nbytes)
{
    double best = 0.0;
    for (int rep = 0; rep < 5; rep++) {
        const double t0 = sim_now_s();
#pragma omp parallel
        {
            const size_t nt = (size_t)omp_get_num_threads();
            const size_t id = (size_t)omp_get_thread_num();
            const size_t chunk = nbytes / nt;
            const size_t len = id == nt - 1 ? nbytes - id * chunk : chunk;
            memcpy(dst + id * chunk, src + id * chunk, len);
        }
        const double bw = 2.0 * (double)nbytes / (sim_now_s() - t0);
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
        return NAN; // the caller checked the rank against the model
    struct ref_plan_totals t;
    ref_plan_sum(p, &t);
    ref_plan_destroy(p);
    return t.weight_bytes[REF_EDGE] + t.weight_bytes[REF_CLOUD];
}

#define REPEATS 5

/* Decode tokens/s over n_tokens steps after a 1-token prefill, repeated
 * REPEATS times: the median and the spread (min, max) into tps[3]. */
static enum sim_status decode_tps(const struct ref_checkpoint *ck, const struct ref_lora *l,
                                  enum ref_mode mode, int64_t n_tokens, double *tps_out,
                                  struct sim_err *err)
{
    const int64_t V = ck->cfg.vocab_size;
    float *logits = sim_xmalloc((size_t)V * sizeof(float));
    double runs[REPEATS];
    int n_runs = 0;
    enum sim_status st = SIM_OK;
    struct ref_session_opts so;
    ref_session_opts_default(&so);
    so.mode = mode;
    for (int rep = 0; rep < REPEATS && st == SIM_OK; rep++) {
        ref_session_t *s = NULL;
        st = ref_session_create(ck, l, &so, &s, err);
        int32_t tok = 1;
        if (st == SIM_OK)
            st = ref_session_step(s, &tok, 1, 1, logits, err);
        const double t0 = sim_now_s();
        for (int64_t i = 0; i < n_tokens && st == SIM_OK; i++) {
            tok = (int32_t)ref_argmax(logits, V);
            st = ref_session_step(s, &tok, 1, 1, logits, err);
        }
        runs[n_runs++] = (double)n_tokens / (sim_now_s() - t0);
        ref_session_destroy(s);
    }
    free(logits);
    gsl_sort(runs, 1, (size_t)n_runs);
    tps_out[0] = gsl_stats_median_from_sorted_data(runs, 1, (size_t)n_runs);
    tps_out[1] = runs[0];
    tps_out[2] = runs[n_runs - 1];
    return st;
}

struct bench_row {
    const char *exec;
    int threads;
    double tps, lo, hi; /* median tokens/s and the spread of the repeats */
    double weight_Bps, copy_Bps;
};

static void print_table(FILE *f, const char *model, int64_t rank, int64_t n_tokens,
                        const struct bench_row *rows, int n)
{
    fprintf(f, "# Reference forward pass: decode throughput vs memory bandwidth\n\n");
    fprintf(f, "Model shape `%s` (random fp32 weights), PrivateLoRA rank %" PRId64
            ", batch 1, %" PRId64 " decode steps; tokens/s is the median of %d repeats, "
            "with their range. OpenMP wait policy: %s. plsim bench waits passively unless "
            "OMP_WAIT_POLICY is set: spinning threads are faster on an idle machine but "
            "collapse several-fold whenever another process is busy on a 2-core machine, so "
            "passive rows are the ones that reproduce (OMP_WAIT_POLICY=ACTIVE measures the "
            "idle optimum). Copy bandwidth counts read + write bytes (STREAM Copy "
            "convention), best of 5, same thread count.\n\n", model, rank, n_tokens, REPEATS,
            getenv("OMP_WAIT_POLICY") != NULL ? getenv("OMP_WAIT_POLICY") : "default");
    fprintf(f, "| execution | threads | tokens/s (median) | range | weight read GB/s | copy "
               "GB/s | fraction |\n");
    fprintf(f, "|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "| %s | %d | %.2f | %.2f-%.2f | %.2f | %.2f | %.1f %% |\n", rows[i].exec,
                rows[i].threads, rows[i].tps, rows[i].lo, rows[i].hi, rows[i].weight_Bps / 1e9,
                rows[i].copy_Bps / 1e9, 100.0 * rows[i].weight_Bps / rows[i].copy_Bps);
}

// ---- the simulator's own speed ----

/* Wall seconds of `SELF paper -q -o DIR`, the plsim binary run as a
 * child; SIM_EIO if it fails. */
static enum sim_status paper_wall_s(const char *self, double *wall_s, struct sim_err *err)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/plsim-bench-paper-%ld", (long)getpid());
    const double t0 = sim_now_s();
    const pid_t pid = fork();
    if (pid == 0) {
        execl(self, "plsim", "paper", "-q", "-o", dir, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    *wall_s = sim_now_s() - t0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return sim_err_set(err, SIM_EIO, "bench: plsim paper failed (exit %d)",
                           WEXITSTATUS(st));
    return SIM_OK;
}


enum sim_status ana_bench_reference(const char *model, int64_t rank, int64_t n_tokens,
                                    FILE *log, char **md_out, struct sim_err *err)
{
    struct ref_config cfg;
    enum sim_status st = scn_llm_load(model, &cfg, err);
    if (st != SIM_OK)
        return st;
    if (rank > cfg.dim || n_tokens + 1 > cfg.seq_len)
        return sim_err_set(err, SIM_EINVAL, "the rank must be <= dim %lld and the tokens below "
                           "seq_len %lld", (long long)cfg.dim, (long long)cfg.seq_len);
    struct ref_checkpoint *ck = ref_checkpoint_random(&cfg, 1);
    struct ref_lora *l = ref_lora_create(&cfg, rank, rank, NULL, 2, REF_M_RANDOM);
    const size_t copy_bytes = (size_t)1 << 29; // 512 MiB, far past any cache
    char *src = sim_xmalloc(copy_bytes), *dst = sim_xmalloc(copy_bytes);
    memset(src, 1, copy_bytes);
    memset(dst, 0, copy_bytes);
    struct bench_row rows[4];
    int n = 0;
    for (int threads = 1; threads <= 2 && st == SIM_OK; threads++) {
        omp_set_num_threads(threads);
        const double copy = copy_bandwidth_Bps(dst, src, copy_bytes);
        for (int e = 0; e < 2 && st == SIM_OK; e++) {
            // merged: the folded model on one side; split: PrivateLoRA
            const enum ref_mode mode = e == 0 ? REF_MODE_DEVICE_ONLY : REF_MODE_PRIVATELORA;
            double tps[3] = {0, 0, 0};
            st = decode_tps(ck, l, mode, n_tokens, tps, err);
            rows[n++] = (struct bench_row){
                .exec = e == 0 ? "merged" : "split (fp16)", .threads = threads, .tps = tps[0],
                .lo = tps[1], .hi = tps[2],
                .weight_Bps = tps[0] * weight_bytes_per_token(&cfg, mode, rank),
                .copy_Bps = copy};
            if (log != NULL)
                fprintf(log, "bench: %s, %d thread(s): %.2f tokens/s (%.2f-%.2f)\n",
                        rows[n - 1].exec, threads, tps[0], tps[1], tps[2]);
        }
    }
    free(src);
    free(dst);
    ref_lora_destroy(l);
    ref_checkpoint_destroy(ck);
    if (st != SIM_OK)
        return st;
    // the cost model fitted to these kernels (plsim calibrate), and how
    // well it predicts this model's split pass, which it was not fitted on
    omp_set_num_threads(2);
    struct ana_calib_sample *cs = NULL;
    int n_cs = 0;
    struct ana_calib_fit fit;
    double meas = 0.0, pred = 0.0;
    st = ana_calib_measure(0, NULL, &cs, &n_cs, err);
    if (st == SIM_OK)
        st = ana_calib_fit(cs, n_cs, &fit, err);
    free(cs);
    if (st == SIM_OK)
        st = ana_calib_check(&fit, model, rank, n_tokens, &meas, &pred, err);
    if (st != SIM_OK)
        return st;
    if (log != NULL)
        fprintf(log, "bench: calibration predicts %.3f ms for a measured %.3f ms split step\n",
                pred * 1e3, meas * 1e3);
    size_t len = 0;
    FILE *f = open_memstream(md_out, &len);
    SIM_ASSERT(f != NULL, "out of memory for the table");
    print_table(f, model, rank, n_tokens, rows, n);
    fprintf(f, "\n## Calibration (`plsim calibrate`), 2 threads\n\n"
               "The roofline fitted by least squares to %d timed kernel calls (15M- to 7B-sized "
               "layers, cold weights): %.4g GFLOP/s, %.4g GB/s, %.3g us a call; residuals "
               "%.1f %% rms, %.1f %% at most. It predicts %.3f ms for a decode step of the "
               "%s split pass (rank %lld), which it was not fitted on; measured %.3f ms "
               "(median of %lld steps): **%+.1f %%** (the goal: 15 %%; tests/test_calibrate.c "
               "asserts 35 %%, the measured step moving +-17 %% between runs here).\n",
            fit.n, fit.flop_per_s / 1e9, fit.Bps / 1e9, fit.overhead_s * 1e6,
            100.0 * fit.rms_rel, 100.0 * fit.max_rel, pred * 1e3, model, (long long)rank,
            meas * 1e3, (long long)n_tokens, 100.0 * (pred / meas - 1.0));
    fclose(f);
    return SIM_OK;
}

// ---- the simulator's own speed ----

/* The exponent g of y = c x^g through (x1, y1) and (x2, y2). */
static double growth(double y1, double y2, double x1, double x2)
{
    return log(y2 / y1) / log(x2 / x1);
}

/* Peak resident memory of the largest child process waited for so far. */
static double children_peak_rss_bytes(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_CHILDREN, &ru) == 0 ? (double)ru.ru_maxrss * 1024.0 : NAN;
}

enum sim_status ana_bench_sim(const char *self, const char *presets_dir, FILE *log, char **md_out,
                              struct sim_err *err)
{
    static const int64_t devices[] = {1, 100, 1000, 10000};
    enum { N = sizeof devices / sizeof devices[0] };
    const int64_t tokens = 16;
    double paper_s = 0.0;
    enum sim_status st = paper_wall_s(self, &paper_s, err);
    if (st != SIM_OK)
        return st;
    if (log != NULL)
        fprintf(log, "bench: plsim paper took %.2f s\n", paper_s);
    double msgs[N], wall[N], rss[N], target_records_bytes = NAN;
    struct sim_baseline_result base[N];
    for (int i = 0; i < N; i++) {
        char dev[64], tok[64], path[4200], platform[300];
        snprintf(dev, sizeof dev, "workload.devices=%lld", (long long)devices[i]);
        snprintf(tok, sizeof tok, "workload.new_tokens=%lld", (long long)tokens);
        const char *ov[] = {"link=ookla-us-2024h1", dev, tok};
        snprintf(path, sizeof path, "%s/paper-7b.json", presets_dir);
        scn_scenario_t *s = NULL;
        st = scn_scenario_load_with(path, ov, 3, &s, err);
        if (st != SIM_OK)
            return st;
        const struct mdl_input *in = scn_scenario_input(s);
        struct mdl_input full = *in; // the target's records: 10,000 x 128 tokens
        full.workload.new_tokens = 128;
        full.workload.devices = 10000;
        struct mdl_estimate e;
        if (mdl_input_estimate(&full, &e, err) == SIM_OK)
            target_records_bytes = e.record_bytes;
        struct sim_run_opts o;
        memset(&o, 0, sizeof o);
        snprintf(platform, sizeof platform, "%s/bench.xml",
                 sim_tmpdir() != NULL ? sim_tmpdir() : "/tmp");
        o.platform_path = platform;
        struct sim_result r;
        const double t0 = sim_now_s();
        st = sim_run(in, &o, &r, err);
        if (st != SIM_OK) {
            scn_scenario_destroy(s);
            return st;
        }
        wall[i] = sim_now_s() - t0;
        rss[i] = children_peak_rss_bytes();
        msgs[i] = (double)r.summary.messages;
        // the same round trips and bytes in a plain SimGrid program
        const double n = (double)devices[i];
        const double trips = msgs[i] / (2.0 * n);
        const double bytes = r.summary.bytes_up_per_token * (double)tokens / trips;
        const struct sim_platform_spec ps = {
            .n_edges = devices[i], .n_gpus = 1, .n_cells = 1,
            .uplink_Bps = in->link.uplink_Bps.value, .downlink_Bps = in->link.downlink_Bps.value,
            .latency_s = in->link.rtt_s.value / 2.0,
        };
        sim_result_free(&r);
        scn_scenario_destroy(s);
        st = sim_baseline_run(&ps, platform, (int64_t)trips, bytes, bytes, &base[i], err);
        remove(platform);
        if (st != SIM_OK)
            return st;
        if (log != NULL)
            fprintf(log, "bench: %lld device(s): plsim %.0f messages in %.2f s; plain SimGrid "
                    "%.0f in %.2f s\n", (long long)devices[i], msgs[i], wall[i],
                    base[i].messages, base[i].wall_s);
    }
    char *md = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&md, &len);
    fprintf(f, "# Simulator speed\n\n`plsim paper` (all its simulations and the resource "
               "table): %.2f s wall (goal: under 10 s).\n\n7B PrivateLoRA on the US 5G median, "
               "128-token prompt and %lld tokens per device, each device on its own radio, one "
               "GPU serving all in continuous batches. Beside each run, in the same `make "
               "bench`, a plain SimGrid program (`sim/baseline.c`) plays the same number of "
               "round trips of the same mean size on the same platform: two actors per device, "
               "blocking puts and gets, no plan, no server, no records. plsim's wall time "
               "includes its process start and its analysis of the records.\n\n"
               "| devices | messages | plsim s | plsim msg/s | plsim peak MB | baseline s | "
               "baseline msg/s | baseline peak MB | plsim / baseline time |\n"
               "|---|---|---|---|---|---|---|---|---|\n",
            paper_s, (long long)tokens);
    for (int i = 0; i < N; i++)
        fprintf(f, "| %lld | %.0f | %.2f | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |\n",
                (long long)devices[i], msgs[i], wall[i], msgs[i] / wall[i], rss[i] / 1e6,
                base[i].wall_s, base[i].messages / base[i].wall_s, base[i].peak_rss_bytes / 1e6,
                wall[i] / base[i].wall_s);
    // the target: 10,000 devices x 128 tokens (about 82 M messages) in under
    // 5 minutes on one core, under 4 GB. The largest run has the target's
    // devices in flight and fewer tokens each: a message costs what it
    // costs there, so the target's time scales with its messages
    const double g = growth(wall[N - 2] / msgs[N - 2], wall[N - 1] / msgs[N - 1],
                            (double)devices[N - 2], (double)devices[N - 1]);
    const double gb = growth(base[N - 2].wall_s / base[N - 2].messages,
                             base[N - 1].wall_s / base[N - 1].messages, (double)devices[N - 2],
                             (double)devices[N - 1]);
    const double target_msgs = msgs[N - 1] / (double)devices[N - 1] * 10000.0 * 128.0 /
                               (double)tokens;
    const double target_s = wall[N - 1] / msgs[N - 1] * target_msgs;
    const double base_target_s = base[N - 1].wall_s / base[N - 1].messages * target_msgs;
    fprintf(f, "\nTarget: 10,000 devices x 128 tokens (%.3g messages) in under 300 s and "
               "4 GB. From %lld to %lld devices the wall time of a message grows as "
               "devices^%.2f for plsim and ^%.2f for the plain SimGrid program. At %lld "
               "devices a message costs %.1f us in plsim and %.1f us in plain SimGrid, so the "
               "target would take about %.0f s in plsim (%s, by %.1fx) and %.0f s in plain "
               "SimGrid: the engine's own cost per message, not plsim's, sets the floor. "
               "plsim's records for the target (a step record per step, a request record per "
               "request, the stage times of a few steps in flight per device) are estimated "
               "at %.2f GB; the %lld-device run peaked at %.0f MB (%s).\n",
            target_msgs, (long long)devices[N - 2], (long long)devices[N - 1], g, gb,
            (long long)devices[N - 1], 1e6 * wall[N - 1] / msgs[N - 1],
            1e6 * base[N - 1].wall_s / base[N - 1].messages, target_s,
            target_s < 300.0 ? "met" : "missed", target_s / 300.0, base_target_s,
            target_records_bytes / 1e9, (long long)devices[N - 1], rss[N - 1] / 1e6,
            target_records_bytes < 4e9 && rss[N - 1] < 4e9 ? "within the 4 GB target"
                                                           : "over the 4 GB target");
    fclose(f);
    *md_out = md;
    return SIM_OK;
}
