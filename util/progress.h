/*
 * util/progress: one line of progress on stderr for long jobs (done and
 * total, elapsed, ETA), shown only when stderr is a terminal, not asked
 * to be quiet, and the job has run for more than a second; and the
 * monotonic wall clock behind it.
 */
#ifndef UTIL_PROGRESS_H
#define UTIL_PROGRESS_H

#include <stdint.h>

struct sim_progress {
    int enabled;      /* 1: may print */
    int printed;      /* 1: a line is on screen */
    double t0_s;      /* monotonic start */
    const char *what; /* e.g. "sweep"; borrowed */
    int64_t total;    /* units of work */
};

void sim_progress_begin(struct sim_progress *p, const char *what, int64_t total, int quiet);
void sim_progress_update(struct sim_progress *p, int64_t done);
/* Clears the line. */
void sim_progress_end(struct sim_progress *p);

/* Seconds on a monotonic wall clock (not CPU time). */
double sim_now_s(void);

#endif
