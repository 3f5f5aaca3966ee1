/*
 * tests/test_energy: the phone's SoC and radio and the GPU's energy, and
 * what they cost per token (sim/energy), against hand integrals and
 * closed forms.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "scenarios/scenario.h"
#include "sim/energy.h"
#include "sim/run.h"
#include "tests/helpers.h"
#include "tests/sim_helpers.h"

/* The tiny split model over a 100 ms RTT, with its power models given
 * here (not the catalog's): extra goes inside the top-level object. */
#define TINY(extra)                                                                          \
    "{\"extends\": \"@paper-7b.json\", \"model\": \"tiny\", \"rank\": 8, "                       \
    "\"cost\": {\"cloud\": {\"method\": \"roofline\"}}, \"edge\": {\"name\": "    \
    "\"iphone13promax-paper\", \"idle_power\": \"0.3 W\", \"active_power\": \"5 W\", "         \
    "\"battery\": \"16 Wh\"}, \"cloud\": {\"name\": \"a100-80g-pcie\", \"idle_power\": "       \
    "\"50 W\", \"active_power\": \"300 W\", \"price\": \"2 USD/h\"}" extra "}"
#define RADIO(tail_W, idle_W)                                                                \
    "\"radio_base_power\": \"1.2 W\", \"radio_uplink_power\": \"400 mW/Mbps\", "              \
    "\"radio_downlink_power\": \"50 mW/Mbps\", \"radio_tail_power\": \"" tail_W "\", "         \
    "\"radio_tail\": \"0.5 s\", \"radio_idle_power\": \"" idle_W "\""

static void run(const char *text, struct sim_result *r)
{
    char dir[128];
    th_temp_dir(dir, sizeof dir, "energy");
    th_simulate_text(dir, text, r);
    th_remove_dir(dir);
}

static const struct mdl_radio radio = {
    .base_W = {.value = 2.0, .present = 1},
    .tail_W = {.value = 1.0, .present = 1},
    .tail_s = {.value = 1.5, .present = 1},
    .idle_W = {.value = 0.1, .present = 1},
};

Test(energy, the_radio_state_machine_integrates_a_known_schedule_by_hand)
{
    // transfers [1, 2] at 3 W and [2.5, 3] at 4 W, a window [0, 10]:
    // idle 0-1 (0.1), active 1-2 (3), tail 2-2.5 (0.5), active 2.5-3 (2),
    // tail 3-4.5 (1.5), idle 4.5-10 (0.55): 7.65 J
    const struct energy_iv iv[2] = {{1.0, 2.0, 3.0}, {2.5, 3.0, 4.0}};
    struct radio_state st = {0.0, -INFINITY, -1};
    double e = 0.0;
    energy_radio(&radio, &st, iv, 2, &e);
    energy_radio_passive(&radio, &st, st.cursor_s, 10.0, 1, &e);
    cr_expect(fabs(e - 7.65) <= 1e-12, "%.15g J", e);
    // a window that ends at 3.5 leaves 1 s of tail after it, no idle
    st = (struct radio_state){0.0, -INFINITY, -1};
    e = 0.0;
    energy_radio(&radio, &st, iv, 2, &e);
    energy_radio_passive(&radio, &st, st.cursor_s, 3.5, 1, &e);
    energy_radio_passive(&radio, &st, 3.5, INFINITY, 0, &e);
    cr_expect(fabs(e - (0.1 + 3.0 + 0.5 + 2.0 + 1.5)) <= 1e-12, "%.15g J", e);
    // overlapping transfers are charged once, at the first's power
    const struct energy_iv ov[2] = {{1.0, 2.0, 3.0}, {1.5, 2.5, 5.0}};
    st = (struct radio_state){0.0, -INFINITY, -1};
    e = 0.0;
    energy_radio(&radio, &st, ov, 2, &e);
    cr_expect(fabs(e - (0.1 + 3.0 + 0.5 * 5.0)) <= 1e-12, "%.15g J", e);
}

Test(energy, alone_the_phone_draws_its_active_power_and_its_radio_idles)
{
    // device-only: the SoC computes without a gap, so a request costs its
    // active power times its time; no message, so the radio stays idle
    struct sim_result r;
    run(TINY(", \"mode\": \"device-only\", \"link\": {\"name\": \"paper-5g\", " RADIO("1 W", "20 mW")
             "}, \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 12}"),
        &r);
    cr_assert_eq(r.n_requests, 1);
    const struct sim_request_record *q = &r.requests[0];
    cr_expect(fabs(q->edge_j - 5.0 * q->e2e_s) <= 1e-9 * q->edge_j, "%.12g J over %.12g s",
              q->edge_j, q->e2e_s);
    cr_expect(fabs(r.summary.edge_compute_j_per_token - 5.0 * q->e2e_s / 12.0) <=
              1e-9 * r.summary.edge_compute_j_per_token);
    cr_expect(fabs(q->radio_j - 0.02 * q->e2e_s) <= 1e-12, "radio %.12g J", q->radio_j);
    // SimGrid's host energy plugin, over the whole run, agrees
    cr_expect(fabs(r.summary.edge_energy_j - q->edge_j) <= 1e-9 * q->edge_j, "plugin %.12g J",
              r.summary.edge_energy_j);
    cr_expect_eq(r.summary.usd_per_million_tokens, 0.0); // no GPU rented
    cr_expect(fabs(r.summary.battery_percent_per_1000_tokens -
                   (q->edge_j + q->radio_j) / 12.0 * 1000.0 / (16.0 * 3600.0) * 100.0) <= 1e-9);
    sim_result_free(&r);
}

Test(energy, the_radio_of_a_split_request_is_its_transfers_in_closed_form)
{
    // with no tail and no idle power, the radio costs only its transfers:
    // base power over bytes / bandwidth each way, plus each way's slope x
    // its bytes (the slope is per throughput, the time bytes / rate)
    struct sim_result r;
    run(TINY(", \"link\": {\"name\": \"paper-5g\", " RADIO("0 W", "0 W")
             "}, \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 12}"),
        &r);
    double up = 0.0, down = 0.0;
    for (int64_t i = 0; i < r.n_steps; i++) {
        up += (double)r.steps[i].bytes_up;
        down += (double)r.steps[i].bytes_down;
    }
    const double up_Bps = 60e6 / 8, down_Bps = 100e6 / 8; // paper-5g
    const double per_Bps = 1e-3 / (1e6 / 8);               // 1 mW/Mbps in W per B/s
    const double want = 1.2 * (up / up_Bps + down / down_Bps) + 400.0 * per_Bps * up +
                        50.0 * per_Bps * down;
    cr_expect(fabs(r.requests[0].radio_j - want) <= 1e-9 * want, "%.15g J, want %.15g",
              r.requests[0].radio_j, want);
    // one request from time 0: its SoC window is the run, as the plugin's
    cr_expect(fabs(r.summary.edge_energy_j - r.requests[0].edge_j) <=
                  1e-9 * r.requests[0].edge_j, "plugin %.12g J, charged %.12g J",
              r.summary.edge_energy_j, r.requests[0].edge_j);
    sim_result_free(&r);
}

Test(energy, a_tail_is_charged_once_and_idle_time_between_requests_is_not)
{
    // two requests 5 s apart (tail 0.5 s): each costs what one alone costs;
    // the tail after the first is its own, the idle gap nobody's
    struct sim_result a, b;
    run(TINY(", \"link\": {\"name\": \"paper-5g\", \"rtt\": \"100 ms\", " RADIO("1 W", "0.1 W")
             "}, \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 6}"),
        &a);
    run(TINY(", \"link\": {\"name\": \"paper-5g\", \"rtt\": \"100 ms\", " RADIO("1 W", "0.1 W")
             "}, \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 6, \"requests\": 2, "
             "\"think\": \"5 s\"}"),
        &b);
    cr_assert_eq(b.n_requests, 2);
    for (int q = 0; q < 2; q++) {
        cr_expect(fabs(b.requests[q].radio_j - a.requests[0].radio_j) <=
                      1e-9 * a.requests[0].radio_j,
                  "request %d: %.15g J against %.15g", q, b.requests[q].radio_j,
                  a.requests[0].radio_j);
        cr_expect(fabs(b.requests[q].edge_j - a.requests[0].edge_j) <= 1e-9 * a.requests[0].edge_j,
                  "request %d", q);
    }
    sim_result_free(&a);
    sim_result_free(&b);
}

Test(energy, the_gpu_costs_less_per_token_as_its_batch_grows)
{
    // batch 8 reads the weights once for eight sequences: the GPU's share
    // per token falls; the plugin's whole-run energy is the batches at
    // active power plus idle power over the rest
    struct sim_result one, eight;
    run(TINY(", \"link\": \"paper-5g\", \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 6, "
             "\"batch\": 1}"),
        &one);
    run(TINY(", \"link\": \"paper-5g\", \"workload\": {\"prompt_tokens\": 8, \"new_tokens\": 6, "
             "\"batch\": 8}"),
        &eight);
    cr_expect_lt(eight.summary.cloud_j_per_token, one.summary.cloud_j_per_token, "%g vs %g",
                 eight.summary.cloud_j_per_token, one.summary.cloud_j_per_token);
    const struct sim_summary *s = &one.summary;
    const double busy_s = s->gpu_utilization * s->makespan_s;
    const double want = 50.0 * (s->makespan_s - busy_s) + one.requests[0].cloud_j;
    cr_expect(fabs(s->cloud_energy_j - want) <= 1e-6 * want, "plugin %.12g J, batches %.12g J",
              s->cloud_energy_j, want);
    cr_expect(fabs(one.requests[0].cloud_j - 300.0 * busy_s) <= 1e-9 * one.requests[0].cloud_j);
    cr_expect(fabs(s->usd_per_million_tokens - 2.0 / 3600.0 * s->makespan_s / 6.0 * 1e6) <=
              1e-9 * s->usd_per_million_tokens);
    sim_result_free(&one);
    sim_result_free(&eight);
}

Test(energy, a_side_without_a_power_model_is_not_a_number)
{
    struct sim_result r;
    run("{\"extends\": \"@paper-7b.json\", \"model\": \"tiny\", \"rank\": 8, \"cost\": "
        "{\"cloud\": {\"method\": \"roofline\"}}, \"link\": \"wifi-home-us-2022\", \"workload\": "
        "{\"prompt_tokens\": 8, \"new_tokens\": 3}}",
        &r);
    cr_expect(isnan(r.summary.radio_j_per_token));
    cr_expect(isnan(r.requests[0].radio_j));
    cr_expect(isnan(r.summary.battery_percent_per_1000_tokens));
    cr_expect(isfinite(r.summary.edge_compute_j_per_token));
    sim_result_free(&r);
}
