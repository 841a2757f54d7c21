#pragma once
// The data sets `signrate train` reads (docs/training.md), and the loader that prepares batches on
// background threads.
//   synthetic:classes=10,n=512,test=256,size=32,channels=3,seed=1  class prototypes plus noise
//   fashion-mnist:dir=/usr/share/datasets/fashion-mnist,n=60000,test=10000  IDX files, gzip
//   cifar10:dir=cifar-10-batches-bin / cifar100:dir=cifar-100-binary       the official binaries
// n and test keep the first n training and test images (quick runs). A missing, truncated or
// malformed file is a SpecError naming the file and what was expected.
#include <torch/types.h>

#include <cstdint>
#include <deque>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/spec.hpp"

namespace signrate::workloads {

// Images as stored: uint8, N x C x H x W; labels int64, N.
struct Images {
  torch::Tensor images, labels;
  std::int64_t size() const { return labels.numel(); }
};

struct DataSet {
  std::string name;
  Images train, test;
  std::int64_t classes = 0;
  bool augment = false;  // CIFAR: 4-pixel padded random crop and horizontal flip
  // The training set's channel means and standard deviations of x / 255 (the normalisation).
  std::vector<double> mean, stddev;
  nlohmann::json resolved;
  std::int64_t channels() const { return train.images.size(1); }
};

const std::vector<ComponentInfo>& data_registry();
DataSet load_data(const std::string& spec_text);

// Images in float, normalised by the training set's statistics: (x / 255 - mean_c) / std_c.
torch::Tensor normalise(const DataSet& data, const torch::Tensor& images_u8);

// The training set divided among n workers (`signrate train --workers n --split SPEC`):
//   iid                 a random permutation (seed) cut into n parts of equal size (+-1)
//   by-class            the images sorted by class (then by index) and cut into n equal parts, so
//                       each worker sees about classes / n classes
//   dirichlet:alpha=0.1 each class's images (shuffled) divided among the workers in proportions
//                       drawn from Dirichlet(alpha, ..., alpha); small alpha is more heterogeneous
// Every part keeps the whole set's test images, classes and normalisation. A part without images
// is a SpecError naming the worker and what is allowed.
const std::vector<ComponentInfo>& split_registry();
std::vector<DataSet> split_train(const DataSet& data, std::uint32_t workers, const std::string& split_text,
                                 std::uint64_t seed, nlohmann::json* resolved = nullptr);

// Where a loader stands: the epoch (from 0) and the next batch within it.
struct LoaderPosition {
  std::int64_t epoch = 0, batch = 0;
};

struct Batch {
  torch::Tensor images, labels;
};

// Training batches in an order that is a pure function of (seed, epoch): a permutation per epoch
// and, with augmentation, crops and flips per (seed, epoch, batch), so a loader restarted at a
// position continues exactly as an uninterrupted one. Keeps `depth` batches in preparation on
// background threads (pinned memory when `pin` is set, for CUDA).
class BatchLoader {
 public:
  BatchLoader(const DataSet& data, std::int64_t batch, std::uint64_t seed, LoaderPosition start, bool pin,
              int depth = 2);
  ~BatchLoader();
  Batch next();
  LoaderPosition position() const { return pos_; }  // of the batch next() returns next
  std::int64_t batches_per_epoch() const;

 private:
  Batch make(LoaderPosition p) const;
  void advance(LoaderPosition& p) const;
  const DataSet& data_;
  std::int64_t batch_;
  std::uint64_t seed_;
  bool pin_;
  int depth_;
  LoaderPosition pos_, queued_;
  std::deque<std::future<Batch>> pending_;
};

}  // namespace signrate::workloads
