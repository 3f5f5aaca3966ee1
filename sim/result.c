/*
 * sim/result: the helpers of a run's results. See result.h.
 */
#include "sim/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/input.h"

double sim_breakdown_total(const struct sim_breakdown *b)
{
    return b->edge_compute_s + b->cloud_compute_s + b->uplink_s + b->downlink_s +
           b->latency_s + b->waiting_s + b->overhead_s + b->retransmit_s + b->outage_s;
}

void sim_breakdown_add(struct sim_breakdown *a, const struct sim_breakdown *b, double scale)
{
    a->edge_compute_s += scale * b->edge_compute_s;
    a->cloud_compute_s += scale * b->cloud_compute_s;
    a->uplink_s += scale * b->uplink_s;
    a->downlink_s += scale * b->downlink_s;
    a->latency_s += scale * b->latency_s;
    a->waiting_s += scale * b->waiting_s;
    a->overhead_s += scale * b->overhead_s;
    a->retransmit_s += scale * b->retransmit_s;
    a->outage_s += scale * b->outage_s;
}

void sim_summary_unfit(struct sim_summary *s, const struct mdl_input *in)
{
    memset(s, 0, sizeof *s);
    double *nan_fields[] = {
        &s->ttft_s, &s->prefill_tps, &s->decode_tps, &s->decode_step_s, &s->tokens_per_step,
        &s->aggregate_decode_tps, &s->makespan_s, &s->bytes_up_per_token,
        &s->bytes_down_per_token, &s->prefill_bytes_up_per_token,
        &s->prefill_bytes_down_per_token, &s->ttft_p50_s, &s->ttft_p90_s, &s->ttft_p99_s,
        &s->tpot_p50_s, &s->tpot_p90_s, &s->tpot_p99_s, &s->e2e_p50_s, &s->e2e_p99_s,
        &s->slo_attainment, &s->gpu_utilization, &s->mean_batch_sequences, &s->kv_peak_bytes,
    };
    for (size_t i = 0; i < sizeof nan_fields / sizeof nan_fields[0]; i++)
        *nan_fields[i] = NAN;
    s->unfit = 1;
    s->mode = in->plan.mode;
    s->devices = in->workload.devices;
    s->batch = in->workload.batch;
}

void sim_result_free(struct sim_result *r)
{
    if (r == NULL)
        return;
    free(r->steps);
    free(r->requests);
    if (r->events_path[0] != '\0')
        remove(r->events_path);
    r->events_path[0] = '\0';
    r->steps = NULL;
    r->requests = NULL;
    r->n_steps = 0;
    r->n_events = 0;
    r->n_requests = 0;
}
