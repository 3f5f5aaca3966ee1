/*
 * analysis/render: gnuplot into a private folder, then into place. See
 * render.h.
 */
#include "analysis/render.h"

#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/paths.h"

extern char **environ;

static const char *const exts[2] = {"png", "svg"};

/* Runs gnuplot on plots/NAME.gp, its PNG and SVG going to tmp. */
static enum sim_status render_one(const char *dir, const char *tmp, const char *name,
                                  struct sim_err *err)
{
    char vars[9000], script[4200];
    snprintf(vars, sizeof vars, "datadir='%s'; outdir='%s'; plotdir='%s/plots'", dir, tmp,
             sim_data_dir());
    snprintf(script, sizeof script, "%s/plots/%s.gp", sim_data_dir(), name);
    char *argv[] = {(char *)(uintptr_t) "gnuplot", (char *)(uintptr_t) "-e", vars, script,
                    NULL};
    pid_t pid;
    if (posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ) != 0)
        return sim_err_set(err, SIM_EIO, "cannot run gnuplot (make deps installs it)");
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return sim_err_set(err, SIM_EIO, "gnuplot failed on %s", script);
    return SIM_OK;
}

/* Moves tmp/NAME.{png,svg} over dir's. */
static enum sim_status publish(const char *dir, const char *tmp, const char *name,
                               struct sim_err *err)
{
    for (int i = 0; i < 2; i++) {
        char from[4300], to[4300];
        snprintf(from, sizeof from, "%s/%s.%s", tmp, name, exts[i]);
        snprintf(to, sizeof to, "%s/%s.%s", dir, name, exts[i]);
        if (rename(from, to) != 0)
            return sim_err_set(err, SIM_EIO, "%s: %s", to, strerror(errno));
    }
    return SIM_OK;
}

/* Registers (or forgets, and removes) the private copies of every figure. */
static void track(const char *tmp, const char *const *names, int n, int add)
{
    for (int i = 0; i < n; i++)
        for (int e = 0; e < 2; e++) {
            char path[4300];
            snprintf(path, sizeof path, "%s/%s.%s", tmp, names[i], exts[e]);
            if (add) {
                sim_cleanup_add(path);
            } else {
                remove(path); // the leftovers of a failure
                sim_cleanup_forget(path);
            }
        }
}

enum sim_status ana_render(const char *dir, const char *const *names, int n,
                           struct sim_err *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/.render-%ld", dir, (long)getpid());
    if (mkdir(tmp, 0700) != 0)
        return sim_err_set(err, SIM_EIO, "%s: %s", tmp, strerror(errno));
    sim_cleanup_add(tmp); // an interrupted render leaves neither folder nor half figure
    track(tmp, names, n, 1);
    enum sim_status st = SIM_OK;
    for (int i = 0; i < n && st == SIM_OK; i++) {
        st = render_one(dir, tmp, names[i], err);
        if (st == SIM_OK)
            st = publish(dir, tmp, names[i], err);
    }
    track(tmp, names, n, 0);
    rmdir(tmp);
    sim_cleanup_forget(tmp);
    return st;
}
