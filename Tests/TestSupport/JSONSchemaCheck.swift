import Foundation

/// A small JSON Schema (draft 2020-12) checker for the keywords our committed schemas use:
/// type, const, enum, required, properties, additionalProperties, items, minimum, $ref to
/// `#/$defs/...`. It exists so tests validate reports against the schema file itself rather
/// than against expectations restated in Swift; an unknown keyword is reported, not ignored.
public struct JSONSchemaCheck {
    let root: [String: Any]
    static let known: Set = ["$schema", "$id", "title", "description", "type", "const", "enum", "required",
                             "properties", "additionalProperties", "items", "minimum", "$ref", "$defs"]

    public init(schemaFile: URL) throws {
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: schemaFile)) as? [String: Any] else {
            throw CocoaError(.coderInvalidValue)
        }
        self.root = root
    }

    /// Every violation, as "path: problem"; empty when the instance is valid.
    public func violations(of instance: Any) -> [String] {
        var problems: [String] = []
        check(instance, against: root, at: "$", into: &problems)
        return problems
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/$defs/"),
              let defs = root["$defs"] as? [String: Any],
              let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] else { return schema }
        return target
    }

    private func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            if String(describing: type(of: n)).contains("Boolean") { return "boolean" }
            return n.doubleValue == n.doubleValue.rounded() && !"\(n)".contains(".") ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    private func check(_ value: Any, against raw: [String: Any], at path: String, into problems: inout [String]) {
        let schema = resolve(raw)
        for key in schema.keys where !Self.known.contains(key) { problems.append("\(path): schema keyword \(key) unsupported") }
        let actual = typeName(value)
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [(type as? String) ?? ""]
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok { problems.append("\(path): expected \(allowed), found \(actual)") }
        }
        if let constant = schema["const"], !isEqual(constant, value) { problems.append("\(path): expected const \(constant)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { isEqual($0, value) }) {
            problems.append("\(path): \(value) not in enum")
        }
        if let minimum = schema["minimum"] as? NSNumber, let n = value as? NSNumber, n.doubleValue < minimum.doubleValue {
            problems.append("\(path): \(n) < minimum \(minimum)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path): missing required \(name)")
            }
            for (name, member) in object {
                if let sub = properties[name] as? [String: Any] {
                    check(member, against: sub, at: "\(path).\(name)", into: &problems)
                } else if let extra = schema["additionalProperties"] {
                    if let allowed = extra as? Bool {
                        if !allowed { problems.append("\(path): unexpected key \(name)") }
                    } else if let sub = extra as? [String: Any] {
                        check(member, against: sub, at: "\(path).\(name)", into: &problems)
                    }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, item) in array.enumerated() { check(item, against: items, at: "\(path)[\(i)]", into: &problems) }
        }
    }

    private func isEqual(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): x == y
        case let (x as NSNumber, y as NSNumber): x == y
        default: false
        }
    }
}
