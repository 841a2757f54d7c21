// The training set divided among workers (include/signrate/workloads/data.hpp, split_train).
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <cmath>

#include "signrate/error.hpp"
#include "signrate/workloads/data.hpp"

namespace signrate::workloads {

namespace {

// The images at `indices` (int64) of the training set, as a data set of their own.
DataSet part_of(const DataSet& data, const torch::Tensor& indices) {
  DataSet d = data;
  d.train = {data.train.images.index_select(0, indices), data.train.labels.index_select(0, indices)};
  return d;
}

// [0, n) cut into `parts` consecutive ranges of sizes differing by at most 1.
std::vector<std::int64_t> cut_points(std::int64_t n, std::uint32_t parts) {
  std::vector<std::int64_t> at;
  for (std::uint32_t j = 0; j <= parts; ++j) at.push_back(n * j / parts);
  return at;
}

// Worker j's share of each class under Dirichlet(alpha): for every class its shuffled images, cut
// where the cumulative proportions fall (rounded down), so the parts of a class add up to it.
std::vector<std::vector<std::int64_t>> dirichlet_parts(const DataSet& data, std::uint32_t workers,
                                                       double alpha, std::uint64_t seed) {
  boost::random::mt19937_64 gen(seed);
  boost::random::gamma_distribution<double> gamma(alpha, 1.0);
  auto perm_gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor order = torch::randperm(data.train.size(), perm_gen, torch::kLong);
  const torch::Tensor labels = data.train.labels.index_select(0, order);
  std::vector<std::vector<std::int64_t>> parts(workers);
  for (std::int64_t c = 0; c < data.classes; ++c) {
    const torch::Tensor idx = order.masked_select(labels.eq(c));
    const std::int64_t count = idx.numel();
    std::vector<double> p(workers);
    double total = 0;
    for (double& v : p) total += (v = gamma(gen));
    if (!(total > 0)) {  // every draw underflowed (tiny alpha): the class goes to one worker
      std::fill(p.begin(), p.end(), 0.0);
      p[static_cast<std::size_t>(c) % workers] = total = 1.0;
    }
    const auto* at = idx.data_ptr<std::int64_t>();
    double cumulative = 0;
    std::int64_t begin = 0;
    for (std::uint32_t j = 0; j < workers; ++j) {
      cumulative += p[j];
      const std::int64_t end =
          j + 1 == workers
              ? count
              : std::min(count, static_cast<std::int64_t>(std::floor(cumulative / total * count)));
      for (std::int64_t k = begin; k < end; ++k) parts[j].push_back(at[k]);
      begin = std::max(begin, end);
    }
  }
  return parts;
}

}  // namespace

const std::vector<ComponentInfo>& split_registry() {
  static const std::vector<ComponentInfo> registry = {
      {"iid", "a random permutation cut into equal parts", {}},
      {"by-class", "sorted by class, cut into equal parts (each worker sees about classes / n classes)", {}},
      {"dirichlet",
       "each class divided in Dirichlet(alpha) proportions",
       {{"alpha", "0.1", "> 0", "concentration: small is heterogeneous, large is near iid"}}},
  };
  return registry;
}

std::vector<DataSet> split_train(const DataSet& data, std::uint32_t workers, const std::string& split_text,
                                 std::uint64_t seed, nlohmann::json* resolved) {
  const ParsedSpec parsed = parse_spec(split_text, "split");
  const ComponentInfo& info = find_component(split_registry(), parsed.name, "split");
  Params params(info, parsed, "split");
  const std::int64_t n = data.train.size();
  std::vector<DataSet> out;
  if (info.name == "dirichlet") {
    const double alpha = params.real("alpha", positive());
    params.require_all_used();
    for (const auto& part : dirichlet_parts(data, workers, alpha, seed))
      out.push_back(part_of(data, torch::tensor(part, torch::kLong)));
  } else {
    params.require_all_used();
    torch::Tensor order;
    if (info.name == "iid") {
      auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
      order = torch::randperm(n, gen, torch::kLong);
    } else {  // by-class: a stable sort keeps the indices in order within a class
      order = std::get<1>(data.train.labels.sort(/*stable=*/true, 0, false));
    }
    const std::vector<std::int64_t> at = cut_points(n, workers);
    for (std::uint32_t j = 0; j < workers; ++j)
      out.push_back(part_of(data, order.slice(0, at[j], at[j + 1])));
  }
  for (std::uint32_t j = 0; j < workers; ++j)
    if (out[j].train.size() == 0)
      throw SpecError("--split " + split_text + " leaves worker " + std::to_string(j) + " without images (" +
                      std::to_string(n) + " training images among " + std::to_string(workers) +
                      " workers); allowed: fewer workers, more images, or a larger alpha");
  if (resolved) *resolved = params.resolved();
  return out;
}

}  // namespace signrate::workloads
