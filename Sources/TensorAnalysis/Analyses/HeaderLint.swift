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
        findings += dtypeMixFindings(checkpoint)
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
        if name.unicodeScalars.contains(where: TextEscaping.isLineSeparator) {
            return "contains a line or paragraph separator (U+2028, U+2029: readers that split lines on them cut it in two)"
        }
        if name.utf8.first == UInt8(ascii: "/") || name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .contains(where: { $0.elementsEqual("..".utf8) }) {
            return "looks like a file path"
        }
        if name.isEmpty { return "is empty" }
        return nil
    }
}
