// CIFAR-form ResNets (include/signrate/workloads/models.hpp).
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

#include "signrate/error.hpp"
#include "signrate/workloads/models.hpp"

namespace signrate::workloads {

namespace {

namespace nn = torch::nn;

nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// One residual block: BasicBlock (two 3x3 convolutions) or Bottleneck (1x1, 3x3, 1x1 with
// expansion 4), each convolution followed by batch norm; a 1x1 projection on the shortcut where
// the shape changes.
class Block : public nn::Module {
 public:
  Block(bool bottleneck, std::int64_t in, std::int64_t planes, std::int64_t stride) {
    const std::int64_t out = bottleneck ? 4 * planes : planes;
    if (bottleneck) {
      body_->push_back(conv(in, planes, 1, 1));
      body_->push_back(nn::BatchNorm2d(planes));
      body_->push_back(nn::ReLU());
      body_->push_back(conv(planes, planes, 3, stride));
      body_->push_back(nn::BatchNorm2d(planes));
      body_->push_back(nn::ReLU());
      body_->push_back(conv(planes, out, 1, 1));
    } else {
      body_->push_back(conv(in, planes, 3, stride));
      body_->push_back(nn::BatchNorm2d(planes));
      body_->push_back(nn::ReLU());
      body_->push_back(conv(planes, out, 3, 1));
    }
    body_->push_back(nn::BatchNorm2d(out));
    register_module("body", body_);
    if (stride != 1 || in != out) {
      shortcut_->push_back(conv(in, out, 1, stride));
      shortcut_->push_back(nn::BatchNorm2d(out));
    }
    register_module("shortcut", shortcut_);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(body_->forward(x) + (shortcut_->is_empty() ? x : shortcut_->forward(x)));
  }

 private:
  nn::Sequential body_, shortcut_;
};

class ResNet : public Network {
 public:
  ResNet(const ModelSpec& spec, std::int64_t in_channels, std::int64_t classes) {
    stem_->push_back(conv(in_channels, spec.width, 3, 1));
    stem_->push_back(nn::BatchNorm2d(spec.width));
    stem_->push_back(nn::ReLU());
    register_module("stem", stem_);
    std::int64_t in = spec.width;
    for (std::size_t s = 0; s < spec.blocks.size(); ++s) {
      const std::int64_t planes = spec.width << s;
      for (std::int64_t b = 0; b < spec.blocks[s]; ++b) {
        auto block = std::make_shared<Block>(spec.bottleneck, in, planes, (s > 0 && b == 0) ? 2 : 1);
        blocks_.push_back(register_module("block" + std::to_string(s) + "_" + std::to_string(b), block));
        in = spec.bottleneck ? 4 * planes : planes;
      }
    }
    fc_ = register_module("fc", nn::Linear(in, classes));
  }
  torch::Tensor forward(torch::Tensor x) override {
    x = stem_->forward(x);
    for (auto& b : blocks_) x = b->forward(x);
    return fc_->forward(x.mean({2, 3}));  // global average pooling
  }

 private:
  nn::Sequential stem_;
  std::vector<std::shared_ptr<Block>> blocks_;
  nn::Linear fc_{nullptr};
};

}  // namespace

const std::vector<ComponentInfo>& model_registry() {
  static const std::vector<ComponentInfo> registry = {
      {"resnet18",
       "CIFAR-form ResNet-18: 3x3 stem, BasicBlocks 2/2/2/2, widths w, 2w, 4w, 8w",
       {{"width", "64", "1 to 1024", "channels of the stem and the first stage"}}},
      {"resnet50",
       "CIFAR-form ResNet-50: 3x3 stem, Bottlenecks 3/4/6/3 (expansion 4)",
       {{"width", "64", "1 to 1024", "channels of the stem and the first stage"}}},
      {"resnet",
       "CIFAR-form ResNet of BasicBlocks (bottleneck=1: Bottlenecks) with the given blocks per stage",
       {{"blocks", "2/2/2/2", "1 to 8 stages of 1 to 64 blocks", "blocks per stage, '/'-separated"},
        {"width", "64", "1 to 1024", "channels of the stem and the first stage"},
        {"bottleneck", "0", "0 or 1", "1: Bottleneck blocks (expansion 4)"}}},
  };
  return registry;
}

ModelSpec parse_model_spec(const std::string& text) {
  const ParsedSpec parsed = parse_spec(text, "model");
  const ComponentInfo& info = find_component(model_registry(), parsed.name, "model");
  Params params(info, parsed, "model");
  ModelSpec m;
  m.name = info.name;
  m.width = params.integer("width", 1, 1024);
  if (m.name == "resnet18") {
    m.blocks = {2, 2, 2, 2};
  } else if (m.name == "resnet50") {
    m.blocks = {3, 4, 6, 3};
    m.bottleneck = true;
  } else {
    for (double b : params.real_list("blocks", at_least(1.0))) {
      if (b != std::floor(b) || b > 64)
        params.fail("blocks: " + format_real(b) + " is not allowed; allowed: 1 to 64");
      m.blocks.push_back(static_cast<std::int64_t>(b));
    }
    if (m.blocks.size() > 8)
      params.fail("blocks: " + std::to_string(m.blocks.size()) + " stages; allowed: 1 to 8");
    m.bottleneck = params.integer("bottleneck", 0, 1) == 1;
  }
  params.require_all_used();
  m.resolved = params.resolved();
  return m;
}

std::shared_ptr<Network> make_model(const ModelSpec& spec, std::int64_t in_channels, std::int64_t classes) {
  return std::make_shared<ResNet>(spec, in_channels, classes);
}

}  // namespace signrate::workloads
