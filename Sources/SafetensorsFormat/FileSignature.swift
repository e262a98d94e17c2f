/// What a file that is not safetensors looks like, from its first bytes, for error messages.
///
/// Why: a safetensors file starts with its header length, so any other file's first 8 bytes
/// read as an absurd length ("header length 8319099226263930448 exceeds the limit"), which
/// says nothing useful. A few well-known signatures are recognised instead; anything else
/// keeps the format error. Deliberately small and generic: a hint, not a file(1).
public enum FileSignature {
    /// "a zip archive (a PyTorch .bin/.pt file?)", "JSON text", ... or `nil` when nothing is
    /// known. An empty or tiny file is `nil`: "file is 0 bytes, too small for the 8-byte
    /// header length" already says what it is.
    public static func describe(_ prefix: UnsafeRawBufferPointer, fileSize: UInt64) -> String? {
        guard fileSize >= 8 else { return nil }
        let bytes = Array(prefix.prefix(64))
        func starts(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "a zip archive (a PyTorch .bin/.pt checkpoint?)" }
        // An archive of no entries starts with its end record, which torch.load does not take for
        // a zip (`_is_zipfile`), so neither does the torch reader: without this, such a `.pt`
        // was described by its first bytes read as a safetensors header length.
        if starts([0x50, 0x4B, 0x05, 0x06]) { return "an empty zip archive (no entries; torch.load does not read it as a checkpoint)" }
        if starts(Array("GGUF".utf8)) { return "a GGUF file" }
        // llama.cpp's formats before GGUF write their magic as a little-endian UInt32: 'ggjt',
        // 'ggmf', 'ggml' read back as "tjgg", "fmgg", "lmgg".
        if starts(Array("tjgg".utf8)) || starts(Array("fmgg".utf8)) || starts(Array("lmgg".utf8)) {
            return "a GGML/GGJT file (llama.cpp's format before GGUF)"
        }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd-compressed data" }
        if starts([0x1F, 0x8B]) { return "gzip-compressed data" }
        if starts([0x89, 0x48, 0x44, 0x46]) { return "an HDF5 file (a Keras .h5?)" }
        if starts([0x93] + Array("NUMPY".utf8)) { return "a NumPy .npy file" }
        if bytes.count >= 2, bytes[0] == 0x80, (2...5).contains(bytes[1]) { return "a Python pickle (a PyTorch .bin?)" }
        if starts(Array("version https://git-lfs".utf8)) { return "a Git LFS pointer (the weights were not downloaded)" }
        if let spec = ctranslate2Spec(bytes) { return "a CTranslate2 model (spec \(spec); CTranslate2 and faster-whisper read it, torch does not)" }
        // A UTF-8 byte order mark (Windows editors write one) before text.
        let body = starts([0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let text = body.prefix(8)
        if !text.isEmpty, text.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20...0x7E).contains($0) }) {
            return looksLikeJSON(body) ? "JSON text" : "text"
        }
        return nil
    }

    /// The model spec's name when the bytes open as a CTranslate2 `model.bin` does (its
    /// `model_spec.py`): a small format version (u32), then the spec's name as a u16 length
    /// counting a closing NUL, the name (ASCII letters and digits) and the NUL —
    /// `06 00 00 00 0c 00 WhisperSpec 00`. Why: such a file named `model.bin` was "not a PyTorch
    /// checkpoint … read as safetensors, header length 7518478154457939974 exceeds the limit",
    /// which reads as a damaged safetensors file (reader's review, 2026-12-05).
    static func ctranslate2Spec(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return nil }
        let version = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let length = Int(bytes[4]) | Int(bytes[5]) << 8
        guard (1 ... 16).contains(version), length >= 2, bytes.count >= 6 + length else { return nil }
        let name = bytes[6 ..< 6 + length - 1]
        guard bytes[6 + length - 1] == 0,
              name.allSatisfy({ (0x30 ... 0x39).contains($0) || (0x41 ... 0x5A).contains($0) || (0x61 ... 0x7A).contains($0) }) else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    /// Whether the text opens as a JSON object or array does: `{` then `"` or `}`, `[` then a
    /// value's first character or `]`. Why not the bracket alone: a BERT `vocab.txt` starts
    /// `[PAD]`, which is text, not JSON.
    static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        let whitespace: [UInt8] = [0x09, 0x0A, 0x0D, 0x20]
        let significant = bytes.filter { !whitespace.contains($0) }
        guard let first = significant.first else { return false }
        guard let second = significant.dropFirst().first else { return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") }
        switch first {
        case UInt8(ascii: "{"): return second == UInt8(ascii: "\"") || second == UInt8(ascii: "}")
        case UInt8(ascii: "["): return Array("\"{[]-0123456789tfn".utf8).contains(second)
        default: return false
        }
    }
}
