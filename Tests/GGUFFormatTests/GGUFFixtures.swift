import Foundation
import GGUFFormat
import TestSupport

/// The files and reference numbers written by `TestData/gguf/generate.py` (gguf-py 0.19.0).
enum GGUFFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Fixtures.data("gguf/" + relative))
    }

    static func parse(_ relative: String) throws -> GGUFFile {
        try GGUFFile.parse(try bytes(relative))
    }

    /// `expected.json`, numbers kept as text so u64 and float64 values arrive exactly (read once,
    /// never mutated, hence `nonisolated(unsafe)`).
    nonisolated(unsafe) static let expected: [String: Any] = {
        (try? Fixtures.jsonKeepingNumberText("gguf/expected.json")) as? [String: Any] ?? [:]
    }()

    static func file(_ name: String) -> [String: Any] {
        ((expected["files"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    static func int(_ value: Any?) -> Int? {
        (value as? String).flatMap { Int($0) }
    }

    static func double(_ value: Any?) -> Double? {
        value.flatMap { Fixtures.number($0) }
    }
}
