import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// Issue 13, one test per class of attack, each over every member of the class (every integer
/// option, every source kind, every output hazard), run on the real binary. A test never
/// waits on a hang: `CLI.run(timeout:)` kills a process that is still running after 60 s and
/// the test fails on `timedOut` (a guard, not a timing assertion).
@Suite struct HardeningClassTests {
    /// A valid file: `emb` F32 [4, 2] (row 0 zero) and `b` U8 [3].
    static let valid: [UInt8] = SafetensorsWriter(entries: [
        .init(name: "emb", dtype: .f32, shape: [4, 2],
              bytes: [Float](arrayLiteral: 0, 0, 1, 2, 3, 4, 5, 6).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }),
        .init(name: "b", dtype: .u8, shape: [3], bytes: [1, 2, 3]),
    ]).serialize()

    static func folder(_ files: [String: [UInt8]]) throws -> String {
        let url = try Fixtures.temporaryDirectory()
        for (name, bytes) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: file)
        }
        return url.path
    }

    static func index(_ map: [String: String]) -> [UInt8] {
        let members = map.keys.sorted().map { "\"\($0)\": \"\(map[$0] ?? "")\"" }.joined(separator: ", ")
        return Array("{\"metadata\": {}, \"weight_map\": {\(members)}}".utf8)
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], shell: String? = nil) throws -> CLIResult {
        let result = try CLI.run(arguments, environment: environment, timeout: 60, shell: shell)
        #expect(!result.timedOut, "\(arguments) hung (killed after 60 s)")
        #expect(!result.crashed, "\(arguments) died by a signal: \(result.stderr)")
        return result
    }

    // MARK: 1. integers from the user

    static let extremes = ["0", "-1", "9223372036854775807", "9223372036854771712", "18446744073709551615",
                           "99999999999999999999999", "-9223372036854775808"]

    @Test("every integer option at its extremes: exit 0, 2 or 64 with a message, never a signal",
          arguments: extremes)
    func integerOptions(value: String) throws {
        let file = try Fixtures.temporaryFile(Self.valid)
        let b = try Fixtures.temporaryFile(Self.valid)
        let runs: [[String]] = [
            ["rows", file, "--tensor", "emb", "--rows=\(value)"],
            ["rows", file, "--tensor", "emb", "--rows=\(value).."],
            ["rows", file, "--tensor", "emb", "--rows=..\(value)"],
            ["diff", file, b, "--top-rows=\(value)"],
            ["padding", file, "--tensor", "emb", "--pad-id=\(value)"],
        ]
        for arguments in runs {
            let result = try Self.run(arguments)
            #expect([0, 2, 64].contains(result.status), "\(arguments): exit \(result.status)")
            if result.status != 0 { #expect(!result.stderr.isEmpty, "\(arguments): no message") }
        }
    }

    @Test("a negative --pad-id is a usage error in padding and audit, naming the flag (it used to skip the check with exit 0)",
          arguments: ["-1", "-9223372036854775808"])
    func negativePadID(value: String) throws {
        let file = try Fixtures.temporaryFile(Self.valid)
        for command in ["padding", "audit"] {
            let result = try Self.run([command, file, "--pad-id=\(value)"])
            #expect(result.status == 64, "\(command) --pad-id=\(value): exit \(result.status) \(result.stdout)")
            #expect(result.stderr.contains("--pad-id") && result.stderr.contains(value), "\(result.stderr)")
        }
        #expect(try Self.run(["padding", file, "--pad-id=0"]).status == 0)
    }

    /// `arguments` (a command, then its flags) on a valid file (given twice to `diff`).
    static func runOnValid(_ arguments: [String]) throws -> CLIResult {
        let file = try Fixtures.temporaryFile(Self.valid)
        let files = arguments[0] == "diff" ? [file, file] : [file]
        return try Self.run([arguments[0]] + files + arguments.dropFirst())
    }

    /// Swift's `Int(_:)` and `Double(_:)` read `+3` and hexadecimal (`0x10`, `0x1p-3`), which ran
    /// silently as 3, 16 and 0.125 (hunt-60a P3); the flags take decimal, as `--rows` does.
    @Test("a number flag given '+3', '0x10' or '0x1p-3' is a usage error naming the flag and the text; decimal forms still run",
          arguments: [(["padding", "--pad-id", "+3"], "--pad-id takes a decimal integer, not \"+3\""),
                      (["padding", "--pad-id", "18446744073709551615"], "row 18446744073709551615 is larger than any tensor can have"),
                      (["audit", "--pad-id", "0x1"], "--pad-id takes a decimal integer, not \"0x1\""),
                      (["tokens", "--percentile", "0x10"], "--percentile takes a decimal number, not \"0x10\""),
                      (["tokens", "--limit", "+5"], "--limit takes a decimal integer, not \"+5\""),
                      (["diff", "--tolerance", "0x1p-3"], "--tolerance takes a decimal number, not \"0x1p-3\""),
                      (["diff", "--top-rows", "1e3"], "--top-rows takes a decimal integer, not \"1e3\""),
                      (["padding", "--pad-id", ""], "--pad-id takes a decimal integer, not \"\""),
                      (["padding", "--pad-id", "-abc"], "--pad-id takes a decimal integer, not \"-abc\""),
                      (["padding", "--pad-id", "-0"], "a negative row (-0) is not supported"),
                      // Below the smallest double (4.9e-324) it would read as 0 (hunt-61b P3).
                      (["diff", "--tolerance", "1e-400"], "--tolerance 1e-400 is too small for a double, which would read it as 0"),
                      (["tokens", "--percentile", "1e-999"], "--percentile 1e-999 is too small for a double")])
    func nonDecimalNumbers(arguments: [String], message: String) throws {
        let result = try Self.runOnValid(arguments)
        #expect(result.status == 64, "\(arguments): exit \(result.status)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("decimal spellings still run: --tolerance 1e-3, .5, 2.; --percentile 5.0; --pad-id 0",
          arguments: [["diff", "--tolerance", "1e-3"], ["diff", "--tolerance", ".5"], ["diff", "--tolerance", "2."],
                      ["diff", "--tolerance", "0.0e-999"], ["diff", "--tolerance", "5e-324"],
                      ["tokens", "--percentile", "5.0"], ["padding", "--pad-id", "0"], ["diff", "--top-rows", "0"]])
    func decimalNumbers(arguments: [String]) throws {
        let result = try Self.runOnValid(arguments)
        #expect(result.status == 0, "\(arguments): exit \(result.status) \(result.stderr)")
    }

    @Test("a negative number after a space (`--pad-id -1`) is refused for its value, not as a missing value",
          arguments: [["padding", "--pad-id", "-1"], ["audit", "--pad-id", "-1"], ["tokens", "--limit", "-1"],
                      ["tokens", "--percentile", "-1"], ["diff", "--tolerance", "-1"], ["diff", "--top-rows", "-1"]])
    func negativeAfterSpace(arguments: [String]) throws {
        let result = try Self.runOnValid(arguments)
        #expect(result.status == 64, "\(arguments): exit \(result.status)")
        #expect(!result.stderr.contains("Missing value") && result.stderr.contains(arguments[1]), "\(result.stderr)")
    }

    @Test("policy thresholds and config.json sizes at their extremes never trap", arguments: extremes + ["1e308", "-1e308", "1.5"])
    func integerValuesInFiles(value: String) throws {
        let config = "{\"vocab_size\": \(value), \"hidden_size\": \(value), \"pad_token_id\": \(value)}"
        let dir = try Self.folder(["model.safetensors": Self.valid, "config.json": Array(config.utf8)])
        let policy = try Fixtures.temporaryFile(Array("{\"rules\": {\"outlier-rows\": {\"threshold\": \(value)}}}".utf8), name: "p.json")
        for arguments in [["audit", dir, "--policy", policy], ["padding", dir], ["rows", dir, "--json"]] {
            let result = try Self.run(arguments)
            #expect([0, 1, 2].contains(result.status), "\(arguments): exit \(result.status) \(result.stderr)")
        }
    }

    @Test("header dimensions at their extremes (empty tensors whose other dimensions overflow) never trap",
          arguments: ["[0,18446744073709551615]", "[0,9223372036854775807,2]", "[0,4294967296,4294967296]",
                      "[18446744073709551615,0]", "[0,1,18446744073709551615]"])
    func headerExtremes(shape: String) throws {
        let header = #"{"w":{"dtype":"C64","shape":\#(shape),"data_offsets":[0,0]},"#
            + #""v":{"dtype":"F4","shape":\#(shape),"data_offsets":[0,0]},"u":{"dtype":"U8","shape":\#(shape),"data_offsets":[0,0]}}"#
        let path = try Fixtures.temporaryFile(SafetensorsWriter.file(header: header, data: [], padTo: 8))
        for arguments in [["inspect", path], ["rows", path, "--json"], ["audit", path], ["ties", path],
                          ["padding", path, "--tensor", "u"], ["rows", path, "--tensor", "v", "--rows=0.."], ["diff", path, path]] {
            let result = try Self.run(arguments)
            // `--rows` of a tensor with no rows is a usage error (64): a documented exit, no trap.
            let allowed: [Int32] = arguments.contains("--rows=0..") ? [0, 1, 2, 64] : [0, 1, 2]
            #expect(allowed.contains(result.status), "\(arguments): exit \(result.status) \(result.stderr)")
        }
    }

    // MARK: 2. an output path that destroys data

    /// Each hazard: the folder's files, the --output path, and the input to audit.
    @Test("--output that is an input (itself, a shard, the index, config, a hard or symbolic link) or not a regular file is refused; the input is untouched")
    func outputHazards() throws {
        let shardA = SafetensorsWriter(entries: [.init(name: "a", dtype: .u8, shape: [2], bytes: [1, 2])]).serialize()
        let shardB = SafetensorsWriter(entries: [.init(name: "b", dtype: .u8, shape: [2], bytes: [3, 4])]).serialize()
        let dir = try Self.folder([
            "model-00001-of-00002.safetensors": shardA, "model-00002-of-00002.safetensors": shardB,
            "model.safetensors.index.json": Self.index(["a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"]),
            "config.json": Array("{\"model_type\": \"bert\"}".utf8),
        ])
        let single = try Fixtures.temporaryFile(Self.valid, name: "v.safetensors")
        let hardLink = single + ".hard"
        try FileManager.default.linkItem(atPath: single, toPath: hardLink)
        let symbolic = single + ".link"
        try FileManager.default.createSymbolicLink(atPath: symbolic, withDestinationPath: single)
        let fifo = try Fixtures.temporaryDirectory().appendingPathComponent("report.fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let policy = try Fixtures.temporaryFile(Array("{}".utf8), name: "policy.json")
        let cases: [(input: String, output: String, extra: [String])] = [
            (single, single, []),
            (single, hardLink, []),
            (single, symbolic, []),
            (dir, dir + "/model-00001-of-00002.safetensors", []),
            (dir, dir + "/model-00002-of-00002.safetensors", []),
            (dir, dir + "/model.safetensors.index.json", []),
            (dir, dir + "/config.json", []),
            (single, policy, ["--policy", policy]),
            (single, "/dev/null", []),
            (single, fifo, []),
            (single, dir, []),
        ]
        for (input, output, extra) in cases {
            let before = FileManager.default.contents(atPath: output)
            let result = try Self.run(["audit", input, "--output", output] + extra)
            #expect(result.status == 2, "--output \(output): exit \(result.status)")
            #expect(result.stderr.contains(output) && result.stderr.contains("refusing"), "\(result.stderr)")
            if !output.hasPrefix("/dev/"), !output.hasSuffix(".fifo") {
                #expect(FileManager.default.contents(atPath: output) == before, "\(output) was changed")
            }
        }
        #expect(FileManager.default.contents(atPath: single) == Data(Self.valid))
        // The control: a new file and an existing unrelated regular file are written.
        let fresh = try Fixtures.temporaryDirectory().appendingPathComponent("report.json").path
        for output in [fresh, fresh] {
            let result = try Self.run(["audit", single, "--format", "json", "--output", output])
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
            let written = try #require(FileManager.default.contents(atPath: output))
            #expect((try JSONSerialization.jsonObject(with: written) as? [String: Any])?["schema_version"] as? Int == 2)
        }
    }

    /// `tokens`, `padding`, `rows` and `audit` read the tokenizer files beside a checkpoint;
    /// before, `--output tokenizer.json` replaced the tokenizer the run had just read (exit 0).
    @Test("--output naming a tokenizer file beside the checkpoint is refused by every command; the file is untouched",
          arguments: ["tokens", "padding", "rows", "audit", "inspect", "ties"])
    func outputOverTokenizerFiles(command: String) throws {
        let files: [String: [UInt8]] = [
            "model.safetensors": Self.valid,
            "tokenizer.json": Array(#"{"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "a": 1, "b": 2, "c": 3}}}"#.utf8),
            "tokenizer_config.json": Array(#"{"pad_token": "[PAD]"}"#.utf8),
            "special_tokens_map.json": Array(#"{"pad_token": "[PAD]"}"#.utf8),
            "vocab.txt": Array("[PAD]\na\nb\nc\n".utf8),
        ]
        let dir = try Self.folder(files)
        for name in files.keys.sorted() where name != "model.safetensors" {
            let output = dir + "/" + name
            let result = try Self.run([command, dir, "--output", output])
            #expect(result.status == 2, "\(command) --output \(name): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("refusing") && result.stderr.contains(name), "\(result.stderr)")
            #expect(FileManager.default.contents(atPath: output) == Data(files[name] ?? []), "\(command) replaced \(name)")
        }
    }

    @Test("an empty checkpoint, policy or map path is a usage error for every command (it printed \": cannot open\", naming nothing)")
    func emptyCheckpointPath() throws {
        let file = try Fixtures.temporaryFile(Self.valid)
        for arguments in [["inspect", ""], ["padding", ""], ["ties", ""], ["rows", ""], ["tokens", ""], ["audit", ""],
                          ["diff", "", file], ["diff", file, ""], ["diff", file, file, "--map", ""], ["audit", file, "--policy", ""]] {
            let result = try Self.run(arguments)
            #expect(result.status == 64, "\(arguments): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("is empty"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("a 100,000-scalar policy key gives one error line cut at 8,192 scalars, saying how much was left out",
          arguments: [String(repeating: "k", count: 100_000), "a" + String(repeating: "\u{301}\u{34F}", count: 50_000)])
    func longErrorLine(key: String) throws {
        let input = try Fixtures.temporaryFile(Self.valid, name: "m.safetensors")
        let policy = try Fixtures.temporaryFile(Array("{\"\(key)\": 1}".utf8), name: "policy.json")
        let result = try Self.run(["audit", input, "--policy", policy])
        #expect(result.status == 2, "exit \(result.status)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].unicodeScalars.count < 8_300, "\(lines.map(\.unicodeScalars.count))")
        #expect(result.stderr.contains("more characters)"), "\(result.stderr.suffix(200))")
    }

    @Test("a usage error quoting a 50,000-character argument is cut like every error line")
    func longUsageError() throws {
        let file = try Fixtures.temporaryFile(Self.valid)
        let digits = String(repeating: "9", count: 50_000)
        for arguments in [["padding", file, "--pad-id=" + digits], ["audit", file, "--fail-on", digits]] {
            let result = try Self.run(arguments)
            #expect(result.status == 64, "exit \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.unicodeScalars.count < 8_300 }, "\(lines.map(\.unicodeScalars.count))")
            #expect(result.stderr.contains("more characters)"), "\(result.stderr.prefix(300))")
        }
    }

    @Test("--output that is empty is a usage error; in a missing folder it names the folder")
    func outputPathShapes() throws {
        let input = try Fixtures.temporaryFile(Self.valid, name: "m.safetensors")
        let empty = try Self.run(["inspect", input, "--output", ""])
        #expect(empty.status == 64, "exit \(empty.status): \(empty.stderr)")
        #expect(empty.stderr.contains("--output"), "\(empty.stderr)")
        let missing = try Fixtures.temporaryDirectory().path + "/no-such-folder"
        let result = try Self.run(["inspect", input, "--output", missing + "/report.txt"])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.hasPrefix("tensoraudit: error: \(missing)/report.txt: ")
                && result.stderr.contains("folder \(missing) does not exist"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        // /proc exists but takes no new file (ENOENT from mkstemp): not "does not exist".
        if FileManager.default.fileExists(atPath: "/proc/self") {
            let proc = try Self.run(["inspect", input, "--output", "/proc/report.txt"])
            #expect(proc.status == 2, "exit \(proc.status): \(proc.stderr)")
            #expect(proc.stderr == "tensoraudit: error: /proc/report.txt: cannot write the report: "
                    + "cannot create a file in the folder /proc: No such file or directory\n", "\(proc.stderr)")
        }
    }

    @Test("every command's --output refuses its input and a device, and leaves the input untouched",
          arguments: ["inspect", "rows", "ties", "padding", "diff"])
    func outputOfEveryCommand(command: String) throws {
        let input = try Fixtures.temporaryFile(Self.valid, name: "m.safetensors")
        let other = try Fixtures.temporaryFile(Self.valid, name: "n.safetensors")
        let head = command == "diff" ? [command, other, input] : [command, input]
        for output in [input, "/dev/null"] {
            let result = try Self.run(head + ["--output", output])
            #expect(result.status == 2, "\(command) --output \(output): exit \(result.status)")
            #expect(result.stderr.contains("refusing"), "\(result.stderr)")
        }
        #expect(FileManager.default.contents(atPath: input) == Data(Self.valid))
        let fresh = try Fixtures.temporaryDirectory().appendingPathComponent("out.txt").path
        #expect([0, 1].contains(try Self.run(head + ["--output", fresh]).status))
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    // MARK: 3. sources that would block: every kind as a FIFO

    /// Builds a checkpoint in which the file at `role` is a FIFO; returns the path to audit.
    static func withFIFO(as role: String) throws -> (arguments: [String], fifo: String) {
        let shard = SafetensorsWriter(entries: [.init(name: "a", dtype: .u8, shape: [2], bytes: [1, 2])]).serialize()
        let dir = try Fixtures.temporaryDirectory().path
        func fifo(_ name: String) -> String {
            let path = dir + "/" + name
            mkfifo(path, 0o644)
            return path
        }
        func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        switch role {
        case "file":
            return (["inspect", fifo("model.safetensors")], dir + "/model.safetensors")
        case "folder model.safetensors":
            return (["inspect", dir], fifo("model.safetensors"))
        case "folder only *.safetensors":
            return (["inspect", dir], fifo("weights.safetensors"))
        case "folder .zst":
            return (["inspect", dir], fifo("model.safetensors.zst"))
        case "zst":
            return (["inspect", fifo("m.safetensors.zst")], dir + "/m.safetensors.zst")
        case "index":
            return (["inspect", dir], fifo("model.safetensors.index.json"))
        case "shard":
            try write("model.safetensors.index.json", index(["a": "s1.safetensors"]))
            return (["audit", dir], fifo("s1.safetensors"))
        case "config.json":
            try write("model.safetensors", shard)
            return (["audit", dir], fifo("config.json"))
        default:  // policy
            try write("model.safetensors", shard)
            return (["audit", dir, "--policy", fifo("policy.json")], dir + "/policy.json")
        }
    }

    @Test("every source kind as a FIFO exits 2 naming it, without blocking",
          arguments: ["file", "folder model.safetensors", "folder only *.safetensors", "folder .zst", "zst",
                      "index", "shard", "config.json", "policy"])
    func fifoSources(role: String) throws {
        let (arguments, fifo) = try Self.withFIFO(as: role)
        let result = try Self.run(arguments)
        if role == "shard" {
            // A shard that cannot be opened stops the audit like any unreadable shard.
            #expect(result.status == 2, "\(result.stderr)")
        } else {
            #expect(result.status == 2, "\(role): exit \(result.status)")
        }
        #expect(result.stderr.contains(fifo) && result.stderr.contains("FIFO"), "\(role): \(result.stderr)")
    }

    @Test("a directory named config.json is refused by name (exit 2), as a FIFO is; one named tokenizer.json is unreadable",
          arguments: ["config.json", "tokenizer.json"])
    func directoryNamedAsFile(name: String) throws {
        let dir = try Self.folder(["model.safetensors": Self.valid])
        try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: false)
        let result = try Self.run(["audit", dir, "--json"])
        if name == "config.json" {
            #expect(result.status == 2, "exit \(result.status)")
            #expect(result.stderr == "tensoraudit: error: \(dir)/config.json: is a directory, not a regular file\n", "\(result.stderr)")
        } else {
            // Tokenizer files are optional evidence: the audit goes on and says it went without.
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("\"rule\": \"tokenizer-unreadable\"") && result.stdout.contains("is a directory"),
                    "\(result.stdout)")
        }
    }

    @Test("a character device as a file, a folder entry and a config is refused (device nodes need root)")
    func devices() throws {
        let dir = try Fixtures.temporaryDirectory().path
        let device = dir + "/model.safetensors"
        // /dev/zero is character device 1:5 on Linux: (major << 8) | minor for small numbers.
        guard mknod(device, S_IFCHR | 0o644, dev_t(1 << 8 | 5)) == 0 else { return }
        for arguments in [["inspect", device], ["inspect", dir]] {
            let result = try Self.run(arguments)
            #expect(result.status == 2 && result.stderr.contains("character device"), "\(result.stderr)")
        }
        let linked = try Fixtures.temporaryDirectory().path
        try FileManager.default.createSymbolicLink(atPath: linked + "/direct.safetensors", withDestinationPath: "/dev/zero")
        let result = try Self.run(["inspect", linked + "/direct.safetensors"])
        #expect(result.status == 2 && result.stderr.contains("character device"), "\(result.stderr)")
    }

    // MARK: 4. links out of the folder

    /// A folder elsewhere holding what a link out of a checkpoint folder would reach: a
    /// safetensors file whose one tensor is called "outside", a config.json and an index.
    static func outsideFolder() throws -> String {
        let outside = SafetensorsWriter(entries: [.init(name: "outside", dtype: .u8, shape: [1], bytes: [9])]).serialize()
        let elsewhere = try Fixtures.temporaryDirectory().path
        try Data(outside).write(to: URL(fileURLWithPath: elsewhere + "/x.safetensors"))
        try Data("{\"pad_token_id\": 1}".utf8).write(to: URL(fileURLWithPath: elsewhere + "/config.json"))
        try Data(Self.index(["outside": "x.safetensors"])).write(to: URL(fileURLWithPath: elsewhere + "/model.safetensors.index.json"))
        return elsewhere
    }

    @Test("a shard, index, config or folder entry that resolves outside the folder is not opened")
    func linksOut() throws {
        let elsewhere = try Self.outsideFolder()
        let link = { (dir: String, name: String, target: String) in
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + name, withDestinationPath: target)
        }
        // Shards: a link to a file outside, and a name through a linked subfolder `sub -> /`.
        let shardLinked = try Self.folder(["model.safetensors.index.json": Self.index(["outside": "x.safetensors"])])
        try link(shardLinked, "x.safetensors", elsewhere + "/x.safetensors")
        let throughSub = try Self.folder(["model.safetensors.index.json": Self.index(["outside": "sub" + elsewhere + "/x.safetensors"])])
        try link(throughSub, "sub", "/")
        for dir in [shardLinked, throughSub] {
            let result = try Self.run(["audit", dir, "--format", "json"])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stdout.contains("index-invalid-path") && result.stdout.contains("outside the folder"), "\(result.stdout)")
            let inspect = try Self.run(["inspect", dir, "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
            #expect((report["tensors"] as? [Any])?.isEmpty == true, "the outside shard was opened: \(inspect.stdout)")
        }
        // Folder entries and config.json: fatal, naming the file.
        for (name, target) in [("model.safetensors", "/x.safetensors"), ("weights.safetensors", "/x.safetensors"),
                               ("model.safetensors.index.json", "/model.safetensors.index.json"), ("config.json", "/config.json")] {
            let dir = try Self.folder(name == "config.json" ? ["model.safetensors": Self.valid] : [:])
            try link(dir, name, elsewhere + target)
            let result = try Self.run(["inspect", dir])
            #expect(result.status == 2, "\(name): exit \(result.status)")
            #expect(result.stderr.contains(name) && result.stderr.contains("outside the folder"), "\(name): \(result.stderr)")
        }
        // Links that stay inside the folder are followed.
        let inside = try Self.folder(["real/model.bin": Self.valid])
        try link(inside, "model.safetensors", "real/model.bin")
        #expect(try Self.run(["inspect", inside]).status == 0)
    }

    /// A chain of links whose resolved path is longer than PATH_MAX: `realpath` fails on it
    /// (ENAMETOOLONG) while `open` follows it link by link. The boundary check took a failed
    /// `realpath` for a missing file and let `open` go ahead (adversarial sweep, 2026-12-04).
    @Test("a link whose real path is too long to resolve is refused, not followed out of the folder")
    func linkTooLongToResolve() throws {
        let elsewhere = try Self.outsideFolder()
        // Two deep folders of 200-character names: 12 levels (2,412 bytes) holding a 13-level
        // one (2,613 bytes), so the resolved path of `next` is over 5,000 bytes (PATH_MAX: 4,096).
        let name = String(repeating: "c", count: 200)
        let outer = Array(repeating: name, count: 12).joined(separator: "/")
        let inner = Array(repeating: name, count: 13).joined(separator: "/")
        for (entry, target) in [("config.json", "/config.json"), ("model.safetensors", "/x.safetensors")] {
            let dir = try Self.folder(entry == "config.json" ? ["model.safetensors": Self.valid] : [:])
            let deep = dir + "/d/" + outer
            try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
            // The inner folders are made one level at a time from a descriptor: their full path
            // is too long for mkdir.
            var fd = open(deep, O_RDONLY | O_DIRECTORY)
            for _ in 0..<13 {
                #expect(mkdirat(fd, name, 0o755) == 0)
                let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
                close(fd)
                fd = next
            }
            #expect(symlinkat(elsewhere + target, fd, "final") == 0)
            close(fd)
            try FileManager.default.createSymbolicLink(atPath: deep + "/next", withDestinationPath: inner + "/final")
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + entry, withDestinationPath: "d/" + outer + "/next")
            #expect(realpath(dir + "/" + entry, nil) == nil && errno == ENAMETOOLONG, "the chain must defeat realpath")
            let result = try Self.run(["inspect", dir, "--json"])
            #expect(result.status == 2, "\(entry): exit \(result.status) \(result.stdout)")
            #expect(result.stderr.contains(entry) && result.stderr.contains("cannot be resolved"), "\(entry): \(result.stderr)")
            #expect(!result.stdout.contains("outside"), "\(entry): the outside file was read: \(result.stdout)")
        }
    }

    /// A repo folder `name` laid out as `huggingface_hub` caches one: `blobs/0f1e` holding the
    /// valid file, and `snapshots/abc123/model.safetensors` a link to `../../blobs/0f1e`.
    static func cacheLayout(named name: String) throws -> String {
        let repo = try Fixtures.temporaryDirectory().appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: repo + "/blobs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repo + "/snapshots/abc123", withIntermediateDirectories: true)
        try Data(Self.valid).write(to: URL(fileURLWithPath: repo + "/blobs/0f1e"))
        try FileManager.default.createSymbolicLink(atPath: repo + "/snapshots/abc123/model.safetensors", withDestinationPath: "../../blobs/0f1e")
        return repo
    }

    /// `/proc/self/fd/0` is a "magic" link: `open` reaches whatever the descriptor holds, while
    /// `realpath` fails with ENOENT when that file was deleted (its link text ends in
    /// " (deleted)"). The boundary took the failure for a missing file, and the file outside the
    /// folder was read (adversarial re-check, 2026-12-04).
    @Test("a link through /proc to a deleted file outside the folder is refused, not read",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "needs /proc (Linux)"))
    func procMagicLink() throws {
        let elsewhere = try Self.outsideFolder()
        for entry in ["model.safetensors", "config.json"] {
            let dir = try Self.folder(entry == "config.json" ? ["model.safetensors": Self.valid] : [:])
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + entry, withDestinationPath: "/proc/self/fd/0")
            // The child's standard input: a copy of the outside file, deleted before the run.
            let source = elsewhere + (entry == "config.json" ? "/config.json" : "/x.safetensors")
            let copy = elsewhere + "/stdin-" + entry
            try FileManager.default.copyItem(atPath: source, toPath: copy)
            let result = try Self.run([dir, copy], shell: "exec < \"$2\" && rm \"$2\" && exec \"$TENSORAUDIT\" inspect \"$1\" --json")
            #expect(!FileManager.default.fileExists(atPath: copy), "the copy was not deleted first")
            #expect(result.status == 2, "\(entry): exit \(result.status) \(result.stdout)")
            #expect(result.stderr.contains(entry) && result.stderr.contains("cannot be checked against the folder"), "\(entry): \(result.stderr)")
            #expect(!result.stdout.contains("outside"), "\(entry): the outside file was read: \(result.stdout)")
        }
    }

    @Test("a config.json or tokenizer.json that is a loop of links is reported by name, not taken for absent")
    func loopedFiles() throws {
        let dir = try Self.folder(["model.safetensors": Self.valid])
        try FileManager.default.createSymbolicLink(atPath: dir + "/config.json", withDestinationPath: "config.json")
        let config = try Self.run(["padding", dir])
        #expect(config.status == 2 && config.stderr.contains("config.json") && config.stderr.contains("symbolic links"),
                "exit \(config.status): \(config.stderr)")
        try FileManager.default.removeItem(atPath: dir + "/config.json")
        try FileManager.default.createSymbolicLink(atPath: dir + "/tokenizer.json", withDestinationPath: "tokenizer.json")
        let tokenizer = try Self.run(["padding", dir])
        #expect(tokenizer.status == 0, "exit \(tokenizer.status): \(tokenizer.stderr)")
        #expect(tokenizer.stdout.contains("tokenizer.json") && tokenizer.stdout.contains("symbolic links"), "\(tokenizer.stdout)")
    }

    @Test("a snapshots/<rev> folder outside a Hugging Face cache repo gets no blobs exception")
    func snapshotsOutsideCache() throws {
        let repo = try Self.cacheLayout(named: "not-a-cache")
        let refused = try Self.run(["inspect", repo + "/snapshots/abc123"])
        #expect(refused.status == 2 && refused.stderr.contains("outside the folder"), "\(refused.stderr)")
    }

    @Test("a Hugging Face cache snapshot (links into ../../blobs) is read")
    func huggingFaceCache() throws {
        let repo = try Self.cacheLayout(named: "models--org--name")
        try Data("{\"pad_token_id\": 0}".utf8).write(to: URL(fileURLWithPath: repo + "/blobs/9a8b"))
        try FileManager.default.createSymbolicLink(atPath: repo + "/snapshots/abc123/config.json", withDestinationPath: "../../blobs/9a8b")
        let result = try Self.run(["padding", repo + "/snapshots/abc123", "--tensor", "emb", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"pad_id_source\": \"config\""), "\(result.stdout)")
        // A `blobs` that is itself a link does not widen the boundary.
        let fake = try Fixtures.temporaryDirectory().appendingPathComponent("models--evil--x").path
        try FileManager.default.createDirectory(atPath: fake + "/snapshots/r", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fake + "/blobs", withDestinationPath: repo + "/blobs")
        try FileManager.default.createSymbolicLink(atPath: fake + "/snapshots/r/model.safetensors", withDestinationPath: "../../blobs/0f1e")
        let refused = try Self.run(["inspect", fake + "/snapshots/r"])
        #expect(refused.status == 2 && refused.stderr.contains("outside the folder"), "\(refused.stderr)")
    }

    @Test("a subfolder of a Hugging Face cache snapshot (diffusers' unet/, links into ../../../blobs) is read")
    func huggingFaceCacheSubfolder() throws {
        let repo = try Self.cacheLayout(named: "models--org--pipeline")
        try FileManager.default.createDirectory(atPath: repo + "/snapshots/abc123/unet", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo + "/snapshots/abc123/unet/diffusion_pytorch_model.safetensors",
                                                   withDestinationPath: "../../../blobs/0f1e")
        let result = try Self.run(["inspect", repo + "/snapshots/abc123/unet", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"emb\""), "\(result.stdout)")
        // Not for a subfolder of a snapshots/<rev> outside a cache repo, nor for `snapshots` itself
        // (no revision below it).
        let plain = try Self.cacheLayout(named: "not-a-cache")
        try FileManager.default.createDirectory(atPath: plain + "/snapshots/abc123/unet", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: plain + "/snapshots/abc123/unet/model.safetensors",
                                                   withDestinationPath: "../../../blobs/0f1e")
        let refused = try Self.run(["inspect", plain + "/snapshots/abc123/unet"])
        #expect(refused.status == 2 && refused.stderr.contains("outside the folder"), "\(refused.stderr)")
        try FileManager.default.createSymbolicLink(atPath: repo + "/snapshots/model.safetensors", withDestinationPath: "../blobs/0f1e")
        let top = try Self.run(["inspect", repo + "/snapshots"])
        #expect(top.status == 2 && top.stderr.contains("outside the folder"), "\(top.stderr)")
    }

    /// Swift's `String` turns every byte sequence that is not UTF-8 into U+FFFD, so `\xff` and
    /// `\xfe` were the same folder name to the boundary, and a link into the sibling was read
    /// (adversarial sweep, 2026-12-04). The names are made by the shell: `FileManager` cannot
    /// spell them.
    @Test("sibling folders whose names differ only in bytes that are not UTF-8 are different folders",
          arguments: [
            // A folder `\xff` whose model is a link into its sibling `\xfe`.
            #"mkdir "$1/$ff" "$1/$fe"; cp "$1/outside.safetensors" "$1/$fe/model.safetensors"; "#
                + #"ln -s "../$fe/model.safetensors" "$1/$ff/model.safetensors"; cd "$1/$ff""#,
            // A Hugging Face cache repo `models--\xff` linking into the blobs of `models--<U+FFFD>`.
            #"mkdir -p "$1/models--$ff/snapshots/r" "$1/models--$(printf '\357\277\275')/blobs"; "#
                + #"cp "$1/outside.safetensors" "$1/models--$(printf '\357\277\275')/blobs/x"; "#
                + #"ln -s "../../../models--$(printf '\357\277\275')/blobs/x" "$1/models--$ff/snapshots/r/model.safetensors"; "#
                + #"cd "$1/models--$ff/snapshots/r""#,
          ])
    func bytesThatAreNotUTF8(layout: String) throws {
        let base = try Fixtures.temporaryDirectory().path
        let outside = SafetensorsWriter(entries: [.init(name: "outside_tensor", dtype: .u8, shape: [1], bytes: [9])]).serialize()
        try Data(outside).write(to: URL(fileURLWithPath: base + "/outside.safetensors"))
        let script = #"set -e; ff="$(printf '\377')"; fe="$(printf '\376')"; "# + layout + #"; exec "$TENSORAUDIT" inspect ."#
        let result = try Self.run([base], shell: script)
        #expect(result.status == 2, "exit \(result.status): \(result.stdout)")
        #expect(result.stderr.contains("outside the folder"), "\(result.stderr)")
        #expect(!result.stdout.contains("outside_tensor"), "the sibling's file was read: \(result.stdout)")
    }

    @Test("--output in a folder whose name is not UTF-8 replaces that folder's file, not its U+FFFD twin's")
    func outputUnderBytesThatAreNotUTF8() throws {
        let base = try Fixtures.temporaryDirectory().path
        let script = #"set -e; ff="$(printf '\377')"; twin="$(printf '\357\277\275')"; mkdir "$1/$ff" "$1/$twin"; "#
            + #"echo old > "$1/$ff/r.json"; echo old > "$1/$twin/r.json"; cd "$1/$ff"; "#
            + #""$TENSORAUDIT" inspect "$2" --json --output r.json; "#
            + #"printf 'here:'; head -c 1 r.json; printf ' twin:'; cat "../$twin/r.json""#
        let result = try Self.run([base, Fixtures.path("toy-bert/model.safetensors")], shell: script)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "here:{ twin:old\n", "\(result.stdout)")
    }

    @Test("a folder without weights whose subfolder holds them: the error names the subfolder; a link to one is not followed")
    func weightsOneLevelDown() throws {
        let base = try Fixtures.temporaryDirectory().path
        let make = #"set -e; mkdir -p "$1/pkg/model" "$1/pkg/docs" "$1/outside/m" "$1/linked"; "#
            + #"cp "$2" "$1/pkg/model/model.safetensors"; cp "$2" "$1/outside/m/model.safetensors"; ln -s "$1/outside/m" "$1/linked/m""#
        #expect(try Self.run([base, Fixtures.path("toy-bert/model.safetensors")], shell: make).status == 0)
        let result = try CLI.run(["inspect", base + "/pkg"])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix("; weights are in its subfolder \"\(base)/pkg/model\": name that folder\n"), "\(result.stderr)")
        let linked = try CLI.run(["inspect", base + "/linked"])
        #expect(linked.status == 2 && !linked.stderr.contains("subfolder"), "\(linked.stderr)")
    }

    @Test("a Hugging Face Hub cache folder (blobs/, refs/main, snapshots/REV of links into blobs): the error names the snapshot refs/main names")
    func hubCacheFolder() throws {
        let base = try Fixtures.temporaryDirectory().path
        // The layout huggingface_hub writes: snapshots/REV/FILE links to ../../blobs/HASH.
        let make = #"set -e; r="$1/models--org--m"; mkdir -p "$r/blobs" "$r/refs" "$r/snapshots/abc123" "$r/snapshots/old999"; "#
            + #"cp "$2" "$r/blobs/h1"; ln -s ../../blobs/h1 "$r/snapshots/abc123/model.safetensors"; printf abc123 > "$r/refs/main"; "#
            + #"mkdir -p "$1/no-ref/blobs" "$1/no-ref/refs" "$1/no-ref/snapshots/r1" "$1/no-ref/snapshots/r2" "$1/no-ref/snapshots/cfg"; "#
            + #"cp "$2" "$1/no-ref/snapshots/r1/model.safetensors"; cp "$2" "$1/no-ref/snapshots/r2/model.safetensors"; "#
            + #"echo '{}' > "$1/no-ref/snapshots/cfg/config.json"; printf cfg > "$1/no-ref/refs/main"; "#
            // Neither a snapshot of training_args.bin alone nor one linking to a missing blob holds weights (hunt-59e P2).
            + #"mkdir -p "$1/no-ref/snapshots/args" "$1/no-ref/snapshots/gone"; cp "$2" "$1/no-ref/snapshots/args/training_args.bin"; "#
            + #"ln -s ../../blobs/missing "$1/no-ref/snapshots/gone/model.safetensors""#
        #expect(try Self.run([base, Fixtures.path("toy-bert/model.safetensors")], shell: make).status == 0)
        let root = base + "/models--org--m"
        let result = try CLI.run(["inspect", root])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix("; it is a Hugging Face Hub cache folder, whose refs/main names the snapshot \"abc123\": name \"\(root)/snapshots/abc123\"\n"),
                "\(result.stderr)")
        #expect(try CLI.run(["inspect", root + "/snapshots/abc123"]).status == 0)
        // refs/main names a snapshot of config files alone: the snapshots holding weights are listed (hunt-59c P9).
        let noRef = try CLI.run(["inspect", base + "/no-ref"])
        #expect(noRef.stderr.contains("; it is a Hugging Face Hub cache folder: name one of its snapshots (\"\(base)/no-ref/snapshots/r1\", \"\(base)/no-ref/snapshots/r2\")"),
                "\(noRef.stderr)")
    }

    @Test("a checkpoint file whose name is not UTF-8 is skipped and said, not reported as missing")
    func fileNameNotUTF8() throws {
        let base = try Fixtures.temporaryDirectory().path
        try Data(Self.valid).write(to: URL(fileURLWithPath: base + "/valid.safetensors"))
        let make = #"set -e; mkdir "$1/only" "$1/beside"; cp "$1/valid.safetensors" "$1/only/a$(printf '\377').safetensors"; "#
            + #"cp "$1/valid.safetensors" "$1/beside/a$(printf '\377').safetensors"; cp "$1/valid.safetensors" "$1/beside/model.safetensors""#
        #expect(try Self.run([base], shell: make).status == 0)
        let only = try Self.run(["inspect", base + "/only"])
        #expect(only.status == 2, "\(only.stdout)")
        #expect(only.stderr.contains("the folder holds no model.safetensors") && only.stderr.contains("1 file name(s) that are not UTF-8 were skipped"),
                "\(only.stderr)")
        #expect(!only.stderr.contains("No such file"), "\(only.stderr)")
        let beside = try Self.run(["inspect", base + "/beside", "--json"])
        #expect(beside.status == 0 && beside.stdout.contains("\"emb\""), "\(beside.stderr)")
        // Named on the command line: a usage error saying so, not "No such file or directory".
        let named = try Self.run([base], shell: #"exec "$TENSORAUDIT" inspect "$1/only/a$(printf '\377').safetensors""#)
        #expect(named.status == 64, "\(named.stdout)")
        #expect(named.stderr.hasPrefix("tensoraudit: error: argument 2 (") && named.stderr.contains("is not UTF-8"), "\(named.stderr)")
    }

    @Test("a file that is not safetensors is named for what it looks like, not by a header length",
          arguments: [("PK\u{3}\u{4}rest-of-zip", "zip archive"), ("GGUF\u{3}\u{0}\u{0}\u{0}xxxxxxxx", "GGUF"),
                      ("{\"a\": 1, \"b\": 2}\n", "JSON text"), ("hello world, plain text\n", "text"),
                      ("version https://git-lfs.github.com/spec/v1\n", "Git LFS pointer"),
                      // A BERT vocab.txt opens with a bracket, yet is no JSON; a JSON array is.
                      ("[PAD]\n[unused0]\n[CLS]\n", "text"), ("[1, 2, 3]\n", "JSON text"),
                      // After a UTF-8 byte order mark, as Windows editors save text.
                      ("\u{FEFF}[PAD]\n[unused0]\n", "text")])
    func notSafetensors(content: String, what: String) throws {
        let path = try Fixtures.temporaryFile(Array(content.utf8))
        let result = try Self.run(["inspect", path])
        #expect(result.status == 2)
        // A zip is read as a torch checkpoint and GGUF as GGUF (by content): their readers' errors.
        let named = what == "zip archive" || what == "GGUF" || result.stderr.contains("not a safetensors file")
        #expect(named && result.stderr.contains(what), "\(result.stderr)")
        #expect(!result.stderr.contains("header length"), "\(result.stderr)")
        if what == "text" { #expect(!result.stderr.contains("JSON"), "\(result.stderr)") }
    }

    // MARK: 5. lost output

    @Test("a report that cannot be written (stdout on /dev/full, stdout closed) exits 2 with a message",
          arguments: ["> /dev/full", ">&-"])
    func lostOutput(redirection: String) throws {
        let path = try Fixtures.temporaryFile(Self.valid)
        for command in ["inspect", "audit", "ties", "rows"] {
            let result = try Self.run([command, path], shell: "exec \"$TENSORAUDIT\" \"$@\" \(redirection)")
            #expect(result.status == 2, "\(command) \(redirection): exit \(result.status)")
            #expect(result.stderr.contains("standard output"), "\(command): \(result.stderr)")
        }
    }

    @Test("a report over the file-size limit (ulimit -f) exits 2 with a message, leaves no temporary file, and keeps the target",
          arguments: ["--output", ">"])
    func fileSizeLimit(target: String) throws {
        let path = try Fixtures.temporaryFile(Self.valid)
        let folder = try Fixtures.temporaryDirectory().path
        let report = folder + "/report.json"
        try Data("old report\n".utf8).write(to: URL(fileURLWithPath: report))
        // 1 block (512 or 1024 bytes) admits the old report, not the new one (its rows, as JSON).
        // SIGXFSZ back to its default (`env --default-signal`, GNU coreutils): a test runner
        // may start its children with it ignored, which would hide the kill.
        let shell = "ulimit -f 1; exec env --default-signal=XFSZ \"$TENSORAUDIT\" rows \"$1\" --json \(target) \"$2\""
        let result = try Self.run([path, report], shell: shell)
        #expect(!result.crashed && result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("File too large"), "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        if target == "--output" {
            #expect(left == ["report.json"], "\(left)")
            #expect(try String(contentsOfFile: report, encoding: .utf8) == "old report\n")
        }
    }

    @Test("a 3 GiB sparse config.json, index or tokenizer.json under ulimit -v 2000000: the size limit's message, not a failed mmap (hunt-60a)",
          arguments: [("config.json", "config.json is 3221225472 bytes, over the limit of"),
                      ("model.safetensors.index.json", "index is 3221225472 bytes, over the limit of"),
                      ("tokenizer.json", "the tokenizer file is 3221225472 bytes, over the limit of")])
    func oversizeSmallFileUnderAddressLimit(name: String, message: String) throws {
        let files: [String: [UInt8]] = name == "model.safetensors.index.json" ? ["model-00001-of-00001.safetensors": Self.valid] : ["model.safetensors": Self.valid]
        let dir = try Self.folder(files)
        let big = dir + "/" + name
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: big))
        try handle.truncate(atOffset: 3 << 30)  // sparse: no disk space taken
        try handle.close()
        let result = try Self.run(["audit", dir, "--json"], shell: "ulimit -v 2000000; exec \"$TENSORAUDIT\" \"$@\"")
        #expect(!result.crashed, "\(result.stderr)")
        let everything = result.stdout + result.stderr
        #expect(everything.contains(message) && !everything.contains("cannot mmap"), "\(name): \(everything.prefix(2000))")
    }

    @Test("all-MiniLM-L6-v2's tokenizer files beside a 47 MB embedding under ulimit -v 220000: audit runs (malloc arenas beyond glibc's main one reserved 64 MiB each, and it died)")
    func tokenizerBesideLargeMatrixUnderAddressLimit() throws {
        // The tokenizer.json parse runs on a thread of its own beside the scan's: with an arena
        // per thread the run reserved >250 MB of address space and died in that parse (exit 134,
        // or 139 when the runtime's error report itself ran out); one arena (`HeapPolicy.arenas`)
        // runs it under 150 MB. The real all-MiniLM-L6-v2 folder behaved the same (its weights
        // are not committed).
        let dir = try Fixtures.temporaryDirectory().path
        for name in ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.path("real/all-minilm-l6-v2/" + name), toPath: dir + "/" + name)
        }
        let quarter = withUnsafeBytes(of: Float(0.25).bitPattern.littleEndian, Array.init)
        let bytes = [[UInt8]](repeating: quarter, count: 30_522 * 384).flatMap { $0 }
        try Data(SafetensorsWriter(entries: [.init(name: "embeddings.word_embeddings.weight", dtype: .f32, shape: [30_522, 384], bytes: bytes)])
            .serialize()).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let result = try Self.run(["audit", dir, "--json"], shell: "ulimit -v 220000; exec \"$TENSORAUDIT\" \"$@\"")
        #expect(!result.crashed && result.status == 0, "\(result.status) \(result.stderr.prefix(2000))")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((report?["checkpoint"] as? [String: Any])?["tensors"] as? Int == 1, "\(result.stdout.prefix(500))")
    }

    @Test("diff A B --output A, both in one folder: refused as the input A itself, not as a file in B's folder (hunt-61b P2); A untouched")
    func diffOutputOntoFirstInput() throws {
        let dir = try Self.folder(["ea.safetensors": Self.valid, "eb.safetensors": Self.valid])
        let a = dir + "/ea.safetensors", b = dir + "/eb.safetensors"
        let result = try Self.run(["diff", a, b, "--json", "--output", a])
        #expect(result.status == 2 && result.stderr.contains("is the input \(a) (same file)") && !result.stderr.contains("in the folder of the input"),
                "\(result.status) \(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(Self.valid))
        // B unreadable: the error report is refused the same way, naming A (hunt-61c P4).
        let bad = dir + "/bad.safetensors"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: bad))
        let failed = try Self.run(["diff", a, bad, "--json", "--output", a])
        #expect(failed.status == 2 && failed.stderr.contains("the error report was not written: it is the input \(a)")
                && !failed.stderr.contains("in the folder of the input"), "\(failed.status) \(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(Self.valid))
    }

    /// Whether process `pid` has a file open in `folder`: the report's temporary file, named
    /// (`.tensoraudit-report-…`) or not (`O_TMPFILE`, which /proc shows as `folder/#N (deleted)`).
    static func writes(into folder: String, pid: Int32) -> Bool {
        let fds = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? []
        return entries.contains { entry in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: fds + "/" + entry))?.hasPrefix(folder + "/") == true
        }
    }

    @Test("SIGTERM or SIGKILL while a report is written to --output: the process ends by the signal, no temporary file is left, the target is untouched",
          arguments: [SIGTERM, SIGKILL])
    func terminatedWhileWriting(signal: Int32) throws {
        // A 262,144-row matrix: `rows --json` writes a report of ~100 MB, row by row, into a
        // temporary file beside the target, for long enough to be caught at it. SIGKILL cannot
        // be handled: the file is an unnamed one until the rename (a named one stayed).
        let rows = 262_144
        let values = [UInt8](repeating: 0x3F, count: rows * 4 * 4)
        let input = try Fixtures.temporaryFile(SafetensorsWriter(entries: [.init(name: "emb", dtype: .f32, shape: [UInt64(rows), 4], bytes: values)]).serialize())
        let folder = try Fixtures.temporaryDirectory().path
        let target = folder + "/report.json"
        try Data("old report\n".utf8).write(to: URL(fileURLWithPath: target))
        let process = Process()
        // SIGTERM back to its default (`env --default-signal`, GNU coreutils): a test runner may
        // start its children with it ignored, and an ignored signal is left ignored.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=TERM", CLI.binaryPath, "rows", input, "--tensor", "emb", "--json", "--output", target]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it writes into the folder (at most 60 s), then send the signal.
        var seen = false
        for _ in 0 ..< 60_000 {
            seen = Self.writes(into: folder, pid: process.processIdentifier)
            if seen || !process.isRunning { break }
            usleep(1_000)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(seen, "no temporary file was opened")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                "\(process.terminationReason) \(process.terminationStatus)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old report\n")
    }

    static let hasStrace = FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")

    @Test("a system that refuses to link the unnamed report file (strace injects EPERM into linkat): the report is copied into a named one, the same bytes, no temporary file left",
          .enabled(if: hasStrace, "needs strace(1) to inject the error"))
    func unnamedFileNotLinked() throws {
        let folder = try Fixtures.temporaryDirectory().path
        let target = folder + "/report.json"
        let arguments = ["rows", Fixtures.path("toy-bert"), "--tensor", "bert.embeddings.word_embeddings.weight", "--json"]
        let quoted = ([CLI.binaryPath] + arguments + ["--output", target]).map { "'\($0)'" }.joined(separator: " ")
        let injected = try CLI.run([], shell: "exec /usr/bin/strace -f -o /dev/null -e inject=linkat:error=EPERM \(quoted)")
        #expect(injected.status == 0, "\(injected.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == (try CLI.run(arguments)).stdout)
    }

    // MARK: 6. config ids

    @Test("pad_token_id that is not a JSON integer in range is a note and a finding, never a row",
          arguments: ["18446744073709551617", "1.5", "true", "\"3\"", "-9223372036854775809", "1e0", "[1.5]", "{}"])
    func looseIDs(value: String) throws {
        let dir = try Self.folder(["model.safetensors": Self.valid,
                                   "config.json": Array("{\"pad_token_id\": \(value)}".utf8)])
        let padding = try Self.run(["padding", dir, "--tensor", "emb", "--json"])
        #expect(padding.status == 0, "\(padding.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(padding.stdout.utf8)) as? [String: Any])
        #expect((report["embeddings"] as? [Any])?.isEmpty == true, "\(value) was taken as a row: \(padding.stdout)")
        #expect((report["notes"] as? [String])?.contains { $0.contains("not a token id") } == true, "\(report)")
        let audit = try Self.run(["audit", dir, "--format", "json"])
        #expect(audit.stdout.contains("config-invalid-value"), "\(audit.stdout)")
        // A policy can make it fail.
        let policy = try Fixtures.temporaryFile(Array("{\"rules\": {\"config-invalid-value\": {\"severity\": \"error\"}}}".utf8), name: "p.json")
        #expect(try Self.run(["audit", dir, "--policy", policy]).status == 1)
    }

    /// Config ids transformers itself warns of or refuses, that still name a row: `-1` is the
    /// row nn.Embedding counts from the end (padding_idx -1 of 4 rows is row 3); a list, which
    /// transformers 4 loaded and 5.25's AutoConfig refuses (StrictDataclassFieldValidationError,
    /// review 2026-12-05), names its first element. Each is analysed, and a config-invalid-value
    /// says what transformers makes of it.
    @Test("pad_token_id -1 (vocab_size 4) is row 3, a list [3, 4] is row 3; each also a config-invalid-value saying why",
          arguments: [(#"-1, "vocab_size": 4"#, "counts a negative padding_idx from the end"), ("[3, 4]", "transformers 5.25 refuses such a config for 357 model types"),
                      (#"[-1], "vocab_size": 4"#, "transformers 5.25 refuses such a config for 357 model types")])
    func idsTransformersWarnsOf(value: String, explanation: String) throws {
        let dir = try Self.folder(["model.safetensors": Self.valid, "config.json": Array("{\"pad_token_id\": \(value)}".utf8)])
        let result = try Self.run(["padding", dir, "--tensor", "emb", "--json"])
        #expect(result.stdout.contains("\"pad_id\": 3,") && result.stdout.contains("\"pad_id_source\": \"config\""), "\(result.stdout)")
        let audit = try Self.run(["audit", dir, "--format", "json"])
        #expect(audit.stdout.contains("config-invalid-value") && audit.stdout.contains(explanation), "\(audit.stdout)")
        // The evidence says what is done instead (`use`), as README "JSON reports" says (helper-148).
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let finding = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "config-invalid-value" })
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["key"] as? String == "pad_token_id")
        #expect((evidence["use"] as? String)?.contains(explanation) == true, "\(evidence)")
    }

    /// transformers warns of pad_token_id = vocab_size, and LlamaForCausalLM(config) fails
    /// ("Padding_idx must be within num_embeddings"): a config-invalid-value, no row.
    @Test("pad_token_id equal to vocab_size is a config-invalid-value and no row")
    func idAtVocabularySize() throws {
        let dir = try Self.folder(["model.safetensors": Self.valid, "config.json": Array("{\"pad_token_id\": 4, \"vocab_size\": 4}".utf8)])
        let audit = try Self.run(["audit", dir, "--format", "json"])
        #expect(audit.stdout.contains("config-invalid-value") && audit.stdout.contains("below vocab_size (4)"), "\(audit.stdout)")
        let padding = try Self.run(["padding", dir, "--tensor", "emb", "--json"])
        #expect(!padding.stdout.contains("\"pad_id\": 4,"), "\(padding.stdout)")
    }

    @Test("pad_token_id 3 in a 4-row matrix is row 3, from config.json (the control)")
    func validID() throws {
        let dir = try Self.folder(["model.safetensors": Self.valid, "config.json": Array("{\"pad_token_id\": 3}".utf8)])
        let result = try Self.run(["padding", dir, "--tensor", "emb", "--json"])
        #expect(result.stdout.contains("\"pad_id\": 3,") && result.stdout.contains("\"pad_id_source\": \"config\""), "\(result.stdout)")
    }

    // MARK: 7. cost proportional to the input

    @Test("six U8 [1048576, 1] tensors: statistics for the first only (budget max(1048576, 6 MiB / 16)), the rest skipped with the reason")
    func rowBudget() throws {
        let rows = 1 << 20
        var random = SeededRandom(seed: 13)
        let entries = (0..<6).map { i in
            SafetensorsWriter.Entry(name: "t\(i)", dtype: .u8, shape: [UInt64(rows), 1],
                                    bytes: (0..<rows).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        let result = try Self.run(["rows", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let analysed = (report["tensors"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String }
        let skipped = (report["skipped"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String }
        #expect(analysed == ["t0"])
        #expect(skipped == ["t1", "t2", "t3", "t4", "t5"])
        #expect(result.stdout.contains("budget of 1048576 rows"), "\(result.stdout.prefix(2000))")
        // The audit still finds ties among the skipped tensors through fingerprints.
        #expect([0, 1].contains(try Self.run(["audit", path]).status))
    }

    @Test("zstd bombs without a declared size stop at their header, before a 512 MiB cap",
          arguments: [("bomb-bad-header", "header length 18446744073709551615 exceeds the limit"),
                      ("bomb-trailing", "runs past the 72 bytes its safetensors header declares")])
    func zstdBombs(name: String, message: String) throws {
        let path = Fixtures.path("sources/zstd/\(name).safetensors.zst")
        for command in ["inspect", "audit"] {
            let result = try Self.run([command, path], environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": "536870912"])
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("cap"), "decoded up to the cap: \(result.stderr)")
        }
    }

    @Test("an invalid TENSORAUDIT_MAX_DECOMPRESSED_BYTES is an error, not the default",
          arguments: ["abc", "-1", "", "0", "68719476737", "1e9", " 5"])
    func invalidCap(value: String) throws {
        let result = try Self.run(["inspect", Fixtures.path("toy-bert/model.safetensors")],
                                  environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": value])
        #expect(result.status == 2)
        #expect(result.stderr.contains("TENSORAUDIT_MAX_DECOMPRESSED_BYTES"), "\(result.stderr)")
    }

    // MARK: 8. deviations

    @Test("numbers in unknown fields: the same verdict as safetensors 0.8, file by file")
    func numbersLikeReference() throws {
        let rows = try Fixtures.tsv("hardening/reference.tsv")
        #expect(rows.count == 10)
        for row in rows where row[0].hasPrefix("number-") {
            let result = try Self.run(["inspect", Fixtures.path("hardening/\(row[0])")])
            #expect(result.status == (row[1] == "ok" ? 0 : 2), "\(row[0]): \(result.stderr) (reference: \(row[2]))")
            if row[1] == "error" { #expect(result.stderr.contains("number out of range"), "\(result.stderr)") }
        }
    }

    @Test("row_length of a [0, 4] tensor is 4, as numpy's shape[1:] says")
    func zeroRowLength() throws {
        let rows = try Fixtures.tsv("hardening/reference.tsv")
        let expected = try #require(rows.first { $0[0] == "zero-rows.safetensors" }?[3])
        let result = try Self.run(["rows", Fixtures.path("hardening/zero-rows.safetensors"), "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensor = try #require((report["tensors"] as? [[String: Any]])?.first)
        #expect((tensor["row_length"] as? Int).map(String.init) == expected)
        #expect(tensor["rows"] as? Int == 0)
    }

    @Test("an index with an empty weight_map is a warning that nothing was checked; a policy makes it fail")
    func emptyIndex() throws {
        let dir = try Self.folder(["model.safetensors.index.json": Array("{\"metadata\": {}, \"weight_map\": {}}".utf8)])
        let result = try Self.run(["audit", dir, "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("index-empty") && result.stdout.contains("nothing was checked"), "\(result.stdout)")
        let policy = try Fixtures.temporaryFile(Array("{\"rules\": {\"index-empty\": {\"severity\": \"error\"}}}".utf8), name: "p.json")
        #expect(try Self.run(["audit", dir, "--policy", policy]).status == 1)
        let rules = try Self.ruleIDs(result.stdout)
        #expect(rules == ["index-empty"], "the empty index already says why: no second finding")
    }

    /// The rule ids of an `audit --format json` report.
    static func ruleIDs(_ json: String) throws -> [String] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    @Test("a file with no tensors (header {}, a vocabulary-only GGUF file) is a warning that no weight was checked; a policy makes it fail",
          arguments: ["edge/empty-header.safetensors", "real/ggml-vocab/ggml-vocab-phi-3.gguf"])
    func noTensors(_ fixture: String) throws {
        let result = try Self.run(["audit", Fixtures.path(fixture), "--format", "json"])
        #expect(result.status == 0)
        #expect(try Self.ruleIDs(result.stdout).contains("no-tensors"), "\(result.stdout)")
        let text = try Self.run(["audit", Fixtures.path(fixture)])
        #expect(text.stdout.contains("no-tensors") && text.stdout.contains("no weight was checked"), "\(text.stdout)")
        let policy = try Fixtures.temporaryFile(Array("{\"rules\": {\"no-tensors\": {\"severity\": \"error\"}}}".utf8), name: "p.json")
        #expect(try Self.run(["audit", Fixtures.path(fixture), "--policy", policy]).status == 1)
        // One finding says nothing was checked; padding-unchecked does not repeat it.
        #expect(try !Self.ruleIDs(result.stdout).contains("padding-unchecked"), "\(result.stdout)")
        // A file with tensors, if only empty ones, is not "no tensors".
        let empty = try Self.run(["audit", Fixtures.path("edge/empty-tensors.safetensors"), "--format", "json"])
        #expect(try !Self.ruleIDs(empty.stdout).contains("no-tensors"), "\(empty.stdout)")
    }
}
