# CockpitVM front door. `make` builds, `make check` tests, `make demo` shows.
# The real build is CMake; this file only names the common jobs.

BUILD     ?= build
SANBUILD  ?= build-san
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECS ?= 30
# `make bench` also counts instructions with callgrind (slow); BENCH_FLAGS= skips it
BENCH_FLAGS ?= --callgrind
CMAKE_GEN := -G "Unix Makefiles"

.PHONY: all deps build check test san fuzz demo bench bench-fleet clean

all: build

deps:
	@scripts/install-deps.sh

build:
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Sanitizer build with clang: ASan + UBSan on every test, plus the libFuzzer
# targets run for a bounded time (FUZZ_SECS each).
san:
	@CC=clang cmake -S . -B $(SANBUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug \
	    -DCOCKPIT_SANITIZE=ON -DCOCKPIT_FUZZ=ON -DCOCKPIT_FUZZ_SECS=$(FUZZ_SECS) >/dev/null
	@cmake --build $(SANBUILD) -j $(JOBS)
	@cd $(SANBUILD) && ctest --output-on-failure -j $(JOBS)

check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory san

demo: deps build
	@scripts/demo.sh $(BUILD)

bench: deps build
	@$(BUILD)/bin/cockpit bench $(BENCH_FLAGS)

# The fleet backend's figures (bench/fleet): ingest, builds, API latency,
# into SQLite and into a private PostgreSQL (tests/fleet/pg_run.sh).
bench-fleet: deps build
	@tests/fleet/pg_run.sh python3 bench/fleet/bench_fleet.py $(BUILD) @PGURL@ || \
	  { echo "bench-fleet: no PostgreSQL here; SQLite only"; python3 bench/fleet/bench_fleet.py $(BUILD); }

clean:
	rm -rf $(BUILD) $(SANBUILD)

# Firmware: Cortex-M (and RISC-V) images of every board with the cross
# compilers (src/ports/firmware.mk), into $(BUILD)/firmware; `make sil` runs
# the software-in-the-loop suite under QEMU (tests/sil, also in `make test`);
# `make size` prints each image's footprint per module from its map file.
.PHONY: firmware sil size
firmware: deps
	@$(MAKE) --no-print-directory -s -f src/ports/firmware.mk O=$(abspath $(BUILD))/firmware -j $(JOBS)

sil: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L sil

size: firmware
	@sh src/ports/tools/fw_size.sh $(BUILD)/firmware
