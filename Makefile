# tensoraudit — the two commands a newcomer needs are `make run` and `make test`.
# Both install what is missing on a fresh Debian machine (libzstd-dev, pkg-config) first.

SWIFT      ?= swift
BIN_DIR    := .build/release
CHECKPOINT ?= TestData/toy-bert/model.safetensors
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all setup build run test bench fixtures fuzz sanitize clean

all: build

## setup: install the system packages the build needs, only when they are missing.
setup:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libzstd; then \
		echo "installing libzstd-dev and pkg-config (apt)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libzstd-dev pkg-config; \
	fi

## build: release build of the CLI.
build: setup
	$(SWIFT) build -c release --product tensoraudit

## run: build, then show what tensoraudit finds in the bundled toy BERT checkpoint:
## its tensors, the non-zero padding row (explained by the tied decoder copy), and the ties.
run: build
	$(BIN_DIR)/tensoraudit inspect $(CHECKPOINT)
	@echo
	$(BIN_DIR)/tensoraudit padding $(CHECKPOINT)
	@echo
	$(BIN_DIR)/tensoraudit ties $(CHECKPOINT)

## test: build and run every test (Swift Testing; prints the test count).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## fixtures: regenerate TestData with the reference Python safetensors package.
fixtures:
	pip install -q safetensors ml_dtypes numpy
	python3 TestData/generate.py

clean:
	rm -rf .build
