import CheckpointIO
import GGUFFormat
import SafetensorsFormat

/// `dtype-mixed`: floating-point tensors in more than one dtype, judged against what the file
/// says it is.
///
/// Why GGUF files are judged differently: a quantized GGUF holds F32 norms and biases beside its
/// quantized matrices by design (llama.cpp's converter keeps every 1-D tensor and every norm in
/// F32, and `llama-quantize` mixes quantized types on purpose), so "more than one dtype" fired on
/// every quantized file and said nothing. There F32 tensors are left out, and the other types are
/// held against `general.file_type` (`GGUFFileType`): a float file type allows its own type; a
/// quantized one allows any quantized types plus one 16-bit source type; with no file type, one
/// type besides F32. Other formats: any two floating-point dtypes (F32 norms with BF16 matrices
/// included; whether that was intended is for the reader to say).
extension HeaderLint {
    static func dtypeMixFindings(_ checkpoint: Checkpoint) -> [Finding] {
        var findings: [Finding] = []
        var otherBytes: [ElementType: UInt64] = [:]
        var otherTensors: [TensorView] = []
        // A split GGUF model's parts are one model, whose general.file_type only the first part states.
        if checkpoint.source.kind == .ggufSplit, let model = checkpoint.ggufModel, let first = checkpoint.files.first {
            return ggufMix(checkpoint.tensors, file: first.path, GGUFFileType(model.metadata), stored: model.metadata[GGUFFileType.key]).map { [$0] } ?? []
        }
        for file in checkpoint.files {
            if case .gguf(let gguf) = file.format {
                // A later split part read alone states no file type: its model's is in the first
                // part. Whatever it is, unquantized matrices share one type (review, 2026-12-05:
                // such a part's quantized mix was "no general.file_type says which mix").
                let laterPart = gguf.metadata[GGUFFileType.key] == nil && (gguf.metadata["split.count"]?.integer ?? 0) > 1
                    && (gguf.metadata["split.no"]?.integer ?? 0) > 0
                if let finding = ggufMix(file.tensors, file: file.path, GGUFFileType(gguf.metadata), stored: gguf.metadata[GGUFFileType.key],
                                         laterSplitPart: laterPart) {
                    findings.append(finding)
                }
                continue
            }
            for (type, bytes) in floatBytes(file.tensors) { otherBytes[type, default: 0] += bytes }
            otherTensors += file.tensors
        }
        if otherBytes.count > 1 {
            let parts = otherBytes.keys.sorted().map { "\($0.rawValue) \(otherBytes[$0] ?? 0) bytes" }
            // The tensors outside the dtype holding most bytes, named: "2 dtypes" alone left the
            // reader to find which tensors to look at (ties: the first dtype in name order).
            let main = otherBytes.max { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }?.key
            let outside = otherTensors.filter { isCountedFloat($0.elementType) && $0.elementType != main }.map(\.name)
            let listed = outside.prefix(3).map(quotedName).joined(separator: ", ") + (outside.count > 3 ? ", …" : "")
            var evidence = bytesEvidence(otherBytes)
            if let main { evidence["main_dtype"] = .string(main.rawValue) }
            findings.insert(Finding(.dtypeMixed, tensors: outside,
                                    message: "floating-point tensors use \(otherBytes.count) dtypes: " + parts.joined(separator: ", ")
                                        + (main.map { "; \(outside.count == 1 ? "1 tensor is" : "\(outside.count) tensors are") not \($0.rawValue), the dtype of most bytes: \(listed)" } ?? ""),
                                    evidence: evidence), at: 0)
        }
        return findings
    }

    static func floatBytes(_ tensors: [TensorView]) -> [ElementType: UInt64] {
        var bytes: [ElementType: UInt64] = [:]
        for tensor in tensors where isCountedFloat(tensor.elementType) {
            bytes[tensor.elementType, default: 0] += tensor.info.byteCount
        }
        return bytes
    }

    /// A floating-point dtype the mix counts (F8_E8M0 is a scale format, never weights).
    static func isCountedFloat(_ type: ElementType) -> Bool { type.isFloatingPoint && type != .scalar(.f8E8M0) }

    static func bytesEvidence(_ bytes: [ElementType: UInt64]) -> [String: Evidence] {
        var evidence: [String: Evidence] = [:]
        for (dtype, count) in bytes { evidence["bytes_\(dtype.rawValue)"] = .int(Int64(count)) }
        return evidence
    }

    /// A GGUF file's finding, or nil when its types are the mix its file type implies.
    /// `stored`: the raw `general.file_type`, so a value that is there but no integer id is
    /// named as such, not reported as a missing key.
    /// `laterSplitPart`: the file is a later part of a split model, whose file type only the
    /// first part states: held to what every file type requires (one unquantized type).
    static func ggufMix(_ tensors: [TensorView], file path: String, _ fileType: GGUFFileType?, stored: GGUFValue? = nil,
                        laterSplitPart: Bool = false) -> Finding? {
        let bytes = floatBytes(tensors)
        let beyondF32 = bytes.keys.filter { $0 != .scalar(.f32) }.sorted()
        let label = fileType.map { "general.file_type \($0.name ?? String($0.id))" } ?? "no general.file_type"
        let unexpected: [ElementType]
        let reason: String
        switch laterSplitPart ? nil : fileType?.kind {
        case nil where laterSplitPart:
            let plain = beyondF32.filter { $0.blockType == nil }
            unexpected = plain.count > 1 ? plain : []
            reason = "a later split part states no general.file_type (its model's is in the first part, not read here); whatever it is, "
                + "a model's unquantized matrices come from one source type, yet this part's use"
        case .float(let type)?:
            unexpected = beyondF32.filter { $0 != ElementType(type) }
            reason = type.name == "F32" ? "\(label) stores every tensor in F32, yet tensors are also stored as"
                : "\(label) stores matrices in \(type.name) beside F32 ones, yet tensors are also stored as"
        case .quantized?:
            // Quantized types mix by design; unquantized matrices come from one source type.
            let plain = beyondF32.filter { $0.blockType == nil }
            unexpected = plain.count > 1 ? plain : []
            reason = "\(label) is a quantized mix (several quantized types and F32 by design), yet its unquantized tensors use"
        case .unknown?, nil:
            // No stated mix: every type beyond F32 but the largest is unexpected.
            let main = beyondF32.max { (bytes[$0] ?? 0, $1) < (bytes[$1] ?? 0, $0) }
            unexpected = beyondF32.count > 1 ? beyondF32.filter { $0 != main } : []
            let statement = switch (fileType, stored) {
            case (nil, nil): "no general.file_type says which mix was intended"
            case (nil, let value?): "general.file_type is \(value.statedText), not a file type id gguf-py names"
            case (let known?, _) where known.name != nil:
                // GUESSED (1024): llama.cpp's "not specified in the model file".
                "\(label) says the mix was not specified"
            case (_?, _): "\(label) is not a type gguf-py names"
            }
            reason = statement
                + ", and tensors besides F32 use \(beyondF32.count) types: "
                + (main.map { "mostly \($0.rawValue), also" } ?? "")
        }
        guard !unexpected.isEmpty else { return nil }
        let parts = unexpected.map { "\($0.rawValue) (\(bytes[$0] ?? 0) bytes)" }
        var evidence = bytesEvidence(bytes)
        if let fileType {
            evidence["file_type"] = .string(fileType.name ?? String(fileType.id))
        } else if let stored {
            evidence["file_type"] = .string(stored.statedText)
        }
        evidence["unexpected"] = .strings(unexpected.map(\.rawValue))
        let names = tensors.filter { unexpected.contains($0.elementType) }.map(\.name)
        return Finding(.dtypeMixed, tensors: names, message: reason + " " + parts.joined(separator: ", "), evidence: evidence, file: path)
    }
}
