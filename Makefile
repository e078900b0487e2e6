.PHONY: run test smoke fault ci format lint workflows

run:	## run the server, embedded
	swift run orderly serve

test:	## run the test suites
	swift test

smoke:	## end-to-end check of the real binary
	swift build --product orderly && scripts/smoke.sh

fault:	## kill the real server at random moments under load, then check every invariant (ORDERLY_FAULT_SEED repeats a run)
	swift build --product orderly && python3 scripts/fault-test.py

ci:	## what CI runs
	bash .ci/run

format:	## format the sources with swift-format
	swift format --in-place --recursive Sources Tests Package.swift

lint:	## what CI checks of the habits: formatting, and no warnings in Orderly's code
	swift format lint --strict --recursive Sources Tests Package.swift
	ORDERLY_WARNINGS_AS_ERRORS=1 swift build --build-tests

workflows:	## embed Workflows/*.asl.json into the binary after editing them
	python3 scripts/embed-workflows.py
