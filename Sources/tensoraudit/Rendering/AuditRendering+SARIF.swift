import TensorAnalysis
import StrictJSON

/// SARIF 2.1.0 for code-scanning dashboards, valid against the official OASIS schema
/// (committed as `schemas/sarif-schema-2.1.0.json`; `SARIFSchemaTests` checks every report).
///
/// No `informationUri`: the tool has no public address yet, and a placeholder would send
/// people to a page that does not exist (the property is optional).
extension AuditRendering {
    static let sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// Most physical locations one result lists; GitHub code scanning keeps at most 100 and
    /// a finding can name thousands of tensors (all of them are in `properties.tensors`).
    static let sarifLocationLimit = 100

    /// A plain-text SARIF message of `text` as it reads, escaped for the two syntaxes SARIF
    /// gives plain text: `{` and `}` doubled (§3.11.5: a consumer replaces `{0}` by an
    /// argument, and `{{` by `{`), `[` and `]` after a backslash (§3.11.6: `[text](target)` is
    /// an embedded link).
    ///
    /// Why: a tensor named `[click me](https://evil.example/x)` became a link in a dashboard,
    /// `{0}` a placeholder with no argument, and `w{{}}` read as `w{}`; the tool's own
    /// `\u{2028}` escapes lost their braces (helper review).
    static func sarifMessage(_ text: String) -> JSONValue {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "{": escaped.unicodeScalars.append(contentsOf: "{{".unicodeScalars)
            case "}": escaped.unicodeScalars.append(contentsOf: "}}".unicodeScalars)
            case "[", "]":
                escaped.unicodeScalars.append("\\")
                escaped.unicodeScalars.append(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return .object(["text": .string(escaped)])
    }

    static func sarifLevel(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// One run: rules from the catalog, one result per finding located at the file that holds
    /// each tensor (the shard, for a sharded checkpoint) with the tensor's bytes as the region,
    /// the tensor as a logical location, and an invocation saying how the run ended.
    static func sarif(_ report: AuditReport, arguments: [String]) -> JSONValue {
        let rules = report.enabledRules
        var artifacts = SARIFArtifacts(report.files)
        let results: [JSONValue] = report.findings.map { f in
            var locations: [JSONValue] = []
            // The k-th mention of a name in a finding is its k-th copy (a name two shards hold).
            var mentions: [ExactText: Int] = [:]
            for name in f.tensors.prefix(sarifLocationLimit) {
                let copies = report.tensorLocations[ExactText(name)] ?? []
                let k = mentions[ExactText(name), default: 0]
                mentions[ExactText(name)] = k + 1
                let place = copies.isEmpty ? nil : copies[min(k, copies.count - 1)]
                var physical: [ExactText: JSONValue] = [
                    "artifactLocation": artifacts.location(of: place?.file ?? f.file ?? report.checkpointPath),
                ]
                if let range = place?.byteRange {
                    physical["region"] = .object(["byteOffset": .uint(range.lowerBound),
                                                  "byteLength": .uint(range.upperBound - range.lowerBound)])
                }
                locations.append(.object([
                    "physicalLocation": .object(physical),
                    "logicalLocations": .array([.object(["name": .string(name), "kind": .string("member")])]),
                ]))
            }
            if locations.isEmpty {
                locations = [.object(["physicalLocation": .object([
                    "artifactLocation": artifacts.location(of: f.file ?? report.checkpointPath),
                ])])]
            }
            var properties: [ExactText: JSONValue] = [
                "evidence": evidenceJSON(f.evidence), "failing": .bool(report.policy.fails(f)),
                "tensors": .strings(f.tensors),
            ]
            if let file = f.file { properties["file"] = .string(file) }
            return .object([
                "ruleId": .string(f.rule.id),
                "ruleIndex": .int(Int64(rules.firstIndex { $0 == f.rule } ?? 0)),
                "level": .string(sarifLevel(f.severity)),
                "message": sarifMessage(f.message),
                "locations": .array(locations),
                "properties": .object(properties),
            ])
        }
        let invocation: JSONValue = .object([
            "arguments": .strings(arguments),
            "executionSuccessful": .bool(true),
            "exitCode": .int(report.passed ? 0 : Int64(ExitStatus.findings)),
            "exitCodeDescription": .string(report.passed ? "no failing finding" : "failing findings"),
        ])
        return sarifLog(run: [
            "tool": driver(rules: rules, policy: report.policy),
            "invocations": .array([invocation]),
            "artifacts": artifacts.json,
            "results": .array(results),
        ])
    }

    /// The log of a run that could not audit: an invocation with `executionSuccessful`
    /// false, exit code 2 and the error as a notification located at the file it is about.
    /// `results` is left out: SARIF reads an absent `results` as "the tool failed to produce
    /// results", an empty array as "nothing found".
    static func sarif(failure: AuditFailure, rules: [Rule], policy: AuditPolicy, arguments: [String]) -> JSONValue {
        var artifacts = SARIFArtifacts([])
        let notification: JSONValue = .object([
            "level": .string("error"),
            "message": sarifMessage(failure.message),
            "locations": .array([.object(["physicalLocation": .object([
                "artifactLocation": artifacts.location(of: failure.path),
            ])])]),
            "properties": .object(["kind": .string(failure.kind)]),
        ])
        let invocation: JSONValue = .object([
            "arguments": .strings(arguments),
            "executionSuccessful": .bool(false),
            "exitCode": .int(Int64(ExitStatus.invalidInput)),
            "exitCodeDescription": .string("invalid or unreadable input"),
            "toolExecutionNotifications": .array([notification]),
        ])
        return sarifLog(run: [
            "tool": driver(rules: rules, policy: policy),
            "invocations": .array([invocation]),
            "artifacts": artifacts.json,
        ])
    }

    private static func sarifLog(run: [ExactText: JSONValue]) -> JSONValue {
        .object([
            "$schema": .string(sarifSchema),
            "version": .string("2.1.0"),
            "runs": .array([.object(run)]),
        ])
    }

    private static func driver(rules: [Rule], policy: AuditPolicy) -> JSONValue {
        .object(["driver": .object([
            "name": .string("tensoraudit"),
            "version": .string(toolVersion),
            "rules": .array(rules.map { rule in
                .object([
                    "id": .string(rule.id),
                    "shortDescription": sarifMessage(rule.summary),
                    "fullDescription": sarifMessage(rule.help),
                    "defaultConfiguration": .object(["level": .string(sarifLevel(policy.severity(of: rule.id)))]),
                ])
            }),
        ])])
    }
}

/// The files a SARIF run mentions, each once, in order of first mention; locations point at
/// them by index and by URI.
struct SARIFArtifacts {
    private var uris: [String] = []
    /// Keyed by `String`: a URI here is ASCII (every other byte is percent-encoded), and an
    /// ASCII string is canonically equivalent only to itself among ASCII strings.
    private var indexOfURI: [String: Int] = [:]

    init(_ paths: [String]) {
        for path in paths { _ = index(of: path) }
    }

    private mutating func index(of path: String) -> (Int, String) {
        let uri = Self.uri(path)
        if let known = indexOfURI[uri] { return (known, uri) }
        uris.append(uri)
        indexOfURI[uri] = uris.count - 1
        return (uris.count - 1, uri)
    }

    /// An `artifactLocation` for `path`, registering the artifact on first use.
    mutating func location(of path: String) -> JSONValue {
        let (index, uri) = index(of: path)
        return .object(["uri": .string(uri), "index": .int(Int64(index))])
    }

    var json: JSONValue { .array(uris.map { .object(["location": .object(["uri": .string($0)])]) }) }

    /// A path as a URI reference (RFC 3986): a relative path stays relative (resolved against
    /// the directory the audit ran in, which in CI is the repository root), an absolute one
    /// becomes `file://`; every byte outside the unreserved set and `/` is percent-encoded, so
    /// a space, `%`, `#`, `?` or a `:` in the first segment cannot change what it names.
    static func uri(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                encoded += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
