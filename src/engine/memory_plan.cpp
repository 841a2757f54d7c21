#include "signrate/memory_plan.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "signrate/error.hpp"
#include "signrate/text.hpp"

namespace signrate {

namespace {

constexpr double kDouble = 8.0;

// The low-rank quadratic's U is d x rank: its rank as the spec gives it (2 by default).
double problem_rank(const RunSpec& spec) {
  if (spec.problem.name != "lowrank-quadratic") return 0;
  const auto it = spec.problem.values.find("rank");
  if (it == spec.problem.values.end()) return 2;
  const double r = std::strtod(it->second.c_str(), nullptr);
  return std::isfinite(r) && r > 0 ? std::min(r, static_cast<double>(spec.d)) : 2;
}

double checkpoint_count(const RunSpec& spec) {
  return std::log10(std::max(1.0, static_cast<double>(spec.T))) * spec.checkpoints_per_decade + 2;
}

// Bytes in a 64-bit unsigned, saturating.
std::uint64_t to_bytes(double v) {
  if (!(v < 1.8e19)) return ~0ULL;
  return static_cast<std::uint64_t>(v);
}

// A "Key:   N kB" line of /proc/meminfo, in bytes (0 when absent).
std::uint64_t meminfo(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream s(line.substr(key.size() + 1));
      std::uint64_t kb = 0;
      s >> kb;
      return kb * 1024;
    }
  return 0;
}

// A number in a cgroup file ("max" or absent: 0).
std::uint64_t cgroup_value(const std::string& file) {
  std::ifstream in("/sys/fs/cgroup/" + file);
  std::string text;
  if (!(in >> text) || text == "max") return 0;
  return std::strtoull(text.c_str(), nullptr, 10);
}

}  // namespace

double setup_bytes(const RunSpec& spec) {
  const double d = spec.d;
  // x_1, the vector L, the per-coordinate coefficients and the oracle's scales (4 vectors of d),
  // U of the low-rank problem, AdamW's bias-correction table (at most 64 MiB), the checkpoints.
  return kDouble * d * (4 + problem_rank(spec)) + (spec.method.name == "adamw" ? 64.0 * (1 << 20) : 0) +
         16 * checkpoint_count(spec) + (1 << 20);
}

double state_bytes(const RunSpec& spec, unsigned threads) {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const double at_once = std::min<double>(threads ? threads : hardware, spec.replicates);
  const double d = spec.d, n = spec.nodes;
  // One replicate: x, two method slots and the final gradient (4 vectors of d), and three more for
  // the gradients of the dense problems; with n > 1 nodes, each node's state and the server's
  // (n + 5 vectors); and the tiles.
  const bool dense = spec.problem.name == "lowrank-quadratic" || spec.problem.name == "rosenbrock";
  const double one = spec.nodes > 1 ? kDouble * d * (n + 5) : kDouble * d * (dense ? 7 : 4);
  return at_once * (one + (1 << 16));
}

double result_bytes(const RunSpec& spec) {
  // RunResult: 10 numbers and 5 checkpoint traces per replicate; the summary and its JSON hold
  // each replicate's 5 values again (a JSON number and its text, about 60 bytes each).
  return static_cast<double>(spec.replicates) * (kDouble * (10 + 5 * checkpoint_count(spec)) + 5 * 60) +
         checkpoint_count(spec) * 400 + (1 << 16);
}

double planned_run_bytes(const RunSpec& spec, unsigned threads) {
  return setup_bytes(spec) + state_bytes(spec, threads) + result_bytes(spec);
}

std::uint64_t available_memory(std::string* source) {
  std::uint64_t best = meminfo("MemAvailable");
  *source = "available (MemAvailable in /proc/meminfo)";
  if (best == 0) {
    best = static_cast<std::uint64_t>(::sysconf(_SC_AVPHYS_PAGES)) *
           static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    *source = "available (free physical pages)";
  }
  const std::uint64_t limit = cgroup_value("memory.max");
  if (limit > 0) {
    const std::uint64_t used = cgroup_value("memory.current");
    const std::uint64_t room = limit > used ? limit - used : 0;
    if (room < best) {
      best = room;
      *source = "left under the cgroup's limit (/sys/fs/cgroup/memory.max)";
    }
  }
  // An address-space limit (ulimit -v): the room left under it, as /proc/self/statm counts pages.
  struct rlimit as {};
  if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t pages = 0;
    statm >> pages;
    const std::uint64_t used = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t room = as.rlim_cur > used ? as.rlim_cur - used : 0;
    if (room < best) {
      best = room;
      *source = "left under the address-space limit (ulimit -v)";
    }
  }
  return best;
}

std::uint64_t parse_memory_size(const std::string& option, const std::string& text) {
  const auto bad = [&] {
    return SpecError(
        option + "=" + printable(text) +
        " is not allowed; allowed: a size in bytes, or with a unit K, M, G or T (powers of 1024, "
        "e.g. 512M, 4G, 1.5GiB)");
  };
  std::size_t k = 0;
  while (k < text.size() && (std::isdigit(static_cast<unsigned char>(text[k])) || text[k] == '.')) ++k;
  const std::string number = text.substr(0, k);
  std::string unit = text.substr(k);
  if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) throw bad();
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  double scale = 1;
  if (unit == "" || unit == "B") {
    scale = 1;
  } else if (unit == "K") {
    scale = 1024.0;
  } else if (unit == "M") {
    scale = 1024.0 * 1024;
  } else if (unit == "G") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "T") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    throw bad();
  }
  const double v = std::strtod(number.c_str(), nullptr) * scale;
  if (!(v >= 1) || !(v < 1.8e19)) throw bad();
  return static_cast<std::uint64_t>(v);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  std::ostringstream s;
  s.precision(u == 0 ? 0 : 3);
  if (u == 0) s << std::fixed;
  s << bytes << ' ' << units[u];
  return s.str();
}

void check_memory(double needed, const std::string& what, std::uint64_t max_memory) {
  std::string source = "set by --max-memory";
  const std::uint64_t limit = max_memory ? max_memory : available_memory(&source);
  if (to_bytes(needed) <= limit) return;
  throw SpecError(
      what + " needs about " + format_bytes(needed) + " of memory, more than the " +
      format_bytes(static_cast<double>(limit)) + " " + source + "; lower d, replicates, threads or the grid" +
      (max_memory ? std::string(", or raise --max-memory") : std::string(", or set --max-memory")));
}

}  // namespace signrate
