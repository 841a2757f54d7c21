#include "signrate/frontend/common.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "signrate/error.hpp"
#include "signrate/run_spec.hpp"

namespace signrate::cli {

void add_spec_flags(CLI::App* cmd, SpecFlags& f, bool grids) {
  cmd->add_option("--problem", f.problem, "problem SPEC (default quadratic)");
  cmd->add_option("--oracle", f.oracle, "oracle SPEC (default gaussian)");
  cmd->add_option("--method", f.method, "method SPEC (default smm)");
  cmd->add_option("--schedule", f.schedule, "schedule SPEC (default: the method's, shown in its help entry)");
  cmd->add_option("--d", f.d,
                  grids ? "dimensions: a,b,c or lo:hi:xF or lo:hi:+S" : "dimension (default 256)");
  cmd->add_option("--T", f.T,
                  grids ? "horizons: a,b,c or lo:hi:xF or lo:hi:+S" : "iterations (default 4096)");
  cmd->add_option("--replicates", f.replicates, "independent replicates (default 16)");
  cmd->add_option("--seed", f.seed, "seed, 0 to 2^64-1 (default 1)");
  cmd->add_option("--batch", f.batch, "minibatch size: each gradient averages this many draws (default 1)");
  cmd->add_option("--checkpoints-per-decade", f.checkpoints, "checkpoints per factor 10 of t (default 8)");
  cmd->add_option("--nodes", f.nodes, "n simulated nodes (default 1; n > 1 needs a distributed method)");
  cmd->add_option("--byzantine", f.byzantine,
                  "K faulty nodes (nodes 0..K-1) that send flipped messages (default 0)");
  cmd->add_option("--spec", f.spec_file, "JSON file with the same keys as the flags (flags override it)");
  cmd->add_option("--threads", f.threads, "worker threads, 0 = all cores (never changes the numbers)");
  cmd->add_option("--block", f.block, "coordinates per tile, a multiple of 32 (never changes the numbers)");
  cmd->add_option("--device", f.device, kDeviceHelp);
}

nlohmann::json gather_spec(const SpecFlags& f, bool grids) {
  nlohmann::json j = nlohmann::json::object();
  if (!f.spec_file.empty()) {
    j = read_json_file(f.spec_file, "--spec");
    if (!j.is_object()) throw SpecError("--spec '" + f.spec_file + "' must hold a JSON object");
  }
  const std::pair<const char*, const std::string*> flags[] = {{"problem", &f.problem},
                                                              {"oracle", &f.oracle},
                                                              {"method", &f.method},
                                                              {"schedule", &f.schedule},
                                                              {"d", &f.d},
                                                              {"T", &f.T},
                                                              {"replicates", &f.replicates},
                                                              {"seed", &f.seed},
                                                              {"batch", &f.batch},
                                                              {"checkpoints_per_decade", &f.checkpoints},
                                                              {"nodes", &f.nodes},
                                                              {"byzantine", &f.byzantine}};
  for (const auto& [key, value] : flags)
    if (!value->empty()) j[key] = *value;
  if (grids) {
    j.erase("d");
    j.erase("T");
  }
  return j;
}

namespace {
std::string& command_line_storage() {
  static std::string line;
  return line;
}
}  // namespace

void set_command_line(int argc, char** argv) {
  std::string line = "signrate";
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    const bool plain =
        !a.empty() &&
        a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=:,./+@%") ==
            std::string::npos;
    if (plain) {
      line += " " + a;
    } else {
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      line += " " + q + "'";
    }
  }
  command_line_storage() = line;
}

const std::string& command_line() { return command_line_storage(); }

const char* const kDeviceHelp =
    "where to compute: cpu, cuda (GPU 0), cuda:N or auto (a GPU when one is usable, else cpu); "
    "never changes the numbers (default cpu)";

EngineOptions engine_options(const std::string& threads, const std::string& block,
                             const std::string& device) {
  EngineOptions e;
  e.threads = static_cast<unsigned>(parse_count("threads", threads, 0, 4096));
  e.block = static_cast<std::uint32_t>(parse_count("block", block, 32, 1u << 24));
  const std::string allowed = "; allowed: cpu, cuda, cuda:N (N a GPU index) or auto";
  if (device.empty() || device == "cpu") {
    e.backend = Backend::kCpu;
  } else if (device == "auto") {
    std::string why;
    e.backend = cuda_usable(0, &why) ? Backend::kCuda : Backend::kCpu;
  } else if (device == "cuda") {
    e.backend = Backend::kCuda;
  } else if (device.rfind("cuda:", 0) == 0 && device.size() > 5 && device.size() <= 9 &&
             device.find_first_not_of("0123456789", 5) == std::string::npos) {
    e.backend = Backend::kCuda;
    e.device = std::stoi(device.substr(5));
  } else {
    throw SpecError("device=" + device + " is not allowed" + allowed);
  }
  return e;
}

EngineOptions engine_options(const SpecFlags& f, nlohmann::json& spec) {
  std::string device = f.device;
  if (spec.contains("device")) {
    if (!spec["device"].is_string())
      throw SpecError("--spec: device=" + spec["device"].dump() +
                      " is not allowed; allowed: \"cpu\", \"cuda\", \"cuda:N\" or \"auto\"");
    if (device.empty()) device = spec["device"].get<std::string>();
    spec.erase("device");
  }
  return engine_options(f.threads, f.block, device);
}

double parse_real_option(const std::string& key, const std::string& text, const Domain& domain) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !domain.contains(v))
    throw SpecError(key + "=" + text + " is not allowed; allowed: " + domain.describe());
  return v;
}

void emit_json(const nlohmann::json& j, const std::string& path) {
  if (path.empty()) {
    std::cout << j.dump(2) << "\n";
  } else {
    write_file_atomic(path, j.dump(2) + "\n");
  }
}

void progress_line(const std::string& what, std::size_t done, std::size_t total) {
  if (!::isatty(2)) return;
  std::fprintf(stderr, "\r%s: %zu/%zu points%s", what.c_str(), done, total, done == total ? "\n" : "");
  std::fflush(stderr);
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) throw SpecError(what + ": cannot read '" + path + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw SpecError(what + ": '" + path + "' is not valid JSON: " + e.what());
  }
}

}  // namespace signrate::cli
