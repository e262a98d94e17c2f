import Foundation
import Testing
import TestSupport

/// `audit`'s progress line (README "A progress line on a terminal"): drawn on a terminal, never
/// into a pipe, and not on a `TERM=dumb` terminal, which cannot erase it. The terminal is a
/// pseudo-terminal from util-linux `script`, which copies what the program writes to it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a pty"))
struct ProgressLineTests {
    static func onTerminal(term: String) throws -> String {
        let file = Fixtures.path("toy-bert/model.safetensors")
        // Only stderr reaches the pty: the report goes to /dev/null.
        let result = try CLI.run([file], environment: ["TERM": term], timeout: 60,
                                 shell: #"exec /usr/bin/script -qec "\"$TENSORAUDIT\" audit '$1' > /dev/null" /dev/null"#)
        return result.stdout
    }

    @Test("on a terminal: the line is drawn with the bytes read and erased")
    func drawn() throws {
        let screen = try Self.onTerminal(term: "xterm")
        #expect(screen.contains("\raudit: "), "\(screen.debugDescription)")
        #expect(screen.contains(" / 667.9 KiB ("), "\(screen.debugDescription)")
        #expect(screen.hasSuffix("\r\u{1B}[K"), "\(screen.debugDescription)")
    }

    @Test("TERM=dumb: nothing is drawn")
    func dumb() throws {
        #expect(try Self.onTerminal(term: "dumb") == "")
    }

    @Test("stderr a pipe: nothing is drawn")
    func pipe() throws {
        let result = try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors")], environment: ["TERM": "xterm"])
        #expect(!result.stderr.contains("audit: "), "\(result.stderr)")
    }
}
