# tensoraudit — the two commands a newcomer needs are `make run` and `make test`.
# Both install what is missing on a fresh Debian machine (libzstd-dev, pkg-config) first.

SWIFT      ?= swift
BIN_DIR    := .build/release
CHECKPOINT ?= TestData/toy-bert/model.safetensors
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Release binaries are fully static executables (Swift runtime, Foundation, libzstd, libc):
# a process starts in ~2 ms instead of ~5 ms with only the Swift libraries static (no dynamic
# loader relocating an 80 MB position-independent binary; measured with `perf stat -r 20
# tensoraudit --version`), which is most of the time of `inspect` and of an audit of a small
# checkpoint in CI. The linker warns that Foundation's getpwuid/getaddrinfo would need glibc's
# shared NSS libraries at run time; tensoraudit calls neither. Tests stay dynamic.
RELEASE    := -c release --static-swift-stdlib -Xswiftc -static-executable

.PHONY: all setup browser build run report test bench fixtures fuzz fuzz-build fuzz-commands fuzz-commands-run fuzz-pytorch sanitize clean

all: build

## setup: install the system packages the build needs, only when they are missing.
setup:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libzstd; then \
		echo "installing libzstd-dev and pkg-config (apt)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libzstd-dev pkg-config; \
	fi

## build: release build of the CLI.
build: setup
	$(SWIFT) build $(RELEASE) --product tensoraudit

## run: build, then show what tensoraudit finds in the bundled toy BERT checkpoint:
## its tensors, the non-zero padding row (explained by the tied decoder copy), the ties, and
## the CI audit of the same model saved as a sharded directory with config.json.
MODEL_DIR ?= TestData/toy-bert-sharded
run: build
	$(BIN_DIR)/tensoraudit inspect $(CHECKPOINT)
	@echo
	$(BIN_DIR)/tensoraudit padding $(CHECKPOINT)
	@echo
	$(BIN_DIR)/tensoraudit ties $(CHECKPOINT)
	@echo
	$(BIN_DIR)/tensoraudit audit $(MODEL_DIR)

## report: the toy BERT's audit as one HTML page (.build/report/toy-bert.html) and a screenshot
## of it taken by headless Chromium (.build/report/toy-bert.png), installing Chromium when missing.
## `make test` installs it too (issue 15: CI checks the page in a real browser); should the install
## fail (no network), the browser test says it skipped instead of failing the run.
REPORT_DIR ?= .build/report
report: build browser
	mkdir -p $(REPORT_DIR)
	$(BIN_DIR)/tensoraudit audit TestData/toy-bert --format html --output $(REPORT_DIR)/toy-bert.html
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1600 \
		--screenshot=$(REPORT_DIR)/toy-bert.png file://$(CURDIR)/$(REPORT_DIR)/toy-bert.html 2>/dev/null
	@echo "open $(REPORT_DIR)/toy-bert.html (screenshot: $(REPORT_DIR)/toy-bert.png)"

## browser: headless Chromium for the HTML report's browser test, only when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium (apt)"; \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; } \
		|| echo "chromium could not be installed: the HTML browser test will say it skipped"; }

## test: build and run every test (Swift Testing; prints the test count).
test: setup browser
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: release build, then time tensoraudit against a plain read of the same bytes (the
## fastest of four C readers), the Python reference and zstd on generated checkpoints (≈3.3 GB
## in $(BENCH_DATA), removed after; KEEP=1 keeps and reuses them). Each checkpoint is dropped
## from the page cache and refilled by cat first (BENCH_ARGS="--cache-state faults": by page
## faults; BENCH_ARGS="--only gguf": only the quantized GGUF cases). Prints a stable table and a
## met/NOT met line per goal; see README "Performance".
BENCH_DATA ?= /tmp/tensoraudit-bench
BENCH_ARGS ?=
bench: setup
	$(SWIFT) build $(RELEASE) --product tensoraudit
	$(SWIFT) build $(RELEASE) --product tensoraudit-bench
	@command -v zstd >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq zstd; }
	mkdir -p .build/bench && cc -O3 -march=native -pthread -o .build/bench/readbaseline Benchmarks/readbaseline.c
	cc -O2 -o .build/bench/measure Benchmarks/measure.c
	@# The bench writes its files with safetensors, numpy, ml_dtypes and gguf: the system Python's
	@# when it has them, else a virtual environment of its own (Debian's system Python refuses
	@# `pip install`: "externally-managed-environment").
	@if python3 -c "import safetensors, numpy, ml_dtypes, gguf" 2>/dev/null; then echo python3 > .build/bench/python; \
	else { python3 -m venv .build/bench/venv 2>/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv \
		&& python3 -m venv .build/bench/venv; }; } && .build/bench/venv/bin/pip install -q safetensors numpy ml_dtypes gguf \
		&& echo .build/bench/venv/bin/python > .build/bench/python; fi
	$$(cat .build/bench/python) Benchmarks/bench.py --bin $(BIN_DIR)/tensoraudit --bench-bin $(BIN_DIR)/tensoraudit-bench \
		--measure .build/bench/measure --baseline .build/bench/readbaseline --data $(BENCH_DATA) $(if $(KEEP),--keep) $(BENCH_ARGS)

## fuzz: two libFuzzer targets, SECONDS seconds each, seeded with every TestData fixture:
## FuzzSafetensors (the header parser and the open → views path) and FuzzCommands (audit, rows,
## ties, padding and diff run in-process on a checkpoint folder one of whose files — the model,
## a shard, the index or config.json, picked by the first input byte — is the mutated input).
## Crashes land in .build-fuzz/findings/; commit each one to TestData/fuzz-regressions/
## (FuzzRegressionTests runs every command on every file there; re-run
## TestData/generate_fuzz_regressions.py to record the reference verdict). `make fuzz-commands` runs the second alone.
SECONDS    ?= 60
FUZZ_DIR   := .build-fuzz
FUZZ_FLAGS  = -max_total_time=$(SECONDS) -max_len=65536 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
	-artifact_prefix=$(FUZZ_DIR)/findings/
fuzz: fuzz-build
	rm -rf $(FUZZ_DIR)/corpus && mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/findings
	find TestData -name '*.safetensors' -exec cp {} $(FUZZ_DIR)/corpus/ \;
	cp TestData/fuzz-regressions/*.safetensors $(FUZZ_DIR)/corpus/ 2>/dev/null || true
	$(FUZZ_DIR)/release/FuzzSafetensors $(FUZZ_DIR)/corpus -dict=Fuzz/safetensors.dict $(FUZZ_FLAGS)
	$(MAKE) fuzz-commands-run

fuzz-build: setup
	TENSORAUDIT_FUZZ=1 $(SWIFT) build -c release --product FuzzSafetensors --scratch-path $(FUZZ_DIR) \
		-Xswiftc -sanitize=fuzzer,address
	TENSORAUDIT_FUZZ=1 $(SWIFT) build -c release --product FuzzCommands --scratch-path $(FUZZ_DIR) \
		-Xswiftc -sanitize=fuzzer,address
	TENSORAUDIT_FUZZ=1 $(SWIFT) build -c release --product FuzzPyTorch --scratch-path $(FUZZ_DIR) \
		-Xswiftc -sanitize=fuzzer,address
	TENSORAUDIT_FUZZ=1 $(SWIFT) build -c release --product FuzzGGUF --scratch-path $(FUZZ_DIR) \
		-Xswiftc -sanitize=fuzzer,address

fuzz-commands: fuzz-build fuzz-commands-run

## fuzz-pytorch: the torch checkpoint reader (zip layer, symbolic unpickler, state-dict walk),
## seeded with the torch.save fixtures (zip and legacy), SECONDS seconds.
fuzz-pytorch: fuzz-build
	rm -rf $(FUZZ_DIR)/corpus-pytorch && mkdir -p $(FUZZ_DIR)/corpus-pytorch $(FUZZ_DIR)/findings
	cp TestData/pytorch/*.pt TestData/pytorch/*.bin TestData/pytorch/*.ckpt $(FUZZ_DIR)/corpus-pytorch/ 2>/dev/null || true
	for f in TestData/pytorch-legacy/*.bin TestData/pytorch-legacy/bert/*.bin; do cp $$f $(FUZZ_DIR)/corpus-pytorch/legacy-$$(basename $$(dirname $$f))-$$(basename $$f); done
	$(FUZZ_DIR)/release/FuzzPyTorch $(FUZZ_DIR)/corpus-pytorch $(if $(wildcard Fuzz/pytorch.dict),-dict=Fuzz/pytorch.dict) $(FUZZ_FLAGS)

## fuzz-gguf: the GGUF reader and its row kernels, seeded with the gguf-py fixtures, SECONDS seconds.
fuzz-gguf: fuzz-build
	rm -rf $(FUZZ_DIR)/corpus-gguf && mkdir -p $(FUZZ_DIR)/corpus-gguf $(FUZZ_DIR)/findings
	cp TestData/gguf/*/*.gguf TestData/gguf-cli/*.gguf $(FUZZ_DIR)/corpus-gguf/ 2>/dev/null || true
	$(FUZZ_DIR)/release/FuzzGGUF $(FUZZ_DIR)/corpus-gguf $(FUZZ_FLAGS)

# Seeds: each fixture file behind each mode byte (0 model, 1 shard, 2 index, 3 config.json).
fuzz-commands-run:
	rm -rf $(FUZZ_DIR)/corpus-commands && mkdir -p $(FUZZ_DIR)/corpus-commands $(FUZZ_DIR)/findings
	for f in $$(find TestData \( -name '*.safetensors' -o -name '*.gguf' -o -name '*.pt' -o -name '*.bin' \) -size -64k) TestData/fuzz-regressions/command-*; do \
		[ -f "$$f" ] || continue; n=$$(basename $$f); \
		case "$$n" in command-*) cp "$$f" $(FUZZ_DIR)/corpus-commands/$$n; continue;; esac; \
		{ printf '\000'; cat $$f; } > $(FUZZ_DIR)/corpus-commands/0-$$n; \
		{ printf '\001'; cat $$f; } > $(FUZZ_DIR)/corpus-commands/1-$$n; done
	for f in $$(find TestData -name '*.index*.json') ; do \
		{ printf '\002'; cat $$f; } > $(FUZZ_DIR)/corpus-commands/2-$$(echo $$f | tr / _); done
	for f in $$(find TestData -name 'config.json') ; do \
		{ printf '\003'; cat $$f; } > $(FUZZ_DIR)/corpus-commands/3-$$(echo $$f | tr / _); done
	$(FUZZ_DIR)/release/FuzzCommands $(FUZZ_DIR)/corpus-commands -dict=Fuzz/safetensors.dict $(FUZZ_FLAGS)

## sanitize: the whole test suite under AddressSanitizer, then under ThreadSanitizer (the
## scans share work between cores), each in its own build folder. The sanitizers' own SIGBUS
## handlers are turned off so the SIGBUS tests see the default action and our FaultGuard.
sanitize: setup
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=handle_sigbus=0 LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=handle_sigbus=0 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

## fixtures: regenerate TestData with the reference writers: safetensors (TestData/generate.py),
## torch.save (TestData/pytorch, TestData/pytorch-cli) and gguf-py (TestData/gguf, gguf-cli,
## gguf-mix, gguf-rope, gguf-tokens, canonical-tokens with tokenizers too, canonical-names, pytorch-safe-globals). Fixed seeds and dates: a rerun writes the same bytes, except
## legacy.pt, unsafe-legacy.pt and torchscript.pt, in which torch's legacy and TorchScript writers
## put run-time object ids (no test depends on them). Versions the committed files were made with:
## safetensors 0.8.0, ml_dtypes 0.6.0, numpy 2.4.6, gguf 0.19.0, tokenizers 0.23.3, torch 2.13.0+cpu.
FIXTURE_GENERATORS := TestData/generate.py TestData/pytorch/generate.py TestData/pytorch-cli/generate.py \
	TestData/gguf/generate.py TestData/gguf-cli/generate.py TestData/gguf-mix/generate.py \
	TestData/gguf-rope/generate.py TestData/gguf-rope/generate_hostile.py TestData/gguf-tokens/generate.py \
	TestData/canonical-tokens/generate.py TestData/canonical-names/generate.py TestData/canonical-keys/generate.py \
	TestData/gguf-arch/generate.py TestData/tied-exports/generate.py TestData/diff-exports/generate.py \
	TestData/diff-complex/generate.py TestData/gguf-review/generate.py \
	TestData/pytorch-safe-globals/generate.py TestData/pytorch-names/generate.py TestData/stream-safe/generate.py \
	TestData/gguf-scattered/generate.py TestData/pytorch-values/generate.py TestData/pytorch-optimizer/generate.py \
	TestData/gguf-split/generate.py TestData/pytorch-views/generate.py TestData/pytorch-strided/generate.py TestData/pytorch-device/generate.py \
	TestData/recurrent-biases/generate.py TestData/gguf-kv-alias/generate.py \
	TestData/diff-f64-range/generate.py TestData/gguf-hub-names/generate.py
fixtures:
	pip install -q safetensors ml_dtypes numpy gguf==0.19.0 tokenizers==0.23.3
	python3 -c "import torch" 2>/dev/null || pip install -q torch==2.13.0+cpu
	@for g in $(FIXTURE_GENERATORS); do echo "python3 $$g"; python3 $$g || exit 1; done

clean:
	rm -rf .build
