/*
 * tests/test_serving: the GPU as a serving system, requests and memory,
 * each checked at a limit where a closed form holds:
 *  - with RTT 0 and an ample link, 64 devices of one sequence batched
 *    continuously run as one device with a batch of 64;
 *  - GPU-bound, the aggregate rate is max_batch sequences per batched
 *    step of the cost model (weights read once per kernel);
 *  - fcfs serves one device at a time: the crowd makes one device's rate;
 *  - a GPU whose memory holds two requests' KV caches admits two at a
 *    time, and the others' TTFT carries the wait;
 *  - Poisson arrivals have the stated rate and the seed's draws.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/capacity.h"
#include "models/cost.h"
#include "tests/helpers.h"
#include "tests/sim_helpers.h"

/* LLaMA 2-7B on the A100, on an ideal link: the GPU is all there is. */
#define FAST_LINK "\"link\": {\"rtt\": 0, \"uplink\": \"100 Gbps\", \"downlink\": \"100 Gbps\"}"
#define CROWD(mode, wl)                                                                        \
    "{\"extends\": \"@paper-7b.json\", \"mode\": \"" mode "\", " FAST_LINK                     \
    ", \"workload\": {\"prompt_tokens\": 32, \"new_tokens\": 8" wl "}"

static void run_text(const char *tag, const char *json, struct sim_result *r)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, tag);
    scn_scenario_t *s = th_scenario_from(dir, json);
    th_simulate(dir, s, r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

static double rel(double a, double b)
{
    return fabs(a - b) / fabs(b);
}

Test(serving, continuous_batching_of_64_phones_is_one_phone_with_batch_64)
{
    static const char *const modes[2] = {"cloud-only", "privatelora"};
    for (int m = 0; m < 2; m++) {
        char crowd[1024], one[1024];
        snprintf(crowd, sizeof crowd, CROWD("%s", ", \"devices\": 64") "}", modes[m]);
        snprintf(one, sizeof one, CROWD("%s", ", \"batch\": 64") "}", modes[m]);
        struct sim_result a, b;
        run_text("crowd", crowd, &a);
        run_text("one", one, &b);
        // the issue asks for 10 %; lockstep phones batch exactly
        cr_expect_lt(rel(a.summary.aggregate_decode_tps, b.summary.aggregate_decode_tps), 0.01,
                     "%s: 64 x 1 makes %.2f tokens/s, 1 x 64 %.2f", modes[m],
                     a.summary.aggregate_decode_tps, b.summary.aggregate_decode_tps);
        cr_expect_eq(a.summary.max_batch_sequences, 64);
        sim_result_free(&a);
        sim_result_free(&b);
    }
}

/* Seconds the cost model gives one decode step of a batch of n
 * sequences at context pos on the cloud: each stage's kernel once. */
static double batched_step_s(const struct mdl_input *in, int64_t n, int64_t pos)
{
    struct ref_plan_opts o = in->plan;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    o.pos = pos;
    o.batch = n;
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_assert_eq(ref_plan_build(&in->model, &o, &p, &err), SIM_OK, "%s", err.msg);
    const double t = mdl_cost_side_s(&in->cost[REF_CLOUD], p, REF_CLOUD);
    ref_plan_destroy(p);
    return t;
}

Test(serving, gpu_bound_rate_is_the_batched_roofline)
{
    // 16 cloud-only phones, at most 4 sequences a batch: four groups take
    // turns, so each phone's decode step is four batched steps of 4
    char dir[128];
    th_temp_dir(dir, sizeof dir, "gpubound");
    // (a short prompt and a long answer: the steady state dominates)
    scn_scenario_t *s = th_scenario_from(
        dir, "{\"extends\": \"@paper-7b.json\", \"mode\": \"cloud-only\", " FAST_LINK
             ", \"workload\": {\"prompt_tokens\": 4, \"new_tokens\": 64, \"devices\": 16}, "
             "\"serving\": {\"max_batch\": 4}}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    const struct mdl_input *in = scn_scenario_input(s);
    double want = 0.0; // mean over the decode steps
    const int64_t steps = in->workload.new_tokens - 1;
    for (int64_t k = 0; k < steps; k++)
        want += 4.0 * batched_step_s(in, 4, in->workload.prompt_tokens + k) / (double)steps;
    cr_expect_lt(rel(r.summary.decode_step_s, want), 0.01,
                 "decode step %.6f s, four batched steps of 4 take %.6f s",
                 r.summary.decode_step_s, want);
    cr_expect_eq(r.summary.max_batch_sequences, 4);
    cr_expect_gt(r.summary.gpu_utilization, 0.95);
    // and a batch of 4 costs far less than 4 single steps (weights once)
    cr_expect_lt(batched_step_s(in, 4, 32), 1.5 * batched_step_s(in, 1, 32));
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(serving, fcfs_serves_one_device_at_a_time)
{
    struct sim_result one, crowd;
    run_text("fcfs1", CROWD("cloud-only", "") "}", &one);
    run_text("fcfs8", CROWD("cloud-only", ", \"devices\": 8") ", \"serving\": {\"scheduler\": "
             "\"fcfs\"}}", &crowd);
    // eight phones share one phone's rate: no batching across devices
    cr_expect_lt(rel(crowd.summary.aggregate_decode_tps, one.summary.decode_tps), 0.02,
                 "fcfs: %.3f tokens/s in all, one phone alone %.3f",
                 crowd.summary.aggregate_decode_tps, one.summary.decode_tps);
    cr_expect_eq(crowd.summary.max_batch_sequences, 1);
    sim_result_free(&one);
    sim_result_free(&crowd);
}

Test(serving, requests_wait_for_kv_memory_and_the_wait_is_in_their_ttft)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "memory");
    scn_scenario_t *s = th_scenario_from(dir, CROWD("cloud-only", ", \"devices\": 4") "}");
    struct mdl_input in = *scn_scenario_input(s);
    double w = 0.0, kv = 0.0;
    struct sim_err err;
    cr_assert_eq(mdl_input_weight_bytes(&in, REF_CLOUD, &w, &err), SIM_OK);
    cr_assert_eq(mdl_input_request_kv_bytes(&in, REF_CLOUD, &kv, &err), SIM_OK);
    cr_assert_gt(kv, 0.0);
    in.cloud.mem_capacity_bytes.value = w + 2.5 * kv; // two requests at a time
    struct sim_result r;
    th_simulate_input(dir, &in, &r);
    cr_expect_eq(r.summary.admission_waits, 2);
    cr_expect_leq(r.summary.kv_peak_bytes, 2.0 * kv * (1 + 1e-12));
    cr_expect_geq(r.summary.kv_peak_bytes, 2.0 * kv * (1 - 1e-12));
    // two requests run at once; the other two begin when one ends
    cr_assert_eq(r.n_requests, 4);
    int admitted[2] = {-1, -1}, n = 0;
    for (int i = 0; i < 4; i++)
        if (r.requests[i].ttft_s < r.requests[i].e2e_s / 2 && n < 2)
            admitted[n++] = i;
    cr_assert_eq(n, 2, "two requests start at once");
    const double first_done = fmin(r.requests[admitted[0]].done_s, r.requests[admitted[1]].done_s);
    for (int i = 0; i < 4; i++)
        if (i != admitted[0] && i != admitted[1])
            cr_expect_geq(r.requests[i].ttft_s, first_done, "request %d: TTFT %.4f s, the "
                          "first ended at %.4f s", i, r.requests[i].ttft_s, first_done);
    // a GPU that cannot hold one request is refused before any work
    in.cloud.mem_capacity_bytes.value = w + 0.5 * kv;
    cr_expect_eq(mdl_input_check(&in, &err), SIM_ERANGE);
    cr_expect(strstr(err.msg, "cannot hold") != NULL, "%s", err.msg);
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(serving, poisson_arrivals_have_the_rate_and_the_seed)
{
    const char *json = CROWD("device-only", ", \"devices\": 50, \"requests\": 4, \"arrival\": "
                             "\"poisson\", \"rate\": \"20 requests/s\"") ", \"edge_weight_bits\": 4}";
    struct sim_result a, b;
    run_text("poisson-a", json, &a);
    run_text("poisson-b", json, &b);
    cr_assert_eq(a.n_requests, 200);
    double last = 0.0;
    for (int64_t i = 0; i < a.n_requests; i++) {
        last = fmax(last, a.requests[i].arrival_s);
        cr_expect_eq(a.requests[i].arrival_s, b.requests[i].arrival_s); // the seed's draws
        cr_expect_geq(a.requests[i].ttft_s, 0.0);
    }
    // 200 exponential gaps of mean 50 ms: their sum is 10 s, sd 0.71 s
    cr_expect_lt(fabs(last - 10.0), 4 * 0.71, "the 200th arrival at %.3f s", last);
    // a device's requests arrive in order and run one after another
    for (int64_t d = 0; d < 50; d++)
        for (int64_t q = 1; q < 4; q++) {
            const struct sim_request_record *p = &a.requests[d * 4 + q - 1], *n = p + 1;
            cr_expect_gt(n->arrival_s, p->arrival_s);
            cr_expect_geq(n->first_token_s, p->done_s);
        }
    sim_result_free(&a);
    sim_result_free(&b);
}

Test(serving, closed_loop_requests_follow_the_think_time)
{
    struct sim_result r;
    run_text("think", CROWD("cloud-only", ", \"requests\": 3, \"think\": \"2 s\"") "}", &r);
    cr_assert_eq(r.n_requests, 3);
    for (int q = 1; q < 3; q++)
        cr_expect_lt(fabs(r.requests[q].arrival_s - r.requests[q - 1].done_s - 2.0), 1e-9);
    // alone on the GPU, every request takes as long as the first
    cr_expect_lt(rel(r.requests[2].e2e_s, r.requests[0].e2e_s), 1e-9);
    sim_result_free(&r);
}

Test(serving, a_side_that_cannot_hold_its_part_is_refused_by_validate_and_run)
{
    char dir[128], path[300], args[700];
    th_temp_dir(dir, sizeof dir, "unfit");
    static const char *const cases[2][2] = {
        // an fp16 70B on an 80 GB A100; an fp16 7B whole on a 6 GB phone
        {"{\"extends\": \"@paper-7b.json\", \"model\": \"llama2-70b\", \"cost\": {\"cloud\": "
         "{\"method\": \"roofline\"}}}", "$.cloud: a100-80g-pcie cannot hold its part of "
         "llama2-70b: it needs 137.345 GB"},
        {"{\"extends\": \"@device-only.json\", \"edge_weight_bits\": 16, \"cost\": {\"edge\": "
         "{\"method\": \"roofline\"}}}", "$.edge: iphone13promax-paper cannot hold its part of "
         "llama2-7b: it needs 13.6"},
    };
    for (int c = 0; c < 2; c++) {
        char text[1024];
        const char *at = strchr(cases[c][0], '@');
        snprintf(text, sizeof text, "%.*s%s/scenarios/%s", (int)(at - cases[c][0]), cases[c][0],
                 PLSIM_SOURCE_DIR, at + 1);
        snprintf(path, sizeof path, "%s/unfit.json", dir);
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
        for (int cmd = 0; cmd < 2; cmd++) {
            snprintf(args, sizeof args, "%s %s%s", cmd ? "run -q" : "validate", path,
                     cmd ? " -o " : "");
            if (cmd)
                snprintf(args + strlen(args), sizeof args - strlen(args), "%s/out", dir);
            cr_expect_eq(th_run_plsim(args), 2, "plsim %s", args);
            struct stat st;
            cr_expect_neq(stat(path, &st), -1);
        }
        char out[400];
        snprintf(out, sizeof out, "%s/out/summary.json", dir);
        struct stat st;
        cr_expect_eq(stat(out, &st), -1, "nothing written for an input that does not fit");
        // the message names the side, what it needs and what it has
        struct sim_err err;
        scn_scenario_t *s = NULL;
        cr_expect_eq(scn_scenario_load(path, &s, &err), SIM_ERANGE);
        cr_expect(strstr(err.msg, cases[c][1]) != NULL, "%s", err.msg);
        cr_expect(strstr(err.msg, "and has") != NULL, "%s", err.msg);
    }
    th_remove_dir(dir);
}

Test(serving, work_past_the_bound_is_refused_before_it_starts)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "bound");
    scn_scenario_t *s = th_scenario_from(dir, CROWD("privatelora", "") "}");
    struct mdl_input in = *scn_scenario_input(s);
    struct mdl_estimate e;
    struct sim_err err;
    cr_assert_eq(mdl_input_estimate(&in, &e, &err), SIM_OK, "%s", err.msg);
    // LLaMA 2-7B PrivateLoRA: 32 round trips and a token's two messages a
    // decode step (plus the prefill's), per device
    cr_expect_eq(e.messages, 8.0 * (2 * 32 + 2), "%g messages", e.messages);
    in.workload.devices = 1000000;
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "GB of records, above plsim's 8 GB bound") != NULL, "%s", err.msg);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(serving, a_trace_holds_the_devices_asked_for)
{
    char dir[128], args[700], path[300];
    th_temp_dir(dir, sizeof dir, "tracedev");
    snprintf(path, sizeof path, "%s/t.json", dir);
    snprintf(args, sizeof args, "run paper-7b -q --no-compare --set workload.devices=6 --set "
             "workload.new_tokens=2 --trace %s --trace-devices 3-4", path);
    cr_assert_eq(th_run_plsim(args), 0, "plsim %s", args);
    size_t n = 0;
    char *text = th_slurp(path, &n);
    // every event names its device as the process: only 3 and 4 appear
    for (int d = 0; d < 6; d++) {
        char key[32];
        snprintf(key, sizeof key, "\"pid\":%d,", d);
        const int want = d == 3 || d == 4;
        cr_expect_eq(strstr(text, key) != NULL, want, "device %d %s", d,
                     want ? "missing" : "traced unasked");
    }
    free(text);
    snprintf(args, sizeof args, "run paper-7b -q --no-compare --trace %s --trace-devices 7", path);
    cr_expect_eq(th_run_plsim(args), 2, "a device that does not exist");
    th_remove_dir(dir);
}

Test(serving, capacity_is_the_cell_bound_closed_form)
{
    // N phones in lockstep share a 10 Mbps cell uplink, the GPU and the
    // radios ample: each prefill message takes N times as long, so
    // TTFT(N) = TTFT(1) + (N - 1) x U / C for U prefill uplink bytes per
    // phone. With the TTFT SLO set halfway between 11 and 12 phones,
    // capacity finds 11
#define CELL_BOUND(slo)                                                                        \
    CROWD("privatelora", "") ", \"cost\": {\"cloud\": {\"method\": "         \
    "\"roofline\"}}, \"cloud\": {\"name\": \"a100-80g-pcie\", \"peak_flops\": \"1e19 FLOPS\", "  \
    "\"memory_bandwidth\": 1e15}, \"cell\": {\"uplink\": \"10 Mbps\", \"downlink\": "            \
    "\"100 Gbps\"}" slo "}"
    struct sim_result one;
    run_text("cap1", CELL_BOUND(""), &one);
    const double U = one.summary.prefill_bytes_up_per_token * 32.0, C = 10e6 / 8.0;
    const double t1 = one.summary.ttft_s, slo = t1 + 10.5 * U / C;
    sim_result_free(&one);
    char json[2048], dir[128];
    snprintf(json, sizeof json, CELL_BOUND(", \"slo\": {\"ttft\": %.17g}"), slo);
    th_temp_dir(dir, sizeof dir, "capacity");
    scn_scenario_t *s = th_scenario_from(dir, json);
    struct ana_capacity cap;
    struct sim_err err;
    cr_assert_eq(ana_capacity_find(scn_scenario_input(s), 1.0, 64, 0.0, NULL, &cap, &err), SIM_OK,
                 "%s", err.msg);
    cr_expect_eq(cap.met, 11, "met at %lld phones, missed at %lld", (long long)cap.met,
                 (long long)cap.missed);
    cr_expect_eq(cap.missed, 12);
    for (int i = 0; i < cap.n_evals; i++) { // each run on the closed form
        const struct ana_capacity_eval *e = &cap.evals[i];
        cr_expect_eq(e->attainment, e->devices <= 11 ? 1.0 : 0.0, "%lld phones",
                     (long long)e->devices);
    }
    // without an SLO there is nothing to find
    struct mdl_input in = *scn_scenario_input(s);
    in.slo.ttft_s = 0.0;
    cr_expect_eq(ana_capacity_find(&in, 0.99, 64, 0.05, NULL, &cap, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "capacity needs an SLO") != NULL, "%s", err.msg);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}
