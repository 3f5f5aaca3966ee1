/*
 * models/input: the resolved input of one simulation, as plain data.
 *
 * scenarios/ turns a JSON file (and its extends chain, and command-line
 * overrides) into this struct once: every number in SI units, catalog
 * entries copied in with their provenance, cost models calibrated. The
 * simulator (sim/) and what drives it (analysis/: sweeps, break-even,
 * the paper) take this struct and never read a file. To vary a run, copy
 * the struct and change it through the typed setters below, which check
 * what they change the way the loader does.
 *
 * No I/O and no JSON here.
 */
#ifndef MODELS_INPUT_H
#define MODELS_INPUT_H

#include <stdint.h>

#include "models/cost.h"
#include "models/hw.h"
#include "reference/accounting.h"
#include "util/status.h"

/* How requests reach the system. */
enum mdl_arrival {
    MDL_ARRIVAL_AT_START, /* every device's first request at t = 0; its next ones a
                             think time after the previous one ends (closed loop) */
    MDL_ARRIVAL_POISSON,  /* a Poisson process of rate_per_s over all devices, the
                             requests dealt to the devices in turn (open loop) */
    MDL_ARRIVAL_TRACE,    /* the rows of a CSV file (arrival, prompt and new tokens),
                             dealt to the devices in turn (open loop) */
};
extern const char *const mdl_arrival_names[4]; /* "at-start", "poisson", "trace" */

/* How the prompt or output length of each request is chosen. */
enum mdl_length_dist {
    MDL_LEN_FIXED,     /* every request: prompt_tokens / new_tokens */
    MDL_LEN_UNIFORM,   /* an integer uniform on [min, max] */
    MDL_LEN_LOGNORMAL, /* a lognormal of the given median and 99th percentile,
                          rounded, at least 1 and at most max */
};
extern const char *const mdl_length_dist_names[4]; /* "fixed", "uniform", "lognormal" */

struct mdl_lengths {
    enum mdl_length_dist dist;
    double min, max;     /* tokens; uniform: the range; lognormal: max caps */
    double median, p99;  /* tokens; lognormal */
};

/* One row of an arrival trace. */
struct mdl_trace_row {
    double arrival_s;
    int64_t prompt_tokens, new_tokens;
};

/* An arrival trace, read by scenarios/ (which owns it). */
struct mdl_request_trace {
    char path[512];             /* the file, for messages */
    struct mdl_trace_row *rows; /* n, in order of arrival */
    int64_t n;
};

/* What a workload runs. */
struct mdl_workload {
    enum ref_phase phase;  /* prefill: simulate the prompt only (the first token);
                              decode: the prompt, then new_tokens - 1 decode steps */
    int64_t prompt_tokens; /* tokens prefilled per sequence */
    int64_t new_tokens;    /* tokens generated per sequence (the prefill makes the first) */
    int64_t batch;         /* sequences per device stepped together */
    int64_t devices;       /* identical edge devices sharing the cell */
    enum mdl_arrival arrival;
    double rate_per_s;     /* poisson: requests per second, all devices together */
    int64_t requests;      /* requests per device, served one after another
                              (trace: the rows are the requests) */
    double think_s;        /* at-start: from a request's end to the device's next */
    struct mdl_lengths prompt_dist, new_dist; /* fixed: prompt_tokens, new_tokens */
    const struct mdl_request_trace *trace;    /* arrival trace: its rows; else NULL */
};

/* How a GPU schedules the work of the devices it serves (sim/server). */
enum mdl_scheduler {
    MDL_SCHED_CONTINUOUS, /* all waiting stages as one batch, up to max_batch */
    MDL_SCHED_FCFS,       /* one device's stage at a time, no batching across devices */
};
extern const char *const mdl_scheduler_names[3]; /* "continuous", "fcfs" */

struct mdl_serving {
    enum mdl_scheduler scheduler;
    int64_t max_batch; /* sequences in one batch; 0: no cap */
};

/* Service-level objectives a request meets or misses; 0: none set. */
struct mdl_slo {
    double ttft_s; /* time to first token */
    double tpot_s; /* time per output token after the first */
};

/* One simulation's input. Plain data: copy it freely. */
struct mdl_input {
    char origin[1024];       /* the scenario file it was resolved from, for messages */
    char description[256];
    char model_name[64];     /* LLM catalog name */
    struct ref_config model; /* its architecture */
    struct ref_plan_opts plan; /* mode, ranks, layers, precisions, timing; phase,
                                  n_tokens, batch and pos describe the prefill */
    struct mdl_device edge;  /* the phone */
    struct mdl_device cloud; /* one GPU */
    int64_t cloud_gpus;      /* GPUs serving the devices, round robin */
    struct mdl_link link;    /* each device's radio: uplink, downlink, RTT */
    struct mdl_cell cell;    /* the capacity the devices of a cell share */
    struct mdl_backhaul backhaul;
    struct mdl_workload workload;
    struct mdl_serving serving;
    struct mdl_slo slo;
    struct mdl_cost cost[2]; /* [REF_EDGE], [REF_CLOUD], calibrated if asked */
    enum mdl_precision precision[2]; /* compute precision of each side's peak */
    int downlink_counted;    /* 0: downlink messages take no transfer time (the
                                paper's reading, accounting.downlink "ignored") */
    uint64_t seed;           /* the run's seed */
    double spec_acceptance;  /* speculative (plan.spec_k > 0): the chance that the
                                target accepts each draft token, i.i.d., seeded */
    char spec_draft_name[64]; /* the draft: an LLM catalog name or "prompt-lookup" */
};

/* Names of downlink_counted: "ignored" (0), "counted" (1); NULL-terminated. */
extern const char *const mdl_downlink_names[3];

/* SIM_OK when the input can be simulated: a plan builds for its prefill
 * and decode steps, the workload is positive, the link's rates are
 * positive and its RTT not negative, each side used holds its weights
 * and one request's KV cache in its memory, and nothing is asked that the
 * engine does not model (jitter, loss, traces); otherwise SIM_EINVAL
 * with "ORIGIN: $.json.path: what is wrong", or SIM_ERANGE when the input
 * is valid but a side cannot hold its weights and one request's KV cache
 * ("... needs X GB ... and has Y GB"). */
enum sim_status mdl_input_check(const struct mdl_input *in, struct sim_err *err);

/* KV-cache bytes side (REF_EDGE or REF_CLOUD) holds per cached token of
 * one sequence in in's mode, summed from the accounting plan's KV writes
 * of a one-token decode step (0 where the side runs no attention), and
 * on the edge a speculative draft model's. */
enum sim_status mdl_input_kv_bytes_per_token(const struct mdl_input *in, int side,
                                             double *bytes, struct sim_err *err);

/* KV-cache bytes side reserves for the largest request of one device:
 * its batch of sequences at their full context (prompt, new tokens, and
 * a speculative pass's look-ahead). */
enum sim_status mdl_input_request_kv_bytes(const struct mdl_input *in, int side, double *bytes,
                                           struct sim_err *err);

/* The same for a request whose sequences reach context tokens. */
enum sim_status mdl_input_kv_bytes_for(const struct mdl_input *in, int side, int64_t context,
                                       double *bytes, struct sim_err *err);

/* The work a simulation of in does, estimated before it starts: the
 * messages it simulates, and the bytes of the records it keeps: a step
 * record (and the step's reference) per step of every request of every
 * device, a request record per request, the plans it caches (a prefill
 * per prompt length, a decode step per position), and the stage times
 * of the steps in flight
 * (MDL_RECORD_RING_STEPS a device, MDL_RECORD_BYTES_PER_STAGE a stage;
 * a side that runs ahead of the other, a pipelined decode, holds more). */
#define MDL_RECORD_BYTES_PER_STAGE 40.0
#define MDL_RECORD_RING_STEPS 4
#define MDL_RECORD_BYTES_PER_STEP 176.0
#define MDL_RECORD_BYTES_PER_REQUEST 96.0
#define MDL_MAX_RECORD_BYTES 8e9 /* mdl_input_check refuses more (SIM_EINVAL) */
struct mdl_estimate {
    double messages;
    double stages;       /* every stage of every step, all devices and requests */
    double record_bytes;
};
enum sim_status mdl_input_estimate(const struct mdl_input *in, struct mdl_estimate *e,
                                   struct sim_err *err);

/* 1 when side's stage times rest on peak specs alone: a roofline at
 * 100 % of peak compute and bandwidth with no overhead, which no real
 * stack reaches (a result to read as a ceiling). */
int mdl_input_peak_only(const struct mdl_input *in, int side);

/* Steps one device runs: 1 (the prefill) for a prefill workload, else
 * new_tokens (the prefill makes the first token, each decode step one). */
int64_t mdl_input_steps(const struct mdl_input *in);

/* 1 when the input's mode computes on side (REF_EDGE or REF_CLOUD):
 * device-only uses only the edge, cloud-only only the cloud. */
int mdl_input_uses_side(const struct mdl_input *in, int side);

/* Bytes of the weights side (REF_EDGE or REF_CLOUD) holds in in's mode:
 * every component placed there (ref_resources_compute), at the side's
 * weight bits and the adapter bits, and on the edge a speculative draft
 * model whole; the KV cache and activations are not included. */
enum sim_status mdl_input_weight_bytes(const struct mdl_input *in, int side, double *bytes,
                                       struct sim_err *err);

// ---- typed setters: each changes one value and checks the result ----

/* Round-trip propagation latency, seconds (>= 0). */
enum sim_status mdl_input_set_rtt_s(struct mdl_input *in, double rtt_s, struct sim_err *err);
/* Cell uplink (edge -> cloud) and downlink rates, bytes/s (> 0). */
enum sim_status mdl_input_set_uplink_Bps(struct mdl_input *in, double Bps,
                                         struct sim_err *err);
enum sim_status mdl_input_set_downlink_Bps(struct mdl_input *in, double Bps,
                                           struct sim_err *err);
/* Edge devices, in [1, 1e7] (the work bound is checked when the input is
 * checked before a run). */
enum sim_status mdl_input_set_devices(struct mdl_input *in, int64_t devices,
                                      struct sim_err *err);
/* Speculative verification's per-token acceptance rate, in [0, 1]; the
 * input must verify speculatively (plan.spec_k > 0). */
enum sim_status mdl_input_set_spec_acceptance(struct mdl_input *in, double a,
                                              struct sim_err *err);
/* The mode of every step (the cost models stay those of the input);
 * device-only and cloud-only drop speculative verification. SIM_ERANGE
 * (the mode is set) when a side then cannot hold its part. */
enum sim_status mdl_input_set_mode(struct mdl_input *in, enum ref_mode mode,
                                   struct sim_err *err);

#endif
