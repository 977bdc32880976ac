# tongdai — the two set-up commands are `make run` and `make test`.
BUILD   ?= build
DATA    ?= var/data
LISTEN  ?= 127.0.0.1:8080
SIP     ?= 127.0.0.1:5060
JOBS    ?= $(shell nproc)

.PHONY: all deps build run test bench format clean

all: build

deps:
	./scripts/install-deps
	./scripts/vendor-web

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)
	./scripts/render-prompts $(BUILD)/prompts

# Install, build, create the demo store if it is new, serve the desks.
run: build
	@if [ ! -f $(DATA)/tongdai.db ] || [ ! -f $(DATA)/registry.db ]; then $(BUILD)/tongdai demo --data $(DATA); \
	else echo "Kho dữ liệu đã có: $(DATA). Tài khoản mẫu: quantri, giamsat, tdv01…tdv20, cbnv01…cbnv20; mật khẩu demo-tongdai-2026"; fi
	@echo "Mở http://$(LISTEN) — dừng bằng Ctrl+C. Tổng đài SIP: sip:19000368@$(SIP) (máy nhánh = tên đăng nhập tdv01…, cbnv01…, mật khẩu SIP demo-sip-2026)"
	$(BUILD)/tongdai serve --data $(DATA) --listen $(LISTEN) --sip $(SIP)

# Install, build, run every test (unit, adapter, integration over real HTTP).
test: build
	cd $(BUILD) && ctest --output-on-failure -j2

bench: build
	./bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc')

clean:
	rm -rf $(BUILD)
