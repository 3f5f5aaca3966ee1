/*
 * tests/test_slurm: a sweep handed to a job array, without a cluster: the
 * tasks run here one by one as Slurm would run them, then the gathered
 * CSV is compared with a local sweep's, byte for byte. (`make
 * slurm-check` does the same through a real slurmctld and slurmd.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers.h"

#define SRC PLSIM_SOURCE_DIR
#define SWEEP SRC "/scenarios/paper-7b.json --vary link.rtt=0ms,10ms,47ms --vary rank=16,64 " \
              "--set workload.new_tokens=4 --set workload.prompt_tokens=8"

static void temp(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/plsim-slurm-%d", (int)getpid());
    th_remove_dir(dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
}

Test(slurm, an_array_run_task_by_task_gathers_to_the_local_sweep_byte_for_byte)
{
    char dir[128], args[1024];
    temp(dir, sizeof dir);
    snprintf(args, sizeof args, "sweep " SWEEP " -q -o %s/local.csv", dir);
    cr_assert_eq(th_run_plsim(args), 0);
    snprintf(args, sizeof args, "sweep " SWEEP " -q --slurm %s/arr --array-size 4", dir);
    cr_assert_eq(th_run_plsim(args), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/arr/job.sh", dir);
    size_t n = 0;
    char *job = th_slurp(path, &n);
    cr_assert_not_null(job);
    cr_expect(strstr(job, "#SBATCH --array=0-3\n") != NULL, "%s", job);
    cr_expect(strstr(job, "sweep-task") != NULL);
    free(job);
    // nothing run: gather names every point and writes nothing
    snprintf(args, sizeof args, "gather %s/arr -o %s/gathered.csv", dir, dir);
    cr_expect_eq(th_run_plsim(args), 1);
    snprintf(path, sizeof path, "%s/gathered.csv", dir);
    cr_expect_neq(access(path, F_OK), 0, "a partial CSV was written");
    // three of the four tasks: one point (3) still missing
    for (int t = 0; t < 3; t++) {
        snprintf(args, sizeof args, "sweep-task %s/arr %d", dir, t);
        cr_expect_eq(th_run_plsim(args), 0, "task %d", t);
    }
    snprintf(args, sizeof args, "gather %s/arr -o %s/gathered.csv", dir, dir);
    cr_expect_eq(th_run_plsim(args), 1);
    // every task again: only the missing point runs, the others are kept
    snprintf(path, sizeof path, "%s/arr/shards/0.csv", dir);
    struct stat before, after;
    cr_assert_eq(stat(path, &before), 0);
    for (int t = 0; t < 4; t++) {
        snprintf(args, sizeof args, "sweep-task %s/arr %d", dir, t);
        cr_expect_eq(th_run_plsim(args), 0, "task %d", t);
    }
    cr_assert_eq(stat(path, &after), 0);
    cr_expect_eq(before.st_ino, after.st_ino, "a finished point was run again");
    snprintf(args, sizeof args, "gather %s/arr -o %s/gathered.csv", dir, dir);
    cr_assert_eq(th_run_plsim(args), 0);
    size_t na = 0, nb = 0;
    snprintf(path, sizeof path, "%s/local.csv", dir);
    char *a = th_slurp(path, &na);
    snprintf(path, sizeof path, "%s/gathered.csv", dir);
    char *b = th_slurp(path, &nb);
    cr_assert(a != NULL && b != NULL);
    cr_expect(na == nb && memcmp(a, b, na) == 0, "the gathered CSV differs from the local one");
    free(a);
    free(b);
    th_remove_dir(dir);
}

Test(slurm, a_bad_point_fails_before_anything_is_written)
{
    char dir[128], args[1024];
    temp(dir, sizeof dir);
    snprintf(args, sizeof args, "sweep " SRC "/scenarios/paper-7b.json --vary rank=16,99999 -q "
             "--slurm %s/arr", dir);
    cr_expect_eq(th_run_plsim(args), 2);
    char path[256];
    snprintf(path, sizeof path, "%s/arr", dir);
    cr_expect_neq(access(path, F_OK), 0, "the folder was created for a bad sweep");
    // the options that belong to --slurm are refused without it
    snprintf(args, sizeof args, "sweep " SRC "/scenarios/paper-7b.json --vary rank=16 --submit "
             "-o %s/x.csv", dir);
    cr_expect_eq(th_run_plsim(args), 2);
    snprintf(args, sizeof args, "gather %s -o %s/x.csv", dir, dir); // no sweep.json
    cr_expect_eq(th_run_plsim(args), 2);
    th_remove_dir(dir);
}
