"""Reference answers for the HTML report's row-norm histogram (NormProfile).

numpy.histogram of the toy BERT word embedding's row L2 norms (float64, as tensoraudit
accumulates them) in 40 bins, and the median. Run from the repository root:

    pip install safetensors numpy
    python3 TestData/report/generate_histogram.py
"""
import json

import numpy as np
from safetensors.numpy import load_file

tensor = "bert.embeddings.word_embeddings.weight"
matrix = load_file("TestData/toy-bert/model.safetensors")[tensor].astype(np.float64)
norms = np.sqrt((matrix * matrix).sum(axis=1))
counts, edges = np.histogram(norms, bins=40)
json.dump({
    "tensor": tensor,
    "bins": 40,
    "counts": [int(c) for c in counts],
    "edges": [float(e) for e in edges],
    "median": float(np.median(norms)),
    "numpy": np.__version__,
}, open("TestData/report/toy-bert-histogram.json", "w"), indent=1)
