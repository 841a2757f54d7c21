#pragma once
// The CUDA build of the host-device code (src/cuda/). Declared here without CUDA headers so that
// tests compiled by the host compiler can call it; defined only when SIGNRATE_HAVE_CUDA.
#include <cstdint>
#include <string>
#include <vector>

#include "signrate/distributed_step.hpp"
#include "signrate/method_step.hpp"
#include "signrate/oracle_law.hpp"

namespace signrate::cuda {

// Noise draws xi_i at step t for i in [0, d), computed by a kernel from the same code as the CPU.
std::vector<double> oracle_noise(const NoiseLaw& law, const std::vector<double>& scale, std::uint32_t batch,
                                 RngKey key, std::uint32_t t);

// One method step per coordinate on the device: returns x, m, s after the step.
void method_step(const MethodCoeffs& c, const std::vector<double>& g, std::vector<double>& x,
                 std::vector<double>& m, std::vector<double>& s);

// A distributed node's step per coordinate on the device (distributed_step.hpp): m is updated and
// the message returned (sign, or S_R under `key` for the S_R methods; |state| <= R is the caller's).
std::vector<std::int8_t> node_messages(const DistCoeffs& c, const std::vector<double>& g,
                                       std::vector<double>& m, RngKey key);

// The server's reply to integer votes on the device.
std::vector<std::int8_t> server_signs(DistKind kind, const std::vector<std::int32_t>& votes, std::uint32_t n,
                                      RngKey key, std::uint32_t t);

}  // namespace signrate::cuda
