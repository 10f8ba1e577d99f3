# Weiketang: `make run` (embedded demo) and `make test` (PostgreSQL + Redis). See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
APT_PACKAGES := ffmpeg chromium fonts-noto-cjk strace gettext
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages venv assets messages run dev test lint format services

install: system-packages venv assets messages

# Debian packages: ffmpeg for transcoding, chromium for browser tests, CJK fonts for
# Chinese titles burnt into demo videos, strace for the hostile-file test.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run as root or: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

venv: .venv/.installed
.venv/.installed: pyproject.toml
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[test]"
	touch $@

# hls.js from npm, served as a static file (never a CDN). The source map goes along:
# the script names it, and collectstatic's manifest storage refuses a missing one.
HLS_DIST := node_modules/hls.js/dist
assets: static_build/vendor/hls.light.min.js static_build/vendor/hls.light.min.js.map
static_build/vendor/hls.light.min.js static_build/vendor/hls.light.min.js.map &: package.json
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p static_build/vendor
	cp $(HLS_DIST)/hls.light.min.js $(HLS_DIST)/hls.light.min.js.map static_build/vendor/

messages: venv
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then $(PY) manage.py compilemessages -v0 --ignore=.venv; fi

# The embedded deployment: gunicorn, DEBUG off, compressed static, worker + beat.
run: install
	@./scripts/run-embedded.sh $(HOST) $(PORT)

# The same with Django's debug server (DEBUG on, auto-reload) for development.
dev: install
	@./scripts/run-embedded.sh --dev $(HOST) $(PORT)

services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

test: install
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
