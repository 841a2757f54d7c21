// Engine throughput against the machine's floors (bench/README.md, "Summary").
//   coordinate-steps/s : one coordinate of one replicate advanced by one step (SMM, separable
//                        quadratic, Gaussian noise), single thread, so the rate is per core.
//   floors             : Philox4x32-10 calls/s alone, Gaussian draws/s (Philox + Box-Muller), and
//                        the memory bandwidth of a triad over the engine's state arrays.
//   noise tiles        : every law's draws as the engine makes them (BM_NoiseTile).
#include <benchmark/benchmark.h>

#include <vector>

#include "signrate/engine.hpp"

namespace {

using signrate::RunSpec;

void BM_SmmQuadraticGaussian(benchmark::State& state) {
  RunSpec spec;
  spec.problem = signrate::parse_spec("quadratic", "problem");
  spec.oracle = signrate::parse_spec("gaussian:sigma=1", "oracle");
  spec.method = signrate::parse_spec("smm", "method");
  spec.schedule = signrate::parse_spec("theorem1", "schedule");
  spec.d = static_cast<std::uint32_t>(state.range(0));
  spec.replicates = static_cast<std::uint32_t>(state.range(1));
  spec.T = static_cast<std::uint32_t>(state.range(2));
  const signrate::Experiment e = signrate::make_experiment(spec);
  const signrate::EngineOptions one_thread{1, 256};
  for (auto _ : state) benchmark::DoNotOptimize(signrate::run(e, one_thread).M1[0]);
  const double coordinate_steps = double(spec.d) * spec.replicates * spec.T;
  state.counters["coord_steps/s"] =
      benchmark::Counter(coordinate_steps, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per coordinate-step, printed with its unit (e.g. 2.46ns).
  state.counters["time/coord_step"] = benchmark::Counter(
      coordinate_steps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SmmQuadraticGaussian)
    ->Args({10000, 64, 16})
    ->Args({10000, 64, 256})
    ->Args({1000, 8, 1000})
    ->Unit(benchmark::kMillisecond);

// The floor set by random numbers: one Philox4x32-10 call per four coordinate-steps is what the
// engine spends on randomness for Gaussian noise (four float Box-Muller normals per call).
void BM_PhiloxOnly(benchmark::State& state) {
  const signrate::RngKey key = signrate::derive_key(1, 0, 0, signrate::Stream::kOracleNoise);
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::uint32_t t = 0;
  for (auto _ : state) {
    std::uint32_t acc = 0;
    ++t;
    for (std::uint32_t i = 0; i < n; ++i) acc ^= signrate::philox(key, t, i, 0, 0).v[0];
    benchmark::DoNotOptimize(acc);
  }
  state.counters["calls/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PhiloxOnly)->Arg(10000);

// Times oracle_noise_tile for one law over n coordinates at batch 1 (unit scale).
void time_noise_tile(benchmark::State& state, signrate::NoiseShape shape, double param, std::uint32_t n,
                     const char* counter, benchmark::Counter::Flags flags) {
  std::vector<double> scale(n, 1.0), out(n);
  const signrate::OracleView view{{shape, param, 1.0}, scale.data(), 1};
  const signrate::RngKey key = signrate::derive_key(1, 0, 0, signrate::Stream::kOracleNoise);
  std::uint32_t t = 0;
  for (auto _ : state) {
    ++t;
    signrate::oracle_noise_tile(view, key, t, 0, n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters[counter] = benchmark::Counter(double(n), flags);
}

// Gaussian noise draws as the engine makes them (oracle_noise_tile: one Philox call and two
// single-precision Box-Muller pairs per four coordinates, with the portable logf and sincos).
void BM_GaussianNoise(benchmark::State& state) {
  time_noise_tile(state, signrate::NoiseShape::kGaussian, 0.0, static_cast<std::uint32_t>(state.range(0)),
                  "draws/s", benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_GaussianNoise)->Arg(10000);

// Every law's noise tile alone (oracle_noise_tile over d = 4096 coordinates, batch 1), the sampler's
// share of a coordinate-step: the run's cost minus this is the update's. Labels name the law and its
// parameter, those of bench/compare_oracles.py.
void BM_NoiseTile(benchmark::State& state) {
  using signrate::NoiseShape;
  struct Law {
    const char* label;
    NoiseShape shape;
    double param;
  };
  static const Law kLaws[] = {
      {"gaussian", NoiseShape::kGaussian, 0.0},       {"uniform", NoiseShape::kUniform, 0.0},
      {"rademacher", NoiseShape::kRademacher, 0.0},   {"two-point:p=0.2", NoiseShape::kTwoPoint, 0.2},
      {"bimodal:m=0.9", NoiseShape::kBimodal, 0.9},   {"lomax:alpha=3", NoiseShape::kLomax, 3.0},
      {"student-t:nu=3", NoiseShape::kStudentT, 3.0}, {"lognormal:s=1", NoiseShape::kLognormal, 1.0}};
  const Law& law = kLaws[state.range(0)];
  state.SetLabel(law.label);
  time_noise_tile(
      state, law.shape, law.param, 4096, "time/draw",
      benchmark::Counter::Flags(benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert));
}
BENCHMARK(BM_NoiseTile)->DenseRange(0, 7);

// Memory floor: x += a*v; v = b*v + c over arrays of n doubles (the SMM state's traffic: read and
// write x and v, 32 bytes per coordinate-step).
void BM_StateTriad(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> x(n, 1.0), v(n, 0.5);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = 0.9 * v[i] + 0.1;
      x[i] -= 1e-3 * v[i];
    }
    benchmark::DoNotOptimize(x.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * 32));
  state.counters["coords/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StateTriad)->Arg(10000)->Arg(64 * 10000);

}  // namespace

BENCHMARK_MAIN();
