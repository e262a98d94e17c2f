"""Tiny byte-level BPE tokenizer + converter hash shim. Copied verbatim (lines 15-102) from /tmp/h57b/make_models.py
(an earlier helper run); see /tmp/h57b/README.md "Tokenizer". The shim makes the UNMODIFIED converter identify the
pre-tokenizer as "refact" (the real Falcon-H1 tokenizer would give "falcon-h1"; irrelevant for tensor data)."""
import json, os, re, shutil, subprocess, sys
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, processors, trainers

ROOT = Path(os.environ.get("FALCON_H1_WORK", "/tmp/h58a"))
LCPP = Path(os.environ.get("LLAMA_CPP", "/tmp/lcpp/llama_cpp_python-0.3.36/vendor/llama.cpp"))
GGUFPY = LCPP / "gguf-py"
sys.path.insert(0, str(GGUFPY))
import gguf  # noqa: E402  (vendored gguf-py)

VOCAB = 288  # multiple of 8 and 16 -> no mamba vocab padding in the hybrid converter
SPECIALS = ["<|end_of_text|>", "<|start_of_role|>", "<|end_of_role|>", "<|tool_call|>"]
CHKTXT = '\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български \'\'\'\'\'\'```````""""......!!!!!!?????? I\'ve been \'told he\'s there, \'RE you sure? \'M not sure I\'ll make it, \'D you like some tea? We\'Ve a\'lL'
REFACT_HASH = "6221ad2852e85ce96f791f476e0b390cf9b474c9e3d1362f53a24a06dc8220ff"


# ----------------------------------------------------------------------------------------------- tokenizer
def pretok():
    # Granite-3 / StarCoder / Refact style: individual digits, then GPT-2 byte-level regex
    return pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
    ])


def make_clean_tokenizer() -> dict:
    text = ["The quick brown fox jumps over the lazy dog. " * 3,
            "Granite mixture of experts model test 0123456789.",
            "hello world, this is a tiny tokenizer for testing the converter."] * 5
    t = Tokenizer(models.BPE())
    t.pre_tokenizer = pretok()
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.ByteLevel(trim_offsets=False)
    tr = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=SPECIALS,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    t.train_from_iterator(text, tr)
    assert t.get_vocab_size() == VOCAB
    return json.loads(t.to_str())


def refact_chktok() -> list[int]:
    """Token ids the real Refact-1.6 tokenizer gives for the converter's check text, rebuilt offline from
    llama.cpp's bundled models/ggml-vocab-refact.gguf (vocab + merges); its sha256 must be the 'refact' entry."""
    from hashlib import sha256
    r = gguf.GGUFReader(LCPP / "models" / "ggml-vocab-refact.gguf")
    f = r.get_field("tokenizer.ggml.tokens"); toks = [bytes(f.parts[i]).decode() for i in f.data]
    f = r.get_field("tokenizer.ggml.merges"); merges = [tuple(bytes(f.parts[i]).decode().split(" ", 1)) for i in f.data]
    t = Tokenizer(models.BPE(vocab={s: i for i, s in enumerate(toks)}, merges=merges))
    t.pre_tokenizer = pretok()
    ids = t.encode(CHKTXT).ids
    assert sha256(str(ids).encode()).hexdigest() == REFACT_HASH
    return ids


def shim_tokenizer(clean: dict, ref_ids: list[int]) -> dict:
    """Same vocab/merges/added tokens. Only two additions, both ignored by the converter except through
    tokenizer.encode(chktxt) in get_vocab_base_pre():
      * pre_tokenizer: first removes the exact check text (so the BPE model contributes no ids for it);
      * post_processor: TemplateProcessing '<|chk|> $A' whose special 'ids' are the Refact ids for the check text.
    => encode(chktxt) == Refact's ids -> hash == 'refact'. encode(x, add_special_tokens=False) is unchanged
    (the converter uses that to normalise added tokens)."""
    j = json.loads(json.dumps(clean))
    j["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": re.escape(CHKTXT)}, "behavior": "Removed", "invert": False},
        *clean["pre_tokenizer"]["pretokenizers"]]}
    # The template sits inside a *nested* Sequence: gguf-py's SpecialVocab only inspects the top-level
    # processors (ByteLevel here -> add_bos/add_eos False, same as the clean tokenizer) and ignores the nested
    # one; at top level its '<|chk|>' would be taken as a CLS/BOS and flip tokenizer.ggml.add_bos_token to True.
    j["post_processor"] = {"type": "Sequence", "processors": [
        clean["post_processor"],
        {"type": "Sequence", "processors": [{"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|chk|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|chk|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|chk|>": {"id": "<|chk|>", "ids": ref_ids, "tokens": ["<|chk|>"] * len(ref_ids)}}}]}]}
    return j


TOKENIZER_CONFIG = {
    # PreTrainedTokenizerFast (not GPT2Tokenizer): transformers 5 rebuilds a GPT2Tokenizer from vocab+merges
    # and drops the Digits pre-tokenizer (and the shim); the generic class loads tokenizer.json verbatim.
    "tokenizer_class": "PreTrainedTokenizerFast",
    "bos_token": "<|end_of_text|>", "eos_token": "<|end_of_text|>",
    "unk_token": "<|end_of_text|>", "pad_token": "<|end_of_text|>",
    "add_bos_token": False, "add_prefix_space": False, "model_max_length": 4096,
}
