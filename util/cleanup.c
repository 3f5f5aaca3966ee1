/*
 * util/cleanup: removal of temporary files on interruption. See
 * cleanup.h for why this module holds process-wide state.
 */
#include "util/cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MAX_FILES 256

static char files[MAX_FILES][512];
static volatile sig_atomic_t used[MAX_FILES];
static char tmpdir[256];

static void remove_all(void)
{
    for (int i = 0; i < MAX_FILES; i++) // files first, then the folders they were in
        if (used[i] && unlink(files[i]) == 0)
            used[i] = 0;
    for (int i = 0; i < MAX_FILES; i++)
        if (used[i]) {
            rmdir(files[i]);
            used[i] = 0;
        }
    if (tmpdir[0] != '\0')
        rmdir(tmpdir);
}

static void on_signal(int sig)
{
    remove_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void at_exit(void)
{
    remove_all();
}

void sim_cleanup_init(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_signal);
    atexit(at_exit);
}

int sim_cleanup_add(const char *path)
{
    for (int i = 0; i < MAX_FILES; i++)
        if (!used[i]) {
            snprintf(files[i], sizeof files[i], "%s", path);
            used[i] = 1;
            return 0;
        }
    return -1;
}

void sim_cleanup_forget(const char *path)
{
    for (int i = 0; i < MAX_FILES; i++)
        if (used[i] && strcmp(files[i], path) == 0)
            used[i] = 0;
}

const char *sim_tmpdir(void)
{
    if (tmpdir[0] != '\0')
        return tmpdir;
    const char *base = getenv("TMPDIR");
    char tmpl[sizeof tmpdir];
    snprintf(tmpl, sizeof tmpl, "%s/plsim-XXXXXX", base != NULL && base[0] ? base : "/tmp");
    if (mkdtemp(tmpl) == NULL)
        return NULL;
    memcpy(tmpdir, tmpl, sizeof tmpdir);
    return tmpdir;
}

void sim_cleanup_child(void)
{
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) // the parent died before prctl took effect
        _exit(1);
    setpgid(0, 0); // a terminal's ^C reaches the parent only; the parent's death ends us
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    for (int i = 0; i < MAX_FILES; i++) // the parent's files are the parent's to remove
        used[i] = 0;
    tmpdir[0] = '\0';
}

enum sim_status sim_fork_with_pipe(int *pid, int *fd, struct sim_err *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return sim_err_set(err, SIM_EIO, "pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    const pid_t p = fork();
    if (p < 0) {
        close(fds[0]);
        close(fds[1]);
        return sim_err_set(err, SIM_EIO, "fork: %s", strerror(errno));
    }
    if (p == 0) {
        sim_cleanup_child(); // dies with its parent, leaves the parent's files alone
        close(fds[0]);
        *fd = fds[1];
    } else {
        close(fds[1]);
        *fd = fds[0];
    }
    *pid = (int)p;
    return SIM_OK;
}
