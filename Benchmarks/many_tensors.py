#!/usr/bin/env python3
"""Writes a valid safetensors file of N tiny tensors (`U8 [2, 1]`, both rows 1, so each has a
`duplicate-rows` finding): the input behind README "Limits"' numbers on what the tensor count
costs (hunt-60a). Standard library only.

    python3 Benchmarks/many_tensors.py 600000 /tmp/many-600000.safetensors   # 43 MB
    /usr/bin/time -f "%e s %U s %M KB" tensoraudit audit --json /tmp/many-600000.safetensors > /dev/null
"""
import struct
import sys


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    entries = [f'"t{i}":{{"dtype":"U8","shape":[2,1],"data_offsets":[{2 * i},{2 * i + 2}]}}' for i in range(count)]
    header = ("{" + ",".join(entries) + "}").encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(header)) + header + b"\x01" * (2 * count))


if __name__ == "__main__":
    main()
