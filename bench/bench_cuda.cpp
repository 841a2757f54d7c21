// The CUDA engine's throughput (coordinate-steps per second, the whole `run` including the copies
// and the host-side final values), at the sizes of the GPU issue, beside the CPU engine on all
// cores at the smallest size. Without a usable GPU every CUDA benchmark reports why and skips.
#include <benchmark/benchmark.h>

#include <string>

#include "signrate/engine.hpp"
#include "signrate/experiment.hpp"

namespace {

signrate::Experiment experiment(const char* method, std::uint32_t d, std::uint32_t R, std::uint32_t T,
                                std::uint32_t nodes) {
  signrate::RunSpec spec =
      signrate::make_run_spec("quadratic", "gaussian:sigma=1", method, "theorem1", d, T, R, 1);
  spec.nodes = nodes;
  return signrate::make_experiment(spec);
}

void measure(benchmark::State& state, const signrate::Experiment& e, const signrate::EngineOptions& o) {
  if (o.backend == signrate::Backend::kCuda) {
    std::string why;
    if (!signrate::cuda_usable(o.device, &why)) {
      state.SkipWithError(why.c_str());
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(signrate::run(e, o).M1[0]);
  const double coordinate_steps = double(e.spec.d) * e.spec.replicates * e.spec.T * e.spec.nodes;
  state.counters["coord_steps_per_s"] =
      benchmark::Counter(coordinate_steps, benchmark::Counter::kIsIterationInvariantRate);
}

signrate::EngineOptions cuda_options() {
  signrate::EngineOptions o;
  o.backend = signrate::Backend::kCuda;
  return o;
}

// SMM, theorem1 schedule, d-scaled quadratic, Gaussian noise: args d, R, T.
void BM_CudaSmmQuadraticGaussian(benchmark::State& state) {
  const auto e = experiment("smm", state.range(0), state.range(1), state.range(2), 1);
  measure(state, e, cuda_options());
}
BENCHMARK(BM_CudaSmmQuadraticGaussian)
    ->Args({1 << 20, 16, 2048})
    ->Args({1000, 64, 20000})
    ->Args({256, 16, 4096})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The CPU engine on every core at the smallest size, where the GPU must not be slower.
void BM_CpuSmmQuadraticGaussian(benchmark::State& state) {
  const auto e = experiment("smm", state.range(0), state.range(1), state.range(2), 1);
  measure(state, e, signrate::EngineOptions{0, 256});
}
BENCHMARK(BM_CpuSmmQuadraticGaussian)->Args({256, 16, 4096})->Unit(benchmark::kMillisecond)->UseRealTime();

// MVSM v2 on n nodes (R = 2 for S_R, clipped: Gaussian noise is unbounded): args d, R, T, n.
void BM_CudaMvsmV2(benchmark::State& state) {
  const auto e =
      experiment("mvsm-v2:R=2,clip=1", state.range(0), state.range(1), state.range(2), state.range(3));
  measure(state, e, cuda_options());
}
BENCHMARK(BM_CudaMvsmV2)
    ->Args({1 << 20, 16, 256, 8})
    ->Args({1000, 64, 4096, 8})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
