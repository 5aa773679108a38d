# web.mk - checks of the web UI and of the API description (included by the
# Makefile; both are in CHECK_TARGETS, so `make check` runs them).
#
#   make lint-openapi   Redocly CLI, recommended rules with every warning an
#                       error, on docs/openapi.json (tools/openapi/); no
#                       telemetry, no update check
#   make check-svelte   svelte-check --fail-on-warnings on web/, against the
#                       generated limits.ts and API types

.PHONY: lint-openapi check-svelte
lint-openapi:
	cd tools/openapi && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	    npm ci --no-audit --no-fund --silent; } && \
	    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	    npx --no-install redocly lint --config redocly.yaml --format=stylish ../../docs/openapi.json
CHECK_TARGETS += lint-openapi

# The generated modules are written by `npm run check` itself (precheck).
check-svelte:
	cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	    npm ci --no-audit --no-fund --silent; } && npm run --silent check
CHECK_TARGETS += check-svelte
