// The networks and data readers of the workloads (workloads/models/, workloads/data/).
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "signrate/error.hpp"
#include "signrate/workloads/data.hpp"
#include "signrate/workloads/models.hpp"

namespace signrate::workloads {
namespace {

std::int64_t parameter_count(Network& net) {
  std::int64_t n = 0;
  for (const auto& p : net.parameters()) n += p.numel();
  return n;
}

// The CIFAR-form ResNets have the well-known sizes (11.17M and 23.52M parameters for 10 classes).
TEST(Models, CifarResNetsHaveTheirKnownSizes) {
  EXPECT_EQ(parameter_count(*make_model(parse_model_spec("resnet18"), 3, 10)), 11173962);
  EXPECT_EQ(parameter_count(*make_model(parse_model_spec("resnet50"), 3, 10)), 23520842);
  auto small = make_model(parse_model_spec("resnet:blocks=1/1/1,width=16"), 1, 7);
  EXPECT_EQ(small->forward(torch::zeros({2, 1, 28, 28})).sizes(), (std::vector<std::int64_t>{2, 7}));
}

TEST(Models, BadSpecsAreRefused) {
  EXPECT_THROW(parse_model_spec("vgg16"), SpecError);
  EXPECT_THROW(parse_model_spec("resnet:blocks=1/0"), SpecError);
  EXPECT_THROW(parse_model_spec("resnet:blocks=1.5"), SpecError);
  EXPECT_THROW(parse_model_spec("resnet18:width=0"), SpecError);
  EXPECT_THROW(parse_model_spec("resnet18:blocks=1/1"), SpecError);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("signrate_workloads_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& f) const { return (dir_ / f).string(); }
  std::filesystem::path dir_;
};

std::string message_of(const std::string& spec) {
  try {
    load_data(spec);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(accepted)";
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::string read_gzip_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

TEST_F(TempDir, FashionMnistReadsDebiansFilesAndRefusesBrokenOnes) {
  const std::string debian = SIGNRATE_FASHION_MNIST_DIR;
  const DataSet d = load_data("fashion-mnist");
  EXPECT_EQ(d.train.images.sizes(), (std::vector<std::int64_t>{60000, 1, 28, 28}));
  EXPECT_EQ(d.test.size(), 10000);
  EXPECT_EQ(d.classes, 10);
  // 6000 training and 1000 test images per class.
  EXPECT_TRUE(torch::bincount(d.train.labels).eq(6000).all().item<bool>());
  EXPECT_TRUE(torch::bincount(d.test.labels).eq(1000).all().item<bool>());
  EXPECT_NEAR(d.mean[0], 0.2860, 1e-4);  // the usual Fashion-MNIST statistics
  EXPECT_NEAR(d.stddev[0], 0.3530, 1e-4);
  const DataSet cut = load_data("fashion-mnist:n=100,test=50");
  EXPECT_EQ(cut.train.size(), 100);
  EXPECT_EQ(cut.test.size(), 50);

  for (const char* f :
       {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"})
    std::filesystem::copy_file(debian + "/" + f, path(f));
  EXPECT_NE(message_of("fashion-mnist:dir=" + dir_.string())
                .find("cannot read '" + path("t10k-labels-idx1-ubyte.gz")),
            std::string::npos);
  const std::string labels = read_gzip_file(debian + "/t10k-labels-idx1-ubyte.gz");
  write_gzip(path("t10k-labels-idx1-ubyte.gz"), labels.substr(0, labels.size() - 1));
  EXPECT_NE(message_of("fashion-mnist:dir=" + dir_.string()).find("(truncated)"), std::string::npos);
  write_gzip(path("t10k-labels-idx1-ubyte.gz"), "\x00\x00\x08\x03" + labels.substr(4));
  EXPECT_NE(message_of("fashion-mnist:dir=" + dir_.string()).find("is not an IDX file"), std::string::npos);
  std::ofstream(path("t10k-labels-idx1-ubyte.gz"), std::ios::binary)
      << "\x1f\x8b\x08" << std::string(64, 'x');
  EXPECT_NE(message_of("fashion-mnist:dir=" + dir_.string()).find("is not a readable gzip file"),
            std::string::npos);
}

// An IDX header: magic 0x0000080N and the N sizes, big-endian.
std::string idx_header(const std::vector<std::uint32_t>& sizes) {
  std::string h = {0, 0, 8, static_cast<char>(sizes.size())};
  for (std::uint32_t s : sizes)
    for (int k = 3; k >= 0; --k) h += static_cast<char>((s >> (8 * k)) & 0xff);
  return h;
}

// A small Fashion-MNIST folder: 3 training and 2 test images of 28x28, labels 0..2.
void write_fashion(const std::string& dir) {
  write_gzip(dir + "/train-images-idx3-ubyte.gz", idx_header({3, 28, 28}) + std::string(3 * 784, 'a'));
  write_gzip(dir + "/train-labels-idx1-ubyte.gz", idx_header({3}) + std::string("\x00\x01\x02", 3));
  write_gzip(dir + "/t10k-images-idx3-ubyte.gz", idx_header({2, 28, 28}) + std::string(2 * 784, 'b'));
  write_gzip(dir + "/t10k-labels-idx1-ubyte.gz", idx_header({2}) + std::string("\x01\x02", 2));
}

// The adversarial pass's IDX files (issue 26, finding 8): each is refused with one line before
// training starts, and a file that expands without end is read no further than its header says.
TEST_F(TempDir, BrokenIdxFilesAreRefusedBeforeTraining) {
  write_fashion(dir_.string());
  const std::string spec = "fashion-mnist:dir=" + dir_.string();
  EXPECT_EQ(load_data(spec).train.size(), 3);
  const std::string labels = path("train-labels-idx1-ubyte.gz"), images = path("t10k-images-idx3-ubyte.gz");
  write_gzip(labels, idx_header({3}) + std::string("\x00\x0c\x02", 3));
  EXPECT_NE(message_of(spec).find("has the label 12; allowed: 0 to 9"), std::string::npos)
      << message_of(spec);
  write_gzip(labels, idx_header({3}) + std::string("\x00\x01\x02", 3) + "trailing");
  EXPECT_NE(message_of(spec).find("has bytes after the 3 its IDX header declares"), std::string::npos);
  write_gzip(labels, idx_header({3}) + std::string("\x00\x01\x02", 3));
  // Sizes whose product overflows 64 bits (2^32 cubed), or passes 2^32 bytes, or is zero.
  for (const auto& sizes :
       {std::vector<std::uint32_t>{0xffffffffu, 0xffffffffu, 0xffffffffu},
        std::vector<std::uint32_t>{70000, 256, 256}, std::vector<std::uint32_t>{2, 0, 28}}) {
    write_gzip(images, idx_header(sizes) + std::string(2 * 784, 'b'));
    EXPECT_NE(message_of(spec).find("in its IDX header; allowed: sizes >= 1 whose product is at most 2^32"),
              std::string::npos)
        << message_of(spec);
  }
  // A gzip bomb: 64 MB of zeros behind a header that declares 2 images. Refused after 1569 bytes.
  write_gzip(images, idx_header({2, 28, 28}) + std::string(64 << 20, '\0'));
  EXPECT_NE(message_of(spec).find("has bytes after the 1568 its IDX header declares"), std::string::npos);
  write_gzip(images, idx_header({2, 14, 14}) + std::string(2 * 196, 'b'));
  EXPECT_NE(message_of(spec).find("the test images of '" + dir_.string() +
                                  "' are 14x14, the training images 28x28"),
            std::string::npos)
      << message_of(spec);
  std::ofstream(images, std::ios::binary) << idx_header({2, 28, 28}) << std::string(2 * 784, 'b');
  EXPECT_NE(message_of(spec).find("is not a gzip file"), std::string::npos) << message_of(spec);
}

// A CIFAR-10 folder of two records per file: record r of file f has label (f + r) % 10 and every
// byte of its image equal to 10 f + r.
void write_cifar10(const std::string& dir) {
  const char* files[] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                         "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
  for (int f = 0; f < 6; ++f) {
    std::ofstream out(dir + "/" + files[f], std::ios::binary);
    for (int r = 0; r < 2; ++r) {
      out.put(static_cast<char>((f + r) % 10));
      out << std::string(3072, static_cast<char>(10 * f + r));
    }
  }
}

TEST_F(TempDir, CifarReadsTheBinaryLayoutAndRefusesBrokenFiles) {
  write_cifar10(dir_.string());
  const DataSet d = load_data("cifar10:dir=" + dir_.string());
  EXPECT_EQ(d.train.images.sizes(), (std::vector<std::int64_t>{10, 3, 32, 32}));
  EXPECT_EQ(d.test.size(), 2);
  EXPECT_TRUE(d.augment);
  EXPECT_EQ(d.train.labels[3].item<std::int64_t>(), 2);  // file 1 (from 0), record 1
  EXPECT_EQ(d.train.images[3][2][31][31].item<std::uint8_t>(), 11);
  EXPECT_EQ(d.test.images[1][0][0][0].item<std::uint8_t>(), 51);

  std::filesystem::resize_file(path("data_batch_3.bin"), 2 * 3073 - 1);
  EXPECT_NE(
      message_of("cifar10:dir=" + dir_.string()).find("'" + path("data_batch_3.bin") + "' is truncated"),
      std::string::npos);
  std::filesystem::remove(path("data_batch_3.bin"));
  EXPECT_NE(message_of("cifar10:dir=" + dir_.string()).find("cannot read '" + path("data_batch_3.bin") + "'"),
            std::string::npos);
  EXPECT_NE(message_of("cifar100:dir=" + dir_.string()).find("train.bin"), std::string::npos);
  std::ofstream(path("train.bin"), std::ios::binary)
      << std::string(1, '\0') << std::string(1, char(100)) << std::string(3072, 'x');
  std::filesystem::copy_file(path("train.bin"), path("test.bin"));
  EXPECT_NE(message_of("cifar100:dir=" + dir_.string()).find("label >= 100"), std::string::npos);
  EXPECT_NE(message_of("mnist").find("allowed: synthetic, fashion-mnist, cifar10, cifar100"),
            std::string::npos);
}

// The loader's batches are a pure function of (seed, epoch, batch): a loader started at a position
// gives what an uninterrupted one gives there, augmentation included.
TEST_F(TempDir, LoaderRestartsExactlyAndCoversEveryImageOncePerEpoch) {
  write_cifar10(dir_.string());
  const DataSet d = load_data("cifar10:dir=" + dir_.string());
  BatchLoader from_start(d, 3, 5, {}, false);
  EXPECT_EQ(from_start.batches_per_epoch(), 4);
  std::vector<Batch> batches;
  for (int k = 0; k < 8; ++k) batches.push_back(from_start.next());
  BatchLoader restarted(d, 3, 5, {1, 2}, false);
  for (int k = 6; k < 8; ++k) {
    const Batch b = restarted.next();
    EXPECT_TRUE(b.images.equal(batches[static_cast<std::size_t>(k)].images)) << k;
    EXPECT_TRUE(b.labels.equal(batches[static_cast<std::size_t>(k)].labels)) << k;
  }
  EXPECT_EQ((restarted.position().epoch), 2);
  // Epoch 0 holds every label count of the training set once (last batch partial: 10 = 3+3+3+1).
  std::vector<torch::Tensor> labels;
  for (int k = 0; k < 4; ++k) labels.push_back(batches[static_cast<std::size_t>(k)].labels);
  EXPECT_TRUE(std::get<0>(torch::cat(labels).sort()).equal(std::get<0>(d.train.labels.sort())));
  EXPECT_FALSE(batches[0].labels.equal(batches[4].labels) && batches[0].images.equal(batches[4].images));
}

TEST(Data, SyntheticIsReproducibleAndChecked) {
  const DataSet a = load_data("synthetic:classes=3,n=20,test=10,size=8,channels=1,seed=4");
  const DataSet b = load_data("synthetic:classes=3,n=20,test=10,size=8,channels=1,seed=4");
  EXPECT_TRUE(a.train.images.equal(b.train.images));
  EXPECT_EQ(a.train.images.sizes(), (std::vector<std::int64_t>{20, 1, 8, 8}));
  EXPECT_FALSE(a.augment);
  EXPECT_FALSE(load_data("synthetic:seed=5").train.images.equal(load_data("synthetic").train.images));
  EXPECT_NE(message_of("synthetic:classes=1").find("classes"), std::string::npos);
  EXPECT_NE(message_of("synthetic:dir=x").find("unknown parameter 'dir'"), std::string::npos);
}

}  // namespace
}  // namespace signrate::workloads
