#!/usr/bin/env python3
"""Writes a GGUF file whose identical tensors lie scattered through it: the memory case of
`audit`'s tie check that `PageRelease` has to bound (docs/PERFORMANCE.md, "Scattered copies").

By default: 3,000 F32 tensors of 64 x 256 (64 KiB each, 197 MB of data); 600 of them are copies
of 16 patterns (37-38 copies each), placed at seeded random positions among 2,400 tensors of
distinct random values. `audit` reads every copy together with the first tensor of its pattern
(its leader), so one leader item touches ~37 places spread over the whole file.

Peak memory of an audit of it, with the file dropped from the page cache and read back by `cat`
(pages read by `cat` sit in 2 MiB folios, and touching one byte of a copy then maps the whole
folio; the pages gguf-py wrote do not, so without the drop the copies cost little):

    python3 Benchmarks/scattered_copies.py /tmp/scattered.gguf
    python3 -c 'import os; fd = os.open("/tmp/scattered.gguf", os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)'
    cat /tmp/scattered.gguf > /dev/null
    /usr/bin/time -f "%e s %M KB" .build/release/tensoraudit audit /tmp/scattered.gguf > /dev/null

`--rows 384 --columns 1024` (1.5 MiB tensors, over `FollowerCopies.largestBytes`) measures the
copies read through the mapping instead.

Needs numpy and gguf (`pip install numpy gguf`). Deterministic for a given seed and sizes.
"""
import argparse

import numpy as np
import gguf


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--tensors", type=int, default=3000, help="tensors in all (default 3000)")
    parser.add_argument("--patterns", type=int, default=16, help="distinct copied contents (default 16)")
    parser.add_argument("--copies", type=int, default=600,
                        help="tensors that copy a pattern, besides the pattern's first tensor (default 600)")
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--columns", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.patterns + args.copies > args.tensors:
        parser.error("--patterns + --copies must not exceed --tensors")

    rng = np.random.default_rng(args.seed)
    shape = (args.rows, args.columns)
    patterns = [rng.standard_normal(shape, dtype=np.float32) for _ in range(args.patterns)]
    # Which tensor holds which content: pattern p (its first tensor is the leader), or None
    # for a tensor of its own random values. Positions are a seeded shuffle: copies scattered.
    contents = [p for p in range(args.patterns)]
    contents += [i % args.patterns for i in range(args.copies)]
    contents += [None] * (args.tensors - len(contents))
    order = rng.permutation(args.tensors)
    placed = [contents[i] for i in order]

    writer = gguf.GGUFWriter(args.path, arch="llama")
    writer.add_name("scattered-copies")
    for i, pattern in enumerate(placed):
        data = patterns[pattern] if pattern is not None else rng.standard_normal(shape, dtype=np.float32)
        writer.add_tensor(f"blk.{i}.weight", data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    copies = sum(1 for p in placed if p is not None) - args.patterns
    print(f"{args.path}: {args.tensors} tensors of {args.rows} x {args.columns} F32, "
          f"{copies} copies of {args.patterns} patterns scattered (seed {args.seed})")


if __name__ == "__main__":
    main()
