/*
 * tests/test_input: the resolved-input boundary. A loaded scenario is a
 * plain struct the simulator runs; its setters check what they change,
 * and the one check (mdl_input_check) is what validate and run share.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "models/input.h"
#include "scenarios/scenario.h"

#define SRC PLSIM_SOURCE_DIR

static struct mdl_input paper7b(void)
{
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load(SRC "/scenarios/paper-7b.json", &s, &err), SIM_OK, "%s",
                 err.msg);
    const struct mdl_input in = *scn_scenario_input(s);
    scn_scenario_destroy(s);
    return in;
}

Test(mdl_input, a_loaded_scenario_passes_the_check_and_names_its_file)
{
    const struct mdl_input in = paper7b();
    struct sim_err err;
    cr_expect_eq(mdl_input_check(&in, &err), SIM_OK, "%s", err.msg);
    cr_expect_str_eq(in.origin, SRC "/scenarios/paper-7b.json");
    cr_expect_str_eq(in.model_name, "llama2-7b");
}

Test(mdl_input, link_setters_take_si_values_and_refuse_nonsense)
{
    struct mdl_input in = paper7b();
    struct sim_err err;
    cr_expect_eq(mdl_input_set_rtt_s(&in, 0.047, &err), SIM_OK);
    cr_expect_eq(in.link.rtt_s.value, 0.047);
    cr_expect_eq(in.link.rtt_s.kind, MDL_KIND_OVERRIDE);
    cr_expect_eq(mdl_input_set_uplink_Bps(&in, 1.82e6, &err), SIM_OK);
    cr_expect_eq(in.link.uplink_Bps.value, 1.82e6);
    cr_expect_eq(mdl_input_set_rtt_s(&in, -1e-3, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.rtt") != NULL, "%s", err.msg);
    cr_expect_eq(in.link.rtt_s.value, 0.047, "a refused value changes nothing");
    cr_expect_eq(mdl_input_set_uplink_Bps(&in, 0.0, &err), SIM_EINVAL);
    cr_expect_eq(mdl_input_set_downlink_Bps(&in, 1.0 / 0.0, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.downlink") != NULL, "%s", err.msg);
}

Test(mdl_input, mode_setter_checks_the_plan_and_keeps_the_old_mode_on_failure)
{
    struct mdl_input in = paper7b();
    struct sim_err err;
    // fp16 7B on a 6 GB phone: set, and said not to fit
    cr_expect_eq(mdl_input_set_mode(&in, REF_MODE_DEVICE_ONLY, &err), SIM_ERANGE);
    cr_expect(strstr(err.msg, "$.edge: iphone13promax-paper cannot hold") != NULL, "%s", err.msg);
    cr_expect_eq(in.plan.mode, REF_MODE_DEVICE_ONLY);
    in.plan.weight_bits[REF_EDGE] = 4;
    cr_expect_eq(mdl_input_set_mode(&in, REF_MODE_DEVICE_ONLY, &err), SIM_OK, "%s", err.msg);
    in.plan.first_k = 99; // more layers than LLaMA 2-7B has
    cr_expect_eq(mdl_input_set_mode(&in, REF_MODE_PL_FIRST_K, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "first_k") != NULL, "%s", err.msg);
    cr_expect_eq(in.plan.mode, REF_MODE_DEVICE_ONLY);
}

Test(mdl_input, acceptance_setter_needs_speculative_verification_and_a_probability)
{
    struct mdl_input in = paper7b();
    struct sim_err err;
    cr_expect_eq(mdl_input_set_spec_acceptance(&in, 0.5, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.speculative") != NULL, "%s", err.msg);
    in.plan.spec_k = 4;
    in.plan.spec_lookup = 1;
    cr_expect_eq(mdl_input_set_spec_acceptance(&in, 0.75, &err), SIM_OK, "%s", err.msg);
    cr_expect_eq(in.spec_acceptance, 0.75);
    cr_expect_eq(mdl_input_set_spec_acceptance(&in, 1.5, &err), SIM_EINVAL);
    cr_expect_eq(mdl_input_set_spec_acceptance(&in, 0.0 / 0.0, &err), SIM_EINVAL);
    cr_expect_eq(in.spec_acceptance, 0.75, "a refused value changes nothing");
}

Test(mdl_input, weight_bytes_place_the_model_by_mode)
{
    // device-only at 4 bits holds every weight on the phone; PrivateLoRA's
    // phone holds the LM head, the embedding and the adapters' M only
    struct mdl_input in = paper7b();
    struct sim_err err;
    double pl = 0.0, dev = 0.0, cloud = 0.0;
    cr_assert_eq(mdl_input_weight_bytes(&in, REF_EDGE, &pl, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(mdl_input_weight_bytes(&in, REF_CLOUD, &cloud, &err), SIM_OK, "%s", err.msg);
    in.plan.weight_bits[REF_EDGE] = 4;
    cr_assert_eq(mdl_input_set_mode(&in, REF_MODE_DEVICE_ONLY, &err), SIM_OK, "%s", err.msg);
    cr_assert_eq(mdl_input_weight_bytes(&in, REF_EDGE, &dev, &err), SIM_OK, "%s", err.msg);
    // 6.74e9 parameters at half a byte, norms and all
    cr_expect(dev > 3.3e9 && dev < 3.4e9, "device-only 7B at 4 bits: %.4g bytes", dev);
    cr_expect(pl > 0.2e9 && pl < 0.6e9, "PrivateLoRA's phone: %.4g bytes", pl);
    cr_expect_gt(cloud, 12e9);
}

Test(mdl_input, check_refuses_what_the_engine_does_not_model)
{
    struct mdl_input in = paper7b();
    struct sim_err err;
    snprintf(in.link.trace, sizeof in.link.trace, "5g.csv");
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.trace: 5g.csv was not read") != NULL, "%s", err.msg);
    in = paper7b(); // what is modelled is checked like the loader checks it
    in.link.jitter_s = (struct mdl_fact){.value = -0.005, .present = 1};
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.jitter: expected a finite duration >= 0") != NULL, "%s",
              err.msg);
    in = paper7b();
    in.link.loss = (struct mdl_fact){.value = 1.0, .present = 1};
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.link.loss: expected a chance in [0, 1)") != NULL, "%s", err.msg);
    in = paper7b();
    in.workload.devices = 0;
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    in = paper7b();
    in.cost[REF_EDGE].mem_bw_Bps = 0.0;
    cr_expect_eq(mdl_input_check(&in, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.edge") != NULL, "%s", err.msg);
}
