/*
 * sim/server: a GPU as a serving system. See server.h.
 */
#include "sim/server.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>

#include "sim/platform.h"
#include "util/status.h"

/* A request waiting for KV-cache memory. */
struct waiter {
    double bytes;
    sg_sem_t sem;
    struct waiter *next;
};

struct server {
    const struct mdl_cost *cost;
    struct mdl_serving serving;
    struct srv_job *head, *tail; /* jobs waiting, in arrival order */
    int idle;                    /* 1: the actor waits on wake */
    sg_sem_t wake;
    const struct ref_stage **stages; /* a batch's stages, for the cost model */
    struct srv_job **batch;          /* a batch's jobs */
    int cap;
    double kv_capacity_bytes, kv_used_bytes;
    struct waiter *w_head, *w_tail;
    struct srv_stats stats;
    int64_t clients; /* devices served; 1: jobs run in their caller */
};

/* Counts a batch of n jobs and seqs sequences that ran from t0 to t1. */
static void account(struct server *s, int n, int64_t seqs, double t0, double t1)
{
    s->stats.batches++;
    s->stats.jobs += n;
    s->stats.sequences += seqs;
    s->stats.max_sequences = seqs > s->stats.max_sequences ? seqs : s->stats.max_sequences;
    s->stats.busy_s += t1 - t0;
}

/* Where a stage sits in a forward pass: the embedding first, then each
 * layer's operations in order, then the final norm and the LM head. */
static int64_t pass_position(const struct ref_stage *st)
{
    if (st->op == REF_OP_EMBED)
        return -1;
    if (st->layer < 0)
        return INT64_MAX - REF_OP_COUNT + (int64_t)st->op;
    return st->layer * REF_OP_COUNT + (int64_t)st->op;
}

/* Appends job j to the batch being formed. */
static void batch_add(struct server *s, int n, struct srv_job *j)
{
    if (n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->batch = realloc(s->batch, (size_t)s->cap * sizeof *s->batch);
        s->stages = realloc(s->stages, (size_t)s->cap * sizeof *s->stages);
        SIM_ASSERT(s->batch != NULL && s->stages != NULL, "out of memory for a batch");
    }
    s->batch[n] = j;
    s->stages[n] = j->stage;
}

/* Takes the next batch out of the queue into s->batch: under fcfs the
 * oldest job; under continuous the jobs, oldest first and up to
 * max_batch sequences, at the stage furthest behind in the forward pass
 * (sequences ahead wait for those behind to catch up and join them, as
 * an iteration of Orca or vLLM begins at the first layer). */
static int take_batch(struct server *s, int64_t *seqs)
{
    int64_t at = pass_position(s->head->stage);
    if (s->serving.scheduler == MDL_SCHED_CONTINUOUS)
        for (const struct srv_job *j = s->head->next; j != NULL; j = j->next)
            at = pass_position(j->stage) < at ? pass_position(j->stage) : at;
    int n = 0;
    *seqs = 0;
    const int64_t cap = s->serving.max_batch;
    struct srv_job **link = &s->head, *last = NULL;
    while (*link != NULL) {
        struct srv_job *j = *link;
        const int full = n > 0 && (s->serving.scheduler == MDL_SCHED_FCFS ||
                                   (cap > 0 && *seqs + j->seqs > cap));
        if (full)
            break;
        if (pass_position(j->stage) != at) {
            last = j;
            link = &j->next;
            continue;
        }
        *link = j->next; // unlink
        batch_add(s, n++, j);
        *seqs += j->seqs;
    }
    // the tail is the last job left in the queue
    if (*link == NULL)
        s->tail = last;
    return n;
}

static void server_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct server *s = sg_actor_self_get_data();
    for (;;) {
        while (s->head == NULL) {
            s->idle = 1;
            sg_sem_acquire(s->wake);
        }
        // stages handed in at this instant by devices still to run join
        // this batch: let every actor ready now run first
        sg_actor_yield();
        int64_t seqs = 0;
        const int n = take_batch(s, &seqs);
        const double dur_s = mdl_cost_batch_s(s->cost, s->stages, n);
        const double t0 = simgrid_get_clock();
        if (dur_s > 0.0) // the GPU host runs nothing else: its whole speed
            sg_actor_execute(dur_s * SIM_HOST_SPEED);
        const double t1 = simgrid_get_clock();
        account(s, n, seqs, t0, t1);
        for (int i = 0; i < n; i++) {
            s->batch[i]->start_s = t0;
            s->batch[i]->end_s = t1;
            s->batch[i]->batch_seqs = seqs;
            sg_sem_release(s->batch[i]->done);
        }
    }
}

struct server *srv_start(sg_host_t host, int index, const struct mdl_cost *c,
                         const struct mdl_serving *serving, double kv_capacity_bytes)
{
    struct server *s = sim_xcalloc(1, sizeof *s);
    s->cost = c;
    s->serving = *serving;
    s->wake = sg_sem_init(0);
    s->kv_capacity_bytes = kv_capacity_bytes;
    char name[32];
    snprintf(name, sizeof name, "server%d", index);
    sg_actor_t a = sg_actor_init(name, host);
    sg_actor_set_data(a, s);
    sg_actor_daemonize(a); // ends with the devices: no work is left then
    sg_actor_start(a, server_main, 0, NULL);
    return s;
}

void srv_set_clients(struct server *s, int64_t n)
{
    s->clients = n;
}

void srv_run(struct server *s, struct srv_job *job)
{
    if (s->clients == 1) { // alone on the GPU: a batch of one, run here
        const struct ref_stage *st = job->stage;
        const double dur_s = mdl_cost_batch_s(s->cost, &st, 1);
        job->start_s = simgrid_get_clock();
        if (dur_s > 0.0)
            sg_actor_execute(dur_s * SIM_HOST_SPEED);
        job->end_s = simgrid_get_clock();
        job->batch_seqs = job->seqs;
        account(s, 1, job->seqs, job->start_s, job->end_s);
        return;
    }
    job->next = NULL;
    if (s->tail != NULL)
        s->tail->next = job;
    else
        s->head = job;
    s->tail = job;
    if (s->idle) {
        s->idle = 0;
        sg_sem_release(s->wake);
    }
    sg_sem_acquire(job->done);
}

void srv_admit(struct server *s, double bytes, sg_sem_t sem)
{
    SIM_ASSERT(bytes <= s->kv_capacity_bytes, "a request larger than the KV capacity");
    if (s->w_head == NULL && s->kv_used_bytes + bytes <= s->kv_capacity_bytes) {
        s->kv_used_bytes += bytes;
    } else {
        struct waiter w = {bytes, sem, NULL};
        if (s->w_tail != NULL)
            s->w_tail->next = &w;
        else
            s->w_head = &w;
        s->w_tail = &w;
        const double t0 = simgrid_get_clock();
        sg_sem_acquire(sem); // srv_release reserved the bytes and dequeued w
        s->stats.admission_waits++;
        s->stats.admission_wait_s += simgrid_get_clock() - t0;
    }
    s->stats.peak_kv_bytes = fmax(s->stats.peak_kv_bytes, s->kv_used_bytes);
}

void srv_release(struct server *s, double bytes)
{
    s->kv_used_bytes -= bytes;
    if (s->kv_used_bytes < 0.0)
        s->kv_used_bytes = 0.0; // rounding of a long run of adds and subtracts
    while (s->w_head != NULL && s->kv_used_bytes + s->w_head->bytes <= s->kv_capacity_bytes) {
        struct waiter *w = s->w_head;
        s->w_head = w->next;
        if (s->w_head == NULL)
            s->w_tail = NULL;
        s->kv_used_bytes += w->bytes;
        sg_sem_release(w->sem);
    }
}

const struct srv_stats *srv_stats(const struct server *s)
{
    return &s->stats;
}

void srv_free(struct server *s)
{
    if (s == NULL)
        return;
    sg_sem_destroy(s->wake); // the engine has stopped: the daemon waits no more
    free(s->batch);
    free(s->stages);
    free(s);
}
