import Foundation
import Testing
import TestSupport

/// What a new user trips over: a misspelt command or tensor name, colour, shell completion.
@Suite struct UsabilityTests {
    static let model = Fixtures.path("toy-bert/model.safetensors")

    @Test("a misspelt command names the closest command; exit 64 (usage)")
    func misspeltCommand() throws {
        let result = try CLI.run(["inspct", Self.model])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("tensoraudit: error: unknown command \"inspct\"; did you mean \"inspect\"?"))
        // Two lines, the second listing the commands (the newline was once shown as `\u{a}`).
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2 && lines.last?.hasPrefix("Commands: inspect, ") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("\\u{"), "\(result.stderr)")
        let far = try CLI.run(["frobnicate", Self.model])
        #expect(far.status == 64)
        #expect(!far.stderr.contains("did you mean"))
        #expect(try CLI.run(["help", "audit"]).status == 0)
        // `help` of an unknown command was the main help with exit 0.
        let help = try CLI.run(["help", "audti"])
        #expect(help.status == 64 && help.stderr.hasPrefix("tensoraudit: error: unknown command \"audti\"; did you mean \"audit\"?"),
                "exit \(help.status): \(help.stderr)")
    }

    @Test("a misspelt --fail-on rule names the closest rule before the list; exit 64")
    func misspeltRule() throws {
        let result = try CLI.run(["audit", Self.model, "--fail-on", "outlier-row"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown rule 'outlier-row' for --fail-on; did you mean \"outlier-rows\"? known rules: padding-row-nonzero, "),
                "\(result.stderr)")
        let far = try CLI.run(["audit", Self.model, "--fail-on", "frobnicate"])
        #expect(far.status == 64)
        #expect(far.stderr.contains("unknown rule 'frobnicate' for --fail-on; known rules: ") && !far.stderr.contains("did you mean"), "\(far.stderr)")
        let capitals = try CLI.run(["audit", Self.model, "--fail-on", "PADDING-ROW-NONZERO"])
        #expect(capitals.status == 64 && capitals.stderr.contains("rule ids are lower case: did you mean \"padding-row-nonzero\"?"), "\(capitals.stderr)")
        let list = try CLI.run(["audit", Self.model, "--fail-on", "padding-row-nonzero, outlier-rows"])
        #expect(list.status == 64 && list.stderr.contains("--fail-on takes one rule per flag: --fail-on padding-row-nonzero --fail-on outlier-rows"), "\(list.stderr)")
    }

    @Test("a misspelt --tensor names the closest tensor; exit 2", arguments: [
        ["rows", model, "--tensor", "bert.embeddings.word_embedding.weight"],
        ["padding", model, "--tensor", "bert.embeddings.word_embedding.weight"],
        ["tokens", model, "--tensor", "bert.embeddings.word_embedding.weight"],
        ["audit", model, "--tensor", "bert.embeddings.word_embedding.weight"],
    ])
    func misspeltTensor(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "tensoraudit: error: \(Self.model): no tensor named \"bert.embeddings.word_embedding.weight\"; "
            + "did you mean \"bert.embeddings.word_embeddings.weight\"?\n")
    }

    @Test("a --tensor naming a __metadata__ alias (TestData/diff-exports/tied-alias.safetensors) names the stored tensor; exit 2",
          arguments: ["rows", "padding", "tokens", "audit"])
    func aliasName(_ command: String) throws {
        // The header, read by Python's json: {"__metadata__": {"model.embed_tokens.weight": "lm_head.weight"},
        // "lm_head.weight": {...}}: the embedding was dropped as a tie of lm_head when saved.
        let file = Fixtures.path("diff-exports/tied-alias.safetensors")
        let result = try CLI.run([command, file, "--tensor", "model.embed_tokens.weight"])
        #expect(result.status == 2)
        #expect(result.stderr == "tensoraudit: error: \(file): no tensor named \"model.embed_tokens.weight\": __metadata__ records it as an alias "
            + "of \"lm_head.weight\", the stored tensor that holds its values (the two shared storage when saved); use --tensor \"lm_head.weight\"\n")
    }

    @Test("a GGUF key naming a tensor (TestData/gguf-kv-alias, gguf-py) is no alias: ties reports none, --tensor says only that no such tensor exists")
    func ggufKeyIsNoAlias() throws {
        // gguf-py wrote the key model.embed_tokens.weight = "token_embd.weight" and that tensor;
        // aliases are a safetensors __metadata__ convention.
        let file = Fixtures.path("gguf-kv-alias/kv-names-tensor.gguf")
        let ties = try CLI.json(["ties", file, "--json"])
        #expect((ties["aliases"] as? [String: Any])?.isEmpty == true)
        #expect((ties["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == "metadata-alias" } == false)
        let rows = try CLI.run(["rows", file, "--tensor", "model.embed_tokens.weight"])
        #expect(rows.status == 2)
        #expect(rows.stderr == "tensoraudit: error: \(file): no tensor named \"model.embed_tokens.weight\"\n")
    }

    @Test("a --tensor with the model prefix added or dropped names the tensor without it or with it", arguments: [
        ("embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight"),
        ("model.bert.embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight"),
    ])
    func otherPrefix(given: String, expected: String) throws {
        let result = try CLI.run(["rows", Self.model, "--tensor", given])
        #expect(result.status == 2)
        #expect(result.stderr == "tensoraudit: error: \(Self.model): no tensor named \"\(given)\"; did you mean \"\(expected)\"?\n")
    }

    @Test("a newline inside a refused option value is shown escaped: the Error line stays one line",
          arguments: [["rows", model, "--tensor", "x", "--rows", "1\n2"], ["padding", model, "--pad-id", "1\n2"],
                      ["rows", model, "--tensor", "x", "--rows=1\n2"], ["padding", model, "--pad-id=1\n2"]])
    func newlineInValue(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64)
        let first = try #require(result.stderr.split(separator: "\n").first)
        #expect(first.hasPrefix("Error: The value '1\\u{a}2' is invalid for "), "\(result.stderr)")
        #expect(!result.stderr.contains("\n2'"), "\(result.stderr)")
    }

    @Test("--output on any command: one line on stderr says where the report went", arguments: ["inspect", "ties", "rows"])
    func outputSummary(_ command: String) throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.json").path
        let result = try CLI.run([command, Self.model, "--json", "--output", file])
        #expect(result.status == 0 && result.stdout.isEmpty)
        #expect(result.stderr == "tensoraudit: json report written to \(file)\n")
        #expect(FileManager.default.fileExists(atPath: file))
    }

    /// `script` gives the binary a terminal, the only place it colours.
    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    @Test("NO_COLOR per no-color.org: a non-empty value turns colour off, an empty one does not",
          .enabled(if: hasScript, "needs script(1) from util-linux for a terminal"))
    func noColor() throws {
        let path = Fixtures.path("edge/odd-names.safetensors")
        func colored(_ value: String?) throws -> Bool {
            let assignment = value.map { "NO_COLOR='\($0)' " } ?? "unset NO_COLOR; "
            let result = try CLI.run([], shell: "\(assignment)script -qec \"\\\"$TENSORAUDIT\\\" audit '\(path)' 2>/dev/null\" /dev/null")
            return result.stdout.contains("\u{1B}[33mwarning")
        }
        #expect(try colored(nil))
        #expect(try colored(""))
        #expect(try !colored("1"))
        #expect(try !colored("false"))  // any non-empty value, whatever it says
    }

    /// Completes `line` with the bash script `--generate-completion-script bash` prints, as
    /// bash would on Tab: the words so far, the cursor at the end.
    static func complete(_ line: String) throws -> [String] {
        let harness = #"""
        PATH="$(dirname "$TENSORAUDIT"):$PATH"
        source <("$TENSORAUDIT" --generate-completion-script bash)
        COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<< "$COMP_LINE"
        [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _tensoraudit tensoraudit "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
        """#
        let result = try CLI.run([line], shell: "exec bash -c '\(harness.replacingOccurrences(of: "'", with: "'\\''"))' bash \"$1\"")
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static let hasBash = FileManager.default.isExecutableFile(atPath: "/bin/bash")

    @Test("the completion callback with a negative argument or cursor index is a usage error (exit 64, one line), not a trap; 0 or more completes")
    func completionCallbackIndices() throws {
        let model = Fixtures.path("toy-bert")
        for indices in [["4", "-5"], ["-1", "0"]] {
            let result = try CLI.run(["---completion", "rows", "--", "--tensor"] + indices + ["tensoraudit", "rows", model, "--tensor", "bert"])
            #expect(result.status == 64, "\(indices): \(result.stderr)")
            #expect(result.stderr.hasPrefix("tensoraudit: error: ---completion: the ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        let fine = try CLI.run(["---completion", "rows", "--", "--tensor", "4", "4", "tensoraudit", "rows", model, "--tensor", "bert"])
        #expect(fine.status == 0 && fine.stdout.contains("bert.embeddings.word_embeddings.weight"), "\(fine.stderr)")
        // A .zst checkpoint's names come from its header (opened as `inspect` opens it).
        let zst = try CLI.run(["---completion", "rows", "--", "--tensor", "4", "0", "tensoraudit", "rows",
                               Fixtures.path("sources/zstd/model.safetensors.zst"), "--tensor", ""])
        #expect(zst.status == 0 && zst.stdout.split(separator: "\n").contains("embed.weight"), "\(zst.stderr)")
    }

    @Test("bash completion: commands, file paths, rule names and the checkpoint's tensor names",
          .enabled(if: hasBash, "needs bash"))
    func completion() throws {
        #expect(try Self.complete("tensoraudit insp") == ["inspect"])
        #expect(try Self.complete("tensoraudit audit --fail-on nan") == ["nan-values"])
        let folder = Fixtures.path("toy-bert")
        #expect(try Self.complete("tensoraudit inspect \(folder)/model.safe") == ["\(folder)/model.safetensors"])
        #expect(try Self.complete("tensoraudit rows \(Self.model) --tensor bert.embeddings.w")
                == ["bert.embeddings.word_embeddings.weight"])
        #expect(try Self.complete("tensoraudit padding \(Self.model) --tensor cls.")
                == ["cls.predictions.bias", "cls.predictions.decoder.weight"])
        // `--format` offers the formats of the command on the line, as its README section lists
        // them: padding's junit, sarif, csv and ndjson were offered and refused (review-63b L5).
        #expect(try Self.complete("tensoraudit padding \(Self.model) --format ") == ["text", "json", "html"])
        #expect(try Self.complete("tensoraudit rows \(Self.model) --format ") == ["text", "json", "ndjson", "csv"])
        #expect(try Self.complete("tensoraudit audit \(Self.model) --format ") == ["text", "json", "junit", "sarif", "html"])
        #expect(try Self.complete("tensoraudit diff \(Self.model) \(Self.model) --format j") == ["json"])
    }

    @Test("--help gives the defaults of the number flags the README states: tokens --percentile 2, diff --top-rows 5")
    func helpDefaults() throws {
        let tokens = try CLI.run(["tokens", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(tokens.contains("percentile of the indicator (0-100; default 2.0)"), "\(tokens)")
        let diff = try CLI.run(["diff", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(diff.contains("most-different rows to list per tensor (default 5)"), "\(diff)")
    }
}

/// `| head` ends a long report with SIGPIPE (exit 141), as the README says: the Unix convention.
@Suite struct PipeTests {
    @Test("a reader that stops early: exit 141 (SIGPIPE), like any Unix tool", .enabled(if: UsabilityTests.hasBash, "needs bash"))
    func closedPipe() throws {
        // ~100 KB of CSV, more than a pipe buffer holds, so the write meets the closed pipe.
        let result = try CLI.run([Fixtures.path("toy-bert/model.safetensors")], shell: #"""
            exec bash -c '"$TENSORAUDIT" rows "$1" --tensor bert.embeddings.word_embeddings.weight --csv | head -1 > /dev/null; exit ${PIPESTATUS[0]}' bash "$1"
            """#)
        #expect(result.status == 141)
    }

    @Test("a --tensor given twice (flags or policy) is one matrix: the report of giving it once",
          arguments: ["audit", "padding", "tokens"])
    func repeatedTensor(command: String) throws {
        let folder = Fixtures.path("toy-bert")
        let name = "bert.embeddings.word_embeddings.weight"
        let once = try CLI.run([command, folder, "--tensor", name, "--json"])
        #expect(once.status == 0, "\(once.stderr)")
        let twice = try CLI.run([command, folder, "--tensor", name, "--tensor", name, "--json"])
        #expect(twice.status == once.status && twice.stdout == once.stdout)
        // By hand: toy-bert's pad row is not zero, one `padding-row-nonzero` finding.
        if command == "audit" {
            #expect(once.stdout.components(separatedBy: "\"rule\": \"padding-row-nonzero\"").count == 2, "\(once.stdout)")
            let policy = try Fixtures.temporaryFile(Array("{\"tensor\": [\"\(name)\", \"\(name)\"]}".utf8), name: "policy.json")
            let fromPolicy = try CLI.run([command, folder, "--policy", policy, "--json"])
            #expect(fromPolicy.stdout.components(separatedBy: "\"rule\": \"padding-row-nonzero\"").count == 2, "\(fromPolicy.stdout)")
        }
    }
}
