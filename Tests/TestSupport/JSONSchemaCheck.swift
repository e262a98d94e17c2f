import Foundation

/// A small JSON Schema checker for the keywords our committed schemas use: our own report
/// schema (draft 2020-12: type, const, enum, required, properties, additionalProperties,
/// items, minItems, maxItems, minimum, propertyNames, `$ref` to `#/$defs/...`) and the official SARIF 2.1.0 schema (draft-04:
/// `$ref` to `#/definitions/...`, anyOf, oneOf, minItems, uniqueItems, maximum, pattern,
/// format). It exists so tests validate reports against the schema file itself rather than
/// against expectations restated in Swift; an unknown keyword is reported, not ignored.
///
/// `format` is checked for `uri` and `uri-reference` only (RFC 3986 characters, and a scheme
/// for `uri`): enough to catch an unencoded space or `#` in a path. Annotations (`title`,
/// `description`, `default`, `id`) are ignored, as validators do.
public struct JSONSchemaCheck {
    let root: [String: Any]
    /// What an instance is checked against: the whole schema, or one of its `$defs`.
    let entry: [String: Any]
    static let known: Set = ["$schema", "$id", "id", "title", "description", "default", "type", "const", "enum",
                             "required", "properties", "additionalProperties", "propertyNames", "items", "minimum", "maximum",
                             "minItems", "maxItems", "uniqueItems", "pattern", "format", "anyOf", "oneOf", "$ref", "$defs",
                             "definitions"]

    /// The schema in `schemaFile`; with `definition`, its `$defs` entry of that name (`rows`'
    /// NDJSON lines: `#/$defs/ndjson_line`), its references resolved in the whole file.
    public init(schemaFile: URL, definition: String? = nil) throws {
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: schemaFile)) as? [String: Any] else {
            throw CocoaError(.coderInvalidValue)
        }
        self.root = root
        guard let definition else {
            entry = root
            return
        }
        guard let defs = root["$defs"] as? [String: Any], let entry = defs[definition] as? [String: Any] else {
            throw CocoaError(.coderValueNotFound)
        }
        self.entry = entry
    }

    /// Every violation, as "path: problem"; empty when the instance is valid.
    public func violations(of instance: Any) -> [String] {
        var problems: [String] = []
        check(instance, against: entry, at: "$", into: &problems)
        return problems
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        var schema = schema
        for _ in 0..<16 {  // a chain of references, never a loop
            guard let ref = schema["$ref"] as? String else { return schema }
            let parts = ref.split(separator: "/").map(String.init)
            guard parts.count == 3, parts[0] == "#", let defs = root[parts[1]] as? [String: Any],
                  let target = defs[parts[2]] as? [String: Any] else { return schema }
            schema = target
        }
        return schema
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
        if let maximum = schema["maximum"] as? NSNumber, let n = value as? NSNumber, n.doubleValue > maximum.doubleValue {
            problems.append("\(path): \(n) > maximum \(maximum)")
        }
        if let text = value as? String {
            if let pattern = schema["pattern"] as? String {
                let regex = try? NSRegularExpression(pattern: pattern)
                if regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                    problems.append("\(path): \(text) does not match \(pattern)")
                }
            }
            if let format = schema["format"] as? String, !Self.matches(format: format, text) {
                problems.append("\(path): \(text) is not a valid \(format)")
            }
        }
        for (keyword, wanted) in [("anyOf", 1...Int.max), ("oneOf", 1...1)] {
            guard let options = schema[keyword] as? [[String: Any]] else { continue }
            let passing = options.filter { option in
                var found: [String] = []
                check(value, against: option, at: path, into: &found)
                return found.isEmpty
            }.count
            if !wanted.contains(passing) { problems.append("\(path): \(passing) of the \(keyword) schemas match") }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path): missing required \(name)")
            }
            if let names = schema["propertyNames"] as? [String: Any] {
                for name in object.keys { check(name, against: names, at: "\(path) key \(name)", into: &problems) }
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
        if let array = value as? [Any] {
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { check(item, against: items, at: "\(path)[\(i)]", into: &problems) }
            }
            if let minimum = schema["minItems"] as? Int, array.count < minimum {
                problems.append("\(path): \(array.count) items, fewer than \(minimum)")
            }
            if let maximum = schema["maxItems"] as? Int, array.count > maximum {
                problems.append("\(path): \(array.count) items, more than \(maximum)")
            }
            if schema["uniqueItems"] as? Bool == true {
                let canonical = array.map { item -> String in
                    let data = try? JSONSerialization.data(withJSONObject: [item], options: [.sortedKeys])
                    return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(item)"
                }
                if Set(canonical).count != canonical.count { problems.append("\(path): items are not unique") }
            }
        }
    }

    /// RFC 3986: a URI reference holds only unreserved and reserved characters and `%HH`
    /// escapes; a URI also starts with a scheme. Other formats are not checked.
    static func matches(format: String, _ text: String) -> Bool {
        guard format == "uri" || format == "uri-reference" else { return true }
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        guard text.allSatisfy(allowed.contains) else { return false }
        let bytes = Array(text.utf8)
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard i + 2 < bytes.count, bytes[i + 1].isHexDigit, bytes[i + 2].isHexDigit else { return false }
        }
        if format == "uri" {
            return text.range(of: "^[A-Za-z][A-Za-z0-9+.-]*:", options: .regularExpression) != nil
        }
        return true
    }

    private func isEqual(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case let (x as String, y as String): x == y
        case let (x as NSNumber, y as NSNumber): x == y
        default: false
        }
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
