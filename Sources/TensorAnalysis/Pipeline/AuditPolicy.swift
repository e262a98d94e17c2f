import StrictJSON
import CheckpointIO
import TensorScan
import SafetensorsFormat
import ModelKnowledge

/// Severities, switches and thresholds per rule, from a JSON policy file and `--fail-on`.
///
/// Format (documented in the README):
/// ```json
/// {"rules": {"outlier-rows": {"severity": "warning", "threshold": 8},
///            "duplicate-tensors": {"enabled": false}},
///  "fail_on": ["padding-row-nonzero"]}
/// ```
/// `"pad_id": 0` and `"tensor": "name"` (or a list of names) pin what `--pad-id` and
/// `--tensor` pin on the command line, so a CI job does not depend on detection.
/// A finding fails the audit when its (possibly overridden) severity is `error`, or when its
/// rule is listed in `fail_on` (file) or `--fail-on` (command line).
public struct AuditPolicy: Sendable, Equatable {
    public struct RuleSetting: Sendable, Equatable {
        public var enabled: Bool = true
        public var severity: Severity?
        public var thresholds: [String: Double] = [:]
        public init() {}
    }

    public var rules: [String: RuleSetting] = [:]
    public var failOn: Set<String> = []
    /// The padding token's id (`pad_id`, `--pad-id`): replaces config.json and the tokenizer.
    /// Kept with its source (`PadID.policy(_:file:)` or `PadID.flag`), so reports say which of
    /// the two gave it.
    public var padID: PadID?
    /// The token matrices to analyse (`tensor`, `--tensor`): replace the detection by name.
    public var tensors: [String] = []

    public init() {}

    public enum PolicyError: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "\(path): cannot read policy: \(reason)"
            case .invalid(let path, let reason): "\(path): invalid policy: \(reason)"
            }
        }
    }

    /// Parses a policy file; unknown rule ids and wrong types are errors, so a typo in a CI
    /// policy cannot silently disable a check.
    public static func load(path: String) throws(PolicyError) -> AuditPolicy {
        // Through MappedFile: a FIFO or device named as the policy is refused, not read forever.
        let bytes: [UInt8]
        do { bytes = try MappedFile.contents(of: path, limit: 16 << 20, what: "the policy") } catch {
            throw .unreadable(path: path, reason: error.description.hasPrefix(path + ": ")
                ? String(error.description.dropFirst(path.count + 2)) : error.description)
        }
        return try parse(bytes, path: path)
    }

    /// Parses a policy with the strict JSON reader (the one that reads safetensors headers):
    /// a duplicate key or a trailing comma is an error, not a silent last-one-wins — a second
    /// `"severity"` must not be able to switch a rule off unnoticed.
    public static func parse(_ bytes: [UInt8], path: String) throws(PolicyError) -> AuditPolicy {
        let root: JSONNode
        do {
            root = try JSONDocument.parse(bytes)
        } catch {
            throw .invalid(path: path, reason: "not valid JSON: \(error)")
        }
        guard case .object(let members) = root else { throw .invalid(path: path, reason: "not a JSON object") }
        try rejectDuplicateKeys(root, path: path)
        var policy = AuditPolicy()
        for member in members where !["rules", "fail_on", "schema_version", "$schema", "pad_id", "tensor"].contains(member.key) {
            throw .invalid(path: path, reason: "unknown key \"\(member.key)\"")
        }
        if let padID = root["pad_id"] {
            guard case .number(let number) = padID, let value = number.unsignedValue, let id = Int(exactly: value) else {
                throw .invalid(path: path, reason: "pad_id must be an integer from 0 to 2^63 − 1")
            }
            policy.padID = .policy(id, file: path)
        }
        switch root["tensor"] {
        case nil: break
        case .string(let name)?: policy.tensors = [name]
        case .array(let items)?:
            // An empty list chooses nothing: the detection runs as without the key, unnoticed.
            guard !items.isEmpty else { throw .invalid(path: path, reason: "tensor must name at least one tensor") }
            for item in items {
                guard case .string(let name) = item else { throw .invalid(path: path, reason: "tensor must be a name or an array of names") }
                policy.tensors.append(name)
            }
        default: throw .invalid(path: path, reason: "tensor must be a name or an array of names")
        }
        if let failOn = root["fail_on"] {
            guard case .array(let items) = failOn else { throw .invalid(path: path, reason: "fail_on must be an array of rule ids") }
            var list: [String] = []
            for item in items {
                guard case .string(let id) = item else { throw .invalid(path: path, reason: "fail_on must be an array of rule ids") }
                list.append(id)
            }
            for id in list {
                guard RuleCatalog.rule(id) != nil else { throw .invalid(path: path, reason: "unknown rule \"\(id)\" in fail_on\(ruleHint(id))") }
            }
            policy.failOn = Set(list)
        }
        if let rules = root["rules"] {
            guard case .object(let map) = rules else { throw .invalid(path: path, reason: "rules must be an object") }
            for member in map {
                let id = member.key
                guard RuleCatalog.rule(id) != nil else { throw .invalid(path: path, reason: "unknown rule \"\(id)\"\(ruleHint(id))") }
                guard case .object(let fields) = member.value else { throw .invalid(path: path, reason: "rule \"\(id)\" must be an object") }
                var setting = RuleSetting()
                var statedEnabled: Bool?
                for field in fields {
                    switch field.key {
                    case "enabled":
                        guard case .bool(let b) = field.value else { throw .invalid(path: path, reason: "\(id).enabled must be true or false") }
                        setting.enabled = b
                        statedEnabled = b
                    case "severity":
                        guard case .string(let s) = field.value else { throw .invalid(path: path, reason: "\(id).severity must be a string") }
                        if s == "off" {
                            setting.enabled = false
                        } else if let severity = Severity(rawValue: s) {
                            setting.severity = severity
                        } else {
                            throw .invalid(path: path, reason: "\(id).severity must be info, warning, error or off")
                        }
                    case "threshold":
                        guard case .number(let n) = field.value, let value = Double(n.text), value.isFinite else {
                            throw .invalid(path: path, reason: "\(id).threshold must be a number")
                        }
                        guard thresholdEvidence[id] != nil else {
                            throw .invalid(path: path, reason: "rule \"\(id)\" has no threshold; rules with one: "
                                + thresholdEvidence.keys.sorted().joined(separator: ", "))
                        }
                        // Every threshold bounds a count, a norm, a byte size or a score's
                        // magnitude from below: a negative one keeps every finding, as none does.
                        guard value >= 0 else { throw .invalid(path: path, reason: "\(id).threshold must be 0 or more") }
                        setting.thresholds["threshold"] = value
                    default:
                        throw .invalid(path: path, reason: "unknown field \"\(field.key)\" in rule \"\(id)\"")
                    }
                }
                // A rule switched on and off at once, or given a severity it can never have:
                // the policy says two things and one of them would be dropped unnoticed.
                if statedEnabled == true && !setting.enabled {
                    throw .invalid(path: path, reason: "\(id) is enabled and has severity \"off\": say one")
                }
                if statedEnabled == false && setting.severity != nil {
                    throw .invalid(path: path, reason: "\(id) is switched off (enabled false) and given a severity: say one")
                }
                if !setting.enabled && !setting.thresholds.isEmpty {
                    throw .invalid(path: path, reason: "\(id) is switched off and given a threshold: say one")
                }
                policy.rules[id] = setting
            }
        }
        // A fail_on rule the policy switches off could never fail the audit.
        for id in policy.failOn.sorted() where !policy.isEnabled(id) {
            throw .invalid(path: path, reason: "fail_on names \"\(id)\", which the policy switches off: it could never fail the audit")
        }
        return policy
    }

    /// The closest rule ids to a misspelt one, as `--fail-on` gives them (review-63b L7: a
    /// policy's `"padding-row-nonzro"` got no hint); a rule in capitals is its lower-case id.
    private static func ruleHint(_ id: String) -> String {
        let lower = id.lowercased()
        if lower != id, RuleCatalog.rule(lower) != nil { return "; rule ids are lower case: did you mean \"\(lower)\"?" }
        return DidYouMean.phrase(for: lower, among: RuleCatalog.all.lazy.map(\.id))
    }

    /// A key twice in one object, anywhere in the policy, is an error naming both positions.
    private static func rejectDuplicateKeys(_ node: JSONNode, path: String) throws(PolicyError) {
        switch node {
        case .object(let members):
            var seen: [ExactText: Int] = [:]
            for member in members {
                if let first = seen[ExactText(member.key)] {
                    throw .invalid(path: path, reason: "duplicate key \(quoted(member.key)) at bytes \(first) and \(member.keyOffset)")
                }
                seen[ExactText(member.key)] = member.keyOffset
                try rejectDuplicateKeys(member.value, path: path)
            }
        case .array(let items):
            for item in items { try rejectDuplicateKeys(item, path: path) }
        default:
            break
        }
    }

    public func isEnabled(_ rule: String) -> Bool { rules[rule]?.enabled ?? true }

    public func severity(of rule: String) -> Severity {
        rules[rule]?.severity ?? RuleCatalog.rule(rule)?.defaultSeverity ?? .warning
    }

    /// A rule's threshold called `name` (`"threshold"` for the single-valued form).
    public func threshold(_ rule: String, _ name: String = "threshold", default value: Double) -> Double {
        rules[rule]?.thresholds[name] ?? value
    }

    /// Rules whose `threshold` is a lower bound on one measured value: a finding is kept only
    /// when its evidence reaches the threshold. (Documented in the README's rule table.)
    public static let thresholdEvidence: [String: (key: String, magnitude: Bool)] = [
        "outlier-rows": ("top_score", true),
        "untrained-tokens": ("rows", false),
        "all-zero-rows": ("rows", false),
        "duplicate-rows": ("redundant_rows", false),
        "padding-row-nonzero": ("row_norm", false),
        "tied-weights-duplicated": ("wasted_bytes", false),
        "duplicate-tensors": ("wasted_bytes", false),
        "identical-layers": ("nbytes", false),
    ]

    /// True when `finding` clears its rule's threshold (or the rule has none set).
    func meetsThreshold(_ finding: Finding) -> Bool {
        guard let limit = rules[finding.rule.id]?.thresholds["threshold"],
              let (key, magnitude) = Self.thresholdEvidence[finding.rule.id] else { return true }
        let measured: Double
        switch finding.evidence[key] {
        case .int(let n): measured = Double(n)
        case .double(let d): measured = d
        default: return true
        }
        // NaN never hides a finding.
        guard !measured.isNaN else { return true }
        return (magnitude ? abs(measured) : measured) >= limit
    }

    /// Applies the policy: drops disabled rules and findings under their threshold, and sets
    /// each finding's severity.
    public func apply(to findings: [Finding]) -> [Finding] {
        findings.filter { isEnabled($0.rule.id) && meetsThreshold($0) }.map { finding in
            var f = finding
            if let override = rules[f.rule.id]?.severity { f.severity = override }
            return f
        }
    }

    public func fails(_ finding: Finding) -> Bool {
        finding.severity == .error || failOn.contains(finding.rule.id)
    }
}
