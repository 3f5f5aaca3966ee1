/*
 * sim/server: a GPU as a serving system.
 *
 * One server actor runs on each GPU host. The devices' cloud actors hand
 * it their compute stages as jobs and block until the job has run. At
 * each scheduling point (the GPU free and work waiting) the server takes
 * a batch from the head of its queue and runs it for mdl_cost_batch_s:
 * one kernel per operation and layer, its weights read once however many
 * sequences it serves, FLOPs and KV-cache bytes summed per sequence.
 *
 *  - continuous: every waiting job, in arrival order, up to max_batch
 *    sequences (iteration-level scheduling, as in Orca and vLLM, at the
 *    granularity of one stage: a sequence that leaves the GPU for its
 *    phone's round trip rejoins the next batch after the phone answers);
 *  - fcfs: one job at a time, in arrival order, no batching across
 *    devices (the throughput of a GPU time-shared by independent runs).
 *
 * Memory: the server holds the KV cache of the requests it admitted. A
 * request reserves its full context's KV bytes when it begins and frees
 * them when it ends; one that does not fit waits, first come first
 * served (head-of-line), and the wait lands in its time to first token.
 *
 * Only sim/ includes this header: it uses SimGrid types.
 */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdint.h>

#include <simgrid/forward.h>

#include "models/cost.h"
#include "models/input.h"

/* One compute stage of one device, handed to a server. */
struct srv_job {
    const struct ref_stage *stage; /* costs of the device's whole batch */
    int64_t seqs;                  /* sequences it carries (the device's batch) */
    double start_s, end_s;         /* the batch it ran in: began, ended */
    int64_t batch_seqs;            /* the sequences of that batch, all jobs */
    sg_sem_t done;                 /* the submitter's, released when it ran */
    struct srv_job *next;          /* queue link, the server's */
};

/* What a server did, for the summary. */
struct srv_stats {
    int64_t batches;         /* scheduling points that ran work */
    int64_t jobs;            /* stages run */
    int64_t sequences;       /* sequence-stages run (jobs x their sequences) */
    int64_t max_sequences;   /* the largest batch, in sequences */
    double busy_s;           /* time running batches */
    double peak_kv_bytes;    /* the most KV cache reserved at once */
    int64_t admission_waits; /* requests that waited for memory */
    double admission_wait_s; /* their total wait */
};

struct server;

/* A server for one GPU with cost model c (borrowed), the scheduler and
 * cap of in's serving, and kv_capacity_bytes for KV caches (INFINITY: no
 * limit). Starts its actor, a daemon, on host. */
struct server *srv_start(sg_host_t host, int index, const struct mdl_cost *c,
                         const struct mdl_serving *serving, double kv_capacity_bytes);

/* Queues the job and returns once it has run (start_s, end_s set); the
 * caller owns job and its semaphore. A GPU with a single client runs the
 * job in the caller's actor, on the GPU's host: the same time and the
 * same statistics as a batch of one, without the server's context
 * switches. */
void srv_run(struct server *s, struct srv_job *job);

/* Declares the number of devices the server serves (before the run). */
void srv_set_clients(struct server *s, int64_t n);

/* Reserves bytes of KV cache, waiting (on sem, the caller's) in arrival
 * order until they fit; bytes must not exceed the capacity. */
void srv_admit(struct server *s, double bytes, sg_sem_t sem);

/* Frees bytes reserved by srv_admit and admits waiters that now fit. */
void srv_release(struct server *s, double bytes);

const struct srv_stats *srv_stats(const struct server *s);

/* Frees a server once the engine has stopped. */
void srv_free(struct server *s);

#endif
