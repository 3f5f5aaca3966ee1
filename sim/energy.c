/*
 * sim/energy: a request's energy from its steps' stage times. See energy.h.
 */
#include "sim/energy.h"

#include <math.h>
#include <stdlib.h>

void energy_radio_passive(const struct mdl_radio *m, const struct radio_state *st, double a,
                          double b, int charge_idle, double *acc)
{
    if (!(b > a))
        return;
    const double tail_end = st->last_end_s + m->tail_s.value;
    const double tail = fmax(0.0, fmin(b, tail_end) - a);
    *acc += m->tail_W.value * tail;
    if (charge_idle)
        *acc += m->idle_W.value * (b - a - tail);
}

static int iv_cmp(const void *x, const void *y)
{
    const struct energy_iv *a = x, *b = y;
    return (a->a_s > b->a_s) - (a->a_s < b->a_s);
}

/* Message stages' transfers of step K, in time order, into rc->iv;
 * returns how many. An uplink message is sent from when it leaves the
 * phone; a downlink one received over its transfer, after its latency. */
static int transfers(struct recorder *rc, const struct device *dev, int64_t K)
{
    const struct replay *rp = rc->rp;
    const struct mdl_radio *m = rp->radio;
    const struct ref_plan *p = dev->steps[K].spec->plan;
    const struct stage_time *t = rec_times(dev, K);
    int n = 0;
    for (int i = 0; i < p->n_stages; i++) {
        const struct ref_stage *s = &p->stages[i];
        if (s->kind == REF_STAGE_COMPUTE)
            continue;
        const int up = s->place == REF_LINK_UP;
        double net, lat, tx;
        rec_message_phases(rp, s, &t[i], &net, &lat, &tx);
        if (!(tx > 0.0))
            continue;
        const double slope = up ? m->up_J_per_B.value : m->down_J_per_B.value;
        const double a = up ? net : net + lat;
        rc->iv[n++] = (struct energy_iv){a, a + tx,
                                         m->base_W.value + slope * (double)s->msg_bytes / tx};
    }
    qsort(rc->iv, (size_t)n, sizeof *rc->iv, iv_cmp);
    return n;
}

void energy_radio(const struct mdl_radio *m, struct radio_state *st, const struct energy_iv *iv,
                  int n, double *acc)
{
    for (int j = 0; j < n; j++) {
        const struct energy_iv *v = &iv[j];
        energy_radio_passive(m, st, st->cursor_s, v->a_s, 1, acc);
        const double a = fmax(v->a_s, st->cursor_s); // an overlap is charged once
        if (v->b_s > a)
            *acc += v->power_W * (v->b_s - a);
        st->cursor_s = fmax(st->cursor_s, v->b_s);
        st->last_end_s = fmax(st->last_end_s, v->b_s);
    }
}

void energy_step(struct recorder *rc, struct device *dev, int64_t K, int64_t r, int64_t k,
                 int last, struct sim_request_record *q)
{
    const struct replay *rp = rc->rp;
    const struct mdl_radio *m = rp->radio;
    struct radio_state *st = &dev->radio;
    struct sim_request_record *all = rc->out->requests + dev->req0;
    if (k == 0) {
        dev->window_s = fmax(dev->arrival_s[r], dev->prev_done_s);
        q->edge_j = isnan(rp->soc_idle_W) ? NAN : 0.0;
        q->radio_j = m == NULL ? NAN : 0.0;
        q->cloud_j = NAN;
        if (m != NULL) { // the previous request's tail runs until this one's window
            if (st->owner >= 0)
                energy_radio_passive(m, st, st->cursor_s, fmax(st->cursor_s, dev->window_s), 0,
                              &all[st->owner].radio_j);
            st->cursor_s = fmax(st->cursor_s, dev->window_s);
            st->owner = -1;
        }
    }
    if (!isnan(rp->soc_idle_W)) { // active above idle while an edge stage computes
        const struct ref_plan *p = dev->steps[K].spec->plan;
        const struct stage_time *t = rec_times(dev, K);
        for (int i = 0; i < p->n_stages; i++)
            if (p->stages[i].kind == REF_STAGE_COMPUTE && p->stages[i].place == REF_EDGE)
                q->edge_j += (rp->soc_active_W - rp->soc_idle_W) * (t[i].end - t[i].start);
    }
    if (m != NULL)
        energy_radio(m, st, rc->iv, transfers(rc, dev, K), &q->radio_j);
    if (!last)
        return;
    q->edge_j += rp->soc_idle_W * (q->done_s - dev->window_s);
    q->cloud_j = isnan(rp->gpu_active_W) ? NAN : dev->cloud_j[r]; // the GPU is done with it
    dev->prev_done_s = q->done_s;
    if (m == NULL)
        return;
    energy_radio_passive(m, st, st->cursor_s, q->done_s, 1, &q->radio_j);
    st->cursor_s = fmax(st->cursor_s, q->done_s);
    st->owner = r;
    if (r == dev->n_req - 1) // the device's last: its whole tail
        energy_radio_passive(m, st, st->cursor_s, INFINITY, 0, &q->radio_j);
}

void energy_summary(const struct replay *rp, int64_t n_gpu, double price_usd_per_s,
                    double battery_J, struct sim_result *out)
{
    struct sim_summary *sm = &out->summary;
    double edge = 0.0, radio = 0.0, cloud = 0.0, tokens = 0.0;
    for (int64_t i = 0; i < out->n_requests; i++) {
        const struct sim_request_record *q = &out->requests[i];
        edge += q->edge_j;
        radio += q->radio_j;
        cloud += q->cloud_j;
        tokens += (double)rp->batch * (double)q->new_tokens;
    }
    sm->edge_compute_j_per_token = edge / tokens;
    sm->radio_j_per_token = radio / tokens;
    sm->cloud_j_per_token = cloud / tokens;
    sm->usd_per_million_tokens = price_usd_per_s * (double)n_gpu * sm->makespan_s / tokens * 1e6;
    sm->battery_percent_per_1000_tokens =
        (sm->edge_compute_j_per_token + sm->radio_j_per_token) * 1000.0 / battery_J * 100.0;
}
