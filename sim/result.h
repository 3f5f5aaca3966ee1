/*
 * sim/result: what one simulation run reports, as plain data (no SimGrid
 * types), so results/ and the CLI can use it without the engine.
 *
 * Time breakdown of a step: its wall time split along the critical path
 * into edge compute, cloud compute, uplink and downlink transfer
 * (bytes / bandwidth), propagation latency, and waiting (queueing behind
 * other devices, or idle gaps). The six parts add up to the step's time.
 */
#ifndef SIM_RESULT_H
#define SIM_RESULT_H

#include <stdint.h>

#include "reference/accounting.h"

/* Seconds, by cause. */
struct sim_breakdown {
    double edge_compute_s;
    double cloud_compute_s;
    double uplink_s;   /* transfer time on the uplink (D2C) */
    double downlink_s; /* transfer time on the downlink (C2D) */
    double latency_s;  /* propagation latency */
    double waiting_s;  /* contention and idle gaps */
    double overhead_s; /* software time per message sent or received */
    double retransmit_s; /* lost messages waiting for their retransmission timeout */
    double outage_s;   /* messages held while their link was down */
};

/* Sum of the six parts. */
double sim_breakdown_total(const struct sim_breakdown *b);

/* a += scale * b, field by field. */
void sim_breakdown_add(struct sim_breakdown *a, const struct sim_breakdown *b, double scale);

/* One simulated step of one device. */
struct sim_step_record {
    int32_t device;        /* 0-based device index */
    int32_t request;       /* 0-based request of the device */
    int32_t step;          /* 0 = prefill, then decode steps */
    enum ref_phase phase;
    int64_t pos;           /* tokens in the cache before the step */
    int64_t tokens;        /* new tokens per sequence in this step */
    double start_s;        /* simulated time the step began */
    double end_s;          /* simulated time its last stage ended */
    struct sim_breakdown b;
    int64_t bytes_up;      /* all sequences of the device */
    int64_t bytes_down;
    int32_t messages;
    int32_t alone;         /* 1: the phone made it alone, device-only (a fallback) */
};

/* One request of one device: its batch of sequences, prefilled, then
 * decoded. Times are simulated seconds; NaN where not applicable (tpot
 * with a single new token). */
struct sim_request_record {
    int32_t device;
    int32_t request;
    double arrival_s;     /* the request arrived */
    double first_token_s; /* its prefill ended: the first token */
    double done_s;        /* its last token */
    int64_t prompt_tokens;
    int64_t new_tokens;
    double ttft_s;        /* first_token - arrival: queueing included */
    double tpot_s;        /* (done - first_token) / (new_tokens - 1) */
    double e2e_s;         /* done - arrival */
    double edge_j;        /* the phone's SoC over the request (NaN: no power model) */
    double radio_j;       /* the phone's radio over it, with the tail after it */
    double cloud_j;       /* its share of the GPU batches it ran in */
};

/* The summary of a run. Rates are per device (its batch of sequences);
 * aggregate rates add the devices up. NaN where not applicable (e.g.
 * decode_tps with a single new token). */
struct sim_summary {
    int unfit;                   /* 1: a side cannot hold its part of the model;
                                    nothing was simulated and every rate is NaN */
    enum ref_mode mode;
    int64_t devices;
    int64_t batch;
    double ttft_s;               /* prefill step, first token included */
    double prefill_tps;          /* batch * prompt_tokens / ttft */
    double decode_tps;           /* batch * decode steps / decode time */
    double decode_step_s;        /* mean wall time of one decode step (or pass) */
    double tokens_per_step;      /* tokens a decode step yields per sequence: 1, or a
                                    speculative pass's accepted draft tokens + 1 */
    double aggregate_decode_tps; /* all devices' decode tokens / decode span */
    double makespan_s;           /* end of the last step of any device */
    double bytes_up_per_token;   /* decode, per sequence token */
    double bytes_down_per_token;
    double prefill_bytes_up_per_token;
    double prefill_bytes_down_per_token;
    struct sim_breakdown decode_per_token;   /* mean over every decode step of every request */
    struct sim_breakdown prefill;            /* mean over every request's prefill step */
    int64_t messages;            /* simulated communications, all devices */
    double wall_s;               /* real seconds the simulation took */
    /* requests: percentiles over every request (vLLM's benchmark names) */
    int64_t requests;
    double ttft_p50_s, ttft_p90_s, ttft_p99_s;
    double tpot_p50_s, tpot_p90_s, tpot_p99_s;
    double e2e_p50_s, e2e_p99_s;
    double slo_attainment;       /* fraction of requests within every SLO set; NaN: none */
    /* the GPUs as servers */
    double gpu_utilization;      /* time running batches / makespan, mean over GPUs */
    double mean_batch_sequences; /* sequences per batch, over all batches */
    int64_t max_batch_sequences; /* the largest batch */
    double kv_peak_bytes;        /* the most KV cache reserved on one GPU at once */
    int64_t admission_waits;     /* requests that waited for GPU memory */
    double admission_wait_s;     /* their mean wait; 0 when none waited */
    int64_t retransmissions;     /* messages sent again, all devices */
    double retransmit_s;         /* the delay retransmissions added to messages, summed */
    int64_t outage_messages;     /* messages an outage held */
    double outage_s;             /* the delay outages added to messages, summed */
    int64_t outage_stalled_tokens; /* tokens (per sequence) of steps an outage held */
    int64_t fallbacks;           /* requests a phone made (in part) alone, the link down */
    int64_t fallback_tokens;     /* tokens (per sequence) phones made alone */
    /* energy and cost per token (all sequences), NaN without a power model;
       over each request's own time (see sim/energy.c) */
    double edge_compute_j_per_token;  /* the phone's SoC */
    double radio_j_per_token;         /* the phone's radio, tails included */
    double cloud_j_per_token;         /* the GPU batches, shared among their sequences */
    double cloud_energy_j;            /* every GPU over the whole run, idle included
                                         (SimGrid's host energy plugin) */
    double edge_energy_j;             /* every phone's SoC over the whole run (the same) */
    double usd_per_million_tokens;    /* the GPUs' hours over the run, at their price */
    double battery_percent_per_1000_tokens; /* SoC and radio against the battery */
};

/* One stage of one step as it happened, for traces. */
struct sim_event {
    int32_t device;
    int32_t step;
    char name[16];        /* the plan stage's name */
    enum ref_place place; /* edge, cloud, up or down */
    int64_t layer;        /* -1 when none */
    double start_s;       /* compute began / message sent */
    double end_s;         /* compute ended / message arrived */
    int64_t bytes;        /* message bytes, 0 for compute */
};

/* The most JSON text one traced stage takes (a Chrome trace "X" event
 * with its arguments is about 190 bytes): the trace bound's estimate. */
#define SIM_TRACE_BYTES_PER_EVENT 256.0

/* A run's results. steps has n_steps records (devices x requests x
 * steps), requests one per request of every device; events only when
 * the run asked for a trace. */
struct sim_result {
    struct sim_summary summary;
    struct sim_step_record *steps; /* owned */
    int64_t n_steps;
    char events_path[400];         /* n_events struct sim_event records, a step's
                                      stages together, steps in the order they
                                      were recorded (devices interleaved); a
                                      file the result owns (sim_result_free
                                      removes it); "" when none */
    int64_t n_events;
    struct sim_request_record *requests; /* owned: devices x requests */
    int64_t n_requests;
};

/* *s as for an input that was not simulated because a side cannot hold
 * its part of the model: unfit, mode, devices and batch set, every time
 * and rate NaN. */
struct mdl_input;
void sim_summary_unfit(struct sim_summary *s, const struct mdl_input *in);

/* Frees the steps; NULL is a no-op. */
void sim_result_free(struct sim_result *r);

#endif
