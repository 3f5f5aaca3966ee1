/*
 * sim/replay: what the actors of sim/run replay and what sim/record
 * makes of it, shared by the two (internal to sim/).
 *
 * The actors write every stage's start and end into their device's ring
 * of recent steps; sim/record turns a step into its record as soon as
 * both actors have walked the step after it (the breakdown of a step
 * looks at its neighbours, which pipelining overlaps), then forgets it.
 * So a run holds a few steps of stage times per device however long it
 * is, and a step record per step.
 */
#ifndef SIM_REPLAY_H
#define SIM_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include <simgrid/forward.h>

#include "models/input.h"
#include "models/requests.h"
#include "reference/accounting.h"
#include "sim/result.h"

/* The plan of one kind of step and its stage durations, cached in the
 * replay: a prefill per prompt length, a decode step (or speculative
 * pass) per position. */
struct step_spec {
    struct ref_plan *plan; /* owned */
    double *dur_s;         /* cost-model seconds per stage; 0 for messages */
    enum ref_phase phase;
    int64_t pos;           /* tokens cached before the step */
    int64_t n_tokens;      /* new tokens per sequence through the model */
    int alone;             /* 1: a device-only step, which a phone makes alone after
                              it fell back from the link */
};

/* One step of one request. */
struct step_ref {
    const struct step_spec *spec;
    int64_t produced; /* tokens it yields per sequence: a prefill its first, a decode
                         step one, a speculative pass the accepted drafts and one */
};

/* What the actors replay, shared by every device. */
struct replay {
    int progress;              /* 1: report steps on stderr (device 0) */
    double wall0_s;            /* monotonic time the simulation began */
    struct step_spec **prefill_by_prompt; /* [max prompt + 1], built as needed */
    struct step_spec **decode_by_pos;     /* [max position + 1], built as needed */
    int64_t n_prefill, n_decode;          /* their lengths */
    int64_t *yield;            /* speculative: what pass i of any request yields before
                                  the request's end cuts it (drawn once, seeded: the
                                  same passes for every request) */
    int64_t n_yield;
    struct mdl_requests reqs;  /* every device's requests */
    int max_stages;            /* the most stages of any step */
    int64_t batch;
    enum mdl_arrival arrival;
    double think_s;            /* at-start: a request's end to the device's next */
    double kv_token_bytes;     /* cloud KV cache per sequence and cached token */
    int64_t spec_k;            /* a speculative pass's look-ahead */
    struct mdl_slo slo;
    double lat_s;              /* one-way latency: the radio's and the backhaul's */
    double bw_up_Bps, bw_down_Bps;
    int downlink_counted;      /* 0: downlink messages carry no transfer time */
    double overhead_s[2];      /* [REF_EDGE], [REF_CLOUD]: software time a side spends
                                  on each message it sends or receives */
    struct mdl_link_sample *sched; /* a link trace over simulated time, or NULL */
    int64_t n_sched;
    double sched_period_s;     /* its loop, or 0 */
    double sched_min_lat_s;    /* its least one-way latency: the links' */
    int trace_rtt_varies;      /* 1: messages are delivered later by the rest */
    double backhaul_lat_s;     /* one way, added to the trace's */
    int net_effects;           /* 1: jitter, loss, outages or a varying RTT act on messages */
    int net_draws;             /* 1: jitter or loss are drawn per message */
    const struct mdl_link *link; /* their parameters */
    double rto_s;
    const struct mdl_input *in;  /* for the plans a fallback builds as the run goes */
    int fallback;              /* 1: after fallback_timeout_s without a word in an outage,
                                  the phone makes the rest of its request alone */
    double fallback_timeout_s;
    int n_epochs;              /* mailbox pairs of a device: one more for each outage
                                  long enough to fall back in */
    struct step_spec **alone_prefill_by_len; /* [n_alone_prefill]: device-only steps, */
    struct step_spec **alone_decode_by_pos;  /* [n_decode]: built as needed */
    int64_t n_alone_prefill;
    /* power models (NaN: none; see sim/energy.c) */
    double soc_idle_W, soc_active_W;  /* the phone's SoC */
    double gpu_active_W;              /* a GPU board running a batch */
    const struct mdl_radio *radio;    /* the phone's radio, or NULL */
};

/* The phone's word to the cloud that it went on alone with request req:
 * sent over the link that is down, it arrives once the link is back. */
struct fallback_notice {
    int64_t req;    /* the request, of the device */
    double sent_s;
    int epoch;      /* the mailbox pair the phone uses from now on */
};

struct stage_time {
    double start;        /* compute: began; message: sender posted it */
    double end;          /* compute: ended; message: receiver had it */
    double jitter_s;     /* message: the extra one-way delay drawn for it */
    double retransmit_s; /* message: its retransmissions' timeouts */
    double outage_s;     /* message: held while its link was down */
};

/* One direction of a device's link, as its receiver sees it: the network
 * effects drawn per message (jitter, loss) and in-order delivery. */
struct link_state {
    double last_s;  /* when the previous message was delivered */
    void *rng;      /* gsl_rng, seeded per device and direction; NULL: no draws */
};

struct recorder;

/* Shared by the two actors of one device. A device's steps are counted
 * over its requests: step K is steps[K], of the request r with
 * req_step0[r] <= K < req_step0[r + 1]. */
struct device {
    int index;               /* 0-based, for the log */
    int finished;            /* actors of this device that walked every step */
    const struct replay *rp;
    const struct mdl_request *req; /* n_req: its requests (in rp->reqs) */
    int64_t n_req;
    int64_t req0;            /* its first request's index in rp->reqs and the records */
    struct step_ref *steps;  /* n_steps: its steps over its requests */
    int64_t n_steps;
    int64_t *req_step0;      /* n_req + 1 */
    int64_t step0;           /* its first step record in the result */
    int64_t rec_req;         /* the request of the next step to record */
    struct recorder *rec;    /* where its steps become records */
    sg_mailbox_t (*box)[2];  /* n_epochs pairs: [0] edge -> cloud, [1] cloud -> edge; a
                                fallback moves on to a fresh pair, leaving the messages
                                of the abandoned step behind */
    int epoch[2];            /* the pair each side uses */
    struct fallback_notice *notice; /* n_req, with a fallback: the phone's word for a
                                       request it made (in part) alone */
    double alone_until_s;    /* the phone fell back in an outage that lasts until then:
                                a request it begins before makes no try of the link */
    int64_t fallbacks;       /* requests the phone made (in part) alone */
    double *cloud_j;         /* n_req: each request's share of its GPU batches */
    struct radio_state {     /* the radio's state machine, as records are made */
        double cursor_s;     /* integrated up to here */
        double last_end_s;   /* its last transfer ended (-INFINITY: none yet) */
        int64_t owner;       /* the request the tail after cursor_s is charged to, or -1 */
    } radio;
    double window_s;         /* the request being recorded is charged from here */
    double prev_done_s;      /* the previous request's last token */
    struct server *srv;      /* the GPU serving it */
    sg_sem_t sem;            /* the cloud actor's: its job ran, or it was admitted */
    double *arrival_s;       /* n_req: when each request arrived */
    struct stage_time *ring; /* ring_steps x max_stages: the steps in flight */
    struct link_state link[2]; /* [REF_EDGE]: what the edge receives (downlink);
                                  [REF_CLOUD]: what the cloud receives (uplink) */
    int64_t retransmissions, outage_messages;
    double retransmit_s, outage_s;
    int64_t ring_steps;      /* a power of two */
    int64_t walked[2];       /* steps each side (REF_EDGE, REF_CLOUD) has walked */
    int64_t recorded;        /* steps made into records */
};

/* The stage times of step K of dev (in its ring). The pointer holds only
 * until the next rec_reserve on dev: an actor that yields looks it up
 * again. */
static inline struct stage_time *rec_times(const struct device *dev, int64_t K)
{
    return dev->ring + (size_t)(K & (dev->ring_steps - 1)) * (size_t)dev->rp->max_stages;
}

/* The records of one run: out's step and request records, allocated for
 * every step of every device, filled as the steps end; the traced
 * devices' stages go to a spool file. */
struct recorder {
    const struct replay *rp;
    struct sim_result *out;
    int64_t n_dev;
    int64_t n_steps;                /* of all devices */
    int64_t trace_first, trace_end; /* traced devices [first, end); none if equal */
    FILE *spool;                    /* struct sim_event records, or NULL */
    int spool_failed;               /* a write to the spool failed */
    struct edge_ev *ev;             /* breakdown scratch */
    int ev_cap;
    int64_t alone_tokens;           /* made alone by phones (a fallback), per sequence */
    struct energy_iv *iv;           /* a step's radio transfers, scratch */
};

/* Allocates out's records for n_steps steps of n_dev devices;
 * spool_path (NULL: no trace) receives the traced devices' events. */
enum sim_status rec_init(struct recorder *rc, const struct replay *rp, int64_t n_dev,
                         int64_t n_steps, int64_t trace_first, int64_t trace_end,
                         const char *spool_path, struct sim_result *out, struct sim_err *err);

/* dev's ring ready for step K, which an actor is about to walk. */
void rec_reserve(struct device *dev, int64_t K);

/* One side of dev walked step K: records every step now complete. */
void rec_walked(struct device *dev, int side, int64_t K);

/* A message's phases as the breakdown reads them: it leaves the sender at
 * *net (after the sender's overhead), then takes *lat of latency and *tx
 * of transfer on the link as it was when it left. */
void rec_message_phases(const struct replay *rp, const struct ref_stage *s,
                        const struct stage_time *t, double *net, double *lat, double *tx);

/* After the run: the summary from the records; closes the spool. */
enum sim_status rec_finish(struct recorder *rc, enum ref_mode mode, struct sim_err *err);

/* Frees the recorder's scratch (not out). */
void rec_free(struct recorder *rc);

#endif
