/*
 * util/paths: data directory lookup. See paths.h.
 */
#include "util/paths.h"

#include <errno.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PLSIM_SOURCE_DIR
#define PLSIM_SOURCE_DIR "."
#endif

static int has_models(const char *dir)
{
    char p[PATH_MAX + 16];
    struct stat sb;
    snprintf(p, sizeof p, "%s/models", dir);
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *sim_data_dir(void)
{
    // resolved once; the answer cannot change while the process runs
    static char dir[PATH_MAX];
    if (dir[0] != '\0')
        return dir;
    const char *env = getenv("PLSIM_DATA_DIR");
    if (env != NULL && env[0] != '\0') {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            char installed[PATH_MAX];
            snprintf(installed, sizeof installed, "%.*s/../share/plsim", PATH_MAX - 20, exe);
            if (has_models(installed)) {
                snprintf(dir, sizeof dir, "%s", installed);
                return dir;
            }
        }
    }
    snprintf(dir, sizeof dir, "%s", PLSIM_SOURCE_DIR);
    return dir;
}

int sim_mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return (mkdir(buf, 0777) != 0 && errno != EEXIST) ? -1 : 0;
}

const char *sim_host_entry_path(char *buf, unsigned long cap)
{
    const char *file = getenv("PLSIM_HOST_FILE");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (file != NULL && file[0] != '\0')
        snprintf(buf, cap, "%s", file);
    else if (xdg != NULL && xdg[0] != '\0')
        snprintf(buf, cap, "%s/plsim/this-host.json", xdg);
    else
        snprintf(buf, cap, "%s/.local/share/plsim/this-host.json", home != NULL ? home : ".");
    return buf;
}
