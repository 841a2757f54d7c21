#pragma once
// The networks `signrate train` trains (docs/training.md): ResNets in their CIFAR form (He et al.
// 2016, Section 4.2, as the paper's Section 5.1 uses them): a 3x3 stem convolution without
// max-pool, stages of BasicBlocks (ResNet-18) or Bottlenecks (ResNet-50, expansion 4) whose first
// block halves the resolution (except the first stage's) and doubles the width, global average
// pooling and one linear layer. `width` is the stem's channels (64 in the paper), `blocks` the
// blocks per stage (2/2/2/2 for ResNet-18, 3/4/6/3 for ResNet-50; a shorter list has fewer stages).
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signrate/spec.hpp"

namespace signrate::workloads {

// A classifier: images N x C x H x W (float) to logits N x classes.
class Network : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
};

struct ModelSpec {
  std::string name;
  bool bottleneck = false;
  std::vector<std::int64_t> blocks;
  std::int64_t width = 64;
  nlohmann::json resolved;
};

// resnet18, resnet50 and resnet (BasicBlocks with the given blocks), with their parameters.
const std::vector<ComponentInfo>& model_registry();
ModelSpec parse_model_spec(const std::string& text);
std::shared_ptr<Network> make_model(const ModelSpec& spec, std::int64_t in_channels, std::int64_t classes);

}  // namespace signrate::workloads
