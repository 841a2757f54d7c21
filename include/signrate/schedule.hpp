#pragma once
// Step-size and momentum schedules: eta and beta as functions of the horizon T and the dimension
// d, constant over the run (docs/theory.md, Theorems 1 and 2).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/spec.hpp"

namespace signrate {

struct ScheduleValues {
  double eta = 0.0;
  double beta = 1.0;  // weight of the new gradient, in (0, 1]
  nlohmann::json resolved;
};

const std::vector<ComponentInfo>& schedule_registry();
// theorem1: beta = T^-1/2, eta = d^-1/2 T^-3/4; theorem2: beta = T^-1/2, eta = T^-3/4 (each times
// optional eta_scale, beta_scale); constant; power (eta = c d^a T^b, beta likewise).
// A beta outside (0, 1] or a non-positive eta is a SpecError, never clamped.
ScheduleValues make_schedule(const ParsedSpec& spec, std::uint32_t d, std::uint32_t T);

// A method SPEC naming eta, beta or lr (train's eta) that the method does not declare: in run,
// sweep and verify these come from the schedule, so the SpecError says how to give them there.
void refuse_schedule_keys(const ParsedSpec& method, const ComponentInfo& info);

}  // namespace signrate
