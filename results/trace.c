/*
 * results/trace: Chrome Trace Event JSON. See trace.h. Times are in
 * microseconds, as the format wants; "X" events carry ts and dur.
 */
#include "results/trace.h"

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

static void add_metadata(cJSON *events, int32_t device)
{
    static const char *const tracks[4] = {"edge", "cloud", "uplink (D2C)", "downlink (C2D)"};
    char name[32];
    snprintf(name, sizeof name, "device %d", device);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", "process_name");
    cJSON_AddStringToObject(p, "ph", "M");
    cJSON_AddNumberToObject(p, "pid", device);
    cJSON_AddItemToObject(p, "args", cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_GetObjectItem(p, "args"), "name", name);
    cJSON_AddItemToArray(events, p);
    for (int t = 0; t < 4; t++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "name", "thread_name");
        cJSON_AddStringToObject(m, "ph", "M");
        cJSON_AddNumberToObject(m, "pid", device);
        cJSON_AddNumberToObject(m, "tid", t);
        cJSON *args = cJSON_AddObjectToObject(m, "args");
        cJSON_AddStringToObject(args, "name", tracks[t]);
        cJSON_AddItemToArray(events, m);
    }
}

enum sim_status res_trace_write(const char *path, const struct sim_result *r,
                                struct sim_err *err)
{
    if (r->n_events == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: the run recorded no events", path);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "displayTimeUnit", "ms");
    cJSON *events = cJSON_AddArrayToObject(root, "traceEvents");
    int32_t last_device = -1;
    for (int64_t i = 0; i < r->n_events; i++) {
        const struct sim_event *e = &r->events[i];
        if (e->device != last_device) {
            add_metadata(events, e->device);
            last_device = e->device;
        }
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", e->name);
        cJSON_AddStringToObject(x, "cat", e->bytes > 0 ? "message" : "compute");
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
        cJSON_AddItemToArray(events, x);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    const enum sim_status st = sim_afile_write_text(path, text, err);
    cJSON_free(text);
    return st;
}
