"""The tiny model's vision side in plain PyTorch, read from its model.safetensors.

Shared by the probes under bench/ (python3-torch, CPU). It follows the C++ code
(core/vision_encoder.cpp, core/perceiver_resampler.cpp) and the weight names of
docs/model-format.md, for the tiny model's sizes: width 128, 4 heads of 32.
"""
import json, math, struct
import numpy as np, torch, torch.nn.functional as F


def load(path, prefixes=('vision_encoder.', 'perceiver.')):
    """The float32 tensors of a model.safetensors whose names start with one of prefixes."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for k, m in header.items():
            if k == '__metadata__' or not k.startswith(prefixes):
                continue
            a, b = m['data_offsets']
            f.seek(base + a)
            out[k] = torch.from_numpy(np.frombuffer(f.read(b - a), dtype=np.float32).reshape(m['shape']).copy())
    return out


def _ln(w, x, k):
    return F.layer_norm(x, (x.shape[-1],), w[k + '.weight'], w[k + '.bias'], 1e-5)


def _heads(t, h=4):  # [N, T, h*e] -> [N, h, T, e]
    return t.view(t.shape[0], t.shape[1], h, -1).transpose(1, 2)


def _attend(q, k, v):  # [N, h, Tq, e] x [N, h, Tk, e] -> [N, Tq, h*e]
    a = (q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])).softmax(-1) @ v
    return a.transpose(1, 2).reshape(q.shape[0], q.shape[2], -1)


def encode(w, px, use_pos=True):
    """ViT (CLIP layout): [N, 3, 32, 32] normalised pixels -> [N, 64, 128] patch tokens."""
    P = 'vision_encoder.'
    x = F.conv2d(px, w[P + 'conv1.weight'], stride=4).flatten(2).transpose(1, 2)   # [N, 64, 128]
    cls = w[P + 'class_embedding'].expand(x.shape[0], 1, x.shape[2])
    x = torch.cat([cls, x], 1) + (w[P + 'positional_embedding'] if use_pos else 0)  # [N, 65, 128]
    x = _ln(w, x, P + 'ln_pre')
    i = 0
    while P + f'transformer.resblocks.{i}.ln_1.weight' in w:
        b = P + f'transformer.resblocks.{i}.'
        qkv = F.linear(_ln(w, x, b + 'ln_1'), w[b + 'attn.in_proj_weight'], w[b + 'attn.in_proj_bias'])
        q, k, v = (_heads(t) for t in qkv.chunk(3, -1))
        x = x + F.linear(_attend(q, k, v), w[b + 'attn.out_proj.weight'], w[b + 'attn.out_proj.bias'])
        m = F.gelu(F.linear(_ln(w, x, b + 'ln_2'), w[b + 'mlp.c_fc.weight'], w[b + 'mlp.c_fc.bias']))
        x = x + F.linear(m, w[b + 'mlp.c_proj.weight'], w[b + 'mlp.c_proj.bias'])
        i += 1
    return _ln(w, x, P + 'ln_post')[:, 1:]


def resample(w, patches):
    """Perceiver Resampler on single images: [N, 64, 128] -> [N, latents, 128]."""
    P = 'perceiver.'
    x = patches + w[P + 'frame_embs'][0]  # an image is frame 0
    if P + 'patch_embs' in w:
        x = x + w[P + 'patch_embs']
    lat = w[P + 'latents'].expand(x.shape[0], -1, -1)
    i = 0
    while P + f'layers.{i}.0.to_q.weight' in w:
        b = P + f'layers.{i}.'
        xm, l = _ln(w, x, b + '0.norm_media'), _ln(w, lat, b + '0.norm_latents')
        q = _heads(F.linear(l, w[b + '0.to_q.weight']))
        k, v = (_heads(t) for t in F.linear(torch.cat([xm, l], 1), w[b + '0.to_kv.weight']).chunk(2, -1))
        lat = lat + F.linear(_attend(q, k, v), w[b + '0.to_out.weight'])
        h = F.gelu(F.linear(_ln(w, lat, b + '1.0'), w[b + '1.1.weight']))
        lat = lat + F.linear(h, w[b + '1.3.weight'])
        i += 1
    return _ln(w, lat, P + 'norm')
