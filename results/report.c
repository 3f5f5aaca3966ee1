/*
 * results/report: table, JSON and CSV output. See report.h.
 */
#include "results/report.h"

#include <math.h>
#include <string.h>

#include <cJSON.h>

#include "util/afile.h"
#include "util/version.h"

int res_summary_fields(const struct sim_summary *s, const char **names, double *values, int cap)
{
    const struct {
        const char *name;
        double v;
    } f[] = {
        {"decode_tps", s->decode_tps},
        {"prefill_tps", s->prefill_tps},
        {"ttft_s", s->ttft_s},
        {"decode_step_s", s->decode_step_s},
        {"aggregate_decode_tps", s->aggregate_decode_tps},
        {"makespan_s", s->makespan_s},
        {"bytes_up_per_token", s->bytes_up_per_token},
        {"bytes_down_per_token", s->bytes_down_per_token},
        {"prefill_bytes_up_per_token", s->prefill_bytes_up_per_token},
        {"prefill_bytes_down_per_token", s->prefill_bytes_down_per_token},
        {"decode_edge_compute_s", s->decode_per_token.edge_compute_s},
        {"decode_cloud_compute_s", s->decode_per_token.cloud_compute_s},
        {"decode_uplink_s", s->decode_per_token.uplink_s},
        {"decode_downlink_s", s->decode_per_token.downlink_s},
        {"decode_latency_s", s->decode_per_token.latency_s},
        {"decode_waiting_s", s->decode_per_token.waiting_s},
        {"decode_overhead_s", s->decode_per_token.overhead_s},
        {"decode_retransmit_s", s->decode_per_token.retransmit_s},
        {"decode_outage_s", s->decode_per_token.outage_s},
        {"accepted_tokens_per_pass", s->tokens_per_step},
        {"messages", (double)s->messages},
        {"devices", (double)s->devices},
        {"batch", (double)s->batch},
        {"requests", (double)s->requests},
        {"ttft_p50_s", s->ttft_p50_s},
        {"ttft_p90_s", s->ttft_p90_s},
        {"ttft_p99_s", s->ttft_p99_s},
        {"tpot_p50_s", s->tpot_p50_s},
        {"tpot_p90_s", s->tpot_p90_s},
        {"tpot_p99_s", s->tpot_p99_s},
        {"e2e_p50_s", s->e2e_p50_s},
        {"e2e_p99_s", s->e2e_p99_s},
        {"slo_attainment", s->slo_attainment},
        {"gpu_utilization", s->gpu_utilization},
        {"mean_batch_sequences", s->mean_batch_sequences},
        {"max_batch_sequences", (double)s->max_batch_sequences},
        {"kv_peak_bytes", s->kv_peak_bytes},
        {"admission_waits", (double)s->admission_waits},
        {"admission_wait_s", s->admission_wait_s},
        {"unfit", (double)s->unfit},
        {"retransmissions", (double)s->retransmissions},
        {"retransmit_s", s->retransmit_s},
        {"outage_messages", (double)s->outage_messages},
        {"outage_s", s->outage_s},
        {"outage_stalled_tokens", (double)s->outage_stalled_tokens},
        {"fallbacks", (double)s->fallbacks},
        {"fallback_tokens", (double)s->fallback_tokens},
        {"edge_compute_j_per_token", s->edge_compute_j_per_token},
        {"radio_j_per_token", s->radio_j_per_token},
        {"cloud_j_per_token", s->cloud_j_per_token},
        {"cloud_energy_j", s->cloud_energy_j},
        {"edge_energy_j", s->edge_energy_j},
        {"usd_per_million_tokens", s->usd_per_million_tokens},
        {"battery_percent_per_1000_tokens", s->battery_percent_per_1000_tokens},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0] && n < cap; i++, n++) {
        names[n] = f[i].name;
        values[n] = f[i].v;
    }
    return n;
}

// ---- text ----

/* A value to 4 significant digits, or "n/a" (no power model), into buf. */
static const char *or_na(double v, char *buf, size_t cap)
{
    if (isfinite(v))
        snprintf(buf, cap, "%.4g", v);
    else
        snprintf(buf, cap, "n/a");
    return buf;
}

/* Energy and cost per token, where the catalogs give power models. */
static void print_energy(FILE *f, const struct sim_summary *s)
{
    char a[32], b[32], c[32], d[32], e[32];
    fprintf(f, "\nenergy per token  phone SoC %s J, radio %s J; GPU %s J (its batches, shared); "
               "%s USD per million tokens; %s %% of the battery per 1000 tokens\n",
            or_na(s->edge_compute_j_per_token, a, sizeof a),
            or_na(s->radio_j_per_token, b, sizeof b),
            or_na(s->cloud_j_per_token, c, sizeof c),
            or_na(s->usd_per_million_tokens, d, sizeof d),
            or_na(s->battery_percent_per_1000_tokens, e, sizeof e));
}

static void print_breakdown(FILE *f, const char *label, const struct sim_breakdown *b)
{
    const double tot = sim_breakdown_total(b);
    const struct {
        const char *name;
        double v;
    } parts[] = {{"cloud compute", b->cloud_compute_s}, {"edge compute", b->edge_compute_s},
                 {"uplink transfer", b->uplink_s},     {"downlink transfer", b->downlink_s},
                 {"latency", b->latency_s},            {"waiting", b->waiting_s},
                 {"message overhead", b->overhead_s},  {"retransmit", b->retransmit_s},
                 {"outage", b->outage_s}};
    fprintf(f, "%s: %.3f ms\n", label, tot * 1e3);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (i < 6 || parts[i].v > 0.0) // the causes a plain link lacks, if any
        fprintf(f, "  %-18s %10.3f ms  %5.1f %%\n", parts[i].name, parts[i].v * 1e3,
                tot > 0 ? 100.0 * parts[i].v / tot : 0.0);
}

static void print_rate_row(FILE *f, const char *label, const struct sim_summary *s)
{
    char decode[32] = "-"; // none without a decode step
    if (isfinite(s->decode_tps))
        snprintf(decode, sizeof decode, "%.3f", s->decode_tps);
    fprintf(f, "  %-22s %10s %12.3f %10.1f\n", label, decode, s->prefill_tps, s->ttft_s * 1e3);
}

/* Requests' percentiles and what the GPUs did, for a crowd. */
static void print_serving(FILE *f, const struct sim_summary *s)
{
    const double ms = 1e3;
    fprintf(f, "requests  %lld: TTFT p50 %.1f, p90 %.1f, p99 %.1f ms; e2e p50 %.3f, p99 %.3f s\n",
            (long long)s->requests, ms * s->ttft_p50_s, ms * s->ttft_p90_s, ms * s->ttft_p99_s,
            s->e2e_p50_s, s->e2e_p99_s);
    if (isfinite(s->tpot_p50_s))
        fprintf(f, "          TPOT p50 %.2f, p90 %.2f, p99 %.2f ms\n", ms * s->tpot_p50_s,
                ms * s->tpot_p90_s, ms * s->tpot_p99_s);
    if (isfinite(s->slo_attainment))
        fprintf(f, "          within the SLO: %.1f %%\n", 100.0 * s->slo_attainment);
    fprintf(f, "GPUs      busy %.1f %% of the makespan (%.3f s); batches of %.2f sequences on "
            "average, %lld at most\n", 100.0 * s->gpu_utilization, s->makespan_s,
            s->mean_batch_sequences, (long long)s->max_batch_sequences);
    fprintf(f, "          KV cache: %.3f GB at peak; %lld request%s waited for memory%s",
            s->kv_peak_bytes / 1e9, (long long)s->admission_waits,
            s->admission_waits == 1 ? "" : "s", s->admission_waits > 0 ? "" : "\n");
    if (s->admission_waits > 0)
        fprintf(f, ", %.3f s on average\n", s->admission_wait_s);
    fprintf(f, "\n");
}

void res_report_print(FILE *f, const struct res_context *ctx, const struct sim_result *r,
                      const struct sim_summary *device_only, const struct sim_summary *cloud_only)
{
    const struct sim_summary *s = &r->summary;
    fprintf(f, "scenario  %s (%s, %s)\n", ctx->scenario_path, ctx->model_name,
            ref_mode_name(s->mode));
    fprintf(f, "network   %s\n", ctx->network_model);
    fprintf(f, "timing    %s; cost: edge %s, cloud %s; seed %llu\n", ctx->timing, ctx->edge_cost,
            ctx->cloud_cost, ctx->seed);
    fprintf(f, "devices   %lld, batch %lld per device\n\n", (long long)s->devices,
            (long long)s->batch);
    fprintf(f, "  %-22s %10s %12s %10s\n", "", "decode", "prefill", "TTFT");
    fprintf(f, "  %-22s %10s %12s %10s\n", "", "tokens/s", "tokens/s", "ms");
    print_rate_row(f, ref_mode_name(s->mode), s);
    if (device_only != NULL)
        print_rate_row(f, "device-only", device_only);
    if (cloud_only != NULL)
        print_rate_row(f, "cloud-only", cloud_only);
    if (s->devices > 1)
        fprintf(f, "  aggregate decode over %lld devices: %.3f tokens/s\n",
                (long long)s->devices, s->aggregate_decode_tps);
    fprintf(f, "\n");
    if (s->requests > 1)
        print_serving(f, s);
    if (s->retransmissions > 0 || s->outage_messages > 0)
        fprintf(f, "network   %lld message%s lost and sent again, %.3f s of timeouts; outages "
                   "held %lld message%s for %.3f s in all, stalling %lld token%s\n\n",
                (long long)s->retransmissions, s->retransmissions == 1 ? "" : "s",
                s->retransmit_s, (long long)s->outage_messages,
                s->outage_messages == 1 ? "" : "s", s->outage_s,
                (long long)s->outage_stalled_tokens, s->outage_stalled_tokens == 1 ? "" : "s");
    if (s->fallbacks > 0)
        fprintf(f, "fallback  %lld request%s went on alone on the phone (device-only) with the "
                   "link down: %lld token%s made alone\n\n", (long long)s->fallbacks,
                s->fallbacks == 1 ? "" : "s", (long long)s->fallback_tokens,
                s->fallback_tokens == 1 ? "" : "s");
    if (isfinite(s->decode_step_s)) {
        char label[96];
        snprintf(label, sizeof label, "decode, per step (%.4g token%s for each of %lld "
                 "sequence%s)", s->tokens_per_step, s->tokens_per_step == 1.0 ? "" : "s",
                 (long long)s->batch, s->batch == 1 ? "" : "s");
        print_breakdown(f, label, &s->decode_per_token);
    } else {
        fprintf(f, "decode: no decode step (new_tokens = 1: the prefill makes the only token)\n");
    }
    fprintf(f, "\n");
    print_breakdown(f, "prefill step (first token)", &s->prefill);
    if (isfinite(s->bytes_up_per_token))
        fprintf(f, "\nbytes per token  decode: %.0f up, %.0f down;  prefill: %.1f up, %.1f "
                "down\n", s->bytes_up_per_token, s->bytes_down_per_token,
                s->prefill_bytes_up_per_token, s->prefill_bytes_down_per_token);
    else
        fprintf(f, "\nbytes per token  prefill: %.1f up, %.1f down\n",
                s->prefill_bytes_up_per_token, s->prefill_bytes_down_per_token);
    print_energy(f, s);
    fprintf(f, "simulated %lld messages in %.3f s of wall time\n", (long long)s->messages,
            s->wall_s);
}

// ---- JSON ----

/* cJSON prints NaN as null; numbers keep 17 significant digits. */
static void add_num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static void add_breakdown(cJSON *o, const char *k, const struct sim_breakdown *b)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    add_num(x, "edge_compute_s", b->edge_compute_s);
    add_num(x, "cloud_compute_s", b->cloud_compute_s);
    add_num(x, "uplink_s", b->uplink_s);
    add_num(x, "downlink_s", b->downlink_s);
    add_num(x, "latency_s", b->latency_s);
    add_num(x, "waiting_s", b->waiting_s);
    add_num(x, "overhead_s", b->overhead_s);
    add_num(x, "retransmit_s", b->retransmit_s);
    add_num(x, "outage_s", b->outage_s);
    add_num(x, "total_s", sim_breakdown_total(b));
}

static void add_rates(cJSON *o, const char *k, const struct sim_summary *s)
{
    if (s == NULL)
        return;
    cJSON *x = cJSON_AddObjectToObject(o, k);
    add_num(x, "decode_tps", s->decode_tps);
    add_num(x, "prefill_tps", s->prefill_tps);
    add_num(x, "ttft_s", s->ttft_s);
}

/* A device's name and the numbers its costs use. */
static void add_device(cJSON *o, const char *k, const struct mdl_device *d,
                       const struct mdl_cost *c, double weight_bits)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    cJSON_AddStringToObject(x, "name", d->name);
    add_num(x, "memory_bandwidth_Bps", c->mem_bw_Bps);
    add_num(x, "peak_flop_per_s", c->peak_flop_per_s);
    cJSON_AddStringToObject(x, "cost_method", mdl_cost_method_name(c->method));
    add_num(x, "cost_scale", c->scale);
    add_num(x, "weight_bits", weight_bits);
    add_num(x, "memory_efficiency", c->memory_efficiency);
    add_num(x, "compute_efficiency", c->compute_efficiency);
}

/* The resolved inputs of the run. */
static void add_inputs(cJSON *o, const struct res_context *ctx)
{
    cJSON *x = cJSON_AddObjectToObject(o, "inputs");
    cJSON_AddStringToObject(x, "plsim_version", PLSIM_VERSION);
    cJSON_AddStringToObject(x, "network_model", ctx->network_model);
    const struct mdl_input *in = ctx->in;
    if (in == NULL)
        return;
    const struct ref_plan_opts *p = &in->plan;
    cJSON_AddStringToObject(x, "model", in->model_name);
    cJSON_AddStringToObject(x, "mode", ref_mode_name(p->mode));
    add_num(x, "rank_c2d", (double)p->rank_c2d);
    add_num(x, "rank_d2c", (double)p->rank_d2c);
    if (p->mode == REF_MODE_PL_FIRST_K)
        add_num(x, "first_k", (double)p->first_k);
    cJSON_AddStringToObject(x, "transfer", ref_dtype_name(p->transfer));
    cJSON_AddStringToObject(x, "timing", ref_timing_names[p->overlap ? 1 : 0]);
    cJSON_AddStringToObject(x, "downlink", mdl_downlink_names[in->downlink_counted ? 1 : 0]);
    add_num(x, "adapter_bits", p->adapter_bits);
    add_num(x, "kv_bits", p->kv_bits);
    add_device(x, "edge", &in->edge, &in->cost[REF_EDGE], p->weight_bits[REF_EDGE]);
    add_device(x, "cloud", &in->cloud, &in->cost[REF_CLOUD], p->weight_bits[REF_CLOUD]);
    add_num(x, "cloud_gpus", (double)in->cloud_gpus);
    cJSON *l = cJSON_AddObjectToObject(x, "link");
    cJSON_AddStringToObject(l, "name", in->link.name);
    add_num(l, "uplink_Bps", in->link.uplink_Bps.value);
    add_num(l, "downlink_Bps", in->link.downlink_Bps.value);
    add_num(l, "rtt_s", in->link.rtt_s.value);
    if (in->cell.present) {
        cJSON *c = cJSON_AddObjectToObject(x, "cell");
        cJSON_AddStringToObject(c, "name", in->cell.name);
        add_num(c, "uplink_Bps", in->cell.uplink_Bps.value);
        add_num(c, "downlink_Bps", in->cell.downlink_Bps.value);
        add_num(c, "count", (double)in->cell.count);
    }
    if (in->backhaul.present) {
        cJSON *bh = cJSON_AddObjectToObject(x, "backhaul");
        add_num(bh, "bandwidth_Bps", in->backhaul.bandwidth_Bps > 0 ? in->backhaul.bandwidth_Bps
                                                                    : NAN);
        add_num(bh, "latency_s", in->backhaul.latency_s);
    }
    cJSON *w = cJSON_AddObjectToObject(x, "workload");
    add_num(w, "prompt_tokens", (double)in->workload.prompt_tokens);
    add_num(w, "new_tokens", (double)in->workload.new_tokens);
    add_num(w, "batch", (double)in->workload.batch);
    add_num(w, "devices", (double)in->workload.devices);
    cJSON_AddStringToObject(w, "arrival", mdl_arrival_names[in->workload.arrival]);
    if (in->workload.arrival == MDL_ARRIVAL_POISSON)
        add_num(w, "rate_per_s", in->workload.rate_per_s);
    add_num(w, "requests", (double)in->workload.requests);
    add_num(w, "think_s", in->workload.think_s);
    if (in->workload.trace != NULL) {
        cJSON_AddStringToObject(w, "trace", in->workload.trace->path);
        add_num(w, "trace_requests", (double)in->workload.trace->n);
    }
    const struct mdl_lengths *dist[2] = {&in->workload.prompt_dist, &in->workload.new_dist};
    static const char *const key[2] = {"prompt_dist", "new_dist"};
    for (int i = 0; i < 2; i++) {
        if (dist[i]->dist == MDL_LEN_FIXED)
            continue;
        cJSON *d = cJSON_AddObjectToObject(w, key[i]);
        cJSON_AddStringToObject(d, "dist", mdl_length_dist_names[dist[i]->dist]);
        if (dist[i]->dist == MDL_LEN_UNIFORM) {
            add_num(d, "min", dist[i]->min);
        } else {
            add_num(d, "median", dist[i]->median);
            add_num(d, "p99", dist[i]->p99);
        }
        add_num(d, "max", dist[i]->max);
    }
    cJSON *sv = cJSON_AddObjectToObject(x, "serving");
    cJSON_AddStringToObject(sv, "scheduler", mdl_scheduler_names[in->serving.scheduler]);
    add_num(sv, "max_batch", in->serving.max_batch > 0 ? (double)in->serving.max_batch : NAN);
    if (in->slo.ttft_s > 0.0 || in->slo.tpot_s > 0.0) {
        cJSON *slo = cJSON_AddObjectToObject(x, "slo");
        add_num(slo, "ttft_s", in->slo.ttft_s > 0.0 ? in->slo.ttft_s : NAN);
        add_num(slo, "tpot_s", in->slo.tpot_s > 0.0 ? in->slo.tpot_s : NAN);
    }
}

enum sim_status res_report_write_summary(const char *path, const struct res_context *ctx,
                                         const struct sim_result *r,
                                         const struct sim_summary *device_only,
                                         const struct sim_summary *cloud_only,
                                         struct sim_err *err)
{
    const struct sim_summary *s = &r->summary;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", ctx->scenario_path);
    cJSON_AddStringToObject(o, "model", ctx->model_name);
    cJSON_AddStringToObject(o, "mode", ref_mode_name(s->mode));
    cJSON_AddStringToObject(o, "timing", ctx->timing);
    cJSON_AddStringToObject(o, "network_model", ctx->network_model);
    cJSON_AddStringToObject(o, "edge_cost", ctx->edge_cost);
    cJSON_AddStringToObject(o, "cloud_cost", ctx->cloud_cost);
    add_num(o, "seed", (double)ctx->seed);
    const char *names[RES_SUMMARY_FIELDS];
    double values[RES_SUMMARY_FIELDS];
    const int n = res_summary_fields(s, names, values, RES_SUMMARY_FIELDS);
    for (int i = 0; i < n; i++)
        add_num(o, names[i], values[i]);
    add_breakdown(o, "decode_per_token", &s->decode_per_token);
    add_breakdown(o, "prefill", &s->prefill);
    add_rates(o, "device_only", device_only);
    add_rates(o, "cloud_only", cloud_only);
    add_inputs(o, ctx);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    struct sim_afile f;
    enum sim_status st = sim_afile_open(&f, path, err);
    if (st == SIM_OK) {
        fputs(text, f.f);
        fputc('\n', f.f);
        st = sim_afile_commit(&f, err);
    }
    cJSON_free(text);
    return st;
}

// ---- CSV ----

enum sim_status res_report_write_requests(const char *path, const struct sim_result *r,
                                          struct sim_err *err)
{
    struct sim_afile af;
    const enum sim_status st = sim_afile_open(&af, path, err);
    if (st != SIM_OK)
        return st;
    FILE *f = af.f;
    fprintf(f, "device,request,arrival_s,first_token_s,done_s,prompt_tokens,new_tokens,ttft_s,"
               "tpot_s,e2e_s,edge_j,radio_j,cloud_j\n");
    for (int64_t i = 0; i < r->n_requests; i++) {
        const struct sim_request_record *q = &r->requests[i];
        char tpot[32] = ""; // empty: one new token has no time per output token
        if (isfinite(q->tpot_s))
            snprintf(tpot, sizeof tpot, "%.17g", q->tpot_s);
        // energy: empty without a power model
        char j[3][32] = {"", "", ""};
        const double v[3] = {q->edge_j, q->radio_j, q->cloud_j};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k]))
                snprintf(j[k], sizeof j[k], "%.17g", v[k]);
        fprintf(f, "%d,%d,%.17g,%.17g,%.17g,%lld,%lld,%.17g,%s,%.17g,%s,%s,%s\n", q->device,
                q->request, q->arrival_s, q->first_token_s, q->done_s,
                (long long)q->prompt_tokens, (long long)q->new_tokens, q->ttft_s, tpot, q->e2e_s,
                j[0], j[1], j[2]);
    }
    return sim_afile_commit(&af, err);
}

enum sim_status res_report_write_steps(const char *path, const struct sim_result *r,
                                       struct sim_err *err)
{
    struct sim_afile af;
    const enum sim_status st = sim_afile_open(&af, path, err);
    if (st != SIM_OK)
        return st;
    FILE *f = af.f;
    fprintf(f, "device,request,step,phase,pos_tokens,new_tokens,start_s,end_s,duration_s,"
               "edge_compute_s,cloud_compute_s,uplink_s,downlink_s,latency_s,waiting_s,"
               "overhead_s,retransmit_s,outage_s,bytes_up,bytes_down,messages,alone\n");
    for (int64_t i = 0; i < r->n_steps; i++) {
        const struct sim_step_record *s = &r->steps[i];
        fprintf(f, "%d,%d,%d,%s,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,"
                   "%.17g,%.17g,%.17g,%lld,%lld,%d,%d\n", s->device, s->request, s->step,
                ref_phase_name(s->phase), (long long)s->pos, (long long)s->tokens, s->start_s,
                s->end_s, s->end_s - s->start_s, s->b.edge_compute_s, s->b.cloud_compute_s,
                s->b.uplink_s, s->b.downlink_s, s->b.latency_s, s->b.waiting_s, s->b.overhead_s,
                s->b.retransmit_s, s->b.outage_s,
                (long long)s->bytes_up,
                (long long)s->bytes_down, s->messages, s->alone);
    }
    return sim_afile_commit(&af, err);
}
