// Which CUDA devices can run this build's kernels, what they are, and whether a run fits.
#include <cuda_runtime.h>

#include <cstdio>
#include <string>

#include "device_memory.hpp"
#include "signrate/error.hpp"

#ifndef SIGNRATE_CUDA_ARCHS
#define SIGNRATE_CUDA_ARCHS "unknown"
#endif

namespace signrate {

namespace {
// A kernel whose attributes say whether this binary holds code the device can run.
__global__ void probe_kernel() {}

std::string gib(std::uint64_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f GiB (%llu bytes)",
                static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0),
                static_cast<unsigned long long>(bytes));
  return text;
}
}  // namespace

bool cuda_usable(int device, std::string* why) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err == cudaErrorInsufficientDriver) {
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    const auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };
    *why = driver == 0 ? std::string("no CUDA device (no NVIDIA driver is installed on this machine)")
                       : "the NVIDIA driver supports CUDA " + version(driver) +
                             ", older than this build's CUDA " + version(runtime) + " (update the driver)";
    return false;
  }
  if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
    *why = "no CUDA device on this machine";
    return false;
  }
  if (err != cudaSuccess) {
    *why = std::string("no usable CUDA device (") + cudaGetErrorString(err) + ")";
    return false;
  }
  if (device < 0 || device >= count) {
    *why =
        "no CUDA device " + std::to_string(device) + "; allowed: cuda:0 .. cuda:" + std::to_string(count - 1);
    return false;
  }
  int previous = 0;
  cudaGetDevice(&previous);
  cudaSetDevice(device);
  cudaFuncAttributes attributes;
  const cudaError_t image = cudaFuncGetAttributes(&attributes, probe_kernel);
  cudaSetDevice(previous);
  if (image != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error
    const DeviceInfo info = cuda_device_info(device);
    *why = "this build has no code for device " + std::to_string(device) + " (" + info.name +
           ", compute capability " + info.compute_capability +
           "; built for CMAKE_CUDA_ARCHITECTURES=" + SIGNRATE_CUDA_ARCHS +
           "; rebuild with -DCMAKE_CUDA_ARCHITECTURES=" +
           info.compute_capability.substr(0, info.compute_capability.find('.')) +
           info.compute_capability.substr(info.compute_capability.find('.') + 1) + ")";
    return false;
  }
  return true;
}

DeviceInfo cuda_device_info(int device) {
  cudaDeviceProp prop;
  cuda::check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  DeviceInfo info;
  info.name = prop.name;
  info.compute_capability = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  int previous = 0;
  cudaGetDevice(&previous);
  cuda::check(cudaSetDevice(device), "cudaSetDevice");
  std::size_t free_bytes = 0, total_bytes = 0;
  cuda::check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  cudaSetDevice(previous);
  info.free_bytes = free_bytes;
  info.total_bytes = total_bytes;
  return info;
}

namespace cuda {

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw RunError(std::string("CUDA: ") + what + ": " + cudaGetErrorString(err));
}

void check_cuda_options(const EngineOptions& o) {
  if (o.cuda_threads < 32 || o.cuda_threads > 1024 || o.cuda_threads % 32 != 0)
    throw SpecError("cuda_threads=" + std::to_string(o.cuda_threads) +
                    " is not allowed; allowed: a multiple of 32 from 32 to 1024");
  if (o.cuda_blocks != 0 && (o.cuda_blocks & (o.cuda_blocks - 1)) != 0)
    throw SpecError("cuda_blocks=" + std::to_string(o.cuda_blocks) +
                    " is not allowed; allowed: 0 (chosen) or a power of two");
}

void require_memory(std::uint64_t bytes, int device) {
  const DeviceInfo info = cuda_device_info(device);
  if (bytes > info.free_bytes)
    throw SpecError("the run needs " + gib(bytes) + " of GPU memory and device " + std::to_string(device) +
                    " (" + info.name + ") has " + gib(info.free_bytes) +
                    " free; lower --replicates or --d, or run it with --device cpu");
}

}  // namespace cuda
}  // namespace signrate
