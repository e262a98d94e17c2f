"""The tokenizer class names a tokenizer_config.json may give (`tokenizer_class`), shared by the
generators that measure a behaviour per class: every `…Tokenizer` and `…TokenizerFast` name
transformers exports, the `…Fast` spelling of each `…Tokenizer` (older configs write it), and
TokenizersBackend."""
import transformers


def config_class_names():
    exported = [n for n in dir(transformers) if n.endswith("Tokenizer") or n.endswith("TokenizerFast")]
    return sorted(set(exported) | {n + "Fast" for n in exported if n.endswith("Tokenizer")} | {"TokenizersBackend"})
