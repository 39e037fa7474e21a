#!/usr/bin/python3
"""Writes TINY random OpenFlamingo inputs in the real file formats, with the real
tensor names, for the converter's tests (tests/test_openflamingo_convert.cpp and
the cli_*openflamingo* CTests). Run with Debian's python3-torch:

  /usr/bin/python3 make_checkpoints.py --out DIR

DIR/<family>/ for family in 3b (MPT-1B's MosaicGPT layout), 4b (GPT-NeoX) and 9b
(the MPT-7B layout) gets:
  checkpoint.pt  OpenFlamingo's: perceiver.*, lang_encoder.<layers>.{i}.gated_cross_attn_layer.*,
                 the 50280-row input embedding (4b: also embed_out), plus extras the
                 converter must ignore (second references to the gated blocks, bool masks...)
  lm/            config.json + weights: 3b a sharded pytorch_model.bin (fp32) with its
                 index.json, 4b a single pytorch_model.bin (fp16), 9b a sharded
                 model.safetensors (bf16) with its index.json
  clip.pt        3b and 9b: a TorchScript CLIP (torch.jit.script) whose attributes are
                 named as OpenAI's (visual.*, plus a text tower); 4b: an open_clip state dict
  expected.json  every output tensor the contract (docs/model-format.md) asks for:
                 its shape and the float64 sum of its values as bf16 and as f32
DIR/archive/     fixtures of the archive reader: tensors.pt and expected.json.
"""
import argparse
import collections
import json
import os
import struct

import torch
from torch import nn

VOCAB = 50280       # OpenFlamingo's tokenizer: GPT-NeoX-20B's 50277 + 3 added tokens
LM_VOCAB = 50432    # the language models' padded vocabulary
D, HEADS, F = 32, 2, 128
W, PATCH, IMAGE, VIT_LAYERS, VIT_MLP = 64, 14, 224, 2, 256
LATENTS, DEPTH, INNER = 8, 2, 64
LAYERS = 4

FAMILIES = {
    "3b": dict(kind="mosaic_gpt", every=1),
    "4b": dict(kind="gpt_neox", every=2),
    "9b": dict(kind="mpt", every=4),
}


def rand(*shape):
    return torch.randn(*shape) * 0.5


class Expect:
    """The converted model's tensors, named as the contract names them."""

    def __init__(self):
        self.items = {}

    def add(self, name, tensor, rows=None):
        t = tensor.detach()
        if rows is not None:
            t = t[:rows]
        self.items[name] = {
            "shape": list(t.shape),
            "sum_bf16": float(t.to(torch.bfloat16).double().sum()),
            "sum_f32": float(t.float().double().sum()),
        }


def perceiver(ckpt, expect):
    ckpt["perceiver.latents"] = rand(LATENTS, W)
    for k in range(DEPTH):
        p = f"perceiver.layers.{k}."
        for n in ["0.norm_media", "0.norm_latents", "1.0"]:
            ckpt[p + n + ".weight"] = 1 + rand(W) * 0.1
            ckpt[p + n + ".bias"] = rand(W) * 0.1
        ckpt[p + "0.to_q.weight"] = rand(INNER, W)
        ckpt[p + "0.to_kv.weight"] = rand(2 * INNER, W)
        ckpt[p + "0.to_out.weight"] = rand(W, INNER)
        ckpt[p + "1.1.weight"] = rand(4 * W, W)
        ckpt[p + "1.3.weight"] = rand(W, 4 * W)
    ckpt["perceiver.norm.weight"] = 1 + rand(W) * 0.1
    ckpt["perceiver.norm.bias"] = rand(W) * 0.1
    for name, t in list(ckpt.items()):
        expect.add(name, t)


def gated_blocks(ckpt, expect, layers_prefix, every):
    for i in range(LAYERS):
        if (i + 1) % every:
            continue
        block = {
            "attn_gate": torch.tensor([0.3]), "ff_gate": torch.tensor([-0.2]),
            "attn.norm.weight": 1 + rand(D) * 0.1, "attn.norm.bias": rand(D) * 0.1,
            "attn.to_q.weight": rand(INNER, D), "attn.to_kv.weight": rand(2 * INNER, W),
            "attn.to_out.weight": rand(D, INNER),
            "ff.0.weight": 1 + rand(D) * 0.1, "ff.0.bias": rand(D) * 0.1,
            "ff.1.weight": rand(4 * D, D), "ff.3.weight": rand(D, 4 * D),
        }
        for n, t in block.items():
            ckpt[f"lang_encoder.{layers_prefix}{i}.gated_cross_attn_layer.{n}"] = t
            # OpenFlamingo's state dict holds each gated block twice (shared storage).
            ckpt[f"lang_encoder.gated_cross_attn_layers.{i}.{n}"] = t
            expect.add(f"model.layers.{i}.gated_cross_attn_layer.{n}", t)


def mpt_lm(kind, expect):
    mosaic = kind == "mosaic_gpt"
    sd = collections.OrderedDict()
    sd["transformer.wte.weight"] = rand(LM_VOCAB, D)
    for i in range(LAYERS):
        b = f"transformer.blocks.{i}."
        names = {
            ("ln_1.weight" if mosaic else "norm_1.weight"): 1 + rand(D) * 0.1,
            # A transposed view: the converter must honour strides.
            "attn.Wqkv.weight": rand(D, 3 * D).t(),
            "attn.out_proj.weight": rand(D, D),
            ("ln_2.weight" if mosaic else "norm_2.weight"): 1 + rand(D) * 0.1,
            ("mlp.mlp_up.weight" if mosaic else "ffn.up_proj.weight"): rand(F, D),
            ("mlp.mlp_down.weight" if mosaic else "ffn.down_proj.weight"): rand(D, F),
        }
        if mosaic:  # MPT-1B uses QK LayerNorm
            names["attn.q_ln.weight"] = 1 + rand(D) * 0.1
            names["attn.k_ln.weight"] = 1 + rand(D) * 0.1
        for n, t in names.items():
            sd[b + n] = t
    sd["transformer.ln_f.weight" if mosaic else "transformer.norm_f.weight"] = 1 + rand(D) * 0.1
    dtype = torch.float32 if mosaic else torch.bfloat16
    sd = collections.OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in sd.items())
    for n, t in sd.items():
        if n != "transformer.wte.weight":
            expect.add(n, t)
    if mosaic:
        config = {"model_type": "mosaic_gpt", "d_model": D, "n_heads": HEADS, "n_layers": LAYERS,
                  "mlp_ratio": F // D, "max_seq_len": 128, "vocab_size": LM_VOCAB,
                  "attn_qk_ln": True, "alibi": True, "alibi_bias_max": 8, "no_bias": True}
    else:
        config = {"model_type": "mpt", "d_model": D, "n_heads": HEADS, "n_layers": LAYERS,
                  "expansion_ratio": F // D, "max_seq_len": 128, "vocab_size": LM_VOCAB, "no_bias": True,
                  "attn_config": {"qk_ln": False, "alibi": True, "alibi_bias_max": 8}}
    return sd, config


def neox_lm(expect):
    sd = collections.OrderedDict()
    sd["gpt_neox.embed_in.weight"] = rand(LM_VOCAB, D)
    for i in range(LAYERS):
        b = f"gpt_neox.layers.{i}."
        for n in ["input_layernorm", "post_attention_layernorm"]:
            sd[b + n + ".weight"] = 1 + rand(D) * 0.1
            sd[b + n + ".bias"] = rand(D) * 0.1
        sd[b + "attention.bias"] = torch.tril(torch.ones(1, 1, 16, 16, dtype=torch.bool))  # buffer
        sd[b + "attention.masked_bias"] = torch.tensor(-1e9)                               # buffer
        sd[b + "attention.rotary_emb.inv_freq"] = 1.0 / (10000 ** (torch.arange(0, 4, 2).float() / 4))
        sd[b + "attention.query_key_value.weight"] = rand(3 * D, D)
        sd[b + "attention.query_key_value.bias"] = rand(3 * D) * 0.1
        sd[b + "attention.dense.weight"] = rand(D, D)
        sd[b + "attention.dense.bias"] = rand(D) * 0.1
        sd[b + "mlp.dense_h_to_4h.weight"] = rand(F, D)
        sd[b + "mlp.dense_h_to_4h.bias"] = rand(F) * 0.1
        sd[b + "mlp.dense_4h_to_h.weight"] = rand(D, F)
        sd[b + "mlp.dense_4h_to_h.bias"] = rand(D) * 0.1
    sd["gpt_neox.final_layer_norm.weight"] = 1 + rand(D) * 0.1
    sd["gpt_neox.final_layer_norm.bias"] = rand(D) * 0.1
    sd["embed_out.weight"] = rand(LM_VOCAB, D)
    sd = collections.OrderedDict((k, v.half() if v.dtype == torch.float32 and "inv_freq" not in k else v)
                                 for k, v in sd.items())
    for n, t in sd.items():
        if n.startswith("gpt_neox.layers.") and n.endswith(("attention.bias", "masked_bias", "inv_freq")):
            continue
        if n not in ("gpt_neox.embed_in.weight", "embed_out.weight"):
            expect.add(n, t)
    config = {"model_type": "gpt_neox", "hidden_size": D, "num_hidden_layers": LAYERS,
              "num_attention_heads": HEADS, "intermediate_size": F, "vocab_size": LM_VOCAB,
              "max_position_embeddings": 128, "layer_norm_eps": 1e-5, "rotary_emb_base": 10000,
              "rotary_pct": 0.25, "use_parallel_residual": False, "tie_word_embeddings": False,
              "hidden_act": "gelu"}
    return sd, config


# ---- CLIP, with the attribute names of OpenAI's model (clip/model.py) -------------

class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, max(1, width // 64))
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(collections.OrderedDict(
            [("c_fc", nn.Linear(width, mlp)), ("gelu", nn.GELU()), ("c_proj", nn.Linear(mlp, width))]))

    def forward(self, x):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, mlp):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, mlp) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        grid = IMAGE // PATCH
        self.conv1 = nn.Conv2d(3, W, kernel_size=PATCH, stride=PATCH, bias=False)
        self.class_embedding = nn.Parameter(rand(W))
        self.positional_embedding = nn.Parameter(rand(grid * grid + 1, W))
        self.ln_pre = nn.LayerNorm(W)
        self.transformer = Transformer(W, VIT_LAYERS, VIT_MLP)
        self.ln_post = nn.LayerNorm(W)
        self.proj = nn.Parameter(rand(W, 16))

    def forward(self, x):
        x = self.conv1(x).flatten(2).permute(2, 0, 1)              # [grid², B, W]
        cls = self.class_embedding.reshape(1, 1, -1).expand(1, x.shape[1], -1)
        x = torch.cat([cls, x], 0) + self.positional_embedding.unsqueeze(1)
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[0]) @ self.proj


class CLIP(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = VisionTransformer()
        self.transformer = Transformer(32, 1, 64)   # the text tower, to be ignored
        self.token_embedding = nn.Embedding(100, 32)
        self.positional_embedding = nn.Parameter(rand(8, 32))
        self.ln_final = nn.LayerNorm(32)
        self.text_projection = nn.Parameter(rand(32, 16))
        self.logit_scale = nn.Parameter(torch.ones([]))

    def forward(self, image):
        return self.visual(image)


def clip(path, scripted, expect):
    model = CLIP()
    with torch.no_grad():  # LayerNorms away from 1 and 0, so a mix-up would show
        for n, p in model.named_parameters():
            if n.endswith(("ln_1.weight", "ln_2.weight", "ln_pre.weight")):
                p.copy_(1 + rand(*p.shape) * 0.1)
            elif n.endswith("bias"):
                p.copy_(rand(*p.shape) * 0.1)
    sd = model.state_dict()
    for n, t in sd.items():
        if n.startswith("visual.") and not n.startswith("visual.ln_post") and n != "visual.proj":
            expect.add("vision_encoder." + n[len("visual."):], t)
    if scripted:
        torch.jit.save(torch.jit.script(model.eval()), path)
    else:
        torch.save(sd, path)
    return {n: {"shape": list(t.shape), "sum": float(t.double().sum())} for n, t in sd.items()}


# ---- files ----------------------------------------------------------------------

def save_safetensors(path, tensors):
    """The safetensors layout (8-byte header length, JSON header, data), by hand:
    python3-safetensors is not a Debian package here."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
             torch.bool: "BOOL"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def save_sharded(lm_dir, sd, safetensors):
    names = list(sd)
    half = len(names) // 2
    shards = [names[:half], names[half:]]
    ext = "safetensors" if safetensors else "bin"
    stem = "model" if safetensors else "pytorch_model"
    weight_map = {}
    for k, shard in enumerate(shards):
        file = f"{stem}-{k + 1:05d}-of-00002.{ext}"
        part = collections.OrderedDict((n, sd[n]) for n in shard)
        if safetensors:
            save_safetensors(os.path.join(lm_dir, file), part)
        else:
            torch.save(part, os.path.join(lm_dir, file))
        weight_map.update({n: file for n in shard})
    index = f"{stem}.{ext}.index.json" if not safetensors else "model.safetensors.index.json"
    with open(os.path.join(lm_dir, index), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)


def family(out, name, kind, every):
    torch.manual_seed({"3b": 3, "4b": 4, "9b": 9}[name])
    d = os.path.join(out, name)
    lm_dir = os.path.join(d, "lm")
    os.makedirs(lm_dir, exist_ok=True)
    expect = Expect()
    ckpt = collections.OrderedDict()
    perceiver(ckpt, expect)
    neox = kind == "gpt_neox"
    gated_blocks(ckpt, expect, "gpt_neox.layers." if neox else "transformer.blocks.", every)
    embed = rand(VOCAB, D)
    if neox:
        ckpt["lang_encoder.gpt_neox.embed_in.weight"] = embed
        expect.add("gpt_neox.embed_in.weight", embed)
        out_rows = rand(VOCAB, D)
        ckpt["lang_encoder.embed_out.weight"] = out_rows
        expect.add("embed_out.weight", out_rows)
        for i in range(LAYERS):  # buffers the released checkpoint keeps
            p = f"lang_encoder.gpt_neox.layers.{i}.decoder_layer.attention."
            ckpt[p + "bias"] = torch.tril(torch.ones(1, 1, 16, 16, dtype=torch.bool))
            ckpt[p + "masked_bias"] = torch.tensor(-1e9)
            ckpt[p + "rotary_emb.inv_freq"] = torch.ones(2)
        sd, config = neox_lm(expect)
        torch.save(sd, os.path.join(lm_dir, "pytorch_model.bin"))
    else:
        ckpt["lang_encoder.transformer.wte.weight"] = embed
        expect.add("transformer.wte.weight", embed)
        sd, config = mpt_lm(kind, expect)
        save_sharded(lm_dir, sd, safetensors=(kind == "mpt"))
    with open(os.path.join(lm_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    torch.save(ckpt, os.path.join(d, "checkpoint.pt"))
    clip_sums = clip(os.path.join(d, "clip.pt"), scripted=not neox, expect=expect)
    with open(os.path.join(d, "clip_expected.json"), "w") as f:
        json.dump(clip_sums, f)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"every": every, "vocab": VOCAB, "tensors": expect.items}, f, indent=1)


def archive_fixtures(out):
    """Tensors of every dtype, a transposed view, and views sharing one storage."""
    d = os.path.join(out, "archive")
    os.makedirs(d, exist_ok=True)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.25 - 2
    t = collections.OrderedDict()
    t["f32"] = base
    t["f16"] = (base * 3).half()
    t["bf16"] = (base * 5).bfloat16()
    t["i64"] = torch.arange(-5, 7, dtype=torch.int64).reshape(3, 4) * 1000003
    t["bool"] = torch.tensor([True, False, False, True, True])
    t["transposed"] = base.t()                 # strides (1, 6)
    t["shared_row"] = base[2]                  # offset 12 into f32's storage
    t["shared_col"] = base[:, 1]               # offset 1, stride 6
    t["scalar"] = torch.tensor(3.5)
    t["nested.inner"] = torch.tensor([1.0, -1.0])
    torch.save(t, os.path.join(d, "tensors.pt"))
    expected = {}
    for name, v in t.items():
        values = v.double().flatten().tolist() if v.dtype != torch.bool else v.long().flatten().tolist()
        expected[name] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                          "stride": list(v.stride()), "values": values}
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    archive_fixtures(args.out)
    for name, spec in FAMILIES.items():
        family(args.out, name, **spec)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
