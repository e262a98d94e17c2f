import Foundation
import Testing
import TestSupport

/// One output-options group for every command: `--format`, `--json` as its short form, and
/// `--output FILE`, with the old spellings still accepted.
@Suite struct OutputOptionsTests {
    static let model = Fixtures.path("toy-bert/model.safetensors")

    static let commands: [[String]] = [
        ["inspect", model], ["padding", model], ["ties", model], ["rows", model], ["audit", model],
        ["diff", model, Fixtures.path("toy-bert-sharded")],
    ]

    @Test("--json and --format json write the same report, and it is JSON", arguments: commands)
    func jsonSpellings(command: [String]) throws {
        let short = try CLI.run(command + ["--json"])
        let long = try CLI.run(command + ["--format", "json"])
        #expect(short.status == long.status)
        #expect(short.stdout == long.stdout)
        #expect((try? JSONSerialization.jsonObject(with: Data(short.stdout.utf8))) is [String: Any])
    }

    @Test("--output FILE writes exactly what standard output would show", arguments: commands)
    func outputFile(command: [String]) throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.txt")
        let printed = try CLI.run(command)
        let written = try CLI.run(command + ["--output", file.path])
        #expect(written.status == printed.status)
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == printed.stdout)
    }

    @Test("a format the command does not write is a usage error (64)", arguments: [
        ["inspect", model, "--format", "csv"], ["ties", model, "--format", "sarif"],
        ["rows", model, "--format", "junit"], ["audit", model, "--format", "ndjson"],
        ["audit", model, "--json", "--format", "sarif"],
    ])
    func unsupportedFormat(arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64)
    }

    @Test("rows --csv is --format csv")
    func rowsAliases() throws {
        let alias = try CLI.run(["rows", Self.model, "--csv"])
        let long = try CLI.run(["rows", Self.model, "--format", "csv"])
        #expect(alias.status == 0)
        #expect(alias.stdout == long.stdout)
        #expect(alias.stdout.hasPrefix("tensor,"))
    }

    @Test("--output replacing a report keeps its permission bits; a new report gets 0666 less the umask",
          arguments: [0o664, 0o600, 0o640])
    func replacedMode(mode: Int) throws {
        let folder = try Fixtures.temporaryDirectory().path
        let report = folder + "/report.json"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: report))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: report)
        let result = try CLI.run(["inspect", Self.model, "--json", "--output", report])
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: report)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == mode)
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("{"))
        // Another user's report (as root): it stays theirs, so the mode still lets them read it.
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: report)
            #expect(try CLI.run(["inspect", Self.model, "--json", "--output", report]).status == 0)
            let owner = try FileManager.default.attributesOfItem(atPath: report)
            #expect((owner[.ownerAccountID] as? NSNumber)?.intValue == 65534 && (owner[.groupOwnerAccountID] as? NSNumber)?.intValue == 65534)
            #expect((owner[.posixPermissions] as? NSNumber)?.intValue == mode)
        }
        // A new report under umask 027: 0640 (the shell sets the mask; by hand: 0666 & ~0027).
        let fresh = folder + "/fresh.json"
        let created = try CLI.run([Self.model, fresh], shell: "umask 027; exec \"$TENSORAUDIT\" inspect \"$1\" --json --output \"$2\"")
        #expect(created.status == 0, "\(created.stderr)")
        #expect((try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? NSNumber)?.intValue == 0o640)
    }

    @Test("--output through a link (relative or absolute, from outside the folder) to a file named like a checkpoint's in the input's folder is refused, and that file keeps its bytes")
    func linkIntoCheckpointFolder() throws {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"), toPath: folder.appendingPathComponent("model.safetensors").path)
        let stray = folder.appendingPathComponent("model-old.safetensors")
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"), toPath: stray.path)
        let before = try Data(contentsOf: stray)
        let outside = try Fixtures.temporaryDirectory()
        let absolute = outside.appendingPathComponent("report.json").path
        try FileManager.default.createSymbolicLink(atPath: absolute, withDestinationPath: stray.path)
        let relative = folder.appendingPathComponent("report.json").path
        try FileManager.default.createSymbolicLink(atPath: relative, withDestinationPath: "model-old.safetensors")
        for (command, link) in [("audit", absolute), ("inspect", absolute), ("audit", relative)] {
            let result = try CLI.run([command, folder.path, "--json", "--output", link])
            #expect(result.status == 2, "\(command) \(link): \(result.stderr)")
            #expect(result.stderr.contains("links to") && result.stderr.contains("named like a file tensoraudit reads there"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: stray) == before)
        // A link to a report file of another name in that folder is written through.
        let report = folder.appendingPathComponent("audit.json")
        try Data("old".utf8).write(to: report)
        let toReport = outside.appendingPathComponent("latest.json").path
        try FileManager.default.createSymbolicLink(atPath: toReport, withDestinationPath: report.path)
        #expect(try CLI.run(["inspect", folder.path, "--json", "--output", toReport]).status == 0)
        #expect(try Data(contentsOf: report) != Data("old".utf8))
    }

    @Test("an input that is a link to a file in another folder: both folders are the input's (config.json is read beside the link)")
    func inputLinkFolders() throws {
        let root = try Fixtures.temporaryDirectory()
        let a = root.appendingPathComponent("A"), b = root.appendingPathComponent("B")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"), toPath: b.appendingPathComponent("model.safetensors").path)
        let input = a.appendingPathComponent("m.safetensors").path
        try FileManager.default.createSymbolicLink(atPath: input, withDestinationPath: "../B/model.safetensors")
        for folder in [a, b] {
            let target = folder.appendingPathComponent("config.json").path
            let result = try CLI.run(["inspect", input, "--output", target])
            #expect(result.status == 2 && result.stderr.contains("named like a file tensoraudit reads there"), "\(target): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        #expect(try CLI.run(["inspect", input, "--output", a.appendingPathComponent("report.txt").path]).status == 0)
    }

    @Test("--output refuses, new or not, a file of the input's folder named like one tensoraudit reads there; any other name is fine")
    func checkpointFolderNames() throws {
        let folder = try Fixtures.temporaryDirectory()
        for name in ["model.safetensors", "config.json"] {
            try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/" + name), toPath: folder.appendingPathComponent(name).path)
        }
        // A stray shard beside the model (not read by this run) keeps its bytes.
        let stray = folder.appendingPathComponent("extra.safetensors")
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"), toPath: stray.path)
        let before = try Data(contentsOf: stray)
        for target in ["extra.safetensors", "special_tokens_map.json", "tokenizer.json", "vocab.txt", "model.safetensors.index.json", "w.gguf"] {
            let path = folder.appendingPathComponent(target).path
            let existed = FileManager.default.fileExists(atPath: path)
            let result = try CLI.run(["inspect", folder.appendingPathComponent("model.safetensors").path, "--output", path])
            #expect(result.status == 2, "\(target)")
            #expect(result.stderr.contains("named like a file tensoraudit reads there"), "\(target): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: path) == existed, "\(target)")
        }
        #expect(try Data(contentsOf: stray) == before)
        // An input that does not exist (a mistyped path) still names its folder: its error
        // report is not written there as vocab.txt, which later runs would read.
        let missing = try CLI.run(["audit", folder.appendingPathComponent("missing.safetensors").path, "--format", "json",
                                   "--output", folder.appendingPathComponent("vocab.txt").path])
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path), "\(missing.stderr)")
        // A report of another name in that folder, and a checkpoint-like name elsewhere, are written.
        let report = folder.appendingPathComponent("audit.json").path
        #expect(try CLI.run(["audit", folder.path, "--format", "json", "--output", report]).status == 0)
        let elsewhere = try Fixtures.temporaryDirectory().appendingPathComponent("special_tokens_map.json").path
        #expect(try CLI.run(["inspect", folder.path, "--output", elsewhere]).status == 0)
    }

    @Test("--output refuses a report without write permission, as > would, and leaves it as it was",
          arguments: [0o444, 0o400, 0o000])
    func readOnlyTarget(mode: Int) throws {
        let report = try Fixtures.temporaryDirectory().path + "/frozen.json"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: report))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: report)
        let result = try CLI.run(["inspect", Self.model, "--json", "--output", report])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(report) && result.stderr.contains("is not writable (mode 0\(String(mode, radix: 8)))"),
                "\(result.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: report)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "old\n")
        // Nothing left beside it: the temporary file is made only after the check.
        #expect(try FileManager.default.contentsOfDirectory(atPath: (report as NSString).deletingLastPathComponent) == ["frozen.json"])
    }

    @Test("--output refuses a report with another name (a hard link): a rename would part the names")
    func hardLinkedTarget() throws {
        let folder = try Fixtures.temporaryDirectory().path
        let report = folder + "/report.json", other = folder + "/kept.json"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: report))
        try FileManager.default.linkItem(atPath: report, toPath: other)
        let result = try CLI.run(["audit", Self.model, "--json", "--output", report])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("has 2 hard links"), "\(result.stderr)")
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "old\n")
        // With the other name gone, the report replaces the file.
        try FileManager.default.removeItem(atPath: other)
        #expect(try CLI.run(["audit", Self.model, "--json", "--output", report]).status == 0)
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("{"))
    }

    @Test("--output refuses a symbolic link to nothing and keeps the link; a link to a regular file is written through")
    func danglingLink() throws {
        let folder = try Fixtures.temporaryDirectory().path
        let link = folder + "/latest.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "missing.json")
        let result = try CLI.run(["inspect", Self.model, "--json", "--output", link])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(link) && result.stderr.contains("symbolic link to a file that does not exist"), "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "missing.json")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["latest.json"])
        // Two links naming each other: a loop, said as such, both links kept.
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop1", withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop2", withDestinationPath: "loop1")
        let loop = try CLI.run(["inspect", Self.model, "--json", "--output", folder + "/loop1"])
        #expect(loop.status == 2 && loop.stderr.contains("symbolic link that loops"), "\(loop.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/loop1") == "loop2")
        try FileManager.default.removeItem(atPath: folder + "/loop1")
        try FileManager.default.removeItem(atPath: folder + "/loop2")
        // Once the file it names exists, the report goes through the link into it.
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: folder + "/missing.json"))
        #expect(try CLI.run(["inspect", Self.model, "--json", "--output", link]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "missing.json")
        #expect(try String(contentsOfFile: folder + "/missing.json", encoding: .utf8).hasPrefix("{"))
    }

    @Test("--output - is a usage error saying standard output is the default; ./- writes a file named '-'")
    func dashIsNotAFile() throws {
        let folder = try Fixtures.temporaryDirectory().path
        // Run inside `folder`: the shell's $1 is the folder, $2 the model, $3 the --output value.
        let script = #"cd "$1" && "$TENSORAUDIT" inspect "$2" --json --output "$3""#
        let result = try CLI.run([folder, Self.model, "-"], shell: script)
        #expect(result.status == 64 && result.stderr.contains("standard output"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(try CLI.run([folder, Self.model, "./-"], shell: script).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["-"])
    }
}
