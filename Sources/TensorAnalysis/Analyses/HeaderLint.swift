import StrictJSON
import SafetensorsFormat
import CheckpointIO
import TensorScan

/// Findings that need only the headers: suspicious names, mixed float dtypes, README
/// deviations the reference accepts.
public enum HeaderLint {
    public static func findings(_ checkpoint: Checkpoint) -> [Finding] {
        var findings: [Finding] = []
        for tensor in checkpoint.tensors {
            if let problem = nameProblem(tensor.name) {
                findings.append(Finding(.suspiciousName, tensors: [tensor.name],
                                        message: "tensor name \(quoted(tensor.name)) \(problem)", file: tensor.path))
            }
        }
        var floatBytes: [ElementType: UInt64] = [:]
        for tensor in checkpoint.tensors where tensor.elementType.isFloatingPoint && tensor.elementType != .scalar(.f8E8M0) {
            floatBytes[tensor.elementType, default: 0] += tensor.info.byteCount
        }
        if floatBytes.count > 1 {
            let parts = floatBytes.keys.sorted().map { "\($0.rawValue) \(floatBytes[$0] ?? 0) bytes" }
            var evidence: [String: Evidence] = [:]
            for (dtype, bytes) in floatBytes { evidence["bytes_\(dtype.rawValue)"] = .int(Int64(bytes)) }
            findings.append(Finding(.dtypeMixed,
                                    message: "floating-point tensors use \(floatBytes.count) dtypes: " + parts.joined(separator: ", "),
                                    evidence: evidence))
        }
        for file in checkpoint.files {
            guard let header = file.safetensorsHeader, header.leadingWhitespace > 0 else { continue }
            findings.append(Finding(.headerDeviation,
                                    message: "header starts with \(header.leadingWhitespace) whitespace bytes before '{' (accepted by safetensors 0.8, not by the format README)",
                                    evidence: ["leading_whitespace": .int(Int64(header.leadingWhitespace))], file: file.path))
        }
        for file in checkpoint.files {
            guard let header = file.safetensorsHeader, header.nonSpacePadding else { continue }
            findings.append(Finding(.headerDeviation,
                                    message: "header is padded with whitespace other than spaces (accepted by safetensors 0.8, the format README pads with spaces)",
                                    evidence: ["trailing_padding": .int(Int64(header.trailingPadding))], file: file.path))
        }
        return findings
    }

    /// Why a name is risky, or `nil`.
    static func nameProblem(_ name: String) -> String? {
        if name.utf8.contains(0) { return "contains a NUL character" }
        if name.unicodeScalars.contains(where: TextEscaping.isControl) { return "contains control characters" }
        if name.unicodeScalars.contains(where: TextEscaping.isBidiControl) {
            return "contains bidirectional control characters (it can display in another order than it reads)"
        }
        if name.utf8.first == UInt8(ascii: "/") || name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .contains(where: { $0.elementsEqual("..".utf8) }) {
            return "looks like a file path"
        }
        if name.isEmpty { return "is empty" }
        return nil
    }
}
