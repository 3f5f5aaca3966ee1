/*
 * util/cleanup: what an interrupted plsim leaves behind: nothing.
 *
 * Temporary files (platform XML, the temporaries of atomic writes) are
 * registered here while they exist; on SIGINT, SIGTERM or SIGHUP the
 * handler removes every registered file and the process's private
 * temporary folder, then dies of the same signal. Simulation children
 * die with their parent (sim_cleanup_child).
 *
 * This is the one piece of process-wide state in plsim outside the
 * engine: a signal handler can reach nothing else. The table is fixed
 * size and the handler uses only async-signal-safe calls (unlink, rmdir,
 * signal, raise).
 */
#ifndef UTIL_CLEANUP_H
#define UTIL_CLEANUP_H

#include "util/status.h"

/* Installs the handlers; call once, early in main. */
void sim_cleanup_init(void);

/* Registers path (a file, or an empty folder) for removal on
 * interruption; returns 0, or -1 when the table is full (it is then
 * simply not cleaned). */
int sim_cleanup_add(const char *path);

/* Forgets path (it was renamed into place or removed). */
void sim_cleanup_forget(const char *path);

/* The process's private temporary folder (mkdtemp under $TMPDIR or
 * /tmp), created on first use and removed at exit and on interruption;
 * NULL if it cannot be made. Borrowed. */
const char *sim_tmpdir(void);

/* In a freshly forked child: die when the parent dies, and take the
 * default action on the signals the parent cleans up after. */
void sim_cleanup_child(void);

/* Forks a child with a pipe to its parent (stdio flushed first). In the
 * child *pid is 0 and *fd the write end, after sim_cleanup_child; in the
 * parent *pid is the child's and *fd the read end. SIM_EIO when the pipe
 * or the fork fails. */
enum sim_status sim_fork_with_pipe(int *pid, int *fd, struct sim_err *err);

#endif
