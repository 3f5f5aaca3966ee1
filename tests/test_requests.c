/*
 * tests/test_requests: requests whose lengths vary, drawn or read from an
 * arrival trace:
 *  - drawn lengths stay in their range, follow their distribution's
 *    median and 99th percentile, and the seed;
 *  - a request takes the time its own lengths take alone (one phone,
 *    one request after another);
 *  - an arrival trace's rows are the requests, dealt to the devices in
 *    turn, arriving when the trace says;
 *  - a malformed trace or distribution is refused, naming the file, the
 *    line or the key.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "models/requests.h"
#include "tests/helpers.h"
#include "tests/sim_helpers.h"

#define BASE "{\"extends\": \"@paper-7b.json\", \"link\": {\"rtt\": \"10 ms\"}, "

/* Loads dir/s.json of text, which must fail; returns the message. */
static void load_fails(const char *dir, const char *text, struct sim_err *err)
{
    th_write_file(dir, "s.json", text);
    char path[512];
    snprintf(path, sizeof path, "%s/s.json", dir);
    scn_scenario_t *s = NULL;
    cr_assert_eq(scn_scenario_load(path, &s, err), SIM_EINVAL, "loaded: %s", text);
}

static double quantile(double *v, size_t n, double q)
{
    gsl_sort(v, 1, n);
    return gsl_stats_quantile_from_sorted_data(v, 1, n, q);
}

Test(requests, drawn_lengths_follow_their_distribution_and_the_seed)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "draw");
    scn_scenario_t *s = th_scenario_from(
        dir, BASE "\"workload\": {\"prompt_tokens\": 16, \"new_tokens\": 20, \"devices\": 10000, "
                  "\"requests\": 2, \"prompt_dist\": {\"dist\": \"uniform\", \"min\": 8, \"max\": "
                  "24}, \"new_dist\": {\"dist\": \"lognormal\", \"median\": 20, \"p99\": 200, "
                  "\"max\": 400}}}");
    struct mdl_input in = *scn_scenario_input(s);
    struct mdl_requests a, b, c;
    mdl_requests_build(&in, &a);
    mdl_requests_build(&in, &b);
    in.seed = 7;
    mdl_requests_build(&in, &c);
    cr_assert_eq(a.n, 20000);
    double *prompt = calloc((size_t)a.n, sizeof *prompt), *out = calloc((size_t)a.n, sizeof *out);
    int64_t lo = 100, hi = 0, same_as_c = 0;
    for (int64_t i = 0; i < a.n; i++) {
        const struct mdl_request *q = &a.req[i];
        cr_assert(q->prompt_tokens >= 8 && q->prompt_tokens <= 24, "prompt %lld",
                  (long long)q->prompt_tokens);
        cr_assert(q->new_tokens >= 1 && q->new_tokens <= 400, "new %lld", (long long)q->new_tokens);
        cr_assert_eq(q->prompt_tokens, b.req[i].prompt_tokens);
        cr_assert_eq(q->new_tokens, b.req[i].new_tokens);
        same_as_c += q->new_tokens == c.req[i].new_tokens;
        lo = q->prompt_tokens < lo ? q->prompt_tokens : lo;
        hi = q->prompt_tokens > hi ? q->prompt_tokens : hi;
        prompt[i] = (double)q->prompt_tokens;
        out[i] = (double)q->new_tokens;
        // at-start: a device's first request at 0, the others when the loop says
        cr_assert(i % 2 == 0 ? q->arrival_s == 0.0 : isnan(q->arrival_s));
    }
    cr_expect_eq(lo, 8);
    cr_expect_eq(hi, 24);
    cr_expect(fabs(gsl_stats_mean(prompt, 1, (size_t)a.n) - 16.0) < 0.1, "uniform 8-24: mean %g",
              gsl_stats_mean(prompt, 1, (size_t)a.n));
    const double med = quantile(out, (size_t)a.n, 0.5), p99 = quantile(out, (size_t)a.n, 0.99);
    cr_expect(fabs(med - 20.0) <= 1.0, "lognormal: median %g of 20", med);
    cr_expect(fabs(p99 - 200.0) <= 20.0, "lognormal: p99 %g of 200", p99);
    cr_expect_lt(same_as_c, a.n / 4, "another seed drew the same lengths");
    cr_expect_eq(a.max_prompt_tokens, 24);
    // the work estimate counts the plans drawn lengths make the simulator
    // cache (a prefill per prompt length, a decode step per position) and
    // the steps up to the longest output: more than fixed lengths' estimate
    struct mdl_estimate drawn, fixed;
    struct sim_err err;
    cr_assert_eq(mdl_input_estimate(&in, &drawn, &err), SIM_OK, "%s", err.msg);
    struct mdl_input f = in;
    f.workload.prompt_dist.dist = f.workload.new_dist.dist = MDL_LEN_FIXED;
    cr_assert_eq(mdl_input_estimate(&f, &fixed, &err), SIM_OK, "%s", err.msg);
    cr_expect_gt(drawn.record_bytes, fixed.record_bytes);
    cr_expect_eq(drawn.messages / fixed.messages > 1.0, 1, "an upper bound: outputs up to 400");
    free(prompt);
    free(out);
    mdl_requests_free(&a);
    mdl_requests_free(&b);
    mdl_requests_free(&c);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(requests, each_request_takes_the_time_of_its_own_lengths_alone)
{
    // one phone, three requests one after another: each behaves as a run
    // of its lengths alone
    char dir[128];
    th_temp_dir(dir, sizeof dir, "alone");
    scn_scenario_t *s = th_scenario_from(
        dir, BASE "\"workload\": {\"prompt_tokens\": 16, \"new_tokens\": 4, \"requests\": 3, "
                  "\"prompt_dist\": {\"dist\": \"uniform\", \"min\": 8, \"max\": 64}, "
                  "\"new_dist\": {\"dist\": \"uniform\", \"min\": 2, \"max\": 9}}}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    cr_assert_eq(r.n_requests, 3);
    int64_t distinct = 0;
    for (int64_t i = 0; i < r.n_requests; i++) {
        const struct sim_request_record *q = &r.requests[i];
        distinct += i > 0 && q->prompt_tokens != r.requests[i - 1].prompt_tokens;
        char text[512];
        snprintf(text, sizeof text, BASE "\"workload\": {\"prompt_tokens\": %lld, "
                 "\"new_tokens\": %lld}}", (long long)q->prompt_tokens,
                 (long long)q->new_tokens);
        scn_scenario_t *one = th_scenario_from(dir, text);
        struct sim_result alone;
        th_simulate(dir, one, &alone);
        const struct sim_request_record *w = &alone.requests[0];
        cr_expect(fabs(q->ttft_s - w->ttft_s) <= 1e-9 * w->ttft_s,
                  "request %lld (%lld + %lld tokens): TTFT %.15g s, alone %.15g s", (long long)i,
                  (long long)q->prompt_tokens, (long long)q->new_tokens, q->ttft_s, w->ttft_s);
        cr_expect(fabs(q->e2e_s - w->e2e_s) <= 1e-9 * w->e2e_s,
                  "request %lld: e2e %.15g s, alone %.15g s", (long long)i, q->e2e_s, w->e2e_s);
        sim_result_free(&alone);
        scn_scenario_destroy(one);
    }
    cr_expect_gt(distinct, 0, "the draws gave every request the same prompt");
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(requests, a_trace_deals_its_rows_to_the_devices_in_turn)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "trace");
    // columns in another order and an extra one: found by name
    th_write_file(dir, "arrivals.csv", "user,new_tokens,arrival_s,prompt_tokens\n"
                                    "a,8,0,64\n"
                                    "b, 4, 0.25, 128\n"
                                    "\n"
                                    "c,16,0.5,32\r\n"
                                    "d,2,3.0,256\n"
                                    "e,1,3.5,16\n");
    scn_scenario_t *s = th_scenario_from(
        dir, BASE "\"workload\": {\"prompt_tokens\": 16, \"new_tokens\": 4, \"devices\": 2, "
                  "\"arrival\": \"trace\", \"trace\": \"arrivals.csv\"}}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    static const struct {
        int dev, req;
        double arrival_s;
        int prompt, out;
    } want[] = {{0, 0, 0.0, 64, 8}, {0, 1, 0.5, 32, 16}, {0, 2, 3.5, 16, 1},
                {1, 0, 0.25, 128, 4}, {1, 1, 3.0, 256, 2}};
    cr_assert_eq(r.n_requests, 5);
    int64_t steps = 0;
    for (int i = 0; i < 5; i++) {
        const struct sim_request_record *q = &r.requests[i];
        cr_expect_eq(q->device, want[i].dev);
        cr_expect_eq(q->request, want[i].req);
        cr_expect_eq(q->arrival_s, want[i].arrival_s);
        cr_expect_eq(q->prompt_tokens, want[i].prompt);
        cr_expect_eq(q->new_tokens, want[i].out);
        cr_expect_geq(q->ttft_s, 0.0);
        cr_expect_gt(q->done_s, q->arrival_s);
        steps += want[i].out; // a prefill and new_tokens - 1 decode steps
    }
    cr_expect_eq(r.n_steps, steps);
    // device 0's second request arrives while its first decodes: it waits
    cr_expect_gt(r.requests[1].ttft_s, r.requests[3].ttft_s);
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(requests, bad_traces_and_distributions_are_refused_with_where)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "badtrace");
    static const struct {
        const char *csv, *workload, *want;
    } cases[] = {
        {"arrival_s,prompt_tokens\n0,8\n", "\"arrival\": \"trace\", \"trace\": \"t.csv\"",
         "t.csv:1: no column \"new_tokens\""},
        {"arrival_s,prompt_tokens,new_tokens\n0,8,2\n0.5,x,2\n",
         "\"arrival\": \"trace\", \"trace\": \"t.csv\"",
         "t.csv:3: column \"prompt_tokens\": expected a finite number, found \"x\""},
        {"arrival_s,prompt_tokens,new_tokens\n1,8,2\n0.5,8,2\n",
         "\"arrival\": \"trace\", \"trace\": \"t.csv\"", "rows come in order of arrival"},
        {"arrival_s,prompt_tokens,new_tokens\n0,8.5,2\n",
         "\"arrival\": \"trace\", \"trace\": \"t.csv\"", "prompt_tokens expected a whole number"},
        {"arrival_s,prompt_tokens,new_tokens\n", "\"arrival\": \"trace\", \"trace\": \"t.csv\"",
         "a header and no rows"},
        {NULL, "\"arrival\": \"trace\", \"trace\": \"missing.csv\"", "missing.csv: cannot read"},
        {NULL, "\"arrival\": \"trace\"", "$.workload.trace: an arrival trace needs a CSV"},
        {"arrival_s,prompt_tokens,new_tokens\n0,8,2\n", "\"trace\": \"t.csv\"",
         "$.workload.trace: only a trace arrival reads one"},
        {"arrival_s,prompt_tokens,new_tokens\n0,8,2\n",
         "\"arrival\": \"trace\", \"trace\": \"t.csv\", \"requests\": 2",
         "$.workload.requests: a trace's rows are the requests"},
        {NULL, "\"prompt_dist\": {\"dist\": \"uniform\", \"min\": 9, \"max\": 8}",
         "$.workload.prompt_dist: a uniform length needs whole numbers 1 <= min <= max"},
        {NULL, "\"new_dist\": {\"dist\": \"lognormal\", \"median\": 20, \"p99\": 10, \"max\": 40}",
         "$.workload.new_dist: a lognormal length needs a median >= 1, a p99 above"},
        {NULL, "\"new_dist\": {\"dist\": \"lognormal\", \"median\": 20, \"p99\": 200, "
               "\"max\": 5000}", "exceeds the 4096-token context"},
        {NULL, "\"new_dist\": {\"dist\": \"zipf\"}", "$.workload.new_dist.dist"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].csv != NULL)
            th_write_file(dir, "t.csv", cases[i].csv);
        char text[1024];
        snprintf(text, sizeof text, "{\"extends\": \"%s/scenarios/paper-7b.json\", \"workload\": "
                 "{%s}}", PLSIM_SOURCE_DIR, cases[i].workload);
        struct sim_err err;
        load_fails(dir, text, &err);
        cr_expect(strstr(err.msg, cases[i].want) != NULL, "case %zu: %s", i, err.msg);
    }
    th_remove_dir(dir);
}
