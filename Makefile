# Lunar — `make run` and `make test` work on a fresh Debian machine as root.
BUILD ?= build
TYPE ?= Release
SANITIZE ?= 0
JOBS ?= $(shell nproc)
CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(TYPE) -DLUNAR_SANITIZE=$(if $(filter 1,$(SANITIZE)),ON,OFF)

.PHONY: all build deps run test bench clean

all: build

deps:
	@sh scripts/setup.sh

build:
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: deps build
	$(BUILD)/bin/lunar-server examples/configs/default.toml

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps build
	/usr/bin/python3 tests/bench/bench.py --build $(BUILD)
	/usr/bin/python3 tests/bench/bench_pubsub_tx.py --build $(BUILD)

clean:
	rm -rf $(BUILD)
