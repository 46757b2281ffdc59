# The front door. `make help` lists the targets; the README explains them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# The project's own Node 24 and pnpm (tools/node), installed from the npm registry on first use.
TOOLCHAIN := tools/node/node_modules
export PATH := $(CURDIR)/$(TOOLCHAIN)/.bin:$(CURDIR)/node_modules/.bin:$(PATH)
export TURBO_TELEMETRY_DISABLED := 1
export DO_NOT_TRACK := 1
PACKAGE_MANIFESTS := package.json pnpm-lock.yaml pnpm-workspace.yaml $(wildcard packages/*/package.json services/*/package.json)

DURATION ?= 0

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(TOOLCHAIN)/.installed: tools/node/package.json tools/node/package-lock.json
	@echo "==> installing the toolchain (Node 24, pnpm) into tools/node"
	npm install --prefix tools/node --no-audit --no-fund --loglevel=error
	@node --version | grep -q '^v24\.' || { echo "error: tools/node did not provide Node 24" >&2; exit 1; }
	touch $@

node_modules/.installed: $(TOOLCHAIN)/.installed $(PACKAGE_MANIFESTS)
	@echo "==> installing dependencies (pnpm)"
	pnpm install --frozen-lockfile --reporter=append-only
	touch $@

.PHONY: deps
deps: node_modules/.installed ## install the toolchain and dependencies (done by every target that needs them)

.PHONY: build
build: deps ## compile every package and service
	turbo run build --output-logs=errors-only

.PHONY: typecheck
typecheck: deps ## type-check every package, tests included
	turbo run typecheck --output-logs=errors-only

.PHONY: test
test: build typecheck lint lab-tools k8s-tools lint-tools test-tools dapr-injector bench-tools ## typecheck, lint + every test (units, services as processes, the whole lab and its walkthrough, manifests, Dapr's injector on them, the images as containers, the report in Chromium)
	scripts/build-images.sh --if-engine
	node scripts/run-tests.mjs

.PHONY: lint format
lint: deps ## Biome: lint and check the formatting (no writes)
	biome ci --colors=off --error-on-warnings --reporter=summary
format: deps ## Biome: format every file and apply the safe lint fixes
	biome check --write

# The local lab runs as root (network namespaces, iptables); as another user it re-runs itself with sudo.
LAB := node packages/lab/dist/cli.js

.PHONY: lab
lab: build ## the main job: both variants in network namespaces, the probe matrix, results/lab/findings.md
	$(LAB) run

.PHONY: lab-up lab-down
lab-up: build ## bring the lab up and leave it up (MathFanBoy calling); then ./lab pods|exec|policy|probe|metrics (docs/walkthrough.md)
	$(LAB) up
lab-down: build ## remove everything a lab made (namespaces, processes, rules); safe to repeat
	$(LAB) down

.PHONY: lab-tools
lab-tools: build ## install HAProxy and iptables, and build daprd and sentry if none is found
	$(LAB) tools

.PHONY: demo
demo: build ## run the mesh-agnostic set on loopback and watch MathFanBoy (DURATION=20 stops after 20 s)
	node packages/launcher/dist/demo.js --duration $(DURATION)

.PHONY: images engine engine-down
images: build ## build the twelve container images through the docker CLI (Docker, or podman set up by make engine)
	scripts/build-images.sh
engine: ## the container engine: Docker if one answers, else podman (installed as root) serving the Docker API in .run/engine
	@scripts/engine.sh up && scripts/engine.sh status && scripts/engine.sh env
engine-down: ## stop the podman service make engine started, and the test containers (nothing is left running)
	scripts/engine.sh down

.PHONY: clean
clean: ## remove build outputs (keeps the toolchain and dependencies)
	rm -rf packages/*/dist services/*/dist .turbo results .run

# The sidecar benchmark on the local lab's network (root, like the lab). QUICK=1: a short run that checks the harness.
QUICK ?=
FORTIO_VERSION := $(shell sed -n 's/^FORTIO_VERSION=//p' versions.env)
FORTIO := tools/bin/fortio
$(FORTIO): versions.env
	@echo "==> installing fortio $(FORTIO_VERSION) into tools/bin (go install, pinned)"
	GOBIN=$(CURDIR)/tools/bin go install fortio.org/fortio@$(FORTIO_VERSION)
	@touch $@
.PHONY: bench-tools
bench-tools: $(FORTIO) ## install fortio (the benchmark's cross-check; make bench and make test do it first)

.PHONY: bench
bench: build lab-tools bench-tools ## sidecar overhead: direct, dapr, mesh, dapr-mesh; results/bench/bench.md (QUICK=1 for a 1-minute check)
	node packages/bench/dist/cli.js $(if $(QUICK),--quick)

# The soak: the mesh-agnostic set on loopback (no root) at 1,000 requests per second. make test runs 30 s of it.
SOAK_SECONDS ?= 600
.PHONY: soak
soak: build ## 10 minutes at 1,000 requests per second on the mesh-agnostic set: errors by code, latency, memory; results/soak/soak.md
	node packages/bench/dist/soak.js --duration $(SOAK_SECONDS)

# Kubernetes: offline proof here; the kind lab for users with Docker, kind, kubectl and helm.
.PHONY: k8s-tools
k8s-tools: ## install kustomize and the pinned Kubernetes's OpenAPI document (pinned, into tools/)
	scripts/k8s-tools.sh

.PHONY: lint-tools test-tools
test-tools: ## install Chromium, pdftotext and tmux (apt-get): make test's checks of report.html (in a browser, printed) and ./lab top (in a terminal)
	scripts/test-tools.sh
.PHONY: report-picture
report-picture: test-tools ## docs/report.png: the top of results/lab/report.html (after make lab), as Chromium draws it at 1366 px
	@test -f results/lab/report.html || { echo "no results/lab/report.html: run make lab first" >&2; exit 1; }
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$$(mktemp -d)" \
	  --window-size=1366,1500 --screenshot=docs/report.png "file://$(CURDIR)/results/lab/report.html" 2>/dev/null
	@echo "docs/report.png from results/lab/report.html"
lint-tools: ## install shellcheck (apt-get), for the script checks in make test and k8s-check
	scripts/lint-tools.sh

# Dapr 1.18.3's own sidecar injector and Helm chart, run on the rendered k8s-dapr manifests by make test.
DAPR_INJECT := tools/dapr/bin/dapr-inject
$(DAPR_INJECT): tools/dapr/build.sh $(wildcard tools/dapr/injector/*.go tools/dapr/injector/go.* tools/dapr/injector/upstream/*.go)
	tools/dapr/build.sh injector
.PHONY: dapr-injector dapr-source
dapr-injector: $(DAPR_INJECT) ## build dapr-inject: the pods Dapr's injector makes from k8s-dapr (first build: minutes)
dapr-source: ## fetch Dapr's Go module (its chart and CRDs, which make k8s-check validates against)
	tools/dapr/build.sh source

.PHONY: k8s-check
k8s-check: build k8s-tools lint-tools dapr-source ## render and validate every overlay offline, shellcheck the scripts, print the e2e plan
	@mkdir -p results
	node packages/k8s-check/dist/cli.js
	shellcheck scripts/*.sh tools/dapr/build.sh .ci/run lab
	node e2e/dist/cli.js --dry-run > results/kind-e2e-plan.txt
	@echo "e2e plan: results/kind-e2e-plan.txt ($$(grep -c '^# \[' results/kind-e2e-plan.txt) probes)"

KIND := scripts/kind.sh
.PHONY: kind-up kind-check kind-prefetch kind-images kind-dapr kind-linkerd kind-deploy kind-e2e kind-combined kind-restore kind-down kind-lab
kind-check: ## the kind lab's preflight: tools and versions, Docker's CPUs, memory and disk, inotify, architecture
	$(KIND) check
kind-prefetch: ## fetch everything make kind-lab downloads (charts, CRDs, node and public images, the project's images) so it then runs offline
	scripts/kind-prefetch.sh
kind-up: ## create the kind cluster (pinned node image)
	$(KIND) up
kind-images: ## build the project's images inside Docker and load them into kind
	$(KIND) images
kind-dapr: ## install Dapr 1.18.3 with Helm (values: k8s-dapr/dapr-values.yaml; mTLS on); another cluster: CONTEXT=x INSTALL_INTO=x
	$(KIND) dapr
kind-linkerd: ## install the Gateway API CRDs and Linkerd edge-26.8.3 with a generated trust anchor (LINKERD_IPTABLES_MODE=legacy where nft mode fails); another cluster: CONTEXT=x INSTALL_INTO=x
	$(KIND) linkerd
kind-deploy: ## apply k8s-dapr and k8s-linkerd (kubectl apply -k)
	$(KIND) deploy
.PHONY: kind-top
kind-top: ## ./lab top inside the cluster: each daprd and linkerd-proxy, every second (Ctrl-C stops; ONCE=1 prints one frame)
	$(KIND) top
kind-e2e: ## run the probe matrix in the cluster, as a Job; results/kind/findings.md
	$(KIND) e2e
kind-combined: ## Dapr + Linkerd together: reinstall Dapr with mTLS off, redeploy dapr-calculator, run its rows of the matrix (after kind-lab; results/kind-combined)
	$(KIND) combined
kind-restore: ## back to the main run after kind-combined: Dapr with mTLS on again, dapr-calculator redeployed from k8s-dapr (then make kind-e2e)
	$(KIND) restore
.PHONY: kind-bench kind-bench-combined
kind-bench: ## the sidecar benchmark in the cluster, as a Job: direct, Dapr and Linkerd in the same rounds (after kind-lab; QUICK=1 checks the harness; another cluster: CONTEXT=x REGISTRY=host/path); results/kind-bench
	$(KIND) bench
kind-bench-combined: ## Dapr + Linkerd paired with direct: Dapr reinstalled with mTLS off (kind-restore undoes it); results/kind-bench-combined
	$(KIND) bench-combined
.PHONY: kind-airgap kind-airgap-down kind-airgap-bench kind-airgap-top
kind-airgap: build lab-tools ## the Dapr half of the kind lab here, air-gapped: Kubernetes, kind, Dapr built from source, kind on podman (root; minutes the first time; not in make test); results/kind-airgap
	scripts/kind-airgap.sh
kind-airgap-bench: build lab-tools ## the benchmark's direct and Dapr scenarios as a Job in the air-gapped cluster, on its two nodes (after kind-airgap; root; QUICK=1 checks the harness); results/kind-airgap-bench
	scripts/kind-airgap.sh bench
kind-airgap-top: ## ./lab top inside the air-gapped cluster, as make kind-top (after kind-airgap; ONCE=1 prints one frame)
	scripts/kind-airgap.sh top
kind-airgap-down: ## delete the air-gapped kind cluster
	scripts/kind-airgap.sh down
kind-down: ## delete the kind cluster
	$(KIND) down
kind-lab: ## the whole kind lab in order (preflight, cluster, images, Dapr, Linkerd, deploy, e2e): needs Docker, kind, kubectl, helm, openssl
	$(KIND) lab
