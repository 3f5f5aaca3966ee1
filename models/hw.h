/*
 * models/hw: devices (phones, laptops, cloud GPUs) and links as plain
 * data, every number with its provenance. The catalogs that fill these
 * structs live in models/{edge,gpu,link}.json and are read by
 * scenarios/catalog, where human units are converted to SI.
 *
 * No I/O and no JSON here: these are the types the cost model and the
 * simulator consume.
 */
#ifndef MODELS_HW_H
#define MODELS_HW_H

#include <stdint.h>

#include "reference/accounting.h"

/* Where a number comes from. OVERRIDE marks a value a scenario set. */
enum mdl_kind { MDL_KIND_SPEC, MDL_KIND_MEASURED, MDL_KIND_ASSUMED, MDL_KIND_OVERRIDE };

const char *mdl_kind_name(enum mdl_kind k); /* "spec", ..., "override" */

/* Name tables, NULL-terminated, indexed by the enum or flag. */
extern const char *const mdl_kind_names[MDL_KIND_OVERRIDE + 2];
extern const char *const mdl_catalog_kind_names[MDL_KIND_OVERRIDE + 1]; /* what a catalog may say */
extern const char *const mdl_sparsity_names[3]; /* dense, sparse (a peak's) */
extern const char *const mdl_scope_names[3];    /* model, decoder (mdl_measured.decoder_only) */

/* One number and its provenance. */
struct mdl_fact {
    double value;      /* SI: bytes, seconds, flop/s, bytes/s, 1/s */
    enum mdl_kind kind;
    char source[320];  /* citation or derivation; the scenario file for overrides */
    int present;       /* 0: not given */
};

/* Arithmetic precisions a device may list peaks for. */
enum mdl_precision { MDL_FP32, MDL_FP16, MDL_BF16, MDL_INT8, MDL_INT4, MDL_PREC_COUNT };

const char *mdl_precision_name(enum mdl_precision p);
extern const char *const mdl_precision_names[MDL_PREC_COUNT + 1];

#define MDL_MAX_MEASURED 8

/* A measured end-to-end throughput of one model on one device. */
struct mdl_measured {
    char model[48];          /* LLM catalog name, e.g. "llama2-7b" */
    double weight_bits;      /* precision of the weights when measured */
    enum ref_phase phase;    /* prefill or decode */
    int64_t batch;           /* sequences */
    int decoder_only;        /* 1: covers the decoder layers only (scope "decoder") */
    struct mdl_fact tokens_per_s; /* the measurement, 1/s */
    struct mdl_fact context_tokens; /* tokens in the KV cache while measured (decode) */
};

/* A compute device: an edge SoC or a cloud GPU. */
struct mdl_device {
    char name[64];                 /* catalog key */
    char description[200];
    struct mdl_fact mem_bw_Bps;        /* memory bandwidth, bytes/s */
    struct mdl_fact mem_capacity_bytes;
    struct mdl_fact memory_efficiency;  /* optional: fraction of mem_bw_Bps decode reaches */
    struct mdl_fact compute_efficiency; /* optional: fraction of the dense peak reached */
    struct mdl_fact peak_dense_flop_per_s[MDL_PREC_COUNT];  /* flop/s, no sparsity */
    struct mdl_fact peak_sparse_flop_per_s[MDL_PREC_COUNT]; /* listed, never used for cost */
    struct mdl_fact message_overhead_s; /* optional: software time per message sent or
                                           received (serialisation, system calls,
                                           framework); absent: 0 */
    struct mdl_fact stage_overhead_s; /* optional: fixed time of each compute stage (a
                                         fitted entry's); a scenario's cost setting wins */
    struct mdl_fact idle_power_W;   /* optional: the SoC or board with nothing to run */
    struct mdl_fact active_power_W; /* optional: while it computes (a GPU: at load) */
    struct mdl_fact battery_J;      /* optional: a phone's battery capacity */
    struct mdl_fact price_usd_per_s; /* optional: what an hour of the GPU costs, per second */
    struct mdl_measured measured[MDL_MAX_MEASURED];
    int n_measured;
};

/* A phone's cellular radio, as a state machine driven by its messages:
 * while it sends or receives, base power plus a slope per throughput each
 * way; after its last transfer, the tail (connected, no data) for
 * tail_s at tail power; then idle. All optional; a link without them has
 * no radio energy. */
struct mdl_radio {
    struct mdl_fact base_W;          /* transferring: the fixed part */
    struct mdl_fact up_J_per_B;      /* plus this per B/s sent (W per B/s) */
    struct mdl_fact down_J_per_B;    /* plus this per B/s received */
    struct mdl_fact tail_W;
    struct mdl_fact tail_s;
    struct mdl_fact idle_W;
};

/* How a link's jitter is drawn. */
enum mdl_jitter_dist { MDL_JITTER_EXPONENTIAL, MDL_JITTER_LOGNORMAL };

/* One row of a link trace: from t_s on (until the next row), these rates
 * and this round trip. */
struct mdl_link_sample {
    double t_s, uplink_Bps, downlink_Bps, rtt_s;
};

/* A link trace, read by scenarios/ (which owns it). */
struct mdl_link_trace {
    char path[512];
    struct mdl_link_sample *rows; /* n, in time order */
    int64_t n;
};

/* A time the link is down: messages wait until it returns. */
struct mdl_outage {
    double start_s, duration_s;
};
#define MDL_MAX_OUTAGES 64
#define MDL_DEFAULT_RTO_S 0.2 /* Linux's minimum retransmission timeout */

/* One access link between the edge devices and the cloud. */
struct mdl_link {
    char name[64];
    char description[200];
    struct mdl_fact uplink_Bps;   /* edge -> cloud, bytes/s */
    struct mdl_fact downlink_Bps; /* cloud -> edge, bytes/s */
    struct mdl_fact rtt_s;        /* round-trip propagation latency */
    struct mdl_fact jitter_s;     /* optional: extra one-way delay of each message, drawn:
                                     an exponential of this mean, or a lognormal of this
                                     median (jitter_dist) */
    enum mdl_jitter_dist jitter_dist;
    double jitter_p99_s;          /* lognormal: the 99th percentile */
    struct mdl_fact loss;         /* optional: chance a message is lost, in [0, 1) */
    struct mdl_fact rto_s;        /* optional: a lost message is sent again this long
                                     after it was sent; absent: MDL_DEFAULT_RTO_S */
    struct mdl_outage outages[MDL_MAX_OUTAGES]; /* the link is down in each */
    int n_outages;
    char trace[256];              /* optional trace file as written, "" if none */
    const struct mdl_link_trace *trace_rows; /* its rows once read; NULL: none */
    struct mdl_fact trace_start_s; /* optional: the trace time at simulated time 0 */
    int trace_gnettrack;          /* 1: the trace is a G-NetTrack log */
    int trace_loop;               /* 1: the trace repeats (its last row holds as long as
                                     the interval before it); 0: the last row holds */
    struct mdl_radio radio;       /* the phone's radio on this link */
    int fallback_device_only;     /* 1: after fallback_timeout of silence in an outage the
                                     phone makes the rest of the request alone */
    struct mdl_fact fallback_timeout_s;
};

/* The measured entry of dev for model at weight_bits, phase and batch 1,
 * or NULL. */
const struct mdl_measured *mdl_device_find_measured(const struct mdl_device *dev,
                                                    const char *model,
                                                    double weight_bits,
                                                    enum ref_phase phase);

/* A radio cell: the capacity all of its devices share, in each
 * direction (each device is also capped at its own link's rate). */
struct mdl_cell {
    int present;              /* 0: no cell modelled; devices share nothing */
    char name[64];
    char description[200];
    char bandwidth[64];       /* the carrier, as the catalog states it ("100 MHz") */
    char duplex[96];          /* "TDD, DL 3/4 of the air time", "FDD" */
    struct mdl_fact uplink_Bps;   /* all devices' uplinks together, bytes/s */
    struct mdl_fact downlink_Bps; /* all devices' downlinks together, bytes/s */
    int64_t count;            /* cells the devices are dealt to in turn */
};

/* The link from the cells to the cloud, shared by every cell. */
struct mdl_backhaul {
    int present;          /* 0: not modelled (no limit, no delay) */
    double bandwidth_Bps; /* each direction */
    double latency_s;     /* one way, added to the link's RTT / 2 */
};

/* The link's values over simulated time when it follows a trace: the
 * rows from trace_start on, shifted so that simulated time 0 is
 * trace_start, into a new array (free it) of *n samples starting at 0;
 * *period_s is the loop's period, or 0 when the last row holds. */
void mdl_link_schedule(const struct mdl_link *l, struct mdl_link_sample **out, int64_t *n,
                       double *period_s);

/* The sample of a schedule in force at simulated time t (>= 0). */
const struct mdl_link_sample *mdl_link_at(const struct mdl_link_sample *s, int64_t n,
                                          double period_s, double t);

/* One state of a two-state (good/bad) Markov-modulated link. */
struct mdl_link_state {
    double uplink_Bps, downlink_Bps, rtt_s;
    double dwell_s; /* mean time in the state (exponential) */
};

/* A synthetic link trace of duration_s from a two-state Markov chain:
 * the first state drawn from the chain's stationary distribution, each
 * stay exponential with its state's mean, the states alternating; a row
 * at 0 and at every change, into a new array (free it) of *n rows. GSL's
 * MT19937 seeded with seed: the same seed, the same trace. */
void mdl_link_markov(const struct mdl_link_state st[2], double duration_s, uint64_t seed,
                     struct mdl_link_sample **out, int64_t *n);

#endif
