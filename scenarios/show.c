/*
 * scenarios/show: a resolved scenario printed for people: every number
 * with its unit and where it comes from (`plsim show`), and the short
 * banner that `run` and `sweep` echo before they work.
 */
#include "scenarios/show.h"

#include <inttypes.h>
#include <stdio.h>

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
    show_cost(f, s, side);
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
    fprintf(f, "  edge    %s: %s, %s %s dense, %g-bit weights\n", e->name,
            scn_units_format(e->mem_bw_Bps.value, SCN_Q_BANDWIDTH, a, sizeof a),
            scn_units_format(e->peak_dense_flop_per_s[pe].value, SCN_Q_FLOPS, b, sizeof b),
            mdl_precision_name(pe), o->weight_bits[REF_EDGE]);
    fprintf(f, "  cloud   %s: %s, %s %s dense, %g-bit weights\n", c->name,
            scn_units_format(c->mem_bw_Bps.value, SCN_Q_BANDWIDTH, d, sizeof d),
            scn_units_format(c->peak_dense_flop_per_s[pc].value, SCN_Q_FLOPS, x, sizeof x),
            mdl_precision_name(pc), o->weight_bits[REF_CLOUD]);
    fprintf(f, "  link    %s: up %s, down %s, RTT %s\n", l->name,
            scn_units_format(l->uplink_Bps.value, SCN_Q_BANDWIDTH, y, sizeof y),
            scn_units_format(l->downlink_Bps.value, SCN_Q_BANDWIDTH, z, sizeof z),
            scn_units_format(l->rtt_s.value, SCN_Q_TIME, a, sizeof a));
    fprintf(f, "  workload prompt %lld tokens, %lld new tokens, batch %lld, %lld device(s)\n\n",
            (long long)w->prompt_tokens, (long long)w->new_tokens, (long long)w->batch,
            (long long)w->devices);
}
