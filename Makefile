# The two commands of the README. Both do all set-up on a fresh machine (a venv in .venv).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo extract test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## 主任务：审核工作台演示（临时 SQLite、载入示例报告、打印账号、启动服务）
demo: $(STAMP)
	$(BIN)/jixiao demo $(ARGS)

## 命令行抽取并打印随附的示例报告
extract: $(STAMP)
	$(BIN)/jixiao extract samples/*.txt samples/*.docx samples/*.xlsx samples/*.pdf

## 测试：代码风格、分层约定（pyproject.toml 的 [tool.importlinter]，见 docs/architecture.md）、全部测试
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-logo
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_pathological.py

clean:
	rm -rf $(VENV) build *.egg-info
