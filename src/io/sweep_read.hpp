#pragma once
// Reading a sweep back from JSON inside another document (a verify JSON's families[k].sweep).
#include "json_read.hpp"
#include "signrate/sweep_result.hpp"

namespace signrate {

SweepResult read_sweep(const io::Reader& sweep);

}  // namespace signrate
