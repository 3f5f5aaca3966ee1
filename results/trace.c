/*
 * results/trace: Chrome Trace Event JSON. See trace.h. Times are in
 * microseconds, as the format wants; "X" events carry ts and dur.
 */
#include "results/trace.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/afile.h"

/* Track of an actor within its device's process. */
static int track_of(enum ref_place p)
{
    switch (p) {
    case REF_EDGE: return 0;
    case REF_CLOUD: return 1;
    case REF_LINK_UP: return 2;
    case REF_LINK_DOWN: return 3;
    }
    return 0;
}

/* Writes item to f, after a comma unless it is the first; frees it. */
static void put(FILE *f, cJSON *item, int *first)
{
    char *text = cJSON_PrintUnformatted(item);
    SIM_ASSERT(text != NULL, "out of memory for the trace");
    fprintf(f, "%s%s", *first ? "" : ",", text);
    *first = 0;
    cJSON_free(text);
    cJSON_Delete(item);
}

static void put_metadata(FILE *f, int32_t device, int *first)
{
    static const char *const tracks[4] = {"edge", "cloud", "uplink (D2C)", "downlink (C2D)"};
    char name[32];
    snprintf(name, sizeof name, "device %d", device);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", "process_name");
    cJSON_AddStringToObject(p, "ph", "M");
    cJSON_AddNumberToObject(p, "pid", device);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "args"), "name", name);
    put(f, p, first);
    for (int t = 0; t < 4; t++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", "thread_name");
        cJSON_AddStringToObject(m, "ph", "M");
        cJSON_AddNumberToObject(m, "pid", device);
        cJSON_AddNumberToObject(m, "tid", t);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(m, "args"), "name", tracks[t]);
        put(f, m, first);
    }
}

static void put_event(FILE *f, const struct sim_event *e, int *first)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "name", e->name);
    const int link = e->place == REF_LINK_UP || e->place == REF_LINK_DOWN;
    cJSON_AddStringToObject(x, "cat", !link ? "compute" : e->bytes > 0 ? "message" : "network");
    cJSON_AddStringToObject(x, "ph", "X");
    cJSON_AddNumberToObject(x, "ts", e->start_s * 1e6);
    cJSON_AddNumberToObject(x, "dur", (e->end_s - e->start_s) * 1e6);
    cJSON_AddNumberToObject(x, "pid", e->device);
    cJSON_AddNumberToObject(x, "tid", track_of(e->place));
    cJSON *args = cJSON_AddObjectToObject(x, "args");
    cJSON_AddNumberToObject(args, "step", e->step);
    cJSON_AddNumberToObject(args, "layer", (double)e->layer);
    cJSON_AddNumberToObject(args, "bytes", (double)e->bytes);
    cJSON_AddStringToObject(args, "direction", ref_place_name(e->place));
    put(f, x, first);
}

enum sim_status res_trace_write(const char *path, const struct sim_result *r,
                                struct sim_err *err)
{
    if (r->n_events == 0 || r->events_path[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, "%s: the run recorded no events", path);
    FILE *in = fopen(r->events_path, "rb");
    if (in == NULL)
        return sim_err_set(err, SIM_EIO, "%s: cannot read the run's events (%s)",
                           r->events_path, strerror(errno));
    struct sim_afile af;
    enum sim_status st = sim_afile_open(&af, path, err);
    if (st != SIM_OK) {
        fclose(in);
        return st;
    }
    // one event at a time from the spool: a device's tracks are named
    // before its first event
    fprintf(af.f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    uint8_t *seen = NULL;
    size_t n_seen = 0;
    int first = 1;
    struct sim_event e;
    int64_t n = 0;
    for (; n < r->n_events && fread(&e, sizeof e, 1, in) == 1; n++) {
        SIM_ASSERT(e.device >= 0, "a traced event without a device");
        if ((size_t)e.device >= n_seen) {
            const size_t grow = 2 * (size_t)e.device + 1;
            seen = sim_xrealloc(seen, grow);
            memset(seen + n_seen, 0, grow - n_seen);
            n_seen = grow;
        }
        if (!seen[e.device])
            put_metadata(af.f, e.device, &first);
        seen[e.device] = 1;
        put_event(af.f, &e, &first);
    }
    free(seen);
    fclose(in);
    fprintf(af.f, "]}");
    if (n != r->n_events) {
        sim_afile_abort(&af);
        return sim_err_set(err, SIM_EIO, "%s: the run's events end after %lld of %lld",
                           r->events_path, (long long)n, (long long)r->n_events);
    }
    return sim_afile_commit(&af, err);
}
