/*
 * sim/baseline: the plain SimGrid ping-pong plsim is measured against.
 * See baseline.h.
 */
#include "sim/baseline.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>

#include "util/cleanup.h"
#include "util/progress.h"

struct pair {
    sg_mailbox_t up, down;
    int64_t round_trips;
    double down_bytes, up_bytes;
};

static char token; /* every message carries its address: SimGrid refuses NULL */

static void gpu_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct pair *p = sg_actor_self_get_data();
    for (int64_t i = 0; i < p->round_trips; i++) {
        sg_mailbox_put(p->down, &token, (long)p->down_bytes);
        (void)sg_mailbox_get(p->up);
    }
}

static void phone_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct pair *p = sg_actor_self_get_data();
    for (int64_t i = 0; i < p->round_trips; i++) {
        (void)sg_mailbox_get(p->down);
        sg_mailbox_put(p->up, &token, (long)p->up_bytes);
    }
}

static _Noreturn void child(const struct sim_platform_spec *sp, const char *path, int64_t trips,
                            double down_bytes, double up_bytes, int fd)
{
    const char *args[] = {"baseline", "--log=root.thresh:warning", "--cfg=network/model:CM02",
                          "--cfg=network/crosstraffic:0", "--cfg=network/TCP-gamma:1e30", NULL};
    int argc = 5;
    char *argv[6];
    for (int i = 0; i <= argc; i++)
        argv[i] = (char *)(uintptr_t)args[i];
    const double t0 = sim_now_s();
    simgrid_init(&argc, argv);
    simgrid_load_platform(path);
    struct pair *pairs = calloc((size_t)sp->n_edges, sizeof *pairs);
    for (int64_t d = 0; d < sp->n_edges && pairs != NULL; d++) {
        char name[64];
        pairs[d] = (struct pair){.round_trips = trips, .down_bytes = down_bytes,
                                 .up_bytes = up_bytes};
        snprintf(name, sizeof name, "bu%lld", (long long)d);
        pairs[d].up = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "bd%lld", (long long)d);
        pairs[d].down = sg_mailbox_by_name(name);
        snprintf(name, sizeof name, "gpu%lld", (long long)(d % sp->n_gpus));
        sg_actor_t g = sg_actor_init("gpu", sg_host_by_name(name));
        sg_actor_set_data(g, &pairs[d]);
        sg_actor_start(g, gpu_main, 0, NULL);
        snprintf(name, sizeof name, "edge%lld", (long long)d);
        sg_actor_t e = sg_actor_init("phone", sg_host_by_name(name));
        sg_actor_set_data(e, &pairs[d]);
        sg_actor_start(e, phone_main, 0, NULL);
    }
    simgrid_run();
    struct sim_baseline_result r = {
        .messages = 2.0 * (double)trips * (double)sp->n_edges,
        .wall_s = sim_now_s() - t0,
        .simulated_s = simgrid_get_clock(),
    };
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        r.peak_rss_bytes = (double)ru.ru_maxrss * 1024.0;
    const int ok = pairs != NULL && write(fd, &r, sizeof r) == (ssize_t)sizeof r;
    free(pairs);
    _exit(ok ? 0 : 3);
}

enum sim_status sim_baseline_run(const struct sim_platform_spec *p, const char *path,
                                 int64_t round_trips, double down_bytes, double up_bytes,
                                 struct sim_baseline_result *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    enum sim_status st = sim_platform_write(p, path, err);
    if (st != SIM_OK)
        return st;
    int pid = 0, fd = -1;
    st = sim_fork_with_pipe(&pid, &fd, err);
    if (st != SIM_OK)
        return st;
    if (pid == 0)
        child(p, path, round_trips, down_bytes, up_bytes, fd);
    const ssize_t n = read(fd, out, sizeof *out);
    close(fd);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    if (n != (ssize_t)sizeof *out || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
        return sim_err_set(err, SIM_EIO, "the baseline simulation failed");
    return SIM_OK;
}
