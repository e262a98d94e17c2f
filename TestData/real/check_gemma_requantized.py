#!/usr/bin/env python3
"""Optional real-data check of the Q4_0, Q5_0, Q4_1 and Q5_1 row kernels (not part of `make test`;
CI needs neither Python nor downloads): the first 24 matrices of the real Gemma 3 270M Q4_K_M
GGUF, dequantized by gguf-py and quantized again by gguf-py's own quantizer, in turn to Q4_0,
Q5_0, Q4_1 and Q5_1, written to a GGUF beside the model; then every row of every one of them through
`tensoraudit rows --tensor T --ndjson`, held against gguf-py's `dequantize` in float64.

    pip install gguf numpy
    python3 TestData/real/check_gemma_gguf.py --fetch /tmp/realgguf        # the model, ~240 MB
    python3 TestData/real/check_gemma_requantized.py --model /tmp/realgguf/gemma-3-270m-q4_k_m.gguf

Why: the gguf-py fixtures in TestData are small synthetic rows; this is the distribution of a
trained model (262,144 rows of 640 values in `token_embd.weight`), in the block types llama.cpp's
older files use. Compared (exit 1 on any mismatch): each tensor's type as written, its row
indices (exactly 0 … n − 1), and per row the L2 norm, mean and std to relative 1e-9 (the mean
relative to the row's RMS, as a mean near 0 has no relative precision of its own), min and max
exactly. Every expected number comes from gguf-py and numpy, never from tensoraudit. Which
kernel it tests depends on the CPU: where there is no AVX-512, the AVX2 kernels (Q4_0 and Q5_0
in order, Q4_1 and Q5_1 in any order when their check passes); with AVX-512 (VNNI, VBMI), Q4_0,
Q4_1 and Q5_1 rows go to the AVX-512 any-order kernels and Q5_0 still to AVX2.
"""
import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_gemma_gguf import check, failures, run  # noqa: E402  (the same runner and tolerance)

MATRICES = 24
TYPES = ["Q4_0", "Q5_0", "Q4_1", "Q5_1"]  # in turn, matrix by matrix


def requantize(model: pathlib.Path, target: pathlib.Path, types=TYPES, limit=MATRICES) -> None:
    """Writes `target`: the first `limit` matrices of `model`, requantized in turn to `types`."""
    import numpy as np
    import gguf
    from gguf import GGMLQuantizationType as Q

    reader = gguf.GGUFReader(str(model))
    writer = gguf.GGUFWriter(str(target), "gemma3")
    written = 0
    for t in reader.tensors:
        if len(t.shape) != 2:
            continue
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        values = values.reshape(-1, values.shape[-1])
        kind = Q[types[written % len(types)]]
        blocks = gguf.quants.quantize(values, kind)
        writer.add_tensor(t.name, blocks, raw_shape=blocks.shape, raw_dtype=kind)
        written += 1
        if written == limit:
            break
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", metavar="PATH", required=True, help="an assembled gemma-3-270m-q4_k_m.gguf")
    parser.add_argument("--binary", default=str(pathlib.Path(__file__).resolve().parents[2] / ".build/release/tensoraudit"))
    parser.add_argument("--write-all", metavar="TYPE", choices=TYPES,
                        help="only write every matrix of the model requantized to TYPE (gemma-TYPE.gguf beside it; "
                             "the file timed in docs/PERFORMANCE.md) and exit")
    options = parser.parse_args()
    import numpy as np
    import gguf

    model = pathlib.Path(options.model)
    if options.write_all:
        target = model.with_name(f"gemma-{options.write_all.lower()}.gguf")
        requantize(model, target, [options.write_all], limit=None)
        print(f"wrote {target}")
        return
    target = model.with_name("gemma-requant-q4-q5.gguf")
    requantize(model, target)
    print(f"wrote {target}\nbinary {options.binary}")
    reader = gguf.GGUFReader(str(target))
    total = 0
    for index, t in enumerate(reader.tensors):
        check(f"{t.name} type", t.tensor_type.name, TYPES[index % len(TYPES)])
        x = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64)
        x = x.reshape(int(t.shape[-1]), -1)
        norms = np.sqrt(np.einsum("ij,ij->i", x, x))
        means, stds, lows, highs = x.mean(axis=1), x.std(axis=1), x.min(axis=1), x.max(axis=1)
        rms = np.sqrt((x * x).mean(axis=1))
        listing = run(options.binary, "rows", str(target), "--tensor", t.name, "--ndjson", parse=False, quiet=True)
        rows = [json.loads(line) for line in listing.splitlines() if line.strip()]
        rows = [r for r in rows if "row" in r]
        check(f"{t.name} row indices", sorted(r["row"] for r in rows), list(range(x.shape[0])))
        for r in rows:
            i = r["row"]
            check(f"{t.name} row {i} l2_norm", r["l2_norm"], float(norms[i]))
            check(f"{t.name} row {i} mean", r["mean"], float(means[i]), scale=float(rms[i]))
            check(f"{t.name} row {i} std", r["std"], float(stds[i]))
            check(f"{t.name} row {i} min", float(r["min"]), float(lows[i]), rel=0.0)
            check(f"{t.name} row {i} max", float(r["max"]), float(highs[i]), rel=0.0)
        total += len(rows)
        print(f"  {t.name}: {t.tensor_type.name}, {len(rows)} rows compared")
    print(f"{len(reader.tensors)} tensors, {total} rows")
    if failures:
        print("\n".join(failures[:20]))
        sys.exit(f"{len(failures)} mismatches")
    print("all comparisons agree")


if __name__ == "__main__":
    main()
