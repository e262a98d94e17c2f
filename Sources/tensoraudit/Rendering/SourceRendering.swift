import StrictJSON
import CheckpointIO
import TensorScan
import TensorAnalysis

/// How `inspect` (and later `audit`) shows where a checkpoint came from and what is wrong with
/// its index or shards.
enum SourceRendering {
    static func json(_ source: CheckpointSource) -> JSONValue {
        var object: [ExactText: JSONValue] = ["kind": .string(source.kind.rawValue)]
        if let index = source.indexPath { object["index"] = .string(index) }
        if let config = source.configPath { object["config"] = .string(config) }
        if let compressed = source.compressedBytes { object["compressed_bytes"] = .uint(compressed) }
        if let decompressed = source.decompressedBytes { object["decompressed_bytes"] = .uint(decompressed) }
        return .object(object)
    }

    static func json(_ issue: SourceIssue) -> JSONValue { json(SourceRules.finding(issue)) }

    /// A source issue's finding as `inspect`'s `source_issues` and `diff`'s `source_issues_a`/`_b` list it.
    static func json(_ issue: Finding) -> JSONValue {
        var object: [ExactText: JSONValue] = [
            "rule": .string(issue.rule.id),
            "severity": .string(issue.severity.rawValue),
            "tensors": .strings(issue.tensors),
            "message": .string(issue.message),
            "evidence": AuditRendering.evidenceJSON(issue.evidence),
        ]
        if let file = issue.file { object["file"] = .string(file) }
        return .object(object)
    }

    /// Text lines: the source kind, then one line per issue.
    static func text(_ checkpoint: Checkpoint) -> [String] {
        var lines: [String] = []
        let source = checkpoint.source
        switch source.kind {
        case .sharded:
            lines.append("source: sharded, index \(TextFormatting.safeName(source.indexPath ?? "?")), "
                + "\(checkpoint.files.count) shard(s) opened")
        case .zstd:
            lines.append("source: zstd, \(TextFormatting.bytes(source.compressedBytes ?? 0)) compressed, "
                + "\(TextFormatting.bytes(source.decompressedBytes ?? 0)) in memory")
        case .directory:
            lines.append("source: folder \(TextFormatting.safeName(checkpoint.path))")
        case .ggufSplit:
            lines.append("source: gguf-split, \(checkpoint.files.count) parts opened from \(TextFormatting.safeName(checkpoint.files.first?.path ?? "?"))")
        case .file:
            break
        }
        if !checkpoint.sourceIssues.isEmpty {
            lines.append("source issues:")
            lines += issueLines(SourceRules.findings(checkpoint))
        }
        return lines
    }

    /// One indented line per source issue: its severity, rule and message.
    static func issueLines(_ issues: [Finding]) -> [String] {
        issues.map { "  \($0.severity.rawValue) [\($0.rule)] \(TextFormatting.safeMessage($0.message))" }
    }
}
