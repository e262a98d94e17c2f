import StrictJSON

/// Token text as a dictionary key that compares code points, not Swift's `String` equality.
///
/// Why: `String ==` and `String` hashing follow Unicode canonical equivalence, so "য়" (U+09DF)
/// and "য়" (U+09AF U+09BC) are one `[String: Int]` key. Tokenizers compare code points (Python
/// `str`, Rust `String`) and llama.cpp compares bytes, and real vocabularies hold both spellings
/// as different ids: the Gemma 3 vocabulary (262,144 tokens) has 434 such pairs. Keyed by
/// `String`, 434 ordinary Gemma tokens were called "shadowed" (known unused) and a tokenizer.json
/// holding such a pair was refused as listing a token twice. UTF-8 bytes are equal exactly when
/// the code points are.
/// (The project's one code-point key, `ExactText`, under the name this module reads best with.)
typealias TokenText = ExactText
