# tongban - top-level commands. The real build is CMake (CMakeLists.txt).
#
#   make run        install missing packages (as root), build, init var/ with demo data, serve
#   make test       build and run every test (unit, API on SQLite and on PostgreSQL, scale-out,
#                   calendar cross-check, browser, crash)
#   make test SANITIZE=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmarks (not tests): figures printed side by side with baselines
#   make lint       banned functions, format check, cppcheck
#   make fuzz       build the libFuzzer harnesses (clang) and run each briefly

JOBS     ?= $(shell nproc)
DATA     ?= var
LISTEN   ?= 127.0.0.1:8080
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD    := build-san
CMAKEOPT := -DTB_SANITIZE=ON -DCMAKE_C_COMPILER=clang
export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
else
BUILD    := build
CMAKEOPT :=
endif

.PHONY: all deps build run test test-unit test-api test-web test-calendar bench lint format fuzz clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKEOPT) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@if [ ! -f $(DATA)/tongban.db ]; then ./$(BUILD)/tongban init --data $(DATA) --demo; fi
	./$(BUILD)/tongban serve --data $(DATA) --listen $(LISTEN)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	BUILD=$(BUILD) JOBS=$(JOBS) ./scripts/test-pg.sh
ifneq ($(SANITIZE),1)
	TB_BIN=$(BUILD)/tongban ./scripts/test-calendar.sh
	TB_BIN=$(BUILD)/tongban ./scripts/test-catalog-io.sh
	TB_BIN=$(BUILD)/tongban-test ./scripts/test-web.sh
	TB_BIN=$(BUILD)/tongban ./scripts/test-crash.sh
	TB_BIN=$(BUILD)/tongban ./scripts/test-backup.sh
endif

bench: build
	./bench/run.sh

lint:
	./scripts/lint.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c')

fuzz: deps
	cmake -S . -B build-fuzz -DTB_FUZZ=ON -DTB_SANITIZE=ON -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
	./scripts/fuzz.sh build-fuzz

clean:
	rm -rf build build-san build-fuzz
