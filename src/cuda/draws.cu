// The host-device per-coordinate code (oracles, methods) compiled by nvcc and launched as
// kernels one coordinate per thread, so tests can compare a device's bits with the CPU's for each
// function alone; the engine (engine.cu) launches the same functions (tests/test_cuda.cpp).
#include <cuda_runtime.h>

#include "device_memory.hpp"
#include "signrate/cuda_check.hpp"

namespace signrate::cuda {

namespace {

__global__ void noise_kernel(OracleView view, RngKey key, std::uint32_t t, std::uint32_t d, double* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < d) out[i] = signrate::oracle_noise(view, key, t, i);
}

__global__ void step_kernel(MethodCoeffs c, const double* g, double* x, double* m, double* s,
                            std::uint32_t d) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < d) signrate::method_step(c, g[i], x[i], m[i], s[i]);
}

__global__ void node_kernel(DistCoeffs c, const double* g, double* m, RngKey key, std::int8_t* out,
                            std::uint32_t d) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= d) return;
  const double s = signrate::node_state_update(c, g[i], m[i]);
  out[i] = static_cast<std::int8_t>(signrate::needs_bound_R(signrate::recipe_at(c.kind))
                                        ? signrate::node_unbiased_sign(s, c.R, key, c.t, i)
                                        : signrate::sign(s));
}

__global__ void server_kernel(DistKind kind, const std::int32_t* votes, std::uint32_t n, RngKey key,
                              std::uint32_t t, std::int8_t* out, std::uint32_t d) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < d) out[i] = signrate::server_sign(kind, votes[i], n, key, t, i);
}

template <class T>
T* to_device(const std::vector<T>& v) {
  T* p = nullptr;
  check(cudaMalloc(&p, v.size() * sizeof(T) + 1), "cudaMalloc");
  check(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
  return p;
}

template <class T>
void to_host(T* p, std::vector<T>& v) {
  check(cudaMemcpy(v.data(), p, v.size() * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy");
  check(cudaFree(p), "cudaFree");
}

}  // namespace

std::vector<double> oracle_noise(const NoiseLaw& law, const std::vector<double>& scale, std::uint32_t batch,
                                 RngKey key, std::uint32_t t) {
  const auto d = static_cast<std::uint32_t>(scale.size());
  double* dscale = to_device(scale);
  std::vector<double> out(d);
  double* dout = to_device(out);
  noise_kernel<<<(d + 127) / 128, 128>>>(OracleView{law, dscale, batch}, key, t, d, dout);
  check(cudaGetLastError(), "noise_kernel");
  to_host(dout, out);
  check(cudaFree(dscale), "cudaFree");
  return out;
}

void method_step(const MethodCoeffs& c, const std::vector<double>& g, std::vector<double>& x,
                 std::vector<double>& m, std::vector<double>& s) {
  const auto d = static_cast<std::uint32_t>(g.size());
  double *dg = to_device(g), *dx = to_device(x), *dm = to_device(m), *ds = to_device(s);
  step_kernel<<<(d + 127) / 128, 128>>>(c, dg, dx, dm, ds, d);
  check(cudaGetLastError(), "step_kernel");
  to_host(dx, x);
  to_host(dm, m);
  to_host(ds, s);
  check(cudaFree(dg), "cudaFree");
}

std::vector<std::int8_t> node_messages(const DistCoeffs& c, const std::vector<double>& g,
                                       std::vector<double>& m, RngKey key) {
  const auto d = static_cast<std::uint32_t>(g.size());
  std::vector<std::int8_t> out(d);
  double *dg = to_device(g), *dm = to_device(m);
  std::int8_t* dout = to_device(out);
  node_kernel<<<(d + 127) / 128, 128>>>(c, dg, dm, key, dout, d);
  check(cudaGetLastError(), "node_kernel");
  to_host(dm, m);
  to_host(dout, out);
  check(cudaFree(dg), "cudaFree");
  return out;
}

std::vector<std::int8_t> server_signs(DistKind kind, const std::vector<std::int32_t>& votes, std::uint32_t n,
                                      RngKey key, std::uint32_t t) {
  const auto d = static_cast<std::uint32_t>(votes.size());
  std::vector<std::int8_t> out(d);
  std::int32_t* dv = to_device(votes);
  std::int8_t* dout = to_device(out);
  server_kernel<<<(d + 127) / 128, 128>>>(kind, dv, n, key, t, dout, d);
  check(cudaGetLastError(), "server_kernel");
  to_host(dout, out);
  check(cudaFree(dv), "cudaFree");
  return out;
}

}  // namespace signrate::cuda
