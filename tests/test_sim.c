/*
 * tests/test_sim: the SimGrid replay against closed-form arithmetic.
 *
 * The closed form is computed here without SimGrid: walking each step's
 * plan, a compute stage starts when its side is free and its
 * dependencies are done and lasts the cost model's time; a message
 * leaves when its sender reaches it and arrives latency + bytes /
 * bandwidth later; at the end of a step a side has all its messages.
 * With CM02, no cross-traffic and TCP-gamma 1e30 the simulated step ends
 * must equal it to 1e-9 relative.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/platform.h"
#include "tests/helpers.h"
#include "tests/sim_helpers.h"
#include "models/cost.h"
#include "scenarios/scenario.h"
#include "sim/run.h"

#define SRC PLSIM_SOURCE_DIR

/* Step end times by the closed form; returns the number of steps. */
static int closed_form(const scn_scenario_t *s, double *step_end, int cap)
{
    const struct mdl_workload *w = &scn_scenario_input(s)->workload;
    const struct mdl_link *l = &scn_scenario_input(s)->link;
    const double lat = l->rtt_s.value / 2, bw_up = l->uplink_Bps.value;
    const double bw_down = l->downlink_Bps.value;
    double clock[2] = {0, 0};
    const int n_steps = (int)w->new_tokens;
    cr_assert_leq(n_steps, cap);
    for (int k = 0; k < n_steps; k++) {
        struct ref_plan_opts o = scn_scenario_input(s)->plan;
        o.phase = k == 0 ? REF_PHASE_PREFILL : REF_PHASE_DECODE;
        o.n_tokens = k == 0 ? w->prompt_tokens : 1;
        o.pos = k == 0 ? 0 : w->prompt_tokens + k - 1;
        struct ref_plan *p = NULL;
        struct sim_err err;
        cr_assert_eq(ref_plan_build(&scn_scenario_input(s)->model, &o, &p, &err), SIM_OK, "%s", err.msg);
        double *f = calloc((size_t)p->n_stages, sizeof *f);
        double end = 0;
        for (int i = 0; i < p->n_stages; i++) {
            const struct ref_stage *st = &p->stages[i];
            const int side = st->kind == REF_STAGE_COMPUTE ? (int)st->place
                             : st->place == REF_LINK_UP ? REF_EDGE : REF_CLOUD;
            double ready = clock[side];
            for (int d = 0; d < st->n_deps; d++)
                ready = fmax(ready, f[st->deps[d]]);
            if (st->kind == REF_STAGE_COMPUTE) {
                f[i] = ready + mdl_cost_stage_s(&scn_scenario_input(s)->cost[st->place], st);
                clock[side] = f[i];
            } else {
                const double bw = st->place == REF_LINK_UP ? bw_up : bw_down;
                const int counted = st->place == REF_LINK_UP || scn_scenario_input(s)->downlink_counted;
                clock[side] = ready;
                f[i] = ready + lat + (counted ? (double)st->msg_bytes / bw : 0.0);
            }
            end = fmax(end, f[i]);
        }
        for (int i = 0; i < p->n_stages; i++) // each side waits its messages
            if (p->stages[i].kind == REF_STAGE_MESSAGE) {
                const int to = p->stages[i].place == REF_LINK_UP ? REF_CLOUD : REF_EDGE;
                clock[to] = fmax(clock[to], f[i]);
            }
        step_end[k] = end;
        free(f);
        ref_plan_destroy(p);
    }
    return n_steps;
}

// ---- closed form, parameterised ----

struct cf_case {
    char name[32];
    char json[640];
};

/* A tiny model on roofline costs, then variations. */
#define TINY_HEAD "{\"extends\": \"@paper-7b.json\", \"model\": \"tiny\", \"rank\": 8"
#define TINY_COST(extra) ", \"cost\": {\"cloud\": {\"method\": \"roofline\"" extra "}}"
#define TINY_WL(extra) ", \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 4" extra "}"
#define TINY TINY_HEAD TINY_COST("") TINY_WL("")
#define BIG(m) "{\"extends\": \"@" m "\", \"workload\": {\"prompt_tokens\": 32, \"new_tokens\": 3}"

static struct cf_case cf_cases[] = {
    {"tiny-pl", TINY "}"},
    {"tiny-pl-overlap", TINY ", \"timing\": \"overlap\"}"},
    {"tiny-pl-rtt47", TINY ", \"link\": {\"rtt\": \"47 ms\"}}"},
    {"tiny-pl-rtt47-overlap", TINY ", \"link\": {\"rtt\": \"47 ms\"}, \"timing\": \"overlap\"}"},
    {"tiny-naive-rtt10", TINY ", \"mode\": \"naive-split\", \"link\": {\"rtt\": \"10 ms\"}}"},
    {"tiny-naive-overlap", TINY ", \"mode\": \"naive-split\", \"timing\": \"overlap\", "
                           "\"link\": {\"rtt\": \"3 ms\"}}"},
    {"tiny-first-k", TINY ", \"mode\": \"privatelora-first-k\", \"first_k\": 2, "
                     "\"link\": {\"rtt\": \"5 ms\"}}"},
    {"tiny-device-only", TINY ", \"mode\": \"device-only\"}"},
    // cloud-only pipelines tokens: compute is slowed so that consecutive
    // token messages never share the downlink (sharing is not in the
    // closed form; the sharing test covers it)
    {"tiny-cloud-only", TINY_HEAD TINY_COST(", \"memory_efficiency\": 0.0001") TINY_WL("")
                        ", \"mode\": \"cloud-only\", \"link\": {\"rtt\": \"20 ms\"}}"},
    {"tiny-asym-ranks", TINY ", \"rank_c2d\": 8, \"rank_d2c\": 4, \"link\": {\"rtt\": \"2 ms\"}}"},
    {"tiny-two-layers", TINY ", \"adapted_layers\": [1, 3], \"link\": {\"rtt\": \"9 ms\"}}"},
    {"tiny-batch4", TINY_HEAD TINY_COST("") TINY_WL(", \"batch\": 4")
                    ", \"link\": {\"rtt\": \"4 ms\"}}"},
    {"tiny-int8", TINY ", \"transfer\": \"int8\", \"link\": {\"uplink\": \"1 Mbps\", "
                  "\"downlink\": \"2 Mbps\", \"rtt\": \"1 ms\"}, \"timing\": \"overlap\"}"},
    {"tiny-slow-link", TINY ", \"link\": {\"uplink\": \"100 kbps\", \"downlink\": \"1 Mbps\", "
                       "\"rtt\": \"150 ms\"}}"},
    {"7b-paper", BIG("paper-7b.json") "}"},
    {"7b-paper-uplink-only", BIG("paper-7b.json") ", \"accounting\": {\"downlink\": \"ignored\"}, "
                             "\"link\": {\"rtt\": \"6 ms\"}}"},
    {"7b-realistic", BIG("realistic-5g-us.json") "}"},
    {"7b-realistic-overlap", BIG("realistic-5g-us.json") ", \"timing\": \"overlap\"}"},
    {"13b-imt2020-r128", BIG("paper-13b.json") ", \"rank\": 128, \"link\": \"imt2020-5g\"}"},
    {"7b-lora-all", BIG("lora-all-layers.json") "}"},
    {"7b-lora-two", BIG("lora-two-layers.json") ", \"link\": \"lte-us-2020\"}"},
    // 70B at 4 bits: 34 GB of weights, which an 80 GB A100 holds
    {"70b-gqa-slow", "{\"extends\": \"@paper-7b.json\", \"model\": \"llama2-70b\", "
                     "\"cloud_weight_bits\": 4, "
                     "\"cost\": {\"cloud\": {\"method\": \"roofline\"}}, \"link\": {\"uplink\": "
                     "\"5 Mbps\", \"rtt\": \"100 ms\"}, \"workload\": {\"prompt_tokens\": 16, "
                     "\"new_tokens\": 2}}"},
    {"30b-cloud-only", BIG("paper-30b.json") ", \"mode\": \"cloud-only\", \"link\": \"wifi-home-us-2022\"}"},
    {"7b-device-only", BIG("device-only.json") "}"},
};

ParameterizedTestParameters(sim_run, step_times_equal_the_closed_form)
{
    return cr_make_param_array(struct cf_case, cf_cases, sizeof cf_cases / sizeof cf_cases[0]);
}

ParameterizedTest(struct cf_case *c, sim_run, step_times_equal_the_closed_form)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, c->name);
    scn_scenario_t *s = th_scenario_from(dir, c->json);
    struct sim_result r;
    th_simulate(dir, s, &r);
    double want[64];
    const int n = closed_form(s, want, 64);
    cr_assert_eq(r.n_steps, n);
    for (int k = 0; k < n; k++) {
        const double got = r.steps[k].end_s;
        cr_expect(fabs(got - want[k]) <= 1e-9 * want[k], "%s step %d: simulated %.15g s, closed "
                  "form %.15g s", c->name, k, got, want[k]);
        // the breakdown accounts for the whole step
        const double dur = r.steps[k].end_s - r.steps[k].start_s;
        cr_expect(fabs(sim_breakdown_total(&r.steps[k].b) - dur) <= 1e-9 * dur,
                  "%s step %d: breakdown %.15g of %.15g s", c->name, k,
                  sim_breakdown_total(&r.steps[k].b), dur);
    }
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

// ---- the latency-bound case of the issue ----

Test(sim_run, privatelora_7b_at_47ms_pays_one_rtt_per_layer_plus_one)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "rtt47");
    scn_scenario_t *s = th_scenario_from(dir, BIG("realistic-5g-us.json") "}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    // one decode step: 32 round trips + half an RTT up + half down = 33 RTT
    const struct sim_step_record *d = &r.steps[1];
    cr_expect(fabs(d->b.latency_s - 33 * 0.047) < 1e-12, "latency %.15g s", d->b.latency_s);
    double decode_s = 0; // the two decode steps, at contexts 32 and 33
    for (int64_t pos = 32; pos <= 33; pos++) {
        struct ref_plan_opts o = scn_scenario_input(s)->plan;
        o.phase = REF_PHASE_DECODE;
        o.n_tokens = 1;
        o.pos = pos;
        struct ref_plan *p = NULL;
        struct sim_err err;
        cr_assert_eq(ref_plan_build(&scn_scenario_input(s)->model, &o, &p, &err), SIM_OK);
        double closed = 33 * 0.047;
        for (int i = 0; i < p->n_stages; i++) {
            const struct ref_stage *st = &p->stages[i];
            if (st->kind == REF_STAGE_COMPUTE)
                closed += mdl_cost_stage_s(&scn_scenario_input(s)->cost[st->place], st);
            else
                closed += (double)st->msg_bytes /
                          (st->place == REF_LINK_UP ? 14.56e6 / 8 : 265.8e6 / 8);
        }
        const struct sim_step_record *sr = &r.steps[pos - 31];
        const double got = sr->end_s - sr->start_s;
        cr_expect(fabs(got - closed) <= 1e-9 * closed, "step %.15g s, closed form %.15g s", got,
                  closed);
        cr_expect_gt(sr->b.latency_s / got, 0.95, "latency must dominate");
        decode_s += closed;
        ref_plan_destroy(p);
    }
    cr_expect(fabs(r.summary.decode_tps - 2.0 / decode_s) <= 1e-9 * r.summary.decode_tps,
              "decode %.15g tokens/s, closed form %.15g", r.summary.decode_tps, 2.0 / decode_s);
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(sim_run, devices_sharing_a_cell_slow_each_other_down)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "share");
    scn_scenario_t *one = th_scenario_from(dir, TINY ", \"link\": {\"uplink\": \"200 kbps\"}}");
    struct sim_result r1, r4;
    th_simulate(dir, one, &r1);
    // four phones, each with its own 200 kbps radio, in one cell of 200 kbps
    scn_scenario_t *four = th_scenario_from(dir, TINY_HEAD TINY_COST("") TINY_WL(", \"devices\": 4")
                                                 ", \"link\": {\"uplink\": \"200 kbps\"}, \"cell\": "
                                                 "{\"uplink\": \"200 kbps\", \"downlink\": \"1 Gbps\"}}");
    th_simulate(dir, four, &r4);
    cr_expect_eq(r4.n_steps, 4 * r1.n_steps);
    cr_expect_lt(r4.summary.decode_tps, r1.summary.decode_tps);
    cr_expect_gt(r4.summary.decode_per_token.waiting_s, 0.0);
    // the shared uplink carries at most its capacity: 200 kbps = 25,000 B/s
    cr_expect_leq(r4.summary.aggregate_decode_tps * r4.summary.bytes_up_per_token, 25000.0 * 1.000001);
    cr_expect_gt(r4.summary.aggregate_decode_tps, r1.summary.decode_tps); // devices interleave
    sim_result_free(&r1);
    sim_result_free(&r4);
    scn_scenario_destroy(one);
    scn_scenario_destroy(four);
    th_remove_dir(dir);
}

Test(sim_run, a_saturated_cell_carries_its_capacity)
{
    // 32 phones on fast radios in a 100 kbps-up cell: the cell is the
    // bottleneck, so the uplink bytes per second are the cell's capacity
    char dir[128];
    th_temp_dir(dir, sizeof dir, "cellbound");
    scn_scenario_t *s = th_scenario_from(
        dir, TINY_HEAD TINY_COST("") ", \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 24, "
             "\"devices\": 32}, \"link\": {\"uplink\": \"1 Gbps\", \"downlink\": \"1 Gbps\"}, "
             "\"cell\": {\"uplink\": \"100 kbps\", \"downlink\": \"1 Gbps\"}}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    const double Bps = r.summary.aggregate_decode_tps * r.summary.bytes_up_per_token;
    cr_expect(fabs(Bps - 12500.0) <= 0.03 * 12500.0, "the cell carried %.1f B/s of 12500", Bps);
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(sim_run, phones_that_share_nothing_each_run_at_the_single_phone_closed_form)
{
    // eight PrivateLoRA phones, each on its own radio (no cell), on a GPU so
    // fast that batching costs nothing: every phone's steps end when one
    // phone's would
    char dir[128];
    th_temp_dir(dir, sizeof dir, "ample");
    scn_scenario_t *s = th_scenario_from(
        dir, TINY_HEAD ", \"cost\": {\"cloud\": {\"method\": \"roofline\"}}, \"cloud\": {\"name\": "
             "\"a100-80g-pcie\", \"peak_flops\": \"1e19 FLOPS\", \"memory_bandwidth\": 1e15}"
             TINY_WL(", \"devices\": 8") ", \"link\": {\"rtt\": \"10 ms\"}}");
    struct sim_result r;
    th_simulate(dir, s, &r);
    double want[64];
    const int n = closed_form(s, want, 64);
    cr_assert_eq(r.n_steps, 8 * n);
    for (int64_t i = 0; i < r.n_steps; i++) {
        const struct sim_step_record *st = &r.steps[i];
        // (a batch of 8 still adds 8 phones' FLOPs and KV bytes: on this
        // GPU under a nanosecond a step, 1e-8 of it)
        cr_expect(fabs(st->end_s - want[st->step]) <= 1e-8 * want[st->step],
                  "device %d step %d: %.15g s, one phone alone %.15g s", st->device, st->step,
                  st->end_s, want[st->step]);
    }
    cr_expect_eq(r.summary.max_batch_sequences, 8);
    sim_result_free(&r);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(sim_run, message_overhead_costs_each_message_its_senders_and_receivers)
{
    // PrivateLoRA on the tiny model (4 layers): a decode step is 5 round
    // trips in a chain, each message paying its sender's software time and
    // then its receiver's: 2 x 5 x (edge + cloud) more a step, all of it
    // shown as message overhead
    char dir[128];
    th_temp_dir(dir, sizeof dir, "overhead");
    scn_scenario_t *plain = th_scenario_from(dir, TINY ", \"link\": {\"rtt\": \"10 ms\"}}");
    scn_scenario_t *slow = th_scenario_from(
        dir, TINY ", \"link\": {\"rtt\": \"10 ms\"}, \"edge\": {\"message_overhead\": "
                  "\"1 ms\"}, \"cloud\": {\"message_overhead\": \"0.25 ms\"}}");
    struct sim_result a, b;
    th_simulate(dir, plain, &a);
    th_simulate(dir, slow, &b);
    const double want = 2.0 * 5.0 * (1e-3 + 0.25e-3);
    const double got = b.summary.decode_step_s - a.summary.decode_step_s;
    cr_expect(fabs(got - want) <= 1e-9 * b.summary.decode_step_s,
              "a decode step got %.15g s longer, want %.15g", got, want);
    cr_expect(fabs(b.summary.decode_per_token.overhead_s - want) <= 1e-9 * want,
              "breakdown: %.15g s of overhead, want %.15g", b.summary.decode_per_token.overhead_s,
              want);
    cr_expect_eq(a.summary.decode_per_token.overhead_s, 0.0);
    // the other causes are those of the run without overhead
    cr_expect(fabs(b.summary.decode_per_token.latency_s - a.summary.decode_per_token.latency_s) <=
              1e-9 * a.summary.decode_per_token.latency_s);
    cr_expect(fabs(sim_breakdown_total(&b.summary.decode_per_token) - b.summary.decode_step_s) <=
              1e-9 * b.summary.decode_step_s);
    sim_result_free(&a);
    sim_result_free(&b);
    scn_scenario_destroy(plain);
    scn_scenario_destroy(slow);
    th_remove_dir(dir);
}

/* The tiny model's PrivateLoRA decode on a 10 ms link with the link
 * keys extra, n requests of 4 tokens one after another on one phone. */
static void run_link(const char *dir, const char *extra, int n, struct sim_result *r)
{
    char text[1024];
    snprintf(text, sizeof text, TINY_HEAD TINY_COST("") ", \"workload\": {\"prompt_tokens\": 8, "
             "\"new_tokens\": 4, \"requests\": %d}, \"link\": {\"rtt\": \"10 ms\"%s}}", n, extra);
    scn_scenario_t *s = th_scenario_from(dir, text);
    th_simulate(dir, s, r);
    scn_scenario_destroy(s);
}

Test(sim_run, jitter_adds_its_mean_to_every_message)
{
    // exponential jitter of mean j on each of a decode step's 10 messages
    // (5 round trips): 10 j a step on average, over 900 steps within 5 %
    char dir[128];
    th_temp_dir(dir, sizeof dir, "jitter");
    struct sim_result a, b;
    run_link(dir, "", 300, &a);
    run_link(dir, ", \"jitter\": \"5 ms\"", 300, &b);
    const double added = b.summary.decode_step_s - a.summary.decode_step_s, want = 10 * 5e-3;
    cr_expect(fabs(added - want) <= 0.05 * want, "jitter added %.6f s a step, want %.6f", added,
              want);
    // shown as latency, and the breakdown still adds up to the step
    const double lat = b.summary.decode_per_token.latency_s - a.summary.decode_per_token.latency_s;
    cr_expect(fabs(lat - added) <= 1e-6 * want, "latency grew %.9f s of %.9f", lat, added);
    cr_expect(fabs(sim_breakdown_total(&b.summary.decode_per_token) - b.summary.decode_step_s) <=
              1e-9 * b.summary.decode_step_s);
    sim_result_free(&a);
    sim_result_free(&b);
    th_remove_dir(dir);
}

Test(sim_run, loss_adds_its_expected_timeouts)
{
    // a message lost with chance p is sent again an RTO R after: it waits
    // R p / (1 - p) on average; 10 messages a decode step, 2100 steps
    char dir[128];
    th_temp_dir(dir, sizeof dir, "loss");
    struct sim_result a, b;
    run_link(dir, "", 700, &a);
    run_link(dir, ", \"loss\": 0.05, \"rto\": \"200 ms\"", 700, &b);
    const double added = b.summary.decode_step_s - a.summary.decode_step_s;
    const double want = 10 * 0.2 * 0.05 / 0.95;
    cr_expect(fabs(added - want) <= 0.10 * want, "loss added %.6f s a step, want %.6f", added,
              want);
    cr_expect_gt(b.summary.retransmissions, 0);
    cr_expect(fabs(b.summary.retransmit_s - 0.2 * (double)b.summary.retransmissions) <= 1e-9,
              "%lld retransmissions cost %.9f s", (long long)b.summary.retransmissions,
              b.summary.retransmit_s);
    cr_expect(b.summary.decode_per_token.retransmit_s > 0.9 * added);
    cr_expect_eq(b.n_steps, a.n_steps); // no token lost
    sim_result_free(&a);
    sim_result_free(&b);
    th_remove_dir(dir);
}

Test(sim_run, an_outage_delays_the_end_by_its_length)
{
    // at 1 s RTT a message is in flight almost all the time: an outage of
    // 0.7 s that begins while the first decode step's uplink message flies
    // holds it 0.7 s, and every later stage with it
    char dir[128];
    th_temp_dir(dir, sizeof dir, "outage");
    char text[1024];
    snprintf(text, sizeof text, TINY ", \"link\": {\"rtt\": \"1 s\"}}");
    scn_scenario_t *s = th_scenario_from(dir, text);
    struct sim_result a, b;
    th_simulate(dir, s, &a);
    scn_scenario_destroy(s);
    const double start = a.steps[0].end_s + 0.25; // the first decode message is in flight
    snprintf(text, sizeof text, TINY ", \"link\": {\"rtt\": \"1 s\", \"outages\": [{\"start\": "
             "%.17g, \"duration\": 0.7}]}}", start);
    s = th_scenario_from(dir, text);
    th_simulate(dir, s, &b);
    scn_scenario_destroy(s);
    cr_expect(fabs(b.summary.makespan_s - a.summary.makespan_s - 0.7) <= 1e-9,
              "the end moved by %.12f s", b.summary.makespan_s - a.summary.makespan_s);
    cr_expect_eq(b.n_steps, a.n_steps);
    cr_expect_eq(b.summary.outage_messages, 1);
    cr_expect_eq(b.summary.outage_stalled_tokens, 1);
    cr_expect(fabs(b.summary.outage_s - 0.7) <= 1e-12);
    cr_expect(fabs(b.steps[1].b.outage_s - 0.7) <= 1e-9, "step 1 shows %.9f s of outage",
              b.steps[1].b.outage_s);
    sim_result_free(&a);
    sim_result_free(&b);
    th_remove_dir(dir);
}

/* The tiny split model, 12 new tokens a request, over a 100 ms RTT with
 * the link's extra keys (a fallback, outages) after it. */
#define FB_TEXT(wl, link) TINY_HEAD TINY_COST("") ", \"workload\": {\"prompt_tokens\": 8, " \
    "\"new_tokens\": 12" wl "}, \"link\": {\"rtt\": \"100 ms\"" link "}}"
#define FB_LINK ", \"fallback\": \"device-only\", \"fallback_timeout\": \"0.5 s\", " \
    "\"outages\": [{\"start\": %.17g, \"duration\": %g}]"

Test(sim_run, a_phone_that_falls_back_ends_as_it_would_alone)
{
    // an outage of 3 s begins mid-step; after 0.5 s of silence the phone
    // makes the rest of the request alone: a device-only prefill of the
    // context so far, then device-only decode steps. So the request ends
    // exactly when a device-only run of that context and those tokens,
    // begun at the detection, would end.
    char dir[128];
    th_temp_dir(dir, sizeof dir, "fallback");
    char text[1024];
    struct sim_result a, b, c;
    th_simulate_text(dir, FB_TEXT("", ""), &a);
    const double start = a.steps[2].start_s + 0.25, detect = start + 0.5;
    snprintf(text, sizeof text, FB_TEXT("", FB_LINK), start, 3.0);
    th_simulate_text(dir, text, &b);
    int64_t K = 0;
    while (K < b.n_steps && !b.steps[K].alone)
        K++;
    cr_assert_eq(K, 2, "the phone went on alone from step %lld", (long long)K);
    for (int64_t j = K; j < b.n_steps; j++)
        cr_expect(b.steps[j].alone, "step %lld was not made alone", (long long)j);
    cr_expect_eq(b.n_steps, a.n_steps); // every token made
    cr_expect_eq(b.summary.fallbacks, 1);
    cr_expect_eq(b.summary.fallback_tokens, 12 - K);
    // the step given up shows as outage, from its start to the detection
    cr_expect(fabs(b.steps[K].b.outage_s - (detect - b.steps[K].start_s)) <= 1e-9,
              "step %lld shows %.9f s of outage", (long long)K, b.steps[K].b.outage_s);
    snprintf(text, sizeof text, TINY_HEAD TINY_COST("") ", \"mode\": \"device-only\", "
             "\"workload\": {\"prompt_tokens\": %lld, \"new_tokens\": %lld}}",
             (long long)(8 + K), (long long)(12 - K));
    th_simulate_text(dir, text, &c);
    cr_expect(fabs(b.summary.makespan_s - (detect + c.summary.makespan_s)) <= 1e-9,
              "ended at %.12f s, alone from %.12f s it takes %.12f s", b.summary.makespan_s,
              detect, c.summary.makespan_s);
    sim_result_free(&a);
    sim_result_free(&b);
    sim_result_free(&c);
    th_remove_dir(dir);
}

Test(sim_run, an_outage_within_the_timeout_changes_nothing)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "fallback-short");
    char text[1024];
    struct sim_result a, b;
    th_simulate_text(dir, FB_TEXT("", ""), &a);
    const double start = a.steps[2].start_s + 0.25;
    sim_result_free(&a);
    snprintf(text, sizeof text, FB_TEXT("", ", \"outages\": [{\"start\": %.17g, \"duration\": "
             "0.4}]"), start);
    th_simulate_text(dir, text, &a);
    snprintf(text, sizeof text, FB_TEXT("", FB_LINK), start, 0.4);
    th_simulate_text(dir, text, &b);
    cr_expect_eq(b.summary.fallbacks, 0);
    cr_assert_eq(b.n_steps, a.n_steps);
    for (int64_t j = 0; j < a.n_steps; j++)
        cr_expect_eq(b.steps[j].end_s, a.steps[j].end_s, "step %lld", (long long)j);
    sim_result_free(&a);
    sim_result_free(&b);
    th_remove_dir(dir);
}

Test(sim_run, after_a_fallback_requests_go_split_again_once_the_link_is_back)
{
    // three requests, 4 s apart: the first falls back in a 3 s outage;
    // the next begin after it, over the split again, and take exactly the
    // time they take on a link that never failed. Back to back instead,
    // the next request begins in the outage and is made alone outright.
    char dir[128];
    th_temp_dir(dir, sizeof dir, "fallback-next");
    char text[1024];
    struct sim_result a, b, c;
    th_simulate_text(dir, FB_TEXT(", \"requests\": 3, \"think\": \"4 s\"", ""), &a);
    const double start = a.steps[2].start_s + 0.25;
    snprintf(text, sizeof text, FB_TEXT(", \"requests\": 3, \"think\": \"4 s\"", FB_LINK), start,
             3.0);
    th_simulate_text(dir, text, &b);
    cr_expect_eq(b.summary.fallbacks, 1);
    cr_assert_eq(b.n_requests, 3);
    for (int r = 1; r < 3; r++) {
        cr_expect(fabs(b.requests[r].ttft_s - a.requests[r].ttft_s) <= 1e-9, "request %d", r);
        cr_expect(fabs(b.requests[r].e2e_s - a.requests[r].e2e_s) <= 1e-9, "request %d", r);
    }
    snprintf(text, sizeof text, FB_TEXT(", \"requests\": 2, \"think\": 0", FB_LINK), start, 3.0);
    th_simulate_text(dir, text, &c);
    cr_expect_eq(c.summary.fallbacks, 2);
    cr_expect_eq(c.summary.fallback_tokens, 12 - 2 + 12);
    for (int64_t j = 12; j < c.n_steps; j++)
        cr_expect(c.steps[j].alone && c.steps[j].request == 1, "step %lld", (long long)j);
    sim_result_free(&a);
    sim_result_free(&b);
    sim_result_free(&c);
    th_remove_dir(dir);
}

/* The tiny model on a link that follows dir/t.csv (rows given), its
 * other link keys extra. */
static void run_trace(const char *dir, const char *rows, const char *extra, struct sim_result *r)
{
    char text[1024];
    th_write_file(dir, "t.csv", rows);
    snprintf(text, sizeof text, TINY_HEAD TINY_COST("") ", \"workload\": {\"prompt_tokens\": 8, "
             "\"new_tokens\": 24}, \"link\": {\"trace\": \"t.csv\"%s}}", extra);
    scn_scenario_t *s = th_scenario_from(dir, text);
    th_simulate(dir, s, r);
    scn_scenario_destroy(s);
}

Test(sim_run, a_link_trace_replays_its_rates_and_rtt)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "linktrace");
    static const char *const head = "time_s,uplink_Mbps,downlink_Mbps,rtt_ms\n";
    char rows[512];
    // a constant trace is the constant link, to 1e-9, looping or not
    struct sim_result flat, cst, cst_loop;
    scn_scenario_t *s = th_scenario_from(dir, TINY_HEAD TINY_COST("") ", \"workload\": "
                                              "{\"prompt_tokens\": 8, \"new_tokens\": 24}, "
                                              "\"link\": {\"uplink\": \"2 Mbps\", \"downlink\": "
                                              "\"20 Mbps\", \"rtt\": \"10 ms\"}}");
    th_simulate(dir, s, &flat);
    scn_scenario_destroy(s);
    snprintf(rows, sizeof rows, "%s0,2,20,10\n0.05,2,20,10\n", head);
    run_trace(dir, rows, "", &cst);
    run_trace(dir, rows, ", \"trace_end\": \"loop\"", &cst_loop);
    cr_assert_eq(cst.n_steps, flat.n_steps);
    for (int64_t i = 0; i < flat.n_steps; i++) {
        cr_expect(fabs(cst.steps[i].end_s - flat.steps[i].end_s) <= 1e-9 * flat.steps[i].end_s,
                  "step %lld: %.15g against %.15g", (long long)i, cst.steps[i].end_s,
                  flat.steps[i].end_s);
        cr_expect(fabs(cst_loop.steps[i].end_s - flat.steps[i].end_s) <=
                  1e-9 * flat.steps[i].end_s);
    }
    // the RTT steps up by 20 ms at T: every decode step that starts after T
    // takes 5 round trips x 20 ms longer (4 layers + the token)
    const double T = flat.steps[6].end_s + 0.001;
    struct sim_result step, late;
    snprintf(rows, sizeof rows, "%s0,2,20,10\n%.17g,2,20,30\n", head, T);
    run_trace(dir, rows, "", &step);
    int checked = 0;
    for (int64_t i = 1; i < step.n_steps; i++) {
        const double d = step.steps[i].end_s - step.steps[i].start_s;
        const double d0 = flat.steps[i].end_s - flat.steps[i].start_s;
        if (step.steps[i].start_s > T) {
            cr_expect(fabs(d - d0 - 0.1) <= 1e-9 * d, "step %lld: %.15g s, at 10 ms %.15g s",
                      (long long)i, d, d0);
            checked++;
        } else if (step.steps[i].end_s < T) {
            cr_expect(fabs(d - d0) <= 1e-9 * d);
        }
    }
    cr_expect_gt(checked, 10);
    // starting the trace at T is the 30 ms link from the first step
    char extra[128];
    snprintf(extra, sizeof extra, ", \"trace_start\": %.17g", T);
    run_trace(dir, rows, extra, &late);
    s = th_scenario_from(dir, TINY_HEAD TINY_COST("") ", \"workload\": {\"prompt_tokens\": 8, "
                              "\"new_tokens\": 24}, \"link\": {\"uplink\": \"2 Mbps\", "
                              "\"downlink\": \"20 Mbps\", \"rtt\": \"30 ms\"}}");
    struct sim_result slow;
    th_simulate(dir, s, &slow);
    scn_scenario_destroy(s);
    cr_expect(fabs(late.summary.makespan_s - slow.summary.makespan_s) <=
              1e-9 * slow.summary.makespan_s, "%.15g against %.15g", late.summary.makespan_s,
              slow.summary.makespan_s);
    // the uplink halves at T: every later step's uplink transfer doubles,
    // and the step grows by as much
    snprintf(rows, sizeof rows, "%s0,2,20,10\n%.17g,1,20,10\n", head, T);
    struct sim_result half;
    run_trace(dir, rows, "", &half);
    checked = 0;
    for (int64_t i = 1; i < half.n_steps; i++) {
        if (!(half.steps[i].start_s > T))
            continue;
        const double up = half.steps[i].b.uplink_s, up0 = flat.steps[i].b.uplink_s;
        const double d = half.steps[i].end_s - half.steps[i].start_s;
        const double d0 = flat.steps[i].end_s - flat.steps[i].start_s;
        cr_expect(fabs(up - 2.0 * up0) <= 1e-9 * up, "step %lld: uplink %.15g s, at 2 Mbps %.15g",
                  (long long)i, up, up0);
        cr_expect(fabs((d - d0) - up0) <= 1e-9 * d);
        checked++;
    }
    cr_expect_gt(checked, 10);
    struct sim_result *all[] = {&flat, &cst, &cst_loop, &step, &late, &slow, &half};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sim_result_free(all[i]);
    th_remove_dir(dir);
}

Test(sim_run, a_g_nettrack_log_replays_as_its_plain_trace)
{
    // a G-NetTrack log (its own columns among many, kbps, "-" for a missing
    // value, two rows in one second, UTC timestamps) is the plain trace of
    // the same values
    char dir[128];
    th_temp_dir(dir, sizeof dir, "gnettrack");
    th_write_file(dir, "g.csv",
                  "Timestamp,Longitude,Latitude,Operatorname,NetworkMode,RSRP,DL_bitrate,"
                  "UL_bitrate,State,PINGAVG,PINGMIN\n"
                  "2019.12.16_23.59.59,-8.4,51.8,A,5G,-90,20000,2000,D,40,9\n"
                  "2019.12.17_00.00.00,-8.4,51.8,A,5G,-90,20000,-,D,-,9\n"
                  "2019.12.17_00.00.00,-8.4,51.8,A,5G,-90,20000,2000,D,40,9\n"
                  "2019.12.17_00.00.01,-8.4,51.8,A,5G,-90,10000,1000,D,80,9\n");
    th_write_file(dir, "p.csv", "time_s,uplink_Mbps,downlink_Mbps,rtt_ms\n0,2,20,40\n1,2,20,40\n"
                                "2,1,10,80\n");
    struct sim_result g, p;
    const char *wl = ", \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 50}";
    char text[1024];
    snprintf(text, sizeof text, TINY_HEAD TINY_COST("") "%s, \"link\": {\"trace\": \"g.csv\", "
             "\"trace_format\": \"g-nettrack\"}}", wl);
    scn_scenario_t *s = th_scenario_from(dir, text);
    th_simulate(dir, s, &g);
    scn_scenario_destroy(s);
    snprintf(text, sizeof text, TINY_HEAD TINY_COST("") "%s, \"link\": {\"trace\": \"p.csv\"}}",
             wl);
    s = th_scenario_from(dir, text);
    th_simulate(dir, s, &p);
    scn_scenario_destroy(s);
    cr_assert_eq(g.n_steps, p.n_steps);
    cr_expect_gt(p.summary.makespan_s, 2.5, "the run ends before the trace's last row");
    for (int64_t i = 0; i < g.n_steps; i++)
        cr_expect_eq(g.steps[i].end_s, p.steps[i].end_s, "step %lld: %.17g against %.17g",
                     (long long)i, g.steps[i].end_s, p.steps[i].end_s);
    sim_result_free(&g);
    sim_result_free(&p);
    // a malformed timestamp names the file and line
    th_write_file(dir, "g.csv", "Timestamp,DL_bitrate,UL_bitrate,PINGAVG\n2019-12-16 09:18:40,1,1,1\n");
    snprintf(text, sizeof text, "%s/s.json", dir);
    char json[1024];
    snprintf(json, sizeof json, TINY_HEAD TINY_COST("") "%s, \"link\": {\"trace\": \"g.csv\", "
             "\"trace_format\": \"g-nettrack\"}}", wl);
    char *at = strchr(json, '@');
    char full[1200];
    snprintf(full, sizeof full, "%.*s%s/scenarios/%s", (int)(at - json), json, PLSIM_SOURCE_DIR,
             at + 1);
    th_write_file(dir, "s.json", full);
    struct sim_err err;
    cr_expect_eq(scn_scenario_load(text, &s, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "g.csv:2: Timestamp \"2019-12-16 09:18:40\": expected "
                              "YYYY.MM.DD_HH.MM.SS") != NULL, "%s", err.msg);
    th_remove_dir(dir);
}

Test(sim_run, the_flat_platform_gives_the_zoned_platforms_times)
{
    // six phones on a shared GPU: with nothing shared on the network the
    // platform is one flat cluster; a backhaul too wide to bind brings back
    // the zoned platform (cells, gateways, a shared link in every route),
    // which must give the same times
    char dir[128];
    th_temp_dir(dir, sizeof dir, "flat");
    scn_scenario_t *s = th_scenario_from(dir, TINY_HEAD TINY_COST("") TINY_WL(", \"devices\": 6")
                                              ", \"link\": {\"rtt\": \"10 ms\", \"uplink\": "
                                              "\"200 kbps\"}}");
    struct sim_result flat, zoned;
    th_simulate(dir, s, &flat);
    char path[256], xml[4096];
    snprintf(path, sizeof path, "%s/platform.xml", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    xml[fread(xml, 1, sizeof xml - 1, f)] = '\0';
    fclose(f);
    cr_expect_not_null(strstr(xml, "routing=\"Cluster\""));
    cr_expect_null(strstr(xml, "zoneRoute"));
    struct mdl_input in = *scn_scenario_input(s);
    in.backhaul.present = 1;
    in.backhaul.bandwidth_Bps = SIM_UNLIMITED_BPS;
    th_simulate_input(dir, &in, &zoned);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    xml[fread(xml, 1, sizeof xml - 1, f)] = '\0';
    fclose(f);
    cr_expect_not_null(strstr(xml, "zoneRoute"));
    cr_assert_eq(flat.n_steps, zoned.n_steps);
    for (int64_t i = 0; i < flat.n_steps; i++)
        cr_expect(fabs(flat.steps[i].end_s - zoned.steps[i].end_s) <= 1e-9 * zoned.steps[i].end_s,
                  "device %d step %d: flat %.15g s, zoned %.15g s", flat.steps[i].device,
                  flat.steps[i].step, flat.steps[i].end_s, zoned.steps[i].end_s);
    sim_result_free(&flat);
    sim_result_free(&zoned);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

// ---- plsim run end to end ----



Test(sim_run, same_scenario_and_seed_give_byte_identical_outputs)
{
    char dir[128], args[512], a[256], b[256];
    th_temp_dir(dir, sizeof dir, "det");
    const char *files[2] = {"summary.json", "steps.csv"};
    for (int run = 0; run < 2; run++) {
        snprintf(args, sizeof args, "run %s/scenarios/realistic-5g-us.json --seed 7 -q -o %s/r%d",
                 SRC, dir, run);
        cr_assert_eq(th_run_plsim(args), 0);
    }
    for (int i = 0; i < 2; i++) {
        size_t na, nb;
        snprintf(a, sizeof a, "%s/r0/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/r1/%s", dir, files[i]);
        char *x = th_slurp(a, &na), *y = th_slurp(b, &nb);
        cr_expect(na == nb && memcmp(x, y, na) == 0, "%s differs between runs", files[i]);
        free(x);
        free(y);
    }
    th_remove_dir(dir);
}

Test(sim_run, bad_scenarios_exit_two_and_write_nothing)
{
    char dir[128], args[512], path[300];
    th_temp_dir(dir, sizeof dir, "bad");
    const char *bad[] = {"{\"extends\": \"@paper-7b.json\", \"rank\": 9000}",
                         "{\"extends\": \"@paper-7b.json\", \"link\": {\"trace\": \"5g.csv\"}}",
                         "{\"model\": }"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        const char *at = strchr(bad[i], '@');
        if (at != NULL)
            snprintf(text, sizeof text, "%.*s%s/scenarios/%s", (int)(at - bad[i]), bad[i], SRC,
                     at + 1);
        else
            snprintf(text, sizeof text, "%s", bad[i]);
        snprintf(path, sizeof path, "%s/bad%zu.json", dir, i);
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
        snprintf(args, sizeof args, "run %s -o %s/out%zu", path, dir, i);
        cr_expect_eq(th_run_plsim(args), 2, "%s", bad[i]);
        char out[300];
        snprintf(out, sizeof out, "%s/out%zu/summary.json", dir, i);
        cr_expect_eq(access(out, F_OK), -1, "a failed run left %s", out);
        snprintf(out, sizeof out, "%s/out%zu/platform.xml", dir, i);
        cr_expect_eq(access(out, F_OK), -1, "a failed run left %s", out);
    }
    th_remove_dir(dir);
}

Test(sim_run, sweep_writes_one_row_per_point_or_nothing)
{
    char dir[128], args[768], path[300];
    th_temp_dir(dir, sizeof dir, "sweep");
    snprintf(args, sizeof args, "sweep %s/scenarios/paper-7b.json --vary link.rtt=0ms,47ms "
             "--vary rank=16,32,64 --set workload.new_tokens=4 -o %s/s.csv -j 2 -q", SRC, dir);
    cr_assert_eq(th_run_plsim(args), 0);
    snprintf(path, sizeof path, "%s/s.csv", dir);
    size_t n;
    char *csv = th_slurp(path, &n);
    int lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += csv[i] == '\n';
    cr_expect_eq(lines, 1 + 6, "header + 6 points");
    cr_expect(strncmp(csv, "link.rtt,rank,decode_tps,", 25) == 0, "%.40s", csv);
    free(csv);
    snprintf(args, sizeof args, "sweep %s/scenarios/paper-7b.json --vary rank=16,9999 -o %s/bad.csv",
             SRC, dir);
    cr_expect_eq(th_run_plsim(args), 2);
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    cr_expect_eq(access(path, F_OK), -1, "a failed sweep left its CSV");
    th_remove_dir(dir);
}

Test(sim_run, pipelined_cloud_only_decode_is_not_blamed_on_latency)
{
    // cloud-only decode pipelines tokens: the next token's compute runs
    // while the last one travels, so the speed does not depend on the RTT
    // and the breakdown must not blame latency that overlaps compute
    char dir[128];
    th_temp_dir(dir, sizeof dir, "pipeline");
    double tps[2];
    for (int i = 0; i < 2; i++) {
        scn_scenario_t *s = th_scenario_from(dir, i == 0
            ? "{\"extends\": \"@realistic-5g-us.json\", \"mode\": \"cloud-only\", "
              "\"workload\": {\"prompt_tokens\": 16, \"new_tokens\": 6}}"
            : "{\"extends\": \"@realistic-5g-us.json\", \"mode\": \"cloud-only\", "
              "\"link\": {\"rtt\": \"5 ms\"}, \"workload\": {\"prompt_tokens\": 16, "
              "\"new_tokens\": 6}}");
        struct sim_result r;
        th_simulate(dir, s, &r);
        tps[i] = r.summary.decode_tps;
        const struct sim_breakdown *b = &r.summary.decode_per_token;
        // of the 5 decode steps only the last token's trip shows: one-way
        // latency once, the rest is compute
        const double one_way = (i == 0 ? 0.047 : 0.005) / 2;
        cr_expect(fabs(5 * b->latency_s - one_way) <= 1e-9, "latency %.12g s per token",
                  b->latency_s);
        cr_expect_gt(b->cloud_compute_s / sim_breakdown_total(b), 0.8);
        sim_result_free(&r);
        scn_scenario_destroy(s);
    }
    cr_expect(fabs(tps[0] - tps[1]) <= 1e-9 * tps[0], "47 ms %.12g vs 5 ms %.12g tokens/s",
              tps[0], tps[1]);
    th_remove_dir(dir);
}

Test(sim_run, a_prefill_workload_simulates_the_prompt_only)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "phase");
    scn_scenario_t *p = th_scenario_from(dir, TINY_HEAD TINY_COST("")
                                      ", \"workload\": {\"phase\": \"prefill\", "
                                      "\"prompt_tokens\": 8, \"new_tokens\": 4}}");
    struct sim_result rp, rd;
    th_simulate(dir, p, &rp);
    scn_scenario_t *d = th_scenario_from(dir, TINY "}");
    th_simulate(dir, d, &rd);
    cr_expect_eq(rp.n_steps, 1, "a prefill workload runs one step");
    cr_expect(isnan(rp.summary.decode_tps));
    cr_expect_eq(rd.n_steps, 4);
    cr_expect_eq(rp.summary.ttft_s, rd.summary.ttft_s);
    sim_result_free(&rp);
    sim_result_free(&rd);
    scn_scenario_destroy(p);
    scn_scenario_destroy(d);
    th_remove_dir(dir);
}

/* A speculative run of 7B's paper preset: k, acceptance, new tokens. */
static struct sim_result speculative_run(const char *dir, int k, double alpha, int tokens)
{
    char text[600];
    snprintf(text, sizeof text, "{\"extends\": \"@paper-7b.json\", \"speculative\": {\"k\": %d, "
             "\"draft\": \"prompt-lookup\", \"acceptance\": %g}, \"workload\": "
             "{\"prompt_tokens\": 16, \"new_tokens\": %d}}", k, alpha, tokens);
    scn_scenario_t *s = th_scenario_from(dir, text);
    struct sim_result r;
    th_simulate(dir, s, &r);
    scn_scenario_destroy(s);
    return r;
}

Test(sim_run, speculative_passes_accept_as_many_tokens_as_the_formula_says)
{
    // i.i.d. acceptance a per draft token, k drafts: a pass yields
    // (1 - a^(k+1)) / (1 - a) tokens on average
    char dir[128];
    th_temp_dir(dir, sizeof dir, "spec");
    struct sim_result r = speculative_run(dir, 4, 0.6, 4000);
    const double want = (1 - pow(0.6, 5)) / (1 - 0.6);
    const double got = r.summary.tokens_per_step;
    cr_expect(fabs(got / want - 1) <= 0.02, "%.4f tokens per pass, formula %.4f", got, want);
    sim_result_free(&r);
    // nothing accepted: one token per pass; everything: k + 1
    r = speculative_run(dir, 3, 0.0, 40);
    cr_expect_eq(r.summary.tokens_per_step, 1.0);
    cr_expect_eq(r.n_steps, 40, "the prefill and 39 passes of one token");
    sim_result_free(&r);
    r = speculative_run(dir, 3, 1.0, 41);
    cr_expect_eq(r.summary.tokens_per_step, 4.0);
    cr_expect_eq(r.n_steps, 11, "the prefill and 10 passes of k + 1 = 4 tokens");
    sim_result_free(&r);
    th_remove_dir(dir);
}

Test(sim_run, a_pass_pays_its_round_trips_once_for_all_its_tokens)
{
    // at 47 ms a plain 7B decode step is latency-bound (33 RTTs); a pass
    // that accepts all k = 3 drafts yields 4 tokens for about one step's
    // latency, so speculative decoding is faster by nearly 4x
    char dir[128];
    th_temp_dir(dir, sizeof dir, "specrtt");
    char text[600];
    snprintf(text, sizeof text, "{\"extends\": \"@realistic-5g-us.json\", \"workload\": "
             "{\"prompt_tokens\": 16, \"new_tokens\": 9}}");
    scn_scenario_t *s = th_scenario_from(dir, text);
    struct sim_result plain;
    th_simulate(dir, s, &plain);
    scn_scenario_destroy(s);
    snprintf(text, sizeof text, "{\"extends\": \"@realistic-5g-us.json\", \"speculative\": "
             "{\"k\": 3, \"draft\": \"prompt-lookup\", \"acceptance\": 1}, \"workload\": "
             "{\"prompt_tokens\": 16, \"new_tokens\": 9}}");
    s = th_scenario_from(dir, text);
    struct sim_result spec;
    th_simulate(dir, s, &spec);
    scn_scenario_destroy(s);
    const double lat = 33 * 0.047; // round trips of one step or pass
    cr_expect(fabs(plain.summary.decode_per_token.latency_s - lat) < 1e-9);
    cr_expect(fabs(spec.summary.decode_per_token.latency_s - lat) < 1e-9);
    const double speedup = spec.summary.decode_tps / plain.summary.decode_tps;
    cr_expect(speedup > 3.5 && speedup < 4.0, "speed-up %.3f", speedup);
    sim_result_free(&plain);
    sim_result_free(&spec);
    th_remove_dir(dir);
}
