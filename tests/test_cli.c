/*
 * tests/test_cli: the plsim binary end to end: help, usage errors, exit
 * codes, and that a failed run leaves no output file behind.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "tests/helpers.h"

/* Runs `plsim ARGS`, capturing stdout+stderr into out; returns exit code. */
static int plsim(const char *args, char *out, size_t cap)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin, "PLSIM_BIN must point at the plsim binary (make check sets it)");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    const size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char buf[1 << 16];

Test(cli, every_subcommand_help_exits_zero_with_an_example)
{
    const char *cmds[] = {"checkpoint", "forward", "comm", "resources", "bench", "validate",
                          "show", "run", "sweep", "paper", "breakeven", "plots", "atlas",
                          "list", "capacity", "trace-gen"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char args[64];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        cr_expect_eq(plsim(args, buf, sizeof buf), 0, "%s", cmds[i]);
        cr_expect(strstr(buf, "Example") != NULL, "%s --help has no example", cmds[i]);
    }
    cr_expect_eq(plsim("--help", buf, sizeof buf), 0);
}

Test(cli, trace_gen_writes_a_seeded_two_state_trace_that_a_link_replays)
{
    // good 30 s and bad 10 s on average: 75 % of a long trace is good
    char dir[128], args[1024], a[300], b[300], c[300];
    snprintf(dir, sizeof dir, "/tmp/plsim-cli-%ld-tracegen", (long)getpid());
    mkdir(dir, 0700);
    const char *states = "--good '20 Mbps,200 Mbps,40 ms,30 s' --bad '2 Mbps,20 Mbps,120 ms,10 s'";
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(c, sizeof c, "%s/c.csv", dir);
    snprintf(args, sizeof args, "trace-gen %s --duration 2e5s --seed 3 -o %s", states, a);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(args, sizeof args, "trace-gen %s --duration 2e5s --seed 3 -o %s", states, b);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(args, sizeof args, "trace-gen %s --duration 2e5s --seed 4 -o %s", states, c);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    size_t na, nb, nc;
    char *ta = th_slurp(a, &na), *tb = th_slurp(b, &nb), *tc = th_slurp(c, &nc);
    cr_expect(na == nb && memcmp(ta, tb, na) == 0, "the same seed wrote different traces");
    cr_expect(na != nc || memcmp(ta, tc, na) != 0, "another seed wrote the same trace");
    // the states alternate; the time in the good one is its share
    double t_prev = 0.0, good = 0.0, up_prev = 0.0;
    int rows = 0, alternate = 1;
    char *save = NULL;
    for (char *line = strtok_r(ta, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        double t, up, down, rtt;
        if (sscanf(line, "%lf,%lf,%lf,%lf", &t, &up, &down, &rtt) != 4)
            continue; // the header
        if (rows > 0 && up_prev == 20.0)
            good += t - t_prev;
        alternate &= rows == 0 || up != up_prev;
        cr_expect(up == 20.0 ? down == 200.0 && rtt == 40.0 : down == 20.0 && rtt == 120.0);
        t_prev = t;
        up_prev = up;
        rows++;
    }
    cr_expect(alternate, "two rows in a row of the same state");
    cr_expect_gt(rows, 5000);
    cr_expect(fabs(good / t_prev - 0.75) < 0.02, "good %.4f of the time", good / t_prev);
    free(ta);
    free(tb);
    free(tc);
    // a link replays it
    char scen[300];
    snprintf(scen, sizeof scen, "%s/s.json", dir);
    FILE *f = fopen(scen, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"extends\": \"%s/scenarios/realistic-5g-us.json\", \"link\": {\"trace\": "
            "\"a.csv\", \"trace_start\": \"100 s\"}, \"workload\": {\"new_tokens\": 4}}",
            PLSIM_SOURCE_DIR);
    fclose(f);
    snprintf(args, sizeof args, "run %s -q --no-compare", scen);
    cr_expect_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(args, sizeof args, "trace-gen %s --duration 1e12s -o %s/x.csv", states, dir);
    cr_expect_eq(plsim(args, buf, sizeof buf), 2);
    cr_expect(strstr(buf, "rows, above the") != NULL, "%s", buf);
    th_remove_dir(dir);
}

Test(cli, usage_errors_exit_two)
{
    cr_expect_eq(plsim("", buf, sizeof buf), 2);
    cr_expect_eq(plsim("frobnicate", buf, sizeof buf), 2);
    cr_expect_eq(plsim("atlas --model a --model b --model c --model d --model e", buf,
                       sizeof buf), 2);
    cr_expect(strstr(buf, "at most 4") != NULL, "%s", buf);
    cr_expect_eq(plsim("atlas -o /tmp --design 'PL sideways'", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "the designs are") != NULL, "%s", buf);
    cr_expect_eq(plsim("atlas -o /tmp --model no-such-preset", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "no-such-preset") != NULL, "%s", buf);
    cr_expect_eq(plsim("comm --model llama2-7b", buf, sizeof buf), 2);
    cr_expect_eq(plsim("comm --model llama2-7b --rank 5000", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "larger than") != NULL, "%s", buf);
    cr_expect_eq(plsim("comm --model nope --rank 8", buf, sizeof buf), 2);
    cr_expect_eq(plsim("comm --model tiny --rank 8 --transfer-bits 12", buf, sizeof buf), 2);
    cr_expect_eq(plsim("forward --tokens 1,2", buf, sizeof buf), 2);
    cr_expect_eq(plsim("forward --checkpoint x --tokens 1,,2", buf, sizeof buf), 2);
    cr_expect_eq(plsim("checkpoint --dim 10 --hidden-dim 8 --layers 1 --heads 4 --kv-heads 4 "
                       "--vocab 8 --seq-len 8 --seed 1 -o /tmp/x.bin", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "must divide dim") != NULL, "%s", buf);
}

Test(cli, checkpoint_then_split_forward_generates_and_writes_logits)
{
    char ck[128], lg[128], args[512];
    snprintf(ck, sizeof ck, "/tmp/plsim-cli-%ld.bin", (long)getpid());
    snprintf(lg, sizeof lg, "/tmp/plsim-cli-%ld.logits", (long)getpid());
    snprintf(args, sizeof args, "checkpoint --dim 32 --hidden-dim 64 --layers 2 --heads 4 "
             "--kv-heads 2 --vocab 50 --seq-len 32 --seed 3 -o %s", ck);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1,2,3 --steps 4 --split "
             "--rank 4 --m-init random --transfer int8 --logits %s", ck, lg);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    cr_expect(strstr(buf, "boundary (privatelora, int8): 30 messages") != NULL, "%s", buf);
    FILE *f = fopen(lg, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    cr_expect_eq(ftell(f), 5 * 50 * 4); // (1 + steps) x vocab float32
    fclose(f);
    remove(lg);
    // a token outside the vocabulary: exit 2 and no logits file
    snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1,99 --logits %s", ck, lg);
    cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "outside the vocabulary") != NULL, "%s", buf);
    cr_expect_eq(access(lg, F_OK), -1, "a failed run left %s behind", lg);
    remove(ck);
}

Test(cli, corrupt_checkpoints_exit_two_naming_the_file_and_problem)
{
    static const struct {
        int hdr[7];
        int n_hdr_ints;
        int payload_floats;
        const char *expect;
    } cases[] = {
        {{64, 128, 2, 4, 4, 100, 16}, 7, 0, "truncated"},
        {{64, 128, 2, 4, 4, 100, 16}, 3, 0, "the header needs 28 bytes"},
        {{0, 128, 2, 4, 4, 100, 16}, 7, 10, "dim must be positive"},
        {{64, 128, 2, 5, 5, 100, 16}, 7, 10, "must divide dim"},
        {{64, 128, 2, 4, 3, 100, 16}, 7, 10, "must divide n_heads"},
        {{8, 8, 1, 2, 2, 4, 2}, 7, 1000, "size inconsistent with header"},
    };
    char ck[128], args[256];
    snprintf(ck, sizeof ck, "/tmp/plsim-cli-bad-%ld.bin", (long)getpid());
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(ck, "wb");
        fwrite(cases[i].hdr, sizeof(int), (size_t)cases[i].n_hdr_ints, f);
        for (int k = 0; k < cases[i].payload_floats; k++)
            fwrite(&(float){1.0f}, sizeof(float), 1, f);
        fclose(f);
        snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1", ck);
        cr_expect_eq(plsim(args, buf, sizeof buf), 2, "case %zu: %s", i, buf);
        cr_expect(strstr(buf, ck) != NULL && strstr(buf, cases[i].expect) != NULL,
                  "case %zu: '%s' lacks '%s'", i, buf, cases[i].expect);
    }
    snprintf(args, sizeof args, "forward --checkpoint /nonexistent.bin --tokens 1");
    cr_expect_eq(plsim(args, buf, sizeof buf), 2);
    cr_expect(strstr(buf, "cannot read") != NULL, "%s", buf);
    remove(ck);
}

Test(cli, comm_json_reports_the_reduction)
{
    cr_assert_eq(plsim("comm --model llama2-7b --rank 64 --json", buf, sizeof buf), 0);
    cr_expect(strstr(buf, "\"reduction_vs_naive_total\"") != NULL);
    cr_assert_eq(plsim("resources --model llama2-7b --rank 128 --json", buf, sizeof buf), 0);
    cr_expect(strstr(buf, "\"pl_edge_memory_bytes\"") != NULL);
}

Test(cli, installed_copy_finds_its_catalogs_without_the_source_tree)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char prefix[128], cmd[1024];
    snprintf(prefix, sizeof prefix, "/tmp/plsim-install-%ld", (long)getpid());
    snprintf(cmd, sizeof cmd, "make -s -C %s install PREFIX=%s INSTALL_BIN=%s >/dev/null 2>&1",
             PLSIM_SOURCE_DIR, prefix, bin);
    cr_assert_eq(system(cmd), 0, "make install failed");
    // run it from elsewhere: the data must come from PREFIX/share/plsim
    snprintf(cmd, sizeof cmd, "cd / && %s/bin/plsim validate %s/share/plsim/scenarios/*.json "
             "2>&1 && %s/bin/plsim show %s/share/plsim/scenarios/lte.json 2>&1", prefix, prefix,
             prefix, prefix);
    FILE *p = popen(cmd, "r");
    const size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    const int st = pclose(p);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", buf);
    cr_expect(strstr(buf, "lte-us-2020") != NULL, "%s", buf);
    snprintf(cmd, sizeof cmd, "test -s %s/share/man/man1/plsim.1", prefix);
    cr_expect_eq(system(cmd), 0, "no man page installed");
    // the installed binary would find data relative to itself: check that
    // it resolves the installed catalog, not the source tree
    snprintf(cmd, sizeof cmd, "cd / && PLSIM_DATA_DIR= %s/bin/plsim comm --model nope --rank 1 "
             "2>&1 | grep -q '%s/bin/../share/plsim/models/llm'", prefix, prefix);
    cr_expect_eq(system(cmd), 0, "the installed binary did not use its own data directory");
    snprintf(cmd, sizeof cmd, "rm -rf %s", prefix);
    cr_expect_eq(system(cmd), 0);
}

/* Runs plsim, parsing its stdout as JSON (stderr discarded). */
static cJSON *plsim_json(const char *args)
{
    char full[1024];
    snprintf(full, sizeof full, "%s 2>/dev/null", args);
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s", bin, full);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    const size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s", cmd);
    cJSON *j = cJSON_Parse(buf);
    cr_assert_not_null(j, "%s: not JSON: %s", cmd, buf);
    return j;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s missing", key);
    return v->valuedouble;
}

Test(cli, forward_measured_bytes_equal_comm_for_every_mode)
{
    // a checkpoint of models/llm/tiny.json's shape; forward counts what
    // really crossed, comm sums the plan: they must agree for every mode
    char ck[128], args[512];
    snprintf(ck, sizeof ck, "/tmp/plsim-cli-tiny-%ld.bin", (long)getpid());
    snprintf(args, sizeof args, "checkpoint --dim 64 --hidden-dim 172 --layers 4 --heads 4 "
             "--kv-heads 2 --vocab 256 --seq-len 64 --seed 3 -o %s", ck);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    const char *bits[] = {"16", "8", "32"}, *wire[] = {"fp16", "int8", "fp32"};
    for (int b = 0; b < 3; b++) {
        snprintf(args, sizeof args, "comm --model tiny --rank 8 --transfer-bits %s "
                 "--prompt-tokens 5 --first-k 2 --naive-up qkv --json", bits[b]);
        cJSON *comm = plsim_json(args);
        const cJSON *row = NULL;
        int seen = 0;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(comm, "rows"))
        {
            const char *mode = cJSON_GetObjectItemCaseSensitive(row, "mode")->valuestring;
            const char *phase = cJSON_GetObjectItemCaseSensitive(row, "phase")->valuestring;
            snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1,2,3,4,5 --steps 3 "
                     "--mode %s --first-k 2 --rank 8 --transfer %s --json", ck, mode, wire[b]);
            cJSON *fw = plsim_json(args);
            char key[64];
            for (int dir = 0; dir < 2; dir++) {
                snprintf(key, sizeof key, "%s_bytes_%s_per_token", phase, dir ? "down" : "up");
                const double want = num(row, dir ? "bytes_down_per_token" : "bytes_up_per_token");
                cr_expect_eq(num(fw, key), want, "%s-bit %s %s: forward %.17g, comm %.17g",
                             bits[b], mode, key, num(fw, key), want);
            }
            seen++;
            cJSON_Delete(fw);
        }
        cr_expect_eq(seen, 10, "5 modes x 2 phases");
        cJSON_Delete(comm);
    }
    remove(ck);
}

/* Number of lines in s. */
static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(cli, engine_and_output_errors_are_one_line_exit_two_and_early)
{
    const char *src = PLSIM_SOURCE_DIR;
    char args[1024];
    // a setting SimGrid does not know: one line, no stack trace, no leftovers
    snprintf(args, sizeof args, "run %s/scenarios/paper-7b.json -q --cfg=bogus:1 -o "
             "/tmp/plsim-cli-bogus-%ld", src, (long)getpid());
    cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s", buf);
    cr_expect_eq(lines(buf), 1, "%s", buf);
    cr_expect(strstr(buf, "SimGrid refused the settings --cfg=bogus:1") != NULL, "%s", buf);
    snprintf(args, sizeof args, "/tmp/plsim-cli-bogus-%ld", (long)getpid());
    cr_expect_eq(access(args, F_OK), -1, "a refused run created %s", args);
    // a peak so small a stage would never end: refused before the engine
    snprintf(args, sizeof args, "run %s/scenarios/paper-7b.json -q --no-compare "
             "--set edge.peak_flops=1e-300", src);
    cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "would take") != NULL, "%s", buf);
    // an output that cannot be written is found before any simulation
    snprintf(args, sizeof args, "sweep %s/scenarios/paper-7b.json --vary rank=16,32 -q "
             "-o /nonexistent-dir/s.csv", src);
    cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "/nonexistent-dir/s.csv") != NULL, "%s", buf);
    cr_expect_eq(lines(buf), 1, "%s", buf);
}

Test(cli, forward_with_more_steps_than_the_context_fails_before_computing)
{
    char ck[128], lg[128], args[512];
    snprintf(ck, sizeof ck, "/tmp/plsim-cli-ctx-%ld.bin", (long)getpid());
    snprintf(lg, sizeof lg, "/tmp/plsim-cli-ctx-%ld.f32", (long)getpid());
    snprintf(args, sizeof args, "checkpoint --dim 32 --hidden-dim 64 --layers 2 --heads 4 "
             "--kv-heads 2 --vocab 50 --seq-len 16 --seed 3 -o %s", ck);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1,2,3,4 --steps 13 --logits %s",
             ck, lg);
    cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "need a context of 17; seq_len is 16") != NULL, "%s", buf);
    cr_expect_eq(lines(buf), 1, "no ids printed before the error: %s", buf);
    cr_expect_eq(access(lg, F_OK), -1);
    snprintf(args, sizeof args, "forward --checkpoint %s --tokens 1,2,3,4 --steps 12", ck);
    cr_expect_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    remove(ck);
}

Test(cli, presets_by_bare_name_and_lists_of_what_a_scenario_can_name)
{
    char dir[128], path[256], args[600];
    snprintf(dir, sizeof dir, "/tmp/plsim-cli-preset-%ld", (long)getpid());
    mkdir(dir, 0700);
    // a scenario outside the source tree extending a preset by name
    snprintf(path, sizeof path, "%s/mine.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"extends\": \"paper-7b.json\", \"link\": {\"name\": \"ookla-us-2024h1\", "
          "\"rtt\": \"30 ms\"}, \"workload\": {\"batch\": 4}}", f);
    fclose(f);
    snprintf(args, sizeof args, "validate %s", path);
    cr_expect_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    cr_expect_eq(plsim("show paper-7b", buf, sizeof buf), 0, "%s", buf);
    cr_expect(strstr(buf, "llama2-7b") != NULL);
    cr_expect_eq(plsim("list presets", buf, sizeof buf), 0);
    cr_expect(strstr(buf, "realistic-5g-us") != NULL, "%s", buf);
    cr_expect_eq(plsim("list links", buf, sizeof buf), 0);
    cr_expect(strstr(buf, "ookla-us-2024h1") != NULL, "%s", buf);
    cr_expect_eq(plsim("list gpus", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "did you mean 'gpu'") != NULL, "%s", buf);
    remove(path);
    rmdir(dir);
}

Test(cli, a_fifo_is_refused_at_once_not_waited_on)
{
    char fifo[128], args[300];
    snprintf(fifo, sizeof fifo, "/tmp/plsim-cli-fifo-%ld.json", (long)getpid());
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    const char *verbs[] = {"validate", "run", "show", "forward --tokens 1 --checkpoint"};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        snprintf(args, sizeof args, "%s %s", verbs[i], fifo);
        cr_expect_eq(plsim(args, buf, sizeof buf), 2, "%s: %s", args, buf);
        cr_expect(strstr(buf, "not a regular file") != NULL, "%s: %s", args, buf);
    }
    remove(fifo);
}

Test(cli, version_help_and_one_error_per_mistake)
{
    cr_expect_eq(plsim("--version", buf, sizeof buf), 0);
    cr_expect(strncmp(buf, "plsim ", 6) == 0, "%s", buf);
    cr_expect_eq(plsim("help run", buf, sizeof buf), 0);
    cr_expect(strstr(buf, "Usage: plsim run") != NULL, "%s", buf);
    cr_expect_eq(plsim("run -o", buf, sizeof buf), 2);
    cr_expect(strstr(buf, "option '-o' is unknown or needs a value") != NULL, "%s", buf);
    int errors = 0;
    for (const char *p = buf; (p = strstr(p, "error")) != NULL; p++)
        errors++;
    cr_expect_eq(errors, 1, "%s", buf);
}

Test(cli, summary_json_says_what_produced_it)
{
    char dir[128], args[400], path[300];
    snprintf(dir, sizeof dir, "/tmp/plsim-cli-summary-%ld", (long)getpid());
    snprintf(args, sizeof args, "run paper-7b -q --no-compare --set workload.new_tokens=3 "
             "--set link.rtt=5ms -o %s", dir);
    cr_assert_eq(plsim(args, buf, sizeof buf), 0, "%s", buf);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    cJSON *root = cJSON_Parse(buf);
    cr_assert_not_null(root);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(root, "inputs");
    cr_assert_not_null(in, "summary.json has no inputs");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(in, "model")->valuestring, "llama2-7b");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(in, "mode")->valuestring, "privatelora");
    cr_expect(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(in, "plsim_version")));
    const cJSON *link = cJSON_GetObjectItemCaseSensitive(in, "link");
    cr_expect_eq(num(link, "rtt_s"), 0.005);
    cr_expect_eq(num(cJSON_GetObjectItemCaseSensitive(in, "workload"), "new_tokens"), 3);
    cJSON_Delete(root);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* 1 when a live (not zombie) process has marker in its environment. */
static int process_with_env(const char *marker)
{
    DIR *d = opendir("/proc");
    cr_assert_not_null(d);
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], stat[600] = "", env[8192];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        const size_t ns = fread(stat, 1, sizeof stat - 1, f);
        stat[ns] = '\0';
        fclose(f);
        const char *state = strrchr(stat, ')');
        if (state == NULL || state[2] == 'Z')
            continue;
        snprintf(path, sizeof path, "/proc/%s/environ", e->d_name);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        const size_t n = fread(env, 1, sizeof env, f);
        fclose(f);
        for (size_t i = 0; i + strlen(marker) <= n && !found; i++)
            found = memcmp(env + i, marker, strlen(marker)) == 0;
    }
    closedir(d);
    return found;
}

Test(cli, an_interrupted_run_leaves_no_child_and_no_temporary_file)
{
    char tmp[128], marker[160];
    snprintf(tmp, sizeof tmp, "/tmp/plsim-cli-int-%ld", (long)getpid());
    mkdir(tmp, 0700);
    snprintf(marker, sizeof marker, "TMPDIR=%s", tmp);
    const pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        setenv("TMPDIR", tmp, 1);
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(getenv("PLSIM_BIN"), "plsim", "run", "paper-7b", "-q", "--no-compare", "--set",
              "workload.devices=300", "--set", "workload.new_tokens=64", (char *)NULL);
        _exit(127);
    }
    sleep(1); // the simulation child is working by now
    cr_expect(process_with_env(marker), "the run should still be working");
    kill(pid, SIGTERM); // the parent only: its child must follow it
    int st = 0;
    waitpid(pid, &st, 0);
    cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    int alive = 1;
    for (int i = 0; i < 50 && alive; i++) {
        alive = process_with_env(marker);
        const struct timespec tenth = {0, 100000000};
        if (alive)
            nanosleep(&tenth, NULL);
    }
    cr_expect_not(alive, "a simulation child outlived its killed parent");
    DIR *d = opendir(tmp);
    cr_assert_not_null(d);
    int left = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        left += e->d_name[0] != '.';
    closedir(d);
    cr_expect_eq(left, 0, "the interrupted run left %d entries in its TMPDIR", left);
    rmdir(tmp);
}

Test(cli, a_checkpoint_too_large_to_hold_is_refused_before_allocating)
{
    cr_expect_eq(plsim("checkpoint --dim 100000 --hidden-dim 400000 --layers 200 --heads 100 "
                       "--kv-heads 100 --vocab 32000 --seq-len 4096 --seed 1 -o /tmp/never.bin",
                       buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "GB of fp32 weights in memory") != NULL, "%s", buf);
    cr_expect_eq(plsim("checkpoint --dim 2000000000 --hidden-dim 2000000000 --layers 200 "
                       "--heads 1000 --kv-heads 1000 --vocab 2000000000 --seq-len 4096 "
                       "--seed 1 -o /tmp/never.bin", buf, sizeof buf), 2, "%s", buf);
    cr_expect(strstr(buf, "exceed 2^53") != NULL, "%s", buf);
    cr_expect_eq(access("/tmp/never.bin", F_OK), -1);
}
