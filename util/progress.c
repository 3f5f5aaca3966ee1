/*
 * util/progress: see progress.h.
 */
#include "util/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double sim_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void sim_progress_begin(struct sim_progress *p, const char *what, int64_t total, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->printed = 0;
    p->t0_s = sim_now_s();
    p->what = what;
    p->total = total;
}

void sim_progress_update(struct sim_progress *p, int64_t done)
{
    const double el = sim_now_s() - p->t0_s;
    if (!p->enabled || el < 1.0 || done <= 0)
        return;
    const double eta = el / (double)done * (double)(p->total - done);
    fprintf(stderr, "\r%s: %lld/%lld done, %.1f s elapsed, ETA %.1f s   ", p->what,
            (long long)done, (long long)p->total, el, eta);
    p->printed = 1;
}

void sim_progress_end(struct sim_progress *p)
{
    if (p->printed)
        fprintf(stderr, "\r%*s\r", 72, "");
    p->printed = 0;
}
