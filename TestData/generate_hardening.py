"""Fixtures for the hardening tests (issue 13), with safetensors 0.8's verdict on each.

Writes TestData/hardening/*.safetensors and hardening/reference.tsv: file, "ok" or "error",
and the reference's message, so the Swift tests compare tensoraudit with the reference
without Python at run time. Run: python3 TestData/generate_hardening.py
"""
import json
import os
import struct

import numpy as np
import safetensors
from safetensors import safe_open

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hardening")


def write(name, header, data=b""):
    h = header.encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


ENTRY = '"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]'
NUMBERS = {
    # numbers in an unknown field of a tensor entry: serde_json's range is the double range
    "number-1e400": "1e400",
    "number-minus-1e400": "-1e400",
    "number-1e-400": "1e-400",
    "number-max-double": "1.7976931348623157e308",
    "number-just-over-max-double": "1.7976931348623159e308",
    "number-400-digit-integer": "1" + "0" * 400,
    "number-300-digit-integer": "1" + "0" * 300,
    "number-2pow64": "18446744073709551616",
    "number-minus-2pow63-minus-1": "-9223372036854775809",
}


def main():
    os.makedirs(HERE, exist_ok=True)
    rows = []
    for name, number in NUMBERS.items():
        write(name + ".safetensors", "{" + ENTRY + ',"x":' + number + "}}", b"\x07")
        rows.append(name + ".safetensors")
    # a [0, 4] tensor: no rows, each of 4 elements (numpy says shape[1] == 4)
    write("zero-rows.safetensors", '{"w":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]}}')
    rows.append("zero-rows.safetensors")
    with open(os.path.join(HERE, "reference.tsv"), "w") as out:
        out.write("file\tverdict\treference_message\trow_length\n")
        for name in rows:
            path = os.path.join(HERE, name)
            try:
                with safe_open(path, "np") as f:
                    row_length = ",".join(str(int(np.prod(f.get_tensor(k).shape[1:]))) for k in f.keys())
                out.write(f"{name}\tok\t\t{row_length}\n")
            except Exception as e:  # the reference's verdict is the data here
                out.write(f"{name}\terror\t{str(e).splitlines()[0]}\t\n")
    print("safetensors", safetensors.__version__, "->", HERE)


if __name__ == "__main__":
    main()
