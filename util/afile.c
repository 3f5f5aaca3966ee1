/*
 * util/afile: atomic file output. See afile.h.
 */
#include "util/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

enum sim_status sim_afile_open(struct sim_afile *a, const char *path, struct sim_err *err)
{
    a->f = NULL;
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
        return sim_err_set(err, SIM_EINVAL, "%s: path too long", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp, "wb");
    if (a->f == NULL)
        return sim_err_set(err, SIM_EIO, "%s: cannot create: %s", path, strerror(errno));
    sim_cleanup_add(a->tmp); // an interrupted write leaves no half file
    return SIM_OK;
}

FILE *sim_afile_open_in(struct sim_afile *a, const char *dir, const char *name,
                        struct sim_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return sim_afile_open(a, path, err) == SIM_OK ? a->f : NULL;
}

enum sim_status sim_afile_commit(struct sim_afile *a, struct sim_err *err)
{
    const int bad = ferror(a->f);
    const int closed = fclose(a->f) == 0;
    a->f = NULL;
    sim_cleanup_forget(a->tmp);
    if (bad || !closed || rename(a->tmp, a->path) != 0) {
        remove(a->tmp);
        return sim_err_set(err, SIM_EIO, "%s: write failed", a->path);
    }
    return SIM_OK;
}

void sim_afile_abort(struct sim_afile *a)
{
    if (a->f != NULL)
        fclose(a->f);
    a->f = NULL;
    remove(a->tmp);
    sim_cleanup_forget(a->tmp);
}

enum sim_status sim_afile_write_text(const char *path, const char *text, struct sim_err *err)
{
    struct sim_afile a;
    const enum sim_status st = sim_afile_open(&a, path, err);
    if (st != SIM_OK)
        return st;
    fputs(text, a.f);
    return sim_afile_commit(&a, err);
}

FILE *sim_fopen_regular(const char *path, struct sim_err *err)
{
    // O_NONBLOCK: opening a FIFO for reading returns at once instead of
    // waiting for a writer; fstat then refuses it
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        sim_err_set(err, SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        sim_err_set(err, SIM_EIO, "%s: not a regular file", path);
        return NULL;
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        close(fd);
        sim_err_set(err, SIM_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    return f;
}
