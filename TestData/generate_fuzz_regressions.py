"""Seeds TestData/fuzz-regressions/ and writes reference.tsv with safetensors 0.8's verdict.

The folder is where a crash found by `make fuzz` / `make fuzz-commands` is committed; the Swift
test `FuzzRegressionTests` runs every command on every file there and compares the exit code with
the verdict below (ok -> exit 0 or 1, error -> exit 2, never a signal). The seeds are the input
classes issue 13 found (a quadratic escape name, lying offsets, numbers out of range, a file that is
not safetensors), so the test asserts something from the first day. Add a fuzz finding by copying it
here and re-running this script. Run: python3 TestData/generate_fuzz_regressions.py
"""
import os
import struct

import safetensors
from safetensors import safe_open

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz-regressions")


def write(name, header, data=b""):
    h = header.encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def seeds():
    escaped = "\\u00e9" * 5000
    write("seed-escaped-name.safetensors", '{"' + escaped + '":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', b"\x01\x02")
    write("seed-offsets-past-end.safetensors", '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', b"\x00" * 8)
    write("seed-shape-overflow.safetensors",
          '{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}', b"\x00" * 4)
    write("seed-header-length-lies.safetensors", '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}')
    with open(os.path.join(HERE, "seed-header-length-lies.safetensors"), "r+b") as f:
        f.write(struct.pack("<Q", 1 << 40))
    with open(os.path.join(HERE, "seed-zip-not-safetensors.safetensors"), "wb") as f:
        f.write(b"PK\x03\x04" + b"\x00" * 60)


def main():
    os.makedirs(HERE, exist_ok=True)
    seeds()
    with open(os.path.join(HERE, "reference.tsv"), "w") as out:
        out.write("file\tverdict\treference_message\n")
        for name in sorted(os.listdir(HERE)):
            if name == "reference.tsv":
                continue
            try:
                with safe_open(os.path.join(HERE, name), "np") as f:
                    for k in f.keys():
                        f.get_tensor(k)
                out.write(f"{name}\tok\t\n")
            except Exception as e:  # the reference's verdict is the data here
                out.write(f"{name}\terror\t{str(e).splitlines()[0][:200]}\n")
    print("safetensors", safetensors.__version__, "->", HERE)


if __name__ == "__main__":
    main()
