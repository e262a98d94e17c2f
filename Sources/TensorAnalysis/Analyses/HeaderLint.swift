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
        findings += readAlikeNameFindings(checkpoint)
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

    /// One `suspicious-name` finding per set of tensor names that are canonically equivalent
    /// yet different code points (`café.weight` with é as U+00E9 and as e + U+0301).
    ///
    /// Why: the formats and their readers (safetensors, torch, gguf-py) keep them as two tensors,
    /// but they print alike, and tools that compare Unicode text canonically or normalise it
    /// (Swift's `String`, macOS file names, editors saving NFC) take them for one: a lookup by
    /// name can return the other tensor. `String` keys group exactly the canonically equivalent
    /// names; the same code points twice (a name in two shards) is another rule's finding.
    static func readAlikeNameFindings(_ checkpoint: Checkpoint) -> [Finding] {
        // Two spellings that read alike include one outside ASCII (the other may be ASCII:
        // U+212A KELVIN SIGN is canonically "K"), so ASCII names are hashed only when such a
        // name exists: `String` hashing normalises, and doing it for every name of a
        // 50,000-tensor header cost ~70 ms and 8 MB.
        let tensors = checkpoint.tensors
        guard tensors.contains(where: { !$0.name.utf8.allSatisfy { $0 < 0x80 } }) else { return [] }
        // Each set's spellings by code points, so a set of k spellings costs k lookups, not k²
        // comparisons (40,320 spellings of one name took 10 s; adversarial test, 2026-12-04).
        var spellings: [String: (names: [String], seen: Set<ExactText>)] = [:]
        var order: [String] = []
        for tensor in tensors {
            let name = tensor.name
            if spellings[name] == nil {
                spellings[name] = ([], [])
                order.append(name)
            }
            if spellings[name]?.seen.insert(ExactText(name)).inserted == true { spellings[name]?.names.append(name) }
        }
        return order.compactMap { first -> Finding? in
            guard let names = spellings[first]?.names, names.count > 1 else { return nil }
            let listed = names.map { "\(quoted($0)) (\(ExactText.codePoints($0)))" }.joined(separator: ", ")
            return Finding(.suspiciousName, tensors: names,
                           message: "\(names.count) tensor names read alike but are different code points: \(listed); readers that compare or normalise Unicode text take them for one tensor",
                           evidence: ["spellings": .int(Int64(names.count))])
        }
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
        if let invisible = name.unicodeScalars.first(where: TextEscaping.isInvisible) {
            // A default-ignorable character draws as nothing; the other format characters
            // (Arabic number signs, U+FFF9) draw or act unlike text: say only what is sure.
            return invisible.properties.isDefaultIgnorableCodePoint
                ? "contains an invisible character (\(TextEscaping.visible(invisible))): it prints like the name without it"
                : "contains a format character (\(TextEscaping.visible(invisible)), Unicode category Cf): it can print unlike the code points it holds"
        }
        if name.utf8.first == UInt8(ascii: "/") || name.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .contains(where: { $0.elementsEqual("..".utf8) }) {
            return "looks like a file path"
        }
        if name.isEmpty { return "is empty" }
        return nil
    }
}
