import Foundation

/// Paths into the committed `TestData` folder, found from this file's location so tests work
/// from any working directory.
public enum Fixtures {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestData")

    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }

    /// A JSON fixture parsed by Foundation (an implementation independent of ours).
    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relative), options: [.fragmentsAllowed])
    }

    /// Like `json`, but every number arrives as its source text (a `String`), because
    /// Foundation's Linux parser rounds some doubles (3.4028234663852886e+38 came back one
    /// ulp off) and loses 64-bit integers. `number(_:)` and `Double(String)` parse exactly.
    public static func jsonKeepingNumberText(_ relative: String) throws -> Any {
        let text = String(decoding: try data(relative), as: UTF8.self)
        let regex = try NSRegularExpression(pattern: #"([\[,:]\s*)(-?[0-9][0-9.eE+-]*)"#)
        let quoted = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                    withTemplate: "$1\"$2\"")
        return try JSONSerialization.jsonObject(with: Data(quoted.utf8))
    }

    /// Rows of a tab-separated fixture table, header line removed.
    public static func tsv(_ relative: String) throws -> [[String]] {
        let text = String(decoding: try data(relative), as: UTF8.self)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Decodes a value written by the generator: numbers, or "NaN", "Infinity", "-Infinity",
    /// "-0.0" as strings (JSON has no NaN and drops the sign of zero).
    public static func number(_ value: Any) -> Double? {
        switch value {
        case let n as NSNumber: return n.doubleValue
        case let s as String:
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            case "-0.0": return -0.0
            default: return Double(s)
            }
        default: return nil
        }
    }

    /// A fresh temporary directory for a test, inside the process's scratch folder (removed when
    /// the tests exit).
    public static func temporaryDirectory() throws -> URL {
        let url = TestScratch.root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to a new temporary file and returns its path.
    public static func temporaryFile(_ bytes: [UInt8], name: String = "file.safetensors") throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// Two doubles are the same value, treating NaN as equal to NaN and telling -0.0 from 0.0.
public func sameValue(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return a == b && a.sign == b.sign
}

/// |a - b| ≤ tolerance × max(|a|, |b|), with NaN == NaN and exact match for infinities.
public func closeEnough(_ a: Double, _ b: Double, relative tolerance: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300)
}

import SafetensorsFormat

/// The format error `body` throws, or `nil` when it succeeds; lets a test assert on the
/// error's kind and message, not only that something was thrown.
public func formatError<T>(_ body: () throws -> T) -> FormatError? {
    do {
        _ = try body()
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return nil
    }
}

extension Fixtures {
    /// A copy of the fixture folder `relative` in a fresh temporary directory, for a test that
    /// changes a file of it.
    public static func copyOfFolder(_ relative: String) throws -> URL {
        let source = path(relative)
        let dir = try temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: dir.appendingPathComponent(name).path)
        }
        return dir
    }

    /// Where tensor `name`'s data lies in the bytes of a safetensors file, and its header entry,
    /// found through Foundation's JSON parser: tests that edit a file do not lean on the reader
    /// under test.
    public static func safetensorsEntry(_ name: String, in bytes: [UInt8]) throws -> (range: Range<Int>, dtype: String, shape: [UInt64]) {
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any],
              let entry = header[name] as? [String: Any], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
              let dtype = entry["dtype"] as? String, let shape = entry["shape"] as? [UInt64] else {
            throw FixtureError("no tensor \(name) in the header")
        }
        return (8 + length + offsets[0] ..< 8 + length + offsets[1], dtype, shape)
    }

    /// The tensor names of a safetensors file's header, `__metadata__` left out (Foundation's parser).
    public static func safetensorsNames(in bytes: [UInt8]) throws -> [String] {
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any] ?? [:]
        return header.keys.filter { $0 != "__metadata__" }.sorted()
    }
}

/// A fixture that is not what a test expects.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
