#!/usr/bin/env python3
"""Seeds a `flamingo train` work directory from a finished model directory.

    tools/seed_work_dir.py MODEL_DIR WORK_DIR --language-step N [--flamingo-step F]

writes WORK_DIR/tokenizer (the model's tokenizer, done), WORK_DIR/vision (the
model's encoder, done) and WORK_DIR/language, a stage-1 checkpoint at step N
holding the model's language model with zeroed AdamW moments. `flamingo train
--work WORK_DIR --language-steps M` (M > N) then continues stage 1 from the
shipped language model, with whatever stage-1 mix it is given, and runs stage 3
on the result (tenth run, docs/training.md). With --flamingo-step F, stage 1 is
marked done and WORK_DIR/flamingo is a stage-3 checkpoint at step F holding the
model's resampler and gated layers, which `--flamingo-steps G` (G > F) trains
further. A checkpoint's step sets where the cosine schedule resumes; the zeroed
moments make the first updates about half a normal step, then normal within ten.

Only the safetensors layout is used (8-byte little-endian header length, JSON
header of dtype/shape/data_offsets, raw little-endian data): no torch needed.
"""
import argparse
import json
import os
import shutil
import struct
import sys


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        sys.exit(f"{path}: too short to be a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        sys.exit(f"{path}: header length {n} runs past the end of the file")
    try:
        header = json.loads(raw[8:8 + n])
    except ValueError as e:
        sys.exit(f"{path}: the header is not JSON ({e})")
    header.pop("__metadata__", None)
    body = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        if info.get("dtype") != "F32":
            sys.exit(f"{path}: tensor {name} is {info.get('dtype')}, expected F32")
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - begin != 4 * count:
            sys.exit(f"{path}: tensor {name} holds {end - begin} bytes, its shape {info['shape']} needs {4 * count}")
        if end > len(body):
            sys.exit(f"{path}: tensor {name} runs past the end of the file (truncated?)")
        tensors[name] = (info["shape"], body[begin:end])
    return tensors


def write_safetensors(path, tensors, metadata=None):
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        shape, data = tensors[name]
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for name in sorted(tensors):
            f.write(tensors[name][1])
    os.replace(path + ".tmp", path)


def is_language(name):
    return name.startswith("model.") and "gated_cross_attn_layer" not in name


def is_flamingo(name):  # what stage 3 trains while the language model is frozen
    return name.startswith("perceiver.") or "gated_cross_attn_layer" in name


def checkpoint(dir_, tensors, step):
    os.makedirs(dir_, exist_ok=True)
    write_safetensors(os.path.join(dir_, "params.safetensors"), tensors)
    moments = {}
    for name, (shape, data) in tensors.items():
        moments[name + ".m"] = (shape, bytes(len(data)))
        moments[name + ".v"] = (shape, bytes(len(data)))
    write_safetensors(os.path.join(dir_, "optimizer.safetensors"), moments, {"step": str(step)})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model_dir")
    p.add_argument("work_dir")
    p.add_argument("--language-step", type=int, required=True,
                   help="the stage-1 step the model's language model stands for")
    p.add_argument("--flamingo-step", type=int,
                   help="also seed stage 3 at this step (stage 1 is then done)")
    a = p.parse_args()
    if a.language_step < 0:
        sys.exit(f"--language-step {a.language_step}: must be at least 0")
    if a.flamingo_step is not None and a.flamingo_step < 1:
        sys.exit(f"--flamingo-step {a.flamingo_step}: must be at least 1")
    if os.path.exists(os.path.join(a.work_dir, "language")):
        sys.exit(f"{a.work_dir}: already has a language stage; refusing to overwrite it")
    tensors = read_safetensors(os.path.join(a.model_dir, "model.safetensors"))
    language = {n: t for n, t in tensors.items() if is_language(n)}
    vision = {n: t for n, t in tensors.items() if n.startswith("vision_encoder.")}
    if not language or not vision:
        sys.exit(f"{a.model_dir}: no language model or no vision encoder in model.safetensors")
    tok = os.path.join(a.work_dir, "tokenizer")
    os.makedirs(tok, exist_ok=True)
    shutil.copyfile(os.path.join(a.model_dir, "tokenizer.model"), os.path.join(tok, "tokenizer.model"))
    checkpoint(os.path.join(a.work_dir, "vision"), vision, 0)
    checkpoint(os.path.join(a.work_dir, "language"), language, a.language_step)
    finished = ["tokenizer", "vision"]
    flamingo = {n: t for n, t in tensors.items() if is_flamingo(n)}
    if a.flamingo_step is not None:
        if not flamingo:
            sys.exit(f"{a.model_dir}: no resampler or gated layers in model.safetensors")
        checkpoint(os.path.join(a.work_dir, "flamingo"), flamingo, a.flamingo_step)
        finished.append("language")
    for stage in finished:
        with open(os.path.join(a.work_dir, stage, "done"), "w") as f:
            f.write("ok\n")
    print(f"{a.work_dir}: {len(language)} language tensors at step {a.language_step}, "
          f"{len(vision)} vision tensors"
          + (f", {len(flamingo)} stage-3 tensors at step {a.flamingo_step}" if a.flamingo_step else ""))


if __name__ == "__main__":
    try:
        main()
    except OSError as e:  # a missing file, a full disk: the message names the file
        sys.exit(f"seed_work_dir.py: {e}")
