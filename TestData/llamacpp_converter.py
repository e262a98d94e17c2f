"""Runs llama.cpp's own `convert_hf_to_gguf.py` from the llama-cpp-python sdist: shared by the
generators whose fixtures are that converter's output (real/ggml-vocab, gguf-converted)."""
import os
import subprocess
import sys
import tarfile
import tempfile


def convert(sdist_path, model_dir, out, *options):
    """`convert_hf_to_gguf.py MODEL_DIR OPTIONS --outfile OUT` with the sdist's vendored
    llama.cpp and its gguf-py (not the installed gguf)."""
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(sdist_path) as sdist:
            sdist.extractall(work, filter="data")
        (top,) = os.listdir(work)
        llama = os.path.join(work, top, "vendor", "llama.cpp")
        env = {**os.environ, "PYTHONPATH": os.path.join(llama, "gguf-py")}
        subprocess.run([sys.executable, os.path.join(llama, "convert_hf_to_gguf.py"), model_dir, *options,
                        "--outfile", os.path.abspath(out)], check=True, env=env, cwd=llama, stdout=subprocess.DEVNULL)
