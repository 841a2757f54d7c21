// signrate_fuzz: a deterministic mutation fuzzer over the inputs signrate reads (tests/fuzz/README.md).
//   signrate_fuzz [--runs N] [--seed S] [--max-seconds X] CORPUS_DIR
// replays every file of CORPUS_DIR/{spec,run,fit,report}/ through its target, then runs N mutated
// inputs (default 0): byte edits, JSON-aware edits (a value replaced by an edge case, a key
// dropped, an array emptied, a value nested deeply) and splices of two inputs. The same seed gives
// the same inputs. A finding prints the input and aborts (exit status 134).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_inputs.hpp"

namespace {

namespace fs = std::filesystem;
using signrate::fuzz::Target;

struct Seed {
  Target target;
  std::string text;
};

// SplitMix64: a small, fixed generator, so that a seed names the same inputs everywhere.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
};

const std::vector<std::string> kTokens = {"[",
                                          "]",
                                          "{",
                                          "}",
                                          "\"",
                                          ",",
                                          ":",
                                          "=",
                                          "/",
                                          "\\",
                                          "null",
                                          "true",
                                          "false",
                                          "\"\"",
                                          "[]",
                                          "{}",
                                          "0",
                                          "-0",
                                          "-1",
                                          "1e309",
                                          "-1e309",
                                          "1e-320",
                                          "4294967295",
                                          "4294967296",
                                          "18446744073709551616",
                                          "0x10",
                                          "nan",
                                          "inf",
                                          "-inf",
                                          "1.5",
                                          "\\u0000",
                                          "\\n",
                                          "\xff",
                                          "\xc3\x28",
                                          "\n",
                                          "\t",
                                          "name",
                                          "d",
                                          "T",
                                          "n",
                                          "points",
                                          "grid",
                                          "per_replicate",
                                          "M1",
                                          "replicates",
                                          "spikes",
                                          "ratio=1e200",
                                          "ratio=1e-300",
                                          "law=spikes",
                                          "sigma=1e200",
                                          "centers=0/1",
                                          "R=1",
                                          "clip=1",
                                          "nu=0.25"};

const std::vector<nlohmann::json> kEdgeValues = {nullptr,
                                                 true,
                                                 false,
                                                 0,
                                                 -1,
                                                 1,
                                                 2,
                                                 3,
                                                 4294967295ULL,
                                                 4294967296ULL,
                                                 18446744073709551615ULL,
                                                 0.5,
                                                 -0.5,
                                                 1e300,
                                                 -1e300,
                                                 1e-320,
                                                 "",
                                                 "inf",
                                                 "-inf",
                                                 "nan",
                                                 "0x10",
                                                 "\xff\xfe",
                                                 "a\nb",
                                                 nlohmann::json::array(),
                                                 nlohmann::json::object(),
                                                 nlohmann::json::array({1}),
                                                 nlohmann::json::array({nullptr})};

std::string mutate_bytes(std::string s, Rng& rng, const std::vector<Seed>& seeds) {
  const int edits = 1 + static_cast<int>(rng.below(4));
  for (int k = 0; k < edits; ++k) {
    const std::size_t at = rng.below(s.size() + 1);
    switch (rng.below(6)) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1 << rng.below(8));
        break;
      case 1:  // a random byte
        s.insert(at, 1, static_cast<char>(rng.below(256)));
        break;
      case 2:  // delete a range
        if (!s.empty()) s.erase(at, 1 + rng.below(std::min<std::size_t>(s.size(), 64)));
        break;
      case 3:  // duplicate a range
        if (!s.empty()) {
          const std::size_t from = rng.below(s.size());
          s.insert(at, s.substr(from, 1 + rng.below(64)));
        }
        break;
      case 4:  // a token
        s.insert(at, kTokens[rng.below(kTokens.size())]);
        break;
      case 5: {  // splice with another input
        const std::string& other = seeds[rng.below(seeds.size())].text;
        const std::size_t from = rng.below(other.size() + 1);
        s = s.substr(0, at) + other.substr(from, rng.below(512));
        break;
      }
    }
  }
  if (s.size() > (1u << 16)) s.resize(1u << 16);
  return s;
}

// A pointer to a random node of j (every node equally likely to be picked along one descent).
nlohmann::json* random_node(nlohmann::json& j, Rng& rng) {
  nlohmann::json* node = &j;
  while ((node->is_object() || node->is_array()) && !node->empty() && rng.below(3) != 0) {
    auto it = node->begin();
    std::advance(it, static_cast<long>(rng.below(node->size())));
    node = &*it;
  }
  return node;
}

std::string mutate_json(const std::string& text, Rng& rng) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return text;
  const int edits = 1 + static_cast<int>(rng.below(3));
  for (int k = 0; k < edits; ++k) {
    nlohmann::json* node = random_node(j, rng);
    switch (rng.below(5)) {
      case 0:  // an edge value
        *node = kEdgeValues[rng.below(kEdgeValues.size())];
        break;
      case 1:  // drop a member or an element
        if (node->is_object() && !node->empty()) {
          auto it = node->begin();
          std::advance(it, static_cast<long>(rng.below(node->size())));
          node->erase(it);
        } else if (node->is_array() && !node->empty()) {
          node->erase(rng.below(node->size()));
        }
        break;
      case 2:  // empty a container, or cut an array to one element
        if (node->is_array() && node->size() > 1 && rng.below(2)) {
          *node = nlohmann::json::array({(*node)[0]});
        } else if (node->is_array() || node->is_object()) {
          node->clear();
        }
        break;
      case 3:  // a number scaled or moved to a neighbour
        if (node->is_number()) {
          const double v = node->get<double>();
          const double factors[] = {0, -1, 2, 1e10, 1e-10, 1e300};
          *node = rng.below(2) ? v * factors[rng.below(6)] : v + 1;
        }
        break;
      case 4: {  // nested deeply (past the reader's limit, or just under it)
        nlohmann::json deep = *node;
        const std::size_t levels = rng.below(2) ? 63 : 70;
        for (std::size_t l = 0; l < levels; ++l) deep = nlohmann::json::array({deep});
        *node = deep;
        break;
      }
    }
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Seed> load(const fs::path& dir) {
  std::vector<Seed> seeds;
  for (int t = 0; t < signrate::fuzz::kTargets; ++t) {
    const Target target = static_cast<Target>(t);
    const fs::path sub = dir / signrate::fuzz::target_name(target);
    if (!fs::is_directory(sub)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(sub))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      seeds.push_back(
          {target, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())});
    }
  }
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t runs = 0, seed = 1;
  double max_seconds = 0;
  std::string dir;
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--runs" && k + 1 < argc) {
      runs = std::strtoull(argv[++k], nullptr, 10);
    } else if (a == "--seed" && k + 1 < argc) {
      seed = std::strtoull(argv[++k], nullptr, 10);
    } else if (a == "--max-seconds" && k + 1 < argc) {
      max_seconds = std::strtod(argv[++k], nullptr);
    } else if (dir.empty() && a[0] != '-') {
      dir = a;
    } else {
      std::fprintf(stderr, "usage: signrate_fuzz [--runs N] [--seed S] [--max-seconds X] CORPUS_DIR\n");
      return 2;
    }
  }
  const std::vector<Seed> seeds = load(dir);
  if (seeds.empty()) {
    std::fprintf(stderr, "signrate_fuzz: no corpus files under %s/{spec,run,fit,report}/\n", dir.c_str());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (const Seed& s : seeds) signrate::fuzz::fuzz_one(s.target, s.text);
  std::printf("signrate_fuzz: replayed %zu corpus inputs in %.2f s\n", seeds.size(), elapsed());
  std::fflush(stdout);
  std::vector<std::vector<std::size_t>> by_target;
  for (int t = 0; t < signrate::fuzz::kTargets; ++t) {
    std::vector<std::size_t> of;
    for (std::size_t k = 0; k < seeds.size(); ++k)
      if (static_cast<int>(seeds[k].target) == t) of.push_back(k);
    if (!of.empty()) by_target.push_back(of);
  }
  Rng rng{seed};
  const double replay = elapsed();
  std::uint64_t done = 0;
  std::uint64_t per_target[signrate::fuzz::kTargets] = {};
  for (; done < runs; ++done) {
    if (max_seconds > 0 && elapsed() > max_seconds) break;
    // A target first (each equally often), then one of its corpus files.
    const std::vector<std::size_t>& of = by_target[rng.below(by_target.size())];
    const Seed& base = seeds[of[rng.below(of.size())]];
    const std::string input =
        rng.below(2) ? mutate_json(base.text, rng) : mutate_bytes(base.text, rng, seeds);
    signrate::fuzz::fuzz_one(base.target, input);
    ++per_target[static_cast<int>(base.target)];
    if ((done + 1) % 100000 == 0) {
      std::printf("signrate_fuzz: %llu mutated inputs, %.0f/s\n", static_cast<unsigned long long>(done + 1),
                  static_cast<double>(done + 1) / (elapsed() - replay));
      std::fflush(stdout);
    }
  }
  const double t = elapsed() - replay;
  std::printf(
      "signrate_fuzz: %llu mutated inputs (spec %llu, run %llu, fit %llu, report %llu) in %.2f s, %.0f/s, "
      "seed %llu; no finding\n",
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(per_target[0]),
      static_cast<unsigned long long>(per_target[1]), static_cast<unsigned long long>(per_target[2]),
      static_cast<unsigned long long>(per_target[3]), t, t > 0 ? static_cast<double>(done) / t : 0.0,
      static_cast<unsigned long long>(seed));
  return 0;
}
