// Stage 2: the vision encoder learns what is where. Flamingo pre-trained its
// encoder contrastively on image-text pairs; in this small world a dense
// supervised objective gives the same kind of frozen features far cheaper: each
// patch token predicts the shape, colour and size of the object under it, and
// the pooled tokens predict how many objects there are.
#include <ATen/ATen.h>

#include <cmath>
#include <iomanip>

#include "core/train_data.h"
#include "core/train_loop.h"
#include "core/train_stages.h"
#include "core/vision_encoder.h"
#include "core/weights.h"

namespace flamingo {

namespace {

struct PatchLabels {
  std::vector<int64_t> shape, colour, size;  // per patch, 0 = background
  int64_t count = 0;
};

PatchLabels label(const world::Scene& scene, int grid) {
  PatchLabels l;
  for (int i = 0; i < grid; ++i)
    for (int j = 0; j < grid; ++j) {
      const float cx = (j + 0.5f) / grid, cy = (i + 0.5f) / grid;
      float best = 1e9f;
      int64_t s = 0, c = 0, z = 0;
      for (const auto& o : scene.objects) {
        const float d = std::hypot(cx - o.x, cy - o.y);
        if (d < 0.9f * world::object_radius(o) && d < best) {
          best = d, s = int64_t(o.shape) + 1, c = o.colour + 1, z = o.large ? 2 : 1;
        }
      }
      l.shape.push_back(s), l.colour.push_back(c), l.size.push_back(z);
    }
  l.count = static_cast<int64_t>(scene.objects.size()) - 1;
  return l;
}

at::Tensor labels_tensor(const std::vector<PatchLabels>& all, std::vector<int64_t> PatchLabels::*field) {
  std::vector<int64_t> flat;
  for (const auto& l : all) flat.insert(flat.end(), (l.*field).begin(), (l.*field).end());
  return at::tensor(flat, at::kLong);
}

// n random scenes drawn into images (each [1, 3, S, S]) and their patch labels.
void draw_scenes(StageContext& ctx, world::Generator& gen, int n, std::vector<at::Tensor>& images,
                 std::vector<PatchLabels>& labels) {
  const auto& v = ctx.config.vision_encoder;
  for (int b = 0; b < n; ++b) {
    const world::Scene scene = gen.random_scene(1, world::kMaxObjects);
    world::Media m{{gen.draw(scene)}, {scene}};
    images.push_back(media_frames(m, ctx.config.preprocessing));
    labels.push_back(label(scene, v.grid()));
  }
}

// Share of patches on an object whose head names its attribute.
double object_accuracy(const at::Tensor& logits, const at::Tensor& truth, const at::Tensor& on_object) {
  auto right = (logits.argmax(-1) == truth).logical_and(on_object);
  return right.sum().item<double>() / std::max<int64_t>(1, on_object.sum().item<int64_t>());
}

}  // namespace

void report_vision_accuracy(StageContext& ctx, const VisionEncoder& encoder, const Linear& shape_head,
                            const Linear& colour_head, const Linear& size_head, const Linear& count_head) {
  const auto& v = ctx.config.vision_encoder;
  world::Generator gen(ctx.options.seed + 11, v.image_size, world::Split::kEval);
  std::vector<at::Tensor> images;
  std::vector<PatchLabels> labels;
  draw_scenes(ctx, gen, 512, images, labels);
  at::NoGradGuard no_grad;
  auto tokens = encoder.forward(at::cat(images, 0));  // [B, v, W]
  auto flat = tokens.reshape({-1, v.width});         // [B*v, W]
  auto shape = labels_tensor(labels, &PatchLabels::shape);
  auto on_object = shape > 0;
  std::vector<int64_t> counts;
  for (const auto& l : labels) counts.push_back(l.count);
  const double count = (count_head(tokens.mean(1)).argmax(-1) == at::tensor(counts, at::kLong))
                           .to(at::kDouble).mean().item<double>();
  const auto flags = ctx.log.flags();
  const auto precision = ctx.log.precision();
  ctx.log << std::fixed << std::setprecision(3);
  ctx.log << "[vision] held-out scenes (512): on-object patches name shape "
          << object_accuracy(shape_head(flat), shape, on_object) << ", colour "
          << object_accuracy(colour_head(flat), labels_tensor(labels, &PatchLabels::colour), on_object)
          << ", size " << object_accuracy(size_head(flat), labels_tensor(labels, &PatchLabels::size), on_object)
          << "; count " << count << std::endl;
  ctx.log.flags(flags);
  ctx.log.precision(precision);
}

at::Tensor vision_step(StageContext& ctx, const VisionEncoder& encoder, const Linear& shape_head,
                       const Linear& colour_head, const Linear& size_head, const Linear& count_head,
                       int step) {
  const auto& v = ctx.config.vision_encoder;
  world::Generator gen(ctx.options.seed * 1000003 + 3 + step, v.image_size);
  std::vector<at::Tensor> images;
  std::vector<PatchLabels> labels;
  draw_scenes(ctx, gen, 32, images, labels);
  std::vector<int64_t> counts;
  for (const auto& l : labels) counts.push_back(l.count);
  auto tokens = encoder.forward(at::cat(images, 0));                      // [B, v, W]
  auto flat = tokens.reshape({-1, v.width});                             // [B*v, W]
  auto loss = at::cross_entropy_loss(shape_head(flat), labels_tensor(labels, &PatchLabels::shape)) +
              at::cross_entropy_loss(colour_head(flat), labels_tensor(labels, &PatchLabels::colour)) +
              at::cross_entropy_loss(size_head(flat), labels_tensor(labels, &PatchLabels::size)) +
              at::cross_entropy_loss(count_head(tokens.mean(1)), at::tensor(counts, at::kLong));
  return loss;
}

}  // namespace flamingo
