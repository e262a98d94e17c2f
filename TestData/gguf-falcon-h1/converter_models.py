#!/usr/bin/env python3
"""Builds tiny Falcon-H1 Hub folders (transformers 5.25) and converts them with the unmodified
llama.cpp converter vendored by llama-cpp-python 0.3.36 (helper-176, 2026-12-07). Everything lands in
$FALCON_H1_WORK (default /tmp/h58a); `generate.py` then copies the two conversions this folder keeps.

  pip download --no-deps --no-binary :all: llama-cpp-python==0.3.36   # unpack it to tok.LCPP
  python3 TestData/gguf-falcon-h1/converter_models.py                 # hub/ conv/ gguf/ logs/

Models (all: hidden 64, 2 layers, 4 heads / 2 kv heads, head_dim 16, intermediate 96, mamba_d_ssm 64,
mamba_n_heads 4, mamba_d_head 16, mamba_n_groups 2, mamba_d_state 8, d_conv 4, mamba_rms_norm true, untied):
  real-{f32,bf16,f16}   multipliers of tiiuae/Falcon-H1-0.5B (see REAL below), vocab 288, seeded random weights
  irr-{f32,bf16,f16}    all multipliers irrational (attention_in != 1 so k_proj really gets two roundings)
  bias-f32              irr + attention_bias, mlp_bias, projectors_bias = true (mamba_proj_bias false)
  projbias-f32          bias-f32 + mamba_proj_bias true (in_proj gets a 1-D bias)
  tied-f32              real multipliers, tie_word_embeddings true
  stress-{f32,bf16,f16} irr multipliers, vocab 1024: weight tensors filled with bit patterns (f16/bf16: all 65536
                        patterns in embed/lm_head, random subsets elsewhere; f32: random bit patterns + specials)
  cfg-*                 real-f32 weights with an edited config.json (missing key / 4 or 6 ssm_multipliers / null)
"""
import json, os, shutil, subprocess, sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(os.environ.get("FALCON_H1_WORK", "/tmp/h58a"))
sys.path.insert(0, str(ROOT))
import tok  # noqa: E402  tokenizer + hash shim (copied from /tmp/h57b)

LCPP = tok.LCPP
CONVERTER = LCPP / "convert_hf_to_gguf.py"
PYPATH = f"{LCPP / 'gguf-py'}:{LCPP}"

# tiiuae/Falcon-H1-0.5B (Base/Instruct share the muP multipliers) as reproduced in NVIDIA-NeMo/Megatron-Bridge
# tests/unit_tests/models/falcon_h1/test_falcon_h1_bridge.py (FALCON_H1_500M_CONFIG) and its provider defaults.
REAL = dict(embedding_multiplier=5.656854249492381, lm_head_multiplier=0.0390625,
            attention_in_multiplier=1.0, attention_out_multiplier=0.9375, key_multiplier=0.39062499999999994,
            ssm_in_multiplier=1.25, ssm_out_multiplier=0.23570226039551587,
            mlp_multipliers=[0.8838834764831844, 0.5859375],
            ssm_multipliers=[0.3535533905932738, 0.25, 0.3535533905932738, 0.5, 0.3535533905932738])
IRR = dict(embedding_multiplier=5.656854249492381, lm_head_multiplier=0.04419417382415922,
           attention_in_multiplier=1.224744871391589, attention_out_multiplier=0.9185586535436918,
           key_multiplier=0.4330127018922193, ssm_in_multiplier=1.118033988749895,
           ssm_out_multiplier=0.23570226039551587, mlp_multipliers=[0.8838834764831844, 0.6123724356957945],
           ssm_multipliers=[0.3535533905932738, 0.7071067811865476, 0.5773502691896258, 0.408248290463863,
                            1.7320508075688772])

BASE = dict(vocab_size=tok.VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=16, mamba_d_ssm=64, mamba_n_heads=4, mamba_d_head=16, mamba_n_groups=2,
            mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_chunk_size=128, mamba_conv_bias=True,
            mamba_proj_bias=False, mamba_rms_norm=True, mamba_norm_before_gate=False, projectors_bias=False,
            attention_bias=False, mlp_bias=False, tie_word_embeddings=False, max_position_embeddings=256,
            rms_norm_eps=1e-5, bos_token_id=0, eos_token_id=0, pad_token_id=0,
            rope_parameters={"rope_theta": 1e11, "rope_type": "default"})

DT = {"f32": torch.float32, "bf16": torch.bfloat16, "f16": torch.float16}


def randomize(model, seed):
    """h57b scheme: every parameter overwritten with seeded values (float32 master copy)."""
    g = torch.Generator().manual_seed(1000 + seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            v = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if name.endswith("norm.weight") or "layernorm" in name:
                v = 1.0 + 0.1 * v
            elif name.endswith("A_log"):
                v = torch.log(torch.arange(1, p.numel() + 1, dtype=torch.float32)) + 0.1 * v
            else:
                v = 0.02 * v
            p.copy_(v)


F32_SPECIALS = np.array([
    0x00000000, 0x80000000,             # +-0
    0x00000001, 0x80000001,             # min subnormal
    0x00000002, 0x00000003, 0x00000005, 0x0000000b,
    0x003fffff, 0x00400000, 0x00400001, 0x007fffff, 0x807fffff,  # subnormals
    0x00800000, 0x00800001, 0x80800000, 0x00ffffff, 0x01000000,  # smallest normals
    0x3f800000, 0xbf800000, 0x3f800001, 0x3fffffff, 0x3f7fffff,  # around 1
    0x7f7fffff, 0xff7fffff, 0x7f7ffffe, 0x7f000000, 0x7f400000, 0x7f300000, 0x7f200000, 0x7f100000,  # huge
    0x7e800000, 0x7e7fffff, 0x7e000000,
    0x7f800000, 0xff800000,             # +-inf
    0x7fc00000, 0xffc00000, 0x7fc12345, 0xffd55555, 0x7fffffff, 0xffffffff,  # quiet NaNs (+payload)
    0x7f800001, 0x7fa00000, 0x7f812345, 0xff800001, 0xffbfffff,             # signalling NaNs
], dtype=np.uint32)


def stress_fill(model, dtype, seed):
    """Overwrite every >=2-D parameter with raw bit patterns of the target dtype."""
    rng = np.random.default_rng(5000 + seed)
    with torch.no_grad():
        for k, (name, p) in enumerate(sorted(model.named_parameters())):
            if p.dim() < 2:
                continue
            n = p.numel()
            if dtype in (torch.float16, torch.bfloat16):
                pats = rng.permutation(65536).astype(np.uint16)
                bits = np.resize(pats, n)  # embed/lm_head: n == 65536 -> every pattern exactly once
                t = torch.from_numpy(bits.view(np.int16).copy()).view(dtype).reshape(p.shape)
            else:
                bits = rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)
                # a quarter of the elements: |x| in [0.5, 4) with random mantissas (normal-range rounding)
                q = n // 4
                bits[:q] = (rng.integers(0, 2**23, size=q, dtype=np.uint32)
                            | (rng.integers(126, 129, size=q, dtype=np.uint32) << 23)
                            | (rng.integers(0, 2, size=q, dtype=np.uint32) << 31))
                bits[q:q + len(F32_SPECIALS)] = F32_SPECIALS
                bits = rng.permutation(bits)
                t = torch.from_numpy(bits.view(np.int32).copy()).view(torch.float32).reshape(p.shape)
            p.data = t.clone()


def write_tokenizer(d: Path, clean):
    (d / "tokenizer.json").write_text(json.dumps(clean, ensure_ascii=False, indent=1))
    (d / "tokenizer_config.json").write_text(json.dumps(tok.TOKENIZER_CONFIG, indent=1))


def make_conv(name, shim):
    conv = ROOT / "conv" / name
    conv.mkdir(parents=True)
    for f in (ROOT / "hub" / name).iterdir():
        if f.name != "tokenizer.json":
            (conv / f.name).symlink_to(f.resolve())
    (conv / "tokenizer.json").write_text(json.dumps(shim, ensure_ascii=False))


def build(name, kw, seed, dtype, clean, shim, stress=False):
    from transformers import FalconH1Config, FalconH1ForCausalLM
    torch.manual_seed(seed)
    cfg = FalconH1Config(**kw)
    cfg.architectures = ["FalconH1ForCausalLM"]
    model = FalconH1ForCausalLM(cfg).to(torch.float32).eval()
    randomize(model, seed)
    model = model.to(DT[dtype])
    if stress:
        stress_fill(model, DT[dtype], seed)
    d = ROOT / "hub" / name
    model.save_pretrained(d, safe_serialization=True)
    write_tokenizer(d, clean)
    make_conv(name, shim)


def cfg_variant(name, src, edit):
    d = ROOT / "hub" / name
    d.mkdir(parents=True)
    for f in (ROOT / "hub" / src).iterdir():
        if f.name != "config.json":
            shutil.copy(f, d / f.name)
    c = json.loads((ROOT / "hub" / src / "config.json").read_text())
    edit(c)
    (d / "config.json").write_text(json.dumps(c, indent=2) + "\n")


def run(name, ot):
    out = ROOT / "gguf" / f"{name}.{ot}.gguf"
    log = ROOT / "logs" / f"{name}.{ot}.log"
    cmd = [sys.executable, str(CONVERTER), str(ROOT / "conv" / name), "--outtype", ot, "--outfile", str(out)]
    with open(ROOT / "logs" / "commands.txt", "a") as f:
        f.write(f"cd {LCPP} && PYTHONPATH={PYPATH} {' '.join(cmd)} > {log} 2>&1\n")
    with open(log, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=str(LCPP), env=dict(os.environ, PYTHONPATH=PYPATH))
    last = [l for l in log.read_text().splitlines() if l.strip()][-1:]
    print(f"{name}.{ot}: rc={r.returncode} {last[0][:200] if last else ''}", flush=True)
    return r.returncode


def main():
    for sub in ("hub", "conv", "gguf", "logs"):
        shutil.rmtree(ROOT / sub, ignore_errors=True)
        (ROOT / sub).mkdir(parents=True)
    clean = tok.make_clean_tokenizer()
    shim = tok.shim_tokenizer(clean, tok.refact_chktok())

    for dt in ("f32", "bf16", "f16"):
        build(f"real-{dt}", dict(BASE, **REAL), 1, dt, clean, shim)
        build(f"irr-{dt}", dict(BASE, **IRR), 2, dt, clean, shim)
    build("bias-f32", dict(BASE, **IRR, attention_bias=True, mlp_bias=True, projectors_bias=True), 3, "f32", clean, shim)
    build("projbias-f32", dict(BASE, **IRR, attention_bias=True, mlp_bias=True, projectors_bias=True,
                               mamba_proj_bias=True), 3, "f32", clean, shim)
    build("tied-f32", dict(BASE, **REAL, tie_word_embeddings=True), 4, "f32", clean, shim)
    for dt in ("f32", "bf16", "f16"):
        build(f"stress-{dt}", dict(BASE, **IRR, vocab_size=1024), 6, dt, clean, shim, stress=True)

    variants = {}
    for k in ("embedding_multiplier", "lm_head_multiplier", "attention_in_multiplier", "attention_out_multiplier",
              "key_multiplier", "ssm_in_multiplier", "ssm_out_multiplier", "mlp_multipliers", "ssm_multipliers"):
        variants[f"cfg-absent-{k}"] = (lambda c, k=k: c.pop(k))
    variants["cfg-ssm4"] = lambda c: c.__setitem__("ssm_multipliers", c["ssm_multipliers"][:4])
    variants["cfg-ssm6"] = lambda c: c.__setitem__("ssm_multipliers", c["ssm_multipliers"] + [3.0])
    variants["cfg-mlp-null"] = lambda c: c.__setitem__("mlp_multipliers", None)
    variants["cfg-ssm-null"] = lambda c: c.__setitem__("ssm_multipliers", None)
    variants["cfg-key-null"] = lambda c: c.__setitem__("key_multiplier", None)
    variants["cfg-int-mults"] = lambda c: c.update(attention_in_multiplier=1, ssm_in_multiplier=2, mlp_multipliers=[1, 2])
    for name, edit in variants.items():
        cfg_variant(name, "real-f32", edit)
        make_conv(name, shim)

    jobs = [("real-f32", "f32"), ("real-bf16", "f32"), ("real-bf16", "bf16"), ("real-bf16", "q8_0"),
            ("real-f16", "f32"), ("real-f16", "f16"),
            ("irr-f32", "f32"), ("irr-bf16", "f32"), ("irr-bf16", "bf16"), ("irr-bf16", "q8_0"),
            ("irr-f16", "f32"), ("irr-f16", "f16"),
            ("bias-f32", "f32"), ("projbias-f32", "f32"), ("tied-f32", "f32"),
            ("stress-f32", "f32"), ("stress-bf16", "f32"), ("stress-bf16", "bf16"),
            ("stress-f16", "f32"), ("stress-f16", "f16")]
    jobs += [(n, "f32") for n in variants]
    rcs = {f"{n}.{ot}": run(n, ot) for n, ot in jobs}
    (ROOT / "logs" / "returncodes.json").write_text(json.dumps(rcs, indent=1) + "\n")


if __name__ == "__main__":
    main()
