#!/usr/bin/env python3
"""Large zero-filled (sparse) inputs, and what each command costs on them: README "Hardening",
"Large files of zeros".

A sparse file takes no disk, but every byte a command reads comes back from the page cache as
zeros and every page it keeps mapped counts in its resident set: a command that reads data it
does not need, or keeps pages it is done with, shows here as seconds and megabytes that grow
with the file. Each case is run through `Benchmarks/measure.c` (wall time, peak RSS of the
command alone) under `timeout`, so a regression shows as a timeout, not a stalled run.

    cc -O2 -o .build/bench/measure Benchmarks/measure.c
    python3 Benchmarks/sparse_files.py --bin .build/release/tensoraudit --measure .build/bench/measure \
        --data /tmp/tensoraudit-sparse [--only persid,firstbytes,zeros,diff,quantized]

Standard library only. The files: ~100 KB of headers on disk, up to 1 TB apparent size each.
"""
import argparse
import json
import os
import struct
import subprocess
import tempfile

GIB = 1 << 30


def safetensors(path, tensors, header_bytes=None):
    """tensors: (name, dtype, shape, byte count), laid out in order; the data is a hole. With
    `header_bytes`, the header is padded with spaces to exactly that length."""
    header, offset = {}, 0
    for name, dtype, shape, count in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + count]}
        offset += count
    text = json.dumps(header, separators=(",", ":")).encode()
    pad = (header_bytes - len(text)) if header_bytes else (-len(text)) % 8
    text += b" " * pad
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        f.truncate(8 + len(text) + offset)


def gguf_q8_0(path, name, rows, length):
    """A GGUF v3 file of one Q8_0 matrix of `rows` rows of `length` values (zeros: scale 0)."""
    def text(s):
        b = s.encode()
        return struct.pack("<Q", len(b)) + b
    kvs = [("general.architecture", "llama"), ("general.alignment", 32)]
    out = b"GGUF" + struct.pack("<IQQ", 3, 1, len(kvs))
    for key, value in kvs:
        out += text(key) + (struct.pack("<I", 8) + text(value) if isinstance(value, str) else struct.pack("<II", 4, value))
    out += text(name) + struct.pack("<I", 2) + struct.pack("<QQ", length, rows) + struct.pack("<IQ", 8, 0)
    out += b"\0" * ((-len(out)) % 32)
    with open(path, "wb") as f:
        f.write(out)
        f.truncate(len(out) + rows * length // 32 * 34)


def run(measure, binary, args, timeout):
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run([measure, report.name, "timeout", str(timeout), binary] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fields = dict(item.split("=") for item in report.read().split())
    status = int(fields["status"])
    seconds, mb = float(fields["seconds"]), int(fields["maxrss_kb"]) / 1024
    return f"{seconds:7.2f} s {mb:8.1f} MB" + ("  TIMED OUT" if status == 124 else f"  exit {status}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--measure", required=True)
    parser.add_argument("--data", default="/tmp/tensoraudit-sparse")
    parser.add_argument("--only", default="persid,firstbytes,zeros,diff,quantized")
    parser.add_argument("--timeout", type=int, default=60)
    a = parser.parse_args()
    os.makedirs(a.data, exist_ok=True)
    d = lambda name: os.path.join(a.data, name)
    cases = []
    wanted = a.only.split(",")
    if "persid" in wanted:
        # One F32 [2^20, 2^18] matrix (1 TB), header padded to 0x150 bytes: the file starts 0x50
        # (pickle PERSID), which the legacy-torch sniff once scanned past into the data.
        safetensors(d("persid-1tb.safetensors"), [("a", "F32", [1 << 20, 1 << 18], 1 << 40)], header_bytes=0x150)
        cases += [(f"{c} persid-1tb", [c, d("persid-1tb.safetensors")]) for c in ("inspect", "padding", "ties")]
    slowest, failed = None, 0
    if "firstbytes" in wanted:
        # Every first byte of the header length (256 to 511 bytes of header) in front of a
        # 16 GiB F32 hole: `inspect` and `ties` read no data, whatever pickle opcode the first
        # byte is. Reported as the slowest of the 512 runs.
        path = d("firstbyte.safetensors")
        for length in range(256, 512):
            safetensors(path, [("a", "F32", [1 << 22, 1024], 1 << 34)], header_bytes=length)
            for command in ("inspect", "ties"):
                result = run(a.measure, a.bin, [command, path], a.timeout)
                failed += not result.endswith("exit 0")
                if slowest is None or float(result.split()[0]) > float(slowest[1].split()[0]):
                    slowest = (f"{command}, header of {length} bytes", result)
    if "zeros" in wanted:
        # 32 identical all-zero F32 [8192, 8192] matrices (8 GiB): whole-tensor comparisons and
        # the scan's many long copies.
        safetensors(d("zeros-32.safetensors"), [(f"layer.{i}.weight", "F32", [8192, 8192], 8192 * 8192 * 4) for i in range(32)])
        cases += [(f"{c} zeros-32", [c, d("zeros-32.safetensors")]) for c in ("ties", "audit")]
    if "diff" in wanted:
        # 16 GiB F16 matrices whose data starts inside a page (as safetensors data does), against
        # an equal one, a BF16 and an F32 one.
        shape = [2097152, 4096]
        for name, dtype, width in (("a", "F16", 2), ("b", "F16", 2), ("bf16", "BF16", 2), ("f32", "F32", 4)):
            safetensors(d(f"d16-{name}.safetensors"), [("w", dtype, shape, shape[0] * shape[1] * width)])
        for other in ("b", "bf16", "f32"):
            cases.append((f"diff d16-a d16-{other}", ["diff", d("d16-a.safetensors"), d(f"d16-{other}.safetensors")]))
    if "quantized" in wanted:
        # A 2^22 x 4,096 F16 matrix against its Q8_0 GGUF (zeros): the diff's per-item results.
        rows = 1 << 22
        safetensors(d("q-f16.safetensors"), [("model.layers.0.mlp.up_proj.weight", "F16", [rows, 4096], rows * 4096 * 2)])
        gguf_q8_0(d("q-q8_0.gguf"), "blk.0.ffn_up.weight", rows, 4096)
        cases.append(("diff q-f16 q-q8_0", ["diff", d("q-f16.safetensors"), d("q-q8_0.gguf")]))
    print(f"{'case':32} {'time':>9} {'peak RSS':>11}")
    if slowest:
        print(f"{'first bytes: slowest of 512':32} {slowest[1]}  ({slowest[0]}; {failed} runs not exit 0)", flush=True)
    for label, args in cases:
        print(f"{label:32} {run(a.measure, a.bin, args, a.timeout)}", flush=True)


if __name__ == "__main__":
    main()
