// Data readers and the batch loader (include/signrate/workloads/data.hpp).
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "signrate/error.hpp"
#include "signrate/text.hpp"
#include "signrate/workloads/data.hpp"

namespace signrate::workloads {

namespace {

const ParamInfo kN{"n", "", ">= 1", "keep the first n training images (default all)"};
const ParamInfo kTest{"test", "", ">= 1", "keep the first n test images (default all)"};

std::string join_path(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

// A gzip file read as a stream: open() refuses a missing, unreadable or not-gzip file (zlib would
// read a plain file as it is), take() reads exactly n bytes, at_end() tells whether any byte is
// left. Nothing is expanded beyond what is taken, so a file that expands without end (a gzip bomb)
// costs no more than the sizes its header declares.
class GzipStream {
 public:
  GzipStream(const std::string& path, const std::string& expected) : path_(path), expected_(expected) {
    f_ = std::filesystem::is_regular_file(path) ? gzopen(path.c_str(), "rb") : nullptr;
    if (f_ == nullptr) throw SpecError("data: cannot read '" + printable(path) + "'; expected " + expected);
    gzbuffer(f_, 1 << 16);
  }
  ~GzipStream() { gzclose(f_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // The next n bytes; SpecError naming `what` when the file ends first or is damaged.
  std::string take(std::size_t n, const std::string& what) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
      const int r = gzread(f_, out.data() + got, chunk);
      if (r < 0) fail();
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
      if (gzdirect(f_))
        throw SpecError("data: '" + printable(path_) + "' is not a gzip file; expected " + expected_);
    }
    if (got < n)
      throw SpecError("data: '" + printable(path_) + "' ends after " + std::to_string(got) + " of the " +
                      std::to_string(n) + " bytes of its " + what + " (truncated); expected " + expected_);
    return out;
  }
  bool at_end() {
    char c = 0;
    const int r = gzread(f_, &c, 1);
    if (r < 0) fail();
    return r == 0;
  }

 private:
  [[noreturn]] void fail() {
    int err = 0;
    const std::string why = gzerror(f_, &err);
    throw SpecError("data: '" + printable(path_) + "' is not a readable gzip file (" + printable(why) +
                    "); expected " + expected_);
  }
  gzFile f_ = nullptr;
  std::string path_, expected_;
};

std::string read_file(const std::string& path, const std::string& expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(path))
    throw SpecError("data: cannot read '" + path + "'; expected " + expected);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  const auto b = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + k]));
  };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

// The most bytes an IDX file may declare (4 GiB): above it, a damaged header, not a dataset.
constexpr std::uint64_t kMaxIdxBytes = 1ull << 32;

// An IDX file (LeCun's MNIST format): magic 0x0000080N (unsigned bytes, N dimensions), the N
// sizes big-endian, then exactly their product of bytes. The header is checked before the data are
// read (sizes >= 1, their product at most kMaxIdxBytes, without overflow); a file shorter or
// longer than it declares is refused.
torch::Tensor read_idx(const std::string& path, std::uint32_t dims, const std::string& expected) {
  GzipStream in(path, expected);
  const std::string header = in.take(4 + 4 * dims, "IDX header");
  if (big_endian(header, 0) != (0x800u | dims))
    throw SpecError("data: '" + printable(path) + "' is not an IDX file of " + std::to_string(dims) +
                    " dimensions (magic 0x0000080" + std::to_string(dims) + "); expected " + expected);
  std::vector<std::int64_t> shape;
  std::uint64_t count = 1;
  for (std::uint32_t k = 0; k < dims; ++k) {
    const std::uint32_t size = big_endian(header, 4 + 4 * k);
    if (size == 0 || count > kMaxIdxBytes / size)
      throw SpecError(
          "data: '" + printable(path) + "' declares " + (size == 0 ? "a size of 0" : "more than 2^32 bytes") +
          " in its IDX header; allowed: sizes >= 1 whose product is at most 2^32; expected " + expected);
    count *= size;
    shape.push_back(size);
  }
  const std::string bytes = in.take(count, "data");
  if (!in.at_end())
    throw SpecError("data: '" + printable(path) + "' has bytes after the " + std::to_string(count) +
                    " its IDX header declares; expected " + expected);
  torch::Tensor t = torch::empty(shape, torch::kUInt8);
  std::memcpy(t.data_ptr<std::uint8_t>(), bytes.data(), count);
  return t;
}

constexpr std::int64_t kFashionClasses = 10;

Images fashion_split(const std::string& dir, const std::string& prefix) {
  const std::string what = "the gzip IDX files of Fashion-MNIST (Debian: dataset-fashion-mnist)";
  torch::Tensor images = read_idx(join_path(dir, prefix + "-images-idx3-ubyte.gz"), 3, what);
  const std::string label_file = join_path(dir, prefix + "-labels-idx1-ubyte.gz");
  torch::Tensor labels = read_idx(label_file, 1, what);
  if (labels.max().item<std::int64_t>() >= kFashionClasses)
    throw SpecError("data: '" + printable(label_file) + "' has the label " +
                    std::to_string(labels.max().item<std::int64_t>()) + "; allowed: 0 to " +
                    std::to_string(kFashionClasses - 1) + " (" + what + ")");
  if (labels.size(0) != images.size(0))
    throw SpecError("data: '" + join_path(dir, prefix + "-labels-idx1-ubyte.gz") + "' has " +
                    std::to_string(labels.size(0)) + " labels for " + std::to_string(images.size(0)) +
                    " images");
  return {images.unsqueeze(1), labels.to(torch::kLong)};
}

// CIFAR binary records: `label_bytes` label bytes (CIFAR-100: coarse, then fine; the fine one
// is the label) and 3072 image bytes, channel-major 3 x 32 x 32.
Images cifar_files(const std::vector<std::string>& paths, int label_bytes, std::int64_t classes,
                   const std::string& expected) {
  constexpr std::int64_t kImage = 3 * 32 * 32;
  const std::int64_t record = label_bytes + kImage;
  std::vector<torch::Tensor> images, labels;
  for (const auto& path : paths) {
    const std::string s = read_file(path, expected);
    if (s.empty() || static_cast<std::int64_t>(s.size()) % record != 0)
      throw SpecError("data: '" + path +
                      "' is truncated or not a CIFAR binary file: " + std::to_string(s.size()) +
                      " bytes, expected a multiple of " + std::to_string(record) + " (" + expected + ")");
    const std::int64_t n = static_cast<std::int64_t>(s.size()) / record;
    torch::Tensor raw = torch::from_blob(const_cast<char*>(s.data()), {n, record}, torch::kUInt8).clone();
    torch::Tensor label = raw.select(1, label_bytes - 1).to(torch::kLong);
    if (label.max().item<std::int64_t>() >= classes)
      throw SpecError("data: '" + path + "' has a label >= " + std::to_string(classes) + "; expected " +
                      expected);
    images.push_back(raw.narrow(1, label_bytes, kImage).reshape({n, 3, 32, 32}));
    labels.push_back(label);
  }
  return {torch::cat(images), torch::cat(labels)};
}

// Learnable synthetic images: each class has a random prototype, and an image is its class's
// prototype plus independent noise, clipped to bytes (all from its own seed).
DataSet synthetic(Params& params) {
  DataSet d;
  d.classes = params.integer("classes", 2, 1000);
  const std::int64_t n = params.integer("n", 1, 1 << 24);
  const std::int64_t test = params.integer("test", 1, 1 << 24);
  const std::int64_t size = params.integer("size", 4, 256);
  const std::int64_t channels = params.integer("channels", 1, 3);
  const auto seed =
      static_cast<std::uint64_t>(params.integer("seed", 0, std::numeric_limits<std::int64_t>::max()));
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor prototypes = torch::randn({d.classes, channels, size, size}, gen);
  auto make = [&](std::int64_t count) {
    torch::Tensor labels = torch::randint(d.classes, {count}, gen, torch::kLong);
    torch::Tensor x =
        prototypes.index_select(0, labels) + 1.5 * torch::randn({count, channels, size, size}, gen);
    return Images{(128.0 + 40.0 * x).clamp(0, 255).to(torch::kUInt8), labels};
  };
  d.train = make(n);
  d.test = make(test);
  return d;
}

// "28x28" (one channel) or "3x32x32": the shape of one image of a batch of images.
std::string shape_text(const torch::Tensor& images) {
  std::string out;
  for (std::int64_t k = images.size(1) == 1 ? 2 : 1; k < images.dim(); ++k)
    out += (out.empty() ? "" : "x") + std::to_string(images.size(k));
  return out;
}

void keep_first(Params& params, DataSet& d) {
  auto cut = [&](const char* key, Images& part) {
    if (!params.given(key)) return;
    const std::int64_t n = params.integer(key, 1, part.size());
    part = {part.images.narrow(0, 0, n), part.labels.narrow(0, 0, n)};
  };
  cut("n", d.train);
  cut("test", d.test);
}

}  // namespace

const std::vector<ComponentInfo>& data_registry() {
  static const std::vector<ComponentInfo> registry = {
      {"synthetic",
       "class prototypes plus Gaussian noise, for tests",
       {{"classes", "10", "2 to 1000", "classes"},
        {"n", "512", ">= 1", "training images"},
        {"test", "256", ">= 1", "test images"},
        {"size", "32", "4 to 256", "height and width"},
        {"channels", "3", "1 to 3", "channels"},
        {"seed", "1", ">= 0", "the data's own seed"}}},
      {"fashion-mnist",
       "Fashion-MNIST, 28x28 grey, 10 classes (gzip IDX files)",
       {{"dir", "/usr/share/datasets/fashion-mnist", "a folder", "holds train-images-idx3-ubyte.gz etc."},
        kN,
        kTest}},
      {"cifar10",
       "CIFAR-10, 32x32 colour, 10 classes (the binary version); trains with crop and flip",
       {{"dir", "cifar-10-batches-bin", "a folder",
         "holds data_batch_1.bin .. data_batch_5.bin, test_batch.bin"},
        kN,
        kTest}},
      {"cifar100",
       "CIFAR-100, 32x32 colour, 100 fine classes (the binary version); trains with crop and flip",
       {{"dir", "cifar-100-binary", "a folder", "holds train.bin, test.bin"}, kN, kTest}},
  };
  return registry;
}

DataSet load_data(const std::string& spec_text) {
  ParsedSpec parsed = parse_spec(spec_text, "data");
  const ComponentInfo& info = find_component(data_registry(), parsed.name, "data");
  std::string dir;
  if (info.name != "synthetic") {
    dir = info.params[0].default_value;
    if (auto it = parsed.values.find("dir"); it != parsed.values.end()) {
      dir = it->second;
      parsed.values.erase(it);
    }
  }
  Params params(info, parsed, "data");
  DataSet d;
  if (info.name == "synthetic") {
    d = synthetic(params);
  } else if (info.name == "fashion-mnist") {
    d.train = fashion_split(dir, "train");
    d.test = fashion_split(dir, "t10k");
    d.classes = 10;
  } else if (info.name == "cifar10") {
    const std::string what = "the CIFAR-10 binary version (10000 records of 1 + 3072 bytes per file)";
    std::vector<std::string> files;
    for (int k = 1; k <= 5; ++k) files.push_back(join_path(dir, "data_batch_" + std::to_string(k) + ".bin"));
    d.train = cifar_files(files, 1, 10, what);
    d.test = cifar_files({join_path(dir, "test_batch.bin")}, 1, 10, what);
    d.classes = 10;
    d.augment = true;
  } else {
    const std::string what = "the CIFAR-100 binary version (records of 2 + 3072 bytes)";
    d.train = cifar_files({join_path(dir, "train.bin")}, 2, 100, what);
    d.test = cifar_files({join_path(dir, "test.bin")}, 2, 100, what);
    d.classes = 100;
    d.augment = true;
  }
  if (d.train.images.sizes().slice(1) != d.test.images.sizes().slice(1))
    throw SpecError("data: the test images of '" + printable(dir) + "' are " + shape_text(d.test.images) +
                    ", the training images " + shape_text(d.train.images) +
                    "; allowed: one image shape for both");
  if (info.name != "synthetic") keep_first(params, d);
  params.require_all_used();
  d.name = info.name;
  d.resolved = params.resolved();
  if (!dir.empty()) d.resolved["dir"] = dir;
  // Channel statistics of x / 255 over the training set, in double.
  const torch::Tensor x = d.train.images.to(torch::kDouble).div_(255.0);
  for (std::int64_t c = 0; c < x.size(1); ++c) {
    const torch::Tensor xc = x.select(1, c);
    d.mean.push_back(xc.mean().item<double>());
    d.stddev.push_back(xc.std(/*unbiased=*/false).item<double>());
  }
  return d;
}

torch::Tensor normalise(const DataSet& data, const torch::Tensor& images_u8) {
  const auto c = static_cast<std::int64_t>(data.mean.size());
  const torch::Tensor mean = torch::tensor(data.mean, torch::kFloat).reshape({1, c, 1, 1});
  const torch::Tensor sd = torch::tensor(data.stddev, torch::kFloat).reshape({1, c, 1, 1});
  return images_u8.to(torch::kFloat).div_(255.0).sub_(mean).div_(sd);
}

BatchLoader::BatchLoader(const DataSet& data, std::int64_t batch, std::uint64_t seed, LoaderPosition start,
                         bool pin, int depth)
    : data_(data), batch_(batch), seed_(seed), pin_(pin), depth_(depth), pos_(start), queued_(start) {}

BatchLoader::~BatchLoader() {
  for (auto& f : pending_)
    if (f.valid()) f.wait();
}

std::int64_t BatchLoader::batches_per_epoch() const { return (data_.train.size() + batch_ - 1) / batch_; }

void BatchLoader::advance(LoaderPosition& p) const {
  if (++p.batch == batches_per_epoch()) {
    p.batch = 0;
    ++p.epoch;
  }
}

Batch BatchLoader::next() {
  while (static_cast<int>(pending_.size()) < depth_) {
    const LoaderPosition p = queued_;
    pending_.push_back(std::async(std::launch::async, [this, p] { return make(p); }));
    advance(queued_);
  }
  Batch b = pending_.front().get();
  pending_.pop_front();
  advance(pos_);
  return b;
}

namespace {

// A counter-based stream per use: the generator's seed mixes (seed, epoch, batch, purpose) by
// SplitMix64 steps, so no state is carried from one batch to the next.
std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t purpose) {
  std::uint64_t z = seed;
  for (std::uint64_t v : {a, b, purpose}) {
    z += 0x9E3779B97F4A7C15ull + v;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
  }
  return z;
}

}  // namespace

Batch BatchLoader::make(LoaderPosition p) const {
  at::NoGradGuard no_grad;
  const std::int64_t n = data_.train.size();
  auto order_gen =
      at::make_generator<at::CPUGeneratorImpl>(mix(seed_, static_cast<std::uint64_t>(p.epoch), 0, 1));
  const torch::Tensor order = torch::randperm(n, order_gen, torch::kLong);
  const std::int64_t begin = p.batch * batch_;
  const torch::Tensor idx = order.narrow(0, begin, std::min(batch_, n - begin));
  torch::Tensor images = data_.train.images.index_select(0, idx);
  if (data_.augment) {  // 4-pixel zero padding, a random 32x32 crop and a horizontal flip with p = 1/2
    auto gen = at::make_generator<at::CPUGeneratorImpl>(
        mix(seed_, static_cast<std::uint64_t>(p.epoch), static_cast<std::uint64_t>(p.batch), 2));
    const std::int64_t h = images.size(2), w = images.size(3), m = images.size(0);
    const torch::Tensor padded = torch::constant_pad_nd(images, {4, 4, 4, 4}, 0);
    const torch::Tensor shifts = torch::randint(9, {m, 2}, gen, torch::kLong);
    const torch::Tensor flips = torch::randint(2, {m}, gen, torch::kLong);
    torch::Tensor out = torch::empty_like(images);
    for (std::int64_t k = 0; k < m; ++k) {
      torch::Tensor crop = padded[k]
                               .narrow(1, shifts[k][0].item<std::int64_t>(), h)
                               .narrow(2, shifts[k][1].item<std::int64_t>(), w);
      out[k].copy_(flips[k].item<std::int64_t>() == 1 ? crop.flip({2}) : crop);
    }
    images = out;
  }
  Batch b{normalise(data_, images), data_.train.labels.index_select(0, idx)};
  if (pin_) {
    b.images = b.images.pin_memory();
    b.labels = b.labels.pin_memory();
  }
  return b;
}

}  // namespace signrate::workloads
