/*
 * scenarios/show: a resolved scenario printed for people: every number
 * with its unit and where it comes from (`plsim show`), and the short
 * banner that `run` and `sweep` echo before they work.
 */
#include "scenarios/show.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "scenarios/catalog.h"
#include "scenarios/json.h"
#include "scenarios/units.h"


static const char *origin(const scn_scenario_t *s, const char *jpath)
{
    const char *o = scn_scenario_origin(s, jpath);
    return o != NULL ? o : "default";
}

static void show_fact(FILE *f, const char *label, const struct mdl_fact *fact,
                      enum scn_quantity q)
{
    char buf[64];
    if (!fact->present) {
        fprintf(f, "  %-20s %-16s\n", label, "-");
        return;
    }
    fprintf(f, "  %-20s %-16s %-9s %s\n", label, scn_units_format(fact->value, q, buf, sizeof buf),
           mdl_kind_name(fact->kind), fact->source);
}

static void show_cost(FILE *f, const scn_scenario_t *s, enum ref_place side)
{
    const struct mdl_cost *c = &scn_scenario_input(s)->cost[side];
    char ovh[64];
    fprintf(f, "  %-20s %s at %s dense peak; compute efficiency %g, memory efficiency %g, stage "
           "overhead %s", "cost model", mdl_cost_method_name(c->method),
           mdl_precision_name(scn_scenario_input(s)->precision[side]), c->compute_efficiency,
           c->memory_efficiency, scn_units_format(c->stage_overhead_s, SCN_Q_TIME, ovh, sizeof ovh));
    if (c->method == MDL_COST_CALIBRATED)
        fprintf(f, "; roofline times x %.4g from a measured throughput", c->scale);
    fprintf(f, "\n");
}

static void show_device(FILE *f, const char *role, const scn_scenario_t *s, const struct mdl_device *d,
                        enum ref_place side)
{
    fprintf(f, "\n%-10s %s: %s\n", role, d->name, d->description);
    show_fact(f, "memory bandwidth", &d->mem_bw_Bps, SCN_Q_BANDWIDTH);
    show_fact(f, "memory capacity", &d->mem_capacity_bytes, SCN_Q_BYTES);
    for (int p = 0; p < MDL_PREC_COUNT; p++) {
        if (!d->peak_dense_flop_per_s[p].present)
            continue;
        char label[32];
        snprintf(label, sizeof label, "peak %s dense", mdl_precision_name((enum mdl_precision)p));
        show_fact(f, label, &d->peak_dense_flop_per_s[p], SCN_Q_FLOPS);
    }
    for (int i = 0; i < d->n_measured; i++) {
        const struct mdl_measured *m = &d->measured[i];
        char label[64];
        snprintf(label, sizeof label, "%s %s@%g%s", ref_phase_name(m->phase), m->model,
                 m->weight_bits, m->decoder_only ? " dec" : "");
        show_fact(f, label, &m->tokens_per_s, SCN_Q_RATE);
    }
    show_fact(f, "idle power", &d->idle_power_W, SCN_Q_POWER);
    show_fact(f, "active power", &d->active_power_W, SCN_Q_POWER);
    if (side == REF_EDGE)
        show_fact(f, "battery", &d->battery_J, SCN_Q_ENERGY);
    else
        show_fact(f, "price", &d->price_usd_per_s, SCN_Q_PRICE);
    show_cost(f, s, side);
}


/* "128", "uniform 16-256" or "lognormal (median 128, p99 1024, max 2048)". */
static const char *describe_lengths(const struct mdl_lengths *d, int64_t fixed, char *buf,
                                    size_t cap)
{
    switch (d->dist) {
    case MDL_LEN_FIXED: snprintf(buf, cap, "%lld", (long long)fixed); break;
    case MDL_LEN_UNIFORM: snprintf(buf, cap, "uniform %g-%g", d->min, d->max); break;
    case MDL_LEN_LOGNORMAL:
        snprintf(buf, cap, "lognormal (median %g, p99 %g, max %g)", d->median, d->p99, d->max);
        break;
    }
    return buf;
}

static void show_header(FILE *f, const scn_scenario_t *s)
{
    int n = 0;
    const char *const *chain = scn_scenario_chain(s, &n);
    fprintf(f, "%-10s %s\n", "scenario", scn_scenario_path(s));
    fprintf(f, "%-10s", "chain");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " -> " : " ", chain[i]);
    fprintf(f, "\n%-10s %s\n\n", "about", scn_scenario_input(s)->description);
    const struct ref_config *m = &scn_scenario_input(s)->model;
    const struct ref_plan_opts *o = &scn_scenario_input(s)->plan;
    const struct mdl_workload *w = &scn_scenario_input(s)->workload;
    fprintf(f, "%-10s %s: d=%" PRId64 ", hidden=%" PRId64 ", %" PRId64 " layers, %" PRId64
           "/%" PRId64 " heads, vocab %" PRId64 ", context %" PRId64 "  [%s]\n", "model",
           scn_scenario_input(s)->model_name, m->dim, m->hidden_dim, m->n_layers, m->n_heads,
           m->n_kv_heads, m->vocab_size, m->seq_len, origin(s, "$.model"));
    fprintf(f, "%-10s %s  [%s]\n", "mode", ref_mode_name(o->mode), origin(s, "$.mode"));
    int n_adapted = 0;
    for (int64_t l = 0; l < m->n_layers; l++)
        n_adapted += ref_plan_opts_is_adapted(o, l);
    fprintf(f, "%-10s r_c2d=%" PRId64 ", r_d2c=%" PRId64 "; %d of %" PRId64
           " layers adapted; first %" PRId64 " layers on the edge  [%s]\n", "ranks",
           o->rank_c2d, o->rank_d2c, n_adapted, m->n_layers, o->first_k, origin(s, "$.rank"));
    fprintf(f, "%-10s edge %g bit [%s], cloud %g bit [%s], adapters %g bit [%s], KV %g bit [%s]\n",
           "weights", o->weight_bits[REF_EDGE], origin(s, "$.edge_weight_bits"),
           o->weight_bits[REF_CLOUD], origin(s, "$.cloud_weight_bits"), o->adapter_bits,
           origin(s, "$.adapter_bits"), o->kv_bits, origin(s, "$.kv_bits"));
    fprintf(f, "%-10s %s  [%s]\n", "transfer", ref_dtype_name(o->transfer), origin(s, "$.transfer"));
    fprintf(f, "%-10s %s  [%s]\n", "timing",
           scn_scenario_input(s)->plan.overlap ? "overlap" : "additive",
           origin(s, "$.timing"));
    fprintf(f, "%-10s %s first; prompt %" PRId64 " tokens, %" PRId64 " new tokens, batch %" PRId64
           ", %" PRId64 " device(s), %" PRId64 " cloud GPU(s)\n", "workload",
           ref_phase_name(w->phase), w->prompt_tokens, w->new_tokens, w->batch, w->devices,
           scn_scenario_input(s)->cloud_gpus);
    fprintf(f, "%-10s naive split up message %s  [%s]\n", "accounting",
           o->naive_up_qkv ? "d + 2 kv wide (q, k, v deltas)" : "d wide (the paper's basis)",
           origin(s, "$.accounting.naive_up"));
    fprintf(f, "%-10s %" PRIu64 "  [%s]\n", "seed", scn_scenario_input(s)->seed, origin(s, "$.seed"));
}

void scn_scenario_print(FILE *f, const scn_scenario_t *s)
{
    show_header(f, s);
    show_device(f, "edge", s, &scn_scenario_input(s)->edge, REF_EDGE);
    show_device(f, "cloud", s, &scn_scenario_input(s)->cloud, REF_CLOUD);
    const struct mdl_link *l = &scn_scenario_input(s)->link;
    fprintf(f, "\n%-10s %s: %s\n", "link", l->name, l->description);
    show_fact(f, "uplink (D2C)", &l->uplink_Bps, SCN_Q_BANDWIDTH);
    show_fact(f, "downlink (C2D)", &l->downlink_Bps, SCN_Q_BANDWIDTH);
    show_fact(f, "rtt", &l->rtt_s, SCN_Q_TIME);
    show_fact(f, "jitter", &l->jitter_s, SCN_Q_TIME);
    show_fact(f, "loss", &l->loss, SCN_Q_RATIO);
    const struct mdl_radio *m = &l->radio;
    show_fact(f, "radio base power", &m->base_W, SCN_Q_POWER);
    show_fact(f, "radio uplink slope", &m->up_J_per_B, SCN_Q_POWER_PER_RATE);
    show_fact(f, "radio downlink slope", &m->down_J_per_B, SCN_Q_POWER_PER_RATE);
    show_fact(f, "radio tail power", &m->tail_W, SCN_Q_POWER);
    show_fact(f, "radio tail", &m->tail_s, SCN_Q_TIME);
    show_fact(f, "radio idle power", &m->idle_W, SCN_Q_POWER);
    if (l->trace[0])
        fprintf(f, "  %-20s %s\n", "trace", l->trace);
}

void scn_input_banner(FILE *f, const char *path, const struct mdl_input *in)
{
    const struct ref_plan_opts *o = &in->plan;
    const struct mdl_workload *w = &in->workload;
    const struct mdl_device *e = &in->edge, *c = &in->cloud;
    const struct mdl_link *l = &in->link;
    char a[64], b[64], d[64], x[64], y[64], z[64];
    const enum mdl_precision pe = in->precision[REF_EDGE];
    const enum mdl_precision pc = in->precision[REF_CLOUD];
    fprintf(f, "scenario  %s\n", path);
    fprintf(f, "  model   %s, %s, r_c2d=%lld r_d2c=%lld, %s transfer, %s timing\n",
            in->model_name, ref_mode_name(o->mode), (long long)o->rank_c2d,
            (long long)o->rank_d2c, ref_dtype_name(o->transfer),
            o->overlap ? "overlap" : "additive");
    char oe[96] = "", oc[96] = "", t[64];
    if (e->message_overhead_s.present && e->message_overhead_s.value > 0.0)
        snprintf(oe, sizeof oe, ", %s a message sent or received",
                 scn_units_format(e->message_overhead_s.value, SCN_Q_TIME, t, sizeof t));
    if (c->message_overhead_s.present && c->message_overhead_s.value > 0.0)
        snprintf(oc, sizeof oc, ", %s a message sent or received",
                 scn_units_format(c->message_overhead_s.value, SCN_Q_TIME, t, sizeof t));
    fprintf(f, "  edge    %s: %s, %s %s dense, %g-bit weights%s\n", e->name,
            scn_units_format(e->mem_bw_Bps.value, SCN_Q_BANDWIDTH, a, sizeof a),
            scn_units_format(e->peak_dense_flop_per_s[pe].value, SCN_Q_FLOPS, b, sizeof b),
            mdl_precision_name(pe), o->weight_bits[REF_EDGE], oe);
    fprintf(f, "  cloud   %s: %s, %s %s dense, %g-bit weights%s\n", c->name,
            scn_units_format(c->mem_bw_Bps.value, SCN_Q_BANDWIDTH, d, sizeof d),
            scn_units_format(c->peak_dense_flop_per_s[pc].value, SCN_Q_FLOPS, x, sizeof x),
            mdl_precision_name(pc), o->weight_bits[REF_CLOUD], oc);
    fprintf(f, "  link    %s: up %s, down %s, RTT %s\n", l->name,
            scn_units_format(l->uplink_Bps.value, SCN_Q_BANDWIDTH, y, sizeof y),
            scn_units_format(l->downlink_Bps.value, SCN_Q_BANDWIDTH, z, sizeof z),
            scn_units_format(l->rtt_s.value, SCN_Q_TIME, a, sizeof a));
    if (l->trace_rows != NULL)
        fprintf(f, "          follows the trace %s (%lld rows, %s, from %s): the values above "
                   "are at its start\n", l->trace_rows->path, (long long)l->trace_rows->n,
                l->trace_loop ? "looping" : "the last row holding",
                scn_units_format(l->trace_start_s.present ? l->trace_start_s.value : 0.0,
                                 SCN_Q_TIME, t, sizeof t));
    if (l->jitter_s.present && l->jitter_s.value > 0.0)
        fprintf(f, "          jitter %s %s%s%s a message\n",
                l->jitter_dist == MDL_JITTER_LOGNORMAL ? "lognormal, median" : "exponential, mean",
                scn_units_format(l->jitter_s.value, SCN_Q_TIME, t, sizeof t),
                l->jitter_dist == MDL_JITTER_LOGNORMAL ? ", p99 " : "",
                l->jitter_dist == MDL_JITTER_LOGNORMAL
                    ? scn_units_format(l->jitter_p99_s, SCN_Q_TIME, x, sizeof x) : "");
    if ((l->loss.present && l->loss.value > 0.0) || l->n_outages > 0)
        fprintf(f, "          loss %g (resent after %s), %d outage(s)\n",
                l->loss.present ? l->loss.value : 0.0,
                scn_units_format(l->rto_s.present ? l->rto_s.value : MDL_DEFAULT_RTO_S,
                                 SCN_Q_TIME, t, sizeof t), l->n_outages);
    if (l->fallback_device_only)
        fprintf(f, "          fallback: after %s without a word in an outage the phone makes "
                   "the rest of its request alone (device-only)\n",
                scn_units_format(l->fallback_timeout_s.value, SCN_Q_TIME, t, sizeof t));
    if (in->cell.present)
        fprintf(f, "  cell    %s x %lld: up %s, down %s shared by its devices (%s, %s)\n",
                in->cell.name, (long long)in->cell.count,
                scn_units_format(in->cell.uplink_Bps.value, SCN_Q_BANDWIDTH, y, sizeof y),
                scn_units_format(in->cell.downlink_Bps.value, SCN_Q_BANDWIDTH, z, sizeof z),
                in->cell.bandwidth[0] ? in->cell.bandwidth : "inline",
                in->cell.duplex[0] ? in->cell.duplex : "no duplex stated");
    else if (w->devices > 1)
        fprintf(f, "  cell    none: the devices share no radio capacity (set \"cell\" to share "
                "one)\n");
    if (in->backhaul.present)
        fprintf(f, "  backhaul %s each way, %s one way\n",
                in->backhaul.bandwidth_Bps > 0.0
                    ? scn_units_format(in->backhaul.bandwidth_Bps, SCN_Q_BANDWIDTH, y, sizeof y)
                    : "unlimited",
                scn_units_format(in->backhaul.latency_s, SCN_Q_TIME, z, sizeof z));
    if (o->spec_k > 0)
        fprintf(f, "  speculative %lld drafts a pass from %s, acceptance %g (seeded)\n",
                (long long)o->spec_k, in->spec_draft_name, in->spec_acceptance);
    char pl[128], nl[128];
    if (w->arrival == MDL_ARRIVAL_TRACE && w->trace != NULL)
        fprintf(f, "  workload %lld requests from the trace %s (prompt and new tokens its own), "
                   "batch %lld, %lld device(s), dealt in turn", (long long)w->trace->n,
                w->trace->path, (long long)w->batch, (long long)w->devices);
    else
        fprintf(f, "  workload prompt %s tokens, %s new tokens, batch %lld, %lld device(s)",
                describe_lengths(&w->prompt_dist, w->prompt_tokens, pl, sizeof pl),
                describe_lengths(&w->new_dist, w->new_tokens, nl, sizeof nl), (long long)w->batch,
                (long long)w->devices);
    if (w->arrival != MDL_ARRIVAL_TRACE && (w->requests > 1 || w->arrival != MDL_ARRIVAL_AT_START))
        fprintf(f, ", %lld request(s) each, %s%s", (long long)w->requests,
                mdl_arrival_names[w->arrival], w->arrival == MDL_ARRIVAL_POISSON ? " at " : "");
    if (w->arrival == MDL_ARRIVAL_POISSON)
        fprintf(f, "%g/s", w->rate_per_s);
    if (w->think_s > 0.0)
        fprintf(f, ", think %s", scn_units_format(w->think_s, SCN_Q_TIME, a, sizeof a));
    fprintf(f, "\n");
    if (w->devices > 1 || in->serving.max_batch > 0 || in->serving.scheduler != MDL_SCHED_CONTINUOUS)
        fprintf(f, "  serving %s batches%s%s on %lld GPU(s)\n",
                mdl_scheduler_names[in->serving.scheduler],
                in->serving.max_batch > 0 ? " of at most " : "",
                in->serving.max_batch > 0 ? (snprintf(a, sizeof a, "%lld sequences",
                                                      (long long)in->serving.max_batch), a) : "",
                (long long)in->cloud_gpus);
    fprintf(f, "\n");
}

// ---- lists ----

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.json files of dir, sorted; *n gets the count; caller frees each
 * name and the array. */
static char **json_files(const char *dir, int *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return NULL;
    char **names = NULL;
    int cap = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        const size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            char **grown = realloc(names, (size_t)cap * sizeof *names);
            SIM_ASSERT(grown != NULL, "out of memory listing %s", dir);
            names = grown;
        }
        names[(*n)++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(names, (size_t)*n, sizeof *names, cmp_str); // readdir order is arbitrary
    return names;
}

/* One line per file of dir: its name without .json and its description. */
static void list_dir(FILE *f, const char *dir)
{
    int n = 0;
    char **names = json_files(dir, &n);
    for (int i = 0; i < n; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        cJSON *root = NULL;
        struct sim_err why;
        const cJSON *d = NULL;
        if (scn_json_read_file(path, &root, &why) == SIM_OK)
            d = cJSON_GetObjectItemCaseSensitive(root, "description");
        fprintf(f, "%-24.*s %s\n", (int)(strlen(names[i]) - 5), names[i],
                cJSON_IsString(d) ? d->valuestring : "");
        cJSON_Delete(root);
        free(names[i]);
    }
    free(names);
}

/* One line per entry of a catalog file: its name and description. */
static enum sim_status list_catalog(FILE *f, enum scn_catalog c, struct sim_err *err)
{
    char path[4096];
    cJSON *root = NULL;
    const enum sim_status st = scn_json_read_file(scn_catalog_path(c, path, sizeof path), &root,
                                                  err);
    if (st != SIM_OK)
        return st;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, root)
    {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "description");
        fprintf(f, "%-24s %s\n", e->string, cJSON_IsString(d) ? d->valuestring : "");
    }
    cJSON_Delete(root);
    return SIM_OK;
}

char *scn_list_text(const char *what, struct sim_err *err)
{
    static const char *const words[] = {"presets", "models", "edge", "gpu", "links", "cells",
                                        NULL};
    int w = 0;
    while (words[w] != NULL && strcmp(words[w], what) != 0)
        w++;
    if (words[w] == NULL) {
        const char *near = scn_json_suggest(what, words);
        sim_err_set(err, SIM_EINVAL, "expected presets, models, edge, gpu, links or cells, found "
                    "'%s'%s%s%s", what, near ? " (did you mean '" : "", near ? near : "",
                    near ? "'?)" : "");
        return NULL;
    }
    char *text = NULL, dir[4200];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    SIM_ASSERT(f != NULL, "out of memory for a list");
    enum sim_status st = SIM_OK;
    if (w == 0) {
        list_dir(f, scn_presets_dir());
    } else if (w == 1) {
        snprintf(dir, sizeof dir, "%s/llm", scn_catalog_dir());
        list_dir(f, dir);
    } else {
        static const enum scn_catalog cats[4] = {SCN_CAT_EDGE, SCN_CAT_GPU, SCN_CAT_LINK,
                                                 SCN_CAT_CELL};
        st = list_catalog(f, cats[w - 2], err);
    }
    fclose(f);
    if (st != SIM_OK) {
        free(text);
        return NULL;
    }
    return text;
}
