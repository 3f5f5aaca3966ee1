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

/* What a workload runs. */
struct mdl_workload {
    enum ref_phase phase;  /* prefill: simulate the prompt only (the first token);
                              decode: the prompt, then new_tokens - 1 decode steps */
    int64_t prompt_tokens; /* tokens prefilled per sequence */
    int64_t new_tokens;    /* tokens generated per sequence (the prefill makes the first) */
    int64_t batch;         /* sequences per device stepped together */
    int64_t devices;       /* identical edge devices sharing the cell */
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
    struct mdl_link link;    /* the cell: uplink, downlink, RTT */
    struct mdl_workload workload;
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
 * positive and its RTT not negative, and nothing is asked that the
 * engine does not model (jitter, loss, traces); otherwise SIM_EINVAL
 * with "ORIGIN: $.json.path: what is wrong". */
enum sim_status mdl_input_check(const struct mdl_input *in, struct sim_err *err);

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
 * weight bits and the adapter bits; the KV cache and activations are not
 * included. */
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
/* Speculative verification's per-token acceptance rate, in [0, 1]; the
 * input must verify speculatively (plan.spec_k > 0). */
enum sim_status mdl_input_set_spec_acceptance(struct mdl_input *in, double a,
                                              struct sim_err *err);
/* The mode of every step (the cost models stay those of the input);
 * device-only and cloud-only drop speculative verification. */
enum sim_status mdl_input_set_mode(struct mdl_input *in, enum ref_mode mode,
                                   struct sim_err *err);

#endif
