#include "signrate/frontend/common.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <vector>

#include "signrate/error.hpp"
#include "signrate/memory_plan.hpp"
#include "signrate/output_files.hpp"
#include "signrate/run_spec.hpp"
#include "signrate/text.hpp"

namespace signrate::cli {

void add_spec_flags(CLI::App* cmd, SpecFlags& f, bool grids) {
  cmd->add_option("--problem", f.problem, "problem SPEC (default quadratic)");
  cmd->add_option("--oracle", f.oracle, "oracle SPEC (default gaussian)");
  cmd->add_option("--method", f.method, "method SPEC (default smm)");
  cmd->add_option("--schedule", f.schedule, "schedule SPEC (default: the method's, shown in its help entry)");
  cmd->add_option("--d", f.d, grids ? "dimensions: a,b,c or lo:hi:xF or lo:hi:+S" : "dimension (default 256)")
      ->type_name(grids ? "GRID" : "INT");
  cmd->add_option("--T", f.T, grids ? "horizons: a,b,c or lo:hi:xF or lo:hi:+S" : "iterations (default 4096)")
      ->type_name(grids ? "GRID" : "INT");
  cmd->add_option("--replicates", f.replicates, "independent replicates (default 16)");
  cmd->add_option("--seed", f.seed, "seed, 0 to 2^64-1 (default 1)");
  cmd->add_option("--batch", f.batch, "minibatch size: each gradient averages this many draws (default 1)");
  cmd->add_option("--checkpoints-per-decade", f.checkpoints,
                  "checkpoints kept per factor 10 of t (M1(t), M2(t) and the norms at x_t, in the JSON's "
                  "checkpoints and the CSV), besides t = 1 and t = T (default 8)");
  cmd->add_option("--nodes", f.nodes, "n simulated nodes (default 1; n > 1 needs a distributed method)")
      ->type_name(grids ? "GRID" : "INT");
  cmd->add_option("--byzantine", f.byzantine,
                  "K faulty nodes (nodes 0..K-1) that send flipped messages (default 0)");
  cmd->add_option("--spec", f.spec_file, "JSON file with the same keys as the flags (flags override it)");
  cmd->add_option("--threads", f.threads, "worker threads, 0 = all cores (never changes the numbers)");
  cmd->add_option("--block", f.block, "coordinates per tile, a multiple of 32 (never changes the numbers)");
  cmd->add_option("--device", f.device, kDeviceHelp);
  cmd->add_option("--max-memory", f.max_memory,
                  "refuse a run planned to take more memory than this, e.g. 4G (default: the available "
                  "memory)");
}

const std::vector<SpecKey>& spec_keys() {
  static const std::vector<SpecKey> keys = {{"problem", &SpecFlags::problem},
                                            {"oracle", &SpecFlags::oracle},
                                            {"method", &SpecFlags::method},
                                            {"schedule", &SpecFlags::schedule},
                                            {"d", &SpecFlags::d},
                                            {"T", &SpecFlags::T},
                                            {"replicates", &SpecFlags::replicates},
                                            {"seed", &SpecFlags::seed},
                                            {"batch", &SpecFlags::batch},
                                            {"checkpoints_per_decade", &SpecFlags::checkpoints},
                                            {"nodes", &SpecFlags::nodes},
                                            {"byzantine", &SpecFlags::byzantine}};
  return keys;
}

nlohmann::json gather_spec(const SpecFlags& f, bool grids) {
  nlohmann::json j = nlohmann::json::object();
  if (!f.spec_file.empty()) {
    j = read_json_file(f.spec_file, "--spec");
    if (!j.is_object()) throw SpecError("--spec '" + f.spec_file + "' must hold a JSON object");
    // An output of run (it records its spec and the version that wrote it): its spec. A sweep's
    // spec is its first point's, with that point's derived constants: refused.
    if (j.contains("version") && j.contains("spec") && j["spec"].is_object()) {
      if (j.contains("points"))
        throw SpecError("--spec '" + printable(f.spec_file) +
                        "' is the output of a sweep, whose spec is its first point's; allowed: a spec "
                        "file, or the output of signrate run");
      nlohmann::json spec = j["spec"];
      j = std::move(spec);
    }
  }
  for (const auto& [key, member] : spec_keys())
    if (!(f.*member).empty()) j[key] = f.*member;
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
  for (int k = 1; k < argc; ++k) line += " " + shell_word(argv[k]);
  command_line_storage() = line;
}

const std::string& command_line() { return command_line_storage(); }

void refuse_empty_values(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_expected_min() == 0 || opt->get_type_size_min() == 0) continue;  // a flag
    opt->check(CLI::Validator(
        [](std::string& value) { return value.empty() ? std::string("an empty value is not allowed") : ""; },
        "", "NONEMPTY"));
  }
  for (CLI::App* sub : app.get_subcommands({})) refuse_empty_values(*sub);
}

namespace {

// What each option's value is, as --help shows it. Every value is read as text and parsed by the
// command (decimal only, domains checked), so CLI11 itself would show TEXT for all of them.
// Options whose value is a grid are named GRID where they are added.
const std::pair<const char*, const char*> kValueTypes[] = {
    {"--problem", "SPEC"},
    {"--oracle", "SPEC"},
    {"--method", "SPEC"},
    {"--schedule", "SPEC"},
    {"--model", "SPEC"},
    {"--data", "SPEC"},
    {"--optimizer", "SPEC"},
    {"--compare", "SPECS"},
    {"--d", "INT"},
    {"--T", "INT"},
    {"--replicates", "INT"},
    {"--seed", "INT"},
    {"--batch", "INT"},
    {"--checkpoints-per-decade", "INT"},
    {"--nodes", "INT"},
    {"--workers", "INT"},
    {"--split", "SPEC"},
    {"--byzantine", "INT"},
    {"--threads", "INT"},
    {"--block", "INT"},
    {"--bootstrap", "INT"},
    {"--epochs", "INT"},
    {"--steps", "INT"},
    {"--eval-every", "INT"},
    {"--checkpoint-every", "INT"},
    {"--seeds", "FIRST:LAST"},
    {"--tolerance", "NUMBER"},
    {"--dominance", "NUMBER"},
    {"--level", "NUMBER"},
    {"--max-memory", "SIZE"},
    {"--device", "DEVICE"},
    {"--out", "FILE"},
    {"--csv", "FILE"},
    {"--spec", "FILE"},
    {"--checkpoint", "FILE"},
    {"--resume", "FILE"},
    {"--vary", "COMPONENT.KEY=VALUES"},
    {"--measure", "M1|M2"},
    {"--part", "upper-half|all"},
    {"--family", "NAME"},
    {"--theorem", "THEOREM"},
    {"theorem", "THEOREM"},
    {"sweep", "FILE"},
    {"inputs", "FILE"},
    {"name", "NAME"},
};

}  // namespace

void name_value_types(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_type_name() != "TEXT") continue;  // a flag, or named where it was added
    for (const auto& [name, type] : kValueTypes) {
      const std::string key = name;
      if (key.rfind("--", 0) == 0 ? opt->check_lname(key.substr(2)) : opt->get_name() == key)
        opt->type_name(type);
    }
  }
  for (CLI::App* sub : app.get_subcommands({})) name_value_types(*sub);
}

std::uint64_t max_memory_bytes(const std::string& text) {
  return text.empty() ? 0 : parse_memory_size("max-memory", text);
}

namespace {
std::string& activity_storage() {
  static std::string what = "working";
  return what;
}
}  // namespace

void set_activity(const std::string& what) { activity_storage() = what; }
const std::string& activity() { return activity_storage(); }

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
  double v = 0;
  if (!parse_decimal(text, &v) || !domain.contains(v))
    throw SpecError(key + "=" + text + " is not allowed; allowed: " + domain.describe());
  return v;
}

CLI::Validator real_in(const Domain& domain) {
  return CLI::Validator(
      [domain](std::string& text) {
        double v = 0;
        return parse_decimal(text, &v) && domain.contains(v)
                   ? std::string()
                   : printable(text) + " is not allowed; allowed: " + domain.describe();
      },
      "", "REAL_IN");
}

std::string format_seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, seconds < 9.95 ? "%.2g s" : "%.0f s", seconds);
  return buf;
}

std::string metrics_line(const nlohmann::json& metrics) {
  const auto measure = [&](const char* name) {
    const nlohmann::json& m = metrics[name];
    return mean_pm_stderr(m["mean"].get<double>(), m["stderr"].is_number() ? m["stderr"].get<double>() : NAN);
  };
  return "M1 = " + measure("M1") + ", M2 = " + measure("M2");
}

std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

nlohmann::json parse_json_text(const std::string& text, const std::string& what) {
  // The depth first, by a scan outside strings: the parser itself would take any depth, but the
  // code that echoes or copies a value recurses once per level.
  int depth = 0;
  bool in_string = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\')
        ++k;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw SpecError(what + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " +
                        std::to_string(k) + "); allowed: at most " + std::to_string(kMaxJsonDepth));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  // Each object's keys, to refuse a key given twice (nlohmann would keep the last silently).
  std::vector<std::set<std::string>> keys;
  std::string twice;
  const auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end) keys.pop_back();
    if (event == E::key && !keys.back().insert(parsed.get<std::string>()).second && twice.empty())
      twice = parsed.get<std::string>();
    return true;
  };
  try {
    nlohmann::json j = nlohmann::json::parse(text, callback);
    if (!twice.empty())
      throw SpecError(what + " gives the key \"" + printable(twice) +
                      "\" twice in one object; allowed: each key once");
    return j;
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's message without its "[json.exception.parse_error.101] " prefix.
    std::string why = e.what();
    if (!why.empty() && why[0] == '[') why = why.substr(std::min(why.size(), why.find("] ") + 2));
    throw SpecError(what + " is not valid JSON: " + printable(why));
  }
}

namespace {
// SpecError when a JSON text of `bytes` bytes would take more memory than is available.
void check_json_memory(const std::string& named, std::uint64_t bytes) {
  std::string source;
  const std::uint64_t limit = available_memory(&source);
  const double needed = kJsonBytesPerTextByte * static_cast<double>(bytes);
  if (needed > static_cast<double>(limit))
    throw SpecError(
        named + " has " + std::to_string(bytes) + " bytes; reading it needs about " + format_bytes(needed) +
        " of memory, more than the " + format_bytes(static_cast<double>(limit)) + " " + source +
        "; allowed: a file of at most " + format_bytes(static_cast<double>(limit) / kJsonBytesPerTextByte));
}
}  // namespace

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  const std::string named = what + " '" + printable(path) + "'";
  set_activity("reading " + named);
  // O_NONBLOCK: opening a FIFO that no process writes to returns at once (a blocking open would
  // wait for a writer forever); the reads below block again.
  const int fd = path == "-" ? ::dup(0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw SpecError(named + ": cannot read: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw SpecError(named + ": cannot read: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw SpecError(named + " is a directory; allowed: a JSON file");
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > kMaxJsonBytes)
    throw SpecError(named + " has " + std::to_string(st.st_size) + " bytes; allowed: at most " +
                    std::to_string(kMaxJsonBytes) + " (1 GiB)");
  if (S_ISREG(st.st_mode)) check_json_memory(named, static_cast<std::uint64_t>(st.st_size));
  if (path != "-" && S_ISFIFO(st.st_mode)) {  // a named pipe: wait a while for its first bytes
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kFifoWaitSeconds * 1000) == 0)
      throw SpecError(named + " is a FIFO that nothing was written to within " +
                      std::to_string(kFifoWaitSeconds) +
                      " s; allowed: a file, or a pipe that a process writes to");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SpecError(named + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxJsonBytes)
      throw SpecError(named + " has more than " + std::to_string(kMaxJsonBytes) +
                      " bytes; allowed: at most " + std::to_string(kMaxJsonBytes) + " (1 GiB)");
  }
  check_json_memory(named, text.size());
  return parse_json_text(text, named);
}

}  // namespace signrate::cli
